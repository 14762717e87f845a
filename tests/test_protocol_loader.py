"""Bad protocol files give findings that say where and what, never a traceback."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from protocol_cases import Files, only, step, write_protocol

from kindreflex_tui.cli import main
from kindreflex_tui.errors import ProtocolError
from kindreflex_tui.protocol.loader import (
    _LineIndex,
    load_protocol,
    read_protocol,
    shipped_protocol_dir,
)


def _text(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def _replace(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _changed(change: Callable[[Files], None]) -> Callable[[Path], None]:
    """A setup that writes the minimal protocol with one change."""
    return lambda directory: write_protocol(directory, change) and None


def _base_then(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    """A setup that writes the minimal protocol and then edits its files."""

    def setup(directory: Path) -> None:
        write_protocol(directory)
        edit(directory)

    return setup


def _steps(*names: str) -> Callable[[Files], None]:
    def change(files: Files) -> None:
        files["protocol.toml"]["protocol"]["steps"] = list(names)

    return change


def _unknown_step_key(files: Files) -> None:
    field = step(files, 1)["fields"][1]
    field["show_iff"] = field.pop("show_if")


def _unknown_condition_key(files: Files) -> None:
    step(files, 1)["fields"][1]["show_if"] = {"field": "worried", "equal": True}


PT, F1, F2 = "protocol.toml", "step-1.toml", "step-2.toml"

BAD_INPUT: list[tuple[str, Callable[[Path], None], str, str, str]] = [
    # id, setup of the folder, rule, file, key path
    (
        "TOML syntax error",
        _base_then(lambda d: _replace(d, F1, "number = 1", "number = = 1")),
        "toml/syntax",
        F1,
        "",
    ),
    (
        "unknown key in a step",
        _changed(_unknown_step_key),
        "schema/unknown-key",
        F1,
        "fields[1].show_iff",
    ),
    (
        "unknown key in a condition",
        _changed(_unknown_condition_key),
        "schema/unknown-key",
        F1,
        "fields[1].show_if.equal",
    ),
    (
        "unknown key in [protocol]",
        _changed(lambda f: f["protocol.toml"]["protocol"].update(titel="X")),
        "schema/unknown-key",
        PT,
        "protocol.titel",
    ),
    (
        "unknown top-level table",
        _changed(lambda f: f["protocol.toml"].update(choises={})),
        "schema/unknown-key",
        PT,
        "choises",
    ),
    (
        "wrong type",
        _changed(lambda f: step(f, 2).update(number="2")),
        "schema/type",
        F2,
        "number",
    ),
    (
        "wrong type in a choice list",
        _changed(lambda f: f["protocol.toml"]["choices"]["level"][0].update(label=3)),
        "schema/type",
        PT,
        "choices.level[0].label",
    ),
    (
        "missing key",
        _changed(lambda f: step(f, 2).pop("decision")),
        "schema/missing-key",
        F2,
        "decision",
    ),
    (
        "id with capitals",
        _changed(lambda f: step(f, 1)["items"][0].update(id="Ask")),
        "id/syntax",
        F1,
        "items[0].id",
    ),
    (
        "unknown field type",
        _changed(lambda f: step(f, 1)["fields"][0].update(type="yesno")),
        "schema/value",
        F1,
        "fields[0].type",
    ),
    (
        "missing protocol.toml",
        _base_then(lambda d: (d / PT).unlink()),
        "file/missing",
        PT,
        "",
    ),
    (
        "missing step file",
        _base_then(lambda d: (d / F2).rename(d / "step-2-review.toml")),
        "file/missing",
        PT,
        "protocol.steps[1]",
    ),
    (
        "empty step file",
        _base_then(lambda d: _text(d, F2, "\n  \n")),
        "file/empty",
        F2,
        "",
    ),
    (
        "empty protocol.toml",
        _base_then(lambda d: _text(d, PT, "")),
        "file/empty",
        PT,
        "",
    ),
    (
        "step file not UTF-8",
        _base_then(
            lambda d: (d / F1).write_bytes(b'id = "intake"\ntitle = "Caf\xe9"\n')
        ),
        "file/encoding",
        F1,
        "",
    ),
    (
        "step file listed twice",
        _changed(_steps(F1, F2, F1)),
        "file/duplicate",
        PT,
        "protocol.steps[2]",
    ),
    (
        "step file outside the folder",
        _changed(_steps(F1, "../step-2.toml")),
        "file/path",
        PT,
        "protocol.steps[1]",
    ),
    (
        "protocol format this build does not read",
        _changed(lambda f: f["protocol.toml"]["protocol"].update(format=2)),
        "schema/format",
        PT,
        "protocol.format",
    ),
    (
        "no [protocol] table",
        _changed(lambda f: f["protocol.toml"].pop("protocol")),
        "schema/missing-key",
        PT,
        "protocol",
    ),
    (
        "unknown field group",
        _changed(lambda f: step(f, 2)["fields"][1].update(fields_from="tlak")),
        "field/unknown-group",
        F2,
        "fields[1].fields_from",
    ),
    (
        "field group and own sub-fields",
        _changed(
            lambda f: step(f, 2)["fields"][1].update(
                fields=[{"id": "a", "type": "text", "label": "A"}]
            )
        ),
        "field/params",
        F2,
        "fields[1].fields_from",
    ),
    (
        "broken field group",
        _changed(lambda f: f["protocol.toml"]["field_groups"]["talk"][0].pop("label")),
        "schema/missing-key",
        PT,
        "field_groups.talk[0].label",
    ),
    (
        "deeply nested value",
        _base_then(lambda d: _text(d, F2, "x = " + "[" * 5000 + "]" * 5000 + "\n")),
        "toml/syntax",
        F2,
        "",
    ),
    (
        "condition with two tests",
        _changed(
            lambda f: step(f, 1)["fields"][1].update(
                show_if={"field": "worried", "equals": True, "answered": True}
            )
        ),
        "schema/value",
        F1,
        "fields[1].show_if",
    ),
]


@pytest.mark.parametrize(
    ("setup", "rule", "file", "path"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_gives_a_located_finding(
    tmp_path: Path, setup: Callable[[Path], None], rule: str, file: str, path: str
) -> None:
    directory = tmp_path / "p"
    directory.mkdir()
    setup(directory)
    protocol, findings = read_protocol(directory)
    assert protocol is None
    places = [(f.file, f.path) for f in only(findings, rule)]
    assert (file, path) in places, f"{rule} not at {file} {path}: {findings}"


@pytest.mark.parametrize(
    "setup", [case[1] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT]
)
def test_bad_input_makes_check_exit_1_without_traceback(
    tmp_path: Path, setup: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "p"
    directory.mkdir()
    setup(directory)
    assert main(["protocol", "check", str(directory)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert " is ongeldig: " in out.splitlines()[-1]
    with pytest.raises(ProtocolError):
        load_protocol(directory)


def test_a_missing_folder_is_a_finding(tmp_path: Path) -> None:
    protocol, findings = read_protocol(tmp_path / "nope")
    assert protocol is None
    assert [f.rule for f in findings] == ["dir/missing"]
    assert findings[0].file == str(tmp_path / "nope")


def test_a_file_given_as_folder_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "file.toml").write_text("x = 1\n", encoding="utf-8")
    _protocol, findings = read_protocol(tmp_path / "file.toml")
    assert [f.rule for f in findings] == ["dir/not-a-directory"]


def test_syntax_error_names_its_line(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "p")
    lines = (directory / F1).read_text(encoding="utf-8").splitlines()
    broken = lines.index("number = 1") + 1
    _replace(directory, F1, "number = 1", "number = = 1")
    [finding] = read_protocol(directory)[1]
    assert (finding.rule, finding.line) == ("toml/syntax", broken)
    assert (
        finding.message == "TOML-fout: ongeldige waarde (tekst hoort tussen "
        "aanhalingstekens) (kolom 10)"
    )


def test_syntax_error_at_the_end_names_the_last_line(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "p")
    _text(directory, F2, 'id = "review"\nsteps = [\n  "a",\n')
    [finding] = read_protocol(directory)[1]
    assert (finding.rule, finding.line) == ("toml/syntax", 3)
    assert finding.message.startswith("TOML-fout: ")


def test_non_utf8_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "p")
    (directory / F1).write_bytes(b'id = "intake"\n\ntitle = "Caf\xe9"\n')
    [finding] = read_protocol(directory)[1]
    assert (finding.rule, finding.line) == ("file/encoding", 3)
    assert finding.hint == "bewaar het bestand als UTF-8"


def test_unknown_key_suggests_the_key_meant(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "p", _unknown_step_key)
    [finding] = read_protocol(directory)[1]
    assert finding.hint == "bedoel je 'show_if'?"
    text = (directory / F1).read_text(encoding="utf-8").splitlines()
    assert finding.line is not None
    assert "show_iff" in text[finding.line - 1]


def test_unknown_condition_key_suggests_equals(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "p", _unknown_condition_key)
    [finding] = read_protocol(directory)[1]
    assert finding.hint == "bedoel je 'equals'?"


def test_missing_step_file_suggests_the_file_there(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "p")
    (directory / F2).rename(directory / "step-2s.toml")
    findings = read_protocol(directory)[1]
    [missing] = only(findings, "file/missing")
    assert missing.hint == "bedoel je 'step-2s.toml'?"
    [unlisted] = only(findings, "file/unlisted")
    assert unlisted.severity == "warning"


def test_wrong_type_of_a_union_gives_one_finding_in_dutch(tmp_path: Path) -> None:
    directory = write_protocol(
        tmp_path / "p",
        lambda f: step(f, 1)["fields"][1].update(
            show_if={"field": "worried", "equals": 3}
        ),
    )
    [finding] = read_protocol(directory)[1]
    assert finding.rule == "schema/type"
    assert finding.path == "fields[1].show_if.equals"
    assert finding.message == "verwacht tekst of true of false, niet het getal 3"


def test_an_unlisted_step_file_is_only_a_warning(tmp_path: Path) -> None:
    directory = write_protocol(tmp_path / "p")
    shutil.copy(directory / F2, directory / "step-2-old.toml")
    assert load_protocol(directory).info.id == "mini"
    [finding] = only(read_protocol(directory)[1], "file/unlisted")
    assert "step-2-old.toml" in finding.message


def test_shipped_protocol_typo_is_found_on_its_line(tmp_path: Path) -> None:
    directory = tmp_path / "caw"
    shutil.copytree(shipped_protocol_dir(), directory)
    _replace(
        directory, "step-4-concern.toml", 'target = "restore"', 'target = "restor"'
    )
    with pytest.raises(ProtocolError) as caught:
        load_protocol(directory)
    [finding] = only(caught.value.findings, "graph/unknown-target")
    lines = (directory / "step-4-concern.toml").read_text(encoding="utf-8")
    assert finding.file == "step-4-concern.toml"
    assert finding.path == "options[1].target"
    assert finding.line is not None
    assert lines.splitlines()[finding.line - 1] == 'target = "restor"'
    assert finding.hint == "bedoel je 'restore'?"
    assert "step-4-concern.toml" in str(caught.value)


def test_the_content_hash_changes_with_any_file(tmp_path: Path) -> None:
    directory = tmp_path / "caw"
    shutil.copytree(shipped_protocol_dir(), directory)
    before = load_protocol(directory).sha256
    assert before == load_protocol().sha256
    _replace(directory, "step-3-support.toml", "Hoe ga je verder?", "Hoe verder?")
    assert load_protocol(directory).sha256 != before


# -- the line lookup -------------------------------------------------------------------

LAYOUT = '''\
# comment = 1
[protocol]
id = "x"
steps = [
    "a.toml", # first
    "b.toml",
]
guidance = """
[[not_a_table]]
fake = 1
"""

[[fields]]
id = "one"

[[fields]]
id = "two"
show_if = { field = "one", equals = "a]" }

[[fields.fields]]
id = "sub"

[fields.extra]
"quoted key" = 1

[[options]]
id = "go"
'''


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("protocol.id", 3),
        ("protocol.steps", 4),
        ("protocol.steps[0]", 5),
        ("protocol.steps[1]", 6),
        ("protocol.guidance", 8),
        ("fields[0].id", 14),
        ("fields[1]", 16),
        ("fields[1].show_if.equals", 18),
        ("fields[1].fields[0].id", 21),
        ("fields[1].extra.quoted key", 24),
        ("options[0].id", 27),
        ("options[0].target", 26),
        ("fake", None),
        ("not_a_table", None),
    ],
)
def test_line_lookup_follows_tables_arrays_and_strings(path: str, line: int) -> None:
    assert _LineIndex(LAYOUT).line_of(path) == line


def test_an_edited_protocol_is_read_again_not_served_from_memory(
    tmp_path: Path,
) -> None:
    """Loading twice gives the same model; after an edit the new text is seen."""
    import shutil

    from kindreflex_tui.protocol.loader import load_protocol, shipped_protocol_dir

    folder = tmp_path / "caw"
    shutil.copytree(shipped_protocol_dir(), folder)
    first = load_protocol(folder)
    assert load_protocol(folder) is first
    step = folder / "step-2-safety.toml"
    step.write_text(
        step.read_text(encoding="utf-8").replace(
            'short_title = "Veiligheid"', 'short_title = "Veilig thuis"'
        ),
        encoding="utf-8",
    )
    second = load_protocol(folder)
    assert second.step("safety").short_title == "Veilig thuis"
    assert second.sha256 != first.sha256
