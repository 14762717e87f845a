"""Time saving and loading a ~200 KB dossier, and listing 1,000 dossiers of ~20 KB.

Usage: python bench/store_io.py [--runs N] [--dossiers N]

Each figure is set against a yardstick measured in the same run on the same bytes
(the x-factor is the ratio of medians): a plain `open().write()` of the saved bytes for
saving, reading plus `json.loads` of the file for loading, and the same for every file
for the listing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fixtures"))

from dossier_factory import dossier_of_size

from kindreflex_tui.dossier.atomic import write_atomic
from kindreflex_tui.dossier.store import DossierStore, read_dossier


def timings(actions: list[Callable[[], object]], runs: int) -> list[list[float]]:
    """Run the actions round-robin `runs` times (after a warm-up), so that drift on a
    noisy machine hits them alike; return each one's milliseconds, sorted."""
    for action in actions:
        action()
    result: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, times in zip(actions, result, strict=True):
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
    return [sorted(times) for times in result]


def quantile(values: list[float], q: float) -> float:
    """The q-quantile of sorted values (nearest rank)."""
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def report(name: str, values: list[float], yardstick: list[float] | None) -> None:
    """Print median, p10-p90 spread, p99 and the ratio of medians to the yardstick."""
    median = statistics.median(values)
    ratio = f"  x{median / statistics.median(yardstick):.1f}" if yardstick else ""
    print(
        f"  {name:<47} median {median:7.2f} ms   p10-p90 "
        f"{quantile(values, 0.1):6.2f}-{quantile(values, 0.9):6.2f}   p99 "
        f"{quantile(values, 0.99):6.2f}{ratio}"
    )


def save_and_load(folder: Path, runs: int) -> None:
    """Time the save and load of one ~200 KB dossier against plain file I/O."""
    store = DossierStore(folder)
    dossier = dossier_of_size(store.new_id(), 200_000)
    opened = store.create(dossier, holder="bench")
    data = dossier.model_dump_json(indent=2).encode()
    plain_path = folder / "plain.out"
    as_dict = json.loads(data)
    print(
        f"dossier: {len(data) / 1000:.0f} KB, {len(dossier.history)} events, "
        f"{runs} runs each"
    )

    def plain_write() -> None:
        with open(plain_path, "wb") as handle:
            handle.write(data)

    def dumps_and_write() -> None:
        with open(plain_path, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(as_dict))

    def plain_write_fsync() -> None:
        with open(plain_path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    names = [
        "yardstick: open().write of the same bytes",
        "json.dumps (compact) + open().write",
        "open().write + fsync",
        "write_atomic (temp, fsync, replace, dir fsync)",
        "OpenDossier.save (dump, backup, write_atomic)",
    ]
    actions = [
        plain_write,
        dumps_and_write,
        plain_write_fsync,
        lambda: write_atomic(plain_path, data),
        opened.save,
    ]
    print("save")
    results = timings(actions, runs)
    for name, values in zip(names, results, strict=True):
        report(name, values, None if values is results[0] else results[0])
    opened.close()

    def plain_load() -> object:
        with open(opened.path, "rb") as handle:
            return json.loads(handle.read())

    yard, load = timings([plain_load, lambda: read_dossier(opened.path)], runs)
    print("load")
    report("yardstick: open().read + json.loads", yard, None)
    report("read_dossier (read, validate)", load, yard)


def listing(folder: Path, count: int) -> None:
    """Time scan() over `count` dossiers of ~20 KB against reading + json.loads."""
    store = DossierStore(folder)
    template = dossier_of_size("kx-20260302-000000", 20_000)
    for number in range(count):
        dossier = template.model_copy(
            update={"id": f"kx-20260302-{number:06x}", "client_ref": f"CL-{number}"}
        )
        store.path_for(dossier.id).write_bytes(
            dossier.model_dump_json(indent=2).encode()
        )
    size = sum(p.stat().st_size for p in folder.glob("*.json")) / count

    def plain_all() -> None:
        for path in sorted(folder.glob("*.json")):
            json.loads(path.read_bytes())

    runs = 7
    yard, scans = timings([plain_all, store.scan], runs)
    assert all(x.dossier for x in store.scan())
    print(f"scan: {count} dossiers of {size / 1000:.1f} KB, {runs} runs, warm cache")
    report("yardstick: read + json.loads of every file", yard, None)
    report("DossierStore.scan()", scans, yard)


def main() -> int:
    """Run both measurements in a temporary folder and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--dossiers", type=int, default=1000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kx-bench-"))
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, folder {root}")
        save_and_load(root / "one", args.runs)
        listing(root / "many", args.dossiers)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
