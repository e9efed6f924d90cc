"""Properties of solved plans on random small scenarios (see tests/strategies.py).

Every plan keeps the contract (checked by the independent planner.verify), the same input
writes the same bytes, HiGHS and CBC agree on the optimum, and whole volunteers lose nothing
against solving the integer program directly.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pulp
import pytest
from hypothesis import HealthCheck, given, settings

import planner
import planner.model
import planner.model.cbc
from planner.exports.files import export_plan
from planner.verify import verify_plan

from .strategies import ScenarioData, scenarios

FILTERED = [HealthCheck.filter_too_much, HealthCheck.too_slow]
PLAN_FILES = ("assignments.csv", "roster.csv", "shortfalls.csv", "distribution.csv", "summary.json")


@contextmanager
def scenario_folder(data: ScenarioData) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="scenario-") as tmp:
        yield data.write(Path(tmp) / "scenario")


@pytest.mark.slow
@settings(max_examples=40, suppress_health_check=FILTERED, deadline=None)
@given(scenarios())
def test_every_solved_plan_keeps_the_contract(data: ScenarioData) -> None:
    with scenario_folder(data) as folder:
        plan = planner.solve(planner.load_scenario(folder))
        out = export_plan(plan, folder.parent / "plan")
        assert verify_plan(folder, out) == []


@pytest.mark.slow
@settings(max_examples=12, suppress_health_check=FILTERED, deadline=None)
@given(scenarios())
def test_same_input_writes_the_same_bytes(data: ScenarioData) -> None:
    with scenario_folder(data) as folder:
        first = planner.export_plan(planner.solve(planner.load_scenario(folder)), folder.parent / "first")
        second = planner.export_plan(planner.solve(planner.load_scenario(folder)), folder.parent / "second")
        for name in PLAN_FILES:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.slow
@settings(max_examples=10, suppress_health_check=FILTERED, deadline=None)
@given(scenarios(max_points=4, max_teams=4))
def test_highs_and_cbc_reach_the_same_optimum(data: ScenarioData) -> None:
    with scenario_folder(data) as folder:
        scenario = planner.load_scenario(folder)
        highs = planner.solve(scenario)
        cbc = planner.solve(scenario, solver="cbc")
        assert highs.summary["status"] == cbc.summary["status"] == "optimal"
        assert math.isclose(highs.summary["objective"], cbc.summary["objective"], rel_tol=1e-6, abs_tol=1e-6)
        out = export_plan(cbc, folder.parent / "cbc")
        assert verify_plan(folder, out) == []


@pytest.mark.slow
@settings(max_examples=15, suppress_health_check=FILTERED, deadline=None)
@given(scenarios())
def test_whole_volunteers_lose_nothing_against_the_integer_program(data: ScenarioData) -> None:
    # The one place the tests reach into the model: it tests the model's rounding, not a plan.
    with scenario_folder(data) as folder:
        scenario = planner.load_scenario(folder)
        plan = planner.solve(scenario)
        reach = math.inf if scenario.max_travel_km is None else scenario.max_travel_km
        problem = planner.model.PlanModel(scenario, reach).problem
        problem.solve(pulp.COIN_CMD(path=planner.model.cbc.cbc_path(), msg=False))
        assert pulp.LpStatus[problem.status] == "Optimal"
        optimum = pulp.value(problem.objective) or 0.0  # None when there is nothing to decide
        assert math.isclose(plan.summary["objective"], optimum, rel_tol=1e-6, abs_tol=1e-6)
