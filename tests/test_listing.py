"""The dossier list: follow-ups due first, then the newest, unreadable files last."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kindreflex_tui.cli import main
from kindreflex_tui.demo import write_demo
from kindreflex_tui.dossier.store import DossierStore
from kindreflex_tui.listing import DossierRow, collect, due_state

NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder with the five demo dossiers, dated around the fixed day."""
    write_demo(tmp_path, now=NOW)
    return tmp_path


def by_ref(rows: list[DossierRow]) -> dict[str | None, DossierRow]:
    return {row.client_ref: row for row in rows}


def test_due_and_overdue_come_first_then_newest_change(folder: Path) -> None:
    """The overdue evaluation leads, the check due this week follows, then by date."""
    rows = collect(folder, TODAY)
    assert [r.client_ref for r in rows[:2]] == ["DEMO-03", "DEMO-02"]
    assert rows[0].overdue and not rows[0].due_now
    assert rows[1].due_now and not rows[1].overdue
    rest = rows[2:]
    assert {r.client_ref for r in rest} == {"DEMO-01", "DEMO-04", "DEMO-05"}
    stamps = [r.updated_at for r in rest]
    assert all(a is not None for a in stamps)
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]


def test_rows_name_the_step_the_counsellor_and_the_next_date(folder: Path) -> None:
    """A row says where the dossier stands, who worked last and what is due when."""
    rows = by_ref(collect(folder, TODAY))
    restore = rows["DEMO-03"]
    assert restore.step_label == "5. Herstellen"
    assert restore.counsellor == "Tom Proef"
    assert restore.next_due == date(2026, 3, 16)
    assert restore.due_label == "Evaluatiedatum van het veiligheidsplan 16-03-2026"
    closed = rows["DEMO-01"]
    assert closed.step_label == "afgesloten" and closed.status == "closed"
    assert closed.next_due is None and closed.due_label is None
    planned = rows["DEMO-05"]
    assert planned.next_due is not None and not planned.needs_attention


def test_earliest_due_date_leads_whatever_the_last_change(folder: Path) -> None:
    """Two overdue dossiers: the one due earliest comes first, even if changed later."""
    store = DossierStore(folder)
    copy = store.load("demo-03").model_copy(deep=True)
    copy.id, copy.client_ref = "kx-20260320-abcdef", "CL-EARLY"
    copy.visits[-1].answers["evaluation_date"] = "2026-03-01"
    copy.updated_at = NOW
    store.create(copy, holder="test").close()
    rows = collect(folder, TODAY)
    assert [r.client_ref for r in rows[:3]] == ["CL-EARLY", "DEMO-03", "DEMO-02"]


def test_unreadable_files_come_last_with_their_reason(folder: Path) -> None:
    """A broken or empty file is listed, last, with why it cannot be read."""
    (folder / "kapot.json").write_text("{ dit is geen json", encoding="utf-8")
    (folder / "leeg.json").write_bytes(b"")
    rows = collect(folder, TODAY)
    assert len(rows) == 7
    broken = rows[-2:]
    assert {r.path.name for r in broken} == {"kapot.json", "leeg.json"}
    assert all(r.error and r.client_ref is None for r in broken)
    assert all(r.error is None for r in rows[:-2])


def test_missing_folder_gives_an_empty_list_and_is_not_created(tmp_path: Path) -> None:
    """Listing a folder that is not there is no error and makes no folder."""
    missing = tmp_path / "nog-niet"
    assert collect(missing, TODAY) == []
    assert not missing.exists()


def test_due_state_counts_a_week_ahead_as_due() -> None:
    """Before today is overdue; today up to a week ahead is due; later is planned."""
    assert due_state(TODAY - timedelta(days=1), TODAY) == "overdue"
    assert due_state(TODAY, TODAY) == "due"
    assert due_state(TODAY + timedelta(days=7), TODAY) == "due"
    assert due_state(TODAY + timedelta(days=8), TODAY) == "planned"


def test_list_command_prints_a_line_per_dossier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kindreflex list` prints each dossier and an unreadable one as such."""
    write_demo(tmp_path)
    (tmp_path / "kapot.json").write_text("[1, 2", encoding="utf-8")
    assert main(["list", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "6 dossier(s), waarvan 1 onleesbaar" in lines[0]
    assert lines[1].startswith("Opvolging")
    assert sum("DEMO-0" in line for line in lines) == 5
    assert lines[-1].startswith("ONLEESBAAR  kapot.json")
    assert "te laat" in out


def test_list_command_json_is_a_list_with_stable_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kindreflex list --format json` gives one object per dossier."""
    write_demo(tmp_path)
    (tmp_path / "kapot.json").write_text("nee", encoding="utf-8")
    assert main(["list", "--data-dir", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 6
    keys = {
        "path", "dossier_id", "client_ref", "status", "step_label", "updated_at",
        "counsellor", "next_due", "due_label", "overdue", "due_now", "error",
    }  # fmt: skip
    assert all(set(row) == keys for row in data)
    assert data[0]["client_ref"] == "DEMO-03" and data[0]["overdue"] is True
    assert data[-1]["error"] and data[-1]["path"].endswith("kapot.json")


def test_list_command_on_an_empty_or_missing_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No dossiers is not an error: the command says so and exits 0."""
    assert main(["list", "--data-dir", str(tmp_path)]) == 0
    assert "Geen dossiers in" in capsys.readouterr().out
    missing = tmp_path / "weg"
    assert main(["list", "--data-dir", str(missing)]) == 0
    assert "bestaat (nog) niet" in capsys.readouterr().out
    assert main(["list", "--data-dir", str(missing), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
