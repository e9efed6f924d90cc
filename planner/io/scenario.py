"""A checked scenario (:class:`Scenario`) and the numbers derived from it.

Needs from the rules in scenario.yaml, every team's availability in every session, what
each point wants of each item, and the tables a scenario is written back as. Reading and
checking are in :mod:`planner.io.checks`, :mod:`planner.io.folder` and the workbook
modules; the file formats are in ``docs/scenario-format.md``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from planner.io.schema import REQUIRED, TABLES
from planner.io.settings import ROLES, ScenarioConfig


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: every table typed, sorted by id and cross-referenced.

    Treat it as read-only; :meth:`replace` returns a changed copy.

    Attributes
    ----------
    config : ScenarioConfig
        ``scenario.yaml``: name, description, sources, settings, needs rules, weights.
    districts, sessions, points, teams, supplies : pandas.DataFrame
        The contract's tables with the contract's columns (plus any optional ones).
        Sessions are in time order, every other table in id order.
    needs : pandas.DataFrame
        ``point_id, session_id, role, volunteers`` for every need above zero, from
        ``needs.csv`` or derived from ``config.needs`` (see ``needs_from_file``).
    availability : pandas.DataFrame
        ``team_id, session_id, volunteers`` for every team and session: from
        ``availability.csv`` where it says, the team's ``volunteers`` elsewhere.
    source : str
        Where the scenario was read from, for messages.
    warnings : tuple of str
        Things worth a look that do not stop planning.
    volunteers : pandas.DataFrame or None
        volunteers.csv (contract version 2), one row per person in person_id order: ``person_id,
        name, team_id, first_aid, counsellor`` (0 or 1), and ``phone`` and ``free_sessions``
        (text, blank: every session) when given; None when the scenario names no one.
    pins : pandas.DataFrame
        ``team_id, point_id, session_id, role, volunteers``: pins.csv, the assignments every
        plan keeps at least (none when the scenario has no pins.csv); teams, then sessions in
        time order.
    """

    config: ScenarioConfig
    districts: pd.DataFrame
    sessions: pd.DataFrame
    points: pd.DataFrame
    teams: pd.DataFrame
    supplies: pd.DataFrame
    needs: pd.DataFrame
    availability: pd.DataFrame
    needs_from_file: bool
    source: str = ""
    warnings: tuple[str, ...] = ()
    volunteers: pd.DataFrame | None = None
    pins: pd.DataFrame = field(default_factory=lambda: no_pins())

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def max_travel_km(self) -> float | None:
        return self.config.settings.max_travel_km

    def replace(self, **changes: object) -> Scenario:
        """A copy with some fields replaced (tables are not re-checked)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]



def no_pins() -> pd.DataFrame:
    """An empty pins table (a scenario without pins.csv)."""
    return pd.DataFrame({"team_id": pd.Series(dtype=object), "point_id": pd.Series(dtype=object),
                         "session_id": pd.Series(dtype=object), "role": pd.Series(dtype=object),
                         "volunteers": pd.Series(dtype="int64")})


def derive_needs(points: pd.DataFrame, sessions: pd.DataFrame, config: ScenarioConfig) -> pd.DataFrame:
    """Needs from the rules in scenario.yaml: the same in every session, none at closed points.

    needed = max(minimum, per_point + ceil(parents / parents_per_volunteer)), exactly (no
    floating-point rounding).
    """
    rows: list[tuple[str, str, str, int]] = []
    for role in ROLES:
        rule = config.needs.rule(role)
        per_parent = Fraction(str(rule.parents_per_volunteer)) if rule.parents_per_volunteer else None
        for point_id, parents, capacity in zip(points["point_id"], points["parents"], points["capacity"], strict=True):
            if capacity <= 0:
                continue
            needed = rule.per_point + (math.ceil(Fraction(int(parents)) / per_parent) if per_parent else 0)
            needed = max(rule.minimum, needed)
            if needed > 0:
                rows.extend((point_id, session_id, role, needed) for session_id in sessions["session_id"])
    needs = pd.DataFrame(rows, columns=["point_id", "session_id", "role", "volunteers"])
    needs["volunteers"] = needs["volunteers"].astype("int64")
    role_rank = {r: i for i, r in enumerate(ROLES)}
    session_rank = {s: i for i, s in enumerate(sessions["session_id"])}
    return needs.sort_values(
        ["point_id", "session_id", "role"],
        key=lambda c: c.map(session_rank) if c.name == "session_id" else (c.map(role_rank) if c.name == "role" else c),
        kind="stable",
    ).reset_index(drop=True)


def full_availability(teams: pd.DataFrame, sessions: pd.DataFrame, given: pd.DataFrame | None) -> pd.DataFrame:
    """Members free for every team and session: ``given`` (availability.csv) where it says, all elsewhere."""
    grid = pd.MultiIndex.from_product([teams["team_id"], sessions["session_id"]], names=["team_id", "session_id"])
    full = pd.Series(np.repeat(teams["volunteers"].to_numpy(), len(sessions)), index=grid, name="volunteers")
    if given is not None and len(given):
        full.update(given.set_index(["team_id", "session_id"])["volunteers"])
    return full.astype("int64").reset_index()


def wanted_supplies(scenario: Scenario, *, factors: Mapping[str, Fraction] | None = None) -> pd.DataFrame:
    """Units of each item each point wants: ceil(per_unit x base), computed exactly.

    Parameters
    ----------
    scenario : Scenario
    factors : mapping of item_id to Fraction, optional
        Multiplies ``per_unit`` (a weather preset, say); 1 where absent.

    Returns
    -------
    pandas.DataFrame
        ``item_id, point_id, wanted`` for every item and point, items then points in id order.
    """
    points = scenario.points
    bases = {
        "parent": points["parents"].to_numpy(dtype=object),
        "staff": points["frontline_staff"].to_numpy(dtype=object),
        "point": np.ones(len(points), dtype=object),
    }
    wanted = []
    factors = factors or {}
    items = scenario.supplies["item_id"]
    for item_id, basis, per_unit in zip(items, scenario.supplies["basis"], scenario.supplies["per_unit"],
                                        strict=True):
        rate = Fraction(per_unit) * factors.get(item_id, Fraction(1))
        # ceil(a / b) for whole numbers is -((-a) // b): exact where floats are not (0.1 x 30).
        wanted.append((-((-rate.numerator * bases[basis]) // rate.denominator)).astype("int64"))
    if not wanted:
        return pd.DataFrame({"item_id": pd.Series(dtype=str), "point_id": pd.Series(dtype=str),
                             "wanted": pd.Series(dtype="int64")})
    return pd.DataFrame({"item_id": np.repeat(items.to_numpy(), len(points)),
                         "point_id": np.tile(points["point_id"].to_numpy(), len(items)),
                         "wanted": np.concatenate(wanted)})


def scenario_tables(scenario: Scenario) -> dict[str, tuple[list[str], list[list[object]]]]:
    """The tables :func:`save_scenario` writes, as (header, rows): contract columns first, then the rest.

    needs is left out when the needs come from the rules in scenario.yaml, availability when
    every member is free in every session or when volunteers.csv names the members (their
    free sessions say it).
    """

    def table(name: str, frame: pd.DataFrame) -> tuple[list[str], list[list[object]]]:
        contract = [c.name for c in TABLES[name]]
        header = contract + [c for c in frame.columns if c not in contract]
        return header, frame[header].astype(object).values.tolist()

    tables = {name: table(name, getattr(scenario, name)) for name in REQUIRED}
    if scenario.needs_from_file:
        tables["needs"] = table("needs", scenario.needs)
    members = scenario.availability.merge(scenario.teams[["team_id", "volunteers"]], on="team_id",
                                          suffixes=("", "_all"))
    fewer = members[members["volunteers"] < members["volunteers_all"]]
    if len(fewer) and scenario.volunteers is None:  # with names, the persons' free sessions say it
        tables["availability"] = table("availability", fewer[["team_id", "session_id", "volunteers"]])
    if scenario.volunteers is not None:
        tables["volunteers"] = table("volunteers", scenario.volunteers)
    if len(scenario.pins):
        tables["pins"] = table("pins", scenario.pins)
    return tables
