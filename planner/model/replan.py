"""The re-plan model: repair a published plan with the fewest changes (docs/model.md, "Re-planning").

On the day, the scenario changes (a team drops out, a point closes, a need goes up) and the plan
teams were told must be repaired: the sessions already held stay as they were, and the rest moves
as little as possible. "As little" is counted on the plan's rows: the sum over (team, point,
session, role) of |after - before|. So this model, unlike the planner's LP over a district's pool
(formulation.py), has columns per *team* at a point, wherever the team served in the plan being
repaired or is pinned (``x``); every other place a district's volunteers could go is reached
through the district's pool (``y``), each volunteer there a change of one. The members' limits are
per class of identical members as in formulation.py, but classes are cut also by the sessions each
member has served already (``w``), so the sessions held count against max_sessions and every plan
still rosters person by person (docs/model.md, "Exact per person").

The priorities, each outranking all of the ones after it (one LP, its objective's parts scaled so):

1. needs, by role weight (and every pin kept, far above any need);
2. the fewest changes;
3. fairness between districts (the planner's coverage bands), keeping teams at their points, travel.

The LP is a network flow but for the classes' sessions over the exam, so its optimum is almost
always whole; when it is not, the same model is solved as a MIP.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.errors import NoPlanError, SolverUnavailableError
from planner.geo import distance_km
from planner.io.settings import ROLES
from planner.model.classes import KIND_ROLES, MemberClasses
from planner.model.families import ColumnFamily, LinearProgram, RowFamily, Terms
from planner.model.formulation import BANDS, FAIRNESS_BONUS, TOGETHER_BONUS, TRAVEL_COST
from planner.model.highs import NO_HIGHS, highs_available, highs_status, load, new_highs
from planner.model.keys import Keys, codes
from planner.model.levers import Inputs
from planner.model.people import coming, person_groups
from planner.model.solution import is_integral

log = logging.getLogger(__name__)
N_ROLES = len(ROLES)
COVER_BONUS = 0.02  # a volunteer of the best team who can cover (rank 1; rank k: 1/k of it), below keeping teams
# together (0.045) and a fairness step (0.05): who covers is chosen among plans equal in those
PIN_PENALTY = 1000.0  # per pinned volunteer missing: above any need's weight (pins come first)
INTEGER_GAP = 1e-6  # the MIP (when the LP optimum is fractional) is solved to proven optimality


@dataclass(frozen=True)
class Members:
    """Every member of every team, one entry each (aligned arrays).

    ``team`` is the team's row in ``scenario.teams``, ``number`` the member's number in the team
    (person ``<team_id>/<number>``; with volunteers.csv, the person's row in it plus 1), ``kind``
    one of planner.model.classes.KINDS, ``free`` members x sessions; ``ids`` and ``names`` as
    roster.csv gives them (empty arrays: numbered, ``<team_id>/<number>`` and no name).
    """

    team: np.ndarray
    number: np.ndarray
    kind: np.ndarray
    free: np.ndarray
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    def __len__(self) -> int:
        return len(self.team)


def scenario_members(inputs: Inputs) -> Members:
    """The members of every team: the named persons who come (volunteers.csv), else numbered."""
    if inputs.scenario.volunteers is None:
        return numbered_members(inputs)
    groups = person_groups(inputs.scenario)
    come = coming(groups.team, groups.members, inputs.team_factor)
    rows = np.sort(np.concatenate([m[:n] for m, n in zip(groups.members, come, strict=True)] or
                                  [np.zeros(0, dtype="int64")]))
    group_of = np.zeros(len(inputs.scenario.volunteers), dtype="int64")
    for g, m in enumerate(groups.members):
        group_of[m] = g
    people = inputs.scenario.volunteers
    return Members(team=groups.team[group_of[rows]], number=rows + 1, kind=groups.kind[group_of[rows]],
                   free=groups.free[group_of[rows]], ids=people["person_id"].to_numpy(dtype=object)[rows],
                   names=people["name"].to_numpy(dtype=object)[rows])


def numbered_members(inputs: Inputs) -> Members:
    """The members of every team as the contract numbers them (no named volunteers).

    Members 1 to first_aid are first-aiders and the last ``counsellors`` the counsellors; the
    members free in a session are the first ``available`` of the order trained first (both,
    first aid only, counsellor only, neither), as planner.model.classes has it.
    """
    team, number, kind, free = [], [], [], []
    for t, (v, f, c) in enumerate(zip(inputs.volunteers.tolist(), inputs.first_aid.tolist(),
                                      inputs.counsellors.tolist(), strict=True)):
        both = max(0, f + c - v)
        runs = ((0, range(f - both + 1, f + 1)), (1, range(1, f - both + 1)),
                (2, range(max(f, v - c) + 1, v + 1)), (3, range(f + 1, v - c + both + 1)))
        position = 0
        for k, numbers in runs:
            for n in numbers:
                team.append(t)
                number.append(n)
                kind.append(k)
                free.append(inputs.available[t] > position)
                position += 1
    n_sessions = inputs.available.shape[1]
    return Members(team=np.array(team, dtype="int64"), number=np.array(number, dtype="int64"),
                   kind=np.array(kind, dtype="int64"),
                   free=np.array(free, dtype=bool).reshape(len(team), n_sessions))


@dataclass(frozen=True)
class Repair:
    """What the re-plan model decided, for the sessions from ``first`` on.

    ``team_pieces``: ``t, p, s, r, volunteers`` (positions in the scenario's tables) per team;
    ``class_pieces``: ``c, p, s, r, volunteers`` per class of ``classes``, whose members are
    ``numbers`` (member numbers per class). ``changed`` is the model's count of changes to the
    previous plan's rows in those sessions; ``pins_missing`` pinned volunteers it could not keep
    (0 unless levers took away what a pin needs); ``used_mip`` whether the LP optimum was
    fractional and the model was solved again as a MIP.
    """

    status: str
    team_pieces: pd.DataFrame
    class_pieces: pd.DataFrame
    classes: MemberClasses
    numbers: list[list[int]]
    budgets: np.ndarray  # per class: sessions each member may still serve (results/roster.py)
    changed: int
    pins_missing: int
    stages: dict[str, float]
    seconds: float
    used_mip: bool = False


def repair_plan(inputs: Inputs, *, first: int, before: pd.DataFrame, members: Members, used: np.ndarray,
                pins: pd.DataFrame, frozen_staffed: pd.DataFrame, prefer: pd.DataFrame | None = None,
                time_limit: float | None = None) -> Repair:
    """Solve the re-plan model (see the module's notes).

    Parameters
    ----------
    inputs : Inputs
        The changed scenario after its levers.
    first : int
        The first session re-planned (position in time order); those before it are kept.
    before : pandas.DataFrame
        ``t, p, s, r, volunteers``: the previous plan's rows in sessions from ``first`` on,
        as positions (rows naming ids the scenario lacks are left out by the caller).
    members : Members
        Every member of every team (:func:`numbered_members`).
    used : numpy.ndarray
        Per member, sessions already served (before ``first``).
    pins : pandas.DataFrame
        ``t, p, s, r, volunteers`` pinned, in sessions from ``first`` on.
    frozen_staffed : pandas.DataFrame
        ``g, r, volunteers``: need staffed before ``first`` per district of the points and role
        (fairness counts the whole exam).
    prefer : pandas.DataFrame, optional
        ``t, p, rank``: teams who can cover at a point (planner/results/cover.py), rank 1 the best:
        the model may use these pairs directly and, among plans equal in needs, changes and
        fairness, prefers them by rank; a volunteer there is a change like any other.
    time_limit : float, optional
        Seconds for each stage.

    Raises
    ------
    NoPlanError
        HiGHS gave no plan.
    SolverUnavailableError
        HiGHS is not installed (the re-plan model is solved with HiGHS only).
    """
    started = time.perf_counter()
    model = _RepairModel(inputs, first, before, members, used, pins, frozen_staffed, prefer)
    status, stages = model.solve(time_limit)
    pieces, class_pieces = model.pieces()
    changed = round(stages["changes"])
    return Repair(status=status, team_pieces=pieces, class_pieces=class_pieces, classes=model.classes,
                  numbers=model.numbers, budgets=model.class_left, changed=changed,
                  pins_missing=round(stages["pins_missing"]), stages=stages,
                  seconds=time.perf_counter() - started, used_mip=model.used_mip)


class _RepairModel:
    """The columns, rows and stages of the re-plan model for one repair."""

    def __init__(self, inputs: Inputs, first: int, before: pd.DataFrame, members: Members, used: np.ndarray,
                 pins: pd.DataFrame, frozen_staffed: pd.DataFrame, prefer: pd.DataFrame | None):
        sc = inputs.scenario
        self.inputs, self.first = inputs, first
        n_s = len(sc.sessions)
        districts = sc.districts
        self.team_district = codes(districts["district_id"], sc.teams["district_id"])
        self.point_district = codes(districts["district_id"], sc.points["district_id"])
        km = distance_km(districts["lat"].to_numpy()[:, None], districts["lon"].to_numpy()[:, None],
                         sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])
        self.km = km
        self._classes_from(members, used, n_s)

        # Needs from the first session re-planned on.
        needs = inputs.needs
        need_p = codes(sc.points["point_id"], needs["point_id"])
        need_s = codes(sc.sessions["session_id"], needs["session_id"])
        need_r = codes(pd.Series(ROLES), needs["role"])
        need_n = needs["volunteers"].to_numpy(dtype="int64")
        keep = (need_s >= first) & (need_n > 0)
        self.need = Keys(p=need_p[keep], s=need_s[keep], r=need_r[keep], n=need_n[keep])
        need = self.need
        reach = inputs.reach_km

        # w: members of a class on duty in a session and role (where free and trained).
        cs_c, cs_s = np.nonzero(self.classes.free)
        keep_cs = cs_s >= first
        cs_c, cs_s = cs_c[keep_cs], cs_s[keep_cs]
        w_c = np.repeat(cs_c, N_ROLES)
        w_s = np.repeat(cs_s, N_ROLES)
        w_r = np.tile(np.arange(N_ROLES), len(cs_c))
        allowed = KIND_ROLES[self.classes.kind[w_c], w_r]
        w_c, w_s, w_r = w_c[allowed], w_s[allowed], w_r[allowed]
        # ... only where some need of that session and role is within reach of the team's district.
        in_reach = km[:, need["p"]] <= reach  # districts x needs
        reachable = np.zeros((len(districts), n_s, N_ROLES), dtype=bool)
        d_of, n_of = np.nonzero(in_reach)
        reachable[d_of, need["s"][n_of], need["r"][n_of]] = True
        w_t = self.classes.team[w_c]
        keep_w = reachable[self.team_district[w_t], w_s, w_r]
        self.w = Keys(c=w_c[keep_w], t=w_t[keep_w], s=w_s[keep_w], r=w_r[keep_w])
        team_can = np.zeros((len(sc.teams), n_s, N_ROLES), dtype=bool)
        team_can[self.w["t"], self.w["s"], self.w["r"]] = True

        # x: a team at a need of a point it knows (the previous plan's points, pins, preferred pairs).
        known = pd.concat([before[["t", "p"]], pins[["t", "p"]]], ignore_index=True).drop_duplicates()
        pairs = [known] + ([prefer[["t", "p"]]] if prefer is not None else [])
        familiar = pd.concat(pairs, ignore_index=True).drop_duplicates()
        familiar = familiar[km[self.team_district[familiar["t"].to_numpy()], familiar["p"].to_numpy()] <= reach]
        need_frame = pd.DataFrame({"p": need["p"], "n": np.arange(len(need))})
        xs = familiar.merge(need_frame, on="p")
        x_t, x_n = xs["t"].to_numpy(dtype="int64"), xs["n"].to_numpy(dtype="int64")
        ok = team_can[x_t, need["s"][x_n], need["r"][x_n]]
        x_t, x_n = x_t[ok], x_n[ok]
        order = np.lexsort((x_n, x_t))
        x_t, x_n = x_t[order], x_n[order]
        self.x = Keys(t=x_t, n=x_n, p=need["p"][x_n], s=need["s"][x_n], r=need["r"][x_n])
        x_key = pd.MultiIndex.from_arrays([self.x["t"], self.x["p"], self.x["s"], self.x["r"]])
        self.x_before = _lookup(before, x_key)
        self.x_pin = _lookup(pins, x_key)
        # Keeping teams together: a volunteer at a point the team had (or is pinned at) earns the bonus.
        self.x_known = pd.MultiIndex.from_arrays([self.x["t"], self.x["p"]]).isin(
            pd.MultiIndex.from_frame(known[["t", "p"]]))
        self.x_cover = np.zeros(len(self.x))
        if prefer is not None and len(prefer):
            ranks = prefer.groupby(["t", "p"])["rank"].min()
            rank = ranks.reindex(pd.MultiIndex.from_arrays([self.x["t"], self.x["p"]])).to_numpy(dtype=float)
            self.x_cover = np.where(np.isnan(rank), 0.0, COVER_BONUS / np.where(np.isnan(rank), 1.0, rank))
        # The previous plan's rows no column can hold (a point closed, a team gone): lost for sure.
        self.lost = int(before["volunteers"].sum() - self.x_before.sum())
        self.pins_unplaceable = int(pins["volunteers"].sum() - self.x_pin.sum())

        # u: a team's members through its district's pool; y: the pool to a need within reach.
        tsr = np.unique((self.w["t"] * n_s + self.w["s"]) * N_ROLES + self.w["r"])
        u_t, u_s, u_r = tsr // N_ROLES // n_s, tsr // N_ROLES % n_s, tsr % N_ROLES
        self.u = Keys(t=u_t, d=self.team_district[u_t], s=u_s, r=u_r)
        pool = np.zeros((len(districts), n_s, N_ROLES), dtype=bool)
        pool[self.u["d"], u_s, u_r] = True
        y_d, y_n = d_of, n_of
        keep_y = pool[y_d, need["s"][y_n], need["r"][y_n]]
        y_d, y_n = y_d[keep_y], y_n[keep_y]
        self.y = Keys(d=y_d, n=y_n, p=need["p"][y_n], s=need["s"][y_n], r=need["r"][y_n])

        # e: how far a row falls below the previous plan (|x - before| = x - before + 2e).
        e_at = np.nonzero(self.x_before > 0)[0]
        self.e = Keys(x=e_at)
        pin_at = np.nonzero(self.x_pin > 0)[0]
        self.slack = Keys(x=pin_at)

        # f: fairness bands of each district's need in each role over the exam (as formulation.py).
        all_needs = inputs.needs
        g_all = self.point_district[codes(sc.points["point_id"], all_needs["point_id"])]
        r_all = codes(pd.Series(ROLES), all_needs["role"])
        totals = np.zeros((len(districts), N_ROLES), dtype="int64")
        np.add.at(totals, (g_all, r_all), all_needs["volunteers"].to_numpy(dtype="int64"))
        gr_g, gr_r = np.nonzero(totals)
        f_g, f_r = np.repeat(gr_g, BANDS), np.repeat(gr_r, BANDS)
        f_b = np.tile(np.arange(BANDS), len(gr_g))
        total = totals[f_g, f_r]
        self.f = Keys(g=f_g, r=f_r, b=f_b, upper=(total * (f_b + 1)) // BANDS - (total * f_b) // BANDS)
        frozen = np.zeros((len(districts), N_ROLES))
        np.add.at(frozen, (frozen_staffed["g"].to_numpy(dtype="int64"), frozen_staffed["r"].to_numpy(dtype="int64")),
                  frozen_staffed["volunteers"].to_numpy(dtype=float))
        self.frozen_cover = frozen

        self.lp = LinearProgram(self._columns(), self._rows())
        self.lp.adopt(self.lp.evaluate(None))

    def _classes_from(self, members: Members, used: np.ndarray, n_s: int) -> None:
        """Classes of members alike from ``first`` on: team, kind, free sessions left, sessions left."""
        inputs, first = self.inputs, self.first
        left = inputs.max_sessions[members.team] - used
        free_later = members.free.copy()
        free_later[:, :first] = False
        alive = (left > 0) & free_later.any(axis=1)
        # Sessions left beyond those a member is free in cannot bind: cap them, so alike members group.
        left = np.minimum(left, free_later.sum(axis=1))
        rows = np.column_stack([members.team, members.kind, free_later.astype("int64"), left])[alive]
        number = members.number[alive]
        keys, of = np.unique(rows, axis=0, return_inverse=True)
        of = np.asarray(of).reshape(-1)
        order = np.lexsort((number, of))
        cuts = np.cumsum(np.bincount(of, minlength=len(keys)))[:-1]
        self.numbers = [part.tolist() for part in np.split(number[order], cuts)] if len(keys) else []
        team, kind = keys[:, 0].astype("int64"), keys[:, 1].astype("int64")
        free = keys[:, 2:2 + n_s].astype(bool).reshape(len(keys), n_s)
        size = np.bincount(of, minlength=len(keys)).astype("int64")
        self.class_left = keys[:, -1].astype("int64")
        self.classes = MemberClasses(team=team, kind=kind, level=np.zeros(len(keys), dtype="int64"), free=free,
                                     size=size, first=np.zeros(len(keys), dtype="int64"))

    def _columns(self) -> list[ColumnFamily[None]]:
        need_n = self.need["n"]
        size = self.classes.size
        return [
            ColumnFamily("w", self.w, "serve", ("c", "s", "r"), upper=lambda k, _: size[k["c"]], integer=True),
            ColumnFamily("x", self.x, "assign", ("t", "n"), upper=lambda k, _: need_n[k["n"]], integer=True),
            ColumnFamily("u", self.u, "pool", ("t", "s", "r"), upper=math.inf, integer=True),
            ColumnFamily("y", self.y, "send", ("d", "n"), upper=lambda k, _: need_n[k["n"]], integer=True),
            ColumnFamily("e", self.e, "below", ("x",), upper=lambda k, _: self.x_before[k["x"]], integer=True),
            ColumnFamily("slack", self.slack, "unpinned", ("x",), upper=lambda k, _: self.x_pin[k["x"]]),
            ColumnFamily("f", self.f, "band", ("g", "r", "b"), upper=lambda k, _: k["upper"]),
        ]

    def _rows(self) -> list[RowFamily[None]]:
        w, x, u, y, need = self.w, self.x, self.u, self.y, self.need
        size, left = self.classes.size, self.class_left
        n_x = np.arange(len(x))
        rows: list[RowFamily[None]] = [
            # A class's members on duty at once, and their sessions left over the exam.
            RowFamily("class_session", (Terms("w", {"c": w["c"], "s": w["s"]}),), ("c", "s"),
                      upper=lambda k, _: size[k["c"]]),
            RowFamily("class_total", (Terms("w", {"c": w["c"]}),), ("c",),
                      upper=lambda k, _: size[k["c"]] * left[k["c"]]),
            # What a team gives in a session and role: at its points, and through its district's pool.
            RowFamily("team", (Terms("x", {"t": x["t"], "s": x["s"], "r": x["r"]}),
                               Terms("u", {"t": u["t"], "s": u["s"], "r": u["r"]}),
                               Terms("w", {"t": w["t"], "s": w["s"], "r": w["r"]}, coef=-1.0)),
                      ("t", "s", "r"), lower=0.0, upper=0.0),
            RowFamily("pool", (Terms("u", {"d": u["d"], "s": u["s"], "r": u["r"]}),
                               Terms("y", {"d": y["d"], "s": y["s"], "r": y["r"]}, coef=-1.0)),
                      ("d", "s", "r"), lower=0.0, upper=0.0),
            # Never more than needed, never more than the point holds.
            RowFamily("need", (Terms("x", {"n": x["n"]}), Terms("y", {"n": y["n"]})), ("n",),
                      upper=lambda k, _: need["n"][k["n"]]),
            RowFamily("capacity", (Terms("x", {"p": x["p"], "s": x["s"]}), Terms("y", {"p": y["p"], "s": y["s"]})),
                      ("p", "s"), upper=lambda k, _: self.inputs.capacity[k["p"]]),
            # How far a row of the previous plan falls below it; a pin held (or its slack).
            RowFamily("keep", (Terms("x", {"x": n_x}), Terms("e", {"x": self.e["x"]}, at=np.arange(len(self.e)))),
                      ("x",), lower=lambda k, _: self.x_before[k["x"]], keep=np.concatenate(
                          [self.x_before > 0, np.ones(len(self.e), dtype=bool)])),
            RowFamily("pin", (Terms("x", {"x": n_x}), Terms("slack", {"x": self.slack["x"]})),
                      ("x",), lower=lambda k, _: self.x_pin[k["x"]], keep=np.concatenate(
                          [self.x_pin > 0, np.ones(len(self.slack), dtype=bool)])),
            # A district's need staffed over the exam (held sessions included) fills its bands.
            RowFamily("cover", (Terms("x", {"g": self.point_district[x["p"]], "r": x["r"]}),
                                Terms("y", {"g": self.point_district[y["p"]], "r": y["r"]}),
                                Terms("f", {"g": self.f["g"], "r": self.f["r"]}, coef=-1.0)),
                      ("g", "r"), lower=lambda k, _: -self.frozen_cover[k["g"], k["r"]],
                      upper=lambda k, _: -self.frozen_cover[k["g"], k["r"]],
                      keep=np.concatenate([np.zeros(len(x) + len(y), dtype=bool), np.ones(len(self.f), dtype=bool)])),
        ]
        return rows

    def _costs(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The objective (minimised) and its three parts, over all columns.

        ``needs`` (role weights, and pins far above), ``changes`` (|after - before| = x - before
        + 2e, and each pool volunteer), ``rest`` (fairness bands, at the team's points, travel).
        The parts are scaled so that each outranks all of the ones after it: one volunteer of need
        (of the least weight) is worth more than every change there could be, and one change more
        than the whole of ``rest`` could be; a lexicographic order in one LP.
        """
        lp, weights = self.lp, self.inputs.weights
        role_weight = np.array([getattr(weights, role) for role in ROLES], dtype=float)
        needs = np.zeros(lp.num_cols)
        needs[lp.cols_of("x")] = -role_weight[self.x["r"]]
        needs[lp.cols_of("y")] = -role_weight[self.y["r"]]
        needs[lp.cols_of("slack")] = PIN_PENALTY * float(role_weight.max())
        changes = np.zeros(lp.num_cols)
        changes[lp.cols_of("x")] = 1.0
        changes[lp.cols_of("y")] = 1.0
        changes[lp.cols_of("e")] = 2.0
        rest = np.zeros(lp.num_cols)
        x_km = self.km[self.team_district[self.x["t"]], self.x["p"]]
        y_km = self.km[self.y["d"], self.y["p"]]
        farthest = max(float(np.concatenate([x_km, y_km, [1e-9]]).max()), 1e-9)
        travel = TRAVEL_COST * weights.travel / farthest
        rest[lp.cols_of("x")] = travel * x_km - TOGETHER_BONUS * weights.together * self.x_known - self.x_cover
        rest[lp.cols_of("y")] = travel * y_km
        rest[lp.cols_of("f")] = -FAIRNESS_BONUS * weights.fairness * (BANDS - self.f["b"]) / BANDS
        # Every volunteer on duty (at most every need) and every row of the plan before.
        volunteers = float(self.need["n"].sum())
        most_changes = float(self.x_before.sum() + self.lost) + volunteers
        rest_scale = 1.0 / (2.0 * (FAIRNESS_BONUS + TOGETHER_BONUS + TRAVEL_COST + COVER_BONUS) * max(volunteers, 1.0))
        need_scale = (most_changes + 2.0) / float(role_weight.min())
        total = need_scale * needs + changes + rest_scale * rest
        return total, {"needs": needs, "changes": changes, "rest": rest}

    def solve(self, time_limit: float | None) -> tuple[str, dict[str, float]]:
        """Solve the model; returns the status and the value of each part of the objective.

        The model is a network flow but for the classes' sessions over the exam, so its LP optimum
        is almost always whole already; only when it is not is it solved again as a MIP.
        """
        if not highs_available():  # the re-plan model is solved with HiGHS only
            raise SolverUnavailableError(NO_HIGHS)
        import highspy

        lp = self.lp
        total, parts = self._costs()
        self.used_mip = False
        if lp.num_cols == 0:  # nothing to plan (no team free, or no need): the empty plan is the optimum
            self.values = np.zeros(0)
            return "optimal", {**{name: 0.0 for name in parts}, "changes": float(self.lost),
                               "pins_missing": float(self.pins_unplaceable)}
        h = new_highs()
        lp.col_cost = total
        load(h, lp)
        if time_limit:
            h.setOptionValue("time_limit", float(time_limit))
        h.run()
        values = np.asarray(h.getSolution().col_value)
        found, model_status = highs_status(h), h.getModelStatus()
        integer = lp.integer_columns
        self.used_mip = found == "optimal" and not is_integral(values[integer])
        if self.used_mip:
            h.changeColsIntegrality(len(integer), integer, np.full(len(integer), highspy.HighsVarType.kInteger))
            h.setOptionValue("mip_rel_gap", 0.0)
            h.setOptionValue("mip_abs_gap", INTEGER_GAP)
            h.run()
            found, model_status = highs_status(h), h.getModelStatus()
            values = np.asarray(h.getSolution().col_value)
        if found == "none":
            raise NoPlanError(f"HiGHS found no re-plan (model status {model_status.name})")
        self.values = values
        x, e, y = self._whole("x"), self._whole("e"), self._whole("y")
        whole = np.rint(values)
        reached = {name: float(cost @ whole) for name, cost in parts.items()}
        reached["changes"] = float(x.sum() - self.x_before.sum() + 2 * e.sum() + y.sum() + self.lost)
        reached["pins_missing"] = float(self._whole("slack").sum() + self.pins_unplaceable)
        return ("optimal" if found == "optimal" else "feasible"), reached

    def _whole(self, family: str) -> np.ndarray:
        return np.rint(self.values[self.lp.cols_of(family)]).astype("int64")

    def pieces(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per team and per class: who is where, from the solution (the pool shared among its teams)."""
        x, y, u = self._whole("x"), self._whole("y"), self._whole("u")
        rows = [pd.DataFrame({"t": self.x["t"], "p": self.x["p"], "s": self.x["s"], "r": self.x["r"],
                              "volunteers": x})[x > 0]]
        rows.append(_share_pool(self.u, u, self.y, y, self.x, x))
        team = pd.concat(rows, ignore_index=True).groupby(["t", "p", "s", "r"], sort=True, as_index=False)[
            "volunteers"].sum()
        team = team[team["volunteers"] > 0].reset_index(drop=True)
        w = self._whole("w")
        return team, _share_classes(team, self.w, w)


def _lookup(table: pd.DataFrame, key: pd.MultiIndex) -> np.ndarray:
    """``table``'s volunteers (t, p, s, r) at each key, 0 where it has none."""
    if not len(table):
        return np.zeros(len(key), dtype="int64")
    sums = table.groupby(["t", "p", "s", "r"])["volunteers"].sum()
    return sums.reindex(key).fillna(0).to_numpy(dtype="int64")


def _share_pool(u_keys: Keys, u: np.ndarray, y_keys: Keys, y: np.ndarray, x_keys: Keys,
                x: np.ndarray) -> pd.DataFrame:
    """A district's pool flows among the teams that give to it: each team (the largest load first)
    to the point it already serves in that session, else to the point with the most pool flow left.

    Any split is as good for needs, fairness and travel (teams of a district travel alike); this one
    keeps a team at few points.
    """
    out: list[tuple[int, int, int, int, int]] = []
    at_point: dict[tuple[int, int], set[int]] = {}
    for t, p, s in zip(x_keys["t"][x > 0].tolist(), x_keys["p"][x > 0].tolist(), x_keys["s"][x > 0].tolist(),
                       strict=True):
        at_point.setdefault((t, s), set()).add(p)
    flows: dict[tuple[int, int, int], dict[int, int]] = {}
    for d, p, s, r, amount in zip(y_keys["d"].tolist(), y_keys["p"].tolist(), y_keys["s"].tolist(),
                                  y_keys["r"].tolist(), y.tolist(), strict=True):
        if amount > 0:
            flows.setdefault((d, s, r), {})[p] = flows.get((d, s, r), {}).get(p, 0) + amount
    loads = sorted(((-amount, t, d, s, r) for t, d, s, r, amount in zip(
        u_keys["t"].tolist(), u_keys["d"].tolist(), u_keys["s"].tolist(), u_keys["r"].tolist(), u.tolist(),
        strict=True) if amount > 0))
    for negative, t, d, s, r in loads:
        left = -negative
        points = flows[(d, s, r)]
        while left > 0:
            known = [p for p in sorted(at_point.get((t, s), ())) if points.get(p, 0) > 0]
            p = known[0] if known else min((p for p in points if points[p] > 0), key=lambda q: (-points[q], q))
            give = min(left, points[p])
            points[p] -= give
            left -= give
            out.append((t, p, s, r, give))
            at_point.setdefault((t, s), set()).add(p)
    return pd.DataFrame(out, columns=["t", "p", "s", "r", "volunteers"]) if out else pd.DataFrame(
        {k: pd.Series(dtype="int64") for k in ("t", "p", "s", "r", "volunteers")})


def _share_classes(team: pd.DataFrame, w_keys: Keys, w: np.ndarray) -> pd.DataFrame:
    """A team's volunteers at each point split among its classes as the model has them serve (``w``)."""
    loads: dict[tuple[int, int, int], list[list[int]]] = {}
    for c, t, s, r, amount in zip(w_keys["c"].tolist(), w_keys["t"].tolist(), w_keys["s"].tolist(),
                                  w_keys["r"].tolist(), w.tolist(), strict=True):
        if amount > 0:
            loads.setdefault((t, s, r), []).append([c, amount])
    out: list[tuple[int, int, int, int, int]] = []
    for t, p, s, r, amount in team[["t", "p", "s", "r", "volunteers"]].itertuples(index=False):
        left = int(amount)
        for share in loads.get((t, s, r), []):
            give = min(left, share[1])
            if give > 0:
                out.append((share[0], p, s, r, give))
                share[1] -= give
                left -= give
            if left == 0:
                break
        if left:
            raise AssertionError("a team's places and its classes' loads disagree: the model's team rows failed")
    return pd.DataFrame(out, columns=["c", "p", "s", "r", "volunteers"])


__all__ = ["Members", "Repair", "numbered_members", "repair_plan", "scenario_members"]
