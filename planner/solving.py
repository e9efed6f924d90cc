"""Solving a scenario into a plan: ``solve`` for one plan, ``LivePlanner`` for many.

From the model's optimum to whole volunteers and items:

* Staffing is whole already: the LP optimum is checked and, only when fractional, the
  model is solved again with integer variables (model.py). A district's whole flow to its
  points is then split among its teams, each giving exactly what the LP asked of it, in id
  order (teams of one district travel alike, so any split costs the same).
* Supplies are shared in proportion to what points want; the fractional shares are rounded
  by largest remainder, which hands out exactly min(stock, total wanted): nothing is lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from planner.levers import Inputs, Levers, apply_levers
from planner.model import PlanModel, Solution
from planner.plan import Plan, build_summary
from planner.scenario import Scenario
from planner.settings import ROLES

log = logging.getLogger(__name__)


def make_levers(
    *,
    availability: float = 1.0,
    district_availability: Mapping[str, float] | None = None,
    stock: Mapping[str, int] | None = None,
    supply_factors: Mapping[str, float] | None = None,
    max_travel_km: float | None = None,
    weights: Mapping[str, float] | None = None,
    closed_points: Iterable[str] = (),
    need_factors: Mapping[str, Mapping[str, float]] | None = None,
) -> Levers:
    """Levers from keyword overrides (see :class:`planner.levers.Levers`)."""
    return Levers(
        availability=availability,
        district_availability=dict(district_availability or {}),
        stock=dict(stock or {}),
        supply_factors=dict(supply_factors or {}),
        max_travel_km=max_travel_km,
        weights=dict(weights or {}),
        closed_points=frozenset(closed_points),
        need_factors={session: dict(by_role) for session, by_role in (need_factors or {}).items()},
    )


def solve(
    scenario: Scenario,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    availability: float = 1.0,
    district_availability: Mapping[str, float] | None = None,
    stock: Mapping[str, int] | None = None,
    supply_factors: Mapping[str, float] | None = None,
    max_travel_km: float | None = None,
    weights: Mapping[str, float] | None = None,
    closed_points: Iterable[str] = (),
    need_factors: Mapping[str, Mapping[str, float]] | None = None,
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
        Levers overriding the scenario's numbers; see :class:`planner.levers.Levers`.

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
    levers = make_levers(
        availability=availability, district_availability=district_availability, stock=stock,
        supply_factors=supply_factors, max_travel_km=max_travel_km, weights=weights,
        closed_points=closed_points, need_factors=need_factors,
    )
    return solve_cold(apply_levers(scenario, levers), solver=solver, time_limit=time_limit)[1]


def solve_cold(inputs: Inputs, *, solver: str = "highs", time_limit: float | None = None) -> tuple[PlanModel, Plan]:
    """Build the model for these inputs and solve it from scratch: what :func:`solve` does.

    Returns the model too, for tools that look inside it (the benchmark writes its LP out).
    """
    model = PlanModel(inputs.scenario, inputs.reach_km)
    return model, _solve_model(model, inputs, solver=solver, time_limit=time_limit, warm=False)


class LivePlanner:
    """Re-plans one scenario as levers change, keeping its HiGHS model warm.

    A lever changes only bounds and costs, so a re-plan is a warm re-solve; a new travel
    reach needs other pairs, so one model per reach is kept (the last few).

    Examples
    --------
    >>> live = LivePlanner(load_scenario("scenarios/beijing-2023"))   # doctest: +SKIP
    >>> live.plan(availability=0.8).summary["coverage"]               # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario, *, solver: str = "highs", keep: int = 3):
        self.scenario = scenario
        self.solver = solver
        self._models: dict[float, PlanModel] = {}
        self._keep = keep

    def plan(self, levers: Levers | None = None, **overrides: object) -> Plan:
        """A plan for these levers (a :class:`Levers`, or the keywords of :func:`solve`)."""
        if levers is None:
            levers = make_levers(**overrides)  # type: ignore[arg-type]
        elif overrides:
            raise TypeError("pass either a Levers object or keyword overrides, not both")
        inputs = apply_levers(self.scenario, levers)
        model = self._models.pop(inputs.reach_km, None)
        if model is None:
            model = PlanModel(self.scenario, inputs.reach_km)
        self._models[inputs.reach_km] = model  # most recently used last
        while len(self._models) > self._keep:
            self._models.pop(next(iter(self._models)))
        return _solve_model(model, inputs, solver=self.solver, time_limit=None, warm=True)


def _solve_model(model: PlanModel, inputs: Inputs, *, solver: str, time_limit: float | None, warm: bool) -> Plan:
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
    plan = extract_plan(model, inputs, solution)
    finished = time.perf_counter()
    arrays = (model.build_seconds if cold else 0.0) + (levers_set - started)
    pulp_seconds = built - levers_set if builds_pulp else 0.0
    timings = {"arrays": arrays, "pulp": pulp_seconds, "build": arrays + pulp_seconds,
               "solve": solved - built, "extract": finished - solved}
    timings["total"] = timings["build"] + timings["solve"] + timings["extract"]
    log.info("plan for %s: %s, coverage %.3f, times %s", inputs.scenario.name, solution.status,
             plan.summary["coverage"], {k: round(v, 4) for k, v in timings.items()})
    return replace(plan, timings=timings)


def extract_plan(model: PlanModel, inputs: Inputs, solution: Solution) -> Plan:
    """Whole volunteers and items from a solution, as the contract's tables."""
    sc = inputs.scenario
    values = solution.values
    u = model.u.assign(amount=np.rint(values[model.u0:model.y0]).astype("int64"))
    y = model.y.assign(amount=np.rint(values[model.y0:model.a0]).astype("int64"))
    assignments = _split_pools(u[u["amount"] > 0], y[y["amount"] > 0], model.n_sessions)
    team_ids = sc.teams["team_id"].to_numpy()
    point_ids = sc.points["point_id"].to_numpy()
    session_ids = sc.sessions["session_id"].to_numpy()
    assignments = pd.DataFrame({
        "team_id": team_ids[assignments["t"]],
        "point_id": point_ids[assignments["p"]],
        "session_id": session_ids[assignments["s"]],
        "role": np.array(ROLES)[assignments["r"]],
        "volunteers": assignments["amount"].astype("int64"),
        "_p": assignments["p"], "_s": assignments["s"], "_r": assignments["r"], "_t": assignments["t"],
    }).sort_values(["_p", "_s", "_r", "_t"]).drop(columns=["_p", "_s", "_r", "_t"]).reset_index(drop=True)

    shortfalls = inputs.needs.rename(columns={"volunteers": "needed"})
    given = assignments.groupby(["point_id", "session_id", "role"])["volunteers"].sum()
    shortfalls = shortfalls.assign(
        assigned=given.reindex(pd.MultiIndex.from_frame(shortfalls[["point_id", "session_id", "role"]]))
        .fillna(0).astype("int64").to_numpy()
    )
    shortfalls["missing"] = shortfalls["needed"] - shortfalls["assigned"]
    shortfalls = shortfalls[["point_id", "session_id", "role", "needed", "assigned", "missing"]].reset_index(drop=True)

    distribution = _round_supplies(model, inputs, values)
    marginal = _marginal_values(model, solution)
    summary = build_summary(inputs, solution, assignments, shortfalls, distribution, model)
    return Plan(
        scenario=sc, levers=inputs.levers, weights=inputs.weights, status=solution.status,
        assignments=assignments, shortfalls=shortfalls, distribution=distribution,
        summary=summary, marginal_values=marginal, timings={},
    )


def _split_pools(u: pd.DataFrame, y: pd.DataFrame, n_sessions: int) -> pd.DataFrame:
    """Share each pool's flow to points among its teams, in id order (north-west corner).

    Teams and points of all pools are laid end to end in the same pool order, so the running
    totals of both meet at every pool's end; each piece between consecutive running totals
    is one team's volunteers at one point.
    """
    key = ["d", "s", "r"]
    u = u.sort_values([*key, "t"], kind="stable")
    y = y.sort_values([*key, "p"], kind="stable")
    team_end = np.cumsum(u["amount"].to_numpy())
    point_end = np.cumsum(y["amount"].to_numpy())
    if len(team_end) != 0 and (len(point_end) == 0 or team_end[-1] != point_end[-1]):
        raise AssertionError("pool totals differ: the model's pool rows were not met")
    cuts = np.union1d(team_end, point_end)
    if len(cuts) == 0:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in ["t", "p", "s", "r", "amount"]})
    starts = np.concatenate([[0], cuts[:-1]])
    team_row = np.searchsorted(team_end, starts, side="right")
    point_row = np.searchsorted(point_end, starts, side="right")
    pieces = pd.DataFrame({
        "t": u["t"].to_numpy()[team_row], "p": y["p"].to_numpy()[point_row],
        "s": y["s"].to_numpy()[point_row], "r": y["r"].to_numpy()[point_row],
        "check_s": u["s"].to_numpy()[team_row], "check_r": u["r"].to_numpy()[team_row],
        "amount": cuts - starts,
    })
    if not ((pieces["s"] == pieces["check_s"]).all() and (pieces["r"] == pieces["check_r"]).all()):
        raise AssertionError("a team was split into another session or role")
    return pieces[["t", "p", "s", "r", "amount"]].groupby(["t", "p", "s", "r"], as_index=False).sum()


def _round_supplies(model: PlanModel, inputs: Inputs, values: np.ndarray) -> pd.DataFrame:
    """Whole units per point: floors, then the rest by largest remainder (ties in point order)."""
    wanted = inputs.wanted.copy()
    quantity = np.zeros(len(wanted), dtype="int64")
    q = model.q
    share = np.clip(values[model.q0:model.share0], 0, None)
    rows = q["wanted_row"].to_numpy()
    quantity[rows] = np.floor(share + 1e-9).astype("int64")
    quantity = np.minimum(quantity, wanted["wanted"].to_numpy())
    remainder = np.zeros(len(wanted))
    remainder[rows] = share - np.floor(share + 1e-9)
    stock = dict(zip(inputs.scenario.supplies["item_id"], inputs.stock, strict=True))
    for item_id, rows_of_item in wanted.groupby("item_id", sort=False).indices.items():
        want = wanted["wanted"].to_numpy()[rows_of_item]
        target = min(stock[item_id], int(want.sum()))
        left = target - int(quantity[rows_of_item].sum())
        while left > 0:
            room = want - quantity[rows_of_item]
            order = [i for i in np.lexsort((np.asarray(rows_of_item), -remainder[rows_of_item])) if room[i] > 0]
            for i in order[:left]:
                quantity[rows_of_item[i]] += 1
            left -= min(left, len(order))
            remainder[rows_of_item] = 0.0
    wanted["quantity"] = quantity
    return wanted[wanted["wanted"] > 0][["item_id", "point_id", "quantity", "wanted"]].reset_index(drop=True)


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


__all__ = ["LivePlanner", "make_levers", "solve"]
