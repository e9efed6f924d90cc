"""Who can cover (``planner cover``, planner/results/cover.py): the ranked stand-ins, and a re-plan using them first."""

from __future__ import annotations

from planner import load_scenario
from planner.io.previous_plan import read_previous_plan
from planner.results.cover import Duty, duties_of_team, who_can_cover
from planner.results.replan import replan

from .helpers import run_cli
from .test_replan import NEEDS, POINTS, SESSIONS, write_plan

# Stand-ins for t1 at p1 in s2: t5 (district a, serving nothing), t3 (district a, served 1 in s1),
# t4 (district b, 8.5 km away), all off duty then; t2 is on duty at p2 in s2 with all its members;
# t6 has only 2 members; t7 is beyond reach (max_travel_km 9).
TEAMS = """
    team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions
    t1,T1,U,a,3,0,0,2
    t2,T2,U,a,3,1,0,2
    t3,T3,U,a,3,0,0,2
    t4,T4,U,b,3,0,0,2
    t5,T5,U,a,3,0,0,2
    t6,T6,U,a,2,0,0,1
    t7,T7,U,c,3,0,0,2
"""
DISTRICTS = """
    district_id,name_zh,name_en,lat,lon
    a,甲区,A,39.90,116.40
    b,乙区,B,39.90,116.50
    c,丙区,C,40.90,116.40
"""
YAML = "name: cover\nsettings:\n  max_travel_km: 9\n"
PUBLISHED = [("t1", "p1", "s1", "general", 3), ("t1", "p1", "s2", "general", 3),
             ("t2", "p2", "s1", "general", 2), ("t3", "p2", "s1", "general", 1), ("t2", "p2", "s2", "general", 3)]


def scenario(scenario_dir):
    """t1 out in s2."""
    return scenario_dir(scenario_yaml=YAML, districts_csv=DISTRICTS, points_csv=POINTS, sessions_csv=SESSIONS,
                        teams_csv=TEAMS, needs_csv=NEEDS, availability_csv="team_id,session_id,volunteers\nt1,s2,0")


def test_stand_ins_ranked(scenario_dir, tmp_path):
    """Whole duty first, off duty then, nearer, less loaded: t5, t3, t4, then t6 (2 of the 3); t2 has no one
    off duty then, t7 is out of reach."""
    folder = scenario(scenario_dir)
    previous = read_previous_plan(write_plan(tmp_path / "published", PUBLISHED))
    changed = load_scenario(folder)
    (duty,) = duties_of_team(previous.assignments, "t1", "s2")
    assert duty == Duty("p1", "s2", "general", 3)
    assert previous.roster is not None
    ranked = who_can_cover(changed, previous.assignments, previous.roster, duty, exclude=("t1",))
    assert ranked["team_id"].tolist() == ["t5", "t3", "t4", "t6"]
    assert ranked["can_cover"].tolist() == [3, 3, 3, 2]
    assert ranked["serves"].tolist() == [0, 1, 0, 0]
    assert ranked["km"].tolist()[1] < ranked["km"].tolist()[2]
    assert ranked["persons"].tolist()[0] == "t5/1;t5/2;t5/3"
    # An empty first-aid duty: only t2 has a first-aider (t2/1). In s2 all of t2 is on duty: no one; in
    # s1 t2/2 and t2/3 are, so t2/1 can come (its team is split then: on_duty_then 2).
    assert who_can_cover(changed, previous.assignments, previous.roster, Duty("p1", "s2", "first_aid", 1)).empty
    aid = who_can_cover(changed, previous.assignments, previous.roster, Duty("p1", "s1", "first_aid", 1))
    assert aid[["team_id", "can_cover", "on_duty_then", "persons"]].values.tolist() == [["t2", 1, 2, "t2/1"]]


def test_replan_uses_the_first_stand_in(scenario_dir, tmp_path):
    """t5 and t3 cover t1's place with the same 6 changes at the same distance; the re-plan takes t5, the first
    of the list (t3 is second: it already serves more)."""
    folder = scenario(scenario_dir)
    previous = read_previous_plan(write_plan(tmp_path / "published", PUBLISHED))
    result = replan(load_scenario(folder), previous, start="s2")
    assert result.plan.summary["changed"] == 6
    assert set(result.changes["team_id"]) == {"t1", "t5"}


def test_cover_command(scenario_dir, tmp_path):
    folder = scenario(scenario_dir)
    published = write_plan(tmp_path / "published", PUBLISHED)
    code, out, _ = run_cli("cover", str(folder), "--plan", str(published), "--session", "s2", "--team", "t1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "3 general at p1 in s2: 4 team(s) can cover"
    assert lines[1].startswith("  1. t5 (T5)") and lines[2].startswith("  2. t3 (T3)")
    assert run_cli("cover", str(folder), "--plan", str(published), "--session", "s9", "--team", "t1")[0] == 2
    assert run_cli("cover", str(folder), "--plan", str(published), "--session", "s2")[0] == 2
