"""The decision panel: what is missing, contradicting options, the next step."""

from __future__ import annotations

from textual.widgets import Input, Static
from tui_harness import (
    CHILD_JAN,
    StepHarness,
    choose_option,
    make_engine,
    press_decide,
    settle,
)

from kindreflex_tui.engine import Engine
from kindreflex_tui.tui.step_screen import StepScreen
from kindreflex_tui.tui.widgets.checklist import ChecklistBox
from kindreflex_tui.tui.widgets.flow_map import FlowMap
from kindreflex_tui.tui.widgets.override import OverrideReason

SIZE = (80, 24)


def missing_text(app: StepHarness) -> str:
    """The missing list under the decision, as plain text."""
    return str(app.screen.query_one("#decision-missing", Static).render())


def ready_step_one(*, has_children: bool = True) -> Engine:
    """Step 1 filled in through the engine, so only the decision is left."""
    engine = make_engine()
    engine.tick("tell_standard")
    engine.tick("ask_children")
    engine.set_answer("has_children", has_children)
    engine.set_answer("residential", False)
    if has_children:
        engine.add_item("children", CHILD_JAN)
    return engine


async def test_beslis_without_an_option_asks_to_choose_one():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_decide(pilot)
        assert "kies hoe je verder gaat" in missing_text(app)
        assert app.focused is app.screen.query_one("#decision-options")
        assert engine.dossier.current_step == "conversation"


async def test_beslis_lists_what_is_missing_marks_it_and_focuses_the_first():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_option(pilot, "children_present", "")
        await press_decide(pilot)
        shown = missing_text(app)
        assert shown.startswith("Nog niet alles is ingevuld:")
        assert "vink aan: Geef aan dat aandacht" in shown
        assert "vul in: Draagt de cliënt zorg voor kinderen" in shown
        assert "geef een reden voor je beslissing" in shown
        screen = app.screen
        first = screen.query_one("#item-tell_standard", ChecklistBox)
        assert first.has_class("-missing")
        assert not screen.query_one("#item-record_children").has_class("-missing")
        assert screen.query_one("#field-has_children").has_class("-missing")
        assert screen.query_one("#decision-reason", Input).has_class("-missing")
        assert app.focused is first
        assert screen.body.region.contains(first.region.x, first.region.y)
        assert engine.dossier.current_step == "conversation"
        assert engine.visit.decision is None


async def test_the_missing_list_shrinks_as_the_counsellor_fills_in():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_option(pilot, "not_applicable", "Geen kinderen")
        await press_decide(pilot)
        assert "vink aan: Geef aan dat aandacht" in missing_text(app)
        first = app.screen.query_one("#item-tell_standard", ChecklistBox)
        await pilot.press("space")
        await settle(pilot)
        assert "vink aan: Geef aan dat aandacht" not in missing_text(app)
        assert not first.has_class("-missing")
        assert "vink aan: Vraag tijdens de intake" in missing_text(app)


async def test_a_required_field_still_hidden_is_said_to_appear_later():
    engine = ready_step_one(has_children=False)
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_option(pilot, "children_present", "Toch kinderen")
        await press_decide(pilot)
        shown = missing_text(app)
        assert "voeg minstens 1 toe: Kinderen" in shown
        assert "verschijnt pas na een ander antwoord hierboven" in shown
        assert engine.visit.decision is None


async def test_a_contradicting_option_asks_for_a_reason_and_cancel_changes_nothing():
    engine = ready_step_one()
    history = list(engine.dossier.history)
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_option(pilot, "not_applicable", "Klopt niet")
        await press_decide(pilot)
        modal = app.screen
        assert isinstance(modal, OverrideReason)
        shown = " ".join(str(s.render()) for s in modal.query(Static))
        assert "zorg draagt voor kinderen of een kind verwacht" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert engine.dossier.history == history
        await press_decide(pilot)
        assert isinstance(app.screen, OverrideReason)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OverrideReason), "an empty reason is refused"
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert engine.dossier.history == history
        assert not engine.closed


async def test_an_override_with_a_reason_takes_the_decision_and_records_why():
    engine = ready_step_one()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_option(pilot, "not_applicable", "Kinderen wonen bij vader")
        await press_decide(pilot)
        assert isinstance(app.screen, OverrideReason)
        await pilot.press(*"Vader heeft het gezag", "enter")
        await settle(pilot)
        assert engine.closed
        assert app.dismissed
        decision = engine.dossier.visits[-1].decision
        assert decision.option == "not_applicable"
        assert decision.override_reason == "Vader heeft het gezag"
        assert decision.warnings


async def test_a_decision_into_the_next_step_shows_it_from_the_top():
    engine = ready_step_one()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await choose_option(pilot, "children_present", "Jan woont bij de cliënt")
        await press_decide(pilot)
        assert app.screen is screen
        assert len(app.screen_stack) == 2
        assert engine.dossier.current_step == "safety"
        title = str(screen.query_one("#step-title", Static).render())
        assert title.startswith("Stap 2. Peil naar de veiligheid")
        assert screen.body.scroll_y == 0
        assert app.focused is screen.query_one("#item-consult")
        route = str(screen.query_one(FlowMap).route_line(78))
        assert route == "Route: 1 → 2●"
        assert "1✓" in str(screen.query_one(FlowMap).steps_line(78))


async def test_a_third_party_note_without_its_source_is_named_and_focused():
    engine = ready_step_one()
    engine.set_notes("De school belde.")
    engine.set_mark("notes", "third_party")
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_option(pilot, "children_present", "Jan woont bij de cliënt")
        await press_decide(pilot)
        assert "geef de bron bij Notities" in missing_text(app)
        notes = app.screen.query_one("#step-notes")
        assert notes.has_class("-missing")
        source = notes.query_one(".mark-source", Input)
        assert app.focused is source
        await pilot.press(*"school", "tab")
        await settle(pilot)
        assert engine.visit.marks["notes"].source == "school"
        assert not notes.has_class("-missing")
        await press_decide(pilot)
        assert engine.dossier.current_step == "safety"
