"""Run kindreflex with `python -m kindreflex_tui`."""

from kindreflex_tui.cli import main

raise SystemExit(main())
