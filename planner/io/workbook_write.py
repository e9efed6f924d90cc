"""Writing a scenario workbook: the ``scenario`` sheet, one sheet per table, and a folder's scenario.yaml hidden.

Id and text columns are text cells formatted as text; numbers are number cells when that
keeps them exactly as written (:func:`~planner.io.workbook_cells.table_cell`). The bytes
are the same for the same scenario (:func:`~planner.io.xlsx.save_workbook`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.errors import Problem, ScenarioError
from planner.io.schema import OPTIONAL_COLUMNS, TABLES, Column
from planner.io.settings import ScenarioConfig
from planner.io.textfiles import write_file_atomically
from planner.io.workbook_cells import (
    CONFIG_SHEET,
    TABLE_SHEETS,
    TEXT_FORMAT,
    TEXT_KINDS,
    YAML_SHEET,
    style_header,
    table_cell,
)
from planner.io.workbook_config import config_rows, write_config_sheet
from planner.io.xlsx import save_workbook

# Excel's own limit for the text of one cell.
CELL_LIMIT = 32_767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def save_workbook_scenario(config: ScenarioConfig, tables: Mapping[str, tuple[list[str], Sequence[Sequence[object]]]],
                           path: str | Path, *, overwrite: bool = False, yaml_text: str | None = None) -> Path:
    """Write a scenario workbook: the scenario sheet, then one sheet per table given.

    Parameters
    ----------
    config : ScenarioConfig
    tables : mapping of table name to (header, rows)
        Rows of values (text or numbers), in the order to write them.
    path : str or Path
        The ``.xlsx`` file; written aside and moved into place when complete.
    overwrite : bool
        Replace an existing file.
    yaml_text : str, optional
        A folder's scenario.yaml as written, kept in a hidden sheet (when one cell can hold it).

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is false.
    ScenarioError
        A text is too long for one Excel cell, or holds a character Excel cannot store.
    """
    texts = {name: (header, [[_text(v) for v in row] for row in rows]) for name, (header, rows) in tables.items()}
    _check_storable(config, texts, Path(path).name)
    if yaml_text is not None and _unstorable(yaml_text, "", None, ""):
        yaml_text = None  # too long or not storable: the scenario sheet alone will do
    return write_file_atomically(path, lambda tmp: _write_workbook(config, texts, tmp, yaml_text),
                                 overwrite=overwrite)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value.item() if hasattr(value, "item") else value)  # as write_csv writes it


def _check_storable(config: ScenarioConfig, tables: Mapping[str, tuple[list[str], list[list[str]]]],
                    name: str) -> None:
    problems = []
    for key, value in config_rows(config):
        if isinstance(value, str):
            problems += _unstorable(value, f"{name}, sheet {CONFIG_SHEET}", None, key)
    for table, (header, rows) in tables.items():
        for number, row in enumerate(rows, start=2):
            for column, text in zip(header, row, strict=True):
                problems += _unstorable(text, f"{name}, sheet {table}", number, column)
    if problems:
        raise ScenarioError(problems)


def _unstorable(text: str, file: str, line: int | None, column: str) -> list[Problem]:
    if len(text) > CELL_LIMIT:
        return [Problem(file, line, column, f"holds {len(text):,} characters; an Excel cell holds at most "
                                            f"{CELL_LIMIT:,}")]
    found = _CONTROL.search(text)
    if found:
        return [Problem(file, line, column, f"holds the invisible control character U+{ord(found.group()):04X}, "
                                            "which Excel cannot store")]
    return []


def _write_workbook(config: ScenarioConfig, tables: Mapping[str, tuple[list[str], list[list[str]]]],
                    path: Path, yaml_text: str | None = None) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    write_config_sheet(workbook.create_sheet(CONFIG_SHEET), config)
    for table in TABLE_SHEETS:
        if table in tables:
            _write_table_sheet(workbook.create_sheet(table), (*TABLES[table], *OPTIONAL_COLUMNS.get(table, ())),
                               *tables[table])
    if yaml_text is not None:
        sheet = workbook.create_sheet(YAML_SHEET)
        sheet["A1"] = yaml_text
        sheet["A1"].data_type = "s"  # text, never a formula
        sheet.sheet_state = "hidden"
    save_workbook(workbook, path)


def _write_table_sheet(sheet: Worksheet, columns: tuple[Column, ...], header: list[str],
                       rows: list[list[str]]) -> None:
    kinds = {c.name: c.kind for c in columns}
    sheet.append(header)
    for cell in sheet[1]:
        cell.data_type = "s"  # an extra column's name is staff's text: never a formula, whatever it starts with
    for row in rows:
        sheet.append([table_cell(text, kinds.get(name)) for text, name in zip(row, header, strict=True)])
    for index, name in enumerate(header, start=1):
        letter = get_column_letter(index)
        if kinds.get(name) in TEXT_KINDS:
            # Formatted as text, so what staff type there later stays text too (007, 2023-06-07).
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        width = max([len(name), *(_width(row[index - 1]) for row in rows[:500])]) + 2
        sheet.column_dimensions[letter].width = min(48, max(8, width))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                cell.number_format = TEXT_FORMAT
    for column in columns:
        if column.kind == "choice" and column.name in header:
            letter = get_column_letter(header.index(column.name) + 1)
            choices = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True)
            choices.add(f"{letter}2:{letter}{max(len(rows) + 1, 1000)}")
            sheet.add_data_validation(choices)
    style_header(sheet, len(header))


def _width(text: str) -> int:
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)
