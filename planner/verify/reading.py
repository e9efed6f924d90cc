"""The checker's reading of files: CSV in the contract's encodings, and numbers as written.

Shares no code with the planner's readers (:mod:`planner.io`): the checker re-derives from
the contract what it needs, so that a mistake in one is not repeated in the other.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

SCENARIO_COLUMNS = {
    "districts.csv": ("district_id", "name_zh", "name_en", "lat", "lon"),
    "sessions.csv": ("session_id", "date", "start", "end"),
    "points.csv": ("point_id", "name", "district_id", "lat", "lon", "capacity", "parents", "frontline_staff"),
    "teams.csv": ("team_id", "name", "union", "district_id", "volunteers", "first_aid", "counsellors",
                  "max_sessions"),
    "supplies.csv": ("item_id", "name", "category", "stock", "basis", "per_unit"),
    "needs.csv": ("point_id", "session_id", "role", "volunteers"),
    "availability.csv": ("team_id", "session_id", "volunteers"),
    # Contract version 2; phone and free_sessions are optional columns.
    "volunteers.csv": ("person_id", "name", "team_id", "first_aid", "counsellor"),
}
OPTIONAL_SCENARIO_FILES = ("needs.csv", "availability.csv", "volunteers.csv")
PLAN_COLUMNS = {
    "assignments.csv": ("team_id", "point_id", "session_id", "role", "volunteers"),
    "shortfalls.csv": ("point_id", "session_id", "role", "needed", "assigned", "missing", "cause"),
    "distribution.csv": ("item_id", "point_id", "quantity", "wanted"),
    "roster.csv": ("person_id", "name", "team_id", "point_id", "session_id", "role"),
    "explanations.csv": ("rank", "kind", "district_id", "point_id", "session_id", "role", "item_id", "amount",
                         "sessions", "gain", "text_zh", "text_en"),
}
_WHOLE = re.compile(r"[+-]?\d+")
_FORMULA_GUARD = re.compile(r"'[=+\-@]")


@dataclass(frozen=True)
class Violation:
    """One way a plan breaks the contract.

    Attributes
    ----------
    rule : str
        Short name of the rule broken: ``scenario``, ``files``, ``values``, ``availability``,
        ``skill``, ``workload``, ``skill-workload``, ``travel``, ``capacity``, ``need``,
        ``person``, ``person-session``, ``person-workload``, ``person-skill``,
        ``person-availability``, ``roster``, ``shortfalls``, ``distribution``, ``stock``,
        ``summary``, ``maximality``, ``supply-maximality`` or ``pins``.
    message : str
        What is wrong, in plain words naming the ids involved.
    """

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class Unusable(Exception):
    """A file the checker cannot use at all; carries the violations saying why."""

    def __init__(self, violations: Iterable[Violation]):
        self.violations = list(violations)
        super().__init__("; ".join(str(v) for v in self.violations))



def _decode(path: Path) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else GBK/GB18030, as the contract says."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path.name} is neither UTF-8 nor GBK/GB18030")


def _clean(cell: str) -> str:
    cell = cell.strip()
    # An apostrophe before =, +, - or @ only keeps the text from running as a formula.
    return cell[1:] if _FORMULA_GUARD.match(cell) else cell


def read_table(path: Path, columns: Sequence[str], rule: str) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts of trimmed text, with 1-based line numbers under ``_line``.

    Raises
    ------
    Unusable
        The file cannot be decoded or lacks one of ``columns``.
    """
    try:
        text = _decode(path)
    except (OSError, ValueError) as exc:
        raise Unusable([Violation(rule, f"{path.name} cannot be read: {exc}")]) from None
    lines = [row for row in csv.reader(io.StringIO(text, newline=""))]
    numbered = [(n, [_clean(c) for c in row]) for n, row in enumerate(lines, start=1)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise Unusable([Violation(rule, f"{path.name} has no header row")])
    _, header = numbered[0]
    lacking = [c for c in columns if c not in header]
    if lacking:
        raise Unusable([Violation(rule, f"{path.name} lacks column(s) {', '.join(lacking)}")])
    rows = []
    for n, row in numbered[1:]:
        record = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
        record["_line"] = str(n)
        rows.append(record)
    return rows


def scenario_int(text: str, where: str, *, minimum: int | None = 0) -> int:
    """A whole number as the project reads scenario files: ``3`` or ``3.0``, never ``3.5``."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{where}: expected a whole number, got {text!r}") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"{where}: expected a whole number, got {text!r}")
    number = int(value)
    if minimum is not None and number < minimum:
        raise ValueError(f"{where}: expected a whole number >= {minimum}, got {text!r}")
    return number


def scenario_float(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: expected a finite number, got {text!r}")
    return value


def exact(value: Any, where: str) -> Fraction:
    """A number from YAML or CSV as an exact fraction of what was written (``0.1`` is 1/10)."""
    if isinstance(value, bool):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    try:
        return Fraction(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{where}: expected a number, got {value!r}") from None



def plan_int(text: str) -> int | None:
    """A whole number as a plan file must hold it (digits only); ``None`` when it is not one."""
    return int(text) if _WHOLE.fullmatch(text) else None


def is_json_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
