"""Plan volunteer service points: who staffs which point in which session, and where supplies go.

>>> from planner import load_scenario, solve
>>> plan = solve(load_scenario("scenarios/demo-small"))   # doctest: +SKIP
>>> plan.export("plans/demo-small")                        # doctest: +SKIP
"""

from planner.errors import NoPlanError, Problem, ScenarioError, SolverUnavailableError
from planner.levers import Levers
from planner.plan import Plan
from planner.scenario import Scenario, load_scenario
from planner.solving import LivePlanner, solve

__all__ = [
    "Levers",
    "LivePlanner",
    "NoPlanError",
    "Plan",
    "Problem",
    "Scenario",
    "ScenarioError",
    "SolverUnavailableError",
    "load_scenario",
    "solve",
]
