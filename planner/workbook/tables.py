"""The workbook's tables: the explorer's tables of a plan, and any table as HTML people read.

No widgets here: the tables are frames, and :func:`table_html` makes the HTML a view shows.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from planner.exports import charts
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


def explorer_tables(plan: Plan, lang: str) -> dict[str, pd.DataFrame]:
    """The explorer's tables, with headers in ``lang``: districts, unmet needs, supplies."""
    sc = plan.scenario
    word = lambda key: label(key, lang)  # noqa: E731
    districts = plan.by_district()
    districts = districts[districts["needed"] > 0]
    district_table = pd.DataFrame({
        word("district"): districts["name_zh" if lang == "zh" else "name_en"],
        word("points"): districts["points"],
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


__all__ = ["explorer_tables", "short_item_name", "table_html"]
