"""Weather presets: what heat or rain changes in what points want, as levers.

A preset names the supplies and the roles that the weather makes more wanted. Applied to
some exam days only ("rain on day two"), it raises the needs of those days' sessions (the
``need_factors`` lever) and raises what points want of the items in proportion to the share
of sessions affected (the ``supply_factors`` lever: supplies are handed out once for the
whole exam, not per session).

The factors are planning assumptions, not published figures; they are here, in one place,
so a planner can read and change them:

* heat: twice the heat-relief items and half as much water again; twice the first-aiders
  (heat stroke among waiting parents);
* rain: three times the raincoats; half as many general volunteers again (parents crowd
  under the tents and need guiding to shelter).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from planner.io.scenario import Scenario
from planner.io.settings import ROLES


@dataclass(frozen=True)
class WeatherPreset:
    """What a kind of weather multiplies.

    Attributes
    ----------
    key : str
        ``none``, ``heat`` or ``rain``: also the label key of its name.
    supplies : mapping of item_id to float
        Multipliers of what each point wants of the item, for weather on every exam day.
    needs : mapping of role to float
        Multipliers of the volunteers needed in each session with that weather.
    """

    key: str
    supplies: Mapping[str, float] = field(default_factory=dict)
    needs: Mapping[str, float] = field(default_factory=dict)


PRESETS: dict[str, WeatherPreset] = {
    "none": WeatherPreset("none"),
    "heat": WeatherPreset("heat", supplies={"heat-relief": 2.0, "water": 1.5}, needs={"first_aid": 2.0}),
    "rain": WeatherPreset("rain", supplies={"raincoat": 3.0}, needs={"general": 1.5}),
}


def exam_days(scenario: Scenario) -> list[str]:
    """The scenario's exam days (``YYYY-MM-DD``), in time order."""
    return list(dict.fromkeys(scenario.sessions["date"]))


def weather_levers(scenario: Scenario, preset: str, days: Iterable[str] | None = None) -> dict[str, Any]:
    """The ``supply_factors`` and ``need_factors`` levers for a weather preset.

    Parameters
    ----------
    scenario : Scenario
    preset : {"none", "heat", "rain"}
    days : iterable of str, optional
        Exam days (``YYYY-MM-DD``) with that weather; all days when omitted.

    Returns
    -------
    dict
        ``{"supply_factors": {item_id: factor}, "need_factors": {session_id: {role: factor}}}``,
        ready for :func:`planner.solve` or :meth:`planner.LivePlanner.plan`. Items the scenario
        does not have are left out. A supply factor for some days only is
        ``1 + (factor - 1) x sessions with that weather / all sessions``, to three decimals.

    Raises
    ------
    ValueError
        An unknown preset or a day that is not an exam day of the scenario.
    """
    if preset not in PRESETS:
        raise ValueError(f"weather must be one of {', '.join(PRESETS)}, got {preset!r}")
    known = exam_days(scenario)
    chosen = known if days is None else list(days)
    unknown = [d for d in chosen if d not in known]
    if unknown:
        raise ValueError(f"weather days {unknown} are not exam days of the scenario ({', '.join(known)})")
    weather = PRESETS[preset]
    sessions = scenario.sessions[scenario.sessions["date"].isin(chosen)]["session_id"].tolist()
    share = Fraction(len(sessions), max(len(scenario.sessions), 1))
    items = set(scenario.supplies["item_id"])
    supply_factors = {
        item: round(float(1 + (Fraction(str(factor)) - 1) * share), 3)
        for item, factor in weather.supplies.items() if item in items and sessions
    }
    needs = {role: factor for role, factor in weather.needs.items() if role in ROLES}
    need_factors = {session: dict(needs) for session in sessions} if needs else {}
    return {"supply_factors": supply_factors, "need_factors": need_factors}


__all__ = ["PRESETS", "WeatherPreset", "exam_days", "weather_levers"]
