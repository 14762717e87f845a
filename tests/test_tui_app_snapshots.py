"""SVG snapshots of the app's own screens at 80x24: the dossier list and the history."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import FixedClock
from textual.pilot import Pilot
from textual.widgets import Input

from kindreflex_tui.dossier.archive import archive_protocol
from kindreflex_tui.dossier.store import DossierStore
from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.loader import load_protocol, shipped_protocol_dir
from kindreflex_tui.tui.app import make_app

SIZE = (80, 24)
TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Show times in UTC, so the pictures do not depend on the machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _save(data: Path, engine: Engine) -> Path:
    """Write an engine's dossier into the data folder."""
    store = DossierStore(data)
    archive_protocol(data, shipped_protocol_dir(), engine.protocol)
    handle = store.create(engine.dossier, holder="test")
    handle.close()
    return handle.path


def _dossiers(data: Path) -> Path:
    """Three dossiers: one overdue in step 5, one at step 2, one closed."""
    protocol = load_protocol()
    clock = FixedClock()
    made = []
    for number, ref in enumerate(("CL-014", "CL-027 [Zoë]", "CL-031"), start=1):
        engine = Engine.start(
            protocol,
            dossier_id=f"kx-snap-{number}",
            client_ref=ref,
            counsellor="Els Peeters",
            clock=clock,
            today=lambda: TODAY,
        )
        made.append(engine)
    closing = made[2]
    closing.set_answer("has_children", False)
    closing.set_answer("residential", False)
    for item in closing.step.items:
        closing.tick(item.id)
    closing.decide("not_applicable", "Geen kinderen, geen zwangerschap.")
    moving = made[1]
    for item in moving.step.items:
        moving.tick(item.id)
    moving.set_answer("has_children", True)
    moving.set_answer("residential", False)
    moving.add_item(
        "children",
        {
            "name": "Jan [de oudste]",
            "birth_date": "03-05-2012",
            "lives_with_client": "partly",
        },
    )
    moving.decide("children_present", "Jan woont deels bij mama.")
    for engine in made:
        _save(data, engine)
    return data / "kx-snap-2.json"


def test_home_lists_dossiers_with_the_filter_focused(
    snap_compare: Any, tmp_path: Path
) -> None:
    """The dossier list: three dossiers with client code, step, date and counsellor;
    the filter has the focus, so typing filters at once;
    the filter field and the new-dossier button on top; the keys in the footer."""
    data = tmp_path / "data"
    _dossiers(data)
    app = make_app(data, None, config_dir=tmp_path / "config", today=lambda: TODAY)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        pilot.app.screen.query_one(Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_history_shows_the_route_and_every_change(
    snap_compare: Any, tmp_path: Path
) -> None:
    """F5 on a dossier in step 2: the route 1 → 2 with its reason on top, and the
    table of events (created, ticks, answers, the child, the decision) below."""
    data = tmp_path / "data"
    path = _dossiers(data)
    app = make_app(data, str(path), config_dir=tmp_path / "config", today=lambda: TODAY)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause(0.3)
        await pilot.press("f5")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
