"""The step screen at 80x24: rendering, the checklist, fields, conditions, restore."""

from __future__ import annotations

import pytest
from textual.widgets import (
    Button,
    Input,
    RadioSet,
    Select,
    Static,
    TextArea,
)
from tui_harness import (
    CHILD_EXPECTED,
    CHILD_JAN,
    CONSULTATION,
    PLANS,
    StepHarness,
    answer,
    block_for,
    choose_radio,
    engine_at,
    fill_with_engine,
    make_engine,
    settle,
)

from kindreflex_tui.dossier.model import Dossier, Mark
from kindreflex_tui.engine import Engine
from kindreflex_tui.tui.step_screen import StepScreen
from kindreflex_tui.tui.widgets.checklist import ChecklistBox
from kindreflex_tui.tui.widgets.decision import DecisionPanel
from kindreflex_tui.tui.widgets.entry_mark import EntryMarkPicker
from kindreflex_tui.tui.widgets.fields import FieldEditor

SIZE = (80, 24)
STEPS = ("conversation", "safety", "support", "concern", "restore", "mandated")


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text."""
    return str(widget.render())


def step_one_with_children() -> Engine:
    """Step 1 with the two children of the brief, entered through the engine."""
    engine = make_engine()
    engine.set_answer("has_children", True)
    engine.add_item("children", CHILD_JAN)
    engine.add_item("children", CHILD_EXPECTED)
    return engine


@pytest.mark.parametrize("step_id", STEPS)
async def test_every_shipped_step_renders_its_title_items_fields_and_options(step_id):
    engine = engine_at(step_id)
    step = engine.step
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        title = text_of(screen.query_one("#step-title", Static))
        assert title == f"Stap {step.number}. {step.title}"
        assert [b.item.id for b in screen.query(ChecklistBox)] == [
            i.id for i in step.items
        ]
        assert [b.spec.id for b in screen.body.blocks()] == [f.id for f in step.fields]
        options = screen.query_one("#decision-options", RadioSet)
        assert len(options.children) == len(step.options)
        assert text_of(screen.query_one("#decision-question", Static)) == step.decision
        assert app.focused is not None
        assert screen.body.scroll_y == 0


async def test_space_ticks_and_unticks_the_focused_checklist_item():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.screen.query_one("#item-tell_standard")
        await pilot.press("space")
        await settle(pilot)
        assert engine.visit.ticked == ["tell_standard"]
        await pilot.press("space")
        await settle(pilot)
        assert engine.visit.ticked == []
        kinds = [e.kind for e in engine.dossier.history]
        assert kinds[-2:] == ["item_ticked", "item_unticked"]


async def test_required_items_and_fields_carry_the_required_mark():
    app = StepHarness(make_engine())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        required = screen.query_one("#item-tell_standard", ChecklistBox)
        optional = screen.query_one("#item-record_children", ChecklistBox)
        assert str(required.label).endswith(" *")
        assert not str(optional.label).endswith(" *")
        label = block_for(screen, "has_children").label_widget
        assert text_of(label).endswith(" *")


async def test_yes_to_children_shows_the_register_and_no_hides_it_again():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        register = block_for(app.screen, "children")
        assert not register.display
        await answer(pilot, app.screen, "has_children", True)
        assert engine.value("has_children") is True
        assert register.display
        assert text_of(register.label_widget) == "Kinderen *"
        await answer(pilot, app.screen, "has_children", False)
        assert engine.value("has_children") is False
        assert not register.display


async def test_no_care_for_the_children_of_a_residential_client_raises_the_alert():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        care = block_for(screen, "care_arranged")
        alert = block_for(screen, "care_alert")
        assert not care.display and not alert.display
        await answer(pilot, screen, "has_children", True, keyboard=False)
        await answer(pilot, screen, "residential", True, keyboard=False)
        await settle(pilot)
        assert care.display and not alert.display
        await answer(pilot, screen, "care_arranged", "no", keyboard=False)
        await settle(pilot)
        assert alert.display
        assert not block_for(screen, "care_by").display
        assert "bespreek meteen" in text_of(alert.query_one(".info-text", Static))


async def test_a_date_typo_shows_why_beside_the_field_and_keeps_the_text():
    engine = engine_at("support")
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = block_for(app.screen, "next_check")
        assert isinstance(editor, FieldEditor)
        control = editor.control
        assert isinstance(control, Input)
        assert control.placeholder == "dd-mm-jjjj"
        control.focus()
        await pilot.press(*"31-02-2026")
        await pilot.press("tab")
        await settle(pilot)
        assert control.value == "31-02-2026"
        assert "februari 2026 heeft 28 dagen" in text_of(editor.error_widget)
        assert editor.error_widget.has_class("-shown")
        assert engine.value("next_check") is None
        control.focus()
        control.value = "28-02-2026"
        await pilot.press("enter")
        await settle(pilot)
        assert engine.value("next_check") == "2026-02-28"
        assert not editor.error_widget.has_class("-shown")


async def test_typing_reaches_the_engine_once_after_the_typing_pauses():
    engine = engine_at("support")
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = block_for(app.screen, "support_given")
        assert isinstance(editor, FieldEditor)
        editor.control.focus()
        before = len(engine.dossier.history)
        await pilot.press(*"Gesprek")
        assert len(engine.dossier.history) == before
        await pilot.pause(0.8)
        events = engine.dossier.history[before:]
        assert [(e.kind, e.target, e.new) for e in events] == [
            ("answer_set", "support_given", "Gesprek")
        ]


async def test_restoring_a_filled_dossier_writes_no_history_event():
    engine = engine_at("concern")
    fill_with_engine(engine, PLANS["concern"], decide=False)
    engine.set_answer("instrument", "lirik")
    engine.set_answer("risk_factors", "Verhuis; [geen] werk.")
    engine.add_item("key_figures", {"role": "Grootmoeder", "heard_on": "20-02-2026"})
    engine.add_item("consultations", CONSULTATION)
    child = engine.dossier.children[0].id
    engine.set_child_answer("children_heard", child, "heard", True)
    engine.set_child_answer("children_heard", child, "views", "Wil bij oma slapen.")
    engine.set_notes("Notitie met [/] erin.")
    engine.set_mark("notes", "third_party", "school")
    engine.set_mark("risk_factors", "observation")
    history = list(engine.dossier.history)
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        for widget in list(screen.focus_chain):
            widget.focus()
        await settle(pilot)
        screen.flush()
        await settle(pilot)
        assert engine.dossier.history == history
        notes = screen.query_one("#step-notes", FieldEditor).control
        assert isinstance(notes, TextArea)
        assert notes.text == "Notitie met [/] erin."
        picker = screen.query_one("#step-notes", FieldEditor).query_one(EntryMarkPicker)
        assert picker.select.value == "third_party"
        assert picker.source_input.value == "school"


async def test_accents_dutch_ij_and_emoji_survive_typing_saving_and_reloading():
    typed = "Zoë Ĳsselmeer é 👶 [/] "
    decomposed = "Zoe\u0308"  # NFD: pasted, since a key press is one code point
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = app.screen.query_one("#step-notes", FieldEditor).control
        notes.focus()
        await pilot.press(*typed)
        notes.insert(decomposed)
        await pilot.press("tab")
        await settle(pilot)
    typed += decomposed
    assert engine.visit.notes == typed
    reloaded = Dossier.model_validate_json(engine.dossier.model_dump_json())
    assert reloaded.current_visit.notes.encode() == typed.encode()
    again = Engine(engine.protocol, reloaded, "Els Peeters")
    app = StepHarness(again)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = app.screen.query_one("#step-notes", FieldEditor).control
        assert isinstance(notes, TextArea)
        assert notes.text == typed


async def test_tab_leaves_a_text_area_without_typing_a_tab():
    app = StepHarness(make_engine())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = app.screen.query_one("#step-notes", FieldEditor).control
        notes.focus()
        await pilot.press("a", "tab")
        assert app.focused is not notes
        assert isinstance(app.focused, Select)
        assert notes.text == "a"


async def test_each_tab_brings_the_focused_control_into_view():
    app = StepHarness(step_one_with_children())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        stops = len(screen.focus_chain)
        seen = set()
        for _ in range(stops):
            await pilot.press("tab")
            focused = app.focused
            assert focused is not None
            seen.add(focused)
            visible = screen.body.region
            region = focused.region
            assert region.height > 0, focused
            assert visible.contains(region.x, region.y), focused
        assert len(seen) == stops


async def test_radio_set_is_one_tab_stop_and_chosen_with_arrows_and_enter():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        has_children = block_for(app.screen, "has_children")
        assert isinstance(has_children, FieldEditor)
        has_children.control.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert engine.value("has_children") is False
        await pilot.press("tab")
        assert app.focused is not has_children.control
        assert has_children.control not in app.focused.ancestors_with_self


async def test_a_restored_answer_is_where_the_arrows_start():
    engine = make_engine()
    engine.set_answer("has_children", False)
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        history = list(engine.dossier.history)
        control = block_for(app.screen, "has_children").control
        control.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert engine.value("has_children") is False
        assert engine.dossier.history == history


async def test_entry_mark_third_party_asks_for_the_source():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        picker = app.screen.query_one("#step-notes", FieldEditor).query_one(
            EntryMarkPicker
        )
        assert picker.source_input.has_class("-hidden")
        picker.select.value = "third_party"
        await settle(pilot)
        assert not picker.source_input.has_class("-hidden")
        assert engine.visit.marks["notes"] == Mark(kind="third_party")
        picker.source_input.focus()
        await pilot.press(*"school", "tab")
        await settle(pilot)
        assert engine.visit.marks["notes"] == Mark(kind="third_party", source="school")
        picker.select.value = Select.NULL
        await settle(pilot)
        assert "notes" not in engine.visit.marks


async def test_function_keys_commit_typed_text_before_the_app_acts():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = app.screen.query_one("#step-notes", FieldEditor).control
        notes.focus()
        await pilot.press(*"Kort", "f5")
        assert engine.visit.notes == "Kort"
        await pilot.press("f6", "f9", "ctrl+s")
        assert app.actions == ["show_history", "show_summary", "go_home", "save_now"]


async def test_f1_twice_quickly_opens_and_closes_the_help_without_crashing():
    app = StepHarness(make_engine())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1", "f1")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        await pilot.press("f1")
        await settle(pilot)
        shown = " ".join(text_of(s) for s in app.screen.query(Static))
        assert "1. Voer een positief gesprek" in shown
        assert "Elke hulpverlener" in shown
        assert "Zo komt de vraag niet over als een verdachtmaking" in shown
        assert "F2" in shown and "naar de beslissing" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)


async def test_f2_jumps_to_the_decision_in_view():
    app = StepHarness(make_engine())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        options = app.screen.query_one("#decision-options", RadioSet)
        assert app.focused is options
        body = app.screen.body.region
        assert body.contains(options.region.x, options.region.y)


async def test_read_only_shows_the_banner_disables_every_control_and_no_decision():
    engine = engine_at("safety")
    fill_with_engine(engine, PLANS["safety"], decide=False)
    history = list(engine.dossier.history)
    app = StepHarness(
        engine, readonly=True, readonly_reason="Alleen lezen: in gebruik door Tom"
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        banner = screen.query_one("#readonly-banner", Static)
        assert text_of(banner) == "Alleen lezen: in gebruik door Tom"
        controls = screen.query("Input, TextArea, Checkbox, RadioSet, Select, Button")
        assert controls and all(c.disabled for c in controls)
        assert not screen.query(DecisionPanel)
        await pilot.press("space", "tab", "space", "f2")
        await settle(pilot)
        assert engine.dossier.history == history
        edit = screen.query(".item-edit").first(Button)
        assert edit.disabled


async def test_info_action_button_opens_the_redacted_summary():
    engine = engine_at("safety")
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = block_for(app.screen, "consultations")
        editor.add_button.focus()
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        person = block_for(form, "person")
        reminder = block_for(form, "anonymous_reminder")
        assert person.display and not reminder.display
        await choose_radio(pilot, block_for(form, "anonymous").control, 0)
        assert not person.display and reminder.display
        reminder.query_one(Button).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.actions == ["show_redacted_summary"]


async def test_checkbox_space_in_checklist_does_not_fire_single_letter_bindings():
    engine = engine_at("support")
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        block_for(app.screen, "support_given").control.focus()
        await pilot.press(*"nfhq")
        await pilot.pause(0.7)
        assert engine.value("support_given") == "nfhq"
        assert app.actions == []
        assert isinstance(app.screen, StepScreen)


async def test_mouse_clicks_tick_items_and_pick_answers():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        box = screen.query_one("#item-record_children", ChecklistBox)
        box.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click(box, offset=(20, 1))  # on the wrapped second line
        await settle(pilot)
        assert engine.visit.ticked == ["record_children"]
        residential = block_for(screen, "residential")
        no = residential.control.children[1]
        no.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click(no)
        await settle(pilot)
        assert engine.value("residential") is False
