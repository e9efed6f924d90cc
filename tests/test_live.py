"""LivePlanner: warm re-solves follow the levers and agree with cold solves."""

from __future__ import annotations

import math

import pytest

from planner import LivePlanner, solve


@pytest.fixture(scope="module")
def live(beijing):
    return LivePlanner(beijing)


LEVER_SETS = [
    {},
    {"availability": 0.8},
    {"district_availability": {"haidian": 0.5, "qianan": 1.5}},
    {"stock": {"parent-pack": 4500}, "supply_factors": {"raincoat": 3}},
    {"weights": {"fairness": 0, "first_aid": 5}},
    {"closed_points": ["haidian-01", "qianan-01"]},
    {"max_travel_km": 20},
    {"max_travel_km": math.inf},
]


@pytest.mark.parametrize("levers", LEVER_SETS)
def test_a_warm_replan_equals_a_cold_solve(beijing, live, levers):
    """Whatever came before, the warm model gives the cold model's optimum."""
    warm = live.plan(**levers)
    cold = solve(beijing, **levers)
    assert warm.summary["objective"] == pytest.approx(cold.summary["objective"], abs=1e-6)
    assert warm.summary["assigned"] == cold.summary["assigned"]
    assert warm.summary["supplies"] == cold.summary["supplies"]


def test_fewer_volunteers_never_raise_coverage(live):
    coverage = [live.plan(availability=a).summary["coverage"] for a in (1.0, 0.9, 0.8, 0.6, 0.3, 0.0)]
    assert coverage == sorted(coverage, reverse=True)
    assert coverage[-1] == 0.0


def test_more_packs_never_lower_what_is_handed_out(live):
    handed = [live.plan(stock={"parent-pack": n}).summary["supplies"]["parent-pack"]["distributed"]
              for n in (3000, 4000, 4500, 20000)]
    assert handed == [3000, 4000, 4500, 14589]


def test_closing_a_point_removes_its_needs_and_supplies(live):
    plan = live.plan(closed_points=["chaoyang-01"])
    assert "chaoyang-01" not in set(plan.shortfalls["point_id"])
    assert "chaoyang-01" not in set(plan.assignments["point_id"])
    assert "chaoyang-01" not in set(plan.distribution["point_id"])


def test_levers_are_checked_with_clear_messages(live):
    with pytest.raises(ValueError, match="district_availability: 'atlantis' is not a district"):
        live.plan(district_availability={"atlantis": 0.5})
    with pytest.raises(ValueError, match=r"stock\['parent-pack'\] must be a whole number 0 or more"):
        live.plan(stock={"parent-pack": -5})
    with pytest.raises(ValueError, match=r"weights\.fairness"):
        live.plan(weights={"fairness": 2})


def test_the_sharing_cache_gives_the_sharing_of_a_fresh_solve(beijing, monkeypatch):
    """A district taken from LivePlanner's cache of sharings is shared exactly as anew."""
    import numpy as np

    import planner.results.solving as solving
    from planner.results.teams import share_flows

    calls = {"hits": 0}

    def checked(**arguments):
        cache = arguments.pop("cache")
        before = len(cache)
        with_cache = share_flows(**arguments, cache=cache)
        calls["hits"] += len(np.unique(arguments["flow_d"])) - (len(cache) - before)  # districts not shared anew
        fresh = share_flows(**arguments)
        for name in ("cls", "p", "s", "r", "amount"):
            assert np.array_equal(getattr(with_cache, name), getattr(fresh, name)), name
        return with_cache

    monkeypatch.setattr(solving, "share_flows", checked)
    live = LivePlanner(beijing, remember=0)
    for levers in ({}, {"availability": 0.8}, {}, {"weights": {"fairness": 0}}, {"availability": 0.8}, {}):
        live.plan(**levers)
    assert calls["hits"] > 0  # the cache was used
