"""The default scenario carries the published 2023 figures, and its derivation is reproducible."""

from __future__ import annotations

import importlib.util

from planner import load_scenario

from .conftest import BEIJING, ROOT


def test_published_figures():
    scenario = load_scenario(BEIJING)
    assert len(scenario.points) == 51
    assert set(scenario.points["district_id"]) == set(scenario.districts["district_id"])  # all 18 areas
    assert len(scenario.districts) == 18
    assert {"jingkai", "qianan"} <= set(scenario.districts["district_id"])
    # "150+ teams with 1,000+ volunteers" as published; the derivation (tools/) makes them 152 and 1,055.
    assert len(scenario.teams) == 152
    assert scenario.teams["volunteers"].sum() == 1055
    stock = scenario.supplies.set_index("item_id")["stock"]
    assert stock["parent-pack"] == 4000
    assert stock["staff-pack"] == 1500
    assert set(scenario.supplies["category"]) == {"basic", "emergency", "leisure", "emotional", "pack"}
    sessions = scenario.sessions.apply(lambda s: f"{s['date']} {s['start']}-{s['end']}", axis=1).tolist()
    assert sessions == [
        "2023-06-07 09:00-11:30", "2023-06-07 15:00-17:00", "2023-06-08 15:00-17:00",
        "2023-06-09 08:00-12:30", "2023-06-09 15:30-17:00", "2023-06-10 08:00-12:30", "2023-06-10 15:30-17:00",
    ]
    assert scenario.teams["first_aid"].sum() == 176 and scenario.teams["counsellors"].sum() == 30
    assert "eye-hospital" in set(scenario.teams["team_id"])
    assert len(scenario.config.sources) == 4


def test_district_figures_match_the_shared_table():
    shared = ROOT.parent / "shared" / "design" / "beijing-districts.csv"
    if not shared.exists():  # pragma: no cover - shared/ travels with the project's CI
        return
    import pandas as pd

    ours = pd.read_csv(BEIJING / "districts.csv").set_index("district_id")
    theirs = pd.read_csv(shared).set_index("district_id")
    for column in ("lat", "lon", "population_2020", "area_km2"):
        pd.testing.assert_series_equal(ours[column], theirs[column], check_names=False)


def test_derivation_reproduces_the_committed_tables(tmp_path):
    spec = importlib.util.spec_from_file_location("derive", ROOT / "tools" / "derive_beijing_2023.py")
    assert spec is not None and spec.loader is not None
    derive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(derive)
    derive.main(tmp_path)
    for name in ("districts.csv", "sessions.csv", "points.csv", "needs.csv", "teams.csv", "supplies.csv"):
        assert (tmp_path / name).read_bytes() == (BEIJING / name).read_bytes(), name
