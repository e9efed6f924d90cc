"""The explorer's why panel: measured only when opened, the why of a choice, a fix applied and seen."""

from __future__ import annotations

import pytest

from planner.workbook import why_view
from planner.workbook.explorer import Explorer

from .conftest import DEMO, DEMO_NAMED
from .test_explain import room_and_reach


@pytest.fixture
def explorer():
    return Explorer(DEMO, debounce=0, lang="en")


def _open(explorer: Explorer) -> None:
    explorer.tables.selected_index = len(explorer.tables.children) - 1


def test_a_replan_measures_nothing_until_the_panel_is_opened(explorer, monkeypatch):
    calls = []
    real = why_view.explain
    monkeypatch.setattr(why_view, "explain", lambda plan: calls.append(plan) or real(plan))
    explorer.controls.widgets["availability"].value = 90
    assert calls == [] and explorer.why_view.explanations is None
    _open(explorer)
    assert calls == [explorer.plan]
    explorer.why_view.choose("all", "")  # choosing again measures nothing more
    assert len(calls) == 1
    explorer.controls.widgets["availability"].value = 80  # open: the new plan is measured
    assert calls[-1] is explorer.plan and len(calls) == 2


def test_the_panel_shows_the_bottlenecks_and_a_needs_why(explorer):
    _open(explorer)
    view = explorer.why_view
    assert "First aid:" in view.why_html.value and view.fixes
    needs = [value for _, value in view.picker.options if value[0] == "need"]
    assert needs and len(needs) == int((explorer.plan.shortfalls["missing"] > 0).sum())
    view.choose(*needs[0])
    point_id, session_id, role = needs[0][1].split("\t")
    row = explorer.plan.shortfalls.set_index(["point_id", "session_id", "role"]).loc[(point_id, session_id, role)]
    assert f"is short of {row['missing']} " in view.why_html.value
    # The fixes shown for a need are those that fill it, best first.
    assert all((point_id, session_id, role) in view.explanations.fills[i]
               for i, r in enumerate(view.explanations.table.to_dict("records")) if r in view.fixes)
    assert [f["gain"] for f in view.fixes] == sorted((f["gain"] for f in view.fixes), reverse=True)


@pytest.mark.parametrize("named", [False, True], ids=["numbered", "volunteers.csv"])
@pytest.mark.parametrize("kind", ["volunteers", "stock"])
def test_applying_a_fix_replans_and_gains_what_was_measured(kind, named):
    # (with volunteers.csv the team a fix adds is one of persons listed: planner.io.people.with_new_team)
    explorer = Explorer(DEMO_NAMED if named else DEMO, debounce=0, lang="en")
    _open(explorer)
    view = explorer.why_view
    before, teams_before = explorer.plan.summary, len(explorer.scenario.teams)
    view.choose("all", "")
    chosen = next(n for n, f in enumerate(view.fixes) if f["kind"] == kind)
    fix = view.fixes[chosen]
    view.fix_picker.value = chosen
    change = view.apply_chosen()
    assert change is not None and change.kind == kind
    after = explorer.plan.summary
    if kind == "stock":
        item = fix["item_id"]
        assert after["supplies"][item]["distributed"] - before["supplies"][item]["distributed"] == fix["gain"]
        assert explorer.controls.state()[f"stock:{item}"] == before["supplies"][item]["stock"] + fix["amount"]
    else:
        assert after["assigned"] - before["assigned"] == fix["gain"]
        assert len(explorer.scenario.teams) == teams_before + 1  # one more team, as the fix says
    assert "Applied: " in explorer.message.value


@pytest.mark.parametrize("kind", ["capacity", "reach"])
def test_room_and_reach_applied_from_the_panel(scenario_dir, kind):
    """The tiny scenario of tests/test_explain.py: a full point p1, and p2 beyond the reach."""
    from planner import load_scenario

    folder = room_and_reach(scenario_dir)
    explorer = Explorer(load_scenario(folder), debounce=0, lang="en")
    _open(explorer)
    view = explorer.why_view
    before = explorer.plan.summary["assigned"]
    chosen = next(n for n, f in enumerate(view.fixes) if f["kind"] == kind)
    gain = view.fixes[chosen]["gain"]
    view.fix_picker.value = chosen
    view.apply_chosen()
    assert explorer.plan.summary["assigned"] - before == gain
    if kind == "reach":
        assert explorer.controls.state()["travel"] == 10 and explorer.plan.levers.max_travel_km == 10
    else:
        assert explorer.scenario.points.set_index("point_id").at["p1", "capacity"] == 3


def test_the_panel_follows_the_language_without_measuring_again(explorer, monkeypatch):
    _open(explorer)
    calls = []
    monkeypatch.setattr(why_view, "explain", lambda plan: calls.append(plan))
    explorer.set_language("zh")
    assert calls == [] and explorer.why_view.picker.options[0][0] == "瓶颈"
    assert "急救岗" in explorer.why_view.why_html.value
