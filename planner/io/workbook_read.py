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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

from planner.errors import Problem
from planner.io.raw import RawScenario
from planner.io.schema import REQUIRED, TABLES, Column
from planner.io.settings import ScenarioConfig
from planner.io.textfiles import MAX_COLUMNS, RawTable, check_header
from planner.io.workbook_cells import CONFIG_SHEET, TABLE_SHEETS, YAML_SHEET, cell_text
from planner.io.workbook_config import read_config_sheet

log = logging.getLogger(__name__)

# A workbook of scenario tables unpacks to a few megabytes; far more is not one.
MAX_UNPACKED_BYTES = 200 * 2**20
# A sheet's rows: (row number, {column number: value}) for the cells that hold a value, and
# only the rows that have any. A cell far to the right (column XFD) costs one entry, not 16,384.
Rows = list[tuple[int, dict[int, Any]]]


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
            first = dict(rows).get(1, {}).get(1)
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
    """The workbook's sheets by the table they hold (names compared without case or spaces).

    A hidden sheet that is read beside a visible one named like it (``teams`` hidden,
    ``teams (edit here)`` shown and edited) is a problem: staff would edit the one not read.
    """
    sheets: dict[str, Any] = {}
    titles: dict[str, str] = {}
    problems: list[Problem] = []
    notes: list[str] = []
    unread = []
    for sheet in workbook.worksheets:
        key = sheet.title.strip().lower()
        if key not in (CONFIG_SHEET, YAML_SHEET, *TABLE_SHEETS):
            notes.append(f"{name}: sheet '{sheet.title}' is not part of a scenario and was not read")
            unread.append(sheet)
        elif key in sheets:
            problems.append(Problem(name, None, None,
                                    f"has two sheets for {key} ('{titles[key]}' and '{sheet.title}'); keep one"))
        else:
            sheets[key] = sheet
            titles[key] = sheet.title
    for key, sheet in sheets.items():
        if key == YAML_SHEET or sheet.sheet_state == "visible":
            continue  # the scenario.yaml sheet is hidden by design: it is never edited
        for other in unread:
            if key in other.title.strip().lower() and other.sheet_state == "visible":
                problems.append(Problem(name, None, None,
                                        f"the sheet '{sheet.title}' that is read is hidden, while the sheet "
                                        f"'{other.title}' is not read; keep one sheet for {key}, named {key} "
                                        "and shown"))
    return sheets, problems, tuple(notes)


class _Damaged(Exception):
    """openpyxl could not read part of the file (the cause says why)."""


def _parsed(sheet: Any, *, data_only: bool) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The rows of a read-only sheet as its XML holds them: (row number, the cells present).

    openpyxl's own rows are padded to the widest row, so one cell at column XFD makes every
    row 16,384 cells long; its parser gives only the cells in the file.
    """
    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=data_only, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        yield from parser.parse()


def _sheet_rows(path: Path, sheet: Any, file: str, problems: list[Problem]) -> Rows:
    """The cells of a sheet that hold a value, by row; a formula gives its result as Excel last saved it."""
    formulas: dict[tuple[int, int], str] = {}
    rows: Rows = []
    try:
        for number, cells in _parsed(sheet, data_only=False):
            values = {}
            for cell in cells:
                if cell["value"] is None:
                    continue
                if cell["data_type"] == "f":
                    formulas[(number, cell["column"])] = str(cell["value"])
                values[cell["column"]] = cell["value"]
            if values:
                rows.append((number, values))
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise _Damaged(exc) from exc
    if formulas:
        results = _formula_results(sheet, formulas.keys())
        by_number = dict(rows)
        for (number, column), formula in formulas.items():
            result = results.get((number, column))
            if result is None:
                problems.append(Problem(file, number, get_column_letter(column),
                                        f"holds the formula {formula} without a saved result; open the workbook "
                                        "in Excel or WPS and save it, or type the value"))
                result = ""
            by_number[number][column] = result
    return rows


def _formula_results(sheet: Any, cells: Any) -> dict[tuple[int, int], Any]:
    """The values Excel saved for some cells of one sheet (a formula's last result)."""
    wanted = set(cells)
    try:
        return {(number, cell["column"]): cell["value"] for number, row in _parsed(sheet, data_only=True)
                for cell in row if cell["value"] is not None and (number, cell["column"]) in wanted}
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise _Damaged(exc) from exc


def _read_table(rows: Rows, file: str, columns: tuple[Column, ...], problems: list[Problem]) -> RawTable | None:
    """A sheet's rows as the text of a CSV file: header row first, blank rows skipped.

    A row whose only cells lie beyond the header is reported once per cell and left out:
    it is no record, and its empty ids would only repeat the news.
    """
    kinds = {c.name: c.kind for c in columns}
    filled = [(n, values) for n, values in rows if any(cell_text(v).strip() for v in values.values())]
    if not filled:
        problems.append(Problem(file, None, None, "is empty; expected a header row and data rows"))
        return None
    header_line, header_cells = filled[0]
    named = [column for column, value in header_cells.items() if cell_text(value).strip()]
    header = [cell_text(header_cells.get(column)).strip() for column in range(1, max(named) + 1)]
    found = check_header(file, header_line, header, "sheet")
    problems.extend(found)
    if len(header) > MAX_COLUMNS:
        return None
    texts: list[list[str]] = []
    lines: list[int] = []
    for number, values in filled[1:]:
        stray = sorted(column for column, value in values.items() if column > len(header) and cell_text(value).strip())
        for column in stray:
            problems.append(Problem(file, number, get_column_letter(column),
                                    f"holds {cell_text(values[column])!r} but its column has no header; "
                                    "name the column in row 1 or clear the cell"))
        row = [cell_text(values.get(column), kinds.get(name)).strip() for column, name in enumerate(header, start=1)]
        if stray and not any(row):
            continue
        texts.append(row)
        lines.append(number)
    return RawTable(file, header, texts, lines, header_line)
