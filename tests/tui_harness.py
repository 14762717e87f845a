"""A tiny app that shows the StepScreen on an in-memory engine, for tests and tmux.

Run it by hand: `python tests/tui_harness.py [step-id]`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path

from textual.app import App

if __package__ in (None, ""):  # run as a script: make `kindreflex_tui` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.loader import load_protocol
from kindreflex_tui.protocol.model import Protocol
from kindreflex_tui.tui.step_screen import StepScreen

TODAY = date(2026, 3, 2)
"""The fixed day the tests live on."""
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

_PROTOCOL: Protocol | None = None


def shipped_protocol() -> Protocol:
    """The CAW protocol, loaded once per test run."""
    global _PROTOCOL
    if _PROTOCOL is None:
        _PROTOCOL = load_protocol()
    return _PROTOCOL


def ticking_clock() -> Callable[[], datetime]:
    """A clock that moves one second per reading, from a fixed start."""
    seconds = count()
    return lambda: START + timedelta(seconds=next(seconds))


def make_engine(protocol: Protocol | None = None) -> Engine:
    """A fresh dossier at step 1, with a fixed clock and today."""
    return Engine.start(
        protocol or shipped_protocol(),
        dossier_id="kx-test-0001",
        client_ref="CL-TEST",
        counsellor="Els Peeters",
        clock=ticking_clock(),
        today=lambda: TODAY,
    )


class StepHarness(App[None]):
    """Pushes a StepScreen; records the app actions the screen hands on."""

    TITLE = "kindreflex"

    def __init__(
        self,
        engine: Engine,
        *,
        readonly: bool = False,
        readonly_reason: str | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.readonly = readonly
        self.readonly_reason = readonly_reason
        self.actions: list[str] = []
        self.dismissed = False

    def on_mount(self) -> None:
        """Show the step screen, as the real app does."""
        self.push_screen(
            StepScreen(
                self.engine,
                readonly=self.readonly,
                readonly_reason=self.readonly_reason,
            ),
            self._step_closed,
        )

    def _step_closed(self, _result: None) -> None:
        self.dismissed = True

    def action_show_history(self) -> None:
        """Stands in for the app's history screen."""
        self.actions.append("show_history")

    def action_show_summary(self) -> None:
        """Stands in for the app's summary screen."""
        self.actions.append("show_summary")

    def action_show_redacted_summary(self) -> None:
        """Stands in for the app's redacted summary."""
        self.actions.append("show_redacted_summary")

    def action_go_home(self) -> None:
        """Stands in for the app's home screen."""
        self.actions.append("go_home")

    def action_save_now(self) -> None:
        """Stands in for the app's save."""
        self.actions.append("save_now")


def demo_engine(step: str | None = None) -> Engine:
    """An engine for trying the screen by hand, optionally moved to a step."""
    engine = make_engine()
    if step and step != engine.dossier.current_step:
        engine.dossier.visits[-1].step = step
    return engine


if __name__ == "__main__":
    StepHarness(demo_engine(sys.argv[1] if len(sys.argv) > 1 else None)).run()
