"""``scenario.yaml``: the scenario's name, settings, needs rules and objective weights.

Documented for staff in ``docs/scenario-format.md``. Read with ``yaml.safe_load`` only, so
no content is ever run as code, and checked with pydantic so each mistake is reported with
its key and line.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.errors import Problem

ROLES = ("general", "first_aid", "counsellor")


class NeedRule(BaseModel):
    """How many volunteers of one role an open point needs in each session.

    needed = max(minimum, per_point + ceil(parents / parents_per_volunteer)); a point with
    capacity 0 is closed and needs nobody.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    per_point: int = Field(0, ge=0)
    parents_per_volunteer: float | None = Field(None, gt=0)
    minimum: int = Field(0, ge=0)


class NeedRules(BaseModel):
    """Rules per role, used only when the scenario has no ``needs.csv``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    general: NeedRule = NeedRule(parents_per_volunteer=80, minimum=2)
    first_aid: NeedRule = NeedRule(per_point=1)
    counsellor: NeedRule = NeedRule()

    def rule(self, role: str) -> NeedRule:
        rule: NeedRule = getattr(self, role)
        return rule


class Weights(BaseModel):
    """The objective's levers (see docs/model.md for their exact effect).

    Role weights are the value of filling one volunteer-session of need in that role.
    ``fairness`` (0 to 1) scales the bonus for staffing the less-covered districts first;
    ``travel`` (0 to 1) scales the cost of distance. Both stay below any whole unit of
    need, so they reorder plans but never trade away a need that could be filled.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    general: float = Field(1.0, gt=0, le=100)
    first_aid: float = Field(3.0, gt=0, le=100)
    counsellor: float = Field(2.0, gt=0, le=100)
    fairness: float = Field(1.0, ge=0, le=1)
    travel: float = Field(1.0, ge=0, le=1)

    def role(self, role: str) -> float:
        value: float = getattr(self, role)
        return value


class Settings(BaseModel):
    """``settings:`` in scenario.yaml; other tools may keep keys of their own here."""

    model_config = ConfigDict(frozen=True, extra="allow")
    max_travel_km: float | None = Field(None, gt=0)


class ScenarioConfig(BaseModel):
    """The whole of scenario.yaml."""

    model_config = ConfigDict(frozen=True, extra="allow")
    name: str = Field(min_length=1)
    description: str = ""
    sources: list[str] = []
    settings: Settings = Settings()
    needs: NeedRules = NeedRules()
    weights: Weights = Weights()


def _key_lines(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    """Map every key path of a composed YAML document to its 1-based line."""
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + 1
            _key_lines(value_node, (*path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _key_lines(item, (*path, index), out)


def parse_config(text: str, file: str = "scenario.yaml") -> tuple[ScenarioConfig | None, list[Problem]]:
    """Parse and check scenario.yaml text; problems name the key and its line."""
    try:
        data = yaml.safe_load(text)
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(file, line, None, f"is not valid YAML ({reason})")]
    if not isinstance(data, dict):
        return None, [Problem(file, None, None, "must be a mapping of keys, with at least 'name: ...'")]
    # An empty key ("needs:" with nothing after it) means the same as no key: the defaults.
    data = {key: value for key, value in data.items() if value is not None}
    for section in ("settings", "needs", "weights"):
        if isinstance(data.get(section), dict):
            data[section] = {key: value for key, value in data[section].items() if value is not None}
    lines: dict[tuple[Any, ...], int] = {}
    if document is not None:
        _key_lines(document, (), lines)
    try:
        return ScenarioConfig.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = next((lines[loc[:i]] for i in range(len(loc), 0, -1) if loc[:i] in lines), None)
            key = ".".join(str(part) for part in loc) or None
            message = error["msg"]
            if error["type"] == "missing":
                message = "is missing; it is required"
            elif error["type"] == "extra_forbidden":
                message = "is not a known key here"
            elif "input" in error and not isinstance(error["input"], dict | list):
                message += f", got {error['input']!r}"
            problems.append(Problem(file, line, key, message))
        return None, problems


def unknown_setting_warnings(config: ScenarioConfig) -> list[str]:
    """Keys we do not use, worth a warning in case of a typo (they are kept, not rejected)."""
    notes = []
    for key in sorted((config.model_extra or {}).keys()):
        notes.append(f"scenario.yaml: key '{key}' is not used by the planner")
    for key in sorted((config.settings.model_extra or {}).keys()):
        notes.append(f"scenario.yaml: settings.{key} is not used by the planner")
    return notes
