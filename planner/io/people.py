"""Named volunteers (volunteers.csv, contract version 2) and the optional who-and-where columns.

The cell checks of :mod:`planner.io.checks` type every column declared in
:mod:`planner.io.schema`; this module checks what spans rows and files: each team's persons
against its counts in teams.csv, each person's free sessions against sessions.csv and
availability.csv, phone numbers, text Excel would run as a formula, and the optional columns
of points and teams (report time, leader's phone). The rules are in docs/scenario-format.md
("Named volunteers" and "Where, when, who").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import Problem
from planner.io.schema import OPTIONAL_COLUMNS
from planner.io.textfiles import RawTable, from_full_width

# The typed tables of planner.io.checks carry each row's line and its unreadable columns in these.
LINE, BAD = "_line", "_bad"
# A phone number as staff write one: digits, with an optional leading +, spaces, dashes and brackets.
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{3,30}[0-9]$")
# Text a spreadsheet would run as a formula when typed or opened (a name never starts so).
_FORMULA = ("=", "+", "-", "@")
# Free sessions are separated by ";" (the contract's separator; a full-width "；" is an unknown
# session, and the message says how to separate them).
_SEPARATORS = re.compile(";")
FLAG_WORDS = {"first_aid": "first aid", "counsellor": "counselling"}


# free_sessions of a person free in no session, as "-" says "none" for a team's home point: what a
# team out for the rest of the exam leaves its members who were free only then (model/day_changes.py).
NO_SESSION = "-"


def free_session_ids(text: str) -> list[str]:
    """The session ids of a free_sessions cell, as written (blank: none listed, every session; ``-``: none)."""
    if text.strip() == NO_SESSION:
        return []
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def check_people(tables: Mapping[str, pd.DataFrame], raw: Mapping[str, RawTable | None]) -> list[Problem]:
    """Problems of volunteers.csv across files, and of the optional columns of points and teams."""
    problems = _check_optional_columns(tables, raw)
    if "volunteers" not in tables:
        return problems
    people = tables["volunteers"]
    file = _file(raw, "volunteers")
    for column in ("person_id", "name"):
        for i, text in people[column].items():
            if str(text).startswith(_FORMULA):
                problems.append(Problem(file, _line(people, i), column,
                                        f"{text!r} starts with {str(text)[0]!r}, which Excel and WPS run as a "
                                        "formula; write the text without it"))
    problems += _check_free_sessions(people, tables.get("sessions"), file)
    if "teams" in tables:
        problems += _check_counts(people, tables["teams"], file, _file(raw, "teams"))
        if "availability" in tables and "sessions" in tables:
            problems += _check_availability(people, tables["availability"], tables["sessions"], file,
                                            _file(raw, "availability"))
    return problems


def _file(raw: Mapping[str, RawTable | None], name: str) -> str:
    table = raw.get(name)
    return table.file if table is not None else f"{name}.csv"


def _line(frame: pd.DataFrame, i: Any) -> int:
    return int(frame[LINE].loc[i])


def _readable(frame: pd.DataFrame, columns: set[str]) -> pd.Series:
    """Rows whose cells in ``columns`` could be read (a bad cell is reported once, where it is)."""
    return frame[BAD].map(columns.isdisjoint).astype(bool)


def _check_optional_columns(tables: Mapping[str, pd.DataFrame], raw: Mapping[str, RawTable | None]) -> list[Problem]:
    problems = []
    for name, columns in OPTIONAL_COLUMNS.items():
        if name not in tables:
            continue
        frame, file = tables[name], _file(raw, name)
        for column in columns:
            if column.name not in frame.columns:
                continue
            for i, text in frame[column.name].str.strip().items():
                line = _line(frame, i)
                if column.kind == "int" and text:
                    value = from_full_width(text)
                    if not value.isascii() or not value.isdigit() or not (column.minimum or 0) <= int(value) <= (
                            column.maximum or 0):
                        problems.append(Problem(file, line, column.name,
                                                f"expected minutes from {column.minimum:.0f} to {column.maximum:.0f} "
                                                f"(or blank: the scenario's setting), got {text!r}"))
                elif column.name.endswith("phone") and text and not PHONE.match(from_full_width(text)):
                    problems.append(Problem(file, line, column.name,
                                            f"expected a phone number (digits, with +, spaces, - or brackets), "
                                            f"got {text!r}"))
                elif column.kind == "text" and not column.name.endswith("phone") and text.startswith(_FORMULA) \
                        and not (column.name == "free_sessions" and text == NO_SESSION):  # a lone "-" is text
                    problems.append(Problem(file, line, column.name,
                                            f"{text!r} starts with {text[0]!r}, which Excel and WPS run as a formula; "
                                            "write the text without it"))
    return problems


def _check_free_sessions(people: pd.DataFrame, sessions: pd.DataFrame | None, file: str) -> list[Problem]:
    if "free_sessions" not in people.columns or sessions is None:
        return []
    known = set(sessions["session_id"])
    problems = []
    for i, text in people["free_sessions"].items():
        seen: set[str] = set()
        for session_id in free_session_ids(str(text)):
            line = _line(people, i)
            if session_id not in known:
                problems.append(Problem(file, line, "free_sessions",
                                        f"{session_id!r} is not a session_id in sessions.csv (separate sessions "
                                        "with ;)"))
            elif session_id in seen:
                problems.append(Problem(file, line, "free_sessions", f"lists session {session_id!r} twice"))
            seen.add(session_id)
    return problems


def _check_counts(people: pd.DataFrame, teams: pd.DataFrame, file: str, teams_file: str) -> list[Problem]:
    """Each team's volunteers, first_aid and counsellors in teams.csv equal its persons in volunteers.csv."""
    usable = people[_readable(people, {"team_id", "first_aid", "counsellor"})]
    if len(usable) < len(people[_readable(people, {"team_id"})]):
        return []  # a flag that could not be read: the counts would be guesses
    flags = usable.assign(first_aid=usable["first_aid"].astype(int), counsellor=usable["counsellor"].astype(int))
    counts = flags.groupby("team_id").agg(volunteers=("person_id", "size"), first_aid=("first_aid", "sum"),
                                          counsellors=("counsellor", "sum"))
    problems = []
    words = {"volunteers": "persons", "first_aid": "first-aiders", "counsellors": "counsellors"}
    for _, team in teams.iterrows():
        listed = counts.loc[team["team_id"]] if team["team_id"] in counts.index else None
        for column, word in words.items():
            if column in team[BAD]:
                continue
            named = int(str(listed[column])) if listed is not None else 0
            if int(team[column]) != named:
                problems.append(Problem(teams_file, int(team[LINE]), column,
                                        f"team {team['team_id']} has {int(team[column])} {word} here, but {file} "
                                        f"lists {named} of its {word}; the two files must agree"))
    return problems


def _check_availability(people: pd.DataFrame, availability: pd.DataFrame, sessions: pd.DataFrame, file: str,
                        availability_file: str) -> list[Problem]:
    """Members free as availability.csv says them equal the persons free then in volunteers.csv."""
    free = free_matrix(people, sessions["session_id"].tolist())
    by_team = pd.DataFrame(free, columns=sessions["session_id"].tolist()).assign(team_id=people["team_id"].to_numpy())
    named = by_team.groupby("team_id").sum()
    problems = []
    for _, row in availability[_readable(availability, {"volunteers"})].iterrows():
        team_id, session_id = row["team_id"], row["session_id"]
        if session_id not in named.columns:
            continue
        count = int(str(named.at[team_id, session_id])) if team_id in named.index else 0
        if int(row["volunteers"]) != count:
            problems.append(Problem(availability_file, int(row[LINE]), "volunteers",
                                    f"team {team_id} has {int(row['volunteers'])} free in session {session_id} here, "
                                    f"but {file} has {count} of its persons free then; the two files must agree"))
    return problems


def free_matrix(people: pd.DataFrame, session_ids: list[str]) -> np.ndarray:
    """persons x sessions: whether each person is free in each session (blank free_sessions: in all; ``-``: none)."""
    free = np.ones((len(people), len(session_ids)), dtype=bool)
    if "free_sessions" not in people.columns:
        return free
    position = {s: k for k, s in enumerate(session_ids)}
    for row, text in enumerate(people["free_sessions"].astype(str)):
        listed = [position[s] for s in free_session_ids(text) if s in position]
        if free_session_ids(text) or text.strip() == NO_SESSION:
            free[row] = False
            free[row, listed] = True
    return free


def person_table(people: pd.DataFrame) -> pd.DataFrame:
    """volunteers.csv checked: flags as whole numbers, phone and free_sessions as text ("" when blank)."""
    out = people.assign(first_aid=people["first_aid"].astype("int64"), counsellor=people["counsellor"].astype("int64"))
    for column in ("phone", "free_sessions"):
        if column in out.columns:
            out[column] = out[column].fillna("").astype(str).str.strip()
    return out.reset_index(drop=True)


def named_availability(teams: pd.DataFrame, sessions: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """``team_id, session_id, volunteers`` for every team and session: its persons free then."""
    session_ids = sessions["session_id"].tolist()
    free = pd.DataFrame(free_matrix(people, session_ids), columns=session_ids).assign(
        team_id=people["team_id"].to_numpy())
    counts = free.groupby("team_id").sum().reindex(teams["team_id"], fill_value=0)
    grid = counts.to_numpy(dtype="int64").reshape(-1)
    return pd.DataFrame({"team_id": np.repeat(teams["team_id"].to_numpy(), len(session_ids)),
                         "session_id": np.tile(np.array(session_ids, dtype=object), len(teams)),
                         "volunteers": grid})


def with_new_team(people: pd.DataFrame, team_id: str, n: int, role: str, session_id: str = "") -> pd.DataFrame:
    """``people`` (volunteers.csv as read) and ``n`` persons of a team added to the scenario: person_id
    ``<team_id>/<k>``, no name, all trained for ``role`` (general: untrained), free only in
    ``session_id`` when given, else in every session. A team added to a scenario with volunteers.csv
    is one of listed persons, as every team there is (a suggestion's "one more team", its trial)."""
    if "free_sessions" not in people.columns:  # (blank: every session, as for the persons listed)
        people = people.assign(free_sessions="")
    added = pd.DataFrame({column: [""] * n for column in people.columns})
    added["person_id"] = [f"{team_id}/{k}" for k in range(1, n + 1)]
    added["team_id"] = team_id
    added["first_aid"] = int(role == "first_aid")
    added["counsellor"] = int(role == "counsellor")
    added["free_sessions"] = session_id
    return pd.concat([people, added.astype(people.dtypes.to_dict())], ignore_index=True)


__all__ = ["NO_SESSION", "check_people", "free_matrix", "free_session_ids", "named_availability", "person_table",
           "with_new_team"]
