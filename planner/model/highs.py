"""The HiGHS backend: a silent solver object, the LP's arrays loaded in two calls, warm re-solves.

A cold solve goes through PuLP's HiGHS interface (:class:`ArrayHiGHS`), handed the model's
arrays instead of PuLP's constraints row by row; later solves re-run the same HiGHS object
after :func:`push_changes` has handed it only the bounds, costs and coefficients that moved,
so HiGHS starts from the last basis.
"""

from __future__ import annotations

import ctypes
import os
import sys
import weakref
from collections.abc import Mapping
from typing import Protocol

import numpy as np
import pulp

from planner.errors import NoPlanError
from planner.model.families import LinearProgram, Values

try:
    import highspy
except ImportError:  # without HiGHS the planner still runs with CBC, and says so when HiGHS is asked for
    highspy = None  # type: ignore[assignment]

NO_HIGHS = "HiGHS is not installed (pip install highspy); use CBC instead (--solver cbc)"


def highs_available() -> bool:
    """True when HiGHS (the highspy package) could be imported."""
    return highspy is not None


_banner_shown = False
OptionValue = bool | float | str  # what a HiGHS option is set to (setOptionValue)


def new_highs() -> highspy.Highs:
    """A silent, single-threaded HiGHS object.

    HiGHS prints a banner on the process's stdout when the first object is made, which
    would mix into the command's own output; it is sent to /dev/null instead.
    """
    global _banner_shown
    if not _banner_shown:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                h = highspy.Highs()
                ctypes.CDLL(None).fflush(None)  # C's buffer, before stdout is back
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # One thread: the same input, the same plan. HiGHS keeps one pool of threads per process,
    # sized by the first model solved, so every model made here asks for the same.
    h.setOptionValue("threads", 1)
    return h


def highs_status(h: highspy.Highs) -> str:
    """HiGHS' model status in our words: optimal, feasible (a plan, no proof) or none."""
    status = h.getModelStatus()
    S = highspy.HighsModelStatus
    if status == S.kOptimal:
        return "optimal"
    has_plan = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    if status in (S.kTimeLimit, S.kIterationLimit, S.kInterrupt, S.kSolutionLimit,
                  S.kObjectiveBound, S.kObjectiveTarget) and has_plan:
        return "feasible"
    # Infeasible or unbounded cannot happen (unmet need is a slack, every column is bounded),
    # so these, and load/solve errors, are reported as no plan with HiGHS' own words.
    return "none"


def no_plan_message(status: highspy.HighsModelStatus, time_limit: float | None) -> str:
    if status == highspy.HighsModelStatus.kTimeLimit:
        return f"HiGHS found no plan within the time limit of {time_limit:g} s; allow more time (--time-limit)"
    return f"HiGHS found no plan (model status {status.name})"


def accepted(status: highspy.HighsStatus, a_value: np.ndarray) -> None:
    """HiGHS refuses a model with numbers out of its range (leaving it without those rows, which
    would solve to a wrong plan): say so instead."""
    if status == highspy.HighsStatus.kError:
        largest = float(np.abs(a_value).max()) if len(a_value) else 0.0
        raise NoPlanError(f"HiGHS refused the model: a number in it is out of range (the largest "
                          f"coefficient is {largest:,.0f}); check the scenario's largest figures")


def highs_bounds(lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row bounds with HiGHS' own infinity for infinite ones."""
    return (np.where(np.isinf(lower), -highspy.kHighsInf, lower), np.where(np.isinf(upper), highspy.kHighsInf, upper))


def load(h: highspy.Highs, lp: LinearProgram) -> None:
    """Pass the whole LP to a HiGHS object in two calls (columns, then rows by CSR)."""
    upper = np.where(np.isinf(lp.col_upper), highspy.kHighsInf, lp.col_upper)
    accepted(h.addCols(lp.num_cols, lp.col_cost, lp.col_lower, upper, 0,
                       np.zeros(0, "int32"), np.zeros(0, "int32"), np.zeros(0)), lp._a_value)
    lower, upper = highs_bounds(lp.row_lower, lp.row_upper)
    accepted(h.addRows(lp.num_rows, lower, upper, len(lp._a_index), lp._a_start, lp._a_index, lp._a_value),
             lp._a_value)


def push_changes(h: highspy.Highs, lp: LinearProgram, new: Values) -> None:
    """Hand only what changed from ``lp``'s values to ``new`` to the warm HiGHS model, keeping its basis.

    Of the matrix only the lever coefficients can change (``lp._lever_nz``).
    """
    old = lp.values()
    changed = np.nonzero((new.col_lower != old.col_lower) | (new.col_upper != old.col_upper))[0].astype("int32")
    if len(changed):
        h.changeColsBounds(len(changed), changed, new.col_lower[changed], new.col_upper[changed])
    changed = np.nonzero(new.col_cost != old.col_cost)[0].astype("int32")
    if len(changed):
        h.changeColsCost(len(changed), changed, new.col_cost[changed])
    changed = np.nonzero((new.row_lower != old.row_lower) | (new.row_upper != old.row_upper))[0].astype("int32")
    if len(changed):
        # changeRowsBounds is in highspy, though not in its type stubs.
        h.changeRowsBounds(len(changed), changed, new.row_lower[changed], new.row_upper[changed])  # type: ignore[attr-defined]
    levers = lp._lever_nz
    changed_nz = levers[new.a_value[levers] != old.a_value[levers]]
    if len(changed_nz):
        rows = np.searchsorted(lp._a_start, changed_nz, side="right") - 1
        for row, nz in zip(rows, changed_nz, strict=True):
            h.changeCoeff(int(row), int(lp._a_index[nz]), float(new.a_value[nz]))


def rerun(h: highspy.Highs, time_limit: float | None) -> None:
    """Solve the warm model again, from its last basis."""
    h.setOptionValue("time_limit", float(time_limit) if time_limit else highspy.kHighsInf)
    h.run()


class _Loads(Protocol):
    def load_into_highs(self, h: highspy.Highs) -> None: ...


def configured_highs(time_limit: float | None, options: Mapping[str, OptionValue]) -> highspy.Highs:
    """A silent, single-threaded HiGHS object with a cold solve's time limit and options (as ArrayHiGHS sets them)."""
    h = new_highs()
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    for key, value in options.items():
        h.setOptionValue(key, value)
    return h


class ArrayHiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface, handed the model's arrays in one call instead of row by row.

    The problem is solved as an LP (integrality is added only when the LP optimum is
    fractional); values are read as arrays by the model.
    """

    def __init__(self, model: _Loads, **kwargs: object):
        super().__init__(mip=False, **kwargs)
        # A weak reference: the problem keeps its solver (prob.solver) and the model keeps
        # the problem, and a cycle through a million PuLP objects would outlive the model
        # until a full garbage collection, slowing every collection before it.
        self.model = weakref.proxy(model)

    def createAndConfigureSolver(self, lp: pulp.LpProblem) -> None:
        lp.solverModel = configured_highs(self.timeLimit, self.optionsDict)

    def actualSolve(self, lp: pulp.LpProblem) -> int:
        # As pulp.HiGHS.actualSolve, without its two passes over every variable of every
        # constraint (lp.variables()) to mark them unmodified: nothing here reads that flag.
        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        self.callSolver(lp)
        status, sol_status = self.findSolutionValues(lp)
        lp.assignStatus(status, sol_status)
        return status

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:
        # Column j is the model's j-th variable and row i its i-th constraint, as PuLP made them.
        self.model.load_into_highs(lp.solverModel)

    def findSolutionValues(self, lp: pulp.LpProblem) -> tuple[int, int]:
        # Statuses only: the model reads values and duals as arrays, not variable by variable.
        status = highs_status(lp.solverModel)
        if status == "optimal":
            return pulp.LpStatusOptimal, pulp.LpSolutionOptimal
        if status == "feasible":
            return pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible
        return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound


__all__ = ["NO_HIGHS", "ArrayHiGHS", "OptionValue", "accepted", "configured_highs", "highs_available", "highs_bounds",
           "highs_status", "load", "new_highs", "no_plan_message", "push_changes", "rerun"]
