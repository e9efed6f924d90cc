"""A team out on the day, with named members (volunteers.csv): its persons are no longer free then.

Availability alone would not do: with volunteers.csv a team's members free in a session are its
persons free then, so a drop-out must reach the persons (and availability agrees with them).
"""

from __future__ import annotations

from pathlib import Path

from planner import export_plan, load_scenario, solve
from planner.io import save_scenario
from planner.model.day_changes import team_out
from planner.verify import verify_plan

from .conftest import SCENARIOS

NAMED = SCENARIOS / "demo-named"


def test_a_named_team_out_from_a_session_is_free_only_before_it(tmp_path: Path) -> None:
    scenario = load_scenario(NAMED)
    today = team_out(scenario, ["dc-union"], "d1-pm")
    people = today.volunteers
    assert people is not None
    assert set(people[people["team_id"] == "dc-union"]["free_sessions"]) == {"d1-am"}
    others = people["team_id"] != "dc-union"
    assert people[others].equals(scenario.volunteers[others])  # type: ignore[index]
    available = today.availability.set_index(["team_id", "session_id"])["volunteers"]
    members = int(scenario.teams.set_index("team_id").loc["dc-union", "volunteers"])
    assert available["dc-union", "d1-am"] == members and available["dc-union", "d1-pm"] == 0
    plan = solve(today)
    assert not len(plan.roster[(plan.roster["team_id"] == "dc-union") & (plan.roster["session_id"] != "d1-am")])
    # Saved and read back, by the planner and by the independent checker.
    folder = save_scenario(today, tmp_path / "today")
    assert load_scenario(folder).volunteers.equals(people)  # type: ignore[union-attr]
    export_plan(plan, tmp_path / "plan")
    assert verify_plan(folder, tmp_path / "plan") == []


def test_a_named_team_out_for_the_whole_exam_is_free_in_no_session(tmp_path: Path) -> None:
    scenario = load_scenario(NAMED)
    first = str(scenario.sessions["session_id"].iloc[0])
    today = team_out(scenario, ["hd-union"], first)
    people = today.volunteers
    assert people is not None
    assert set(people[people["team_id"] == "hd-union"]["free_sessions"]) == {"-"}
    folder = save_scenario(today, tmp_path / "today")
    again = load_scenario(folder)
    assert not again.availability[again.availability["team_id"] == "hd-union"]["volunteers"].any()
    plan = solve(again)
    assert "hd-union" not in set(plan.assignments["team_id"])
    export_plan(plan, tmp_path / "plan")
    assert verify_plan(folder, tmp_path / "plan") == []
