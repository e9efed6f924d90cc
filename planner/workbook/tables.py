"""The workbook's tables: the explorer's tables of a plan, and any table as HTML people read.

No widgets here: the tables are frames, and :func:`table_html` makes the HTML a view shows.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from planner.exports import charts
from planner.exports.plan_workbook import places_text, team_sessions
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.labels import label
from planner.results.plan import Plan


def table_html(frame: pd.DataFrame, *, max_height: str = "420px") -> str:
    """A table as scrollable HTML (headers as given, numbers with thousands separators)."""
    shown = frame.map(_cell_text)
    body = shown.to_html(index=False, escape=True, border=0, classes="vp-table")
    style = ("<style>.vp-table{border-collapse:collapse;font-size:0.9em}"
             ".vp-table th{background:#ddebf7;position:sticky;top:0;padding:3px 8px;text-align:left}"
             ".vp-table td{padding:2px 8px;border-bottom:1px solid #eee}</style>")
    return f'{style}<div style="max-height:{max_height};overflow:auto">{body}</div>'


def _cell_text(value: Any) -> str:
    """A table cell as people read it: 1,968 and 93.5, never 1968.0 or 93.500000."""
    if isinstance(value, bool | np.bool_) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def short_item_name(name: str) -> str:
    """An item's name without what its brackets add: 饮用水（瓶） is shown as 饮用水."""
    return name.split("（")[0].split("(")[0].strip()


def point_name(name: str, lang: str) -> str:
    """A point's name in one language when it is written in both (``石景山区第1服务点 Shijingshan point 1``:
    the Chinese part in ``zh``, the rest in ``en``); as written otherwise."""
    match = re.fullmatch(r"([^\x00-\x7f][^ ]*) +([\x00-\x7f]+)", name.strip())
    if match is None:
        return name
    return match.group(1) if lang == "zh" else match.group(2)


def explorer_tables(plan: Plan, lang: str) -> dict[str, pd.DataFrame]:
    """The explorer's tables, with headers in ``lang``: districts, unmet needs, supplies."""
    sc = plan.scenario
    word = lambda key: label(key, lang)  # noqa: E731
    districts = plan.by_district()
    districts = districts[districts["needed"] > 0]
    # A closed point does not open: its district counts only the points that do.
    shut = sc.points[sc.points["point_id"].isin(plan.levers.closed_points)]
    closed = shut.groupby("district_id").size()
    district_table = pd.DataFrame({
        word("district"): districts["name_zh" if lang == "zh" else "name_en"],
        word("points"): districts["points"] - closed.reindex(districts["district_id"]).fillna(0).astype(int).to_numpy(),
        **{f"{word('missing')}: {word(r)}": districts[f"{r}_needed"] - districts[f"{r}_assigned"] for r in ROLES},
        word("needed"): districts["needed"], word("assigned"): districts["assigned"],
        word("coverage"): (districts["coverage"] * 100).round(1).astype(str) + "%",
    })
    short = plan.shortfalls[plan.shortfalls["missing"] > 0]
    names = sc.points.set_index("point_id")["name"]
    sessions = charts.session_names(plan, lang).str.replace("\n", " ")
    shortfall_table = pd.DataFrame({
        word("point"): names.reindex(short["point_id"]).to_numpy(),
        word("session"): sessions.reindex(short["session_id"]).to_numpy(),
        word("role"): short["role"].map(word).to_numpy(),
        word("needed"): short["needed"].to_numpy(), word("assigned"): short["assigned"].to_numpy(),
        word("missing"): short["missing"].to_numpy(),
    })
    items = sc.supplies.set_index("item_id")
    supply_rows = [
        {word("item"): short_item_name(str(items.at[i, "name"])) if lang == "zh" else i,
         word("category"): word(str(items.at[i, "category"])), word("stock"): f["stock"], word("wanted"): f["wanted"],
         word("distributed"): f["distributed"]}
        for i, f in plan.summary["supplies"].items()
    ]
    return {"tab_districts": district_table, "tab_shortfalls": shortfall_table,
            "tab_supplies": pd.DataFrame(supply_rows)}


def team_choices(scenario: Scenario) -> list[tuple[str, str]]:
    """The teams as a picker lists them: ``name (team_id)``, in the scenario's order."""
    ids, names = scenario.teams["team_id"], scenario.teams["name"]
    return [(f"{name} ({team_id})", str(team_id)) for team_id, name in zip(ids, names, strict=True)]


def team_tables(plan: Plan, team_id: str, lang: str) -> dict[str, pd.DataFrame]:
    """One team's view, with headers in ``lang``: ``sessions`` (where and when it serves, with how
    many in each role, and whether the whole team is at one point) and ``members`` (each member on
    duty, from the roster: person id, name when the roster has names, and per session where and as what).

    From the plan's tables alone: nothing is solved.
    """
    sc = plan.scenario
    word = lambda key: label(key, lang)  # noqa: E731
    names = sc.points.set_index("point_id")["name"]
    session_text = charts.session_names(plan, lang).str.replace("\n", " ")
    rows = team_sessions(plan, team_id)
    sessions = pd.DataFrame({
        word("session"): session_text.reindex(rows["session_id"]).to_numpy(),
        word("places"): [places_text(p, names) for p in rows["places"]],
        **{word(role): rows[role].astype("int64").to_numpy() for role in ROLES},
        word("volunteers"): rows["volunteers"].astype("int64").to_numpy(),
        word("whole_at_point"): [word("yes") if whole else word("no") for whole in rows["whole"]],
    })
    roster = plan.roster[plan.roster["team_id"] == team_id]
    members = pd.DataFrame({word("person_id"): sorted(set(roster["person_id"]), key=_person_order)})
    named = roster.assign(name=roster["name"].fillna("").astype(str))
    if (named["name"] != "").any():
        first_name = named.groupby("person_id")["name"].first()
        members[word("name")] = first_name.reindex(members[word("person_id")]).to_numpy()
    place = names.reindex(roster["point_id"]).to_numpy().astype(str)
    duty = pd.Series([f"{p} · {word(r)}" for p, r in zip(place, roster["role"], strict=True)], dtype=object)
    cells = pd.DataFrame({"person_id": roster["person_id"].to_numpy(), "session_id": roster["session_id"].to_numpy(),
                          "duty": duty.to_numpy()})
    for session_id in rows["session_id"]:
        at = cells[cells["session_id"] == session_id].groupby("person_id")["duty"].first()
        members[session_text[session_id]] = at.reindex(members[word("person_id")]).fillna("").to_numpy()
    return {"sessions": sessions, "members": members}


def _person_order(person_id: str) -> tuple[str, int, str]:
    """``team/2`` before ``team/10``: the member's number in order, other ids as written."""
    team, _, number = person_id.rpartition("/")
    return (team, int(number), "") if number.isdigit() else (person_id, 0, "")


__all__ = ["explorer_tables", "point_name", "short_item_name", "table_html", "team_choices", "team_tables"]
