"""Writing a plan folder: the contract's CSV and JSON for machines, plan.xlsx for people.

A folder is written whole or not at all: files go into a temporary folder beside the
target, which is moved into place only when every file is complete, so a failure leaves
an existing folder exactly as it was. A folder holding files is replaced only when asked.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from planner.textfiles import write_csv

if TYPE_CHECKING:
    from planner.plan import Plan

PLAN_FILES = ("assignments.csv", "shortfalls.csv", "distribution.csv", "summary.json", "plan.xlsx")


def export_plan(plan: Plan, folder: str | Path, *, overwrite: bool = False, lang: str = "both") -> Path:
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

    Returns
    -------
    Path
        The folder written.

    Raises
    ------
    FileExistsError
        ``folder`` holds files and ``overwrite`` is false.
    """
    from planner.excel import write_plan_workbook

    def write(tmp: Path) -> None:
        _write_table(plan.assignments, tmp / "assignments.csv")
        _write_table(plan.shortfalls, tmp / "shortfalls.csv")
        _write_table(plan.distribution, tmp / "distribution.csv")
        (tmp / "summary.json").write_text(json.dumps(plan.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_plan_workbook(plan, tmp / "plan.xlsx", lang=lang)

    return write_folder_atomically(folder, write, overwrite=overwrite)


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    write_csv(path, list(frame.columns), frame.astype(object).values.tolist())


def write_folder_atomically(folder: str | Path, write: Callable[[Path], None], *, overwrite: bool) -> Path:
    """Run ``write`` into a temporary folder, then move it to ``folder`` in one step.

    Raises
    ------
    FileExistsError
        ``folder`` holds files and ``overwrite`` is false, or it is a file.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise FileExistsError(f"{folder} already holds files; choose a new folder or allow replacing it (--force)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        write(tmp)
        tmp.chmod(0o755)
        if folder.is_dir() and any(folder.iterdir()):
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
            os.replace(folder, old / folder.name)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, folder)  # replaces an empty folder, or creates it
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder
