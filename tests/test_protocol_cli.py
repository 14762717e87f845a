"""`kindreflex protocol check` and `kindreflex protocol show`, as a user runs them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from protocol_cases import Files, step, write_protocol

from kindreflex_tui.cli import main
from kindreflex_tui.protocol.loader import load_protocol
from kindreflex_tui.protocol.render import mermaid_label, short_label

Capture = pytest.CaptureFixture[str]

LEAFLET_ROUTES = {(2, 3), (2, 4), (4, 3), (4, 5), (4, 6), (5, 3), (5, 6)}
"""Every route of the LUCAS leaflet, as step numbers."""

ADDED_ROUTES = {(1, 2), (1, "end"), (3, 2), (3, 4), (3, "end"), (6, 3), (6, "end")}
"""The routes the CAW protocol adds where the leaflet is silent."""

EDGE = re.compile(r'^    s_(\w+) (-->|-\.->)\|"([^"|\[\]()]*)"\| (s_\w+|e_end)$')


def _run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(["protocol", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _bad_target(files: Files) -> None:
    step(files, 2)["options"][1]["target"] = "intak"


# -- check ---------------------------------------------------------------------


def test_check_says_the_shipped_protocol_is_valid(capsys: Capture) -> None:
    code, out, err = _run(capsys, "check")
    assert code == 0
    assert err == ""
    assert out.splitlines() == [out.splitlines()[-1]], (
        "a clean protocol prints only the summary"
    )
    assert out.startswith("protocol kindreflex_caw 1.0.0 is geldig: 6 stappen, ")
    assert "14 routes" in out


def test_check_prints_one_located_line_per_finding(
    tmp_path: Path, capsys: Capture
) -> None:
    directory = write_protocol(tmp_path / "p", _bad_target)
    code, out, _err = _run(capsys, "check", str(directory))
    assert code == 1
    *findings, summary = out.splitlines()
    assert summary == "protocol mini 0.1.0 is ongeldig: 1 fout"
    [line] = findings
    match = re.fullmatch(
        r"(.+):(\d+): (\S+) (error|warning) (\S+): (.+) \((.+)\)", line
    )
    assert match is not None, line
    file, number, path, severity, rule, message, hint = match.groups()
    assert Path(file) == directory / "step-2.toml"
    lines = Path(file).read_text(encoding="utf-8").splitlines()
    assert "intak" in lines[int(number) - 1]
    assert (path, severity, rule) == (
        "options[1].target",
        "error",
        "graph/unknown-target",
    )
    assert "'intak'" in message
    assert hint == "bedoel je 'intake'?"


def test_check_json_is_a_list_of_findings(tmp_path: Path, capsys: Capture) -> None:
    directory = write_protocol(tmp_path / "p", _bad_target)
    code, out, _err = _run(capsys, "check", str(directory), "--format", "json")
    assert code == 1
    [finding] = json.loads(out)
    assert finding["file"] == "step-2.toml"
    assert finding["path"] == "options[1].target"
    assert finding["rule"] == "graph/unknown-target"
    assert finding["severity"] == "error"
    assert finding["hint"] == "bedoel je 'intake'?"
    assert isinstance(finding["line"], int)


def test_check_json_of_the_shipped_protocol_is_empty(capsys: Capture) -> None:
    code, out, _err = _run(capsys, "check", "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_warnings_alone_keep_the_exit_code_zero(
    tmp_path: Path, capsys: Capture
) -> None:
    def spare(files: Files) -> None:
        files["protocol.toml"]["choices"]["spare"] = [{"id": "a", "label": "A"}]

    code, out, _err = _run(capsys, "check", str(write_protocol(tmp_path / "p", spare)))
    assert code == 0
    assert "warning choices/unused" in out
    assert out.splitlines()[-1].endswith("; 1 waarschuwing")
    assert " is geldig: 2 stappen" in out.splitlines()[-1]


def test_check_of_a_missing_folder_exits_1_and_says_so(
    tmp_path: Path, capsys: Capture
) -> None:
    code, out, err = _run(capsys, "check", str(tmp_path / "nope"))
    assert code == 1
    assert "dir/missing" in out and "protocolmap bestaat niet" in out
    assert "Traceback" not in out + err


def test_check_in_a_real_process_never_shows_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "protocol.toml").write_bytes(b"[protocol\nid = \xff\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kindreflex_tui",
            "protocol",
            "check",
            str(tmp_path / "p"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "file/encoding" in done.stdout


# -- show ----------------------------------------------------------------------


def test_show_text_numbers_the_steps_and_marks_required_and_additions(
    capsys: Capture,
) -> None:
    code, out, _err = _run(capsys, "show")
    assert code == 0
    headings = [line for line in out.splitlines() if line.startswith("Stap ")]
    assert [h.split(".")[0] for h in headings] == [f"Stap {n}" for n in range(1, 7)]
    assert "Stap 1. Voer een positief gesprek over de kinderen en het ouderschap" in out
    assert "Legende: [*] verplicht" in out
    assert re.search(r"^    \[\*\]     Geef aan dat aandacht", out, re.M)
    assert re.search(r"^    \(\+\) support_finished -> einde$", out, re.M)
    assert re.search(r"^        doubts -> stap 4 \(Verontrusting\)$", out, re.M)
    assert "Wie: Elke hulpverlener" in out
    assert "toon als has_children = ja" in out


def test_show_json_is_the_validated_model(capsys: Capture) -> None:
    code, out, _err = _run(capsys, "show", "--format", "json")
    assert code == 0
    data = json.loads(out)
    protocol = load_protocol()
    assert data["info"]["id"] == "kindreflex_caw"
    assert data["info"]["version"] == "1.0.0"
    assert data["sha256"] == protocol.sha256 and len(data["sha256"]) == 64
    assert [s["number"] for s in data["steps"]] == [1, 2, 3, 4, 5, 6]
    for shown, model_step in zip(data["steps"], protocol.steps, strict=True):
        assert shown["title"] == model_step.title
        assert [i["id"] for i in shown["items"]] == [i.id for i in model_step.items]
        assert [f["id"] for f in shown["fields"]] == [f.id for f in model_step.fields]
        assert [(o["id"], o["target"]) for o in shown["options"]] == [
            (o.id, o.target) for o in model_step.options
        ]
    assert data["choices"]["outcome"][2]["id"] == "acute_danger"
    # Conditions keep their TOML names, so the JSON reads like the files.
    concern = data["steps"][3]
    willingness = next(f for f in concern["fields"] if f["id"] == "willingness")
    assert willingness["show_if"] == {
        "field": "outcome",
        "in": ["concerning", "acute_danger"],
    }


def _edges(mermaid: str) -> list[tuple[str, str, str, str]]:
    found = []
    for line in mermaid.splitlines():
        match = EDGE.match(line)
        if match:
            found.append(match.groups())
    return found


def test_mermaid_draws_all_six_steps_and_every_route(capsys: Capture) -> None:
    code, out, _err = _run(capsys, "show", "--format", "mermaid")
    assert code == 0
    assert out.startswith("flowchart TD\n")
    protocol = load_protocol()
    for s in protocol.steps:
        assert f'    s_{s.id}["{s.number}. {s.short_title}"]' in out
    assert '    e_end(["Einde"])' in out
    numbers = {s.id: s.number for s in protocol.steps}
    edges = _edges(out)
    assert len(edges) == sum(len(s.options) for s in protocol.steps)
    routes = {
        (numbers[origin], "end" if target == "e_end" else numbers[target[2:]])
        for origin, _arrow, _label, target in edges
    }
    assert routes == LEAFLET_ROUTES | ADDED_ROUTES
    solid = {
        (numbers[origin], numbers.get(target[2:], "end"))
        for origin, arrow, _label, target in edges
        if arrow == "-->"
    }
    assert solid == LEAFLET_ROUTES, "leaflet routes solid, additions dashed"
    assert '|"Niet-pluisgevoel of onduidelijkheid"| s_concern' in out


def test_mermaid_escapes_quotes_and_brackets(tmp_path: Path, capsys: Capture) -> None:
    def odd(files: Files) -> None:
        step(files, 1)["options"][1]["label"] = 'Zeg "ja" [nu] (of | niet) #1'
        step(files, 1)["short_title"] = 'A "b" [c]'

    directory = write_protocol(tmp_path / "p", odd)
    code, out, _err = _run(capsys, "show", str(directory), "--format", "mermaid")
    assert code == 0
    assert len(_edges(out)) == 4
    assert "Zeg #quot;ja#quot; #91;nu#93; #40;of #124; niet#41; #35;1" in out
    assert '    s_intake["1. A #quot;b#quot; #91;c#93;"]' in out


def test_short_labels_stop_at_the_colon_and_stay_short() -> None:
    assert short_label("De thuissituatie is veilig: ga naar stap 3") == (
        "De thuissituatie is veilig"
    )
    long = short_label("Verontrustend met onvermogen, weerstand of acuut gevaar")
    assert len(long) <= 44 and long.endswith("…")
    assert mermaid_label('a"b') == "a#quot;b"


def test_show_of_a_broken_protocol_exits_1_with_findings_on_stderr(
    tmp_path: Path, capsys: Capture
) -> None:
    directory = write_protocol(tmp_path / "p", _bad_target)
    code, out, err = _run(capsys, "show", str(directory), "--format", "mermaid")
    assert code == 1
    assert out == ""
    assert "graph/unknown-target" in err
    assert err.splitlines()[-1] == "protocol mini 0.1.0 is ongeldig: 1 fout"
