"""Tiny scenarios whose optimum is worked out by hand (the arithmetic is in each docstring).

District a's centre is point p1's position; district b is 0.1 degrees east, 8.54 km away.
Objective terms (docs/model.md): -w_r per staffed volunteer-session; fairness bonus
0.5 x (10 - band) / 10 where the band is the district's coverage before that volunteer;
travel 0.04 x km / farthest km in the model; -1 per supply unit and per item share.
"""

from __future__ import annotations

import math

import pytest

from planner import load_scenario, solve
from planner.io.scenario import wanted_supplies

TEAM_HEADER = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions"
NEEDS_HEADER = "point_id,session_id,role,volunteers"


def teams(*rows: str) -> str:
    return "\n".join([TEAM_HEADER, *rows])


def needs(*rows: str) -> str:
    return "\n".join([NEEDS_HEADER, *rows])


def test_fewer_volunteers_than_needed(scenario_dir):
    """Need 3 general, the team has 2: 2 staffed, 1 unmet.

    Objective: -2 (two general) - 0.5 - 0.35 (bands 0 and 3 of a need of 3) - 2 x 0.045 (both at
    their team's home point, the only point of its district) = -2.94.
    """
    plan = solve(load_scenario(scenario_dir(teams_csv=teams("t1,T1,U,a,2,0,0,1"), needs_csv=needs("p1,s1,general,3"))))
    assert plan.summary["needed"] == 3
    assert plan.summary["assigned"] == 2
    assert plan.summary["unmet"] == 1
    assert plan.summary["coverage"] == 2 / 3
    assert plan.summary["objective"] == pytest.approx(-2.94)
    assert plan.assignments.to_dict("records") == [
        {"team_id": "t1", "point_id": "p1", "session_id": "s1", "role": "general", "volunteers": 2}
    ]
    assert plan.shortfalls.to_dict("records") == [
        {"point_id": "p1", "session_id": "s1", "role": "general", "needed": 3, "assigned": 2, "missing": 1,
         "cause": "all_on_duty"}  # both members on duty: contract v2's cause
    ]


def test_skilled_member_takes_the_skilled_role(scenario_dir):
    """One first-aider and one other member; a general and a first-aid need: both filled."""
    plan = solve(load_scenario(scenario_dir(
        teams_csv=teams("t1,T1,U,a,2,1,0,1"), needs_csv=needs("p1,s1,general,1", "p1,s1,first_aid,1"))))
    assert plan.summary["unmet"] == 0
    roles = dict(zip(plan.assignments["role"], plan.assignments["volunteers"], strict=True))
    assert roles == {"general": 1, "first_aid": 1}


def test_first_aid_outranks_general(scenario_dir):
    """One member, trained in first aid, two needs: first aid (weight 3) beats general (1)."""
    plan = solve(load_scenario(scenario_dir(
        teams_csv=teams("t1,T1,U,a,1,1,0,1"), needs_csv=needs("p1,s1,general,1", "p1,s1,first_aid,1"))))
    assert plan.assignments[["role", "volunteers"]].to_dict("records") == [{"role": "first_aid", "volunteers": 1}]
    assert plan.summary["unmet_by_role"] == {"general": 1, "first_aid": 0, "counsellor": 0}


def test_max_sessions_limits_a_member(scenario_dir):
    """One member who serves one session, a need in each of two sessions: one unmet."""
    plan = solve(load_scenario(scenario_dir(
        sessions_csv="session_id,date,start,end\ns1,2023-06-07,09:00,11:30\ns2,2023-06-07,15:00,17:00",
        teams_csv=teams("t1,T1,U,a,1,0,0,1"), needs_csv=needs("p1,s1,general,1", "p1,s2,general,1"))))
    assert plan.summary["assigned"] == 1
    assert plan.summary["unmet"] == 1


def test_first_aid_over_the_exam(scenario_dir):
    """The team's one first-aider serves one session: first aid is staffed once of twice.

    The other member is not trained, so the second first-aid need stays unmet even though
    the team has a member free (skills count against first_aid x max_sessions).
    """
    plan = solve(load_scenario(scenario_dir(
        sessions_csv="session_id,date,start,end\ns1,2023-06-07,09:00,11:30\ns2,2023-06-07,15:00,17:00",
        teams_csv=teams("t1,T1,U,a,2,1,0,1"), needs_csv=needs("p1,s1,first_aid,1", "p1,s2,first_aid,1"))))
    assert plan.summary["assigned"] == 1
    assert plan.summary["unmet_by_role"]["first_aid"] == 1


def test_availability_per_session(scenario_dir):
    """Three members, one free in s1: one staffed in s1, two in s2."""
    plan = solve(load_scenario(scenario_dir(
        sessions_csv="session_id,date,start,end\ns1,2023-06-07,09:00,11:30\ns2,2023-06-07,15:00,17:00",
        teams_csv=teams("t1,T1,U,a,3,0,0,2"), availability_csv="team_id,session_id,volunteers\nt1,s1,1",
        needs_csv=needs("p1,s1,general,3", "p1,s2,general,2"))))
    by_session = plan.assignments.groupby("session_id")["volunteers"].sum().to_dict()
    assert by_session == {"s1": 1, "s2": 2}


@pytest.mark.parametrize(("reach", "assigned"), [(5, 0), (10, 1)])
def test_travel_reach(scenario_dir, reach, assigned):
    """A team in district b, 8.54 km from p1: out of reach at 5 km, in reach at 10 km."""
    plan = solve(load_scenario(scenario_dir(
        scenario_yaml=f"name: reach\nsettings:\n  max_travel_km: {reach}\n",
        teams_csv=teams("t1,T1,U,b,1,0,0,1"), needs_csv=needs("p1,s1,general,1"))))
    assert plan.summary["assigned"] == assigned


def test_capacity_caps_a_point(scenario_dir):
    """Ten members, a need of 5, room for 3: three on duty."""
    plan = solve(load_scenario(scenario_dir(
        points_csv="point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\np1,P1,a,39.90,116.40,3,100,10",
        teams_csv=teams("t1,T1,U,a,10,0,0,1"), needs_csv=needs("p1,s1,general,5"))))
    assert plan.summary["assigned"] == 3


def test_the_nearer_team_goes(scenario_dir):
    """Two one-member teams, one in a (0 km) and one in b (8.54 km), one need at p1."""
    plan = solve(load_scenario(scenario_dir(
        teams_csv=teams("far,Far,U,b,1,0,0,1", "near,Near,U,a,1,0,0,1"), needs_csv=needs("p1,s1,general,1"))))
    assert list(plan.assignments["team_id"]) == ["near"]
    assert plan.summary["average_travel_km"] == 0.0


TWO_POINTS = "point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n" \
             "p1,P1,a,39.90,116.40,10,100,10\np2,P2,b,39.90,116.50,10,100,10"


@pytest.mark.parametrize(("fairness", "expected"), [(1, {"p1": 1, "p2": 1}), (0, {"p1": 2})])
def test_fairness_spreads_scarce_volunteers(scenario_dir, fairness, expected):
    """Two volunteers in a; p1 (district a) needs 4, p2 (district b, 8.54 km) needs 2.

    Fair: p1 (the team's home point, + 0.045) then p2 earn 1 + 0.5 (band 0 of each district)
    + 0.045 + 1 + 0.5 - 0.04 = 3.005, more than both at p1: 1 + 0.5 + 1 + 0.4 (band 2 of 4)
    + 2 x 0.045 = 2.99. Without fairness, home and travel decide: both at p1, 2 + 0.09 = 2.09.
    """
    plan = solve(load_scenario(scenario_dir(
        points_csv=TWO_POINTS, teams_csv=teams("t1,T1,U,a,2,0,0,1"),
        needs_csv=needs("p1,s1,general,4", "p2,s1,general,2"))), weights={"fairness": fairness})
    assert plan.assignments.groupby("point_id")["volunteers"].sum().to_dict() == expected
    assert plan.summary["objective"] == pytest.approx(-3.005 if fairness else -2.09)


def test_supplies_are_shared_in_proportion(scenario_dir):
    """10 in stock for wants of 6 and 9 (0.1 per parent, 60 and 90 parents): 4 and 6."""
    points = ("point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
              "p1,P1,a,39.90,116.40,10,60,10\np2,P2,b,39.90,116.50,10,90,10")
    plan = solve(load_scenario(scenario_dir(
        points_csv=points, supplies_csv="item_id,name,category,stock,basis,per_unit\nfan,Fan,pack,10,parent,0.1")))
    assert plan.distribution.to_dict("records") == [
        {"item_id": "fan", "point_id": "p1", "quantity": 4, "wanted": 6},
        {"item_id": "fan", "point_id": "p2", "quantity": 6, "wanted": 9},
    ]
    assert plan.summary["supplies"] == {"fan": {"stock": 10, "wanted": 15, "distributed": 10}}


def test_largest_remainder_hands_out_all_stock(scenario_dir):
    """100 for wants of 60, 40 and 80: shares 33.3, 22.2 and 44.4; the one left goes to 44.4."""
    points = ("point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
              "p1,P1,a,39.90,116.40,10,60,0\np2,P2,a,39.90,116.40,10,40,0\np3,P3,b,39.90,116.50,10,80,0")
    plan = solve(load_scenario(scenario_dir(
        points_csv=points, supplies_csv="item_id,name,category,stock,basis,per_unit\npack,Pack,pack,100,parent,1")))
    assert list(plan.distribution["quantity"]) == [33, 22, 45]


def test_equal_shares_tie_in_point_order_whatever_the_solvers_noise(scenario_dir):
    """11 for five points wanting 3 each: 2.2 each, so one unit left for five equal remainders,
    and the first point gets it. Solvers' float noise (dual simplex and interior point differ in
    the 11th digit) cannot choose: the shares are worked out in whole numbers, not read off the LP."""
    from planner.model.levers import apply_levers
    from planner.results.solving import solve_cold

    points = "point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n" + "\n".join(
        f"p{i},P{i},a,39.90,116.4{i},10,30,0" for i in range(1, 6))
    scenario = load_scenario(scenario_dir(
        points_csv=points, supplies_csv="item_id,name,category,stock,basis,per_unit\npack,Pack,pack,11,parent,0.1"))
    inputs = apply_levers(scenario)
    for options in (None, {"solver": "ipm"}):
        _, plan = solve_cold(inputs, highs_options=options)
        assert list(plan.distribution["quantity"]) == [3, 2, 2, 2, 2]


def test_a_point_wanting_millions_does_not_break_the_proportion(scenario_dir):
    """25 million for wants of 50 million, 30 and 70: half each, 25,000,000 - 50, 15 and 35. The
    LP's shares are right only to its tolerances at this size (they gave the small points all
    they wanted); the plan's are exact (found by review)."""
    points = ("point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
              "p1,P1,a,39.90,116.40,10,50000000,0\np2,P2,a,39.90,116.40,10,30,0\np3,P3,b,39.90,116.50,10,70,0")
    supplies = "item_id,name,category,stock,basis,per_unit\npack,Pack,pack,25000000,parent,1"
    plan = solve(load_scenario(scenario_dir(points_csv=points, supplies_csv=supplies)))
    assert list(plan.distribution["quantity"]) == [24_999_950, 15, 35]
    assert plan.summary["supplies"]["pack"]["distributed"] == 25_000_000


def test_wanted_is_exact_decimal(scenario_dir):
    """ceil(1.1 x 50) is 55: per_unit is read as written, not as a binary float (which gives 56)."""
    assert math.ceil(1.1 * 50) == 56  # the trap
    points = "point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\np1,P1,a,39.90,116.40,10,50,7"
    scenario = load_scenario(scenario_dir(
        points_csv=points,
        supplies_csv="item_id,name,category,stock,basis,per_unit\nw,W,basic,99,parent,1.1\nk,K,pack,9,staff,0.3\n"
                     "m,M,emergency,9,point,2"))
    assert wanted_supplies(scenario).set_index("item_id")["wanted"].to_dict() == {"w": 55, "k": 3, "m": 2}


def test_demo_small_as_worked_out(tmp_path):
    """scenarios/demo-small: the optimum explained in its scenario.yaml."""
    plan = solve(load_scenario("scenarios/demo-small"))
    s = plan.summary
    assert (s["needed"], s["assigned"], s["unmet"]) == (24, 21, 3)
    assert s["unmet_by_role"] == {"general": 1, "first_aid": 2, "counsellor": 0}
    assert s["status"] == "optimal"
    quantities = plan.distribution[plan.distribution["item_id"] == "parent-pack"]["quantity"]
    assert list(quantities) == [33, 22, 45]
    assert s["supplies"]["water"] == {"stock": 1000, "wanted": 1440, "distributed": 1000}


def test_marginal_values_read_like_the_plan():
    """demo-small leaves first aid unmet in Dongcheng: one more first-aider there is worth
    the first-aid weight (3) and a fairness bonus; parent packs are short, so one more pack
    is worth a little more than 1; medicine kits are not short, so one more is worth 0."""
    plan = solve(load_scenario("scenarios/demo-small"))
    values = plan.marginal_values
    volunteer = values[(values["kind"] == "volunteer") & (values["district_id"] == "dongcheng")
                       & (values["role"] == "first_aid")]["value"]
    assert (volunteer > 3).all() and (volunteer < 3.6).all()
    stock = values[values["kind"] == "stock"].set_index("item_id")["value"]
    assert stock["medicine-kit"] == 0
    assert 1 < stock["parent-pack"] < 1.1


def test_an_absurd_shortage_is_a_plan_not_an_error(scenario_dir):
    """No teams at all and huge needs: every need unmet, status optimal, no exception."""
    plan = solve(load_scenario(scenario_dir(needs_csv=needs("p1,s1,general,100000", "p1,s1,first_aid,500"))))
    assert plan.status == "optimal"
    assert plan.summary["assigned"] == 0
    assert plan.summary["coverage"] == 0.0
    assert plan.assignments.empty


def test_nothing_needed_is_full_coverage(scenario_dir):
    plan = solve(load_scenario(scenario_dir(needs_csv=NEEDS_HEADER)))
    assert plan.summary["needed"] == 0
    assert plan.summary["coverage"] == 1.0
    assert plan.shortfalls.empty


def test_cbc_finds_the_same_optimum():
    highs = solve(load_scenario("scenarios/demo-small"))
    cbc = solve(load_scenario("scenarios/demo-small"), solver="cbc")
    assert cbc.summary["objective"] == pytest.approx(highs.summary["objective"], rel=1e-9)
    assert cbc.summary["assigned"] == highs.summary["assigned"]
