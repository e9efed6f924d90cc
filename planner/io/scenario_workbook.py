"""Scenarios as one Excel workbook: a sheet per table, and a ``scenario`` sheet for scenario.yaml.

Staff edit scenarios in Excel or WPS. A workbook holds the same scenario as a folder:

* one sheet per table, named as the CSV file without ``.csv`` (``districts``, ``sessions``,
  ``points``, ``teams``, ``supplies``, and ``needs`` and ``availability`` when the scenario
  has them), with the header in row 1 exactly as in the CSV file;
* a ``scenario`` sheet with ``key | value | meaning`` rows in place of scenario.yaml:
  ``name``, ``description``, one ``sources`` row per source, and dotted keys such as
  ``settings.max_travel_km``, ``needs.general.parents_per_volunteer`` or ``weights.fairness``.

Id and text columns are stored as text cells formatted as text, so ``007`` stays ``007`` and
``=SUM(A1)`` is a name, never a formula; numbers are stored as numbers when that keeps them
exactly as written (``39.90`` stays a text cell, so it comes back as ``39.90``). Reading turns
every cell back into the text a CSV file would hold, so the same checks, with the same
messages, apply: a problem names ``book.xlsx, sheet teams``, the row as the line, and the
column with its letter. Formulas are never evaluated: their result as last saved by Excel
is read. The layout is documented for staff in docs/scenario-format.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.errors import Problem, ScenarioError
from planner.io.scenario import (
    KEYS,
    OPTIONAL,
    REQUIRED,
    TABLES,
    Column,
    Scenario,
    build_scenario,
    config_yaml,
    not_a_scenario,
    read_folder,
)
from planner.io.settings import ROLES, NeedRule, ScenarioConfig, Weights, config_from_data, parse_config
from planner.io.textfiles import (
    RawTable,
    check_header,
    write_csv,
    write_file_atomically,
    write_folder_atomically,
)
from planner.io.xlsx import save_workbook
from planner.labels import label

log = logging.getLogger(__name__)

CONFIG_SHEET = "scenario"
# A hidden sheet holding a folder's scenario.yaml as written (comments and all), so that a
# folder turned into a workbook and back gets it again, unless the scenario sheet was edited.
YAML_SHEET = "scenario.yaml"
TABLE_SHEETS = REQUIRED + OPTIONAL
# Excel's own limit for the text of one cell.
CELL_LIMIT = 32_767
# A workbook of scenario tables unpacks to a few megabytes; far more is not one.
MAX_UNPACKED_BYTES = 200 * 2**20
TEXT_KINDS = ("id", "text", "choice", "date", "time")
NUMBER_KINDS = ("int", "float", "decimal")
TEXT_FORMAT = "@"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INTEGER = re.compile(r"^-?[1-9]\d*$|^0$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel's day 0, as openpyxl gives a time typed into a date cell.
_EXCEL_EPOCHS = (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1))

MEANINGS = {
    "name": "场景名称 The scenario's name",
    "description": "说明：每个数字从何而来 How every number was sourced or derived",
    "sources": "来源，每行一条 A source; one row each",
    "settings.max_travel_km": "队伍到服务点最远距离（公里），留空为不限 Farthest a team travels (km); empty: no limit",
    "per_point": "每个服务点固定人数 Volunteers per open point",
    "parents_per_volunteer": "每名志愿者服务的家长数，留空为不按家长计 Parents per volunteer; empty: not by parents",
    "minimum": "每点最少人数 Fewest volunteers at an open point",
    "weights": "目标权重（见 docs/model.md）Objective weight (docs/model.md)",
    "extra": "其他工具的设置（YAML 值）Kept for other tools (a YAML value)",
}


# --- Reading -----------------------------------------------------------------------------------

def load_workbook_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario workbook.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` file laid out as described in this module.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Every problem found, each naming the workbook and sheet, the row and the column.
    """
    path = Path(path)
    config, raw, problems, notes, _ = read_workbook(path)
    return _build(config, raw, problems, notes, source=str(path))


def _build(config: ScenarioConfig | None, raw: Mapping[str, RawTable | None], problems: list[Problem],
           notes: tuple[str, ...], *, source: str) -> Scenario:
    """:func:`build_scenario`, with problems in sheets naming the column's letter too."""
    try:
        return build_scenario(config, raw, source=source, problems=problems, notes=notes)
    except ScenarioError as exc:
        letters = {table.file: {name: get_column_letter(i) for i, name in enumerate(table.header, start=1)}
                   for table in raw.values() if table is not None and ", sheet " in table.file}
        raise ScenarioError([_with_letter(p, letters) for p in exc.problems]) from None


def _with_letter(problem: Problem, letters: Mapping[str, Mapping[str, str]]) -> Problem:
    letter = letters.get(problem.file, {}).get(problem.column or "")
    if letter is None:
        return problem
    return Problem(problem.file, problem.line, f"{problem.column} ({letter})", problem.message)


def read_workbook(path: Path) -> tuple[ScenarioConfig | None, dict[str, RawTable | None], list[Problem],
                                       tuple[str, ...], str | None]:
    """The scenario sheet and the tables of a workbook, as a folder's files would give them.

    Returns
    -------
    config : ScenarioConfig or None
        None when the scenario sheet is missing or wrong (``problems`` says why).
    raw : dict
        Table name to its text (None when the sheet could not be read); absent optional
        tables are left out.
    problems : list of Problem
    notes : tuple of str
        Sheets that are not part of a scenario (not read).
    yaml_text : str or None
        The scenario.yaml a folder had when it was converted (the hidden sheet), if any.
    """
    name = path.name
    problem = _not_a_workbook(path)
    if problem is not None:
        return None, {table: None for table in REQUIRED}, [problem], (), None
    try:
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
        sheets, problems, notes = _sheets(workbook, name)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        return None, {table: None for table in REQUIRED}, [_unreadable(path, exc)], (), None
    try:
        config: ScenarioConfig | None = None
        raw: dict[str, RawTable | None] = {}
        yaml_text: str | None = None
        if YAML_SHEET in sheets:
            rows = _sheet_rows(path, sheets[YAML_SHEET], f"{name}, sheet {YAML_SHEET}", problems)
            first = rows[0][1][0] if rows and rows[0][1] else None
            yaml_text = first if isinstance(first, str) else None
        if CONFIG_SHEET in sheets:
            rows = _sheet_rows(path, sheets[CONFIG_SHEET], f"{name}, sheet {CONFIG_SHEET}", problems)
            config = _read_config(rows, f"{name}, sheet {CONFIG_SHEET}", problems)
        else:
            problems.append(Problem(name, None, None, f"has no sheet '{CONFIG_SHEET}'; it holds the scenario's "
                                                      "name and settings (key and value columns)"))
        for table in TABLE_SHEETS:
            if table not in sheets:
                if table in REQUIRED:
                    columns = ", ".join(c.name for c in TABLES[table])
                    problems.append(Problem(name, None, None,
                                            f"has no sheet '{table}'; it is required (columns: {columns})"))
                    raw[table] = None
                continue
            file = f"{name}, sheet {table}"
            rows = _sheet_rows(path, sheets[table], file, problems)
            raw[table] = _read_table(rows, file, TABLES[table], problems)
    except _Damaged as exc:
        return None, {table: None for table in REQUIRED}, [_unreadable(path, exc.__cause__ or exc)], (), None
    finally:
        workbook.close()
    return config, raw, problems, notes, yaml_text


def _unreadable(path: Path, exc: BaseException) -> Problem:
    log.debug("cannot read %s", path, exc_info=True)
    return Problem(path.name, None, None, f"cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}); "
                                          "open it in Excel or WPS and save it again as 'Excel Workbook (*.xlsx)'")


def _not_a_workbook(path: Path) -> Problem | None:
    """A problem when the file is not a zip of reasonable size (as every .xlsx file is)."""
    try:
        if not zipfile.is_zipfile(path):
            return Problem(path.name, None, None,
                           "is not an .xlsx workbook (an old .xls, a password-protected workbook or another "
                           "file renamed?); open it in Excel or WPS and save it as 'Excel Workbook (*.xlsx)' "
                           "without a password")
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile) as exc:
        return Problem(path.name, None, None, f"cannot be read ({exc})")
    if unpacked > MAX_UNPACKED_BYTES:
        return Problem(path.name, None, None,
                       f"unpacks to {unpacked / 2**20:,.0f} MB, far more than a scenario's tables; "
                       "is it the right file?")
    return None


def _sheets(workbook: Any, name: str) -> tuple[dict[str, Any], list[Problem], tuple[str, ...]]:
    """The workbook's sheets by the table they hold (names compared without case or spaces)."""
    sheets: dict[str, Any] = {}
    titles: dict[str, str] = {}
    problems: list[Problem] = []
    notes: list[str] = []
    for sheet in workbook.worksheets:
        key = sheet.title.strip().lower()
        if key not in (CONFIG_SHEET, YAML_SHEET, *TABLE_SHEETS):
            notes.append(f"{name}: sheet '{sheet.title}' is not part of a scenario and was not read")
        elif key in sheets:
            problems.append(Problem(name, None, None,
                                    f"has two sheets for {key} ('{titles[key]}' and '{sheet.title}'); keep one"))
        else:
            sheets[key] = sheet
            titles[key] = sheet.title
    return sheets, problems, tuple(notes)


class _Damaged(Exception):
    """openpyxl could not read part of the file (the cause says why)."""


def _sheet_rows(path: Path, sheet: Any, file: str, problems: list[Problem]) -> list[tuple[int, list[Any]]]:
    """(row number, cell values) of every row; a formula gives its result as Excel last saved it."""
    try:
        sheet.reset_dimensions()  # some writers leave no or a wrong size in the file
        cells = [[(cell.data_type, cell.value) for cell in row] for row in sheet.iter_rows()]
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise _Damaged(exc) from exc
    formulas: dict[tuple[int, int], str] = {}
    rows: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(cells, start=1):
        for column, (data_type, value) in enumerate(row, start=1):
            if data_type == "f":
                formulas[(number, column)] = str(value)
        rows.append((number, [value for _, value in row]))
    if formulas:
        results = _formula_results(path, sheet.title)
        for (number, column), formula in formulas.items():
            result = results.get((number, column))
            if result is None:
                problems.append(Problem(file, number, get_column_letter(column),
                                        f"holds the formula {formula} without a saved result; open the workbook "
                                        "in Excel or WPS and save it, or type the value"))
                result = ""
            rows[number - 1][1][column - 1] = result
    return rows


def _formula_results(path: Path, title: str) -> dict[tuple[int, int], Any]:
    """The values Excel saved for the cells of one sheet (a formula's last result)."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            sheet = workbook[title]
            sheet.reset_dimensions()
            return {(r, c): value for r, row in enumerate(sheet.iter_rows(values_only=True), start=1)
                    for c, value in enumerate(row, start=1) if value is not None}
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise _Damaged(exc) from exc


def cell_text(value: Any, kind: str | None = None) -> str:
    """A cell's value as the text a CSV file would hold (``kind``: the column's, from TABLES).

    Whole numbers lose Excel's ``.0``; other numbers are written in full (``39.917544``); dates
    and times typed as such in Excel become ``YYYY-MM-DD`` and ``HH:MM``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if kind == "time" and value.date() in _EXCEL_EPOCHS:
            return _time_text(value.time())
        if value.time() == dt.time(0) and kind != "time":
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return _time_text(value)
    if isinstance(value, dt.timedelta) and dt.timedelta(0) <= value < dt.timedelta(days=1):
        return _time_text((dt.datetime(2000, 1, 1) + value).time())
    return str(value)


def _time_text(value: dt.time) -> str:
    return value.strftime("%H:%M") if value.second == 0 and value.microsecond == 0 else value.isoformat()


def _read_table(rows: list[tuple[int, list[Any]]], file: str, columns: tuple[Column, ...],
                problems: list[Problem]) -> RawTable | None:
    """A sheet's rows as the text of a CSV file: header row first, blank rows skipped."""
    kinds = {c.name: c.kind for c in columns}
    filled = [(n, values) for n, values in rows if any(cell_text(v).strip() for v in values)]
    if not filled:
        problems.append(Problem(file, None, None, "is empty; expected a header row and data rows"))
        return None
    header_line, header_cells = filled[0]
    header = [cell_text(v).strip() for v in header_cells]
    while header and header[-1] == "":
        header.pop()
    problems.extend(check_header(file, header_line, header))
    texts: list[list[str]] = []
    lines: list[int] = []
    for number, values in filled[1:]:
        row = [cell_text(v, kinds.get(name)).strip() for v, name in zip(values, header, strict=False)]
        row += [""] * (len(header) - len(row))
        for column, value in enumerate(values[len(header):], start=len(header) + 1):
            if cell_text(value).strip():
                problems.append(Problem(file, number, get_column_letter(column),
                                        f"holds {cell_text(value)!r} but its column has no header; "
                                        "name the column in row 1 or clear the cell"))
        texts.append(row)
        lines.append(number)
    return RawTable(file, header, texts, lines, header_line)


# The keys of the scenario sheet that are known and how their values are read.
_TEXT_KEYS = ("name", "description")
_LIST_KEYS = ("sources",)
_SECTIONS = ("settings", "needs", "weights")


def _read_config(rows: list[tuple[int, list[Any]]], file: str, problems: list[Problem]) -> ScenarioConfig | None:
    """The scenario sheet (``key | value`` rows) as scenario.yaml's content, checked."""
    filled = [(n, values) for n, values in rows if any(cell_text(v).strip() for v in values)]
    if not filled:
        problems.append(Problem(file, None, None, "is empty; expected key and value columns, 'name' first"))
        return None
    header_line, header_cells = filled[0]
    header = [cell_text(v).strip().lower() for v in header_cells]
    if "key" not in header or "value" not in header:
        problems.append(Problem(file, header_line, None,
                                f"expected the columns key and value in row {header_line}, got "
                                f"{', '.join(repr(h) for h in header if h) or 'empty cells'}"))
        return None
    key_at, value_at = header.index("key"), header.index("value")
    data: dict[str, Any] = {}
    lines: dict[tuple[Any, ...], int] = {}
    seen: dict[str, int] = {}
    before = len(problems)
    for number, values in filled[1:]:
        key = cell_text(values[key_at] if key_at < len(values) else None).strip()
        value = values[value_at] if value_at < len(values) else None
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
    return path == ("settings", "max_travel_km")


def _config_value(path: tuple[str, ...], value: Any, file: str, number: int) -> tuple[Any, Problem | None]:
    """A value cell as YAML would give it: text for text keys, numbers as typed, YAML for others."""
    if path[0] in _TEXT_KEYS:
        return (cell_text(value) if value is not None else None), None
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None, None
        if _known(path):
            return unicodedata.normalize("NFKC", value), None
        try:
            return _yaml_value(value), None
        except (yaml.YAMLError, ValueError) as exc:
            return None, Problem(file, number, "value", f"{'.'.join(path)}: is not a YAML value ({exc})")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return cell_text(value), None
    return value, None


def _yaml_value(text: str) -> Any:
    """A YAML value from one cell, read safely (no aliases, no tags that build objects)."""
    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
        raise ValueError("aliases (*name) are not read")
    return yaml.safe_load(text)


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


# --- Writing -----------------------------------------------------------------------------------

def save_workbook_scenario(config: ScenarioConfig, tables: Mapping[str, tuple[list[str], Sequence[Sequence[object]]]],
                           path: str | Path, *, overwrite: bool = False, yaml_text: str | None = None) -> Path:
    """Write a scenario workbook: the scenario sheet, then one sheet per table given.

    Parameters
    ----------
    config : ScenarioConfig
    tables : mapping of table name to (header, rows)
        Rows of values (text or numbers), in the order to write them.
    path : str or Path
        The ``.xlsx`` file; written aside and moved into place when complete.
    overwrite : bool
        Replace an existing file.
    yaml_text : str, optional
        A folder's scenario.yaml as written, kept in a hidden sheet (when one cell can hold it).

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is false.
    ScenarioError
        A text is too long for one Excel cell, or holds a character Excel cannot store.
    """
    texts = {name: (header, [[_text(v) for v in row] for row in rows]) for name, (header, rows) in tables.items()}
    _check_storable(config, texts, Path(path).name)
    if yaml_text is not None and _unstorable(yaml_text, "", None, ""):
        yaml_text = None  # too long or not storable: the scenario sheet alone will do
    return write_file_atomically(path, lambda tmp: _write_workbook(config, texts, tmp, yaml_text),
                                 overwrite=overwrite)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value.item() if hasattr(value, "item") else value)  # as write_csv writes it


def _check_storable(config: ScenarioConfig, tables: Mapping[str, tuple[list[str], list[list[str]]]],
                    name: str) -> None:
    problems = []
    for key, value in _config_rows(config):
        if isinstance(value, str):
            problems += _unstorable(value, f"{name}, sheet {CONFIG_SHEET}", None, key)
    for table, (header, rows) in tables.items():
        for number, row in enumerate(rows, start=2):
            for column, text in zip(header, row, strict=True):
                problems += _unstorable(text, f"{name}, sheet {table}", number, column)
    if problems:
        raise ScenarioError(problems)


def _unstorable(text: str, file: str, line: int | None, column: str) -> list[Problem]:
    if len(text) > CELL_LIMIT:
        return [Problem(file, line, column, f"holds {len(text):,} characters; an Excel cell holds at most "
                                            f"{CELL_LIMIT:,}")]
    found = _CONTROL.search(text)
    if found:
        return [Problem(file, line, column, f"holds the invisible control character U+{ord(found.group()):04X}, "
                                            "which Excel cannot store")]
    return []


def _write_workbook(config: ScenarioConfig, tables: Mapping[str, tuple[list[str], list[list[str]]]],
                    path: Path, yaml_text: str | None = None) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _write_config_sheet(workbook.create_sheet(CONFIG_SHEET), config)
    for table in TABLE_SHEETS:
        if table in tables:
            _write_table_sheet(workbook.create_sheet(table), TABLES[table], *tables[table])
    if yaml_text is not None:
        sheet = workbook.create_sheet(YAML_SHEET)
        sheet["A1"] = yaml_text
        sheet["A1"].data_type = "s"  # text, never a formula
        sheet.sheet_state = "hidden"
    save_workbook(workbook, path)


def _config_rows(config: ScenarioConfig) -> list[tuple[str, Any]]:
    """The scenario sheet's (key, value) rows: every key written out, defaults included."""
    rows: list[tuple[str, Any]] = [("name", config.name), ("description", config.description)]
    rows += [("sources", source) for source in config.sources] or [("sources", None)]
    rows.append(("settings.max_travel_km", config.settings.max_travel_km))
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


def _write_config_sheet(sheet: Worksheet, config: ScenarioConfig) -> None:
    sheet.append(["key", "value", "meaning"])
    for key, value in _config_rows(config):
        sheet.append([key, _config_cell(value), _meaning(key)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                cell.number_format = TEXT_FORMAT
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _style_header(sheet, 3)
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 60


def _config_cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # shown as 35, read back as the same number
    return value


def _write_table_sheet(sheet: Worksheet, columns: tuple[Column, ...], header: list[str],
                       rows: list[list[str]]) -> None:
    kinds = {c.name: c.kind for c in columns}
    sheet.append(header)
    for row in rows:
        sheet.append([_table_cell(text, kinds.get(name)) for text, name in zip(row, header, strict=True)])
    for index, name in enumerate(header, start=1):
        letter = get_column_letter(index)
        if kinds.get(name) in TEXT_KINDS:
            # Formatted as text, so what staff type there later stays text too (007, 2023-06-07).
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        width = max([len(name), *(_width(row[index - 1]) for row in rows[:500])]) + 2
        sheet.column_dimensions[letter].width = min(48, max(8, width))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                cell.number_format = TEXT_FORMAT
    for column in columns:
        if column.kind == "choice" and column.name in header:
            letter = get_column_letter(header.index(column.name) + 1)
            choices = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True)
            choices.add(f"{letter}2:{letter}{max(len(rows) + 1, 1000)}")
            sheet.add_data_validation(choices)
    _style_header(sheet, len(header))


def _table_cell(text: str, kind: str | None) -> object:
    """A number cell when reading it back gives exactly ``text``; a text cell otherwise."""
    if kind in TEXT_KINDS or text == "":
        return text if text != "" else None
    if _INTEGER.match(text) and abs(int(text)) < 10**15:
        return int(text)
    if _NUMBER.match(text):
        number = float(text)
        if math.isfinite(number) and not number.is_integer() and repr(number) == text:
            return number
    return text


def _width(text: str) -> int:
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _style_header(sheet: Worksheet, width: int) -> None:
    for cell in sheet[1][:width]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    sheet.freeze_panes = "A2"


# --- Converting --------------------------------------------------------------------------------

def convert_scenario(source: str | Path, target: str | Path, *, overwrite: bool = False) -> Path:
    """Turn a scenario folder into a workbook, or a workbook into a folder, without loss.

    The scenario is checked first (nothing is written when it has problems). Every table
    keeps its columns and the text of every cell exactly; rows are put in the scenario's
    order (ids; sessions by time), so the same scenario always gives the same bytes. A
    folder's scenario.yaml travels in a hidden sheet and comes back as written, comments and
    all, unless the scenario sheet was edited meanwhile; then it is written from that sheet
    with every key spelled out. Files of the folder that are not part of a scenario stay
    behind (:func:`left_behind` names them).

    Parameters
    ----------
    source : str or Path
        A scenario folder or ``.xlsx`` workbook.
    target : str or Path
        A workbook when it ends in ``.xlsx``, else a folder.
    overwrite : bool
        Replace an existing workbook, or a folder that holds files.

    Returns
    -------
    Path
        What was written.

    Raises
    ------
    ScenarioError
        The source has problems (each with its file, line and column).
    FileExistsError
        ``target`` exists (holds files) and ``overwrite`` is false, or replacing it would
        delete the source.
    """
    source, target = Path(source), Path(target)
    if _would_lose(target, source):
        raise FileExistsError(f"{target} holds the scenario {source} itself; write to another place")
    if source.is_file() and source.suffix.lower() == ".xlsx":
        config, raw, problems, notes, yaml_text = read_workbook(source)
        scenario = _build(config, raw, problems, notes, source=str(source))
    elif source.is_dir():
        yaml_text, raw, problems = read_folder(source)
        scenario = build_scenario(yaml_text, raw, source=str(source), problems=problems)
    else:
        raise ScenarioError([Problem(str(source), None, None, not_a_scenario(source))])
    # Rows in the scenario's order: row order means nothing, so it changes no byte written.
    tables = {name: ordered(table, name, scenario) for name, table in raw.items() if table is not None}
    if target.suffix.lower() == ".xlsx":
        return save_workbook_scenario(scenario.config, {n: (t.header, t.rows) for n, t in tables.items()}, target,
                                      overwrite=overwrite, yaml_text=yaml_text)
    if yaml_text is None or parse_config(yaml_text)[0] != scenario.config:
        yaml_text = config_yaml(scenario.config)  # none kept, or the scenario sheet was edited since
    config_text = yaml_text

    def write(tmp: Path) -> None:
        (tmp / "scenario.yaml").write_text(config_text, encoding="utf-8")
        for name, table in tables.items():
            numbers = [i for i, column in enumerate(table.header)
                       if next((c.kind for c in TABLES[name] if c.name == column), None) in NUMBER_KINDS]
            write_csv(tmp / f"{name}.csv", table.header, table.rows, verbatim=numbers)

    return write_folder_atomically(target, write, overwrite=overwrite)


def _would_lose(target: Path, source: Path) -> bool:
    """True when replacing ``target`` would delete ``source`` (it is inside the target folder)."""
    try:
        target_path, source_path = target.resolve(), source.resolve()
    except (OSError, RuntimeError):
        return True
    return target_path != source_path and source_path.is_relative_to(target_path)


def ordered(table: RawTable, name: str, scenario: Scenario) -> RawTable:
    """A checked table's rows in the scenario's order.

    By id; sessions by time; needs and availability by point or team, then session time
    (and role): the order :func:`planner.io.scenario.save_scenario` writes.
    """
    header = table.header
    session_rank = {sid: i for i, sid in enumerate(scenario.sessions["session_id"])}
    keys = KEYS[name]
    at = [header.index(k) for k in keys]

    def sort_key(row: Sequence[str]) -> tuple[Any, ...]:
        values = [row[i] for i in at]
        if name == "sessions":
            return (session_rank[values[0]],)
        return tuple(session_rank[v] if key == "session_id" else v for key, v in zip(keys, values, strict=True))

    pairs = sorted(zip(table.rows, table.lines, strict=True), key=lambda pair: sort_key(pair[0]))
    return RawTable(table.file, header, [row for row, _ in pairs], [line for _, line in pairs], table.header_line)


def left_behind(source: str | Path) -> list[str]:
    """Files and folders of a scenario folder that are not part of the scenario (a workbook
    made from it does not carry them)."""
    folder = Path(source)
    if not folder.is_dir():
        return []
    parts = {"scenario.yaml", *(f"{table}.csv" for table in TABLE_SHEETS)}
    return sorted(p.name for p in folder.iterdir() if p.name not in parts and not p.name.startswith("."))
