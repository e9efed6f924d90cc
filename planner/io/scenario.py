"""Scenario folders: read, check every table and reference, and hold the result.

The file formats are the contract in ``SCENARIO-FORMAT.md``; the project's own additions
(needs rules, weights, optional columns) are documented in ``docs/scenario-format.md``.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml as yaml_module

from planner.errors import Problem, ScenarioError
from planner.io.settings import MAX_COUNT, MAX_WANTED, ROLES, ScenarioConfig, parse_config, unknown_setting_warnings
from planner.io.textfiles import RawTable, decode, lies_within, read_csv_text

CATEGORIES = ("basic", "emergency", "leisure", "emotional", "pack")
BASES = ("parent", "staff", "point")


@dataclass(frozen=True)
class Column:
    """One column of the contract: its name, kind and the values it admits."""

    name: str
    kind: str  # id, text, int, float, decimal, date, time, choice
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


def _ids(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name, "id") for name in names)


LAT = Column("lat", "float", -90, 90)
LON = Column("lon", "float", -180, 180)

TABLES: dict[str, tuple[Column, ...]] = {
    "districts": (*_ids("district_id"), Column("name_zh", "text"), Column("name_en", "text"), LAT, LON),
    "sessions": (*_ids("session_id"), Column("date", "date"), Column("start", "time"), Column("end", "time")),
    "points": (
        *_ids("point_id"), Column("name", "text"), *_ids("district_id"), LAT, LON,
        Column("capacity", "int", 0), Column("parents", "int", 0), Column("frontline_staff", "int", 0),
    ),
    "teams": (
        *_ids("team_id"), Column("name", "text"), Column("union", "text"), *_ids("district_id"),
        Column("volunteers", "int", 0), Column("first_aid", "int", 0), Column("counsellors", "int", 0),
        Column("max_sessions", "int", 1),
    ),
    "supplies": (
        *_ids("item_id"), Column("name", "text"), Column("category", "choice", choices=CATEGORIES),
        Column("stock", "int", 0), Column("basis", "choice", choices=BASES),
        Column("per_unit", "decimal", 0, 1_000_000),
    ),
    "needs": (*_ids("point_id", "session_id"), Column("role", "choice", choices=ROLES), Column("volunteers", "int", 0)),
    "availability": (*_ids("team_id", "session_id"), Column("volunteers", "int", 0)),
}
REQUIRED = ("districts", "sessions", "points", "teams", "supplies")
OPTIONAL = ("needs", "availability")
KEYS: dict[str, tuple[str, ...]] = {
    "districts": ("district_id",), "sessions": ("session_id",), "points": ("point_id",),
    "teams": ("team_id",), "supplies": ("item_id",),
    "needs": ("point_id", "session_id", "role"), "availability": ("team_id", "session_id"),
}
# (table, column) -> (table it refers to, that table's id column)
REFERENCES = {
    ("points", "district_id"): ("districts", "district_id"),
    ("teams", "district_id"): ("districts", "district_id"),
    ("needs", "point_id"): ("points", "point_id"),
    ("needs", "session_id"): ("sessions", "session_id"),
    ("availability", "team_id"): ("teams", "team_id"),
    ("availability", "session_id"): ("sessions", "session_id"),
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
_LINE = "_line"
_BAD = "_bad"
# A plain number: digits with an optional sign, decimals and exponent (no "nan", "inf" or "1_000").
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: every table typed, sorted by id and cross-referenced.

    Treat it as read-only; :meth:`replace` returns a changed copy.

    Attributes
    ----------
    config : ScenarioConfig
        ``scenario.yaml``: name, description, sources, settings, needs rules, weights.
    districts, sessions, points, teams, supplies : pandas.DataFrame
        The contract's tables with the contract's columns (plus any optional ones).
        Sessions are in time order, every other table in id order.
    needs : pandas.DataFrame
        ``point_id, session_id, role, volunteers`` for every need above zero, from
        ``needs.csv`` or derived from ``config.needs`` (see ``needs_from_file``).
    availability : pandas.DataFrame
        ``team_id, session_id, volunteers`` for every team and session: from
        ``availability.csv`` where it says, the team's ``volunteers`` elsewhere.
    source : str
        Where the scenario was read from, for messages.
    warnings : tuple of str
        Things worth a look that do not stop planning.
    """

    config: ScenarioConfig
    districts: pd.DataFrame
    sessions: pd.DataFrame
    points: pd.DataFrame
    teams: pd.DataFrame
    supplies: pd.DataFrame
    needs: pd.DataFrame
    availability: pd.DataFrame
    needs_from_file: bool
    source: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def max_travel_km(self) -> float | None:
        return self.config.settings.max_travel_km

    def replace(self, **changes: object) -> Scenario:
        """A copy with some fields replaced (tables are not re-checked)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def not_a_scenario(path: Path) -> str:
    """Why ``path`` is neither a scenario folder nor an .xlsx workbook, in words for staff."""
    if not path.exists():
        return "does not exist; expected a scenario folder or an .xlsx workbook"
    if path.suffix.lower() in (".xls", ".xlsm", ".xlsb", ".et", ".ods", ".numbers"):
        return "is not an .xlsx workbook; open it in Excel or WPS and save it as 'Excel Workbook (*.xlsx)'"
    return "is a file, not a scenario (expected a folder with scenario.yaml and CSV files, or an .xlsx workbook)"


def read_folder(folder: Path) -> tuple[str | None, dict[str, RawTable | None], list[Problem]]:
    """The text of a scenario folder's files, unchecked: scenario.yaml, and each table found.

    Only the contract's file names are read, and only when they stay inside the folder
    (a link to a file elsewhere is refused).

    Returns
    -------
    config_text : str or None
        None when scenario.yaml is missing or unreadable (a problem says why).
    raw : dict
        Table name to its text (None when it could not be read); absent tables are left out.
    problems : list of Problem
    """
    problems: list[Problem] = []
    config_text: str | None = None
    yaml_path = folder / "scenario.yaml"
    if (yaml_path.exists() or yaml_path.is_symlink()) and not lies_within(yaml_path, folder, unknown=False):
        problems.append(Problem("scenario.yaml", None, None, "points outside the scenario folder"))
    elif yaml_path.is_file():
        problem: Problem | None
        try:
            config_text, problem = decode(yaml_path.read_bytes(), "scenario.yaml")
        except OSError as exc:
            problem = Problem("scenario.yaml", None, None, f"cannot be read ({exc.strerror})")
        if problem:
            problems.append(problem)
    elif yaml_path.exists():
        problems.append(Problem("scenario.yaml", None, None, "is not a file"))
    else:
        problems.append(Problem("scenario.yaml", None, None, "is missing; it must hold at least 'name: ...'"))
    raw: dict[str, RawTable | None] = {}
    for table in REQUIRED + OPTIONAL:
        file = f"{table}.csv"
        csv_path = folder / file
        if not csv_path.exists() and not csv_path.is_symlink():
            if table in REQUIRED:
                names = ", ".join(c.name for c in TABLES[table])
                problems.append(Problem(file, None, None, f"is missing; it is required (columns: {names})"))
                raw[table] = None
            continue
        raw[table] = None
        if not lies_within(csv_path, folder, unknown=False):
            problems.append(Problem(file, None, None, "points outside the scenario folder"))
        elif not csv_path.is_file():
            problems.append(Problem(file, None, None, "is not a file"))
        else:
            raw[table], found = read_csv_text(csv_path, file)
            problems.extend(found)
    return config_text, raw, problems


def build_scenario(
    config: str | ScenarioConfig | None,
    raw: Mapping[str, RawTable | None],
    *,
    source: str = "",
    problems: list[Problem] | None = None,
    notes: tuple[str, ...] = (),
) -> Scenario:
    """Check raw tables (from CSV files or workbook sheets) and build a :class:`Scenario`.

    Parameters
    ----------
    config : str or ScenarioConfig or None
        The text of scenario.yaml, or a config already read (from a workbook sheet); None
        when it could not be read (``problems`` then says why).
    raw : mapping of table name to RawTable
        The tables as text; None for a table that could not be read.
    source : str
        Where the scenario came from, for messages.
    problems : list of Problem, optional
        Problems found while reading, reported with the rest.
    notes : tuple of str
        Warnings found while reading, kept in :attr:`Scenario.warnings`.

    Raises
    ------
    ScenarioError
        Every problem found, in file, line and column order.
    """
    problems = list(problems or [])
    if isinstance(config, str):
        config, found = parse_config(config)
        problems.extend(found)
    for name in REQUIRED:
        if name not in raw:  # a reader reports a table it could not read as None, with its problem
            columns = ", ".join(c.name for c in TABLES[name])
            problems.append(Problem(f"{name}.csv", None, None, f"is missing; it is required (columns: {columns})"))
    tables: dict[str, pd.DataFrame] = {}
    for table, table_raw in raw.items():
        if table_raw is None:
            continue
        typed, found = _typed_table(table_raw, TABLES[table])
        problems.extend(found)
        if typed is not None:
            tables[table] = typed
    problems.extend(_check_keys(tables, raw))
    problems.extend(_check_references(tables, raw))
    problems.extend(_check_rows(tables, raw))
    if problems or config is None:
        raise ScenarioError(sorted(set(problems), key=_problem_order))
    clean = {name: df.drop(columns=[_LINE, _BAD]) for name, df in tables.items()}
    clean["sessions"] = clean["sessions"].sort_values(["date", "start", "session_id"], kind="stable")
    for name in clean:
        if name != "sessions":
            clean[name] = clean[name].sort_values(list(KEYS[name]), kind="stable")
        clean[name] = clean[name].reset_index(drop=True)
    needs_from_file = "needs" in clean
    if needs_from_file:
        needs = clean["needs"][clean["needs"]["volunteers"] > 0]
        needs = _order(needs, clean, ["point_id", "session_id", "role"])
    else:
        needs = derive_needs(clean["points"], clean["sessions"], config)
    availability = _full_availability(clean["teams"], clean["sessions"], clean.get("availability"))
    warnings = [*notes, *unknown_setting_warnings(config), *_warnings(clean)]
    return Scenario(
        config=config,
        districts=clean["districts"], sessions=clean["sessions"], points=clean["points"],
        teams=clean["teams"], supplies=clean["supplies"],
        needs=needs.reset_index(drop=True), availability=availability,
        needs_from_file=needs_from_file, source=source, warnings=tuple(warnings),
    )


def _problem_order(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.file, problem.line or 0, problem.column or "", problem.message)


def _typed_table(raw: RawTable, columns: tuple[Column, ...]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Turn text cells into typed columns; every bad cell is one problem.

    The typed table carries each row's line (``_line``) and the names of its columns that
    could not be read (``_bad``), so later checks do not pile guesses on a bad cell.
    """
    if len(set(raw.header)) != len(raw.header) or "" in raw.header:
        return None, []  # the header itself is wrong; reading it said so
    problems = []
    missing = [c.name for c in columns if c.name not in raw.header]
    for name in missing:
        problems.append(Problem(raw.file, raw.header_line, name, "is missing from the header" + _meant(name, raw)))
    if missing:
        return None, problems
    frame = pd.DataFrame(raw.rows, columns=raw.header, dtype=object)
    frame = frame.astype({name: str for name in raw.header}) if len(frame) else frame
    lines = pd.Series(raw.lines, dtype="int64", index=frame.index)
    problems.extend(_control_characters(frame, raw.file, lines))
    typed = frame.copy()
    bad = pd.Series([frozenset()] * len(frame), index=frame.index, dtype=object)
    for column in columns:
        values, found = _parse_column(frame[column.name].str.strip(), column, raw.file, lines)
        problems.extend(found)
        typed[column.name] = values
        if found:
            failed = set(lines.index[lines.isin({p.line for p in found})])
            bad = pd.Series([b | {column.name} if i in failed else b for i, b in bad.items()], index=bad.index,
                            dtype=object)
    typed[_LINE] = lines
    typed[_BAD] = bad
    return typed, problems


def _meant(name: str, raw: RawTable) -> str:
    """A hint when the header holds the column under another spelling (``Team ID`` for ``team_id``)."""
    def key(text: str) -> str:
        return re.sub(r"[\s_\-]+", "", text).casefold()

    found = [h for h in raw.header if key(h) == key(name)]
    return f" (the header has {found[0]!r}: write it {name})" if found else ""


# What an xlsx file cannot hold (the XML 1.0 control characters), and what no scenario needs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _control_characters(frame: pd.DataFrame, file: str, lines: pd.Series) -> list[Problem]:
    problems = []
    for name in frame.columns:
        found = frame[name].str.contains(_CONTROL)
        for i in found[found].index:
            char = _CONTROL.search(str(frame.at[i, name]))
            assert char is not None
            problems.append(Problem(file, int(lines[i]), name,
                                    f"holds the invisible control character U+{ord(char.group()):04X}, which "
                                    "Excel cannot store; delete it"))
    return problems


def _bad(file: str, lines: pd.Series, column: str, mask: pd.Series, texts: pd.Series, expected: str) -> list[Problem]:
    return [
        Problem(file, int(lines[i]), column,
                f"expected {expected}, got {texts[i]!r}" if texts[i] else f"expected {expected}, got an empty cell")
        for i in mask[mask].index
    ]


def _parse_column(texts: pd.Series, column: Column, file: str, lines: pd.Series) -> tuple[pd.Series, list[Problem]]:
    name = column.name
    if column.kind == "id":
        return texts, _bad(file, lines, name, texts == "", texts, "an id (text that is not empty)")
    if column.kind == "text":
        return texts, []
    if column.kind == "choice":
        bad = ~texts.isin(column.choices)
        return texts, _bad(file, lines, name, bad, texts, "one of " + ", ".join(column.choices))
    shown = texts
    # Full-width digits and colons (typed with a Chinese input method) are the same numbers.
    if len(texts) and not texts.str.isascii().all():
        texts = texts.map(lambda text: unicodedata.normalize("NFKC", text))
    if column.kind == "date":
        parsed = pd.to_datetime(texts.where(texts.str.match(_DATE)), format="%Y-%m-%d", errors="coerce")
        return texts, _bad(file, lines, name, parsed.isna(), shown, "a date as YYYY-MM-DD")
    if column.kind == "time":
        ok = texts.str.match(_TIME)
        parts = texts.where(ok, "99:99").str.split(":", expand=True) if len(texts) else None
        if parts is not None:
            ok &= (parts[0].astype(int) < 24) & (parts[1].astype(int) < 60)
        normalised = texts.where(~ok, texts.str.zfill(5))
        return normalised, _bad(file, lines, name, ~ok, shown, "a time as HH:MM")
    if column.kind == "decimal":
        # Kept as text and read exactly (Fraction) where used: 0.1 stays one tenth.
        mask = pd.Series([_decimal(text, column) is None for text in texts], index=texts.index, dtype=bool)
        return texts, _bad(file, lines, name, mask, shown,
                           f"a number from {_num(column.minimum)} to {_num(column.maximum)}")
    numbers = pd.to_numeric(texts.where(texts.str.match(_NUMBER)), errors="coerce")
    finite = numbers.notna() & np.isfinite(numbers.fillna(0))
    if column.kind == "int":
        ok = finite & (numbers.fillna(0) % 1 == 0)
        expected = "a whole number"
    else:
        ok = finite
        expected = "a number"
    if column.minimum is not None:
        ok &= numbers.fillna(0) >= column.minimum
    if column.kind == "int":
        expected += f" {_num(column.minimum)} or more"
        too_big = ok & (numbers.fillna(0) > MAX_COUNT)
        ok &= ~too_big
        problems = _bad(file, lines, name, ~ok & ~too_big, shown, expected)
        problems += _bad(file, lines, name, too_big, shown, f"a whole number up to {MAX_COUNT:,} (a typing mistake?)")
        return numbers.where(ok, 0).astype("int64"), problems
    if column.maximum is not None:
        ok &= numbers.fillna(0) <= column.maximum
    if column.minimum is not None and column.maximum is not None:
        expected += f" from {_num(column.minimum)} to {_num(column.maximum)}"
    problems = _bad(file, lines, name, ~ok, shown, expected)
    return numbers.where(ok, 0).astype(float), problems


def _num(value: float | None) -> str:
    """A bound as staff write it: 1,000,000 rather than 1e+06."""
    value = value or 0
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _file(raw: Mapping[str, RawTable | None], name: str) -> str:
    table = raw.get(name)
    return table.file if table is not None else f"{name}.csv"


def _line(frame: pd.DataFrame, i: Any) -> int:
    return int(frame[_LINE].loc[i])


def _decimal(text: str, column: Column) -> Decimal | None:
    """A number written in decimals (``0.25``, ``2``), within the column's range; else None."""
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or (column.minimum is not None and value < Decimal(str(column.minimum))):
        return None
    if column.maximum is not None and value > Decimal(str(column.maximum)):
        return None
    return value


def _check_keys(tables: dict[str, pd.DataFrame], raw: Mapping[str, RawTable | None]) -> list[Problem]:
    problems = []
    for name, frame in tables.items():
        keys = list(KEYS[name])
        # Rows whose keys could not be read are reported already; repeats among them are noise.
        key_set = set(keys)
        readable = frame[frame[_BAD].map(key_set.isdisjoint).astype(bool)]
        first_line = readable.groupby(keys)[_LINE].transform("min")
        duplicated = readable.duplicated(keys, keep="first")
        for i in duplicated[duplicated].index:
            values = ", ".join(f"{k}={frame.at[i, k]!r}" for k in keys)
            column = keys[0] if len(keys) == 1 else None
            problems.append(Problem(_file(raw, name), _line(frame, i), column,
                                    f"repeats {values}, already on line {int(first_line.loc[i])}"))
    return problems


def _check_references(tables: dict[str, pd.DataFrame], raw: Mapping[str, RawTable | None]) -> list[Problem]:
    problems = []
    for (name, column), (target, target_column) in REFERENCES.items():
        if name not in tables or target not in tables:
            continue
        frame = tables[name]
        known = set(tables[target][target_column])
        target_raw = raw.get(target)
        if target_raw is not None:  # an id in a row left out (reported already) is not unknown
            known.update(cell for row in target_raw.left_out for cell in row)
        unknown = ~frame[column].isin(known) & (frame[column] != "")
        for i in unknown[unknown].index:
            problems.append(Problem(_file(raw, name), _line(frame, i), column,
                                    f"{frame.at[i, column]!r} is not a {target_column} in {_file(raw, target)}"))
    return problems


def _check_rows(tables: dict[str, pd.DataFrame], raw: Mapping[str, RawTable | None]) -> list[Problem]:
    problems = []

    def flag(name: str, frame: pd.DataFrame, mask: pd.Series, column: str, message: str) -> None:
        # Rows with a cell that could not be read are left out: comparing its stand-in 0 says nothing.
        involved = {column, *re.findall(r"{(\w+)", message)}
        mask = mask & frame[_BAD].map(involved.isdisjoint).astype(bool)
        for i in mask[mask].index:
            values = frame.loc[i].to_dict()
            problems.append(Problem(_file(raw, name), _line(frame, i), column, message.format(**values)))

    if "teams" in tables:
        teams = tables["teams"]
        flag("teams", teams, teams["first_aid"] > teams["volunteers"], "first_aid",
             "{first_aid} first-aiders is more than the team's {volunteers} volunteers")
        flag("teams", teams, teams["counsellors"] > teams["volunteers"], "counsellors",
             "{counsellors} counsellors is more than the team's {volunteers} volunteers")
        if "availability" in tables:
            # Members of teams listed once and readable; repeated ids are reported by the key check.
            known = teams[teams[_BAD].map(lambda bad: "volunteers" not in bad).astype(bool)]
            known = known.drop_duplicates("team_id")
            availability = tables["availability"].merge(
                known[["team_id", "volunteers"]].rename(columns={"volunteers": "members"}),
                on="team_id", how="left",
            )
            availability.index = tables["availability"].index
            flag("availability", availability, availability["volunteers"] > availability["members"].fillna(np.inf),
                 "volunteers", "{volunteers} free is more than team {team_id}'s {members:.0f} volunteers")
    if "supplies" in tables and "points" in tables and len(tables["points"]):
        # The solver weighs an item's share by what a point wants: near 1e15 HiGHS refuses it.
        supplies, points = tables["supplies"], tables["points"]
        largest = {"parent": points["parents"].max(), "staff": points["frontline_staff"].max(), "point": 1}
        base = supplies["basis"].map(largest).fillna(0).astype(float)
        rate = pd.to_numeric(supplies["per_unit"], errors="coerce").fillna(0)
        most = supplies.assign(_most=(rate * base).map(lambda x: f"{math.ceil(x):,}"))
        flag("supplies", most, rate * base > MAX_WANTED, "per_unit",
             f"{{per_unit}} per {{basis}} makes one point want {{_most}} units, more than {MAX_WANTED:,} "
             "(a typing mistake?)")
    if "sessions" in tables:
        sessions = tables["sessions"]
        timed = sessions["start"].str.match(_TIME) & sessions["end"].str.match(_TIME)
        flag("sessions", sessions, timed & (sessions["end"] <= sessions["start"]), "end",
             "the session ends at {end}, not after it starts at {start}")
    return problems


def _order(frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """Sort a (point, session, ...) table with sessions in time order."""
    session_rank = {s: i for i, s in enumerate(tables["sessions"]["session_id"])}
    return frame.assign(_rank=frame["session_id"].map(session_rank)).sort_values(
        [keys[0], "_rank", *keys[2:]], kind="stable"
    ).drop(columns="_rank")


def derive_needs(points: pd.DataFrame, sessions: pd.DataFrame, config: ScenarioConfig) -> pd.DataFrame:
    """Needs from the rules in scenario.yaml: the same in every session, none at closed points.

    needed = max(minimum, per_point + ceil(parents / parents_per_volunteer)), exactly (no
    floating-point rounding).
    """
    rows: list[tuple[str, str, str, int]] = []
    for role in ROLES:
        rule = config.needs.rule(role)
        per_parent = Fraction(str(rule.parents_per_volunteer)) if rule.parents_per_volunteer else None
        for point_id, parents, capacity in zip(points["point_id"], points["parents"], points["capacity"], strict=True):
            if capacity <= 0:
                continue
            needed = rule.per_point + (math.ceil(Fraction(int(parents)) / per_parent) if per_parent else 0)
            needed = max(rule.minimum, needed)
            if needed > 0:
                rows.extend((point_id, session_id, role, needed) for session_id in sessions["session_id"])
    needs = pd.DataFrame(rows, columns=["point_id", "session_id", "role", "volunteers"])
    needs["volunteers"] = needs["volunteers"].astype("int64")
    role_rank = {r: i for i, r in enumerate(ROLES)}
    session_rank = {s: i for i, s in enumerate(sessions["session_id"])}
    return needs.sort_values(
        ["point_id", "session_id", "role"],
        key=lambda c: c.map(session_rank) if c.name == "session_id" else (c.map(role_rank) if c.name == "role" else c),
        kind="stable",
    ).reset_index(drop=True)


def _full_availability(teams: pd.DataFrame, sessions: pd.DataFrame, given: pd.DataFrame | None) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([teams["team_id"], sessions["session_id"]], names=["team_id", "session_id"])
    full = pd.Series(np.repeat(teams["volunteers"].to_numpy(), len(sessions)), index=grid, name="volunteers")
    if given is not None and len(given):
        full.update(given.set_index(["team_id", "session_id"])["volunteers"])
    return full.astype("int64").reset_index()


def _warnings(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    notes = []
    if "availability" in tables and len(tables["availability"]):
        listed = tables["availability"].groupby("team_id")["session_id"].nunique()
        partial = listed[listed < len(tables["sessions"])]
        for team_id, count in partial.items():
            notes.append(f"availability.csv lists team {team_id} for {count} of {len(tables['sessions'])} "
                         "sessions; in the others all its volunteers count as free")
    return notes


def wanted_supplies(scenario: Scenario, *, factors: Mapping[str, Fraction] | None = None) -> pd.DataFrame:
    """Units of each item each point wants: ceil(per_unit x base), computed exactly.

    Parameters
    ----------
    scenario : Scenario
    factors : mapping of item_id to Fraction, optional
        Multiplies ``per_unit`` (a weather preset, say); 1 where absent.

    Returns
    -------
    pandas.DataFrame
        ``item_id, point_id, wanted`` for every item and point, items then points in id order.
    """
    points = scenario.points
    bases = {
        "parent": points["parents"].to_numpy(dtype=object),
        "staff": points["frontline_staff"].to_numpy(dtype=object),
        "point": np.ones(len(points), dtype=object),
    }
    wanted = []
    factors = factors or {}
    items = scenario.supplies["item_id"]
    for item_id, basis, per_unit in zip(items, scenario.supplies["basis"], scenario.supplies["per_unit"],
                                        strict=True):
        rate = Fraction(per_unit) * factors.get(item_id, Fraction(1))
        # ceil(a / b) for whole numbers is -((-a) // b): exact where floats are not (0.1 x 30).
        wanted.append((-((-rate.numerator * bases[basis]) // rate.denominator)).astype("int64"))
    if not wanted:
        return pd.DataFrame({"item_id": pd.Series(dtype=str), "point_id": pd.Series(dtype=str),
                             "wanted": pd.Series(dtype="int64")})
    return pd.DataFrame({"item_id": np.repeat(items.to_numpy(), len(points)),
                         "point_id": np.tile(points["point_id"].to_numpy(), len(items)),
                         "wanted": np.concatenate(wanted)})


def scenario_tables(scenario: Scenario) -> dict[str, tuple[list[str], list[list[object]]]]:
    """The tables :func:`save_scenario` writes, as (header, rows): contract columns first, then the rest.

    needs is left out when the needs come from the rules in scenario.yaml, availability when
    every member is free in every session.
    """

    def table(name: str, frame: pd.DataFrame) -> tuple[list[str], list[list[object]]]:
        contract = [c.name for c in TABLES[name]]
        header = contract + [c for c in frame.columns if c not in contract]
        return header, frame[header].astype(object).values.tolist()

    tables = {name: table(name, getattr(scenario, name)) for name in REQUIRED}
    if scenario.needs_from_file:
        tables["needs"] = table("needs", scenario.needs)
    members = scenario.availability.merge(scenario.teams[["team_id", "volunteers"]], on="team_id",
                                          suffixes=("", "_all"))
    fewer = members[members["volunteers"] < members["volunteers_all"]]
    if len(fewer):
        tables["availability"] = table("availability", fewer[["team_id", "session_id", "volunteers"]])
    return tables


def config_yaml(config: ScenarioConfig) -> str:
    """scenario.yaml for a config: every key written out, defaults included, multi-line text as blocks."""
    data = config.model_dump(exclude_defaults=False)
    return yaml_module.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False)


class _BlockDumper(yaml_module.SafeDumper):
    """YAML with multi-line text as readable ``|`` blocks."""


def _str_presenter(dumper: yaml_module.SafeDumper, data: str) -> yaml_module.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BlockDumper.add_representer(str, _str_presenter)
