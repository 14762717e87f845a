"""Every route of the leaflet through the shipped protocol, closing and reopening."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from kindreflex_tui.engine import DecisionNeedsOverride, Engine
from kindreflex_tui.errors import InputError
from kindreflex_tui.protocol.model import END

MakeEngine = Callable[..., Engine]
Complete = Callable[..., None]

Leg = tuple[str, dict[str, Any]]
"""One decision on a route: the option and the answers that agree with it."""

CHILDREN = ("children_present", {"has_children": True, "residential": False})
NO_DOUBTS = ("no_doubts", {"not_right": False})
DOUBTS = ("doubts", {"not_right": True})
SAFE = ("safe", {"outcome": "not_concerning"})
WILLING = ("concerning_willing", {"outcome": "concerning", "willingness": "willing"})
UNWILLING = (
    "concerning_unwilling",
    {"outcome": "concerning", "willingness": "refusing"},
)
ACUTE = ("concerning_unwilling", {"outcome": "acute_danger", "willingness": "willing"})
IMPROVING = ("improving", {})
NOT_RESTORED = ("not_restored", {})
KEEP_SUPPORTING = ("keep_supporting", {"client_informed": True})
HANDED_OVER = ("handed_over", {"client_informed": False})
TO_SAFETY = ("new_worries_safety", {})
TO_CONCERN = ("new_worries_concern", {})
FINISHED = ("support_finished", {})

ROUTES: dict[str, tuple[list[Leg], list[int]]] = {
    "1-2-3": ([CHILDREN, NO_DOUBTS], [1, 2, 3]),
    "1-2-4-3": ([CHILDREN, DOUBTS, SAFE], [1, 2, 4, 3]),
    "1-2-4-5-3": ([CHILDREN, DOUBTS, WILLING, IMPROVING], [1, 2, 4, 5, 3]),
    "1-2-4-6": ([CHILDREN, DOUBTS, UNWILLING], [1, 2, 4, 6]),
    "1-2-4-6 acute": ([CHILDREN, DOUBTS, ACUTE], [1, 2, 4, 6]),
    "1-2-4-5-6": ([CHILDREN, DOUBTS, WILLING, NOT_RESTORED], [1, 2, 4, 5, 6]),
    "1-2-4-6-3": ([CHILDREN, DOUBTS, UNWILLING, KEEP_SUPPORTING], [1, 2, 4, 6, 3]),
    "1-2-3-4": ([CHILDREN, NO_DOUBTS, TO_CONCERN], [1, 2, 3, 4]),
    "1-2-3-2": ([CHILDREN, NO_DOUBTS, TO_SAFETY], [1, 2, 3, 2]),
    "1-2-3-4-3": ([CHILDREN, NO_DOUBTS, TO_CONCERN, SAFE], [1, 2, 3, 4, 3]),
}


def walk(kx: Engine, complete: Complete, legs: list[Leg]) -> None:
    """Take each decision of a route, filling in the step as it goes."""
    for option, answers in legs:
        complete(kx, option, **answers)
        kx.decide(option, f"Beslist: {option}.")


def numbers(kx: Engine) -> list[int]:
    """The step numbers visited so far, in order."""
    return [step.number for _, step in kx.path()]


def assert_visits_chain(kx: Engine) -> None:
    """Each left visit's decision leads to the next visit's step (or the end)."""
    visits = kx.dossier.visits
    for visit, following in itertools.pairwise(visits):
        assert visit.left_at is not None
        assert visit.decision is not None
        assert visit.decision.target in (following.step, END)
    assert [v.id for v in visits] == list(range(1, len(visits) + 1))


@pytest.mark.parametrize("name", list(ROUTES))
def test_leaflet_route_is_walked_without_warnings(
    engine: MakeEngine, complete: Complete, name: str
) -> None:
    legs, expected = ROUTES[name]
    kx = engine()
    walk(kx, complete, legs)
    assert numbers(kx) == expected
    assert kx.dossier.status == "open"
    assert kx.dossier.current_visit is kx.dossier.visits[-1]
    assert all(v.decision and not v.decision.warnings for v in kx.dossier.visits[:-1])
    assert_visits_chain(kx)


@pytest.mark.parametrize(
    ("back", "there"), [(TO_SAFETY, NO_DOUBTS), (TO_CONCERN, SAFE)]
)
def test_going_back_makes_a_new_visit_and_keeps_the_earlier_ones(
    engine: MakeEngine, complete: Complete, back: Leg, there: Leg
) -> None:
    kx = engine()
    walk(kx, complete, [CHILDREN, DOUBTS, SAFE])
    kept = [v.model_dump() for v in kx.dossier.visits]
    walk(kx, complete, [back])
    revisited = [v for v in kx.dossier.visits if v.step == kx.step.id]
    assert len(revisited) == 2
    assert revisited[-1] is kx.visit
    assert revisited[0].answers != {}
    assert (kx.visit.answers, kx.visit.ticked) == ({}, [])
    # Working in the new visit leaves the earlier visits as they were.
    complete(kx, there[0], **there[1])
    kx.set_notes("Tweede keer in deze stap.")
    kx.decide(there[0], "Opnieuw beslist.")
    assert [v.model_dump() for v in kx.dossier.visits[: len(kept) - 1]] == kept[:-1]
    assert_visits_chain(kx)


def test_no_children_closes_the_kindreflex(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    complete(kx, "not_applicable", has_children=False, residential=False)
    kx.decide("not_applicable", "Cliënt heeft geen kinderen.")
    assert kx.closed
    assert kx.dossier.current_visit is None
    decision = kx.dossier.visits[0].decision
    assert decision is not None
    assert decision.target == END
    closed = kx.dossier.history[-1]
    assert (closed.kind, closed.reason) == (
        "dossier_closed",
        "Cliënt heeft geen kinderen.",
    )


def test_no_children_route_with_children_recorded_is_warned(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    complete(kx, "children_present", has_children=True, residential=False)
    with pytest.raises(DecisionNeedsOverride, match="zorg draagt"):
        kx.decide("not_applicable", "Geen kinderen.")
    assert not kx.closed


@pytest.mark.parametrize(
    "legs",
    [
        [CHILDREN, DOUBTS, UNWILLING, HANDED_OVER],
        [CHILDREN, NO_DOUBTS, FINISHED],
    ],
)
def test_closing_routes_end_the_kindreflex(
    engine: MakeEngine, complete: Complete, legs: list[Leg]
) -> None:
    kx = engine()
    walk(kx, complete, legs)
    assert kx.closed
    assert_visits_chain(kx)


def test_reopening_needs_a_reason_and_starts_a_new_visit(
    engine: MakeEngine, complete: Complete
) -> None:
    kx = engine()
    complete(kx, "not_applicable", has_children=False, residential=False)
    kx.decide("not_applicable", "Geen kinderen.")
    first = kx.dossier.visits[0].model_dump()
    with pytest.raises(InputError, match="reden"):
        kx.reopen("conversation", "  ")
    with pytest.raises(InputError, match="onbekende stap"):
        kx.reopen("nowhere", "Zwanger.")
    kx.reopen("conversation", "Cliënt is zwanger.")
    assert not kx.closed
    assert [v.step for v in kx.dossier.visits] == ["conversation", "conversation"]
    assert kx.visit.id == 2
    assert kx.dossier.visits[0].model_dump() == first
    reopened = [e for e in kx.dossier.history if e.kind == "dossier_reopened"]
    assert [(e.reason, e.new) for e in reopened] == [
        ("Cliënt is zwanger.", "conversation")
    ]
    with pytest.raises(InputError, match="niet afgesloten"):
        kx.reopen("conversation", "Nog eens.")
    walk(kx, complete, [CHILDREN])
    assert numbers(kx) == [1, 1, 2]
