"""Re-planning a published plan on the day, with the fewest changes (contract v2, ``planner replan``).

The sessions before the one re-planned from have happened: their assignments and roster rows are
kept exactly as published, and count against every person's max_sessions. From that session on
the re-plan model (planner/model/replan.py) fills every need it can, then changes as few of the
plan's rows as it can, then shares fairly, keeps teams at their points and saves travel. The
result is a whole :class:`~planner.results.plan.Plan` (roster included) and the list of changes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from planner.errors import Problem, ScenarioError
from planner.geo import distance_km
from planner.io.previous_plan import FILE, LINE, PreviousPlan
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.model.levers import Inputs, Levers, apply_levers
from planner.model.replan import Members, Repair, repair_plan, scenario_members
from planner.model.solution import Solution
from planner.results.causes import need_causes
from planner.results.cover import cover_preferences
from planner.results.plan import Plan, build_summary
from planner.results.roster import ROSTER_COLUMNS, Member, build_roster, numbered
from planner.results.shares import supply_shares

if TYPE_CHECKING:
    from planner.model import PlanModel

log = logging.getLogger(__name__)
CHANGE_COLUMNS = ["team_id", "point_id", "session_id", "role", "before", "after"]
ASSIGNMENT_COLUMNS = ["team_id", "point_id", "session_id", "role", "volunteers"]


@dataclass(frozen=True)
class Replan:
    """A re-plan: the repaired plan and what changed.

    Attributes
    ----------
    plan : Plan
        The whole plan (sessions held as published); ``plan.summary["changed"]`` is the sum of
        |after - before| over ``changes``.
    changes : pandas.DataFrame
        ``team_id, point_id, session_id, role, before, after``: the assignment rows that differ
        from the published plan (volunteers before and after), in team, point, session, role order.
    """

    plan: Plan
    changes: pd.DataFrame


def replan(scenario: Scenario, previous: PreviousPlan, *, start: str | None = None, levers: Levers | None = None,
           prefer: pd.DataFrame | None = None, time_limit: float | None = None) -> Replan:
    """Repair ``previous`` for the (changed) ``scenario``, from session ``start`` on.

    Parameters
    ----------
    scenario : Scenario
        The scenario as it is now (a team out, a point closed, a need up...).
    previous : PreviousPlan
        The plan published (:func:`planner.io.previous_plan.read_previous_plan`).
    start : str, optional
        The first session re-planned; the ones before it are kept exactly. The first session
        (nothing held yet) when omitted.
    levers : Levers, optional
        Levers on top of the scenario (the explorer's).
    prefer : pandas.DataFrame, optional
        ``team_id, point_id, rank``: the teams who can cover at a point, rank 1 the best; by
        default those of :func:`planner.results.cover.cover_preferences` for every duty left
        open by a team that dropped out. Among plans equal in needs, changes and fairness, the
        re-plan uses them first, in that order.
    time_limit : float, optional
        Seconds per stage of the model.

    Raises
    ------
    ScenarioError
        ``start`` is not a session of the scenario, or the plan does not belong to it (ids it
        does not know in a session kept), each problem naming file, line and column.
    NoPlanError
        HiGHS gave no plan.
    """
    started = time.perf_counter()
    sc = scenario
    inputs = apply_levers(sc, levers)
    sessions = sc.sessions["session_id"].tolist()
    if start is None:
        start = sessions[0]
    if start not in sessions:
        raise ScenarioError([Problem("--from", None, None, f"{start!r} is not a session of the scenario "
                                                           f"(sessions: {', '.join(sessions)})")])
    first = sessions.index(start)
    members = scenario_members(inputs)
    frozen, later, gone, held_roster = _split(previous, sc, first, members)
    used = _sessions_served(held_roster, members, sc)
    team_ids, point_ids, session_ids = (sc.teams["team_id"], sc.points["point_id"], sc.sessions["session_id"])
    pins = sc.pins[sc.pins["session_id"].isin(sessions[first:])]
    if prefer is None and previous.roster is not None:
        prefer = cover_preferences(inputs, previous.assignments, previous.roster, start)
    repair = repair_plan(
        inputs, first=first, before=_positions(later, sc), members=members, used=used, pins=_positions(pins, sc),
        frozen_staffed=_frozen_staffed(frozen, inputs), prefer=None if prefer is None else pd.DataFrame({
            "t": pd.Index(team_ids).get_indexer(pd.Index(prefer["team_id"])),
            "p": pd.Index(point_ids).get_indexer(pd.Index(prefer["point_id"])),
            "rank": prefer["rank"].to_numpy()}),
        time_limit=time_limit)
    pieces = repair.team_pieces
    new_rows = pd.DataFrame({
        "team_id": team_ids.to_numpy()[pieces["t"]], "point_id": point_ids.to_numpy()[pieces["p"]],
        "session_id": session_ids.to_numpy()[pieces["s"]], "role": np.array(ROLES, dtype=object)[pieces["r"]],
        "volunteers": pieces["volunteers"].to_numpy(dtype="int64")})
    assignments = _in_plan_order(pd.concat([frozen[ASSIGNMENT_COLUMNS], new_rows], ignore_index=True), sc)
    roster = _roster(held_roster, repair, sc, members)
    shortfalls = shortfalls_of(assignments, inputs)
    shortfalls["cause"] = need_causes(inputs, shortfalls, roster)  # contract v2, as for solve
    distribution = _distribution(previous, inputs)
    changes = plan_changes(previous.assignments, assignments, sc)
    changed = int((changes["after"] - changes["before"]).abs().sum())
    # (the rows of a team or point the scenario no longer has are changes the model never sees)
    if changed != repair.changed + gone:
        raise AssertionError(f"the re-plan model counted {repair.changed} changes and {gone} rows gone, "
                             f"the plans differ by {changed}")
    solution = Solution(status=repair.status, values=np.zeros(0), duals=None, objective=repair.stages["needs"],
                        solver="highs", used_integers=repair.used_mip, seconds=repair.seconds,
                        whole_by="integer" if repair.used_mip else "lp")
    # build_summary reads only the model's geography (km from district centres to points).
    geography = cast("PlanModel", _Geography(_km(sc)))
    summary = build_summary(inputs, solution, assignments, shortfalls, distribution, geography)
    summary["replanned_from"] = start
    summary["changed"] = changed
    summary["pins_missing"] = repair.pins_missing
    plan = Plan(scenario=sc, levers=inputs.levers, weights=inputs.weights, status=repair.status,
                assignments=assignments, shortfalls=shortfalls, distribution=distribution, roster=roster,
                summary=summary, marginal_values=pd.DataFrame(
                    columns=["kind", "district_id", "session_id", "role", "item_id", "value"]),
                timings={"total": time.perf_counter() - started, "solve": repair.seconds})
    log.info("re-plan of %s from %s: %d changes, coverage %.3f, %.3f s", sc.name, start, changed,
             summary["coverage"], plan.timings["total"])
    return Replan(plan=plan, changes=changes)


@dataclass(frozen=True)
class _Geography:
    km: np.ndarray


def _km(sc: Scenario) -> np.ndarray:
    d = sc.districts
    return distance_km(d["lat"].to_numpy()[:, None], d["lon"].to_numpy()[:, None],
                       sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])


def _split(previous: PreviousPlan, sc: Scenario, first: int,
           members: Members) -> tuple[pd.DataFrame, pd.DataFrame, int, pd.DataFrame]:
    """The previous plan's rows of the sessions held (checked against the scenario), its later rows
    with ids the scenario knows, the volunteers of its later rows naming a team, point or role it
    does not know (a team removed from teams.csv: lost whatever the re-plan does), and the roster
    of the sessions held.

    Raises
    ------
    ScenarioError
        A row of a session held (or any row's session) names an id the scenario does not know.
    """
    problems: list[Problem] = []
    rank = {sid: i for i, sid in enumerate(sc.sessions["session_id"])}
    known: dict[str, set[str]] = {"team_id": set(sc.teams["team_id"]), "point_id": set(sc.points["point_id"]),
                                  "role": set(ROLES)}
    a = previous.assignments

    def check(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
        """Rows of sessions held; problems for those (and any row) naming what the scenario lacks."""
        session_rank = frame["session_id"].map(rank)
        unknown = frame[session_rank.isna()]
        for value, file, line in zip(unknown["session_id"], unknown[FILE], unknown[LINE], strict=True):
            problems.append(Problem(str(file), int(line), "session_id", f"{value!r} is not a session of the "
                                                                         "scenario: the plan belongs to another one"))
        held = session_rank.fillna(len(rank)) < first
        for column in columns:
            bad = frame[held & ~frame[column].isin(known[column])]
            for value, file, line in zip(bad[column], bad[FILE], bad[LINE], strict=True):
                problems.append(Problem(str(file), int(line), column,
                                        f"{value!r} is not a {column} of the scenario, in a session kept as "
                                        "held: the plan belongs to another scenario"))
        return held

    held = check(a, ("team_id", "point_id", "role"))
    roster = previous.roster
    if roster is None:  # who served decides who may serve again: a re-plan needs it
        problems.append(Problem(f"{previous.source}/roster.csv", None, None,
                                "is missing; a plan written by the planner holds it (who served in each session)"))
        held_roster = pd.DataFrame(columns=list(ROSTER_COLUMNS))
    else:
        roster_held = check(roster, ("team_id", "point_id", "role"))
        held_roster = roster[roster_held]
        person = _person_index(members, sc)
        unknown = held_roster[~held_roster["person_id"].isin(person)]
        for i, person_id, file, line in zip(unknown.index, unknown["person_id"], unknown[FILE], unknown[LINE],
                                            strict=True):
            del i
            problems.append(Problem(str(file), int(line), "person_id",
                                    f"{person_id!r} is not a member of the scenario's teams, in a "
                                    "session kept as held: the plan belongs to another scenario"))
    if problems:
        raise ScenarioError(sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.column or "")))
    kept = a["team_id"].isin(known["team_id"]) & a["point_id"].isin(known["point_id"]) & a["role"].isin(known["role"])
    gone = int(a.loc[~held & ~kept, "volunteers"].sum())
    return a[held], a[~held & kept], gone, held_roster


def _person_index(members: Members, sc: Scenario) -> dict[str, int]:
    if len(members.ids):  # named persons (volunteers.csv)
        return {str(person): i for i, person in enumerate(members.ids)}
    team_ids = sc.teams["team_id"].to_numpy()
    return {f"{team_ids[t]}/{n}": i for i, (t, n) in enumerate(zip(members.team.tolist(), members.number.tolist(),
                                                                    strict=True))}


def _sessions_served(held_roster: pd.DataFrame, members: Members, sc: Scenario) -> np.ndarray:
    """Per member, the sessions held in which they were on duty."""
    person = _person_index(members, sc)
    used = np.zeros(len(members), dtype="int64")
    pairs = held_roster[["person_id", "session_id"]].drop_duplicates()
    index = pairs["person_id"].map(person).dropna().astype("int64").to_numpy()
    np.add.at(used, index, 1)
    return used


def _positions(frame: pd.DataFrame, sc: Scenario) -> pd.DataFrame:
    """``team_id, point_id, session_id, role, volunteers`` as positions ``t, p, s, r, volunteers``."""
    return pd.DataFrame({
        "t": pd.Index(sc.teams["team_id"]).get_indexer(pd.Index(frame["team_id"])),
        "p": pd.Index(sc.points["point_id"]).get_indexer(pd.Index(frame["point_id"])),
        "s": pd.Index(sc.sessions["session_id"]).get_indexer(pd.Index(frame["session_id"])),
        "r": pd.Index(ROLES).get_indexer(pd.Index(frame["role"])),
        "volunteers": frame["volunteers"].to_numpy(dtype="int64"),
    })


def _frozen_staffed(frozen: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
    """Need staffed in the sessions held, per district of the points and role (never above the need)."""
    sc = inputs.scenario
    given = frozen.groupby(["point_id", "session_id", "role"])["volunteers"].sum()
    needs = inputs.needs.set_index(["point_id", "session_id", "role"])["volunteers"]
    staffed = given.clip(upper=needs.reindex(given.index).fillna(0)).reset_index()
    return pd.DataFrame({
        "g": pd.Index(sc.districts["district_id"]).get_indexer(
            pd.Index(sc.points.set_index("point_id")["district_id"].reindex(staffed["point_id"]))),
        "r": pd.Index(ROLES).get_indexer(pd.Index(staffed["role"])),
        "volunteers": staffed["volunteers"].to_numpy(dtype="int64"),
    })


def _in_plan_order(assignments: pd.DataFrame, sc: Scenario) -> pd.DataFrame:
    """Assignments in the order ``planner solve`` writes them: team, point, session (time), role."""
    keys = [pd.Index(sc.teams["team_id"]).get_indexer(pd.Index(assignments["team_id"])),
            pd.Index(sc.points["point_id"]).get_indexer(pd.Index(assignments["point_id"])),
            pd.Index(sc.sessions["session_id"]).get_indexer(pd.Index(assignments["session_id"])),
            pd.Index(ROLES).get_indexer(pd.Index(assignments["role"]))]
    order = np.lexsort(keys[::-1])
    out = assignments.iloc[order].reset_index(drop=True)
    out["volunteers"] = out["volunteers"].astype("int64")
    return out[ASSIGNMENT_COLUMNS]


def _class_members(repair: Repair, sc: Scenario, members: Members) -> list[list[Member]]:
    """Per class of the re-plan, its members as roster.csv names them (named persons, or numbered)."""
    if not len(members.ids):
        return numbered(repair.classes, repair.numbers, sc.teams["team_id"].to_numpy())
    by_number = {int(n): (str(i), str(name)) for n, i, name in zip(members.number, members.ids, members.names,
                                                                    strict=True)}
    return [[Member(*by_number[n], n) for n in numbers] for numbers in repair.numbers]


def _roster(held: pd.DataFrame, repair: Repair, sc: Scenario, members: Members) -> pd.DataFrame:
    """The roster: the sessions held as published, the rest person by person from the model's classes."""
    pieces = repair.class_pieces
    later = build_roster(
        pd.DataFrame({"cls": pieces["c"].to_numpy(dtype="int64"),
                      "point_id": sc.points["point_id"].to_numpy()[pieces["p"]],
                      "session_id": sc.sessions["session_id"].to_numpy()[pieces["s"]],
                      "role": np.array(ROLES, dtype=object)[pieces["r"]],
                      "volunteers": pieces["volunteers"].to_numpy(dtype="int64")}),
        repair.classes, _class_members(repair, sc, members), sc.teams["team_id"].to_numpy(),
        sc.sessions["session_id"].tolist(), repair.budgets)
    rank = {sid: i for i, sid in enumerate(sc.sessions["session_id"])}
    both = pd.concat([held[ROSTER_COLUMNS], later], ignore_index=True)
    both["name"] = both["name"].fillna("").astype(str)
    both = both.assign(_rank=both["session_id"].map(rank)).sort_values(["team_id", "_rank"], kind="stable")
    return both[ROSTER_COLUMNS].reset_index(drop=True)


def shortfalls_of(assignments: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
    """The contract's shortfalls.csv: one row per need, with what the assignments give it."""
    given = assignments.groupby(["point_id", "session_id", "role"])["volunteers"].sum()
    needs = inputs.needs
    needed = needs["volunteers"].to_numpy(dtype="int64")
    assigned = given.reindex(pd.MultiIndex.from_frame(needs[["point_id", "session_id", "role"]])).fillna(0) \
        .to_numpy(dtype="int64")
    return pd.DataFrame({"point_id": needs["point_id"].to_numpy(), "session_id": needs["session_id"].to_numpy(),
                         "role": needs["role"].to_numpy(), "needed": needed, "assigned": assigned,
                         "missing": needed - assigned})


def _distribution(previous: PreviousPlan, inputs: Inputs) -> pd.DataFrame:
    """Supplies as published where that is still right for the scenario, else shared again.

    Packs go out in advance, so a re-plan keeps an item's distribution when it still hands out
    exactly min(stock, wanted) without exceeding any point's want; otherwise that item is shared in
    proportion to what points want (largest remainder), as ``planner solve`` shares it.
    """
    shares = supply_shares(inputs)
    old = previous.distribution
    kept = (old.set_index(["item_id", "point_id"])["quantity"] if old is not None and len(old) else
            pd.Series(dtype="int64"))
    published = kept.reindex(pd.MultiIndex.from_frame(shares[["item_id", "point_id"]])).to_numpy(dtype=float)
    for _, rows in shares.groupby("item_id", sort=False).indices.items():
        quantity, want = published[rows], shares["wanted"].to_numpy()[rows]
        # (the new shares hand out min(stock, wanted): the published ones must too)
        if not (np.isnan(quantity).any() or (quantity > want).any()
                or int(quantity.sum()) != int(shares["quantity"].to_numpy()[rows].sum())):
            shares.loc[rows, "quantity"] = quantity.astype("int64")
    return shares


def plan_changes(before: pd.DataFrame, after: pd.DataFrame, sc: Scenario) -> pd.DataFrame:
    """The assignment rows that differ between two plans: ``team_id, point_id, session_id, role, before, after``."""
    keys = ["team_id", "point_id", "session_id", "role"]
    old = before.groupby(keys)["volunteers"].sum().rename("before")
    new = after.groupby(keys)["volunteers"].sum().rename("after")
    both = pd.concat([old, new], axis=1).fillna(0).astype("int64").reset_index()
    both = both[both["before"] != both["after"]]
    # In the plan's order; ids the scenario lacks (a plan's row of a point gone) last, by id.
    last = len(sc.teams) + len(sc.points) + len(sc.sessions) + len(ROLES)
    rank = {f"_{k}": np.where(i < 0, last, i) for k, i in (
        ("t", pd.Index(sc.teams["team_id"]).get_indexer(pd.Index(both["team_id"]))),
        ("p", pd.Index(sc.points["point_id"]).get_indexer(pd.Index(both["point_id"]))),
        ("s", pd.Index(sc.sessions["session_id"]).get_indexer(pd.Index(both["session_id"]))),
        ("r", pd.Index(ROLES).get_indexer(pd.Index(both["role"]))))}
    both = both.assign(**rank).sort_values(["_t", "_p", "_s", "_r", *keys], kind="stable")
    return both[CHANGE_COLUMNS].reset_index(drop=True)


__all__ = ["CHANGE_COLUMNS", "Replan", "plan_changes", "replan", "shortfalls_of"]
