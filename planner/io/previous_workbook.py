"""A published plan.xlsx read back for a re-plan: its duty, roster and supplies sheets.

plan.xlsx is written for people (planner/exports/plan_workbook.py): sheets and headers in
Chinese, English or both, sessions as ``2023-06-07 09:00-11:30`` and roles as words. Here each of
those is matched back to the ids of the scenario, in whichever language the workbook was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import load_workbook

from planner.errors import Problem, ScenarioError
from planner.io.plan_tables import (
    ASSIGNMENT_COLUMNS,
    DISTRIBUTION_COLUMNS,
    PreviousPlan,
    table_frame,
)
from planner.io.settings import ROLES
from planner.io.textfiles import RawTable
from planner.labels import label

if TYPE_CHECKING:
    from planner.io.scenario import Scenario

# Sheet key -> (the workbook's columns read, as label keys; the contract's names they become)
SHEETS = {
    "sheet_duty": (("point_id", "session", "role", "team_id", "volunteers"),
                   ("point_id", "session_id", "role", "team_id", "volunteers")),
    "sheet_roster": (("person_id", "name", "team_id", "point_id", "session", "role"),
                     ("person_id", "name", "team_id", "point_id", "session_id", "role")),
    "sheet_supplies": (("item_id", "point_id", "quantity", "wanted"), DISTRIBUTION_COLUMNS),
}


def _titles(key: str) -> set[str]:
    """A sheet's title in each language plan.xlsx is written in (cut to Excel's 31 characters)."""
    return {label(key, "zh")[:31], label(key, "en")[:31], f"{label(key, 'zh')} {label(key, 'en')}"[:31]}


def _words(key: str) -> set[str]:
    return {label(key, "zh"), label(key, "en"), label(key, "both")}


def read_plan_workbook(path: Path, scenario: Scenario) -> PreviousPlan:
    """The duty (assignments), roster and supplies sheets of a plan.xlsx, as a previous plan.

    Raises
    ------
    ScenarioError
        The file is not a plan.xlsx written by the planner, or a cell cannot be read back.
    """
    name = path.name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise ScenarioError([Problem(name, None, None, f"cannot be read as a plan.xlsx ({type(exc).__name__})")]) \
            from None
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame | None] = {}
    try:
        for key, (shown, columns) in SHEETS.items():
            sheet = next((workbook[t] for t in workbook.sheetnames if t in _titles(key)), None)
            if sheet is None:
                frames[key] = None
                if key != "sheet_supplies":
                    sheet_name = f"'{label(key, 'en')}' ({label(key, 'zh')})"
                    problems.append(Problem(name, None, None, f"has no sheet {sheet_name}; is it a plan.xlsx of the "
                                                              "planner?"))
                continue
            file = f"{name}, sheet {sheet.title}"
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            header = rows[0] if rows else []
            renamed = []
            for cell in header:
                found = [k for k in shown if cell in _words(k)]
                renamed.append(columns[shown.index(found[0])] if found else cell)
            if key == "sheet_roster" and "name" not in renamed:
                renamed.append("name")  # the sheet has the column only when the roster has names
                rows = [[*row, ""] for row in rows]
            table = RawTable(file, renamed, rows[1:], list(range(2, len(rows) + 1)))
            numbers = ("volunteers",) if key == "sheet_duty" else (("quantity", "wanted") if key == "sheet_supplies"
                                                                   else ())
            frames[key] = table_frame(table, columns, numbers, problems)
    finally:
        workbook.close()
    # Sessions and roles as the workbook shows them, back to ids.
    s = scenario.sessions
    session_of = dict(zip(s["date"] + " " + s["start"] + "-" + s["end"], s["session_id"], strict=True))
    role_of = {word: role for role in ROLES for word in _words(role)}
    for key in ("sheet_duty", "sheet_roster"):
        frame = frames.get(key)
        if frame is None:
            continue
        for column, known in (("session_id", session_of), ("role", role_of)):
            texts = frame[column]
            bad = ~texts.isin(list(known))
            for value, file, line in zip(texts[bad], frame["_file"][bad], frame["_line"][bad], strict=True):
                problems.append(Problem(str(file), int(line), column, f"{value!r} is not a {column} of the scenario: "
                                                                       "the plan belongs to another scenario"))
            frame[column] = texts.map(known).fillna(texts)
    if problems or frames.get("sheet_duty") is None:
        raise ScenarioError(problems)
    duty = frames["sheet_duty"]
    assert duty is not None
    return PreviousPlan(duty[[*ASSIGNMENT_COLUMNS, "_file", "_line"]], frames.get("sheet_roster"),
                        frames.get("sheet_supplies"), str(path))


__all__ = ["read_plan_workbook"]
