"""Scenarios in and out: folders of CSV files and .xlsx workbooks, behind one pair of functions.

:func:`load_scenario` and :func:`save_scenario` choose between a folder and a workbook by
the path; the modules below them read and write one form each, and share the checks.
"""

from __future__ import annotations

from pathlib import Path

from planner.errors import Problem, ScenarioError
from planner.io.scenario import Scenario, build_scenario, config_yaml, not_a_scenario, read_folder, scenario_tables
from planner.io.scenario_workbook import load_workbook_scenario, save_workbook_scenario
from planner.io.textfiles import write_csv, write_folder_atomically

__all__ = ["Scenario", "load_scenario", "save_scenario"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario: a folder of CSV files, or one ``.xlsx`` workbook.

    Parameters
    ----------
    path : str or Path
        A folder in the format of SCENARIO-FORMAT.md, or a workbook with one sheet per table
        (see docs/scenario-format.md and :mod:`planner.io.scenario_workbook`).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Listing every problem found, each with file (or sheet), line (or row) and column.
    """
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".xlsx":
        return load_workbook_scenario(path)
    if not path.is_dir():
        raise ScenarioError([Problem(str(path), None, None, not_a_scenario(path))])
    config_text, raw, problems = read_folder(path)
    return build_scenario(config_text, raw, source=str(path), problems=problems)


def save_scenario(scenario: Scenario, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a scenario as a folder in the contract's format, or as an ``.xlsx`` workbook.

    It loads back to the same scenario and plan. The folder (or workbook) appears whole or
    not at all: it is written aside, then moved into place. Needs are written to needs.csv
    when they came from a file (else the rules in scenario.yaml derive them again);
    availability.csv lists only the sessions where fewer than all are free. Rows are in the
    scenario's order, so the same scenario always gives the same bytes.

    Parameters
    ----------
    scenario : Scenario
    path : str or Path
        A folder, or a file name ending in ``.xlsx`` for a workbook (one sheet per table).
    overwrite : bool
        Replace a folder that holds files, or an existing workbook.

    Raises
    ------
    FileExistsError
        ``path`` already holds files (or exists) and ``overwrite`` is false.
    """
    tables = scenario_tables(scenario)
    if Path(path).suffix.lower() == ".xlsx":
        return save_workbook_scenario(scenario.config, tables, path, overwrite=overwrite,
                                      yaml_text=config_yaml(scenario.config))

    def write(tmp: Path) -> None:
        (tmp / "scenario.yaml").write_text(config_yaml(scenario.config), encoding="utf-8")
        for name, (header, rows) in tables.items():
            write_csv(tmp / f"{name}.csv", header, rows)

    return write_folder_atomically(path, write, overwrite=overwrite)
