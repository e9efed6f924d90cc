"""plan.xlsx and the CSV files, opened back with real readers and compared with the plan."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from planner import load_scenario, solve
from planner.exports.files import export_plan
from planner.io import save_scenario

from .conftest import SCENARIOS


@pytest.fixture(scope="module")
def exported(beijing_plan, tmp_path_factory):
    return export_plan(beijing_plan, tmp_path_factory.mktemp("plan") / "beijing")


def test_csv_files_read_back_equal_the_plan(beijing_plan, exported):
    for name in ("assignments", "shortfalls", "distribution"):
        frame = pd.read_csv(exported / f"{name}.csv", dtype={"team_id": str, "point_id": str, "session_id": str,
                                                                "item_id": str, "role": str})
        pd.testing.assert_frame_equal(frame, getattr(beijing_plan, name), check_dtype=False)
    summary = json.loads((exported / "summary.json").read_text(encoding="utf-8"))
    assert summary == json.loads(json.dumps(beijing_plan.summary))


def test_workbook_has_every_view_with_bilingual_frozen_headers(exported):
    workbook = openpyxl.load_workbook(exported / "plan.xlsx")
    assert workbook.sheetnames == ["概况 Summary", "物资汇总 Supply totals", "排班总览 Overview", "值班表 Duty",
                                   "队伍安排 Teams", "物资分配 Supplies", "缺口 Shortfalls", "各区 Districts"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.print_title_rows == "$1:$1"  # printed, every page has the header
    summary = workbook["概况 Summary"]
    coverage = next(row[1] for row in summary.iter_rows(min_row=2) if row[0].value == "保障率")
    assert coverage.value == 1840 / 1968 and coverage.number_format == "0.0%"
    totals = pd.read_excel(exported / "plan.xlsx", sheet_name="物资汇总 Supply totals").set_index(
        "物资编号\nItem ID")
    assert totals.loc["parent-pack"].iloc[2:5].tolist() == [4000, 14589, 4000]
    duty = workbook["值班表 Duty"]
    headers = [c.value for c in duty[1]]
    assert headers[:3] == ["点位编号\nPoint ID", "服务点位\nService point", "区\nDistrict"]
    assert duty.column_dimensions["B"].width > 20  # fitted to the Chinese point names


def test_workbook_content_matches_the_plan(beijing_plan, exported):
    duty = pd.read_excel(exported / "plan.xlsx", sheet_name="值班表 Duty")
    assert len(duty) == len(beijing_plan.assignments)
    assert duty.iloc[:, -1].sum() == beijing_plan.summary["assigned"]
    shortfalls = pd.read_excel(exported / "plan.xlsx", sheet_name="缺口 Shortfalls")
    assert shortfalls.iloc[:, -1].sum() == beijing_plan.summary["unmet"]
    supplies = pd.read_excel(exported / "plan.xlsx", sheet_name="物资分配 Supplies")
    assert supplies.iloc[:, -2].sum() == beijing_plan.distribution["quantity"].sum()
    overview = pd.read_excel(exported / "plan.xlsx", sheet_name="排班总览 Overview", dtype=str)
    assert len(overview) == 51
    assert overview.shape[1] == 3 + 7  # point id, name, district, then the seven sessions


@pytest.mark.slow
def test_english_only_headers(beijing_plan, tmp_path):
    export_plan(beijing_plan, tmp_path / "en", lang="en")
    workbook = openpyxl.load_workbook(tmp_path / "en" / "plan.xlsx")
    assert workbook.sheetnames[0] == "Summary"
    assert [c.value for c in workbook["Duty"][1]][:2] == ["Point ID", "Service point"]


def test_formula_like_names_stay_text(tmp_path):
    scenario = load_scenario(SCENARIOS / "demo-small")
    teams = scenario.teams.copy()
    teams.loc[0, "name"] = '=HYPERLINK("http://example.com","click")'
    teams.loc[1, "name"] = "+1 team, with \"quotes\"\nand a new line"
    plan = solve(scenario.replace(teams=teams))
    export_plan(plan, tmp_path / "plan")
    workbook = openpyxl.load_workbook(tmp_path / "plan" / "plan.xlsx")
    names = {c.value for row in workbook["值班表 Duty"].iter_rows(min_row=2) for c in row}
    assert '=HYPERLINK("http://example.com","click")' in names
    assert "+1 team, with \"quotes\"\nand a new line" in names
    cells = [c for row in workbook["值班表 Duty"].iter_rows(min_row=2) for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "+"))]
    assert cells and all(c.data_type == "s" for c in cells)  # strings, never formulas
    # A scenario saved with such names loads back exactly.
    saved = save_scenario(scenario.replace(teams=teams), tmp_path / "saved")
    assert "'=HYPERLINK" in (saved / "teams.csv").read_text(encoding="utf-8")
    assert load_scenario(saved).teams["name"].tolist() == teams["name"].tolist()
