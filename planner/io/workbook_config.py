"""The ``scenario`` sheet of a workbook: scenario.yaml as ``key | value | meaning`` rows, read and written.

``name``, ``description``, one ``sources`` row per source, and dotted keys such as
``settings.max_travel_km``, ``needs.general.parents_per_volunteer`` or ``weights.fairness``;
other keys are kept for other tools as YAML values. Each setting is a cell staff can type a
number into, and a mistake is named by its row (docs/scenario-format.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from planner.errors import Problem
from planner.io.settings import ROLES, NeedRule, ScenarioConfig, Weights, config_from_data, load_yaml, unsafe_yaml
from planner.io.textfiles import from_full_width
from planner.io.workbook_cells import TEXT_FORMAT, cell_text, style_header
from planner.labels import label

MEANINGS = {
    "name": "场景名称 The scenario's name",
    "description": "说明：每个数字从何而来 How every number was sourced or derived",
    "sources": "来源，每行一条 A source; one row each",
    "settings.max_travel_km": "队伍到服务点最远距离（公里），留空为不限 Farthest a team travels (km); empty: no limit",
    "settings.report_minutes": "场次开始前几分钟到岗，留空为未定 Minutes before a session starts that volunteers "
                               "report; empty: not set",
    "per_point": "每个服务点固定人数 Volunteers per open point",
    "parents_per_volunteer": "每名志愿者服务的家长数，留空为不按家长计 Parents per volunteer; empty: not by parents",
    "minimum": "每点最少人数 Fewest volunteers at an open point",
    "weights": "目标权重（见 docs/model.md）Objective weight (docs/model.md)",
    "extra": "其他工具的设置（YAML 值）Kept for other tools (a YAML value)",
}

# The keys of the scenario sheet that are known and how their values are read.
_TEXT_KEYS = ("name", "description")
_LIST_KEYS = ("sources",)
_SECTIONS = ("settings", "needs", "weights")


def read_config_sheet(rows: list[tuple[int, dict[int, Any]]], file: str,
                      problems: list[Problem]) -> ScenarioConfig | None:
    """The scenario sheet (``key | value`` rows; each row's cells by column number) as scenario.yaml's content,
    checked."""
    filled = [(n, values) for n, values in rows if any(cell_text(v).strip() for v in values.values())]
    if not filled:
        problems.append(Problem(file, None, None, "is empty; expected key and value columns, 'name' first"))
        return None
    header_line, header_cells = filled[0]
    header = {column: cell_text(value).strip().lower() for column, value in sorted(header_cells.items())}
    if "key" not in header.values() or "value" not in header.values():
        problems.append(Problem(file, header_line, None,
                                f"expected the columns key and value in row {header_line}, got "
                                f"{', '.join(repr(h) for h in header.values() if h) or 'empty cells'}"))
        return None
    key_at = next(column for column, name in header.items() if name == "key")
    value_at = next(column for column, name in header.items() if name == "value")
    data: dict[str, Any] = {}
    lines: dict[tuple[Any, ...], int] = {}
    seen: dict[str, int] = {}
    before = len(problems)
    for number, values in filled[1:]:
        key = cell_text(values.get(key_at)).strip()
        value = values.get(value_at)
        if key == "":
            if cell_text(value).strip():
                problems.append(Problem(file, number, "key", f"the value {cell_text(value)!r} has no key"))
            continue
        path = _key_path(key)
        if path is None:
            problems.append(Problem(file, number, "key",
                                    f"expected a key such as needs.general.minimum, got {key!r}"))
            continue
        if key in _LIST_KEYS:
            lines.setdefault(path, number)
            text = cell_text(value)
            if text.strip():
                data.setdefault(key, []).append(text)
                lines[(*path, len(data[key]) - 1)] = number
            else:
                data.setdefault(key, [])
            continue
        if key in seen:
            problems.append(Problem(file, number, "key", f"{key} appears twice (also on line {seen[key]}); keep one"))
            continue
        seen[key] = number
        parsed, problem = _config_value(path, value, file, number)
        if problem is not None:
            problems.append(problem)
            continue
        if parsed is None:
            # An empty value is no key (the default); a needs rule whose rows are all empty is
            # still a rule, with no terms: that role needs nobody.
            if path[0] == "needs" and isinstance(data.setdefault("needs", {}), dict):
                data["needs"].setdefault(path[1], {})
            continue
        if not _put(data, path, parsed):
            problems.append(Problem(file, number, "key", f"{key} clashes with another key of this sheet"))
            continue
        lines[path] = number
        for i in range(1, len(path)):
            lines.setdefault(path[:i], number)
    if len(problems) > before:
        return None
    config, found = config_from_data(data, file=file, lines=lines,
                                     where=lambda loc: "value" if tuple(loc) in lines else "key")
    problems.extend(found)
    return config


def _key_path(key: str) -> tuple[str, ...] | None:
    """``needs.general.minimum`` -> ("needs", "general", "minimum"); None when malformed."""
    head, _, rest = key.partition(".")
    if head not in _SECTIONS or not rest:
        return (key,)
    if head == "needs":
        parts = rest.split(".")
        return ("needs", *parts) if len(parts) == 2 and all(parts) else None
    return (head, rest)


def _known(path: tuple[str, ...]) -> bool:
    if path[0] in (*_TEXT_KEYS, *_LIST_KEYS) or path[0] in ("needs", "weights"):
        return True
    return path in (("settings", "max_travel_km"), ("settings", "report_minutes"))


def _config_value(path: tuple[str, ...], value: Any, file: str, number: int) -> tuple[Any, Problem | None]:
    """A value cell as YAML would give it: text for text keys, numbers as typed, YAML for others."""
    if path[0] in _TEXT_KEYS:
        return (cell_text(value) if value is not None else None), None
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None, None
        if _known(path):
            return from_full_width(value), None
        try:
            return _yaml_value(value), None
        except (yaml.YAMLError, ValueError, RecursionError) as exc:
            return None, Problem(file, number, "value", f"{'.'.join(path)}: is not a YAML value ({exc})")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return cell_text(value), None
    return value, None


def _yaml_value(text: str) -> Any:
    """A YAML value from one cell, read safely: no aliases, no tags that build objects, nothing
    deeper than 64 levels, no number of more than 100 characters (:func:`~planner.io.settings.unsafe_yaml`)."""
    unsafe = unsafe_yaml(text)
    if unsafe is not None:
        raise ValueError("aliases (*name) are not read" if "alias" in unsafe[1] else unsafe[1])
    return load_yaml(text)


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> bool:
    """Set a nested key; False when a key on the way already holds a value that is not a mapping."""
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return False
    if isinstance(node.get(path[-1]), dict):
        return False
    node[path[-1]] = value
    return True


def config_rows(config: ScenarioConfig) -> list[tuple[str, Any]]:
    """The scenario sheet's (key, value) rows: every key written out, defaults included (but
    ``settings.report_minutes``, only when set)."""
    rows: list[tuple[str, Any]] = [("name", config.name), ("description", config.description)]
    rows += [("sources", source) for source in config.sources] or [("sources", None)]
    rows.append(("settings.max_travel_km", config.settings.max_travel_km))
    if config.settings.report_minutes is not None:  # optional, for the duty documents: a row only when set
        rows.append(("settings.report_minutes", config.settings.report_minutes))
    rows += [(f"settings.{key}", _yaml_text(value)) for key, value in (config.settings.model_extra or {}).items()]
    for role in ROLES:
        rule = config.needs.rule(role)
        rows += [(f"needs.{role}.{field}", getattr(rule, field)) for field in NeedRule.model_fields]
    rows += [(f"weights.{field}", getattr(config.weights, field)) for field in Weights.model_fields]
    rows += [(str(key), _yaml_text(value)) for key, value in (config.model_extra or {}).items()]
    return rows


def _yaml_text(value: Any) -> str:
    """A value kept for other tools, as one line of YAML (read back exactly by :func:`_yaml_value`)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=2**31 - 1, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _meaning(key: str) -> str:
    if key in MEANINGS:
        return MEANINGS[key]
    parts = key.split(".")
    if parts[0] == "needs" and len(parts) == 3:
        zh, en = label(parts[1], "zh"), label(parts[1], "en").lower()
        return f"{zh}（无 needs 表时）{MEANINGS[parts[2]]}, {en} (without a needs sheet)"
    if parts[0] == "weights":
        return MEANINGS["weights"]
    return MEANINGS["extra"]


def write_config_sheet(sheet: Worksheet, config: ScenarioConfig) -> None:
    sheet.append(["key", "value", "meaning"])
    for key, value in config_rows(config):
        sheet.append([key, _config_cell(value), _meaning(key)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                cell.number_format = TEXT_FORMAT
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    style_header(sheet, 3)
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 60


def _config_cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # shown as 35, read back as the same number
    return value

