"""The leaflet's routes walked through the step screen alone, keyboard first."""

from __future__ import annotations

import pytest
from tui_harness import (
    ACUTE,
    PLANS,
    StepHarness,
    StepPlan,
    complete_step,
    make_engine,
    settle,
)

from kindreflex_tui.tui.step_screen import StepScreen


def route_numbers(app: StepHarness) -> list[int]:
    """The step numbers visited so far."""
    return [step.number for _visit, step in app.engine.path()]


@pytest.mark.slow
async def test_route_1_2_4_5_3_closes_the_dossier_from_the_screen():
    app = StepHarness(make_engine())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for step_id in ("conversation", "safety", "concern", "restore", "support"):
            screen = app.screen
            assert isinstance(screen, StepScreen)
            assert screen.engine.step.id == step_id
            await complete_step(pilot, PLANS[step_id])
        await settle(pilot)
        assert app.engine.closed
        assert app.dismissed
        assert route_numbers(app) == [1, 2, 4, 5, 3]
        decisions = [v.decision.option for v in app.engine.dossier.visits]
        assert decisions == [
            "children_present",
            "doubts",
            "concerning_willing",
            "improving",
            "support_finished",
        ]
        assert app.engine.dossier.children[0].name == "Jan [de oudste]"


@pytest.mark.slow
async def test_route_1_2_4_6_hands_over_to_the_mandated_facility():
    app = StepHarness(make_engine())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for plan in (PLANS["conversation"], PLANS["safety"], ACUTE, PLANS["mandated"]):
            await complete_step(pilot, plan)
        await settle(pilot)
        assert route_numbers(app) == [1, 2, 4, 6]
        assert app.engine.closed
        last = app.engine.dossier.visits[-1]
        assert last.answers["facility"] == "vk"
        assert last.answers["informed_on"] == "2026-03-01"


@pytest.mark.slow
async def test_route_1_2_3_without_doubts_goes_straight_to_support():
    """No niet-pluisgevoel in step 2: the counsellor supports the parent in step 3."""
    no_doubts = StepPlan(
        PLANS["safety"].ticks,
        {"consultations": PLANS["safety"].answers["consultations"], "not_right": False},
        "no_doubts",
    )
    app = StepHarness(make_engine())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for plan in (PLANS["conversation"], no_doubts, PLANS["support"]):
            await complete_step(pilot, plan)
        await settle(pilot)
        assert route_numbers(app) == [1, 2, 3]
        assert app.engine.closed
        assert app.engine.dossier.visits[1].decision is not None
        assert app.engine.dossier.visits[1].decision.option == "no_doubts"


@pytest.mark.slow
async def test_route_1_2_4_5_6_when_safety_is_not_restored():
    """The safety plan does not work: from step 5 on to the mandated facility."""
    not_restored = StepPlan(
        PLANS["restore"].ticks, PLANS["restore"].answers, "not_restored"
    )
    app = StepHarness(make_engine())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for plan in (
            PLANS["conversation"],
            PLANS["safety"],
            PLANS["concern"],
            not_restored,
            PLANS["mandated"],
        ):
            await complete_step(pilot, plan)
        await settle(pilot)
        assert route_numbers(app) == [1, 2, 4, 5, 6]
        assert app.engine.closed
        plan = app.engine.dossier.visits[3].answers["agreements"]
        assert plan[0]["what"] == "Oma haalt Jan op"
