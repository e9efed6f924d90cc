"""What the explorer's controls say, as levers: a plain mapping of control values in, ``Levers`` out.

The controls (:class:`planner.workbook.lever_controls.LeverControls`) are named, and their
values read as one *state*, a mapping from name to value:

============================  ==========================================================
``availability``              volunteers who come, percent (100: all)
``district:<district_id>``    the same per team home district, percent, on top of it
``stock:<item_id>``           units on hand
``travel``                    farthest travel, km (whole km, as the slider moves)
``no_limit``                  true: no limit on travel (``travel`` is then ignored)
``weight:<key>``              a weight of scenario.yaml (the roles, ``fairness``, ``travel``)
``weather``                   a preset of :data:`planner.model.weather.PRESETS`
``day:<YYYY-MM-DD>``          true: that exam day has the weather (none is ticked at first:
                              a preset with no day ticked changes nothing, and the controls
                              say so)
``closed``                    the point_ids of points that do not open
============================  ==========================================================

This module holds the translation, and the controls' starting values, without ipywidgets,
so that what a position of the controls means is tested without building a widget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.labels import label
from planner.model.levers import Levers
from planner.model.weather import exam_days, weather_levers

WEIGHT_KEYS = (*ROLES, "fairness", "travel")
TRAVEL_MAX_KM = 250  # the travel slider's end: beyond Qian'an, about 200 km from Beijing


def default_state(scenario: Scenario) -> dict[str, Any]:
    """The controls' starting values for ``scenario``: its own numbers, no weather, nothing closed.

    No exam day is ticked for the weather: a planner picks the days it rains (or is hot), so a
    preset never means "every day" without being told.

    District controls exist only for districts that have teams (the lever scales teams).
    A scenario without a travel limit starts with ``no_limit`` ticked and the slider at its end.
    """
    sc = scenario
    state: dict[str, Any] = {"availability": 100}
    with_teams = sc.districts["district_id"].isin(sc.teams["district_id"])
    state.update({f"district:{d}": 100 for d in sc.districts.loc[with_teams, "district_id"]})
    state.update({f"stock:{item}": int(units) for item, units in zip(sc.supplies["item_id"], sc.supplies["stock"],
                                                                     strict=True)})
    reach = sc.max_travel_km
    state["travel"] = int(min(reach or TRAVEL_MAX_KM, TRAVEL_MAX_KM))
    state["no_limit"] = reach is None
    weights = sc.config.weights
    state.update({f"weight:{key}": float(weights.role(key) if key in ROLES else getattr(weights, key))
                  for key in WEIGHT_KEYS})
    state["weather"] = "none"
    state.update({f"day:{date}": False for date in exam_days(sc)})
    state["closed"] = ()
    return state


def weather_days(state: Mapping[str, Any]) -> list[str]:
    """The exam days ticked for the weather, in the controls' order."""
    return [key.split(":", 1)[1] for key, on in state.items() if key.startswith("day:") and on]


def state_problems(scenario: Scenario, state: Mapping[str, Any], lang: str = "zh") -> list[str]:
    """What in a state cannot be planned, in the planner's words (empty when all is well).

    Stock must be a whole number of units, 0 or more: a negative number is a typing slip
    to point out, not a value to quietly replace with 0.
    """
    names = dict(zip(scenario.supplies["item_id"], scenario.supplies["name"], strict=True))
    problems = []
    for key, value in state.items():
        if key.startswith("stock:") and (value is None or int(value) != value or value < 0):
            item = key.split(":", 1)[1]
            shown = str(names.get(item, item)).split("（")[0] if lang == "zh" else item
            problems.append(label("stock_negative", lang).format(item=shown, value=value))
    return problems


def levers_from_state(scenario: Scenario, state: Mapping[str, Any],
                      defaults: Mapping[str, Any] | None = None) -> Levers:
    """The levers a state of the controls says.

    Only what differs from the scenario becomes a lever, so an untouched control never
    overrides the scenario (and a saved scenario keeps only what was changed). Stock and
    weights are compared with ``defaults``: the controls pass their own starting values,
    which are :func:`default_state`'s (the default here) unless a control's range clipped one.
    Travel is compared with the scenario's own limit instead, so a slider moved away and
    back is no lever either.

    Parameters
    ----------
    scenario : Scenario
    state : mapping
        Every control's value, by the names in this module's docstring.
    defaults : mapping, optional
        The controls' starting values.

    Raises
    ------
    ValueError
        From :func:`planner.model.weather.weather_levers`: an unknown preset or day.
    """
    defaults = default_state(scenario) if defaults is None else defaults
    weather = weather_levers(scenario, state["weather"], weather_days(state))
    stock = {key.split(":", 1)[1]: int(value) for key, value in state.items()
             if key.startswith("stock:") and value != defaults[key]}
    by_district = {key.split(":", 1)[1]: value / 100 for key, value in state.items()
                   if key.startswith("district:") and value != 100}
    weights = {key.split(":", 1)[1]: float(value) for key, value in state.items()
               if key.startswith("weight:") and value != defaults[key]}
    reach = math.inf if state["no_limit"] else float(state["travel"])
    return Levers(
        availability=state["availability"] / 100, district_availability=by_district, stock=stock,
        supply_factors=weather["supply_factors"], need_factors=weather["need_factors"],
        max_travel_km=None if reach == (scenario.max_travel_km or math.inf) else reach, weights=weights,
        closed_points=frozenset(state["closed"]),
    )


__all__ = ["TRAVEL_MAX_KM", "WEIGHT_KEYS", "default_state", "levers_from_state", "state_problems", "weather_days"]
