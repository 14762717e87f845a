"""One small broken protocol per check rule: the rule fires and names the place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from protocol_cases import Files, findings_of, only, step, write_protocol

from kindreflex_tui.errors import ProtocolError
from kindreflex_tui.protocol.check import check_graph, sort_findings
from kindreflex_tui.protocol.loader import check_protocol, load_protocol, read_protocol


def test_the_minimal_protocol_is_clean(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "mini")
    assert findings_of(directory) == []
    assert load_protocol(directory).info.id == "mini"


def test_the_shipped_protocol_checks_clean() -> None:
    protocol = load_protocol()
    assert check_graph(protocol) == []
    assert [s.number for s in protocol.steps] == [1, 2, 3, 4, 5, 6]


# -- helpers for the cases ---------------------------------------------------------


def _field(files: Files, number: int, field_id: str) -> dict[str, Any]:
    return next(f for f in step(files, number)["fields"] if f["id"] == field_id)


def _set(number: int, *path: Any, value: Any) -> Callable[[Files], None]:
    """A change that sets one value in a step document."""

    def change(files: Files) -> None:
        node: Any = step(files, number)
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return change


def _add_step(files: Files, number: int, **extra: Any) -> None:
    """Add a third step (not reached by any option) to the folder."""
    document = {
        "id": "extra",
        "number": number,
        "title": "Extra",
        "short_title": "Extra",
        "who": "Iedereen",
        "decision": "Verder?",
        "items": [{"id": "do", "label": "Doe iets"}],
        "options": [{"id": "end", "label": "Einde", "target": "@end"}],
    }
    document.update(extra)
    files["step-3.toml"] = document
    files["protocol.toml"]["protocol"]["steps"].append("step-3.toml")


def _dup_step_id(files: Files) -> None:
    _add_step(files, 3, id="review")
    step(files, 1)["options"].append({"id": "x", "label": "X", "target": "review"})


def _dup_number(files: Files) -> None:
    _add_step(files, 2)
    step(files, 2)["options"].append({"id": "x", "label": "X", "target": "extra"})


def _dead_end(files: Files) -> None:
    step(files, 1)["options"] = [{"id": "on", "label": "Verder", "target": "review"}]
    step(files, 2)["options"] = [{"id": "back", "label": "Terug", "target": "intake"}]


def _second_register(files: Files) -> None:
    step(files, 2)["fields"].append(
        {
            "id": "more_children",
            "type": "repeat",
            "store": "children",
            "label": "Nog kinderen",
            "fields": [{"id": "name", "type": "text", "label": "Naam"}],
        }
    )


def _no_register(files: Files) -> None:
    del _field(files, 1, "children")["store"]


def _later_step_ref(files: Files) -> None:
    step(files, 2)["options"] = [{"id": "done", "label": "Klaar", "target": "@end"}]
    _field(files, 1, "level")["show_if"] = {"field": "review.note", "answered": True}


def _group_ref(files: Files) -> None:
    talk = files["protocol.toml"]["field_groups"]["talk"]
    talk[1]["show_if"] = {"field": "whit", "answered": True}


def _unused_choices(files: Files) -> None:
    files["protocol.toml"]["choices"]["spare"] = [{"id": "a", "label": "A"}]


def _empty_choices(files: Files) -> None:
    files["protocol.toml"]["choices"]["level"] = []


def _entry_marks(files: Files) -> None:
    files["protocol.toml"]["protocol"]["entry_marks"] = "kinds"
    files["protocol.toml"]["choices"].pop("kind")


def _start(files: Files) -> None:
    files["protocol.toml"]["protocol"]["start"] = "intak"


def _dup_choice(files: Files) -> None:
    files["protocol.toml"]["choices"]["level"].append({"id": "low", "label": "Ook"})


def _dup_group_field(files: Files) -> None:
    talk = files["protocol.toml"]["field_groups"]["talk"]
    talk.append({"id": "with", "type": "text", "label": "Nogmaals"})


def _nested_repeat(files: Files) -> None:
    _field(files, 1, "children")["fields"].append(
        {"id": "pets", "type": "repeat", "label": "Huisdieren", "fields": []}
    )


def _contradiction(files: Files) -> None:
    step(files, 1)["options"][1]["expect"] = {
        "all": [
            {"field": "worried", "equals": True},
            {"field": "worried", "equals": False},
        ]
    }


def _requires_info(files: Files) -> None:
    step(files, 1)["fields"].append({"id": "tip", "type": "info", "label": "Tip"})
    step(files, 1)["options"][1]["requires"] = ["tip"]


def _never_shown(files: Files) -> None:
    _field(files, 1, "level")["show_if"] = {
        "all": [
            {"field": "worried", "equals": True},
            {"not": {"field": "worried", "answered": True}},
        ]
    }


F1, F2, PT = "step-1.toml", "step-2.toml", "protocol.toml"

CASES: list[tuple[str, Callable[[Files], None], str, str, str]] = [
    # id, change, rule, file, key path
    ("step id twice", _dup_step_id, "id/duplicate", "step-3.toml", "id"),
    ("step number twice", _dup_number, "id/duplicate", "step-3.toml", "number"),
    (
        "item id twice",
        lambda files: step(files, 1)["items"].append({"id": "ask", "label": "Nog"}),
        "id/duplicate",
        F1,
        "items[1].id",
    ),
    (
        "field id twice",
        _set(1, "fields", 1, "id", value="worried"),
        "id/duplicate",
        F1,
        "fields[1].id",
    ),
    (
        "sub-field id twice",
        _set(1, "fields", 2, "fields", 1, "id", value="name"),
        "id/duplicate",
        F1,
        "fields[2].fields[1].id",
    ),
    ("choice id twice", _dup_choice, "id/duplicate", PT, "choices.level[2].id"),
    (
        "group field id twice",
        _dup_group_field,
        "id/duplicate",
        PT,
        "field_groups.talk[2].id",
    ),
    (
        "option id twice",
        _set(1, "options", 1, "id", value="go_on"),
        "id/duplicate",
        F1,
        "options[1].id",
    ),
    ("start names no step", _start, "graph/start", PT, "protocol.start"),
    (
        "target names no step",
        _set(1, "options", 0, "target", value="reveiw"),
        "graph/unknown-target",
        F1,
        "options[0].target",
    ),
    (
        "step no option leads to",
        lambda files: _add_step(files, 3),
        "graph/unreachable",
        "step-3.toml",
        "id",
    ),
    ("cycle with no way out", _dead_end, "graph/dead-end", F1, "options"),
    (
        "step without checklist",
        _set(2, "items", value=[]),
        "step/empty-checklist",
        F2,
        "items",
    ),
    (
        "field names an unknown choice list",
        _set(1, "fields", 1, "choices", value="levels"),
        "choices/unknown",
        F1,
        "fields[1].choices",
    ),
    (
        "choice list without choices",
        _empty_choices,
        "choices/empty",
        PT,
        "choices.level",
    ),
    ("choice list nobody uses", _unused_choices, "choices/unused", PT, "choices.spare"),
    (
        "choice field without list",
        lambda files: _field(files, 1, "level").pop("choices"),
        "field/params",
        F1,
        "fields[1].choices",
    ),
    (
        "choices on a text field",
        _set(2, "fields", 0, "choices", value="level"),
        "field/params",
        F2,
        "fields[0].choices",
    ),
    (
        "repeat without sub-fields",
        _set(1, "fields", 2, "fields", value=[]),
        "field/params",
        F1,
        "fields[2].fields",
    ),
    (
        "sub-fields on a yes/no field",
        _set(
            1, "fields", 0, "fields", value=[{"id": "a", "type": "text", "label": "A"}]
        ),
        "field/params",
        F1,
        "fields[0].fields",
    ),
    (
        "min above max",
        _set(1, "fields", 2, "min", value=9),
        "field/params",
        F1,
        "fields[2].min",
    ),
    (
        "follow_up on a text field",
        _set(2, "fields", 0, "follow_up", value=True),
        "field/params",
        F2,
        "fields[0].follow_up",
    ),
    (
        "not_future on a yes/no field",
        _set(1, "fields", 0, "not_future", value=True),
        "field/params",
        F1,
        "fields[0].not_future",
    ),
    (
        "action on a text field",
        _set(2, "fields", 0, "action", value="redacted_summary"),
        "field/params",
        F2,
        "fields[0].action",
    ),
    (
        "required info field",
        _set(
            2,
            "fields",
            0,
            value={"id": "tip", "type": "info", "label": "Tip", "required": True},
        ),
        "field/params",
        F2,
        "fields[0].required",
    ),
    (
        "store on a sub-field",
        _set(1, "fields", 2, "fields", 0, "store", value="children"),
        "field/params",
        F1,
        "fields[2].fields[0].store",
    ),
    (
        "store on a choice field",
        _set(1, "fields", 1, "store", value="children"),
        "field/params",
        F1,
        "fields[1].store",
    ),
    ("two children registers", _second_register, "field/params", F2, "fields[3].store"),
    (
        "register without a name",
        _set(1, "fields", 2, "fields", 0, "id", value="first_name"),
        "field/params",
        F1,
        "fields[2].fields",
    ),
    (
        "register with a yes/no due date",
        _set(1, "fields", 2, "fields", 2, "type", value="yes_no"),
        "field/params",
        F1,
        "fields[2].fields[2].type",
    ),
    (
        "per_child without a register",
        _no_register,
        "field/params",
        F2,
        "fields[2].type",
    ),
    (
        "item_label names no sub-field",
        _set(1, "fields", 2, "item_label", value="{nmae}"),
        "field/params",
        F1,
        "fields[2].item_label",
    ),
    (
        "repeat inside a repeat",
        _nested_repeat,
        "field/params",
        F1,
        "fields[2].fields[3].type",
    ),
    (
        "condition on an unknown field",
        _set(1, "fields", 1, "show_if", "field", value="woried"),
        "expr/unknown-ref",
        F1,
        "fields[1].show_if.field",
    ),
    (
        "condition on an unknown step",
        _set(2, "fields", 0, "show_if", "field", value="intak.worried"),
        "expr/unknown-ref",
        F2,
        "fields[0].show_if.field",
    ),
    (
        "condition on an unknown field of another step",
        _set(2, "fields", 0, "show_if", "field", value="intake.worry"),
        "expr/unknown-ref",
        F2,
        "fields[0].show_if.field",
    ),
    (
        "condition in a field group on an unknown field",
        _group_ref,
        "expr/unknown-ref",
        PT,
        "field_groups.talk[1].show_if.field",
    ),
    (
        "condition on a later field",
        _set(1, "fields", 0, "show_if", value={"field": "level", "answered": True}),
        "expr/later-ref",
        F1,
        "fields[0].show_if.field",
    ),
    (
        "condition on a later sibling",
        _set(
            1,
            "fields",
            2,
            "fields",
            0,
            "show_if",
            value={"field": "expected", "equals": False},
        ),
        "expr/later-ref",
        F1,
        "fields[2].fields[0].show_if.field",
    ),
    (
        "condition on a later step",
        _later_step_ref,
        "expr/later-ref",
        F1,
        "fields[1].show_if.field",
    ),
    (
        "condition on itself",
        _set(1, "fields", 1, "show_if", value={"field": "level", "answered": True}),
        "expr/self-ref",
        F1,
        "fields[1].show_if.field",
    ),
    (
        "condition on a choice that does not exist",
        _set(1, "options", 0, "expect", "equals", value="hihg"),
        "expr/unknown-choice",
        F1,
        "options[0].expect.equals",
    ),
    (
        "yes/no condition compared with text",
        _set(1, "fields", 1, "show_if", "equals", value="ja"),
        "expr/unknown-choice",
        F1,
        "fields[1].show_if.equals",
    ),
    (
        "text field compared with true",
        _set(2, "fields", 1, "show_if", value={"field": "note", "equals": True}),
        "expr/type",
        F2,
        "fields[1].show_if.equals",
    ),
    (
        "repeat compared with a value",
        _set(
            2, "fields", 0, "show_if", value={"field": "intake.children", "equals": "x"}
        ),
        "expr/type",
        F2,
        "fields[0].show_if.equals",
    ),
    (
        "option requires an unknown field",
        _set(1, "options", 0, "requires", value=["levle"]),
        "option/requires-unknown",
        F1,
        "options[0].requires[0]",
    ),
    (
        "option expects a choice that does not exist",
        _set(1, "options", 0, "expect", "equals", value="medium"),
        "option/never",
        F1,
        "options[0].expect",
    ),
    (
        "option expects a contradiction",
        _contradiction,
        "option/never",
        F1,
        "options[1].expect",
    ),
    (
        "option requires an info field",
        _requires_info,
        "option/never",
        F1,
        "options[1].requires[0]",
    ),
    (
        "field that is never shown",
        _never_shown,
        "field/never-shown",
        F1,
        "fields[1].show_if",
    ),
    (
        "entry marks name no list",
        _entry_marks,
        "protocol/entry-marks",
        PT,
        "protocol.entry_marks",
    ),
]


@pytest.mark.parametrize(
    ("change", "rule", "file", "path"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_rule_names_the_file_and_key_path(
    tmp_path: Path, change: Callable[[Files], None], rule: str, file: str, path: str
) -> None:
    directory = write_protocol(tmp_path / "p", change)
    found = only(findings_of(directory), rule)
    places = [(f.file, f.path) for f in found]
    assert (file, path) in places, f"{rule} not at {file} {path}: {places}"


WARNINGS = {"choices/unused", "field/never-shown"}


@pytest.mark.parametrize(
    ("change", "rule"),
    [case[1:3] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_errors_stop_the_protocol_and_warnings_do_not(
    tmp_path: Path, change: Callable[[Files], None], rule: str
) -> None:
    directory = write_protocol(tmp_path / "p", change)
    if rule in WARNINGS:
        assert load_protocol(directory).info.id == "mini"
        assert {f.severity for f in only(findings_of(directory), rule)} == {"warning"}
    else:
        with pytest.raises(ProtocolError) as caught:
            load_protocol(directory)
        assert rule in {f.rule for f in caught.value.findings}


def test_unknown_target_suggests_the_step_meant(tmp_path: Path) -> None:
    directory = write_protocol(
        tmp_path / "p", _set(1, "options", 0, "target", value="reveiw")
    )
    [finding] = only(findings_of(directory), "graph/unknown-target")
    assert finding.hint == "bedoel je 'review'?"
    assert "reveiw" in finding.message


def test_unknown_field_reference_suggests_a_field(tmp_path: Path) -> None:
    change = _set(1, "fields", 1, "show_if", "field", value="woried")
    [finding] = only(
        findings_of(write_protocol(tmp_path / "p", change)), "expr/unknown-ref"
    )
    assert finding.hint == "bedoel je 'worried'?"


def test_unknown_choice_list_suggests_a_list(tmp_path: Path) -> None:
    change = _set(1, "fields", 1, "choices", value="levels")
    [finding] = only(
        findings_of(write_protocol(tmp_path / "p", change)), "choices/unknown"
    )
    assert finding.hint == "bedoel je 'level'?"


def test_a_reference_to_an_earlier_step_on_a_loop_is_allowed(tmp_path: Path) -> None:
    # review -> intake is a route, so review's answers can exist when intake is seen.
    change = _set(
        1, "fields", 1, "show_if", value={"field": "review.note", "answered": True}
    )
    assert findings_of(write_protocol(tmp_path / "p", change)) == []


def test_graph_findings_carry_the_line_of_the_key(tmp_path: Path) -> None:
    directory = write_protocol(
        tmp_path / "p", _set(1, "options", 0, "target", value="nowhere")
    )
    [finding] = only(findings_of(directory), "graph/unknown-target")
    lines = (directory / "step-1.toml").read_text(encoding="utf-8").splitlines()
    assert finding.line is not None
    assert lines[finding.line - 1].strip() == 'target = "nowhere"'


def test_findings_are_sorted_by_file_path_and_rule(tmp_path: Path) -> None:
    def many(files: Files) -> None:
        _unused_choices(files)
        _start(files)
        for index in range(11):
            step(files, 1)["items"].append({"id": "ask", "label": f"{index}"})

    findings = findings_of(write_protocol(tmp_path / "p", many))
    assert findings == sort_findings(list(reversed(findings)))
    paths = [f.path for f in findings if f.file == "step-1.toml"]
    assert paths.index("items[2].id") < paths.index("items[10].id")
    assert [f.file for f in findings] == sorted(f.file for f in findings)


def test_read_protocol_does_not_run_the_graph_rules(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "p", _start)
    protocol, findings = read_protocol(directory)
    assert protocol is not None and findings == []
    assert only(check_protocol(directory)[1], "graph/start")
