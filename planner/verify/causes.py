"""The causes in shortfalls.csv (contract version 2), derived again person by person.

For a need with ``missing > 0`` the cause is the first that holds: ``point_full`` (the point's
volunteers on duty then equal its capacity), ``no_one_in_reach`` (no member of a team within
reach is free then and may serve the role), ``all_on_duty`` (every such member is on duty then,
by roster.csv), ``sessions_used`` (otherwise); where nothing is missing the cause is empty.

The members are the checker's own (planner.verify.scenario: named in volunteers.csv, or numbered
and free trained-first as availability says), the volunteers on duty its own sums of
assignments.csv, and who is on duty when roster.csv as read by planner.verify.people.
"""

from __future__ import annotations

from planner.verify.people import Roster
from planner.verify.reading import Violation, plan_int
from planner.verify.rules import ROLE_WORDS, TRAVEL_EPSILON_KM, Tally
from planner.verify.scenario import ScenarioFacts

CAUSES = ("point_full", "no_one_in_reach", "all_on_duty", "sessions_used")


class _Districts:
    """Who could serve, per district, session and role, worked out once (a need asks by its point's reach).

    Whether a team is within reach of a point depends on its district alone (the distance is from the
    district's centre), so a need's cause is read from the districts in reach: for each, whether any
    member of its teams is free then and may serve the role, and whether all such members are on duty
    then by roster.csv. Worked out per district once, not per need (at 100x, ten thousand short needs
    and a hundred thousand members).
    """

    def __init__(self, s: ScenarioFacts, roster: Roster) -> None:
        self.s, self.roster = s, roster
        self.teams: dict[str, list[str]] = {}
        for team_id in sorted(s.teams):
            self.teams.setdefault(s.teams[team_id].district_id, []).append(team_id)
        self._able: dict[tuple[str, str, str], tuple[bool, bool]] = {}

    def able(self, district_id: str, session_id: str, role: str) -> tuple[bool, bool]:
        """(anyone of the district free then who may serve ``role``, all of them on duty then)."""
        key = (district_id, session_id, role)
        if key not in self._able:
            s = self.s
            able = [person_id for team_id in self.teams.get(district_id, []) if s.teams[team_id].max_sessions >= 1
                    for person_id in s.members.get(team_id, [])
                    if session_id in s.persons[person_id].free and s.persons[person_id].may_serve(role)]
            self._able[key] = (bool(able), all(session_id in self.roster.duty.get(p, {}) for p in able))
        return self._able[key]


def expected_causes(s: ScenarioFacts, tally: Tally, roster: Roster, point_id: str, session_id: str,
                    role: str, districts: _Districts | None = None) -> set[str]:
    """The cause(s) of a short need: one, or two when a team lies at the reach's very limit.

    A team within ``TRAVEL_EPSILON_KM`` of the reach may be counted in reach or not (rounding of
    the distance), so both readings are accepted there. ``districts`` carries what was worked out
    for earlier needs of the same plan.
    """
    if tally.point_session.get((point_id, session_id), 0) >= s.points[point_id].capacity:
        return {"point_full"}
    districts = districts or _Districts(s, roster)
    readings = set()
    for margin in (-TRAVEL_EPSILON_KM, TRAVEL_EPSILON_KM):
        found = [districts.able(district_id, session_id, role) for district_id, teams in districts.teams.items()
                 if _in_reach(s, teams[0], point_id, margin)]
        if not any(anyone for anyone, _ in found):
            readings.add("no_one_in_reach")
        elif all(on_duty for anyone, on_duty in found if anyone):
            readings.add("all_on_duty")
        else:
            readings.add("sessions_used")
    return readings


def _in_reach(s: ScenarioFacts, team_id: str, point_id: str, margin: float) -> bool:
    return s.max_travel_km is None or s.distance_km(team_id, point_id) <= s.max_travel_km + margin


def check_causes(s: ScenarioFacts, tally: Tally, roster: Roster, rows: list[dict[str, str]],
                 out: list[Violation]) -> None:
    """Each shortfall row's cause is the contract's, empty where nothing is missing."""
    districts = _Districts(s, roster)
    for row in rows:
        key = (row["point_id"], row["session_id"], row["role"])
        point_id, session_id, role = key
        needed = s.needs.get(key, 0)
        if needed == 0 or point_id not in s.points or session_id not in s.sessions or plan_int(row["needed"]) is None:
            continue  # the row itself is wrong: check_shortfalls says so
        missing = needed - tally.point_session_role.get(key, 0)
        where = f"shortfalls.csv, line {row['_line']}"
        label = f"point {point_id}, session {session_id}, {ROLE_WORDS[role]}"
        cause = row["cause"]
        if missing <= 0:
            if cause:
                out.append(Violation("cause", f"{where}: {label}: nothing is missing, yet the cause is {cause!r}"))
            continue
        if cause not in CAUSES:
            out.append(Violation("cause", f"{where}: {label}: {missing} missing, and the cause {cause!r} is not one "
                                          f"of {', '.join(CAUSES)}"))
            continue
        expected = expected_causes(s, tally, roster, point_id, session_id, role, districts)
        if cause not in expected:
            out.append(Violation("cause", f"{where}: {label}: the cause is {cause!r}, but by the scenario and "
                                          f"roster.csv it is {' or '.join(sorted(expected))!r}"))


__all__ = ["CAUSES", "check_causes", "expected_causes"]
