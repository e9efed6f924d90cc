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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.io.scenario import Scenario
from planner.io.schema import HOME_POINT, NO_HOME
from planner.io.settings import ROLES
from planner.model import PlanModel, Solution, highs
from planner.model.classes import COUNSELLOR, FIRST_AID, NEITHER, with_sizes
from planner.model.families import Values
from planner.model.formulation import Figures
from planner.model.home import scenario_homes
from planner.model.levers import Inputs, Levers, apply_levers

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
    """What a solve with a change gives: volunteer-sessions of need filled (in all, and per need), units handed out."""

    filled: int
    distributed: dict[str, int]
    staffed_values: np.ndarray  # volunteers per column ``a`` of the trial model (Trials.staffed reads it)


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

    def _solve_highs(self, time_limit: float | None, warm: bool) -> Solution:
        # The first solve loads the arrays into HiGHS directly: the named PuLP problem a plan's
        # cold solve builds (for CBC and LP files) is never needed here, and costs a tenth of a second.
        if self._highs is None and warm:
            h = highs.new_highs()
            highs.load(h, self)
            self._highs = h
        return super()._solve_highs(time_limit, warm)


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
    return scenario.replace(teams=pd.concat([own, added], ignore_index=True), availability=availability)


class Trials:
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
    """

    def __init__(self, scenario: Scenario, levers: Levers, changes: Sequence[Change], *, solver: str = "highs"):
        keys = sorted({c.team_key for c in changes if c.kind == "volunteers"})
        self.team_of = {key: len(scenario.teams) + n for n, key in enumerate(keys)}
        self.scenario = with_trial_teams(scenario, keys)
        self.levers = levers
        self.solver = solver
        self.base = apply_levers(self.scenario, levers)
        reaches = [float(c.amount) for c in changes if c.kind == "reach"]
        self.reach_km = max([self.base.reach_km, *reaches])
        self._model = _TrialModel(self.scenario, self.reach_km)
        own = len(scenario.teams)
        model = self._model
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
        # Whole units: the plan hands out the LP's total per item exactly (largest remainder).
        return Outcome(filled=filled,
                       distributed={item: round(float(v)) for item, v in zip(self._items, given, strict=True)},
                       staffed_values=np.rint(values[model.a0:model.a0 + len(model.a)]).astype("int64"))

    def staffed(self, outcome: Outcome) -> dict[tuple[str, str, str], int]:
        """(point_id, session_id, role): volunteers there in that outcome, where any."""
        a, sc = self._model.a, self.scenario
        points, sessions = sc.points["point_id"].to_numpy(), sc.sessions["session_id"].to_numpy()
        on = np.nonzero(outcome.staffed_values > 0)[0]
        return {(str(points[a["p"][j]]), str(sessions[a["s"][j]]), ROLES[a["r"][j]]): int(outcome.staffed_values[j])
                for j in on}


__all__ = ["KINDS", "Change", "Outcome", "Trials", "with_trial_teams"]
