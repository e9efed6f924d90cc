"""``planner duty --plan``: the documents of the plan that was published, checked first, never a new solve."""

from __future__ import annotations

import csv
from pathlib import Path

from planner import export_plan, load_scenario, solve
from planner.io import save_scenario
from planner.io.previous_plan import previous_from_tables
from planner.model.day_changes import team_out
from planner.results.replan import replan

from .conftest import SCENARIOS
from .helpers import run_cli

NAMED = SCENARIOS / "demo-named"


def _people(folder: Path) -> set[tuple[str, str, str, str]]:
    """(person, session, point, role) of each person row of the notification list."""
    with (folder / "notification-list.csv").open(encoding="utf-8") as handle:
        return {(r["person_id"], r["session_id"], r["point_id"], r["role"]) for r in csv.DictReader(handle)
                if r["recipient"] == "person"}


def test_the_documents_of_a_published_plan_are_those_of_its_own_solve(tmp_path: Path) -> None:
    code, _out, err = run_cli("solve", str(NAMED), "--out", str(tmp_path / "plan"))
    assert code == 0, err
    assert run_cli("duty", str(NAMED), "--out", str(tmp_path / "solved"), "--lang", "en")[0] == 0
    code, out, err = run_cli("duty", str(NAMED), "--plan", str(tmp_path / "plan"), "--out", str(tmp_path / "read"),
                             "--lang", "en")
    assert code == 0, err
    assert "keeps every rule" in out
    names = sorted(p.name for p in (tmp_path / "solved").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "read").iterdir()) and "duty-sheets.pdf" in names
    for name in names:  # the same plan, the same bytes
        assert (tmp_path / "solved" / name).read_bytes() == (tmp_path / "read" / name).read_bytes(), name


def test_the_documents_follow_the_plan_repaired_on_the_day(tmp_path: Path) -> None:
    """dc-union drops out from the second session: the repaired plan's documents send its
    members nowhere from then on, and everyone else where the repaired roster says."""
    scenario = load_scenario(NAMED)
    published = solve(scenario)
    today = team_out(scenario, ["dc-union"], "d1-pm")
    repaired = replan(today, previous_from_tables(published.assignments, published.roster, published.distribution),
                      start="d1-pm").plan
    today_dir = save_scenario(today, tmp_path / "today")
    export_plan(repaired, tmp_path / "repaired")
    code, _out, err = run_cli("duty", str(today_dir), "--plan", str(tmp_path / "repaired"),
                              "--out", str(tmp_path / "docs"), "--lang", "en")
    assert code == 0, err
    people = _people(tmp_path / "docs")
    expected = {(r.person_id, r.session_id, r.point_id, r.role) for r in repaired.roster.itertuples()}
    assert people == expected
    later = {"d1-pm", *scenario.sessions["session_id"].iloc[2:]}
    assert not {p for p in people if p[0].startswith("dc-") and p[1] in later}
    assert {p for p in people if p[0].startswith("dc-") and p[1] == "d1-am"}  # the morning was served


def test_a_plan_that_breaks_the_rules_makes_no_documents(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    assert run_cli("solve", str(NAMED), "--out", str(plan))[0] == 0
    rows = (plan / "assignments.csv").read_text(encoding="utf-8").splitlines()
    first = rows[1].rsplit(",", 1)
    rows[1] = f"{first[0]},{int(first[1]) + 5}"  # five more of a team than it has, or than the need
    (plan / "assignments.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, _out, err = run_cli("duty", str(NAMED), "--plan", str(plan), "--out", str(tmp_path / "docs"))
    assert code == 2
    assert "does not keep the rules" in err and "nothing was written" in err
    assert not (tmp_path / "docs").exists()


def test_a_plan_of_another_scenario_makes_no_documents(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    assert run_cli("solve", str(SCENARIOS / "demo-small"), "--out", str(plan))[0] == 0
    code, _out, err = run_cli("duty", str(NAMED), "--plan", str(plan), "--out", str(tmp_path / "docs"))
    assert code == 2 and "nothing was written" in err
    assert not (tmp_path / "docs").exists()
