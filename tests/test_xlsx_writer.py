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


def _awkward_tables() -> dict[str, pd.DataFrame]:
    """Tables with every kind of cell plan sheets may hold, and the edges of XlsxWriter's writing."""
    texts = ["plain", "a & b < c > d", " leading", "trailing ", "tab\tinside", "line\nbreak", "ctrl\x01char",
             "_x0041_ literal", "=1+1", "", "东城一号点", "x" * 40_000, "😀" * 17_000, "\ufffe"]
    n = len(texts)
    numbers = [0, 1, -1, 2**53 + 1, 10**17, 7, 3, 12, 5, -3, 8, 9, 10, 11]
    floats = [0.1, 1 / 3, -0.0, 1e20, 1e-7, float("nan"), float("inf"), -float("inf"), 2.5, 100.0, 3.25, 0.5, 6.0,
              float("nan")]
    return {
        "Texts": pd.DataFrame({"text": texts, "number": numbers, "float": floats}),
        "Mixed": pd.DataFrame({
            "value": pd.Series([Percent(0.5), np.int64(3), np.float64(2.5), True, np.bool_(False), None, pd.NA,
                                ("p1", 2), pd.Timestamp("2023-06-07"), Percent(float("nan")), Percent(float("inf")),
                                np.str_("numpy text"), 7, "last"], dtype=object),
            "missing": pd.Series([Percent(0.2), Percent(0.0), 3, 0, -1, np.int64(2), 1.5, None, True, Percent(-0.1),
                                  0.0, float("inf"), 0, 4], dtype=object),
            "nullable": pd.array([1, None, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, None], dtype="Int64"),
            "string": pd.array(["a", None, "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"], dtype="string"),
            "category": pd.Categorical(["x", "y"] * (n // 2)),
        }),
        # The shaded format first used only in the last row, the percent one in the middle rows:
        # formats are numbered in the order XlsxWriter first writes them.
        "Order": pd.DataFrame({"missing": [0, 0, 0, 5], "share": pd.Series([None, Percent(0.5), None, None],
                                                                            dtype=object)}),
        "Trailing empty": pd.DataFrame({"a": ["x", None, "y", None, None], "b": [1.0, 2.0, float("nan"), None, None]}),
        # more empty rows at the end than one block of the search for the last written row
        "Long empty tail": pd.DataFrame({"a": ["x", "y", *[None] * 4_500, "z", *[None] * 2_500]}),
        "One row": pd.DataFrame({"a": ["only"], "missing": [1]}),
        "No rows": pd.DataFrame(columns=["a", "b"]),
        "All empty": pd.DataFrame({"a": [None, None]}, dtype=object),
        "No columns": pd.DataFrame(index=range(3)),
    }


def test_rows_as_xml_give_the_bytes_of_cell_by_cell_writing(tmp_path: Path) -> None:
    for lang in ("both", "en"):
        save_tables(_awkward_tables(), tmp_path / "fast.xlsx", lang)
        save_tables(_awkward_tables(), tmp_path / "cells.xlsx", lang, rows_as_xml=False)
        assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "cells.xlsx").read_bytes()
        save_tables(_tables(), tmp_path / "fast.xlsx", lang)
        save_tables(_tables(), tmp_path / "cells.xlsx", lang, rows_as_xml=False)
        assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "cells.xlsx").read_bytes()
    # Formats are numbered in the order XlsxWriter first writes them, row by row: here the shaded
    # one (column 1, row 3) after the percent one (column 2, row 2), and both in one workbook's rows.
    order = {"Order": pd.DataFrame({"missing": [0, 0, 3, 0, 0, 1],
                                    "share": pd.Series([None, Percent(0.5), None, None, "x", None], dtype=object)})}
    save_tables(order, tmp_path / "fast.xlsx", "en")
    save_tables(order, tmp_path / "cells.xlsx", "en", rows_as_xml=False)
    assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "cells.xlsx").read_bytes()


def test_large_sheet_rows_as_xml_read_back_as_written(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 5_000  # more rows than one write to the row file
    names = np.array(["东城一号点", "a & b", " spaced ", "=SUM(A1)", "p<1>"], dtype=object)
    table = pd.DataFrame({"point_id": [f"p{i}" for i in range(n)], "name": names[rng.integers(0, 5, n)],
                          "volunteers": rng.integers(0, 9, n), "missing": rng.integers(-1, 3, n),
                          "km": rng.integers(0, 400, n) / 8})  # exact in 16 digits (XlsxWriter's "%.16G")
    save_tables({"Big": table}, tmp_path / "fast.xlsx", "en")
    save_tables({"Big": table}, tmp_path / "cells.xlsx", "en", rows_as_xml=False)
    assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "cells.xlsx").read_bytes()
    ws = load_workbook(tmp_path / "fast.xlsx")["Big"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [list(r) for r in rows] == table.astype(object).values.tolist()
    shaded = [c.fill.fill_type is not None for (c,) in ws.iter_rows(min_row=2, min_col=4, max_col=4)]
    assert shaded == (table["missing"] > 0).tolist()
