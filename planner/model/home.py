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

import numpy as np

NO_HOME = -1


def home_points(*, team_district: np.ndarray, team_capacity: np.ndarray, specialists: np.ndarray,
                point_district: np.ndarray, point_need: np.ndarray) -> np.ndarray:
    """The home point of each team (a position in the scenario's points), or NO_HOME.

    Parameters
    ----------
    team_district, team_capacity, specialists
        Per team: its district, the volunteer-sessions it can give (members x max_sessions),
        and whether every member is a counsellor, or every member a first-aider.
    point_district, point_need
        Per point: its district, and its general and first-aid need over the exam.
    """
    home = np.full(len(team_district), NO_HOME, dtype="int64")
    for d in np.unique(team_district):
        points = np.nonzero((point_district == d) & (point_need > 0))[0]
        if len(points) == 0:
            continue
        left = point_need[points].astype(float)
        teams = np.nonzero((team_district == d) & ~specialists & (team_capacity > 0))[0]
        # Largest team first (ties: the lower id); each to the point with the most need left
        # (ties: the lower id).
        for t in teams[np.argsort(-team_capacity[teams], kind="stable")]:
            best = int(np.argmax(left))
            home[t] = points[best]
            left[best] -= team_capacity[t]
    return home
