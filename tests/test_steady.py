"""Stable exploring: a lever moved changes only what it forces (planner/results/steady.py, the explorer's checkbox)."""

from __future__ import annotations

from planner import load_scenario
from planner.results.replan import plan_changes
from planner.results.solving import LivePlanner
from planner.results.steady import SteadyPlans

from .conftest import DEMO


def changed(before, after, scenario) -> int:
    difference = plan_changes(before.assignments, after.assignments, scenario)
    return int((difference["after"] - difference["before"]).abs().sum())


def test_steady_plans_fill_as_much_and_move_less():
    scenario = load_scenario(DEMO)
    live, steady = LivePlanner(scenario), SteadyPlans()
    start, moved = steady.follow(live.plan())
    assert moved == 0 and start.assignments.equals(live.plan().assignments)
    for availability in (0.75, 0.5):
        fresh = live.plan(availability=availability)
        plan, moved = steady.follow(fresh)
        assert plan.summary["assigned"] == fresh.summary["assigned"]
        assert plan.summary["unmet_by_role"] == fresh.summary["unmet_by_role"]
        assert moved <= changed(start, fresh, scenario)
        assert plan.levers == fresh.levers
        start = plan
    # Back to the scenario's own levers: the very plan shown for them at first.
    back, _ = steady.follow(live.plan())
    assert back.assignments.equals(live.plan().assignments)


def test_the_explorer_says_how_many_assignments_changed():
    from planner.workbook import Explorer

    explorer = Explorer(DEMO, debounce=0, steady=True, lang="en")
    explorer.controls.widgets["availability"].value = 60
    assert "assignments changed" in explorer.status.value
    assert explorer.steady.description == "Keep the plan steady"
