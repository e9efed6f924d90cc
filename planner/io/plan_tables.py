"""A published plan as a re-plan reads it (:class:`PreviousPlan`), whichever file it came from.

planner/io/previous_plan.py reads a plan folder, planner/io/previous_workbook.py a plan.xlsx;
both give these tables, each row with its file and line for messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.errors import Problem
from planner.io.textfiles import RawTable

ASSIGNMENT_COLUMNS = ("team_id", "point_id", "session_id", "role", "volunteers")
ROSTER_COLUMNS = ("person_id", "name", "team_id", "point_id", "session_id", "role")
DISTRIBUTION_COLUMNS = ("item_id", "point_id", "quantity", "wanted")
FILE, LINE = "_file", "_line"  # each row's file and line, for messages


@dataclass(frozen=True)
class PreviousPlan:
    """A published plan as a re-plan reads it.

    Attributes
    ----------
    assignments : pandas.DataFrame
        ``team_id, point_id, session_id, role, volunteers`` (text ids, whole volunteers), with
        each row's ``_file`` and ``_line``.
    roster : pandas.DataFrame or None
        ``person_id, name, team_id, point_id, session_id, role``, with ``_file`` and ``_line``;
        None when the plan has none (then the sessions held are rostered again as the planner would).
    distribution : pandas.DataFrame or None
        ``item_id, point_id, quantity, wanted``; None when the plan has none.
    source : str
        Where it was read from.
    """

    assignments: pd.DataFrame
    roster: pd.DataFrame | None
    distribution: pd.DataFrame | None
    source: str = ""


def previous_from_tables(assignments: pd.DataFrame, roster: pd.DataFrame | None,
                         distribution: pd.DataFrame | None, *, source: str = "the plan") -> PreviousPlan:
    """A plan already in memory (a :class:`planner.results.plan.Plan`'s tables) as a previous plan."""
    def lined(frame: pd.DataFrame | None, file: str, columns: tuple[str, ...]) -> pd.DataFrame | None:
        if frame is None:
            return None
        out = frame[list(columns)].reset_index(drop=True).copy()
        out[FILE] = file
        out[LINE] = out.index + 2
        return out

    a = lined(assignments, "assignments.csv", ASSIGNMENT_COLUMNS)
    assert a is not None
    return PreviousPlan(a, lined(roster, "roster.csv", ROSTER_COLUMNS),
                        lined(distribution, "distribution.csv", DISTRIBUTION_COLUMNS), source)


def table_frame(table: RawTable, columns: tuple[str, ...], numbers: tuple[str, ...],
                problems: list[Problem]) -> pd.DataFrame | None:
    """A plan table's text as a frame with whole numbers in ``numbers``; problems for what is wrong."""
    missing = [c for c in columns if c not in table.header]
    for column in missing:
        problems.append(Problem(table.file, table.header_line, column, "is missing from the header"))
    if missing:
        return None
    frame = pd.DataFrame(table.rows, columns=table.header, dtype=object)[list(columns)] if table.rows else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = frame.astype(str) if len(frame) else frame
    frame[FILE] = table.file
    frame[LINE] = pd.Series(table.lines, dtype="int64", index=frame.index)
    for column in numbers:
        text = frame[column].astype(str)
        whole = text.str.fullmatch(r"[0-9]+")
        for value, line in zip(text[~whole], frame[LINE][~whole], strict=True):
            problems.append(Problem(table.file, int(line), column, f"expected a whole number 0 or more, got {value!r}"))
        frame[column] = pd.to_numeric(text.where(whole, "0")).astype("int64")
    return frame


__all__ = ["ASSIGNMENT_COLUMNS", "DISTRIBUTION_COLUMNS", "FILE", "LINE", "ROSTER_COLUMNS", "PreviousPlan",
           "previous_from_tables", "table_frame"]
