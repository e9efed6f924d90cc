"""The scenario as the checker re-reads it from its folder: teams, points, supplies, needs, distances.

Needs come from needs.csv, else from the rules in scenario.yaml (docs/scenario-format.md);
``wanted = ceil(per_unit x base)`` is computed exactly, and distances are haversine.

Every member of every team is a :class:`Person` (contract version 2): from volunteers.csv when
the scenario has one, else numbered within the team, ``<team_id>/<n>``: members 1 to
``first_aid`` are the first-aiders, the last ``counsellors`` the counsellors, and the members
free in a session are the first of the team's availability in the order *trained first* (both
skills, first aid only, counsellor only, neither; each by number).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from planner.verify.reading import (
    OPTIONAL_SCENARIO_FILES,
    SCENARIO_COLUMNS,
    Unusable,
    Violation,
    exact,
    read_table,
    scenario_float,
    scenario_int,
)


class _DatesAsText(yaml.SafeLoader):
    """The safe loader with dates kept as text: a key the checker does not read may hold something
    that looks like a date but is none (``2023-02-30``), which must not make the file unreadable."""


def _date_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node)) if isinstance(node, yaml.ScalarNode) else ""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", _date_text)

ROLES = ("general", "first_aid", "counsellor")
BASES = {"parent": "parents", "staff": "frontline_staff", "point": None}
CATEGORIES = ("basic", "emergency", "leisure", "emotional", "pack")
EARTH_RADIUS_KM = 6371.0

# Default needs rules when scenario.yaml has no ``needs:`` (docs/scenario-format.md).
DEFAULT_NEEDS_RULES: dict[str, dict[str, Any]] = {
    "general": {"parents_per_volunteer": 80, "minimum": 2},
    "first_aid": {"per_point": 1},
}


@dataclass
class Team:
    district_id: str
    volunteers: int
    first_aid: int
    counsellors: int
    max_sessions: int

    def skill(self, role: str) -> int:
        """Members who may serve in ``role`` at once (every member for general)."""
        return {"general": self.volunteers, "first_aid": self.first_aid, "counsellor": self.counsellors}[role]


@dataclass(frozen=True)
class Person:
    """One member of a team: named in volunteers.csv, or numbered ``<team_id>/<n>`` (name empty)."""

    person_id: str
    name: str
    team_id: str
    first_aid: bool
    counsellor: bool
    free: frozenset[str]  # the sessions the person is free in

    def may_serve(self, role: str) -> bool:
        """Whether the person may serve in ``role``: anyone in general, the trained in the others."""
        return {"general": True, "first_aid": self.first_aid, "counsellor": self.counsellor}[role]


@dataclass
class Point:
    district_id: str
    lat: float
    lon: float
    capacity: int
    parents: int
    frontline_staff: int


@dataclass
class Supply:
    stock: int
    basis: str
    per_unit: Fraction


@dataclass
class ScenarioFacts:
    districts: dict[str, tuple[float, float]] = field(default_factory=dict)
    sessions: list[str] = field(default_factory=list)
    points: dict[str, Point] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    availability: dict[tuple[str, str], int] = field(default_factory=dict)
    supplies: dict[str, Supply] = field(default_factory=dict)
    needs: dict[tuple[str, str, str], int] = field(default_factory=dict)
    max_travel_km: float | None = None
    persons: dict[str, Person] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)  # team -> person ids, in member order
    named: bool = False  # the persons come from volunteers.csv
    _distances: dict[tuple[str, str], float] = field(default_factory=dict)

    def unknown_ids(self, team_id: str, point_id: str, session_id: str, role: str) -> list[str]:
        """What a plan row (assignments.csv, roster.csv) names that the scenario does not have."""
        problems = []
        if team_id not in self.teams:
            problems.append(f"unknown team {team_id!r}")
        if point_id not in self.points:
            problems.append(f"unknown point {point_id!r}")
        if session_id not in self.sessions:
            problems.append(f"unknown session {session_id!r}")
        if role not in ROLES:
            problems.append(f"role {role!r} is not one of {', '.join(ROLES)}")
        return problems

    def free(self, team_id: str, session_id: str) -> int:
        """Members of a team free in a session: availability.csv, else all its volunteers."""
        return self.availability.get((team_id, session_id), self.teams[team_id].volunteers)

    def distance_km(self, team_id: str, point_id: str) -> float:
        """Great-circle distance from the team's district centre to the point."""
        district_id = self.teams[team_id].district_id
        key = (district_id, point_id)
        if key not in self._distances:
            lat, lon = self.districts[district_id]
            point = self.points[point_id]
            self._distances[key] = haversine_km(lat, lon, point.lat, point.lon)
        return self._distances[key]

    def wanted(self, item_id: str, point_id: str) -> int:
        """``ceil(per_unit x base)`` computed exactly."""
        supply = self.supplies[item_id]
        attribute = BASES[supply.basis]
        base = 1 if attribute is None else getattr(self.points[point_id], attribute)
        return math.ceil(supply.per_unit * base)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points in decimal degrees (Earth radius 6371 km).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        Latitudes and longitudes in decimal degrees.

    Returns
    -------
    float
        The haversine distance in kilometres.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def read_scenario(folder: Path) -> ScenarioFacts:
    """Read what the checker needs from a scenario folder.

    Raises
    ------
    Unusable
        A required file or column is missing, or a value cannot be read.
    """
    problems: list[Violation] = []
    tables: dict[str, list[dict[str, str]]] = {}
    for name, columns in SCENARIO_COLUMNS.items():
        path = folder / name
        if not path.is_file():
            if name not in OPTIONAL_SCENARIO_FILES:
                problems.append(Violation("scenario", f"{folder}/{name} is missing"))
            continue
        try:
            tables[name] = read_table(path, columns, "scenario")
        except Unusable as exc:
            problems.extend(exc.violations)
    config: dict[str, Any] = {}
    try:
        loaded = yaml.load((folder / "scenario.yaml").read_text(encoding="utf-8-sig"), Loader=_DatesAsText)
        if not isinstance(loaded, dict):
            raise ValueError("it does not hold a mapping of keys")
        config = loaded
    except (OSError, ValueError, yaml.YAMLError) as exc:
        problems.append(Violation("scenario", f"{folder}/scenario.yaml cannot be read: {exc}"))
    if problems:
        raise Unusable(problems)
    try:
        return _facts(tables, config)
    except ValueError as exc:
        raise Unusable([Violation("scenario", str(exc))]) from None


def _facts(tables: Mapping[str, list[dict[str, str]]], config: Mapping[str, Any]) -> ScenarioFacts:
    s = ScenarioFacts()
    for row in tables["districts.csv"]:
        where = f"districts.csv, line {row['_line']}"
        s.districts[row["district_id"]] = (scenario_float(row["lat"], where), scenario_float(row["lon"], where))
    s.sessions = [row["session_id"] for row in tables["sessions.csv"]]
    for row in tables["points.csv"]:
        where = f"points.csv, line {row['_line']}"
        if row["district_id"] not in s.districts:
            raise ValueError(f"{where}: unknown district {row['district_id']!r}")
        counts = {c: scenario_int(row[c], f"{where}, column {c}") for c in ("capacity", "parents", "frontline_staff")}
        s.points[row["point_id"]] = Point(
            row["district_id"], scenario_float(row["lat"], where), scenario_float(row["lon"], where),
            counts["capacity"], counts["parents"], counts["frontline_staff"])
    for row in tables["teams.csv"]:
        where = f"teams.csv, line {row['_line']}"
        if row["district_id"] not in s.districts:
            raise ValueError(f"{where}: unknown district {row['district_id']!r}")
        counts = {c: scenario_int(row[c], f"{where}, column {c}") for c in ("volunteers", "first_aid", "counsellors")}
        s.teams[row["team_id"]] = Team(
            row["district_id"], counts["volunteers"], counts["first_aid"], counts["counsellors"],
            scenario_int(row["max_sessions"], f"{where}, column max_sessions", minimum=1))
    for row in tables.get("availability.csv", []):
        where = f"availability.csv, line {row['_line']}"
        s.availability[(row["team_id"], row["session_id"])] = scenario_int(row["volunteers"], where)
    for row in tables["supplies.csv"]:
        where = f"supplies.csv, line {row['_line']}"
        if row["basis"] not in BASES:
            raise ValueError(f"{where}: basis {row['basis']!r} is not one of {', '.join(BASES)}")
        s.supplies[row["item_id"]] = Supply(
            scenario_int(row["stock"], f"{where}, column stock"), row["basis"],
            exact(row["per_unit"], f"{where}, column per_unit"))
    settings = config.get("settings") or {}
    if isinstance(settings, Mapping) and settings.get("max_travel_km") is not None:
        s.max_travel_km = float(settings["max_travel_km"])
    if "needs.csv" in tables:
        for row in tables["needs.csv"]:
            where = f"needs.csv, line {row['_line']}"
            if row["role"] not in ROLES:
                raise ValueError(f"{where}: role {row['role']!r} is not one of {', '.join(ROLES)}")
            count = scenario_int(row["volunteers"], f"{where}, column volunteers")
            key = (row["point_id"], row["session_id"], row["role"])
            if count > 0:
                s.needs[key] = s.needs.get(key, 0) + count
    else:
        s.needs = _needs_from_rules(s, config.get("needs"))
    if "volunteers.csv" in tables:
        _named_members(s, tables["volunteers.csv"], tables.get("availability.csv", []))
    else:
        _numbered_members(s)
    return s


def _numbered_members(s: ScenarioFacts) -> None:
    """Members ``<team_id>/<n>`` as contract version 2 numbers them, free trained first."""
    for team_id, team in s.teams.items():
        def kind(n: int, team: Team = team) -> int:
            first_aid, counsellor = n <= team.first_aid, n > team.volunteers - team.counsellors
            return {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}[(first_aid, counsellor)]

        order = sorted(range(1, team.volunteers + 1), key=lambda n: (kind(n), n))
        free: dict[int, set[str]] = {n: set() for n in order}
        for session_id in s.sessions:
            for n in order[:s.free(team_id, session_id)]:
                free[n].add(session_id)
        s.members[team_id] = []
        for n in range(1, team.volunteers + 1):
            person_id = f"{team_id}/{n}"
            s.persons[person_id] = Person(person_id, "", team_id, kind(n) in (0, 1), kind(n) in (0, 2),
                                          frozenset(free[n]))
            s.members[team_id].append(person_id)


def _named_members(s: ScenarioFacts, rows: list[dict[str, str]], availability: list[dict[str, str]]) -> None:
    """Persons from volunteers.csv; teams.csv's counts and availability.csv must agree with them."""
    s.named = True
    s.members = {team_id: [] for team_id in s.teams}
    for row in rows:
        where = f"volunteers.csv, line {row['_line']}"
        person_id, team_id = row["person_id"], row["team_id"]
        if not person_id:
            raise ValueError(f"{where}: person_id is empty")
        if person_id in s.persons:
            raise ValueError(f"{where}: person_id {person_id!r} is listed twice")
        if team_id not in s.teams:
            raise ValueError(f"{where}: unknown team {team_id!r}")
        flags = {}
        for column in ("first_aid", "counsellor"):
            flags[column] = scenario_int(row[column], f"{where}, column {column}")
            if flags[column] not in (0, 1):
                raise ValueError(f"{where}, column {column}: expected 1 (trained) or 0, got {row[column]!r}")
        free = frozenset(s.sessions)
        if row.get("free_sessions", "").strip() == "-":  # free in no session (a team out for the rest)
            free = frozenset()
        elif row.get("free_sessions", ""):
            free = frozenset(part.strip() for part in row["free_sessions"].split(";") if part.strip())
            unknown = sorted(free - set(s.sessions))
            if unknown:
                raise ValueError(f"{where}, column free_sessions: unknown session(s) {', '.join(unknown)}")
        s.persons[person_id] = Person(person_id, row["name"], team_id, flags["first_aid"] == 1,
                                      flags["counsellor"] == 1, free)
        s.members[team_id].append(person_id)
    for team_id, team in s.teams.items():
        s.members[team_id].sort()
        persons = [s.persons[p] for p in s.members[team_id]]
        counts = (len(persons), sum(p.first_aid for p in persons), sum(p.counsellor for p in persons))
        if counts != (team.volunteers, team.first_aid, team.counsellors):
            raise ValueError(f"volunteers.csv and teams.csv disagree on team {team_id}: volunteers.csv lists "
                             f"{counts[0]} members ({counts[1]} first-aiders, {counts[2]} counsellors), teams.csv "
                             f"says {team.volunteers} ({team.first_aid} first-aiders, {team.counsellors} counsellors)")
    for row in availability:
        key = (row["team_id"], row["session_id"])
        if key[0] in s.teams and key[1] in s.sessions:
            named = sum(key[1] in s.persons[p].free for p in s.members[key[0]])
            if s.availability[key] != named:
                raise ValueError(f"availability.csv, line {row['_line']}: team {key[0]} has {s.availability[key]} "
                                 f"free in session {key[1]}, but volunteers.csv has {named} of its persons free then")
    s.availability = {(team_id, session_id): sum(session_id in s.persons[p].free for p in s.members[team_id])
                      for team_id in s.teams for session_id in s.sessions}


def _needs_from_rules(s: ScenarioFacts, rules: Any) -> dict[tuple[str, str, str], int]:
    """Needs per open point, session and role from scenario.yaml (docs/scenario-format.md).

    ``needed = max(minimum, per_point + ceil(parents / parents_per_volunteer))``; a key that
    is absent counts as 0 (no parents term). A role absent from ``needs:`` (or ``needs:``
    absent altogether, or a role with nothing after it) takes the documented default rule for that role: general
    ``{parents_per_volunteer: 80, minimum: 2}``, first_aid ``{per_point: 1}``, counsellor none.
    A role's rule, when given, replaces its default whole (``general: {minimum: 1}`` has no
    parents term).
    """
    if rules is None:
        rules = {}
    if not isinstance(rules, Mapping):
        raise ValueError("scenario.yaml: needs must be a mapping of role to rule")
    unknown = sorted(set(rules) - set(ROLES))
    if unknown:
        raise ValueError(f"scenario.yaml: needs names unknown role(s) {', '.join(map(str, unknown))}")
    needs: dict[tuple[str, str, str], int] = {}
    for role in ROLES:
        # (a role with nothing after it, ``general:``, is the same as no key: its default rule)
        rule = rules.get(role)
        if rule is None:
            rule = DEFAULT_NEEDS_RULES.get(role, {})
        if not isinstance(rule, Mapping):
            raise ValueError(f"scenario.yaml: needs.{role} must be a mapping of keys")
        per_point = exact(rule.get("per_point", 0), f"scenario.yaml, needs.{role}.per_point")
        minimum = exact(rule.get("minimum", 0), f"scenario.yaml, needs.{role}.minimum")
        ratio = rule.get("parents_per_volunteer")
        per_volunteer = None if ratio is None else exact(ratio, f"scenario.yaml, needs.{role}.parents_per_volunteer")
        if per_volunteer is not None and per_volunteer <= 0:
            raise ValueError(f"scenario.yaml: needs.{role}.parents_per_volunteer must be above 0")
        for point_id, point in s.points.items():
            if point.capacity <= 0:
                continue
            parents_term = 0 if per_volunteer is None else math.ceil(point.parents / per_volunteer)
            needed = math.ceil(max(minimum, per_point + parents_term))
            if needed > 0:
                for session_id in s.sessions:
                    needs[(point_id, session_id, role)] = needed
    return needs
