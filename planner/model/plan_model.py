"""PlanModel: the planner's LP, built once per scenario and travel reach, solved and re-solved warm.

Every lever is a bound or a cost, so :meth:`PlanModel.set_inputs` followed by
:meth:`PlanModel.solve` re-solves a warm HiGHS model without building anything: only what
changed is handed to it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pulp

from planner.errors import NoPlanError, SolverUnavailableError
from planner.io.scenario import Scenario
from planner.model import cbc, highs, warm_start, whole
from planner.model.families import Values
from planner.model.formulation import Formulation
from planner.model.levers import Inputs, apply_levers
from planner.model.solution import SOLVERS, Solution, is_integral

log = logging.getLogger(__name__)
PRIMAL_SIMPLEX = 4  # HiGHS' simplex_strategy for its primal simplex


class PlanModel(Formulation):
    """The LP for one scenario and travel reach (:class:`Formulation`), with its solvers.

    Parameters
    ----------
    scenario : Scenario
    reach_km : float
        Farthest pair of district centre and point that gets a variable (``math.inf``: all).
    base : Inputs, optional
        The scenario's own numbers (``apply_levers(scenario)``, no levers), when at hand:
        which columns exist follows from them, whatever levers are set later.
    """

    def __init__(self, scenario: Scenario, reach_km: float, *, base: Inputs | None = None):
        started = time.perf_counter()
        super().__init__(scenario, reach_km, base=base)
        self._highs: highs.highspy.Highs | None = None
        self._problem: pulp.LpProblem | None = None
        self._variables: list[pulp.LpVariable] = []
        # HiGHS options of the cold solve beyond the planner's own (one thread, no output):
        # e.g. the interior point method for a model whose optimum is unique (results/parts.py).
        self.highs_options: dict[str, highs.OptionValue] = {}
        # Whether a cold HiGHS solve builds the named PuLP problem and solves through it (a
        # plan's own model: the problem serves CBC and named LP files), or loads the arrays
        # into HiGHS alone: a model nobody asks for its problem (a part's on a worker, dropped
        # after its solve; the trials'), where building it would cost 0.6 s a part at 5x.
        self.through_pulp = True
        # An optimal basis of another model of the scenario (planner.model.warm_start) the
        # first solve starts from: the trial models start from their plan's.
        self.start_basis: warm_start.Basis | None = None
        self.build_seconds = time.perf_counter() - started
        log.info("built %s columns, %s rows, %s non-zeros in %.3f s",
                 self.num_cols, self.num_rows, len(self._a_value), self.build_seconds)
        log.debug("rows per family: %s", {name: len(k) for name, k in self.row_keys.items()})

    def set_inputs(self, inputs: Inputs, values: Values | None = None) -> None:
        """Set every bound, cost and lever-driven coefficient; a warm model follows at once.

        ``values``, when given, are set instead of what ``inputs`` give (:meth:`values_for`
        changed by the caller: planner.sweep bounds each class by who showed up).
        """
        values = self.values_for(inputs) if values is None else values
        if self._highs is not None:
            highs.push_changes(self._highs, self, values)
        self.adopt(values)
        self._inputs = inputs
        self._problem = None  # the PuLP copy is rebuilt from these arrays when asked for

    @property
    def highs_model(self) -> highs.highspy.Highs | None:
        """The warm HiGHS model after a first solve (None before): its basis, for planner.sweep."""
        return self._highs

    @property
    def problem(self) -> pulp.LpProblem:
        """The LP as a named PuLP problem, built from the same arrays the solvers see."""
        if self._problem is None:
            if self._inputs is None:
                self.set_inputs(apply_levers(self.scenario))
            self._problem, self._variables = cbc.to_pulp(self)
        return self._problem

    def solve(self, *, solver: str = "highs", time_limit: float | None = None, warm: bool = True) -> Solution:
        """Solve the LP; if its optimum is fractional in staffing, solve again with whole numbers.

        The LP's duals are kept either way (they answer "what does one more X buy").

        Raises
        ------
        NoPlanError
            The solver gave no plan (failure, or time limit before any plan).
        SolverUnavailableError
            The solver is not installed.
        """
        if self._inputs is None:
            self.set_inputs(apply_levers(self.scenario))
        if solver not in SOLVERS:
            raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, got {solver!r}")
        if (solver == "highs" and not highs.highs_available()) or (solver == "cbc" and cbc.cbc_path() is None):
            raise SolverUnavailableError(highs.NO_HIGHS if solver == "highs" else cbc.NO_CBC)
        if self.num_cols == 0:
            # Nothing to decide (no team can reach any need, nothing wanted): the empty plan
            # is optimal, and solvers report an empty model as an error.
            return Solution(status="optimal", values=np.zeros(0), duals=np.zeros(self.num_rows), objective=0.0,
                            solver=solver, used_integers=False, seconds=0.0)
        if solver == "highs":
            return self._solve_highs(time_limit, warm)
        return cbc.solve_cbc(self, self.problem, self._variables, time_limit)

    def _solve_highs(self, time_limit: float | None, warm: bool) -> Solution:
        started = time.perf_counter()
        if self._highs is None or not warm:
            # A cold solve goes through PuLP's HiGHS interface (or straight to HiGHS: see
            # through_pulp, the same HiGHS model either way); later ones reuse its model.
            if self.through_pulp and self.start_basis is None:
                self.problem.solve(highs.ArrayHiGHS(self, msg=False, threads=1, timeLimit=time_limit,
                                                    **self.highs_options))
                self._highs = self.problem.solverModel
            else:
                self._highs = highs.configured_highs(time_limit, self.highs_options)
                self.load_into_highs(self._highs)
                self._run_from_start(self._highs)
        else:
            highs.rerun(self._highs, time_limit)
        h = self._highs
        status = highs.highs_status(h)
        solution = h.getSolution()
        values = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual) if status == "optimal" else None
        whole_by = "lp"
        if status == "optimal" and not is_integral(values[self.integer_columns]):
            remaining = None if not time_limit else max(0.1, time_limit - (time.perf_counter() - started))
            local = whole.whole_in_districts(self, values, remaining)
            if local is not None:
                values, whole_by = local, "districts"
            else:
                status, values = whole.integer_resolve(self, h, time_limit, started)
                whole_by = "integer"
        if status == "none":
            raise NoPlanError(highs.no_plan_message(h.getModelStatus(), time_limit))
        return Solution(status=status, values=values, duals=duals, objective=float(self.col_cost @ values),
                        solver="highs", used_integers=whole_by != "lp", seconds=time.perf_counter() - started,
                        whole_by=whole_by)

    def _run_from_start(self, h: highs.highspy.Highs) -> None:
        """The first run: from :attr:`start_basis` when there is one, by the primal simplex.

        That basis keeps the other model's optimum, feasible here too (planner.model.warm_start),
        which the primal simplex keeps while it improves it; the dual simplex would first undo
        the dual infeasibility of every column new here (14,000 iterations in a region of ten
        regions of 5x, against 30).
        """
        if self.start_basis is None:
            h.run()
            return
        if h.setBasis(warm_start.highs_basis(self, self.start_basis)) == highs.highspy.HighsStatus.kError:
            log.warning("HiGHS refused the start basis; solving from nothing")
            h.run()
            return
        _, strategy = h.getOptionValue("simplex_strategy")
        h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        try:
            h.run()
        finally:
            h.setOptionValue("simplex_strategy", strategy)

    def load_into_highs(self, h: highs.highspy.Highs) -> None:
        """Pass the whole LP to a HiGHS object in two calls (columns, then rows by CSR)."""
        highs.load(h, self)

    def write_model(self, path: str | Path) -> None:
        """Write the LP as HiGHS holds it (MPS, or LP by the file's extension), columns in model order.

        Unnamed: HiGHS names columns ``c0, c1...`` and rows ``r0, r1...``; the PuLP problem
        (:attr:`problem`) writes the same LP with readable names, sorted by name.
        """
        h = self._highs
        if h is None:
            if self._inputs is None:
                self.set_inputs(apply_levers(self.scenario))
            h = highs.new_highs()
            self.load_into_highs(h)
        status = h.writeModel(str(path))
        if status == highs.highspy.HighsStatus.kError:
            raise OSError(f"HiGHS could not write {path}")


__all__ = ["PlanModel"]
