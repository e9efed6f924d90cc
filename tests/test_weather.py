"""The need_factors lever and the weather presets built on it."""

from __future__ import annotations

import math

import pytest

from planner import LivePlanner, load_scenario, solve
from planner.model.weather import exam_days, weather_levers

from .conftest import SCENARIOS

TEAMS = """
    team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions
    t1,T1,U,a,10,2,0,2
"""
SESSIONS = """
    session_id,date,start,end
    s1,2023-06-07,09:00,11:30
    s2,2023-06-08,15:00,17:00
"""
NEEDS = """
    point_id,session_id,role,volunteers
    p1,s1,general,3
    p1,s1,first_aid,1
    p1,s2,general,3
"""


def test_need_factors_scale_needs_and_round_up(scenario_dir):
    """3 x 1.5 = 4.5 -> 5 general in s1; first aid and s2 unchanged: 5 + 1 + 3 = 9 needed, all staffed."""
    scenario = load_scenario(scenario_dir(teams_csv=TEAMS, sessions_csv=SESSIONS, needs_csv=NEEDS))
    plan = solve(scenario, need_factors={"s1": {"general": 1.5}})
    needed = plan.shortfalls.set_index(["session_id", "role"])["needed"].to_dict()
    assert needed == {("s1", "general"): 5, ("s1", "first_aid"): 1, ("s2", "general"): 3}
    assert plan.summary["unmet"] == 0
    assert plan.summary["levers"]["need_factors"] == {"s1": {"general": 1.5}}


def test_a_need_factor_of_zero_removes_the_need(scenario_dir):
    scenario = load_scenario(scenario_dir(teams_csv=TEAMS, sessions_csv=SESSIONS, needs_csv=NEEDS))
    plan = solve(scenario, need_factors={"s2": {"general": 0}})
    assert set(zip(plan.shortfalls["session_id"], plan.shortfalls["role"], strict=True)) == {
        ("s1", "general"), ("s1", "first_aid")}
    assert not (plan.assignments["session_id"] == "s2").any()


def test_need_factors_are_checked_with_clear_messages(scenario_dir):
    scenario = load_scenario(scenario_dir(teams_csv=TEAMS, sessions_csv=SESSIONS, needs_csv=NEEDS))
    with pytest.raises(ValueError, match="need_factors: 'monday' is not a session"):
        solve(scenario, need_factors={"monday": {"general": 2}})
    with pytest.raises(ValueError, match=r"need_factors\['s1'\]: 'cook' is not a role"):
        solve(scenario, need_factors={"s1": {"cook": 2}})
    with pytest.raises(ValueError, match=r"need_factors\['s1'\]\['general'\] must be 0 or more"):
        solve(scenario, need_factors={"s1": {"general": -1}})


def test_warm_need_factors_equal_a_cold_solve(beijing):
    levers = {"need_factors": {"0608-pm": {"general": 1.5}, "0609-am": {"first_aid": 2}}}
    live = LivePlanner(beijing)
    live.plan(availability=0.7)
    warm = live.plan(**levers)
    cold = solve(beijing, **levers)
    assert warm.summary["objective"] == pytest.approx(cold.summary["objective"], abs=1e-6)
    assert warm.summary["needed"] == cold.summary["needed"]
    assert warm.summary["assigned"] == cold.summary["assigned"]


def test_rain_on_day_two(beijing):
    """Rain on 2023-06-08 (one of seven sessions): that day's general needs x 1.5, raincoats x (1 + 2/7)."""
    days = exam_days(beijing)
    assert days == ["2023-06-07", "2023-06-08", "2023-06-09", "2023-06-10"]
    levers = weather_levers(beijing, "rain", [days[1]])
    assert levers == {"supply_factors": {"raincoat": 1.286}, "need_factors": {"0608-pm": {"general": 1.5}}}
    base, rain = solve(beijing), solve(beijing, **levers)
    day_two = beijing.needs[(beijing.needs["session_id"] == "0608-pm") & (beijing.needs["role"] == "general")]
    extra = sum(math.ceil(1.5 * n) - n for n in day_two["volunteers"])
    assert rain.summary["needed"] == base.summary["needed"] + extra
    assert rain.summary["supplies"]["raincoat"]["wanted"] > base.summary["supplies"]["raincoat"]["wanted"]
    assert rain.summary["supplies"]["water"] == base.summary["supplies"]["water"]


def test_heat_on_every_day(beijing):
    levers = weather_levers(beijing, "heat")
    assert levers["supply_factors"] == {"heat-relief": 2.0, "water": 1.5}
    assert set(levers["need_factors"]) == set(beijing.sessions["session_id"])
    assert all(f == {"first_aid": 2.0} for f in levers["need_factors"].values())
    plan = solve(beijing, **levers)
    first_aid = int(beijing.needs.loc[beijing.needs["role"] == "first_aid", "volunteers"].sum())
    assert plan.summary["needed_by_role"]["first_aid"] == 2 * first_aid
    assert plan.summary["supplies"]["water"]["wanted"] == 3 * plan.summary["supplies"]["water"]["stock"] // 2


def test_weather_without_the_items_changes_only_needs():
    demo = load_scenario(SCENARIOS / "demo-small")  # water, but no raincoats
    assert weather_levers(demo, "rain")["supply_factors"] == {}
    assert weather_levers(demo, "heat")["supply_factors"] == {"water": 1.5}
    assert weather_levers(demo, "none") == {"supply_factors": {}, "need_factors": {}}
    assert weather_levers(demo, "rain", []) == {"supply_factors": {}, "need_factors": {}}


def test_weather_is_checked(beijing):
    with pytest.raises(ValueError, match="weather must be one of none, heat, rain"):
        weather_levers(beijing, "snow")
    with pytest.raises(ValueError, match=r"weather days \['2023-06-11'\] are not exam days"):
        weather_levers(beijing, "rain", ["2023-06-11"])
