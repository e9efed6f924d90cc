"""The model: levers on a scenario's numbers, and the LP that plans staffing and supplies (docs/model.md).

The names below load on first use, so a module that needs only a constant of the model
(the command line's list of solvers) does not load PuLP and HiGHS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.lazy import first_use

if TYPE_CHECKING:
    from planner.model.levers import Inputs, Levers, apply_levers
    from planner.model.plan_model import PlanModel
    from planner.model.solution import Solution

_HOMES = {"Inputs": "planner.model.levers", "Levers": "planner.model.levers", "apply_levers": "planner.model.levers",
          "PlanModel": "planner.model.plan_model", "Solution": "planner.model.solution"}

__all__ = ["Inputs", "Levers", "PlanModel", "Solution", "apply_levers"]


__getattr__ = first_use("planner.model", _HOMES, globals())
