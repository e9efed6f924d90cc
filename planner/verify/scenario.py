"""The scenario as the checker re-reads it from its folder: teams, points, supplies, needs, distances.

Needs come from needs.csv, else from the rules in scenario.yaml (docs/scenario-format.md);
``wanted = ceil(per_unit x base)`` is computed exactly, and distances are haversine.
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
    SCENARIO_COLUMNS,
    Unusable,
    Violation,
    exact,
    read_table,
    scenario_float,
    scenario_int,
)

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
    _distances: dict[tuple[str, str], float] = field(default_factory=dict)

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
            if name not in ("needs.csv", "availability.csv"):
                problems.append(Violation("scenario", f"{folder}/{name} is missing"))
            continue
        try:
            tables[name] = read_table(path, columns, "scenario")
        except Unusable as exc:
            problems.extend(exc.violations)
    config: dict[str, Any] = {}
    try:
        loaded = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8-sig"))
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
    return s


def _needs_from_rules(s: ScenarioFacts, rules: Any) -> dict[tuple[str, str, str], int]:
    """Needs per open point, session and role from scenario.yaml (docs/scenario-format.md).

    ``needed = max(minimum, per_point + ceil(parents / parents_per_volunteer))``; a key that
    is absent counts as 0 (no parents term). A role absent from ``needs:`` (or ``needs:``
    absent altogether) takes the documented default rule for that role: general
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
        rule = rules[role] if role in rules else DEFAULT_NEEDS_RULES.get(role, {})
        rule = rule or {}
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
