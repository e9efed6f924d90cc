"""What a solve returns, whichever solver gave it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SOLVERS = ("highs", "cbc")
INTEGRALITY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Solution:
    """What one solve returned, as arrays aligned with the model's columns and rows.

    ``status`` is "optimal" (proven), "feasible" (a plan without proof, e.g. at a time
    limit). ``duals`` are the LP relaxation's row duals (None when the solver gave none).
    ``whole_by`` says how staffing became whole numbers: ``"lp"`` (the LP optimum was),
    ``"districts"`` (only who meets the needs was fractional, and a small integer program
    over the districts concerned fixed it) or ``"integer"`` (the whole model was solved
    again with integer staffing); ``used_integers`` is true for the last two.
    """

    status: str
    values: np.ndarray
    duals: np.ndarray | None
    objective: float
    solver: str
    used_integers: bool
    seconds: float
    whole_by: str = "lp"


def is_integral(values: np.ndarray) -> bool:
    """True when every value is a whole number, within :data:`INTEGRALITY_TOLERANCE`."""
    return bool(np.all(np.abs(values - np.rint(values)) <= INTEGRALITY_TOLERANCE))


__all__ = ["INTEGRALITY_TOLERANCE", "SOLVERS", "Solution", "is_integral"]
