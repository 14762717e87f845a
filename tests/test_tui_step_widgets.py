"""The step screen's editors: the children register, item forms, per-child groups."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from textual import events
from textual.content import Content
from textual.widgets import Button, Input, SelectionList, Static, TextArea
from tui_harness import (
    CHILD_EXPECTED,
    CHILD_JAN,
    StepHarness,
    add_item,
    answer,
    block_for,
    choose_radio,
    engine_at,
    make_engine,
    settle,
    shipped_protocol,
)

from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.loader import load_protocol, shipped_protocol_dir
from kindreflex_tui.tui.confirm import ConfirmScreen
from kindreflex_tui.tui.step_screen import StepScreen
from kindreflex_tui.tui.widgets.fields import FieldEditor
from kindreflex_tui.tui.widgets.flow_map import FlowMap
from kindreflex_tui.tui.widgets.item_form import ItemForm
from kindreflex_tui.tui.widgets.per_child import ChildGroup
from kindreflex_tui.tui.widgets.repeat import ItemRow, RepeatEditor

SIZE = (80, 24)


def rows_of(app: StepHarness, field_id: str = "children") -> list[str]:
    """The item rows of a repeat as the counsellor reads them."""
    editor = block_for(app.screen, field_id)
    return [
        str(row.query_one(".item-title", Static).render())
        for row in editor.query(ItemRow)
    ]


def with_children() -> Engine:
    """Step 1 with Jan (12+) and an expected baby, entered through the engine."""
    engine = make_engine()
    engine.set_answer("has_children", True)
    engine.add_item("children", CHILD_JAN)
    engine.add_item("children", CHILD_EXPECTED)
    return engine


async def test_two_children_added_with_the_form_show_name_age_12_plus_and_expected():
    engine = make_engine()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await answer(pilot, app.screen, "has_children", True)
        register = block_for(app.screen, "children")
        assert isinstance(register, RepeatEditor)
        register.add_button.focus()
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ItemForm)
        assert app.focused is block_for(form, "name").control
        await pilot.press(*"Jan [de oudste]", "tab")
        await pilot.press("down", "enter", "tab")  # Verwacht kind: Nee
        await pilot.press(*"03-02-2013", "tab")
        await pilot.press("enter")  # Verblijft: Permanent
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert app.focused is register.add_button
        await add_item(pilot, register, CHILD_EXPECTED, keyboard=False)
        assert rows_of(app) == [
            "• Jan [de oudste]  (13 jaar · 12+)",
            "• Baby  (verwacht 05-09-2026)",
        ]
        jan, baby = engine.dossier.children
        assert (jan.name, jan.birth_date.isoformat()) == (
            "Jan [de oudste]",
            "2013-02-03",
        )
        assert jan.answers == {"lives_with_client": "permanent"}
        assert baby.expected and baby.due_date.isoformat() == "2026-09-05"
        first = register.query(ItemRow).first().query_one(".item-title")
        assert first.has_class("-twelve-plus")


async def test_an_expected_child_needs_no_birth_date_nor_where_it_lives():
    app = StepHarness(with_children())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        register = block_for(app.screen, "children")
        register.add_button.focus()
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        birth, due = block_for(form, "birth_date"), block_for(form, "due_date")
        living = block_for(form, "lives_with_client")
        assert birth.display and living.display and not due.display
        assert birth.required
        await choose_radio(pilot, block_for(form, "expected").control, 0)
        assert not birth.display and not living.display and due.display


async def test_a_date_typo_in_the_form_keeps_it_open_with_the_text():
    engine = with_children()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        block_for(app.screen, "children").add_button.focus()
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        await answer(pilot, form, "name", "Mila", keyboard=False)
        birth = block_for(form, "birth_date")
        birth.control.focus()
        await pilot.press(*"3-13-2013", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert birth.control.value == "3-13-2013"
        assert "er is geen maand 13" in str(birth.error_widget.render())
        assert len(engine.dossier.children) == 2


async def test_escape_closes_the_item_form_even_from_a_text_area():
    engine = engine_at("safety")
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        block_for(app.screen, "consultations").add_button.focus()
        await pilot.press("enter")
        await settle(pilot)
        question = block_for(app.screen, "question").control
        assert isinstance(question, TextArea)
        question.focus()
        await pilot.press(*"Mag ik", "escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert engine.items("consultations") == []


async def test_the_item_form_fits_a_terminal_made_smaller_before_it_opens():
    app = StepHarness(engine_at("safety"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        block_for(app.screen, "consultations").add_button.focus()
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ItemForm)
        for button_id in ("#item-save", "#item-cancel"):
            region = form.query_one(button_id).region
            assert region.right <= 60 and region.bottom <= 20, button_id


async def test_pasting_several_lines_into_a_name_keeps_only_the_first_line():
    app = StepHarness(with_children())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        block_for(app.screen, "children").add_button.focus()
        await pilot.press("enter")
        await settle(pilot)
        name = block_for(app.screen, "name").control
        assert isinstance(name, Input)
        name.post_message(events.Paste("Noor Peeters\nKerkstraat 1"))
        await settle(pilot)
        assert name.value == "Noor Peeters"


async def test_editing_a_child_changes_its_row():
    engine = with_children()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = block_for(app.screen, "children").query(ItemRow).first()
        row.query_one(".item-edit", Button).focus()
        await pilot.press("enter")
        await settle(pilot)
        name = block_for(app.screen, "name").control
        assert isinstance(name, Input) and name.value == "Jan [de oudste]"
        name.value = "Jan"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows_of(app)[0] == "• Jan  (13 jaar · 12+)"
        assert engine.dossier.history[-1].kind == "child_changed"


async def test_removing_a_child_then_adding_one_at_once_keeps_ids_unique():
    engine = with_children()
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        register = block_for(app.screen, "children")
        assert isinstance(register, RepeatEditor)
        row = register.query(ItemRow).first()
        row.query_one(".item-remove", Button).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("shift+tab", "enter")
        await pilot.press("enter")  # at once: Toevoegen, focused after the removal
        await settle(pilot)
        assert isinstance(app.screen, ItemForm)
        await answer(pilot, app.screen, "name", "Noor", keyboard=False)
        await answer(pilot, app.screen, "birth_date", "01-01-2020", keyboard=False)
        await answer(pilot, app.screen, "lives_with_client", "partly", keyboard=False)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [c.name for c in engine.dossier.children] == ["Baby", "Noor"]
        assert rows_of(app) == [
            "• Baby  (verwacht 05-09-2026)",
            "• Noor  (6 jaar)",
        ]
        ids = [row.id for row in register.query(ItemRow)]
        assert len(set(ids)) == 2 and row.id not in ids
        kinds = [e.kind for e in engine.dossier.history[-2:]]
        assert kinds == ["child_removed", "child_added"]


async def test_per_child_groups_highlight_children_of_twelve_and_over():
    engine = engine_at("concern")
    first = engine.dossier.children[0]
    engine.dossier.children.append(
        first.model_copy(
            update={"id": "k9", "name": "Lotte", "birth_date": date(2020, 1, 6)}
        )
    )
    engine.dossier.children.append(
        first.model_copy(
            update={"id": "k10", "name": "Baby", "birth_date": None, "expected": True}
        )
    )
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        groups = list(app.screen.query(ChildGroup))
        # An unborn child cannot be heard: it gets no group.
        assert [g.child.name for g in groups] == ["Jan [de oudste]", "Lotte"]
        jan, lotte = groups
        assert jan.has_class("-twelve-plus") and not lotte.has_class("-twelve-plus")
        title = Content.from_markup(jan.border_title).plain
        assert title == "Jan [de oudste] (13 jaar · 12+)"
        assert jan.query(".consent-hint") and not lotte.query(".consent-hint")
        heard = block_for(jan, "heard")
        await choose_radio(pilot, heard.control, 0, keyboard=False)
        await settle(pilot)
        assert engine.per_child("children_heard", jan.child.id) == {"heard": True}
        assert engine.per_child("children_heard", "k9") == {}


def copy_protocol(tmp_path: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """The shipped protocol copied to tmp_path, with text replaced per file."""
    target = tmp_path / "caw"
    shutil.copytree(shipped_protocol_dir(), target)
    for name, replacements in edits.items():
        path = target / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return target


def engine_on(directory: Path) -> Engine:
    """A new dossier at step 1 of a protocol folder."""
    return make_engine(load_protocol(directory))


async def test_protocol_text_with_brackets_and_braces_shows_verbatim(tmp_path):
    folder = copy_protocol(
        tmp_path,
        {
            "step-1-conversation.toml": [
                ('title = "Voer', 'title = "Woont bij [moeder] [/] {x}: Voer'),
                ('label = "Vraag tijdens', 'label = "[b]Vraag[/b] tijdens'),
                ('label = "Kinderen"', 'label = "Kinderen [register]"'),
            ],
            "protocol.toml": [('label = "Onbekend"', 'label = "Onbekend [?]"')],
        },
    )
    engine = engine_on(folder)
    engine.set_answer("has_children", True)
    engine.set_answer("residential", True)
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        title = str(screen.query_one("#step-title", Static).render())
        assert (
            title == "Stap 1. Woont bij [moeder] [/] {x}: Voer een positief gesprek "
            "over de kinderen en het ouderschap"
        )
        assert str(screen.query_one("#item-ask_children").label).startswith(
            "[b]Vraag[/b] tijdens"
        )
        assert str(block_for(screen, "children").add_button.label) == (
            "+ Toevoegen: Kinderen [register]"
        )
        care = block_for(screen, "care_arranged")
        assert str(care.control.children[2].label) == "Onbekend [?]"


async def test_a_choices_field_saves_both_key_toggles_and_code_selections(tmp_path):
    folder = copy_protocol(
        tmp_path,
        {
            "step-1-conversation.toml": [
                (
                    '[[fields]]\nid = "residential"',
                    '[[fields]]\nid = "worries"\ntype = "choices"\n'
                    'choices = "living"\nlabel = "Waar [soms] verblijf"\n\n'
                    '[[fields]]\nid = "residential"',
                )
            ]
        },
    )
    engine = engine_on(folder)
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = block_for(app.screen, "worries")
        assert isinstance(editor, FieldEditor)
        selection = editor.control
        assert isinstance(selection, SelectionList)
        selection.focus()
        await pilot.press("space")
        await settle(pilot)
        assert engine.value("worries") == ["permanent"]
        selection.select("not")
        await settle(pilot)
        assert engine.value("worries") == ["permanent", "not"]
        assert str(editor.label_widget.render()) == "Waar [soms] verblijf"


def test_the_flow_map_fits_80_columns_on_every_step():
    engine = make_engine(shipped_protocol())
    flow_map = FlowMap(engine)
    for step in engine.protocol.steps:
        engine.dossier.visits[-1].step = step.id
        line = str(flow_map.steps_line(78))
        assert len(line) <= 78
        assert f"{step.number}● {step.short_title}" in line
    assert str(flow_map.route_line(78)) == "Route: 6●"


async def test_a_childs_own_words_and_a_saved_consultation_can_be_marked():
    """Step 4: a mark picker under "Wat vertelde het kind?" and, when a saved
    consultation is edited, under its advice; a choice reaches the dossier."""
    from textual.widgets import Select

    from kindreflex_tui.tui.widgets.entry_mark import EntryMarkPicker

    engine = engine_at("concern")
    item_id = engine.add_item(
        "consultations", {"with": "vk", "date": "01-03-2026", "advice": "Aanmelden."}
    )
    child = engine.dossier.children[0]
    app = StepHarness(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        group = next(iter(app.screen.query(ChildGroup)))
        picker = group.query_one(EntryMarkPicker)
        picker.query_one(Select).value = "client_statement"
        await settle(pilot)
        mark = engine.visit.marks[f"children_heard/{child.id}/views"]
        assert mark.kind == "client_statement"

        editor = block_for(app.screen, "consultations")
        row = next(iter(editor.query(ItemRow)))
        row.query_one("Button").press()
        await settle(pilot)
        assert isinstance(app.screen, ItemForm)
        pickers = list(app.screen.query(EntryMarkPicker))
        assert len(pickers) == 2  # question and advice
        pickers[1].query_one(Select).value = "professional_opinion"
        await settle(pilot)
        assert engine.visit.marks[f"consultations/{item_id}/advice"].kind == (
            "professional_opinion"
        )
