"""A plan's optimal basis carried to another model of its scenario (planner.model.warm_start).

The trial models of the explanations start from their plan's basis: checked here to reach the
same optimum as a solve from nothing, in far fewer iterations; a basis read and set back to its
own model to be HiGHS' very basis; the parts' bases joined and cut back to a part to be that
part's own; and a block on a worker to give the outcomes of one here whatever order its tasks
come in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner import load_scenario, solve
from planner.model import PlanModel
from planner.model.levers import apply_levers
from planner.model.warm_start import Basis, basis_of, highs_basis
from planner.regions import write_regions
from planner.results import trials
from planner.results.explain import candidates, explain
from planner.results.parts import part_scenario, scenario_parts, solve_part
from planner.results.trials import Change, _Block, _block_outcome, _BlockSpec

from .conftest import BEIJING


def _statuses(basis) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    return [s.value for s in basis.col_status], [s.value for s in basis.row_status]


def _solved(scenario, farthest_km: float | None = None) -> PlanModel:  # type: ignore[no-untyped-def]
    base = apply_levers(scenario)
    model = PlanModel(scenario, base.reach_km, base=base)
    if farthest_km is not None:
        model.farthest_km = farthest_km
    model.set_inputs(base)
    model.solve(warm=False)
    return model


def test_a_basis_set_back_on_its_own_model_is_highs_own() -> None:
    model = _solved(load_scenario(BEIJING))
    h = model.highs_model
    assert h is not None
    basis = basis_of(model, h)
    assert basis is not None
    # Only what differs from the defaults is kept (columns at their lower bound, rows basic): about one a row.
    kept = sum(len(e.status) for e in basis.columns.values()) + sum(len(e.status) for e in basis.rows.values())
    assert kept < model.num_rows + model.num_cols // 4
    assert _statuses(highs_basis(model, basis)) == _statuses(h.getBasis())


def test_a_trial_block_from_the_plans_basis_reaches_the_same_optimum_in_far_fewer_iterations() -> None:
    scenario = load_scenario(BEIJING)
    plan = solve(scenario, keep_basis=True)
    assert plan.basis is not None
    changes = [c for c in candidates(plan) if c.kind == "volunteers"][:3]
    assert changes
    cold = _Block(scenario, plan.levers, changes)
    warm = _Block(scenario, plan.levers, changes, basis=plan.basis)
    for n, change in enumerate(changes):
        from_nothing, from_plan = cold.outcome(change), warm.outcome(change)
        assert from_plan.filled == from_nothing.filled and from_plan.distributed == from_nothing.distributed
        objectives = [b._model.highs_model.getInfo().objective_function_value for b in (cold, warm)]
        assert objectives[1] == pytest.approx(objectives[0], abs=1e-6)
        if n == 0:  # the first solve: from the plan's basis, against from nothing
            iterations = [b._model.highs_model.getInfo().simplex_iteration_count for b in (cold, warm)]
            assert iterations[1] * 4 < iterations[0], iterations


def test_the_parts_bases_joined_and_cut_to_a_part_are_that_parts_own(tmp_path: Path) -> None:
    scenario = load_scenario(write_regions(1, 2, tmp_path / "regions", seed=0))
    parts = [part_scenario(scenario, part) for part in scenario_parts(scenario)]
    assert len(parts) >= 2
    farthest = max(PlanModel(p, apply_levers(p).reach_km).farthest_km for p in parts)
    own = [solve_part(f"part{n}", p, farthest, "highs", None, keep_basis=True)[0].basis
           for n, p in enumerate(parts)]
    assert all(b is not None for b in own)
    joined = Basis.join([b for b in own if b is not None])
    for part, basis in zip(parts, own, strict=True):
        assert basis is not None
        model = _solved(part, farthest)
        assert _statuses(highs_basis(model, joined.within(part))) == _statuses(highs_basis(model, basis))
        # (and each part's basis is HiGHS' own for the part: its model solved again ends where it did)
        assert _statuses(highs_basis(model, basis)) == _statuses(model.highs_model.getBasis())


def test_a_block_on_a_worker_gives_one_blocks_outcomes_whatever_order_its_tasks_come_in() -> None:
    scenario = load_scenario(BEIJING)
    plan = solve(scenario, keep_basis=True)
    changes = tuple([c for c in candidates(plan) if c.kind == "volunteers"][:3])
    spec = _BlockSpec(scenario, plan.levers, changes, "highs", None, plan.basis)
    here = spec.block()
    expected = [here.outcome(c) for c in changes]
    key = "test-order"
    try:
        # The third task first (it solves the first two on the way), then the first two: no block made again.
        assert _block_outcome(key, spec, changes) == expected[2]
        block = trials._WORKER_BLOCKS[key][0]
        assert _block_outcome(key, spec, changes[:1]) == expected[0]
        assert _block_outcome(key, spec, changes[:2]) == expected[1]
        assert trials._WORKER_BLOCKS[key][0] is block and block.solves == 3
        # Another history from the same block's start: made again, and its outcome that of a block new here.
        other = (changes[1],)
        assert _block_outcome(key, spec, other) == spec.block().outcome(changes[1])
        assert trials._WORKER_BLOCKS[key][0] is not block
    finally:
        trials._forget_blocks([key])


def test_explanations_from_the_plans_basis_measure_what_they_measure_from_nothing() -> None:
    """Gains and how far more helps are optimal values: the same from any start (which needs a change
    fills may differ: the LP is degenerate)."""
    scenario = load_scenario(BEIJING)
    with_basis = solve(scenario, keep_basis=True)
    without = solve(scenario)
    assert without.basis is None
    measured = ["kind", "district_id", "point_id", "session_id", "role", "item_id", "amount", "sessions", "gain",
                "helps_up_to", "gain_up_to"]
    a, b = explain(with_basis).table, explain(without).table
    assert len(a) > 5
    assert a[measured].equals(b[measured])


def test_a_blocks_start_has_one_basic_variable_a_row_and_every_basic_column_of_the_plan() -> None:
    """A block built for a longer reach has more columns and rows than the plan's model: its start keeps
    every basic column of the plan's, and the rows only it has basic, one basic variable a row."""
    scenario = load_scenario(BEIJING)
    plan = solve(scenario, keep_basis=True)
    assert plan.basis is not None
    block = _Block(scenario, plan.levers, [Change("reach", 50.0)], basis=plan.basis)
    start = highs_basis(block._model, plan.basis)
    cols, rows = _statuses(start)
    basic = sum(1 for s in cols if s == 1) + sum(1 for s in rows if s == 1)
    assert basic == block._model.num_rows  # one basic variable per row, as a basis has
    assert np.count_nonzero(np.array(cols) == 1) == sum(
        int(np.count_nonzero(e.status == 1)) for e in plan.basis.columns.values())


def test_a_start_basis_highs_refuses_costs_only_the_start(monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    import highspy

    scenario = load_scenario(BEIJING)
    plan = solve(scenario, keep_basis=True)
    change = next(c for c in candidates(plan) if c.kind == "volunteers")
    expected = _Block(scenario, plan.levers, [change]).outcome(change)
    monkeypatch.setattr(highspy.Highs, "setBasis", lambda self, basis: highspy.HighsStatus.kError)
    refused = _Block(scenario, plan.levers, [change], basis=plan.basis)
    with caplog.at_level("WARNING", logger="planner.model.plan_model"):
        assert refused.outcome(change).filled == expected.filled
    assert "HiGHS refused the start basis" in caplog.text
