"""A scenario as a reader found it, before any check: the one result of both readers.

The folder reader (:mod:`planner.io.folder`) and the workbook reader
(:mod:`planner.io.workbook_read`) each give a :class:`RawScenario`; the checks
(:func:`planner.io.checks.check_scenario`) take it whichever form it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import Problem
from planner.io.settings import ScenarioConfig
from planner.io.textfiles import RawTable


@dataclass(frozen=True)
class RawScenario:
    """The text of a scenario's settings and tables, and what went wrong reading them.

    Attributes
    ----------
    config : str or ScenarioConfig or None
        The text of a folder's scenario.yaml, or a workbook's scenario sheet already read;
        None when it could not be read (``problems`` says why).
    tables : mapping of table name to RawTable or None
        Each table found, as text; None for one that could not be read. Absent optional
        tables are left out.
    problems : tuple of Problem
        Problems found while reading, reported with those the checks find.
    notes : tuple of str
        Things worth a look found while reading (a workbook's sheets that are not read).
    yaml_text : str or None
        scenario.yaml as written: a folder's file, or the hidden sheet of a workbook
        converted from a folder; None when there is none.
    column_letters : mapping of file to (column name to letter)
        For the sheets of a workbook: problems name a column with its letter too,
        ``column volunteers (E)``. Empty for a folder.
    """

    config: str | ScenarioConfig | None
    tables: Mapping[str, RawTable | None]
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    yaml_text: str | None = None
    column_letters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def not_a_scenario(path: Path) -> str:
    """Why ``path`` is neither a scenario folder nor an .xlsx workbook, in words for staff."""
    if not path.exists():
        return "does not exist; expected a scenario folder or an .xlsx workbook"
    if path.suffix.lower() in (".xls", ".xlsm", ".xlsb", ".et", ".ods", ".numbers"):
        return "is not an .xlsx workbook; open it in Excel or WPS and save it as 'Excel Workbook (*.xlsx)'"
    return "is a file, not a scenario (expected a folder with scenario.yaml and CSV files, or an .xlsx workbook)"
