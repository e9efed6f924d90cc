"""Scenario folders: scenario.yaml and one CSV file per table, read as text and written whole."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from planner.errors import Problem
from planner.io.raw import RawScenario
from planner.io.schema import OPTIONAL, REQUIRED, TABLES
from planner.io.textfiles import RawTable, decode, lies_within, read_csv_text, write_csv, write_folder_atomically


def read_folder(folder: Path) -> RawScenario:
    """The text of a scenario folder's files, unchecked (see :func:`_read_folder`); a folder that
    cannot be read at all (permission denied) is one problem, naming it."""
    try:
        return _read_folder(folder)
    except OSError as exc:
        problem = Problem(str(folder), None, None, f"cannot be read ({exc.strerror or exc})")
        return RawScenario(None, {table: None for table in REQUIRED}, (problem,))


def _read_folder(folder: Path) -> RawScenario:
    """The text of a scenario folder's files, unchecked: scenario.yaml, and each table found.

    Only the contract's file names are read, and only when they stay inside the folder
    (a link to a file elsewhere is refused).

    Returns
    -------
    RawScenario
        ``config`` and ``yaml_text`` are the text of scenario.yaml, None when it is missing or
        unreadable (a problem says why); ``tables`` leaves out absent optional tables.
    """
    problems: list[Problem] = []
    config_text: str | None = None
    yaml_path = folder / "scenario.yaml"
    if (yaml_path.exists() or yaml_path.is_symlink()) and not lies_within(yaml_path, folder, unknown=False):
        problems.append(Problem("scenario.yaml", None, None, "points outside the scenario folder"))
    elif yaml_path.is_file():
        problem: Problem | None
        try:
            config_text, problem = decode(yaml_path.read_bytes(), "scenario.yaml")
        except OSError as exc:
            problem = Problem("scenario.yaml", None, None, f"cannot be read ({exc.strerror})")
        if problem:
            problems.append(problem)
    elif yaml_path.exists():
        problems.append(Problem("scenario.yaml", None, None, "is not a file"))
    else:
        problems.append(Problem("scenario.yaml", None, None, "is missing; it must hold at least 'name: ...'"))
    raw: dict[str, RawTable | None] = {}
    for table in REQUIRED + OPTIONAL:
        file = f"{table}.csv"
        csv_path = folder / file
        if not csv_path.exists() and not csv_path.is_symlink():
            if table in REQUIRED:
                names = ", ".join(c.name for c in TABLES[table])
                problems.append(Problem(file, None, None, f"is missing; it is required (columns: {names})"))
                raw[table] = None
            continue
        raw[table] = None
        if not lies_within(csv_path, folder, unknown=False):
            problems.append(Problem(file, None, None, "points outside the scenario folder"))
        elif not csv_path.is_file():
            problems.append(Problem(file, None, None, "is not a file"))
        else:
            raw[table], found = read_csv_text(csv_path, file)
            problems.extend(found)
    return RawScenario(config_text, raw, tuple(problems), yaml_text=config_text)


def write_folder(path: str | Path, yaml_text: str,
                 tables: Mapping[str, tuple[Sequence[str], Sequence[Sequence[object]]]], *, overwrite: bool,
                 verbatim: Mapping[str, Collection[int]] | None = None) -> Path:
    """Write a scenario folder: scenario.yaml, then ``<table>.csv`` for each table given, in that order.

    The folder appears whole or not at all (:func:`~planner.io.textfiles.write_folder_atomically`).

    Parameters
    ----------
    path : str or Path
    yaml_text : str
        scenario.yaml's text.
    tables : mapping of table name to (header, rows)
    overwrite : bool
        Replace a folder that holds files.
    verbatim : mapping of table name to column positions, optional
        Columns holding numbers as text, written as they are (see :func:`~planner.io.textfiles.write_csv`).

    Raises
    ------
    FileExistsError
        ``path`` holds files and ``overwrite`` is false.
    """
    def write(tmp: Path) -> None:
        (tmp / "scenario.yaml").write_text(yaml_text, encoding="utf-8")
        for name, (header, rows) in tables.items():
            write_csv(tmp / f"{name}.csv", header, rows, verbatim=(verbatim or {}).get(name, ()))

    return write_folder_atomically(path, write, overwrite=overwrite)
