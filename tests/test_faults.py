"""Faults: time limits, missing solvers, absurd shortages and failed writes.

A time limit without a plan exits 3; a plan without proof of optimality is written and says
so; a missing solver is named with the other one; unmet demand never makes the model
infeasible; and a run that fails leaves an existing plan folder exactly as it was.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from planner import load_scenario, solve
from planner.errors import NoPlanError
from planner.exports.files import export_plan
from planner.model import PlanModel, cbc, highs
from planner.verify import verify_plan

from .conftest import BEIJING, SCENARIOS, write_scenario
from .helpers import digest, run_cli


def rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    return table[0], table[1:]


def write_rows(path: Path, header: list[str], body: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])


@pytest.fixture(scope="module")
def big_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Beijing 2023 three times over (every point, team and need repeated under new ids)."""
    folder = tmp_path_factory.mktemp("big") / "beijing-x3"
    folder.mkdir()
    for name in ("scenario.yaml", "districts.csv", "sessions.csv", "supplies.csv"):
        (folder / name).write_bytes((BEIJING / name).read_bytes())
    for name, id_columns in (("points.csv", [0]), ("teams.csv", [0]), ("needs.csv", [0])):
        header, body = rows(BEIJING / name)
        copies = [[f"{cell}-{copy}" if i in id_columns else cell for i, cell in enumerate(row)]
                  for copy in range(3) for row in body]
        write_rows(folder / name, header, copies)
    return folder


@pytest.fixture
def old_plan(tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    assert run_cli("solve", str(SCENARIOS / "demo-small"), "--out", str(folder))[0] == 0
    return folder


def test_a_time_limit_without_a_plan_exits_3_and_writes_nothing(big_scenario: Path, old_plan: Path) -> None:
    before = digest(old_plan)
    code, stdout, stderr = run_cli("solve", str(big_scenario), "--out", str(old_plan), "--force",
                                   "--time-limit", "1e-6")
    assert code == 3
    assert stderr.strip() == ("no plan: HiGHS found no plan within the time limit of 1e-06 s; allow more time "
                              "(--time-limit); nothing was written")
    assert "Traceback" not in stdout + stderr
    assert digest(old_plan) == before
    assert not list(old_plan.parent.glob(".plan.*"))


def test_a_plan_without_proof_of_optimality_is_written_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS stopped by an iteration limit with a plan in hand (primal simplex keeps every iterate
    feasible); an iteration limit, unlike a time limit, stops at the same point on every machine."""
    new_highs = highs.new_highs

    def limited() -> object:
        h = new_highs()
        h.setOptionValue("presolve", "off")
        h.setOptionValue("simplex_strategy", 4)  # primal simplex
        h.setOptionValue("simplex_iteration_limit", 100)
        return h

    monkeypatch.setattr(highs, "new_highs", limited)
    out = tmp_path / "plan"
    code, stdout, stderr = run_cli("solve", str(BEIJING), "--out", str(out))
    assert code == 0, stderr
    assert "feasible (not proven optimal) plan" in stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "feasible"
    # 100 primal simplex iterations from an all-slack start staff only 28 of the 1,968
    # volunteer-sessions (the optimum staffs 1,840); the iteration limit makes it the same
    # on every machine (for one HiGHS release).
    assert (summary["needed"], summary["assigned"], summary["unmet"]) == (1968, 28, 1940)
    # A plan cut short keeps every hard rule; it breaks only "no need left while a team sits idle".
    assert {violation.rule for violation in verify_plan(BEIJING, out)} == {"maximality"}


def test_missing_cbc_names_highs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_plan: Path) -> None:
    monkeypatch.setattr(cbc, "cbc_path", lambda: None)
    before = digest(old_plan)
    code, _, stderr = run_cli("solve", str(SCENARIOS / "demo-small"), "--out", str(old_plan), "--force",
                          "--solver", "cbc")
    assert code == 3
    assert stderr.strip() == ("no plan: CBC is not installed (pip install 'pulp[cbc]'); use HiGHS instead "
                              "(--solver highs); nothing was written")
    assert digest(old_plan) == before


@pytest.mark.slow
def test_missing_highs_names_cbc(tmp_path: Path) -> None:
    """A Python where ``import highspy`` fails, as when it is not installed."""
    program = ("import sys; sys.modules['highspy'] = None\n"
               "from planner.cli import main\n"
               "raise SystemExit(main(sys.argv[1:]))\n")
    demo = str(SCENARIOS / "demo-small")
    result = subprocess.run([sys.executable, "-c", program, "solve", demo, "--out", str(tmp_path / "highs")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip() == ("no plan: HiGHS is not installed (pip install highspy); use CBC instead "
                                     "(--solver cbc); nothing was written")
    assert not (tmp_path / "highs").exists()
    result = subprocess.run([sys.executable, "-c", program, "solve", demo, "--out", str(tmp_path / "cbc"),
                             "--solver", "cbc"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "cbc" / "summary.json").read_text(encoding="utf-8"))["status"] == "optimal"


ABSURD_NEEDS = "point_id,session_id,role,volunteers\np1,s1,general,5000000\np1,s1,first_aid,1000000000"
ABSURD_SUPPLIES = ("item_id,name,category,stock,basis,per_unit\n"
                   "packs,Packs,pack,0,parent,1000\nwater,Water,basic,3,point,1")


@pytest.mark.parametrize("teams", [
    "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions",
    "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions\nt1,T,U,a,4,1,0,1",
], ids=["no teams", "one small team"])
def test_absurd_shortages_still_give_an_optimal_plan(teams: str, tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "scenario", teams_csv=teams, needs_csv=ABSURD_NEEDS,
                            supplies_csv=ABSURD_SUPPLIES,
                            points_csv="point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
                                       "p1,P,a,39.90,116.40,1000000,1000000000,0")
    out = tmp_path / "plan"
    code, _, stderr = run_cli("solve", str(folder), "--out", str(out))
    assert code == 0, stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assert summary["needed"] == 1_005_000_000
    assert summary["assigned"] == (0 if "t1" not in teams else 4)
    assert summary["coverage"] == summary["assigned"] / summary["needed"]
    assert summary["supplies"] == {"packs": {"stock": 0, "wanted": 1_000_000_000_000, "distributed": 0},
                                   "water": {"stock": 3, "wanted": 1, "distributed": 1}}
    assert verify_plan(folder, out) == []


def test_a_failed_write_leaves_the_old_plan_as_it_was(old_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(old_plan)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("planner.exports.plan_workbook.finish_plan_workbook", disk_full)  # a plan folder's last step
    code, _, stderr = run_cli("solve", str(BEIJING), "--out", str(old_plan), "--force")
    assert code == 2
    assert stderr.strip() == f"{old_plan}: cannot write the plan (No space left on device); nothing was written"
    assert digest(old_plan) == before
    assert sorted(p.name for p in old_plan.parent.iterdir()) == ["plan"]  # no partial folder left beside it


def test_a_plan_is_never_written_where_it_cannot_go(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    code, _, stderr = run_cli("solve", str(SCENARIOS / "demo-small"), "--out", str(a_file / "plan"))
    assert code == 2 and "cannot write the plan" in stderr and "Traceback" not in stderr
    code, _, stderr = run_cli("solve", str(SCENARIOS / "demo-small"), "--out", str(a_file), "--force")
    assert code == 2 and stderr.startswith(f"{a_file}: is a file")
    assert a_file.read_text() == "mine"


def test_library_export_refuses_a_folder_with_files(tmp_path: Path) -> None:
    plan = solve(load_scenario(SCENARIOS / "demo-small"))
    target = tmp_path / "plan"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        export_plan(plan, target)
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    export_plan(plan, target, overwrite=True)
    assert sorted(p.name for p in target.iterdir()) == [
        "assignments.csv", "distribution.csv", "explanations.csv", "plan.xlsx", "roster.csv", "shortfalls.csv",
        "summary.json", "why.csv"]


def test_a_plan_never_replaces_its_own_scenario(tmp_path: Path) -> None:
    folder = tmp_path / "scenario"
    folder.mkdir()
    for path in (SCENARIOS / "demo-small").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    before = digest(folder)
    plan = solve(load_scenario(folder))
    for target in (folder, tmp_path):
        with pytest.raises(FileExistsError, match="holds the scenario"):
            export_plan(plan, target, overwrite=True)
        code, _, stderr = run_cli("solve", str(folder), "--out", str(target), "--force")
        assert code == 2 and "holds the scenario" in stderr
    assert digest(folder) == before
    assert export_plan(plan, folder / "plan").parent == folder  # a plan folder inside the scenario is fine


def test_the_working_folder_is_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--out .`` (or ``..``) would leave the shell in a deleted folder: refused, nothing left behind."""
    here = tmp_path / "work"
    (here / "sub").mkdir(parents=True)
    (here / "notes.txt").write_text("mine")
    monkeypatch.chdir(here / "sub")
    before = digest(tmp_path)
    for out in (".", ".."):
        code, _, stderr = run_cli("solve", str(SCENARIOS / "demo-small"), "--out", out, "--force")
        assert code == 2, stderr
        assert stderr.strip() == (f"{out}: is the folder you are working in (or holds it); "
                                  "write the plan to another folder; nothing was written")
    plan = solve(load_scenario(SCENARIOS / "demo-small"))
    with pytest.raises(FileExistsError, match="is the folder you are working in"):
        export_plan(plan, "..", overwrite=True)
    assert digest(tmp_path) == before
    assert export_plan(plan, "../plan") == Path("../plan") and (here / "plan" / "summary.json").is_file()


@pytest.mark.parametrize("exchange", ["refused", "not on this system"])
def test_a_failed_move_puts_the_old_plan_back(exchange: str, old_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the new plan cannot take the old one's place, the old one stays (or goes back) where it was:
    whether the one atomic exchange is refused, or the system has none and the second of two renames is."""
    import os

    from planner.io import textfiles

    before = digest(old_plan)
    real_replace = os.replace

    def refuse_new(source: object, target: object) -> None:
        if ".partial-" in str(source):
            raise OSError(13, "Permission denied")
        real_replace(source, target)  # type: ignore[arg-type]

    def refuse_exchange(a: Path, b: Path) -> bool:
        if exchange == "refused":
            raise OSError(13, "Permission denied")
        return False

    monkeypatch.setattr(textfiles.os, "replace", refuse_new)
    monkeypatch.setattr(textfiles, "_exchange", refuse_exchange)
    code, _, stderr = run_cli("solve", str(BEIJING), "--out", str(old_plan), "--force")
    assert code == 2 and "Permission denied" in stderr
    assert digest(old_plan) == before
    assert sorted(p.name for p in old_plan.parent.iterdir()) == ["plan"]


def test_a_model_the_solver_refuses_is_no_plan_not_a_wrong_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS drops every row of a model with a number beyond its range; the planner says so."""
    set_inputs = PlanModel.set_inputs

    def with_a_huge_coefficient(self: PlanModel, inputs: object) -> None:
        set_inputs(self, inputs)  # type: ignore[arg-type]
        self._a_value = self._a_value.copy()
        self._a_value[self._lever_nz] = -1e16

    monkeypatch.setattr(PlanModel, "set_inputs", with_a_huge_coefficient)
    with pytest.raises(NoPlanError, match="HiGHS refused the model: a number in it is out of range"):
        solve(load_scenario(SCENARIOS / "demo-small"))


def test_cbc_without_a_plan_in_time_says_how_long_it_ran(monkeypatch: pytest.MonkeyPatch, old_plan: Path) -> None:
    """CBC checks its limit only between steps: the message says so rather than claim it stopped on time."""
    monkeypatch.setattr(cbc, "_pulp_status", lambda prob: "none")  # as when CBC gives up at its limit
    before = digest(old_plan)
    code, _, stderr = run_cli("solve", str(SCENARIOS / "demo-small"), "--out", str(old_plan), "--force",
                              "--solver", "cbc", "--time-limit", "5")
    assert code == 3
    assert re.fullmatch(r"no plan: CBC found no plan \(\w+\) within the time limit of 5 s \(it ran \d+ s: CBC "
                        r"checks the limit only between its steps\); nothing was written", stderr.strip()), stderr
    assert digest(old_plan) == before
