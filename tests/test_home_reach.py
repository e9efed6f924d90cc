"""A home point (the point a team takes on, teams.csv ``home_point_id``) must be within the travel reach.

The model plans a team at its home only within reach of the team's district, so a home beyond it
would be passed over without a word; a scenario naming one is refused on its row, and a saved
tweak with a shorter reach writes no such home.
"""

from __future__ import annotations

import pytest

from planner import load_scenario, solve
from planner.errors import ScenarioError
from planner.model.levers import Levers
from planner.model.tweaks import save_tweaks

TEAMS = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions,home_point_id"
# p2 is 0.2 degrees of longitude east of district a's centre: about 17 km at 39.9 degrees north.
POINTS = """
    point_id,name,district_id,lat,lon,capacity,parents,frontline_staff
    p1,Point 1,a,39.90,116.40,10,100,10
    p2,Point 2,a,39.90,116.60,10,100,10
"""


def test_a_home_point_beyond_reach_is_refused_on_its_row(scenario_dir):
    folder = scenario_dir(scenario_yaml="name: tiny\nsettings:\n  max_travel_km: 10\n", points_csv=POINTS,
                          teams_csv="\n".join([TEAMS, "t1,T1,U,a,4,1,0,3,p1", "t2,T2,U,a,4,1,0,3,p2"]))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    text = str(caught.value)
    assert "teams.csv" in text and "line 3" in text and "home_point_id" in text
    assert "home point p2 is 17.1 km from team t2's district a, beyond max_travel_km 10" in text
    assert "t1" not in text  # p1 is at the district's centre


def test_a_home_point_within_reach_or_without_a_reach_is_kept(scenario_dir):
    teams = "\n".join([TEAMS, "t1,T1,U,a,4,1,0,3,p2"])
    for yaml in ("name: tiny\nsettings:\n  max_travel_km: 20\n", "name: tiny\n"):
        plan = solve(load_scenario(scenario_dir(scenario_yaml=yaml, points_csv=POINTS, teams_csv=teams)))
        # Its home p2 filled first (3 of its 4 members), though p1, at the district's centre, is nearer.
        at = plan.assignments.groupby("point_id")["volunteers"].sum().to_dict()
        assert at == {"p1": 1, "p2": 3}


def test_a_tweak_with_a_shorter_reach_saves_no_home_beyond_it(scenario_dir, tmp_path):
    teams = "\n".join([TEAMS, "t1,T1,U,a,4,1,0,3,p2", "t2,T2,U,a,4,1,0,3,p1"])
    scenario = load_scenario(scenario_dir(points_csv=POINTS, teams_csv=teams))
    saved = save_tweaks(scenario, Levers(max_travel_km=10), tmp_path / "tweaked")
    again = load_scenario(saved)  # loads: no home beyond the new reach is named
    homes = again.teams.set_index("team_id")["home_point_id"].to_dict()
    assert homes == {"t1": "-", "t2": "p1"}
