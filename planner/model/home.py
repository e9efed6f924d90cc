"""Home points: the point each team is planned at first, so that teams stay whole and in one place.

A team is the unit that turns up, and it is easiest carried out at one point for the whole exam.
Each team of a district gets one of the district's points as its *home*, so that the points'
needs (general and first aid, over the exam) are shared among the teams in proportion to what
the teams can give: the largest team first, each to the point with the most need still without a
team (longest processing time first, as in scheduling). The LP then rewards a volunteer-session
served at the team's home point (docs/model.md, "Keeping teams together"); the home point is only
a preference, so no need is left unfilled for it.

Teams made only of counsellors, or only of first-aiders (a hospital's team), have no home: a
point needs one of them at a time, so their members go where the skill is needed, and the other
teams bring their own first-aider to their home point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.io.schema import HOME_POINT
from planner.io.schema import NO_HOME as NO_HOME_TEXT

if TYPE_CHECKING:
    from planner.model.levers import Inputs

NO_HOME = -1


def home_points(*, team_district: np.ndarray, team_capacity: np.ndarray, specialists: np.ndarray,
                point_district: np.ndarray, point_need: np.ndarray, given: pd.Series | None = None,
                point_ids: pd.Series | None = None) -> np.ndarray:
    """The home point of each team (a position in the scenario's points), or NO_HOME.

    Where teams.csv says a team's home point (``home_point_id``: the point it takes on, or
    ``-`` for none), that is its home; the others are given one as the module says, the need
    already taken on by given teams counting as taken.

    Parameters
    ----------
    team_district, team_capacity, specialists
        Per team: its district, the volunteer-sessions it can give (members x max_sessions),
        and whether every member is a counsellor, or every member a first-aider.
    point_district, point_need
        Per point: its district, and its general and first-aid need over the exam.
    """
    home = np.full(len(team_district), NO_HOME, dtype="int64")
    chosen = np.zeros(len(team_district), dtype=bool)  # the scenario says (a point, or none)
    left_all = point_need.astype(float)
    if given is not None and point_ids is not None:
        text = given.fillna("").astype(str).str.strip().to_numpy()
        named = (text != "") & (text != NO_HOME_TEXT)
        home[named] = pd.Index(point_ids).get_indexer(text[named])
        chosen = text != ""
        np.subtract.at(left_all, home[named], team_capacity[named])
    for d in np.unique(team_district):
        points = np.nonzero((point_district == d) & (point_need > 0))[0]
        if len(points) == 0:
            continue
        left = left_all[points]
        teams = np.nonzero((team_district == d) & ~specialists & (team_capacity > 0) & ~chosen)[0]
        # Largest team first (ties: the lower id); each to the point with the most need left
        # (ties: the lower id).
        for t in teams[np.argsort(-team_capacity[teams], kind="stable")]:
            best = int(np.argmax(left))
            home[t] = points[best]
            left[best] -= team_capacity[t]
    return home


def scenario_homes(base: Inputs) -> np.ndarray:
    """The home point of each of the scenario's teams, from its own numbers (``base``: no levers)."""
    sc = base.scenario
    districts = pd.Index(sc.districts["district_id"])
    needs = sc.needs[sc.needs["role"] != "counsellor"]
    point_need = np.bincount(pd.Index(sc.points["point_id"]).get_indexer(needs["point_id"]),
                             weights=needs["volunteers"].to_numpy(dtype=float), minlength=len(sc.points))
    return home_points(
        team_district=districts.get_indexer(sc.teams["district_id"]),
        team_capacity=base.volunteers * base.max_sessions,
        specialists=((base.counsellors >= base.volunteers) | (base.first_aid >= base.volunteers))
        & (base.volunteers > 0),
        point_district=districts.get_indexer(sc.points["district_id"]), point_need=point_need,
        given=sc.teams[HOME_POINT] if HOME_POINT in sc.teams.columns else None, point_ids=sc.points["point_id"])
