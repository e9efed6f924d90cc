"""Why a need is left unmet: the contract's causes (version 2), one per shortfall row.

For a need with ``missing > 0``, the first that holds:

1. ``point_full``: the volunteers on duty at the point in that session equal its capacity;
2. ``no_one_in_reach``: no team within reach of the point has a member free then who may serve
   the role;
3. ``all_on_duty``: every such member is on duty then (anywhere, in any role);
4. ``sessions_used``: otherwise (some such member is off duty then, but has served their most).

With volunteers.csv members are its persons, with their own skills and free sessions (those
who come under the levers, planner.model.people). Without it they are counted as the contract
says for teams without names: the members free in a
session are the first of the order *trained first* (both skills, first aid only, counsellor
only, neither; planner.model.classes), and in roster.csv members ``1..first_aid`` are the
first-aiders and the last ``counsellors`` the counsellors (planner.results.roster). Everything
is counted per team and session at once, so a re-plan pays next to nothing for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.geo import distance_km
from planner.io.settings import ROLES
from planner.model.levers import Inputs
from planner.model.people import named_free_able

CAUSES = ("point_full", "no_one_in_reach", "all_on_duty", "sessions_used")


def free_able(inputs: Inputs) -> np.ndarray:
    """Members of each team free in each session who may serve each role: teams x sessions x roles."""
    if inputs.scenario.volunteers is not None:  # named persons: their own skills and free sessions
        return named_free_able(inputs.scenario, inputs.team_factor)
    free = inputs.available
    fa, co, vo = inputs.first_aid[:, None], inputs.counsellors[:, None], inputs.volunteers[:, None]
    both = np.maximum(0, fa + co - vo)
    # Trained first: both skills at positions [0, both), first aid only [both, fa), counsellor
    # only [fa, fa + co - both), neither after; the free members are positions [0, free).
    counsellors = np.minimum(free, both) + np.maximum(0, np.minimum(free, fa + co - both) - fa)
    return np.stack([free, np.minimum(free, fa), counsellors], axis=2).astype("int64")


def on_duty_able(inputs: Inputs, roster: pd.DataFrame) -> np.ndarray:
    """Members on duty in each session (any point, any role) who may serve each role: teams x sessions x roles."""
    sc = inputs.scenario
    out = np.zeros((len(sc.teams), len(sc.sessions), len(ROLES)), dtype="int64")
    if roster.empty:
        return out
    t = pd.Index(sc.teams["team_id"]).get_indexer(roster["team_id"])
    s = pd.Index(sc.sessions["session_id"]).get_indexer(roster["session_id"])
    people = sc.volunteers
    if people is not None:  # named persons: trained as volunteers.csv says
        flags = people.set_index("person_id")
        able = np.stack([np.ones(len(t), dtype=bool),
                         roster["person_id"].map(flags["first_aid"]).to_numpy() == 1,
                         roster["person_id"].map(flags["counsellor"]).to_numpy() == 1], axis=1)
    else:
        # (a plain loop: pandas' string methods cost more than the splitting on a plan's few thousand rows)
        number = np.fromiter((int(person.rpartition("/")[2]) for person in roster["person_id"].tolist()),
                             dtype="int64", count=len(roster))
        # The contract's numbering: 1..first_aid the first-aiders, the last counsellors the counsellors.
        able = np.stack([np.ones(len(t), dtype=bool), number <= inputs.first_aid[t],
                         number > inputs.volunteers[t] - inputs.counsellors[t]], axis=1)
    for r in range(len(ROLES)):
        np.add.at(out[:, :, r], (t[able[:, r]], s[able[:, r]]), 1)
    return out


def district_reach(inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Each team's district (its position), and whether each district's centre is within reach of each
    point (districts x points): a team's reach is its district's, and teams x points is large at scale
    (15,000 x 5,100 at ten regions of 5x)."""
    sc = inputs.scenario
    km = distance_km(sc.districts["lat"].to_numpy()[:, None], sc.districts["lon"].to_numpy()[:, None],
                     sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])
    return pd.Index(sc.districts["district_id"]).get_indexer(sc.teams["district_id"]), km <= inputs.reach_km


def need_causes(inputs: Inputs, shortfalls: pd.DataFrame, roster: pd.DataFrame) -> np.ndarray:
    """The cause of each shortfall row (``""`` where nothing is missing), as the contract defines it.

    Parameters
    ----------
    inputs : Inputs
        The numbers the plan was made for (after its levers).
    shortfalls : pandas.DataFrame
        ``point_id, session_id, role, needed, assigned, missing``.
    roster : pandas.DataFrame
        roster.csv: ``person_id, team_id, session_id`` are read.

    Returns
    -------
    numpy.ndarray of str, one per shortfall row.
    """
    sc = inputs.scenario
    causes = np.full(len(shortfalls), "", dtype=object)
    short = np.nonzero(shortfalls["missing"].to_numpy() > 0)[0]
    if len(short) == 0:
        return causes
    p_all = pd.Index(sc.points["point_id"]).get_indexer(shortfalls["point_id"])
    s_all = pd.Index(sc.sessions["session_id"]).get_indexer(shortfalls["session_id"])
    load = np.zeros((len(sc.points), len(sc.sessions)), dtype="int64")
    np.add.at(load, (p_all, s_all), shortfalls["assigned"].to_numpy(dtype="int64"))
    p, s = p_all[short], s_all[short]
    r = pd.Index(ROLES).get_indexer(pd.Index(shortfalls["role"].to_numpy()[short]))
    full = load[p, s] >= inputs.capacity[p]
    able = free_able(inputs)
    idle = able - on_duty_able(inputs, roster)
    # Per short need: whether some team in reach has a free able member, and an idle one. A team's
    # reach is its district's, so per district: how many of its teams have such a member.
    team_district, reach = district_reach(inputs)  # districts x points
    able_teams = np.zeros((len(sc.districts), *able.shape[1:]), dtype="int64")
    idle_teams = np.zeros_like(able_teams)
    np.add.at(able_teams, team_district, able > 0)
    np.add.at(idle_teams, team_district, idle > 0)
    anyone = (reach[:, p] & (able_teams[:, s, r] > 0)).any(axis=0)
    someone_idle = (reach[:, p] & (idle_teams[:, s, r] > 0)).any(axis=0)
    causes[short] = np.where(full, "point_full", np.where(~anyone, "no_one_in_reach",
                                                           np.where(~someone_idle, "all_on_duty", "sessions_used")))
    return causes


__all__ = ["CAUSES", "district_reach", "free_able", "need_causes", "on_duty_able"]
