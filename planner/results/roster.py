"""The roster: which member of each team is on duty where, person by person (roster.csv).

The plan's pieces are per class of identical members (planner.model.classes), within the
class's limits: at most its members on duty in a session, at most members x max_sessions over
the exam; such limits can always be rostered (docs/model.md, "Exact per person"). A class's
sessions are taken in time order: a member whose point and role are open again keeps them,
wherever the later sessions can still be served, and the other places go to the members with
most sessions left, so a person stays at one point from session to session where the team's
plan allows, and no one serves twice in a session or more than max_sessions.

With volunteers.csv the members are its persons, by id and name; without it a member is
``<team_id>/<n>``, numbered as the contract says (version 2): 1 to first_aid the first-aiders,
the last counsellors the counsellors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.model.classes import BOTH, COUNSELLOR, FIRST_AID, NEITHER, MemberClasses, kind_runs
from planner.model.levers import Inputs

ROSTER_COLUMNS = ["person_id", "name", "team_id", "point_id", "session_id", "role"]


@dataclass(frozen=True)
class Member:
    """One member of a class: id and name as roster.csv gives them, and a number that orders them."""

    person_id: str
    name: str
    order: int


def member_numbers(classes: MemberClasses, volunteers: np.ndarray, first_aid: np.ndarray,
                   counsellors: np.ndarray) -> list[list[int]]:
    """Per class, its members' numbers within the team (1-based, the contract's numbering).

    Positions are in the trained-first order (both, first aid only, counsellor only, neither);
    numbers put first-aid-only members first (1 ...), then both, then neither, then
    counsellor-only last, so members 1 to first_aid are first-aiders and the last
    counsellors members counsellors.
    """
    kind_start, _ = kind_runs(volunteers, first_aid, counsellors)
    both = np.maximum(0, first_aid + counsellors - volunteers)
    number_start = np.stack([first_aid - both + 1,              # both: right after first-aid-only
                             np.ones_like(both),                 # first aid only: from 1
                             np.maximum(first_aid, volunteers - counsellors) + 1,  # counsellor only: the last
                             first_aid + 1], axis=1)             # neither: after every first-aider
    numbers = []
    for c in range(len(classes)):
        t, k = int(classes.team[c]), int(classes.kind[c])
        offset = int(classes.first[c]) - int(kind_start[t, k])
        start = int(number_start[t, k]) + offset
        numbers.append(list(range(start, start + int(classes.size[c]))))
    return numbers


def class_members(classes: MemberClasses, inputs: Inputs) -> list[list[Member]]:
    """Per class, the members who come under ``inputs``: named persons, or numbered ``<team_id>/<n>``."""
    team_ids = inputs.scenario.teams["team_id"].to_numpy()
    people = inputs.scenario.volunteers
    if people is not None and classes.persons:
        ids, names = people["person_id"].to_numpy(), people["name"].to_numpy()
        return [[Member(str(ids[row]), str(names[row]), int(row)) for row in persons[:int(size)]]
                for persons, size in zip(classes.persons, classes.size, strict=True)]
    return numbered(classes, member_numbers(classes, inputs.volunteers, inputs.first_aid, inputs.counsellors),
                    team_ids)


def numbered(classes: MemberClasses, numbers: list[list[int]], team_ids: np.ndarray) -> list[list[Member]]:
    """Per class, members ``<team_id>/<n>`` from their numbers (no names)."""
    return [[Member(f"{team_ids[classes.team[c]]}/{n}", "", n) for n in numbers[c]] for c in range(len(classes))]


def _feasible(budget: list[int], demands: list[int]) -> bool:
    """Whether sessions asking ``demands`` distinct members each can be served by members who have
    ``budget`` sessions left (Gale-Ryser: the k largest demands never exceed sum of min(budget, k))."""
    ordered = sorted(demands, reverse=True)
    total = 0
    for k, demand in enumerate(ordered, start=1):
        total += demand
        if total > sum(min(b, k) for b in budget):
            return False
    return True


def _choose(budget: dict[int, int], keep: list[int], wanted: int, later: list[int]) -> list[int]:
    """Who of a class goes on duty this session: ``wanted`` members, as many of ``keep`` (those
    whose place is open again) as the later sessions allow, the rest those with most sessions left.
    ``budget``: sessions left per member, in the class's order of members.

    Taking the members with most sessions left never makes the later sessions impossible
    (Havel-Hakimi), so a choice always exists when the class's limits hold.
    """
    # Most sessions left first, ties in the class's order (a stable sort keeps it, reversed too).
    by_budget = sorted(budget, key=budget.__getitem__, reverse=True)
    keep = [m for m in keep if budget[m] > 0]
    if not keep or min(budget.values()) > len(later):  # nothing to keep, or no budget can bind: no check
        kept = keep[:wanted]
        chosen = kept + [m for m in by_budget if m not in kept][:wanted - len(kept)]
        if len(chosen) == wanted and all(budget[m] > 0 for m in chosen):
            return chosen
    for count in range(min(len(keep), wanted), -1, -1):
        held = keep[:count]
        chosen = held + [m for m in by_budget if m not in held][:wanted - count]
        rest = [budget[m] - (m in chosen) for m in budget]
        if len(chosen) == wanted and all(budget[m] > 0 for m in chosen) and _feasible(rest, later):
            return chosen
    raise AssertionError("a class is asked for more than its members can give (the model's limits failed)")


def build_roster(pieces: pd.DataFrame, classes: MemberClasses, members: list[list[Member]],
                 team_ids: np.ndarray, session_order: list[str], budgets: np.ndarray) -> pd.DataFrame:
    """One row per person on duty, from pieces ``cls, point_id, session_id, role, volunteers``.

    ``budgets`` gives, per class, the sessions each of its members may serve in these pieces
    (the team's max_sessions; in a re-plan, those left).

    Per class, its sessions in time order: the members whose last place is open again keep it
    (as many as the later sessions allow), the others go to the members with most sessions left,
    so no one serves twice in a session or more than max_sessions. Rows are in team, session
    (time order), point, role and member order.

    Raises
    ------
    AssertionError
        A class is asked for more members than it has (the model's limits failed).
    """
    rank = {session: i for i, session in enumerate(session_order)}
    order = np.lexsort((pieces["role"].to_numpy(), pieces["point_id"].to_numpy(),
                        pieces["session_id"].map(rank).to_numpy(), pieces["cls"].to_numpy()))
    cls_of = pieces["cls"].to_numpy()[order].tolist()
    session_of = pieces["session_id"].to_numpy()[order].tolist()
    place_of = list(zip(pieces["point_id"].to_numpy()[order].tolist(), pieces["role"].to_numpy()[order].tolist(),
                        strict=True))
    count_of = pieces["volunteers"].to_numpy()[order].tolist()
    rows: list[tuple[str, str, str, str, str, str, int, int]] = []
    i = 0
    while i < len(cls_of):
        c = cls_of[i]
        team_id = str(team_ids[classes.team[c]])
        sessions: list[tuple[str, list[tuple[str, str]]]] = []
        while i < len(cls_of) and cls_of[i] == c:
            session_id = session_of[i]
            places: list[tuple[str, str]] = []
            while i < len(cls_of) and cls_of[i] == c and session_of[i] == session_id:
                places.extend([place_of[i]] * count_of[i])
                i += 1
            sessions.append((session_id, places))
        class_members = members[c]
        by_order = {m.order: m for m in class_members}
        if any(len(places) > len(class_members) for _, places in sessions):
            raise AssertionError(f"class {c} of {team_id} has {len(class_members)} members, asked for more")
        budget = {m.order: int(budgets[c]) for m in class_members}
        last_place: dict[int, tuple[str, str]] = {}
        for k, (session_id, places) in enumerate(sessions):
            open_places = list(places)
            keep = []
            for member in sorted(last_place):
                if last_place[member] in open_places:
                    open_places.remove(last_place[member])
                    keep.append(member)
            chosen = _choose(budget, keep, len(places), [len(p) for _, p in sessions[k + 1:]])
            open_places = list(places)
            given: dict[int, tuple[str, str]] = {}
            for member in chosen:
                place = last_place.get(member)
                if place is not None and place in open_places:
                    open_places.remove(place)
                    given[member] = place
            for member in chosen:
                if member not in given:
                    given[member] = open_places.pop(0)
            for member, place in given.items():
                budget[member] -= 1
                last_place[member] = place
                person = by_order[member]
                rows.append((person.person_id, person.name, team_id, place[0], session_id, place[1],
                             rank[session_id], member))
    # Sorted here, not by pandas: Python's sort is stable and orders strings as pandas does, at a
    # fraction of the cost for a plan's few thousand rows.
    rows.sort(key=lambda row: (row[2], row[6], row[3], row[5], row[7]))
    return pd.DataFrame([row[:6] for row in rows], columns=ROSTER_COLUMNS)


__all__ = ["BOTH", "COUNSELLOR", "FIRST_AID", "NEITHER", "ROSTER_COLUMNS", "Member", "build_roster", "class_members",
           "member_numbers", "numbered"]
