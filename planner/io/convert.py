"""``planner convert``: a scenario folder into a workbook, or a workbook into a folder, without loss."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.errors import Problem, ScenarioError
from planner.io.checks import check_scenario
from planner.io.folder import read_folder, write_folder
from planner.io.raw import not_a_scenario
from planner.io.scenario import Scenario
from planner.io.schema import KEYS, TABLES
from planner.io.settings import config_yaml, parse_config
from planner.io.textfiles import RawTable
from planner.io.workbook_cells import NUMBER_KINDS, TABLE_SHEETS
from planner.io.workbook_read import read_workbook
from planner.io.workbook_write import save_workbook_scenario


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
        delete the source, or it is the source itself (whose other files, or other sheets,
        are not part of the scenario and would be lost).
    """
    source, target = Path(source), Path(target)
    if _same(target, source):
        raise FileExistsError(f"it is the scenario {source} itself, and replacing it would lose what is not part of "
                              "the scenario; write to another place")
    if _would_lose(target, source):
        raise FileExistsError(f"{target} holds the scenario {source} itself; write to another place")
    if source.is_file() and source.suffix.lower() == ".xlsx":
        raw = read_workbook(source)
    elif source.is_dir():
        raw = read_folder(source)
    else:
        raise ScenarioError([Problem(str(source), None, None, not_a_scenario(source))])
    scenario = check_scenario(raw, source=str(source))
    # Rows in the scenario's order: row order means nothing, so it changes no byte written.
    tables = {name: ordered(table, name, scenario) for name, table in raw.tables.items() if table is not None}
    texts = {name: (table.header, table.rows) for name, table in tables.items()}
    yaml_text = raw.yaml_text
    if target.suffix.lower() == ".xlsx":
        return save_workbook_scenario(scenario.config, texts, target, overwrite=overwrite, yaml_text=yaml_text)
    if yaml_text is None or parse_config(yaml_text)[0] != scenario.config:
        yaml_text = config_yaml(scenario.config)  # none kept, or the scenario sheet was edited since
    # Numbers are written as the cells held them (a number is never escaped as a formula).
    numbers = {name: [i for i, column in enumerate(table.header)
                      if next((c.kind for c in TABLES[name] if c.name == column), None) in NUMBER_KINDS]
               for name, table in tables.items()}
    return write_folder(target, yaml_text, texts, overwrite=overwrite, verbatim=numbers)


def _same(target: Path, source: Path) -> bool:
    """True when ``target`` is ``source`` (links followed), or cannot be told apart from it."""
    try:
        return target.resolve() == source.resolve() or (target.exists() and target.samefile(source))
    except (OSError, RuntimeError):
        return True


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
    (and role): the order :func:`planner.io.save_scenario` writes.
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
