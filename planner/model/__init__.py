"""The model: levers on a scenario's numbers, and the LP that plans staffing and supplies (docs/model.md)."""

from planner.model.formulation import PlanModel, Solution
from planner.model.levers import Inputs, Levers, apply_levers

__all__ = ["Inputs", "Levers", "PlanModel", "Solution", "apply_levers"]
