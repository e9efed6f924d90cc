"""Writing a plan folder: the contract's CSV and JSON for machines, plan.xlsx for people.

A folder is written whole or not at all: files go into a temporary folder beside the
target, which is moved into place only when every file is complete, so a failure leaves
an existing folder exactly as it was. A folder holding files is replaced only when asked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from planner.io.textfiles import lies_within, write_csv, write_folder_atomically

if TYPE_CHECKING:
    from planner.results.explain import Explanations
    from planner.results.plan import Plan

PLAN_FILES = ("assignments.csv", "roster.csv", "shortfalls.csv", "distribution.csv", "summary.json", "plan.xlsx",
              "explanations.csv", "why.csv")


def export_plan(plan: Plan, folder: str | Path, *, overwrite: bool = False, lang: str = "both",
                explanations: Explanations | Callable[[], Explanations] | None = None,
                extra: Mapping[str, pd.DataFrame] | None = None) -> Path:
    """Write the plan's files into ``folder``.

    Parameters
    ----------
    plan : Plan
    folder : str or Path
        Created if absent; an empty folder is filled.
    overwrite : bool
        Replace a folder that already holds files (it is swapped whole, never mixed).
    lang : {"both", "zh", "en"}
        Headers of plan.xlsx.
    explanations : Explanations, or a function that measures them, optional
        The plan's measured suggestions (planner.results.explain.explain), when already made, or
        how to make them (called once, while plan.xlsx's plan sheets are written aside); made
        here otherwise: explanations.csv and why.csv are part of every plan.
    extra : mapping of file name to DataFrame, optional
        More tables written as CSV files in the same folder (a re-plan's ``changes.csv``).

    Returns
    -------
    Path
        The folder written.

    Raises
    ------
    FileExistsError
        ``folder`` holds files and ``overwrite`` is false, or it holds the plan's own scenario
        (replacing it would delete the scenario).
    """
    from planner.exports.plan_workbook import plan_workbook_aside
    from planner.results.explain import explain, explanation_frame
    from planner.results.sentences import why_table

    source = plan.scenario.source
    if source and overwrite and lies_within(Path(source), Path(folder), unknown=True):
        raise FileExistsError(f"{folder} holds the scenario {source}, which replacing it would delete; "
                              "write the plan to another folder")

    def write(tmp: Path) -> None:
        def plan_files() -> None:  # what needs no explanations
            _write_table(plan.assignments, tmp / "assignments.csv")
            _write_table(plan.roster, tmp / "roster.csv")
            _write_table(plan.shortfalls, tmp / "shortfalls.csv")
            _write_table(plan.distribution, tmp / "distribution.csv")
            summary = json.dumps(plan.summary, ensure_ascii=False, indent=2) + "\n"
            (tmp / "summary.json").write_text(summary, encoding="utf-8")

        # The plan's files and plan.xlsx's plan sheets are written aside (a large plan: in another
        # process) while the explanations are measured, here, once the folder is known to be writable.
        with plan_workbook_aside(plan, tmp / "plan.xlsx", lang, before=plan_files) as finish_workbook:
            if explanations is None:
                measured = explain(plan)
            elif callable(explanations):
                measured = explanations()
            else:
                measured = explanations
            table, why = explanation_frame(measured), why_table(plan, measured)
            _write_table(table, tmp / "explanations.csv")
            _write_table(why, tmp / "why.csv")
            for name, extra_table in (extra or {}).items():
                _write_table(extra_table, tmp / name)
            finish_workbook(measured, why)  # last: the other process may still be writing the plan sheets

    return write_folder_atomically(folder, write, overwrite=overwrite)


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    write_csv(path, list(frame.columns), frame.astype(object).values.tolist())
