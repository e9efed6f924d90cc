"""Duty documents read back: per point (one page each), per team, per person, and the notification list.

PDFs are read with pypdf and workbooks with openpyxl; what they must say is taken from the
scenario's files and the plan's roster, not from the code that drew them.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from planner import load_scenario, solve
from planner.exports.documents import export_duty_documents
from planner.exports.duty import duty_points, duty_sheets_pdf
from planner.exports.duty_cards import person_cards_pdf, team_sheets_pdf

from .helpers import SCENARIOS, digest, read_rows, run_cli, write_rows

DEMO = SCENARIOS / "demo-named"  # demo-small with fictitious names, leaders and addresses


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Extracted text without the spaces and line breaks that wrapping puts in."""
    return re.sub(r"\s+", "", text)


def csv_rows(name: str) -> list[dict[str, str]]:
    return read_rows(DEMO / name)


@pytest.fixture(scope="module")
def demo_plan():
    return solve(load_scenario(DEMO))


def phones_of_demo() -> set[str]:
    return ({r["phone"] for r in csv_rows("volunteers.csv") if r["phone"]}
            | {r["leader_phone"] for r in csv_rows("teams.csv") if r["leader_phone"]})


def test_beijing_has_one_page_per_point_that_says_it_has_no_address(beijing_plan):
    """Every point of beijing-2023 on one page (51, not the 105 of a spilled supplies table); the
    scenario publishes no addresses, and each page says so beside the coordinates."""
    points = pd.read_csv(Path(beijing_plan.scenario.source) / "points.csv", dtype=str).sort_values("point_id")
    texts = pages(duty_sheets_pdf(beijing_plan, lang="both"))
    assert len(texts) == len(duty_points(beijing_plan)) == len(points) == 51
    for text, point in zip(texts, points.to_dict("records"), strict=True):
        assert flat(point["name"]) in flat(text)
        assert "thescenariogivesnoaddress" in flat(text)
        assert f"{float(point['lat']):.5f}" in text
        assert "reporttimenotset" in flat(text)


def test_a_point_sheet_says_where_when_and_who(demo_plan):
    """dc-2: exam site and address from points.csv, report 45 minutes before (its own report_minutes),
    the teams' leaders with their phones, the persons on duty by name, the gap shaded and counted."""
    point = next(r for r in csv_rows("points.csv") if r["point_id"] == "dc-2")
    (text,) = pages(duty_sheets_pdf(demo_plan, ["dc-2"]))
    assert flat(point["address"]) in flat(text) and flat(point["site"]) in flat(text)
    assert "08:15" in text and "14:15" in text  # 09:00 and 15:00 less 45 minutes
    teams = {r["team_id"]: r for r in csv_rows("teams.csv")}
    on_duty = demo_plan.assignments[demo_plan.assignments["point_id"] == "dc-2"]
    for team_id in set(on_duty["team_id"]):
        assert flat(teams[team_id]["leader"]) in flat(text)
        assert teams[team_id]["leader_phone"] in text
    for name in demo_plan.roster.loc[demo_plan.roster["point_id"] == "dc-2", "name"]:
        assert flat(name) in flat(text)
    missing = int(demo_plan.shortfalls.loc[demo_plan.shortfalls["point_id"] == "dc-2", "missing"].sum())
    assert missing > 0 and "缺口 Missing" in text


def test_public_copies_leave_every_phone_out(demo_plan):
    for data in (duty_sheets_pdf(demo_plan, phones=False), team_sheets_pdf(demo_plan, phones=False),
                 person_cards_pdf(demo_plan, phones=False)):
        text = "".join(pages(data))
        assert not any(phone in text for phone in phones_of_demo())
        assert "张三" in text  # names stay: the leader is who to ask for
    assert any(phone in "".join(pages(duty_sheets_pdf(demo_plan))) for phone in phones_of_demo())


def test_team_sheets_say_where_when_how_many_and_with_whom(demo_plan):
    """A page per team on duty; each names its points' addresses, report times, its volunteers per
    role and the other teams at the point then, with their leaders."""
    texts = pages(team_sheets_pdf(demo_plan))
    teams = {r["team_id"]: r for r in csv_rows("teams.csv")}
    points = {r["point_id"]: r for r in csv_rows("points.csv")}
    on_duty = sorted(set(demo_plan.assignments["team_id"]))  # pages in team id order
    assert len(texts) == len(on_duty)
    a = demo_plan.assignments
    for team_id, text in zip(on_duty, texts, strict=True):
        assert flat(teams[team_id]["name"]) in flat(text)
        mine = a[a["team_id"] == team_id]
        for point_id in set(mine["point_id"]):
            assert flat(points[point_id]["address"]) in flat(text)
            others = set(a[(a["point_id"] == point_id) & a["session_id"].isin(mine["session_id"])]["team_id"])
            for other in others - {team_id}:
                assert flat(teams[other]["leader"]) in flat(text)
    dc = texts[on_duty.index("dc-union")]
    assert "08:30" in dc and "08:15" in dc  # dc-1 at 30 minutes, dc-2 at 45


def test_person_cards_name_each_person_on_duty_with_their_report_times(demo_plan):
    text = flat("".join(pages(person_cards_pdf(demo_plan))))
    people = {r["person_id"]: r for r in csv_rows("volunteers.csv")}
    on_duty = set(demo_plan.roster["person_id"])
    for person_id in people:
        assert (f"（{person_id}）" in text) == (person_id in on_duty)
    for row in demo_plan.roster.to_dict("records"):
        assert flat(people[row["person_id"]]["name"]) in text
    with pytest.raises(ValueError, match="names no volunteers"):
        person_cards_pdf(solve(load_scenario(SCENARIOS / "demo-small")))


def test_english_documents(demo_plan):
    text = "".join(pages(duty_sheets_pdf(demo_plan, lang="en")) + pages(team_sheets_pdf(demo_plan, lang="en")))
    assert "Report" in text and "到岗" not in text
    assert "First aid" in text


def test_the_notification_list_reads_back_formula_safe(demo_plan, tmp_path):
    """One row per person on duty and one per team leader, session and point; a phone written +86...
    is escaped in the CSV and plain text in the workbook."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    rows = read_rows(folder / "volunteers.csv")
    rows[0]["phone"] = "+86 100 0000 0101"
    write_rows(folder / "volunteers.csv", rows)
    plan = solve(load_scenario(folder))
    docs = export_duty_documents(plan, tmp_path / "docs")
    assert docs.notification_csv is not None and docs.notification_xlsx is not None
    with docs.notification_csv.open(encoding="utf-8", newline="") as handle:
        listed = list(csv.DictReader(handle))
    persons = [r for r in listed if r["recipient"] == "person"]
    leaders = [r for r in listed if r["recipient"] == "leader"]
    assert len(persons) == len(plan.roster)
    team_sessions = plan.assignments.groupby(["team_id", "point_id", "session_id"])["volunteers"].sum()
    assert len(leaders) == len(team_sessions)
    assert sum(int(r["volunteers"]) for r in leaders) == int(plan.summary["assigned"])
    first = next(r for r in persons if r["person_id"] == rows[0]["person_id"])
    assert first["phone"] == "'+86 100 0000 0101"
    assert first["report_time"] in {"08:30", "14:30"} and first["address"]
    sheet = openpyxl.load_workbook(docs.notification_xlsx).active
    phones = [c for c in sheet.iter_rows(min_row=2) for c in c if c.value == "+86 100 0000 0101"]
    assert phones and all(c.data_type == "s" for c in phones)
    assert sheet.max_row == len(listed) + 1


def test_planner_duty_writes_the_set_and_refuses_bad_input(tmp_path):
    out = tmp_path / "docs"
    code, printed, _ = run_cli("duty", str(DEMO), "--out", str(out))
    assert code == 0 and "personal data" in printed
    assert sorted(p.name for p in out.iterdir()) == ["duty-sheets.pdf", "notification-list.csv",
                                                     "notification-list.xlsx", "person-cards.pdf", "team-sheets.pdf"]
    first = digest(out)
    assert run_cli("duty", str(DEMO), "--out", str(out), "--force")[0] == 0
    assert digest(out) == first  # the same plan, the same bytes
    public = tmp_path / "public"
    assert run_cli("duty", str(DEMO), "--out", str(public), "--public")[0] == 0
    assert sorted(p.name for p in public.iterdir()) == ["duty-sheets.pdf", "person-cards.pdf", "team-sheets.pdf"]
    bad = tmp_path / "bad"
    shutil.copytree(DEMO, bad)
    rows = read_rows(bad / "teams.csv")
    rows[0]["leader_phone"] = "ring the bell"
    write_rows(bad / "teams.csv", rows)
    points = read_rows(bad / "points.csv")
    points[0]["report_minutes"] = "half an hour"
    write_rows(bad / "points.csv", points)
    code, _, err = run_cli("duty", str(bad), "--out", str(tmp_path / "none"))
    assert code == 2 and not (tmp_path / "none").exists()
    assert "teams.csv, line 2, column leader_phone" in err
    assert "points.csv, line 2, column report_minutes" in err


def test_the_export_view_links_the_documents_and_says_which_hold_phones(tmp_path):
    from planner.workbook import ExportView

    view = ExportView(DEMO, lang="en", folder=tmp_path / "exports")
    bundle = view.prepare()
    assert bundle.documents is not None and bundle.public_documents is not None
    page = " ".join(getattr(child, "value", "") for child in view.links.children)
    assert "Team duty sheets" in page and "Duty cards per person" in page and "Notification list" in page
    assert "personal data" in page and "leave them out" in page
    public = "".join(pages(bundle.public_documents.duty_sheets.read_bytes()))
    assert not any(phone in public for phone in phones_of_demo())
