"""Time the headless commands as a counsellor runs them, each against a yardstick.

Usage: python bench/cli_commands.py [--quick] [--runs N] [--json FILE]

Whole processes, start to exit, interleaved with their yardstick in alternating order:
- [3] `kindreflex summary` on a ~200 KB dossier vs `python -c "import pydantic"`
  (goal: ratio <= 1.8);
- [4] `kindreflex --version` vs `python -c pass` (goal: ratio <= 3);
- [6] `kindreflex list` over 1,000 dossiers of ~20 KB vs a Python process that reads
  and `json.loads` every file (goal: under 1.5 s).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _common import (
    PYTHON,
    Figures,
    Result,
    finish,
    fmt_ms,
    paired_processes,
    process_result,
    ratio_of,
)
from _data import big_dossier_folder, many_dossiers_folder

READ_ALL = (
    "import json, pathlib, sys\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.json')):\n"
    "    json.loads(p.read_bytes())\n"
)
"""The listing yardstick: read and parse every dossier file, nothing more."""

MODELS = "import kindreflex_tui.dossier.model, kindreflex_tui.protocol.model"
"""The floor of any command that validates a dossier: building its pydantic models."""


def kindreflex() -> list[str]:
    """The installed `kindreflex` command next to this Python, else `-m`."""
    script = Path(PYTHON).with_name("kindreflex")
    return [str(script)] if script.exists() else [PYTHON, "-m", "kindreflex_tui"]


def bench_summary(root: Path, runs: int) -> Result:
    """[3] summary of a 200 KB dossier vs import pydantic."""
    path, _ = big_dossier_folder(root / "big")
    size = path.stat().st_size
    subject, yard, models = paired_processes(
        [
            [*kindreflex(), "summary", "BENCH-200K", "--data-dir", str(root / "big")],
            [PYTHON, "-c", "import pydantic"],
            [PYTHON, "-c", MODELS],
        ],
        runs,
    )
    result = process_result(
        "3",
        f"`kindreflex summary` on a {size / 1000:.0f} KB dossier",
        subject,
        'python -c "import pydantic"',
        yard,
        goal="ratio <= 1.8",
        limit_ratio=1.8,
    )
    floor = Figures.of([r.wall for r in models])
    floor_cpu = Figures.of([r.cpu for r in models])
    result.note += (
        f"\n    floor, importing the dossier and protocol models only: median "
        f"{fmt_ms(floor.median)} (x{ratio_of(floor, result.yardstick):.2f} of import "
        f"pydantic; CPU {fmt_ms(floor_cpu.median)})"
    )
    result.extra["models_floor_median"] = floor.median
    result.extra["models_floor_ratio"] = ratio_of(floor, result.yardstick)
    return result


def bench_version(runs: int) -> Result:
    """[4] --version vs an empty Python."""
    subject, yard = paired_processes(
        [[*kindreflex(), "--version"], [PYTHON, "-c", "pass"]], runs
    )
    return process_result(
        "4",
        "`kindreflex --version`",
        subject,
        "python -c pass",
        yard,
        goal="ratio <= 3",
        limit_ratio=3.0,
    )


def bench_list(root: Path, runs: int, count: int) -> Result:
    """[6] list over `count` dossiers of ~20 KB vs reading + parsing every file."""
    folder = root / "many"
    mean = many_dossiers_folder(folder, count)
    subject, yard = paired_processes(
        [
            [*kindreflex(), "list", "--data-dir", str(folder)],
            [PYTHON, "-c", READ_ALL, str(folder)],
        ],
        runs,
        warmup=1,
    )
    return process_result(
        "6",
        f"`kindreflex list` over {count} dossiers of {mean / 1000:.1f} KB",
        subject,
        "python: read + json.loads every file",
        yard,
        goal="under 1.5 s",
        limit_ms=1500,
    )


def main() -> int:
    """Build the data folders, time the three commands, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--runs", type=int, help="runs per command (default 40)")
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    runs = args.runs or (8 if args.quick else 40)
    root = Path(tempfile.mkdtemp(prefix="kx-bench-cli-"))
    try:
        results = [
            bench_summary(root, runs),
            bench_version(runs),
            bench_list(root, max(5, runs // 3), args.dossiers),
        ]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return finish(results, args.json)


if __name__ == "__main__":
    sys.exit(main())
