"""Levers: what a planner may change without editing the scenario's files.

``planner.solve`` takes these as keyword overrides and the workbook's controls set exactly
these. :func:`apply_levers` turns a scenario and its levers into the numbers the model uses,
so every lever but the travel reach (which decides the model's pairs) is a bound or a cost
of the LP and a warm model can follow it (model.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd
from pydantic import ValidationError

from planner.io.scenario import Scenario, wanted_supplies
from planner.io.settings import ROLES, Weights
from planner.model.people import named_counts


@dataclass(frozen=True)
class Levers:
    """Overrides of a scenario's numbers, all optional.

    Attributes
    ----------
    availability : float
        Scales every team's volunteers (and first-aiders, counsellors and free members per
        session): 0.8 is "20% fewer volunteers come". Rounded to whole people per team.
    district_availability : mapping of district_id to float
        The same, per team home district, on top of ``availability``.
    stock : mapping of item_id to int
        Units on hand, replacing the scenario's stock.
    supply_factors : mapping of item_id to float
        Multiplies an item's ``per_unit`` (what each point wants): a weather preset.
    max_travel_km : float or None
        Farthest a team travels from its district's centre; ``None`` keeps the scenario's
        setting, ``math.inf`` lifts the limit.
    weights : mapping of str to float
        Overrides of scenario.yaml ``weights`` (general, first_aid, counsellor, fairness, travel).
    closed_points : frozenset of point_id
        Points that do not open: no needs, no supplies.
    need_factors : mapping of session_id to a mapping of role to float
        Multiplies the volunteers needed in that session and role at every point, rounded
        up to whole people (``{"0608-pm": {"general": 1.5}}``: rain on day two keeps more
        parents at the tents). A factor of 0 removes those needs.
    """

    availability: float = 1.0
    district_availability: Mapping[str, float] = field(default_factory=dict)
    stock: Mapping[str, int] = field(default_factory=dict)
    supply_factors: Mapping[str, float] = field(default_factory=dict)
    max_travel_km: float | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    closed_points: frozenset[str] = frozenset()
    need_factors: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Callers pass plain dicts, lists or None; keep copies, so a later change to the
        # caller's dict never changes these levers.
        for name in ("district_availability", "stock", "supply_factors", "weights"):
            object.__setattr__(self, name, dict(getattr(self, name) or {}))
        factors = {session: dict(roles) for session, roles in (self.need_factors or {}).items()}
        object.__setattr__(self, "need_factors", factors)
        object.__setattr__(self, "closed_points", frozenset(self.closed_points or ()))


@dataclass(frozen=True)
class Inputs:
    """A scenario's numbers after its levers, aligned with its tables' row order.

    Team arrays follow ``scenario.teams``; ``available`` is teams x sessions.
    """

    scenario: Scenario
    levers: Levers
    weights: Weights
    reach_km: float  # math.inf for no limit
    volunteers: np.ndarray
    first_aid: np.ndarray
    counsellors: np.ndarray
    max_sessions: np.ndarray
    available: np.ndarray
    capacity: np.ndarray
    needs: pd.DataFrame  # point_id, session_id, role, volunteers (> 0 only)
    wanted: pd.DataFrame  # item_id, point_id, wanted
    stock: np.ndarray  # per scenario.supplies row
    team_factor: np.ndarray  # per team: what its volunteers are scaled by (named persons come by it)


def _scaled(values: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Whole people after scaling: round half up, so 0.5 of a team's 3 is 2 and 0.8 of 5 is 4."""
    return np.floor(values * factor + 0.5).astype("int64")


def apply_levers(scenario: Scenario, levers: Levers | None = None) -> Inputs:
    """Check levers against the scenario and compute the model's inputs.

    Raises
    ------
    ValueError
        Naming the lever and what it should be.
    """
    levers = levers or Levers()
    problems = []
    if not (levers.availability >= 0 and math.isfinite(levers.availability)):
        problems.append(f"availability must be a number 0 or more, got {levers.availability!r}")
    districts = set(scenario.districts["district_id"])
    for district_id, scale in levers.district_availability.items():
        if district_id not in districts:
            problems.append(f"district_availability: {district_id!r} is not a district of the scenario")
        elif not (scale >= 0 and math.isfinite(scale)):
            problems.append(f"district_availability[{district_id!r}] must be 0 or more, got {scale!r}")
    items = set(scenario.supplies["item_id"])
    for item_id, units in levers.stock.items():
        if item_id not in items:
            problems.append(f"stock: {item_id!r} is not an item of the scenario")
        elif not (isinstance(units, int | np.integer) and units >= 0):
            problems.append(f"stock[{item_id!r}] must be a whole number 0 or more, got {units!r}")
    for item_id, multiplier in levers.supply_factors.items():
        if item_id not in items:
            problems.append(f"supply_factors: {item_id!r} is not an item of the scenario")
        elif not (multiplier >= 0 and math.isfinite(multiplier)):
            problems.append(f"supply_factors[{item_id!r}] must be 0 or more, got {multiplier!r}")
    unknown_points = set(levers.closed_points) - set(scenario.points["point_id"])
    if unknown_points:
        problems.append(f"closed_points: {sorted(unknown_points)} are not points of the scenario")
    sessions_known = set(scenario.sessions["session_id"])
    for session_id, by_role in levers.need_factors.items():
        if session_id not in sessions_known:
            problems.append(f"need_factors: {session_id!r} is not a session of the scenario")
            continue
        for role, multiplier in by_role.items():
            if role not in ROLES:
                problems.append(f"need_factors[{session_id!r}]: {role!r} is not a role ({', '.join(ROLES)})")
            elif not (multiplier >= 0 and math.isfinite(multiplier)):
                problems.append(f"need_factors[{session_id!r}][{role!r}] must be 0 or more, got {multiplier!r}")
    reach = levers.max_travel_km if levers.max_travel_km is not None else scenario.max_travel_km
    if reach is None:
        reach = math.inf
    if not reach > 0:
        problems.append(f"max_travel_km must be above 0, got {reach!r}")
    try:
        weights = Weights.model_validate({**scenario.config.weights.model_dump(), **dict(levers.weights)})
    except ValidationError as exc:
        problems.extend(f"weights.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        weights = scenario.config.weights
    if problems:
        raise ValueError("; ".join(problems))

    teams = scenario.teams
    per_district = teams["district_id"].map(lambda d: levers.district_availability.get(d, 1.0))
    factor = per_district.to_numpy(dtype=float) * float(levers.availability)
    volunteers = _scaled(teams["volunteers"].to_numpy(), factor)
    first_aid = np.minimum(_scaled(teams["first_aid"].to_numpy(), factor), volunteers)
    counsellors = np.minimum(_scaled(teams["counsellors"].to_numpy(), factor), volunteers)
    sessions = len(scenario.sessions)
    available = scenario.availability["volunteers"].to_numpy().reshape(len(teams), sessions)
    available = np.minimum(_scaled(available, factor[:, None]), volunteers[:, None])
    if scenario.volunteers is not None:  # named persons: the counts are those of the persons who come
        volunteers, first_aid, counsellors, available = named_counts(scenario, factor)

    closed = scenario.points["point_id"].isin(levers.closed_points).to_numpy()
    capacity = np.where(closed, 0, scenario.points["capacity"].to_numpy()).astype("int64")
    needs = scale_needs(scenario.needs[~scenario.needs["point_id"].isin(levers.closed_points)], levers.need_factors)
    factors = {item: Fraction(str(f)) for item, f in levers.supply_factors.items()}
    wanted = wanted_supplies(scenario, factors=factors)
    wanted.loc[wanted["point_id"].isin(levers.closed_points), "wanted"] = 0
    stock = np.array([int(levers.stock.get(item, units))
                      for item, units in zip(scenario.supplies["item_id"], scenario.supplies["stock"], strict=True)],
                     dtype="int64")
    return Inputs(
        scenario=scenario, levers=levers, weights=weights, reach_km=float(reach),
        volunteers=volunteers, first_aid=first_aid, counsellors=counsellors,
        max_sessions=teams["max_sessions"].to_numpy().astype("int64"), available=available,
        capacity=capacity, needs=needs.reset_index(drop=True), wanted=wanted, stock=stock, team_factor=factor,
    )


def scale_needs(needs: pd.DataFrame, factors: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """Needs times their session's and role's factor, rounded up exactly; needs that fall to 0 are dropped."""
    if not factors:
        return needs
    multiplier = [Fraction(str(factors.get(s, {}).get(r, 1))) for s, r in zip(needs["session_id"], needs["role"],
                                                                            strict=True)]
    scaled = [-((-int(n) * m.numerator) // m.denominator) for n, m in zip(needs["volunteers"], multiplier,
                                                                           strict=True)]
    out = needs.assign(volunteers=np.array(scaled, dtype="int64"))
    return out[out["volunteers"] > 0]


def role_capacity(inputs: Inputs) -> dict[str, np.ndarray]:
    """Most members of each team that can serve each role in each session (teams x sessions)."""
    return {
        "general": inputs.available,
        "first_aid": np.minimum(inputs.first_aid[:, None], inputs.available),
        "counsellor": np.minimum(inputs.counsellors[:, None], inputs.available),
    }


def role_totals(inputs: Inputs) -> dict[str, np.ndarray]:
    """Most volunteer-sessions each team gives over the exam, in all and per skilled role."""
    return {
        "all": inputs.volunteers * inputs.max_sessions,
        "first_aid": inputs.first_aid * inputs.max_sessions,
        "counsellor": inputs.counsellors * inputs.max_sessions,
    }


__all__ = ["ROLES", "Inputs", "Levers", "apply_levers", "role_capacity", "role_totals", "scale_needs"]
