"""What the duty documents say, as tables: per point, per team, per person, and the notification list.

The PDF documents (planner/exports/duty.py, planner/exports/duty_cards.py) and the
notification list (planner/exports/notify.py) are drawn from these tables, so what a
document says is tested here without reading a PDF.

Where, when and who come from the optional columns of docs/scenario-format.md ("Where,
when, who"): a point's ``address`` and ``site`` (the exam site), its ``report_minutes`` (else
``settings.report_minutes``), a team's ``leader`` and ``leader_phone``, and the persons of
volunteers.csv with their ``phone``. A value a scenario leaves out is an empty string here,
and the documents say it is not given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from planner.io.settings import ROLES
from planner.results.plan import Plan

SESSION_COLUMNS = ["session_id", "date", "start", "end", "report"]


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """An optional text column, "" where absent or blank."""
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].fillna("").astype(str).str.strip()


def report_minutes(plan: Plan) -> dict[str, int | None]:
    """Per point, the minutes before a session starts that volunteers report (None: not set)."""
    sc = plan.scenario
    default = sc.config.settings.report_minutes
    own = _text(sc.points, "report_minutes")
    return {p: int(m) if m else default for p, m in zip(sc.points["point_id"], own, strict=True)}


def report_time(start: str, minutes: int | None) -> str:
    """``HH:MM`` that many minutes before ``start``; "" when no report time is set."""
    if minutes is None:
        return ""
    hours, mins = (int(part) for part in start.split(":"))
    total = (hours * 60 + mins - minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


@dataclass(frozen=True)
class PointFacts:
    """A point as its documents name it: ids, names, exam site, address, district and report rule."""

    point_id: str
    name: str
    site: str
    address: str
    lat: float
    lon: float
    district_zh: str
    district_en: str
    capacity: int
    report_minutes: int | None


def point_facts(plan: Plan) -> dict[str, PointFacts]:
    """Every point's facts, by point_id."""
    sc = plan.scenario
    districts = sc.districts.set_index("district_id")
    minutes = report_minutes(plan)
    points = sc.points.assign(_site=_text(sc.points, "site"), _address=_text(sc.points, "address"))
    return {
        str(p["point_id"]): PointFacts(
            point_id=str(p["point_id"]), name=str(p["name"]), site=str(p["_site"]), address=str(p["_address"]),
            lat=float(p["lat"]), lon=float(p["lon"]),
            district_zh=str(districts.at[p["district_id"], "name_zh"]),
            district_en=str(districts.at[p["district_id"], "name_en"]),
            capacity=int(p["capacity"]), report_minutes=minutes[str(p["point_id"])],
        )
        for p in points.to_dict("records")
    }


def team_contacts(plan: Plan) -> pd.DataFrame:
    """``team_id, team, union, leader, leader_phone`` for every team ("" where not given)."""
    teams = plan.scenario.teams
    return pd.DataFrame({"team_id": teams["team_id"], "team": teams["name"], "union": teams["union"],
                         "leader": _text(teams, "leader"), "leader_phone": _text(teams, "leader_phone")})


def person_contacts(plan: Plan) -> pd.DataFrame:
    """``person_id, name, phone`` of every named person (none without volunteers.csv)."""
    people = plan.scenario.volunteers
    if people is None:
        return pd.DataFrame({"person_id": pd.Series(dtype=object), "name": pd.Series(dtype=object),
                             "phone": pd.Series(dtype=object)})
    return pd.DataFrame({"person_id": people["person_id"], "name": people["name"], "phone": _text(people, "phone")})


def sessions(plan: Plan, point_id: str | None = None) -> pd.DataFrame:
    """``session_id, date, start, end, report`` in time order (report: at ``point_id``, "" when not set)."""
    s = plan.scenario.sessions
    minutes = report_minutes(plan).get(point_id) if point_id is not None else None
    return pd.DataFrame({"session_id": s["session_id"], "date": s["date"], "start": s["start"], "end": s["end"],
                         "report": [report_time(start, minutes) for start in s["start"]]}).reset_index(drop=True)


def point_sessions(plan: Plan, point_id: str | None = None) -> pd.DataFrame:
    """One row per point and session with a need: its times, needs per role and what is missing.

    Columns: ``point_id, session_id, date, start, end, report``, then ``<role>_needed``,
    ``<role>_assigned`` for each role, and ``missing`` (all roles); points in id order, sessions
    in time order. ``point_id`` keeps one point's rows.
    """
    short = plan.shortfalls if point_id is None else plan.shortfalls[plan.shortfalls["point_id"] == point_id]
    wide = short.pivot_table(index=["point_id", "session_id"], columns="role", values=["needed", "assigned"],
                             aggfunc="sum", fill_value=0)
    table = pd.DataFrame(index=wide.index)
    for role in ROLES:
        for what in ("needed", "assigned"):
            column = (what, role)
            table[f"{role}_{what}"] = wide[column].astype("int64") if column in wide.columns else 0
    table = table.reset_index()
    table["missing"] = sum(table[f"{role}_needed"] - table[f"{role}_assigned"] for role in ROLES)
    s = plan.scenario.sessions.set_index("session_id")
    minutes = report_minutes(plan)
    table["date"] = table["session_id"].map(s["date"])
    table["start"] = table["session_id"].map(s["start"])
    table["end"] = table["session_id"].map(s["end"])
    table["report"] = [report_time(start, minutes[p]) for start, p in zip(table["start"], table["point_id"],
                                                                           strict=True)]
    rank = {sid: i for i, sid in enumerate(s.index)}
    order = {p: i for i, p in enumerate(plan.scenario.points["point_id"])}
    table = table.assign(_p=table["point_id"].map(order), _s=table["session_id"].map(rank))
    table = table.sort_values(["_p", "_s"]).drop(columns=["_p", "_s"])
    columns = ["point_id", *SESSION_COLUMNS, *(f"{r}_{w}" for r in ROLES for w in ("needed", "assigned")), "missing"]
    return table[columns].reset_index(drop=True)


def point_teams(plan: Plan, point_id: str | None = None) -> pd.DataFrame:
    """The teams on duty at each point: ``point_id, session_id, team_id, team, union, leader,
    leader_phone``, a count per role, and ``persons`` (the ``(name, role)`` of each person on duty,
    none without volunteers.csv);
    sessions in time order, then teams in id order. ``point_id`` keeps one point's rows."""
    duty = plan.assignments if point_id is None else plan.assignments[plan.assignments["point_id"] == point_id]
    counts = duty.pivot_table(index=["point_id", "session_id", "team_id"], columns="role", values="volunteers",
                              aggfunc="sum", fill_value=0)
    counts = counts.reindex(columns=list(ROLES), fill_value=0).reset_index()
    counts.columns.name = None
    out = counts.merge(team_contacts(plan), on="team_id", how="left")
    if plan.scenario.volunteers is not None and len(out):
        names: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
        for p, s, t, name, role in plan.roster[["point_id", "session_id", "team_id", "name", "role"]].itertuples(
                index=False):
            names.setdefault((p, s, t), []).append((name, role))
        keys = zip(out["point_id"], out["session_id"], out["team_id"], strict=True)
        out["persons"] = pd.Series([tuple(names.get(key, ())) for key in keys], index=out.index, dtype=object)
    else:
        out["persons"] = [() for _ in range(len(out))]
    rank = {sid: i for i, sid in enumerate(plan.scenario.sessions["session_id"])}
    out = out.assign(_rank=out["session_id"].map(rank)).sort_values(["point_id", "_rank", "team_id"])
    return out.drop(columns="_rank").reset_index(drop=True)


def team_duty(plan: Plan, team_id: str | None = None) -> pd.DataFrame:
    """Where and when teams serve: one row per team, session and point, teams in id order, then time.

    Columns: ``team_id, session_id, date, start, end, report, point_id`` and a count per role,
    then ``others``: the other teams at that point then, as ``(team, leader, leader_phone)``
    tuples in team order. ``team_id`` keeps one team's rows.
    """
    a = plan.assignments
    counts = a.pivot_table(index=["team_id", "session_id", "point_id"], columns="role", values="volunteers",
                           aggfunc="sum", fill_value=0).reindex(columns=list(ROLES), fill_value=0).reset_index()
    counts.columns.name = None
    if team_id is not None:
        counts = counts[counts["team_id"] == team_id]
    contacts = team_contacts(plan).set_index("team_id")
    at: dict[tuple[str, str], list[str]] = {}
    for t, p, s in sorted(set(zip(a["team_id"], a["point_id"], a["session_id"], strict=True))):
        at.setdefault((p, s), []).append(t)
    others = [tuple((str(contacts.at[o, "team"]), str(contacts.at[o, "leader"]), str(contacts.at[o, "leader_phone"]))
                    for o in at[(p, s)] if o != t)
              for t, p, s in zip(counts["team_id"], counts["point_id"], counts["session_id"], strict=True)]
    minutes = report_minutes(plan)
    times = plan.scenario.sessions.set_index("session_id")
    out = counts.assign(date=counts["session_id"].map(times["date"]), start=counts["session_id"].map(times["start"]),
                        end=counts["session_id"].map(times["end"]))
    out["report"] = [report_time(start, minutes[p]) for start, p in zip(out["start"], out["point_id"], strict=True)]
    out["others"] = pd.Series(others, index=out.index, dtype=object)
    rank = {sid: i for i, sid in enumerate(times.index)}
    out = out.assign(_rank=out["session_id"].map(rank)).sort_values(["team_id", "_rank", "point_id"])
    return out[["team_id", *SESSION_COLUMNS, "point_id", *ROLES, "others"]].reset_index(drop=True)


def teams_on_duty(plan: Plan) -> list[str]:
    """Teams with any duty in the plan, in the scenario's order."""
    on = set(plan.assignments["team_id"])
    return [t for t in plan.scenario.teams["team_id"] if t in on]


def person_duty(plan: Plan) -> pd.DataFrame:
    """Every named person's duties, one row each: who, where, when, in which role, and their leader.

    Columns: ``person_id, name, phone, team_id, team, leader, leader_phone, session_id, date,
    start, end, report, point_id, role``; empty without volunteers.csv. Persons in id order,
    sessions in time order.
    """
    columns = ["person_id", "name", "phone", "team_id", "team", "leader", "leader_phone", *SESSION_COLUMNS,
               "point_id", "role"]
    if plan.scenario.volunteers is None:
        return pd.DataFrame(columns=columns)
    minutes = report_minutes(plan)
    times = sessions(plan)
    roster = plan.roster.merge(person_contacts(plan)[["person_id", "phone"]], on="person_id", how="left")
    roster = roster.merge(team_contacts(plan)[["team_id", "team", "leader", "leader_phone"]], on="team_id")
    roster = roster.merge(times.drop(columns="report"), on="session_id")
    roster["report"] = [report_time(start, minutes[p]) for start, p in zip(roster["start"], roster["point_id"],
                                                                            strict=True)]
    rank = {sid: i for i, sid in enumerate(plan.scenario.sessions["session_id"])}
    roster = roster.assign(_rank=roster["session_id"].map(rank)).sort_values(["person_id", "_rank"])
    return roster[columns].reset_index(drop=True)


NOTIFY_COLUMNS = ["recipient", "person_id", "name", "phone", "team_id", "team", "session_id", "date", "start", "end",
                  "report_time", "point_id", "point", "site", "address", "role", "volunteers"]


def notification_list(plan: Plan) -> pd.DataFrame:
    """Who to tell what: one row per person on duty (when named) and per team leader, session and point.

    ``recipient`` is ``person`` or ``leader``; a leader's row carries the team's volunteers at
    that point then (``role`` lists the roles), a person's row their own role. Persons first (in
    id order, sessions in time order), then leaders (in team order). Phones are personal data:
    this list is for the staff who send the messages, not for handing out.
    """
    facts = point_facts(plan)
    contacts = team_contacts(plan).set_index("team_id")
    rows: list[dict[str, object]] = []
    for row in person_duty(plan).to_dict("records"):
        point = facts[str(row["point_id"])]
        rows.append({
            "recipient": "person", "person_id": row["person_id"], "name": row["name"], "phone": row["phone"],
            "team_id": row["team_id"], "team": row["team"], "session_id": row["session_id"], "date": row["date"],
            "start": row["start"], "end": row["end"], "report_time": row["report"], "point_id": point.point_id,
            "point": point.name, "site": point.site, "address": point.address, "role": row["role"], "volunteers": 1,
        })
    duty = team_duty(plan)
    order = {t: i for i, t in enumerate(plan.scenario.teams["team_id"])}
    duty = duty.assign(_t=duty["team_id"].map(order)).sort_values("_t", kind="stable")
    for row in duty.to_dict("records"):
        team_id = str(row["team_id"])
        point = facts[str(row["point_id"])]
        rows.append({"recipient": "leader", "person_id": "", "name": contacts.at[team_id, "leader"],
                     "phone": contacts.at[team_id, "leader_phone"], "team_id": team_id,
                     "team": contacts.at[team_id, "team"], "session_id": row["session_id"], "date": row["date"],
                     "start": row["start"], "end": row["end"], "report_time": row["report"],
                     "point_id": point.point_id, "point": point.name, "site": point.site, "address": point.address,
                     "role": ";".join(role for role in ROLES if row[role]),
                     "volunteers": int(sum(row[role] for role in ROLES))})
    return pd.DataFrame(rows, columns=NOTIFY_COLUMNS)


def supplies_line(plan: Plan, point_id: str, names: Mapping[str, str]) -> list[tuple[str, int, int]]:
    """The items a point receives: ``(name, quantity, wanted)`` in item order (wanted > 0 only)."""
    d = plan.distribution
    d = d[(d["point_id"] == point_id) & (d["wanted"] > 0)]
    return [(names[i], int(q), int(w)) for i, q, w in zip(d["item_id"], d["quantity"], d["wanted"], strict=True)]


__all__ = ["NOTIFY_COLUMNS", "PointFacts", "notification_list", "person_duty", "point_facts", "point_sessions",
           "point_teams", "report_minutes", "report_time", "sessions", "supplies_line", "team_contacts",
           "team_duty", "teams_on_duty"]
