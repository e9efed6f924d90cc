"""Named volunteers (volunteers.csv, contract version 2): refused when wrong, rostered by name when right.

Every plan here is checked by ``planner verify``, which reads volunteers.csv itself and checks
every person rule on roster.csv (free sessions, skills, max_sessions) without the model's code.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import export_plan, load_scenario, save_scenario, solve
from planner.verify import verify_plan

from .helpers import SCENARIOS, digest, read_rows, run_cli, write_rows
from .strategies import ScenarioData, scenarios

DEMO = SCENARIOS / "demo-named"  # demo-small with fictitious names, leaders and addresses
TEAM_HEADER = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions"
PEOPLE_HEADER = "person_id,name,team_id,first_aid,counsellor,phone,free_sessions"
TWO_SESSIONS = """
    session_id,date,start,end
    s1,2023-06-07,09:00,11:30
    s2,2023-06-07,15:00,17:00
"""


def demo_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    return folder


def refused(folder: Path, tmp_path: Path) -> list[str]:
    """``planner solve`` on the folder: exit 2, nothing written; the lines of stderr."""
    out = tmp_path / "plan-out"
    code, _, err = run_cli("solve", str(folder), "--out", str(out))
    assert code == 2, err
    assert not out.exists()
    assert "Traceback" not in err
    return [line.strip() for line in err.splitlines() if line.strip()]


def edit_person(folder: Path, who: str, **cells: str) -> None:
    rows = read_rows(folder / "volunteers.csv")
    for row in rows:
        if row["person_id"] == who:
            row.update(cells)
    write_rows(folder / "volunteers.csv", rows)


def line_of(folder: Path, file: str, column: str, value: str) -> int:
    rows = read_rows(folder / file)
    return next(i for i, row in enumerate(rows, start=2) if row[column] == value)


def test_demo_roster_names_every_person_and_keeps_the_rules(tmp_path):
    """demo-small's roster names its persons from volunteers.csv; verify checks every person rule."""
    folder = demo_copy(tmp_path)
    plan = solve(load_scenario(folder))
    out = export_plan(plan, tmp_path / "plan")
    assert verify_plan(folder, out) == []
    people = pd.read_csv(folder / "volunteers.csv", dtype=str, keep_default_na=False)
    roster = pd.read_csv(out / "roster.csv", dtype=str, keep_default_na=False)
    names = dict(zip(people["person_id"], people["name"], strict=True))
    assert set(roster["person_id"]) <= set(names)
    assert (roster["name"] == roster["person_id"].map(names)).all()
    # Chu Shisi (eh-03) is free only in the morning.
    assert set(roster.loc[roster["person_id"] == "eh-03", "session_id"]) <= {"d1-am"}


@pytest.mark.parametrize("case", ["count", "first_aid_count", "unknown_team", "unknown_session", "repeated_session",
                                  "repeated_person", "flag", "formula", "phone", "availability"])
def test_bad_volunteers_are_refused_naming_file_line_and_column(case, tmp_path):
    """Each kind of mistake is exit 2 with a line naming the file, the line and the column."""
    folder = demo_copy(tmp_path)
    people_line = line_of(folder, "volunteers.csv", "person_id", "hd-02")
    teams_line = line_of(folder, "teams.csv", "team_id", "hd-union")
    expected: list[str]
    if case == "count":  # one person of hd-union fewer than teams.csv says
        rows = [r for r in read_rows(folder / "volunteers.csv") if r["person_id"] != "hd-04"]
        write_rows(folder / "volunteers.csv", rows)
        expected = [f"teams.csv, line {teams_line}, column volunteers", "volunteers.csv lists 3"]
    elif case == "first_aid_count":
        edit_person(folder, "hd-02", first_aid="1")
        expected = [f"teams.csv, line {teams_line}, column first_aid", "volunteers.csv lists 1"]
    elif case == "unknown_team":
        edit_person(folder, "hd-02", team_id="no-such-team")
        expected = [f"volunteers.csv, line {people_line}, column team_id", "'no-such-team'"]
    elif case == "unknown_session":
        edit_person(folder, "hd-02", free_sessions="d1-am;d9-xx")
        expected = [f"volunteers.csv, line {people_line}, column free_sessions", "'d9-xx'"]
    elif case == "repeated_session":
        edit_person(folder, "hd-02", free_sessions="d1-am;d1-am")
        expected = [f"volunteers.csv, line {people_line}, column free_sessions", "twice"]
    elif case == "repeated_person":
        edit_person(folder, "hd-02", person_id="hd-01")
        expected = [f"volunteers.csv, line {people_line}, column person_id", "already on line"]
    elif case == "flag":
        edit_person(folder, "hd-02", counsellor="2")
        expected = [f"volunteers.csv, line {people_line}, column counsellor", "0, 1"]
    elif case == "formula":
        edit_person(folder, "hd-02", name="=HYPERLINK(\"x\")")
        expected = [f"volunteers.csv, line {people_line}, column name", "formula"]
    elif case == "phone":
        edit_person(folder, "hd-02", phone="call me")
        expected = [f"volunteers.csv, line {people_line}, column phone", "phone number"]
    else:  # availability.csv says 4 of hd-union free in the afternoon, but one person is not
        edit_person(folder, "hd-02", free_sessions="d1-am")
        (folder / "availability.csv").write_text("team_id,session_id,volunteers\nhd-union,d1-pm,4\n", encoding="utf-8")
        expected = ["availability.csv, line 2, column volunteers", "volunteers.csv has 3"]
    before = digest(folder)
    lines = refused(folder, tmp_path)
    assert any(all(part in line for part in expected) for line in lines), lines
    assert digest(folder) == before


def test_a_first_aider_free_only_in_another_session_leaves_the_need_unmet(scenario_dir, tmp_path):
    """One team of 2 at point p1: Ann, the only first-aider, is free only in s2; first aid is needed in s1.

    Per team the scenario's counts (1 first-aider, 2 free in s1) would seem to fill it; per person
    no one who is free in s1 is trained, so the first-aid need of s1 is unmet, Bob serves the
    general need of s1, and Ann serves only in s2.
    """
    folder = scenario_dir(
        sessions_csv=TWO_SESSIONS,
        teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,2,1,0,2"]),
        volunteers_csv="\n".join([PEOPLE_HEADER, "t1-1,Ann,t1,1,0,,s2", "t1-2,Bob,t1,0,0,,"]),
        needs_csv="point_id,session_id,role,volunteers\np1,s1,first_aid,1\np1,s1,general,1\np1,s2,first_aid,1",
    )
    plan = solve(load_scenario(folder))
    out = export_plan(plan, tmp_path / "plan")
    assert verify_plan(folder, out) == []
    short = plan.shortfalls.set_index(["session_id", "role"])["missing"]
    assert short[("s1", "first_aid")] == 1
    # Why: no one in reach free in s1 is trained for first aid (Ann, the only first-aider, is not free then).
    assert plan.shortfalls.set_index(["session_id", "role"]).at[("s1", "first_aid"), "cause"] == "no_one_in_reach"
    assert short[("s1", "general")] == 0 and short[("s2", "first_aid")] == 0
    roster = plan.roster.set_index(["person_id", "session_id"])["role"].to_dict()
    assert roster == {("t1-2", "s1"): "general", ("t1-1", "s2"): "first_aid"}


def test_persons_keep_their_point_where_the_plan_allows(scenario_dir, tmp_path):
    """Three identical members, each serving at most 2 of 3 sessions; one is needed at p1 and one at p2
    in every session (6 of 6 volunteer-sessions). Someone must move between points at some time, but
    the roster keeps every person who serves twice at one point whenever that stays possible:
    here at most one person changes point."""
    folder = scenario_dir(
        sessions_csv="""
            session_id,date,start,end
            s1,2023-06-07,09:00,11:30
            s2,2023-06-07,15:00,17:00
            s3,2023-06-08,15:00,17:00
        """,
        points_csv="""
            point_id,name,district_id,lat,lon,capacity,parents,frontline_staff
            p1,Point 1,a,39.90,116.40,10,100,10
            p2,Point 2,a,39.91,116.40,10,100,10
        """,
        teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,3,0,0,2"]),
        volunteers_csv="\n".join([PEOPLE_HEADER, "a,A,t1,0,0,,", "b,B,t1,0,0,,", "c,C,t1,0,0,,"]),
        needs_csv="point_id,session_id,role,volunteers\n" + "\n".join(
            f"{p},{s},general,1" for p in ("p1", "p2") for s in ("s1", "s2", "s3")),
    )
    plan = solve(load_scenario(folder))
    assert verify_plan(folder, export_plan(plan, tmp_path / "plan")) == []
    assert int(plan.summary["unmet"]) == 0
    moves = sum(group["point_id"].nunique() > 1 for _, group in plan.roster.groupby("person_id"))
    assert moves <= 1


def test_fewer_volunteers_under_a_lever_are_persons_who_come(tmp_path):
    """At half the volunteers the plan rosters only the persons who come, and the scenario saved
    with the lever baked in lists them: verify accepts the plan against that scenario."""
    from planner.model.levers import Levers
    from planner.model.tweaks import bake_levers

    scenario = load_scenario(DEMO)
    baked = bake_levers(scenario, Levers(availability=0.5))
    folder = save_scenario(baked, tmp_path / "half")
    again = load_scenario(folder)
    assert again.volunteers is not None
    assert again.teams["volunteers"].sum() == len(again.volunteers) < len(scenario.volunteers)
    plan = solve(scenario, availability=0.5)
    assert set(plan.roster["person_id"]) <= set(again.volunteers["person_id"])
    assert verify_plan(folder, export_plan(plan, tmp_path / "plan")) == []


def test_convert_round_trips_volunteers(tmp_path):
    """Folder to workbook to folder: volunteers.csv comes back byte for byte, phone numbers as text."""
    book, back = tmp_path / "demo.xlsx", tmp_path / "back"
    assert run_cli("convert", str(DEMO), str(book))[0] == 0
    assert run_cli("convert", str(book), str(back))[0] == 0
    assert (back / "volunteers.csv").read_bytes() == (DEMO / "volunteers.csv").read_bytes()
    from openpyxl import load_workbook

    sheet = load_workbook(book)["volunteers"]
    header = [c.value for c in sheet[1]]
    phones = [row[header.index("phone")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(p is None or isinstance(p, str) for p in phones)
    assert load_scenario(book).volunteers.equals(load_scenario(DEMO).volunteers)
    plan_a, plan_b = solve(load_scenario(book)), solve(load_scenario(back))
    assert plan_a.roster.equals(plan_b.roster)


@st.composite
def named_scenarios(draw: st.DrawFn) -> tuple[ScenarioData, list[dict[str, str]]]:
    """A small scenario whose teams' members are named, each with skills and free sessions of their own."""
    data = draw(scenarios(max_points=3, max_teams=4))
    session_ids = [s["session_id"] for s in data.sessions]
    people = []
    for team in data.teams:
        n = int(team["volunteers"])
        first_aid = set(draw(st.permutations(range(n)))[:int(team["first_aid"])]) if n else set()
        counsellor = set(draw(st.permutations(range(n)))[:int(team["counsellors"])]) if n else set()
        for k in range(n):
            free = draw(st.lists(st.sampled_from(session_ids), unique=True, max_size=len(session_ids)))
            people.append({"person_id": f"{team['team_id']}-p{k}", "name": f"Person {k} of {team['team_id']}",
                           "team_id": team["team_id"], "first_aid": str(int(k in first_aid)),
                           "counsellor": str(int(k in counsellor)), "phone": "", "free_sessions": ";".join(free)})
    return replace(data, availability=None), people


@given(named_scenarios())
@settings(max_examples=25, deadline=None)
def test_named_plans_keep_every_person_rule_and_leave_no_one_idle(drawn):
    """Any named scenario: verify finds every person rule kept and no need unmet while a free,
    trained person with a session to spare sits idle within reach (maximality, read per person)."""
    data, people = drawn
    with tempfile.TemporaryDirectory() as tmp:
        folder = data.write(Path(tmp) / "scenario")
        write_rows(folder / "volunteers.csv", people, PEOPLE_HEADER.split(","))
        plan = solve(load_scenario(folder))
        assert verify_plan(folder, export_plan(plan, Path(tmp) / "plan")) == []


@pytest.mark.parametrize("case", ["address", "site", "leader", "report_minutes", "setting"])
def test_bad_who_and_where_columns_are_refused(case, tmp_path):
    """The optional columns of points, teams and scenario.yaml: a formula-like text or a report time
    that is not one is exit 2, naming the cell."""
    folder = demo_copy(tmp_path)
    if case in ("address", "site", "report_minutes"):
        rows = read_rows(folder / "points.csv")
        rows[1][case] = "-1" if case == "report_minutes" else "=HYPERLINK(\"http://x\")"
        write_rows(folder / "points.csv", rows)
        expected = [f"points.csv, line 3, column {case}"]
    elif case == "leader":
        rows = read_rows(folder / "teams.csv")
        rows[0]["leader"] = "@SUM(A1)"
        write_rows(folder / "teams.csv", rows)
        expected = ["teams.csv, line 2, column leader", "formula"]
    else:
        text = (folder / "scenario.yaml").read_text(encoding="utf-8").replace("report_minutes: 30",
                                                                               "report_minutes: 9999")
        (folder / "scenario.yaml").write_text(text, encoding="utf-8")
        expected = ["scenario.yaml", "settings.report_minutes"]
    lines = refused(folder, tmp_path)
    assert any(all(part in line for part in expected) for line in lines), lines


def test_a_named_plan_re_planned_after_a_team_drops_out_names_the_same_persons(tmp_path):
    """demo-named, published; the Haidian union then drops out of the afternoon (its persons are
    not free then). planner replan keeps the morning exactly and rosters the afternoon by name:
    verify accepts the re-plan against the changed scenario, and no Haidian person is on duty then."""
    published = export_plan(solve(load_scenario(DEMO)), tmp_path / "published")
    changed = demo_copy(tmp_path)
    rows = read_rows(changed / "volunteers.csv")
    for row in rows:
        if row["team_id"] == "hd-union":
            row["free_sessions"] = "d1-am"
    write_rows(changed / "volunteers.csv", rows)
    out = tmp_path / "repaired"
    code, _, err = run_cli("replan", str(changed), "--previous", str(published), "--from", "d1-pm", "--out", str(out))
    assert code == 0, err
    assert verify_plan(changed, out) == []
    roster = pd.read_csv(out / "roster.csv", dtype=str, keep_default_na=False)
    before = pd.read_csv(published / "roster.csv", dtype=str, keep_default_na=False)
    morning = ["person_id", "point_id", "role"]
    assert roster[roster["session_id"] == "d1-am"][morning].values.tolist() == \
        before[before["session_id"] == "d1-am"][morning].values.tolist()
    afternoon = roster[roster["session_id"] == "d1-pm"]
    assert len(afternoon) and not (afternoon["team_id"] == "hd-union").any()
    names = {r["person_id"]: r["name"] for r in rows}
    assert (roster["name"] == roster["person_id"].map(names)).all()
