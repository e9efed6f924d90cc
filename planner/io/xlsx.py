"""Workbooks with the same bytes for the same content, and tables written as plain, safe sheets.

Opens in Excel and WPS: plain cell styles, frozen header rows, filters, widths fitted to
the text (a Chinese character counts twice). Text is always stored as text, so a name
starting with ``=`` shows as written and never runs as a formula. A saved file's bytes depend
only on its content (fixed dates inside and in the zip).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.labels import label

FIXED_TIME = dt.datetime(2000, 1, 1)
PERCENT_FORMAT = "0.0%"


class Percent(float):
    """A share shown as a percentage in the workbook (and as a plain number to any reader)."""
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SHORT_FILL = PatternFill("solid", fgColor="FCE4D6")


def write_sheet(ws: Worksheet, table: pd.DataFrame, lang: str) -> None:
    """A table as a sheet: labelled header row, frozen, filtered, widths fitted."""
    headers = [label(c, lang) if isinstance(c, str) and not c[:1].isdigit() else str(c) for c in table.columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.data_type = "s"  # a header may be user text too (an option's name): never a formula
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.itertuples(index=False):
        ws.append([_cell_value(v) for v in row])
    percent = [isinstance(v, Percent) for v in table.itertuples(index=False) for v in v]
    for row, flags in zip(ws.iter_rows(min_row=2), _chunks(percent, len(table.columns)), strict=False):
        for cell, is_percent in zip(row, flags, strict=True):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif is_percent:
                cell.number_format = PERCENT_FORMAT
    if "missing" in table.columns:
        col = list(table.columns).index("missing") + 1
        for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if isinstance(row[0].value, int | float) and row[0].value > 0:
                row[0].fill = SHORT_FILL
    ws.freeze_panes = "A2"
    if len(table):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(table) + 1}"
    for index, column in enumerate(table.columns, start=1):
        texts = [headers[index - 1].split("\n")[0], headers[index - 1].split("\n")[-1]]
        texts += [str(v) for v in table[column].head(500)]
        ws.column_dimensions[get_column_letter(index)].width = min(48, max(8, max(_width(t) for t in texts) + 2))
    ws.row_dimensions[1].height = 32 if lang == "both" else 18
    # Printed from Excel or WPS: landscape, one page wide, the header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _chunks(values: list[bool], size: int) -> list[list[bool]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def _cell_value(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, Percent):
        return float(value)
    if hasattr(value, "item"):
        return value.item()  # numpy scalar -> Python
    return value


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save with fixed dates inside and in the zip, so equal workbooks have equal bytes."""
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "planner"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_core_dates(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)


def _fixed_core_dates(data: bytes) -> bytes:
    # openpyxl stamps "modified" with the time of saving, whatever the property says.
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)


# XlsxWriter ---------------------------------------------------------------------------------
# The same sheets as write_sheet, written by XlsxWriter in constant-memory mode: rows go to the
# file as they are made, so a large plan is written in a fraction of openpyxl's time and memory
# (docs/performance.md, "plan.xlsx"). Cell formats follow the same contract: the type of a
# table's value (Percent) chooses its number format, and a positive "missing" is shaded.

def save_tables(sheets: Mapping[str, pd.DataFrame], path: Path, lang: str) -> None:
    """Write tables as a workbook, one sheet per (title, table), as :func:`write_sheet` lays them out.

    The bytes depend only on the tables: fixed dates inside and in the zip.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": CONSTANT_MEMORY, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False,
                                               "nan_inf_to_errors": True})
    workbook.set_properties({"created": FIXED_TIME, "author": "planner"})
    styles = _XlsxStyles(workbook)
    for title, table in sheets.items():
        _write_xlsx_sheet(workbook.add_worksheet(title[:31]), table, lang, styles)
    workbook.close()


CONSTANT_MEMORY = True
_XLSXWRITER_PADDING = 0.7109375  # 5 pixels of a 7-pixel character (XlsxWriter's width conversion)


class _XlsxStyles:
    """The formats of write_sheet, made once per workbook."""

    def __init__(self, workbook: Any):
        header_colour = "#" + str(HEADER_FILL.fgColor.rgb)[-6:]
        short_colour = "#" + str(SHORT_FILL.fgColor.rgb)[-6:]
        self.header = workbook.add_format({"bold": True, "bg_color": header_colour, "text_wrap": True,
                                           "valign": "top"})
        self.percent = workbook.add_format({"num_format": PERCENT_FORMAT})
        self.short = workbook.add_format({"bg_color": short_colour})
        self.short_percent = workbook.add_format({"bg_color": short_colour, "num_format": PERCENT_FORMAT})


def _write_xlsx_sheet(ws: Any, table: pd.DataFrame, lang: str, styles: _XlsxStyles) -> None:
    headers = [label(c, lang) if isinstance(c, str) and not c[:1].isdigit() else str(c) for c in table.columns]
    n_cols = len(headers)
    # Everything about the sheet before its rows: constant-memory mode writes rows as they come.
    for index, column in enumerate(table.columns):
        texts = [headers[index].split("\n")[0], headers[index].split("\n")[-1]]
        texts += [str(v) for v in table[column].head(500)]
        width = min(48, max(8, max(_width(t) for t in texts) + 2))
        # XlsxWriter stores a width as Excel does (plus 5 pixels of padding); openpyxl stores it
        # as given: the same stored width, so both writers' sheets look alike.
        ws.set_column(index, index, width - _XLSXWRITER_PADDING)
    ws.freeze_panes(1, 0)
    if len(table):
        ws.autofilter(0, 0, len(table), n_cols - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_row(0, 32 if lang == "both" else 18)
    for col, text in enumerate(headers):
        ws.write_string(0, col, text, styles.header)  # a header may be user text too: never a formula
    missing = list(table.columns).index("missing") if "missing" in table.columns else -1
    for r, row in enumerate(table.itertuples(index=False), start=1):
        for col, value in enumerate(row):
            _write_xlsx_cell(ws, r, col, value, col == missing, styles)


def _write_xlsx_cell(ws: Any, row: int, col: int, value: object, missing: bool, styles: _XlsxStyles) -> None:
    value = value.item() if hasattr(value, "item") and not isinstance(value, Percent) else value
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return
    if isinstance(value, str):
        ws.write_string(row, col, value)  # never a formula, whatever it starts with
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, Percent):
        short = missing and value > 0
        ws.write_number(row, col, float(value), styles.short_percent if short else styles.percent)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, styles.short if missing and value > 0 else None)
    else:
        ws.write_string(row, col, str(value))
