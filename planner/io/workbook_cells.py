"""How a scenario's text sits in the cells of a workbook: sheet names, cell kinds, and text to cell and back.

A cell read gives the text a CSV file would hold (:func:`cell_text`); text written gives a
number cell only when reading it back gives exactly that text (:func:`table_cell`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from planner.io.schema import OPTIONAL, REQUIRED
from planner.io.xlsx import HEADER_COLOUR

CONFIG_SHEET = "scenario"
# A hidden sheet holding a folder's scenario.yaml as written (comments and all), so that a
# folder turned into a workbook and back gets it again, unless the scenario sheet was edited.
YAML_SHEET = "scenario.yaml"
TABLE_SHEETS = REQUIRED + OPTIONAL
TEXT_KINDS = ("id", "text", "choice", "date", "time")
NUMBER_KINDS = ("int", "float", "decimal")
TEXT_FORMAT = "@"
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOUR)  # (the plan sheets' header colour)
_INTEGER = re.compile(r"^-?[1-9][0-9]*$|^0$")
_NUMBER = re.compile(r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
# Excel's day 0, as openpyxl gives a time typed into a date cell.
_EXCEL_EPOCHS = (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1))


def cell_text(value: Any, kind: str | None = None) -> str:
    """A cell's value as the text a CSV file would hold (``kind``: the column's, from TABLES).

    Whole numbers lose Excel's ``.0``; other numbers are written in full (``39.917544``); dates
    and times typed as such in Excel become ``YYYY-MM-DD`` and ``HH:MM``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if kind == "time" and value.date() in _EXCEL_EPOCHS:
            return _time_text(value.time())
        if value.time() == dt.time(0) and kind != "time":
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return _time_text(value)
    if isinstance(value, dt.timedelta) and dt.timedelta(0) <= value < dt.timedelta(days=1):
        return _time_text((dt.datetime(2000, 1, 1) + value).time())
    return str(value)


def _time_text(value: dt.time) -> str:
    return value.strftime("%H:%M") if value.second == 0 and value.microsecond == 0 else value.isoformat()

def table_cell(text: str, kind: str | None) -> object:
    """A number cell when reading it back gives exactly ``text``; a text cell otherwise."""
    if kind in TEXT_KINDS or text == "":
        return text if text != "" else None
    if _INTEGER.match(text) and abs(int(text)) < 10**15:
        return int(text)
    if _NUMBER.match(text):
        number = float(text)
        if math.isfinite(number) and not number.is_integer() and repr(number) == text:
            return number
    return text

def style_header(sheet: Worksheet, width: int) -> None:
    for cell in sheet[1][:width]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    sheet.freeze_panes = "A2"
