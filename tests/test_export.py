"""plan.xlsx and the CSV files, opened back with real readers and compared with the plan."""

from __future__ import annotations

import dataclasses
import json
import re

import openpyxl
import pandas as pd
import pytest

from planner import load_scenario, solve
from planner.exports.files import export_plan
from planner.exports.plan_workbook import write_plan_workbook
from planner.io import save_scenario

from .conftest import SCENARIOS


@pytest.fixture(scope="module")
def exported(beijing_plan, tmp_path_factory):
    return export_plan(beijing_plan, tmp_path_factory.mktemp("plan") / "beijing")


def test_csv_files_read_back_equal_the_plan(beijing_plan, exported):
    for name in ("assignments", "shortfalls", "distribution"):
        frame = pd.read_csv(exported / f"{name}.csv", dtype={"team_id": str, "point_id": str, "session_id": str,
                                                                "item_id": str, "role": str, "cause": str},
                            keep_default_na=False)  # an empty cause (nothing missing) is text, not NaN
        pd.testing.assert_frame_equal(frame, getattr(beijing_plan, name), check_dtype=False)
    summary = json.loads((exported / "summary.json").read_text(encoding="utf-8"))
    assert summary == json.loads(json.dumps(beijing_plan.summary))


def test_workbook_has_every_view_with_bilingual_frozen_headers(exported):
    workbook = openpyxl.load_workbook(exported / "plan.xlsx")
    assert workbook.sheetnames == ["概况 Summary", "瓶颈 Bottlenecks", "物资汇总 Supply totals", "排班总览 Overview",
                                   "值班表 Duty", "队伍安排 Teams", "各队各场次 Teams by session", "人员排班 Roster",
                                   "物资分配 Supplies", "缺口 Shortfalls", "各区 Districts", "原因与办法 Why and fixes",
                                   "改进建议 Suggestions"]
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
    for sheet in workbook.worksheets:  # every header in both languages (the contract's plan.xlsx)
        for header in (c.value for c in sheet[1]):
            assert re.search(r"[\u4e00-\u9fff]", header) and re.search(r"[A-Za-z]", header), (sheet.title, header)
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
    roster = pd.read_excel(exported / "plan.xlsx", sheet_name="人员排班 Roster", dtype=str)
    assert len(roster) == len(beijing_plan.roster) == beijing_plan.summary["assigned"]
    by_session = pd.read_excel(exported / "plan.xlsx", sheet_name="各队各场次 Teams by session")
    s = beijing_plan.summary
    assert len(by_session) == s["team_sessions"]
    assert by_session["志愿者人数\nVolunteers"].sum() == s["assigned"]
    assert (by_session["全队在同一点位\nWhole team at one point"] == "否").sum() == s["team_sessions_split"]


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


DEMO_TEAM_SESSIONS = [  # demo-small as the planner solves it now: team, session, where, each role, whole
    ["dc-union", "东城区总工会志愿服务队", "东城区总工会", "dongcheng", "东城区", "2023-06-07 09:00-11:30",
     "东城一号点 Dongcheng point 1 ×4、东城二号点 Dongcheng point 2 ×1", 4, 1, 0, 5, "否"],
    ["dc-union", "东城区总工会志愿服务队", "东城区总工会", "dongcheng", "东城区", "2023-06-07 15:00-17:00",
     "东城一号点 Dongcheng point 1 ×4、东城二号点 Dongcheng point 2 ×1", 4, 1, 0, 5, "否"],
    # The eye hospital's three serve one session each: two at its home point dc-2 in the morning,
    # its second first-aider at hd-1 in the afternoon (first aid shared between the districts).
    ["eye-hosp", "眼科医院志愿服务队", "市卫生健康工会", "dongcheng", "东城区", "2023-06-07 09:00-11:30",
     "东城二号点 Dongcheng point 2", 1, 1, 0, 2, "是"],
    ["eye-hosp", "眼科医院志愿服务队", "市卫生健康工会", "dongcheng", "东城区", "2023-06-07 15:00-17:00",
     "海淀一号点 Haidian point 1", 0, 1, 0, 1, "是"],
    ["hd-union", "海淀区总工会志愿服务队", "海淀区总工会", "haidian", "海淀区", "2023-06-07 09:00-11:30",
     "海淀一号点 Haidian point 1", 4, 0, 0, 4, "是"],
    ["hd-union", "海淀区总工会志愿服务队", "海淀区总工会", "haidian", "海淀区", "2023-06-07 15:00-17:00",
     "海淀一号点 Haidian point 1", 4, 0, 0, 4, "是"],
]
AM, PM = "2023-06-07 09:00-11:30", "2023-06-07 15:00-17:00"
DC1, DC2, HD1 = "东城一号点 Dongcheng point 1", "东城二号点 Dongcheng point 2", "海淀一号点 Haidian point 1"


def _demo_roster_rows() -> list[list[str]]:
    """demo-small's roster: the person, team and union, where, when and as what."""
    dc = ("dc-union", "东城区总工会志愿服务队", "东城区总工会")
    eye = ("eye-hosp", "眼科医院志愿服务队", "市卫生健康工会")
    hd = ("hd-union", "海淀区总工会志愿服务队", "海淀区总工会")
    rows = []
    for session in (AM, PM):
        rows.append(["dc-union/1", *dc, "dc-1", DC1, "东城区", session, "急救"])
        rows += [[f"dc-union/{n}", *dc, "dc-1", DC1, "东城区", session, "普通志愿者"] for n in (2, 3, 4)]
        rows.append(["dc-union/5", *dc, "dc-2", DC2, "东城区", session, "普通志愿者"])
    rows += [["eye-hosp/1", *eye, "dc-2", DC2, "东城区", AM, "急救"],
             ["eye-hosp/3", *eye, "dc-2", DC2, "东城区", AM, "普通志愿者"],
             ["eye-hosp/2", *eye, "hd-1", HD1, "海淀区", PM, "急救"]]
    for session in (AM, PM):
        rows += [[f"hd-union/{n}", *hd, "hd-1", HD1, "海淀区", session, "普通志愿者"] for n in (1, 2, 3, 4)]
    return rows


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    plan = solve(load_scenario(SCENARIOS / "demo-small"))
    folder = export_plan(plan, tmp_path_factory.mktemp("demo") / "plan")
    return plan, folder / "plan.xlsx"


def _rows(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_demo_team_sessions_sheet(demo_book):
    plan, path = demo_book
    sheet = openpyxl.load_workbook(path)["各队各场次 Teams by session"]
    assert [c.value for c in sheet[1]] == [
        "队伍编号\nTeam ID", "志愿服务队\nVolunteer team", "所属工会\nUnion", "区编号\nDistrict ID",
        "队伍所在区\nTeam's district", "场次\nSession", "服务点位（人数）\nService points (volunteers)",
        "普通志愿者\nGeneral", "急救\nFirst aid", "心理疏导\nCounsellor", "志愿者人数\nVolunteers",
        "全队在同一点位\nWhole team at one point"]
    assert _rows(sheet) == DEMO_TEAM_SESSIONS
    assert sheet.freeze_panes == "A2"
    # The sheet adds up to the plan: every volunteer-session once, the split ones as the summary says.
    assert sum(row[10] for row in DEMO_TEAM_SESSIONS) == plan.summary["assigned"] == 21
    assert sum(row[11] == "否" for row in DEMO_TEAM_SESSIONS) == plan.summary["team_sessions_split"] == 2


def test_demo_roster_sheet(demo_book):
    plan, path = demo_book
    sheet = openpyxl.load_workbook(path)["人员排班 Roster"]
    assert [c.value for c in sheet[1]] == [
        "人员编号\nPerson ID", "队伍编号\nTeam ID", "志愿服务队\nVolunteer team", "所属工会\nUnion",
        "点位编号\nPoint ID", "服务点位\nService point", "区\nDistrict", "场次\nSession", "岗位\nRole"]
    assert _rows(sheet) == _demo_roster_rows()
    assert len(plan.roster) == 21  # no names in demo-small: no name column


def test_demo_summary_sheet_has_the_team_figures(demo_book):
    _, path = demo_book
    figures = dict(_rows(openpyxl.load_workbook(path)["概况 Summary"]))
    expected = {
        "有值班的队伍": 3, "全程在同一点位的队伍": 1, "有值班的队伍场次": 6, "分在多个点位的队伍场次": 2,
        "值班小组（队伍、点位、场次）": 8, "只有一人的值班小组": 3, "队伍-点位组合": 5,
        "相邻场次在同一点位的比例": 0.3333}
    assert {key: figures[key] for key in expected} == expected


def test_roster_names_and_formula_like_text_stay_text(demo_book, tmp_path):
    """With names (named volunteers, later), the roster sheet gains a name column, written as text."""
    plan, _ = demo_book
    roster = plan.roster.copy()
    roster["name"] = ["=1+1" if i == 0 else f"队员{i}" for i in range(len(roster))]
    named = dataclasses.replace(plan, roster=roster)
    write_plan_workbook(named, tmp_path / "named.xlsx", lang="en")
    sheet = openpyxl.load_workbook(tmp_path / "named.xlsx")["Roster"]
    assert [c.value for c in sheet[1]][:3] == ["Person ID", "Name", "Team ID"]
    assert sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"
    assert sheet["J2"].value == "First aid"  # the role in words


def test_demo_workbook_bytes_repeat(demo_book, tmp_path):
    plan, path = demo_book
    write_plan_workbook(plan, tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").read_bytes() == path.read_bytes()
