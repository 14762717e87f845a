"""The demo dossiers: each follows the route it claims and holds realistic records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kindreflex_tui.cli import main
from kindreflex_tui.demo import DEMOS, DemoDossier, build_demo, write_demo
from kindreflex_tui.dossier.model import Dossier
from kindreflex_tui.dossier.store import DossierStore
from kindreflex_tui.engine import Engine
from kindreflex_tui.listing import due_state
from kindreflex_tui.protocol.model import END, Protocol

NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def demos(protocol: Protocol) -> dict[str, Dossier]:
    """The demo dossiers at a fixed moment, by client code."""
    return {d.client_ref: d for d in build_demo(protocol, NOW)}


def answers(dossier: Dossier, step: str) -> dict[str, object]:
    """The answers of the latest visit of a step."""
    visit = dossier.latest_visit(step)
    assert visit is not None, step
    return visit.answers


@pytest.mark.parametrize("demo", DEMOS, ids=lambda d: d.client_ref)
def test_each_demo_follows_the_route_it_claims(
    demos: dict[str, Dossier], protocol: Protocol, demo: DemoDossier
) -> None:
    """The steps visited, in order, and open or closed, are what the demo says."""
    dossier = demos[demo.client_ref]
    route = [protocol.step(visit.step).number for visit in dossier.visits]
    assert route == list(demo.route)
    assert (dossier.status == "closed") == demo.closed
    left = dossier.visits if demo.closed else dossier.visits[:-1]
    assert all(v.decision is not None for v in left)
    last = dossier.visits[-1].decision
    assert (last is not None and last.target == END) == demo.closed
    assert dossier.client_ref.startswith("DEMO-")


def test_not_applicable_demo_closes_after_step_one(demos: dict[str, Dossier]) -> None:
    """DEMO-01 has no children and ends with "not applicable"."""
    dossier = demos["DEMO-01"]
    assert dossier.children == []
    assert dossier.visits[0].decision.option == "not_applicable"  # type: ignore[union-attr]


def test_support_demo_has_a_next_check_due_soon(demos: dict[str, Dossier]) -> None:
    """DEMO-02 stands in step 3 with its next check within the week."""
    dossier = demos["DEMO-02"]
    assert dossier.current_step == "support"
    check = answers(dossier, "support")["next_check"]
    assert due_state(datetime.fromisoformat(str(check)).date(), TODAY) == "due"


def test_restore_demo_has_a_safety_plan_with_an_overdue_evaluation(
    demos: dict[str, Dossier],
) -> None:
    """DEMO-03 stands in step 5 with agreements, a monitor and a late evaluation."""
    dossier = demos["DEMO-03"]
    assert dossier.current_step == "restore"
    plan = answers(dossier, "restore")
    assert len(plan["agreements"]) == 3  # type: ignore[arg-type]
    assert plan["monitor"]
    evaluation = datetime.fromisoformat(str(plan["evaluation_date"])).date()
    assert due_state(evaluation, TODAY) == "overdue"


def test_mandated_demo_contacted_the_facility(demos: dict[str, Dossier]) -> None:
    """DEMO-04 stands in step 6 after contacting the OCJ and informing the client."""
    dossier = demos["DEMO-04"]
    assert dossier.current_step == "mandated"
    contact = answers(dossier, "mandated")
    assert contact["facility"] == "ocj" and contact["contact_date"]
    assert contact["client_informed"] is True and contact["informed_on"]


def test_restored_demo_overrode_a_warning_with_a_reason(
    demos: dict[str, Dossier],
) -> None:
    """DEMO-05 chose step 5 against its answers, and said why."""
    decision = demos["DEMO-05"].latest_visit("concern").decision  # type: ignore[union-attr]
    assert decision is not None
    assert decision.warnings and decision.override_reason


def test_demos_hold_consultations_marks_a_twelve_plus_and_an_expected_child(
    demos: dict[str, Dossier], protocol: Protocol
) -> None:
    """Together the demos show an anonymous VK consultation, marks, 12+ and expected."""
    consultations = [
        item
        for dossier in demos.values()
        for visit in dossier.visits
        for item in visit.answers.get("consultations", [])  # type: ignore[union-attr]
    ]
    assert any(c["with"] == "vk" and c["anonymous"] for c in consultations)  # type: ignore[index]
    marks = [m for d in demos.values() for v in d.visits for m in v.marks.values()]
    kinds = {m.kind for m in marks}
    assert {"fact", "client_statement", "third_party", "observation"} <= kinds
    assert all(m.source for m in marks if m.kind == "third_party")
    children = [(d, c) for d in demos.values() for c in d.children]
    assert any(
        Engine(protocol, d, "test", today=lambda: TODAY).is_twelve_plus(c)
        for d, c in children
    )
    assert any(c.expected for _, c in children)


def test_write_demo_saves_readable_dossiers_and_archives_the_protocol(
    tmp_path: Path,
) -> None:
    """The files open through the store, and the protocol they follow is archived."""
    paths = write_demo(tmp_path, now=NOW)
    assert sorted(p.name for p in paths) == [f"demo-0{i}.json" for i in range(1, 6)]
    store = DossierStore(tmp_path)
    assert store.load("DEMO-04").id == "demo-04"
    archived = list((tmp_path / "protocols").iterdir())
    assert len(archived) == 1 and (archived[0] / "protocol.toml").is_file()


def test_running_demo_twice_overwrites_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second run skips what is there, says so, and leaves the files alone."""
    assert main(["demo", "--data-dir", str(tmp_path)]) == 0
    first = capsys.readouterr().out
    assert "5 fictieve voorbeelddossier(s)" in first
    assert f"kindreflex --data-dir {tmp_path}" in first
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.json")}

    assert main(["demo", "--data-dir", str(tmp_path)]) == 0
    second = capsys.readouterr().out
    assert "Overgeslagen" in second and "DEMO-05" in second
    assert "niets overschreven" in second
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.json")} == before


def test_demo_skips_a_client_code_already_in_use(tmp_path: Path) -> None:
    """A counsellor's own dossier with code DEMO-02 is not joined by a second one."""
    store = DossierStore(tmp_path)
    own = build_demo_one(tmp_path)
    store.create(own, holder="test").close()
    written = write_demo(tmp_path, now=NOW)
    assert "demo-02.json" not in {p.name for p in written}
    assert len(written) == 4


def build_demo_one(tmp_path: Path) -> Dossier:
    """DEMO-02 under another id, as if a counsellor had made it."""
    from kindreflex_tui.protocol.loader import load_protocol

    dossier = build_demo(load_protocol(), NOW)[1]
    dossier.id = "kx-20260320-000001"
    return dossier


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_every_demo_summarises_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """After `kindreflex demo`, `kindreflex summary` works on each demo dossier."""
    write_demo(tmp_path)
    for demo in DEMOS:
        argv = [
            "summary",
            demo.client_ref,
            "--format",
            fmt,
            "--data-dir",
            str(tmp_path),
        ]
        assert main(argv) == 0
        out = capsys.readouterr().out
        if fmt == "json":
            assert json.loads(out)["dossier"]["client_ref"] == demo.client_ref
        else:
            assert demo.client_ref in out
