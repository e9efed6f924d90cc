"""The ``planner`` command as staff run it: exit codes, messages, what is written."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from planner import cli
from planner.errors import NoPlanError

from .conftest import BEIJING, SCENARIOS
from .helpers import digest

PLANNER = [sys.executable, "-m", "planner.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PLANNER, *args], capture_output=True, text=True, timeout=300)




def test_solve_writes_the_contract_files(tmp_path):
    result = run("solve", str(SCENARIOS / "demo-small"), "--out", str(tmp_path / "plan"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == [
        "assignments.csv", "distribution.csv", "explanations.csv", "plan.xlsx", "roster.csv", "shortfalls.csv",
        "summary.json", "why.csv"]
    assert "coverage 87.5%: 21 of 24 volunteer-sessions staffed, 3 unmet" in result.stdout
    assert "unmet by role: general 1, first aid 2, counsellor 0" in result.stdout
    assert "parent-pack 100/180" in result.stdout
    assert "Running HiGHS" not in result.stdout  # the solver's banner stays out of our output
    summary = json.loads((tmp_path / "plan" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assignments = pd.read_csv(tmp_path / "plan" / "assignments.csv", dtype=str)
    assert list(assignments.columns) == ["team_id", "point_id", "session_id", "role", "volunteers"]


def test_solve_into_an_existing_empty_folder(tmp_path):
    assert run("solve", str(SCENARIOS / "demo-small"), "--out", str(tmp_path)).returncode == 0
    assert (tmp_path / "summary.json").exists()


@pytest.mark.slow
def test_the_same_input_gives_the_same_bytes(tmp_path):
    for name in ("one", "two"):
        assert run("solve", str(BEIJING), "--out", str(tmp_path / name)).returncode == 0
    assert digest(tmp_path / "one") == digest(tmp_path / "two")


def test_check_reports_ok(tmp_path):
    result = run("check", str(BEIJING))
    assert result.returncode == 0
    assert "51 points, 152 teams (1055 volunteers)" in result.stdout


def test_invalid_input_exits_2_names_file_line_column_and_writes_nothing(tmp_path, scenario_dir):
    folder = scenario_dir(teams_csv="team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions\n"
                                    "t1,T1,U,a,lots,0,0,2")
    out = tmp_path / "plan"
    for command in (["check", str(folder)], ["solve", str(folder), "--out", str(out)]):
        result = run(*command)
        assert result.returncode == 2
        assert f"{folder}/teams.csv, line 2, column volunteers: expected a whole number 0 or more, got 'lots'" \
            in result.stderr
        assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_an_existing_plan_is_kept_unless_forced(tmp_path):
    out = tmp_path / "plan"
    assert run("solve", str(SCENARIOS / "demo-small"), "--out", str(out)).returncode == 0
    before = digest(out)
    (out / "my-notes.txt").write_text("mine")
    result = run("solve", str(BEIJING), "--out", str(out))
    assert result.returncode == 2
    assert "already holds files; pass --force" in result.stderr
    assert digest(out) == {**before, "my-notes.txt": digest(out)["my-notes.txt"]}
    assert run("solve", str(BEIJING), "--out", str(out), "--force").returncode == 0
    assert not (out / "my-notes.txt").exists()
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["scenario"].startswith("Beijing")


def test_no_plan_exits_3_and_leaves_the_folder_as_it_was(tmp_path, monkeypatch, capsys):
    out = tmp_path / "plan"
    out.mkdir()

    def no_plan(*args, **kwargs):
        raise NoPlanError("HiGHS found no plan within the time limit of 0.001 s")

    monkeypatch.setattr("planner.results.solving.solve", no_plan)
    code = cli.main(["solve", str(SCENARIOS / "demo-small"), "--out", str(out), "--time-limit", "0.001"])
    assert code == 3
    assert "no plan: HiGHS found no plan within the time limit" in capsys.readouterr().err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("solver", ["highs", pytest.param("cbc", marks=pytest.mark.slow)])
def test_both_solvers_from_the_command_line(tmp_path, solver):
    result = run("solve", str(SCENARIOS / "demo-small"), "--out", str(tmp_path / solver), "--solver", solver)
    assert result.returncode == 0, result.stderr
    assert f"(solver {solver})" in result.stdout


@pytest.mark.slow
def test_bad_arguments_exit_2():
    assert run("solve", str(SCENARIOS / "demo-small"), "--out", "x", "--time-limit", "-3").returncode == 2
    assert run("solve", str(SCENARIOS / "demo-small"), "--out", "x", "--solver", "gurobi").returncode == 2
    assert run("check", "/no/such/folder").returncode == 2


@pytest.mark.slow
def test_verify_checks_a_plan_edited_by_hand(tmp_path):
    out = tmp_path / "plan"
    assert run("solve", str(SCENARIOS / "demo-small"), "--out", str(out)).returncode == 0
    result = run("verify", str(SCENARIOS / "demo-small"), str(out))
    assert result.returncode == 0
    assert "keeps every rule" in result.stdout
    assignments = (out / "assignments.csv").read_text(encoding="utf-8")
    (out / "assignments.csv").write_text(assignments.replace("hd-union,hd-1,d1-am,general,4",
                                                             "hd-union,hd-1,d1-am,general,5"), encoding="utf-8")
    result = run("verify", str(SCENARIOS / "demo-small"), str(out))
    assert result.returncode == 1
    assert "hd-union" in result.stdout
