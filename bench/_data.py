"""Data folders for the benches: dossiers made by the real engine and protocol.

A big dossier walks the support loop of the leaflet (step 2 -> 3 -> back to 2) visit
after visit, with consultations, notes and follow-up dates, until its saved JSON reaches
the wanted size, as a long-running guidance would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kindreflex_tui.dossier.archive import archive_protocol
from kindreflex_tui.dossier.model import Dossier
from kindreflex_tui.dossier.store import DossierStore
from kindreflex_tui.engine import Engine
from kindreflex_tui.protocol.loader import load_protocol, shipped_protocol_dir
from kindreflex_tui.protocol.model import Protocol

COUNSELLORS = ("Els Voorbeeld", "Tom Proef")
START = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)

NOTES = (
    "Mevrouw vertelt over de voorbije weken: de kinderen gaan graag naar school, "
    "de oudste heeft een nieuwe vriendin en de jongste slaapt beter sinds er een "
    "vast avondritueel is. De geldzorgen blijven; de afbetaling loopt via de dienst "
    "schuldbemiddeling. Ze vraagt hoe ze de kinderen kan vertellen dat er deze zomer "
    "geen reis is. "
)
ADVICE = (
    "Blijf regelmatig naar de kinderen vragen en noteer wat mevrouw vertelt. Geen "
    "signalen van onveiligheid; wel aandacht voor de stress thuis. "
)
SUPPORT = (
    "Samen besproken wat de geldzorgen betekenen voor de kinderen en hoe mevrouw er "
    "met hen over kan praten zonder hen te belasten. Info over de opvoedingswinkel "
    "en de vrijetijdspas meegegeven. "
)


class _Clock:
    """A clock that moves 40 seconds per engine change, jumping days between visits."""

    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=40)
        return self.moment

    def today(self) -> date:
        """The calendar day of the clock (for not-future checks)."""
        return self.moment.date()

    def later(self, days: int) -> None:
        """Jump some days ahead."""
        self.moment += timedelta(days=days)


def _start(
    protocol: Protocol, dossier_id: str, client_ref: str
) -> tuple[Engine, _Clock]:
    """A new dossier through step 1 with two children, standing in step 2."""
    clock = _Clock()
    engine = Engine.start(
        protocol,
        dossier_id=dossier_id,
        client_ref=client_ref,
        counsellor=COUNSELLORS[0],
        clock=clock,
        today=clock.today,
    )
    for item in ("tell_standard", "ask_children", "record_children"):
        engine.tick(item)
    engine.set_answer("has_children", True)
    for name, years, lives in (("Mila", 9, "permanent"), ("Daan", 5, "partly")):
        engine.add_item(
            "children",
            {
                "name": name,
                "birth_date": date(START.year - years, 3, 14),
                "lives_with_client": lives,
            },
        )
    engine.set_answer("residential", False)
    engine.set_notes(NOTES)
    engine.set_mark("notes", "client_statement")
    engine.decide("children_present", "Twee kinderen wonen (deels) bij mevrouw.")
    return engine, clock


def _safety_visit(engine: Engine, clock: _Clock, round_no: int) -> None:
    """Fill step 2 (consult, no doubts) so that it can be left for step 3."""
    engine.tick("consult")
    engine.add_item(
        "consultations",
        {
            "with": ("colleague", "expert", "vk")[round_no % 3],
            "date": clock.today(),
            "anonymous": round_no % 3 == 2,
            **({} if round_no % 3 == 2 else {"person": "Sofie Voorbeeld"}),
            "question": f"Ronde {round_no}: zijn er signalen van onveiligheid?",
            "advice": ADVICE * (1 + round_no % 2),
        },
    )
    engine.set_answer("not_right", False)
    engine.set_notes(f"Bezoek {round_no}. " + NOTES)


def _support_visit(engine: Engine, clock: _Clock, round_no: int) -> None:
    """Fill step 3 (support given, next check) so that it can be left."""
    for item in ("ask_regularly", "discuss_impact", "resilience", "record_support"):
        engine.tick(item)
    engine.set_answer("support_given", f"Gesprek {round_no}. " + SUPPORT * 2)
    engine.set_mark("support_given", "fact")
    engine.set_answer("next_check", clock.today() + timedelta(days=14))
    engine.set_notes(f"Opvolging {round_no}. " + NOTES)


def build_dossier(
    protocol: Protocol, dossier_id: str, client_ref: str, size: int
) -> Dossier:
    """A dossier of just over `size` bytes of saved JSON, standing in step 3."""
    engine, clock = _start(protocol, dossier_id, client_ref)
    round_no = 0
    while True:
        round_no += 1
        engine.actor = COUNSELLORS[round_no % 2]
        clock.later(7)
        _safety_visit(engine, clock, round_no)
        engine.decide("no_doubts", "Overleg: geen twijfels over de thuissituatie.")
        if len(engine.dossier.model_dump_json(indent=2)) >= size:
            return engine.dossier
        clock.later(7)
        _support_visit(engine, clock, round_no)
        if len(engine.dossier.model_dump_json(indent=2)) >= size:
            return engine.dossier
        engine.decide("new_worries_safety", "Nieuwe vragen over het welzijn.")


def prepare_folder(folder: Path) -> tuple[DossierStore, Protocol]:
    """A data folder with the shipped protocol archived in it, as `demo` makes."""
    protocol_dir = shipped_protocol_dir()
    protocol = load_protocol(protocol_dir)
    store = DossierStore(folder)
    archive_protocol(folder, protocol_dir, protocol)
    return store, protocol


def big_dossier_folder(folder: Path, size: int = 200_000) -> tuple[Path, Dossier]:
    """A data folder holding one dossier of about `size` bytes; its path."""
    store, protocol = prepare_folder(folder)
    dossier = build_dossier(protocol, "kx-20240108-b16b16", "BENCH-200K", size)
    with store.create(dossier, holder="bench") as opened:
        return opened.path, dossier


def many_dossiers_folder(folder: Path, count: int, size: int = 20_000) -> int:
    """A data folder with `count` dossiers of about `size` bytes; the mean size."""
    store, protocol = prepare_folder(folder)
    template = build_dossier(protocol, "kx-20240108-000000", "TEMPLATE", size)
    total = 0
    for number in range(count):
        dossier = template.model_copy(
            update={
                "id": f"kx-20240108-{number:06x}",
                "client_ref": f"CL-{number:04d}",
                "updated_at": template.updated_at - timedelta(hours=number),
            }
        )
        data = dossier.model_dump_json(indent=2).encode("utf-8")
        store.path_for(dossier.id).write_bytes(data)
        total += len(data)
    return total // count
