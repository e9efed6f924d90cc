"""Shared test set-up: the project's paths, Hypothesis profiles, tiny scenarios written inline,
and the Beijing 2023 scenario and plan, read and solved once for the whole run.

Markers (pyproject.toml): ``browser`` (drives chromium), ``notebook`` (executes a notebook),
``slow`` (takes more than a few seconds). ``make quick`` leaves all three out.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from planner import Plan, Scenario

# The one definition of where things are; tests import these from here (tests/helpers.py too).
ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BEIJING = SCENARIOS / "beijing-2023"
DEMO = SCENARIOS / "demo-small"
DEMO_NAMED = SCENARIOS / "demo-named"  # demo-small with fictitious names, leaders and addresses

# The default profile, ``ci``, is derandomized and keeps no example database, so every run
# (locally and in CI) tries the same examples and a failure reproduces exactly. For a wider,
# random search set HYPOTHESIS_PROFILE=explore.
settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

BASE = {
    "scenario.yaml": "name: tiny\n",
    "districts.csv": """
        district_id,name_zh,name_en,lat,lon
        a,甲区,A,39.90,116.40
        b,乙区,B,39.90,116.50
    """,
    "sessions.csv": """
        session_id,date,start,end
        s1,2023-06-07,09:00,11:30
    """,
    "points.csv": """
        point_id,name,district_id,lat,lon,capacity,parents,frontline_staff
        p1,Point 1,a,39.90,116.40,10,100,10
    """,
    "teams.csv": """
        team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions
    """,
    "supplies.csv": """
        item_id,name,category,stock,basis,per_unit
    """,
}


def write_scenario(folder: Path, **files: str) -> Path:
    """A scenario folder from the BASE files, replaced or added by ``files``.

    Keyword names are file names with ``_`` for ``.`` (``teams_csv=...``); a value of
    ``None`` leaves the file out. CSV text is dedented and stripped, so tests can indent it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    merged: dict[str, str | None] = dict(BASE)
    merged.update({name.replace("_csv", ".csv").replace("_yaml", ".yaml"): text for name, text in files.items()})
    for name, text in merged.items():
        if text is None:
            continue
        body = dedent(text).strip() + "\n" if name.endswith(".csv") else dedent(text)
        (folder / name).write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Callable[..., Path]:
    """``scenario_dir(teams_csv=..., ...)`` writes a tiny scenario and returns its folder."""
    counter = iter(range(1000))

    def make(**files: str) -> Path:
        return write_scenario(tmp_path / f"scenario{next(counter)}", **files)

    return make


# The planner is imported inside the fixtures, not at the top: collecting tests loads no solver.
@pytest.fixture(scope="session")
def beijing() -> Scenario:
    """The 2023 scenario, read once for the whole run. Treat it as read-only (``replace`` copies)."""
    from planner import load_scenario

    return load_scenario(BEIJING)


@pytest.fixture(scope="session")
def beijing_plan(beijing: Scenario) -> Plan:
    """The 2023 scenario's plan as ``planner solve`` makes it (HiGHS, no levers), solved once."""
    from planner import solve

    return solve(beijing)
