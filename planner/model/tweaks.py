"""A planner's tweaks as a scenario: levers baked into the tables, a point added, saved.

Levers change numbers without touching files (:mod:`planner.model.levers`). To keep them across
a kernel restart, :func:`bake_levers` writes them into a copy of the scenario's tables, so
that solving the copy with no levers gives the plan that the original gave with them, and
:func:`save_tweaks` saves that copy as a new scenario folder, checked by loading it back.
:func:`add_point` returns a scenario with one more service point.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.geo import distance_km
from planner.io import load_scenario, save_scenario
from planner.io.scenario import Scenario, derive_needs
from planner.io.schema import HOME_POINT, NO_HOME
from planner.io.textfiles import cut_to_bytes
from planner.model.home import scenario_homes
from planner.model.levers import Levers, apply_levers
from planner.model.people import persons_coming


def decimal_text(value: Fraction) -> str:
    """A fraction as exact text the scenario loader reads back: ``0.15``, or ``1/3`` when no decimal is exact."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    whole = value.numerator * 10**places // value.denominator
    text = f"{abs(whole) // 10**places}" + (f".{abs(whole) % 10**places:0{places}d}" if places else "")
    return ("-" if whole < 0 else "") + (text.rstrip("0").rstrip(".") if places else text)


def bake_levers(scenario: Scenario, levers: Levers, *, name: str | None = None) -> Scenario:
    """The scenario with its levers written into its tables and settings.

    * availability (overall and per district): teams' volunteers, first-aiders, counsellors
      and free members per session, in whole people as the lever rounds them;
    * stock: ``supplies.stock``; supply factors: ``supplies.per_unit``, exactly;
    * need factors and closed points: the needs table (kept as needs.csv);
    * closed points leave the points table: a point of capacity 0 would still want the
      supplies counted per point (seats, medicine kits), so only removing it gives the same plan;
    * weights and max_travel_km: ``scenario.yaml``.

    The description says what was baked, so the saved scenario explains itself.

    Raises
    ------
    ValueError
        A lever out of range (as :func:`planner.model.levers.apply_levers` says).
    """
    inputs = apply_levers(scenario, levers)
    # The home points the scenario's own plan has, written out, so the tweaked numbers plan the
    # same teams at the same points (a closed point's teams: none).
    homes = scenario_homes(apply_levers(scenario))
    point_ids = scenario.points["point_id"].to_numpy()
    home_text = np.where(homes >= 0, point_ids[np.maximum(homes, 0)].astype(object), NO_HOME)
    home_text = np.where(np.isin(home_text, list(levers.closed_points)), NO_HOME, home_text)
    # A home beyond a shorter travel reach is one the plan cannot use (and one a scenario may not
    # name, planner/io/checks.py): none, as the levers' plan had it.
    districts = scenario.districts.set_index("district_id")
    team_district = scenario.teams["district_id"]
    home_km = distance_km(districts["lat"].reindex(team_district).to_numpy(dtype=float),
                          districts["lon"].reindex(team_district).to_numpy(dtype=float),
                          scenario.points["lat"].to_numpy(dtype=float)[np.maximum(homes, 0)],
                          scenario.points["lon"].to_numpy(dtype=float)[np.maximum(homes, 0)])
    home_text = np.where((homes >= 0) & (home_km > inputs.reach_km), NO_HOME, home_text)
    teams = scenario.teams.assign(volunteers=inputs.volunteers, first_aid=inputs.first_aid,
                                  counsellors=inputs.counsellors, **{HOME_POINT: home_text})
    availability = scenario.availability.assign(volunteers=inputs.available.reshape(-1))
    supplies = scenario.supplies.assign(stock=inputs.stock)
    factors = {item: Fraction(str(f)) for item, f in levers.supply_factors.items()}
    supplies["per_unit"] = [decimal_text(Fraction(per_unit) * factors.get(item, Fraction(1)))
                            if item in factors else per_unit
                            for item, per_unit in zip(supplies["item_id"], supplies["per_unit"], strict=True)]
    points = scenario.points[~scenario.points["point_id"].isin(levers.closed_points)].reset_index(drop=True)
    settings = scenario.config.settings.model_copy(
        update={"max_travel_km": None if math.isinf(inputs.reach_km) else inputs.reach_km})
    note = describe_levers(scenario, levers)
    description = scenario.config.description.rstrip()
    description = f"{description}\n\n{note}\n" if description else f"{note}\n"
    config = scenario.config.model_copy(update={
        "name": name or scenario.config.name, "description": description, "settings": settings,
        "weights": inputs.weights,
    })
    # Named persons: those who come under the levers (their counts are the teams' now).
    people = None if scenario.volunteers is None else persons_coming(scenario, inputs.team_factor)
    return scenario.replace(config=config, teams=teams, availability=availability, supplies=supplies, points=points,
                            needs=order_needs(inputs.needs, scenario.sessions), needs_from_file=True, warnings=(),
                            volunteers=people)


def describe_levers(scenario: Scenario, levers: Levers) -> str:
    """The levers in words, for a saved scenario's description."""
    parts = []
    if levers.availability != 1:
        parts.append(f"availability x {levers.availability:g}")
    parts += [f"availability in {d} x {f:g}" for d, f in sorted(levers.district_availability.items()) if f != 1]
    parts += [f"stock of {item} {units}" for item, units in sorted(levers.stock.items())]
    parts += [f"per_unit of {item} x {f:g}" for item, f in sorted(levers.supply_factors.items()) if f != 1]
    parts += [f"needs in session {s}, {role} x {f:g}" for s, by_role in sorted(levers.need_factors.items())
              for role, f in sorted(by_role.items()) if f != 1]
    if levers.closed_points:
        parts.append("closed (removed): " + ", ".join(sorted(levers.closed_points)))
    if levers.max_travel_km is not None:
        parts.append(f"max_travel_km {levers.max_travel_km:g}")
    parts += [f"weight {key} {value:g}" for key, value in sorted(levers.weights.items())]
    base = f"Saved from the workbook, from scenario '{scenario.name}'"
    return base + (": " + "; ".join(parts) + "." if parts else ", without changes.")


def save_tweaks(scenario: Scenario, levers: Levers, folder: str | Path, *, name: str | None = None,
                overwrite: bool = False) -> Path:
    """Bake the levers into the scenario and save it as a new scenario folder.

    The baked scenario is first written aside and loaded back with the same checks as any
    scenario, so a folder that appears is one the planner reads.

    Parameters
    ----------
    scenario : Scenario
    levers : Levers
    folder : str or Path
        The new scenario's folder; it must not hold files unless ``overwrite``.
    name : str, optional
        The new scenario's name (``scenario.yaml`` ``name``); the old name when omitted.
    overwrite : bool
        Replace a folder that holds files.

    Returns
    -------
    Path
        The folder written.

    Raises
    ------
    FileExistsError
        The folder holds files and ``overwrite`` is false.
    ValueError
        A lever out of range.
    planner.ScenarioError
        The baked scenario does not load back (a bug: reported, nothing written).
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not overwrite)):
        what = "is a file" if not folder.is_dir() else "already holds a scenario; choose another name"
        raise FileExistsError(f"{folder} {what}")
    baked = bake_levers(scenario, levers, name=name)
    with tempfile.TemporaryDirectory(prefix=".check-", dir=folder.parent if folder.parent.is_dir() else None) as tmp:
        load_scenario(save_scenario(baked, Path(tmp) / "scenario"))
    return save_scenario(baked, folder, overwrite=overwrite)


def folder_name(name: str) -> str:
    """A folder name from a scenario name: path separators and spaces become '-', nothing hidden.

    Raises
    ------
    ValueError
        Nothing usable is left.
    """
    cleaned = "".join("-" if ch in '/\\:*?"<>|' or ch.isspace() else ch for ch in name.strip()).strip(".-")
    if not cleaned:
        raise ValueError(f"a scenario name needs letters or digits, got {name!r}")
    return cut_to_bytes(cleaned, 120)  # a file name has at most 255 bytes, and its temporary name more


def add_point(scenario: Scenario, *, point_id: str, name: str, district_id: str, lat: float, lon: float,
              capacity: int, parents: int, frontline_staff: int, like: str | None = None) -> Scenario:
    """The scenario with one more service point, its needs derived and its supplies wanted.

    What points want of every item follows from ``parents`` and ``frontline_staff``
    (supplies.csv). Needs follow the scenario's own rule: when they come from the rules in
    scenario.yaml, the same rules; when they come from needs.csv, the new point needs what
    the point ``like`` needs (by default the nearest open point of the same district, else the
    nearest anywhere), general volunteers in proportion to the parents waiting (rounded up).

    Raises
    ------
    ValueError
        Naming the field that is wrong.
    """
    points = scenario.points
    problems = []
    if not point_id.strip():
        problems.append("point_id must not be empty")
    elif point_id in set(points["point_id"]):
        problems.append(f"point_id {point_id!r} is already a point of the scenario")
    if district_id not in set(scenario.districts["district_id"]):
        problems.append(f"district_id {district_id!r} is not a district of the scenario")
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        problems.append(f"lat must be -90 to 90 and lon -180 to 180, got {lat!r}, {lon!r}")
    for field, value in (("capacity", capacity), ("parents", parents), ("frontline_staff", frontline_staff)):
        if not (isinstance(value, int | np.integer) and value >= 0):
            problems.append(f"{field} must be a whole number 0 or more, got {value!r}")
    if like is not None and like not in set(points["point_id"]):
        problems.append(f"like: {like!r} is not a point of the scenario")
    if problems:
        raise ValueError("; ".join(problems))
    row: dict[str, Any] = {column: "" for column in points.columns}
    row.update(point_id=point_id.strip(), name=name.strip() or point_id, district_id=district_id, lat=float(lat),
               lon=float(lon), capacity=int(capacity), parents=int(parents), frontline_staff=int(frontline_staff))
    new_points = pd.concat([points, pd.DataFrame([row]).astype(points.dtypes.to_dict())], ignore_index=True)
    new_points = new_points.sort_values("point_id", kind="stable").reset_index(drop=True)
    if not scenario.needs_from_file:
        needs = derive_needs(new_points, scenario.sessions, scenario.config)
    else:
        needs = pd.concat([scenario.needs, _needs_like(scenario, row, like)], ignore_index=True)
        needs = order_needs(needs, scenario.sessions)
    return scenario.replace(points=new_points, needs=needs)


def _needs_like(scenario: Scenario, row: Mapping[str, Any], like: str | None) -> pd.DataFrame:
    """The needs of a new point, modelled on another point's (see :func:`add_point`)."""
    points = scenario.points[scenario.points["point_id"].isin(scenario.needs["point_id"])]
    if row["capacity"] == 0 or len(points) == 0:
        return scenario.needs.iloc[:0]
    if like is None:
        km = distance_km(points["lat"].to_numpy(), points["lon"].to_numpy(), row["lat"], row["lon"])
        same = (points["district_id"] == row["district_id"]).to_numpy()
        like = str(points["point_id"].to_numpy()[np.lexsort((km, ~same))[0]])
    model = scenario.needs[scenario.needs["point_id"] == like]
    parents_there = int(dict(zip(scenario.points["point_id"], scenario.points["parents"], strict=True))[like])
    ratio = Fraction(int(row["parents"]), parents_there) if parents_there else Fraction(1)
    volunteers = [-((-int(n) * ratio.numerator) // ratio.denominator) if role == "general" else int(n)
                  for n, role in zip(model["volunteers"], model["role"], strict=True)]
    out = model.assign(point_id=row["point_id"], volunteers=np.array(volunteers, dtype="int64"))
    return out[out["volunteers"] > 0]


def order_needs(needs: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """Needs in the loader's order: point, then session in time order, then role id."""
    rank = {s: i for i, s in enumerate(sessions["session_id"])}
    return needs.assign(_rank=needs["session_id"].map(rank)).sort_values(
        ["point_id", "_rank", "role"], kind="stable").drop(columns="_rank").reset_index(drop=True)


__all__ = ["add_point", "bake_levers", "decimal_text", "describe_levers", "folder_name", "order_needs",
           "save_tweaks"]
