"""Independent parts: found from who can reach what, solved apart on Dask, joined into the plan one solve gives."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from planner import load_scenario, solve
from planner.cluster import dask_client
from planner.exports.files import export_plan
from planner.regions import write_regions
from planner.results.parts import scenario_parts, solve_parts

from .conftest import DEMO
from .helpers import run_cli

pytestmark = pytest.mark.slow
SHIFT_LON = 4.0  # degrees east: 340 km, far beyond the demo's 15 km reach; distances stay as they were


def _region(folder: Path, prefix: str, shift: float) -> Path:
    """demo-small with ids prefixed and moved east by ``shift`` degrees, without supplies."""
    folder.mkdir(parents=True)
    ids = {"district_id", "point_id", "team_id"}
    for path in DEMO.iterdir():
        if path.suffix != ".csv":
            (folder / path.name).write_bytes(path.read_bytes())
            continue
        with path.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header, rows = list(reader.fieldnames or []), list(reader)
        if path.name == "supplies.csv":
            rows = []
        for row in rows:
            for column in ids & set(header):
                row[column] = prefix + row[column]
            if "lon" in row:
                row["lon"] = f"{float(row['lon']) + shift:.6f}"
        with (folder / path.name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _both(folder: Path, a: Path, b: Path) -> Path:
    """The two regions as one scenario."""
    folder.mkdir()
    for path in a.iterdir():
        if path.suffix == ".csv" and path.name != "sessions.csv":
            extra = (b / path.name).read_text(encoding="utf-8").split("\n", 1)[1]
            (folder / path.name).write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
        else:
            (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_two_regions_decomposed_equal_each_region_solved_alone(tmp_path: Path) -> None:
    a = _region(tmp_path / "a", "a-", 0.0)
    b = _region(tmp_path / "b", "b-", SHIFT_LON)
    both = load_scenario(_both(tmp_path / "both", a, b))
    assert [len(p.points) for p in scenario_parts(both)] == [3, 3]
    with dask_client(workers=2) as client:
        joined = solve_parts(both, client=client)
    alone = [solve(load_scenario(a)), solve(load_scenario(b))]
    for table in ("assignments", "shortfalls", "roster"):
        expected = pd.concat([getattr(p, table) for p in alone], ignore_index=True)
        got = getattr(joined, table)
        key = [c for c in expected.columns if c not in ("volunteers", "needed", "assigned", "missing", "name")]
        pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                      expected.sort_values(key).reset_index(drop=True), check_dtype=False)
    for figure in ("needed", "assigned", "unmet", "team_sessions", "team_sessions_split", "team_points", "pieces",
                   "single_pieces", "teams_one_point"):
        assert joined.summary[figure] == sum(p.summary[figure] for p in alone), figure
    assert joined.summary["objective"] == pytest.approx(sum(p.summary["objective"] for p in alone), abs=1e-6)
    for role in ("general", "first_aid", "counsellor"):
        assert joined.summary["unmet_by_role"][role] == sum(p.summary["unmet_by_role"][role] for p in alone)


def test_decomposed_plan_has_the_single_solve_objective_and_figures(tmp_path: Path) -> None:
    folder = write_regions(1, 2, tmp_path / "regions", seed=0)
    scenario = load_scenario(folder)
    assert len(scenario_parts(scenario)) >= 2
    joined = solve_parts(scenario)  # in this process: the same code as on workers
    single = solve(scenario)
    # Equally good plans may differ in which team stands where; what a plan is judged by may not.
    assert joined.summary["objective"] == pytest.approx(single.summary["objective"], abs=0.02)
    for figure in ("needed", "assigned", "unmet", "coverage", "unmet_by_role", "needed_by_role", "supplies"):
        assert joined.summary[figure] == single.summary[figure], figure
    pd.testing.assert_frame_equal(joined.by_district(), single.by_district())
    plan_dir = tmp_path / "plan"
    export_plan(joined, plan_dir)
    code, out, err = run_cli("verify", str(folder), str(plan_dir))
    assert code == 0, out + err


def test_generate_regions_is_reproducible_and_valid(tmp_path: Path) -> None:
    from .helpers import digest

    outs = [tmp_path / "one", tmp_path / "two"]
    for out in outs:
        code, text, err = run_cli("generate", "--scale", "1", "--regions", "3", "--out", str(out), "--seed", "4")
        assert code == 0, err
        assert "in 3 regions" in text
    assert digest(outs[0]) == digest(outs[1])
    scenario = load_scenario(outs[0])
    assert len(scenario.points) == 3 * 51 and len(scenario.teams) == 3 * 150
    # No part spans two regions (a region may fall into more parts: Qian'an is 200 km from Beijing).
    parts = scenario_parts(scenario)
    regions = [set(scenario.points["point_id"].iloc[p.points].str[:3]) for p in parts]
    assert all(len(r) == 1 for r in regions) and len(parts) >= 3
    code, _text, err = run_cli("generate", "--scale", "1", "--regions", "0", "--out", str(tmp_path / "none"))
    assert code == 2 and "--regions: expected 1 to 100" in err


def test_a_part_solves_on_the_model_built_before_from_another_copy() -> None:
    # On Dask the build and the solve of a part get their own copies of its scenario.
    import pickle

    from planner.results.parts import build_part, part_scenario, solve_part

    scenario = load_scenario(DEMO)
    part = part_scenario(scenario, scenario_parts(scenario)[0])
    farthest = build_part("copy-test", part)
    plan, solution = solve_part("copy-test", pickle.loads(pickle.dumps(part)), farthest, "highs", None)
    assert solution.status == "optimal" and plan.summary["needed"] == int(part.needs["volunteers"].sum())


def _squeezed(folder: Path, factor: float) -> None:
    """The region's centres and points drawn ``factor`` times closer around its first district's centre."""
    centre = pd.read_csv(folder / "districts.csv").iloc[0]
    for name in ("districts.csv", "points.csv"):
        table = pd.read_csv(folder / name, dtype=str)
        for column in ("lat", "lon"):
            table[column] = [f"{centre[column] + (float(v) - centre[column]) * factor:.6f}" for v in table[column]]
        table.to_csv(folder / name, index=False, lineterminator="\n")


def test_a_part_without_teams_leaves_the_travel_scale_to_the_pairs(tmp_path: Path) -> None:
    """Every pair within 1 km, and a part with points but no team: the parts' travel cost is scaled by the
    farthest pair of the whole, as one solve's is (a model without pairs says 1 km, which is no pair)."""
    a = _region(tmp_path / "a", "a-", 0.0)
    _squeezed(a, 0.02)  # about 10 km apart become 0.2 km
    b = _region(tmp_path / "b", "b-", SHIFT_LON)
    (b / "teams.csv").write_text((b / "teams.csv").read_text(encoding="utf-8").split("\n", 1)[0] + "\n",
                                 encoding="utf-8")
    both = load_scenario(_both(tmp_path / "both", a, b))
    parts = scenario_parts(both)
    assert len(parts) >= 2 and any(len(p.teams) == 0 for p in parts)
    single, joined = solve(both), solve_parts(both)
    assert 0 < single.summary["average_travel_km"] < 1
    assert joined.summary["objective"] == pytest.approx(single.summary["objective"], abs=1e-6)
    assert joined.summary["assigned"] == single.summary["assigned"]
