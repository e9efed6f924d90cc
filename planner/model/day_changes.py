"""What changes on the day, as a changed scenario: a team out, a point closed, a need up.

Contract version 2 says how each shows in a scenario: a team that drops out has availability 0
from some session on (with volunteers.csv, its persons are no longer free then, ``-`` when free in
no session at all, and availability agrees); a point that closes has capacity 0 (and so no needs from its rules); a need
that goes up is a larger number in needs. These functions return the scenario so changed (its
tables replaced, nothing else), for ``planner replan`` and the day-of notebook.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from planner.io.people import NO_SESSION, free_matrix, named_availability
from planner.io.scenario import Scenario


def _later(scenario: Scenario, start: str) -> list[str]:
    sessions = scenario.sessions["session_id"].tolist()
    if start not in sessions:
        raise ValueError(f"{start!r} is not a session of the scenario")
    return sessions[sessions.index(start):]


def team_out(scenario: Scenario, team_ids: Iterable[str], start: str, *, until: str | None = None) -> Scenario:
    """The teams drop out from session ``start`` on (to ``until``, included, when given): no member free then."""
    teams = set(team_ids)
    unknown = teams - set(scenario.teams["team_id"])
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not teams of the scenario")
    sessions = _later(scenario, start)
    if until is not None:
        sessions = sessions[:sessions.index(until) + 1] if until in sessions else sessions
    if scenario.volunteers is not None:
        # Named members: the persons' free sessions say who is free (availability agrees with them).
        return _named_out(scenario, teams, sessions)
    availability = scenario.availability.copy()
    out = availability["team_id"].isin(teams) & availability["session_id"].isin(sessions)
    availability.loc[out, "volunteers"] = 0
    return scenario.replace(availability=availability)


def _named_out(scenario: Scenario, teams: set[str], sessions: list[str]) -> Scenario:
    """team_out with volunteers.csv: the teams' persons are no longer free in ``sessions``."""
    people = scenario.volunteers
    assert people is not None
    session_ids = scenario.sessions["session_id"].tolist()
    free = free_matrix(people, session_ids)
    theirs = people["team_id"].isin(teams).to_numpy()
    free[np.ix_(theirs, np.isin(session_ids, sessions))] = False
    text = [people["free_sessions"].iloc[i] if "free_sessions" in people.columns else "" for i in range(len(people))]
    for i in np.nonzero(theirs)[0]:
        listed = [sid for sid, on in zip(session_ids, free[i], strict=True) if on]
        text[i] = NO_SESSION if not listed else "" if len(listed) == len(session_ids) else ";".join(listed)
    people = people.assign(free_sessions=text)
    return scenario.replace(volunteers=people,
                            availability=named_availability(scenario.teams, scenario.sessions, people))


def point_closed(scenario: Scenario, point_ids: Iterable[str], start: str) -> Scenario:
    """The points close from session ``start`` on: no need there then (capacity 0 where they close for good).

    A point closed from the first session has capacity 0, as the contract says; closed later, its
    needs of the later sessions are 0 (its capacity still held the sessions before).
    """
    points = set(point_ids)
    unknown = points - set(scenario.points["point_id"])
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not points of the scenario")
    later = _later(scenario, start)
    needs = scenario.needs[~(scenario.needs["point_id"].isin(points) & scenario.needs["session_id"].isin(later))]
    changed = scenario.replace(needs=needs.reset_index(drop=True), needs_from_file=True)
    if later == scenario.sessions["session_id"].tolist():
        table = scenario.points.copy()
        table.loc[table["point_id"].isin(points), "capacity"] = 0
        changed = changed.replace(points=table)
    return changed


def need_up(scenario: Scenario, point_id: str, session_id: str, role: str, volunteers: int) -> Scenario:
    """The need of a point in a session and role is now ``volunteers`` (more, or fewer)."""
    if point_id not in set(scenario.points["point_id"]) or session_id not in set(scenario.sessions["session_id"]):
        raise ValueError(f"{point_id!r} in {session_id!r} is not a point and session of the scenario")
    if volunteers < 0:
        raise ValueError("a need is 0 or more volunteers")
    needs = scenario.needs.copy()
    at = (needs["point_id"] == point_id) & (needs["session_id"] == session_id) & (needs["role"] == role)
    if at.any():
        needs.loc[at, "volunteers"] = int(volunteers)
    else:
        added = pd.DataFrame({"point_id": [point_id], "session_id": [session_id], "role": [role],
                              "volunteers": [int(volunteers)]})
        needs = pd.concat([needs, added], ignore_index=True)
    needs = needs[needs["volunteers"] > 0]
    # Back in the scenario's order: points, sessions in time order, roles.
    points = {p: i for i, p in enumerate(scenario.points["point_id"])}
    sessions = {s: i for i, s in enumerate(scenario.sessions["session_id"])}
    roles = {"general": 0, "first_aid": 1, "counsellor": 2}
    order = np.lexsort((needs["role"].map(roles).to_numpy(), needs["session_id"].map(sessions).to_numpy(),
                        needs["point_id"].map(points).to_numpy()))
    needs = needs.iloc[order].reset_index(drop=True)
    needs["volunteers"] = needs["volunteers"].astype("int64")
    return scenario.replace(needs=needs, needs_from_file=True)


__all__ = ["need_up", "point_closed", "team_out"]
