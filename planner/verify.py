"""An independent checker: does a plan folder keep every rule of the contract for its scenario?

The checker reads the scenario folder and the plan folder as files (CSV, YAML, JSON) and
re-derives from ``SCENARIO-FORMAT.md`` and ``docs/scenario-format.md`` everything it needs:
CSV decoding, the needs rules, ``wanted = ceil(per_unit x base)`` in exact arithmetic, and
haversine distances. It deliberately shares no code with the model, so a plan is checked
against the scenario's rules by code that does not reuse the model's own constraints.

A plan solved with levers (less availability, other stock, a shorter reach...) is checked
against the scenario files as written, so its differences show up as violations.

>>> from planner.verify import verify_plan
>>> verify_plan("scenarios/demo-small", "plans/demo-small")   # doctest: +SKIP
[]

From the shell, ``python -m planner.verify SCENARIO PLAN`` prints one line per violation
and exits 1 when there is any, 0 when there is none.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

ROLES = ("general", "first_aid", "counsellor")
SKILL_OF_ROLE = {"first_aid": "first_aid", "counsellor": "counsellors"}
ROLE_WORDS = {"general": "general", "first_aid": "first-aid", "counsellor": "counsellor"}
BASES = {"parent": "parents", "staff": "frontline_staff", "point": None}
CATEGORIES = ("basic", "emergency", "leisure", "emotional", "pack")
STATUSES = ("optimal", "feasible")
EARTH_RADIUS_KM = 6371.0
TRAVEL_EPSILON_KM = 1e-6
COVERAGE_TOLERANCE = 1e-9  # assigned / needed, as a float

# Default needs rules when scenario.yaml has no ``needs:`` (docs/scenario-format.md).
DEFAULT_NEEDS_RULES: dict[str, dict[str, Any]] = {
    "general": {"parents_per_volunteer": 80, "minimum": 2},
    "first_aid": {"per_point": 1},
}

SCENARIO_COLUMNS = {
    "districts.csv": ("district_id", "name_zh", "name_en", "lat", "lon"),
    "sessions.csv": ("session_id", "date", "start", "end"),
    "points.csv": ("point_id", "name", "district_id", "lat", "lon", "capacity", "parents", "frontline_staff"),
    "teams.csv": ("team_id", "name", "union", "district_id", "volunteers", "first_aid", "counsellors",
                  "max_sessions"),
    "supplies.csv": ("item_id", "name", "category", "stock", "basis", "per_unit"),
    "needs.csv": ("point_id", "session_id", "role", "volunteers"),
    "availability.csv": ("team_id", "session_id", "volunteers"),
}
PLAN_COLUMNS = {
    "assignments.csv": ("team_id", "point_id", "session_id", "role", "volunteers"),
    "shortfalls.csv": ("point_id", "session_id", "role", "needed", "assigned", "missing"),
    "distribution.csv": ("item_id", "point_id", "quantity", "wanted"),
}
SUMMARY_KEYS = ("status", "needed", "assigned", "unmet", "coverage", "supplies")
SUPPLY_KEYS = ("stock", "wanted", "distributed")
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
        ``shortfalls``, ``distribution``, ``stock``, ``summary``, ``maximality`` or
        ``supply-maximality``.
    message : str
        What is wrong, in plain words naming the ids involved.
    """

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class _Unusable(Exception):
    """A file the checker cannot use at all; carries the violations saying why."""

    def __init__(self, violations: Iterable[Violation]):
        self.violations = list(violations)
        super().__init__("; ".join(str(v) for v in self.violations))


# --- Reading files -----------------------------------------------------------------------------

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


def _read_table(path: Path, columns: Sequence[str], rule: str) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts of trimmed text, with 1-based line numbers under ``_line``.

    Raises
    ------
    _Unusable
        The file cannot be decoded or lacks one of ``columns``.
    """
    try:
        text = _decode(path)
    except (OSError, ValueError) as exc:
        raise _Unusable([Violation(rule, f"{path.name} cannot be read: {exc}")]) from None
    lines = [row for row in csv.reader(io.StringIO(text, newline=""))]
    numbered = [(n, [_clean(c) for c in row]) for n, row in enumerate(lines, start=1)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise _Unusable([Violation(rule, f"{path.name} has no header row")])
    _, header = numbered[0]
    lacking = [c for c in columns if c not in header]
    if lacking:
        raise _Unusable([Violation(rule, f"{path.name} lacks column(s) {', '.join(lacking)}")])
    rows = []
    for n, row in numbered[1:]:
        record = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
        record["_line"] = str(n)
        rows.append(record)
    return rows


def _scenario_int(text: str, where: str, *, minimum: int | None = 0) -> int:
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


def _scenario_float(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: expected a finite number, got {text!r}")
    return value


def _exact(value: Any, where: str) -> Fraction:
    """A number from YAML or CSV as an exact fraction of what was written (``0.1`` is 1/10)."""
    if isinstance(value, bool):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    try:
        return Fraction(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{where}: expected a number, got {value!r}") from None


# --- The scenario, re-read from its files -------------------------------------------------------

@dataclass
class _Team:
    district_id: str
    volunteers: int
    first_aid: int
    counsellors: int
    max_sessions: int

    def skill(self, role: str) -> int:
        """Members who may serve in ``role`` at once (every member for general)."""
        return {"general": self.volunteers, "first_aid": self.first_aid, "counsellor": self.counsellors}[role]


@dataclass
class _Point:
    district_id: str
    lat: float
    lon: float
    capacity: int
    parents: int
    frontline_staff: int


@dataclass
class _Supply:
    stock: int
    basis: str
    per_unit: Fraction


@dataclass
class _Scenario:
    districts: dict[str, tuple[float, float]] = field(default_factory=dict)
    sessions: list[str] = field(default_factory=list)
    points: dict[str, _Point] = field(default_factory=dict)
    teams: dict[str, _Team] = field(default_factory=dict)
    availability: dict[tuple[str, str], int] = field(default_factory=dict)
    supplies: dict[str, _Supply] = field(default_factory=dict)
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


def _load_scenario(folder: Path) -> _Scenario:
    """Read what the checker needs from a scenario folder.

    Raises
    ------
    _Unusable
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
            tables[name] = _read_table(path, columns, "scenario")
        except _Unusable as exc:
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
        raise _Unusable(problems)
    try:
        return _build_scenario(tables, config)
    except ValueError as exc:
        raise _Unusable([Violation("scenario", str(exc))]) from None


def _build_scenario(tables: Mapping[str, list[dict[str, str]]], config: Mapping[str, Any]) -> _Scenario:
    s = _Scenario()
    for row in tables["districts.csv"]:
        where = f"districts.csv, line {row['_line']}"
        s.districts[row["district_id"]] = (_scenario_float(row["lat"], where), _scenario_float(row["lon"], where))
    s.sessions = [row["session_id"] for row in tables["sessions.csv"]]
    for row in tables["points.csv"]:
        where = f"points.csv, line {row['_line']}"
        if row["district_id"] not in s.districts:
            raise ValueError(f"{where}: unknown district {row['district_id']!r}")
        counts = {c: _scenario_int(row[c], f"{where}, column {c}") for c in ("capacity", "parents", "frontline_staff")}
        s.points[row["point_id"]] = _Point(
            row["district_id"], _scenario_float(row["lat"], where), _scenario_float(row["lon"], where),
            counts["capacity"], counts["parents"], counts["frontline_staff"])
    for row in tables["teams.csv"]:
        where = f"teams.csv, line {row['_line']}"
        if row["district_id"] not in s.districts:
            raise ValueError(f"{where}: unknown district {row['district_id']!r}")
        counts = {c: _scenario_int(row[c], f"{where}, column {c}") for c in ("volunteers", "first_aid", "counsellors")}
        s.teams[row["team_id"]] = _Team(
            row["district_id"], counts["volunteers"], counts["first_aid"], counts["counsellors"],
            _scenario_int(row["max_sessions"], f"{where}, column max_sessions", minimum=1))
    for row in tables.get("availability.csv", []):
        where = f"availability.csv, line {row['_line']}"
        s.availability[(row["team_id"], row["session_id"])] = _scenario_int(row["volunteers"], where)
    for row in tables["supplies.csv"]:
        where = f"supplies.csv, line {row['_line']}"
        if row["basis"] not in BASES:
            raise ValueError(f"{where}: basis {row['basis']!r} is not one of {', '.join(BASES)}")
        s.supplies[row["item_id"]] = _Supply(
            _scenario_int(row["stock"], f"{where}, column stock"), row["basis"],
            _exact(row["per_unit"], f"{where}, column per_unit"))
    settings = config.get("settings") or {}
    if isinstance(settings, Mapping) and settings.get("max_travel_km") is not None:
        s.max_travel_km = float(settings["max_travel_km"])
    if "needs.csv" in tables:
        for row in tables["needs.csv"]:
            where = f"needs.csv, line {row['_line']}"
            if row["role"] not in ROLES:
                raise ValueError(f"{where}: role {row['role']!r} is not one of {', '.join(ROLES)}")
            count = _scenario_int(row["volunteers"], f"{where}, column volunteers")
            key = (row["point_id"], row["session_id"], row["role"])
            if count > 0:
                s.needs[key] = s.needs.get(key, 0) + count
    else:
        s.needs = _needs_from_rules(s, config.get("needs"))
    return s


def _needs_from_rules(s: _Scenario, rules: Any) -> dict[tuple[str, str, str], int]:
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
        per_point = _exact(rule.get("per_point", 0), f"scenario.yaml, needs.{role}.per_point")
        minimum = _exact(rule.get("minimum", 0), f"scenario.yaml, needs.{role}.minimum")
        ratio = rule.get("parents_per_volunteer")
        per_volunteer = None if ratio is None else _exact(ratio, f"scenario.yaml, needs.{role}.parents_per_volunteer")
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


# --- Reading the plan --------------------------------------------------------------------------

def _plan_int(text: str) -> int | None:
    """A whole number as a plan file must hold it (digits only); ``None`` when it is not one."""
    return int(text) if _WHOLE.fullmatch(text) else None


def _is_json_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class _Tally:
    """Volunteers in assignments.csv summed every way the rules need them."""

    team_session: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    team_session_role: dict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))
    team: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    team_role: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    point_session: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    point_session_role: dict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))
    pairs: set[tuple[str, str]] = field(default_factory=set)
    total: int = 0


def verify_plan(scenario_dir: str | Path, plan_dir: str | Path) -> list[Violation]:
    """Check a plan folder against its scenario folder and the contract.

    Parameters
    ----------
    scenario_dir : str or Path
        The scenario folder (``scenario.yaml``, ``districts.csv``...).
    plan_dir : str or Path
        The plan folder (``assignments.csv``, ``shortfalls.csv``, ``distribution.csv``,
        ``summary.json``, ``plan.xlsx``).

    Returns
    -------
    list of Violation
        Every rule broken, empty for a plan that keeps them all. A scenario or plan that
        cannot be read at all gives the violations saying why, and nothing else.
    """
    scenario_dir, plan_dir = Path(scenario_dir), Path(plan_dir)
    try:
        scenario = _load_scenario(scenario_dir)
    except _Unusable as exc:
        return exc.violations
    violations: list[Violation] = []
    tables: dict[str, list[dict[str, str]]] = {}
    for name, columns in PLAN_COLUMNS.items():
        path = plan_dir / name
        if not path.is_file():
            violations.append(Violation("files", f"the plan has no {name}"))
            continue
        try:
            tables[name] = _read_table(path, columns, "files")
        except _Unusable as exc:
            violations.extend(exc.violations)
    if not (plan_dir / "plan.xlsx").is_file():
        violations.append(Violation("files", "the plan has no plan.xlsx"))
    summary: dict[str, Any] | None = None
    try:
        loaded = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            summary = loaded
        else:
            violations.append(Violation("files", "summary.json does not hold an object"))
    except (OSError, ValueError) as exc:
        violations.append(Violation("files", f"summary.json cannot be read: {exc}"))

    tally = None
    if "assignments.csv" in tables:
        tally = _check_assignments(scenario, tables["assignments.csv"], violations)
        _check_limits(scenario, tally, violations)
        _check_maximality(scenario, tally, violations)
    if tally is not None and "shortfalls.csv" in tables:
        _check_shortfalls(scenario, tally, tables["shortfalls.csv"], violations)
    quantities = None
    if "distribution.csv" in tables:
        quantities = _check_distribution(scenario, tables["distribution.csv"], violations)
    if summary is not None:
        _check_summary(scenario, tally, quantities, summary, violations)
    for violation in violations:
        log.info("%s", violation)
    return violations


def _check_assignments(s: _Scenario, rows: list[dict[str, str]], out: list[Violation]) -> _Tally:
    """Values and ids of assignments.csv; sums the valid rows."""
    tally = _Tally()
    seen: set[tuple[str, str, str, str]] = set()
    for row in rows:
        where = f"assignments.csv, line {row['_line']}"
        team_id, point_id, session_id, role = row["team_id"], row["point_id"], row["session_id"], row["role"]
        volunteers = _plan_int(row["volunteers"])
        problems = []
        if team_id not in s.teams:
            problems.append(f"unknown team {team_id!r}")
        if point_id not in s.points:
            problems.append(f"unknown point {point_id!r}")
        if session_id not in s.sessions:
            problems.append(f"unknown session {session_id!r}")
        if role not in ROLES:
            problems.append(f"role {role!r} is not one of {', '.join(ROLES)}")
        if volunteers is None or volunteers <= 0:
            problems.append(f"volunteers must be a whole number above 0, not {row['volunteers']!r}")
        key = (team_id, point_id, session_id, role)
        if key in seen:
            # Still counted below: a reader summing the file would staff both rows.
            out.append(Violation("values", f"{where}: team {team_id} at point {point_id} in session {session_id} "
                                           f"as {role} is listed twice"))
        seen.add(key)
        if problems:
            out.extend(Violation("values", f"{where}: {p}") for p in problems)
            continue
        assert volunteers is not None
        tally.team_session[(team_id, session_id)] += volunteers
        tally.team_session_role[(team_id, session_id, role)] += volunteers
        tally.team[team_id] += volunteers
        tally.team_role[(team_id, role)] += volunteers
        tally.point_session[(point_id, session_id)] += volunteers
        tally.point_session_role[(point_id, session_id, role)] += volunteers
        tally.pairs.add((team_id, point_id))
        tally.total += volunteers
    return tally


def _check_limits(s: _Scenario, tally: _Tally, out: list[Violation]) -> None:
    """Availability, skills, workload, travel, capacity and needs."""
    # A team in one session: all its members, then each skill.
    for (team_id, session_id), serving in sorted(tally.team_session.items()):
        free = s.free(team_id, session_id)
        if serving > free:
            out.append(Violation("availability", f"team {team_id} serves {serving} in session {session_id} "
                                                 f"but only {free} are free"))
    for (team_id, session_id, role), serving in sorted(tally.team_session_role.items()):
        if role in SKILL_OF_ROLE and serving > (trained := s.teams[team_id].skill(role)):
            out.append(Violation("skill", f"team {team_id} has {serving} {ROLE_WORDS[role]} volunteers in "
                                          f"session {session_id} but only {trained} members trained for it"))
    # A team over the whole exam: volunteers x max_sessions, and likewise per skill.
    for team_id, serving in sorted(tally.team.items()):
        team = s.teams[team_id]
        limit = team.volunteers * team.max_sessions
        if serving > limit:
            out.append(Violation("workload", f"team {team_id} serves {serving} volunteer-sessions over the exam but "
                                             f"{team.volunteers} members x {team.max_sessions} sessions allow {limit}"))
    for (team_id, role), serving in sorted(tally.team_role.items()):
        team = s.teams[team_id]
        if role in SKILL_OF_ROLE and serving > (limit := team.skill(role) * team.max_sessions):
            out.append(Violation("skill-workload", f"team {team_id} serves {serving} {ROLE_WORDS[role]} "
                                                   f"volunteer-sessions over the exam but {team.skill(role)} trained "
                                                   f"x {team.max_sessions} sessions allow {limit}"))
    # Travel from the team's district centre.
    if s.max_travel_km is not None:
        for team_id, point_id in sorted(tally.pairs):
            distance = s.distance_km(team_id, point_id)
            if distance > s.max_travel_km + TRAVEL_EPSILON_KM:
                out.append(Violation("travel", f"team {team_id} serves point {point_id}, {distance:.3f} km from the "
                                               f"centre of district {s.teams[team_id].district_id}; the limit is "
                                               f"{s.max_travel_km:g} km"))
    # A point in a session: its room, then what each role needs.
    for (point_id, session_id), serving in sorted(tally.point_session.items()):
        capacity = s.points[point_id].capacity
        if serving > capacity:
            out.append(Violation("capacity", f"point {point_id} has {serving} volunteers on duty in session "
                                             f"{session_id} but room for {capacity}"))
    for (point_id, session_id, role), serving in sorted(tally.point_session_role.items()):
        needed = s.needs.get((point_id, session_id, role), 0)
        if serving > needed:
            out.append(Violation("need", f"point {point_id} has {serving} {ROLE_WORDS[role]} volunteers in session "
                                         f"{session_id} but only {needed} are needed"))


def _check_maximality(s: _Scenario, tally: _Tally, out: list[Violation]) -> None:
    """No unmet need while a team that could legally fill it has a member idle."""
    for (point_id, session_id, role), needed in sorted(s.needs.items()):
        if point_id not in s.points or session_id not in s.sessions:
            continue
        missing = needed - tally.point_session_role.get((point_id, session_id, role), 0)
        if missing <= 0 or tally.point_session.get((point_id, session_id), 0) >= s.points[point_id].capacity:
            continue
        for team_id in sorted(s.teams):
            reason = _could_add(s, tally, team_id, point_id, session_id, role)
            if reason:
                out.append(Violation("maximality", f"point {point_id} is short of {missing} {ROLE_WORDS[role]} "
                                                   f"volunteer(s) in session {session_id} while team {team_id} "
                                                   f"could send one more ({reason})"))
                break


def _could_add(s: _Scenario, tally: _Tally, team_id: str, point_id: str, session_id: str, role: str) -> str:
    """Why one more member of the team could serve there, or "" when the rules forbid it."""
    team = s.teams[team_id]
    # Only teams clearly within reach, so that rounding at the limit never reports a false defect.
    if s.max_travel_km is not None and s.distance_km(team_id, point_id) > s.max_travel_km - TRAVEL_EPSILON_KM:
        return ""
    serving = tally.team_session.get((team_id, session_id), 0)
    free = s.free(team_id, session_id)
    if serving >= free or tally.team.get(team_id, 0) >= team.volunteers * team.max_sessions:
        return ""
    reason = f"{serving} of {free} free members serving in that session"
    if role in SKILL_OF_ROLE:
        trained = team.skill(role)
        in_role = tally.team_session_role.get((team_id, session_id, role), 0)
        if in_role >= trained or tally.team_role.get((team_id, role), 0) >= trained * team.max_sessions:
            return ""
        reason += f", {in_role} of {trained} trained for it"
    return reason


def _check_shortfalls(s: _Scenario, tally: _Tally, rows: list[dict[str, str]], out: list[Violation]) -> None:
    """One row per need, with needed from the scenario and assigned from assignments.csv."""
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        where = f"shortfalls.csv, line {row['_line']}"
        key = (row["point_id"], row["session_id"], row["role"])
        point_id, session_id, role = key
        numbers = {c: _plan_int(row[c]) for c in ("needed", "assigned", "missing")}
        bad = [c for c, v in numbers.items() if v is None or v < 0]
        if bad:
            out.append(Violation("shortfalls", f"{where}: {', '.join(bad)} must be whole numbers >= 0"))
            continue
        if key in seen:
            out.append(Violation("shortfalls", f"{where}: point {point_id}, session {session_id}, role {role} "
                                               f"is listed twice"))
            continue
        seen.add(key)
        needed = s.needs.get(key, 0)
        if needed == 0:
            out.append(Violation("shortfalls", f"{where}: point {point_id} needs no {ROLE_WORDS.get(role, role)} "
                                               f"volunteers in session {session_id}, yet the row is there"))
            continue
        assigned = tally.point_session_role.get(key, 0)
        label = f"point {point_id}, session {session_id}, {ROLE_WORDS[role]}"
        if numbers["needed"] != needed:
            out.append(Violation("shortfalls", f"{where}: {label}: needed is {numbers['needed']} but the scenario "
                                               f"needs {needed}"))
        if numbers["assigned"] != assigned:
            out.append(Violation("shortfalls", f"{where}: {label}: assigned is {numbers['assigned']} but "
                                               f"assignments.csv puts {assigned} there"))
        row_needed, row_assigned, row_missing = numbers["needed"], numbers["assigned"], numbers["missing"]
        assert row_needed is not None and row_assigned is not None
        if row_missing != row_needed - row_assigned:
            out.append(Violation("shortfalls", f"{where}: {label}: missing is {row_missing} but {row_needed} needed "
                                               f"less {row_assigned} assigned is {row_needed - row_assigned}"))
    for point_id, session_id, role in sorted(set(s.needs) - seen):
        out.append(Violation("shortfalls", f"shortfalls.csv has no row for point {point_id}, session {session_id}, "
                                           f"{ROLE_WORDS[role]} ({s.needs[(point_id, session_id, role)]} needed)"))


def _check_distribution(s: _Scenario, rows: list[dict[str, str]], out: list[Violation]) -> dict[tuple[str, str], int]:
    """Quantities within wanted and stock, and no stock left while a point wants more."""
    quantities: dict[tuple[str, str], int] = {}
    for row in rows:
        where = f"distribution.csv, line {row['_line']}"
        item_id, point_id = row["item_id"], row["point_id"]
        quantity, wanted = _plan_int(row["quantity"]), _plan_int(row["wanted"])
        problems = []
        if item_id not in s.supplies:
            problems.append(f"unknown item {item_id!r}")
        if point_id not in s.points:
            problems.append(f"unknown point {point_id!r}")
        if quantity is None or quantity < 0:
            problems.append(f"quantity must be a whole number >= 0, not {row['quantity']!r}")
        if wanted is None:
            problems.append(f"wanted must be a whole number, not {row['wanted']!r}")
        if (item_id, point_id) in quantities:
            problems.append(f"item {item_id} at point {point_id} is listed twice")
        if problems:
            out.extend(Violation("values", f"{where}: {p}") for p in problems)
            continue
        assert quantity is not None
        quantities[(item_id, point_id)] = quantity
        expected = s.wanted(item_id, point_id)
        if wanted != expected:
            out.append(Violation("distribution", f"{where}: point {point_id} wants {expected} of {item_id} "
                                                 f"(ceil of per_unit x base), not {wanted}"))
        if quantity > expected:
            out.append(Violation("distribution", f"point {point_id} gets {quantity} of {item_id} but wants only "
                                                 f"{expected}"))
    for item_id, supply in sorted(s.supplies.items()):
        given = sum(q for (i, _), q in quantities.items() if i == item_id)
        if given > supply.stock:
            out.append(Violation("stock", f"{given} of {item_id} are handed out but only {supply.stock} are in stock"))
        elif given < supply.stock:
            for point_id in sorted(s.points):
                quantity, wanted = quantities.get((item_id, point_id), 0), s.wanted(item_id, point_id)
                if quantity < wanted:
                    out.append(Violation("supply-maximality", f"{supply.stock - given} of {supply.stock} {item_id} "
                                                              f"stay in store while point {point_id} gets {quantity} "
                                                              f"of the {wanted} it wants"))
                    break
    return quantities


def _check_summary(s: _Scenario, tally: _Tally | None, quantities: dict[tuple[str, str], int] | None,
                   summary: Mapping[str, Any], out: list[Violation]) -> None:
    """summary.json against the scenario and the plan's own files."""
    lacking = [k for k in SUMMARY_KEYS if k not in summary]
    if lacking:
        out.append(Violation("files", f"summary.json lacks key(s) {', '.join(lacking)}"))
    if "status" in summary and summary["status"] not in STATUSES:
        out.append(Violation("summary", f"status is {summary['status']!r}, not one of {', '.join(STATUSES)}"))
    for key in ("needed", "assigned", "unmet"):
        if key in summary and not _is_json_int(summary[key]):
            out.append(Violation("summary", f"{key} is {summary[key]!r}, not a whole number"))
    needed = sum(s.needs.values())
    if _is_json_int(summary.get("needed")) and summary["needed"] != needed:
        out.append(Violation("summary", f"needed is {summary['needed']} but the scenario needs {needed} "
                                        f"volunteer-sessions"))
    if tally is not None:
        assigned = tally.total
        if _is_json_int(summary.get("assigned")) and summary["assigned"] != assigned:
            out.append(Violation("summary", f"assigned is {summary['assigned']} but assignments.csv holds {assigned} "
                                            f"volunteer-sessions"))
        if _is_json_int(summary.get("unmet")) and summary["unmet"] != needed - assigned:
            out.append(Violation("summary", f"unmet is {summary['unmet']} but {needed} needed less {assigned} "
                                            f"assigned is {needed - assigned}"))
        coverage = summary.get("coverage")
        expected = 1.0 if needed == 0 else assigned / needed
        if "coverage" in summary and (not isinstance(coverage, int | float) or isinstance(coverage, bool)
                                      or abs(coverage - expected) > COVERAGE_TOLERANCE):
            out.append(Violation("summary", f"coverage is {coverage!r} but {assigned} assigned of {needed} needed "
                                            f"is {expected:.6f}"))
    supplies = summary.get("supplies")
    if "supplies" not in summary:
        return
    if not isinstance(supplies, Mapping):
        out.append(Violation("summary", "supplies is not an object of item ids"))
        return
    for item_id in sorted(set(supplies) - set(s.supplies)):
        out.append(Violation("summary", f"supplies names unknown item {item_id!r}"))
    for item_id, supply in sorted(s.supplies.items()):
        entry = supplies.get(item_id)
        if not isinstance(entry, Mapping):
            out.append(Violation("summary", f"supplies has no entry for item {item_id}"))
            continue
        expected_values = {
            "stock": supply.stock,
            "wanted": sum(s.wanted(item_id, p) for p in s.points),
            "distributed": None if quantities is None else sum(
                q for (i, _), q in quantities.items() if i == item_id),
        }
        for key, value in expected_values.items():
            if key not in entry:
                out.append(Violation("summary", f"supplies.{item_id} lacks {key}"))
            elif value is not None and (not _is_json_int(entry[key]) or entry[key] != value):
                source = {"stock": "supplies.csv says", "wanted": "the points want",
                          "distributed": "distribution.csv hands out"}[key]
                out.append(Violation("summary", f"supplies.{item_id}.{key} is {entry[key]!r} but {source} {value}"))


# --- Command line ------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    """``python -m planner.verify SCENARIO PLAN``: print violations; exit 1 if any, else 0.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 when the plan keeps every rule, 1 when it breaks any.
    """
    parser = argparse.ArgumentParser(prog="python -m planner.verify",
                                     description="Check a plan folder against its scenario and the contract.")
    parser.add_argument("scenario", help="scenario folder")
    parser.add_argument("plan", help="plan folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the checker does")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    violations = verify_plan(args.scenario, args.plan)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} violation(s)", file=sys.stderr)
        return 1
    print(f"{args.plan}: the plan keeps every rule of the contract")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
