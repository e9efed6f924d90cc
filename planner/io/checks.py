"""Checking a scenario: every cell typed, every key, reference and row rule, then a :class:`Scenario`.

The checks take a scenario as text, however it was read (a folder's CSV files or a
workbook's sheets, both as a :class:`~planner.io.raw.RawScenario`), and report every
problem at once, each naming file, line and column. The rules are those of
``docs/scenario-format.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import Problem, ScenarioError
from planner.geo import distance_km
from planner.io.people import check_people, named_availability, person_table
from planner.io.pins import order_pins, pin_problems
from planner.io.raw import RawScenario
from planner.io.scenario import Scenario, derive_needs, full_availability
from planner.io.schema import HOME_POINT, KEYS, NO_HOME, PINS, REFERENCES, REQUIRED, TABLES, Column
from planner.io.settings import MAX_COUNT, MAX_WANTED, ScenarioConfig, parse_config, unknown_setting_warnings
from planner.io.textfiles import CONTROL, RawTable, from_full_width

# Digits are ASCII only (full-width ones are made ASCII first): "\d" would take Arabic-Indic digits too.
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TIME = re.compile(r"^[0-9]{1,2}:[0-9]{2}$")
_LINE = "_line"
_BAD = "_bad"
# A plain number: digits with an optional sign, decimals and exponent (no "nan", "inf" or "1_000").
_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def check_scenario(raw: RawScenario, *, source: str) -> Scenario:
    """Check a scenario as read from a folder or a workbook, and build the :class:`Scenario`.

    Raises
    ------
    ScenarioError
        Every problem found, in file, line and column order.
    """
    return build_scenario(raw.config, raw.tables, source=source, problems=list(raw.problems), notes=raw.notes,
                          column_letters=raw.column_letters)


def build_scenario(
    config: str | ScenarioConfig | None,
    raw: Mapping[str, RawTable | None],
    *,
    source: str = "",
    problems: list[Problem] | None = None,
    notes: tuple[str, ...] = (),
    column_letters: Mapping[str, Mapping[str, str]] | None = None,
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
    column_letters : mapping of file to (column name to letter), optional
        For a workbook's sheets: problems name the column's letter too (``volunteers (E)``).

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
    problems.extend(check_people(tables, raw))  # volunteers.csv and the who-and-where columns
    if problems or config is None:
        ordered = sorted(set(problems), key=_problem_order)
        raise ScenarioError([_with_letter(p, column_letters or {}) for p in ordered])
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
    availability = full_availability(clean["teams"], clean["sessions"], clean.get("availability"))
    volunteers = person_table(clean["volunteers"]) if "volunteers" in clean else None
    if volunteers is not None:  # the persons free in a session are the members free then (they agree)
        availability = named_availability(clean["teams"], clean["sessions"], volunteers)
    warnings = [*notes, *unknown_setting_warnings(config), *_warnings(clean)]
    scenario = Scenario(
        config=config,
        districts=clean["districts"], sessions=clean["sessions"], points=clean["points"],
        teams=clean["teams"], supplies=clean["supplies"],
        needs=needs.reset_index(drop=True), availability=availability,
        needs_from_file=needs_from_file, source=source, warnings=tuple(warnings), volunteers=volunteers,
    )
    homes = _check_homes(scenario, tables["teams"], _file(raw, "teams"))
    if homes:
        raise ScenarioError([_with_letter(p, column_letters or {}) for p in homes])
    # Pins (contract version 2) are checked against the scenario's rules once it is whole.
    if PINS in tables:
        found = pin_problems(scenario, tables[PINS], _file(raw, PINS))
        if found:
            raise ScenarioError([_with_letter(p, column_letters or {}) for p in sorted(found, key=_problem_order)])
        scenario = scenario.replace(pins=order_pins(clean[PINS], scenario))
    return scenario



def _check_homes(scenario: Scenario, teams: pd.DataFrame, file: str) -> list[Problem]:
    """A home point (the point a team takes on) beyond the travel reach of the team's district.

    The model plans a team at its home only within reach, so such a home would be passed over
    without a word: the team would never be planned where its leader agreed to be.
    """
    reach = scenario.max_travel_km
    if reach is None or HOME_POINT not in teams.columns:
        return []
    named = teams[~teams[HOME_POINT].isin(["", NO_HOME])]
    if not len(named):
        return []
    districts = scenario.districts.set_index("district_id")
    points = scenario.points.set_index("point_id")
    km = distance_km(districts["lat"].reindex(named["district_id"]).to_numpy(dtype=float),
                     districts["lon"].reindex(named["district_id"]).to_numpy(dtype=float),
                     points["lat"].reindex(named[HOME_POINT]).to_numpy(dtype=float),
                     points["lon"].reindex(named[HOME_POINT]).to_numpy(dtype=float))
    return [Problem(file, int(line), HOME_POINT,
                    f"home point {point} is {distance:.1f} km from team {team}'s district {district}, beyond "
                    f"max_travel_km {reach:g}: the team could never serve there")
            for line, team, district, point, distance in zip(
                named[_LINE], named["team_id"], named["district_id"], named[HOME_POINT], km, strict=True)
            if distance > reach]


def _problem_order(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.file, problem.line or 0, problem.column or "", problem.message)


def _with_letter(problem: Problem, letters: Mapping[str, Mapping[str, str]]) -> Problem:
    letter = letters.get(problem.file, {}).get(problem.column or "")
    if letter is None:
        return problem
    return Problem(problem.file, problem.line, f"{problem.column} ({letter})", problem.message)


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
    problems.extend(_breaks_in_ids(frame, columns, raw.file, lines))
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
_CONTROL = CONTROL
# What breaks a line or a column in the files an id is written to (a name may hold them: Alt+Enter).
_ID_BREAKS = re.compile("[\t\n\r\x85\u2028\u2029]")


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


def _breaks_in_ids(frame: pd.DataFrame, columns: tuple[Column, ...], file: str, lines: pd.Series) -> list[Problem]:
    problems = []
    for column in columns:
        if column.kind != "id":
            continue
        found = frame[column.name].str.strip().str.contains(_ID_BREAKS)
        for i in found[found].index:
            char = _ID_BREAKS.search(str(frame.at[i, column.name]).strip())
            assert char is not None
            what = "a tab" if char.group() == "\t" else "a line break"
            problems.append(Problem(file, int(lines[i]), column.name,
                                    f"holds {what} (U+{ord(char.group()):04X}), which an id may not hold; delete it"))
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
        texts = texts.map(from_full_width)
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
        if name not in tables or target not in tables or column not in tables[name].columns:
            continue  # an optional column (teams' home point) may be absent
        frame = tables[name]
        known = set(tables[target][target_column])
        target_raw = raw.get(target)
        if target_raw is not None:  # an id in a row left out (reported already) is not unknown
            known.update(cell for row in target_raw.left_out for cell in row)
        unknown = ~frame[column].isin(known) & (frame[column] != "")
        if column == HOME_POINT:
            unknown &= frame[column] != NO_HOME
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


def _warnings(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    notes = []
    if "availability" in tables and len(tables["availability"]):
        listed = tables["availability"].groupby("team_id")["session_id"].nunique()
        partial = listed[listed < len(tables["sessions"])]
        for team_id, count in partial.items():
            notes.append(f"availability.csv lists team {team_id} for {count} of {len(tables['sessions'])} "
                         "sessions; in the others all its volunteers count as free")
    return notes
