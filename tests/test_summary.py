"""The step summary: golden files per format, and what a counsellor reads in it.

After an intended change, regenerate the golden files with
`KINDREFLEX_REGEN_GOLDEN=1 python -m pytest tests/test_summary.py` and review the diff.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kindreflex_tui.demo import build_demo, write_demo
from kindreflex_tui.dossier.model import Dossier
from kindreflex_tui.errors import DossierError
from kindreflex_tui.protocol.model import Protocol
from kindreflex_tui.summary import render_summary, run_summary, wants_color

GOLDEN = Path(__file__).parent / "golden"
REGEN = "KINDREFLEX_REGEN_GOLDEN"
NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 20)


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; rewrite the file when REGEN is set."""
    path = GOLDEN / name
    if os.environ.get(REGEN):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} ontbreekt; maak het met {REGEN}=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} wijkt af van het golden-bestand; bewust? herschrijf met {REGEN}=1"
    )


@pytest.fixture(scope="module")
def demos(protocol: Protocol) -> dict[str, Dossier]:
    """The demo dossiers, built at a fixed moment, by client code."""
    return {d.client_ref: d for d in build_demo(protocol, NOW)}


def render(dossier: Dossier, protocol: Protocol, fmt: str, **options: object) -> str:
    """A summary at the fixed day, with times in UTC."""
    return render_summary(dossier, protocol, fmt, today=TODAY, tz=UTC, **options)


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("text", "txt"), ("markdown", "md"), ("json", "json")]
)
@pytest.mark.parametrize("client_ref", ["DEMO-03", "DEMO-05"])
def test_summary_matches_its_golden_file(
    demos: dict[str, Dossier],
    protocol: Protocol,
    fmt: str,
    suffix: str,
    client_ref: str,
) -> None:
    """Each format of a demo summary stays exactly as reviewed."""
    text = render(demos[client_ref], protocol, fmt)
    assert_golden(f"summary-{client_ref.lower()}.{suffix}", text)


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("markdown", "md")])
def test_redacted_summary_matches_its_golden_file(
    demos: dict[str, Dossier], protocol: Protocol, fmt: str, suffix: str
) -> None:
    """The redacted summary of the richest demo stays exactly as reviewed."""
    text = render(demos["DEMO-03"], protocol, fmt, redact=True)
    assert_golden(f"summary-demo-03-redacted.{suffix}", text)


def test_header_names_client_counsellors_protocol_and_status(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """The header says whose dossier it is, who worked in it and where it stands."""
    text = render(demos["DEMO-03"], protocol, "text")
    assert "Cliëntcode:       DEMO-03" in text
    assert "Hulpverleners:    Els Voorbeeld, Tom Proef" in text
    assert "versie 1.0.0 (kindreflex_caw)" in text
    assert "open, nu in stap 5. Herstel de veiligheid" in text
    assert "Verloop:          1 → 2 → 4 → 5" in text


def test_closed_dossier_says_so_and_ends_its_route(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """A closed Kindreflex shows "afgesloten" and no follow-up section."""
    text = render(demos["DEMO-01"], protocol, "text")
    assert "Status:           afgesloten" in text
    assert "1 → einde" in text
    assert "Opvolging" not in text
    assert "Geen kinderen geregistreerd." in text


def test_children_show_age_today_twelve_plus_and_expected(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """Ages follow the given day; 12+ and expected children are marked."""
    text = render(demos["DEMO-03"], protocol, "text")
    assert "Lotte: 13 jaar, geboren " in text
    assert "12+ (mag zelf instemmen)" in text
    later = render_summary(
        demos["DEMO-03"], protocol, "text", today=date(2030, 3, 20), tz=UTC
    )
    assert "Lotte: 17 jaar" in later
    expected = render(demos["DEMO-04"], protocol, "text")
    assert "Baby: verwacht kind, verwacht op 29-05-2026" in expected


def test_visits_show_items_done_and_open_answers_and_decision(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """Per visit: who and when, ticked and open items, answers, decision with reason."""
    text = render(demos["DEMO-03"], protocol, "text")
    assert (
        "Begonnen 03-02-2026 13:05 door Els Voorbeeld; "
        "afgerond 15-02-2026 14:05 door Tom Proef"
    ) in text
    assert "[x] Verzamel extra gegevens" in text
    assert "[ ] Overschrijd je eigen competenties niet." in text
    assert "Gebruikt assessment-instrument: LIRIK" in text
    assert "Beslissing: Verontrustend, maar de cliënt is bereid: ga naar stap 5" in text
    assert "Reden: Teambeslissing: verontrustend, mevrouw is bereid." in text


def test_repeats_per_child_answers_and_entry_marks_are_listed(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """Consultations, key figures, children heard and marks appear with their source."""
    text = render(demos["DEMO-03"], protocol, "text")
    assert "1. Vertrouwenscentrum Kindermishandeling (VK), " in text
    assert (
        "Anoniem overleg (zonder gegevens die de cliënt herkenbaar maken): Ja" in text
    )
    assert "Naam: Maria Voorbeeld" in text
    assert "Lotte (13 jaar, 12+)" in text
    assert "Toestemming van het kind: Kind stemt in" in text
    assert "[Informatie van derden, bron: zorgcoördinator van de school]" in text
    assert "[Professionele mening]" in text
    assert "Notities [Uitspraak van de cliënt]" in text


def test_overridden_warning_shows_with_the_reason(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """A decision taken against a warning shows the warning and why."""
    text = render(demos["DEMO-05"], protocol, "text")
    assert "Waarschuwing (bewust verdergegaan): Het team noteerde geen" in text
    assert "Reden om toch verder te gaan: Meneer is in onvermogen" in text
    data = json.loads(render(demos["DEMO-05"], protocol, "json"))
    decision = data["visits"][2]["decision"]
    assert decision["warnings"] and decision["override_reason"].startswith("Meneer")


def test_follow_ups_are_overdue_due_or_planned(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """Follow-up dates say whether they are late, due within a week, or planned."""
    assert "te laat    16-03-2026  Evaluatiedatum van het veiligheidsplan (stap 5)" in (
        render(demos["DEMO-03"], protocol, "text")
    )
    assert "binnenkort 23-03-2026" in render(demos["DEMO-02"], protocol, "text")
    data = json.loads(render(demos["DEMO-05"], protocol, "json"))
    assert [f["state"] for f in data["follow_ups"]] == ["planned", "planned"]


def test_json_has_the_documented_keys(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """Programs find the same top-level and per-visit keys in every summary."""
    for dossier in demos.values():
        data = json.loads(render(dossier, protocol, "json"))
        assert data["format"] == "kindreflex-summary"
        assert set(data) == {
            "format", "format_version", "redacted", "strict", "today", "dossier",
            "protocol", "children", "follow_ups", "visits",
        }  # fmt: skip
        for visit in data["visits"]:
            assert set(visit) == {
                "visit", "step", "current", "entered_at", "entered_by", "left_at",
                "left_by", "items_done", "items_open", "answers", "notes", "decision",
            }  # fmt: skip


def test_protocol_note_appears_in_the_header(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """A dossier written under another protocol version says so at the top."""
    dossier = demos["DEMO-02"].model_copy(deep=True)
    dossier.protocol.version = "0.9.0"
    text = render(dossier, protocol, "text")
    assert "Let op:" in text and "versie 0.9.0" in text
    given = render(demos["DEMO-02"], protocol, "markdown", protocol_note="oude versie")
    assert "- **Let op:** oude versie" in given


def test_color_output_uses_ansi_and_plain_does_not(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """Coloured text carries ANSI codes; plain text has none and reads the same."""
    coloured = render(demos["DEMO-03"], protocol, "text", color=True)
    plain = render(demos["DEMO-03"], protocol, "text")
    assert "\x1b[" in coloured and "\x1b[" not in plain
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_no_color_env_turns_colour_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR wins over a terminal."""
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_color()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_color()


def _args(tmp_path: Path, ref: str, **options: object) -> argparse.Namespace:
    values = {"dossier": ref, "format": "text", "redact": False, "strict": False}
    values.update({"output": None, "data_dir": str(tmp_path)})
    values.update(options)
    return argparse.Namespace(**values)


def test_output_file_is_private_and_announced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o writes the summary to a 0600 file and says so on stderr, not stdout."""
    write_demo(tmp_path, now=NOW)
    target = tmp_path / "uit" / "samenvatting.md"
    target.parent.mkdir()
    assert (
        run_summary(_args(tmp_path, "DEMO-02", format="markdown", output=target)) == 0
    )
    out, err = capsys.readouterr()
    assert out == ""
    assert str(target) in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("# Kindreflex")


def test_output_never_overwrites_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o onto a dossier file (a typo) is refused; the dossier stays readable."""
    from kindreflex_tui.errors import KindreflexError

    write_demo(tmp_path, now=NOW)
    dossier_file = tmp_path / "demo-01.json"
    before = dossier_file.read_bytes()
    with pytest.raises(KindreflexError, match="bestaat al"):
        run_summary(_args(tmp_path, "DEMO-02", output=dossier_file))
    assert dossier_file.read_bytes() == before


def test_summary_finds_a_dossier_by_id_client_code_or_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same summary comes out for the id, the client code and the file path."""
    write_demo(tmp_path, now=NOW)
    outputs = []
    for ref in ("DEMO-04", "demo-04", str(tmp_path / "demo-04.json")):
        assert run_summary(_args(tmp_path, ref, format="json")) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0]["dossier"]["client_ref"] == "DEMO-04"


def test_unknown_ref_is_a_dossier_error(tmp_path: Path) -> None:
    """An unknown reference raises the error the CLI shows as one line."""
    write_demo(tmp_path, now=NOW)
    with pytest.raises(DossierError, match="DEMO-99"):
        run_summary(_args(tmp_path, "DEMO-99"))


def test_missing_data_folder_is_not_created(tmp_path: Path) -> None:
    """Asking for a summary in a folder that does not exist leaves no folder behind."""
    missing = tmp_path / "nergens"
    with pytest.raises(DossierError, match="map bestaat niet"):
        run_summary(_args(missing, "DEMO-01"))
    assert not missing.exists()


def test_dossier_from_a_newer_version_is_summarised_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dossier written by a newer kindreflex shows what this version knows of it."""
    write_demo(tmp_path, now=NOW)
    data = json.loads((tmp_path / "demo-02.json").read_text(encoding="utf-8"))
    data["schema_version"] = 99
    data["new_part"] = {"iets": "nieuws"}
    newer = tmp_path / "nieuwer.json"
    newer.write_text(json.dumps(data), encoding="utf-8")
    assert run_summary(_args(tmp_path, str(newer))) == 0
    out = capsys.readouterr().out
    assert "Let op:" in out and "nieuwere kindreflex" in out
    assert "Cliëntcode:       DEMO-02" in out


def test_answers_the_protocol_does_not_know_are_left_out_when_redacted(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """An answer or step unknown to the protocol shows raw, but never when redacted."""
    dossier = demos["DEMO-02"].model_copy(deep=True)
    dossier.visits[1].answers["oud_veld"] = "Mila bij Bart Proef"
    plain = render(dossier, protocol, "text")
    assert "oud_veld: Mila bij Bart Proef" in plain
    redacted = render(dossier, protocol, "text", redact=True)
    assert "oud_veld: [onbekend veld weggelaten]" in redacted
    assert "Bart" not in redacted


def test_an_answer_hidden_by_a_later_correction_is_not_summarised(
    protocol: Protocol,
) -> None:
    """Care arrangements answered before the client turned out not residential."""
    from kindreflex_tui.engine import Engine

    engine = Engine.start(
        protocol, dossier_id="kx-hidden-1", client_ref="CL-H", counsellor="Els"
    )
    dossier = engine.dossier
    engine.set_answer("has_children", True)
    engine.set_answer("residential", True)
    engine.set_answer("care_arranged", "no")
    assert "Is er opvang geregeld" in render(dossier, protocol, "text")
    engine.set_answer("residential", False)
    text = render(dossier, protocol, "text")
    assert "Verblijft de cliënt residentieel" in text
    assert "Is er opvang geregeld" not in text
    assert dossier.visits[-1].answers["care_arranged"] == "no"


def test_marks_inside_a_consultation_show_in_the_summary(protocol: Protocol) -> None:
    """The advice of a consultation shows its mark and source in every format."""
    from kindreflex_tui.engine import Engine

    engine = Engine.start(
        protocol, dossier_id="kx-mark-1", client_ref="CL-M", counsellor="Els"
    )
    for item in engine.step.items:
        engine.tick(item.id)
    engine.set_answer("has_children", True)
    engine.set_answer("residential", False)
    engine.add_item("children", {"name": "Noor", "expected": True})
    engine.decide("children_present", "een kind op komst")
    item_id = engine.add_item(
        "consultations", {"with": "expert", "date": "01-03-2026", "advice": "Opvolgen."}
    )
    engine.set_mark(f"consultations/{item_id}/advice", "third_party", "CLB")
    for fmt in ("text", "markdown", "json"):
        assert "Informatie van derden" in render(engine.dossier, protocol, fmt), fmt
