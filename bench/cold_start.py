"""[1] Cold start of the app until the home screen is drawn, vs a bare Textual app.

Usage: python bench/cold_start.py [--quick] [--runs N] [--json FILE]

Both are whole processes started by bench/_start_driver.py and timed from start to
exit: the real kindreflex app headless on a data folder with the demo dossiers, leaving
right after the home screen's first refresh, and a one-Static Textual app leaving the
same way. Interleaved in alternating order. Goal: ratio of medians <= 1.3.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _common import BENCH, PYTHON, Result, finish, paired_processes, process_result

from kindreflex_tui.demo import write_demo

DRIVER = str(BENCH / "_start_driver.py")


def bench_cold_start(root: Path, runs: int) -> Result:
    """Time the app to its home screen against the one-widget app."""
    data, config = root / "data", root / "config"
    config.mkdir(parents=True)
    count = len(write_demo(data))
    subject, yard = paired_processes(
        [
            [PYTHON, DRIVER, "home", str(data), str(config)],
            [PYTHON, DRIVER, "bare"],
        ],
        runs,
    )
    return process_result(
        "1",
        f"cold start to the home screen drawn ({count} demo dossiers)",
        subject,
        "one-Static Textual app, same exit",
        yard,
        goal="ratio <= 1.3",
        limit_ratio=1.3,
    )


def main() -> int:
    """Make a demo data folder, time both apps, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--runs", type=int, help="runs per app (default 30)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kx-bench-start-"))
    try:
        results = [bench_cold_start(root, args.runs or (6 if args.quick else 30))]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return finish(results, args.json)


if __name__ == "__main__":
    sys.exit(main())
