"""Change notices after a re-plan: what each team must be told, for staff to send.

From the published plan's assignments and the re-plan's, per team and session: where the team
was to serve and where it serves now, in words (who moves where, who is new, who is no longer
needed). Written as a workbook (every notice, and the notification list), a PDF with a page per
team (Chinese text in the embedded CJK font, as the duty sheets), and the notification list as
CSV: one row per team to call, with the whole message. The same re-plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import string
import tempfile
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from openpyxl import Workbook

from planner.exports.charts import cjk_font_file
from planner.exports.duty import _font_subset as font_subset  # the CJK font cut to the characters shown
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.io.textfiles import write_csv, write_folder_atomically
from planner.io.xlsx import save_workbook, write_sheet
from planner.labels import label

FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
NOTICE_COLUMNS = ["team_id", "team", "union", "session_id", "session", "kind", "before", "after", "text_zh",
                  "text_en"]
LIST_COLUMNS = ["team_id", "team", "union", "district_id", "sessions", "message_zh", "message_en"]
KINDS = ("new", "moved", "changed", "off")  # serves now where it did not; elsewhere; other numbers; not needed
KIND_WORDS = {"new": ("新增任务", "new duty"), "moved": ("调换点位", "moves"),
              "changed": ("人数调整", "numbers change"), "off": ("取消任务", "no longer needed")}
ROLE_WORDS = {"general": ("普通志愿者", "general"), "first_aid": ("急救", "first aid"),
              "counsellor": ("心理疏导", "counsellor")}


def _places(rows: pd.DataFrame, points: dict[str, str], lang: int) -> str:
    """``Point (role n, role n); ...`` in point then role order; empty when none."""
    parts = []
    for point_id, here in rows.groupby("point_id", sort=True):
        here = here.assign(_r=here["role"].map({r: i for i, r in enumerate(ROLES)})).sort_values("_r")
        roles = ", ".join(f"{ROLE_WORDS[r][lang]} {int(v)}" for r, v in zip(here["role"], here["volunteers"],
                                                                              strict=True))
        parts.append(f"{points.get(str(point_id), str(point_id))} ({roles})")
    return "; ".join(parts)


def change_notices(scenario: Scenario, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """One notice per team and session whose assignments changed, in team then time order.

    Parameters
    ----------
    scenario : Scenario
    before, after : pandas.DataFrame
        Assignments (``team_id, point_id, session_id, role, volunteers``) of the published plan and
        of the re-plan.

    Returns
    -------
    pandas.DataFrame
        ``team_id, team, union, session_id, session`` (date and time), ``kind`` (one of
        :data:`KINDS`), ``before`` and ``after`` (the places in words, Chinese), ``text_zh``,
        ``text_en`` (the notice).
    """
    keys = ["team_id", "session_id"]
    sessions = scenario.sessions
    when = dict(zip(sessions["session_id"], sessions["date"] + " " + sessions["start"] + "-" + sessions["end"],
                    strict=True))
    rank = {sid: i for i, sid in enumerate(sessions["session_id"])}
    points = dict(zip(scenario.points["point_id"], scenario.points["name"], strict=True))
    teams = scenario.teams.set_index("team_id")
    old = {key: rows for key, rows in before.groupby(keys, sort=False)}
    new = {key: rows for key, rows in after.groupby(keys, sort=False)}
    out = []
    for key in sorted(set(old) | set(new), key=lambda k: (k[0], rank.get(k[1], len(rank)), k[1])):
        a, b = old.get(key), new.get(key)
        shape = ["point_id", "role", "volunteers"]
        same = a is not None and b is not None and \
            a[shape].sort_values(shape[:2]).values.tolist() == b[shape].sort_values(shape[:2]).values.tolist()
        if same:
            continue
        kind = "new" if a is None else "off" if b is None else \
            "changed" if set(a["point_id"]) == set(b["point_id"]) else "moved"
        team_id, session_id = key
        texts = []
        for lang in (0, 1):
            was = _places(a, points, lang) if a is not None else ""
            now = _places(b, points, lang) if b is not None else ""
            t = when.get(session_id, session_id)
            if lang == 0:
                texts.append(f"{t}：{KIND_WORDS[kind][0]}。" + (f"原安排：{was}。" if was else "") +
                             (f"现安排：{now}。" if now else "该场次无需到岗。"))
            else:
                texts.append(f"{t}: {KIND_WORDS[kind][1]}. " + (f"Was: {was}. " if was else "") +
                             (f"Now: {now}." if now else "Not needed in this session."))
        known = team_id in teams.index
        out.append({"team_id": team_id, "team": teams.at[team_id, "name"] if known else "",
                    "union": teams.at[team_id, "union"] if known else "", "session_id": session_id,
                    "session": when.get(session_id, session_id), "kind": kind,
                    "before": _places(a, points, 0) if a is not None else "",
                    "after": _places(b, points, 0) if b is not None else "", "text_zh": texts[0], "text_en": texts[1]})
    return pd.DataFrame(out, columns=NOTICE_COLUMNS)


def notification_list(scenario: Scenario, notices: pd.DataFrame) -> pd.DataFrame:
    """One row per team to tell, with every one of its notices in one message (Chinese and English)."""
    districts = scenario.teams.set_index("team_id")["district_id"]
    rows = []
    for team_id, own in notices.groupby("team_id", sort=False):
        first = own.iloc[0]
        rows.append({"team_id": team_id, "team": first["team"], "union": first["union"],
                     "district_id": districts.get(team_id, ""), "sessions": len(own),
                     "message_zh": f"{first['team']}：排班有调整。" + " ".join(own["text_zh"]),
                     "message_en": f"{first['team']}: your duties have changed. " + " ".join(own["text_en"])})
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def write_notices(scenario: Scenario, notices: pd.DataFrame, folder: str | Path, *, overwrite: bool = False
                  ) -> dict[str, Path]:
    """``notices.xlsx``, ``notices.pdf`` (a page per team) and ``notification_list.csv`` in ``folder``.

    The folder appears whole or not at all. Returns each file's path by name.

    Raises
    ------
    RuntimeError
        No font with Chinese glyphs is installed (``tools/setup-system.sh font``).
    FileExistsError
        ``folder`` holds files and ``overwrite`` is false.
    """
    font = cjk_font_file()
    if font is None:
        raise RuntimeError("no font with Chinese glyphs is installed; run tools/setup-system.sh font")
    listing = notification_list(scenario, notices)

    def write(tmp: Path) -> None:
        workbook = Workbook()
        workbook.remove(workbook.active)
        shown = notices.assign(kind=notices["kind"].map(lambda k: " / ".join(KIND_WORDS[k])))
        write_sheet(workbook.create_sheet("变更通知 Notices"), shown.rename(columns=_headers()), "zh")
        write_sheet(workbook.create_sheet("通知名单 To notify"), listing.rename(columns=_headers()), "zh")
        save_workbook(workbook, tmp / "notices.xlsx")
        (tmp / "notices.pdf").write_bytes(_pdf(scenario, notices, font))
        write_csv(tmp / "notification_list.csv", list(listing.columns), listing.astype(object).values.tolist())

    target = write_folder_atomically(folder, write, overwrite=overwrite)
    return {name: target / name for name in ("notices.xlsx", "notices.pdf", "notification_list.csv")}


def _headers() -> dict[str, str]:
    """Each column's header in Chinese and English (text the labels do not translate again)."""
    return {"team_id": "队伍编号 Team ID", "team": "志愿服务队 Team", "union": "所属工会 Union",
            "session_id": "场次编号 Session ID", "session": "场次 Session", "kind": "变更 Change",
            "before": "原安排 Before", "after": "现安排 Now", "text_zh": "通知（中文）", "text_en": "Notice (English)",
            "district_id": "区编号 District ID", "sessions": "变更场次 Sessions changed",
            "message_zh": "通知内容（中文）", "message_en": "Message (English)"}


def _pdf(scenario: Scenario, notices: pd.DataFrame, font: str) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator("planner")
    pdf.set_title(f"变更通知 Change notices - {scenario.name}")
    characters = "".join(sorted(set(string.printable + "".join(notices[["team", "union", "text_zh", "text_en"]]
                                                                .astype(str).to_numpy().ravel())
                                    + scenario.name + "变更通知无。（）·/：" + label("team_id", "both"))
                                - set("\t\n\r\x0b\x0c")))
    with tempfile.TemporaryDirectory() as tmp:
        cut = Path(tmp) / "cjk.ttf"
        cut.write_bytes(font_subset(font, characters))
        pdf.add_font("cjk", fname=cut)
        _pages(pdf, scenario, notices)
        return bytes(pdf.output())


def _pages(pdf: FPDF, scenario: Scenario, notices: pd.DataFrame) -> None:
    """A page per team: its name, then each notice in Chinese and in English."""
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(14, 14, 14)
    if not len(notices):
        pdf.add_page()
        pdf.set_font("cjk", size=12)
        pdf.multi_cell(0, 7, "无变更。No changes.")
    for team_id, own in notices.groupby("team_id", sort=False):
        first = own.iloc[0]
        pdf.add_page()
        pdf.set_font("cjk", size=10)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(0, 5, f"变更通知 Change notice · {scenario.name}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("cjk", size=16)
        pdf.multi_cell(0, 8, f"{first['team']}（{first['union']}）", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=10)
        pdf.cell(0, 6, f"{label('team_id', 'both').replace(chr(10), ' / ')}: {team_id}", new_x="LMARGIN",
                 new_y="NEXT")
        pdf.ln(2)
        for text_zh, text_en in zip(own["text_zh"], own["text_en"], strict=True):
            pdf.set_font("cjk", size=11)
            pdf.multi_cell(0, 6, text_zh, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("cjk", size=9)
            pdf.set_text_color(70, 70, 70)
            pdf.multi_cell(0, 5, text_en, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(2)


__all__ = ["KINDS", "LIST_COLUMNS", "NOTICE_COLUMNS", "change_notices", "notification_list", "write_notices"]
