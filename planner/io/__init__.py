"""Scenarios in and out: folders of CSV files and .xlsx workbooks, behind one pair of functions.

:func:`load_scenario` and :func:`save_scenario` choose between a folder and a workbook by
the path. Below them, one module per concern:

- ``schema``: the contract's tables, columns, keys and references;
- ``folder`` and ``workbook_read``: a folder or a workbook read as text, each giving a
  :class:`~planner.io.raw.RawScenario` (``raw``);
- ``checks``: every cell typed and every rule checked, whichever form the text came from,
  giving a :class:`~planner.io.scenario.Scenario`;
- ``scenario``: the Scenario and the numbers derived from it (needs, availability, wanted);
- ``workbook_cells``, ``workbook_config``, ``workbook_write``: a workbook's cells, its
  ``scenario`` sheet, and writing one; ``convert``: ``planner convert``;
- ``settings`` (scenario.yaml), ``textfiles`` (CSV in Excel's encodings, atomic writes),
  ``xlsx`` (byte-reproducible workbooks).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import Problem, ScenarioError
from planner.lazy import first_use

if TYPE_CHECKING:
    from planner.io.scenario import Scenario

# The modules below are imported by the two functions that use them, not here: a light module of
# this package (textfiles, which the ``planner`` command and ``planner verify`` read) then loads
# neither pandas nor pydantic, and a folder is read without openpyxl (workbooks only).

__all__ = ["Scenario", "load_scenario", "save_scenario"]
__getattr__ = first_use(__name__, {"Scenario": "planner.io.scenario"}, globals())


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario: a folder of CSV files, or one ``.xlsx`` workbook.

    Parameters
    ----------
    path : str or Path
        A folder in the format of docs/scenario-format.md, or a workbook with one sheet per table
        (see docs/scenario-format.md and :mod:`planner.io.workbook_read`).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Listing every problem found, each with file (or sheet), line (or row) and column.
    """
    from planner.io.checks import check_scenario
    from planner.io.folder import read_folder
    from planner.io.raw import not_a_scenario

    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".xlsx":
        from planner.io.workbook_read import read_workbook

        raw = read_workbook(path)
    elif path.is_dir():
        raw = read_folder(path)
    else:
        raise ScenarioError([Problem(str(path), None, None, not_a_scenario(path))])
    return check_scenario(raw, source=str(path))


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
    from planner.io.folder import write_folder
    from planner.io.scenario import scenario_tables
    from planner.io.settings import config_yaml

    tables = scenario_tables(scenario)
    if Path(path).suffix.lower() == ".xlsx":
        from planner.io.workbook_write import save_workbook_scenario

        return save_workbook_scenario(scenario.config, tables, path, overwrite=overwrite,
                                      yaml_text=config_yaml(scenario.config))
    return write_folder(path, config_yaml(scenario.config), tables, overwrite=overwrite)
