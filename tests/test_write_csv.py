"""write_csv writes column by column the bytes it wrote cell by cell (plan folders' digests hold them)."""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.io.textfiles import _csv_cell, escape_cell, write_csv


def _cell_by_cell(header: Sequence[str], rows: Sequence[Sequence[object]], verbatim: Collection[int] = ()) -> bytes:
    """write_csv as it was written before it went column by column: the reference."""
    lines = []
    for number, row in enumerate([header, *rows]):
        cells = [_csv_cell(escape_cell(v) if isinstance(v, str) and (i not in verbatim or number == 0) else v)
                 for i, v in enumerate(row)]
        lines.append('""' if cells == [""] else ",".join(cells))
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _written(header: Sequence[str], rows: Sequence[Sequence[object]], verbatim: Collection[int] = ()) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        write_csv(path, header, rows, verbatim=verbatim)
        return path.read_bytes()


_cells = st.one_of(
    st.text(alphabet=st.sampled_from(["a", ",", '"', "\r", "\n", "=", "-", "+", "@", "'", " ", "东", "1", "."]),
            max_size=5),
    st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
)


@settings(max_examples=300)
@given(st.integers(0, 4).flatmap(lambda width: st.tuples(
    st.lists(st.text(alphabet=st.sampled_from(["h", "=", ","]), max_size=3), min_size=width, max_size=width),
    st.lists(st.lists(_cells, min_size=width, max_size=width), max_size=6),
    st.sets(st.integers(0, max(width - 1, 0))))))
def test_same_bytes_as_cell_by_cell(case: tuple[list[str], list[list[object]], set[int]]) -> None:
    header, rows, verbatim = case
    assert _written(header, rows, verbatim) == _cell_by_cell(header, rows, verbatim)


def test_ragged_rows_and_plan_like_frames() -> None:
    ragged = [["a", 1], ["=b"], ["c", 2.5, None]]
    assert _written(["x", "y"], ragged) == _cell_by_cell(["x", "y"], ragged)
    frame = pd.DataFrame({"point_id": ["p1", "p2", "p3"], "volunteers": np.array([3, 0, -2]),
                          "km": [0.1, float("nan"), 1e20], "whole": [True, False, True],
                          "name": pd.array(["东城, 一号", None, '-"x"'], dtype="string"),
                          "count": pd.array([1, None, 3], dtype="Int64"),
                          "when": pd.to_datetime(["2023-06-07", "2023-06-08", None])})
    rows = frame.astype(object).values.tolist()
    assert _written(list(frame.columns), rows) == _cell_by_cell(list(frame.columns), rows)
    assert _written(["v"], [[""], ["=1"], [3]]) == b'v\n""\n\'=1\n3\n'
