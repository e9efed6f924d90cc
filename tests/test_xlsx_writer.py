"""plan.xlsx's writer (XlsxWriter, constant memory) lays sheets out as the openpyxl writer does.

Both writers are given the same tables; the files are read back with openpyxl and compared
cell by cell: values, number formats, fills, fonts, widths, frozen panes, filters, printing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook

from planner.io.xlsx import PERCENT_FORMAT, Percent, save_tables, save_workbook, write_sheet


def _tables() -> dict[str, pd.DataFrame]:
    return {
        "概况 Summary": pd.DataFrame({"figure": ["覆盖率", "=1+1", "@name", "+3"],
                                       "value": pd.Series([Percent(0.935), np.int64(12), None, 2.5], dtype=object)}),
        "缺口 Shortfalls": pd.DataFrame({"point_id": ["p1", "p2", "p3"], "needed": [3, 2, 1],
                                          "missing": [np.int64(2), np.int64(0), np.int64(1)],
                                          "coverage": pd.Series([Percent(1 / 3), Percent(1.0), Percent(0.0)],
                                                                dtype=object)}),
        "空 Empty": pd.DataFrame(columns=["point_id", "missing"]),
    }


def _cells(path: Path) -> dict[str, list[list[tuple[object, ...]]]]:
    book = load_workbook(path)
    out = {}
    for ws in book.worksheets:
        rows = [[(c.value, c.data_type, c.number_format, bool(c.font.b),
                  c.fill.fgColor.rgb[-6:] if c.fill.fill_type else None) for c in row] for row in ws.iter_rows()]
        # fitToWidth absent is 1, its default
        layout = (ws.freeze_panes, ws.auto_filter.ref, ws.print_title_rows, ws.page_setup.orientation,
                  str(ws.page_setup.paperSize), int(ws.page_setup.fitToWidth or 1), ws.page_setup.fitToHeight,
                  _widths(ws))
        out[ws.title] = [*rows, [layout]]
    return out


def _widths(ws: object) -> dict[int, float]:
    """Column widths by column number: a writer may store equal neighbours as one range."""
    out = {}
    for dim in ws.column_dimensions.values():  # type: ignore[attr-defined]
        for col in range(dim.min, dim.max + 1):
            out[col] = dim.width
    return out


def test_xlsxwriter_sheets_match_openpyxl_sheets(tmp_path: Path) -> None:
    tables = _tables()
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, table in tables.items():
        write_sheet(workbook.create_sheet(title), table, "both")
    save_workbook(workbook, tmp_path / "openpyxl.xlsx")
    save_tables(tables, tmp_path / "xlsxwriter.xlsx", "both")
    assert _cells(tmp_path / "xlsxwriter.xlsx") == _cells(tmp_path / "openpyxl.xlsx")


def test_cells_keep_their_meaning(tmp_path: Path) -> None:
    save_tables(_tables(), tmp_path / "plan.xlsx", "both")
    book = load_workbook(tmp_path / "plan.xlsx")
    summary = book["概况 Summary"]
    assert summary["A3"].value == "=1+1" and summary["A3"].data_type == "s"  # text, never a formula
    assert summary["B2"].value == 0.935 and summary["B2"].number_format == PERCENT_FORMAT
    assert summary["B4"].value is None
    short = book["缺口 Shortfalls"]
    shaded = [short[f"C{r}"].fill.fill_type is not None for r in (2, 3, 4)]
    assert shaded == [True, False, True]  # a positive "missing" is shaded, 0 is not


def test_same_tables_same_bytes(tmp_path: Path) -> None:
    save_tables(_tables(), tmp_path / "a.xlsx", "both")
    save_tables(_tables(), tmp_path / "b.xlsx", "both")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
