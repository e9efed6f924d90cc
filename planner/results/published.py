"""A plan already published, read back from its folder as a :class:`Plan` (``planner duty --plan``).

Duty documents are what teams act on, so they must show the plan that was published: the one
``planner solve`` wrote, or the one ``planner replan`` repaired on the day, not a new solve.
The folder is first checked by the independent rule checker (planner/verify) against the
scenario, so documents are never made of a plan that breaks the scenario's rules or does not
belong to it; then its tables are read as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from planner.errors import Problem, ScenarioError
from planner.io.plan_tables import FILE, LINE, table_frame
from planner.io.previous_plan import read_previous_plan
from planner.io.scenario import Scenario
from planner.io.textfiles import read_csv_text
from planner.model.levers import apply_levers
from planner.results.plan import Plan

SHORTFALL_COLUMNS = ("point_id", "session_id", "role", "needed", "assigned", "missing", "cause")
MARGINAL_COLUMNS = ["kind", "district_id", "session_id", "role", "item_id", "value"]


def published_plan(scenario: Scenario, folder: str | Path) -> Plan:
    """The plan in ``folder`` (written by ``planner solve`` or ``planner replan``) for ``scenario``.

    Check it first with :func:`planner.verify.verify_plan`: this reads the tables as they are.

    Raises
    ------
    ScenarioError
        A table is missing, lacks a column or holds a bad number (naming file, line, column).
    """
    folder = Path(folder)
    previous = read_previous_plan(folder, scenario)
    problems: list[Problem] = []
    if previous.roster is None:
        problems.append(Problem(f"{folder}/roster.csv", None, None, "is missing; the duty documents name who "
                                                                    "serves, so a plan folder needs its roster"))
    shortfalls = None
    table, found = read_csv_text(folder / "shortfalls.csv", f"{folder}/shortfalls.csv")
    problems.extend(found)
    if table is not None:
        shortfalls = table_frame(table, SHORTFALL_COLUMNS, ("needed", "assigned", "missing"), problems)
    summary_path = folder / "summary.json"
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(Problem(str(summary_path), None, None, f"cannot be read as JSON ({exc})"))
    if problems or shortfalls is None or previous.roster is None:
        raise ScenarioError(problems)
    inputs = apply_levers(scenario)
    return Plan(
        scenario=scenario, levers=inputs.levers, weights=inputs.weights, status=str(summary.get("status", "")),
        assignments=_whole(previous.assignments, ("volunteers",)), shortfalls=_whole(shortfalls,
                                                                                     ("needed", "assigned", "missing")),
        distribution=_whole(previous.distribution, ("quantity", "wanted")) if previous.distribution is not None
        else pd.DataFrame(columns=["item_id", "point_id", "quantity", "wanted"]),
        roster=previous.roster.drop(columns=[FILE, LINE]).reset_index(drop=True),
        summary=summary, marginal_values=pd.DataFrame(columns=MARGINAL_COLUMNS), timings={})


def _whole(frame: pd.DataFrame, numbers: tuple[str, ...]) -> pd.DataFrame:
    """A read table without its file and line columns, its numbers as whole numbers."""
    out = frame.drop(columns=[FILE, LINE]).reset_index(drop=True)
    return out.astype({column: "int64" for column in numbers})


__all__ = ["published_plan"]
