"""How many reserves: the fewest standby volunteers per district so that a share of samples fills every duty of a role.

A reserve is a standby volunteer of a district, trained for the role (first aid by default),
free in every session, serving at most :data:`RESERVE_SESSIONS` sessions, and drawn like
everyone else (they come with the show-up probability). Reserves are added as one standby
team per district and role (``standby`` true in teams.csv's optional column), drawn after
everyone else, so a sweep with reserves re-plans exactly the draws of the sweep without them
plus the reserves' own.

The search, each step a sweep with the same seed:

1. Start with none. While fewer than ``target`` of the samples fill every duty of the role,
   add to each district what its failing samples lack: the ``target`` quantile, over the
   samples, of the district's need at once (the most missing in one session, or the missing
   volunteer-sessions over :data:`RESERVE_SESSIONS`, whichever is more), divided by the
   show-up probability, less what it has; at least one in the district that lacks most.
2. Then take reserves away one at a time, district by district in id order, keeping each
   removal only when the target still holds.

So the advice is the fewest in the sense that matters to a planner: every reserve in it is
needed (take any one away and the target fails on these samples); it is not proven the least
total over every way of spreading reserves.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.io.scenario import Scenario, full_availability
from planner.io.settings import ROLES
from planner.io.uncertainty import Uncertainty

log = logging.getLogger(__name__)
RESERVE_SESSIONS = 2  # as the programme's members (beijing-2023: each serves at most 2 sessions, assumed)
MAX_STEPS = 12
Reserves = dict[tuple[str, str], int]


def reserve_team_id(district_id: str, role: str) -> str:
    return f"reserve-{district_id}-{role}"


def with_reserves(scenario: Scenario, reserves: Mapping[tuple[str, str], int]) -> Scenario:
    """The scenario with a standby team per (district, role) of that many volunteers (see the module).

    Raises
    ------
    ValueError
        An unknown district or role, or a count below 0.
    """
    districts = set(scenario.districts["district_id"])
    rows = []
    for (district, role), count in sorted(reserves.items()):
        if district not in districts:
            raise ValueError(f"reserves: {district!r} is not a district of the scenario")
        if role not in ROLES:
            raise ValueError(f"reserves: {role!r} is not a role ({', '.join(ROLES)})")
        if not (isinstance(count, int | np.integer) and count >= 0):
            raise ValueError(f"reserves[{district!r}, {role!r}] must be a whole number 0 or more, got {count!r}")
        if count:
            rows.append({"team_id": reserve_team_id(district, role), "name": f"备勤志愿者 standby ({role})",
                         "union": "备勤 standby", "district_id": district, "volunteers": int(count),
                         "first_aid": int(count) if role == "first_aid" else 0,
                         "counsellors": int(count) if role == "counsellor" else 0,
                         "max_sessions": RESERVE_SESSIONS})
    if not rows:
        return scenario
    teams = scenario.teams.copy()
    teams["standby"] = teams["standby"].astype(bool) if "standby" in teams else False
    added = pd.DataFrame(rows).assign(standby=True)
    teams = pd.concat([teams, added.reindex(columns=teams.columns)], ignore_index=True)
    teams = teams.sort_values("team_id", kind="stable").reset_index(drop=True)
    for column in ("volunteers", "first_aid", "counsellors", "max_sessions"):
        teams[column] = teams[column].astype("int64")
    availability = full_availability(teams, scenario.sessions, scenario.availability)
    return scenario.replace(teams=teams, availability=availability)


@dataclass(frozen=True)
class ReserveAdvice:
    """The reserves found, the share of samples they fill every duty of the role in, and each step's share."""

    role: str
    target: float
    reserves: Reserves
    share: float
    share_without: float
    steps: tuple[tuple[str, float], ...]
    result: Any  # the sweep with the reserves (planner.sweep.risk.SweepResult)

    def table(self, scenario: Scenario) -> pd.DataFrame:
        """district_id, name_zh, name_en, role, volunteers: one row per district with reserves."""
        names = scenario.districts.set_index("district_id")
        rows = [(d, names.at[d, "name_zh"], names.at[d, "name_en"], r, n) for (d, r), n in sorted(self.reserves.items())
                if n]
        return pd.DataFrame(rows, columns=["district_id", "name_zh", "name_en", "role", "volunteers"])


def district_lack(result: Any, role: str) -> pd.DataFrame:
    """Per sample (rows) and district (columns), how many standby volunteers of ``role`` it lacks at least."""
    needs = result.scenario.needs
    district = result.scenario.points.set_index("point_id")["district_id"].reindex(needs["point_id"]).to_numpy()
    in_role = needs["role"].to_numpy() == role
    missing = result.batch.missing[:, in_role].astype("int64")
    sessions = needs["session_id"].to_numpy()[in_role]
    out = {}
    for d in sorted(set(district[in_role])):
        mine = district[in_role] == d
        at_once = np.zeros(len(missing), dtype="int64")
        for s in sorted(set(sessions[mine])):
            at_once = np.maximum(at_once, missing[:, mine & (sessions == s)].sum(axis=1))
        total = missing[:, mine].sum(axis=1)
        out[d] = np.maximum(at_once, -(-total // RESERVE_SESSIONS))
    return pd.DataFrame(out)


def find_reserves(scenario: Scenario, *, run: Callable[[Reserves], Any], uncertainty: Uncertainty,
                  role: str = "first_aid", target: float = 0.9) -> ReserveAdvice:
    """The fewest reserves per district of ``role`` so that ``target`` of the samples fill every duty of it.

    Parameters
    ----------
    run : callable
        Runs the sweep with these reserves and returns its SweepResult (the same samples and seed each time).
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if not 0 < target <= 1:
        raise ValueError(f"target must be above 0 and at most 1, got {target!r}")
    show = max(uncertainty.show_up, 1e-6)
    steps: list[tuple[str, float]] = []
    reserves: Reserves = {}
    result = run(reserves)
    share_without = float(result.all_filled(role).mean())
    steps.append(("none", share_without))
    share = share_without
    for _ in range(MAX_STEPS):
        if share >= target:
            break
        lack = district_lack(result, role)
        failing = ~result.all_filled(role)
        grew = False
        for d in lack.columns:
            wanted = math.ceil(float(np.quantile(lack.loc[failing, d], target)) / show) if failing.any() else 0
            if wanted > 0:
                reserves[(d, role)] = reserves.get((d, role), 0) + wanted
                grew = True
        if not grew:  # the lack is spread thin: one more where the failing samples lack most
            worst = str(lack.loc[failing].mean().idxmax()) if len(lack.columns) else None
            if worst is None:
                break
            reserves[(worst, role)] = reserves.get((worst, role), 0) + 1
        result = run(reserves)
        share = float(result.all_filled(role).mean())
        steps.append((_text(reserves), share))
    if share >= target:
        for key in sorted(reserves):
            while reserves.get(key, 0) > 0:
                trial = {**reserves, key: reserves[key] - 1}
                tried = run(trial)
                tried_share = float(tried.all_filled(role).mean())
                steps.append((_text(trial), tried_share))
                if tried_share < target:
                    break
                reserves, result, share = trial, tried, tried_share
    reserves = {k: v for k, v in reserves.items() if v}
    return ReserveAdvice(role=role, target=target, reserves=reserves, share=share, share_without=share_without,
                         steps=tuple(steps), result=result)


def _text(reserves: Reserves) -> str:
    return ", ".join(f"{d} {n}" for (d, _r), n in sorted(reserves.items()) if n) or "none"


__all__ = ["RESERVE_SESSIONS", "ReserveAdvice", "district_lack", "find_reserves", "reserve_team_id", "with_reserves"]
