"""Solving a scenario into a plan: ``solve`` for one plan, ``LivePlanner`` for many.

From the model's optimum to whole volunteers and items:

* Staffing is whole already: the LP optimum is checked and, only when fractional, the
  model is solved again with integer variables (model/whole.py). A district's whole flows to
  its points are then shared among its teams in whole pieces, a team kept at one point with
  its own first-aider where it can be (results/teams.py: teams of one district travel alike,
  so any sharing costs the same), and rostered person by person (results/roster.py).
* Supplies are shared in proportion to what points want: each item's min(stock, total wanted),
  floors then the largest remainders, worked out in whole numbers (results/shares.py: the LP's
  one optimum, exactly): nothing is lost.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from planner.collector import paused_gc
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.model import PlanModel, Solution
from planner.model.classes import with_sizes
from planner.model.highs import OptionValue
from planner.model.levers import Inputs, Levers, apply_levers
from planner.model.warm_start import basis_of
from planner.results.causes import need_causes
from planner.results.pinned import keep_pins
from planner.results.plan import Plan, build_summary
from planner.results.roster import build_roster, class_members
from planner.results.shares import supply_shares
from planner.results.teams import Sharings, share_flows

log = logging.getLogger(__name__)
NONE: Mapping[str, Any] = MappingProxyType({})  # no overrides (an immutable default)


def solve(
    scenario: Scenario,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    availability: float = 1.0,
    district_availability: Mapping[str, float] = NONE,
    stock: Mapping[str, int] = NONE,
    supply_factors: Mapping[str, float] = NONE,
    max_travel_km: float | None = None,
    weights: Mapping[str, float] = NONE,
    closed_points: Iterable[str] = (),
    need_factors: Mapping[str, Mapping[str, float]] = NONE,
    keep_basis: bool = False,
) -> Plan:
    """Solve a scenario into an optimal plan of whole volunteers and items.

    Parameters
    ----------
    scenario : Scenario
        From :func:`planner.load_scenario`.
    solver : {"highs", "cbc"}
        HiGHS (through highspy) by default; CBC as the fallback.
    time_limit : float, optional
        Seconds; at the limit the best plan so far is returned with status "feasible".
    availability, district_availability, stock, supply_factors, max_travel_km, weights, closed_points, need_factors
        Levers overriding the scenario's numbers; see :class:`planner.model.levers.Levers`.
    keep_basis : bool
        Keep HiGHS' optimal basis in the plan (``plan.basis``), where the explanations'
        re-solves start (``planner solve`` does; it costs about 15 ms at 1x).

    Returns
    -------
    Plan

    Raises
    ------
    ValueError
        A lever out of range or naming an unknown id.
    NoPlanError
        The solver gave no plan (e.g. the time limit came before any plan).
    SolverUnavailableError
        The solver is not installed.
    """
    levers = Levers(
        availability=availability, district_availability=district_availability, stock=stock,
        supply_factors=supply_factors, max_travel_km=max_travel_km, weights=weights,
        closed_points=frozenset(closed_points), need_factors=need_factors,
    )
    return solve_cold(apply_levers(scenario, levers), solver=solver, time_limit=time_limit,
                      keep_basis=keep_basis)[1]


def solve_cold(inputs: Inputs, *, solver: str = "highs", time_limit: float | None = None,
               highs_options: dict[str, OptionValue] | None = None, keep_basis: bool = False) -> tuple[PlanModel, Plan]:
    """Build the model for these inputs and solve it from scratch: what :func:`solve` does.

    Returns the model too, for tools that look inside it (the benchmark writes its LP out).
    ``highs_options`` go to HiGHS beyond the planner's own (:attr:`PlanModel.highs_options`);
    ``keep_basis`` as :func:`solve`'s.
    """
    model = PlanModel(inputs.scenario, inputs.reach_km, base=inputs)
    model.highs_options = dict(highs_options or {})
    plan = _solve_model(model, inputs, solver=solver, time_limit=time_limit, warm=False)
    return model, with_basis(plan, model) if keep_basis else plan


def with_basis(plan: Plan, model: PlanModel) -> Plan:
    """The plan with its model's optimal basis (HiGHS' after the plan's solve; none from CBC)."""
    h = model.highs_model
    return replace(plan, basis=basis_of(model, h)) if h is not None and plan.status == "optimal" else plan


class LivePlanner:
    """Re-plans one scenario as levers change, keeping its HiGHS model warm.

    A lever changes only bounds and costs, so a re-plan is a warm re-solve; a new travel
    reach needs other pairs, so one model per reach is kept (the last few).

    Examples
    --------
    >>> live = LivePlanner(load_scenario("scenarios/beijing-2023"))   # doctest: +SKIP
    >>> live.plan(availability=0.8).summary["coverage"]               # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario, *, solver: str = "highs", keep: int = 3, remember: int = 16):
        self.scenario = scenario
        self.solver = solver
        self._models: dict[float, PlanModel] = {}
        self._keep = keep
        # Plans of the last levers asked for: the LP is degenerate, so a warm re-solve may pick
        # another of equally good plans; asked again for the same levers (a reset, a slider moved
        # back), the planner gives the very plan it gave, at once.
        self._plans: dict[str, Plan] = {}
        self._remember = remember
        # Each district's sharing among its teams, by its inputs (teams.share_flows): a lever
        # change leaves most districts' flows as they were, and those are not shared again.
        self._shared: Sharings = {}

    def plan(self, levers: Levers | None = None, **overrides: object) -> Plan:
        """A plan for these levers (a :class:`Levers`, or the keywords of :func:`solve`)."""
        if levers is None:
            levers = Levers(**overrides)  # type: ignore[arg-type]
        elif overrides:
            raise TypeError("pass either a Levers object or keyword overrides, not both")
        key = _levers_key(levers)
        known = self._plans.pop(key, None) if self._remember else None
        if known is not None:
            self._plans[key] = known  # most recently used last
            return known
        inputs = apply_levers(self.scenario, levers)
        model = self._models.pop(inputs.reach_km, None)
        if model is None:
            model = PlanModel(self.scenario, inputs.reach_km)
        self._models[inputs.reach_km] = model  # most recently used last
        while len(self._models) > self._keep:
            self._models.pop(next(iter(self._models)))
        plan = _solve_model(model, inputs, solver=self.solver, time_limit=None, warm=True, shared=self._shared)
        self._plans[key] = plan
        while len(self._plans) > self._remember:
            self._plans.pop(next(iter(self._plans)))
        return plan


def _levers_key(levers: Levers) -> str:
    """The levers as text that is equal exactly when the levers are."""
    fields = {name: getattr(levers, name) for name in levers.__dataclass_fields__}
    fields["closed_points"] = sorted(levers.closed_points)
    return json.dumps(fields, sort_keys=True, default=str)


def _solve_model(model: PlanModel, inputs: Inputs, *, solver: str, time_limit: float | None, warm: bool,
                 shared: Sharings | None = None) -> Plan:
    """Set the levers, solve and extract, timing each step into ``plan.timings`` (seconds).

    ``arrays`` is building the model's arrays (on a cold solve) and setting the levers,
    ``pulp`` building the named PuLP problem, ``build`` both; then ``solve``, ``extract``
    and ``total``, their sum. A warm re-solve builds nothing.
    """
    cold = not warm or model._highs is None
    started = time.perf_counter()
    model.set_inputs(inputs)
    levers_set = time.perf_counter()
    builds_pulp = cold or solver == "cbc"
    if builds_pulp:
        model.problem  # noqa: B018 - the PuLP problem the cold solve goes through, timed on its own
    built = time.perf_counter()
    solution = model.solve(solver=solver, time_limit=time_limit, warm=warm)
    solved = time.perf_counter()
    extracted = extract_plan(model, inputs, solution, shared=shared)
    plan = keep_pins(extracted)  # pins.csv: kept, repairing the plan if need be
    finished = time.perf_counter()
    arrays = (model.build_seconds if cold else 0.0) + (levers_set - started)
    pulp_seconds = built - levers_set if builds_pulp else 0.0
    timings = {"arrays": arrays, "pulp": pulp_seconds, "build": arrays + pulp_seconds,
               "solve": solved - built, "extract": finished - solved}
    timings["total"] = timings["build"] + timings["solve"] + timings["extract"]
    timings["together"] = extracted.timings["together"]  # part of extract: teams kept together (issue 10's target)
    log.info("plan for %s: %s, coverage %.3f, times %s", inputs.scenario.name, solution.status,
             plan.summary["coverage"], {k: round(v, 4) for k, v in timings.items()})
    return replace(plan, timings=timings)


def extract_plan(model: PlanModel, inputs: Inputs, solution: Solution, *,
                 shared: Sharings | None = None) -> Plan:
    """Whole volunteers and items from a solution, as the contract's tables.

    ``shared``: districts' sharings kept from earlier plans (see :func:`share_flows`'s cache).
    """
    with paused_gc():  # (see planner.collector)
        return _extract_plan(model, inputs, solution, shared)


def _extract_plan(model: PlanModel, inputs: Inputs, solution: Solution, shared: Sharings | None) -> Plan:
    sc = inputs.scenario
    values = solution.values
    u_amount = np.rint(values[model.u0:model.y0]).astype("int64")
    y_amount = np.rint(values[model.y0:model.a0]).astype("int64")
    z_amount = np.rint(values[model.z0:model.z0 + len(model.z)]).astype("int64")
    u_on, y_on, z_on = u_amount > 0, y_amount > 0, z_amount > 0
    classes = with_sizes(model.classes, inputs)
    z, u = model.z, model.u
    # The district flows: home and pool flows added up per district, point, session and role;
    # the LP's class loads (pool and home) are a first way to fill them, which the sharing improves.
    n_p, n_s, n_r = len(sc.points), model.n_sessions, len(ROLES)
    flow_key = ((np.concatenate([model.y["d"][y_on], z["d"][z_on]]) * n_p
                 + np.concatenate([model.y["p"][y_on], z["p"][z_on]])) * n_s
                + np.concatenate([model.y["s"][y_on], z["s"][z_on]])) * n_r + np.concatenate([model.y["r"][y_on],
                                                                                            z["r"][z_on]])
    flow_keys, flow_of = np.unique(flow_key, return_inverse=True)
    flow_amount = np.bincount(flow_of, weights=np.concatenate([y_amount[y_on], z_amount[z_on]])).astype("int64")
    loads = np.zeros((len(classes), n_s, n_r), dtype="int64")
    np.add.at(loads, (u["c"][u_on], u["s"][u_on], u["r"][u_on]), u_amount[u_on])
    np.add.at(loads, (z["c"][z_on], z["s"][z_on], z["r"][z_on]), z_amount[z_on])
    sharing_started = time.perf_counter()
    pieces = share_flows(
        class_team=classes.team, class_kind=classes.kind, class_size=classes.size, class_free=classes.free,
        class_budget=classes.size * inputs.max_sessions[classes.team],
        class_district=model.team_district[classes.team],
        flow_d=flow_keys // n_r // n_s // n_p, flow_p=flow_keys // n_r // n_s % n_p, flow_s=flow_keys // n_r % n_s,
        flow_r=flow_keys % n_r, flow_amount=flow_amount, n_sessions=n_s, loads=loads, team_home=model.home,
        cache=shared,
    )
    together_seconds = time.perf_counter() - sharing_started
    # Pieces are per class; assignments per team (classes of a team at one place added up).
    team_key = ((classes.team[pieces.cls] * n_p + pieces.p) * n_s + pieces.s) * n_r + pieces.r
    keys, where = np.unique(team_key, return_inverse=True)
    amount = np.bincount(where, weights=pieces.amount).astype("int64")
    r, rest = keys % n_r, keys // n_r
    s, rest = rest % n_s, rest // n_s
    p, t = rest % n_p, rest // n_p
    assignments = pd.DataFrame({
        "team_id": sc.teams["team_id"].to_numpy()[t],
        "point_id": sc.points["point_id"].to_numpy()[p],
        "session_id": sc.sessions["session_id"].to_numpy()[s],
        "role": np.array(ROLES, dtype=object)[r],
        "volunteers": amount,
    })

    # One shortfall row per need: what the assignments give it.
    n_s, n_r = len(sc.sessions), len(ROLES)
    need_key = ((_codes(sc.points["point_id"], inputs.needs["point_id"]) * n_s
                 + _codes(sc.sessions["session_id"], inputs.needs["session_id"])) * n_r
                + _codes(pd.Series(ROLES), inputs.needs["role"]))
    given = np.bincount((p * n_s + s) * n_r + r, weights=amount, minlength=len(sc.points) * n_s * n_r)
    needed = inputs.needs["volunteers"].to_numpy(dtype="int64")
    assigned = np.rint(given[need_key]).astype("int64")
    shortfalls = pd.DataFrame({
        "point_id": inputs.needs["point_id"].to_numpy(), "session_id": inputs.needs["session_id"].to_numpy(),
        "role": inputs.needs["role"].to_numpy(), "needed": needed, "assigned": assigned,
        "missing": needed - assigned,
    })

    roster = build_roster(
        pd.DataFrame({"cls": pieces.cls, "point_id": sc.points["point_id"].to_numpy()[pieces.p],
                      "session_id": sc.sessions["session_id"].to_numpy()[pieces.s],
                      "role": np.array(ROLES, dtype=object)[pieces.r], "volunteers": pieces.amount}),
        classes, class_members(classes, inputs), sc.teams["team_id"].to_numpy(), sc.sessions["session_id"].tolist(),
        inputs.max_sessions[classes.team])
    shortfalls["cause"] = need_causes(inputs, shortfalls, roster)  # contract v2: why a need is unmet
    distribution = supply_shares(inputs)
    marginal = _marginal_values(model, solution)
    summary = build_summary(inputs, solution, assignments, shortfalls, distribution, model)
    return Plan(
        scenario=sc, levers=inputs.levers, weights=inputs.weights, status=solution.status,
        assignments=assignments, shortfalls=shortfalls, distribution=distribution, roster=roster,
        summary=summary, marginal_values=marginal, timings={"together": together_seconds},
    )


def _codes(ids: pd.Series, values: pd.Series) -> np.ndarray:
    """Positions of ``values`` among ``ids`` (all known: the scenario was checked)."""
    return pd.Index(ids).get_indexer(values).astype("int64")


def _marginal_values(model: PlanModel, solution: Solution) -> pd.DataFrame:
    """What one more unit is worth, from the LP's duals, in the objective's units.

    ``volunteer``: one more volunteer free in a district's pool for a session and role
    (1.0 = a general need filled); ``stock``: one more unit of an item in store.
    """
    columns = ["kind", "district_id", "session_id", "role", "item_id", "value"]
    if solution.duals is None:
        return pd.DataFrame(columns=columns)
    sc = model.scenario
    pool = model.row_keys["pool"]
    start = model.row_offset["pool"]
    pool_value = solution.duals[start:start + len(pool)]
    stock = model.row_keys["stock"]
    start = model.row_offset["stock"]
    stock_value = -solution.duals[start:start + len(stock)]
    frames = [
        pd.DataFrame({"kind": "volunteer", "district_id": sc.districts["district_id"].to_numpy()[pool["d"]],
                      "session_id": sc.sessions["session_id"].to_numpy()[pool["s"]],
                      "role": np.array(ROLES)[pool["r"]], "item_id": "", "value": pool_value}),
        pd.DataFrame({"kind": "stock", "district_id": "", "session_id": "", "role": "",
                      "item_id": sc.supplies["item_id"].to_numpy()[stock["i"]], "value": stock_value}),
    ]
    kept = [f for f in frames if len(f)]
    out = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=columns)
    out["value"] = out["value"].astype(float).round(9) + 0.0  # no "-0.0"
    return out[columns]


__all__ = ["LivePlanner", "solve"]
