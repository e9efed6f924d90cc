"""Reading a scenario workbook: a sheet per table, and a ``scenario`` sheet for scenario.yaml.

Staff edit scenarios in Excel or WPS. A workbook holds the same scenario as a folder:

* one sheet per table, named as the CSV file without ``.csv`` (``districts``, ``sessions``,
  ``points``, ``teams``, ``supplies``, and ``needs`` and ``availability`` when the scenario
  has them), with the header in row 1 exactly as in the CSV file;
* a ``scenario`` sheet with ``key | value | meaning`` rows in place of scenario.yaml:
  ``name``, ``description``, one ``sources`` row per source, and dotted keys such as
  ``settings.max_travel_km``, ``needs.general.parents_per_volunteer`` or ``weights.fairness``.

Id and text columns are stored as text cells formatted as text, so ``007`` stays ``007`` and
``=SUM(A1)`` is a name, never a formula; numbers are stored as numbers when that keeps them
exactly as written (``39.90`` stays a text cell, so it comes back as ``39.90``). Reading turns
every cell back into the text a CSV file would hold, so the same checks, with the same
messages, apply: a problem names ``book.xlsx, sheet teams``, the row as the line, and the
column with its letter. Formulas are never evaluated: their result as last saved by Excel
is read. The layout is documented for staff in docs/scenario-format.md; the ``scenario``
sheet is read in :mod:`planner.io.workbook_config`, and workbooks are written by
:mod:`planner.io.workbook_write`.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from planner.errors import Problem
from planner.io.raw import RawScenario
from planner.io.schema import REQUIRED, TABLES, Column
from planner.io.settings import ScenarioConfig
from planner.io.textfiles import RawTable, check_header
from planner.io.workbook_cells import CONFIG_SHEET, TABLE_SHEETS, YAML_SHEET, cell_text
from planner.io.workbook_config import read_config_sheet

log = logging.getLogger(__name__)

# A workbook of scenario tables unpacks to a few megabytes; far more is not one.
MAX_UNPACKED_BYTES = 200 * 2**20


def read_workbook(path: Path) -> RawScenario:
    """The scenario sheet and the tables of a workbook, as a folder's files would give them.

    Returns
    -------
    RawScenario
        ``config`` is the scenario sheet read, None when it is missing or wrong (``problems``
        says why); ``tables`` holds None for a sheet that could not be read and leaves out
        absent optional ones; ``notes`` names sheets that are not part of a scenario (not
        read); ``yaml_text`` is the scenario.yaml a folder had when it was converted (the
        hidden sheet), if any; ``column_letters`` gives each sheet's columns their letters.
    """
    name = path.name
    problem = _not_a_workbook(path)
    if problem is not None:
        return _unusable(problem)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
        sheets, problems, notes = _sheets(workbook, name)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        return _unusable(_unreadable(path, exc))
    try:
        config: ScenarioConfig | None = None
        raw: dict[str, RawTable | None] = {}
        yaml_text: str | None = None
        if YAML_SHEET in sheets:
            rows = _sheet_rows(path, sheets[YAML_SHEET], f"{name}, sheet {YAML_SHEET}", problems)
            first = rows[0][1][0] if rows and rows[0][1] else None
            yaml_text = first if isinstance(first, str) else None
        if CONFIG_SHEET in sheets:
            rows = _sheet_rows(path, sheets[CONFIG_SHEET], f"{name}, sheet {CONFIG_SHEET}", problems)
            config = read_config_sheet(rows, f"{name}, sheet {CONFIG_SHEET}", problems)
        else:
            problems.append(Problem(name, None, None, f"has no sheet '{CONFIG_SHEET}'; it holds the scenario's "
                                                      "name and settings (key and value columns)"))
        for table in TABLE_SHEETS:
            if table not in sheets:
                if table in REQUIRED:
                    columns = ", ".join(c.name for c in TABLES[table])
                    problems.append(Problem(name, None, None,
                                            f"has no sheet '{table}'; it is required (columns: {columns})"))
                    raw[table] = None
                continue
            file = f"{name}, sheet {table}"
            rows = _sheet_rows(path, sheets[table], file, problems)
            raw[table] = _read_table(rows, file, TABLES[table], problems)
    except _Damaged as exc:
        return _unusable(_unreadable(path, exc.__cause__ or exc))
    finally:
        workbook.close()
    letters = {table.file: {column: get_column_letter(i) for i, column in enumerate(table.header, start=1)}
               for table in raw.values() if table is not None}
    return RawScenario(config, raw, tuple(problems), notes, yaml_text, letters)


def _unusable(problem: Problem) -> RawScenario:
    """A workbook that cannot be read at all: one problem, and every required table unread."""
    return RawScenario(None, {table: None for table in REQUIRED}, (problem,))


def _unreadable(path: Path, exc: BaseException) -> Problem:
    log.debug("cannot read %s", path, exc_info=True)
    return Problem(path.name, None, None, f"cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}); "
                                          "open it in Excel or WPS and save it again as 'Excel Workbook (*.xlsx)'")


def _not_a_workbook(path: Path) -> Problem | None:
    """A problem when the file is not a zip of reasonable size (as every .xlsx file is)."""
    try:
        if not zipfile.is_zipfile(path):
            return Problem(path.name, None, None,
                           "is not an .xlsx workbook (an old .xls, a password-protected workbook or another "
                           "file renamed?); open it in Excel or WPS and save it as 'Excel Workbook (*.xlsx)' "
                           "without a password")
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile) as exc:
        return Problem(path.name, None, None, f"cannot be read ({exc})")
    if unpacked > MAX_UNPACKED_BYTES:
        return Problem(path.name, None, None,
                       f"unpacks to {unpacked / 2**20:,.0f} MB, far more than a scenario's tables; "
                       "is it the right file?")
    return None


def _sheets(workbook: Any, name: str) -> tuple[dict[str, Any], list[Problem], tuple[str, ...]]:
    """The workbook's sheets by the table they hold (names compared without case or spaces)."""
    sheets: dict[str, Any] = {}
    titles: dict[str, str] = {}
    problems: list[Problem] = []
    notes: list[str] = []
    for sheet in workbook.worksheets:
        key = sheet.title.strip().lower()
        if key not in (CONFIG_SHEET, YAML_SHEET, *TABLE_SHEETS):
            notes.append(f"{name}: sheet '{sheet.title}' is not part of a scenario and was not read")
        elif key in sheets:
            problems.append(Problem(name, None, None,
                                    f"has two sheets for {key} ('{titles[key]}' and '{sheet.title}'); keep one"))
        else:
            sheets[key] = sheet
            titles[key] = sheet.title
    return sheets, problems, tuple(notes)


class _Damaged(Exception):
    """openpyxl could not read part of the file (the cause says why)."""


def _sheet_rows(path: Path, sheet: Any, file: str, problems: list[Problem]) -> list[tuple[int, list[Any]]]:
    """(row number, cell values) of every row; a formula gives its result as Excel last saved it."""
    try:
        sheet.reset_dimensions()  # some writers leave no or a wrong size in the file
        cells = [[(cell.data_type, cell.value) for cell in row] for row in sheet.iter_rows()]
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise _Damaged(exc) from exc
    formulas: dict[tuple[int, int], str] = {}
    rows: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(cells, start=1):
        for column, (data_type, value) in enumerate(row, start=1):
            if data_type == "f":
                formulas[(number, column)] = str(value)
        rows.append((number, [value for _, value in row]))
    if formulas:
        results = _formula_results(path, sheet.title)
        for (number, column), formula in formulas.items():
            result = results.get((number, column))
            if result is None:
                problems.append(Problem(file, number, get_column_letter(column),
                                        f"holds the formula {formula} without a saved result; open the workbook "
                                        "in Excel or WPS and save it, or type the value"))
                result = ""
            rows[number - 1][1][column - 1] = result
    return rows


def _formula_results(path: Path, title: str) -> dict[tuple[int, int], Any]:
    """The values Excel saved for the cells of one sheet (a formula's last result)."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            sheet = workbook[title]
            sheet.reset_dimensions()
            return {(r, c): value for r, row in enumerate(sheet.iter_rows(values_only=True), start=1)
                    for c, value in enumerate(row, start=1) if value is not None}
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise _Damaged(exc) from exc


def _read_table(rows: list[tuple[int, list[Any]]], file: str, columns: tuple[Column, ...],
                problems: list[Problem]) -> RawTable | None:
    """A sheet's rows as the text of a CSV file: header row first, blank rows skipped."""
    kinds = {c.name: c.kind for c in columns}
    filled = [(n, values) for n, values in rows if any(cell_text(v).strip() for v in values)]
    if not filled:
        problems.append(Problem(file, None, None, "is empty; expected a header row and data rows"))
        return None
    header_line, header_cells = filled[0]
    header = [cell_text(v).strip() for v in header_cells]
    while header and header[-1] == "":
        header.pop()
    problems.extend(check_header(file, header_line, header))
    texts: list[list[str]] = []
    lines: list[int] = []
    for number, values in filled[1:]:
        row = [cell_text(v, kinds.get(name)).strip() for v, name in zip(values, header, strict=False)]
        row += [""] * (len(header) - len(row))
        for column, value in enumerate(values[len(header):], start=len(header) + 1):
            if cell_text(value).strip():
                problems.append(Problem(file, number, get_column_letter(column),
                                        f"holds {cell_text(value)!r} but its column has no header; "
                                        "name the column in row 1 or clear the cell"))
        texts.append(row)
        lines.append(number)
    return RawTable(file, header, texts, lines, header_line)
