"""Trials solved by parts (each change on its block of the LP) give what the whole scenario solved again gives.

planner.results.trials solves a change on the independent part of the scenario it is in (and a
stock change on its item's own model), the plan's own figures standing for the rest. Here, on
scenarios of several parts, every candidate and more (every district's volunteers of every
role, room at points, reaches, stock) is solved both ways: by parts, and on one trial model of
the whole scenario, as before. And explain()'s rows are solved again from scratch, the change
written into the scenario's files (tests/test_explain.py's standard).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from planner import load_scenario, solve
from planner.io.settings import ROLES
from planner.regions import write_regions
from planner.results.explain import candidates, explain, usual_sessions
from planner.results.parts import scenario_parts
from planner.results.trials import Change, Trials

from .conftest import DEMO
from .test_explain import check_gains

pytestmark = pytest.mark.slow


def _changes(plan) -> list[Change]:  # type: ignore[no-untyped-def]
    sc = plan.scenario
    changes = list(candidates(plan))
    for district_id in sc.districts["district_id"]:
        for role in ROLES:
            most = usual_sessions(plan, district_id, role)
            changes.append(Change("volunteers", 1, district_id=district_id, role=role, sessions=most))
            changes.append(Change("volunteers", 3, district_id=district_id, role=role, sessions=most))
        changes.append(Change("volunteers", 2, district_id=district_id, role="first_aid", sessions=1,
                              session_id=str(sc.sessions["session_id"].iloc[-1])))
    for point_id in sc.points["point_id"].iloc[::7]:
        changes.append(Change("capacity", 2, point_id=str(point_id)))
    if sc.max_travel_km is not None and math.isfinite(sc.max_travel_km):
        changes += [Change("reach", sc.max_travel_km * 1.5), Change("reach", sc.max_travel_km * 3)]
    for item_id, stock in zip(sc.supplies["item_id"], sc.supplies["stock"], strict=True):
        changes.append(Change("stock", max(1, int(stock) // 3), item_id=str(item_id)))
    return changes


def _compare(plan) -> int:  # type: ignore[no-untyped-def]
    changes = _changes(plan)
    parts = Trials(plan.scenario, plan.levers, changes, plan=plan)
    whole = Trials(plan.scenario, plan.levers, changes)
    f = plan.shortfalls
    plan_staffed = dict(zip(zip(f["point_id"], f["session_id"], f["role"], strict=True), f["assigned"], strict=True))
    none = whole.outcome(None)
    assert none.filled == plan.summary["assigned"]  # the whole trial model without a change is the plan
    for change in changes:
        by_parts, again = parts.outcome(change), whole.outcome(change)
        assert by_parts.filled == again.filled, change
        assert by_parts.distributed == again.distributed, change
        # The needs of the part solved, the plan's elsewhere: a plan of the changed scenario, adding
        # up to what it fills; the whole model's staffing adds up so too.
        assert sum({**plan_staffed, **by_parts.staffed}.values()) == by_parts.filled, change
        assert sum(again.staffed.values()) == again.filled, change
    # Each part is solved on its own: fewer columns than the whole, for the small parts far fewer.
    assert len(parts._blocks) > 1
    return len(changes)


def test_trials_by_parts_equal_the_whole_trial_model_on_two_regions(tmp_path: Path) -> None:
    scenario = load_scenario(write_regions(1, 2, tmp_path / "regions", seed=0))
    assert len(scenario_parts(scenario)) >= 3
    assert _compare(solve(scenario)) > 50


def test_trials_by_parts_equal_the_whole_trial_model_on_the_demo() -> None:
    scenario = load_scenario(DEMO)  # one part: its block is the whole staffing model
    assert _compare(solve(scenario)) > 10


def test_trials_by_parts_equal_the_whole_trial_model_with_named_people() -> None:
    scenario = load_scenario(DEMO.parent / "demo-named")
    assert scenario.volunteers is not None
    assert _compare(solve(scenario)) > 10


def test_trials_by_parts_equal_the_whole_trial_model_on_beijing(beijing_plan) -> None:  # type: ignore[no-untyped-def]
    assert len(scenario_parts(beijing_plan.scenario)) >= 2
    assert _compare(beijing_plan) > 50


def test_explanations_by_parts_gain_what_solving_the_whole_scenario_again_gains(tmp_path: Path) -> None:
    scenario = load_scenario(write_regions(1, 2, tmp_path / "regions", seed=1))
    plan = solve(scenario, keep_basis=True)  # (the blocks start from its basis, as planner solve's)
    measured = explain(plan)
    assert check_gains(plan, measured, tmp_path) == len(measured.table) > 0


def test_scenario_parts_at_another_reach() -> None:
    scenario = load_scenario(DEMO)
    assert [p.points.tolist() for p in scenario_parts(scenario, reach_km=scenario.max_travel_km)] == [
        p.points.tolist() for p in scenario_parts(scenario)]
    one = scenario_parts(scenario, reach_km=math.inf)
    assert len(one) == 1 and len(one[0].points) == len(scenario.points)


def test_trials_on_a_cluster_give_the_outcomes_of_trials_here(tmp_path: Path) -> None:
    """Blocks kept on the workers of a real local cluster (two processes), as planner solve has them
    (the plan's basis their start, no work stealing): every outcome the same as here, including a
    reach solved on several blocks side by side, after the workers lost their blocks (made again
    there and their earlier changes solved again first), and with every change sent before any is
    waited for; and explain()'s table the same."""
    from planner.cluster import dask_client
    from planner.results.trials import _forget_blocks, _RemoteBlock

    scenario = load_scenario(write_regions(1, 3, tmp_path / "regions", seed=0))
    plan = solve(scenario, keep_basis=True)
    changes = _changes(plan)
    here = Trials(plan.scenario, plan.levers, changes, plan=plan)
    with dask_client(workers=2, work_stealing=False) as client:
        there = Trials(plan.scenario, plan.levers, changes, plan=plan, client=client)
        for n, change in enumerate(changes):
            if n == len(changes) // 2:  # as if a worker had restarted, or Dask had moved a block's task
                client.run(_forget_blocks, [b.key for b in there._blocks.values() if isinstance(b, _RemoteBlock)])
            assert there.outcome(change) == here.outcome(change), change
        remote = [b for b in there._blocks.values() if isinstance(b, _RemoteBlock)]
        assert len(remote) > 1 and len({b._worker for b in remote}) == 2  # on both workers
        assert there.solves == here.solves
        there.close()

        def blocks_kept() -> int:  # on a worker
            from planner.results import trials

            return len(trials._WORKER_BLOCKS)

        assert client.run(blocks_kept) == dict.fromkeys(client.scheduler_info()["workers"], 0)
        sent_together = Trials(plan.scenario, plan.levers, changes, plan=plan, client=client)
        pending = [sent_together.submit(change) for change in changes]
        again = Trials(plan.scenario, plan.levers, changes, plan=plan)
        assert [outcome() for outcome in pending] == [again.outcome(change) for change in changes]
        sent_together.close()
        on_cluster = explain(plan, client=client)
    alone = explain(plan)
    assert on_cluster.table.equals(alone.table) and on_cluster.fills == alone.fills
    assert len(alone.table) > 0
