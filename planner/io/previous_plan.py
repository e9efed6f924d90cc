"""Reading a published plan back (``planner replan --previous PLAN``): a plan folder or its plan.xlsx.

Only what a re-plan needs is read: the assignments (who serves where), the roster (who of each
team, so that the sessions held count against each person's max_sessions) and the distribution of
supplies. Every row keeps its file and line, so a plan that does not belong to the scenario is
reported row by row (planner/results/replan.py checks the ids against the scenario).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from planner.errors import Problem, ScenarioError
from planner.io.plan_tables import (
    ASSIGNMENT_COLUMNS,
    DISTRIBUTION_COLUMNS,
    FILE,
    LINE,
    ROSTER_COLUMNS,
    PreviousPlan,
    previous_from_tables,
    table_frame,
)
from planner.io.textfiles import read_csv_text

if TYPE_CHECKING:
    from planner.io.scenario import Scenario


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
        if scenario is None:
            raise ValueError("reading a plan.xlsx needs the scenario (its sessions' ids)")
        from planner.io.previous_workbook import read_plan_workbook  # (openpyxl: only for a workbook)

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


__all__ = ["FILE", "LINE", "PreviousPlan", "previous_from_tables", "read_previous_plan"]
