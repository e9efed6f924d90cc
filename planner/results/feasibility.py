"""Whether a district's classes can still fill what is left of its flows: a small max-flow in plain Python.

Keeping teams together (planner.results.teams) takes a chunk only if the rest of the district's
flows can still be filled; when the witness it keeps does not show that at once, this graph
answers, from the witness less the chunk as a start.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

N_ROLES = 3
COUNSELLOR, FIRST_AID, GENERAL = 2, 1, 0


class FeasibilityGraph:
    """Can a district's classes still fill what is left? A max-flow, in plain Python, from a start.

    Source -> class (its sessions left) -> class in session (its members free then) ->
    session and role (where the class may serve it) -> sink (what is left to fill). The graph is
    small (a district's classes, sessions and roles) and the question comes with a way that
    nearly fills it (the witness less the chunk), so the flow starts from that, cut back to the
    limits, and shortest augmenting paths (breadth-first, in index order) fill the rest: a
    handful of paths where a max-flow from nothing (scipy's, with its set-up per call) took a
    millisecond.
    """

    def __init__(self, can: np.ndarray, free: np.ndarray, size: np.ndarray, n_sessions: int):
        self.n_classes, self.n_sessions = len(can), n_sessions
        self.size_array, self.free_array = size, free
        self.roles_of = [[r for r in range(N_ROLES) if can[c, r]] for c in range(len(can))]

    def fill(self, session: int, demand: np.ndarray, budget: np.ndarray, free_now: np.ndarray,
             start: np.ndarray) -> np.ndarray | None:
        """A way to fill what is left from ``session`` on (classes x sessions x roles), or None if there is none.

        ``start`` (classes x sessions x roles) is where the flow starts; it may break any limit.
        """
        n_c, n_s = self.n_classes, self.n_sessions
        f = np.maximum(start, 0)
        f[:, :session] = 0
        f[~self.free_array] = 0
        cap = np.where(self.free_array, self.size_array[:, None], 0)
        cap[:, :session] = 0
        cap[:, session] = np.where(self.free_array[:, session], np.maximum(free_now, 0), 0)
        _cut(f, f.sum(axis=2) - cap)  # over a class's members free in a session
        over = f.sum(axis=(1, 2)) - np.maximum(budget, 0)
        for s in range(n_s - 1, session - 1, -1):  # over a class's budget: its latest sessions give up first
            over -= _cut(f[:, s], over)
        # More than a session's need in a role: the last classes give up first.
        over = f.sum(axis=0) - np.maximum(demand, 0)  # sessions x roles
        after = np.cumsum(f[::-1], axis=0)[::-1] - f  # what the classes after each give
        f -= np.clip(over[None] - after, 0, f)
        deficit_array = np.maximum(demand, 0) - f.sum(axis=0)
        deficit_array[:session] = 0
        budget_left = (np.maximum(budget, 0) - f.sum(axis=(1, 2))).tolist()
        slack = (cap - f.sum(axis=2)).tolist()
        deficit = deficit_array.tolist()
        short = int(deficit_array.sum())
        # Most of what is left is filled by direct paths (a class with sessions left, a member free
        # then and the skill), which the scan finds in the very order the search would; the
        # breadth-first search, costlier by far, runs only once none is left.
        while short > 0:
            direct = self._direct_path(session, budget_left, slack, deficit)
            if direct is None:
                break
            c, s, r = direct
            amount = min(budget_left[c], slack[c][s], deficit[s][r])
            budget_left[c] -= amount
            slack[c][s] -= amount
            deficit[s][r] -= amount
            f[c, s, r] += amount
            short -= amount
        if short == 0:
            return f
        f_list = f.tolist()
        # Per session and role, the classes with flow there (ascending; may hold some no longer).
        serving = {(s, r): np.nonzero(f[:, s, r])[0].tolist() for s in range(session, n_s) for r in range(N_ROLES)}
        while short > 0:
            path = self._augmenting_path(session, f_list, budget_left, slack, deficit, serving)
            if path is None:
                return None
            short -= self._augment(path, f_list, budget_left, slack, deficit, serving)
        return np.array(f_list, dtype="int64").reshape(n_c, n_s, N_ROLES)

    def _direct_path(self, session: int, budget_left: list[int], slack: list[list[int]],
                     deficit: list[list[int]]) -> tuple[int, int, int] | None:
        """The first (class, session, role) with room all the way from source to sink, or None.

        Breadth-first from the source, in index order, the search meets the classes, then their
        sessions, then the sessions' roles in the order (class, session, role): a path of three
        edges it takes is the lexicographically first such triple, which this scan finds without
        walking the graph.
        """
        short_sessions = [s for s in range(session, self.n_sessions) if any(deficit[s])]
        for c in range(self.n_classes):
            if budget_left[c] > 0:
                slack_c = slack[c]
                for s in short_sessions:
                    if slack_c[s] > 0:
                        deficit_s = deficit[s]
                        for r in self.roles_of[c]:
                            if deficit_s[r] > 0:
                                return c, s, r
        return None

    def _augmenting_path(self, session: int, f: list[list[list[int]]], budget_left: list[int],
                         slack: list[list[int]], deficit: list[list[int]],
                         serving: dict[tuple[int, int], list[int]]) -> list[tuple[str, int, int, int]] | None:
        """The shortest path from the source to the sink with room, as steps; None when there is none.

        Steps: ("class", c, -, -) from the source; ("in", c, s, -) class to class-in-session;
        ("out", c, s, -) back from class-in-session to class; ("serve", c, s, r) class-in-session
        to session and role; ("unserve", c, s, r) back; ("sink", -, s, r).
        """
        n_c, n_s = self.n_classes, self.n_sessions
        came: dict[tuple[str, int, int], tuple[tuple[str, int, int], tuple[str, int, int, int]] | None] = {}
        queue: list[tuple[str, int, int]] = []
        for c in range(n_c):
            if budget_left[c] > 0:
                node = ("c", c, 0)
                came[node] = None
                queue.append(node)
        head = 0
        while head < len(queue):
            node = queue[head]
            head += 1
            kind, a, b = node
            if kind == "c":
                for s in range(session, n_s):
                    nxt = ("cs", a, s)
                    if slack[a][s] > 0 and nxt not in came:
                        came[nxt] = (node, ("in", a, s, 0))
                        queue.append(nxt)
            elif kind == "cs":
                back = ("c", a, 0)
                if back not in came and sum(f[a][b]) > 0:
                    came[back] = (node, ("out", a, b, 0))
                    queue.append(back)
                for r in self.roles_of[a]:
                    nxt = ("sr", b, r)
                    if nxt not in came:
                        came[nxt] = (node, ("serve", a, b, r))
                        queue.append(nxt)
            else:
                if deficit[a][b] > 0:
                    steps = [("sink", 0, a, b)]
                    link = came[node]
                    while link is not None:
                        node, step = link
                        steps.append(step)
                        link = came[node]
                    if node[0] == "c":
                        steps.append(("class", node[1], 0, 0))
                    return steps[::-1]
                for c in serving[(a, b)]:
                    nxt = ("cs", c, a)
                    if f[c][a][b] > 0 and nxt not in came:
                        came[nxt] = (node, ("unserve", c, a, b))
                        queue.append(nxt)
        return None

    @staticmethod
    def _augment(path: list[tuple[str, int, int, int]], f: list[list[list[int]]], budget_left: list[int],
                 slack: list[list[int]], deficit: list[list[int]], serving: dict[tuple[int, int], list[int]]) -> int:
        """Send as much as the path has room for along it; the amount sent."""
        room = []
        for step, c, s, r in path:
            if step == "class":
                room.append(budget_left[c])
            elif step == "in":
                room.append(slack[c][s])
            elif step == "out":
                room.append(sum(f[c][s]))
            elif step == "unserve":
                room.append(f[c][s][r])
            elif step == "sink":
                room.append(deficit[s][r])
        amount = min(room)
        for step, c, s, r in path:
            if step == "class":
                budget_left[c] -= amount
            elif step == "in":
                slack[c][s] -= amount
            elif step == "out":
                slack[c][s] += amount
            elif step == "serve":
                if f[c][s][r] == 0:
                    classes = serving[(s, r)]
                    at = bisect_left(classes, c)
                    if at == len(classes) or classes[at] != c:
                        classes.insert(at, c)
                f[c][s][r] += amount
            elif step == "unserve":
                f[c][s][r] -= amount
            else:
                deficit[s][r] -= amount
        return amount


def _cut(f: np.ndarray, over: np.ndarray) -> np.ndarray:
    """Take up to ``over`` (>= 0 where it counts) off each class's roles (last axis of ``f``), general
    duty first so scarce skills stay; returns how much was taken."""
    left = np.maximum(over, 0)
    cut = np.zeros_like(left)
    for r in (GENERAL, FIRST_AID, COUNSELLOR):
        give = np.minimum(left - cut, f[..., r])
        f[..., r] -= give
        cut += give
    return cut
