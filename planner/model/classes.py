"""Classes of identical team members: the unit the model plans, so every plan can be rostered.

Team-level limits are a relaxation: a team of 3 with one first-aider, 2 sessions each, can
be asked for first aid twice and for all three members once, and no roster gives that. Members
alike in skills and in the sessions they are free are interchangeable, so the model plans per
*class* of such members: per class and session at most its members are on duty, over the exam
at most members x max_sessions, each in the roles its members are trained for. Those limits are
exact: identical members can always be rostered round-robin (docs/model.md, "Exact per person").

Without named volunteers a team's members are numbered as the contract says (version 2): members
1 to ``first_aid`` are the first-aiders, the last ``counsellors`` the counsellors, so a member is
both only when first_aid + counsellors exceeds volunteers. The members free in a session are the
first ``available`` of the order *trained first*: both skills, first aid only, counsellor only,
neither. A class is then a run of members of one kind whose free sessions are the same.

Which classes exist is fixed by the scenario alone, so a model built once follows every lever
(levers change class sizes, which are bounds): availability levers scale the counts monotonically,
so the sessions a member is free in always form one of the sets ``{s: A[t, s] >= a}`` of the
scenario's own availability, and a member's kind is one of the four whatever the levers.

With named volunteers (volunteers.csv) a class is a group of persons of one team with the same
skills and the same free sessions (planner/model/people.py); a lever scales each class, and its
first persons come.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.model.levers import Inputs
from planner.model.people import BOTH, COUNSELLOR, FIRST_AID, KINDS, NEITHER, coming, person_groups

# Roles a kind may serve (general, first_aid, counsellor: the order of planner.io.settings.ROLES).
KIND_ROLES = np.array([[True, True, True], [True, True, False], [True, False, True], [True, False, False]])


@dataclass(frozen=True)
class MemberClasses:
    """The classes of every team, as aligned arrays (one entry per class).

    ``team`` is the team's row in ``scenario.teams``; ``kind`` one of :data:`KINDS`;
    ``level`` the class's availability level: its members are free in session ``s`` exactly
    when ``free[class, s]``. ``structure`` classes exist whatever the levers; ``size`` (members
    now, under the inputs' levers, possibly 0) and ``first`` (the 0-based position, in the
    team's numbering, of the class's first member) follow the inputs.
    """

    team: np.ndarray
    kind: np.ndarray
    level: np.ndarray
    free: np.ndarray  # classes x sessions, bool: the level's sessions (under the scenario's own numbers)
    size: np.ndarray
    first: np.ndarray
    # With volunteers.csv: per class, its persons (rows of scenario.volunteers, in person_id
    # order), the first ``size`` of whom come; empty for numbered members.
    persons: tuple[np.ndarray, ...] = ()

    def __len__(self) -> int:
        return len(self.team)

    @property
    def roles(self) -> np.ndarray:
        """classes x roles: whether the class's members may serve the role."""
        return KIND_ROLES[self.kind]


def _scenario_available(inputs: Inputs) -> np.ndarray:
    """Members free per team and session, as the scenario says (no levers): teams x sessions."""
    sc = inputs.scenario
    return sc.availability["volunteers"].to_numpy(dtype="int64").reshape(len(sc.teams), len(sc.sessions))


def _levels(available: np.ndarray) -> list[np.ndarray]:
    """Per team, the distinct positive availability values, ascending (the levels' thresholds):
    :func:`_level_table`'s rows, so the classes made and the sizes worked out read the same levels."""
    return [row[row > 0] for row in _level_table(available)]


def class_structure(base: Inputs) -> MemberClasses:
    """The classes that exist for a scenario, whatever the levers, with their sizes under ``base``.

    A kind exists where the scenario's counts allow it under some lever: first aid only where
    the team has first-aiders, counsellor only where it has counsellors, both where it has
    both (rounding under a lever can make a member both), neither always; one class per kind
    and availability level.
    """
    if base.scenario.volunteers is not None:
        return _named_structure(base)
    available = _scenario_available(base)
    first_aid = base.scenario.teams["first_aid"].to_numpy()
    counsellors = base.scenario.teams["counsellors"].to_numpy()
    team, kind, level, free = [], [], [], []
    for t, thresholds in enumerate(_levels(available)):
        kinds = [k for k, present in ((BOTH, first_aid[t] > 0 and counsellors[t] > 0), (FIRST_AID, first_aid[t] > 0),
                                      (COUNSELLOR, counsellors[t] > 0), (NEITHER, True)) if present]
        for k in kinds:
            for ell, threshold in enumerate(thresholds):
                team.append(t)
                kind.append(k)
                level.append(ell)
                free.append(available[t] >= threshold)
    n_sessions = available.shape[1]
    structure = MemberClasses(
        team=np.array(team, dtype="int64"), kind=np.array(kind, dtype="int64"),
        level=np.array(level, dtype="int64"),
        free=np.array(free, dtype=bool).reshape(len(team), n_sessions),
        size=np.zeros(len(team), dtype="int64"), first=np.zeros(len(team), dtype="int64"),
    )
    return with_sizes(structure, base)


def _named_structure(base: Inputs) -> MemberClasses:
    """One class per group of identical persons; ``level`` numbers a team's classes of one kind."""
    groups = person_groups(base.scenario)
    level = np.zeros(len(groups), dtype="int64")
    for c in range(1, len(groups)):
        same = groups.team[c] == groups.team[c - 1] and groups.kind[c] == groups.kind[c - 1]
        level[c] = level[c - 1] + 1 if same else 0
    structure = MemberClasses(team=groups.team, kind=groups.kind, level=level, free=groups.free,
                              size=np.zeros(len(groups), dtype="int64"), first=np.zeros(len(groups), dtype="int64"),
                              persons=groups.members)
    return with_sizes(structure, base)


def kind_runs(volunteers: np.ndarray, first_aid: np.ndarray, counsellors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per team (rows) and kind (columns), the run [start, end) of positions in the trained-first order."""
    both = np.maximum(0, first_aid + counsellors - volunteers)
    start = np.stack([np.zeros_like(both), both, first_aid, first_aid + counsellors - both], axis=1)
    end = np.stack([both, first_aid, first_aid + counsellors - both, volunteers], axis=1)
    return start, end


def with_sizes(structure: MemberClasses, inputs: Inputs) -> MemberClasses:
    """The classes' sizes and first positions under ``inputs`` (its levers).

    Level ``ell`` (threshold a_ell of the scenario's distinct availability values a_1 < a_2 ...)
    holds the members free exactly in the sessions with A[t, s] >= a_ell. Under a lever a team's
    free count A'[t, s] depends only on A[t, s], never decreasing with it, so the member at
    position j is free exactly there when A'(a_(ell-1)) <= j < A'(a_ell) (A'(a_0) = 0): the level
    is that run of positions, cut by the kind's run.
    """
    if structure.persons:
        size = coming(structure.team, structure.persons, inputs.team_factor)
        return MemberClasses(team=structure.team, kind=structure.kind, level=structure.level, free=structure.free,
                             size=size, first=np.zeros(len(structure), dtype="int64"), persons=structure.persons)
    kind_start, kind_end = kind_runs(inputs.volunteers, inputs.first_aid, inputs.counsellors)
    available = _scenario_available(inputs)
    team, kind, level = structure.team, structure.kind, structure.level
    # A'(a) at a class's threshold and at the one below it (A'(a_0) = 0): the free count now in the
    # first session where the scenario gives the team that many free (every class at once: this
    # runs at every lever change, and a region of 5x has 25,000 classes).
    thresholds = _level_table(available)
    now = np.asarray(inputs.available)

    def free_now(ell: np.ndarray) -> np.ndarray:
        if not len(ell):
            return np.zeros(0, dtype="int64")
        threshold = thresholds[team, np.maximum(ell, 0)]
        first_session = np.argmax(available[team] == threshold[:, None], axis=1)
        return np.where(ell >= 0, now[team, first_session], 0)

    upper, lower = free_now(level), free_now(level - 1)
    start = np.maximum(lower, kind_start[team, kind])
    end = np.minimum(upper, kind_end[team, kind])
    some = end > start
    return MemberClasses(team=team, kind=kind, level=level, free=structure.free,
                         size=np.where(some, end - start, 0).astype("int64"),
                         first=np.where(some, start, 0).astype("int64"))


def _level_table(available: np.ndarray) -> np.ndarray:
    """Per team (rows), the distinct positive availability values, ascending (the levels' thresholds), then -1."""
    sorted_values = np.sort(np.where(available > 0, available, 0), axis=1)
    distinct = sorted_values > 0
    distinct[:, 1:] &= sorted_values[:, 1:] != sorted_values[:, :-1]
    table = np.full(available.shape, -1, dtype="int64")
    rows, columns = np.nonzero(distinct)
    table[rows, (np.cumsum(distinct, axis=1) - 1)[rows, columns]] = sorted_values[rows, columns]
    return table


__all__ = ["BOTH", "COUNSELLOR", "FIRST_AID", "KINDS", "KIND_ROLES", "NEITHER", "MemberClasses", "class_structure",
           "kind_runs", "with_sizes"]
