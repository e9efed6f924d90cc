"""The model: levers on a scenario's numbers, and the LP that plans staffing and supplies (docs/model.md)."""

from planner.model.levers import Inputs, Levers, apply_levers
from planner.model.plan_model import PlanModel
from planner.model.solution import Solution

__all__ = ["Inputs", "Levers", "PlanModel", "Solution", "apply_levers"]
