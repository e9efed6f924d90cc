"""The linear program: staffing and supplies in one LP (formulation: docs/model.md).

Teams of one district are alike as far as travel goes, so the LP moves volunteers from a
district's *pool* to points (``y``), while each team's own limits apply to how many of its
members serve in each session and role (``u``); the pool row ties the two. Splitting a
district's flow among its teams afterwards (solving.py) is then always exact. Only pairs that
can matter exist: a team-session-role with members, a district within reach of a need.

The LP is built once per scenario and travel reach as arrays, the single definition of the
model, and from them as a named PuLP problem. Every lever is a bound or a cost, so
:meth:`PlanModel.set_inputs` followed by :meth:`PlanModel.solve` re-solves a warm HiGHS
model without building anything.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import shutil
import sys
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pulp

from planner.errors import NoPlanError, SolverUnavailableError
from planner.geo import distance_km
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.model.levers import Inputs, Levers, apply_levers, role_capacity, role_totals
from planner.model.pulp_objects import add_constraints, make_variables, paused_gc, set_objective

try:
    import highspy
except ImportError:  # without HiGHS the planner still runs with CBC, and says so when HiGHS is asked for
    highspy = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
NO_HIGHS = "HiGHS is not installed (pip install highspy); use CBC instead (--solver cbc)"
NO_CBC = "CBC is not installed (pip install 'pulp[cbc]'); use HiGHS instead (--solver highs)"

BANDS = 10  # fairness: a district's need is cut into this many coverage bands
FAIRNESS_BONUS = 0.5  # bonus for a volunteer-session in a district's least-covered band, at fairness 1
TRAVEL_COST = 0.04  # cost of a volunteer-session at the model's farthest pair, at travel 1
INTEGRALITY_TOLERANCE = 1e-6
MIP_ABS_GAP = 0.01  # integer re-solves stop this close to the optimum: far under what a volunteer adds
SOLVERS = ("highs", "cbc")

_R = {role: i for i, role in enumerate(ROLES)}
_F, _C = _R["first_aid"], _R["counsellor"]


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


class Keys:
    """Named columns of equal length (numpy arrays): the index of a family of LP columns or rows.

    ``keys["t"]`` is a column; :meth:`frame` gives them all as a DataFrame, to read.
    """

    __slots__ = ("_columns", "_length")

    def __init__(self, **columns: np.ndarray):
        self._columns = {name: np.asarray(values) for name, values in columns.items()}
        lengths = {len(values) for values in self._columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {lengths}")
        self._length = lengths.pop() if lengths else 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns[name]

    def __len__(self) -> int:
        return self._length

    @property
    def names(self) -> list[str]:
        return list(self._columns)

    def take(self, index: np.ndarray) -> Keys:
        """The rows at ``index`` (positions or a boolean mask)."""
        return Keys(**{name: values[index] for name, values in self._columns.items()})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self._columns)

    def __repr__(self) -> str:
        return f"Keys({len(self)} x {self.names})"


class PlanModel:
    """The LP for one scenario and travel reach.

    The families of columns (``u``, ``y``, ``a``, ``f``, ``q``, ``share``, see docs/model.md)
    and the keys of each family of rows (``row_keys``) are :class:`Keys` of small integer
    codes: positions in the scenario's tables of teams (``t``), sessions (``s``), roles
    (``r``), districts (``d``, ``g``), points (``p``) and items (``i``).

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
        self.scenario = scenario
        self.reach_km = reach_km
        if base is None or base.scenario is not scenario or base.levers != Levers():
            base = apply_levers(scenario)
        self._build_columns(base)
        self._build_rows()
        self._highs: highspy.Highs | None = None
        self._problem: pulp.LpProblem | None = None
        self._inputs: Inputs | None = None
        self.build_seconds = time.perf_counter() - started
        log.info("built %s columns, %s rows, %s non-zeros in %.3f s",
                 self.num_cols, self.num_rows, len(self._a_value), self.build_seconds)

    # Columns ---------------------------------------------------------------------------
    def _build_columns(self, base: Inputs) -> None:
        sc = self.scenario
        districts = pd.Index(sc.districts["district_id"])
        self.n_sessions = len(sc.sessions)
        team_district = districts.get_indexer(sc.teams["district_id"]).astype("int64")
        self.point_district = districts.get_indexer(sc.points["district_id"]).astype("int64")
        km = distance_km(sc.districts["lat"].to_numpy()[:, None], sc.districts["lon"].to_numpy()[:, None],
                         sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])
        self.km = km  # districts x points

        # u[t,s,r]: members of team t serving in session s in role r.
        caps = role_capacity(base)
        u_t, u_s, u_r = [], [], []
        for role, cap in caps.items():
            t, s = np.nonzero(cap > 0)
            u_t.append(t)
            u_s.append(s)
            u_r.append(np.full(len(t), _R[role]))
        ut, us, ur = (np.concatenate(parts).astype("int64") for parts in (u_t, u_s, u_r))
        ud = team_district[ut]

        # y[d,p,s,r]: volunteers from district d's pool at point p in session s, role r.
        need = Keys(
            p=_codes(sc.points["point_id"], sc.needs["point_id"]),
            s=_codes(sc.sessions["session_id"], sc.needs["session_id"]),
            r=_codes(pd.Series(ROLES), sc.needs["role"]),
            volunteers=sc.needs["volunteers"].to_numpy(dtype="int64"),
        )
        n_d = len(districts)
        need_p, need_s, need_r = need["p"], need["s"], need["r"]
        within = km[:, need_p] <= self.reach_km  # districts x needs
        y_need, y_d = np.nonzero(within.T)
        # Keep only pools with both members and reachable needs.
        pool_size = n_d * self.n_sessions * len(ROLES)
        u_pool = (ud * self.n_sessions + us) * len(ROLES) + ur
        y_pool = (y_d * self.n_sessions + need_s[y_need]) * len(ROLES) + need_r[y_need]
        has_members = np.bincount(u_pool, minlength=pool_size) > 0
        has_needs = np.bincount(y_pool, minlength=pool_size) > 0
        keep_u, keep_y = has_needs[u_pool], has_members[y_pool]
        u = Keys(t=ut[keep_u], s=us[keep_u], r=ur[keep_u], d=ud[keep_u])
        y_need, y_d = y_need[keep_y], y_d[keep_y]
        y_p = need_p[y_need]
        y = Keys(need_row=y_need, d=y_d, p=y_p, km=km[y_d, y_p], s=need_s[y_need], r=need_r[y_need])
        # a[p,s,r]: volunteers at a need, for needs some pool can reach.
        a_need = np.unique(y_need)
        a = Keys(need_row=a_need, p=need_p[a_need], s=need_s[a_need], r=need_r[a_need],
                 volunteers=need["volunteers"][a_need], g=self.point_district[need_p[a_need]])
        # f[g,k]: the coverage band k of district g's need (fairness).
        f_districts = np.unique(a["g"])
        f = Keys(g=np.repeat(f_districts, BANDS), k=np.tile(np.arange(BANDS), len(f_districts)))
        # q[i,p]: units of item i for point p; share[i]: the share of wants met for item i.
        wanted = base.wanted
        q = Keys(i=_codes(sc.supplies["item_id"], wanted["item_id"]),
                 p=_codes(sc.points["point_id"], wanted["point_id"]),
                 wanted_row=np.arange(len(wanted))).take(wanted["wanted"].to_numpy() > 0)
        share = Keys(i=np.unique(q["i"]))

        self.need = need
        self.u, self.y, self.a, self.f, self.q, self.share = u, y, a, f, q, share
        sizes = [len(u), len(y), len(a), len(f), len(q), len(share)]
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        self.u0, self.y0, self.a0, self.f0, self.q0, self.share0 = (int(o) for o in offsets[:6])
        self.num_cols = int(offsets[6])
        self.farthest_km = float(y["km"].max()) if len(y) else 1.0

    # Rows ------------------------------------------------------------------------------
    def _build_rows(self) -> None:
        u, y, a, f, q, share = self.u, self.y, self.a, self.f, self.q, self.share
        families: list[tuple[str, Keys, np.ndarray, np.ndarray, np.ndarray]] = []

        def grouped(name: str, keys: dict[str, np.ndarray], cols: np.ndarray, coefs: np.ndarray,
                    keep: np.ndarray | None = None) -> None:
            """One row per distinct key, in key order; ``keep`` filters whole groups by a per-member mask."""
            codes, rows = _group(keys)
            if keep is not None:
                kept_groups = np.unique(codes[keep])
                remap = -np.ones(len(rows), dtype="int64")
                remap[kept_groups] = np.arange(len(kept_groups))
                members = remap[codes] >= 0
                rows = rows.take(kept_groups)
                codes, cols, coefs = remap[codes][members], cols[members], coefs[members]
            families.append((name, rows, codes, cols, coefs))

        ut, us, ur, ud = u["t"], u["s"], u["r"], u["d"]
        u_cols = self.u0 + np.arange(len(u))
        y_cols = self.y0 + np.arange(len(y))
        a_cols = self.a0 + np.arange(len(a))
        ones_u = np.ones(len(u))
        n_sessions = self.n_sessions
        # A team's members across roles in one session never exceed those free (only where
        # it has two roles; one role is its column bound).
        ts_codes, _ = _group({"t": ut, "s": us})
        grouped("team_session", {"t": ut, "s": us}, u_cols, ones_u, keep=np.bincount(ts_codes)[ts_codes] >= 2)
        # Over the exam, volunteer-sessions stay within volunteers x max_sessions, per role too.
        max_sessions = self.scenario.teams["max_sessions"].to_numpy()[ut]
        sessions_used = _distinct_per_group(ut, us, n_sessions)
        grouped("team_total", {"t": ut}, u_cols, ones_u, keep=max_sessions < sessions_used)
        skilled = (ur == _F) | (ur == _C)
        role_sessions = _distinct_per_group(ut * len(ROLES) + ur, us, n_sessions)
        grouped("team_role_total", {"t": ut[skilled], "r": ur[skilled]}, u_cols[skilled], ones_u[skilled],
                keep=(max_sessions < role_sessions)[skilled])
        # A district's pool: what its teams give equals what its points receive.
        grouped("pool", {"d": np.concatenate([ud, y["d"]]), "s": np.concatenate([us, y["s"]]),
                         "r": np.concatenate([ur, y["r"]])},
                np.concatenate([u_cols, y_cols]), np.concatenate([ones_u, -np.ones(len(y))]))
        # A need receives what the pools send it (at most the need: the column bound of a).
        a_of_need = -np.ones(len(self.need), dtype="int64")
        a_of_need[a["need_row"]] = np.arange(len(a))
        grouped("need", {"need": np.concatenate([a_of_need[y["need_row"]], np.arange(len(a))])},
                np.concatenate([y_cols, a_cols]), np.concatenate([np.ones(len(y)), -np.ones(len(a))]))
        # A point's volunteers in a session, all roles, within its capacity.
        ap, as_ = a["p"], a["s"]
        ps_codes, _ = _group({"p": ap, "s": as_})
        grouped("capacity", {"p": ap, "s": as_}, a_cols, np.ones(len(a)), keep=np.bincount(ps_codes)[ps_codes] >= 2)
        # A district's staffed need fills its coverage bands (fairness).
        grouped("district_cover", {"g": np.concatenate([a["g"], f["g"]])},
                np.concatenate([a_cols, self.f0 + np.arange(len(f))]),
                np.concatenate([np.ones(len(a)), -np.ones(len(f))]))
        # Stock, and every point's share of its wants at least the item's common share.
        grouped("stock", {"i": q["i"]}, self.q0 + np.arange(len(q)), np.ones(len(q)))
        share_of_item = -np.ones(int(q["i"].max()) + 1 if len(q) else 0, dtype="int64")
        share_of_item[share["i"]] = np.arange(len(share))
        grouped("share", {"qrow": np.concatenate([np.arange(len(q))] * 2)},
                np.concatenate([self.q0 + np.arange(len(q)), self.share0 + share_of_item[q["i"]]]),
                np.concatenate([np.ones(len(q)), -np.ones(len(q))]))

        starts, index, value = [], [], []
        row_count = nz_count = 0
        self.row_offset: dict[str, int] = {}
        self.row_keys: dict[str, Keys] = {}
        for name, rows, codes, cols, coefs in families:
            # CSR: members of each row together, in column order.
            order = np.lexsort((cols, codes))
            counts = np.bincount(codes, minlength=len(rows)).astype("int64")
            starts.append(nz_count + np.concatenate([[0], np.cumsum(counts)])[:len(rows)].astype("int64"))
            index.append(cols[order])
            value.append(coefs[order])
            self.row_offset[name] = row_count
            self.row_keys[name] = rows
            row_count += len(rows)
            nz_count += len(cols)
        self.num_rows = row_count
        self._a_start = np.concatenate(starts).astype("int32")
        self._a_index = np.concatenate(index).astype("int32")
        self._a_value = np.concatenate(value).astype(float)
        # Each share row is [give(i,p), share(i)]: its second entry carries -wanted, a lever.
        self._share_coef_nz = self._a_start[self.row_offset["share"] + np.arange(len(q))] + 1
        self._a_value_base = self._a_value.copy()
        log.debug("rows per family: %s", {name: len(k) for name, k in self.row_keys.items()})

    # Bounds and costs from levers -----------------------------------------------------------
    def set_inputs(self, inputs: Inputs) -> None:
        """Set every bound, cost and lever-driven coefficient; a warm model follows at once."""
        if inputs.scenario is not self.scenario:
            raise ValueError("inputs are for another scenario")
        u, y, a, f, q = self.u, self.y, self.a, self.f, self.q
        lower = np.zeros(self.num_cols)
        upper = np.empty(self.num_cols)
        cost = np.zeros(self.num_cols)
        caps = role_capacity(inputs)
        cap_matrix = np.stack([caps[r] for r in ROLES])  # roles x teams x sessions
        upper[self.u0:self.y0] = cap_matrix[u["r"], u["t"], u["s"]]
        # A need counts only at an open point, where a lever may have closed it.
        sc = self.scenario
        n_s, n_r = self.n_sessions, len(ROLES)
        by_key = np.zeros(len(sc.points) * n_s * n_r)
        by_key[(_codes(sc.points["point_id"], inputs.needs["point_id"]) * n_s
                + _codes(sc.sessions["session_id"], inputs.needs["session_id"])) * n_r
               + _codes(pd.Series(ROLES), inputs.needs["role"])] = inputs.needs["volunteers"].to_numpy()
        need_now = by_key[(self.need["p"] * n_s + self.need["s"]) * n_r + self.need["r"]]
        need_now = np.where(inputs.capacity[self.need["p"]] > 0, need_now, 0)
        upper[self.y0:self.a0] = need_now[y["need_row"]]
        upper[self.a0:self.f0] = np.minimum(need_now[a["need_row"]], inputs.capacity[a["p"]])
        # Bands: district g's whole need (reachable or not) in BANDS whole-number slices. The
        # j-th volunteer of N falls in the band where the coverage before it, (j-1)/N, lies:
        # band k holds ceil(N(k+1)/BANDS) - ceil(Nk/BANDS) of them, so the first is always
        # in band 0, however small the district.
        district_need = np.bincount(self.point_district[self.need["p"]], weights=need_now,
                                    minlength=len(sc.districts)).round().astype("int64")
        n_g, k = district_need[f["g"]], f["k"]
        upper[self.f0:self.q0] = -((-n_g * (k + 1)) // BANDS) + ((-n_g * k) // BANDS)
        wanted = inputs.wanted["wanted"].to_numpy()[q["wanted_row"]]
        upper[self.q0:self.share0] = wanted
        upper[self.share0:] = 1.0

        w = inputs.weights
        travel = TRAVEL_COST * w.travel / max(self.farthest_km, 1e-9)
        cost[self.y0:self.a0] = travel * y["km"]
        cost[self.a0:self.f0] = -np.array([w.role(r) for r in ROLES])[a["r"]]
        cost[self.f0:self.q0] = -FAIRNESS_BONUS * w.fairness * (BANDS - f["k"]) / BANDS
        cost[self.q0:self.share0] = -1.0
        cost[self.share0:] = -1.0

        row_lower = np.zeros(self.num_rows)
        row_upper = np.zeros(self.num_rows)
        totals = role_totals(inputs)

        def set_rows(name: str, low: np.ndarray | float, high: np.ndarray | float) -> None:
            start = self.row_offset[name]
            end = start + len(self.row_keys[name])
            row_lower[start:end], row_upper[start:end] = low, high

        keys_ts = self.row_keys["team_session"]
        set_rows("team_session", -np.inf, inputs.available[keys_ts["t"], keys_ts["s"]] if len(keys_ts) else 0)
        set_rows("team_total", -np.inf, totals["all"][self.row_keys["team_total"]["t"]])
        keys_tr = self.row_keys["team_role_total"]
        per_role = np.where(keys_tr["r"] == _F, totals["first_aid"][keys_tr["t"]],
                            totals["counsellor"][keys_tr["t"]]) if len(keys_tr) else 0
        set_rows("team_role_total", -np.inf, per_role)
        set_rows("pool", 0.0, 0.0)
        set_rows("need", 0.0, 0.0)
        keys_ps = self.row_keys["capacity"]
        set_rows("capacity", -np.inf, inputs.capacity[keys_ps["p"]] if len(keys_ps) else 0)
        set_rows("district_cover", 0.0, 0.0)
        set_rows("stock", -np.inf, inputs.stock[self.row_keys["stock"]["i"]] if len(self.row_keys["stock"]) else 0)
        set_rows("share", 0.0, np.inf)
        a_value = self._a_value_base.copy()
        a_value[self._share_coef_nz] = -wanted

        if self._highs is not None:
            self._push_changes(lower, upper, cost, row_lower, row_upper, a_value)
        self.col_lower, self.col_upper, self.col_cost = lower, upper, cost
        self.row_lower, self.row_upper, self._a_value = row_lower, row_upper, a_value
        self._inputs = inputs
        self._problem = None  # the PuLP copy is rebuilt from these arrays when asked for

    def _push_changes(self, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray,
                      row_lower: np.ndarray, row_upper: np.ndarray, a_value: np.ndarray) -> None:
        """Hand only what changed to the warm HiGHS model, keeping its basis."""
        h = self._highs
        assert h is not None
        changed = np.nonzero((lower != self.col_lower) | (upper != self.col_upper))[0].astype("int32")
        if len(changed):
            h.changeColsBounds(len(changed), changed, lower[changed], upper[changed])
        changed = np.nonzero(cost != self.col_cost)[0].astype("int32")
        if len(changed):
            h.changeColsCost(len(changed), changed, cost[changed])
        changed = np.nonzero((row_lower != self.row_lower) | (row_upper != self.row_upper))[0].astype("int32")
        if len(changed):
            # changeRowsBounds is in highspy, though not in its type stubs.
            h.changeRowsBounds(len(changed), changed, row_lower[changed], row_upper[changed])  # type: ignore[attr-defined]
        changed_nz = self._share_coef_nz[a_value[self._share_coef_nz] != self._a_value[self._share_coef_nz]]
        if len(changed_nz):
            rows = np.searchsorted(self._a_start, changed_nz, side="right") - 1
            for row, nz in zip(rows, changed_nz, strict=True):
                h.changeCoeff(int(row), int(self._a_index[nz]), float(a_value[nz]))

    # Columns to be whole numbers: staffing; supplies are rounded by largest remainder.
    @property
    def integer_columns(self) -> np.ndarray:
        return np.arange(self.u0, self.a0, dtype="int32")

    # PuLP --------------------------------------------------------------------------------
    def names(self) -> tuple[list[str], list[str]]:
        """Readable, unique, LP-file-safe names: ``assign_haidian_hd01_s1_first_aid``."""
        sc = self.scenario
        ids = {
            "t": _safe_ids(sc.teams["team_id"]), "s": _safe_ids(sc.sessions["session_id"]),
            "d": _safe_ids(sc.districts["district_id"]), "p": _safe_ids(sc.points["point_id"]),
            "i": _safe_ids(sc.supplies["item_id"]), "r": np.array(ROLES, dtype=object),
            "k": np.array([f"band{k}" for k in range(BANDS)], dtype=object),
        }
        ids["g"] = ids["d"]  # the district of a point (fairness bands)

        def label(prefix: str, frame: Keys, keys: list[str]) -> list[str]:
            parts = [ids[key][frame[key]].tolist() for key in keys]
            head = prefix + "_"
            return [head + "_".join(each) for each in zip(*parts, strict=True)]

        cols = (label("serve", self.u, ["t", "s", "r"]) + label("assign", self.y, ["d", "p", "s", "r"])
                + label("staffed", self.a, ["p", "s", "r"]) + label("band", self.f, ["g", "k"])
                + label("give", self.q, ["i", "p"]) + label("share", self.share, ["i"]))
        need_keys = self.a.take(self.row_keys["need"]["need"])
        share_keys = self.q.take(self.row_keys["share"]["qrow"])
        rows = (label("team_session", self.row_keys["team_session"], ["t", "s"])
                + label("team_total", self.row_keys["team_total"], ["t"])
                + label("team_role_total", self.row_keys["team_role_total"], ["t", "r"])
                + label("pool", self.row_keys["pool"], ["d", "s", "r"])
                + label("need", need_keys, ["p", "s", "r"])
                + label("capacity", self.row_keys["capacity"], ["p", "s"])
                + label("district_cover", self.row_keys["district_cover"], ["g"])
                + label("stock", self.row_keys["stock"], ["i"])
                + label("share", share_keys, ["i", "p"]))
        return cols, rows

    @property
    def problem(self) -> pulp.LpProblem:
        """The LP as a named PuLP problem, built from the same arrays the solvers see."""
        if self._problem is None:
            if self._inputs is None:
                self.set_inputs(apply_levers(self.scenario))
            self._problem = self._to_pulp()
        return self._problem

    def _to_pulp(self) -> pulp.LpProblem:
        col_names, row_names = self.names()
        prob = pulp.LpProblem(_safe_name(self.scenario.name), pulp.LpMinimize)
        integer = np.zeros(self.num_cols, dtype=bool)
        integer[self.integer_columns] = True
        with paused_gc():
            variables = make_variables(prob, col_names, self.col_lower, self.col_upper, integer)
            set_objective(prob, variables, self.col_cost)
            add_constraints(prob, variables, row_names, self._a_start, self._a_index, self._a_value,
                            self.row_lower, self.row_upper)
        self._variables = variables
        return prob

    # Solving -----------------------------------------------------------------------------
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
        if (solver == "highs" and not highs_available()) or (solver == "cbc" and cbc_path() is None):
            raise SolverUnavailableError(NO_HIGHS if solver == "highs" else NO_CBC)
        if self.num_cols == 0:
            # Nothing to decide (no team can reach any need, nothing wanted): the empty plan
            # is optimal, and solvers report an empty model as an error.
            return Solution(status="optimal", values=np.zeros(0), duals=np.zeros(self.num_rows), objective=0.0,
                            solver=solver, used_integers=False, seconds=0.0)
        if solver == "highs":
            return self._solve_highs(time_limit, warm)
        if solver == "cbc":
            return self._solve_cbc(time_limit)
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, got {solver!r}")

    def _solve_highs(self, time_limit: float | None, warm: bool) -> Solution:
        started = time.perf_counter()
        limit = float(time_limit) if time_limit else highspy.kHighsInf
        if self._highs is None or not warm:
            # A cold solve goes through PuLP's HiGHS interface; later ones reuse its model.
            self.problem.solve(_ArrayHiGHS(self, msg=False, threads=1, timeLimit=time_limit))
            self._highs = self.problem.solverModel
        else:
            self._highs.setOptionValue("time_limit", limit)
            self._highs.run()
        h = self._highs
        status = _highs_status(h)
        solution = h.getSolution()
        values = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual) if status == "optimal" else None
        whole_by = "lp"
        if status == "optimal" and not _is_integral(values[self.integer_columns]):
            remaining = None if not time_limit else max(0.1, time_limit - (time.perf_counter() - started))
            local = self._whole_in_districts(values, remaining)
            if local is not None:
                values, whole_by = local, "districts"
            else:
                status, values = self._integer_resolve(h, time_limit, started)
                whole_by = "integer"
        if status == "none":
            raise NoPlanError(_no_plan_message(h.getModelStatus(), time_limit))
        return Solution(status=status, values=values, duals=duals, objective=float(self.col_cost @ values),
                        solver="highs", used_integers=whole_by != "lp", seconds=time.perf_counter() - started,
                        whole_by=whole_by)

    def _whole_in_districts(self, values: np.ndarray, time_limit: float | None) -> np.ndarray | None:
        """Whole staffing from a fractional LP optimum, re-solving only the districts concerned.

        The fractional part of an LP optimum is local: a few teams' shares (``u``), a few
        pools' flows to points (``y``) and now and then a few needs' staffing (``a``). The
        teams and flows of the districts holding a fractional ``u`` or ``y``, and the
        fractional needs with their points' capacity and their districts' fairness bands,
        are re-solved as a small integer program with the same rows and costs, everything
        else fixed at the LP optimum. Its plan is kept only if the whole objective is within
        the integer re-solve's absolute gap (:data:`MIP_ABS_GAP`) of the LP optimum, a bound
        on the integer optimum, so it is as good as re-solving the whole model with integers
        would guarantee; most often it is the LP optimum exactly. Returns None otherwise
        (then the whole model is solved with integers).
        """
        def fractional(lo: int, hi: int) -> np.ndarray:
            return np.abs(values[lo:hi] - np.rint(values[lo:hi])) > INTEGRALITY_TOLERANCE

        u_d, y_d = self.u["d"], self.y["d"]
        frac_u, frac_y = fractional(self.u0, self.y0), fractional(self.y0, self.a0)
        frac_a = fractional(self.a0, self.f0)
        districts = np.unique(np.concatenate([u_d[frac_u], y_d[frac_y]]))
        free_y = np.isin(y_d, districts) if frac_y.any() else np.zeros(len(y_d), dtype=bool)
        bands = np.unique(self.a["g"][frac_a])
        free_f = np.isin(self.f["g"], bands)
        sub_cols = np.concatenate([self.u0 + np.nonzero(np.isin(u_d, districts))[0], self.y0 + np.nonzero(free_y)[0],
                                   self.a0 + np.nonzero(frac_a)[0], self.f0 + np.nonzero(free_f)[0]])
        integer = np.arange(len(sub_cols)) < len(sub_cols) - int(free_f.sum())
        col_map = -np.ones(self.num_cols, dtype="int64")
        col_map[sub_cols] = np.arange(len(sub_cols))
        # Rows: the teams' and pools' of those districts, and the needs, capacities and bands
        # that a free column is in.
        team_district = np.full(len(self.scenario.teams), -1, dtype="int64")
        team_district[self.u["t"]] = u_d
        a_of_need = np.full(len(self.need), -1, dtype="int64")
        a_of_need[self.a["need_row"]] = np.arange(len(self.a))
        needs = np.union1d(a_of_need[np.unique(self.y["need_row"][free_y])], np.nonzero(frac_a)[0])
        point_sessions = self.a["p"][frac_a] * self.n_sessions + self.a["s"][frac_a]
        capacity = self.row_keys["capacity"]
        rows = [
            self.row_offset["pool"] + np.nonzero(np.isin(self.row_keys["pool"]["d"], districts))[0],
            self.row_offset["need"] + np.nonzero(np.isin(self.row_keys["need"]["need"], needs))[0],
            self.row_offset["capacity"]
            + np.nonzero(np.isin(capacity["p"] * self.n_sessions + capacity["s"], point_sessions))[0],
            self.row_offset["district_cover"] + np.nonzero(np.isin(self.row_keys["district_cover"]["g"], bands))[0],
        ]
        for name in ("team_session", "team_total", "team_role_total"):
            keys = self.row_keys[name]["t"]
            rows.append(self.row_offset[name] + np.nonzero(np.isin(team_district[keys], districts))[0])
        row_ids = np.sort(np.concatenate(rows))
        # Gather the rows' entries from the CSR arrays; columns outside the block are fixed at
        # their (whole) LP values and move to the row bounds.
        ends = np.append(self._a_start[1:], len(self._a_index))
        lengths = (ends[row_ids] - self._a_start[row_ids]).astype("int64")
        first = np.cumsum(lengths) - lengths
        nz = np.repeat(self._a_start[row_ids] - first, lengths) + np.arange(int(lengths.sum()))
        row_of_nz = np.repeat(np.arange(len(row_ids)), lengths)
        cols, coefs = self._a_index[nz], self._a_value[nz]
        inside = col_map[cols] >= 0
        fixed = np.rint(np.bincount(row_of_nz[~inside], weights=coefs[~inside] * values[cols[~inside]],
                                    minlength=len(row_ids)))
        starts = np.concatenate([[0], np.cumsum(np.bincount(row_of_nz[inside], minlength=len(row_ids)))[:-1]])
        h = new_highs()
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", MIP_ABS_GAP / 2)
        if time_limit:
            h.setOptionValue("time_limit", float(time_limit))
        n = len(sub_cols)
        _accepted(h.addCols(n, self.col_cost[sub_cols], self.col_lower[sub_cols], self.col_upper[sub_cols], 0,
                            np.zeros(0, "int32"), np.zeros(0, "int32"), np.zeros(0)), self)
        lower, upper = self.row_lower[row_ids] - fixed, self.row_upper[row_ids] - fixed
        _accepted(h.addRows(len(row_ids), np.where(np.isinf(lower), -highspy.kHighsInf, lower),
                            np.where(np.isinf(upper), highspy.kHighsInf, upper), int(inside.sum()),
                            starts.astype("int32"), col_map[cols[inside]].astype("int32"), coefs[inside]), self)
        h.changeColsIntegrality(n, np.arange(n, dtype="int32"), integer.astype(np.uint8))
        h.run()
        if _highs_status(h) == "none":
            log.info("no whole staffing within districts %s; solving with integers", districts.tolist())
            return None
        whole = values.copy()
        solved = np.asarray(h.getSolution().col_value)
        whole[sub_cols] = np.where(integer, np.rint(solved), solved)
        lost = float(self.col_cost @ whole - self.col_cost @ values)
        if lost > MIP_ABS_GAP:
            log.info("whole staffing within districts %s loses %.4f; solving with integers", districts.tolist(), lost)
            return None
        log.info("whole staffing from %s fractional columns re-solved in %s district(s), objective +%.2g",
                 int(frac_u.sum() + frac_y.sum() + frac_a.sum()), len(districts), lost)
        return whole

    def _integer_resolve(self, h: highspy.Highs, time_limit: float | None, started: float) -> tuple[str, np.ndarray]:
        """Solve the whole model again with integer staffing, warm from the LP; back to an LP after."""
        columns = self.integer_columns
        h.changeColsIntegrality(len(columns), columns, np.ones(len(columns), dtype=np.uint8))
        # An absolute gap well under the least a whole volunteer adds, so no need that an
        # idle team could fill is left unfilled for the sake of a gap.
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", MIP_ABS_GAP)
        if time_limit:
            h.setOptionValue("time_limit", max(0.1, time_limit - (time.perf_counter() - started)))
        h.run()
        status = _highs_status(h)
        values = np.asarray(h.getSolution().col_value)
        # Back to an LP, so the next lever change starts from a basis.
        h.changeColsIntegrality(len(columns), columns, np.zeros(len(columns), dtype=np.uint8))
        return status, values

    def _solve_cbc(self, time_limit: float | None) -> Solution:
        started = time.perf_counter()
        path = cbc_path()
        if path is None:
            raise SolverUnavailableError(NO_CBC)
        prob = self.problem
        variables = self._variables
        for j in self.integer_columns.tolist():
            variables[j].cat = pulp.LpContinuous
        lp_status = prob.solve(pulp.COIN_CMD(path=path, msg=False, timeLimit=time_limit))
        status = _pulp_status(prob)
        values = np.array([v.varValue or 0.0 for v in variables])
        duals = None
        if status == "optimal":
            duals = np.array([c.pi or 0.0 for c in prob.constraints()])
        used_integers = False
        if status == "optimal" and not _is_integral(values[self.integer_columns]):
            used_integers = True
            for j in self.integer_columns.tolist():
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
        return Solution(status=status, values=values, duals=duals, objective=float(self.col_cost @ values),
                        solver="cbc", used_integers=used_integers, seconds=time.perf_counter() - started,
                        whole_by="integer" if used_integers else "lp")

    def write_model(self, path: str | Path) -> None:
        """Write the LP as HiGHS holds it (MPS, or LP by the file's extension), columns in model order.

        Unnamed: HiGHS names columns ``c0, c1...`` and rows ``r0, r1...``; the PuLP problem
        (:attr:`problem`) writes the same LP with readable names, sorted by name.
        """
        h = self._highs
        if h is None:
            if self._inputs is None:
                self.set_inputs(apply_levers(self.scenario))
            h = new_highs()
            self.load_into_highs(h)
        status = h.writeModel(str(path))
        if status == highspy.HighsStatus.kError:
            raise OSError(f"HiGHS could not write {path}")

    def load_into_highs(self, h: highspy.Highs) -> None:
        """Pass the whole LP to a HiGHS object in two calls (columns, then rows by CSR)."""
        upper = np.where(np.isinf(self.col_upper), highspy.kHighsInf, self.col_upper)
        _accepted(h.addCols(self.num_cols, self.col_cost, self.col_lower, upper, 0,
                            np.zeros(0, "int32"), np.zeros(0, "int32"), np.zeros(0)), self)
        _accepted(h.addRows(self.num_rows, np.where(np.isinf(self.row_lower), -highspy.kHighsInf, self.row_lower),
                            np.where(np.isinf(self.row_upper), highspy.kHighsInf, self.row_upper),
                            len(self._a_index), self._a_start, self._a_index, self._a_value), self)


def _accepted(status: highspy.HighsStatus, model: PlanModel) -> None:
    """HiGHS refuses a model with numbers out of its range (leaving it without those rows, which
    would solve to a wrong plan): say so instead."""
    if status == highspy.HighsStatus.kError:
        largest = float(np.abs(model._a_value).max()) if len(model._a_value) else 0.0
        raise NoPlanError(f"HiGHS refused the model: a number in it is out of range (the largest "
                          f"coefficient is {largest:,.0f}); check the scenario's largest figures")


def _codes(ids: pd.Series, values: pd.Series) -> np.ndarray:
    """Positions of ``values`` in ``ids`` (every value is a known id: the scenario was checked)."""
    return pd.Index(ids).get_indexer(values).astype("int64")


def _group(keys: dict[str, np.ndarray]) -> tuple[np.ndarray, Keys]:
    """Group members by their keys (small whole numbers): each member's group, and the groups' keys.

    Groups are numbered in key order (the first key most significant), as a sorted factorize
    of the key tuples would number them, from one combined integer key.
    """
    names = list(keys)
    arrays = [np.asarray(keys[name], dtype="int64") for name in names]
    if len(arrays[0]) == 0:
        return np.zeros(0, dtype="int64"), Keys(**{name: np.zeros(0, dtype="int64") for name in names})
    combined = np.zeros(len(arrays[0]), dtype="int64")
    for values in arrays:
        combined = combined * (int(values.max()) + 1) + values
    uniques, codes = np.unique(combined, return_inverse=True)
    member = np.empty(len(uniques), dtype="int64")
    member[codes] = np.arange(len(codes))
    groups = Keys(**{name: values[member] for name, values in zip(names, arrays, strict=True)})
    return codes.astype("int64"), groups


def _distinct_per_group(group: np.ndarray, values: np.ndarray, n_values: int) -> np.ndarray:
    """For each member, how many distinct ``values`` (0 to n_values - 1) its group holds."""
    pairs = np.unique(group * n_values + values)
    count = np.bincount(pairs // n_values, minlength=int(group.max()) + 1 if len(group) else 0)
    return count[group]


class _ArrayHiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface, handed the model's arrays in one call instead of row by row.

    The problem is solved as an LP (integrality is added by :meth:`PlanModel.solve` only when
    the LP optimum is fractional); values are read as arrays by the model.
    """

    def __init__(self, model: PlanModel, **kwargs: object):
        super().__init__(mip=False, **kwargs)
        # A weak reference: the problem keeps its solver (prob.solver) and the model keeps
        # the problem, and a cycle through a million PuLP objects would outlive the model
        # until a full garbage collection, slowing every collection before it.
        self.model = weakref.proxy(model)

    def createAndConfigureSolver(self, lp: pulp.LpProblem) -> None:
        lp.solverModel = new_highs()
        lp.solverModel.setOptionValue("threads", 1)  # one thread: the same input, the same plan
        if self.timeLimit is not None:
            lp.solverModel.setOptionValue("time_limit", float(self.timeLimit))
        for key, value in self.optionsDict.items():
            lp.solverModel.setOptionValue(key, value)

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
        status = _highs_status(lp.solverModel)
        if status == "optimal":
            return pulp.LpStatusOptimal, pulp.LpSolutionOptimal
        if status == "feasible":
            return pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible
        return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound


_banner_shown = False


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


def _highs_status(h: highspy.Highs) -> str:
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


def _no_plan_message(status: highspy.HighsModelStatus, time_limit: float | None) -> str:
    if status == highspy.HighsModelStatus.kTimeLimit:
        return f"HiGHS found no plan within the time limit of {time_limit:g} s; allow more time (--time-limit)"
    return f"HiGHS found no plan (model status {status.name})"


def _pulp_status(prob: pulp.LpProblem) -> str:
    """PuLP's solution status in our words: optimal, feasible (a plan, no proof) or none."""
    if prob.sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if prob.sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    return "none"


def _is_integral(values: np.ndarray) -> bool:
    return bool(np.all(np.abs(values - np.rint(values)) <= INTEGRALITY_TOLERANCE))


def highs_available() -> bool:
    """True when HiGHS (the highspy package) could be imported."""
    return highspy is not None


def cbc_path() -> str | None:
    """Where CBC (from ``pulp[cbc]``) is: on PATH, or beside this Python."""
    beside = Path(sys.executable).parent / "cbc"
    return shutil.which("cbc") or (str(beside) if beside.exists() else None)


_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def _safe_name(text: str) -> str:
    return _UNSAFE.sub("_", text)[:60] or "plan"


def _safe_ids(ids: pd.Series) -> np.ndarray:
    """Ids as name parts: letters, digits and _; ids that lose characters get their position."""
    values = ids.astype(str).to_numpy(dtype=object)
    safe = np.array([_UNSAFE.sub("_", v) for v in values], dtype=object)
    lossy = safe != values
    if len(set(safe)) != len(safe):
        lossy |= pd.Series(safe).duplicated(keep=False).to_numpy()
    if lossy.any():
        positions = np.arange(len(values)).astype(str)
        safe = np.where(lossy, safe + "_n" + positions, safe).astype(object)
    return safe
