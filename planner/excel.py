"""plan.xlsx: the plan for people, one sheet per view, with Chinese and English headers.

Opens in Excel and WPS: plain cell styles, frozen header rows, filters, widths fitted to
the text (a Chinese character counts twice). Text is always stored as text, so a name
starting with ``=`` shows as written and never runs as a formula. The file's bytes depend
only on the plan (fixed dates inside), so the same input gives the same workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.labels import label
from planner.settings import ROLES

if TYPE_CHECKING:
    from planner.plan import Plan

FIXED_TIME = dt.datetime(2000, 1, 1)
PERCENT_FORMAT = "0.0%"


class Percent(float):
    """A share shown as a percentage in the workbook (and as a plain number to any reader)."""
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SHORT_FILL = PatternFill("solid", fgColor="FCE4D6")


def session_labels(plan: Plan) -> pd.Series:
    """``2023-06-07 09:00-11:30`` for each session id."""
    s = plan.scenario.sessions
    return pd.Series((s["date"] + " " + s["start"] + "-" + s["end"]).to_numpy(), index=s["session_id"])


def _role_text(role: pd.Series, lang: str) -> pd.Series:
    return role.map(lambda r: label(r, "zh" if lang == "both" else lang))


def plan_tables(plan: Plan, lang: str = "both") -> dict[str, pd.DataFrame]:
    """The workbook's sheets as tables whose columns are label keys (sheet key -> table)."""
    sc = plan.scenario
    points = sc.points.set_index("point_id")
    teams = sc.teams.set_index("team_id")
    districts = sc.districts.set_index("district_id")
    district_name = districts["name_zh"] if lang != "en" else districts["name_en"]
    sessions = session_labels(plan)
    s = plan.summary

    word = lambda key: label(key, "zh" if lang == "both" else lang)  # noqa: E731 (one language in cells)
    rows: list[tuple[str, object]] = [
        (word("scenario"), s["scenario"]), (word("status"), word(s["status"])),
        (word("needed"), s["needed"]), (word("assigned"), s["assigned"]), (word("unmet"), s["unmet"]),
        (word("coverage"), Percent(s["coverage"])),
    ]
    rows += [(f"{word('unmet')}: {word(role)}", s["unmet_by_role"][role]) for role in ROLES]
    rows.append((word("travel_km"), s["average_travel_km"]))
    summary = pd.DataFrame(rows, columns=["figure", "value"])

    items = sc.supplies.set_index("item_id")
    totals = pd.DataFrame([
        {"item_id": item_id, "item": items.at[item_id, "name"], "category": word(items.at[item_id, "category"]),
         "stock": f["stock"], "wanted": f["wanted"], "distributed": f["distributed"],
         "share": Percent(f["distributed"] / f["wanted"] if f["wanted"] else 1.0)}
        for item_id, f in s["supplies"].items()
    ], columns=["item_id", "item", "category", "stock", "wanted", "distributed", "share"])

    grid = plan.by_point_session()
    grid["cell"] = grid["assigned"].astype(str) + "/" + grid["needed"].astype(str)
    overview = grid.pivot(index="point_id", columns="session_id", values="cell")
    overview = overview.reindex(columns=[c for c in sessions.index if c in overview.columns])
    overview.columns = [sessions[c] for c in overview.columns]
    overview.insert(0, "point", points["name"].reindex(overview.index))
    overview.insert(1, "district", district_name.reindex(points["district_id"].reindex(overview.index)).to_numpy())
    overview = overview.reset_index()

    a = plan.assignments
    duty = pd.DataFrame({
        "point_id": a["point_id"], "point": points["name"].reindex(a["point_id"]).to_numpy(),
        "district": district_name.reindex(points["district_id"].reindex(a["point_id"])).to_numpy(),
        "session": sessions.reindex(a["session_id"]).to_numpy(), "role": _role_text(a["role"], lang),
        "team_id": a["team_id"], "team": teams["name"].reindex(a["team_id"]).to_numpy(),
        "union": teams["union"].reindex(a["team_id"]).to_numpy(), "volunteers": a["volunteers"],
    })
    session_rank = {sid: i for i, sid in enumerate(sessions.index)}
    by_team = pd.DataFrame({
        "team_id": a["team_id"], "team": teams["name"].reindex(a["team_id"]).to_numpy(),
        "union": teams["union"].reindex(a["team_id"]).to_numpy(),
        "session": sessions.reindex(a["session_id"]).to_numpy(), "point_id": a["point_id"],
        "point": points["name"].reindex(a["point_id"]).to_numpy(), "role": _role_text(a["role"], lang),
        "volunteers": a["volunteers"], "_rank": a["session_id"].map(session_rank),
    }).sort_values(["team_id", "_rank", "point_id"], kind="stable").drop(columns="_rank")

    d = plan.distribution
    supplies = pd.DataFrame({
        "item_id": d["item_id"], "item": items["name"].reindex(d["item_id"]).to_numpy(),
        "category": items["category"].reindex(d["item_id"]).map(word).to_numpy(),
        "point_id": d["point_id"], "point": points["name"].reindex(d["point_id"]).to_numpy(),
        "district": district_name.reindex(points["district_id"].reindex(d["point_id"])).to_numpy(),
        "quantity": d["quantity"], "wanted": d["wanted"],
    })

    f = plan.shortfalls[plan.shortfalls["missing"] > 0]
    shortfalls = pd.DataFrame({
        "point_id": f["point_id"], "point": points["name"].reindex(f["point_id"]).to_numpy(),
        "district": district_name.reindex(points["district_id"].reindex(f["point_id"])).to_numpy(),
        "session": sessions.reindex(f["session_id"]).to_numpy(), "role": _role_text(f["role"], lang),
        "needed": f["needed"], "assigned": f["assigned"], "missing": f["missing"],
    })

    by_district = plan.by_district()
    districts_sheet = pd.DataFrame({
        "district_id": by_district["district_id"],
        "district": by_district["name_zh"] if lang != "en" else by_district["name_en"],
        "points": by_district["points"], "needed": by_district["needed"],
        "assigned": by_district["assigned"], "missing": by_district["missing"],
        "coverage": [Percent(c) for c in by_district["coverage"]],
    })
    return {
        "sheet_summary": summary, "sheet_supply_totals": totals, "sheet_overview": overview,
        "sheet_duty": duty, "sheet_teams": by_team, "sheet_supplies": supplies,
        "sheet_shortfalls": shortfalls, "sheet_districts": districts_sheet,
    }


def write_plan_workbook(plan: Plan, path: Path, *, lang: str = "both") -> None:
    """Write plan.xlsx (see the module's notes)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_key, table in plan_tables(plan, lang).items():
        title = label(sheet_key, lang) if lang != "both" else f"{label(sheet_key, 'zh')} {label(sheet_key, 'en')}"
        write_sheet(workbook.create_sheet(title[:31]), table, lang)
    save_workbook(workbook, path)


def write_sheet(ws: Worksheet, table: pd.DataFrame, lang: str) -> None:
    """A table as a sheet: labelled header row, frozen, filtered, widths fitted."""
    headers = [label(c, lang) if isinstance(c, str) and not c[:1].isdigit() else str(c) for c in table.columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.data_type = "s"  # a header may be user text too (an option's name): never a formula
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.itertuples(index=False):
        ws.append([_cell_value(v) for v in row])
    percent = [isinstance(v, Percent) for v in table.itertuples(index=False) for v in v]
    for row, flags in zip(ws.iter_rows(min_row=2), _chunks(percent, len(table.columns)), strict=False):
        for cell, is_percent in zip(row, flags, strict=True):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif is_percent:
                cell.number_format = PERCENT_FORMAT
    if "missing" in table.columns:
        col = list(table.columns).index("missing") + 1
        for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if isinstance(row[0].value, int | float) and row[0].value > 0:
                row[0].fill = SHORT_FILL
    ws.freeze_panes = "A2"
    if len(table):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(table) + 1}"
    for index, column in enumerate(table.columns, start=1):
        texts = [headers[index - 1].split("\n")[0], headers[index - 1].split("\n")[-1]]
        texts += [str(v) for v in table[column].head(500)]
        ws.column_dimensions[get_column_letter(index)].width = min(48, max(8, max(_width(t) for t in texts) + 2))
    ws.row_dimensions[1].height = 32 if lang == "both" else 18
    # Printed from Excel or WPS: landscape, one page wide, the header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _chunks(values: list[bool], size: int) -> list[list[bool]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def _cell_value(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, Percent):
        return float(value)
    if hasattr(value, "item"):
        return value.item()  # numpy scalar -> Python
    return value


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save with fixed dates inside and in the zip, so equal workbooks have equal bytes."""
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "planner"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_core_dates(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)


def _fixed_core_dates(data: bytes) -> bytes:
    # openpyxl stamps "modified" with the time of saving, whatever the property says.
    import re

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
