"""Fictional demo dossiers (`kindreflex demo`) along the leaflet's main routes.

Every dossier is made by driving the real engine through the shipped protocol, so it
holds exactly what a counsellor would have recorded. All names and client codes are
made up; the codes are DEMO-01 to DEMO-05.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kindreflex_tui.dossier.model import Dossier
    from kindreflex_tui.engine import Engine
    from kindreflex_tui.protocol.model import Protocol

HOLDER = "kindreflex demo"
"""Who holds a demo dossier's lock while it is written."""

ELS = "Els Voorbeeld"
TOM = "Tom Proef"
"""The two fictional counsellors of the demo team."""


class _Clock:
    """A clock for the demo: set to a scene, then ticking 30 seconds per change."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.moment = now

    def at(self, days_ago: int, hour: int, minute: int = 0) -> None:
        """Jump to a time some days before now (UTC)."""
        day = self.now - timedelta(days=days_ago)
        self.moment = day.replace(hour=hour, minute=minute, second=0, microsecond=0)

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=30)
        return self.moment

    def today(self) -> date:
        """The day of the scene, for checks on dates in the future."""
        return self.moment.date()

    def day(self, days_ago: int) -> date:
        """A date some days before now (negative: after now)."""
        return self.now.date() - timedelta(days=days_ago)

    def born(self, years: int, days: int) -> date:
        """A birth date of a child who is `years` old and `days` past a birthday."""
        today = self.now.date()
        try:
            birthday = today.replace(year=today.year - years)
        except ValueError:
            birthday = today.replace(year=today.year - years, day=28)
        return birthday - timedelta(days=days)


@dataclass(frozen=True)
class DemoDossier:
    """One demo dossier: its id, client code, the route it shows, how it is made."""

    dossier_id: str
    client_ref: str
    route: tuple[int, ...]
    """The step numbers it passes, in order (the last is where it stands or ends)."""
    closed: bool
    description: str
    build: Callable[[Protocol, _Clock], Dossier]


def _engine(protocol: Protocol, dossier: Dossier, actor: str, clock: _Clock) -> Engine:
    """An engine for another counsellor taking over the same dossier."""
    from kindreflex_tui.engine import Engine

    return Engine(protocol, dossier, actor, clock=clock, today=clock.today)


def _start(
    protocol: Protocol, clock: _Clock, dossier_id: str, client_ref: str, actor: str
) -> Engine:
    from kindreflex_tui.engine import Engine

    return Engine.start(
        protocol,
        dossier_id=dossier_id,
        client_ref=client_ref,
        counsellor=actor,
        clock=clock,
        today=clock.today,
    )


def _tick(engine: Engine, *items: str) -> None:
    for item in items:
        engine.tick(item)


def _conversation(
    engine: Engine, children: list[dict[str, object]], notes: str, reason: str
) -> dict[str, str]:
    """Step 1 with children: ticks, the register, notes; on to step 2."""
    _tick(engine, "tell_standard", "ask_children", "record_children")
    engine.set_answer("has_children", True)
    ids = {}
    for child in children:
        ids[str(child["name"])] = engine.add_item("children", child)
    if "residential" not in engine.visit.answers:
        engine.set_answer("residential", False)
    engine.set_notes(notes)
    engine.set_mark("notes", "client_statement")
    engine.decide("children_present", reason)
    return ids


# -- the five dossiers ----------


def _not_applicable(protocol: Protocol, clock: _Clock) -> Dossier:
    """1 -> end: no children and none expected."""
    clock.at(20, 9, 15)
    engine = _start(protocol, clock, "demo-01", "DEMO-01", ELS)
    _tick(engine, "tell_standard", "ask_children")
    engine.set_answer("has_children", False)
    engine.set_answer("residential", False)
    engine.set_notes(
        "Meneer vertelt dat hij geen kinderen heeft en ook geen kind verwacht. Hij "
        "woont alleen sinds de scheiding; er is geen nieuwe partner."
    )
    engine.set_mark("notes", "client_statement")
    engine.decide(
        "not_applicable",
        "De cliënt draagt geen zorg voor kinderen en verwacht geen kind.",
    )
    return engine.dossier


def _support(protocol: Protocol, clock: _Clock) -> Dossier:
    """1-2-3, standing in step 3 with the next check due in a few days."""
    clock.at(26, 10, 0)
    engine = _start(protocol, clock, "demo-02", "DEMO-02", ELS)
    _conversation(
        engine,
        [
            {
                "name": "Mila",
                "birth_date": clock.born(8, 40),
                "lives_with_client": "permanent",
            },
            {
                "name": "Daan",
                "birth_date": clock.born(5, 100),
                "lives_with_client": "partly",
                "other_carer": "papa, Bart Proef",
            },
        ],
        "Mevrouw vertelt trots over Mila en Daan. Daan verblijft om het andere weekend "
        "bij zijn vader. Ze maakt zich zorgen over de schulden, niet over de kinderen.",
        "Twee kinderen: Mila woont permanent bij mevrouw, Daan deels.",
    )
    clock.at(25, 14, 30)
    _tick(engine, "consult")
    engine.add_item(
        "consultations",
        {
            "with": "colleague",
            "date": clock.today(),
            "anonymous": False,
            "person": "Sofie Voorbeeld",
            "question": "Zijn er signalen die op onveiligheid wijzen?",
            "advice": "Geen signalen van onveiligheid. Blijf regelmatig naar Mila en "
            "Daan vragen, zeker als de schuldsituatie verergert.",
        },
    )
    engine.set_answer("not_right", False)
    engine.decide(
        "no_doubts", "Overleg met een collega: geen twijfels over de thuissituatie."
    )
    clock.at(11, 11, 0)
    _tick(engine, "ask_regularly", "discuss_impact", "resilience", "record_support")
    engine.set_answer(
        "support_given",
        "Gesprek over de impact van de geldzorgen op de kinderen. Mevrouw wil Mila en "
        "Daan er niet mee belasten; samen zochten we wat ze hen wel kan vertellen. "
        "Info meegegeven over de opvoedingswinkel.",
    )
    engine.set_mark("support_given", "fact")
    engine.set_answer("next_check", clock.day(-3))
    return engine.dossier


def _restore(protocol: Protocol, clock: _Clock) -> Dossier:
    """1-2-4-5, standing in step 5 with a safety plan whose evaluation is overdue."""
    clock.at(46, 9, 0)
    engine = _start(protocol, clock, "demo-03", "DEMO-03", ELS)
    ids = _conversation(
        engine,
        [
            {
                "name": "Lotte",
                "birth_date": clock.born(13, 60),
                "lives_with_client": "permanent",
            },
            {
                "name": "Finn",
                "birth_date": clock.born(6, 200),
                "lives_with_client": "permanent",
            },
        ],
        "Mevrouw vertelt dat Lotte het moeilijk heeft sinds haar partner bij hen "
        "woont. Finn zit in het eerste leerjaar en doet het goed.",
        "Twee kinderen wonen permanent bij mevrouw.",
    )
    clock.at(45, 13, 0)
    _tick(engine, "consult", "note_reasons")
    engine.add_item(
        "consultations",
        {
            "with": "colleague",
            "date": clock.today(),
            "anonymous": False,
            "person": "Sofie Voorbeeld",
            "question": "Is mijn niet-pluisgevoel terecht?",
            "advice": "Ja: bespreek het met het team en verzamel meer gegevens "
            "(stap 4).",
        },
    )
    engine.set_answer("not_right", True)
    engine.set_answer(
        "not_right_reasons",
        "Lotte komt vaak te laat op school en lijkt moe. Mevrouw vertelt over hevige "
        "ruzies met haar partner, waar de kinderen bij zijn.",
    )
    engine.set_mark("not_right_reasons", "observation")
    engine.decide("doubts", "Niet-pluisgevoel, gedeeld door een collega.")

    tom = _engine(protocol, engine.dossier, TOM, clock)
    clock.at(40, 10, 0)
    _tick(tom, "gather_data", "hear_key_figures", "discuss_first", "call_vk_ocj")
    tom.set_answer(
        "risk_factors",
        "Partnergeweld in het bijzijn van de kinderen. Lotte trekt zich terug en mist "
        "vaak het eerste lesuur.",
    )
    tom.set_mark("risk_factors", "third_party", "zorgcoördinator van de school")
    tom.set_answer(
        "protective_factors",
        "Mevrouw erkent de zorgen en wil hulp. De grootmoeder woont vlakbij en vangt "
        "de kinderen geregeld op.",
    )
    tom.set_answer("instrument", "lirik")
    tom.set_answer(
        "instrument_outcome",
        "Meerdere risicofactoren bij de ouders (geweld, stress); sterke beschermende "
        "factor in het netwerk.",
    )
    tom.add_item(
        "key_figures",
        {
            "role": "grootmoeder (moeder van mevrouw)",
            "name": "Maria Voorbeeld",
            "heard_on": clock.today(),
            "said": "Ze ziet dat Lotte stiller is geworden en vangt de kinderen op "
            "wanneer het thuis escaleert.",
        },
    )
    tom.add_item(
        "key_figures",
        {
            "role": "zorgcoördinator school",
            "name": "Ingrid Test",
            "heard_on": clock.today(),
            "said": "Lotte mist vaak het eerste lesuur en zegt dat ze slecht slaapt.",
        },
    )
    tom.set_child_answer("children_heard", ids["Lotte"], "heard", True)
    tom.set_child_answer("children_heard", ids["Lotte"], "consent", "agreed")
    tom.set_child_answer(
        "children_heard",
        ids["Lotte"],
        "views",
        "Lotte is bang als mama en haar partner ruzie maken. Ze wil dat het thuis "
        "rustiger wordt en vindt het goed dat de hulpverlener met mama praat.",
    )
    tom.set_child_answer("children_heard", ids["Finn"], "heard", False)
    tom.set_child_answer("children_heard", ids["Finn"], "consent", "not_asked")
    clock.at(36, 15, 0)
    tom.add_item(
        "consultations",
        {
            "with": "vk",
            "date": clock.today(),
            "anonymous": True,
            "question": "Is dit verontrustend, en wat raden jullie aan nu mevrouw "
            "zelf hulp wil?",
            "advice": "Verontrustend. Omdat mevrouw bereid is: eerst samen een "
            "veiligheidsplan maken. Bij nieuw geweld opnieuw contact opnemen.",
        },
    )
    clock.at(33, 14, 0)
    _tick(tom, "name_worries", "team_decides", "record_decision")
    tom.set_answer("team_date", clock.today())
    tom.set_answer("team_members", "Tom Proef, Els Voorbeeld, teamcoach An Test")
    tom.set_answer("outcome", "concerning")
    tom.set_answer("willingness", "willing")
    tom.set_answer(
        "rationale",
        "De kinderen zijn getuige van geweld; dat is verontrustend. Mevrouw erkent "
        "dit en wil meewerken aan een veiligheidsplan, met steun van de grootmoeder.",
    )
    tom.set_mark("rationale", "professional_opinion")
    tom.decide(
        "concerning_willing", "Teambeslissing: verontrustend, mevrouw is bereid."
    )

    clock.at(30, 10, 30)
    _tick(tom, "create_safety", "work_context", "help_children", "record_progress")
    for what, who, by_when in (
        ("Bij ruzie gaan de kinderen naar de grootmoeder", "mevrouw", clock.day(29)),
        ("Mevrouw start in de CAW-groep rond partnergeweld", "mevrouw", clock.day(16)),
        ("Lotte krijgt een vertrouwenspersoon op school", "Ingrid Test", clock.day(23)),
    ):
        tom.add_item("agreements", {"what": what, "who": who, "by_when": by_when})
    tom.set_answer("monitor", "Tom Proef")
    tom.set_answer("evaluation_date", clock.day(4))
    tom.set_answer("client_agrees", True)
    tom.set_answer(
        "progress",
        "Plan samen met mevrouw en de grootmoeder opgemaakt. Mevrouw heeft zich "
        "aangemeld voor de groep.",
    )
    tom.set_mark("progress", "fact")
    return tom.dossier


def _mandated(protocol: Protocol, clock: _Clock) -> Dossier:
    """1-2-4-6, standing in step 6 after contacting the OCJ."""
    clock.at(60, 9, 30)
    engine = _start(protocol, clock, "demo-04", "DEMO-04", ELS)
    engine.set_answer("residential", True)
    engine.set_answer("has_children", True)
    engine.set_answer("care_arranged", "yes")
    engine.set_answer("care_by", "de vader van Noah, Kevin Test")
    _tick(engine, "ask_care_residential")
    _conversation(
        engine,
        [
            {
                "name": "Noah",
                "birth_date": clock.born(3, 30),
                "lives_with_client": "not",
            },
            {"name": "Baby", "expected": True, "due_date": clock.day(-70)},
        ],
        "Mevrouw verblijft in de opvang en is zwanger. Noah woont nu bij zijn vader. "
        "Ze wil Noah terug bij zich zodra ze een woning heeft.",
        "Eén kind en een kind op komst.",
    )
    clock.at(59, 11, 0)
    _tick(engine, "consult", "note_reasons")
    engine.add_item(
        "consultations",
        {
            "with": "expert",
            "date": clock.today(),
            "anonymous": False,
            "person": "Yusuf Proef",
            "question": "Mevrouw weigert prenatale zorg. Hoe schat je dat in?",
            "advice": "Zorgelijk voor het ongeboren kind: ga verder met stap 4.",
        },
    )
    engine.set_answer("not_right", True)
    engine.set_answer(
        "not_right_reasons",
        "Mevrouw gaat niet naar de vroedvrouw en drinkt dagelijks. Noah ziet ze "
        "onregelmatig; de overdrachten verlopen met ruzie.",
    )
    engine.set_mark("not_right_reasons", "client_statement")
    engine.decide("doubts", "Zorgen over het ongeboren kind.")

    clock.at(50, 14, 0)
    _tick(
        engine,
        "gather_data",
        "discuss_first",
        "call_vk_ocj",
        "name_worries",
        "team_decides",
        "record_decision",
    )
    engine.set_answer(
        "risk_factors",
        "Alcoholgebruik tijdens de zwangerschap, geen prenatale opvolging, "
        "geen eigen woning.",
    )
    engine.set_answer("protective_factors", "Noah is goed opgevangen bij zijn vader.")
    engine.set_answer("instrument", "none")
    engine.add_item(
        "consultations",
        {
            "with": "ocj",
            "date": clock.today(),
            "anonymous": True,
            "question": "Wanneer melden we aan bij het OCJ als mevrouw hulp weigert?",
            "advice": "Eerst de zorgen concreet benoemen bij mevrouw; weigert ze nog "
            "steeds, dan aanmelden.",
        },
    )
    engine.set_answer("team_date", clock.today())
    engine.set_answer("team_members", "Els Voorbeeld, Tom Proef, teamcoach An Test")
    engine.set_answer("outcome", "concerning")
    engine.set_answer("willingness", "refusing")
    engine.set_answer(
        "rationale",
        "De veiligheid van het ongeboren kind is niet gegarandeerd en mevrouw weigert "
        "elke hulp rond de zwangerschap, ook na een open gesprek.",
    )
    engine.decide("concerning_unwilling", "Verontrustend en mevrouw weigert hulp.")

    clock.at(13, 10, 0)
    _tick(engine, "inform_client", "contact_facility", "record_actions")
    engine.set_answer("facility", "ocj")
    engine.set_answer("contact_date", clock.today())
    engine.set_answer("contact_person", "Karim Proef")
    engine.set_answer("request_type", "registration")
    engine.set_answer("client_informed", True)
    engine.set_answer("informed_on", clock.day(14))
    engine.set_answer(
        "follow_up_actions",
        "Aanmelding bij het OCJ met een M-document. Els blijft mevrouw begeleiden "
        "rond wonen en zoekt samen met haar een vroedvrouw.",
    )
    engine.set_answer("feedback_date", clock.day(-9))
    engine.set_notes(
        "Mevrouw was boos over de aanmelding, maar bleef in gesprek. Ze wil wel "
        "met de vroedvrouw kennismaken."
    )
    engine.set_mark("notes", "observation")
    return engine.dossier


def _restored(protocol: Protocol, clock: _Clock) -> Dossier:
    """1-2-4-5-3, back in step 3; step 4 shows an overridden warning."""
    clock.at(90, 9, 0)
    engine = _start(protocol, clock, "demo-05", "DEMO-05", TOM)
    ids = _conversation(
        engine,
        [
            {
                "name": "Elias",
                "birth_date": clock.born(14, 20),
                "lives_with_client": "permanent",
            },
            {
                "name": "Sara",
                "birth_date": clock.born(10, 150),
                "lives_with_client": "permanent",
            },
        ],
        "Meneer zorgt alleen voor Elias en Sara sinds zijn vrouw overleed. Hij zegt "
        "dat hij het niet meer trekt.",
        "Twee kinderen wonen permanent bij meneer.",
    )
    clock.at(89, 10, 0)
    _tick(engine, "consult")
    engine.add_item(
        "consultations",
        {
            "with": "colleague",
            "date": clock.today(),
            "anonymous": False,
            "person": "Els Voorbeeld",
            "advice": "Ga na hoe het met de kinderen gaat: meneer is uitgeput.",
        },
    )
    engine.set_answer("not_right", True)
    engine.set_answer(
        "not_right_reasons",
        "Sara zorgt 's avonds vaak alleen voor zichzelf; meneer slaapt overdag.",
    )
    engine.decide("doubts", "Zorgen over de opvang van de kinderen.")

    clock.at(80, 15, 0)
    _tick(
        engine,
        "gather_data",
        "hear_key_figures",
        "discuss_first",
        "team_decides",
        "record_decision",
    )
    engine.add_item(
        "key_figures",
        {
            "role": "tante (zus van meneer)",
            "name": "Hanne Proef",
            "heard_on": clock.today(),
            "said": "Ze wil elke woensdag en in het weekend helpen.",
        },
    )
    engine.set_child_answer("children_heard", ids["Elias"], "heard", True)
    engine.set_child_answer("children_heard", ids["Elias"], "consent", "agreed")
    engine.set_child_answer(
        "children_heard",
        ids["Elias"],
        "views",
        "Elias zegt dat hij voor Sara kookt als papa slaapt, en dat hij dat niet erg "
        "vindt.",
    )
    engine.set_mark("children_heard", "client_statement")
    engine.set_answer("team_date", clock.today())
    engine.set_answer("team_members", "Tom Proef, Els Voorbeeld")
    engine.set_answer("outcome", "concerning")
    engine.set_answer("willingness", "unable")
    engine.set_answer(
        "rationale",
        "Meneer kan het alleen niet aan, maar met de hulp van zijn zus wel. Hij wil "
        "zelf een plan maken.",
    )
    engine.decide(
        "concerning_willing",
        "Teambeslissing: verontrustend; met steun van het netwerk kan meneer het aan.",
        override_reason="Meneer is in onvermogen, maar met de steun van zijn zus "
        "bereid en in staat om zelf de veiligheid te herstellen.",
    )

    clock.at(78, 10, 0)
    _tick(
        engine, "create_safety", "work_context", "discuss_regularly", "record_progress"
    )
    for what, who in (
        (
            "Tante Hanne vangt de kinderen op woensdag en in het weekend op",
            "Hanne Proef",
        ),
        ("Meneer gaat naar de huisarts voor zijn uitputting", "meneer"),
    ):
        engine.add_item(
            "agreements", {"what": what, "who": who, "by_when": clock.day(60)}
        )
    engine.set_answer("monitor", "Tom Proef")
    engine.set_answer("evaluation_date", clock.day(-20))
    engine.set_answer("client_agrees", True)
    clock.at(40, 11, 0)
    engine.set_answer(
        "progress",
        "Tussentijdse evaluatie: de afspraken lopen goed. Meneer slaapt beter en is "
        "'s avonds thuis. Volgende evaluatie van het plan over enkele weken.",
    )
    engine.decide("improving", "De situatie verbetert; verder ondersteunen in stap 3.")

    clock.at(39, 9, 30)
    _tick(
        engine, "ask_regularly", "involve_children", "involve_context", "record_support"
    )
    engine.set_answer(
        "support_given",
        "Besproken hoe meneer Elias kan ontlasten. Sara gaat voortaan naar de "
        "naschoolse opvang.",
    )
    engine.set_answer("next_check", clock.day(-14))
    return engine.dossier


DEMOS = (
    DemoDossier(
        "demo-01",
        "DEMO-01",
        (1,),
        True,
        "geen kinderen: de Kindreflex is niet van toepassing",
        _not_applicable,
    ),
    DemoDossier(
        "demo-02",
        "DEMO-02",
        (1, 2, 3),
        False,
        "geen twijfels, ondersteuning; volgende check binnenkort",
        _support,
    ),
    DemoDossier(
        "demo-03",
        "DEMO-03",
        (1, 2, 4, 5),
        False,
        "verontrustend en bereid: veiligheidsplan, evaluatie te laat",
        _restore,
    ),
    DemoDossier(
        "demo-04",
        "DEMO-04",
        (1, 2, 4, 6),
        False,
        "weerstand: aangemeld bij het OCJ, kind op komst",
        _mandated,
    ),
    DemoDossier(
        "demo-05",
        "DEMO-05",
        (1, 2, 4, 5, 3),
        False,
        "onvermogen met steun van het netwerk: hersteld, terug in stap 3",
        _restored,
    ),
)
"""The demo dossiers, one per main route of the leaflet."""


def build_demo(protocol: Protocol, now: datetime | None = None) -> list[Dossier]:
    """The demo dossiers in memory, dated relative to `now` (default: now)."""
    from kindreflex_tui.dossier.model import now_utc

    moment = now or now_utc()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return [demo.build(protocol, _Clock(moment)) for demo in DEMOS]


def _write(data_dir: Path, now: datetime | None) -> tuple[list[Path], list[str]]:
    """Write the demo dossiers not there yet; return their paths and skipped codes."""
    from kindreflex_tui.dossier.archive import archive_protocol
    from kindreflex_tui.dossier.store import DossierStore
    from kindreflex_tui.protocol.loader import load_protocol, shipped_protocol_dir

    protocol_dir = shipped_protocol_dir()
    protocol = load_protocol(protocol_dir)
    store = DossierStore(data_dir)
    taken_refs = {
        listing.dossier.client_ref.casefold()
        for listing in store.scan()
        if listing.dossier is not None
    }
    archive_protocol(data_dir, protocol_dir, protocol)

    written, skipped = [], []
    for dossier in build_demo(protocol, now):
        path = store.path_for(dossier.id)
        if path.exists() or dossier.client_ref.casefold() in taken_refs:
            skipped.append(dossier.client_ref)
            continue
        opened = store.create(dossier, holder=HOLDER)
        opened.close()
        written.append(opened.path)
    return written, skipped


def write_demo(data_dir: Path, *, now: datetime | None = None) -> list[Path]:
    """Write the demo dossiers into a folder, skipping those already there."""
    return _write(Path(data_dir), now)[0]


def run_demo(args: argparse.Namespace) -> int:
    """Write the demo dossiers and say where they are and how to open them."""
    from kindreflex_tui.paths import data_dir

    folder = data_dir(getattr(args, "data_dir", None))
    written, skipped = _write(folder, None)
    if written:
        print(f"{len(written)} fictieve voorbeelddossier(s) geschreven in {folder}:")
        for path in written:
            demo = next(d for d in DEMOS if d.dossier_id == path.stem)
            route = " → ".join(map(str, demo.route)) + (
                " → einde" if demo.closed else ""
            )
            print(f"  {demo.client_ref}  {route}: {demo.description}")
    if skipped:
        names = ", ".join(skipped)
        print(f"Overgeslagen, bestaan al in {folder}: {names}")
    if not written and skipped:
        print("Er is niets overschreven.")
    shown = shlex.quote(str(folder))
    print(f"Openen: kindreflex --data-dir {shown}")
    print(f"Samenvatting: kindreflex summary DEMO-03 --data-dir {shown}")
    return 0
