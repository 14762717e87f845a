"""[2] Opening a dossier until its step screen is drawn, and moving to the next step.

Usage: python bench/step_screen.py [--quick] [--rounds N] [--json FILE]

In one process, with the real app under Textual's test pilot (100x40, headless), on a
~200 KB dossier made by the engine (43 visits of the support loop 2 -> 3 -> 2):
- open: `app.open_dossier(path)` (read, validate, lock, protocol, push the step
  screen) until the step screen has been refreshed, then back home (not timed);
- step: `StepScreen._take(option)` (engine.decide, then the step body recomposed for
  the next step) until the screen has been refreshed; steps alternate 3 -> 2 and
  2 -> 3, the fields each step needs are filled in between (not timed).
"Drawn" means a `call_after_refresh` callback ran: Textual runs those once the screen
has no layout, repaint or dirty widgets left. The yardstick, interleaved with both, is
pushing a screen with one Static until it is drawn, and popping it. Autosave runs as
in real use; a pause after each timed action lets it finish outside the next one.
Goal: a step under 150 ms (median).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from _common import Figures, Result, finish, fmt_ms, ratio_of
from _data import ADVICE, SUPPORT, big_dossier_folder
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kindreflex_tui.tui.app import KindreflexApp, make_app
from kindreflex_tui.tui.home import HomeScreen
from kindreflex_tui.tui.session import AUTOSAVE_DELAY
from kindreflex_tui.tui.step_screen import StepScreen

SETTLE = AUTOSAVE_DELAY + 0.15
"""Seconds to wait after a timed action, so its autosave is done before the next."""


class PlainScreen(Screen[None]):
    """The yardstick: a screen with one Static."""

    def compose(self) -> ComposeResult:
        yield Static("Kindreflex")


async def drawn(screen: Screen[object]) -> None:
    """Wait until the screen has been refreshed with nothing left to draw."""
    done = asyncio.Event()
    screen.call_after_refresh(done.set)
    await done.wait()


CPU_MS: dict[float, float] = {}
"""The process CPU time of each timed action, keyed by its wall time (ms)."""


async def timed(action: Callable[[], Awaitable[Screen[object]]]) -> float:
    """Milliseconds from starting an action until the screen it returns is drawn.

    The process CPU time of the same span is kept in CPU_MS: on a busy machine it
    shows how much of the wall time was this process working.
    """
    start, cpu = time.perf_counter(), time.process_time()
    screen = await action()
    await drawn(screen)
    elapsed = (time.perf_counter() - start) * 1000
    CPU_MS[elapsed] = (time.process_time() - cpu) * 1000
    return elapsed


async def yardstick(app: KindreflexApp) -> float:
    """Push the one-Static screen until drawn (timed), then pop it (not timed)."""

    async def push() -> Screen[object]:
        app.push_screen(PlainScreen())
        return app.screen

    elapsed = await timed(push)
    app.pop_screen()
    await drawn(app.screen)
    return elapsed


def fill_step(app: KindreflexApp, round_no: int) -> None:
    """Answer what the current step needs before its decision (not timed)."""
    assert app.session is not None
    engine = app.session.engine
    if engine.step.id == "safety":
        engine.tick("consult")
        engine.add_item(
            "consultations",
            {
                "with": "colleague",
                "date": engine.today() - timedelta(days=1),
                "anonymous": False,
                "person": "Sofie Voorbeeld",
                "question": f"Bench-ronde {round_no}: signalen van onveiligheid?",
                "advice": ADVICE,
            },
        )
        engine.set_answer("not_right", False)
    else:
        for item in ("ask_regularly", "record_support"):
            engine.tick(item)
        engine.set_answer("support_given", f"Bench-ronde {round_no}. {SUPPORT}")


async def run(path: Path, config: Path, rounds: int) -> tuple[list[float], ...]:
    """Open and step `rounds` times each, with the yardstick around each."""
    app = make_app(path.parent, config_dir=config)
    opens: list[float] = []
    steps: list[float] = []
    yards: list[float] = []
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        async def open_it() -> Screen[object]:
            app.open_dossier(str(path))
            assert isinstance(app.screen, StepScreen), "dossier did not open"
            return app.screen

        for round_no in range(rounds + 1):  # round 0 warms up
            first, second = (opens, yards) if round_no % 2 else (yards, opens)
            for sample in (first, second):
                if sample is opens:
                    elapsed = await timed(open_it)
                    await asyncio.sleep(SETTLE)
                    app.action_go_home()
                    await drawn(app.screen)
                else:
                    elapsed = await yardstick(app)
                if round_no:
                    sample.append(elapsed)

        app.open_dossier(str(path))
        await drawn(app.screen)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        targets = {"support": "new_worries_safety", "safety": "no_doubts"}

        async def step_on() -> Screen[object]:
            option = screen.engine.step.option(targets[screen.engine.step.id])
            assert option is not None
            before = len(screen.engine.dossier.visits)
            await screen._take(option, "Bench: volgende stap.", None)
            assert len(screen.engine.dossier.visits) == before + 1, "step refused"
            return screen

        for round_no in range(rounds + 1):
            fill_step(app, round_no)
            await asyncio.sleep(SETTLE)
            await drawn(screen)
            first, second = (steps, yards) if round_no % 2 else (yards, steps)
            for sample in (first, second):
                if sample is steps:
                    elapsed = await timed(step_on)
                    await asyncio.sleep(SETTLE)
                else:
                    elapsed = await yardstick(app)
                if round_no:
                    sample.append(elapsed)
        await app.action_quit()
    return opens, steps, yards


def main() -> int:
    """Build the dossier, run the app under the pilot, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--rounds", type=int, help="timed rounds each (default 40)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    rounds = args.rounds or (8 if args.quick else 40)
    root = Path(tempfile.mkdtemp(prefix="kx-bench-step-"))
    try:
        (root / "config").mkdir()
        path, _ = big_dossier_folder(root / "data")
        size = path.stat().st_size
        opens, steps, yards = asyncio.run(run(path, root / "config", rounds))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    yard = Figures.of(yards)
    yard_cpu = Figures.of([CPU_MS[ms] for ms in yards])
    results = []
    for number, name, sample in (
        ("2a", f"open a {size / 1000:.0f} KB dossier until its step is drawn", opens),
        ("2b", "next step: engine.decide + step screen redrawn", steps),
    ):
        figures = Figures.of(sample)
        cpu = Figures.of([CPU_MS[ms] for ms in sample])
        results.append(
            Result(
                number=number,
                name=name,
                subject=figures,
                goal="under 150 ms" if number == "2b" else "(no goal; reported)",
                met=figures.median < 150 if number == "2b" else True,
                yardstick_name="push + draw a one-Static screen, same app",
                yardstick=yard,
                ratio=ratio_of(figures, yard),
                note=f"CPU time of the process over the same spans: median "
                f"{fmt_ms(cpu.median)}, p10-p90 {cpu.spread()} (yardstick "
                f"{fmt_ms(yard_cpu.median)})",
                extra={"cpu_median": cpu.median},
            )
        )
    return finish(results, args.json)


if __name__ == "__main__":
    sys.exit(main())
