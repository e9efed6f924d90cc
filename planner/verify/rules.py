"""The rules a plan keeps (docs/scenario-format.md, "What every plan guarantees"), each checked from the plan's files.

Assignments within availability, skills, workload, travel, capacity and needs (team level);
shortfalls.csv, distribution.csv and summary.json agreeing with the scenario and with the
plan's other files. The person rules (roster.csv) and maximality are in
:mod:`planner.verify.people`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.verify.reading import Violation, is_json_int, plan_int
from planner.verify.scenario import ScenarioFacts

SKILL_OF_ROLE = {"first_aid": "first_aid", "counsellor": "counsellors"}
ROLE_WORDS = {"general": "general", "first_aid": "first-aid", "counsellor": "counsellor"}
STATUSES = ("optimal", "feasible")
TRAVEL_EPSILON_KM = 1e-6
COVERAGE_TOLERANCE = 1e-9  # assigned / needed, as a float
SUMMARY_KEYS = ("status", "needed", "assigned", "unmet", "coverage", "supplies",
                "team_sessions", "team_sessions_split", "team_points")
SUPPLY_KEYS = ("stock", "wanted", "distributed")


@dataclass
class Tally:
    """Volunteers in assignments.csv summed every way the rules need them."""

    team_session: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    team_session_role: dict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))
    team: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    team_role: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    point_session: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    point_session_role: dict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))
    pairs: set[tuple[str, str]] = field(default_factory=set)
    total: int = 0
    # (team, point, session, role): volunteers, and the lines of assignments.csv saying so.
    row: dict[tuple[str, str, str, str], int] = field(default_factory=lambda: defaultdict(int))
    lines: dict[tuple[str, str, str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    session_points: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))


def check_assignments(s: ScenarioFacts, rows: list[dict[str, str]], out: list[Violation]) -> Tally:
    """Values and ids of assignments.csv; sums the valid rows."""
    tally = Tally()
    seen: set[tuple[str, str, str, str]] = set()
    for row in rows:
        where = f"assignments.csv, line {row['_line']}"
        team_id, point_id, session_id, role = row["team_id"], row["point_id"], row["session_id"], row["role"]
        volunteers = plan_int(row["volunteers"])
        problems = s.unknown_ids(team_id, point_id, session_id, role)
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
        tally.row[key] += volunteers
        tally.lines[key].append(int(row["_line"]))
        tally.session_points[(team_id, session_id)].add(point_id)
    return tally


def check_limits(s: ScenarioFacts, tally: Tally, out: list[Violation]) -> None:
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


def check_shortfalls(s: ScenarioFacts, tally: Tally, rows: list[dict[str, str]], out: list[Violation]) -> None:
    """One row per need, with needed from the scenario and assigned from assignments.csv."""
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        where = f"shortfalls.csv, line {row['_line']}"
        key = (row["point_id"], row["session_id"], row["role"])
        point_id, session_id, role = key
        numbers = {c: plan_int(row[c]) for c in ("needed", "assigned", "missing")}
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


def check_distribution(s: ScenarioFacts, rows: list[dict[str, str]],
                       out: list[Violation]) -> dict[tuple[str, str], int]:
    """Quantities within wanted and stock, and no stock left while a point wants more."""
    quantities: dict[tuple[str, str], int] = {}
    for row in rows:
        where = f"distribution.csv, line {row['_line']}"
        item_id, point_id = row["item_id"], row["point_id"]
        quantity, wanted = plan_int(row["quantity"]), plan_int(row["wanted"])
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


def _check_team_figures(tally: Tally, summary: Mapping[str, Any], out: list[Violation]) -> None:
    """team_sessions, team_sessions_split and team_points, counted from assignments.csv."""
    expected = {
        "team_sessions": (len(tally.session_points), "team and session pairs with members on duty"),
        "team_sessions_split": (sum(len(points) > 1 for points in tally.session_points.values()),
                                "team and session pairs with members at more than one point"),
        "team_points": (len(tally.pairs), "distinct team and point pairs"),
    }
    for key, (value, what) in expected.items():
        if key not in summary:
            continue
        if not is_json_int(summary[key]):
            out.append(Violation("summary", f"{key} is {summary[key]!r}, not a whole number"))
        elif summary[key] != value:
            out.append(Violation("summary", f"{key} is {summary[key]} but assignments.csv has {value} {what}"))


def check_summary(s: ScenarioFacts, tally: Tally | None, quantities: dict[tuple[str, str], int] | None,
                   summary: Mapping[str, Any], out: list[Violation]) -> None:
    """summary.json against the scenario and the plan's own files."""
    lacking = [k for k in SUMMARY_KEYS if k not in summary]
    if lacking:
        out.append(Violation("files", f"summary.json lacks key(s) {', '.join(lacking)}"))
    if "status" in summary and summary["status"] not in STATUSES:
        out.append(Violation("summary", f"status is {summary['status']!r}, not one of {', '.join(STATUSES)}"))
    for key in ("needed", "assigned", "unmet"):
        if key in summary and not is_json_int(summary[key]):
            out.append(Violation("summary", f"{key} is {summary[key]!r}, not a whole number"))
    needed = sum(s.needs.values())
    if is_json_int(summary.get("needed")) and summary["needed"] != needed:
        out.append(Violation("summary", f"needed is {summary['needed']} but the scenario needs {needed} "
                                        f"volunteer-sessions"))
    if tally is not None:
        assigned = tally.total
        if is_json_int(summary.get("assigned")) and summary["assigned"] != assigned:
            out.append(Violation("summary", f"assigned is {summary['assigned']} but assignments.csv holds {assigned} "
                                            f"volunteer-sessions"))
        if is_json_int(summary.get("unmet")) and summary["unmet"] != needed - assigned:
            out.append(Violation("summary", f"unmet is {summary['unmet']} but {needed} needed less {assigned} "
                                            f"assigned is {needed - assigned}"))
        _check_team_figures(tally, summary, out)
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
            elif value is not None and (not is_json_int(entry[key]) or entry[key] != value):
                source = {"stock": "supplies.csv says", "wanted": "the points want",
                          "distributed": "distribution.csv hands out"}[key]
                out.append(Violation("summary", f"supplies.{item_id}.{key} is {entry[key]!r} but {source} {value}"))
