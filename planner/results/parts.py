"""Independent parts of a scenario, solved apart (in parallel on Dask) and joined into one plan.

**Parts.** A team serves only points within reach of its district's centre, and a district's
fairness bands hold all of its points; so districts and points form a graph (a district with
teams to each point it reaches, a point to its own district) whose connected components share
no team, no point and no band: their staffing problems are independent. The LP is the sum of
theirs plus the supplies, which are shared in proportion over the whole scenario and solved
once for it (a model of the whole scenario without teams).

**The same plan as one solve.** Each part is the scenario's model restricted to the part's
points and teams, with the travel cost scaled by the farthest pair of the *whole* model (its
only whole-scenario constant): so the parts' objectives add up to the single solve's, and
each part's plan is one of the single solve's optimal plans for those points and teams.
A part's model is built on a worker, which reports its farthest pair; the largest of them
is sent back, and the same worker solves its part.

``planner solve`` uses this for a scenario of more than one part and at least
:data:`PARTS_MIN_POINTS` points (below that one model solves in a second or two and a
cluster would cost more than it saves), on a local Dask cluster of the machine's cores.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.cluster import keep_freed_memory
from planner.geo import distance_km
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.model import PlanModel, Solution
from planner.model.levers import apply_levers
from planner.model.warm_start import Basis
from planner.results.plan import Plan, build_summary
from planner.results.solving import extract_plan, solve_cold, with_basis

log = logging.getLogger(__name__)
WHOLE_RANK = {"lp": 0, "districts": 1, "integer": 2}
PARTS_MIN_POINTS = 1000


def worth_parts(scenario: Scenario) -> bool:
    """Whether ``planner solve`` solves this scenario by parts (see the module)."""
    return len(scenario.points) >= PARTS_MIN_POINTS and len(scenario_parts(scenario)) > 1


@dataclass(frozen=True)
class Part:
    """One independent part: positions in the scenario's points, teams and districts tables."""

    points: np.ndarray
    teams: np.ndarray
    districts: np.ndarray


def scenario_parts(scenario: Scenario, reach_km: float | None = None) -> list[Part]:
    """The scenario's independent parts (see the module), in the order of their first point or team.

    ``reach_km``: the farthest a team travels, when not the scenario's own (``math.inf``: no
    limit): planner.results.trials finds the parts of a trial with another reach so.
    """
    sc = scenario
    reach = reach_km if reach_km is not None else (sc.max_travel_km if sc.max_travel_km is not None else np.inf)
    n_d, n_p = len(sc.districts), len(sc.points)
    districts = pd.Index(sc.districts["district_id"])
    point_district = districts.get_indexer(sc.points["district_id"])
    team_district = districts.get_indexer(sc.teams["district_id"])
    km = distance_km(sc.districts["lat"].to_numpy()[:, None], sc.districts["lon"].to_numpy()[:, None],
                     sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])
    parent = np.arange(n_d + n_p)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    for p, g in enumerate(point_district):
        union(int(g), n_d + p)
    with_teams = np.unique(team_district)
    d_of, p_of = np.nonzero(km[with_teams] <= reach)
    for district, point in zip(with_teams[d_of].tolist(), p_of.tolist(), strict=True):
        union(district, n_d + point)
    root = np.array([find(i) for i in range(n_d + n_p)])
    point_root, district_root = root[n_d:], root[:n_d]
    team_root = district_root[team_district]
    order = list(dict.fromkeys([*point_root.tolist(), *team_root.tolist()]))
    return [Part(points=np.nonzero(point_root == r)[0], teams=np.nonzero(team_root == r)[0],
                 districts=np.nonzero(district_root == r)[0]) for r in order]


def part_scenario(scenario: Scenario, part: Part) -> Scenario:
    """The scenario restricted to a part's districts, points and teams (their named people and pins too), without
    supplies (solved for the whole)."""
    sc = scenario
    points = sc.points.iloc[part.points].reset_index(drop=True)
    teams = sc.teams.iloc[part.teams].reset_index(drop=True)
    point_ids, team_ids = set(points["point_id"]), set(teams["team_id"])
    named = None if sc.volunteers is None else sc.volunteers[sc.volunteers["team_id"].isin(team_ids)].reset_index(
        drop=True)
    return sc.replace(
        districts=sc.districts.iloc[part.districts].reset_index(drop=True), points=points, teams=teams,
        needs=sc.needs[sc.needs["point_id"].isin(point_ids)].reset_index(drop=True),
        availability=sc.availability[sc.availability["team_id"].isin(team_ids)].reset_index(drop=True),
        supplies=sc.supplies.iloc[0:0].reset_index(drop=True), volunteers=named,
        pins=sc.pins[sc.pins["team_id"].isin(team_ids)].reset_index(drop=True))


# Workers keep the models they built between the two steps, by part key.
_MODELS: dict[str, PlanModel] = {}


def build_part(key: str, scenario: Scenario) -> float:
    """Build a part's model (kept on this worker for :func:`solve_part`); its farthest pair, km (0 if it has none)."""
    keep_freed_memory()
    base = apply_levers(scenario)
    model = PlanModel(scenario, base.reach_km, base=base)
    _MODELS[key] = model
    # A model without pairs says 1 km (formulation.define_columns), which is not a pair of the whole.
    return float(model.farthest_km) if len(model.y) else 0.0


def solve_part(key: str, scenario: Scenario, farthest_km: float, solver: str,
               time_limit: float | None, keep_basis: bool = False) -> tuple[Plan, Solution]:
    """Solve a part with the whole scenario's farthest pair (its model built here before, or now)."""
    keep_freed_memory()
    model = _MODELS.pop(key, None)
    if model is None:
        base = apply_levers(scenario)
        model = PlanModel(scenario, base.reach_km, base=base)
    else:  # the scenario the model was built of (this task's copy may be another object, equal to it)
        base = apply_levers(model.scenario)
    model.farthest_km = farthest_km
    model.through_pulp = solver != "highs"  # this model is dropped after its plan: no one asks for its problem
    model.set_inputs(base)
    solution = model.solve(solver=solver, time_limit=time_limit, warm=False)
    plan = extract_plan(model, base, solution)
    return with_basis(plan, model) if keep_basis else plan, solution


class _Geography:
    """What build_summary reads of a model: the km from each district's centre to each point."""

    def __init__(self, scenario: Scenario):
        sc = scenario
        self.km = distance_km(sc.districts["lat"].to_numpy()[:, None], sc.districts["lon"].to_numpy()[:, None],
                              sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])


def solve_parts(scenario: Scenario, *, client: Any = None, solver: str = "highs",
                time_limit: float | None = None, keep_basis: bool = False) -> Plan:
    """The scenario's plan from its independent parts, solved apart (on ``client``'s cluster, else here) and joined.

    No levers: the scenario as it is (``planner solve``). ``keep_basis``: as
    :func:`planner.results.solving.solve`'s, the parts' bases joined (the supplies' model's is not kept:
    no explanation starts from it).

    Raises
    ------
    NoPlanError
        A part's solve gave no plan.
    """
    started = time.perf_counter()
    workers = sorted(client.scheduler_info()["workers"]) if client is not None else []
    # The workers import the planner (about a second) while the parts are cut and sent from here.
    warming = [client.submit(_import_planner, pure=False, workers=[w]) for w in workers]
    parts = [part_scenario(scenario, part) for part in scenario_parts(scenario)]
    keys = [uuid.uuid4().hex for _ in parts]
    if client is None:
        farthest = max([build_part(k, p) for k, p in zip(keys, parts, strict=True)], default=0.0) or 1.0
        solved = [solve_part(k, p, farthest, solver, time_limit, keep_basis) for k, p in zip(keys, parts, strict=True)]
        supplies_plan = _supplies_plan(scenario, solver, time_limit)
    else:
        home = _placed(parts, workers)
        # Each worker's parts sent in one call (one round trip, not one a part: 1.5 s for ten regions),
        # with keys of their own (hash=False: dask/distributed#8576).
        scattered: list[Any] = [None] * len(parts)
        for worker in dict.fromkeys(home):
            mine = [n for n, w in enumerate(home) if w == worker]
            for n, future in zip(mine, client.scatter([parts[n] for n in mine], hash=False,
                                                      workers=[worker] if worker else None), strict=True):
                scattered[n] = future
        built = [client.submit(build_part, k, p, pure=False, workers=[w] if w else None, allow_other_workers=True)
                 for k, p, w in zip(keys, scattered, home, strict=True)]
        farthest = max(client.gather(built), default=0.0) or 1.0  # as one model of the whole, 1 km without pairs
        where = client.who_has(built)
        solved_futures = [client.submit(solve_part, k, p, farthest, solver, time_limit, keep_basis, pure=False,
                                        workers=list(where.get(b.key, ())) or None, allow_other_workers=True)
                          for k, p, b in zip(keys, scattered, built, strict=True)]
        # The supplies here meanwhile: this process would only wait for the workers.
        supplies_plan = _supplies_plan(scenario, solver, time_limit)
        solved = client.gather(solved_futures)
        client.gather(warming)
    plan = join(scenario, [p for p, _s in solved], [s for _p, s in solved], supplies_plan)
    log.info("%s parts solved and joined in %.2f s", len(parts), time.perf_counter() - started)
    return plan


def _import_planner() -> None:
    """On a worker, nothing: a worker unpickling this function imports this module, and with it all the
    parts' tasks run (about a second, which their first task would otherwise spend)."""


def part_load(part: Scenario) -> int:
    """What placing a part (or a trial block) on a worker counts as its work: its team-point pairs."""
    return len(part.teams) * len(part.points)


def _placed(parts: list[Scenario], workers: list[str]) -> list[str]:
    """A worker for each part, the largest parts first to the least loaded (:func:`part_load`).

    Dask would spread the tasks by count, not size: the ten regions' parts alternate a
    region's 255 points with its 10 Qian'an points, and by count one worker got 6.7 s more
    work than the other. Without workers known yet, no worker is asked for ("").
    """
    if not workers:
        return ["" for _ in parts]
    load = [part_load(p) for p in parts]
    given, home = [0] * len(workers), [""] * len(parts)
    for n in sorted(range(len(parts)), key=lambda n: -load[n]):
        w = min(range(len(workers)), key=given.__getitem__)
        home[n], given[w] = workers[w], given[w] + load[n]
    return home


def _supplies_plan(scenario: Scenario, solver: str, time_limit: float | None) -> Plan:
    """The supplies, shared in proportion over the whole scenario: its model without teams.

    Its optimum is unique (docs/model.md: every point gets the share min(1, stock / wanted) of
    what it wants), so any method reaches the same plan; HiGHS's dual simplex takes about one
    iteration per point and item (27,000 and 8 s for ten regions of 5x), its interior point
    method with crossover 1 s.
    """
    no_teams = scenario.replace(teams=scenario.teams.iloc[0:0].reset_index(drop=True),
                                availability=scenario.availability.iloc[0:0].reset_index(drop=True))
    return solve_cold(apply_levers(no_teams), solver=solver, time_limit=time_limit,
                      highs_options={"solver": "ipm"} if solver == "highs" else None)[1]


def join(scenario: Scenario, plans: list[Plan], solutions: list[Solution], supplies: Plan) -> Plan:
    """The parts' plans as one plan of the scenario, in the order a single solve writes its tables."""
    sc = scenario
    codes = {name: pd.Index(getattr(sc, name)[f"{key}_id"])
             for name, key in (("teams", "team"), ("points", "point"), ("sessions", "session"))}
    role_code = pd.Index(ROLES)
    frames = [p.assignments for p in plans if len(p.assignments)]
    assignments = pd.concat(frames, ignore_index=True) if frames else plans[0].assignments.iloc[0:0]
    order = np.lexsort((role_code.get_indexer(pd.Index(assignments["role"])),
                        codes["sessions"].get_indexer(assignments["session_id"]),
                        codes["points"].get_indexer(assignments["point_id"]),
                        codes["teams"].get_indexer(assignments["team_id"])))
    assignments = assignments.iloc[order].reset_index(drop=True)
    shortfalls = pd.concat([p.shortfalls for p in plans], ignore_index=True)
    key = ["point_id", "session_id", "role"]
    shortfalls = sc.needs[key].merge(shortfalls, on=key, how="left", validate="one_to_one")
    roster = pd.concat([p.roster for p in plans], ignore_index=True)
    roster = roster.iloc[np.argsort(codes["teams"].get_indexer(roster["team_id"]), kind="stable")]
    roster = roster.reset_index(drop=True)
    inputs = apply_levers(sc)
    rank = max([WHOLE_RANK[s.whole_by] for s in solutions], default=0)
    solution = Solution(
        status="optimal" if all(s.status == "optimal" for s in solutions) and supplies.status == "optimal"
        else "feasible",
        values=np.zeros(0), duals=None,
        objective=sum(s.objective for s in solutions) + supplies.summary["objective"],
        solver=solutions[0].solver if solutions else supplies.summary["solver"],
        used_integers=rank > 0, seconds=sum(s.seconds for s in solutions),
        whole_by=next(k for k, v in WHOLE_RANK.items() if v == rank))
    summary = build_summary(inputs, solution, assignments, shortfalls, supplies.distribution,
                            _Geography(sc))  # type: ignore[arg-type]
    summary["parts"] = len(plans)
    volunteer_values = [p.marginal_values for p in plans if len(p.marginal_values)]
    marginal = pd.concat([*volunteer_values, supplies.marginal_values], ignore_index=True)
    # The parts' bases, where the explanations' blocks start (a supply item's model starts from nothing).
    bases = [p.basis for p in plans]
    basis = Basis.join([b for b in bases if b is not None]) if bases and all(b is not None for b in bases) else None
    return Plan(scenario=sc, levers=inputs.levers, weights=inputs.weights, status=solution.status,
                assignments=assignments, shortfalls=shortfalls, distribution=supplies.distribution, roster=roster,
                summary=summary, marginal_values=marginal, timings={}, basis=basis)


__all__ = ["PARTS_MIN_POINTS", "Part", "join", "part_load", "part_scenario", "scenario_parts", "solve_parts",
           "worth_parts"]
