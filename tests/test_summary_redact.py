"""Redacted summaries: no name, client code or birth date of the dossier gets out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kindreflex_tui.demo import build_demo
from kindreflex_tui.dossier.model import Dossier
from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.model import FieldSpec, Protocol
from kindreflex_tui.summary import render_summary
from kindreflex_tui.summary_redact import FREE_TEXT_WARNING, Redactor, is_role_only

NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
TODAY = NOW.date()
FORMATS = ("text", "markdown", "json")


def spellings(day: date) -> set[str]:
    """The ways a date can be written: ISO, dd-mm-jjjj, d-m-jjjj, with / or ."""
    found = {day.isoformat()}
    for d, m in (
        (f"{day.day:02d}", f"{day.month:02d}"),
        (str(day.day), str(day.month)),
    ):
        for sep in "-/.":
            found.add(f"{d}{sep}{m}{sep}{day.year}")
    return found


def sensitive_values(spec: FieldSpec, value: Any) -> Iterator[str]:
    """Every string a sensitive field or sub-field holds (the test's own walk)."""
    if spec.sensitive:
        if isinstance(value, str):
            yield value
        return
    if spec.type == "repeat" and isinstance(value, list):
        for item in value:
            for sub in spec.fields:
                yield from sensitive_values(sub, item.get(sub.id))
    if spec.type == "per_child" and isinstance(value, dict):
        for answers in value.values():
            for sub in spec.fields:
                yield from sensitive_values(sub, answers.get(sub.id))


def secrets(dossier: Dossier, protocol: Protocol) -> set[str]:
    """Everything a redacted summary must not show: names, codes, birth dates.

    A sensitive value made only of role words ("mevrouw") names nobody and may stay.
    """
    found = {dossier.id, dossier.client_ref, *dossier.counsellors}
    register = next(
        spec for step in protocol.steps for spec in step.fields if spec.store
    )
    for child in dossier.children:
        found.add(child.name)
        for day in (child.birth_date, child.due_date):
            if day is not None:
                found |= spellings(day)
        for sub in register.fields:
            found |= set(sensitive_values(sub, child.answers.get(sub.id)))
    for visit in dossier.visits:
        for spec in protocol.step(visit.step).fields:
            found |= set(sensitive_values(spec, visit.answers.get(spec.id)))
    return {s for s in found if not is_role_only(s)}


def leaks(text: str, hidden: set[str], *, words: bool = False) -> list[str]:
    """The hidden strings in a text, ignoring case; as whole words when `words`.

    Whole words let "Daan" pass inside the label "Gedaan"; generated names are checked
    as bare substrings.
    """
    if not words:
        lowered = text.lower()
        return sorted(s for s in hidden if s.lower() in lowered)
    return sorted(
        s
        for s in hidden
        if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text, re.IGNORECASE)
    )


@pytest.fixture(scope="module")
def demos(protocol: Protocol) -> list[Dossier]:
    """The demo dossiers at a fixed moment."""
    return build_demo(protocol, NOW)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("strict", [False, True])
def test_redacted_demo_summaries_hold_no_name_or_birth_date(
    demos: list[Dossier], protocol: Protocol, fmt: str, strict: bool
) -> None:
    """No child, client code, counsellor, consulted person or birth date is shown."""
    for dossier in demos:
        hidden = secrets(dossier, protocol)
        assert {"Lotte", "Maria Voorbeeld", "Tom Proef"} & hidden or dossier.id != (
            "demo-03"
        )
        text = render_summary(
            dossier, protocol, fmt, redact=True, strict=strict, today=TODAY
        )
        assert leaks(text, hidden, words=True) == [], dossier.client_ref


def test_the_unredacted_summary_does_show_the_names(
    demos: list[Dossier], protocol: Protocol
) -> None:
    """The check above can fail: without redaction the names are all there."""
    dossier = next(d for d in demos if d.id == "demo-03")
    text = render_summary(dossier, protocol, "text", today=TODAY)
    hidden = secrets(dossier, protocol)
    assert {"Lotte", "Finn", "DEMO-03", "Maria Voorbeeld", "Ingrid Test"} <= set(
        leaks(text, hidden, words=True)
    )


def test_redacted_children_are_numbered_with_age_and_marks(
    demos: list[Dossier], protocol: Protocol
) -> None:
    """Children become Kind 1, Kind 2 with their age, 12+ and expected marks."""
    dossier = next(d for d in demos if d.id == "demo-04")
    data = json.loads(
        render_summary(dossier, protocol, "json", redact=True, today=TODAY)
    )
    assert [c["label"] for c in data["children"]] == ["Kind 1", "Kind 2"]
    assert data["children"][0]["age"] == 3
    assert data["children"][1]["expected"] is True
    assert all(c["name"] is None and c["birth_date"] is None for c in data["children"])
    assert all(c["due_date"] is None for c in data["children"])
    assert data["dossier"]["id"] is None and data["dossier"]["client_ref"] is None
    assert data["dossier"]["counsellors"] == []
    text = render_summary(dossier, protocol, "text", redact=True, today=TODAY)
    assert "Kind 2: verwacht kind\n" in text


def test_free_text_is_kept_marked_and_scrubbed(
    demos: list[Dossier], protocol: Protocol
) -> None:
    """Free text stays with a warning; names inside it become Kind n or [naam]."""
    dossier = next(d for d in demos if d.id == "demo-03")
    text = render_summary(dossier, protocol, "text", redact=True, today=TODAY)
    assert FREE_TEXT_WARNING in text
    assert "⚠ Kind 1 komt vaak te laat op school" in text
    assert "Zonder namen" in text
    markdown = render_summary(dossier, protocol, "markdown", redact=True, today=TODAY)
    assert "[Informatie van derden, bron: zorgcoördinator van de school]" in markdown


def test_strict_leaves_out_all_free_text(
    demos: list[Dossier], protocol: Protocol
) -> None:
    """With --strict no note, reason or free-text answer survives."""
    dossier = next(d for d in demos if d.id == "demo-03")
    text = render_summary(dossier, protocol, "text", strict=True, today=TODAY)
    assert "Partnergeweld" not in text
    assert "grootmoeder woont vlakbij" not in text
    assert "Teambeslissing: verontrustend" not in text
    assert "[vrije tekst weggelaten]" in text
    assert "Strikt" in text
    data = json.loads(
        render_summary(dossier, protocol, "json", strict=True, today=TODAY)
    )
    answers = [a for v in data["visits"] for a in v["answers"] if a["free_text"]]
    assert answers and all(a["value"] is None for a in answers)


def test_sensitive_fields_are_left_out_not_just_hidden(
    demos: list[Dossier], protocol: Protocol
) -> None:
    """People consulted, key figures, team members, monitor show as left out."""
    dossier = next(d for d in demos if d.id == "demo-03")
    data = json.loads(
        render_summary(dossier, protocol, "json", redact=True, today=TODAY)
    )
    step4 = data["visits"][2]["answers"]
    team = next(a for a in step4 if a["id"] == "team_members")
    assert team["left_out"] == "sensitive" and team["value"] is None
    figures = next(a for a in step4 if a["id"] == "key_figures")
    names = [
        f for item in figures["items"] for f in item["fields"] if f["id"] == "name"
    ]
    assert names and all(f["left_out"] == "sensitive" for f in names)


def test_role_words_stay_but_lower_case_names_go(protocol: Protocol) -> None:
    """'mevrouw' in a sensitive field names nobody; 'sofie' typed small does."""
    assert is_role_only("mevrouw") and is_role_only("de grootmoeder")
    assert not is_role_only("sofie") and not is_role_only("tante Hanne")
    dossier = build_demo(protocol, NOW)[2].model_copy(deep=True)
    dossier.visits[1].notes = "Gesprek met sofie en met mevrouw; tante Hanne belde."
    dossier.visits[1].answers["consultations"][0]["person"] = "sofie"
    dossier.visits[2].answers["key_figures"][0]["name"] = "tante Hanne"
    scrubbed = Redactor(dossier, protocol).scrub(dossier.visits[1].notes)
    assert scrubbed == "Gesprek met [naam] en met mevrouw; [naam] belde."


def test_scrub_catches_possessives_accents_and_date_spellings(
    protocol: Protocol,
) -> None:
    """Noors, Zoe for Zoë, 5/3/2019 and 2019-03-05 are all replaced."""
    dossier = build_demo(protocol, NOW)[2].model_copy(deep=True)
    dossier.children[0].name = "Zoë"
    dossier.children[0].birth_date = date(2013, 3, 5)
    redactor = Redactor(dossier, protocol)
    text = "Zoës fiets; ZOE belde; geboren 5/3/2013 (2013-03-05, 05.03.2013)."
    assert redactor.scrub(text) == (
        "Kind 1 fiets; Kind 1 belde; geboren [datum] ([datum], [datum])."
    )


# -- generated names -------------------------------------------------------------

NAME = st.text(alphabet="bcdfghjklmnpqrstvwxzéë", min_size=4, max_size=9).map(
    lambda s: s.capitalize()
) | st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=9)
"""Generated names: odd consonant strings, capitalised or not, that no label holds."""

PARTS = (
    "kid",
    "other",
    "person",
    "figure",
    "carer",
    "lead",
    "colleague",
    "gone",
    "ref",
)
"""Where a generated name goes: a child, an expected child, a person consulted, a key
figure, another carer, two counsellors, a removed child and the client code."""


def walk(protocol: Protocol, names: dict[str, str], born: date, due: date) -> Dossier:
    """A 1-2-4-5 dossier with the generated names in every place a name can go."""
    clock_now = [NOW - timedelta(days=30)]

    def clock() -> datetime:
        clock_now[0] += timedelta(minutes=1)
        return clock_now[0]

    kid, other, person, figure, carer, lead, colleague, gone, _ = (
        names[part] for part in PARTS
    )
    mention = (
        f"{kid} en {other.upper()} ({kid}'s broer), {person}, {figure}s rol, {carer}, "
        f"{lead}, {colleague} en {gone}; geboren {born:%d-%m-%Y} of "
        f"{born.isoformat()}, verwacht {due:%d/%m/%Y}. Dossier {names['ref']}."
    )
    engine = Engine.start(
        protocol,
        dossier_id="kx-test-01",
        client_ref=names["ref"],
        counsellor=lead,
        clock=clock,
        today=lambda: TODAY,
    )
    for item in ("tell_standard", "ask_children", "record_children"):
        engine.tick(item)
    engine.set_answer("has_children", True)
    engine.set_answer("residential", False)
    engine.add_item(
        "children",
        {
            "name": kid,
            "birth_date": born,
            "lives_with_client": "partly",
            "other_carer": carer,
        },
    )
    engine.add_item("children", {"name": other, "expected": True, "due_date": due})
    removed = engine.add_item(
        "children",
        {"name": gone, "birth_date": date(2019, 1, 1), "lives_with_client": "not"},
    )
    engine.remove_item("children", removed, reason="verkeerd ingevoerd")
    engine.set_notes(mention)
    engine.set_mark("notes", "third_party", f"buurvrouw {person}")
    engine.decide("children_present", f"Kinderen: {mention}")

    engine.tick("consult")
    engine.add_item(
        "consultations",
        {
            "with": "colleague",
            "date": TODAY,
            "anonymous": False,
            "person": person,
            "question": mention,
            "advice": f"Spreek met {figure}.",
        },
    )
    engine.set_answer("not_right", True)
    engine.set_answer("not_right_reasons", mention)
    engine.decide("doubts", mention)

    team = Engine(protocol, engine.dossier, colleague, clock=clock, today=lambda: TODAY)
    for item in ("gather_data", "discuss_first", "team_decides", "record_decision"):
        team.tick(item)
    first = team.add_item(
        "key_figures", {"role": "buur", "name": "Eerst Verkeerd", "said": mention}
    )
    team.update_item("key_figures", first, {"role": "buur", "name": figure})
    team.set_notes("Eerst Verkeerd bleek een vergissing.")
    team.set_child_answer(
        "children_heard", engine.dossier.children[0].id, "views", mention
    )
    team.set_answer("team_date", TODAY)
    team.set_answer("team_members", f"{lead}, {colleague}")
    team.set_answer("outcome", "concerning")
    team.set_answer("willingness", "unable")
    team.set_answer("rationale", mention)
    team.decide("concerning_willing", mention, override_reason=mention)

    team.tick("create_safety")
    team.tick("record_progress")
    team.add_item("agreements", {"what": f"{kid} slaapt bij {carer}", "who": carer})
    team.set_answer("monitor", colleague)
    team.set_answer("evaluation_date", TODAY + timedelta(days=5))
    team.set_answer("progress", mention)
    return team.dossier


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)
@given(
    names=st.fixed_dictionaries({part: NAME for part in PARTS}),
    born=st.dates(date(2008, 1, 1), date(2025, 12, 31)),
    due=st.dates(date(2027, 1, 1), date(2027, 12, 31)),
)
def test_generated_names_never_reach_a_redacted_summary(
    protocol: Protocol, names: dict[str, str], born: date, due: date
) -> None:
    """Whatever the names, every format of the redacted summary is free of them."""
    values = list(names.values())
    assume(len({v.lower() for v in values}) == len(values))
    assume(not any(a.lower() in b.lower() for a in values for b in values if a != b))
    baseline = _baseline(protocol)
    assume(not any(v.lower() in baseline for v in values))

    dossier = walk(protocol, names, born, due)
    hidden = set(values) | spellings(born) | spellings(due) | {"Eerst Verkeerd"}
    for fmt in FORMATS:
        for strict in (False, True):
            text = render_summary(
                dossier, protocol, fmt, redact=True, strict=strict, today=TODAY
            )
            assert leaks(text, hidden) == [], (fmt, strict)
    plain = render_summary(dossier, protocol, "text", today=TODAY)
    assert names["kid"] in plain


_BASELINE: list[str] = []


def _baseline(protocol: Protocol) -> str:
    """All text a redacted summary can hold besides the names: labels and wording."""
    if not _BASELINE:
        filler = {part: f"Qq{i}" for i, part in enumerate(PARTS)}
        dossier = walk(protocol, filler, date(2015, 1, 1), date(2027, 6, 1))
        parts = [protocol.model_dump_json()]
        for fmt in FORMATS:
            parts.append(
                render_summary(dossier, protocol, fmt, redact=True, today=TODAY)
            )
        _BASELINE.append("\n".join(parts).lower())
    return _BASELINE[0]


def test_parts_of_a_double_name_are_redacted_but_common_words_stay(
    protocol: Protocol,
) -> None:
    """ "Lotte-Marie" hides "Lotte" and "Marie" in notes; "baby" stays a word."""
    from kindreflex_tui.engine import Engine
    from kindreflex_tui.summary import render_summary

    engine = Engine.start(
        protocol, dossier_id="kx-double-1", client_ref="CL-D", counsellor="Els"
    )
    engine.set_answer("has_children", True)
    engine.add_item(
        "children",
        {
            "name": "Lotte-Marie Van den Broeck",
            "birth_date": "03-05-2012",
            "lives_with_client": "permanent",
        },
    )
    engine.add_item(
        "children", {"name": "Baby Peeters", "expected": True, "due_date": "01-09-2026"}
    )
    engine.set_notes("Lotte en Marie bij oma. LOTTE-MARIE ok. Er is een baby op komst.")
    for fmt in ("text", "markdown", "json"):
        text = render_summary(engine.dossier, protocol, fmt, redact=True)
        for name in ("Lotte", "Marie", "LOTTE", "Broeck"):
            assert name not in text, (fmt, name)
        assert "een baby op komst" in text
