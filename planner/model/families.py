"""An LP declared as families of columns and rows, each family once: keys, terms, bounds, names.

A family is one declaration (:class:`ColumnFamily`, :class:`RowFamily`) holding everything
about it: its keys, the terms of its rows over the column families, its bounds and costs as
functions of the inputs, and its name pattern. :class:`LinearProgram` generates from them,
and only from them, the three things that must agree row for row: the CSR arrays handed to
the solver, the bounds (and lever-driven coefficients) set for a set of inputs and pushed on
a warm re-solve, and the names of the PuLP problem. Columns and rows are numbered family by
family in the order declared, each family's in its keys' order.

The bound, cost and coefficient functions take a *figures* object, whatever the formulation
derives from its inputs (:class:`planner.model.formulation.Figures`); this module knows
nothing of volunteers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

import numpy as np

from planner.model.keys import Keys, group

X = TypeVar("X")  # what bounds, costs and lever coefficients are computed from

#: A bound or cost: one number for the whole family, or one per member of the family from its keys.
Bound = float | Callable[[Keys, X], np.ndarray]


@dataclass(frozen=True)
class ColumnFamily(Generic[X]):
    """A family of LP columns, one per key, declared once.

    Parameters
    ----------
    name : str
        How rows refer to the family (``"u"``).
    keys : Keys
        One entry per column, in column order.
    prefix, label : str, tuple of str
        The name pattern: ``prefix`` then the ids of the ``label`` keys, joined by ``_``
        (``serve_<t>_<s>_<r>``).
    upper, lower, cost : Bound
        A number, or a function of the keys and the figures giving one per column.
    integer : bool
        Whole numbers in the integer re-solve.
    """

    name: str
    keys: Keys
    prefix: str
    label: tuple[str, ...]
    upper: Bound[X]
    cost: Bound[X] = 0.0
    lower: Bound[X] = 0.0
    integer: bool = False


@dataclass(frozen=True)
class Terms(Generic[X]):
    """Entries of a row family in the columns of one column family.

    Member ``m`` puts ``coef`` times column ``at[m]`` of family ``column`` into the row whose
    keys are ``row[key][m]``; rows are the distinct keys of all of a family's members.

    Parameters
    ----------
    column : str
        A column family's name.
    row : mapping of str to numpy.ndarray
        Each member's row keys (the same key names in every Terms of a family).
    coef : float or callable
        The coefficient; a function of the figures (one value per member) makes it a lever,
        set with the bounds and pushed on a warm re-solve.
    at : numpy.ndarray, optional
        Positions in the column family, one per member; all its columns in order by default.
    """

    column: str
    row: Mapping[str, np.ndarray]
    coef: float | Callable[[X], np.ndarray] = 1.0
    at: np.ndarray | None = None


@dataclass(frozen=True)
class RowFamily(Generic[X]):
    """A family of LP rows, declared once: terms, bounds and names.

    Parameters
    ----------
    name : str
        The family's name, also its rows' name prefix.
    terms : tuple of Terms
        The entries; one row per distinct key among all members, in key order.
    label : tuple of str
        The keys whose ids follow the prefix in a row's name.
    lower, upper : Bound
        A number, or a function of the row keys and the figures giving one per row.
    keep : numpy.ndarray of bool, optional
        Per member (all terms, in order): a row is made only if one of its members is marked
        (rows that cannot bind are left out).
    label_from : str, optional
        A column family: the row's one key is a position in it, and the ``label`` keys are
        that column's (a row per column, named like the column).
    """

    name: str
    terms: tuple[Terms[X], ...]
    label: tuple[str, ...]
    lower: Bound[X] = -math.inf
    upper: Bound[X] = math.inf
    keep: np.ndarray | None = None
    label_from: str | None = None


class Values(NamedTuple):
    """Everything set from the inputs, aligned with the columns, rows and non-zeros."""

    col_lower: np.ndarray
    col_upper: np.ndarray
    col_cost: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_value: np.ndarray


def _evaluate(bound: Bound[X], keys: Keys, figures: X) -> np.ndarray | float:
    return bound(keys, figures) if callable(bound) else bound


class LinearProgram(Generic[X]):
    """The LP of some column and row families: offsets, keys, CSR matrix, bounds and names.

    Attributes
    ----------
    col_offset, row_offset : dict of str to int
        Where each family's columns (rows) start.
    row_keys : dict of str to Keys
        Each row family's keys, in row order.
    num_cols, num_rows : int
    _a_start, _a_index, _a_value : numpy.ndarray
        The constraint matrix by rows (CSR), each row's entries in column order; the values
        of lever coefficients are set by :meth:`adopt`.
    """

    def __init__(self, columns: Sequence[ColumnFamily[X]], rows: Sequence[RowFamily[X]]):
        self.column_families = {family.name: family for family in columns}
        self.row_families = {family.name: family for family in rows}
        if len(self.column_families) != len(columns) or len(self.row_families) != len(rows):
            raise ValueError("family names must be unique")
        self.col_offset: dict[str, int] = {}
        count = 0
        for column_family in columns:
            self.col_offset[column_family.name] = count
            count += len(column_family.keys)
        self.num_cols = count
        self.integer_columns = np.concatenate(
            [np.zeros(0, dtype="int64")]
            + [self.col_offset[c.name] + np.arange(len(c.keys)) for c in columns if c.integer]).astype("int32")
        self._build_rows(rows)

    def _build_rows(self, rows: Sequence[RowFamily[X]]) -> None:
        starts, index, value = [], [], []
        row_count = nz_count = 0
        self.row_offset: dict[str, int] = {}
        self.row_keys: dict[str, Keys] = {}
        # Lever coefficients: where each lever term's surviving members are in the CSR values.
        self._levers: list[tuple[np.ndarray, np.ndarray, Callable[[X], np.ndarray]]] = []
        for family in rows:
            sizes = [len(self.column_families[t.column].keys) if t.at is None else len(t.at) for t in family.terms]
            key_names = list(family.terms[0].row)
            keys = {k: np.concatenate([np.asarray(t.row[k], dtype="int64") for t in family.terms]) for k in key_names}
            cols = np.concatenate([self.col_offset[t.column] + (np.arange(n) if t.at is None else t.at)
                                   for t, n in zip(family.terms, sizes, strict=True)]).astype("int64")
            # A lever's entries hold 0 until set_inputs sets them.
            coefs = np.concatenate([np.full(n, 0.0 if callable(t.coef) else float(t.coef))
                                    for t, n in zip(family.terms, sizes, strict=True)])
            member_group, row_keys = group(keys)
            members = np.arange(len(cols))
            if family.keep is not None:
                kept_groups = np.unique(member_group[family.keep])
                remap = -np.ones(len(row_keys), dtype="int64")
                remap[kept_groups] = np.arange(len(kept_groups))
                inside = remap[member_group] >= 0
                row_keys = row_keys.take(kept_groups)
                member_group, cols, coefs = remap[member_group][inside], cols[inside], coefs[inside]
                members = members[inside]
            # CSR: members of each row together, in column order.
            order = np.lexsort((cols, member_group))
            counts = np.bincount(member_group, minlength=len(row_keys)).astype("int64")
            starts.append(nz_count + np.concatenate([[0], np.cumsum(counts)])[:len(row_keys)].astype("int64"))
            index.append(cols[order])
            value.append(coefs[order])
            nz_of_member = -np.ones(int(sum(sizes)), dtype="int64")
            nz_of_member[members[order]] = nz_count + np.arange(len(order))
            first = 0
            for t, n in zip(family.terms, sizes, strict=True):
                if callable(t.coef):
                    nz = nz_of_member[first:first + n]
                    self._levers.append((nz[nz >= 0], np.nonzero(nz >= 0)[0], t.coef))
                first += n
            self.row_offset[family.name] = row_count
            self.row_keys[family.name] = row_keys
            row_count += len(row_keys)
            nz_count += len(cols)
        self.num_rows = row_count
        self._a_start = np.concatenate(starts).astype("int32")
        self._a_index = np.concatenate(index).astype("int32")
        self._a_value = np.concatenate(value).astype(float)
        self._a_value_base = self._a_value.copy()
        # Every non-zero a lever sets, in matrix order: the only ones a warm re-solve may change.
        self._lever_nz = np.sort(np.concatenate([np.zeros(0, dtype="int64")] + [nz for nz, _, _ in self._levers]))

    def rows_of(self, family: str) -> slice:
        """The rows of one family."""
        start = self.row_offset[family]
        return slice(start, start + len(self.row_keys[family]))

    def cols_of(self, family: str) -> slice:
        """The columns of one family."""
        start = self.col_offset[family]
        return slice(start, start + len(self.column_families[family].keys))

    def evaluate(self, figures: X) -> Values:
        """Every bound, cost and lever coefficient, from the families' declarations."""
        lower = np.zeros(self.num_cols)
        upper = np.empty(self.num_cols)
        cost = np.zeros(self.num_cols)
        for column_family in self.column_families.values():
            cols = self.cols_of(column_family.name)
            lower[cols] = _evaluate(column_family.lower, column_family.keys, figures)
            upper[cols] = _evaluate(column_family.upper, column_family.keys, figures)
            cost[cols] = _evaluate(column_family.cost, column_family.keys, figures)
        row_lower = np.zeros(self.num_rows)
        row_upper = np.zeros(self.num_rows)
        for row_family in self.row_families.values():
            rows, keys = self.rows_of(row_family.name), self.row_keys[row_family.name]
            row_lower[rows] = _evaluate(row_family.lower, keys, figures)
            row_upper[rows] = _evaluate(row_family.upper, keys, figures)
        a_value = self._a_value_base.copy()
        for nz, members, coef in self._levers:
            a_value[nz] = coef(figures)[members]
        return Values(lower, upper, cost, row_lower, row_upper, a_value)

    def values(self) -> Values:
        """What :meth:`adopt` set last."""
        return Values(self.col_lower, self.col_upper, self.col_cost, self.row_lower, self.row_upper, self._a_value)

    def adopt(self, values: Values) -> None:
        """Make ``values`` the LP's bounds, costs and coefficients."""
        (self.col_lower, self.col_upper, self.col_cost,
         self.row_lower, self.row_upper, self._a_value) = values

    def label_names(self, ids: Mapping[str, np.ndarray]) -> tuple[list[str], list[str]]:
        """Every column's and row's name from its family's pattern; ``ids[key]`` holds a key's codes as text."""

        def label(prefix: str, keys: Keys, names: tuple[str, ...]) -> list[str]:
            parts = [ids[name][keys[name]].tolist() for name in names]
            head = prefix + "_"
            return [head + "_".join(each) for each in zip(*parts, strict=True)]

        cols = [name for c in self.column_families.values() for name in label(c.prefix, c.keys, c.label)]
        rows = []
        for r in self.row_families.values():
            keys = self.row_keys[r.name]
            if r.label_from is not None:
                (position,) = keys.names
                keys = self.column_families[r.label_from].keys.take(keys[position])
            rows.extend(label(r.name, keys, r.label))
        return cols, rows


__all__ = ["Bound", "ColumnFamily", "LinearProgram", "RowFamily", "Terms", "Values"]
