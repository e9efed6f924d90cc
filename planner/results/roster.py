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

    Rows are in team, session (time order), point, role and member order.

    Raises
    ------
    AssertionError
        A class is asked for more members in a session than it has (the model's limits failed).
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
        members = numbers[c]
        team_id = str(team_ids[classes.team[c]])
        turn = 0
        last_place: dict[int, tuple[str, str]] = {}
        while i < len(cls_of) and cls_of[i] == c:
            session_id = session_of[i]
            places: list[tuple[str, str]] = []
            while i < len(cls_of) and cls_of[i] == c and session_of[i] == session_id:
                places.extend([place_of[i]] * count_of[i])
                i += 1
            if len(places) > len(members):
                raise AssertionError(f"class {c} of {team_id} has {len(members)} members, asked for {len(places)}")
            # The next members in turn go on duty; those whose last place is open again keep it.
            chosen = [members[(turn + k) % len(members)] for k in range(len(places))]
            turn += len(places)
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
                last_place[member] = place
                rows.append((f"{team_id}/{member}", "", team_id, place[0], session_id, place[1],
                             rank[session_id], member))
    frame = pd.DataFrame(rows, columns=[*ROSTER_COLUMNS, "rank", "number"])
    frame = frame.sort_values(["team_id", "rank", "point_id", "role", "number"], kind="stable")
    return frame[ROSTER_COLUMNS].reset_index(drop=True)


__all__ = ["BOTH", "COUNSELLOR", "FIRST_AID", "NEITHER", "ROSTER_COLUMNS", "build_roster", "member_numbers"]
