"""The notification list: who to tell where and when to report, for a bulk SMS or messaging tool.

One row per person on duty (when volunteers.csv names them) and one per team leader, session
and point (:func:`planner.exports.duty_data.notification_list`), as CSV (column names as ids,
for tools) and as an .xlsx workbook (headers and values in words, for people). Both are
formula-safe: the CSV escapes text that a spreadsheet would run as a formula (a phone written
``+86 ...`` is written ``'+86 ...``), the workbook stores every text as text.

Phone numbers are personal data: the list is for the staff who send the messages.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from planner.exports.duty_data import NOTIFY_COLUMNS, notification_list
from planner.io.textfiles import write_csv
from planner.io.xlsx import save_workbook, write_sheet
from planner.labels import label
from planner.results.plan import Plan


def write_notification_csv(plan: Plan, path: str | Path) -> Path:
    """The list as UTF-8 CSV with the columns of :data:`NOTIFY_COLUMNS`."""
    table = notification_list(plan)
    write_csv(Path(path), NOTIFY_COLUMNS, table.astype(object).values.tolist())
    return Path(path)


def notification_sheet(plan: Plan, lang: str = "both") -> pd.DataFrame:
    """The list as the workbook shows it: recipients and roles in words (Chinese under both)."""
    words = "zh" if lang == "both" else lang
    table = notification_list(plan)
    table["recipient"] = [label(f"recipient_{r}", words) for r in table["recipient"]]
    table["role"] = ["、".join(label(role, words) for role in roles.split(";")) for roles in table["role"]]
    # "address" is labelled as a location elsewhere; here it is the street address.
    return table.rename(columns={"address": "street_address"})


def write_notification_xlsx(plan: Plan, path: str | Path, *, lang: str = "both") -> Path:
    """The list as a one-sheet workbook (same bytes for the same plan)."""
    workbook = Workbook()
    sheet = workbook.active
    title = label("notification_list", lang).replace("\n", " ")
    sheet.title = title[:31]
    write_sheet(sheet, notification_sheet(plan, lang), lang)
    save_workbook(workbook, Path(path))
    return Path(path)


__all__ = ["notification_sheet", "write_notification_csv", "write_notification_xlsx"]
