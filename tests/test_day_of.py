"""The day itself: changes marked as scenarios, the re-plan, the change notices read back from their files."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from planner import load_scenario
from planner.exports.notices import change_notices
from planner.model.day_changes import need_up, point_closed, team_out
from planner.workbook.day_of import DayOf, Mark

from .helpers import solve_to
from .test_replan import NEEDS, POINTS, SESSIONS, TEAMS, write_plan
from .test_replan import PUBLISHED as HAND_PUBLISHED


@pytest.fixture
def folder(scenario_dir):
    return scenario_dir(points_csv=POINTS, sessions_csv=SESSIONS, teams_csv=TEAMS, needs_csv=NEEDS)


def test_day_changes_as_scenarios(folder):
    scenario = load_scenario(folder)
    out = team_out(scenario, ["t1"], "s2")
    free = out.availability.set_index(["team_id", "session_id"])["volunteers"]
    assert (free[("t1", "s1")], free[("t1", "s2")], free[("t2", "s2")]) == (3, 0, 3)
    closed = point_closed(scenario, ["p2"], "s2")
    assert not ((closed.needs["point_id"] == "p2") & (closed.needs["session_id"] == "s2")).any()
    assert ((closed.needs["point_id"] == "p2") & (closed.needs["session_id"] == "s1")).any()
    assert point_closed(scenario, ["p2"], "s1").points.set_index("point_id").at["p2", "capacity"] == 0
    up = need_up(scenario, "p1", "s2", "first_aid", 2)
    row = up.needs[(up.needs["point_id"] == "p1") & (up.needs["session_id"] == "s2")]
    assert dict(zip(row["role"], row["volunteers"], strict=True)) == {"general": 3, "first_aid": 2}
    with pytest.raises(ValueError):
        team_out(scenario, ["nobody"], "s2")


def test_notices_say_who_moves_where(folder):
    """t1 out from s2: t1 is told it is not needed in s2, t3 that it has a new duty at Point 1."""
    scenario = load_scenario(folder)
    before = [("t1", "p1", "s1", "general", 3), ("t1", "p1", "s2", "general", 3), ("t2", "p2", "s2", "general", 3)]
    after = [("t1", "p1", "s1", "general", 3), ("t3", "p1", "s2", "general", 3), ("t2", "p1", "s2", "first_aid", 1),
             ("t2", "p2", "s2", "general", 2)]
    columns = ["team_id", "point_id", "session_id", "role", "volunteers"]
    notices = change_notices(scenario, pd.DataFrame(before, columns=columns), pd.DataFrame(after, columns=columns))
    kinds = dict(zip(zip(notices["team_id"], notices["session_id"], strict=True), notices["kind"], strict=True))
    assert kinds == {("t1", "s2"): "off", ("t2", "s2"): "moved", ("t3", "s2"): "new"}
    t3 = notices[notices["team_id"] == "t3"].iloc[0]
    assert t3["text_en"] == "2023-06-07 15:00-17:00: new duty. Now: Point 1 (general 3)."
    assert "该场次无需到岗" in notices[notices["team_id"] == "t1"].iloc[0]["text_zh"]


def test_day_of_replans_and_writes_the_notices(folder, tmp_path):
    published = write_plan(tmp_path / "published", HAND_PUBLISHED)
    day = DayOf(folder, published)
    day.mark(Mark("team_out", "t1", "s2"))
    with pytest.raises(ValueError):
        day.mark(Mark("team_out", "t9", "s2"))
    assert len(day.marks) == 1
    result = day.replan("s2")
    assert result.plan.summary["changed"] == 6
    files = day.export(tmp_path / "day-of")
    with files["notification_list.csv"].open(encoding="utf-8") as handle:
        listing = list(csv.DictReader(handle))
    assert [r["team_id"] for r in listing] == ["t1", "t3"]
    assert "Point 1" in listing[1]["message_en"]
    book = load_workbook(files["notices.xlsx"], read_only=True)
    assert book.sheetnames == ["变更通知 Notices", "通知名单 To notify"]
    rows = list(book["变更通知 Notices"].iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][0] == "t1"
    pages = PdfReader(files["notices.pdf"]).pages
    assert len(pages) == 2
    assert "T3" in pages[1].extract_text()
    with files["changes.csv"].open(encoding="utf-8") as handle:
        assert sum(abs(int(r["after"]) - int(r["before"])) for r in csv.DictReader(handle)) == 6


def test_day_of_figures_before_and_after(folder, tmp_path):
    solve_to(folder, tmp_path / "published")
    day = DayOf(folder, tmp_path / "published")
    day.mark(Mark("team_out", "t2", "s2"))
    day.replan("s2")
    figures = day.figures()
    assert list(figures.columns) == ["before", "after"]
    assert figures.at["needed", "before"] == figures.at["needed", "after"] == 12
    # Three teams of three for four needs of three: a team out in s2 leaves a team free to take its place.
    assert figures.at["assigned", "before"] == figures.at["assigned", "after"] == 12
