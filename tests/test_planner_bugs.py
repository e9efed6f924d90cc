"""Planner bugs found by the checker's tests, pinned as strict xfails until the model is fixed.

Each test states what the contract expects. When a fix lands the test passes, ``strict=True``
turns that into a failure, and the marker (and ``helpers.is_known_crash``) should go.

Bug 1: ``planner.solve`` raises IndexError inside planner/model.py (``PlanModel._to_pulp`` or
``PlanModel._build_columns``) or planner/solve.py (``extract_plan``) on valid scenarios where a
family of variables or constraints is empty. The command line then ends with a traceback and
exit code 1, where the contract allows only 0 (a plan), 2 (invalid input) or 3 (no plan). In
random small scenarios most examples hit it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import DEMO, edit_rows, solve_to, write_rows
from strategies import ScenarioData, write_scenario

from planner.cli import main as planner_main
from planner.verify import verify_plan

CRASH = ("planner.solve raises IndexError in planner/model.py or solve.py when a family of variables or "
         "constraints is empty")


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DEMO, tmp_path / "scenario"))


@pytest.mark.xfail(strict=True, raises=IndexError, reason=CRASH + ": no supplies (supplies.csv has zero rows)")
def test_scenario_without_supplies_gets_a_plan(scenario: Path, tmp_path: Path) -> None:
    write_rows(scenario / "supplies.csv", [], ["item_id", "name", "category", "stock", "basis", "per_unit"])
    solve_to(scenario, tmp_path / "plan")
    assert verify_plan(scenario, tmp_path / "plan") == []


@pytest.mark.xfail(strict=True, raises=IndexError, reason=CRASH + ": no teams (teams.csv has zero rows)")
def test_scenario_without_teams_gets_a_plan(scenario: Path, tmp_path: Path) -> None:
    write_rows(scenario / "teams.csv", [], ["team_id", "name", "union", "district_id", "volunteers", "first_aid",
                                            "counsellors", "max_sessions"])
    solve_to(scenario, tmp_path / "plan")
    assert verify_plan(scenario, tmp_path / "plan") == []


@pytest.mark.xfail(strict=True, raises=IndexError,
                   reason=CRASH + ": no team's max_sessions is below the number of sessions (demo-small "
                                  "without eye-hosp)")
def test_scenario_where_no_team_is_limited_by_max_sessions_gets_a_plan(scenario: Path, tmp_path: Path) -> None:
    edit_rows(scenario / "teams.csv", lambda rows: [r for r in rows if r["team_id"] != "eye-hosp"])
    solve_to(scenario, tmp_path / "plan")
    assert verify_plan(scenario, tmp_path / "plan") == []


@pytest.mark.xfail(strict=True, raises=IndexError, reason=CRASH + ": no needs (needs.csv with a header only)")
def test_scenario_with_an_empty_needs_file_gets_a_plan(scenario: Path, tmp_path: Path) -> None:
    write_rows(scenario / "needs.csv", [], ["point_id", "session_id", "role", "volunteers"])
    solve_to(scenario, tmp_path / "plan")
    assert verify_plan(scenario, tmp_path / "plan") == []


@pytest.mark.xfail(strict=True, raises=IndexError,
                   reason=CRASH + "; `planner solve` then exits 1 with a traceback instead of 0, 2 or 3")
def test_command_line_exit_code_is_one_the_contract_allows(scenario: Path, tmp_path: Path) -> None:
    edit_rows(scenario / "teams.csv", lambda rows: [r for r in rows if r["team_id"] != "eye-hosp"])
    assert planner_main(["solve", str(scenario), "--out", str(tmp_path / "plan")]) in (0, 2, 3)


@pytest.mark.xfail(strict=True, raises=IndexError,
                   reason=CRASH + ": needs.csv lists needs only at a closed point (crash while extracting assignments)")
def test_needs_only_at_a_closed_point_give_a_plan_of_shortfalls(tmp_path: Path) -> None:
    # Found by test_properties.py and kept as Hypothesis shrank it.
    district = {"name_zh": "第1区", "name_en": "District 1", "lat": "39.700000", "lon": "116.000000"}
    team = {"name": "志愿服务队", "union": "区总工会", "district_id": "d1", "first_aid": 0, "max_sessions": 1}
    data = ScenarioData(
        config={"name": "Needs at a closed point"},
        districts=[{"district_id": f"d{i}", **district} for i in (1, 2, 3)],
        sessions=[{"session_id": "s1", "date": "2023-06-07", "start": "09:00", "end": "11:30"},
                  {"session_id": "s2", "date": "2023-06-07", "start": "15:00", "end": "17:00"}],
        points=[{"point_id": "p1", "name": "服务点 1", "district_id": "d1", "lat": "39.550000", "lon": "115.850000",
                 "capacity": 0, "parents": 1, "frontline_staff": 0}],
        teams=[{"team_id": "t1", **team, "volunteers": 0, "counsellors": 0},
               {"team_id": "t2", **team, "volunteers": 1, "counsellors": 1},
               {"team_id": "t3", **team, "volunteers": 0, "counsellors": 0}],
        supplies=[{"item_id": f"i{i}", "name": f"物资 {i}", "category": "basic", "stock": 0, "basis": "parent",
                   "per_unit": "0.1"} for i in (1, 2)],
        needs=[{"point_id": "p1", "session_id": "s1", "role": "counsellor", "volunteers": 1},
               {"point_id": "p1", "session_id": "s1", "role": "general", "volunteers": 1},
               {"point_id": "p1", "session_id": "s2", "role": "counsellor", "volunteers": 1}],
    )
    folder = write_scenario(tmp_path / "scenario", data)
    solve_to(folder, tmp_path / "plan")
    assert verify_plan(folder, tmp_path / "plan") == []
