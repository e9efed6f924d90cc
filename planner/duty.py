"""Printable duty sheets: one page per service point, as PDF, with Chinese text.

A sheet says, for each exam session and role, what the point needs, which teams (and
their unions) send how many volunteers, and what is still missing, then the supplies the
point receives. The text is set in the CJK font the charts use (fpdf2 embeds the subset of
glyphs it needs), so a sheet prints the same on any machine. The same plan gives the same
bytes (fixed creation date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from planner.charts import cjk_font_file
from planner.labels import label
from planner.plan import Plan
from planner.settings import ROLES

FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
SHORT_FILL = (252, 228, 214)
HEADER_FILL = (221, 235, 247)


def _words(key: str, lang: str) -> str:
    return label(key, lang).replace("\n", " ") if lang == "both" else label(key, lang)


def sheet_rows(plan: Plan, point_id: str, lang: str = "both") -> pd.DataFrame:
    """The rows of a point's duty table: ``session, role, needed, assigned, team, volunteers, missing``.

    One row per team on duty in each session and role (in time order, then general, first
    aid, counsellor); a need nobody fills gets one row without a team.
    """
    sc = plan.scenario
    s = sc.sessions
    when = dict(zip(s["session_id"], s["date"] + " " + s["start"] + "-" + s["end"], strict=True))
    teams = dict(zip(sc.teams["team_id"], sc.teams["name"] + "（" + sc.teams["union"] + "）", strict=True))
    needs = plan.shortfalls[plan.shortfalls["point_id"] == point_id]
    duty = plan.assignments[plan.assignments["point_id"] == point_id]
    role_rank = {r: i for i, r in enumerate(ROLES)}
    session_rank = {sid: i for i, sid in enumerate(s["session_id"])}
    needs = needs.assign(_s=needs["session_id"].map(session_rank), _r=needs["role"].map(role_rank))
    one_language = "zh" if lang == "both" else lang
    rows: list[dict[str, object]] = []
    for need in needs.sort_values(["_s", "_r"]).to_dict("records"):
        on_duty = duty[(duty["session_id"] == need["session_id"]) & (duty["role"] == need["role"])]
        base = {"session": when[need["session_id"]], "role": label(str(need["role"]), one_language),
                "needed": int(need["needed"]), "assigned": int(need["assigned"]), "missing": int(need["missing"])}
        if len(on_duty) == 0:
            rows.append({**base, "team": "", "volunteers": 0})
        for team_id, volunteers in zip(on_duty["team_id"], on_duty["volunteers"], strict=True):
            rows.append({**base, "team": teams[team_id], "volunteers": int(volunteers)})
    return pd.DataFrame(rows, columns=["session", "role", "needed", "assigned", "team", "volunteers", "missing"])


def duty_points(plan: Plan) -> list[str]:
    """Points that get a sheet: those with needs or supplies in the plan, in id order."""
    has = set(plan.shortfalls["point_id"]) | set(plan.distribution.loc[plan.distribution["quantity"] > 0, "point_id"])
    return [p for p in plan.scenario.points["point_id"] if p in has]


def duty_sheets_pdf(plan: Plan, point_ids: Sequence[str] | None = None, *, lang: str = "both") -> bytes:
    """Duty sheets for the points (all with needs or supplies when omitted) as one PDF.

    Raises
    ------
    RuntimeError
        No font with Chinese glyphs is installed (``tools/setup-system.sh font``).
    ValueError
        An unknown point.
    """
    font = cjk_font_file()
    if font is None:
        raise RuntimeError("no font with Chinese glyphs is installed; run tools/setup-system.sh font "
                           "(Debian: apt-get install fonts-wqy-microhei)")
    points = {str(p["point_id"]): p for p in plan.scenario.points.to_dict("records")}
    chosen = list(point_ids) if point_ids is not None else duty_points(plan)
    unknown = [p for p in chosen if p not in points]
    if unknown:
        raise ValueError(f"{unknown} are not points of the scenario")
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator("planner")
    pdf.set_title(f"{_words('duty_sheet', lang)} - {plan.scenario.name}")
    pdf.add_font("cjk", fname=font)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(12, 12, 12)
    for point_id in chosen:
        _point_page(pdf, plan, point_id, points[point_id], lang)
    return bytes(pdf.output())


def _point_page(pdf: FPDF, plan: Plan, point_id: str, point: Mapping[Any, Any], lang: str) -> None:
    """One point's sheet, starting on a new page."""
    district = next(d for d in plan.scenario.districts.to_dict("records") if d["district_id"] == point["district_id"])
    pdf.add_page()
    pdf.set_font("cjk", size=10)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 5, f"{_words('duty_sheet', lang)} · {plan.scenario.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", size=17)
    pdf.multi_cell(0, 9, str(point["name"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    district_name = district["name_en"] if lang == "en" else district["name_zh"]
    facts = [
        f"{_words('point_id', lang)}: {point_id}",
        f"{_words('district', lang)}: {district_name}",
        f"{_words('address', lang)}: {point['lat']:.5f}, {point['lon']:.5f}",
        f"{_words('capacity', lang)}: {int(point['capacity'])}",
    ]
    pdf.multi_cell(0, 6, "    ".join(facts), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    rows = sheet_rows(plan, point_id, lang)
    headers = [label(k, lang) for k in ("session", "role", "needed", "assigned", "team_contact", "volunteers")]
    header_style = FontFace(fill_color=HEADER_FILL, size_pt=8.5)
    with pdf.table(col_widths=(27, 24, 15, 17, 86, 17), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT"),
                   line_height=5, headings_style=header_style, padding=1) as table:
        table.row(headers)
        previous = ("", "")
        for row in rows.to_dict("records"):
            style = FontFace(fill_color=SHORT_FILL) if int(row["missing"]) > 0 else None
            team = str(row["team"]) or f"{_words('missing', lang)} {row['missing']}"
            # Session and need are written once for the teams that share them.
            key = (str(row["session"]), str(row["role"]))
            first = key != previous
            previous = key
            cells = [*key, str(row["needed"]), str(row["assigned"])] if first else ["", "", "", ""]
            table.row([*cells, team, str(row["volunteers"]) if row["volunteers"] else ""], style=style)
    if len(rows) == 0:
        pdf.cell(0, 6, "–", new_x="LMARGIN", new_y="NEXT")

    supplies = plan.distribution[(plan.distribution["point_id"] == point_id) & (plan.distribution["wanted"] > 0)]
    if len(supplies):
        pdf.ln(4)
        pdf.set_font("cjk", size=12)
        pdf.cell(0, 7, _words("supplies_to_receive", lang), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=10)
        items = dict(zip(plan.scenario.supplies["item_id"], plan.scenario.supplies["name"], strict=True))
        with pdf.table(col_widths=(110, 38, 38), text_align=("LEFT", "RIGHT", "RIGHT"), line_height=5,
                       headings_style=header_style, padding=1) as table:
            table.row([label("item", lang), label("quantity", lang), label("wanted", lang)])
            for item_id, quantity, wanted in zip(supplies["item_id"], supplies["quantity"], supplies["wanted"],
                                                 strict=True):
                table.row([f"{items[item_id]} ({item_id})", f"{int(quantity):,}", f"{int(wanted):,}"])


def write_duty_sheets(plan: Plan, folder: Path, *, lang: str = "both") -> list[Path]:
    """One PDF per point (``<point_id>.pdf``) in ``folder`` (created); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for point_id in duty_points(plan):
        path = folder / f"{point_id}.pdf"
        path.write_bytes(duty_sheets_pdf(plan, [point_id], lang=lang))
        paths.append(path)
    return paths


__all__ = ["duty_points", "duty_sheets_pdf", "sheet_rows", "write_duty_sheets"]
