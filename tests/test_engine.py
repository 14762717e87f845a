"""The engine step by step: answers, checklist, notes, marks, children, history."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from kindreflex_tui.dossier.model import Child, Dossier
from kindreflex_tui.engine import (
    DecisionNeedsOverride,
    DecisionRefused,
    Engine,
    FollowUp,
    follow_ups,
)
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import Protocol

MakeEngine = Callable[..., Engine]
Complete = Callable[..., None]

CHILD = {"name": "Noor", "birth_date": "17-05-2014", "lives_with_client": "permanent"}


def to_safety(kx: Engine, complete: Complete) -> None:
    """Walk step 1 with one child to step 2."""
    complete(kx, "children_present", has_children=True, residential=False)
    kx.decide("children_present", "Eén kind woont bij de cliënt.")


def to_concern(kx: Engine, complete: Complete) -> None:
    """Walk 1-2 with a niet-pluisgevoel to step 4."""
    to_safety(kx, complete)
    complete(kx, "doubts", not_right=True)
    kx.decide("doubts", "Niet-pluisgevoel na overleg.")


def snapshot(kx: Engine) -> str:
    """The whole dossier as JSON, to show that nothing changed."""
    return kx.dossier.model_dump_json()


# -- starting a dossier ----------------------------------------------------------------


def test_new_dossier_stands_at_step_one_with_its_first_events(
    engine: MakeEngine, protocol: Protocol
) -> None:
    kx = engine(client_ref="  CL-7  ", counsellor=" Els Peeters ")
    assert kx.dossier.client_ref == "CL-7"
    assert kx.dossier.counsellors == ["Els Peeters"]
    assert kx.step.number == 1
    assert [v.step for v in kx.dossier.visits] == ["conversation"]
    assert [(e.seq, e.kind) for e in kx.dossier.history] == [
        (1, "dossier_created"),
        (2, "step_entered"),
    ]
    assert kx.dossier.history[0].new == "CL-7"
    assert kx.dossier.protocol.version == protocol.info.version
    assert kx.dossier.protocol.sha256 == protocol.sha256 != ""


@pytest.mark.parametrize("blank", ["", "   "])
def test_new_dossier_needs_a_client_ref(engine: MakeEngine, blank: str) -> None:
    with pytest.raises(InputError, match="cliëntcode"):
        engine(client_ref=blank)


@pytest.mark.parametrize("blank", ["", "  \t "])
def test_new_dossier_needs_a_counsellor(engine: MakeEngine, blank: str) -> None:
    with pytest.raises(InputError, match="hulpverlener"):
        engine(counsellor=blank)


def test_overlong_client_ref_is_refused_with_a_message(engine: MakeEngine) -> None:
    with pytest.raises(InputError, match="200"):
        engine(client_ref="C" * 201)


def test_opening_with_an_overlong_counsellor_name_is_refused_with_a_message(
    engine: MakeEngine, protocol: Protocol
) -> None:
    kx = engine()
    with pytest.raises(InputError, match="200"):
        Engine(protocol, kx.dossier, "J" * 201)
    assert Engine(protocol, kx.dossier, "   ").actor == "onbekend"


# -- answers per field type ------------------------------------------------------------


def test_yes_no_field_takes_only_yes_or_no(engine: MakeEngine) -> None:
    kx = engine()
    before = snapshot(kx)
    with pytest.raises(InputError, match="ja of nee"):
        kx.set_answer("has_children", "ja")
    assert snapshot(kx) == before
    assert kx.set_answer("has_children", False)
    assert kx.value("has_children") is False


def test_unknown_choice_is_refused_and_nothing_is_written(
    engine: MakeEngine,
) -> None:
    kx = engine()
    kx.set_answer("residential", True)
    kx.set_answer("has_children", True)
    before = snapshot(kx)
    with pytest.raises(InputError, match="onbekende keuze"):
        kx.set_answer("care_arranged", "misschien")
    assert snapshot(kx) == before
    kx.set_answer("care_arranged", "unknown")
    assert kx.display(kx.step.field("care_arranged"), "unknown") == "Onbekend"


def test_text_field_refuses_a_non_text_value(engine: MakeEngine) -> None:
    kx = engine()
    kx.set_answer("residential", True)
    kx.set_answer("has_children", True)
    kx.set_answer("care_arranged", "yes")
    with pytest.raises(InputError, match="tekst"):
        kx.set_answer("care_by", 42)


def test_unknown_field_is_refused_naming_the_step(engine: MakeEngine) -> None:
    with pytest.raises(InputError, match="stap 1"):
        engine().set_answer("shoe_size", "42")


def test_repeat_field_cannot_be_set_as_one_value(engine: MakeEngine) -> None:
    with pytest.raises(InputError):
        engine().set_answer("children", [CHILD])


def test_typed_date_is_stored_as_iso_and_shown_day_first(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    kx.set_answer("team_date", "5/2/2026")
    assert kx.value("team_date") == "2026-02-05"
    assert kx.display(kx.step.field("team_date"), kx.value("team_date")) == (
        "05-02-2026"
    )


def test_same_date_typed_another_way_writes_no_event(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    assert kx.set_answer("team_date", "05-02-2026")
    count = len(kx.dossier.history)
    assert not kx.set_answer("team_date", "2026-02-05")
    assert not kx.set_answer("team_date", date(2026, 2, 5))
    assert len(kx.dossier.history) == count


def test_impossible_date_is_refused_with_the_reason(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    with pytest.raises(InputError, match="februari 2025 heeft 28 dagen"):
        kx.set_answer("team_date", "29-02-2025")


def test_team_decision_date_in_the_future_is_refused(
    engine: MakeEngine, complete: Complete, today: date
) -> None:
    kx = engine()
    to_concern(kx, complete)
    with pytest.raises(InputError, match="toekomst"):
        kx.set_answer("team_date", today + timedelta(days=1))
    assert kx.set_answer("team_date", today)


def test_a_date_given_with_a_time_is_kept_as_its_day(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    kx.set_answer("team_date", datetime(2026, 2, 5, 14, 30))
    assert kx.value("team_date") == "2026-02-05"


def test_clearing_an_answer_removes_it_and_the_history_keeps_the_old_value(
    engine: MakeEngine,
) -> None:
    kx = engine()
    kx.set_answer("residential", True)
    assert kx.set_answer("residential", None)
    assert kx.value("residential") is None
    last = kx.dossier.history[-1]
    assert (last.kind, last.target, last.old, last.new) == (
        "answer_set",
        "residential",
        True,
        None,
    )


def test_setting_the_same_value_twice_writes_one_event(engine: MakeEngine) -> None:
    kx = engine()
    count = len(kx.dossier.history)
    assert kx.set_answer("has_children", True)
    assert not kx.set_answer("has_children", True)
    assert len(kx.dossier.history) == count + 1


# -- checklist, notes and marks --------------------------------------------------------


def test_tick_and_untick_write_one_event_each(engine: MakeEngine) -> None:
    kx = engine()
    count = len(kx.dossier.history)
    assert kx.tick("tell_standard")
    assert not kx.tick("tell_standard")
    assert kx.visit.ticked == ["tell_standard"]
    assert kx.tick("tell_standard", done=False)
    assert not kx.tick("tell_standard", done=False)
    assert kx.visit.ticked == []
    kinds = [e.kind for e in kx.dossier.history[count:]]
    assert kinds == ["item_ticked", "item_unticked"]


def test_ticking_an_item_of_another_step_is_refused(engine: MakeEngine) -> None:
    with pytest.raises(InputError, match="geen item"):
        engine().tick("consult")


def test_notes_are_replaced_and_the_history_keeps_the_old_text(
    engine: MakeEngine,
) -> None:
    kx = engine()
    assert kx.set_notes("Eerste gesprek.")
    assert kx.set_notes("Eerste gesprek. Mama is bezorgd.")
    assert not kx.set_notes("Eerste gesprek. Mama is bezorgd.")
    last = kx.dossier.history[-1]
    assert (last.kind, last.old, last.new) == (
        "notes_set",
        "Eerste gesprek.",
        "Eerste gesprek. Mama is bezorgd.",
    )
    assert kx.visit.notes == "Eerste gesprek. Mama is bezorgd."


def test_entry_mark_takes_only_kinds_from_the_protocol(
    engine: MakeEngine, protocol: Protocol
) -> None:
    kx = engine()
    kinds = [c.id for c in protocol.choice_list(protocol.info.entry_marks)]
    assert "client_statement" in kinds
    for kind in kinds:
        kx.set_mark("notes", kind)
        assert kx.visit.marks["notes"].kind == kind
    before = snapshot(kx)
    with pytest.raises(InputError, match="soort"):
        kx.set_mark("notes", "gossip")
    assert snapshot(kx) == before


def test_third_party_mark_keeps_its_source(engine: MakeEngine) -> None:
    kx = engine()
    kx.set_answer("has_children", True)
    assert kx.set_mark("has_children", "third_party", source=" de school ")
    mark = kx.visit.marks["has_children"]
    assert (mark.kind, mark.source) == ("third_party", "de school")
    last = kx.dossier.history[-1]
    assert last.kind == "mark_set"
    assert last.new == {"kind": "third_party", "source": "de school"}
    assert not kx.set_mark("has_children", "third_party", source="de school")


def test_removing_a_mark_is_recorded(engine: MakeEngine) -> None:
    kx = engine()
    kx.set_mark("notes", "fact")
    assert kx.set_mark("notes", None)
    assert "notes" not in kx.visit.marks
    assert kx.dossier.history[-1].old == {"kind": "fact", "source": None}


def test_mark_on_an_unknown_entry_is_refused(engine: MakeEngine) -> None:
    with pytest.raises(InputError):
        engine().set_mark("shoe_size", "fact")


# -- the children register -------------------------------------------------------------


def test_children_get_stable_ids_and_the_register_records_them(
    engine: MakeEngine,
) -> None:
    kx = engine()
    first = kx.add_item("children", CHILD)
    second = kx.add_item(
        "children",
        {"name": "Milan", "birth_date": "03/11/2019", "lives_with_client": "partly"},
    )
    assert (first, second) == ("k1", "k2")
    milan = kx.dossier.child("k2")
    assert milan is not None
    assert milan.birth_date == date(2019, 11, 3)
    assert milan.answers == {"lives_with_client": "partly"}
    last = kx.dossier.history[-1]
    assert (last.kind, last.target) == ("child_added", "k2")
    assert last.new["name"] == "Milan"


def test_editing_a_child_records_old_and_new(engine: MakeEngine) -> None:
    kx = engine()
    kx.add_item("children", CHILD)
    changed = {**CHILD, "lives_with_client": "not", "other_carer": "papa"}
    assert kx.update_item("children", "k1", changed)
    assert not kx.update_item("children", "k1", changed)
    last = kx.dossier.history[-1]
    assert last.kind == "child_changed"
    assert last.old["lives_with_client"] == "permanent"
    assert last.new["lives_with_client"] == "not"
    assert last.new["other_carer"] == "papa"


def test_a_child_read_from_the_register_can_be_saved_back_unchanged(
    engine: MakeEngine,
) -> None:
    kx = engine()
    kx.add_item("children", CHILD)
    (item,) = kx.items("children")
    assert not kx.update_item("children", item["id"], item)


def test_removing_a_child_keeps_it_in_the_history(engine: MakeEngine) -> None:
    kx = engine()
    kx.add_item("children", CHILD)
    kx.remove_item("children", "k1", reason="dubbel ingevoerd")
    assert kx.dossier.children == []
    last = kx.dossier.history[-1]
    assert (last.kind, last.target, last.reason) == (
        "child_removed",
        "k1",
        "dubbel ingevoerd",
    )
    assert last.old["name"] == "Noor"


def test_child_ids_are_never_reused_after_removal(engine: MakeEngine) -> None:
    kx = engine()
    kx.add_item("children", CHILD)
    kx.add_item("children", {**CHILD, "name": "Milan"})
    kx.remove_item("children", "k2")
    assert kx.add_item("children", {**CHILD, "name": "Lina"}) == "k3"
    kx.remove_item("children", "k3")
    kx.remove_item("children", "k1")
    assert kx.add_item("children", {**CHILD, "name": "Sam"}) == "k4"


def test_child_ids_are_never_reused_in_a_dossier_with_children_from_before(
    engine: MakeEngine,
) -> None:
    # A migrated dossier holds children without child_added events.
    kx = engine()
    kx.dossier.children.append(
        Child(id="k2", name="Milan", birth_date=date(2019, 1, 1))
    )
    given = [kx.add_item("children", {**CHILD, "name": f"Kind {n}"}) for n in range(2)]
    kx.remove_item("children", given[-1])
    given.append(kx.add_item("children", {**CHILD, "name": "Lina"}))
    assert "k2" not in given
    assert len(set(given)) == len(given)


def test_a_child_needs_its_required_answers(engine: MakeEngine) -> None:
    kx = engine()
    with pytest.raises(InputError, match="Geboortedatum"):
        kx.add_item("children", {"name": "Noor", "lives_with_client": "permanent"})
    with pytest.raises(InputError, match="Naam"):
        kx.add_item("children", {**CHILD, "name": "  "})
    assert kx.dossier.children == []


def test_a_child_with_an_overlong_name_is_refused_with_a_message(
    engine: MakeEngine,
) -> None:
    kx = engine()
    before = snapshot(kx)
    with pytest.raises(InputError, match="200"):
        kx.add_item("children", {**CHILD, "name": "N" * 201})
    assert snapshot(kx) == before


def test_unknown_child_answer_is_refused(engine: MakeEngine) -> None:
    with pytest.raises(InputError, match="shoe_size"):
        engine().add_item("children", {**CHILD, "shoe_size": "32"})


def test_register_holds_at_most_twenty_children(engine: MakeEngine) -> None:
    kx = engine()
    for n in range(20):
        kx.add_item("children", {**CHILD, "name": f"Kind {n}"})
    with pytest.raises(InputError, match="20"):
        kx.add_item("children", CHILD)


def test_birth_date_in_the_future_is_refused_for_a_born_child(
    engine: MakeEngine, today: date
) -> None:
    kx = engine()
    tomorrow = today + timedelta(days=1)
    with pytest.raises(InputError, match="toekomst"):
        kx.add_item("children", {**CHILD, "birth_date": tomorrow})


def test_expected_child_takes_a_future_due_date_and_has_no_age(
    engine: MakeEngine, today: date
) -> None:
    kx = engine()
    due = today + timedelta(days=120)
    child_id = kx.add_item(
        "children", {"name": "Baby", "expected": True, "due_date": due}
    )
    child = kx.dossier.child(child_id)
    assert child is not None
    assert (child.expected, child.due_date, child.birth_date) == (True, due, None)
    assert kx.child_age(child) is None
    assert not kx.is_twelve_plus(child)


def test_expected_child_does_not_keep_a_hidden_birth_date(
    engine: MakeEngine, today: date
) -> None:
    # The form hides the birth date once "expected" is ticked; a date typed there
    # before is not asked, so it must not be refused nor stored.
    kx = engine()
    due = today + timedelta(days=30)
    child_id = kx.add_item(
        "children",
        {"name": "Baby", "expected": True, "due_date": due, "birth_date": due},
    )
    child = kx.dossier.child(child_id)
    assert child is not None
    assert child.birth_date is None


@pytest.mark.parametrize(
    ("born", "on", "age", "twelve_plus"),
    [
        (date(2014, 3, 2), date(2026, 3, 2), 12, True),  # twelve today
        (date(2014, 3, 3), date(2026, 3, 2), 11, False),  # twelve tomorrow
        (date(2014, 3, 1), date(2026, 3, 2), 12, True),
        (date(2012, 2, 29), date(2024, 2, 28), 11, False),
        (date(2012, 2, 29), date(2024, 2, 29), 12, True),
        (date(2025, 3, 2), date(2026, 3, 2), 1, False),
        (date(2026, 3, 2), date(2026, 3, 2), 0, False),
    ],
)
def test_age_today_and_the_twelve_plus_flag(
    engine: MakeEngine, born: date, on: date, age: int, twelve_plus: bool
) -> None:
    kx = engine(on=on)
    child_id = kx.add_item("children", {**CHILD, "birth_date": born})
    child = kx.dossier.child(child_id)
    assert child is not None
    assert kx.child_age(child) == age
    assert kx.is_twelve_plus(child) is twelve_plus


def test_the_register_can_be_kept_up_to_date_after_step_one(
    engine: MakeEngine, complete: Complete, today: date
) -> None:
    # A baby is born while the counsellor is in step 2: the register must follow.
    kx = engine()
    complete(kx, "children_present", has_children=True, residential=False)
    due = today + timedelta(days=20)
    baby = kx.add_item("children", {"name": "Baby", "expected": True, "due_date": due})
    kx.decide("children_present", "Er is een kind op komst.")
    assert kx.step.id == "safety"
    born = {"name": "Lina", "birth_date": today, "lives_with_client": "permanent"}
    assert kx.update_item("children", baby, born)
    child = kx.dossier.child(baby)
    assert child is not None
    assert (child.expected, child.birth_date, kx.child_age(child)) == (False, today, 0)
    changed = kx.dossier.history[-1]
    assert (changed.kind, changed.step) == ("child_changed", "safety")
    assert [item["name"] for item in kx.items("children")][-1] == "Lina"


def test_age_follows_the_injected_day(engine: MakeEngine) -> None:
    day = {"today": date(2026, 3, 1)}
    kx = engine()
    kx.today = lambda: day["today"]
    child_id = kx.add_item("children", {**CHILD, "birth_date": date(2014, 3, 2)})
    child = kx.dossier.child(child_id)
    assert child is not None
    assert not kx.is_twelve_plus(child)
    day["today"] = date(2026, 3, 2)
    assert kx.is_twelve_plus(child)


# -- repeat items: consultations -------------------------------------------------------

CONSULT = {
    "with": "colleague",
    "date": "20-02-2026",
    "person": "An Claes",
    "question": "Hoe veilig is het thuis?",
    "advice": "Vraag door over de avonden.",
}


def test_consultation_is_added_updated_and_removed_with_history(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_safety(kx, complete)
    item_id = kx.add_item("consultations", CONSULT)
    (stored,) = kx.items("consultations")
    assert stored == {"id": item_id, **CONSULT, "date": "2026-02-20"}
    assert kx.update_item("consultations", item_id, {**CONSULT, "with": "expert"})
    assert not kx.update_item("consultations", item_id, {**CONSULT, "with": "expert"})
    assert kx.items("consultations")[0]["with"] == "expert"
    kx.remove_item("consultations", item_id, reason="verkeerde cliënt")
    assert kx.items("consultations") == []
    last = kx.dossier.history[-1]
    assert last.target == f"consultations/{item_id}"
    assert last.old["with"] == "expert"
    assert last.old["advice"] == CONSULT["advice"]
    assert (last.new, last.reason) == (None, "verkeerde cliënt")


def test_items_of_a_repeat_get_distinct_ids(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_safety(kx, complete)
    ids = {kx.add_item("consultations", CONSULT) for _ in range(10)}
    assert len(ids) == 10


def test_anonymous_consultation_does_not_keep_the_persons_name(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_safety(kx, complete)
    item_id = kx.add_item("consultations", {**CONSULT, "anonymous": True})
    (stored,) = kx.items("consultations")
    assert stored["id"] == item_id
    assert "person" not in stored
    assert "An Claes" not in kx.dossier.model_dump_json()


def test_unknown_consultation_is_refused(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_safety(kx, complete)
    with pytest.raises(InputError, match="geen item"):
        kx.update_item("consultations", "nope", CONSULT)
    with pytest.raises(InputError, match="geen item"):
        kx.remove_item("consultations", "nope")


def test_consultation_title_shows_text_with_braces_as_typed(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    spec = kx.step.field("key_figures")
    assert spec is not None
    kx.add_item("key_figures", {"role": "oma {x} [de oudste]"})
    (item,) = kx.items("key_figures")
    assert kx.item_title(spec, item) == "oma {x} [de oudste]"


# -- per-child answers ----------------------------------------------------------------


def test_children_heard_is_answered_per_child(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    (child_id,) = [c.id for c in kx.dossier.children]
    assert kx.set_child_answer("children_heard", child_id, "heard", True)
    assert kx.set_child_answer("children_heard", child_id, "consent", "agreed")
    assert not kx.set_child_answer("children_heard", child_id, "consent", "agreed")
    assert kx.per_child("children_heard", child_id) == {
        "heard": True,
        "consent": "agreed",
    }
    last = kx.dossier.history[-1]
    assert last.target == f"children_heard/{child_id}/consent"
    with pytest.raises(InputError, match="onbekende keuze"):
        kx.set_child_answer("children_heard", child_id, "consent", "maybe")
    with pytest.raises(InputError, match="geen kind"):
        kx.set_child_answer("children_heard", "k99", "heard", True)
    with pytest.raises(InputError, match="geen veld"):
        kx.set_child_answer("children_heard", child_id, "shoe_size", "32")


# -- conditions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("residential", "has_children", "asked"),
    [
        (True, True, True),
        (True, False, False),
        (False, True, False),
        (False, False, False),
    ],
)
def test_care_arranged_is_asked_only_for_a_residential_client_with_children(
    engine: MakeEngine, residential: bool, has_children: bool, asked: bool
) -> None:
    kx = engine()
    kx.set_answer("residential", residential)
    kx.set_answer("has_children", has_children)
    spec = kx.step.field("care_arranged")
    assert spec is not None
    assert kx.is_visible(spec) is asked
    assert kx.is_required(spec) is asked
    assert ("care_arranged" in {m.target for m in kx.missing()}) is asked


def test_who_cares_is_hidden_again_when_the_client_is_no_longer_residential(
    engine: MakeEngine,
) -> None:
    kx = engine()
    kx.set_answer("residential", True)
    kx.set_answer("has_children", True)
    kx.set_answer("care_arranged", "yes")
    care_by = kx.step.field("care_by")
    assert care_by is not None
    assert kx.is_visible(care_by)
    kx.set_answer("residential", False)
    assert not kx.is_visible(care_by)


def test_reasons_are_required_only_with_a_niet_pluis_feeling(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_safety(kx, complete)
    kx.set_answer("not_right", False)
    assert "not_right_reasons" not in {m.target for m in kx.missing()}
    kx.set_answer("not_right", True)
    assert "not_right_reasons" in {m.target for m in kx.missing()}


@pytest.mark.parametrize(
    ("outcome", "asked", "required"),
    [
        ("not_concerning", False, False),
        ("concerning", True, True),
        ("acute_danger", True, False),
    ],
)
def test_willingness_is_asked_when_concerning_and_required_unless_acute(
    engine: MakeEngine, complete: Complete, outcome: str, asked: bool, required: bool
) -> None:
    kx = engine()
    to_concern(kx, complete)
    kx.set_answer("outcome", outcome)
    spec = kx.step.field("willingness")
    assert spec is not None
    assert kx.is_visible(spec) is asked
    assert ("willingness" in {m.target for m in kx.missing()}) is required


# -- what is missing, and deciding -----------------------------------------------------


def test_missing_names_what_is_still_open_in_step_one(engine: MakeEngine) -> None:
    kx = engine()
    assert {m.target for m in kx.missing()} == {
        "tell_standard",
        "ask_children",
        "has_children",
        "residential",
    }
    kx.set_answer("has_children", True)
    assert "children" in {m.target for m in kx.missing()}
    messages = " ".join(m.message for m in kx.missing())
    assert "Kinderen" in messages


def test_decision_is_refused_listing_what_is_missing(engine: MakeEngine) -> None:
    kx = engine()
    before = snapshot(kx)
    with pytest.raises(DecisionRefused) as refused:
        kx.decide("children_present", "")
    targets = {m.target for m in refused.value.missing}
    assert {"tell_standard", "has_children", "children", "reason"} <= targets
    assert isinstance(refused.value, InputError)
    assert "nog niet alles" in str(refused.value)
    assert snapshot(kx) == before


def test_step_two_cannot_be_left_without_a_consultation(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_safety(kx, complete)
    kx.tick("consult")
    kx.set_answer("not_right", False)
    with pytest.raises(DecisionRefused) as refused:
        kx.decide("no_doubts", "Geen twijfels.")
    assert [m.target for m in refused.value.missing] == ["consultations"]
    kx.add_item("consultations", CONSULT)
    kx.decide("no_doubts", "Geen twijfels.")
    assert kx.step.id == "support"


def test_decision_needs_a_reason(engine: MakeEngine, complete: Complete) -> None:
    kx = engine()
    complete(kx, "children_present", has_children=True, residential=False)
    with pytest.raises(DecisionRefused) as refused:
        kx.decide("children_present", "   ")
    assert [m.target for m in refused.value.missing] == ["reason"]


def test_an_incomplete_consultation_keeps_step_two_open(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_safety(kx, complete)
    with pytest.raises(InputError, match="Advies"):
        kx.add_item("consultations", {**CONSULT, "advice": ""})


def test_route_against_the_team_outcome_needs_an_override_reason(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    complete(kx, "concerning_unwilling", outcome="not_concerning")
    before = snapshot(kx)
    with pytest.raises(DecisionNeedsOverride) as warned:
        kx.decide("concerning_unwilling", "Toch melden.")
    assert warned.value.warnings
    assert snapshot(kx) == before
    kx.decide(
        "concerning_unwilling", "Toch melden.", override_reason="  Nieuwe feiten.  "
    )
    left = kx.dossier.visits[-2]
    assert left.decision is not None
    assert left.decision.option == "concerning_unwilling"
    assert left.decision.target == "mandated"
    assert left.decision.override_reason == "Nieuwe feiten."
    assert left.decision.warnings == warned.value.warnings
    assert kx.step.id == "mandated"


def test_an_answer_hidden_by_a_later_correction_does_not_silence_the_warning(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    complete(kx, "concerning_unwilling", outcome="concerning", willingness="refusing")
    assert kx.warnings("concerning_unwilling") == []
    kx.set_answer("outcome", "not_concerning")
    assert kx.warnings("concerning_unwilling") != []
    with pytest.raises(DecisionNeedsOverride):
        kx.decide("concerning_unwilling", "Toch melden.")


def test_an_agreeing_route_records_no_warning_and_no_override(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    complete(kx, "safe", outcome="not_concerning")
    kx.decide("safe", "Veilig volgens het team.", override_reason="niet nodig")
    decision = kx.dossier.visits[-2].decision
    assert decision is not None
    assert (decision.warnings, decision.override_reason) == ([], None)


def test_unknown_option_is_refused(engine: MakeEngine) -> None:
    with pytest.raises(InputError, match="geen keuze"):
        engine().decide("jump_to_six", "omdat")


def test_leaving_a_step_records_the_decision_and_the_visit_it_left(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_safety(kx, complete)
    taken, left, entered = kx.dossier.history[-3:]
    assert (taken.kind, taken.target, taken.new) == (
        "decision_taken",
        "children_present",
        "safety",
    )
    assert taken.reason == "Eén kind woont bij de cliënt."
    assert (left.kind, left.step, left.visit) == ("step_left", "conversation", 1)
    assert (entered.kind, entered.step, entered.visit) == ("step_entered", "safety", 2)


def test_a_listener_never_sees_a_half_taken_decision(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    complete(kx, "children_present", has_children=True, residential=False)
    seen: list[tuple[str, str | None, str]] = []
    kx.listeners.append(
        lambda e: seen.append((e.kind, kx.dossier.current_step, kx.dossier.status))
    )
    kx.decide("children_present", "Eén kind.")
    assert [kind for kind, _, _ in seen] == [
        "decision_taken",
        "step_left",
        "step_entered",
    ]
    assert all(step == "safety" for _, step, _ in seen)


# -- the history -----------------------------------------------------------------------


def test_every_change_appends_a_numbered_utc_event_by_the_actor(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    to_concern(kx, complete)
    history = kx.dossier.history
    assert [e.seq for e in history] == list(range(1, len(history) + 1))
    assert all(e.at.utcoffset() == timedelta(0) for e in history)
    assert all(e.by == "Els Peeters" for e in history)
    assert all(a.at <= b.at for a, b in itertools.pairwise(history))
    assert kx.dossier.updated_at == history[-1].at


def test_times_from_a_local_clock_are_stored_in_utc(protocol: Protocol) -> None:
    brussels = timezone(timedelta(hours=1))
    moment = datetime(2026, 3, 2, 10, 30, tzinfo=brussels)
    kx = Engine.start(
        protocol,
        dossier_id="kx-test-local",
        client_ref="CL-1",
        counsellor="Els",
        clock=lambda: moment,
    )
    event = kx.dossier.history[0]
    assert event.at == moment
    assert event.at.utcoffset() == timedelta(0)
    assert '"2026-03-02T09:30:00Z"' in kx.dossier.model_dump_json()


def test_a_second_counsellor_joining_is_recorded_once(
    engine: MakeEngine, protocol: Protocol, fixed_clock: Any
) -> None:
    first = engine()
    other = Engine(protocol, first.dossier, " Jan Maes ", clock=fixed_clock)
    before = snapshot(other)
    other.value("has_children")  # reading alone records nothing
    assert snapshot(other) == before
    other.set_answer("has_children", True)
    other.set_answer("residential", False)
    kinds = [(e.kind, e.by) for e in first.dossier.history[-3:]]
    assert kinds == [
        ("counsellor_joined", "Jan Maes"),
        ("answer_set", "Jan Maes"),
        ("answer_set", "Jan Maes"),
    ]
    assert first.dossier.counsellors == ["Els Peeters", "Jan Maes"]
    seqs = [e.seq for e in first.dossier.history]
    assert seqs == list(range(1, len(seqs) + 1))


# -- follow-up dates -------------------------------------------------------------------


def test_follow_ups_come_from_the_latest_visit_of_each_step_earliest_first(
    engine: MakeEngine, complete: Complete, protocol: Protocol
) -> None:
    kx = engine()
    to_concern(kx, complete)
    complete(kx, "concerning_willing", outcome="concerning", willingness="willing")
    kx.decide("concerning_willing", "Bereid.")
    complete(kx, "not_restored", evaluation_date="01-06-2026")
    kx.decide("not_restored", "Niet hersteld.")
    complete(kx, "keep_supporting", feedback_date="15-04-2026", client_informed=True)
    kx.decide("keep_supporting", "Blijven ondersteunen.")
    complete(kx, "new_worries_safety", next_check="01-05-2026")
    kx.decide("new_worries_safety", "Nieuwe vragen.")
    complete(kx, "no_doubts", not_right=False)
    kx.decide("no_doubts", "Geen twijfels meer.")
    assert follow_ups(protocol, kx.dossier)[0].step_id == "mandated"
    # The latest visit of step 3 has no next check yet: the older date is not shown.
    assert [f.step_id for f in follow_ups(protocol, kx.dossier)] == [
        "mandated",
        "restore",
    ]
    kx.set_answer("next_check", "10-03-2026")
    found = follow_ups(protocol, kx.dossier)
    assert [(f.due, f.step_number) for f in found] == [
        (date(2026, 3, 10), 3),
        (date(2026, 4, 15), 6),
        (date(2026, 6, 1), 5),
    ]
    assert found[0].is_due(date(2026, 3, 10))
    assert not found[0].is_due(date(2026, 3, 9))


def test_a_dossier_without_dates_has_no_follow_ups(
    engine: MakeEngine, protocol: Protocol
) -> None:
    assert follow_ups(protocol, engine().dossier) == []
    assert FollowUp(date(2026, 1, 1), "support", 3, "x").is_due(date(2026, 1, 2))


# -- text exactly as typed -------------------------------------------------------------

ODD_TEXTS = [
    "[de oudste]",
    "[/]",
    "{x}",
    "{0} {name!r} {{",
    "Zoë, Anaïs, Hélène, Çağla, Ångström",
    "Ĳsbrand",  # the Dutch IJ ligature, U+0132
    "Ĳ",
    "Noe\u0308l en Zoe\u0308",  # NFD: e + combining diaeresis
    "👧🏽 en 👨‍👩‍👧",
    "  spaties voor en achter  ",
    "regel 1\nregel 2\ttab",
    "\\[bold]geen opmaak[/bold]",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_text_survives_the_engine_and_a_json_round_trip_byte_for_byte(
    engine: MakeEngine, complete: Complete, text: str
) -> None:
    kx = engine(client_ref=f"CL {text}".strip(), counsellor=f"Els {text}".strip())
    child_id = kx.add_item("children", {**CHILD, "name": text, "other_carer": text})
    kx.set_notes(text)
    kx.set_answer("has_children", True)
    kx.set_mark("notes", "third_party", source=text)
    complete(kx, "children_present", residential=False)
    kx.decide("children_present", text)
    kx.add_item("consultations", {**CONSULT, "person": text, "advice": text})
    kx.set_notes(text)

    again = Dossier.model_validate_json(kx.dossier.model_dump_json())
    child = again.child(child_id)
    assert child is not None
    assert child.name.encode() == text.encode()
    assert child.answers["other_carer"].encode() == text.encode()
    assert again.visits[0].notes.encode() == text.encode()
    mark = again.visits[0].marks["notes"]
    assert mark.source == text.strip()
    decision = again.visits[0].decision
    assert decision is not None
    assert decision.reason == text.strip()
    consult = again.visits[1].answers["consultations"][0]
    assert consult["person"].encode() == consult["advice"].encode() == text.encode()
    assert again.visits[1].notes.encode() == text.encode()
    assert again.model_dump_json() == kx.dossier.model_dump_json()


@pytest.mark.parametrize("text", ["Noor\udcff", "\ud800"])
def test_text_that_cannot_be_saved_is_refused_and_nothing_changes(
    engine: MakeEngine, text: str
) -> None:
    kx = engine()
    before = snapshot(kx)
    with pytest.raises(InputError):
        kx.add_item("children", {**CHILD, "name": text})
    with pytest.raises(InputError):
        kx.set_notes(text)
    with pytest.raises(InputError):
        kx.set_mark("notes", "third_party", source=text)
    assert snapshot(kx) == before
    kx.dossier.model_dump_json()


def test_engine_refuses_changes_in_a_closed_dossier(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    complete(kx, "not_applicable", has_children=False, residential=False)
    kx.decide("not_applicable", "Geen kinderen.")
    before = snapshot(kx)
    for change in (
        lambda: kx.set_answer("has_children", True),
        lambda: kx.tick("tell_standard"),
        lambda: kx.set_notes("x"),
        lambda: kx.decide("children_present", "x"),
    ):
        with pytest.raises(InputError, match="afgesloten"):
            change()
    assert snapshot(kx) == before


def test_an_answer_hidden_by_a_later_correction_stays_hidden_in_past_visits(
    engine: MakeEngine, complete: Complete
) -> None:
    """Willingness given under "concerning" no longer shows once corrected to safe."""
    kx = engine()
    to_concern(kx, complete)
    kx.set_answer("outcome", "concerning")
    kx.set_answer("willingness", "refusing")
    kx.set_answer("outcome", "not_concerning")
    complete(kx, "safe")
    kx.decide("safe", "team: veilig")
    past = kx.dossier.visits[-2]
    spec = kx.protocol.step("concern").field("willingness")
    assert spec is not None
    assert past.answers["willingness"] == "refusing"
    assert kx.shown_in(past, spec) is False
    outcome = kx.protocol.step("concern").field("outcome")
    assert outcome is not None and kx.shown_in(past, outcome) is True


def test_third_party_information_needs_its_source_before_the_step_is_left(
    engine: MakeEngine,
) -> None:
    """A note marked as coming from a third party lists its missing source."""
    kx = engine()
    kx.set_notes("De school meldt dat Noor vaak honger heeft.")
    kx.set_mark("notes", "third_party")
    assert any("geef de bron" in m.message for m in kx.missing())
    kx.set_mark("notes", "third_party", "zorgcoördinator school")
    assert not any("geef de bron" in m.message for m in kx.missing())
    kx.set_mark("notes", "observation")
    assert not any("geef de bron" in m.message for m in kx.missing())


def test_an_expected_child_is_not_asked_whether_it_was_heard(
    engine: MakeEngine, complete: Complete
) -> None:
    """Step 4's per-child questions skip a child that is not born yet."""
    kx = engine()
    kx.add_item("children", CHILD)
    kx.add_item(
        "children", {"name": "Baby", "expected": True, "due_date": "01-09-2026"}
    )
    to_concern(kx, complete)
    assert [child.name for child in kx.born_children()] == ["Noor"]
    assert len(kx.dossier.children) == 2


def test_long_texts_inside_items_and_child_groups_can_be_marked(
    engine: MakeEngine, complete: Complete
) -> None:
    """A consultation's advice and a child's own words carry their own mark."""
    kx = engine()
    to_concern(kx, complete)
    item_id = kx.add_item(
        "consultations", {"with": "vk", "date": "01-03-2026", "advice": "Aanmelden."}
    )
    child = kx.dossier.children[0]
    kx.set_child_answer("children_heard", child.id, "views", "Ik wil bij mama blijven.")
    assert kx.set_mark(f"consultations/{item_id}/advice", "third_party")
    assert kx.set_mark(f"children_heard/{child.id}/views", "client_statement")
    assert any("geef de bron bij Advies" in m.message for m in kx.missing())
    kx.set_mark(f"consultations/{item_id}/advice", "third_party", "VK Brabant")
    assert not any("geef de bron" in m.message for m in kx.missing())
    with pytest.raises(InputError):
        kx.set_mark("consultations/nope/advice", "fact")
    with pytest.raises(InputError):
        kx.set_mark(f"consultations/{item_id}/with", "fact")
