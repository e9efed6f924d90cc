"""The contract's tables (docs/scenario-format.md): their columns, keys and references.

Every reader, check and writer of scenarios takes the names from here, so a column is
declared once. The project's additions are documented in ``docs/scenario-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.io.settings import ROLES

CATEGORIES = ("basic", "emergency", "leisure", "emotional", "pack")
HOME_POINT = "home_point_id"  # an optional column of teams.csv (docs/scenario-format.md)
NO_HOME = "-"  # in it: the team has no home point
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
OPTIONAL: tuple[str, ...] = ("needs", "availability")
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
    # Optional: the point a team takes on (its home point); blank: the planner chooses, "-": none.
    ("teams", HOME_POINT): ("points", "point_id"),
}

# Contract version 2: named volunteers, one row per person (optional columns phone and
# free_sessions; planner/io/people.py checks what spans rows and files).
TABLES["volunteers"] = (
    *_ids("person_id"), Column("name", "text"), *_ids("team_id"),
    Column("first_aid", "choice", choices=("0", "1")), Column("counsellor", "choice", choices=("0", "1")),
)
OPTIONAL = (*OPTIONAL, "volunteers")
KEYS["volunteers"] = ("person_id",)
REFERENCES[("volunteers", "team_id")] = ("teams", "team_id")

# Optional columns that hold text (phone numbers keep a leading 0 or +86 in a workbook), and
# optional whole-number columns; docs/scenario-format.md, "Where, when, who".
OPTIONAL_COLUMNS: dict[str, tuple[Column, ...]] = {
    "volunteers": (Column("phone", "text"), Column("free_sessions", "text")),
    "teams": (Column("leader", "text"), Column("leader_phone", "text")),
    "points": (Column("address", "text"), Column("site", "text"), Column("report_minutes", "int", 0, 600)),
}
# Version 2 of the contract: pinned assignments (pins.csv), an optional table. A pin keeps at
# least ``volunteers`` of a team at a point in a session and role (planner/io/pins.py checks
# it against the scenario's rules; planner/results/pinned.py makes every plan keep it).
PINS = "pins"
TABLES[PINS] = (*_ids("team_id", "point_id", "session_id"), Column("role", "choice", choices=ROLES),
                Column("volunteers", "int", 0))
OPTIONAL = (*OPTIONAL, PINS)
KEYS[PINS] = ("team_id", "point_id", "session_id", "role")
REFERENCES.update({
    (PINS, "team_id"): ("teams", "team_id"),
    (PINS, "point_id"): ("points", "point_id"),
    (PINS, "session_id"): ("sessions", "session_id"),
})
