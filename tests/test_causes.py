"""Why a need is unmet (contract v2 causes): hand-made cases of each cause, checked by the planner and by verify.

Every case is a tiny scenario whose cause can be read off by hand (the docstrings say how);
the plan's ``cause`` must be it, ``planner verify`` (its own reading, person by person) must
agree, and a wrong cause written into shortfalls.csv must be caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner import export_plan, load_scenario, solve
from planner.verify import verify_plan

from .helpers import edit_rows, read_rows
from .test_people import NEEDS_HEADER, TEAM_HEADER, THREE_SESSIONS


def _plan_folder(folder: Path, tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    plan = solve(load_scenario(folder))
    out = export_plan(plan, tmp_path / f"plan-{folder.name}")
    assert verify_plan(folder, out) == []
    return out, [row for row in read_rows(out / "shortfalls.csv") if int(row["missing"]) > 0]


def test_a_full_point(scenario_dir, tmp_path):
    """p1 holds 2 at once and needs 3 general; a team of 5 is next door: 1 missing, the point is full."""
    folder = scenario_dir(
        points_csv="""
            point_id,name,district_id,lat,lon,capacity,parents,frontline_staff
            p1,Point 1,a,39.90,116.40,2,100,10
        """,
        teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,5,0,0,1"]),
        needs_csv="\n".join([NEEDS_HEADER, "p1,s1,general,3"]))
    _, short = _plan_folder(folder, tmp_path)
    assert [(r["role"], r["missing"], r["cause"]) for r in short] == [("general", "1", "point_full")]


def test_no_one_in_reach(scenario_dir, tmp_path):
    """p1 needs a first-aider; the only first-aiders are in district b, 8.5 km away, beyond a 5 km reach.

    The team of district a (within reach) has no first-aider: no one in reach may serve.
    """
    folder = scenario_dir(
        scenario_yaml="name: tiny\nsettings:\n  max_travel_km: 5\n",
        teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,3,0,0,1", "t2,T2,U,b,3,3,0,1"]),
        needs_csv="\n".join([NEEDS_HEADER, "p1,s1,general,1", "p1,s1,first_aid,1"]))
    _, short = _plan_folder(folder, tmp_path)
    assert [(r["role"], r["missing"], r["cause"]) for r in short] == [("first_aid", "1", "no_one_in_reach")]


def test_all_on_duty(scenario_dir, tmp_path):
    """A team of 2 for a need of 3 general in the one session: both are on duty, 1 missing."""
    folder = scenario_dir(
        teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,2,0,0,1"]),
        needs_csv="\n".join([NEEDS_HEADER, "p1,s1,general,3"]))
    _, short = _plan_folder(folder, tmp_path)
    assert [(r["role"], r["missing"], r["cause"]) for r in short] == [("general", "1", "all_on_duty")]


def test_all_on_duty_counts_the_free_members_trained_first(scenario_dir, tmp_path):
    """A team of 4 with 1 first-aider, 2 free in s1 (trained first: the first-aider and one more).

    p1 needs 2 general and p2 a first-aider in s1. The 2 free members can give at most 2: the
    first-aider goes to first aid (weight 3) and one member to general, so 1 general is missing;
    the members free then are both on duty: all_on_duty (the other two are not free at all).
    """
    folder = scenario_dir(
        points_csv="""
            point_id,name,district_id,lat,lon,capacity,parents,frontline_staff
            p1,Point 1,a,39.90,116.40,10,100,10
            p2,Point 2,a,39.91,116.40,10,100,10
        """,
        teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,4,1,0,1"]),
        availability_csv="team_id,session_id,volunteers\nt1,s1,2",
        needs_csv="\n".join([NEEDS_HEADER, "p1,s1,general,2", "p2,s1,first_aid,1"]))
    _, short = _plan_folder(folder, tmp_path)
    assert [(r["point_id"], r["role"], r["missing"], r["cause"]) for r in short] == [
        ("p1", "general", "1", "all_on_duty")]


def test_sessions_used(scenario_dir, tmp_path):
    """A team of 3, one first-aider, 2 sessions each: first aid in s1 and s2, three general in s3.

    4 of the 5 can be filled (docs/model.md). Whichever need stays short, a member able to
    serve it is off duty then and has served both sessions: sessions_used.
    """
    folder = scenario_dir(
        sessions_csv=THREE_SESSIONS,
        teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,3,1,0,2"]),
        needs_csv="\n".join([NEEDS_HEADER, "p1,s1,first_aid,1", "p1,s2,first_aid,1", "p1,s3,general,3"]))
    _, short = _plan_folder(folder, tmp_path)
    assert sum(int(r["missing"]) for r in short) == 1
    assert [r["cause"] for r in short] == ["sessions_used"]


def test_met_needs_have_no_cause(scenario_dir, tmp_path):
    folder = scenario_dir(teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,5,0,0,1"]),
                          needs_csv="\n".join([NEEDS_HEADER, "p1,s1,general,3"]))
    out, short = _plan_folder(folder, tmp_path)
    assert short == [] and [r["cause"] for r in read_rows(out / "shortfalls.csv")] == [""]


@pytest.mark.parametrize("wrong", ["sessions_used", "no_one_in_reach", "point_full", "tired", ""])
def test_verify_catches_a_wrong_cause(scenario_dir, tmp_path, wrong):
    """The all_on_duty case, its cause replaced: verify names the file, the line and the right cause."""
    folder = scenario_dir(teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,2,0,0,1"]),
                          needs_csv="\n".join([NEEDS_HEADER, "p1,s1,general,3"]))
    out, _ = _plan_folder(folder, tmp_path)

    def replace(rows: list[dict[str, str]]) -> None:
        rows[0]["cause"] = wrong

    edit_rows(out / "shortfalls.csv", replace)
    messages = [str(v) for v in verify_plan(folder, out)]
    assert len(messages) == 1 and "shortfalls.csv, line 2" in messages[0], messages
    assert ("'all_on_duty'" in messages[0]) == (wrong in ("sessions_used", "no_one_in_reach", "point_full"))


def test_verify_catches_a_cause_where_nothing_is_missing(scenario_dir, tmp_path):
    folder = scenario_dir(teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,5,0,0,1"]),
                          needs_csv="\n".join([NEEDS_HEADER, "p1,s1,general,3"]))
    out, _ = _plan_folder(folder, tmp_path)
    edit_rows(out / "shortfalls.csv", lambda rows: [dict(rows[0], cause="all_on_duty")])
    assert [v.rule for v in verify_plan(folder, out)] == ["cause"]


def test_verify_wants_the_cause_column(scenario_dir, tmp_path):
    folder = scenario_dir(teams_csv="\n".join([TEAM_HEADER, "t1,T1,U,a,2,0,0,1"]),
                          needs_csv="\n".join([NEEDS_HEADER, "p1,s1,general,3"]))
    out, _ = _plan_folder(folder, tmp_path)
    rows = read_rows(out / "shortfalls.csv")
    columns = [c for c in rows[0] if c != "cause"]
    from .helpers import write_rows

    write_rows(out / "shortfalls.csv", [{c: r[c] for c in columns} for r in rows], columns)
    assert any("lacks column(s) cause" in str(v) for v in verify_plan(folder, out))


def test_beijing_causes_agree_with_verify(beijing_plan, tmp_path):
    """The 2023 plan: every unmet need has a cause, and the checker derives the same ones."""
    from .conftest import BEIJING

    out = export_plan(beijing_plan, tmp_path / "plan")
    assert verify_plan(BEIJING, out) == []
    short = beijing_plan.shortfalls[beijing_plan.shortfalls["missing"] > 0]
    assert len(short) and short["cause"].isin(["point_full", "no_one_in_reach", "all_on_duty",
                                               "sessions_used"]).all()
    assert (beijing_plan.shortfalls.loc[beijing_plan.shortfalls["missing"] == 0, "cause"] == "").all()
