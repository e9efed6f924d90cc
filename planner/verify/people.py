"""The rules of a plan person by person (contract version 2): roster.csv, and maximality read from it.

A person is on duty at most once per session, only in sessions they are free, in at most the
team's max_sessions sessions, and in first_aid or counsellor only when trained for it; adding up
the roster by team, point, session and role gives assignments.csv exactly. A need is left unmet
only when no member of a team within reach could fill it: free then, off duty then, trained for
the role, with a session to spare, at a point with room.

Team-level reading of maximality would flag plans that are exact per person (a team whose
idle members have used their sessions, or are not trained), so it is read from the roster.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from planner.verify.reading import Violation
from planner.verify.rules import ROLE_WORDS, TRAVEL_EPSILON_KM, Tally
from planner.verify.scenario import Person, ScenarioFacts

TRAINED_FOR = {"first_aid": "first aid", "counsellor": "counselling"}


@dataclass
class Roster:
    """roster.csv read: per person, the sessions on duty (and the line of each)."""

    duty: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    # (team, point, session, role) -> the lines listing a member of the team there.
    lines: dict[tuple[str, str, str, str], list[int]] = field(default_factory=lambda: defaultdict(list))


def _lines(numbers: list[int]) -> str:
    return f"line {numbers[0]}" if len(numbers) == 1 else f"lines {', '.join(map(str, numbers))}"


def _unknown_person(s: ScenarioFacts, person_id: str, team_id: str) -> str:
    if s.named:
        return f"{person_id!r} is not a person_id in volunteers.csv"
    volunteers = s.teams[team_id].volunteers
    members = f"{team_id}/1 to {team_id}/{volunteers}" if volunteers else "none"
    return f"unknown person {person_id!r}: without volunteers.csv team {team_id}'s members are {members}"


def _not_free(s: ScenarioFacts, person: Person, session_id: str) -> str:
    if s.named:
        return f"free_sessions in volunteers.csv: {';'.join(x for x in s.sessions if x in person.free)}"
    team = s.teams[person.team_id]
    return (f"{s.free(person.team_id, session_id)} of team {person.team_id}'s {team.volunteers} members are free "
            f"then, trained first")


def check_roster(s: ScenarioFacts, rows: list[dict[str, str]], out: list[Violation]) -> Roster:
    """Ids, names and the person rules of roster.csv; what it says, for the other checks."""
    roster = Roster()
    for row in rows:
        where = f"roster.csv, line {row['_line']}"
        person_id, team_id, point_id = row["person_id"], row["team_id"], row["point_id"]
        session_id, role = row["session_id"], row["role"]
        problems = s.unknown_ids(team_id, point_id, session_id, role)
        if problems:
            out.extend(Violation("values", f"{where}: {p}") for p in problems)
            continue
        line = int(row["_line"])
        roster.lines[(team_id, point_id, session_id, role)].append(line)
        person = s.persons.get(person_id)
        if person is None:
            out.append(Violation("person", f"{where}: {_unknown_person(s, person_id, team_id)}"))
            continue
        if person.team_id != team_id:
            out.append(Violation("person", f"{where}: person {person_id} is a member of team {person.team_id}, "
                                           f"not of team {team_id}"))
        if row["name"] != person.name:
            expected = (f"is named {person.name!r} in volunteers.csv" if s.named
                        else "has no name (the scenario has no volunteers.csv)")
            out.append(Violation("person", f"{where}: person {person_id} {expected}, not {row['name']!r}"))
        on_duty = roster.duty[person_id]
        if session_id in on_duty:
            out.append(Violation("person-session", f"{where}: person {person_id} is on duty in session {session_id} "
                                                   f"a second time (first at line {on_duty[session_id]})"))
        else:
            on_duty[session_id] = line
        if not person.may_serve(role):
            out.append(Violation("person-skill", f"{where}: person {person_id} serves as {role} in session "
                                                 f"{session_id} but is not trained for {TRAINED_FOR[role]}"))
        if session_id not in person.free:
            out.append(Violation("person-availability", f"{where}: person {person_id} is on duty in session "
                                                        f"{session_id} but is not free then "
                                                        f"({_not_free(s, person, session_id)})"))
    for person_id, on_duty in sorted(roster.duty.items()):
        person = s.persons[person_id]
        most = s.teams[person.team_id].max_sessions
        if len(on_duty) > most:
            sessions = [x for x in s.sessions if x in on_duty]
            out.append(Violation("person-workload", f"roster.csv, {_lines(sorted(on_duty.values()))}: person "
                                                    f"{person_id} is on duty in {len(on_duty)} sessions "
                                                    f"({', '.join(sessions)}) but team {person.team_id}'s members "
                                                    f"serve at most {most}"))
    return roster


def check_roster_sums(roster: Roster, tally: Tally, out: list[Violation]) -> None:
    """Roster rows added up by team, point, session and role give assignments.csv exactly."""
    for key in sorted(set(roster.lines) | set(tally.row)):
        team_id, point_id, session_id, role = key
        listed, assigned = len(roster.lines.get(key, [])), tally.row.get(key, 0)
        if listed == assigned:
            continue
        what = f"team {team_id} at point {point_id} in session {session_id} as {role}"
        if not listed:
            out.append(Violation("roster", f"assignments.csv, {_lines(tally.lines[key])}: {assigned} of {what}, "
                                           f"but roster.csv lists none"))
        elif not assigned:
            out.append(Violation("roster", f"roster.csv, {_lines(roster.lines[key])}: {listed} of {what}, but "
                                           f"assignments.csv has no such row"))
        else:
            out.append(Violation("roster", f"roster.csv, {_lines(roster.lines[key])}: {listed} of {what}, but "
                                           f"assignments.csv, {_lines(tally.lines[key])} says {assigned}"))


def check_maximality(s: ScenarioFacts, tally: Tally, roster: Roster, out: list[Violation]) -> None:
    """No unmet need while a member of a team within reach could legally fill it (read from the roster)."""
    # Whether a member could serve depends on the session and role, not the point; whether the team is
    # within reach on its district alone (the distance is from the district's centre). So the first
    # such team of each district, in team order, is found once per session and role, not per need.
    first_idle: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    for (point_id, session_id, role), needed in sorted(s.needs.items()):
        if point_id not in s.points or session_id not in s.sessions:
            continue
        missing = needed - tally.point_session_role.get((point_id, session_id, role), 0)
        if missing <= 0 or tally.point_session.get((point_id, session_id), 0) >= s.points[point_id].capacity:
            continue
        if (session_id, role) not in first_idle:
            first_idle[(session_id, role)] = _first_idle_by_district(s, roster, session_id, role)
        # Only teams clearly within reach, so that rounding at the limit never reports a false defect.
        in_reach = [(team_id, found) for team_id, found in first_idle[(session_id, role)].values()
                    if s.max_travel_km is None
                    or s.distance_km(team_id, point_id) <= s.max_travel_km - TRAVEL_EPSILON_KM]
        if in_reach:
            found = min(in_reach)[1]  # the first team in id order, as a search over every team finds it
            out.append(Violation("maximality", f"point {point_id} is short of {missing} {ROLE_WORDS[role]} "
                                               f"volunteer(s) in session {session_id} while member {found}"))


def _first_idle_by_district(s: ScenarioFacts, roster: Roster, session_id: str, role: str) -> dict[str, tuple[str, str]]:
    """Per district, its first team (in id order) with a member who could serve then, and what it says."""
    first: dict[str, tuple[str, str]] = {}
    for team_id in sorted(s.teams):
        district_id = s.teams[team_id].district_id
        if district_id not in first:
            found = _idle_member(s, roster, team_id, session_id, role)
            if found:
                first[district_id] = (team_id, found)
    return first


def _idle_member(s: ScenarioFacts, roster: Roster, team_id: str, session_id: str, role: str) -> str:
    """The first member of the team who could serve in the session and role, and why, or "" when none may."""
    team = s.teams[team_id]
    for person_id in s.members.get(team_id, []):
        person = s.persons[person_id]
        on_duty = roster.duty.get(person_id, {})
        if (session_id in person.free and session_id not in on_duty and person.may_serve(role)
                and len(on_duty) < team.max_sessions):
            trained = f", trained for {TRAINED_FOR[role]}" if role in TRAINED_FOR else ""
            return (f"{person_id} of team {team_id} could serve (free then and off duty{trained}, "
                    f"{len(on_duty)} of {team.max_sessions} sessions served)")
    return ""
