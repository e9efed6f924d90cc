"""The model: levers on a scenario's numbers, and the LP that plans staffing and supplies (docs/model.md).

The names below load on first use, so a module that needs only a constant of the model
(the command line's list of solvers) does not load PuLP and HiGHS.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.model.levers import Inputs, Levers, apply_levers
    from planner.model.plan_model import PlanModel
    from planner.model.solution import Solution

_HOMES = {"Inputs": "planner.model.levers", "Levers": "planner.model.levers", "apply_levers": "planner.model.levers",
          "PlanModel": "planner.model.plan_model", "Solution": "planner.model.solution"}

__all__ = ["Inputs", "Levers", "PlanModel", "Solution", "apply_levers"]


def __getattr__(name: str) -> Any:
    # PEP 562: each public name is imported from its module on first use.
    if name not in _HOMES:
        raise AttributeError(f"module 'planner.model' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
