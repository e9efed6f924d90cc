"""Pins (pins.csv, contract version 2): read from folders and workbooks, checked row by row, kept by plans."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner import load_scenario, solve
from planner.errors import ScenarioError

from .helpers import digest, run_cli, solve_to
from .strategies import scenarios

POINTS = """
    point_id,name,district_id,lat,lon,capacity,parents,frontline_staff
    p1,Point 1,a,39.90,116.40,4,100,10
    p2,Point 2,a,39.91,116.40,10,100,10
    far,Far point,b,41.90,116.50,10,100,10
"""
TEAMS = """
    team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions
    t1,T1,U,a,3,1,0,1
    t2,T2,U,a,3,0,0,1
"""
NEEDS = """
    point_id,session_id,role,volunteers
    p1,s1,general,3
    p1,s1,first_aid,1
    p2,s1,general,3
    far,s1,general,2
"""
YAML = "name: pinned\nsettings:\n  max_travel_km: 50\n"
HEADER = "team_id,point_id,session_id,role,volunteers\n"


def pinned(scenario_dir, pins: str):
    return scenario_dir(scenario_yaml=YAML, points_csv=POINTS, teams_csv=TEAMS, needs_csv=NEEDS,
                        pins_csv=HEADER + pins)


@pytest.mark.parametrize(("pin", "column", "words"), [
    ("t1,p2,s1,general,4", "volunteers", "more than its 3 members free then"),
    ("t2,p1,s1,first_aid,1", "role", "more than its 0 first-aiders free then"),
    ("t1,p1,s1,general,3\nt2,p1,s1,general,2", "volunteers", "more than its capacity 4"),
    ("t1,p2,s1,first_aid,1", "volunteers", "more than the 0 needed there"),
    ("t1,far,s1,general,1", "point_id", "beyond max_travel_km 50"),
    ("t9,p1,s1,general,1", "team_id", "'t9' is not a team_id"),
    ("t1,p1,s9,general,1", "session_id", "'s9' is not a session_id"),
    ("t1,p1,s1,cook,1", "role", "expected one of general, first_aid, counsellor"),
])
def test_a_pin_breaking_a_rule_is_invalid(scenario_dir, tmp_path, pin, column, words):
    """Exit 2 with the pin's row and column named; nothing written."""
    folder = pinned(scenario_dir, pin)
    code, _, err = run_cli("solve", str(folder), "--out", str(tmp_path / "plan"))
    assert code == 2
    assert f"pins.csv, line 2, column {column}" in err
    assert words in err
    assert not (tmp_path / "plan").exists()


def test_a_pin_of_none_breaks_no_rule(scenario_dir, tmp_path):
    """"Keeps at least 0" asks for nothing: not invalid, even at a point beyond the team's reach."""
    folder = pinned(scenario_dir, "t1,far,s1,general,0")
    code, _, err = run_cli("solve", str(folder), "--out", str(tmp_path / "plan"))
    assert code == 0, err
    assert run_cli("verify", str(folder), str(tmp_path / "plan"))[0] == 0


def test_a_pin_of_a_team_spread_over_sessions_beyond_max_sessions(scenario_dir):
    """t2's 3 members serve one session each: 3 pinned in s1 and 1 more in s2 is 4 of 3 volunteer-sessions."""
    folder = scenario_dir(
        scenario_yaml=YAML, points_csv=POINTS, teams_csv=TEAMS,
        sessions_csv="session_id,date,start,end\ns1,2023-06-07,09:00,11:30\ns2,2023-06-07,15:00,17:00",
        needs_csv=NEEDS.rstrip() + "\n    p2,s2,general,3\n",
        pins_csv=HEADER + "t2,p2,s1,general,3\nt2,p2,s2,general,1")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert all("more than its 3 members x 1 sessions" in p.message for p in caught.value.problems)
    assert [p.line for p in caught.value.problems] == [2, 3]


def test_plans_keep_pins(scenario_dir, tmp_path):
    """Without pins the planner puts t1 (with its first-aider) at p1; pinned at p2, t1 goes there,
    and t2 takes p1 (no first-aider left for it: the pin costs that need, and the plan says so)."""
    folder = pinned(scenario_dir, "t1,p2,s1,general,3")
    plan = solve_to(folder, tmp_path / "plan")
    rows = plan.assignments.set_index(["team_id", "point_id", "session_id", "role"])["volunteers"]
    assert rows[("t1", "p2", "s1", "general")] == 3
    assert plan.summary["pins_missing"] == 0
    # Every need a plan keeping the pin can fill: 3 at p1 by t2, 3 at p2 by t1; the first aid is lost.
    assert plan.summary["assigned"] == 6
    assert run_cli("verify", str(folder), str(tmp_path / "plan"))[0] == 0
    # The checker itself finds a plan that does not keep the pin.
    free = solve(load_scenario(scenario_dir(scenario_yaml=YAML, points_csv=POINTS, teams_csv=TEAMS, needs_csv=NEEDS)))
    from planner.exports.files import export_plan

    export_plan(free, tmp_path / "unpinned")
    code, out, _ = run_cli("verify", str(folder), str(tmp_path / "unpinned"))
    assert code == 1 and "pins.csv, line 2: team t1 is pinned with 3 at point p2" in out


def test_a_plan_keeping_its_pins_is_left_as_it_is(scenario_dir, tmp_path):
    """A pin the planner's plan keeps anyway changes nothing: the same files, byte for byte (less the summary's
    nothing-to-add)."""
    plain = scenario_dir(scenario_yaml=YAML, points_csv=POINTS, teams_csv=TEAMS, needs_csv=NEEDS)
    plan = solve(load_scenario(plain))
    row = plan.assignments.iloc[0]
    folder = pinned(scenario_dir, f"{row.team_id},{row.point_id},{row.session_id},{row.role},{row.volunteers}")
    again = solve(load_scenario(folder))
    assert again.assignments.equals(plan.assignments)
    assert again.roster.equals(plan.roster)
    assert "pins_repaired" not in again.summary


def test_pins_round_trip_through_a_workbook(scenario_dir, tmp_path):
    """planner convert: folder -> workbook (a pins sheet) -> folder keeps pins.csv exactly."""
    folder = pinned(scenario_dir, "t1,p2,s1,general,3")
    book = tmp_path / "scenario.xlsx"
    assert run_cli("convert", str(folder), str(book))[0] == 0
    back = tmp_path / "back"
    assert run_cli("convert", str(book), str(back))[0] == 0
    assert (back / "pins.csv").read_text(encoding="utf-8").splitlines() == \
        (folder / "pins.csv").read_text(encoding="utf-8").splitlines()
    assert load_scenario(book).pins.equals(load_scenario(folder).pins)
    # The workbook itself is a scenario with pins: the same plan.
    assert run_cli("solve", str(book), "--out", str(tmp_path / "from-book"))[0] == 0
    assert run_cli("solve", str(folder), "--out", str(tmp_path / "from-folder"))[0] == 0
    book_files, folder_files = digest(tmp_path / "from-book"), digest(tmp_path / "from-folder")
    for name in ("assignments.csv", "roster.csv"):
        assert book_files[name] == folder_files[name]


def test_a_bad_pin_in_a_workbook_names_its_sheet_row_and_column(scenario_dir, tmp_path):
    folder = pinned(scenario_dir, "t1,p2,s1,general,3")
    book = tmp_path / "scenario.xlsx"
    assert run_cli("convert", str(folder), str(book))[0] == 0
    from openpyxl import load_workbook

    workbook = load_workbook(book)
    workbook["pins"]["E2"] = 9
    workbook.save(book)
    code, _, err = run_cli("check", str(book))
    assert code == 2
    assert "sheet pins, line 2, column volunteers (E)" in err


def test_pins_edited_in_the_explorer(scenario_dir):
    """The explorer's pins form: a pin is kept by the plan shown; one no plan could keep is refused with
    the reason, and the pins stay as they were; unpinning removes it."""
    from planner.workbook import Explorer

    explorer = Explorer(scenario_dir(scenario_yaml=YAML, points_csv=POINTS, teams_csv=TEAMS, needs_csv=NEEDS),
                        debounce=0)
    form = explorer.pin_form
    for key, value in (("team", "t1"), ("point", "p2"), ("session", "s1"), ("role", "general"), ("volunteers", 3)):
        form.widgets[key].value = value
    form.pin_button.click()
    rows = explorer.plan.assignments.set_index(["team_id", "point_id", "session_id", "role"])["volunteers"]
    assert rows[("t1", "p2", "s1", "general")] == 3
    assert len(explorer.scenario.pins) == 1
    form.widgets["volunteers"].value = 9
    form.pin_button.click()
    assert "more than its 3 members free then" in explorer.message.value
    assert explorer.scenario.pins["volunteers"].tolist() == [3]
    form.unpin_button.click()
    assert len(explorer.scenario.pins) == 0


@pytest.mark.slow
@settings(max_examples=10)
@given(data=scenarios(), pick=st.integers(0, 10_000), many=st.integers(1, 3))
def test_random_pins_are_kept(tmp_path_factory, data, pick, many):
    """Any scenario, a pin any team could keep (checked as pins.csv is): the plan keeps it and every rule."""
    from planner.io import save_scenario
    from planner.io.pins import pinned_scenario

    tmp = tmp_path_factory.mktemp("pins")
    scenario = load_scenario(data.write(tmp / "scenario"))
    assume(len(scenario.teams) and len(scenario.needs))
    needs = scenario.needs.reset_index(drop=True)
    teams = scenario.teams["team_id"].tolist()
    # The (need, team) pairs from one ``pick`` on, the first a team could keep (as pins.csv is
    # checked): most random pairs break a rule (reach, skills, availability), and drawing again
    # for each would discard most examples.
    pairs = [(needs.iloc[i % len(needs)], teams[j % len(teams)])
             for i in range(pick, pick + len(needs)) for j in range(pick // 7, pick // 7 + len(teams))]
    pinned = pins = None
    for need, team in pairs:
        amount = min(many, int(need["volunteers"]))
        pins = pd.DataFrame([[team, need["point_id"], need["session_id"], need["role"], amount]],
                            columns=["team_id", "point_id", "session_id", "role", "volunteers"])
        try:
            pinned = pinned_scenario(scenario, pins)
            break
        except ValueError:
            continue
    assume(pinned is not None)
    assert pinned is not None and pins is not None
    folder = save_scenario(pinned, tmp / "pinned")
    assert (folder / "pins.csv").is_file()
    plan = solve_to(folder, tmp / "plan")
    row = pins.iloc[0]
    given_there = plan.assignments[(plan.assignments["team_id"] == row["team_id"])
                                   & (plan.assignments["point_id"] == row["point_id"])
                                   & (plan.assignments["session_id"] == row["session_id"])
                                   & (plan.assignments["role"] == row["role"])]["volunteers"].sum()
    assert given_there >= row["volunteers"]
    code, out, _ = run_cli("verify", str(folder), str(tmp / "plan"))
    assert code == 0, out
