"""Start an app headless and exit right after its first screen is drawn.

Usage: python bench/_start_driver.py bare
       python bench/_start_driver.py home DATA_DIR CONFIG_DIR

`bare` is the yardstick: a one-widget Textual app. `home` is the real kindreflex app on
a data folder, leaving as soon as the home screen (with its dossier table filled) has
been refreshed once. Both exit the same way: `call_after_refresh(app.exit)` from the
first screen's mount. cold_start.py times this whole process.
"""

from __future__ import annotations

import sys


def bare() -> None:
    """A one-Static Textual app, drawn once."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Kindreflex")

        def on_mount(self) -> None:
            self.call_after_refresh(self.exit)

    Bare().run(headless=True)


def home(data_dir: str, config_dir: str) -> None:
    """The kindreflex app on a data folder, until its home screen is drawn."""
    from pathlib import Path

    from kindreflex_tui.tui.app import make_app
    from kindreflex_tui.tui.home import HomeScreen

    fill = HomeScreen.on_mount
    shown: list[int] = []

    def on_mount(self: HomeScreen) -> None:
        fill(self)
        shown.append(len(self.rows))
        self.call_after_refresh(self.app.exit)

    HomeScreen.on_mount = on_mount  # type: ignore[method-assign]
    app = make_app(data_dir, config_dir=Path(config_dir))
    app.run(headless=True)
    if not shown or not shown[0]:
        raise SystemExit("the home screen was not drawn with dossiers")


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        home(sys.argv[2], sys.argv[3])
