"""Run every kindreflex benchmark and print one table of figures against the goals.

Usage: python bench/run_all.py [--quick] [--only N,N...] [--markdown FILE]

Runs, each in its own process: cold_start.py [1], step_screen.py [2],
cli_commands.py [3, 4, 6], autosave.py [5], crash_loop.py [7] (with its naive
`--plain` writer as the yardstick) and store_io.py (store figures, no goal). Every
script's own output is shown as it runs; at the end comes a Markdown table, ready for
the README's "Performance" section, with the date and the size of this machine.
`--quick` takes about two minutes instead of about seven, with fewer runs.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import BENCH, PYTHON, machine

SCRIPTS = {
    "1": "cold_start.py",
    "2": "step_screen.py",
    "3": "cli_commands.py",
    "5": "autosave.py",
}
"""The scripts that report results as JSON, by the first goal they cover."""


def cell_ms(value: float) -> str:
    """Milliseconds for the table."""
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def run_script(name: str, extra: list[str]) -> list[dict[str, object]]:
    """Run one JSON-reporting bench script (output shown); return its results."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        target = Path(handle.name)
    try:
        print(f"\n=== {name} {' '.join(extra)}", flush=True)
        done = subprocess.run(
            [PYTHON, str(BENCH / name), *extra, "--json", str(target)], check=False
        )
        if done.returncode != 0 or not target.stat().st_size:
            print(f"!!! {name} failed ({done.returncode})", flush=True)
            return []
        return json.loads(target.read_text(encoding="utf-8"))
    finally:
        target.unlink(missing_ok=True)


def crash_loop(kills: int, plain_kills: int) -> dict[str, object]:
    """Run the SIGKILL loop with the store and with the naive writer; parse both."""
    found: dict[str, object] = {}
    for label, options in (
        ("store", ["--kills", str(kills)]),
        ("plain", ["--kills", str(plain_kills), "--plain"]),
    ):
        print(f"\n=== crash_loop.py {' '.join(options)}", flush=True)
        done = subprocess.run(
            [PYTHON, str(BENCH / "crash_loop.py"), *options],
            capture_output=True,
            text=True,
            check=False,
        )
        print(done.stdout + done.stderr, end="", flush=True)
        numbers = {
            key: int(match.group(1))
            for key, pattern in (
                ("kills", r"kills:\s+(\d+)"),
                ("corrupt", r"corrupt files:\s+(\d+)"),
                ("lost", r"acknowledged saves lost:\s+(\d+)"),
                ("saves", r"saves completed:\s+(\d+)"),
            )
            if (match := re.search(pattern, done.stdout))
        }
        found[label] = numbers
    return found


def table(results: list[dict[str, object]], crash: dict[str, object] | None) -> str:
    """The Markdown table of every result."""
    lines = [
        "| # | Benchmark | Median | p10–p90 | p99 | Max | Yardstick (median) | Ratio "
        "| Goal | Met |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s = r["subject"]
        y = r.get("yardstick")
        yard = f"{r['yardstick_name']}: {cell_ms(y['median'])}" if y else ""
        ratio = f"×{r['ratio']:.2f}" if r.get("ratio") is not None else ""
        met = "yes" if r["met"] else "**no**"
        if str(r["goal"]).startswith("("):
            met = "–"
        lines.append(
            f"| {r['number']} | {r['name']} | {cell_ms(s['median'])} | "
            f"{cell_ms(s['p10'])}–{cell_ms(s['p90'])} | {cell_ms(s['p99'])} | "
            f"{cell_ms(s['maximum'])} | {yard} | {ratio} | {r['goal']} | {met} |"
        )
    if crash:
        store, plain = crash.get("store", {}), crash.get("plain", {})
        corrupt = store.get("corrupt", -1)
        lost = store.get("lost", -1)
        met = "yes" if corrupt == 0 and lost == 0 else "**no**"
        lines.append(
            f"| 7 | SIGKILL crash loop (DossierStore) | {corrupt} corrupt, {lost} "
            f"saves lost in {store.get('kills', '?')} kills | | | | naive "
            f"`open('wb')` writer: {plain.get('corrupt', '?')} corrupt in "
            f"{plain.get('kills', '?')} kills | | zero corrupt | {met} |"
        )
    return "\n".join(lines)


def main() -> int:
    """Run the chosen benches and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, a few min")
    parser.add_argument(
        "--only", help="comma-separated goal numbers to run, e.g. 1,5,7 (default all)"
    )
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    quick = ["--quick"] if args.quick else []
    info = machine()
    started = time.perf_counter()

    results: list[dict[str, object]] = []
    covers = {"1": {"1"}, "2": {"2"}, "3": {"3", "4", "6"}, "5": {"5"}}
    for key, script in SCRIPTS.items():
        if wanted is None or covers[key] & wanted:
            results.extend(run_script(script, quick))
    results.sort(key=lambda r: str(r["number"]))
    if wanted is not None:
        results = [r for r in results if str(r["number"])[0] in wanted]

    crash = None
    if wanted is None or "7" in wanted:
        crash = crash_loop(20 if args.quick else 200, 10 if args.quick else 30)
    if wanted is None:
        store_io = ["--runs", "50", "--dossiers", "200"] if args.quick else []
        print(f"\n=== store_io.py {' '.join(store_io)}", flush=True)
        subprocess.run([PYTHON, str(BENCH / "store_io.py"), *store_io], check=False)

    minutes = (time.perf_counter() - started) / 60
    header = (
        f"Measured {info['date']} with `python bench/run_all.py"
        f"{' --quick' if args.quick else ''}` ({minutes:.1f} min) on {info['nproc']} "
        f"vCPU ({info['cpu']}), {info['memory']} RAM, {info['os']}, Python "
        f"{info['python']}, Textual {info['textual']}, pydantic {info['pydantic']}; "
        f"load average at the start {info['load']}."
    )
    text = header + "\n\n" + table(results, crash) + "\n"
    print("\n" + text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
