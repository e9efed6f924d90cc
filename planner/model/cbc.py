"""The LP as a named PuLP problem, and solving it with CBC (the fallback solver).

The PuLP problem is built from the same arrays HiGHS is given (pulp_objects.py makes its
objects quickly); CBC reads it from the MPS file PuLP writes and solves it, first as an LP,
then with integer staffing if the LP optimum is fractional.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pulp

from planner.collector import paused_gc
from planner.errors import NoPlanError, SolverUnavailableError
from planner.model.formulation import Formulation, safe_name
from planner.model.pulp_objects import add_constraints, make_variables, set_objective
from planner.model.solution import Solution, is_integral

NO_CBC = "CBC is not installed (pip install 'pulp[cbc]'); use HiGHS instead (--solver highs)"


def cbc_path() -> str | None:
    """Where CBC (from ``pulp[cbc]``) is: on PATH, or beside this Python."""
    beside = Path(sys.executable).parent / "cbc"
    return shutil.which("cbc") or (str(beside) if beside.exists() else None)


def to_pulp(lp: Formulation) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The LP as a named PuLP problem, and its variables in column order."""
    col_names, row_names = lp.names()
    prob = pulp.LpProblem(safe_name(lp.scenario.name), pulp.LpMinimize)
    integer = np.zeros(lp.num_cols, dtype=bool)
    integer[lp.integer_columns] = True
    with paused_gc():
        variables = make_variables(prob, col_names, lp.col_lower, lp.col_upper, integer)
        set_objective(prob, variables, lp.col_cost)
        add_constraints(prob, variables, row_names, lp._a_start, lp._a_index, lp._a_value,
                        lp.row_lower, lp.row_upper)
    return prob, variables


def _pulp_status(prob: pulp.LpProblem) -> str:
    """PuLP's solution status in our words: optimal, feasible (a plan, no proof) or none."""
    if prob.sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if prob.sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    return "none"


def solve_cbc(lp: Formulation, prob: pulp.LpProblem, variables: list[pulp.LpVariable],
              time_limit: float | None) -> Solution:
    """Solve ``prob`` (``lp`` as PuLP) with CBC: the LP, then with integer staffing if it is fractional.

    Raises
    ------
    SolverUnavailableError
        CBC is not installed.
    NoPlanError
        CBC gave no plan.
    """
    started = time.perf_counter()
    path = cbc_path()
    if path is None:
        raise SolverUnavailableError(NO_CBC)
    for j in lp.integer_columns.tolist():
        variables[j].cat = pulp.LpContinuous
    lp_status = prob.solve(pulp.COIN_CMD(path=path, msg=False, timeLimit=time_limit))
    status = _pulp_status(prob)
    values = np.array([v.varValue or 0.0 for v in variables])
    duals = None
    if status == "optimal":
        duals = np.array([c.pi or 0.0 for c in prob.constraints()])
    used_integers = False
    if status == "optimal" and not is_integral(values[lp.integer_columns]):
        used_integers = True
        for j in lp.integer_columns.tolist():
            variables[j].cat = pulp.LpInteger
        remaining = None if not time_limit else max(1.0, time_limit - (time.perf_counter() - started))
        lp_status = prob.solve(pulp.COIN_CMD(path=path, msg=False, timeLimit=remaining,
                                             gapRel=0.0, gapAbs=0.01))
        status = _pulp_status(prob)
        values = np.array([v.varValue or 0.0 for v in variables])
    if status == "none":
        # CBC checks its limit only between steps (never inside the first LP), so say how long it ran.
        ran = time.perf_counter() - started
        raise NoPlanError(f"CBC found no plan ({pulp.LpStatus[lp_status]})"
                          + (f" within the time limit of {time_limit:g} s (it ran {ran:.0f} s: CBC checks "
                             "the limit only between its steps)" if time_limit else ""))
    return Solution(status=status, values=values, duals=duals, objective=float(lp.col_cost @ values),
                    solver="cbc", used_integers=used_integers, seconds=time.perf_counter() - started,
                    whole_by="integer" if used_integers else "lp")


__all__ = ["NO_CBC", "cbc_path", "solve_cbc", "to_pulp"]
