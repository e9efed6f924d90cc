"""One district's flows shared among its classes, session by session, chunk by chunk.

The method is planner.results.teams's (its notes say what a chunk, its rank and the witness
are); here is the district's state while it runs: per session the points' needs and the
classes' members free, the chunks of the teams a step considers, and the witness, a way to fill
what is left that a chunk must keep (planner.results.feasibility answers when simple swaps
cannot). The loops run over Python lists (numpy is kept for the per-session sums over a
district's classes): numpy's per-element indexing costs more than the arithmetic it does, and the
step's state (members free per team, the witness's loads, need per point) is kept up to date as
chunks are taken, not recomputed. The candidates a step looks at are bounded (TOP_POINTS,
TOP_TEAMS, REPAIRS_PER_CHUNK), so the work grows with the plan, not with its square.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from dataclasses import dataclass

import numpy as np

from planner.results.feasibility import COUNSELLOR, FIRST_AID, GENERAL, N_ROLES, FeasibilityGraph

TOP_POINTS = 4  # the points with the most need left that a step considers
TOP_TEAMS = 4  # besides a point's own teams, the teams with the most members free that it considers
REPAIRS_PER_CHUNK = 3  # chunks beyond the witness tried per step; past them only chunks within it
FLOWS_PER_SESSION = 2  # max-flows a district may run per session to take a chunk (see _still_feasible)
# The order a chunk fills roles in: the scarce skills first, so a team brings its own.
ROLE_ORDER = (COUNSELLOR, FIRST_AID, GENERAL)
# Which kinds of member fill a role first (kinds as in planner.model.classes: 0 both,
# 1 first aid, 2 counsellor, 3 neither): the least skilled who can, so skills stay free.
KIND_PREFERENCE = {GENERAL: (3, 1, 2, 0), FIRST_AID: (1, 0), COUNSELLOR: (2, 0)}

# A piece as a sharing makes it: (class, point, session, role, volunteers).
PieceRow = tuple[int, int, int, int, int]
# A chunk as the session ranks it: (rank, option number, team, point index, (class, role) -> volunteers).
RankedChunk = tuple[tuple[int, ...], int, int, int, dict[tuple[int, int], int]]


@dataclass
class _WitnessNow:
    """The witness in one session as plain lists, what each step of the session reads."""

    session: int
    loads: list[list[int]]  # class position -> role -> volunteers
    loaded: list[list[int]]  # role -> the class positions with a load in it (ascending)
    planned: dict[int, int]  # team -> its classes' loads
    ranking: list[tuple[int, int]]  # the teams with a load, the most first: (-volunteers, team), see _ranking

    def set_loads(self, c: int, team: int, load: list[int]) -> None:
        """Class position ``c`` (of ``team``) has ``load`` now: its classes per role, team total and rank follow."""
        before = self.loads[c]
        for role in range(N_ROLES):
            if before[role] and not load[role]:
                self.loaded[role].remove(c)
            elif load[role] and not before[role]:
                insort(self.loaded[role], c)
        planned = self.planned[team] + sum(load) - sum(before)
        _rerank(self.ranking, team, self.planned[team], planned)
        self.planned[team] = planned
        self.loads[c] = load


def _ranking(values: dict[int, int]) -> list[tuple[int, int]]:
    """The keys with a value above 0, the largest value first, then the lowest key: (-value, key)."""
    return sorted((-value, key) for key, value in values.items() if value > 0)


def _rerank(ranking: list[tuple[int, int]], key: int, old: int, new: int) -> None:
    """Keep a :func:`_ranking` in order as ``key``'s value goes from ``old`` to ``new``."""
    if old > 0:
        del ranking[bisect_left(ranking, (-old, key))]
    if new > 0:
        insort(ranking, (-new, key))


class DistrictSharing:
    """One district's classes while its flows are shared, session by session."""

    def __init__(self, classes: np.ndarray, team: np.ndarray, kind: np.ndarray, size: np.ndarray,
                 free: np.ndarray, budget: np.ndarray, n_sessions: int):
        self.classes, self.team, self.kind, self.size = classes, team, kind, size
        self.budget, self.n_sessions = budget, n_sessions
        self.teams = np.unique(team)
        self.teams_list = self.teams.tolist()
        self.members_of = {int(t): np.nonzero(team == t)[0] for t in self.teams}
        self.members_of_list = {t: members.tolist() for t, members in self.members_of.items()}
        self.team_position = np.searchsorted(self.teams, team)  # each class's team, as a position in self.teams
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
        self._graph = FeasibilityGraph(self.can, free, size, n_sessions)
        # Per team, the sessions some member of it is free in (bit s: session s); per session, the
        # bits of the sessions after it: whether a team could still serve a point later (_ranked_chunk).
        self._team_free = dict.fromkeys(self.teams_list, 0)
        for c, row in enumerate(free.tolist()):
            self._team_free[int(team[c])] |= sum(1 << k for k, is_free in enumerate(row) if is_free)
        self._later = [((1 << n_sessions) - 1) ^ ((1 << (k + 1)) - 1) for k in range(n_sessions)]
        self._point_sessions: dict[int, int] = {}
        self._team_budget: dict[int, int] = {}
        self.can_list, self.free_list, self.size_list = self.can.tolist(), free.tolist(), size.tolist()
        self.team_of = team.tolist()  # each class position's team
        self._witness_rows: _WitnessNow | None = None
        self.witness = np.zeros((len(classes), n_sessions, N_ROLES), dtype="int64")

    @property
    def witness(self) -> np.ndarray:
        """A way to fill what is left (classes x sessions x roles); see :meth:`_still_feasible`."""
        return self._witness

    @witness.setter
    def witness(self, value: np.ndarray) -> None:
        self._witness = value
        self._witness_rows = None

    def _now(self, session: int) -> _WitnessNow:
        """The witness in ``session``, as lists (made again only once the witness is replaced)."""
        if self._witness_rows is None or self._witness_rows.session != session:
            loads = self._witness[:, session, :]
            totals = np.bincount(self.team_position, weights=loads.sum(axis=1), minlength=len(self.teams))
            planned = dict(zip(self.teams_list, totals.astype("int64").tolist(), strict=True))
            self._witness_rows = _WitnessNow(session, loads.tolist(),
                                             [np.nonzero(loads[:, r])[0].tolist() for r in range(N_ROLES)],
                                             planned, _ranking(planned))
        return self._witness_rows

    def share(self, p: np.ndarray, s: np.ndarray, r: np.ndarray, amount: np.ndarray,
              out: list[PieceRow]) -> None:
        demand = np.zeros((self.n_sessions, N_ROLES), dtype="int64")  # what is left to fill, per session and role
        np.add.at(demand, (s, r), amount)
        # The sessions the district sends volunteers to each point in (bit s: session s), and the
        # volunteer-sessions each team may still give over the exam (kept as chunks are taken).
        for point, session in zip(p.tolist(), s.tolist(), strict=True):
            self._point_sessions[point] = self._point_sessions.get(point, 0) | (1 << session)
        self._team_budget = {team: int(self.budget[members].sum()) for team, members in self.members_of.items()}
        # The LP's own class loads are a way to fill the district's flows: the first witness.
        self._next_witness: np.ndarray | None = None
        # A repair's witness in this session where it differs (class position -> loads per role).
        self._next_loads: dict[int, list[int]] | None = None
        for session in range(self.n_sessions):
            here = s == session
            if not here.any():
                continue
            points = np.unique(p[here])
            need = np.zeros((len(points), N_ROLES), dtype="int64")
            np.add.at(need, (np.searchsorted(points, p[here]), r[here]), amount[here])
            self._share_session(session, points, need, demand, out)

    def _share_session(self, session: int, points: np.ndarray, need_array: np.ndarray, demand: np.ndarray,
                       out: list[PieceRow]) -> None:
        """The session's chunks, the best first, each taken only if the rest stays fillable."""
        used = np.zeros(len(self.classes), dtype="int64")  # members of each class on duty now
        on_duty_at: dict[int, set[int]] = {}  # team -> points it serves this session
        serving: set[int] = set()  # the points some team serves this session
        self._flows_left = FLOWS_PER_SESSION
        # The teams a point considers: those that served it last (at first, its home teams), those
        # on duty there now, and the TOP_TEAMS with the most members free; each (team, point) chunk
        # is made once, and again only when that team or point changed.
        regulars: dict[int, list[int]] = {}
        for team, point in sorted(self.last_point.items()):
            regulars.setdefault(point, []).append(team)
        chunks: dict[tuple[int, int], list[RankedChunk]] = {}
        stale_teams: set[int] = set()
        stale_points: set[int] = set()
        chunks_of_team: dict[int, list[tuple[int, int]]] = {}  # the keys of chunks, by team and by point
        chunks_at: dict[int, list[tuple[int, int]]] = {}
        # The step's state as plain lists, kept up to date as chunks are taken (numpy's per-call
        # cost outweighs its arithmetic on a district's few classes): what each point still needs
        # per role, each class's members free now, and per team the sum of those.
        need = need_array.tolist()
        need_left = int(need_array.sum())
        capacity = [self._capacity(session, used, c) for c in range(len(self.classes))]
        free_of = {team: sum(capacity[c] for c in members) for team, members in self.members_of_list.items()}
        by_free = _ranking(free_of)
        by_need = _ranking({index: sum(row) for index, row in enumerate(need)})
        while need_left:
            for key in [key for team in stale_teams for key in chunks_of_team.pop(team, ())] \
                    + [key for index in stale_points for key in chunks_at.pop(index, ())]:
                chunks.pop(key, None)
            stale_teams, stale_points = set(), set()
            # The TOP_TEAMS with the most members free (then the lowest ids) ...
            top = [team for _, team in by_free[:TOP_TEAMS]]
            # ... and the TOP_TEAMS the witness has give the most now: their planned chunks are
            # always possible, so a session never runs out of chunks to take.
            now = self._now(session)
            top += [team for _, team in now.ranking[:2 * TOP_TEAMS] if team not in top][:TOP_TEAMS]
            # The points with the most need left (then the lowest): the largest chunks are there.
            open_points = [index for _, index in by_need[:TOP_POINTS]]
            for index in open_points:
                point = int(points[index])
                need_row = need[index]
                here = [team for team, served in on_duty_at.items() if point in served] if point in serving else ()
                for team in (*regulars.get(point, ()), *here, *top):
                    if (team, index) not in chunks:
                        chunks[(team, index)] = self._ranked_chunk(now, team, index, point, need_row,
                                                                   capacity, free_of[team], on_duty_at)
                        chunks_of_team.setdefault(team, []).append((team, index))
                        chunks_at.setdefault(index, []).append((team, index))
            # (rank, n) is unique (the rank ends in team and point), so the tuples sort by it alone.
            here_keys = {key for index in open_points for key in chunks_at.get(index, ()) if key in chunks}
            ranked = sorted([option for key in here_keys for option in chunks[key]])
            self._repairs_left = REPAIRS_PER_CHUNK
            for _, _, team, index, take in ranked:
                if self._still_feasible(session, demand, used, take):
                    self._apply(session, int(points[index]), take, need[index], demand, used, on_duty_at, out)
                    taken = sum(take.values())
                    need_left -= taken
                    _rerank(by_need, index, sum(need[index]) + taken, sum(need[index]))
                    for c, _ in take:
                        capacity[c] = self._capacity(session, used, c)
                    free = sum(capacity[c] for c in self.members_of_list[team])
                    _rerank(by_free, team, free_of[team], free)
                    free_of[team] = free
                    serving.add(int(points[index]))
                    stale_teams.add(team)
                    stale_points.add(index)
                    break
            else:
                self._share_by_flow(session, points, np.array(need, dtype="int64"), demand, used, out)
                break
        for team, served in on_duty_at.items():
            # Where the team is "last": the lowest of the points it served this session.
            self.last_point[team] = min(served)

    def _ranked_chunk(self, now: _WitnessNow, team: int, index: int, point: int, need: list[int], capacity: list[int],
                      free_members: int, on_duty_at: dict[int, set[int]]) -> list[RankedChunk]:
        """The chunks of ``team`` at a point with their ranks (smaller first): as much as the team can
        give, and (when it differs) as much as the witness has it give, which is always possible.

        Largest first; then one that fills the point; one at the team's last point; a team not on
        duty elsewhere this session; the smallest team (best fit: ``free_members``, its members
        free now); among teams as large, one that could serve the point again later (members free
        in a later session that sends volunteers there, and sessions left to give after this
        chunk), so that it need not move then; the lowest ids.
        """
        if free_members == 0:
            return []
        most = self._chunk(team, need, capacity)
        # (a team the witness has give nothing now has no planned chunk)
        planned = self._chunk(team, need, capacity, loads=now.loads) if now.planned[team] else {}
        takes = [take for take in (most, planned) if take] if planned != most else [most] if most else []
        if not takes:
            return []
        needed = need[0] + need[1] + need[2]
        elsewhere = int(any(served != point for served in on_duty_at.get(team, ())))
        away = int(self.last_point.get(team) != point)
        later_here = self._team_free[team] & self._point_sessions.get(point, 0) & self._later[now.session]
        options: list[RankedChunk] = []
        for n, take in enumerate(takes):
            amount = sum(take.values())
            no_later = int(not later_here or self._team_budget[team] <= amount)
            options.append(((-amount, int(amount < needed), away, elsewhere, free_members, no_later, team, index), n,
                            team, index, take))
        return options

    def _capacity(self, session: int, used: np.ndarray, c: int) -> int:
        """Members of class position ``c`` who may still go on duty in this session."""
        return min(self.size_list[c] - int(used[c]), int(self.budget[c])) if self.free_list[c][session] else 0

    def _chunk(self, team: int, need: list[int], capacity: list[int], *,
               loads: list[list[int]] | None = None) -> dict[tuple[int, int], int]:
        """What ``team`` can fill of a point's need: (class position, role) -> volunteers.

        With ``loads`` (the witness's now), only what the witness has each class give in each role.
        """
        left: dict[int, int] = {}
        take: dict[tuple[int, int], int] = {}
        order = self.fill_order[team]
        for role in ROLE_ORDER:
            want = need[role]
            if want == 0:
                continue
            for c in order[role]:
                room = left[c] if c in left else capacity[c]
                if loads is not None and loads[c][role] < room:
                    room = loads[c][role]
                if room > 0:
                    give = want if want < room else room
                    take[(c, role)] = give
                    left[c] = room - give if loads is None else (left[c] if c in left else capacity[c]) - give
                    want -= give
                    if want == 0:
                        break
        return take

    def _still_feasible(self, session: int, demand: np.ndarray, used: np.ndarray,
                        take: dict[tuple[int, int], int]) -> bool:
        """Whether taking ``take`` now surely leaves every remaining flow fillable.

        ``witness`` is a way to fill what is left (classes x sessions x roles): a chunk within it
        leaves the rest of it a way to fill what is left then; a chunk beyond it is taken if simple
        swaps make the witness hold it (:meth:`_repair`), or else a max-flow finds another witness,
        at most ``FLOWS_PER_SESSION`` times a session (past them a chunk is passed over, which
        only costs keeping a team together, never a need).
        """
        self._next_witness = None
        self._next_loads = None
        now = self._now(session).loads
        if all(amount <= now[c][role] for (c, role), amount in take.items()):
            return True
        if self._repairs_left == 0:
            return False
        self._repairs_left -= 1
        self._next_witness = self._repair(session, used, take)
        if self._next_witness is not None:
            return True
        if self._flows_left == 0:
            return False
        self._flows_left -= 1
        used_after = used.copy()
        demand_after = demand.copy()
        budget_after = self.budget.copy()
        for (c, role), amount in take.items():
            used_after[c] += amount
            budget_after[c] -= amount
            demand_after[session, role] -= amount
        start = self.witness.copy()
        for (c, role), amount in take.items():
            start[c, session, role] -= amount
        self._next_witness = self._graph.fill(session, demand_after, budget_after, self.size - used_after, start)
        return self._next_witness is not None

    def _repair(self, session: int, used: np.ndarray, take: dict[tuple[int, int], int]) -> np.ndarray | None:
        """The witness changed by swaps so that it holds ``take``, or None when no simple swap does.

        Where the chunk has class c in role r beyond the witness by d, another class c2 that the
        witness has in (session, r) gives d of it up, and c gives d of something else up to c2:
        another role in this session, or one of c's later sessions where c2 is free with room.
        Every class then serves as many volunteer-sessions as before, so the witness still keeps
        every limit. The witness returned is for what is left after the chunk.
        """
        # In plain Python over lists: the session's loads of every class, and the whole rows of the
        # classes a swap reaches into later sessions (their row of this session is the same list).
        base = self._now(session).loads
        loaded = self._now(session).loaded
        changed: dict[int, list[int]] = {}  # copies of the session's rows that the swaps change
        rows: dict[int, list[list[int]]] = {}
        can, free, size = self.can_list, self.free_list, self.size_list

        def now(c: int) -> list[int]:
            found = changed.get(c)
            if found is None:
                found = changed[c] = list(base[c])
            return found

        def row(c: int) -> list[list[int]]:
            found = rows.get(c)
            if found is None:
                found = rows[c] = self.witness[c].tolist()
                found[session] = now(c)
            return found

        n_sessions = self.n_sessions
        for (c, role), amount in sorted(take.items()):
            short = amount - (changed[c] if c in changed else base[c])[role]
            if short <= 0:
                continue
            # The classes the witness has in the role now, in order, made as the loop goes (it mostly
            # ends after a few): those unchanged, merged with those the swaps changed. A class the
            # loop changes is the one it is at, so "unchanged" may be asked late.
            changed_here = sorted(c2 for c2, load in changed.items() if load[role] > 0)
            unchanged = (c2 for c2 in loaded[role] if c2 not in changed)
            candidates = heapq.merge(unchanged, changed_here) if changed_here else unchanged
            w_c = now(c)
            # (never a role the chunk itself takes from c: that load is the chunk's)
            others = [other for other in range(N_ROLES) if other != role and (c, other) not in take]
            row_c = row(c)
            # c's later sessions with a load to hand over (c's loads only fall while it is repaired)
            laters = [later for later in range(session + 1, n_sessions) if any(row_c[later])]
            # Every swap moves load off c (this session's other roles, or its later sessions) and off
            # a candidate's role: with less than ``short`` of either, no swaps can make it (exact).
            if sum(w_c[other] for other in others) + sum(sum(row_c[later]) for later in laters) < short:
                return None
            for c2 in candidates:
                if c2 == c or (c2, role) in take:
                    continue
                w_c2 = changed[c2] if c2 in changed else base[c2]
                can_c2 = can[c2]
                for other in others:
                    give = min(short, w_c2[role], w_c[other])
                    if give > 0 and can_c2[other]:
                        if c2 not in changed:
                            w_c2 = now(c2)
                        w_c[other] -= give
                        w_c2[other] += give
                        w_c2[role] -= give
                        w_c[role] += give
                        short -= give
                free_c2 = free[c2]
                for later in laters:
                    if short == 0 or not free_c2[later] or w_c2[role] == 0:
                        continue
                    later_c = row_c[later]
                    if not ((later_c[0] and can_c2[0]) or (later_c[1] and can_c2[1]) or (later_c[2] and can_c2[2])):
                        continue  # (c has nothing in that session that c2 could take over)
                    later_c2 = row(c2)[later]
                    w_c2 = changed[c2]  # (row() made the copy)
                    room = size[c2] - sum(later_c2)
                    for other in range(N_ROLES):
                        give = min(short, room, w_c2[role], later_c[other])
                        if give > 0 and can_c2[other]:
                            later_c[other] -= give
                            later_c2[other] += give
                            w_c2[role] -= give
                            w_c[role] += give
                            short -= give
                            room -= give
                if short == 0:
                    break
            if short > 0:
                return None
        # Only the classes the swaps or the chunk touch can break a limit (the witness keeps every
        # limit for the others): none below zero, none with more on duty now than members free.
        after = {c: list(changed[c] if c in changed else base[c]) for c, _ in take}
        after.update((c, list(load)) for c, load in changed.items() if c not in after)
        taken = dict.fromkeys(after, 0)
        for (c, role), amount in take.items():
            after[c][role] -= amount
            taken[c] += amount
        for c, load in after.items():
            if min(load) < 0 or sum(load) > size[c] - int(used[c]) - taken[c]:
                return None
        if any(min(load) < 0 for whole in rows.values() for load in whole):
            return None
        w = self.witness.copy()
        for c, whole in rows.items():
            w[c] = whole
        for c, load in after.items():
            w[c, session] = load
        self._next_loads = after
        return w

    def _apply(self, session: int, point: int, take: dict[tuple[int, int], int], need_row: list[int],
               demand: np.ndarray, used: np.ndarray, on_duty_at: dict[int, set[int]],
               out: list[PieceRow]) -> None:
        if self._next_witness is not None and self._next_loads is not None \
                and self._witness_rows is not None and self._witness_rows.session == session:
            # A repair's witness: in this session it differs only for the classes it touched.
            now, self._witness = self._witness_rows, self._next_witness
            for c, load in self._next_loads.items():
                now.set_loads(c, self.team_of[c], load)
        elif self._next_witness is not None:
            self.witness = self._next_witness
        else:
            # Within the witness: what is left of it fills the rest; its lists follow.
            now = self._now(session)
            for (c, role), amount in take.items():
                self.witness[c, session, role] -= amount
                load = list(now.loads[c])
                load[role] -= amount
                now.set_loads(c, self.team_of[c], load)
        for (c, role), amount in sorted(take.items()):
            used[c] += amount
            self.budget[c] -= amount
            self._team_budget[self.team_of[c]] -= amount
            demand[session, role] -= amount
            need_row[role] -= amount
            out.append((int(self.classes[c]), point, session, role, amount))
            on_duty_at.setdefault(int(self.team[c]), set()).add(point)

    def _share_by_flow(self, session: int, points: np.ndarray, need: np.ndarray, demand: np.ndarray,
                       used: np.ndarray, out: list[PieceRow]) -> None:
        """The session's rest as the witness has it given (always possible: the witness fills what is left)."""
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
                    self._team_budget[self.team_of[c]] -= give
                    demand[session, role] -= give
                    out.append((int(self.classes[c]), int(points[index]), session, role, give))
                    if left == 0:
                        break
        if need.any():
            raise AssertionError("a district's flows cannot be filled by its teams: the model's rows were not met")
