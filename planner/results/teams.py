"""Keeping teams together: a district's flows to points shared among its teams, in whole pieces.

The LP decides how many volunteers each district's pool sends to each point, session and role
(``y``); which of the district's teams go is left open, and the LP's own split is arbitrary (its
optimum is degenerate). A team is the unit that turns up, so the flows are shared here, district
by district and session by session, so that a team serves at one point in a session and at the
same point from one session to the next wherever the flows allow:

* a *chunk* is one team at one point in a session, as much of the point's remaining need as the
  team's free members can fill, each in a role its members are trained for (its own first-aider
  with it);
* the chunk taken next is the largest; among equal ones, the one that fills the point, then the
  one at the point the team served last, then a team not yet on duty elsewhere in the session,
  then the smallest team (best fit), then the lowest ids;
* a chunk is taken only if the district can still fill every remaining flow of the exam with
  the members and sessions left (a max-flow over classes, sessions and roles); if no chunk can,
  the session's rest is shared by that max-flow's own answer.

Every flow is filled exactly, so needs, fairness and travel are what the LP made them; only who
goes where changes. Class limits (members free per session, sessions per member) hold throughout,
so the pieces can be rostered person by person (roster.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

N_ROLES = 3
COUNSELLOR, FIRST_AID, GENERAL = 2, 1, 0
# The order a chunk fills roles in: the scarce skills first, so a team brings its own.
ROLE_ORDER = (COUNSELLOR, FIRST_AID, GENERAL)
# Which kinds of member fill a role first (kinds as in planner.model.classes: 0 both,
# 1 first aid, 2 counsellor, 3 neither): the least skilled who can, so skills stay free.
KIND_PREFERENCE = {GENERAL: (3, 1, 2, 0), FIRST_AID: (1, 0), COUNSELLOR: (2, 0)}


@dataclass(frozen=True)
class Pieces:
    """Volunteers of one class at one point in one session and role (aligned arrays)."""

    cls: np.ndarray
    p: np.ndarray
    s: np.ndarray
    r: np.ndarray
    amount: np.ndarray


def share_flows(*, class_team: np.ndarray, class_kind: np.ndarray, class_size: np.ndarray, class_free: np.ndarray,
                class_budget: np.ndarray, class_district: np.ndarray, flow_d: np.ndarray, flow_p: np.ndarray,
                flow_s: np.ndarray, flow_r: np.ndarray, flow_amount: np.ndarray, n_sessions: int) -> Pieces:
    """Share every district's flows among its teams' classes (see the module's notes).

    Parameters
    ----------
    class_team, class_kind, class_size, class_free, class_budget, class_district
        Per class: its team, kind, members now, free sessions (classes x sessions), most
        volunteer-sessions over the exam (members x max_sessions), and its team's district.
    flow_d, flow_p, flow_s, flow_r, flow_amount
        The LP's whole flows: district, point, session, role, volunteers (> 0).
    n_sessions
        Sessions in time order are 0 to n_sessions - 1.

    Raises
    ------
    AssertionError
        A district's flows cannot be filled by its classes (the model's rows were not met).
    """
    out: list[tuple[int, int, int, int, int]] = []
    for d in np.unique(flow_d):
        in_d = flow_d == d
        classes = np.nonzero((class_district == d) & (class_size > 0))[0]
        district = _District(classes, class_team[classes], class_kind[classes], class_size[classes],
                             class_free[classes], class_budget[classes].copy(), n_sessions)
        district.share(flow_p[in_d], flow_s[in_d], flow_r[in_d], flow_amount[in_d], out)
    if not out:
        empty = np.zeros(0, dtype="int64")
        return Pieces(empty, empty, empty, empty, empty)
    cls, p, s, r, amount = (np.array(column, dtype="int64") for column in zip(*out, strict=True))
    return Pieces(cls=cls, p=p, s=s, r=r, amount=amount)


class _District:
    """One district's classes while its flows are shared, session by session."""

    def __init__(self, classes: np.ndarray, team: np.ndarray, kind: np.ndarray, size: np.ndarray,
                 free: np.ndarray, budget: np.ndarray, n_sessions: int):
        self.classes, self.team, self.kind, self.size = classes, team, kind, size
        self.free, self.budget, self.n_sessions = free, budget, n_sessions
        self.teams = np.unique(team)
        self.members_of = {int(t): np.nonzero(team == t)[0] for t in self.teams}
        self.members_of_list = {t: members.tolist() for t, members in self.members_of.items()}
        self.can = np.zeros((len(classes), N_ROLES), dtype=bool)
        self.can[:, GENERAL] = True
        self.can[:, FIRST_AID] = (kind == 0) | (kind == 1)
        self.can[:, COUNSELLOR] = (kind == 0) | (kind == 2)
        self.last_point: dict[int, int] = {}
        # Per team and role, its classes in the order they fill the role (KIND_PREFERENCE).
        self.fill_order = {
            int(team): {role: [int(c) for k in KIND_PREFERENCE[role] for c in members[self.kind[members] == k]]
                        for role in ROLE_ORDER}
            for team, members in self.members_of.items()
        }
        self._graph = _FeasibilityGraph(self.can, free, size, n_sessions)

    def share(self, p: np.ndarray, s: np.ndarray, r: np.ndarray, amount: np.ndarray,
              out: list[tuple[int, int, int, int, int]]) -> None:
        demand = np.zeros((self.n_sessions, N_ROLES), dtype="int64")  # what is left to fill, per session and role
        np.add.at(demand, (s, r), amount)
        witness = self._graph.fill(0, demand, self.budget, self.size)
        if witness is None:
            raise AssertionError("a district's flows cannot be filled by its teams: the model's rows were not met")
        self.witness = witness
        self._next_witness: np.ndarray | None = None
        for session in range(self.n_sessions):
            here = s == session
            if not here.any():
                continue
            points = np.unique(p[here])
            need = np.zeros((len(points), N_ROLES), dtype="int64")
            np.add.at(need, (np.searchsorted(points, p[here]), r[here]), amount[here])
            self._share_session(session, points, need, demand, out)

    def _share_session(self, session: int, points: np.ndarray, need: np.ndarray, demand: np.ndarray,
                       out: list[tuple[int, int, int, int, int]]) -> None:
        used = np.zeros(len(self.classes), dtype="int64")  # members of each class on duty now
        on_duty_at: dict[int, set[int]] = {}  # team -> points it serves this session
        while need.any():
            taken = False
            for chunk in self._ranked_chunks(session, points, need, used, on_duty_at):
                index, take = chunk
                if self._still_feasible(session, demand, used, take):
                    self._apply(session, points[index], take, need[index], demand, used, on_duty_at, out)
                    taken = True
                    break
            if not taken:
                self._share_by_flow(session, points, need, demand, used, out)
                break
        for team, served in on_duty_at.items():
            # The point it served most this session is where it is "last" (ties: the lowest).
            self.last_point[team] = min(served)

    def _capacity(self, session: int, used: np.ndarray) -> np.ndarray:
        """Members of each class who may still go on duty in this session."""
        return np.where(self.free[:, session], np.minimum(self.size - used, self.budget), 0)

    def _chunk(self, team: int, need: np.ndarray, capacity: list[int]) -> dict[tuple[int, int], int]:
        """What ``team`` can fill of a point's need: (class position, role) -> volunteers."""
        left: dict[int, int] = {}
        take: dict[tuple[int, int], int] = {}
        for role in ROLE_ORDER:
            want = int(need[role])
            if want == 0:
                continue
            for c in self.fill_order[team][role]:
                give = min(want, left.get(c, capacity[c]))
                if give > 0:
                    take[(c, role)] = give
                    left[c] = left.get(c, capacity[c]) - give
                    want -= give
                    if want == 0:
                        break
        return take

    def _ranked_chunks(self, session: int, points: np.ndarray, need: np.ndarray, used: np.ndarray,
                       on_duty_at: dict[int, set[int]]) -> list[tuple[int, dict[tuple[int, int], int]]]:
        capacity = self._capacity(session, used).tolist()
        ranked = []
        for index in np.nonzero(need.any(axis=1))[0]:
            point = int(points[index])
            total_need = int(need[index].sum())
            for team in self.teams.tolist():
                free_members = sum(capacity[c] for c in self.members_of_list[team])
                if free_members == 0:
                    continue
                take = self._chunk(team, need[index], capacity)
                amount = sum(take.values())
                if amount == 0:
                    continue
                elsewhere = bool(on_duty_at.get(team, set()) - {point})
                key = (-amount, amount < total_need, self.last_point.get(team) != point, elsewhere,
                       free_members, team, point)
                ranked.append((key, int(index), take))
        ranked.sort(key=lambda item: item[0])
        return [(index, take) for _, index, take in ranked]

    def _still_feasible(self, session: int, demand: np.ndarray, used: np.ndarray,
                        take: dict[tuple[int, int], int]) -> bool:
        """Whether taking ``take`` now leaves every remaining flow fillable.

        ``witness`` is a way to fill what is left (classes x sessions x roles): a chunk within
        it leaves the rest of it a way to fill what is left then, with no max-flow to run.
        """
        if all(amount <= self.witness[c, session, role] for (c, role), amount in take.items()):
            self._next_witness = None
            return True
        used_after = used.copy()
        demand_after = demand.copy()
        budget_after = self.budget.copy()
        for (c, role), amount in take.items():
            used_after[c] += amount
            budget_after[c] -= amount
            demand_after[session, role] -= amount
        self._next_witness = self._graph.fill(session, demand_after, budget_after, self.size - used_after)
        return self._next_witness is not None

    def _apply(self, session: int, point: int, take: dict[tuple[int, int], int], need_row: np.ndarray,
               demand: np.ndarray, used: np.ndarray, on_duty_at: dict[int, set[int]],
               out: list[tuple[int, int, int, int, int]]) -> None:
        if self._next_witness is not None:
            self.witness = self._next_witness
        else:
            for (c, role), amount in take.items():
                self.witness[c, session, role] -= amount
        for (c, role), amount in sorted(take.items()):
            used[c] += amount
            self.budget[c] -= amount
            demand[session, role] -= amount
            need_row[role] -= amount
            out.append((int(self.classes[c]), point, session, role, amount))
            on_duty_at.setdefault(int(self.team[c]), set()).add(point)

    def _share_by_flow(self, session: int, points: np.ndarray, need: np.ndarray, demand: np.ndarray,
                       used: np.ndarray, out: list[tuple[int, int, int, int, int]]) -> None:
        """The session's rest as the max-flow shares it (always possible: the rest was feasible)."""
        loads = self.witness[:, session, :].copy()
        for role in ROLE_ORDER:
            for c in np.nonzero(loads[:, role])[0]:
                left = int(loads[c, role])
                for index in np.nonzero(need[:, role])[0]:
                    give = min(left, int(need[index, role]))
                    if give == 0:
                        continue
                    need[index, role] -= give
                    left -= give
                    used[c] += give
                    self.budget[c] -= give
                    demand[session, role] -= give
                    out.append((int(self.classes[c]), int(points[index]), session, role, give))
                    if left == 0:
                        break
        if need.any():
            raise AssertionError("a district's flows cannot be filled by its teams: the model's rows were not met")


class _FeasibilityGraph:
    """Can a district's classes still fill what is left? A max-flow over a fixed graph.

    Source -> class (its sessions left) -> class in session (its members free then) ->
    session and role (where the class may serve it) -> sink (what is left to fill).
    """

    def __init__(self, can: np.ndarray, free: np.ndarray, size: np.ndarray, n_sessions: int):
        n_classes = len(can)
        self.size = size
        self.n_classes, self.n_sessions = n_classes, n_sessions
        cs_c, cs_s = np.nonzero(free)
        self.cs_c, self.cs_s = cs_c, cs_s
        n_cs = len(cs_c)
        self.class_node = 1 + np.arange(n_classes)
        self.cs_node = 1 + n_classes + np.arange(n_cs)
        self.sr_base = 1 + n_classes + n_cs
        self.sink = self.sr_base + n_sessions * N_ROLES
        tails, heads = [np.zeros(n_classes, dtype="int64")], [self.class_node]
        tails.append(self.class_node[cs_c])
        heads.append(self.cs_node)
        allowed_cs, allowed_r = np.nonzero(can[cs_c])
        self.cs_role_cs, self.cs_role_r = allowed_cs, allowed_r
        tails.append(self.cs_node[allowed_cs])
        heads.append(self.sr_base + cs_s[allowed_cs] * N_ROLES + allowed_r)
        tails.append(self.sr_base + np.arange(n_sessions * N_ROLES))
        heads.append(np.full(n_sessions * N_ROLES, self.sink))
        tails_all, heads_all = np.concatenate(tails), np.concatenate(heads)
        self.n_nodes = int(self.sink) + 1
        # The graph's structure is fixed: build it once, and per question only set its
        # capacities (csr data, in the csr's own order of the edges).
        order = np.lexsort((heads_all, tails_all))
        self._order = order
        self._graph = csr_matrix((np.ones(len(order), dtype="int32"), (tails_all[order], heads_all[order])),
                                 shape=(self.n_nodes, self.n_nodes))
        self._graph.sort_indices()
        self.n_cs_role = len(allowed_cs)
        # Edge positions of (class in session s) -> (s, role), for reading loads back.
        self._cs_role_edge = np.empty(len(allowed_cs), dtype="int64")
        position = np.empty(len(order), dtype="int64")
        position[order] = np.arange(len(order))
        self._position = position
        first_cs_role = n_classes + n_cs
        self._cs_role_edge = position[first_cs_role + np.arange(len(allowed_cs))]

    def _solve(self, session: int, demand: np.ndarray, budget: np.ndarray,
               free_now: np.ndarray) -> tuple[object, int]:
        big = int(demand.sum()) + 1
        # This session: the members not yet on duty; later ones: all; earlier ones: none.
        cs_cap = np.where(self.cs_s == session, free_now[self.cs_c],
                          np.where(self.cs_s > session, self.size[self.cs_c], 0))
        rest = demand.copy()
        rest[:session] = 0
        capacity = np.concatenate([np.maximum(budget, 0), np.maximum(cs_cap, 0),
                                   np.full(self.n_cs_role, big), rest.reshape(-1)]).astype("int32")
        graph = self._graph.copy()
        graph.data = capacity[self._order]
        return maximum_flow(graph, 0, int(self.sink)), int(rest.sum())

    def fill(self, session: int, demand: np.ndarray, budget: np.ndarray, free_now: np.ndarray) -> np.ndarray | None:
        """A way to fill what is left from ``session`` on (classes x sessions x roles), or None if there is none."""
        result, total = self._solve(session, demand, budget, free_now)
        if int(result.flow_value) != total:  # type: ignore[attr-defined]
            return None
        flow = result.flow  # type: ignore[attr-defined]
        values = np.asarray(flow[self.cs_node[self.cs_role_cs], self.sr_base + self.cs_s[self.cs_role_cs] * N_ROLES
                                 + self.cs_role_r]).ravel().astype("int64")
        witness = np.zeros((self.n_classes, self.n_sessions, N_ROLES), dtype="int64")
        np.add.at(witness, (self.cs_c[self.cs_role_cs], self.cs_s[self.cs_role_cs], self.cs_role_r), values)
        return witness
