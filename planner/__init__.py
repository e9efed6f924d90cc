"""Plan volunteer service points: who staffs which point in which session, and where supplies go.

>>> from planner import load_scenario, solve, export_plan
>>> plan = solve(load_scenario("scenarios/demo-small"))   # doctest: +SKIP
>>> export_plan(plan, "plans/demo-small")                  # doctest: +SKIP

The package is layered, and data flows one way (README, "Layout"):
``io`` (scenario files) -> ``model`` (levers and the LP) -> ``results`` (the plan) ->
``exports`` (files for people and machines) -> ``workbook`` (the notebooks' widgets).
The names below are loaded when first used, so ``planner verify`` and other light tools
import none of the solver stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.lazy import first_use

if TYPE_CHECKING:
    from planner.errors import NoPlanError, Problem, ScenarioError, SolverUnavailableError
    from planner.exports.files import export_plan
    from planner.io import load_scenario, save_scenario
    from planner.io.scenario import Scenario
    from planner.model.levers import Levers
    from planner.results.plan import Plan
    from planner.results.solving import LivePlanner, solve

_HOMES = {
    "NoPlanError": "planner.errors", "Problem": "planner.errors", "ScenarioError": "planner.errors",
    "SolverUnavailableError": "planner.errors", "export_plan": "planner.exports.files",
    "load_scenario": "planner.io", "save_scenario": "planner.io", "Scenario": "planner.io.scenario",
    "Levers": "planner.model.levers", "Plan": "planner.results.plan",
    "LivePlanner": "planner.results.solving", "solve": "planner.results.solving",
}

__all__ = [
    "Levers", "LivePlanner", "NoPlanError", "Plan", "Problem", "Scenario", "ScenarioError",
    "SolverUnavailableError", "export_plan", "load_scenario", "save_scenario", "solve",
]


__getattr__ = first_use("planner", _HOMES, globals())


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
