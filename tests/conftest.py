"""Shared test set-up: Hypothesis profiles, and tiny scenarios written inline."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

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
