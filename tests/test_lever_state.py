"""What a position of the explorer's controls means as levers, without building a widget.

:mod:`planner.workbook.lever_state` reads a plain mapping of control values; these tests
write such mappings by hand and check the exact ``Levers`` they say. That the widgets
produce these mappings is tested in test_widgets.py.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from planner import Levers, load_scenario
from planner.workbook.lever_state import default_state, levers_from_state

from .conftest import SCENARIOS


@pytest.fixture(scope="module")
def demo():
    return load_scenario(SCENARIOS / "demo-small")


@pytest.fixture(scope="module")
def beijing():
    return load_scenario(SCENARIOS / "beijing-2023")


def test_the_default_state_is_the_scenarios_own_numbers(demo):
    assert default_state(demo) == {
        "availability": 100,
        "district:dongcheng": 100, "district:haidian": 100,
        "stock:parent-pack": 100, "stock:staff-pack": 60, "stock:water": 1000, "stock:medicine-kit": 3,
        "travel": 15, "no_limit": False,
        "weight:general": 1.0, "weight:first_aid": 3.0, "weight:counsellor": 2.0,
        "weight:fairness": 1.0, "weight:travel": 1.0,
        "weather": "none", "day:2023-06-07": False,  # a planner ticks the days a weather applies to
        "closed": (),
    }


def test_untouched_controls_say_no_lever(demo, beijing):
    assert levers_from_state(demo, default_state(demo)) == Levers()
    assert levers_from_state(beijing, default_state(beijing)) == Levers()


def test_every_control_moved(demo):
    state = {**default_state(demo), "availability": 80, "district:haidian": 50, "stock:parent-pack": 150,
             "travel": 10, "weight:first_aid": 5.0, "weight:fairness": 0.5, "weather": "heat",
             "day:2023-06-07": True, "closed": ("dc-2",)}
    assert levers_from_state(demo, state) == Levers(
        availability=0.8,
        district_availability={"haidian": 0.5},
        stock={"parent-pack": 150},
        supply_factors={"water": 1.5},  # demo-small has no heat-relief item
        need_factors={"d1-am": {"first_aid": 2.0}, "d1-pm": {"first_aid": 2.0}},
        max_travel_km=10.0,
        weights={"first_aid": 5.0, "fairness": 0.5},
        closed_points=frozenset({"dc-2"}),
    )


def test_a_weather_with_no_day_ticked_is_no_lever(demo):
    """A preset alone changes nothing (the controls say so): it applies to the days ticked."""
    assert levers_from_state(demo, {**default_state(demo), "weather": "rain"}) == Levers()


def test_a_negative_stock_is_pointed_out_not_replaced(demo):
    from planner.workbook.lever_state import state_problems

    assert state_problems(demo, default_state(demo)) == []
    problems = state_problems(demo, {**default_state(demo), "stock:water": -5}, "en")
    assert problems == ["Stock of water cannot be below 0 (it is -5)"]
    assert "-5" in state_problems(demo, {**default_state(demo), "stock:water": -5}, "zh")[0]


def test_values_back_at_the_start_are_no_levers(demo):
    """A control moved and moved back says nothing; a district at 100% neither."""
    state = {**default_state(demo), "stock:water": 1000, "district:dongcheng": 100, "weight:travel": 1.0,
             "travel": 15, "availability": 90}
    assert levers_from_state(demo, state) == Levers(availability=0.9)


def test_stock_and_weights_compare_with_the_controls_starting_values(demo):
    """The controls pass their own starting values: where a range clipped one, the clipped
    value is the untouched one, and only a move from it is a lever."""
    clipped = {**default_state(demo), "weight:first_aid": 2.5, "stock:water": 900}
    assert levers_from_state(demo, clipped, clipped) == Levers()
    assert levers_from_state(demo, clipped) == Levers(stock={"water": 900}, weights={"first_aid": 2.5})


def test_travel(demo, scenario_dir):
    assert levers_from_state(demo, {**default_state(demo), "no_limit": True}) == Levers(max_travel_km=math.inf)
    # "no limit" ticked wins over the slider
    assert levers_from_state(demo, {**default_state(demo), "no_limit": True, "travel": 40}) == Levers(
        max_travel_km=math.inf)
    unlimited = load_scenario(scenario_dir())  # no max_travel_km in its scenario.yaml
    start = default_state(unlimited)
    assert (start["travel"], start["no_limit"]) == (250, True)
    assert levers_from_state(unlimited, start) == Levers()
    assert levers_from_state(unlimited, {**start, "no_limit": False}) == Levers(max_travel_km=250.0)


def test_rain_on_day_two_only(beijing):
    days = {key: key == "day:2023-06-08" for key in default_state(beijing) if key.startswith("day:")}
    assert len(days) == 4
    state = {**default_state(beijing), "weather": "rain", **days}
    # one session of seven: raincoats x (1 + 2 x 1/7), to three decimals
    assert levers_from_state(beijing, state) == Levers(supply_factors={"raincoat": 1.286},
                                                       need_factors={"0608-pm": {"general": 1.5}})


def test_weather_on_no_day_is_no_lever(demo):
    state = {**default_state(demo), "weather": "rain", "day:2023-06-07": False}
    assert levers_from_state(demo, state) == Levers()


def test_an_unknown_preset_is_refused(demo):
    with pytest.raises(ValueError, match="weather must be one of none, heat, rain"):
        levers_from_state(demo, {**default_state(demo), "weather": "snow"})


def test_the_translation_loads_no_widgets():
    """Importing it, and the workbook package, loads neither ipywidgets nor IPython."""
    code = ("import sys, planner.workbook.lever_state, planner.workbook; "
            "print(sorted(m for m in ('ipywidgets', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
