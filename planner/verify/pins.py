"""Pins (pins.csv, contract version 2): the plan keeps at least each pinned number of a team there.

Read here from the scenario folder itself, like every other rule of the checker.
"""

from __future__ import annotations

from pathlib import Path

from planner.verify.reading import Unusable, Violation, read_table
from planner.verify.rules import Tally

PIN_COLUMNS = ("team_id", "point_id", "session_id", "role", "volunteers")


def check_pins(scenario_dir: Path, tally: Tally, out: list[Violation]) -> None:
    """Every pin of the scenario's pins.csv held by the plan's assignments (``tally``)."""
    path = scenario_dir / "pins.csv"
    if not path.is_file():
        return
    try:
        rows = read_table(path, PIN_COLUMNS, "pins")
    except Unusable as exc:
        out.extend(exc.violations)
        return
    for row in rows:
        key = (row["team_id"], row["point_id"], row["session_id"], row["role"])
        try:
            pinned = int(row["volunteers"])
        except ValueError:
            out.append(Violation("pins", f"pins.csv, line {row['_line']}: volunteers {row['volunteers']!r} is not "
                                         "a whole number"))
            continue
        if tally.row[key] < pinned:
            out.append(Violation("pins", f"pins.csv, line {row['_line']}: team {key[0]} is pinned with {pinned} at "
                                         f"point {key[1]} in session {key[2]} as {key[3]}, the plan has "
                                         f"{tally.row[key]}"))


__all__ = ["check_pins"]
