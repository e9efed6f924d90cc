"""Keys: the index of a family of LP columns or rows, and grouping members by their keys.

A family's keys are small integer codes, positions in the scenario's tables of teams
(``t``), sessions (``s``), roles (``r``), districts (``d``, ``g``), points (``p``) and items
(``i``); rows are made by grouping the columns they hold by such keys.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class Keys:
    """Named columns of equal length (numpy arrays): the index of a family of LP columns or rows.

    ``keys["t"]`` is a column; :meth:`frame` gives them all as a DataFrame, to read.
    """

    __slots__ = ("_columns", "_length")

    def __init__(self, **columns: np.ndarray):
        self._columns = {name: np.asarray(values) for name, values in columns.items()}
        lengths = {len(values) for values in self._columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {lengths}")
        self._length = lengths.pop() if lengths else 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns[name]

    def __len__(self) -> int:
        return self._length

    @property
    def names(self) -> list[str]:
        return list(self._columns)

    def take(self, index: np.ndarray) -> Keys:
        """The rows at ``index`` (positions or a boolean mask)."""
        return Keys(**{name: values[index] for name, values in self._columns.items()})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self._columns)

    def __repr__(self) -> str:
        return f"Keys({len(self)} x {self.names})"


def codes(ids: pd.Series, values: pd.Series) -> np.ndarray:
    """Positions of ``values`` in ``ids`` (every value is a known id: the scenario was checked)."""
    return pd.Index(ids).get_indexer(values).astype("int64")


def group(keys: dict[str, np.ndarray]) -> tuple[np.ndarray, Keys]:
    """Group members by their keys (small whole numbers): each member's group, and the groups' keys.

    Groups are numbered in key order (the first key most significant), as a sorted factorize
    of the key tuples would number them, from one combined integer key.
    """
    names = list(keys)
    arrays = [np.asarray(keys[name], dtype="int64") for name in names]
    if len(arrays[0]) == 0:
        return np.zeros(0, dtype="int64"), Keys(**{name: np.zeros(0, dtype="int64") for name in names})
    combined = np.zeros(len(arrays[0]), dtype="int64")
    for values in arrays:
        combined = combined * (int(values.max()) + 1) + values
    uniques, member_group = np.unique(combined, return_inverse=True)
    member = np.empty(len(uniques), dtype="int64")
    member[member_group] = np.arange(len(member_group))
    groups = Keys(**{name: values[member] for name, values in zip(names, arrays, strict=True)})
    return member_group.astype("int64"), groups


def group_sizes(keys: dict[str, np.ndarray]) -> np.ndarray:
    """For each member, how many members its group (by ``keys``) has."""
    member_group, _ = group(keys)
    return np.bincount(member_group)[member_group]


def distinct_per_group(member_group: np.ndarray, values: np.ndarray, n_values: int) -> np.ndarray:
    """For each member, how many distinct ``values`` (0 to n_values - 1) its group holds."""
    pairs = np.unique(member_group * n_values + values)
    count = np.bincount(pairs // n_values, minlength=int(member_group.max()) + 1 if len(member_group) else 0)
    return count[member_group]


__all__ = ["Keys", "codes", "distinct_per_group", "group", "group_sizes"]
