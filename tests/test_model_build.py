"""How the model is built and made whole: the fast paths give the same LP and the same optimum."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pulp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import LivePlanner, load_scenario, solve
from planner.collector import paused_gc
from planner.generate import generate_scenario
from planner.model import PlanModel
from planner.model.highs import new_highs
from planner.model.keys import group
from planner.model.levers import Levers, apply_levers
from planner.model.pulp_objects import add_constraints, make_variables, set_objective
from planner.model.whole import integer_resolve, whole_in_districts

from .conftest import DEMO, SCENARIOS


def teams(*rows: str) -> str:
    return "\n".join(["team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions", *rows])


def needs(*rows: str) -> str:
    return "\n".join(["point_id,session_id,role,volunteers", *rows])

TWO_POINTS = ("point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
              "p1,P1,a,39.90,116.40,10,100,10\np2,P2,a,39.90,116.40,10,100,10")


def model_for(scenario_path, levers: Levers | None = None) -> PlanModel:
    scenario = load_scenario(scenario_path)
    inputs = apply_levers(scenario, levers)
    model = PlanModel(scenario, inputs.reach_km)
    model.set_inputs(inputs)
    return model


def build(model: PlanModel, *, fast: bool) -> pulp.LpProblem:
    cols, rows = model.names()
    prob = pulp.LpProblem("same", pulp.LpMinimize)
    integer = np.zeros(model.num_cols, dtype=bool)
    integer[model.integer_columns] = True
    with paused_gc():
        variables = make_variables(prob, cols, model.col_lower, model.col_upper, integer, fast=fast)
        set_objective(prob, variables, model.col_cost, fast=fast)
        add_constraints(prob, variables, rows, model._a_start, model._a_index, model._a_value,
                        model.row_lower, model.row_upper, fast=fast)
    return prob


@pytest.mark.parametrize("folder", ["demo-small", "beijing-2023"])
def test_fast_pulp_objects_are_those_of_the_public_calls(folder, tmp_path):
    model = model_for(SCENARIOS / folder)
    fast, public = build(model, fast=True), build(model, fast=False)
    for prob, name in ((fast, "fast.lp"), (public, "public.lp")):
        prob.writeLP(str(tmp_path / name))
    assert (tmp_path / "fast.lp").read_text() == (tmp_path / "public.lp").read_text()
    for a, b in zip(fast.variables(), public.variables(), strict=True):
        assert vars(a).keys() == vars(b).keys()
        assert (a.name, a.lowBound, a.upBound, a.cat, a.varValue) == (b.name, b.lowBound, b.upBound, b.cat, b.varValue)
    assert len(fast.constraints()) == model.num_rows == len(public.constraints())


def test_the_problem_the_planner_solves_is_that_lp(tmp_path):
    """model.problem (fast path) writes the same LP as the public calls, and its objective is the plan's."""
    model = model_for(DEMO)
    model.problem.writeLP(str(tmp_path / "planner.lp"))
    build(model, fast=False).writeLP(str(tmp_path / "public.lp"))
    assert (tmp_path / "planner.lp").read_text().split("\n", 1)[1] == (tmp_path / "public.lp").read_text().split(
        "\n", 1)[1]


def test_ranged_rows_are_refused():
    prob = pulp.LpProblem("ranged")
    variables = make_variables(prob, ["x"], np.zeros(1), np.ones(1), np.zeros(1, dtype=bool))
    with pytest.raises(ValueError, match="bounded on both sides"):
        add_constraints(prob, variables, ["r"], np.array([0]), np.array([0]), np.array([1.0]), np.array([0.0]),
                        np.array([1.0]))


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=40))
def test_grouping_numbers_groups_in_key_order(rows):
    keys = pd.DataFrame(rows, columns=["t", "s", "r"])
    codes, groups = group({c: keys[c].to_numpy() for c in keys.columns})
    expected_codes, expected = pd.MultiIndex.from_frame(keys).factorize(sort=True)
    assert codes.tolist() == expected_codes.tolist()
    assert [tuple(row) for row in groups.frame().itertuples(index=False)] == list(expected)


def averaged(model: PlanModel, *fixes: tuple[int, float]) -> tuple[np.ndarray, list[float]]:
    """The mean of LP optima each solved with one column fixed: a fractional optimum (or near one)."""
    solutions, objectives = [], []
    for column, value in fixes:
        h = new_highs()
        model.load_into_highs(h)
        h.changeColBounds(column, value, value)
        h.run()
        solutions.append(np.asarray(h.getSolution().col_value))
        objectives.append(float(model.col_cost @ solutions[-1]))
    return np.mean(solutions, axis=0), objectives


def test_fractional_team_shares_are_made_whole_at_the_same_objective(scenario_dir):
    """Two one-member teams of one district, one need: half of each is an LP optimum.

    The teams are in b, which has no point, so they have no home point and serve through the pool.
    """
    model = model_for(scenario_dir(teams_csv=teams("t1,T1,U,b,1,0,0,1", "t2,T2,U,b,1,0,0,1"),
                                   needs_csv=needs("p1,s1,general,1")))
    values, objectives = averaged(model, (model.u0, 1.0), (model.u0, 0.0))
    assert objectives[0] == pytest.approx(objectives[1])
    assert values[model.u0] == pytest.approx(0.5)
    whole = whole_in_districts(model, values, None)
    assert whole is not None
    assert np.allclose(whole[model.integer_columns], np.rint(whole[model.integer_columns]))
    assert sorted(whole[model.u0:model.y0]) == [0.0, 1.0]
    assert model.col_cost @ whole == pytest.approx(objectives[0])


def test_fractional_flows_between_districts_are_made_whole(scenario_dir):
    """Teams in a (0 km, p1 its home) and b (8.54 km), one need at p1: the mean of both plans becomes the better one."""
    model = model_for(scenario_dir(teams_csv=teams("near,Near,U,a,1,0,0,1", "far,Far,U,b,1,0,0,1"),
                                   needs_csv=needs("p1,s1,general,1")))
    assert len(model.z) == 1  # near at its home point
    near = model.z0
    values, objectives = averaged(model, (near, 1.0), (near, 0.0))
    whole = whole_in_districts(model, values, None)
    assert whole is not None
    assert whole[near] == 1.0
    assert model.col_cost @ whole == pytest.approx(min(objectives))


def test_fractional_staffing_of_needs_is_made_whole(scenario_dir):
    """One volunteer, two equal needs at two points: half at each becomes one at either.

    Without the home bonus (together 0), the team's home point p1 is worth what p2 is.
    """
    model = model_for(scenario_dir(points_csv=TWO_POINTS, teams_csv=teams("t1,T1,U,a,1,0,0,1"),
                                   needs_csv=needs("p1,s1,general,1", "p2,s1,general,1")),
                      Levers(weights={"together": 0}))
    values, objectives = averaged(model, (model.a0, 1.0), (model.a0, 0.0))
    assert objectives[0] == pytest.approx(objectives[1])
    assert values[model.a0] == pytest.approx(0.5)
    whole = whole_in_districts(model, values, None)
    assert whole is not None
    assert sorted(whole[model.a0:model.f0]) == [0.0, 1.0]
    assert model.col_cost @ whole == pytest.approx(objectives[0])


def test_whole_plan_is_as_good_as_the_integer_program():
    """A generated scenario whose LP optimum is fractional: the plan's objective is the integer optimum's."""
    scenario = generate_scenario(3, seed=5)
    plan = solve(scenario)
    inputs = apply_levers(scenario)
    model = PlanModel(scenario, inputs.reach_km)
    model.set_inputs(inputs)
    h = new_highs()
    model.load_into_highs(h)
    h.run()
    _, values = integer_resolve(model, h, None, time.perf_counter())
    assert plan.summary["objective"] == pytest.approx(float(model.col_cost @ values), abs=0.01)
    assert plan.summary["status"] == "optimal"


def test_live_planner_follows_levers_like_cold_solves(beijing):
    scenario = beijing
    live = LivePlanner(scenario, remember=0)  # every change solved (no plan remembered)
    changes = [{}, {"availability": 0.8}, {"stock": {"parent-pack": 2000}}, {"weights": {"fairness": 0}},
               {"closed_points": ["haidian-01"]}, {}]
    for levers in changes:
        warm, cold = live.plan(**levers), solve(scenario, **levers)
        assert warm.summary["objective"] == pytest.approx(cold.summary["objective"], abs=1e-6)
        assert warm.summary["assigned"] == cold.summary["assigned"]
    assert warm.timings["pulp"] == 0.0  # the last re-plan built no PuLP problem: it was warm


def test_live_planner_gives_the_same_plan_for_the_same_levers(beijing):
    """Levers asked for again (a reset, a slider moved back) give the very plan given before."""
    live = LivePlanner(beijing)
    first = live.plan()
    live.plan(availability=0.8)
    assert live.plan(availability=1.0) is first  # the same levers, spelt out
    assert live.plan(availability=0.8).summary == live.plan(availability=0.8).summary


def test_timings_add_up():
    plan = solve(load_scenario("scenarios/demo-small"))
    t = plan.timings
    assert set(t) == {"arrays", "pulp", "build", "solve", "extract", "together", "total"}
    assert all(value >= 0 for value in t.values())
    assert t["build"] == pytest.approx(t["arrays"] + t["pulp"])
    assert t["total"] == pytest.approx(t["build"] + t["solve"] + t["extract"])
    assert 0 < t["together"] <= t["extract"]  # keeping teams together is a step of extracting the plan
