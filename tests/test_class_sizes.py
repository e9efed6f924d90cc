"""Classes' sizes under levers (planner.model.classes.with_sizes), against its definition member by member.

with_sizes works out every class at once; here each class is worked out on its own, as its
docstring defines it: level ``ell`` of team t holds the members free exactly in the sessions
where the scenario gives t at least the level's threshold, and under a lever the member at
position j is free there exactly when A'(a_(ell-1)) <= j < A'(a_ell), cut by the kind's run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from planner import load_scenario
from planner.generate import generate_scenario
from planner.model.classes import class_structure, kind_runs, with_sizes
from planner.model.levers import Levers, apply_levers

from .conftest import BEIJING, DEMO
from .strategies import scenarios


def _one_by_one(structure, inputs) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    sc = inputs.scenario
    available = sc.availability["volunteers"].to_numpy(dtype="int64").reshape(len(sc.teams), len(sc.sessions))
    kind_start, kind_end = kind_runs(inputs.volunteers, inputs.first_aid, inputs.counsellors)
    size, first = np.zeros(len(structure), dtype="int64"), np.zeros(len(structure), dtype="int64")
    for c in range(len(structure)):
        t, k, ell = int(structure.team[c]), int(structure.kind[c]), int(structure.level[c])
        levels = sorted({int(a) for a in available[t] if a > 0})

        def now(threshold: int, t: int = t) -> int:
            session = next(s for s in range(available.shape[1]) if available[t, s] == threshold)
            return int(inputs.available[t][session])

        lower = now(levels[ell - 1]) if ell > 0 else 0
        start, end = max(lower, int(kind_start[t, k])), min(now(levels[ell]), int(kind_end[t, k]))
        if end > start:
            size[c], first[c] = end - start, start
    return size, first


LEVERS = [Levers(), Levers(availability=0.5), Levers(availability=0.83), Levers(availability=1.7)]


def _check(scenario, levers_list: list[Levers]) -> None:  # type: ignore[no-untyped-def]
    structure = class_structure(apply_levers(scenario))
    for levers in levers_list:
        inputs = apply_levers(scenario, levers)
        classes = with_sizes(structure, inputs)
        size, first = _one_by_one(structure, inputs)
        assert np.array_equal(classes.size, size) and np.array_equal(classes.first, first), levers


@pytest.mark.parametrize("folder", [BEIJING, DEMO])
def test_class_sizes_are_those_member_by_member(folder: Path) -> None:
    scenario = load_scenario(folder)
    assert len(class_structure(apply_levers(scenario))) > 0
    largest = str(scenario.teams["district_id"].value_counts().idxmax())
    _check(scenario, [*LEVERS, Levers(district_availability={largest: 0.4})])


def test_class_sizes_of_a_generated_scenario() -> None:
    _check(generate_scenario(1, seed=3), LEVERS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=scenarios())
def test_class_sizes_of_random_scenarios(data, tmp_path_factory: pytest.TempPathFactory) -> None:  # type: ignore[no-untyped-def]
    _check(load_scenario(data.write(tmp_path_factory.mktemp("s") / "scenario")), LEVERS)
