"""The planner's LP: staffing and supplies in one LP, as declared families (docs/model.md).

Teams of one district are alike as far as travel goes, so the LP moves volunteers from a
district's *pool* to points (``y``), while each team's own limits apply to how many of its
members serve in each session and role (``u``); the pool row ties the two. Splitting a
district's flow among its teams afterwards (results/solving.py) is then always exact. Only
pairs that can matter exist: a team-session-role with members, a district within reach of a
need.

Each family of columns and rows is declared once here (:func:`define_columns`, and one
``_row_*`` function per row family, listed in :data:`ROW_FAMILIES` in row order): its keys,
its terms, its bounds and costs as functions of the :class:`Figures` of the inputs, and its
name pattern. :class:`planner.model.families.LinearProgram` makes the arrays, bounds and
names from these declarations. Adding a family is adding a declaration.
"""

from __future__ import annotations

import math
import re
from functools import cached_property

import numpy as np
import pandas as pd

from planner.geo import distance_km
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.model.classes import KINDS, MemberClasses, class_structure, with_sizes
from planner.model.families import ColumnFamily, LinearProgram, RowFamily, Terms, Values
from planner.model.home import scenario_homes
from planner.model.keys import Keys, codes, distinct_per_group, group_sizes
from planner.model.levers import Inputs, Levers, apply_levers

BANDS = 10  # fairness: a district's need is cut into this many coverage bands
FAIRNESS_BONUS = 0.5  # bonus for a volunteer-session in a district's least-covered band, at fairness 1
TRAVEL_COST = 0.04  # cost of a volunteer-session at the model's farthest pair, at travel 1
# Bonus for a volunteer-session at the team's home point: above any travel cost (keeping teams
# together comes before travel), below a step between fairness bands (0.05: fairness first).
TOGETHER_BONUS = 0.045
TURN_COST = 1e-4  # home teams of a point take turns (see z): far below any other difference of costs

_R = {role: i for i, role in enumerate(ROLES)}
_F, _C = _R["first_aid"], _R["counsellor"]


class Figures:
    """The numbers of one set of inputs that bounds, costs and lever coefficients are made of.

    Each is computed once, when a declaration first asks for it.
    """

    def __init__(self, model: Formulation, inputs: Inputs):
        self.model = model
        self.inputs = inputs

    @cached_property
    def class_size(self) -> np.ndarray:
        """Members of each class of identical members now (planner.model.classes), 0 where none."""
        return with_sizes(self.model.classes, self.inputs).size

    @cached_property
    def need(self) -> np.ndarray:
        """Volunteers needed now, per row of ``model.need``; 0 at a closed point."""
        inputs, need, sc = self.inputs, self.model.need, self.model.scenario
        n_s, n_r = self.model.n_sessions, len(ROLES)
        by_key = np.zeros(len(sc.points) * n_s * n_r)
        by_key[(codes(sc.points["point_id"], inputs.needs["point_id"]) * n_s
                + codes(sc.sessions["session_id"], inputs.needs["session_id"])) * n_r
               + codes(pd.Series(ROLES), inputs.needs["role"])] = inputs.needs["volunteers"].to_numpy()
        now = by_key[(need["p"] * n_s + need["s"]) * n_r + need["r"]]
        # A need counts only at an open point, where a lever may have closed it.
        return np.where(inputs.capacity[need["p"]] > 0, now, 0)

    @cached_property
    def district_need(self) -> np.ndarray:
        """Each district's whole need now per role, reachable or not, in volunteer-sessions: districts x roles."""
        need = self.model.need
        n_r = len(ROLES)
        flat = np.bincount(self.model.point_district[need["p"]] * n_r + need["r"], weights=self.need,
                           minlength=len(self.model.scenario.districts) * n_r)
        return flat.round().astype("int64").reshape(-1, n_r)

    @cached_property
    def wanted(self) -> np.ndarray:
        """Units each point wants now, per ``q`` column."""
        return self.inputs.wanted["wanted"].to_numpy()[self.model.q["wanted_row"]]


def _band_sizes(f: Keys, x: Figures) -> np.ndarray:
    """Bands: district g's whole need in role r (reachable or not) in BANDS whole-number slices.

    The j-th volunteer of N falls in the band where the coverage before it, (j-1)/N, lies:
    band k holds ceil(N(k+1)/BANDS) - ceil(Nk/BANDS) of them, so the first is always in
    band 0, however small the district.
    """
    n_g, k = x.district_need[f["g"], f["r"]], f["k"]
    return -((-n_g * (k + 1)) // BANDS) + ((-n_g * k) // BANDS)


def _travel_cost(y: Keys, x: Figures) -> np.ndarray:
    travel = TRAVEL_COST * x.inputs.weights.travel / max(x.model.farthest_km, 1e-9)
    return travel * y["km"]


def _home_cost(z: Keys, x: Figures) -> np.ndarray:
    """A volunteer-session at the team's home point: its travel, less the bonus, plus its turn."""
    return _travel_cost(z, x) - TOGETHER_BONUS * x.inputs.weights.together + TURN_COST * z["turn"] / x.model.n_sessions


def define_columns(m: Formulation, base: Inputs) -> list[ColumnFamily[Figures]]:
    """The column families, in column order; which columns exist follows from ``base``.

    Also sets the model's geography (``km``, ``point_district``, ``need``, ``n_sessions``)
    that the keys are made of.
    """
    sc = m.scenario
    districts = pd.Index(sc.districts["district_id"])
    m.n_sessions = len(sc.sessions)
    team_district = districts.get_indexer(sc.teams["district_id"]).astype("int64")
    m.team_district = team_district
    m.point_district = districts.get_indexer(sc.points["district_id"]).astype("int64")
    km = distance_km(sc.districts["lat"].to_numpy()[:, None], sc.districts["lon"].to_numpy()[:, None],
                     sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])
    m.km = km  # districts x points

    # u[c,s,r]: members of class c (identical members of one team, classes.py) serving in
    # session s in role r: where the class's members are free and trained for the role.
    classes = class_structure(base)
    m.classes = classes
    c_of, s_of = np.nonzero(classes.free)
    c_role, r_of = np.nonzero(classes.roles[c_of])
    uc, us, ur = c_of[c_role], s_of[c_role], r_of
    order = np.lexsort((us, ur, uc))  # class, then role, then session (the order of the old team columns' roles)
    uc, us, ur = uc[order].astype("int64"), us[order].astype("int64"), ur[order].astype("int64")
    ut = classes.team[uc]
    ud = team_district[ut]

    # y[d,p,s,r]: volunteers from district d's pool at point p in session s, role r.
    need = Keys(
        p=codes(sc.points["point_id"], sc.needs["point_id"]),
        s=codes(sc.sessions["session_id"], sc.needs["session_id"]),
        r=codes(pd.Series(ROLES), sc.needs["role"]),
        volunteers=sc.needs["volunteers"].to_numpy(dtype="int64"),
    )
    m.need = need
    n_d = len(districts)
    need_p, need_s, need_r = need["p"], need["s"], need["r"]
    within = km[:, need_p] <= m.reach_km  # districts x needs
    y_need, y_d = np.nonzero(within.T)
    # Keep only pools with both members and reachable needs.
    pool_size = n_d * m.n_sessions * len(ROLES)
    u_pool = (ud * m.n_sessions + us) * len(ROLES) + ur
    y_pool = (y_d * m.n_sessions + need_s[y_need]) * len(ROLES) + need_r[y_need]
    has_members = np.bincount(u_pool, minlength=pool_size) > 0
    has_needs = np.bincount(y_pool, minlength=pool_size) > 0
    keep_u, keep_y = has_needs[u_pool], has_members[y_pool]
    u = Keys(c=uc[keep_u], t=ut[keep_u], s=us[keep_u], r=ur[keep_u], d=ud[keep_u])
    y_need, y_d = y_need[keep_y], y_d[keep_y]
    y_p = need_p[y_need]
    y = Keys(need_row=y_need, d=y_d, p=y_p, km=km[y_d, y_p], s=need_s[y_need], r=need_r[y_need])
    # a[p,s,r]: volunteers at a need, for needs some pool can reach.
    a_need = np.unique(y_need)
    a = Keys(need_row=a_need, p=need_p[a_need], s=need_s[a_need], r=need_r[a_need],
             volunteers=need["volunteers"][a_need], g=m.point_district[need_p[a_need]])
    # f[g,r,k]: the coverage band k of district g's need in role r (fairness per district and
    # role, so a scarce skill is shared between districts, not given to whoever is nearest).
    g_r = np.unique(a["g"] * len(ROLES) + a["r"])
    f = Keys(g=np.repeat(g_r // len(ROLES), BANDS), r=np.repeat(g_r % len(ROLES), BANDS),
             k=np.tile(np.arange(BANDS), len(g_r)))
    # q[i,p]: units of item i for point p; share[i]: the share of wants met for item i.
    wanted = base.wanted
    q = Keys(i=codes(sc.supplies["item_id"], wanted["item_id"]),
             p=codes(sc.points["point_id"], wanted["point_id"]),
             wanted_row=np.arange(len(wanted))).take(wanted["wanted"].to_numpy() > 0)
    share = Keys(i=np.unique(q["i"]))
    m.farthest_km = float(y["km"].max()) if len(y) else 1.0

    # z[c,s,r]: members of class c serving at their team's home point (home.py) in session s,
    # role r: the same need rows as y, rewarded so that teams stay whole and in one place.
    home = scenario_homes(base)
    m.home = home
    n_s, n_r = m.n_sessions, len(ROLES)
    need_of_key = np.full(len(sc.points) * n_s * n_r, -1, dtype="int64")
    need_of_key[(need["p"] * n_s + need["s"]) * n_r + need["r"]] = np.arange(len(need))
    staffed = np.zeros(len(need), dtype=bool)
    staffed[a["need_row"]] = True
    # Each class column's home need (-1: none): only teams with a home, at a need some pool reaches.
    zp = home[ut]
    z_need = np.full(len(uc), -1, dtype="int64")
    has_home = zp >= 0
    z_need[has_home] = need_of_key[(zp[has_home] * n_s + us[has_home]) * n_r + ur[has_home]]
    keep_z = z_need >= 0
    keep_z[keep_z] = staffed[z_need[keep_z]] & (km[ud[keep_z], zp[keep_z]] <= m.reach_km)
    # The home teams of a point take turns: the k-th of them prefers the sessions k, k+1, ...
    # (a preference far below any other cost), so a session's need goes to as few of them as it can.
    turn = np.zeros(len(sc.teams), dtype="int64")
    for point in np.unique(home[home >= 0]):
        members = np.nonzero(home == point)[0]
        turn[members] = np.arange(len(members))
    z = Keys(c=uc[keep_z], t=ut[keep_z], s=us[keep_z], r=ur[keep_z], d=ud[keep_z], p=zp[keep_z],
             need_row=z_need[keep_z], km=km[ud[keep_z], zp[keep_z]],
             turn=(us[keep_z] - turn[ut[keep_z]]) % max(n_s, 1))

    return [
        ColumnFamily("u", u, "serve", ("c", "s", "r"), integer=True, upper=lambda k, x: x.class_size[k["c"]]),
        ColumnFamily("y", y, "assign", ("d", "p", "s", "r"), integer=True,
                     upper=lambda k, x: x.need[k["need_row"]], cost=_travel_cost),
        ColumnFamily("a", a, "staffed", ("p", "s", "r"),
                     upper=lambda k, x: np.minimum(x.need[k["need_row"]], x.inputs.capacity[k["p"]]),
                     cost=lambda k, x: -np.array([x.inputs.weights.role(r) for r in ROLES])[k["r"]]),
        ColumnFamily("f", f, "band", ("g", "r", "k"), upper=_band_sizes,
                     cost=lambda k, x: -FAIRNESS_BONUS * x.inputs.weights.fairness * (BANDS - k["k"]) / BANDS),
        ColumnFamily("q", q, "give", ("i", "p"), upper=lambda k, x: x.wanted, cost=-1.0),
        ColumnFamily("share", share, "share", ("i",), upper=1.0, cost=-1.0),
        ColumnFamily("z", z, "home", ("c", "p", "s", "r"), integer=True,
                     upper=lambda k, x: np.minimum(x.class_size[k["c"]], x.need[k["need_row"]]),
                     cost=_home_cost),
    ]


# Rows ------------------------------------------------------------------------------------
# One function per family, in row order (ROW_FAMILIES); each returns the family's whole declaration.

def _row_class_session(m: Formulation) -> RowFamily[Figures]:
    """A class's members on duty in one session, all roles, never exceed its members (all free then).

    Only where the class has two roles; one role is its column bound.
    """
    u, z = m.u, m.z
    return RowFamily("class_session", (Terms("u", {"c": u["c"], "s": u["s"]}), Terms("z", {"c": z["c"], "s": z["s"]})),
                     label=("c", "s"), upper=lambda k, x: x.class_size[k["c"]],
                     keep=group_sizes({"c": np.concatenate([u["c"], z["c"]]),
                                       "s": np.concatenate([u["s"], z["s"]])}) >= 2)


def _row_class_total(m: Formulation) -> RowFamily[Figures]:
    """Over the exam, a class's volunteer-sessions stay within its members x max_sessions.

    Only where max_sessions is fewer than the sessions the class can serve. With the row
    above and the column bounds this is exact per person: identical members can always be
    rostered round-robin (docs/model.md, "Exact per person").
    """
    u, z = m.u, m.z
    max_sessions = m.scenario.teams["max_sessions"].to_numpy()
    both_c, both_s = np.concatenate([u["c"], z["c"]]), np.concatenate([u["s"], z["s"]])
    keep = max_sessions[m.classes.team[both_c]] < distinct_per_group(both_c, both_s, m.n_sessions)
    return RowFamily("class_total", (Terms("u", {"c": u["c"]}), Terms("z", {"c": z["c"]})), label=("c",),
                     upper=lambda k, x: x.class_size[k["c"]] * max_sessions[m.classes.team[k["c"]]],
                     keep=keep)


def _row_pool(m: Formulation) -> RowFamily[Figures]:
    """A district's pool: what its teams give equals what its points receive."""
    u, y = m.u, m.y
    return RowFamily("pool", (Terms("u", {"d": u["d"], "s": u["s"], "r": u["r"]}),
                              Terms("y", {"d": y["d"], "s": y["s"], "r": y["r"]}, coef=-1.0)),
                     label=("d", "s", "r"), lower=0.0, upper=0.0)


def _row_need(m: Formulation) -> RowFamily[Figures]:
    """A need receives what the pools send it (at most the need: the column bound of a)."""
    a = m.a
    a_of_need = -np.ones(len(m.need), dtype="int64")
    a_of_need[a["need_row"]] = np.arange(len(a))
    return RowFamily("need", (Terms("y", {"need": a_of_need[m.y["need_row"]]}),
                              Terms("z", {"need": a_of_need[m.z["need_row"]]}),
                              Terms("a", {"need": np.arange(len(a))}, coef=-1.0)),
                     label=("p", "s", "r"), label_from="a", lower=0.0, upper=0.0)


def _row_capacity(m: Formulation) -> RowFamily[Figures]:
    """A point's volunteers in a session, all roles, within its capacity (where it has two roles)."""
    a = m.a
    return RowFamily("capacity", (Terms("a", {"p": a["p"], "s": a["s"]}),), label=("p", "s"),
                     upper=lambda k, x: x.inputs.capacity[k["p"]],
                     keep=group_sizes({"p": a["p"], "s": a["s"]}) >= 2)


def _row_district_cover(m: Formulation) -> RowFamily[Figures]:
    """A district's staffed need in a role fills that role's coverage bands (fairness)."""
    return RowFamily("district_cover", (Terms("a", {"g": m.a["g"], "r": m.a["r"]}),
                                        Terms("f", {"g": m.f["g"], "r": m.f["r"]}, coef=-1.0)),
                     label=("g", "r"), lower=0.0, upper=0.0)


def _row_stock(m: Formulation) -> RowFamily[Figures]:
    """An item's units handed out stay within its stock."""
    return RowFamily("stock", (Terms("q", {"i": m.q["i"]}),), label=("i",), upper=lambda k, x: x.inputs.stock[k["i"]])


def _row_share(m: Formulation) -> RowFamily[Figures]:
    """Every point gets at least the item's common share of what it wants: q - wanted x share >= 0.

    One row per ``q`` column; the coefficient of ``share`` is a lever (what the point wants now).
    """
    q, share = m.q, m.share
    share_of_item = -np.ones(int(q["i"].max()) + 1 if len(q) else 0, dtype="int64")
    share_of_item[share["i"]] = np.arange(len(share))
    rows = {"qrow": np.arange(len(q))}
    return RowFamily("share", (Terms("q", rows),
                               Terms("share", rows, at=share_of_item[q["i"]], coef=lambda x: -x.wanted)),
                     label=("i", "p"), label_from="q", lower=0.0, upper=math.inf)


ROW_FAMILIES = (_row_class_session, _row_class_total, _row_pool, _row_need, _row_capacity,
                _row_district_cover, _row_stock, _row_share)


class Formulation(LinearProgram[Figures]):
    """The LP for one scenario and travel reach, from the families declared above.

    The column families' keys are attributes (``u``, ``y``, ``a``, ``f``, ``q``, ``share``,
    see docs/model.md), with where each starts (``u0``, ``y0``...); the row families' keys
    are ``row_keys``. Keys are :class:`Keys` of small integer codes: positions in the
    scenario's tables of teams (``t``), sessions (``s``), roles (``r``), districts (``d``,
    ``g``), points (``p``) and items (``i``).

    Parameters
    ----------
    scenario : Scenario
    reach_km : float
        Farthest pair of district centre and point that gets a variable (``math.inf``: all).
    base : Inputs, optional
        The scenario's own numbers (``apply_levers(scenario)``, no levers), when at hand:
        which columns exist follows from them, whatever levers are set later.
    """

    n_sessions: int
    classes: MemberClasses
    team_district: np.ndarray
    home: np.ndarray
    point_district: np.ndarray
    km: np.ndarray
    need: Keys
    farthest_km: float
    _extra_ids: dict[str, np.ndarray]

    def __init__(self, scenario: Scenario, reach_km: float, *, base: Inputs | None = None):
        self.scenario = scenario
        self.reach_km = reach_km
        if base is None or base.scenario is not scenario or base.levers != Levers():
            base = apply_levers(scenario)
        columns = define_columns(self, base)
        keys = {family.name: family.keys for family in columns}
        self.u, self.y, self.a, self.f, self.q, self.share, self.z = (
            keys[n] for n in ("u", "y", "a", "f", "q", "share", "z"))
        rows = [define(self) for define in ROW_FAMILIES]
        extra_columns, extra_rows, self._extra_ids = self.extra_families(base)
        super().__init__([*columns, *extra_columns], [*rows, *extra_rows])
        self.u0, self.y0, self.a0, self.f0, self.q0, self.share0, self.z0 = (
            self.col_offset[n] for n in ("u", "y", "a", "f", "q", "share", "z"))
        self._inputs: Inputs | None = None

    def extra_families(self, base: Inputs) -> tuple[list[ColumnFamily[Figures]], list[RowFamily[Figures]],
                                                   dict[str, np.ndarray]]:
        """Families a subclass adds after the model's own, with the ids of their new keys for names.

        None here; planner.sweep adds one column per person and session (who showed up).
        """
        return [], [], {}

    def set_inputs(self, inputs: Inputs) -> None:
        """Set every bound, cost and lever-driven coefficient from ``inputs``."""
        self.adopt(self.values_for(inputs))
        self._inputs = inputs

    def values_for(self, inputs: Inputs) -> Values:
        """The bounds, costs and coefficients ``inputs`` give, without setting them."""
        if inputs.scenario is not self.scenario:
            raise ValueError("inputs are for another scenario")
        return self.evaluate(Figures(self, inputs))

    def names(self) -> tuple[list[str], list[str]]:
        """Readable, unique, LP-file-safe names: ``assign_haidian_hd01_s1_first_aid``."""
        sc = self.scenario
        ids = {
            "t": safe_ids(sc.teams["team_id"]), "s": safe_ids(sc.sessions["session_id"]),
            "d": safe_ids(sc.districts["district_id"]), "p": safe_ids(sc.points["point_id"]),
            "i": safe_ids(sc.supplies["item_id"]), "r": np.array(ROLES, dtype=object),
            "k": np.array([f"band{k}" for k in range(BANDS)], dtype=object),
        }
        ids["g"] = ids["d"]  # the district of a point (fairness bands)
        ids.update(self._extra_ids)
        classes = self.classes
        ids["c"] = np.array([f"{team}_{KINDS[kind]}{level}" for team, kind, level in
                             zip(ids["t"][classes.team], classes.kind, classes.level, strict=True)], dtype=object)
        return self.label_names(ids)


_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def safe_name(text: str) -> str:
    """Text as a name: letters, digits and _, at most 60 characters."""
    return _UNSAFE.sub("_", text)[:60] or "plan"


def safe_ids(ids: pd.Series) -> np.ndarray:
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


__all__ = ["BANDS", "FAIRNESS_BONUS", "ROW_FAMILIES", "TRAVEL_COST", "Figures", "Formulation", "define_columns"]
