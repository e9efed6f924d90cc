"""Where the workbook finds scenarios and writes its files.

The notebooks run from ``notebooks/`` (JupyterLab, Voila, the tests); every path here is
found from the project folder, the one holding ``scenarios/``, so no cell needs a path.
Environment variables let tests and staff send the files elsewhere:
``PLANNER_SAVED_SCENARIOS`` (saved tweaks) and ``PLANNER_EXPORTS`` (staff exports).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SCENARIO = "beijing-2023"


def project_root(start: str | Path | None = None) -> Path:
    """The nearest folder, from ``start`` (the current folder) upwards, that holds ``scenarios/``.

    Raises
    ------
    FileNotFoundError
        No such folder above ``start``, nor above this package.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents, *Path(__file__).resolve().parents):
        if (folder / "scenarios").is_dir():
            return folder
    raise FileNotFoundError(f"no 'scenarios' folder in {here} or above it")


def saved_scenarios_dir(root: Path | None = None) -> Path:
    """Where the workbook saves a planner's tweaks as new scenarios (``saved-scenarios/``)."""
    return Path(os.environ.get("PLANNER_SAVED_SCENARIOS") or (root or project_root()) / "saved-scenarios")


def exports_dir(root: Path | None = None) -> Path:
    """Where staff exports are written (``exports/``)."""
    return Path(os.environ.get("PLANNER_EXPORTS") or (root or project_root()) / "exports")


def default_scenario(root: Path | None = None) -> Path:
    """The default scenario's folder, ``scenarios/beijing-2023``."""
    return (root or project_root()) / "scenarios" / DEFAULT_SCENARIO


def scenario_folders(root: Path | None = None) -> list[Path]:
    """Scenario folders the workbook offers: the shipped ones, then the saved ones, by name.

    A folder counts when it holds ``scenario.yaml``.
    """
    root = root or project_root()
    found = []
    for parent in (root / "scenarios", saved_scenarios_dir(root)):
        if parent.is_dir():
            found += sorted(p for p in parent.iterdir() if (p / "scenario.yaml").is_file())
    return found


def folder_label(folder: Path, root: Path) -> str:
    """A folder as a scenario list shows it: relative to the project when inside it."""
    try:
        return str(folder.relative_to(root))
    except ValueError:
        return str(folder)


def scenario_choices(root: Path, chosen: Path | None = None) -> list[tuple[str, Path]]:
    """A scenario list's options, ``(label, folder)``: :func:`scenario_folders`, and ``chosen``
    at the end when it is elsewhere (a scenario opened by its path). Folders are resolved, so
    the list's value compares with any path to the same folder resolved."""
    folders = [p.resolve() for p in scenario_folders(root)]
    if chosen is not None and chosen.resolve() not in folders:
        folders.append(chosen.resolve())
    return [(folder_label(p, root), p) for p in folders]


__all__ = ["default_scenario", "exports_dir", "folder_label", "project_root", "saved_scenarios_dir",
           "scenario_choices", "scenario_folders"]
