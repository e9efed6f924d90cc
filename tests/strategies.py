"""Hypothesis strategies for small, valid scenario folders in the contract's format.

Draw a :class:`ScenarioData` with :func:`scenarios` and write it with :meth:`ScenarioData.write`:

>>> @given(scenarios())                                   # doctest: +SKIP
... def test_something(data):
...     with tempfile.TemporaryDirectory() as tmp:
...         folder = data.write(Path(tmp) / "scenario")

Examples stay small (at most 3 districts, 3 sessions, 5 points, 6 teams and 3 items) so
that a solve takes a fraction of a second. Points sit near Beijing, within about 17 km of
their district's centre, so a short ``max_travel_km`` cuts some team-point pairs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from planner.verify import SCENARIO_COLUMNS

ROLES = ("general", "first_aid", "counsellor")
CATEGORIES = ("basic", "emergency", "leisure", "emotional", "pack")
BASES = ("parent", "staff", "point")
PER_UNITS = ("0.1", "0.25", "1", "2.5", "0.3", "1.1", "1.5")  # 1.1 x 50 is 55.00000000000001 in floats
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
SESSION_TIMES = (("2023-06-07", "09:00", "11:30"), ("2023-06-07", "15:00", "17:00"),
                 ("2023-06-08", "15:00", "17:00"))

Table = list[dict[str, Any]]


@dataclass(frozen=True)
class ScenarioData:
    """Everything a scenario folder holds, as plain rows; :meth:`write` writes the folder.

    Attributes
    ----------
    config : dict
        The content of ``scenario.yaml``.
    districts, sessions, points, teams, supplies : list of dict
        Rows of the required CSV files, keyed by the contract's column names.
    needs, availability : list of dict or None
        Rows of the optional files; ``None`` leaves the file out.
    encoding : str
        How the CSV files are encoded (``utf-8``, ``utf-8-sig`` or ``gb18030``).
    """

    config: dict[str, Any]
    districts: Table
    sessions: Table
    points: Table
    teams: Table
    supplies: Table
    needs: Table | None = None
    availability: Table | None = None
    encoding: str = "utf-8"
    columns: dict[str, Sequence[str]] = field(default_factory=lambda: dict(COLUMNS))

    def write(self, folder: str | Path) -> Path:
        """Write the scenario folder (created if needed; files already there are overwritten)."""
        return _write_data(folder, self)


# The contract's columns, as the independent checker knows them.
COLUMNS: dict[str, Sequence[str]] = dict(SCENARIO_COLUMNS)


def _csv_text(columns: Sequence[str], rows: Table) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _write_data(folder: str | Path, data: ScenarioData) -> Path:
    """Write a scenario folder from drawn data (tests call :meth:`ScenarioData.write`).

    Parameters
    ----------
    folder : str or Path
        Created if needed; files already there are overwritten.
    data : ScenarioData
        From :func:`scenarios`, or built by hand.

    Returns
    -------
    Path
        The folder.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(yaml.safe_dump(data.config, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    tables: dict[str, Table | None] = {
        "districts.csv": data.districts, "sessions.csv": data.sessions, "points.csv": data.points,
        "teams.csv": data.teams, "supplies.csv": data.supplies, "needs.csv": data.needs,
        "availability.csv": data.availability,
    }
    for name, rows in tables.items():
        if rows is not None:
            (folder / name).write_bytes(_csv_text(data.columns[name], rows).encode(data.encoding))
    return folder


_coordinate = st.integers(min_value=0, max_value=10_000)


@st.composite
def scenarios(draw: st.DrawFn, *, max_points: int = 5, max_teams: int = 6) -> ScenarioData:
    """A small valid scenario: 1-3 districts, 1-3 sessions, 1-5 points, 0-6 teams, 0-3 items.

    Parameters
    ----------
    max_points, max_teams : int
        Upper bounds, to keep slow solvers' examples smaller still.
    """
    n_districts = draw(st.integers(1, 3))
    districts: Table = []
    for d in range(1, n_districts + 1):
        lat = 39.7 + 0.6 * draw(_coordinate) / 10_000
        lon = 116.0 + 0.8 * draw(_coordinate) / 10_000
        districts.append({"district_id": f"d{d}", "name_zh": f"第{d}区", "name_en": f"District {d}",
                          "lat": f"{lat:.6f}", "lon": f"{lon:.6f}"})
    session_ids = [f"s{i}" for i in range(1, draw(st.integers(1, 3)) + 1)]
    sessions = [{"session_id": sid, "date": date, "start": start, "end": end}
                for sid, (date, start, end) in zip(session_ids, SESSION_TIMES, strict=False)]

    points: Table = []
    for p in range(1, draw(st.integers(1, max_points)) + 1):
        district = draw(st.sampled_from(districts))
        # Offsets of up to 0.15 degrees: at most about 17 km from the district centre.
        dlat = 0.3 * draw(_coordinate) / 10_000 - 0.15
        dlon = 0.3 * draw(_coordinate) / 10_000 - 0.15
        points.append({
            "point_id": f"p{p}", "name": f"服务点 {p}", "district_id": district["district_id"],
            "lat": f"{float(district['lat']) + dlat:.6f}", "lon": f"{float(district['lon']) + dlon:.6f}",
            "capacity": draw(st.sampled_from((0, 1, 2, 3, 4, 6))), "parents": draw(st.integers(0, 400)),
            "frontline_staff": draw(st.integers(0, 50)),
        })

    teams: Table = []
    for t in range(1, draw(st.integers(0, max_teams)) + 1):
        volunteers = draw(st.integers(0, 6))
        teams.append({
            "team_id": f"t{t}", "name": f"志愿服务队 {t}", "union": draw(st.sampled_from(("区总工会", "卫生工会", ""))),
            "district_id": draw(st.sampled_from(districts))["district_id"], "volunteers": volunteers,
            "first_aid": draw(st.integers(0, volunteers)), "counsellors": draw(st.integers(0, volunteers)),
            "max_sessions": draw(st.integers(1, 3)),
        })

    supplies: Table = []
    for i in range(1, draw(st.integers(0, 3)) + 1):
        supplies.append({
            "item_id": f"i{i}", "name": f"物资 {i}", "category": draw(st.sampled_from(CATEGORIES)),
            "stock": draw(st.integers(0, 200)), "basis": draw(st.sampled_from(BASES)),
            "per_unit": draw(st.sampled_from(PER_UNITS)),
        })

    needs = None
    if draw(st.booleans()):
        need_keys = [(p["point_id"], s, r) for p in points for s in session_ids for r in ROLES]
        chosen_needs = draw(st.lists(st.sampled_from(need_keys), unique=True, max_size=8))
        needs = [{"point_id": p, "session_id": s, "role": r, "volunteers": draw(st.integers(0, 4))}
                 for p, s, r in sorted(chosen_needs)]

    availability = None
    if len(teams) > 0 and draw(st.booleans()):
        # Often only some pairs: the others count as fully available.
        pairs = [(t["team_id"], s) for t in teams for s in session_ids]
        chosen_pairs = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
        members = {t["team_id"]: t["volunteers"] for t in teams}
        availability = [{"team_id": t, "session_id": s, "volunteers": draw(st.integers(0, members[t]))}
                        for t, s in sorted(chosen_pairs)]

    config: dict[str, Any] = {"name": "Random scenario / 随机场景"}
    travel = draw(st.sampled_from((None, None, 3.0, 6.0, 10.0, 25.0)))
    if travel is not None:
        config["settings"] = {"max_travel_km": travel}
    if needs is None:
        rules = draw(_needs_rules())
        if rules is not None:
            config["needs"] = rules
    if draw(st.booleans()):
        config["weights"] = {
            "general": draw(st.integers(1, 3)), "first_aid": draw(st.integers(1, 5)),
            "counsellor": draw(st.integers(1, 4)), "fairness": draw(st.sampled_from((0, 0.5, 1))),
            "travel": draw(st.sampled_from((0, 0.5, 1))),
        }

    return ScenarioData(
        config=config, districts=districts, sessions=sessions,
        points=draw(st.permutations(points)), teams=draw(st.permutations(teams)), supplies=supplies,
        needs=needs, availability=availability, encoding=draw(st.sampled_from(ENCODINGS)),
    )


@st.composite
def _needs_rules(draw: st.DrawFn) -> dict[str, dict[str, int]] | None:
    """``needs:`` rules for scenario.yaml, or ``None`` for the documented defaults."""
    if draw(st.booleans()):
        return None
    rules: dict[str, dict[str, int]] = {}
    for role in ROLES:
        if not draw(st.booleans()):
            continue
        rule: dict[str, int] = {}
        if draw(st.booleans()):
            rule["parents_per_volunteer"] = draw(st.sampled_from((50, 80, 150, 300)))
        if draw(st.booleans()):
            rule["minimum"] = draw(st.integers(0, 2))
        if draw(st.booleans()):
            rule["per_point"] = draw(st.integers(0, 2))
        rules[role] = rule
    return rules
