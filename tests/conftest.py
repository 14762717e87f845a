"""Shared fixtures: the shipped protocol, a fixed clock and day, an engine factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from kindreflex_tui.dates import format_date
from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.loader import load_protocol
from kindreflex_tui.protocol.model import FieldSpec, Protocol

TODAY = date(2026, 3, 2)
"""The day the tests pretend it is, unless a test says otherwise."""

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
"""The moment the fixed clock starts at."""


class FixedClock:
    """A clock that starts at a fixed UTC moment and moves one second per reading."""

    def __init__(self, start: datetime = START, step: timedelta | None = None) -> None:
        self.now = start
        self.step = step if step is not None else timedelta(seconds=1)

    def __call__(self) -> datetime:
        moment = self.now
        self.now += self.step
        return moment


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    """The shipped CAW protocol, loaded once for the whole test session."""
    return load_protocol()


@pytest.fixture
def fixed_clock() -> FixedClock:
    """A fresh fixed clock for one test."""
    return FixedClock()


@pytest.fixture
def today() -> date:
    """The day the tests pretend it is."""
    return TODAY


@pytest.fixture
def engine(
    protocol: Protocol, fixed_clock: FixedClock, today: date
) -> Callable[..., Engine]:
    """A factory for engines on a new dossier at step 1, with a fixed clock and day."""

    def make(
        *,
        client_ref: str = "CL-2026-0001",
        counsellor: str = "Els Peeters",
        dossier_id: str = "kx-test-0001",
        on: date | None = None,
    ) -> Engine:
        day = on or today
        return Engine.start(
            protocol,
            dossier_id=dossier_id,
            client_ref=client_ref,
            counsellor=counsellor,
            clock=fixed_clock,
            today=lambda: day,
        )

    return make


def sample_value(spec: FieldSpec, engine: Engine) -> Any:
    """A valid answer for a scalar field, as a counsellor would type it."""
    if spec.type in ("text", "long_text"):
        return f"{spec.label} (ingevuld)"
    if spec.type == "date":
        return format_date(engine.today())
    if spec.type == "yes_no":
        return True
    choices = engine.protocol.choice_list(spec.choices)
    if spec.type == "choice":
        return choices[0].id
    return [choices[0].id]


def sample_item(spec: FieldSpec, engine: Engine) -> dict[str, Any]:
    """A repeat item with every visible required sub-field filled in."""
    item: dict[str, Any] = {}
    for sub in spec.fields:
        if sub.type != "info" and engine.is_required(sub, item):
            item[sub.id] = sample_value(sub, engine)
    return item


def complete_step(engine: Engine, option: str | None = None, **answers: Any) -> None:
    """Give the answers, then fill in whatever is still open before taking `option`."""
    for field_id, value in answers.items():
        engine.set_answer(field_id, value)
    for _ in range(10):
        missing = engine.missing(option)
        if not missing:
            return
        for gap in missing:
            mark = engine.visit.marks.get(gap.target)
            if mark is not None and not mark.source:
                # A third-party mark asks for its source.
                engine.set_mark(gap.target, mark.kind, "de school")
                continue
            field_id, _, rest = gap.target.partition("/")
            spec = engine.step.field(field_id)
            if spec is None:
                engine.tick(gap.target)
            elif spec.type == "repeat" and not rest:
                engine.add_item(spec.id, sample_item(spec, engine))
            elif spec.type == "per_child":
                for sub in spec.fields:
                    answers_now = engine.per_child(spec.id, rest)
                    if engine.is_required(sub, answers_now):
                        engine.set_child_answer(
                            spec.id, rest, sub.id, sample_value(sub, engine)
                        )
            elif spec.type != "repeat":
                engine.set_answer(spec.id, sample_value(spec, engine))
    raise AssertionError(f"step {engine.step.id} stays incomplete: {missing}")


@pytest.fixture(scope="session")
def complete() -> Callable[..., None]:
    """Fill in a step of any protocol far enough to take a given option."""
    return complete_step
