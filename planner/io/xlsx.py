"""Workbooks with the same bytes for the same content, and tables written as plain, safe sheets.

Opens in Excel and WPS: plain cell styles, frozen header rows, filters, widths fitted to
the text (a Chinese character counts twice). Text is always stored as text, so a name
starting with ``=`` shows as written and never runs as a formula. A saved file's bytes depend
only on its content (fixed dates inside and in the zip).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.labels import label

if TYPE_CHECKING:  # (openpyxl is imported where its sheets are written: plan.xlsx needs XlsxWriter alone)
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

FIXED_TIME = dt.datetime(2000, 1, 1)
PERCENT_FORMAT = "0.0%"


class Percent(float):
    """A share shown as a percentage in the workbook (and as a plain number to any reader)."""
HEADER_COLOUR = "DDEBF7"  # the header row's fill
SHORT_COLOUR = "FCE4D6"  # a positive "missing" cell's fill


def write_sheet(ws: Worksheet, table: pd.DataFrame, lang: str) -> None:
    """A table as a sheet: labelled header row, frozen, filtered, widths fitted."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    headers = [label(c, lang) if isinstance(c, str) and not c[:1].isdigit() else str(c) for c in table.columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.data_type = "s"  # a header may be user text too (an option's name): never a formula
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_COLOUR)
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
                row[0].fill = PatternFill("solid", fgColor=SHORT_COLOUR)
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
    if text.isascii():
        return len(text)  # no ASCII character is wide
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

def save_tables(sheets: Mapping[str, pd.DataFrame], path: Path, lang: str, *, rows_as_xml: bool = True) -> None:
    """Write tables as a workbook, one sheet per (title, table), as :func:`write_sheet` lays them out.

    The bytes depend only on the tables: fixed dates inside and in the zip. ``rows_as_xml``
    (the default) writes a sheet's data rows as XlsxWriter's own XML, made here row by row;
    false sends every cell through XlsxWriter's ``write_*`` calls. Both give the same bytes
    (tests/test_xlsx_writer.py); the first is many times faster on a large plan.
    """
    tables = TablesWorkbook(path, list(sheets), lang, rows_as_xml=rows_as_xml)
    for title, table in sheets.items():
        tables.write(title, table)
    tables.close()


class TablesWorkbook:
    """A workbook of tables, its sheets in the order of ``titles``, each written when its table is at hand.

    :func:`save_tables` in steps: a sheet may be written before those ahead of it (plan.xlsx's
    plan sheets while its explanations are measured: planner.exports.plan_workbook). The bytes
    are those of save_tables whenever every sheet's first format in use is first used by the
    same sheet in both orders (as in plan.xlsx, where the later sheets are text under the header).
    """

    def __init__(self, path: Path, titles: Sequence[str], lang: str, *, rows_as_xml: bool = True,
                 tmpdir: Path | None = None):
        import xlsxwriter

        options: dict[str, object] = {"constant_memory": CONSTANT_MEMORY, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False,
                                      "nan_inf_to_errors": True}
        if tmpdir is not None:  # where its files of rows go while it is written (else the system's)
            options["tmpdir"] = str(tmpdir)
        self._workbook = xlsxwriter.Workbook(str(path), options)
        self._workbook.set_properties({"created": FIXED_TIME, "author": "planner"})
        self._styles = _XlsxStyles(self._workbook)
        self._sheets = {title: self._workbook.add_worksheet(title[:31]) for title in titles}
        self._lang, self._rows_as_xml = lang, rows_as_xml

    def write(self, title: str, table: pd.DataFrame) -> None:
        """Write sheet ``title`` (one of the titles given), once."""
        _write_xlsx_sheet(self._sheets.pop(title), table, self._lang, self._styles, rows_as_xml=self._rows_as_xml)

    def close(self) -> None:
        """Write the file (every sheet written by now: an unwritten one would be left empty)."""
        if self._sheets:
            raise ValueError(f"sheets not written: {', '.join(self._sheets)}")
        self._workbook.close()


CONSTANT_MEMORY = True
_XLSXWRITER_PADDING = 0.7109375  # 5 pixels of a 7-pixel character (XlsxWriter's width conversion)
_XLSX_MAX_ROWS, _XLSX_MAX_COLS = 1_048_576, 16_384
_ROWS_PER_WRITE = 2_000  # data rows made into XML before each write to XlsxWriter's row file


class _XlsxStyles:
    """The formats of write_sheet, made once per workbook."""

    def __init__(self, workbook: Any):
        header_colour, short_colour = "#" + HEADER_COLOUR, "#" + SHORT_COLOUR
        self.header = workbook.add_format({"bold": True, "bg_color": header_colour, "text_wrap": True,
                                           "valign": "top"})
        self.percent = workbook.add_format({"num_format": PERCENT_FORMAT})
        self.short = workbook.add_format({"bg_color": short_colour})
        self.short_percent = workbook.add_format({"bg_color": short_colour, "num_format": PERCENT_FORMAT})


def _write_xlsx_sheet(ws: Any, table: pd.DataFrame, lang: str, styles: _XlsxStyles, *, rows_as_xml: bool) -> None:
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
    first = 0
    if rows_as_xml and 0 < n_cols <= _XLSX_MAX_COLS and len(table) < _XLSX_MAX_ROWS:
        first = _write_rows_as_xml(ws, table, missing, styles)
    for r, row in enumerate(table.iloc[first:].itertuples(index=False), start=first + 1):
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


# Data rows as XML --------------------------------------------------------------------------
# At 2 million cells XlsxWriter's write_* calls cost ~13 µs a cell (checks, a cell tuple, then
# the XML made attribute by attribute): most of a large plan's solve. Here the rows between the
# header and the table's last written row are made into the XML XlsxWriter itself writes for
# them in constant-memory mode (inline strings, its escaping, numbers as "%.16G", a format's
# index taken at first use as XlsxWriter takes it) and added to the sheet's row file; the
# header and the last written row still go through write_*, so the sheet's dimensions, its
# row file and its formats are XlsxWriter's own. tests/test_xlsx_writer.py holds the bytes
# equal to writing every cell through write_*: an XlsxWriter that writes rows otherwise fails it.

def _write_rows_as_xml(ws: Any, table: pd.DataFrame, missing: int, styles: _XlsxStyles) -> int:
    """Add the XML of the table's rows before its last written one to ``ws``; return that row's position."""
    from xlsxwriter.utility import xl_col_to_name

    last = _last_written_row(table)
    if last <= 0:
        return 0  # no row, or one: written through write_*
    ws._write_single_row(1)  # the header row to the row file, as writing row 2's first cell would
    letters = [xl_col_to_name(col) for col in range(len(table.columns))]
    texts = _InlineTexts(ws)
    # Each column as the objects itertuples gives (Python numbers, texts, NaN, None, pd.NA, numpy
    # scalars in an object column), taken whole: itertuples asks an extension array (pandas' text
    # columns) for one element at a time.
    columns = [table.iloc[:last, col].to_numpy(dtype=object) for col in range(len(letters))]
    for start in range(0, last, _ROWS_PER_WRITE):
        stop = min(last, start + _ROWS_PER_WRITE)
        chunk = [column[start:stop].tolist() for column in columns]
        ws.fh.write(_rows_xml(chunk, start + 2, letters, missing, styles, texts))
    return last


def _rows_xml(columns: list[list[object]], first: int, letters: list[str], missing: int, styles: _XlsxStyles,
              texts: _InlineTexts) -> str:
    """The XML of the rows whose columns are ``columns``, numbered from ``first`` (1 is the header)."""
    numbers = [str(r) for r in range(first, first + len(columns[0]))]
    kinds = [set(map(type, values)) for values in columns]
    # Cells that may take a format (a share, a number under "missing"), in row then column order:
    # XlsxWriter numbers a format when it first writes it, and cells are made here column by column.
    formatted = [col for col, kind in enumerate(kinds) if col == missing or not kind <= {str, int, float}]
    if formatted and any(f.xf_index is None for f in (styles.percent, styles.short, styles.short_percent)):
        for row in zip(*(columns[col] for col in formatted), strict=True):
            for col, value in zip(formatted, row, strict=True):
                cell_format = _cell_format(value, col == missing, styles)
                if cell_format is not None:
                    cell_format._get_xf_index()
    cells = []
    for col, (values, kind) in enumerate(zip(columns, kinds, strict=True)):
        letter = letters[col]
        if kind == {str}:
            cells.append([f'<c r="{letter}{n}" t="inlineStr"><is>{texts[v]}</is></c>'  # type: ignore[index]
                          for n, v in zip(numbers, values, strict=True)])
        elif kind <= {int, float} and col != missing:
            # finite numbers unformatted; NaN is no cell, infinity a formula (_cell_xml)
            cells.append([f'<c r="{letter}{n}"><v>{v:.16G}</v></c>' if v - v == 0  # type: ignore[operator]
                          else _cell_xml(f"{letter}{n}", v, False, styles, texts)
                          for n, v in zip(numbers, values, strict=True)])
        else:
            cells.append([_cell_xml(f"{letter}{n}", v, col == missing, styles, texts)
                          for n, v in zip(numbers, values, strict=True)])
    out = []
    for number, row in zip(numbers, zip(*cells, strict=True), strict=True):
        xml = "".join(row)
        if xml:  # XlsxWriter writes no element for a row without cells
            out.append(f'<row r="{number}">{xml}</row>')
    return "".join(out)


def _last_written_row(table: pd.DataFrame) -> int:
    """Position of the table's last row holding a value XlsxWriter writes (-1: none)."""
    for stop in range(len(table), 0, -_ROWS_PER_WRITE):  # from the end, a block of rows at a time
        start = max(0, stop - _ROWS_PER_WRITE)
        rows = list(table.iloc[start:stop].itertuples(index=False, name=None))
        for position in range(len(rows) - 1, -1, -1):
            if any(not _is_empty(v) for v in rows[position]):
                return start + position
    return -1


def _is_empty(value: object) -> bool:
    value = value.item() if hasattr(value, "item") and not isinstance(value, Percent) else value
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def _cell_format(value: object, missing: bool, styles: _XlsxStyles) -> Any:
    """The format :func:`_write_xlsx_cell` gives ``value`` (None: none)."""
    value = value.item() if hasattr(value, "item") and not isinstance(value, Percent) else value
    if isinstance(value, Percent) and not pd.isna(value):
        return styles.short_percent if missing and value > 0 else styles.percent
    if isinstance(value, int | float) and not isinstance(value, bool) and not pd.isna(value):
        return styles.short if missing and value > 0 else None
    return None


def _cell_xml(ref: str, value: object, missing: bool, styles: _XlsxStyles, texts: _InlineTexts) -> str:
    """One cell as :func:`_write_xlsx_cell` has XlsxWriter write it ("" for no cell)."""
    value = value.item() if hasattr(value, "item") and not isinstance(value, Percent) else value
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{1 if value else 0}</v></c>'
    if isinstance(value, Percent):
        short = missing and value > 0
        return _number_xml(ref, float(value), styles.short_percent if short else styles.percent)
    if isinstance(value, int | float):
        return _number_xml(ref, value, styles.short if missing and value > 0 else None)
    return f'<c r="{ref}" t="inlineStr"><is>{texts[value if isinstance(value, str) else str(value)]}</is></c>'


def _number_xml(ref: str, number: float, cell_format: Any) -> str:
    style = f' s="{cell_format._get_xf_index()}"' if cell_format is not None else ""  # indexed at first use
    if math.isinf(number):  # nan_inf_to_errors: a formula giving #DIV/0!, as write_number writes it
        formula = "1/0" if number > 0 else "-1/0"
        return f'<c r="{ref}"{style} t="e"><f>{formula}</f><v>#DIV/0!</v></c>'
    return f'<c r="{ref}"{style}><v>{number:.16G}</v></c>'


class _InlineTexts(dict[str, str]):
    """Texts as :func:`_inline_text` writes them, each made once (names and ids repeat a lot)."""

    def __init__(self, ws: Any):
        super().__init__()
        self.ws = ws

    def __missing__(self, text: str) -> str:
        inner = self[text] = _inline_text(text, self.ws)
        return inner


# What makes XlsxWriter change a text: control characters and its _xHHHH_ escapes, XML's
# specials, leading or trailing space (xml:space), "<r>" (rich text). A text without them is
# written as it is.
_NOT_PLAIN = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")


def _inline_text(text: str, ws: Any) -> str:
    """What XlsxWriter writes inside ``<is>`` for a text cell in constant-memory mode."""
    from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate

    if len(text) <= ws.xls_strmax // 2 and not _NOT_PLAIN.search(text):
        return f"<t>{text}</t>"
    if len(text) > ws.xls_strmax // 2 and _utf16_len(text) > ws.xls_strmax:
        text = _utf16_truncate(text, ws.xls_strmax)
    text = ws._escape_control_characters(text)
    if text.startswith("<r>") and text.endswith("</r>"):
        return text  # XlsxWriter takes such a text as rich-string XML and writes it unescaped
    space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return f"<t{space}>{ws._escape_data(text)}</t>"
