"""Keeping teams together: the district flows of the LP shared among teams, in whole pieces.

The LP (model/formulation.py) plans each class of identical members at its team's home point
(``z``, rewarded above travel) or through its district's pool (``y``). Its optimum is degenerate:
many splits of a district's volunteers among its teams are equally good, and the LP's own split
keeps a team's first-aider apart from the team or spreads a team thin. Here each district's
flows (what it sends to each point, session and role) are shared again among its classes,
session by session, so that a team serves whole at one point, with its own first-aider, and at
the point it served last:

* a *chunk* is one team at one point in a session, as much of the point's remaining need as the
  team's free members can fill, each in a role they are trained for (scarce skills first); or,
  as a second option, as much as the current *witness* has the team give then;
* the chunk taken next is the largest; among equal ones, the one that fills the point, then the
  one at the point the team served last, then a team not on duty elsewhere in the session, then
  the smallest team (best fit), then a team that could serve the point again in a later session
  (it need not move then: two teams of three for two points, one of them free for the second
  session too, which the other point needs again), then the lowest ids;
* a chunk is taken only if the rest of the district's flows can still be filled. The *witness*,
  a way to fill what is left (at first the LP's own class loads), answers at once for a chunk
  within it; a chunk beyond it is taken when simple swaps between two classes make the witness
  hold it, or when a max-flow over classes, sessions and roles finds another witness (at most
  FLOWS_PER_SESSION of them per district and session; plain Python, from the witness less the
  chunk, by shortest augmenting paths: planner.results.feasibility).

A district's sharing is planner.results.chunks's. ``cache`` lets a caller (LivePlanner) keep
districts' sharings by their inputs, so an unchanged district is not shared again. Districts
are independent: from TWO_PROCESSES_MIN_CLASSES classes on, a forked process shares about half
of them.

Every flow is filled exactly, so needs, fairness and travel are what the LP made them; only who
goes where changes. Class limits (members free per session, sessions per member) hold throughout,
so the pieces can be rostered person by person (roster.py).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

import numpy as np

from planner.collector import paused_gc
from planner.forking import can_fork, fork_warning_ignored
from planner.results.chunks import DistrictSharing, PieceRow

log = logging.getLogger(__name__)

# Classes to share (not found in the cache) from which a second process shares about half the
# districts: 10x has 4,500 (about 1.5 s alone), a 5x region 2,250, Beijing 2023 450 (60 ms, less
# than a fork and its pieces sent back would save).
TWO_PROCESSES_MIN_CLASSES = 2000


# Districts' pieces (see planner.results.chunks) by a digest of their inputs, what a caller keeps
# between plans (LivePlanner).
Sharings = MutableMapping[bytes, list[PieceRow]]


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
                flow_s: np.ndarray, flow_r: np.ndarray, flow_amount: np.ndarray, n_sessions: int,
                loads: np.ndarray, team_home: np.ndarray,
                cache: Sharings | None = None,
                cache_size: int = 256) -> Pieces:
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
    cache, cache_size
        Optional: a district's sharing by a digest of everything it depends on (its classes and
        their limits and loads, its teams' home points, its flows), the last ``cache_size`` kept.
        A district whose inputs did not change is not shared again (``LivePlanner``'s re-plans):
        the sharing is a function of these inputs alone, so the pieces are the very same.

    Raises
    ------
    AssertionError
        A district's flows cannot be filled by its classes (the model's rows were not met).
    """
    with paused_gc():  # (see planner.collector)
        out = _share_districts(class_team, class_kind, class_size, class_free, class_budget, class_district, flow_d,
                               flow_p, flow_s, flow_r, flow_amount, n_sessions, loads, team_home, cache, cache_size)
    if not out:
        empty = np.zeros(0, dtype="int64")
        return Pieces(empty, empty, empty, empty, empty)
    cls, p, s, r, amount = (np.array(column, dtype="int64") for column in zip(*out, strict=True))
    # The limits every roster rests on, checked once more on the result (cheap, and a wrong
    # sharing must never become a plan).
    per_session = np.zeros((len(class_size), n_sessions), dtype="int64")
    np.add.at(per_session, (cls, s), amount)
    if (per_session > class_size[:, None]).any() or (per_session.sum(axis=1) > class_budget).any() \
            or (per_session[~class_free] > 0).any():
        raise AssertionError("sharing the flows broke a class's limits")
    return Pieces(cls=cls, p=p, s=s, r=r, amount=amount)


@dataclass(frozen=True)
class _Job:
    """One district to share: its flows (a mask over them), its classes and its cache key."""

    district: int
    flows: np.ndarray
    classes: np.ndarray
    key: bytes

    @property
    def work(self) -> int:
        """How much sharing it takes, about: its classes times its flows."""
        return len(self.classes) * int(self.flows.sum())


def _share_districts(class_team: np.ndarray, class_kind: np.ndarray, class_size: np.ndarray, class_free: np.ndarray,
                     class_budget: np.ndarray, class_district: np.ndarray, flow_d: np.ndarray, flow_p: np.ndarray,
                     flow_s: np.ndarray, flow_r: np.ndarray, flow_amount: np.ndarray, n_sessions: int,
                     loads: np.ndarray, team_home: np.ndarray, cache: Sharings | None,
                     cache_size: int) -> list[PieceRow]:
    """The pieces of every district, in district order (see :func:`share_flows`)."""
    districts = np.unique(flow_d).tolist()
    shared: dict[int, list[PieceRow]] = {}
    jobs: list[_Job] = []
    for d in districts:
        in_d = flow_d == d
        classes = np.nonzero((class_district == d) & (class_size > 0))[0]
        key = b""
        if cache is not None:
            key = _district_key(n_sessions, classes, class_team[classes], class_kind[classes], class_size[classes],
                                class_free[classes], class_budget[classes], loads[classes],
                                team_home[np.unique(class_team[classes])], flow_p[in_d], flow_s[in_d],
                                flow_r[in_d], flow_amount[in_d])
            known = cache.pop(key, None)
            if known is not None:
                cache[key] = known  # most recently used last
                shared[d] = known
                continue
        jobs.append(_Job(d, in_d, classes, key))

    def share(job: _Job) -> list[PieceRow]:
        c, f = job.classes, job.flows
        district = DistrictSharing(c, class_team[c], class_kind[c], class_size[c], class_free[c],
                                   class_budget[c].copy(), n_sessions)
        district.witness = loads[c].copy()
        district.last_point = {int(team): int(team_home[team]) for team in district.teams if team_home[team] >= 0}
        pieces: list[PieceRow] = []
        district.share(flow_p[f], flow_s[f], flow_r[f], flow_amount[f], pieces)
        return pieces

    if sum(len(job.classes) for job in jobs) >= TWO_PROCESSES_MIN_CLASSES and len(jobs) > 1 and can_fork():
        shared.update(_share_in_two(jobs, share))
    else:
        shared.update((job.district, share(job)) for job in jobs)
    if cache is not None:
        for job in jobs:
            cache[job.key] = shared[job.district]
            while len(cache) > cache_size:
                cache.pop(next(iter(cache)))
    return [row for d in districts for row in shared[d]]


def _share_in_two(jobs: list[_Job], share: Callable[[_Job], list[PieceRow]]) -> dict[int, list[PieceRow]]:
    """The districts shared by this process and a forked one, about half the work each.

    The work of a district grows with its classes times its flows; the largest go first to the
    process with less so far. Each district's pieces are a function of its inputs alone, so the
    plan is the same bytes however the districts are split. A child that dies (killed, out of
    memory) costs only time: its districts are shared here after all.
    """
    here: list[_Job] = []
    there: list[_Job] = []
    loads = [0, 0]
    for job in sorted(jobs, key=lambda job: (-job.work, job.district)):
        side = 0 if loads[0] <= loads[1] else 1
        (here, there)[side].append(job)
        loads[side] += job.work
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        try:
            send.send(("ok", {job.district: share(job) for job in there}))
        except AssertionError as error:  # a district's flows cannot be filled: the parent raises it
            send.send(("error", str(error)))
        finally:
            send.close()

    with fork_warning_ignored():  # the child only shares districts (Python and numpy) and sends its pieces
        process = context.Process(target=child, daemon=True)
        process.start()
    send.close()
    try:
        shared = {job.district: share(job) for job in here}
        try:
            status, result = receive.recv()
        except EOFError:
            status, result = "lost", None
    except BaseException:  # this process's own districts failed (or it was interrupted): the child's are not wanted
        process.terminate()
        raise
    finally:
        receive.close()
        process.join()
    if status == "error":
        raise AssertionError(result)
    if status != "ok":
        log.warning("the second process sharing districts ended without its pieces (exit code %s); shared here",
                    process.exitcode)
        result = {job.district: share(job) for job in there}
    shared.update(result)
    return shared


def _district_key(n_sessions: int, *arrays: np.ndarray) -> bytes:
    """A digest of a district's inputs to the sharing: equal exactly when the inputs are (short of
    a BLAKE2 collision); each array's dtype and shape are part of it."""
    digest = hashlib.blake2b(str(n_sessions).encode(), digest_size=20)
    for array in arrays:
        a = np.ascontiguousarray(array)
        digest.update(f"|{a.dtype.str}{a.shape}|".encode())
        digest.update(a.tobytes())
    return digest.digest()
