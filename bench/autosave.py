"""[5] Autosave of a ~200 KB dossier in the running app, and the loop stall it causes.

Usage: python bench/autosave.py [--quick] [--saves N] [--json FILE]

The real app runs under Textual's test pilot with a ~200 KB dossier open. Each round
ticks or unticks a checklist item through the engine, so the app's own autosave runs:
it serialises on the event loop, then writes in a worker thread (Session._store:
stat check, .bak link, temp file, fsync, rename, directory fsync). Instance wrappers
record how long the serialising (loop) and the store (thread) take, and when each
autosave starts (the debounce timer fires) and ends (the loop hears it is saved).

A ticker task on the same loop sleeps 1 ms at a time; any extra time before it wakes
is loop lag. The stall of a save is the worst lag that overlaps its window. The
yardstick, interleaved round by round, is a plain `open().write()` of the same bytes
in a worker thread (no serialising, no fsync), with the same ticker. The debounce is
cut from 0.3 s to 0.05 s for the bench (module constant), so rounds go faster.
Goal: no stall over 20 ms while saving.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import Figures, Result, finish, fmt_ms
from _data import big_dossier_folder
from step_screen import drawn

import kindreflex_tui.tui.session as session_module
from kindreflex_tui.tui.app import make_app

TICK = 0.001
"""The ticker's sleep, in seconds."""
DEBOUNCE = 0.05
"""The autosave delay used for the bench (the app's is AUTOSAVE_DELAY)."""


class Ticker:
    """Records every wake-up of a task that sleeps TICK at a time on the loop."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self.cpu: list[float] = []
        """The loop thread's own CPU time (ms) within each span."""
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start ticking on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        last, last_cpu = time.perf_counter(), time.thread_time()
        while True:
            await asyncio.sleep(TICK)
            now, now_cpu = time.perf_counter(), time.thread_time()
            self.spans.append((last, now))
            self.cpu.append((now_cpu - last_cpu) * 1000)
            last, last_cpu = now, now_cpu

    def stop(self) -> None:
        """Stop ticking."""
        if self._task is not None:
            self._task.cancel()

    def worst_lag(self, start: float, end: float) -> tuple[float, float, float]:
        """The worst loop stall within [start, end] (ms), with its span's loop CPU
        time (ms) and the moment it began.

        A stall is the time from when the ticker was due to wake until it woke; only
        the part inside the window counts, so a stall that merely delayed the start
        of a save (its timer fired late) is not blamed on the save.
        """
        worst = (0.0, 0.0, start)
        for (slept, woke), cpu in zip(self.spans, self.cpu, strict=True):
            due = max(slept + TICK, start)
            inside = (min(woke, end) - due) * 1000
            if inside > worst[0]:
                worst = (inside, cpu, due)
        return worst


@dataclass
class Samples:
    """What one bench run recorded (times in ms)."""

    serialise: list[float]
    store: list[float]
    autosave: list[float]
    stalls: list[tuple[float, float, float]]
    plain: list[float]
    plain_stalls: list[tuple[float, float, float]]
    all_lags: list[float]
    sizes: tuple[int, int]
    collections: list[tuple[int, float, float]]
    """Garbage collections: generation, start and end (perf_counter seconds)."""
    windows: list[tuple[float, float]]


class CollectionLog:
    """Records when Python's cyclic garbage collector ran, per generation."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, float, float]] = []
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.runs.append((info["generation"], self._start, time.perf_counter()))


async def run(path: Path, config: Path, saves: int, *, freeze: bool = False) -> Samples:
    """Run `saves` autosaves and as many yardstick writes; return the samples.

    With `freeze`, everything alive once the dossier is open is moved out of the
    garbage collector's reach (`gc.freeze()`), to show what that would change.
    """
    session_module.AUTOSAVE_DELAY = DEBOUNCE
    collections = CollectionLog()
    gc.callbacks.append(collections)
    app = make_app(path.parent, config_dir=config)
    serialise_ms: list[float] = []
    store_ms: list[float] = []
    windows: list[list[float]] = []
    plain_ms: list[float] = []
    plain_windows: list[tuple[float, float]] = []
    ticker = Ticker()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.open_dossier(str(path))
        await drawn(app.screen)
        session = app.session
        assert session is not None
        size_before = path.stat().st_size
        if freeze:
            gc.collect()
            gc.freeze()

        serialise, store = session.handle.serialise, session._store
        autosave, saved = session._autosave, session._saved

        def timed_serialise() -> bytes:
            start = time.perf_counter()
            data = serialise()
            serialise_ms.append((time.perf_counter() - start) * 1000)
            return data

        def timed_store(version: int, payload: bytes) -> None:
            start = time.perf_counter()
            store(version, payload)
            store_ms.append((time.perf_counter() - start) * 1000)

        def timed_autosave() -> None:
            windows.append([time.perf_counter(), 0.0])
            autosave()

        def timed_saved() -> None:
            saved()
            windows[-1][1] = time.perf_counter()

        session.handle.serialise = timed_serialise  # type: ignore[method-assign]
        session._store = timed_store  # type: ignore[method-assign]
        session._autosave = timed_autosave  # type: ignore[method-assign]
        session._saved = timed_saved  # type: ignore[method-assign]

        engine = session.engine
        payload = session.handle.serialise()
        serialise_ms.clear()
        plain_path = path.with_name("plain.out")

        def plain_write() -> None:
            start = time.perf_counter()
            with open(plain_path, "wb") as handle:
                handle.write(payload)
            plain_ms.append((time.perf_counter() - start) * 1000)

        async def one_save() -> None:
            count = len(windows)
            engine.tick("discuss_impact", "discuss_impact" not in engine.visit.ticked)
            while len(windows) == count or not windows[-1][1]:
                await asyncio.sleep(0.005)

        async def one_plain() -> None:
            start = time.perf_counter()
            await asyncio.get_running_loop().run_in_executor(None, plain_write)
            plain_windows.append((start, time.perf_counter()))

        ticker.start()
        await one_save()  # warm-up
        await one_plain()
        windows.clear()
        store_ms.clear()
        serialise_ms.clear()
        plain_ms.clear()
        plain_windows.clear()
        for round_no in range(saves):
            first, second = (
                (one_save, one_plain) if round_no % 2 else (one_plain, one_save)
            )
            await first()
            await asyncio.sleep(0.02)
            await second()
            await asyncio.sleep(0.02)
        ticker.stop()
        size_after = path.stat().st_size
        await app.action_quit()
    plain_path.unlink(missing_ok=True)
    gc.callbacks.remove(collections)
    return Samples(
        serialise=serialise_ms,
        store=store_ms,
        autosave=[(end - start) * 1000 for start, end in windows],
        stalls=[ticker.worst_lag(start, end) for start, end in windows],
        plain=plain_ms,
        plain_stalls=[ticker.worst_lag(start, end) for start, end in plain_windows],
        all_lags=[(woke - slept - TICK) * 1000 for slept, woke in ticker.spans],
        sizes=(size_before, size_after),
        collections=collections.runs,
        windows=[(start, end) for start, end in windows],
    )


def _overlaps_full(found: Samples, span: tuple[float, float]) -> bool:
    """Whether a full garbage collection ran within the span."""
    start, end = span
    return any(g == 2 and b >= start and a <= end for g, a, b in found.collections)


def main() -> int:
    """Build the dossier, run the autosaves, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer saves")
    parser.add_argument("--saves", type=int, help="timed saves (default 200)")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="experiment: gc.freeze() once the dossier is open",
    )
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    saves = args.saves or (40 if args.quick else 200)
    root = Path(tempfile.mkdtemp(prefix="kx-bench-save-"))
    try:
        (root / "config").mkdir()
        path, _ = big_dossier_folder(root / "data")
        found = asyncio.run(run(path, root / "config", saves, freeze=args.gc_freeze))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    before, after = found.sizes
    store = Figures.of(found.store)
    plain = Figures.of(found.plain)
    serialise = Figures.of(found.serialise)
    whole = Figures.of(found.autosave)
    stalls = Figures.of([lag for lag, _, _ in found.stalls])
    worst, worst_cpu, worst_start = max(found.stalls)
    own = Figures.of([cpu for _, cpu, _ in found.stalls])
    plain_stalls = Figures.of([lag for lag, _, _ in found.plain_stalls])
    worst_span = (worst_start, worst_start + worst / 1000)
    full = [(b - a) * 1000 for g, a, b in found.collections if g == 2]
    gc_note = (
        f"full garbage collections (gen 2) during the run: {len(full)}, longest "
        f"{fmt_ms(max(full, default=0.0))}; one overlaps the worst stall: "
        f"{'yes' if found.windows and _overlaps_full(found, worst_span) else 'no'}"
        f"{' (gc.freeze() after opening)' if args.gc_freeze else ''}"
    )
    results = [
        Result(
            number="5a",
            name=f"autosave write of a {before / 1000:.0f}-{after / 1000:.0f} KB "
            "dossier (worker thread)",
            subject=store,
            goal="(reported: median and p99)",
            met=True,
            yardstick_name="plain open().write of the same bytes in a thread",
            yardstick=plain,
            ratio=store.median / plain.median,
            note=f"serialise on the loop: median {fmt_ms(serialise.median)}, p99 "
            f"{fmt_ms(serialise.p99)}; whole autosave (timer to saved): median "
            f"{fmt_ms(whole.median)}, p99 {fmt_ms(whole.p99)}",
        ),
        Result(
            number="5b",
            name="longest event-loop stall while an autosave runs",
            subject=stalls,
            goal="no stall over 20 ms",
            met=worst <= 20,
            yardstick_name="stall during a plain threaded write",
            yardstick=plain_stalls,
            ratio=None,
            note=f"worst stall {fmt_ms(worst)}; the loop thread's own CPU time over "
            f"that tick: {fmt_ms(worst_cpu)} (the rest was waiting for the GIL or the "
            f"OS); per save, median {fmt_ms(own.median)}, max "
            f"{fmt_ms(own.maximum)}. Yardstick worst "
            f"{fmt_ms(plain_stalls.maximum)}; worst lag over the whole run "
            f"{fmt_ms(max(found.all_lags))}\n    {gc_note}",
            extra={"worst_stall": worst, "worst_stall_loop_cpu": worst_cpu},
        ),
    ]
    return finish(results, args.json)


if __name__ == "__main__":
    sys.exit(main())
