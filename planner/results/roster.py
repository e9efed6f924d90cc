"""The roster: which member of each team is on duty where, person by person (roster.csv).

The plan's pieces are per class of identical members (planner.model.classes), within the
class's limits: at most its members on duty in a session, at most members x max_sessions over
the exam. Such a class is rostered round-robin: its sessions in time order, each session's
pieces handed to the next members in turn, so no member serves twice in a session and none
serves more than ceil(total / members) <= max_sessions sessions. Within a session the members
on duty go back to the point and role they had last where they can, so a person keeps a place.

Without named volunteers a member is ``<team_id>/<n>``, numbered as the contract says
(version 2): 1 to first_aid the first-aiders, the last counsellors the counsellors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.model.classes import BOTH, COUNSELLOR, FIRST_AID, NEITHER, MemberClasses, kind_runs

ROSTER_COLUMNS = ["person_id", "name", "team_id", "point_id", "session_id", "role"]


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


def build_roster(pieces: pd.DataFrame, classes: MemberClasses, numbers: list[list[int]],
                 team_ids: np.ndarray, session_order: list[str]) -> pd.DataFrame:
    """One row per person on duty, from pieces ``cls, point_id, session_id, role, volunteers``.

    Raises
    ------
    AssertionError
        A class is asked for more members in a session than it has (the model's limits failed).
    """
    rows: list[tuple[str, str, str, str, str, str]] = []
    rank = {session: i for i, session in enumerate(session_order)}
    for c, of_class in pieces.groupby("cls", sort=True):
        members = numbers[int(c)]
        team_id = str(team_ids[classes.team[int(c)]])
        turn = 0
        last_place: dict[int, tuple[str, str]] = {}
        ordered = of_class.assign(order=of_class["session_id"].map(rank)).sort_values(["order", "point_id", "role"])
        for _, session in ordered.groupby("order", sort=True):
            on_duty = int(session["volunteers"].sum())
            if on_duty > len(members):
                raise AssertionError(f"class {c} of {team_id} has {len(members)} members, asked for {on_duty}")
            chosen = [members[(turn + i) % len(members)] for i in range(on_duty)]
            turn += on_duty
            places = [(str(p), str(r)) for p, r, n in zip(session["point_id"], session["role"],
                                                           session["volunteers"], strict=True) for _ in range(int(n))]
            # Members who had a place that is open again keep it; the rest take what is left.
            assigned: dict[int, tuple[str, str]] = {}
            open_places = list(places)
            for member in chosen:
                place = last_place.get(member)
                if place in open_places:
                    open_places.remove(place)
                    assigned[member] = place
            for member in chosen:
                if member not in assigned:
                    assigned[member] = open_places.pop(0)
            session_id = str(session["session_id"].iloc[0])
            for member, (point_id, role) in assigned.items():
                last_place[member] = (point_id, role)
                rows.append((f"{team_id}/{member}", "", team_id, point_id, session_id, role))
    roster = pd.DataFrame(rows, columns=ROSTER_COLUMNS)
    if len(roster):
        roster = roster.assign(order=roster["session_id"].map(rank)).sort_values(
            ["team_id", "order", "point_id", "role", "person_id"], kind="stable").drop(columns="order")
    return roster.reset_index(drop=True)


__all__ = ["BOTH", "COUNSELLOR", "FIRST_AID", "NEITHER", "ROSTER_COLUMNS", "build_roster", "member_numbers"]
