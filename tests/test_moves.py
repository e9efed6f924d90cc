"""Why districts a lever did not touch moved: the sentences' numbers against the plans' own tables."""

from __future__ import annotations

import html
import re
from collections import defaultdict

import pytest

from planner.io.scenario import Scenario
from planner.results.moves import MIN_POINTS, coverage_moves, move_text
from planner.results.plan import Plan
from planner.results.solving import LivePlanner


def _staffed(plan: Plan) -> tuple[dict[str, int], dict[str, int], dict[tuple[str, str], int]]:
    """Needed and assigned per district of the points, and volunteer-sessions per (team district, point district),
    added up row by row from shortfalls.csv and assignments.csv."""
    point_district = dict(zip(plan.scenario.points["point_id"], plan.scenario.points["district_id"], strict=True))
    team_district = dict(zip(plan.scenario.teams["team_id"], plan.scenario.teams["district_id"], strict=True))
    needed: dict[str, int] = defaultdict(int)
    assigned: dict[str, int] = defaultdict(int)
    for row in plan.shortfalls.itertuples():
        needed[point_district[row.point_id]] += int(row.needed)
        assigned[point_district[row.point_id]] += int(row.assigned)
    flows: dict[tuple[str, str], int] = defaultdict(int)
    for row in plan.assignments.itertuples():
        flows[(team_district[row.team_id], point_district[row.point_id])] += int(row.volunteers)
    return needed, assigned, flows


@pytest.fixture(scope="module")
def plans(beijing: Scenario) -> tuple[Plan, Plan]:
    live = LivePlanner(beijing, remember=0)
    return live.plan(), live.plan(availability=0.8)


def test_every_district_that_moved_enough_is_told_with_the_tables_numbers(plans: tuple[Plan, Plan]) -> None:
    base, plan = plans
    needed0, assigned0, flows0 = _staffed(base)
    needed1, assigned1, flows1 = _staffed(plan)
    moved = {d for d in needed1 if needed0.get(d) and needed1[d]
             and abs(assigned1[d] / needed1[d] - assigned0[d] / needed0[d]) * 100 >= MIN_POINTS}
    moves = coverage_moves(base, plan, most=100)
    assert moved, "80% of the volunteers should move some district by 5 points"
    assert {m.district_id for m in moves} == moved
    for m in moves:
        assert m.before == pytest.approx(assigned0[m.district_id] / needed0[m.district_id])
        assert m.after == pytest.approx(assigned1[m.district_id] / needed1[m.district_id])
        assert m.staffed_change == assigned1[m.district_id] - assigned0[m.district_id]
        change_here = flows1.get((m.by, m.district_id), 0) - flows0.get((m.by, m.district_id), 0)
        assert m.by_change == change_here != 0
        assert (m.by_change < 0) == (m.staffed_change < 0)  # the team district moved it the way it went
        if m.other is not None:
            change_there = flows1.get((m.by, m.other), 0) - flows0.get((m.by, m.other), 0)
            assert m.other_change == change_there and (change_there > 0) == (m.by_change < 0)
        for lang in ("zh", "en"):
            text = move_text(m, plan, lang)
            numbers = [int(n) for n in re.findall(r"\d+", text)]
            assert round(m.before * 100) in numbers and round(m.after * 100) in numbers
            assert abs(m.staffed_change) in numbers and abs(m.by_change) in numbers


def test_the_same_plan_moves_nothing(plans: tuple[Plan, Plan]) -> None:
    base, _ = plans
    assert coverage_moves(base, base) == []


def test_the_largest_moves_come_first_and_at_most_three(plans: tuple[Plan, Plan]) -> None:
    base, plan = plans
    moves = coverage_moves(base, plan)
    sizes = [abs(m.after - m.before) for m in moves]
    assert len(moves) <= 3 and sizes == sorted(sizes, reverse=True)


def test_the_explorer_says_why_other_districts_moved(plans: tuple[Plan, Plan]) -> None:
    from planner.workbook import Explorer

    base, plan = plans
    explorer = Explorer(base.scenario, debounce=0)
    assert explorer.moves.value == ""  # the plan as run: nothing moved
    explorer.controls.widgets["availability"].value = 80
    expected = coverage_moves(base, plan)
    for m in expected:
        assert html.escape(move_text(m, explorer.plan, "zh").split("：")[0]) in explorer.moves.value
    explorer.set_language("en")
    for m in expected:
        assert html.escape(move_text(m, explorer.plan, "en").split(":")[0]) in explorer.moves.value
    explorer.controls.widgets["availability"].value = 100
    assert explorer.moves.value == ""
