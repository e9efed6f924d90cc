"""Helpers shared by the tests: solving as a black box, running the command in-process, files."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import planner
from planner.cli import main as cli_main
from planner.exports.files import export_plan

from .conftest import DEMO, ROOT, SCENARIOS  # noqa: F401  (the one definition; re-exported for old imports)

Rows = list[dict[str, str]]


def solve_to(scenario_dir: Path, plan_dir: Path, *, solver: str = "highs") -> planner.Plan:
    """Solve a scenario folder with the planner's public API and export the plan folder."""
    plan = planner.solve(planner.load_scenario(scenario_dir), solver=solver)
    export_plan(plan, plan_dir)
    return plan


def read_rows(path: Path) -> Rows:
    """Rows of a UTF-8 CSV file (as the planner writes them) as dicts of text."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: Rows, columns: list[str] | None = None) -> None:
    """Write rows back, keeping the file's header (or ``columns``) in order."""
    if columns is None:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            columns = next(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_rows(path: Path, change: Callable[[Rows], Rows | None]) -> None:
    """Read a CSV file, let ``change`` edit its rows (in place or by returning new ones), write it back."""
    rows = read_rows(path)
    changed = change(rows)
    write_rows(path, rows if changed is None else changed)


def find_row(rows: Rows, **match: str) -> dict[str, str]:
    """The one row whose columns equal ``match``; fails loudly if the plan has none or several."""
    found = [row for row in rows if all(row[k] == v for k, v in match.items())]
    assert len(found) == 1, f"expected one row matching {match}, found {len(found)}"
    return found[0]


def run_cli(*args: str) -> tuple[int, str, str]:
    """``planner ARGS`` in this process: exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(list(args))
    return code, out.getvalue(), err.getvalue()


def digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (by relative path) and the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
