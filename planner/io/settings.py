"""``scenario.yaml``: the scenario's name, settings, needs rules and objective weights.

Documented for staff in ``docs/scenario-format.md``. Read with PyYAML's safe loader only, so
no content is ever run as code (dates kept as the text written: :func:`load_yaml`), and checked
with pydantic so each mistake is reported with its key and line. :func:`config_yaml` writes a
config back as scenario.yaml.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.errors import Problem
from planner.io.uncertainty import uncertainty_problems

ROLES = ("general", "first_aid", "counsellor")
# Counts larger than this are typing mistakes (a billion volunteers); they also keep every
# product the planner forms (needs x sessions, wanted units) far from overflowing.
MAX_COUNT = 1_000_000_000
# Units one point may want of an item: far beyond any real figure (absurd ones still solve),
# and well inside what HiGHS takes as a coefficient (it refuses 1e15).
MAX_WANTED = 1_000_000_000_000
MIN_ROLE_WEIGHT = 0.5


class NeedRule(BaseModel):
    """How many volunteers of one role an open point needs in each session.

    needed = max(minimum, per_point + ceil(parents / parents_per_volunteer)); a point with
    capacity 0 is closed and needs nobody.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    per_point: int = Field(0, ge=0, le=MAX_COUNT)
    parents_per_volunteer: float | None = Field(None, ge=1, le=MAX_COUNT)
    minimum: int = Field(0, ge=0, le=MAX_COUNT)


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
    ``together`` (0 to 1) scales the bonus for a member serving at their team's home point
    (keeping teams together); ``travel`` (0 to 1) scales the cost of distance. All three stay
    below any whole unit of need, so they reorder plans but never trade away a need that could
    be filled.

    Role weights are at least ``MIN_ROLE_WEIGHT``: filling a need must always be worth more
    than the largest travel cost (0.04), by far more than a solver's tolerances, or a plan
    could leave a need unmet while a team sits idle.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    general: float = Field(1.0, ge=MIN_ROLE_WEIGHT, le=100)
    first_aid: float = Field(3.0, ge=MIN_ROLE_WEIGHT, le=100)
    counsellor: float = Field(2.0, ge=MIN_ROLE_WEIGHT, le=100)
    fairness: float = Field(1.0, ge=0, le=1)
    together: float = Field(1.0, ge=0, le=1)
    travel: float = Field(1.0, ge=0, le=1)

    def role(self, role: str) -> float:
        value: float = getattr(self, role)
        return value


class Settings(BaseModel):
    """``settings:`` in scenario.yaml; other tools may keep keys of their own here."""

    model_config = ConfigDict(frozen=True, extra="allow")
    max_travel_km: float | None = Field(None, gt=0)
    # Minutes before a session starts that volunteers report at their point (duty documents);
    # a point's report_minutes column overrides it. None: not set, the documents say so.
    report_minutes: int | None = Field(None, ge=0, le=600)


class ScenarioConfig(BaseModel):
    """The whole of scenario.yaml."""

    # A name such as 2024 is text to staff, not a number to refuse.
    model_config = ConfigDict(frozen=True, extra="allow", coerce_numbers_to_str=True)
    name: str = Field(min_length=1)
    description: str = ""
    sources: list[str] = []

    @field_validator("sources", mode="before")
    @classmethod
    def _one_source(cls, value: Any) -> Any:
        """``sources: one line of text`` is one source, not an error."""
        return [value] if isinstance(value, str) else value
    settings: Settings = Settings()
    needs: NeedRules = NeedRules()
    weights: Weights = Weights()


def _key_lines(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int],
               problems: list[Problem], file: str) -> None:
    """Map every key path of a composed YAML document to its 1-based line; note repeated keys."""
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                where = ".".join(str(part) for part in (*path, key))
                # YAML would silently keep the last value: a typo staff would never see.
                problems.append(Problem(file, line, where, f"appears twice (also on line {seen[key]}); keep one"))
            seen.setdefault(key, line)
            out[(*path, key)] = line
            _key_lines(value_node, (*path, key), out, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _key_lines(item, (*path, index), out, problems, file)


# Deeper nesting is no setting: PyYAML builds documents by recursion (1,000 levels are a
# RecursionError) and slows down on deep flow collections (50,000 levels never end).
MAX_YAML_DEPTH = 64
# A plain number longer than this is no setting (Python refuses to read ints of 4,300 digits).
MAX_NUMBER_CHARACTERS = 100


class _TextDatesLoader(yaml.SafeLoader):
    """PyYAML's safe loader with dates (``2023-06-09``) kept as the text written: a key the planner does
    not read may hold anything that looks like a date (``2023-02-30`` made the whole file unreadable),
    and the keys that are dates (uncertainty's weather days) are checked as text, each by its line."""


def _date_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node)) if isinstance(node, yaml.ScalarNode) else ""


_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_text)


def load_yaml(text: str) -> Any:
    """``text`` read as YAML data by the safe loader, dates as text (see _TextDatesLoader)."""
    return yaml.load(text, Loader=_TextDatesLoader)  # (a SafeLoader: plain data only)


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def unsafe_yaml(text: str) -> tuple[Any, str] | None:
    """The first thing in a YAML text that the planner does not read, with its mark (where it is), or None.

    Aliases (``*name``: a few lines can expand into an enormous document), nesting deeper
    than :data:`MAX_YAML_DEPTH`, and numbers of more than :data:`MAX_NUMBER_CHARACTERS`
    characters. Read from PyYAML's events, which stop at the first such thing: nothing deep
    is built.

    Raises
    ------
    yaml.YAMLError
        The text is not valid YAML.
    """
    depth = 0
    resolver = yaml.resolver.Resolver()
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark, (f"uses the YAML alias *{event.anchor}, which the planner does not read; "
                                      "write the value out in full")
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return event.start_mark, f"nests deeper than {MAX_YAML_DEPTH} levels; a setting needs a few"
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        elif (isinstance(event, yaml.ScalarEvent) and event.implicit[0] and len(event.value) > MAX_NUMBER_CHARACTERS
              and resolver.resolve(yaml.ScalarNode, event.value, (True, False)) in _NUMBER_TAGS):
            digits = sum(ch.isdigit() for ch in event.value)
            return event.start_mark, f"holds a number of {digits:,} digits; a setting needs far fewer"
    return None


def parse_config(text: str, file: str = "scenario.yaml") -> tuple[ScenarioConfig | None, list[Problem]]:
    """Parse and check scenario.yaml text; problems name the key and its line.

    The text is read with PyYAML's safe loader (plain data only, no tags that build objects)
    and refused when it uses aliases, which a hand-written scenario never needs and which can
    make a few lines expand into an enormous document, nests deeper than 64 levels or holds
    a number of more than 100 characters (:func:`unsafe_yaml`).
    """
    try:
        unsafe = unsafe_yaml(text)
        if unsafe is not None:
            mark, message = unsafe
            return None, [Problem(file, mark.line + 1 if mark else None, str(mark.column + 1) if mark else None,
                                  message)]
        data = load_yaml(text)
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = str(mark.column + 1) if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(file, line, column, f"is not valid YAML ({reason})")]
    except (ValueError, RecursionError) as exc:  # what the checks above should leave none of
        return None, [Problem(file, None, None, f"cannot be read as settings ({type(exc).__name__}: {exc})")]
    if not isinstance(data, dict):
        return None, [Problem(file, None, None, "must be a mapping of keys, with at least 'name: ...'")]
    lines: dict[tuple[Any, ...], int] = {}
    problems: list[Problem] = []
    if document is not None:
        _key_lines(document, (), lines, problems, file)
    config, found = config_from_data(data, file=file, lines=lines)
    problems.extend(found)
    return (config if not problems else None), problems


def config_from_data(
    data: dict[str, Any], *, file: str, lines: dict[tuple[Any, ...], int] | None = None,
    where: Callable[[tuple[Any, ...]], str | None] | None = None,
) -> tuple[ScenarioConfig | None, list[Problem]]:
    """Check the content of scenario.yaml (from YAML or a workbook sheet) as a :class:`ScenarioConfig`.

    Parameters
    ----------
    data : dict
        Keys and values as YAML would give them.
    file : str
        The file (or sheet) named in problems.
    lines : dict, optional
        Line (or row) of each key path, for problems.
    where : callable, optional
        The column to name for a key path; the dotted key path itself when absent.
    """
    lines = lines or {}
    # An empty key ("needs:" with nothing after it) means the same as no key: the defaults.
    data = {key: value for key, value in data.items() if value is not None}
    for section in ("settings", "needs", "weights"):
        if isinstance(data.get(section), dict):
            data[section] = {key: value for key, value in data[section].items() if value is not None}
    try:
        config = ScenarioConfig.model_validate(data)
        # uncertainty: is read by planner sweep (planner/io/uncertainty.py); its values are checked here.
        found = uncertainty_problems(data.get("uncertainty"), file=file, lines=lines, where=where)
        return (config if not found else None), found
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = next((lines[loc[:i]] for i in range(len(loc), -1, -1) if loc[:i] in lines), None)
            key = ".".join(str(part) for part in loc) or None
            message = _plain(error["type"], error["msg"], error.get("ctx") or {})
            if "input" in error and error["type"] not in ("missing", "extra_forbidden"):
                shown = error["input"]
                message += f", got {shown!r}" if not isinstance(shown, dict | list) else ""
            column = key
            if where is not None:
                column = where(loc)
                message = f"{key}: {message}" if key else message
            problems.append(Problem(file, line, column, message))
        return None, problems


_EXPECTED = {
    "int_parsing": "expected a whole number", "int_type": "expected a whole number",
    "int_from_float": "expected a whole number", "float_parsing": "expected a number",
    "float_type": "expected a number", "finite_number": "expected a finite number",
    "string_type": "expected text", "list_type": "expected a list, one item per line starting with '- '",
    "dict_type": "expected keys under it", "model_type": "expected keys under it",
    "model_attributes_type": "expected keys under it",
    "string_too_short": "expected text that is not empty",
    "missing": "is missing; it is required", "extra_forbidden": "is not a known key here",
}


def _plain(kind: str, message: str, ctx: dict[str, Any]) -> str:
    """A pydantic error in the words of the rest of the planner's messages."""
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    bounds = {"greater_than_equal": ("ge", "{} or more"), "less_than_equal": ("le", "{} or less"),
              "greater_than": ("gt", "above {}"), "less_than": ("lt", "below {}")}
    if kind in bounds:
        key, words = bounds[kind]
        return "expected a number " + words.format(f"{ctx[key]:g}" if isinstance(ctx.get(key), float) else ctx.get(key))
    return message.replace("Input should be", "expected", 1)


def unknown_setting_warnings(config: ScenarioConfig) -> list[str]:
    """Keys we do not use, worth a warning in case of a typo (they are kept, not rejected)."""
    notes = []
    for key in sorted(set((config.model_extra or {}).keys()) - {"uncertainty"}):  # uncertainty: planner sweep
        notes.append(f"scenario.yaml: key '{key}' is not used by the planner")
    for key in sorted((config.settings.model_extra or {}).keys()):
        notes.append(f"scenario.yaml: settings.{key} is not used by the planner")
    return notes


def config_yaml(config: ScenarioConfig) -> str:
    """scenario.yaml for a config: every key written out, defaults included, multi-line text as blocks."""
    data = config.model_dump(exclude_defaults=False)
    return yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False)


class _BlockDumper(yaml.SafeDumper):
    """YAML with multi-line text as readable ``|`` blocks."""


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BlockDumper.add_representer(str, _str_presenter)
