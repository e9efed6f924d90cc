"""The checker must be able to fail: corrupt a valid plan one rule at a time and see that rule reported.

The reference plan is the optimum of ``scenarios/demo-small`` (worked out by hand in its
scenario.yaml): 21 of 24 volunteer-sessions staffed; hd-union's 4 members at hd-1 in both
sessions; eye-hosp (3 members, 2 first-aiders, one session each) all in d1-pm.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.verify import Violation, haversine_km, main, verify_plan

from .helpers import DEMO, ROOT, SCENARIOS, Rows, edit_rows, find_row, read_rows, solve_to, write_rows


def rules(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def messages(violations: list[Violation], rule: str) -> list[str]:
    return [v.message for v in violations if v.rule == rule]


# The demo has several optimal plans (which point goes short of first aid is a tie); the
# corruptions below are written against this one, so the fixture pins it.
BASE_ASSIGNMENTS = """team_id,point_id,session_id,role,volunteers
dc-union,dc-1,d1-am,general,3
dc-union,dc-1,d1-am,first_aid,1
dc-union,dc-1,d1-pm,general,3
dc-union,dc-1,d1-pm,first_aid,1
dc-union,dc-2,d1-am,general,1
dc-union,dc-2,d1-pm,general,1
eye-hosp,dc-2,d1-pm,general,1
eye-hosp,dc-2,d1-pm,first_aid,1
hd-union,hd-1,d1-am,general,4
hd-union,hd-1,d1-pm,general,4
eye-hosp,hd-1,d1-pm,first_aid,1
"""
BASE_MISSING = {("dc-2", "d1-am", "general"): 1, ("dc-2", "d1-am", "first_aid"): 1, ("hd-1", "d1-am", "first_aid"): 1}
# Its roster, member by member (no volunteers.csv: members numbered, first-aiders first): dc-union/1 is the
# first-aider; eye-hosp/1 and /2 its first-aiders, one session each.
BASE_ROSTER = """person_id,name,team_id,point_id,session_id,role
dc-union/1,,dc-union,dc-1,d1-am,first_aid
dc-union/2,,dc-union,dc-1,d1-am,general
dc-union/3,,dc-union,dc-1,d1-am,general
dc-union/4,,dc-union,dc-1,d1-am,general
dc-union/5,,dc-union,dc-2,d1-am,general
dc-union/1,,dc-union,dc-1,d1-pm,first_aid
dc-union/2,,dc-union,dc-1,d1-pm,general
dc-union/3,,dc-union,dc-1,d1-pm,general
dc-union/4,,dc-union,dc-1,d1-pm,general
dc-union/5,,dc-union,dc-2,d1-pm,general
eye-hosp/1,,eye-hosp,dc-2,d1-pm,first_aid
eye-hosp/3,,eye-hosp,dc-2,d1-pm,general
eye-hosp/2,,eye-hosp,hd-1,d1-pm,first_aid
hd-union/1,,hd-union,hd-1,d1-am,general
hd-union/2,,hd-union,hd-1,d1-am,general
hd-union/3,,hd-union,hd-1,d1-am,general
hd-union/4,,hd-union,hd-1,d1-am,general
hd-union/1,,hd-union,hd-1,d1-pm,general
hd-union/2,,hd-union,hd-1,d1-pm,general
hd-union/3,,hd-union,hd-1,d1-pm,general
hd-union/4,,hd-union,hd-1,d1-pm,general
"""
# dc-union and eye-hosp split over two points in each session they serve; 5 team-point pairs.
BASE_TEAM_FIGURES = {"team_sessions": 5, "team_sessions_split": 3, "team_points": 5}


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo solved, with its assignments set to the pinned optimal plan (checked clean)."""
    out = tmp_path_factory.mktemp("demo") / "plan"
    solve_to(DEMO, out)
    (out / "assignments.csv").write_text(BASE_ASSIGNMENTS, encoding="utf-8")

    def shortfalls(rows: Rows) -> None:
        for row in rows:
            missing = BASE_MISSING.get((row["point_id"], row["session_id"], row["role"]), 0)
            row["assigned"] = str(int(row["needed"]) - missing)
            row["missing"] = str(missing)
            # Contract v2: every member who may fill them is off duty then, their one session served later.
            row["cause"] = "sessions_used" if missing else ""

    edit_rows(out / "shortfalls.csv", shortfalls)
    (out / "roster.csv").write_text(BASE_ROSTER, encoding="utf-8")
    edit_summary(out, lambda summary: summary.update(BASE_TEAM_FIGURES))
    assert verify_plan(DEMO, out) == []
    return out


@pytest.fixture
def plan(demo_plan: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo plan, to corrupt."""
    return Path(shutil.copytree(demo_plan, tmp_path / "plan"))


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """A fresh copy of the demo scenario, to change under an unchanged plan."""
    return Path(shutil.copytree(DEMO, tmp_path / "scenario"))


def edit_summary(plan: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = plan / "summary.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    change(summary)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


def edit_yaml(scenario: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = scenario / "scenario.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def test_untouched_plan_keeps_every_rule(demo_plan: Path) -> None:
    assert verify_plan(DEMO, demo_plan) == []


# --- Teams -------------------------------------------------------------------------------------

def test_more_members_than_are_free(plan: Path) -> None:
    def change(rows: Rows) -> None:
        find_row(rows, team_id="hd-union", point_id="hd-1", session_id="d1-am", role="general")["volunteers"] = "5"

    edit_rows(plan / "assignments.csv", change)
    found = verify_plan(DEMO, plan)
    assert "team hd-union serves 5 in session d1-am but only 4 are free" in messages(found, "availability")


def test_availability_file_limits_a_session_and_unlisted_pairs_are_fully_free(plan: Path, scenario: Path) -> None:
    write_rows(scenario / "availability.csv", [{"team_id": "hd-union", "session_id": "d1-am", "volunteers": "3"}],
               ["team_id", "session_id", "volunteers"])
    found = verify_plan(scenario, plan)
    assert messages(found, "availability") == ["team hd-union serves 4 in session d1-am but only 3 are free"]


def test_more_first_aiders_in_a_session_than_are_trained(plan: Path) -> None:
    # dc-union (1 first-aider) moves its general volunteer at dc-2 into first aid: 2 first-aiders in d1-am
    # (and 3 first-aid volunteer-sessions over the exam, where 1 x 2 sessions allow 2).
    def change(rows: Rows) -> None:
        find_row(rows, team_id="dc-union", point_id="dc-2", session_id="d1-am", role="general")["role"] = "first_aid"

    edit_rows(plan / "assignments.csv", change)
    found = verify_plan(DEMO, plan)
    assert rules(found) & {"availability", "workload", "capacity", "need"} == set()
    assert messages(found, "skill") == [
        "team dc-union has 2 first-aid volunteers in session d1-am but only 1 members trained for it"]


def test_more_first_aid_sessions_over_the_exam_than_trained_members_may_give(plan: Path) -> None:
    # eye-hosp (2 first-aiders, max 1 session each) swaps a general duty for a third first-aid one.
    def change(rows: Rows) -> Rows:
        rows.remove(find_row(rows, team_id="eye-hosp", point_id="dc-2", session_id="d1-pm", role="general"))
        rows.append({"team_id": "eye-hosp", "point_id": "dc-2", "session_id": "d1-am", "role": "first_aid",
                     "volunteers": "1"})
        return rows

    edit_rows(plan / "assignments.csv", change)
    found = verify_plan(DEMO, plan)
    assert rules(found) & {"availability", "skill", "workload", "capacity", "need", "maximality"} == set()
    assert len(messages(found, "skill-workload")) == 1
    assert "team eye-hosp serves 3 first-aid volunteer-sessions" in messages(found, "skill-workload")[0]


def test_more_volunteer_sessions_than_members_times_max_sessions(plan: Path) -> None:
    def change(rows: Rows) -> Rows:
        rows.append({"team_id": "eye-hosp", "point_id": "dc-2", "session_id": "d1-am", "role": "general",
                     "volunteers": "1"})
        return rows

    edit_rows(plan / "assignments.csv", change)
    found = verify_plan(DEMO, plan)
    assert rules(found) & {"availability", "skill", "capacity", "need"} == set()
    assert messages(found, "workload") == [
        "team eye-hosp serves 4 volunteer-sessions over the exam but 3 members x 1 sessions allow 3"]


def test_travel_beyond_the_reach_of_the_district_centre(plan: Path, scenario: Path) -> None:
    # eye-hosp (Dongcheng) serves hd-1 in Haidian, about 10 km from the Dongcheng centre.
    edit_yaml(scenario, lambda config: config["settings"].update(max_travel_km=5))
    found = verify_plan(scenario, plan)
    travel = messages(found, "travel")
    assert len(travel) == 1
    assert travel[0].startswith("team eye-hosp serves point hd-1")
    assert "district dongcheng" in travel[0]


def test_travel_is_haversine_on_a_6371_km_earth() -> None:
    # One degree of latitude is 6371 * pi / 180 km.
    assert haversine_km(39.0, 116.0, 40.0, 116.0) == pytest.approx(111.19492664455873, rel=1e-12)
    assert haversine_km(39.9, 116.4, 39.9, 116.4) == 0.0


# --- Points ------------------------------------------------------------------------------------

def test_more_volunteers_than_a_point_has_room_for(plan: Path, scenario: Path) -> None:
    def change(rows: Rows) -> None:
        find_row(rows, point_id="hd-1")["capacity"] = "4"

    edit_rows(scenario / "points.csv", change)
    found = verify_plan(scenario, plan)
    assert messages(found, "capacity") == ["point hd-1 has 5 volunteers on duty in session d1-pm but room for 4"]


def test_more_volunteers_in_a_role_than_are_needed(plan: Path) -> None:
    def change(rows: Rows) -> None:
        find_row(rows, team_id="dc-union", point_id="dc-2", session_id="d1-am", role="general")["point_id"] = "dc-1"

    edit_rows(plan / "assignments.csv", change)
    found = verify_plan(DEMO, plan)
    assert rules(found) & {"availability", "skill", "workload", "capacity"} == set()
    assert "point dc-1 has 4 general volunteers in session d1-am but only 3 are needed" in messages(found, "need")
    # The moved row now repeats dc-union's row at dc-1: flagged, and both still count.
    assert any(m.endswith("is listed twice") for m in messages(found, "values"))


def test_a_role_nobody_needs(plan: Path) -> None:
    def change(rows: Rows) -> None:
        find_row(rows, team_id="hd-union", point_id="hd-1", session_id="d1-pm", role="general")["role"] = "counsellor"

    edit_rows(plan / "assignments.csv", change)
    assert ("point hd-1 has 4 counsellor volunteers in session d1-pm but only 0 are needed"
            in messages(verify_plan(DEMO, plan), "need"))


# --- Shortfalls --------------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "value"), [("needed", "3"), ("assigned", "2"), ("missing", "0")])
def test_wrong_shortfall_row(plan: Path, column: str, value: str) -> None:
    def change(rows: Rows) -> None:
        row = find_row(rows, point_id="dc-2", session_id="d1-am", role="general")
        assert row[column] != value
        row[column] = value

    edit_rows(plan / "shortfalls.csv", change)
    found = verify_plan(DEMO, plan)
    assert rules(found) == {"shortfalls"}
    assert all("point dc-2, session d1-am, general" in m for m in messages(found, "shortfalls"))


def test_missing_shortfall_row(plan: Path) -> None:
    edit_rows(plan / "shortfalls.csv",
              lambda rows: [r for r in rows if (r["point_id"], r["session_id"], r["role"]) != ("hd-1", "d1-am",
                                                                                              "first_aid")])
    found = verify_plan(DEMO, plan)
    assert messages(found, "shortfalls") == [
        "shortfalls.csv has no row for point hd-1, session d1-am, first-aid (1 needed)"]


def test_shortfall_row_for_no_need_and_duplicate_row(plan: Path) -> None:
    def change(rows: Rows) -> Rows:
        extra = {"point_id": "dc-1", "session_id": "d1-am", "role": "counsellor", "needed": "0", "assigned": "0",
                 "missing": "0"}
        return [*rows, extra, dict(rows[0])]

    edit_rows(plan / "shortfalls.csv", change)
    found = messages(verify_plan(DEMO, plan), "shortfalls")
    assert len(found) == 2
    assert any("point dc-1 needs no counsellor volunteers in session d1-am" in m for m in found)
    assert any("is listed twice" in m for m in found)


def test_needs_come_from_needs_csv_when_present(plan: Path, scenario: Path) -> None:
    # The same plan against a needs.csv asking for one more first-aider at dc-1 in d1-am.
    rows = [{"point_id": r["point_id"], "session_id": r["session_id"], "role": r["role"], "volunteers": r["needed"]}
            for r in read_rows(plan / "shortfalls.csv")]
    find_row(rows, point_id="dc-1", session_id="d1-am", role="first_aid")["volunteers"] = "2"
    write_rows(scenario / "needs.csv", rows, ["point_id", "session_id", "role", "volunteers"])
    found = verify_plan(scenario, plan)
    assert any("needed is 1 but the scenario needs 2" in m for m in messages(found, "shortfalls"))
    assert any(m.startswith("needed is 24 but the scenario needs 25") for m in messages(found, "summary"))


def test_a_role_with_nothing_after_it_takes_its_default_rule(tmp_path: Path) -> None:
    # "general:" with nothing after it is the same as no key, for the planner and the checker alike.
    scenario = tmp_path / "scenario"
    shutil.copytree(DEMO, scenario)
    text = (scenario / "scenario.yaml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    config.pop("needs", None)
    (scenario / "scenario.yaml").write_text(yaml.safe_dump(config, allow_unicode=True) + "needs:\n  general:\n",
                                            encoding="utf-8")
    solve_to(scenario, tmp_path / "plan")
    assert verify_plan(scenario, tmp_path / "plan") == []
    general = [r for r in read_rows(tmp_path / "plan" / "shortfalls.csv") if r["role"] == "general"]
    assert general and all(int(r["needed"]) >= 2 for r in general)  # the default rule's minimum of 2


# --- Supplies ----------------------------------------------------------------------------------

def test_more_than_a_point_wants(plan: Path) -> None:
    # Parent packs stay at 100 in all (the stock) but dc-1 gets 61 of the 60 it wants.
    def change(rows: Rows) -> None:
        find_row(rows, item_id="parent-pack", point_id="dc-1")["quantity"] = "61"
        find_row(rows, item_id="parent-pack", point_id="hd-1")["quantity"] = "17"

    edit_rows(plan / "distribution.csv", change)
    found = verify_plan(DEMO, plan)
    assert messages(found, "distribution") == ["point dc-1 gets 61 of parent-pack but wants only 60"]
    assert "stock" not in rules(found)


def test_more_than_the_stock(plan: Path) -> None:
    edit_rows(plan / "distribution.csv",
              lambda rows: find_row(rows, item_id="water", point_id="dc-1").update(quantity="480"))
    found = verify_plan(DEMO, plan)
    assert messages(found, "stock") == ["1147 of water are handed out but only 1000 are in stock"]


def test_wanted_column_must_be_ceil_of_per_unit_times_base(plan: Path) -> None:
    edit_rows(plan / "distribution.csv",
              lambda rows: find_row(rows, item_id="staff-pack", point_id="hd-1").update(wanted="31"))
    found = verify_plan(DEMO, plan)
    assert len(messages(found, "distribution")) == 1
    assert "point hd-1 wants 30 of staff-pack" in messages(found, "distribution")[0]


def test_wanted_is_exact_where_binary_floats_round_up(tmp_path: Path, scenario: Path) -> None:
    # 1.1 x 50 is 55.00000000000001 in floats, whose ceiling would be 56.
    edit_rows(scenario / "supplies.csv", lambda rows: find_row(rows, item_id="staff-pack").update(per_unit="1.1"))
    edit_rows(scenario / "points.csv", lambda rows: find_row(rows, point_id="dc-1").update(frontline_staff="50"))
    solve_to(scenario, tmp_path / "exact")
    assert find_row(read_rows(tmp_path / "exact" / "distribution.csv"), item_id="staff-pack",
                    point_id="dc-1")["wanted"] == "55"
    assert verify_plan(scenario, tmp_path / "exact") == []


def test_stock_left_in_store_while_a_point_wants_more(plan: Path) -> None:
    edit_rows(plan / "distribution.csv",
              lambda rows: find_row(rows, item_id="parent-pack", point_id="dc-1").update(quantity="30"))
    found = verify_plan(DEMO, plan)
    assert messages(found, "supply-maximality") == [
        "3 of 100 parent-pack stay in store while point dc-1 gets 30 of the 60 it wants"]


def test_a_pair_absent_from_distribution_counts_as_nothing_given(plan: Path) -> None:
    edit_rows(plan / "distribution.csv",
              lambda rows: [r for r in rows if (r["item_id"], r["point_id"]) != ("medicine-kit", "dc-2")])
    found = verify_plan(DEMO, plan)
    assert messages(found, "supply-maximality") == [
        "1 of 3 medicine-kit stay in store while point dc-2 gets 0 of the 1 it wants"]
    assert messages(found, "summary") == ["supplies.medicine-kit.distributed is 3 but distribution.csv hands out 2"]


# --- Summary -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "value", "expected"), [
    (("status",), "infeasible", "status is 'infeasible'"),
    (("needed",), 25, "needed is 25 but the scenario needs 24"),
    (("assigned",), 22, "assigned is 22 but assignments.csv holds 21"),
    (("unmet",), 2, "unmet is 2 but 24 needed less 21 assigned is 3"),
    (("unmet",), 3.0, "unmet is 3.0, not a whole number"),
    (("coverage",), 0.9, "coverage is 0.9 but 21 assigned of 24 needed is 0.875000"),
    (("supplies", "water", "stock"), 999, "supplies.water.stock is 999 but supplies.csv says 1000"),
    (("supplies", "water", "wanted"), 1400, "supplies.water.wanted is 1400 but the points want 1440"),
    (("supplies", "water", "distributed"), 999, "supplies.water.distributed is 999 but distribution.csv hands out"),
])
def test_summary_inconsistent_with_the_files(plan: Path, path: tuple[str, ...], value: object, expected: str) -> None:
    def change(summary: dict[str, Any]) -> None:
        target = summary
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    edit_summary(plan, change)
    found = verify_plan(DEMO, plan)
    assert rules(found) == {"summary"}
    assert any(m.startswith(expected) for m in messages(found, "summary")), found


def test_summary_without_an_item_or_with_an_unknown_one(plan: Path) -> None:
    def change(summary: dict[str, Any]) -> None:
        summary["supplies"]["raincoat"] = summary["supplies"].pop("water")

    edit_summary(plan, change)
    assert messages(verify_plan(DEMO, plan), "summary") == [
        "supplies names unknown item 'raincoat'", "supplies has no entry for item water"]


def test_coverage_is_one_when_nothing_is_needed(demo_plan: Path, scenario: Path, tmp_path: Path) -> None:
    # With every point closed nothing is needed: an empty staffing plan has coverage 1.0, not 0.0.
    def close(rows: Rows) -> None:
        for row in rows:
            row["capacity"] = "0"

    edit_rows(scenario / "points.csv", close)
    plan = tmp_path / "empty-plan"
    plan.mkdir()
    write_rows(plan / "assignments.csv", [], ["team_id", "point_id", "session_id", "role", "volunteers"])
    write_rows(plan / "shortfalls.csv", [], ["point_id", "session_id", "role", "needed", "assigned", "missing",
                                             "cause"])
    write_rows(plan / "roster.csv", [], ["person_id", "name", "team_id", "point_id", "session_id", "role"])
    write_rows(plan / "explanations.csv", [], ["rank", "kind", "district_id", "point_id", "session_id", "role",
                                               "item_id", "amount", "sessions", "gain", "text_zh", "text_en"])
    for name in ("distribution.csv", "plan.xlsx"):
        shutil.copy(demo_plan / name, plan / name)
    summary = json.loads((demo_plan / "summary.json").read_text(encoding="utf-8"))
    summary.update(needed=0, assigned=0, unmet=0, coverage=1.0, team_sessions=0, team_sessions_split=0, team_points=0)
    (plan / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert verify_plan(scenario, plan) == []
    edit_summary(plan, lambda summary: summary.update(coverage=0.0))
    assert messages(verify_plan(scenario, plan), "summary") == [
        "coverage is 0.0 but 0 assigned of 0 needed is 1.000000"]


# --- Maximality --------------------------------------------------------------------------------

def test_idle_team_could_fill_a_gap(plan: Path) -> None:
    for name in ("assignments.csv", "roster.csv"):
        edit_rows(plan / name,
                  lambda rows: [r for r in rows if (r["team_id"], r["session_id"]) != ("hd-union", "d1-am")])
    found = verify_plan(DEMO, plan)
    assert rules(found) == {"summary", "shortfalls", "maximality", "cause"}
    assert ("point hd-1 is short of 4 general volunteer(s) in session d1-am while member hd-union/1 of team "
            "hd-union could serve (free then and off duty, 1 of 2 sessions served)") in messages(found, "maximality")


def test_idle_first_aider_could_fill_a_first_aid_gap(plan: Path) -> None:
    # Without its first-aider at hd-1, eye-hosp has a trained member left (2 trained, 1 used) within reach.
    for name in ("assignments.csv", "roster.csv"):
        edit_rows(plan / name,
                  lambda rows: [r for r in rows if (r["team_id"], r["point_id"], r["role"]) != ("eye-hosp", "hd-1",
                                                                                                "first_aid")])
    found = verify_plan(DEMO, plan)
    assert ("point hd-1 is short of 1 first-aid volunteer(s) in session d1-pm while member eye-hosp/2 of team "
            "eye-hosp could serve (free then and off duty, trained for first aid, 0 of 1 sessions served)"
            in messages(found, "maximality"))


@pytest.mark.parametrize(("reach_km", "defect"), [(15, True), (5, False)])
def test_a_free_member_counts_only_within_reach_and_skills(plan: Path, scenario: Path, reach_km: float,
                                                           defect: bool) -> None:
    # A fifth hd-union member is free in d1-am. The gaps then are a general volunteer and a first-aider at
    # dc-2 (about 10 km from Haidian's centre) and a first-aider at hd-1 (hd-union has no first-aiders):
    # only within 15 km may the free member fill the general gap.
    edit_rows(scenario / "teams.csv", lambda rows: find_row(rows, team_id="hd-union").update(volunteers="5"))
    edit_yaml(scenario, lambda config: config["settings"].update(max_travel_km=reach_km))
    found = verify_plan(scenario, plan)
    expected = ["point dc-2 is short of 1 general volunteer(s) in session d1-am while member hd-union/5 of team "
                "hd-union could serve (free then and off duty, 0 of 2 sessions served)"]
    assert messages(found, "maximality") == (expected if defect else [])


# --- Files and values --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["assignments.csv", "shortfalls.csv", "distribution.csv", "roster.csv",
                                  "summary.json", "plan.xlsx", "explanations.csv"])
def test_missing_plan_file(plan: Path, name: str) -> None:
    (plan / name).unlink()
    assert any(name in m for m in messages(verify_plan(DEMO, plan), "files"))


def test_missing_column_and_summary_key(plan: Path) -> None:
    rows = read_rows(plan / "shortfalls.csv")
    write_rows(plan / "shortfalls.csv", [{k: v for k, v in r.items() if k != "missing"} for r in rows],
               ["point_id", "session_id", "role", "needed", "assigned", "cause"])
    edit_summary(plan, lambda summary: summary.pop("coverage"))
    found = messages(verify_plan(DEMO, plan), "files")
    assert "shortfalls.csv lacks column(s) missing" in found
    assert "summary.json lacks key(s) coverage" in found


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("team_id", "nobody", "unknown team 'nobody'"),
    ("point_id", "dc-9", "unknown point 'dc-9'"),
    ("session_id", "d9-am", "unknown session 'd9-am'"),
    ("role", "driver", "role 'driver' is not one of general, first_aid, counsellor"),
    ("volunteers", "0", "volunteers must be a whole number above 0, not '0'"),
    ("volunteers", "1.5", "volunteers must be a whole number above 0, not '1.5'"),
])
def test_bad_assignment_values(plan: Path, column: str, value: str, expected: str) -> None:
    edit_rows(plan / "assignments.csv", lambda rows: rows[0].update({column: value}))
    assert f"assignments.csv, line 2: {expected}" in messages(verify_plan(DEMO, plan), "values")


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("item_id", "umbrella", "unknown item 'umbrella'"),
    ("quantity", "-1", "quantity must be a whole number >= 0, not '-1'"),
    ("wanted", "many", "wanted must be a whole number, not 'many'"),
])
def test_bad_distribution_values(plan: Path, column: str, value: str, expected: str) -> None:
    edit_rows(plan / "distribution.csv", lambda rows: rows[0].update({column: value}))
    assert f"distribution.csv, line 2: {expected}" in messages(verify_plan(DEMO, plan), "values")


def test_unreadable_scenario_is_reported_not_raised(plan: Path, scenario: Path) -> None:
    (scenario / "teams.csv").unlink()
    found = verify_plan(scenario, plan)
    assert rules(found) == {"scenario"}
    assert "teams.csv is missing" in found[0].message


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_scenario_encodings_read_alike(demo_plan: Path, scenario: Path, encoding: str) -> None:
    for path in scenario.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    assert verify_plan(scenario, demo_plan) == []


def test_scenario_cells_as_staff_write_them(demo_plan: Path, scenario: Path) -> None:
    # Spaces around cells, blank lines, whole numbers as 3.0, formula-guard apostrophes: all read as meant.
    text = (scenario / "teams.csv").read_text(encoding="utf-8")
    text = text.replace("dc-union,", " dc-union ,").replace(",5,1,0,2", ",5.0,1,0, 2") + "\n\n"
    text = text.replace("东城区总工会志愿服务队", "'=东城区总工会志愿服务队")
    (scenario / "teams.csv").write_text(text, encoding="utf-8")
    assert verify_plan(scenario, demo_plan) == []


# --- Command line ------------------------------------------------------------------------------

def test_command_line_exit_codes(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DEMO), str(plan)]) == 0
    assert "keeps every rule" in capsys.readouterr().out
    edit_rows(plan / "assignments.csv",
              lambda rows: find_row(rows, team_id="hd-union", point_id="hd-1", session_id="d1-am",
                                    role="general").update(volunteers="5"))
    assert main([str(DEMO), str(plan)]) == 1
    assert "availability: team hd-union serves 5 in session d1-am but only 4 are free" in capsys.readouterr().out


# --- Every scenario of the project -------------------------------------------------------------

@pytest.mark.parametrize("folder", sorted(p for p in SCENARIOS.iterdir() if (p / "scenario.yaml").is_file()),
                         ids=lambda p: p.name)
def test_solved_project_scenarios_keep_every_rule(folder: Path, tmp_path: Path) -> None:
    solve_to(folder, tmp_path / "plan")
    assert verify_plan(folder, tmp_path / "plan") == []


# --- Independence ------------------------------------------------------------------------------

def test_checker_shares_no_code_with_the_planner() -> None:
    # The checker re-derives the rules from the contract; importing the model would defeat it.
    modules = sorted((ROOT / "planner" / "verify").glob("*.py"))
    assert {m.name for m in modules} >= {"__init__.py", "__main__.py", "checker.py", "reading.py", "rules.py"}
    imported = set()
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{module.name}: a relative import"
                imported.add(node.module or "")
    planner_modules = {name for name in imported if name == "planner" or name.startswith("planner.")}
    assert planner_modules == {name for name in planner_modules if name.startswith("planner.verify.")}


def run_and_list_loaded(call: str, banned: tuple[str, ...]) -> str:
    """Run ``call`` (which sets ``code``) in a fresh interpreter; its exit code and the banned modules it loaded."""
    script = (
        "import sys\n"
        f"{call}\n"
        f"banned = {banned!r}\n"
        "loaded = sorted(m for m in sys.modules if any(m == b or m.startswith(b + '.') for b in banned))\n"
        "print(code, loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()[-1]


def test_importing_and_running_the_checker_loads_neither_solver_nor_model(demo_plan: Path) -> None:
    # A fresh interpreter: planner/__init__.py must stay lazy, and the checker must need nothing of the planner.
    call = f"from planner.verify import main\ncode = main([{str(DEMO)!r}, {str(demo_plan)!r}])"
    banned = ("pulp", "highspy", "planner.model", "planner.results", "planner.io")
    assert run_and_list_loaded(call, banned) == "0 []"


def test_runs_as_a_module(demo_plan: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "planner.verify", str(DEMO), str(demo_plan)],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_verify_command_loads_no_solver(demo_plan: Path) -> None:
    # `planner verify` goes through the command line, which must not load PuLP or HiGHS to offer it.
    call = f"from planner.cli import main\ncode = main(['verify', {str(DEMO)!r}, {str(demo_plan)!r}])"
    # nor pandas, pydantic and openpyxl (planner.io loads its readers when a scenario is read: a second less)
    assert run_and_list_loaded(call, ("pulp", "highspy", "planner.results", "pandas", "pydantic", "openpyxl")) == "0 []"
