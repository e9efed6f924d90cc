"""Named members (volunteers.csv) as groups of identical persons, and who of them comes under a lever.

Persons of one team with the same skills and the same free sessions are interchangeable: the
model plans them as one class (planner/model/classes.py), and the roster names them
(planner/results/roster.py). A lever that scales a team's volunteers (0.8: "20% fewer come")
scales each group the same way, rounded half up, and the first persons of a group (in
person_id order) are the ones who come; so a team's counts under a lever are always those of
the persons who come, and the model's classes stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from planner.io.people import free_matrix
from planner.io.scenario import Scenario

# Kinds of member, in the order "trained first" (who is free first when fewer are free).
BOTH, FIRST_AID, COUNSELLOR, NEITHER = 0, 1, 2, 3
KINDS = ("both", "first_aid", "counsellor", "neither")


@dataclass(frozen=True)
class PersonGroups:
    """The groups of identical persons of a scenario with volunteers.csv (one entry per group).

    ``team`` is the team's row in ``scenario.teams``; ``kind`` one of :data:`KINDS`; ``free``
    groups x sessions; ``members`` the rows of ``scenario.volunteers`` in each group, in
    person_id order. Groups are in team, kind and free-session order.
    """

    team: np.ndarray
    kind: np.ndarray
    free: np.ndarray
    members: tuple[np.ndarray, ...]

    def __len__(self) -> int:
        return len(self.team)


def person_groups(scenario: Scenario) -> PersonGroups:
    """The groups of identical persons (raises ValueError for a scenario without volunteers.csv)."""
    people = scenario.volunteers
    if people is None:
        raise ValueError("the scenario has no volunteers.csv")
    team = pd.Index(scenario.teams["team_id"]).get_indexer(people["team_id"]).astype("int64")
    first_aid, counsellor = people["first_aid"].to_numpy() == 1, people["counsellor"].to_numpy() == 1
    kind = np.select([first_aid & counsellor, first_aid, counsellor], [BOTH, FIRST_AID, COUNSELLOR], NEITHER)
    free = free_matrix(people, scenario.sessions["session_id"].tolist())
    # Free sessions as one number per person (session k is bit k), to group by.
    pattern = (free.astype(object) * (1 << np.arange(free.shape[1], dtype=object))).sum(axis=1) if free.size else (
        np.zeros(len(people), dtype=object))
    keys = pd.DataFrame({"team": team, "kind": kind, "pattern": [int(p) for p in pattern]})
    grouped = cast(dict[tuple[int, int, int], np.ndarray], keys.groupby(["team", "kind", "pattern"]).indices)
    order = sorted(grouped)
    members = tuple(np.sort(grouped[key]).astype("int64") for key in order)
    return PersonGroups(
        team=np.array([k[0] for k in order], dtype="int64"), kind=np.array([k[1] for k in order], dtype="int64"),
        free=np.array([free[m[0]] for m in members], dtype=bool).reshape(len(order), free.shape[1]),
        members=members,
    )


def coming(team: np.ndarray, members: tuple[np.ndarray, ...], factor: np.ndarray) -> np.ndarray:
    """Persons of each group (of team ``team[g]``) who come when team t's volunteers are scaled by
    ``factor[t]``: rounded half up, never more than the group has."""
    sizes = np.array([len(m) for m in members], dtype="int64")
    return np.minimum(np.floor(sizes * factor[team] + 0.5).astype("int64"), sizes)


def named_counts(scenario: Scenario, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per team, the volunteers, first-aiders and counsellors who come, and per session those free."""
    groups = person_groups(scenario)
    n_teams, n_sessions = len(scenario.teams), len(scenario.sessions)
    come = coming(groups.team, groups.members, factor)
    volunteers = np.bincount(groups.team, weights=come, minlength=n_teams).astype("int64")
    trained = np.isin(groups.kind, (BOTH, FIRST_AID))
    first_aid = np.bincount(groups.team, weights=come * trained, minlength=n_teams).astype("int64")
    counselling = np.isin(groups.kind, (BOTH, COUNSELLOR))
    counsellors = np.bincount(groups.team, weights=come * counselling, minlength=n_teams).astype("int64")
    available = np.zeros((n_teams, n_sessions), dtype="int64")
    np.add.at(available, groups.team, groups.free * come[:, None])
    return volunteers, first_aid, counsellors, available


def named_free_able(scenario: Scenario, factor: np.ndarray) -> np.ndarray:
    """Persons who come, free in each session, who may serve each role: teams x sessions x roles."""
    groups = person_groups(scenario)
    come = coming(groups.team, groups.members, factor)
    out = np.zeros((len(scenario.teams), len(scenario.sessions), 3), dtype="int64")
    roles = np.stack([np.ones(len(groups), dtype=bool), np.isin(groups.kind, (BOTH, FIRST_AID)),
                      np.isin(groups.kind, (BOTH, COUNSELLOR))], axis=1)  # general, first_aid, counsellor
    for r in range(3):
        np.add.at(out[:, :, r], groups.team, groups.free * (come * roles[:, r])[:, None])
    return out


def persons_coming(scenario: Scenario, factor: np.ndarray) -> pd.DataFrame:
    """The rows of volunteers.csv of the persons who come under ``factor`` (as :func:`coming`)."""
    assert scenario.volunteers is not None
    groups = person_groups(scenario)
    rows = [m[:n] for m, n in zip(groups.members, coming(groups.team, groups.members, factor), strict=True)]
    kept = np.sort(np.concatenate(rows)) if rows else np.zeros(0, dtype="int64")
    return scenario.volunteers.iloc[kept].reset_index(drop=True)


__all__ = ["BOTH", "COUNSELLOR", "FIRST_AID", "KINDS", "NEITHER", "PersonGroups", "coming", "named_counts",
           "named_free_able", "person_groups", "persons_coming"]
