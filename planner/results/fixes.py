"""A measured suggestion (a row of explanations.csv) applied: the scenario or levers it says.

Stock and reach are levers of their own (``Levers.stock``, ``Levers.max_travel_km``); more room
at a point and one more team are changes of the scenario's tables, as adding a point is
(planner.model.tweaks). Solving what this gives is what the suggestion's gain was measured on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from planner.io.people import with_new_team
from planner.io.scenario import Scenario
from planner.model.levers import Levers, apply_levers
from planner.results.trials import Change


def change_of(row: Mapping[str, object]) -> Change:
    """The change a row of explanations.csv says."""
    text = {key: "" if row.get(key) is None else str(row.get(key)) for key in
            ("kind", "district_id", "role", "session_id", "point_id", "item_id", "sessions", "amount")}
    return Change(kind=text["kind"], amount=float(text["amount"]), district_id=text["district_id"], role=text["role"],
                  sessions=int(float(text["sessions"])) if text["sessions"] else 0, session_id=text["session_id"],
                  point_id=text["point_id"], item_id=text["item_id"])


def extra_team_id(scenario: Scenario, change: Change) -> str:
    """A team id for the added team that the scenario does not have: ``<district>-extra-<role><n>``."""
    taken = set(scenario.teams["team_id"])
    return next(f"{change.district_id}-extra-{change.role}{n}" for n in range(1, len(taken) + 2)
                if f"{change.district_id}-extra-{change.role}{n}" not in taken)


def with_change(scenario: Scenario, levers: Levers, change: Change) -> tuple[Scenario, Levers]:
    """The scenario and levers with the change made (on top of the levers' own stock and reach).

    Raises
    ------
    ValueError
        The change names an id the scenario does not have, or an amount below 1.
    """
    if change.amount <= 0:
        raise ValueError(f"a change needs an amount above 0, got {change.amount!r}")
    if change.kind == "stock":
        if change.item_id not in set(scenario.supplies["item_id"]):
            raise ValueError(f"{change.item_id!r} is not an item of the scenario")
        now = apply_levers(scenario, levers).stock[list(scenario.supplies["item_id"]).index(change.item_id)]
        return scenario, dataclasses.replace(levers, stock={**levers.stock, change.item_id: int(now + change.amount)})
    if change.kind == "reach":
        return scenario, dataclasses.replace(levers, max_travel_km=float(change.amount))
    if change.kind == "capacity":
        points = scenario.points
        if change.point_id not in set(points["point_id"]):
            raise ValueError(f"{change.point_id!r} is not a point of the scenario")
        more = np.where(points["point_id"] == change.point_id, int(change.amount), 0)
        return scenario.replace(points=points.assign(capacity=points["capacity"] + more)), levers
    if change.kind != "volunteers":
        raise ValueError(f"unknown kind of change {change.kind!r}")
    if change.district_id not in set(scenario.districts["district_id"]):
        raise ValueError(f"{change.district_id!r} is not a district of the scenario")
    team_id, n = extra_team_id(scenario, change), int(change.amount)
    teams = scenario.teams
    row: dict[str, object] = {column: "" for column in teams.columns}
    row.update(team_id=team_id, name=team_id, union="", district_id=change.district_id, volunteers=n,
               first_aid=n if change.role == "first_aid" else 0, counsellors=n if change.role == "counsellor" else 0,
               max_sessions=int(change.sessions))
    added = pd.concat([teams, pd.DataFrame([row]).astype(teams.dtypes.to_dict())], ignore_index=True)
    added = added.sort_values("team_id", kind="stable").reset_index(drop=True)
    sessions = scenario.sessions["session_id"].tolist()
    free = pd.DataFrame({"team_id": team_id, "session_id": sessions,
                         "volunteers": [n if not change.session_id or s == change.session_id else 0 for s in sessions]})
    availability = pd.concat([scenario.availability, free.astype(scenario.availability.dtypes.to_dict())],
                             ignore_index=True)
    # Availability follows the teams' order, then the sessions' (the model reads it as teams x sessions).
    order = {t: i for i, t in enumerate(added["team_id"])}
    rank = {s: i for i, s in enumerate(sessions)}
    availability = availability.assign(_t=availability["team_id"].map(order), _s=availability["session_id"].map(rank))
    availability = availability.sort_values(["_t", "_s"], kind="stable").drop(columns=["_t", "_s"])
    people = None if scenario.volunteers is None else with_new_team(scenario.volunteers, team_id, n, change.role,
                                                                     change.session_id)
    return scenario.replace(teams=added, availability=availability.reset_index(drop=True), volunteers=people), levers


__all__ = ["change_of", "extra_team_id", "with_change"]
