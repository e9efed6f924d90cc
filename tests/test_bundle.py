"""Staff exports: duty sheets as PDF (read back), one workbook per district, and the whole bundle."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from pypdf import PdfReader

from planner import load_scenario, solve
from planner.exports.bundle import district_tables, export_bundle
from planner.exports.duty import duty_points, duty_sheets_pdf, sheet_rows

from .conftest import SCENARIOS


@pytest.fixture(scope="module")
def demo_plan():
    """demo-small as worked out in its scenario.yaml: in the afternoon dc-2 misses a general volunteer and a
    first-aider, in the morning hd-1 its first-aider (first aid shared between the districts: 3 of 4, 1 of 2)."""
    return solve(load_scenario(SCENARIOS / "demo-small"))


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_duty_rows_follow_the_plan(demo_plan):
    rows = sheet_rows(demo_plan, "dc-2", lang="en")
    assert rows[["session", "role", "needed", "assigned", "volunteers", "missing"]].values.tolist() == [
        ["2023-06-07 09:00-11:30", "General", 2, 2, 1, 0],
        ["2023-06-07 09:00-11:30", "General", 2, 2, 1, 0],
        ["2023-06-07 09:00-11:30", "First aid", 1, 1, 1, 0],
        ["2023-06-07 15:00-17:00", "General", 2, 1, 1, 1],
        ["2023-06-07 15:00-17:00", "First aid", 1, 0, 0, 1],
    ]
    assert rows["team"].tolist()[:2] == ["东城区总工会志愿服务队（东城区总工会）",
                                         "眼科医院志愿服务队（市卫生健康工会）"]
    unstaffed = sheet_rows(demo_plan, "hd-1")
    assert unstaffed.loc[unstaffed["role"] == "急救", "team"].tolist() == ["", "眼科医院志愿服务队（市卫生健康工会）"]


def test_duty_sheets_read_back(demo_plan):
    data = duty_sheets_pdf(demo_plan)
    pages = pdf_text(data)
    assert len(pages) == len(duty_points(demo_plan)) == 3
    first = pages[0]
    assert "东城一号点 Dongcheng point 1" in first
    assert "东城区总工会志愿服务队" in first
    assert "急救" in first and "First aid" not in first  # roles in Chinese under both-language headers
    assert "场次" in first and "Session" in first
    assert "家长陪伴包" in first and "parent-pack" in first
    assert "缺口 Missing 1" in pages[2]  # hd-1's first aid, unstaffed
    assert data == duty_sheets_pdf(demo_plan)  # the same plan, the same bytes


def test_english_duty_sheet(demo_plan):
    (page,) = pdf_text(duty_sheets_pdf(demo_plan, ["hd-1"], lang="en"))
    assert "Session" in page and "场次" not in page
    assert "Missing 1" in page
    assert "海淀区总工会志愿服务队" in page  # team names stay as written


def test_duty_sheets_need_a_cjk_font(demo_plan, monkeypatch):
    monkeypatch.setattr("planner.exports.duty.cjk_font_file", lambda: None)
    with pytest.raises(RuntimeError, match=r"setup-system\.sh font"):
        duty_sheets_pdf(demo_plan)


def test_unknown_points_are_named(demo_plan):
    with pytest.raises(ValueError, match="'zz-9'"):
        duty_sheets_pdf(demo_plan, ["zz-9"])


def test_district_tables_keep_the_district_only(demo_plan):
    tables = district_tables(demo_plan, "dongcheng", lang="zh")
    summary = dict(tables["sheet_summary"].values.tolist())
    assert (summary["需要"], summary["已安排"], summary["缺口"]) == (14, 12, 2)
    for key, table in tables.items():
        if "point_id" in table.columns:
            assert set(table["point_id"]) <= {"dc-1", "dc-2"}, key
    assert set(tables["sheet_duty"]["point_id"]) == {"dc-1", "dc-2"}
    with pytest.raises(ValueError, match="'atlantis' is not a district"):
        district_tables(demo_plan, "atlantis")


def test_the_bundle(demo_plan, tmp_path):
    bundle = export_bundle(demo_plan, tmp_path / "demo")
    names = {p.relative_to(bundle.folder).as_posix() for p in bundle.folder.rglob("*") if p.is_file()}
    assert names == {
        "plan/assignments.csv", "plan/roster.csv", "plan/shortfalls.csv", "plan/distribution.csv", "plan/summary.json",
        "plan/plan.xlsx", "plan/explanations.csv", "plan/why.csv",
        "districts/dongcheng.xlsx", "districts/haidian.xlsx",
        "duty-sheets/dc-1.pdf", "duty-sheets/dc-2.pdf", "duty-sheets/hd-1.pdf", "duty-sheets.pdf", "demo.zip",
        "team-sheets.pdf", "notification-list.csv", "notification-list.xlsx",
        "public/duty-sheets.pdf", "public/team-sheets.pdf",  # no person cards: demo-small names no one
    }
    with zipfile.ZipFile(bundle.archive) as archive:
        assert {n.removeprefix("demo/") for n in archive.namelist()} == names - {"demo.zip"}
    workbook = openpyxl.load_workbook(bundle.district_workbooks[1])
    duty = workbook["值班表 Duty"]
    header = [c.value for c in duty[1]]
    assert header[0] == "点位编号\nPoint ID"
    assert {row[0] for row in duty.iter_rows(min_row=2, values_only=True)} == {"hd-1"}
    assert len(pdf_text(bundle.duty_sheets[0].read_bytes())) == 1
    with pytest.raises(FileExistsError):
        export_bundle(demo_plan, tmp_path / "demo")
    again = export_bundle(demo_plan, tmp_path / "demo", lang="en", overwrite=True)
    assert openpyxl.load_workbook(again.plan_workbook).sheetnames[0] == "Summary"


def test_district_tables_keep_their_roster_and_their_teams(demo_plan):
    """A district's workbook has the roster of its points and the sessions of its own teams."""
    tables = district_tables(demo_plan, "haidian", lang="en")
    roster = tables["sheet_roster"]
    assert set(roster["point_id"]) == {"hd-1"}
    expected = demo_plan.roster[demo_plan.roster["point_id"] == "hd-1"]
    assert roster["person_id"].tolist() == expected["person_id"].tolist()
    teams = tables["sheet_team_sessions"]
    assert set(teams["team_id"]) == set(demo_plan.scenario.teams.loc[
        demo_plan.scenario.teams["district_id"] == "haidian", "team_id"]) & set(demo_plan.assignments["team_id"])
    assert set(teams["whole_at_point"]) <= {"Yes", "No"}
