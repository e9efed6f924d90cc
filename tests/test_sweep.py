"""planner sweep: theory cases, re-plans equal to solving, person-by-person rosters, bad input.

The sweep runs on real Dask worker processes (a local cluster); tests/test_sweep_scheduler.py
runs it on a scheduler and workers started as their own processes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from planner import load_scenario, solve
from planner.cluster import dask_client
from planner.io.uncertainty import Uncertainty
from planner.model.weather import weather_levers
from planner.sweep.draws import draw
from planner.sweep.engine import SampleSolver
from planner.sweep.run import sweep

from .conftest import DEMO
from .helpers import digest, read_rows, run_cli

pytestmark = pytest.mark.slow

THEORY_TEAM = """
    team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions
    t1,Team 1,Union,a,3,1,0,1
"""


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    with dask_client(workers=2) as c:
        yield c


def test_single_point_theory_case(scenario_dir: Callable[..., Path], client: object) -> None:
    # One point needs one first-aider and two general volunteers; the team has exactly one
    # first-aider and two others, each coming with p 0.8. First aid is short when the
    # first-aider stays away (0.2); general when either of the two does (1 - 0.8^2 = 0.36).
    folder = scenario_dir(teams_csv=THEORY_TEAM, scenario_yaml="name: theory\nuncertainty:\n  show_up: 0.8\n")
    samples = 2000
    result = sweep(load_scenario(folder), samples=samples, seed=7, client=client)
    risk = result.risk().set_index("role")
    for role, p in (("first_aid", 0.2), ("general", 0.36)):
        error = 4 * np.sqrt(p * (1 - p) / samples)  # four standard errors
        assert abs(risk.at[role, "p_short"] - p) < error, (role, risk.at[role, "p_short"])
    # Expected missing: first aid 0.2 x 1; general 2 x 0.2 (each general volunteer apart).
    assert abs(risk.at["first_aid", "expected_missing"] - 0.2) < 4 * np.sqrt(0.16 / samples)
    assert abs(risk.at["general", "expected_missing"] - 0.4) < 4 * np.sqrt(2 * 0.16 / samples)


def test_same_seed_same_bytes_with_one_and_two_workers(tmp_path: Path) -> None:
    scenario = _uncertain_demo(tmp_path)
    folders = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        code, _out, err = run_cli("sweep", str(scenario), "--samples", "120", "--seed", "3", "--out", str(out),
                                  "--workers", str(workers))
        assert code == 0, err
        folders.append(digest(out))
    assert folders[0] == folders[1]
    assert set(folders[0]) == {"samples.csv", "risk.csv", "summary.json", "coverage.png", "risk-map.png",
                               "needs-short.png"}
    summary = json.loads((tmp_path / "out1" / "summary.json").read_text(encoding="utf-8"))
    assert summary["samples"] == 120 and summary["seed"] == 3
    assert summary["coverage_p05"] <= summary["coverage_p50"] <= summary["coverage_p95"]
    rows = read_rows(tmp_path / "out1" / "samples.csv")
    coverage = np.array([float(r["coverage"]) for r in rows])
    assert summary["coverage_p50"] == pytest.approx(float(np.percentile(coverage, 50)), abs=1e-6)


def test_a_sample_without_absences_is_the_plan_of_its_weather(client: object) -> None:
    # Everyone comes; only the weather is drawn: each sample must be exactly the plan that
    # planner.solve makes with that weather's levers.
    scenario = load_scenario(DEMO)
    uncertainty = Uncertainty(show_up=1.0, weather={"2023-06-07": {"heat": 0.4, "rain": 0.4}})
    result = sweep(scenario, samples=30, seed=11, uncertainty=uncertainty, client=client)
    seen = set()
    for row, weather in zip(result.totals().itertuples(), result.batch.weather, strict=True):
        preset = weather[0]
        if preset in seen:
            continue
        seen.add(preset)
        levers = weather_levers(scenario, preset) if preset != "none" else {}
        plan = solve(scenario, **levers)
        s = plan.summary
        assert (row.needed, row.assigned) == (s["needed"], s["assigned"]), preset
        assert [row.unmet_general, row.unmet_first_aid, row.unmet_counsellor] == [
            s["unmet_by_role"][r] for r in ("general", "first_aid", "counsellor")]
    assert len(seen) >= 2


def test_every_sample_can_be_rostered_person_by_person() -> None:
    # Checked independently of the model's rows: per class, every set X of sessions asks at most
    # sum over members of min(max_sessions, |sessions present in X|) (Hall's condition), and
    # nobody absent serves.
    scenario = load_scenario(DEMO)
    uncertainty = Uncertainty(show_up=0.7)
    solver = SampleSolver(scenario, uncertainty)
    m = solver.model
    for index in range(25):
        sample = draw(solver.people, solver.days, uncertainty, 5, index)
        solver.solve(sample)
        values = solver.last_values
        load = np.zeros((len(m.classes), m.n_sessions))
        np.add.at(load, (m.u["c"], m.u["s"]), np.rint(values[m.u0:m.u0 + len(m.u)]))
        np.add.at(load, (m.z["c"], m.z["s"]), np.rint(values[m.z0:m.z0 + len(m.z)]))
        people = solver.people
        for c in range(len(m.classes)):
            members = np.nonzero(people.cls == c)[0]
            budget = scenario.teams["max_sessions"].to_numpy()[m.classes.team[c]]
            for mask in range(1, 2 ** m.n_sessions):
                sessions = [s for s in range(m.n_sessions) if mask >> s & 1]
                here = sample.present[np.ix_(members, sessions)].sum(axis=1) if len(members) else np.zeros(0)
                assert load[c, sessions].sum() <= np.minimum(here, budget).sum() + 1e-9, (index, c, sessions)


def _refused_sweep(scenario_dir: Callable[..., Path], tmp_path: Path, scenario_yaml: str) -> str:
    """``planner sweep`` of the theory team with ``scenario_yaml``: refused (exit 2, nothing written); its stderr."""
    folder = scenario_dir(teams_csv=THEORY_TEAM, scenario_yaml=scenario_yaml)
    out = tmp_path / "never"
    code, _out, err = run_cli("sweep", str(folder), "--samples", "5", "--seed", "1", "--out", str(out))
    assert code == 2 and not out.exists()
    return err


def test_bad_uncertainty_is_named_with_its_line(tmp_path: Path, scenario_dir: Callable[..., Path]) -> None:
    folder = scenario_dir(teams_csv=THEORY_TEAM, scenario_yaml=(
        "name: bad\nuncertainty:\n  show_up: 1.5\n  weather:\n    2023-06-07: {heat: 0.7, rain: 0.6}\n"))
    code, _out, err = run_cli("check", str(folder))
    assert code == 2
    assert "scenario.yaml, line 3, column uncertainty.show_up: expected a probability from 0 to 1" in err
    assert "line 5, column uncertainty.weather.2023-06-07: the probabilities add up to 1.3" in err
    err = _refused_sweep(scenario_dir, tmp_path, (
        "name: bad\nuncertainty:\n  weather:\n    2023-06-09: {hail: 0.1}\n  team_show_up: {nobody: 0.5}\n"))
    assert "line 4, column uncertainty.weather.2023-06-09: is not an exam day of sessions.csv" in err
    assert "column uncertainty.weather.2023-06-09.hail: is not a weather preset (heat, rain)" in err
    assert "line 5, column uncertainty.team_show_up.nobody: is not a team of teams.csv" in err


def test_a_weather_day_that_is_no_calendar_day_is_named_with_its_line(tmp_path: Path,
                                                                      scenario_dir: Callable[..., Path]) -> None:
    err = _refused_sweep(scenario_dir, tmp_path, "name: bad\nuncertainty:\n  weather:\n    2023-13-07: {rain: 0.2}\n")
    assert "scenario.yaml, line 4, column uncertainty.weather.2023-13-07: is not an exam day of sessions.csv" in err


def _uncertain_demo(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    folder.mkdir()
    for path in DEMO.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    with (folder / "scenario.yaml").open("a", encoding="utf-8") as handle:
        handle.write("uncertainty:\n  show_up: 0.85\n  team_show_up: {eye-hosp: 0.6}\n"
                     "  weather:\n    2023-06-07: {heat: 0.3, rain: 0.3}\n")
    return folder


def test_results_do_not_depend_on_sample_order_or_batching() -> None:
    # Each sample starts from its weather's own basis: solving the samples in another order, in
    # other batches, on a solver that has seen other samples first gives the same results.
    from planner.sweep import engine

    scenario = load_scenario(DEMO)
    uncertainty = Uncertainty(show_up=0.8, weather={"2023-06-07": {"heat": 0.3, "rain": 0.3}})
    payload = (scenario, uncertainty, 4)
    n = 24
    engine._SOLVERS.clear()
    in_order = engine.join_batches([engine.solve_batch("a", payload, list(range(n)))], n, len(scenario.needs))
    engine._SOLVERS.clear()
    engine.solve_batch("b", (scenario, uncertainty, 99), list(range(6)))  # other samples first, other bases
    shuffled = np.random.default_rng(0).permutation(n).tolist()
    parts = [engine.solve_batch("b", payload, shuffled[i:i + 5]) for i in range(0, n, 5)]
    mixed = engine.join_batches(parts[::-1], n, len(scenario.needs))
    engine._SOLVERS.clear()
    assert len({w for w in in_order.weather}) >= 2
    assert np.array_equal(in_order.totals, mixed.totals)
    assert np.array_equal(in_order.missing, mixed.missing)
    assert in_order.weather == mixed.weather and in_order.integer_solves == mixed.integer_solves
