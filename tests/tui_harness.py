"""A tiny app that shows the StepScreen on an in-memory engine, for tests and tmux.

Run it by hand: `python tests/tui_harness.py [step-id]`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, TextArea

if __package__ in (None, ""):  # run as a script: make `kindreflex_tui` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.loader import load_protocol
from kindreflex_tui.protocol.model import Protocol
from kindreflex_tui.tui.step_screen import StepScreen
from kindreflex_tui.tui.widgets.fields import FieldBlock, FieldEditor
from kindreflex_tui.tui.widgets.item_form import ItemForm
from kindreflex_tui.tui.widgets.repeat import RepeatEditor

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
        self.animation_level = "none"
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


# -- routes: what a counsellor fills in per step, for the engine and for the screen --

CHILD_JAN = {
    "name": "Jan [de oudste]",
    "expected": False,
    "birth_date": "03-02-2013",
    "lives_with_client": "permanent",
}
"""A child of 13 on TODAY: 12+."""

CHILD_EXPECTED = {"name": "Baby", "expected": True, "due_date": "05-09-2026"}
"""An expected child."""

CONSULTATION = {
    "with": "colleague",
    "date": "27-02-2026",
    "anonymous": False,
    "person": "Collega An",
    "advice": "Verder navragen bij de school.",
}


@dataclass(frozen=True)
class StepPlan:
    """What to tick and answer in one step, and which option to take."""

    ticks: tuple[str, ...]
    answers: dict[str, Any]
    """Field id to value; a repeat takes a list of item dicts (dates as typed)."""
    option: str
    reason: str = "Besproken in het team."


PLANS: dict[str, StepPlan] = {
    "conversation": StepPlan(
        ("tell_standard", "ask_children"),
        {"has_children": True, "children": [CHILD_JAN], "residential": False},
        "children_present",
    ),
    "safety": StepPlan(
        ("consult",),
        {
            "consultations": [CONSULTATION],
            "not_right": True,
            "not_right_reasons": "Jan slaapt slecht sinds de verhuis.",
        },
        "doubts",
    ),
    "concern": StepPlan(
        ("gather_data", "discuss_first", "team_decides", "record_decision"),
        {
            "team_date": "01-03-2026",
            "team_members": "Els, Tom",
            "outcome": "concerning",
            "willingness": "willing",
            "rationale": "Zorgen, maar moeder werkt mee.",
        },
        "concerning_willing",
    ),
    "restore": StepPlan(
        ("create_safety", "record_progress"),
        {
            "agreements": [{"what": "Oma haalt Jan op", "who": "Oma"}],
            "monitor": "Els",
            "evaluation_date": "01-04-2026",
            "progress": "Afspraken lopen goed.",
        },
        "improving",
    ),
    "support": StepPlan(
        ("record_support",),
        {"support_given": "Opvoedingsgesprekken."},
        "support_finished",
    ),
    "mandated": StepPlan(
        ("inform_client", "contact_facility", "record_actions"),
        {
            "facility": "vk",
            "contact_date": "01-03-2026",
            "request_type": "consultation",
            "client_informed": True,
            "informed_on": "01-03-2026",
            "follow_up_actions": "VK neemt contact op.",
        },
        "handed_over",
    ),
}
"""One way through each step; the concern plan leads to step 5."""

ACUTE = StepPlan(
    PLANS["concern"].ticks,
    {**PLANS["concern"].answers, "outcome": "acute_danger", "willingness": "unable"},
    "concerning_unwilling",
)
"""Step 4 decided as acute danger: on to step 6."""


def fill_with_engine(engine: Engine, plan: StepPlan, *, decide: bool = True) -> None:
    """Fill in a step through the engine API alone (to build a dossier fast)."""
    for item in plan.ticks:
        engine.tick(item)
    for field_id, value in plan.answers.items():
        spec = engine.step.field(field_id)
        assert spec is not None, field_id
        if spec.type == "repeat":
            for item in value:
                engine.add_item(field_id, item)
        elif value is not None:
            engine.set_answer(field_id, value)
    if decide:
        engine.decide(plan.option, plan.reason)


def engine_at(step_id: str, *, route: tuple[str, ...] | None = None) -> Engine:
    """An engine whose dossier has walked (through the engine) to a step."""
    engine = make_engine()
    walk = (
        route
        or {
            "conversation": (),
            "safety": ("conversation",),
            "concern": ("conversation", "safety"),
            "restore": ("conversation", "safety", "concern"),
            "support": ("conversation", "safety", "concern", "restore"),
            "mandated": ("conversation", "safety", "concern"),
        }[step_id]
    )
    for step in walk:
        plan = PLANS[step]
        if step == "concern" and step_id == "mandated":
            plan = ACUTE
        fill_with_engine(engine, plan)
    assert engine.dossier.current_step == step_id
    return engine


# -- driving the screen like a counsellor ---------------------------------------------


async def settle(pilot: Pilot[Any]) -> None:
    """Let messages chain through (control -> field -> engine -> conditions)."""
    await pilot.pause()
    await pilot.pause()


def block_for(root: Widget, field_id: str) -> FieldBlock:
    """The first field widget for a field id under a screen or form."""
    for block in root.query(FieldBlock):
        if block.spec.id == field_id:
            return block
    raise LookupError(field_id)


async def choose_radio(
    pilot: Pilot[Any], radio_set: RadioSet, index: int, *, keyboard: bool = True
) -> None:
    """Pick an option of a radio set: arrows then Enter, or as a mouse click would."""
    buttons = list(radio_set.query(RadioButton))
    if not keyboard:
        buttons[index].value = True
        return
    radio_set.focus()
    await pilot.pause()
    current = next((i for i, b in enumerate(buttons) if b.has_class("-selected")), 0)
    for _ in range((index - current) % len(buttons)):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def answer(
    pilot: Pilot[Any],
    root: Widget,
    field_id: str,
    value: Any,
    *,
    keyboard: bool = True,
) -> None:
    """Answer one field through its control; with the keyboard, leave it with Tab."""
    block = block_for(root, field_id)
    if isinstance(block, RepeatEditor):
        for item in value:
            await add_item(pilot, block, item, keyboard=keyboard)
        return
    assert isinstance(block, FieldEditor), field_id
    control = block.control
    if isinstance(control, RadioSet):
        if block.spec.type == "yes_no":
            index = 0 if value else 1
        else:
            codes = [c.id for c in block.protocol.choice_list(block.spec.choices)]
            index = codes.index(value)
        await choose_radio(pilot, control, index, keyboard=keyboard)
        return
    if isinstance(control, Input):
        control.value = value
    elif isinstance(control, TextArea):
        control.text = value
    if keyboard:
        control.focus()
        await pilot.pause()
        await pilot.press("tab")
        await settle(pilot)
    elif block.commit is not None:
        block.flush()


async def add_item(
    pilot: Pilot[Any],
    editor: RepeatEditor,
    item: dict[str, Any],
    *,
    keyboard: bool = True,
) -> None:
    """Add an item with the form: Toevoegen, fill in, Ctrl+S."""
    editor.add_button.focus()
    await pilot.press("enter")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, ItemForm)
    for key, value in item.items():
        await answer(pilot, form, key, value, keyboard=keyboard)
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert not isinstance(pilot.app.screen, ItemForm), form.query_one("#item-error")


async def choose_option(
    pilot: Pilot[Any], option_id: str, reason: str, *, keyboard: bool = True
) -> None:
    """Pick a decision option and type the reason, without deciding yet."""
    screen = pilot.app.screen
    assert isinstance(screen, StepScreen)
    ids = [o.id for o in screen.engine.step.options]
    options = screen.query_one("#decision-options", RadioSet)
    await choose_radio(pilot, options, ids.index(option_id), keyboard=keyboard)
    screen.query_one("#decision-reason", Input).value = reason
    await pilot.pause()


async def press_decide(pilot: Pilot[Any]) -> None:
    """Press Beslis with the keyboard."""
    pilot.app.screen.query_one("#decide", Button).focus()
    await pilot.press("enter")
    await settle(pilot)


async def complete_step(
    pilot: Pilot[Any], plan: StepPlan, *, keyboard: bool = False
) -> None:
    """Tick, answer and decide one step through the screen's widgets alone."""
    screen = pilot.app.screen
    assert isinstance(screen, StepScreen)
    for item in plan.ticks:
        box = screen.query_one(f"#item-{item}", Checkbox)
        if keyboard:
            box.focus()
            await pilot.press("space")
        else:
            box.toggle()
    for field_id, value in plan.answers.items():
        if value is not None:
            await answer(pilot, screen, field_id, value, keyboard=keyboard)
    await settle(pilot)
    await choose_option(pilot, plan.option, plan.reason, keyboard=keyboard)
    await press_decide(pilot)


def demo_engine(step: str | None = None) -> Engine:
    """An engine for trying the screen by hand, optionally walked to a step."""
    return engine_at(step) if step else make_engine()


if __name__ == "__main__":
    StepHarness(demo_engine(sys.argv[1] if len(sys.argv) > 1 else None)).run()
