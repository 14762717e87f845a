"""SVG snapshots of the step screen at 80x24 (fixed clock and day, no cursor blink)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from tui_harness import (
    CHILD_EXPECTED,
    CHILD_JAN,
    StepHarness,
    block_for,
    choose_option,
    make_engine,
    press_decide,
    settle,
)

SIZE = (80, 24)


def still(pilot: Pilot[Any]) -> None:
    """No blinking cursors: the picture must not depend on timing."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False


def test_step_one_with_two_children(snap_compare):
    """Step 1 with Jan [de oudste] (13 jaar · 12+) and an expected baby in the
    register; the flow map shows step 1 current; the add button has focus."""
    engine = make_engine()
    engine.tick("tell_standard")
    engine.set_answer("has_children", True)
    engine.add_item("children", CHILD_JAN)
    engine.add_item("children", CHILD_EXPECTED)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        still(pilot)
        block_for(pilot.app.screen, "children").add_button.focus()
        await settle(pilot)

    assert snap_compare(StepHarness(engine), terminal_size=SIZE, run_before=run_before)


def test_decision_panel_lists_what_is_missing(snap_compare):
    """The decision panel of step 1 after Beslis on a fresh dossier: the list of
    what is missing (items, answers, the reason) above the Beslis button."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        still(pilot)
        await choose_option(pilot, "not_applicable", "")
        await press_decide(pilot)
        pilot.app.screen.query_one("#decide").scroll_visible(animate=False)
        await settle(pilot)

    assert snap_compare(
        StepHarness(make_engine()), terminal_size=SIZE, run_before=run_before
    )
