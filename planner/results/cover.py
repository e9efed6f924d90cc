"""Who can cover: the teams (and their members) who could take over a dropped team's duty, or one empty duty.

On the day, staff want a short list to call, best first: teams within reach of the point, with
members free in that session who are not on duty then, have sessions left and may serve the role.
The list is ranked by what makes a good stand-in: can it cover the whole duty, is it off duty
then (so it comes whole, not split from another point), how far it travels, and how much it
already serves (the least loaded first, so the load is shared). A re-plan uses these teams first
(planner/results/replan.py): among plans with equally few changes, it prefers them in this order.

Members are the contract's (``<team_id>/<n>``, or the named persons when a scenario names them);
who is on duty, and how many sessions each has served, comes from the plan's roster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.geo import distance_km
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.model.classes import KIND_ROLES
from planner.model.levers import Inputs, Levers, apply_levers
from planner.model.replan import scenario_members

COVER_COLUMNS = ["rank", "team_id", "name", "district_id", "km", "can_cover", "free", "on_duty_then",
                 "sessions_left", "serves", "persons"]
ROLE_INDEX = {"general": 0, "first_aid": 1, "counsellor": 2}


@dataclass(frozen=True)
class Duty:
    """A duty to cover: ``volunteers`` in ``role`` at ``point_id`` in ``session_id``."""

    point_id: str
    session_id: str
    role: str
    volunteers: int


def cover_preferences(inputs: Inputs, assignments: pd.DataFrame, roster: pd.DataFrame, start: str, *,
                      per_duty: int = 3) -> pd.DataFrame:
    """``team_id, point_id, rank``: for every duty left open by a team that dropped out, the best
    ``per_duty`` teams who can cover it (rank 1 the best), as a re-plan prefers them."""
    rows: list[tuple[str, str, int]] = []
    people = _People(inputs, roster, assignments)
    for team_id, duty in open_duties(inputs, assignments, start):
        ranked = _candidates(inputs, people, duty, exclude=(team_id,), top=per_duty)
        rows.extend((t, duty.point_id, int(k)) for t, k in zip(ranked["team_id"], ranked["rank"], strict=True))
    frame = pd.DataFrame(rows, columns=["team_id", "point_id", "rank"])
    return frame.sort_values("rank", kind="stable").drop_duplicates(["team_id", "point_id"]).reset_index(drop=True)


def duties_of_team(assignments: pd.DataFrame, team_id: str, session_id: str) -> list[Duty]:
    """What a team had in a session (the duties left open when it drops out), largest first."""
    rows = assignments[(assignments["team_id"] == team_id) & (assignments["session_id"] == session_id)]
    rows = rows.sort_values(["volunteers", "point_id", "role"], ascending=[False, True, True], kind="stable")
    return [Duty(str(p), str(s), str(r), int(v)) for p, s, r, v in
            zip(rows["point_id"], rows["session_id"], rows["role"], rows["volunteers"].astype("int64"), strict=True)]


def who_can_cover(scenario: Scenario, assignments: pd.DataFrame, roster: pd.DataFrame, duty: Duty, *,
                  levers: Levers | None = None, exclude: tuple[str, ...] = (), top: int | None = None) -> pd.DataFrame:
    """The teams that could take over ``duty``, best first.

    Parameters
    ----------
    scenario : Scenario
        The scenario as it is now (a dropped team has no member free then).
    assignments, roster : pandas.DataFrame
        The plan (its assignments.csv and roster.csv): who is on duty when, and each person's sessions.
    duty : Duty
        What to cover.
    levers : Levers, optional
    exclude : tuple of str
        Teams not to list (the one that dropped out).
    top : int, optional
        At most this many teams.

    Returns
    -------
    pandas.DataFrame
        ``rank, team_id, name, district_id, km`` (from the team's district centre to the point),
        ``can_cover`` (volunteers of the duty it can give: its able members, at most the duty),
        ``free`` (its members free then, off duty, with sessions left, able to serve the role),
        ``on_duty_then`` (members of the team on duty elsewhere in that session),
        ``sessions_left`` (those members' sessions left over the exam), ``serves`` (the team's
        volunteer-sessions in the plan), ``persons`` (the able members, ``;``-separated).
        Teams out of reach or with no able member are not listed.
    """
    inputs = apply_levers(scenario, levers)
    return _candidates(inputs, _People(inputs, roster, assignments), duty, exclude=exclude, top=top)


class _People:
    """Every member, the sessions each has served, who is on duty in a session; each team's load."""

    def __init__(self, inputs: Inputs, roster: pd.DataFrame, assignments: pd.DataFrame):
        sc = inputs.scenario
        self.members = scenario_members(inputs)
        team_ids = sc.teams["team_id"].to_numpy()
        self.person_ids = self.members.ids if len(self.members.ids) else np.array(
            [f"{team_ids[t]}/{n}" for t, n in zip(self.members.team, self.members.number, strict=True)], dtype=object)
        served = roster.groupby("person_id")["session_id"].nunique()
        self.used = served.reindex(self.person_ids).fillna(0).to_numpy(dtype="int64")
        self.index = pd.Index(self.person_ids)
        self.roster = roster
        # Per team: volunteer-sessions in the plan, and on duty in each session.
        t = pd.Index(sc.teams["team_id"]).get_indexer(pd.Index(assignments["team_id"]))
        s = pd.Index(sc.sessions["session_id"]).get_indexer(pd.Index(assignments["session_id"]))
        ok = (t >= 0) & (s >= 0)
        self.team_session = np.zeros((len(team_ids), len(sc.sessions)), dtype="int64")
        np.add.at(self.team_session, (t[ok], s[ok]), assignments["volunteers"].to_numpy(dtype="int64")[ok])
        districts = sc.districts.set_index("district_id")
        self.team_district = sc.teams["district_id"].to_numpy()
        self.team_lat = districts["lat"].reindex(self.team_district).to_numpy(dtype=float)
        self.team_lon = districts["lon"].reindex(self.team_district).to_numpy(dtype=float)

    def on_duty(self, session_id: str) -> np.ndarray:
        busy = np.zeros(len(self.person_ids), dtype=bool)
        at = self.index.get_indexer(pd.Index(self.roster.loc[self.roster["session_id"] == session_id, "person_id"]))
        busy[at[at >= 0]] = True
        return busy


def _candidates(inputs: Inputs, people: _People, duty: Duty, *, exclude: tuple[str, ...],
                top: int | None) -> pd.DataFrame:
    sc = inputs.scenario
    sessions = sc.sessions["session_id"].tolist()
    if duty.session_id not in sessions or duty.point_id not in set(sc.points["point_id"]) \
            or duty.role not in ROLE_INDEX:
        raise ValueError(f"{duty} names a point, session or role the scenario does not have")
    s = sessions.index(duty.session_id)
    members = people.members
    team_ids = sc.teams["team_id"].to_numpy()
    n_teams = len(team_ids)
    at = sc.points.index[sc.points["point_id"] == duty.point_id][0]
    km = distance_km(people.team_lat, people.team_lon, np.array([sc.points.at[at, "lat"]], dtype=float),
                     np.array([sc.points.at[at, "lon"]], dtype=float))
    allowed = (km <= inputs.reach_km) & ~np.isin(team_ids, list(exclude))
    left = inputs.max_sessions[members.team] - people.used
    able = (members.free[:, s] & ~people.on_duty(duty.session_id) & (left > 0)
            & KIND_ROLES[members.kind, ROLE_INDEX[duty.role]] & allowed[members.team])
    free = np.bincount(members.team[able], minlength=n_teams)
    sessions_left = np.bincount(members.team[able], weights=left[able], minlength=n_teams).astype("int64")
    teams = np.nonzero(free > 0)[0]
    can_cover = np.minimum(free[teams], duty.volunteers)
    on_duty_then = people.team_session[teams, s]
    serves = people.team_session[teams].sum(axis=1)
    # The whole duty first; a team off duty then (it comes whole); nearer; less loaded; by id.
    order = np.lexsort((team_ids[teams], serves, km[teams], on_duty_then > 0, -can_cover))
    if top is not None:
        order = order[:top]
    chosen = teams[order]
    persons = [";".join(people.person_ids[able & (members.team == t)]) for t in chosen.tolist()]
    return pd.DataFrame({
        "rank": np.arange(1, len(chosen) + 1), "team_id": team_ids[chosen], "name": sc.teams["name"].to_numpy()[chosen],
        "district_id": people.team_district[chosen], "km": np.round(km[chosen], 1), "can_cover": can_cover[order],
        "free": free[chosen], "on_duty_then": on_duty_then[order], "sessions_left": sessions_left[chosen],
        "serves": serves[order], "persons": persons,
    }, columns=COVER_COLUMNS)


def open_duties(inputs: Inputs, assignments: pd.DataFrame, start: str) -> list[tuple[str, Duty]]:
    """The published duties from ``start`` on whose team dropped out: ``(team_id, duty)``.

    A team with fewer members free in a session than it had on duty then loses its duties there
    (a point closed or a need down leaves nothing to cover); a team the scenario no longer has
    loses them all. A duty at a point or in a role the scenario does not have is not open: no
    one can cover it.
    """
    sc = inputs.scenario
    sessions = sc.sessions["session_id"].tolist()
    later = assignments[assignments["session_id"].isin(sessions[sessions.index(start):])]
    if not len(later):
        return []
    team_pos = pd.Index(sc.teams["team_id"]).get_indexer(pd.Index(later["team_id"]))
    session_pos = pd.Index(sessions).get_indexer(pd.Index(later["session_id"]))
    known = (team_pos >= 0) & (session_pos >= 0)
    free = np.where(known, inputs.available[np.maximum(team_pos, 0), np.maximum(session_pos, 0)], 0)
    on_duty = later.groupby(["team_id", "session_id"])["volunteers"].transform("sum").to_numpy()
    lost = free < on_duty
    coverable = later["point_id"].isin(sc.points["point_id"]).to_numpy() & later["role"].isin(ROLES).to_numpy()
    open_rows = later[lost & coverable]
    return [(str(t), Duty(str(p), str(s), str(r), int(v))) for t, p, s, r, v in zip(
        open_rows["team_id"], open_rows["point_id"], open_rows["session_id"], open_rows["role"],
        open_rows["volunteers"].astype("int64"), strict=True)]


__all__ = ["COVER_COLUMNS", "Duty", "cover_preferences", "duties_of_team", "open_duties", "who_can_cover"]
