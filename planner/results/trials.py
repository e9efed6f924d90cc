"""Trying changes to a scenario: one model that holds every change to try, re-solved warm per change.

A suggestion ("one more first-aider in Daxing", "room for 2 more at Haidian point 4", "500
more packs", "a reach of 50 km") is measured by solving the scenario again with that change
alone. Building a model per change would cost a cold solve each; instead one model is built
that can express all of them as bounds (planner.model: levers are bounds, a warm re-solve
follows them):

* every team to try is in the model from the start: a *trial team* per district, role and
  free sessions (all, or one), with no home point, of size 0 but while it is tried;
* capacity and stock are inputs already (bounds of the capacity and stock rows);
* the model is built for the farthest reach to try; the columns of pairs beyond the reach
  being tried get an upper bound of 0, which is exactly the model built for that reach.

Nothing here changes the plan's own model: a :class:`Trials` is its own model of the scenario
with the trial teams added, and every trial starts from the same inputs but for its change.
"""

from __future__ import annotations

import dataclasses
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd

from planner.cluster import keep_freed_memory
from planner.geo import distance_km
from planner.io.people import with_new_team
from planner.io.scenario import Scenario
from planner.io.schema import HOME_POINT, NO_HOME
from planner.io.settings import ROLES
from planner.model import PlanModel
from planner.model.classes import COUNSELLOR, FIRST_AID, NEITHER, with_sizes
from planner.model.families import Values
from planner.model.formulation import Figures, Formulation, define_columns
from planner.model.home import scenario_homes
from planner.model.levers import Inputs, Levers, apply_levers
from planner.model.warm_start import Basis
from planner.results.parts import part_load, part_scenario, scenario_parts
from planner.results.plan import Plan

KINDS = ("volunteers", "stock", "capacity", "reach")
TRIAL_TEAM_SIZE = 64  # most members a trial team can be given (its structure; inputs set its size)
TRIAL_PREFIX = "~trial-"  # trial teams' ids: never those of a scenario (teams.csv ids hold no '~' rule, so checked)


@dataclass(frozen=True)
class Change:
    """One change to a scenario, as the contract's explanations.csv says it.

    ``volunteers``: a team of ``amount`` people of ``district_id``, all trained for ``role``
    (general: untrained), each serving at most ``sessions`` sessions, free only in
    ``session_id`` when given, else in every session. ``stock``: ``amount`` more units of
    ``item_id``. ``capacity``: point ``point_id`` holds ``amount`` more at once. ``reach``:
    ``settings.max_travel_km`` set to ``amount``.
    """

    kind: str
    amount: float
    district_id: str = ""
    role: str = ""
    sessions: int = 0
    session_id: str = ""
    point_id: str = ""
    item_id: str = ""

    def with_amount(self, amount: float) -> Change:
        return dataclasses.replace(self, amount=amount)

    @property
    def team_key(self) -> tuple[str, str, int, str]:
        """What makes a trial team: district, role, sessions each, and the one session free (or "")."""
        return self.district_id, self.role, self.sessions, self.session_id


@dataclass(frozen=True)
class Outcome:
    """What a solve with a change gives: volunteer-sessions of need filled (in all, and per need), units handed out.

    ``staffed``: (point_id, session_id, role) to volunteers there, for every need the model solved
    staffs (by parts: the needs of the part the change is in; elsewhere the plan's own stand).
    """

    filled: int
    distributed: dict[str, int]
    staffed: dict[tuple[str, str, str], int]


class _TrialModel(PlanModel):
    """The plan's LP with the trial teams, built for the farthest reach; columns beyond a trial's reach are off."""

    own_sizes: np.ndarray | None = None  # the scenario's own classes' sizes (they never change between trials)
    trial_classes: np.ndarray = np.zeros(0, dtype="int64")  # the classes of trial teams
    trial_kind: np.ndarray = np.zeros(0, dtype="int64")  # per team: the kind its members are (trial teams)
    fixed: dict[str, np.ndarray] | None = None  # figures no trial changes: need, district_need, wanted
    fixed_capacity: np.ndarray | None = None  # the capacity those needs were computed with

    def values_for(self, inputs: Inputs) -> Values:
        figures = Figures(self, inputs)
        # The figures a trial does not change are given to Figures' cached properties, so each
        # trial computes only what it changes.
        if self.own_sizes is not None:
            # A trial team's members are all of one kind, free at one level: its class of that
            # kind has all of them, its other classes none (planner.model.classes.with_sizes).
            sizes = self.own_sizes.copy()
            c = self.trial_classes
            team = self.classes.team[c]
            sizes[c] = np.where(self.classes.kind[c] == self.trial_kind[team], inputs.volunteers[team], 0)
            figures.__dict__["class_size"] = sizes
        if self.fixed is not None and self.fixed_capacity is not None and np.array_equal(inputs.capacity,
                                                                                         self.fixed_capacity):
            figures.__dict__.update(self.fixed)  # needs count only at open points: capacity unchanged, needs too
        values = self.evaluate(figures)
        if math.isinf(self.reach_km) or inputs.reach_km >= self.reach_km:
            return values
        upper = values.col_upper.copy()
        for family, start in (("y", self.y0), ("z", self.z0)):
            keys = getattr(self, family)
            beyond = np.nonzero(keys["km"] > inputs.reach_km)[0]
            upper[start + beyond] = 0.0
        return values._replace(col_upper=upper)

def with_trial_teams(scenario: Scenario, teams: Sequence[tuple[str, str, int, str]]) -> Scenario:
    """The scenario with one trial team per (district, role, sessions, session) key, and every home written out.

    The scenario's own teams keep the home points their own plan gives them; trial teams have none.
    """
    homes = scenario_homes(apply_levers(scenario))
    point_ids = scenario.points["point_id"].to_numpy()
    own = scenario.teams.assign(**{HOME_POINT: np.where(homes >= 0, point_ids[np.maximum(homes, 0)].astype(object),
                                                        NO_HOME)})
    sessions = scenario.sessions["session_id"].tolist()
    rows, free = [], []
    template = {column: "" for column in own.columns}
    for n, (district_id, role, most, session_id) in enumerate(teams):
        rows.append({**template, "team_id": f"{TRIAL_PREFIX}{n}", "name": f"{TRIAL_PREFIX}{n}", "union": "",
                     "district_id": district_id, "volunteers": TRIAL_TEAM_SIZE,
                     "first_aid": TRIAL_TEAM_SIZE if role == "first_aid" else 0,
                     "counsellors": TRIAL_TEAM_SIZE if role == "counsellor" else 0,
                     "max_sessions": int(most), HOME_POINT: NO_HOME})
        free += [{"team_id": f"{TRIAL_PREFIX}{n}", "session_id": s,
                  "volunteers": TRIAL_TEAM_SIZE if not session_id or s == session_id else 0} for s in sessions]
    added = pd.DataFrame(rows, columns=own.columns).astype(own.dtypes.to_dict()) if rows else own.iloc[:0]
    availability = pd.concat([scenario.availability, pd.DataFrame(free, columns=scenario.availability.columns)
                              .astype(scenario.availability.dtypes.to_dict())], ignore_index=True)
    people = scenario.volunteers
    if people is not None:  # with volunteers.csv a team's members are persons listed there, trial teams' too
        for n, (_, role, _, session_id) in enumerate(teams):
            people = with_new_team(people, f"{TRIAL_PREFIX}{n}", TRIAL_TEAM_SIZE, role, session_id)
    return scenario.replace(teams=pd.concat([own, added], ignore_index=True), availability=availability,
                            volunteers=people)


class _Block:
    """Solves a scenario under one change at a time, warm, from one model (see the module's docstring).

    Parameters
    ----------
    scenario : Scenario
    levers : Levers
        The plan's levers: every trial starts from them.
    changes : sequence of Change
        Every change that will be tried (any amount; trial teams are made for the volunteers'
        keys, the model's reach is the farthest asked for).
    solver : str
    farthest_km : float, optional
        The farthest pair the travel cost is scaled by, when not the model's own (a part of a
        scenario is given the whole trial model's, as planner.results.parts does).
    basis : Basis, optional
        The plan's optimal basis: the first solve starts from it (planner.model.warm_start).
    """

    def __init__(self, scenario: Scenario, levers: Levers, changes: Sequence[Change], *, solver: str = "highs",
                 farthest_km: float | None = None, basis: Basis | None = None):
        keys = sorted({c.team_key for c in changes if c.kind == "volunteers"})
        self.team_of = {key: len(scenario.teams) + n for n, key in enumerate(keys)}
        self.scenario = with_trial_teams(scenario, keys)
        self.levers = levers
        self.solver = solver
        self.base = apply_levers(self.scenario, levers)
        reaches = [float(c.amount) for c in changes if c.kind == "reach"]
        self.reach_km = max([self.base.reach_km, *reaches])
        self._model = _TrialModel(self.scenario, self.reach_km)
        self._model.through_pulp = False  # its problem is never asked for: HiGHS is handed the arrays alone
        own = len(scenario.teams)
        model = self._model
        if farthest_km is not None:
            model.farthest_km = farthest_km
        model.start_basis = basis
        model.trial_classes = np.nonzero(model.classes.team >= own)[0]
        kind = np.full(len(self.scenario.teams), NEITHER, dtype="int64")
        for (_, role, _, _), t in self.team_of.items():
            kind[t] = {"first_aid": FIRST_AID, "counsellor": COUNSELLOR}.get(role, NEITHER)
        model.trial_kind = kind
        start = self._inputs(None)
        model.own_sizes = with_sizes(model.classes, start).size
        figures = Figures(model, start)
        model.fixed = {"need": figures.need, "district_need": figures.district_need, "wanted": figures.wanted}
        model.fixed_capacity = start.capacity.copy()
        self._points = pd.Index(self.scenario.points["point_id"])
        self._items = pd.Index(self.scenario.supplies["item_id"])
        self.solves = 0

    def _inputs(self, change: Change | None) -> Inputs:
        base = self.base
        own = np.arange(len(base.volunteers)) < len(self.scenario.teams) - len(self.team_of)
        zero = np.where(own, 1, 0)
        volunteers, first_aid, counsellors = base.volunteers * zero, base.first_aid * zero, base.counsellors * zero
        available = base.available * zero[:, None]
        capacity, stock, reach = base.capacity.copy(), base.stock.copy(), base.reach_km
        if change is not None and change.kind == "volunteers":
            t, n = self.team_of[change.team_key], int(change.amount)
            volunteers[t] = n
            first_aid[t] = n if change.role == "first_aid" else 0
            counsellors[t] = n if change.role == "counsellor" else 0
            available[t] = np.where(self.base.available[t] > 0, n, 0)
        elif change is not None and change.kind == "capacity":
            capacity[self._points.get_loc(change.point_id)] += int(change.amount)
        elif change is not None and change.kind == "stock":
            stock[self._items.get_loc(change.item_id)] += int(change.amount)
        elif change is not None and change.kind == "reach":
            reach = float(change.amount)
        inputs = dataclasses.replace(base, volunteers=volunteers, first_aid=first_aid, counsellors=counsellors,
                                     available=available, capacity=capacity, stock=stock, reach_km=reach)
        if change is not None and change.kind == "reach":
            inputs = dataclasses.replace(inputs, levers=dataclasses.replace(self.levers, max_travel_km=reach))
        return inputs

    def outcome(self, change: Change | None) -> Outcome:
        """Solve (warm after the first) with ``change`` alone (``None``: no change) and read what it gives."""
        model = self._model
        model.set_inputs(self._inputs(change))
        solution = model.solve(solver=self.solver, warm=True)
        self.solves += 1
        values = solution.values
        filled = round(float(values[model.a0:model.a0 + len(model.a)].sum()))
        given = np.bincount(model.q["i"], weights=values[model.q0:model.share0], minlength=len(self._items))
        staffed = np.rint(values[model.a0:model.a0 + len(model.a)]).astype("int64")
        a, sc = model.a, self.scenario
        points, sessions = sc.points["point_id"].to_numpy(), sc.sessions["session_id"].to_numpy()
        roles = np.array(ROLES, dtype=object)
        # Whole units: the plan hands out the LP's total per item exactly (largest remainder).
        return Outcome(filled=filled,
                       distributed={item: round(float(v)) for item, v in zip(self._items, given, strict=True)},
                       staffed=dict(zip(zip(points[a["p"]].tolist(), sessions[a["s"]].tolist(), roles[a["r"]].tolist(),
                                            strict=True), staffed.tolist(), strict=True)))


@dataclass(frozen=True)
class _BlockSpec:
    """What a :class:`_Block` is made of (its arguments), to make it on a worker."""

    scenario: Scenario
    levers: Levers
    changes: tuple[Change, ...]
    solver: str
    farthest_km: float | None
    basis: Basis | None

    def block(self) -> _Block:
        return _Block(self.scenario, self.levers, self.changes, solver=self.solver, farthest_km=self.farthest_km,
                      basis=self.basis)


# An outcome on its way (Trials.submit): called, it waits for the solves and gives the outcome.
Pending = Callable[[], Outcome]

# Workers keep the blocks of a Trials on a cluster, by key, with the changes each has solved and their outcomes.
_WORKER_BLOCKS: dict[str, tuple[_Block, list[Change | None], list[Outcome]]] = {}


def _block_outcome(key: str, spec: _BlockSpec, history: tuple[Change | None, ...]) -> Outcome:
    """On a worker: the outcome of the last change of ``history`` on block ``key``, every earlier one solved first.

    A warm solve starts where the last one ended, and the LP is degenerate: which needs a change
    fills depends on the solves before it. So a block solves the same changes in the same order
    wherever it is: one kept here solves only those it has not solved yet (and gives the outcome
    of one it solved already, for a task that came after a later one), and a block new here (its
    first task, or a task Dask moved from another worker) is made from ``spec`` and solves them
    all. The outcomes are those of one :class:`_Block` in this process.
    """
    keep_freed_memory()
    block, solved, outcomes = _WORKER_BLOCKS.get(key, (None, [], []))
    common = min(len(solved), len(history))
    if block is None or solved[:common] != list(history[:common]):
        block, solved, outcomes = spec.block(), [], []
        _WORKER_BLOCKS[key] = (block, solved, outcomes)
    while len(solved) < len(history):
        outcomes.append(block.outcome(history[len(solved)]))
        solved.append(history[len(solved)])
    return outcomes[len(history) - 1]


def _forget_blocks(keys: Sequence[str]) -> None:
    """On a worker: drop the blocks of a Trials that is done."""
    for key in keys:
        _WORKER_BLOCKS.pop(key, None)


class _RemoteBlock:
    """A :class:`_Block` kept on a worker of a Dask cluster: the same outcomes, solved there (see _block_outcome)."""

    def __init__(self, client: Any, spec: _BlockSpec, worker: str):
        self.key = uuid.uuid4().hex
        self._client, self._worker = client, worker
        self._spec = client.scatter(spec, workers=[worker], hash=False)
        self._history: list[Change | None] = []

    @property
    def solves(self) -> int:
        return len(self._history)

    def submit(self, change: Change | None) -> Any:
        """The outcome of ``change`` as a Dask future (after every change submitted before it)."""
        self._history.append(change)
        return self._client.submit(_block_outcome, self.key, self._spec, tuple(self._history), pure=False,
                                   workers=[self._worker], allow_other_workers=True)

    def outcome(self, change: Change | None) -> Outcome:
        return cast(Outcome, self.submit(change).result())


def _farthest_km(scenario: Scenario, reach_km: float) -> float:
    """The farthest pair of ``scenario``'s model at ``reach_km`` (it scales the travel cost), without building it."""
    geography = SimpleNamespace(scenario=scenario, reach_km=reach_km)
    define_columns(cast(Formulation, geography), apply_levers(scenario))
    return float(geography.farthest_km)


def _levers_of(levers: Levers, scenario: Scenario) -> Levers:
    """The levers that concern a part of a scenario (its districts, points and items)."""
    districts, points = set(scenario.districts["district_id"]), set(scenario.points["point_id"])
    items = set(scenario.supplies["item_id"])
    return dataclasses.replace(
        levers, district_availability={d: v for d, v in levers.district_availability.items() if d in districts},
        stock={i: v for i, v in levers.stock.items() if i in items},
        supply_factors={i: v for i, v in levers.supply_factors.items() if i in items},
        closed_points=frozenset(levers.closed_points) & points)


class Trials:
    """Solves a scenario under one change at a time, each on the part of the LP the change is in.

    With ``plan`` (the scenario's plan under ``levers``), by parts: the scenario's staffing is
    independent parts (planner.results.parts: who can reach what, with every trial team in it)
    and its supplies one model per item (an item's shares are its own), so a change is solved
    on its block alone, warm (a :class:`_Block` per part, made when first asked for), and the
    plan's own figures stand for the rest: a volunteers or capacity change on the part of its
    team or point, a stock change on its item's model without teams, a reach on the parts of
    the scenario at that reach that hold a pair newly within it. Each part's travel cost is
    scaled by the farthest pair of the whole trial model, as the whole model's is, so each
    part's model is the whole trial model restricted to it. Without ``plan``, the whole scenario is
    one model (:class:`_Block`): what tests compare the parts with.

    With ``client`` (a Dask client) and ``plan``, the parts' blocks are kept on the cluster's
    workers (each, when first asked for, on the least loaded so far), and a reach's blocks are
    solved there side by side; each block solves the same changes in the same order as here
    (:func:`_block_outcome`), so the outcomes are the same. A supply item's model is solved here.
    :meth:`close` drops the workers' blocks.

    Parameters
    ----------
    scenario : Scenario
    levers : Levers
        The plan's levers: every trial starts from them.
    changes : sequence of Change
        Every change that will be tried (any amount).
    solver : str
    plan : Plan, optional
    client : dask.distributed.Client, optional
    """

    def __init__(self, scenario: Scenario, levers: Levers, changes: Sequence[Change], *, solver: str = "highs",
                 plan: Plan | None = None, client: Any = None):
        self.plan = plan
        self.scenario, self.levers, self.solver = scenario, levers, solver
        self.changes = list(changes)
        self._blocks: dict[tuple[object, ...], _Block | _RemoteBlock] = {}
        self._client = client if plan is not None else None
        workers = sorted(client.scheduler_info()["workers"]) if self._client is not None else []
        self._worker_load = dict.fromkeys(workers, 0)
        if plan is None:
            self._whole = _Block(scenario, levers, changes, solver=solver)
            return
        keys = sorted({c.team_key for c in changes if c.kind == "volunteers"})
        self._key_team = {key: len(scenario.teams) + n for n, key in enumerate(keys)}
        with_trials = with_trial_teams(scenario, keys)
        base = apply_levers(scenario, levers)
        self._reach = base.reach_km
        reaches = [float(c.amount) for c in changes if c.kind == "reach"]
        self._farthest = _farthest_km(with_trials, max([base.reach_km, *reaches]))
        self._parts = scenario_parts(with_trials, reach_km=base.reach_km)
        self._part_of_point = np.zeros(len(scenario.points), dtype="int64")
        self._part_of_team = np.zeros(len(with_trials.teams), dtype="int64")
        for n, part in enumerate(self._parts):
            self._part_of_point[part.points] = n
            self._part_of_team[part.teams] = n
        # The parts at the farthest reach tried: each a union of parts at the plan's reach and of
        # parts at every reach tried, so one warm model of it serves all of them.
        self._wide = scenario_parts(with_trials, reach_km=max([base.reach_km, *reaches]))
        self._wide_of_point = np.zeros(len(scenario.points), dtype="int64")
        for n, part in enumerate(self._wide):
            self._wide_of_point[part.points] = n
        sc = scenario
        self._km = distance_km(sc.districts["lat"].to_numpy()[:, None], sc.districts["lon"].to_numpy()[:, None],
                               sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])
        f = plan.shortfalls
        self._assigned = np.bincount(pd.Index(sc.points["point_id"]).get_indexer(f["point_id"]),
                                     weights=f["assigned"].to_numpy(dtype=float), minlength=len(sc.points))
        self._point_ids = sc.points["point_id"].to_numpy()
        self._distributed = {item: int(figures["distributed"]) for item, figures in plan.summary["supplies"].items()}

    @property
    def solves(self) -> int:
        if self.plan is None:
            return self._whole.solves
        return sum(b.solves for b in self._blocks.values())

    def close(self) -> None:
        """Drop the blocks kept on the cluster's workers (nothing to do without a cluster)."""
        remote = [b.key for b in self._blocks.values() if isinstance(b, _RemoteBlock)]
        if remote and self._client is not None:
            self._client.run(_forget_blocks, remote)

    def _basis_within(self, part: Scenario) -> Basis | None:
        """The plan's basis where a block of ``part`` starts (planner.model.warm_start), when the plan has one."""
        return self.plan.basis.within(part) if self.plan is not None and self.plan.basis is not None else None

    def _block(self, wide: bool, n: int) -> tuple[_Block | _RemoteBlock, np.ndarray]:
        """The block of part ``n`` (at the plan's reach, or ``wide``: at the farthest tried) and its points.

        Its points, districts and own teams, with the trial teams of its districts; a wide
        block is built for every reach tried too.
        """
        part, own = (self._wide if wide else self._parts)[n], len(self.scenario.teams)
        key: tuple[object, ...] = ("wide" if wide else "part", n)
        if key not in self._blocks:
            sub = part_scenario(self.scenario, dataclasses.replace(part, teams=part.teams[part.teams < own]))
            points = set(sub.points["point_id"])
            teams = set(part.teams.tolist())
            mine = [c for c in self.changes if (c.kind == "capacity" and c.point_id in points)
                    or (c.kind == "volunteers" and self._key_team[c.team_key] in teams)
                    or (wide and c.kind == "reach")]
            spec = _BlockSpec(sub, _levers_of(self.levers, sub), tuple(mine), self.solver, self._farthest,
                              self._basis_within(sub))
            if self._worker_load:  # on the least loaded worker so far
                worker = min(self._worker_load, key=self._worker_load.__getitem__)
                self._worker_load[worker] += part_load(sub)
                self._blocks[key] = _RemoteBlock(self._client, spec, worker)
            else:
                self._blocks[key] = spec.block()
        return self._blocks[key], part.points

    def _part_block(self, n: int) -> tuple[_Block | _RemoteBlock, np.ndarray]:
        """For a change in part ``n``: its own block, or the wide block holding it when that is not much larger.

        A part that is most of its wide part shares that one warm model with the reaches tried.
        """
        part = self._parts[n]
        m = int(self._wide_of_point[part.points[0]])
        wide = 2 * len(part.points) >= len(self._wide[m].points)
        return self._block(wide, m if wide else n)

    def _on_blocks(self, blocks: list[tuple[_Block | _RemoteBlock, np.ndarray]], change: Change | None) -> Pending:
        """The whole scenario's outcome: each block (with its points) solved with ``change``, the plan's own
        on all other points. Blocks on the workers are all sent before any is waited for (solved side by side)."""
        sent = [b.submit(change) if isinstance(b, _RemoteBlock) else b.outcome(change) for b, _ in blocks]

        def outcome() -> Outcome:
            staffed: dict[tuple[str, str, str], int] = {}
            filled = int(self.plan.summary["assigned"]) if self.plan is not None else 0
            for (_, points), one in zip(blocks, sent, strict=True):
                solved = one if isinstance(one, Outcome) else cast(Outcome, one.result())
                staffed.update(solved.staffed)
                filled += solved.filled - round(float(self._assigned[points].sum()))
            return Outcome(filled=filled, distributed=dict(self._distributed), staffed=staffed)

        return outcome

    def outcome(self, change: Change | None) -> Outcome:
        """Solve (warm after its block's first) with ``change`` alone (``None``: no change) and read what it gives."""
        return self.submit(change)()

    def submit(self, change: Change | None) -> Pending:
        """:meth:`outcome`, sent: what gives the outcome once called, the solves on the cluster meanwhile.

        A block solves its changes in the order they are submitted, here or on a worker, so the
        outcomes do not depend on when each is waited for.
        """
        if self.plan is None:
            solved = self._whole.outcome(change)
            return lambda: solved
        if change is None:
            return self._on_blocks([], None)
        if change.kind == "volunteers":
            n = int(self._part_of_team[self._key_team[change.team_key]])
            if not len(self._parts[n].points):
                return self._on_blocks([], None)  # a trial team that reaches no point: nothing changes
            return self._on_blocks([self._part_block(n)], change)
        if change.kind == "capacity":
            n = int(self._part_of_point[pd.Index(self._point_ids).get_loc(change.point_id)])
            return self._on_blocks([self._part_block(n)], change)
        if change.kind == "stock":
            outcome = self._stock_outcome(change)
            return lambda: outcome
        return self._reach_outcome(change)

    def _stock_outcome(self, change: Change) -> Outcome:
        key: tuple[object, ...] = ("item", change.item_id)
        if key not in self._blocks:
            sc = self.scenario
            alone = sc.replace(teams=sc.teams.iloc[0:0].reset_index(drop=True),
                               availability=sc.availability.iloc[0:0].reset_index(drop=True),
                               needs=sc.needs.iloc[0:0].reset_index(drop=True),
                               supplies=sc.supplies[sc.supplies["item_id"] == change.item_id].reset_index(drop=True),
                               volunteers=None if sc.volunteers is None else sc.volunteers.iloc[0:0],
                               pins=sc.pins.iloc[0:0])
            self._blocks[key] = _Block(alone, _levers_of(self.levers, alone), [change], solver=self.solver,
                                       farthest_km=self._farthest)  # (from nothing: as fast as from the plan's basis)
        solved = self._blocks[key].outcome(change)
        distributed = {**self._distributed, change.item_id: solved.distributed[change.item_id]}
        assert self.plan is not None
        return Outcome(filled=int(self.plan.summary["assigned"]), distributed=distributed, staffed={})

    def _reach_outcome(self, change: Change) -> Pending:
        """A reach: the parts at that reach with a pair of a district with teams and a point newly within it."""
        reach, sc = float(change.amount), self.scenario
        team_districts = np.unique(pd.Index(sc.districts["district_id"]).get_indexer(sc.teams["district_id"]))
        new = np.zeros_like(self._km, dtype=bool)
        new[team_districts] = (self._km[team_districts] > self._reach) & (self._km[team_districts] <= reach)
        touched = [n for n, part in enumerate(self._wide) if new[np.ix_(part.districts, part.points)].any()]
        # (elsewhere the same model as at the plan's reach: the plan's own optimum stands)
        return self._on_blocks([(self._block(True, n)[0], self._wide[n].points) for n in touched], change)


__all__ = ["KINDS", "Change", "Outcome", "Trials", "with_trial_teams"]
