"""Reading a published plan back (``planner replan --previous PLAN``): a plan folder or its plan.xlsx.

Only what a re-plan needs is read: the assignments (who serves where), the roster (who of each
team, so that the sessions held count against each person's max_sessions) and the distribution of
supplies. Every row keeps its file and line, so a plan that does not belong to the scenario is
reported row by row (planner/results/replan.py checks the ids against the scenario).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from planner.errors import Problem, ScenarioError
from planner.io.textfiles import RawTable, read_csv_text

if TYPE_CHECKING:
    from planner.io.scenario import Scenario

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


def read_previous_plan(path: str | Path, scenario: Scenario | None = None) -> PreviousPlan:
    """Read a plan folder (assignments.csv, roster.csv, distribution.csv) or a plan.xlsx.

    A plan.xlsx shows sessions and roles as words: ``scenario`` turns them back into ids.

    Raises
    ------
    ScenarioError
        The plan cannot be read, or a file lacks a column or holds a bad number (each problem
        naming file, line and column).
    """
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".xlsx":
        from planner.io.previous_workbook import read_plan_workbook

        if scenario is None:
            raise ValueError("reading a plan.xlsx needs the scenario (its sessions' ids)")
        return read_plan_workbook(path, scenario)
    if not path.is_dir():
        raise ScenarioError([Problem(str(path), None, None, "is not a plan folder (with assignments.csv) nor a "
                                                            "plan.xlsx written by the planner")])
    problems: list[Problem] = []
    assignments = _read(path, "assignments.csv", ASSIGNMENT_COLUMNS, ("volunteers",), problems, required=True)
    roster = _read(path, "roster.csv", ROSTER_COLUMNS, (), problems, required=False)
    distribution = _read(path, "distribution.csv", DISTRIBUTION_COLUMNS, ("quantity", "wanted"), problems,
                         required=False)
    if problems or assignments is None:
        raise ScenarioError(problems)
    return PreviousPlan(assignments, roster, distribution, str(path))


def _read(folder: Path, file: str, columns: tuple[str, ...], numbers: tuple[str, ...], problems: list[Problem], *,
          required: bool) -> pd.DataFrame | None:
    csv_path = folder / file
    if not csv_path.is_file():
        if required:
            problems.append(Problem(f"{folder}/{file}", None, None, "is missing; a plan folder written by the "
                                                                     "planner holds it"))
        return None
    table, found = read_csv_text(csv_path, f"{folder}/{file}")
    problems.extend(found)
    if table is None:
        return None
    return table_frame(table, columns, numbers, problems)


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


__all__ = ["PreviousPlan", "previous_from_tables", "read_previous_plan"]
