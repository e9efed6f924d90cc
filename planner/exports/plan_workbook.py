"""plan.xlsx: the plan for people, one sheet per view, with Chinese and English headers.

Sheets are written by :mod:`planner.io.xlsx` (text stays text, never a formula; the same
plan gives the same bytes).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook

from planner.io.xlsx import Percent, save_workbook, write_sheet
from planner.labels import label
from planner.io.settings import ROLES

if TYPE_CHECKING:
    from planner.results.plan import Plan

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
