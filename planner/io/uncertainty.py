"""``uncertainty:`` in scenario.yaml: who shows up and the weather, for ``planner sweep``.

Contract version 2 (SCENARIO-FORMAT.md, "Sweeps")::

    uncertainty:
      show_up: 0.9                # each person free in a session comes with this probability
      weather:                    # exam day -> the probability of each weather preset that day
        2023-06-09: {heat: 0.3, rain: 0.2}
      team_show_up:               # the project's own: a team's own show-up, instead of show_up
        haidian-u01: 0.7

A day's probabilities add up to at most 1; the rest is the day without a preset ("none").
Checked in two steps: the values when scenario.yaml is read (:func:`uncertainty_problems`,
so ``planner check`` names the key and its line), the ids against the scenario's days, teams
and weather presets when a sweep starts (:func:`scenario_uncertainty`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.errors import Problem, ScenarioError

KEY = "uncertainty"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _UncertaintySchema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    show_up: float = Field(1.0, ge=0, le=1)
    team_show_up: dict[str, Annotated[float, Field(ge=0, le=1)]] = {}
    weather: dict[str, dict[str, Annotated[float, Field(ge=0, le=1)]]] = {}

    @field_validator("weather", mode="before")
    @classmethod
    def _dates_as_text(cls, value: Any) -> Any:
        """YAML reads ``2023-06-09:`` as a date: keep it as the text staff wrote."""
        if isinstance(value, dict):
            return {(k.isoformat() if isinstance(k, dt.date) else k): v for k, v in value.items()}
        return value


@dataclass(frozen=True)
class Uncertainty:
    """What a sweep draws: show-up per person and session, the weather per exam day.

    Attributes
    ----------
    show_up : float
        Probability that a person free in a session comes (each person and session apart).
    team_show_up : mapping of team_id to float
        A team's own show-up probability, replacing ``show_up`` for its members.
    weather : mapping of date to a mapping of preset to probability
        Exam days (``YYYY-MM-DD``) with the probability of each weather preset; the rest of a
        day's probability is no preset.
    """

    show_up: float = 1.0
    team_show_up: Mapping[str, float] = field(default_factory=dict)
    weather: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @property
    def is_certain(self) -> bool:
        """Nothing to draw: everyone comes and no weather is ever drawn."""
        return (self.show_up == 1 and all(p == 1 for p in self.team_show_up.values())
                and all(sum(day.values()) == 0 for day in self.weather.values()))


def uncertainty_problems(data: Any, *, file: str, lines: Mapping[tuple[Any, ...], int],
                         where: Callable[[tuple[Any, ...]], str | None] | None = None) -> list[Problem]:
    """The problems of ``uncertainty:``'s values (None: no such key), each naming its key and line."""
    if data is None:
        return []
    problems: list[Problem] = []

    def problem(loc: tuple[Any, ...], message: str) -> None:
        path = (KEY, *loc)
        line = next((lines[path[:i]] for i in range(len(path), 0, -1) if path[:i] in lines), None)
        key = ".".join(str(p) for p in path)
        column = where(path) if where is not None else key
        problems.append(Problem(file, line, column, message if where is None else f"{key}: {message}"))

    try:
        schema = _UncertaintySchema.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            message = {"greater_than_equal": "expected a probability from 0 to 1",
                       "less_than_equal": "expected a probability from 0 to 1",
                       "extra_forbidden": "is not a known key here (show_up, weather, team_show_up)",
                       "dict_type": "expected keys under it", "model_type": "expected keys under it",
                       "float_parsing": "expected a probability from 0 to 1",
                       "float_type": "expected a probability from 0 to 1",
                       "string_type": "expected text"}.get(error["type"], error["msg"])
            if "input" in error and not isinstance(error["input"], dict | list) and error["type"] != "extra_forbidden":
                message += f", got {error['input']!r}"
            problem(loc, message)
        schema = None
    # The days' sums, even when some value above was wrong: every problem at once.
    weather = _UncertaintySchema._dates_as_text(data.get("weather")) if isinstance(data, dict) else None
    for day, presets in (weather.items() if isinstance(weather, dict) else ()):
        chances = [p for p in presets.values() if isinstance(p, int | float)] if isinstance(presets, dict) else []
        if sum(chances) > 1 + 1e-9:
            problem(("weather", str(day)), f"the probabilities add up to {sum(chances):g}; at most 1 "
                                           "(the rest is a day without a preset)")
    if schema is None:
        return problems
    for day in schema.weather:
        if not _DATE.fullmatch(day):
            problem(("weather", day), "expected an exam day as YYYY-MM-DD")
    return problems


def scenario_uncertainty(scenario: Any, *, presets: Iterable[str]) -> Uncertainty:
    """The scenario's uncertainty, its ids checked against the scenario's days, teams and ``presets``.

    Raises
    ------
    ScenarioError
        A day that is no exam day, a team that is not in teams.csv, a preset that does not exist.
    """
    data = (scenario.config.model_extra or {}).get(KEY)
    lines = _yaml_lines(scenario.source)
    problems = uncertainty_problems(data, file="scenario.yaml", lines=lines)
    if problems:
        raise ScenarioError(problems)
    if data is None:
        return Uncertainty()
    schema = _UncertaintySchema.model_validate(data)
    days = set(scenario.sessions["date"])
    teams = set(scenario.teams["team_id"])
    known = [p for p in presets if p != "none"]
    found = []

    def at(*loc: Any) -> int | None:
        path = (KEY, *loc)
        return next((lines[path[:i]] for i in range(len(path), 0, -1) if path[:i] in lines), None)

    for team in schema.team_show_up:
        if team not in teams:
            found.append(Problem("scenario.yaml", at("team_show_up", team), f"{KEY}.team_show_up.{team}",
                                 "is not a team of teams.csv"))
    for day, chances in schema.weather.items():
        if day not in days:
            found.append(Problem("scenario.yaml", at("weather", day), f"{KEY}.weather.{day}",
                                 f"is not an exam day of sessions.csv ({', '.join(sorted(days))})"))
        for preset in chances:
            if preset not in known:
                found.append(Problem("scenario.yaml", at("weather", day, preset), f"{KEY}.weather.{day}.{preset}",
                                     f"is not a weather preset ({', '.join(known)})"))
    if found:
        raise ScenarioError(found)
    return Uncertainty(show_up=schema.show_up, team_show_up=dict(schema.team_show_up),
                       weather={day: dict(chances) for day, chances in schema.weather.items()})


def _yaml_lines(source: str) -> dict[tuple[Any, ...], int]:
    """Lines of the keys under ``uncertainty:`` when the scenario is a folder (a workbook has rows instead)."""
    path = Path(source) / "scenario.yaml" if source else None
    if path is None or not path.is_file():
        return {}
    try:
        document = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    lines: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines.setdefault((*path, key.value), key.start_mark.line + 1)
                walk(value, (*path, key.value))

    if document is not None:
        walk(document, ())
    return lines


__all__ = ["KEY", "Uncertainty", "scenario_uncertainty", "uncertainty_problems"]
