"""The workbook's widgets, driven as a planner would: move a control, read the page.

Explorers here re-plan at once (``debounce=0``), so each ``.value = ...`` is followed by the
new plan; the debounced path is tested on its own with a real event loop.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import io
import math
import re
import threading
import time

import openpyxl
import pandas as pd
import pytest

from planner import load_scenario, solve
from planner.exports.compare import plan_variants
from planner.labels import TEXT
from planner.model.levers import Levers
from planner.results.headline import headline
from planner.workbook import CompareView, Explorer, ExportView, LeverControls, TrainerDemo
from planner.workbook.common import Debouncer
from planner.workbook.lever_state import default_state, levers_from_state
from planner.workbook.tables import table_html

from .conftest import BEIJING, DEMO


@pytest.fixture(autouse=True)
def saved_elsewhere(tmp_path, monkeypatch):
    """Saved scenarios and exports go to a temporary folder, never into the project."""
    monkeypatch.setenv("PLANNER_SAVED_SCENARIOS", str(tmp_path / "saved"))
    monkeypatch.setenv("PLANNER_EXPORTS", str(tmp_path / "exports"))


@pytest.fixture(scope="module")
def explorer():
    return Explorer(debounce=0)


@pytest.fixture
def fresh(explorer):
    """The shared Beijing explorer, with its controls back at the scenario's numbers."""
    explorer.set_language("zh")
    explorer.reset()
    return explorer


def card_value(explorer: Explorer, key: str) -> str:
    found = re.search(rf'data-figure="{key}".*?class="vp-value"[^>]*>([^<]*)<', explorer.headline_html.value)
    assert found, key
    return found.group(1)


def test_opens_the_default_scenario(fresh, beijing_plan):
    assert fresh.scenario.name == "Beijing 2023 / 北京2023"
    expected = headline(beijing_plan)
    assert fresh.headline == expected == fresh.baseline
    assert card_value(fresh, "coverage") == f"{expected.coverage:.1%}"
    assert 'data-state="updated"' in fresh.status.value
    assert fresh.chart_images["district"].value[:4] == b"\x89PNG"


@pytest.mark.slow
def test_fewer_volunteers_never_raise_coverage(fresh):
    shown, coverage = [], []
    for value in (100, 90, 80, 60, 30):
        fresh.controls.widgets["availability"].value = value
        coverage.append(fresh.headline.coverage)
        shown.append(card_value(fresh, "coverage"))
        assert fresh.plan.levers.availability == value / 100
    assert coverage == sorted(coverage, reverse=True)
    assert coverage[-1] < coverage[0]
    assert shown[-1] == f"{coverage[-1]:.1%}" != shown[0]
    assert "▼" in fresh.headline_html.value


@pytest.mark.slow
def test_more_packs_never_hand_out_fewer(fresh):
    stock = fresh.controls.widgets["stock:parent-pack"]
    handed = []
    for value in (3000, 4000, 4500, 8000):
        stock.value = value
        handed.append(fresh.headline.packs_distributed)
    assert handed == sorted(handed)
    assert handed[2] - handed[1] == 500
    assert card_value(fresh, "packs").startswith(f"{handed[-1]:,}")


def test_less_in_one_district_never_helps(fresh):
    before = fresh.plan.by_district().set_index("district_id").at["haidian", "assigned"]
    fresh.controls.widgets["district:haidian"].value = 50
    after = fresh.plan.by_district().set_index("district_id").at["haidian", "assigned"]
    assert fresh.plan.levers.district_availability == {"haidian": 0.5}
    assert after <= before
    assert fresh.headline.coverage <= fresh.baseline.coverage


@pytest.mark.slow
def test_rain_on_day_two(fresh):
    widgets = fresh.controls.widgets
    widgets["weather"].value = "rain"
    # No day is ticked yet: rain changes nothing, and the controls say so.
    assert fresh.headline.needed == fresh.baseline.needed
    assert "没有勾选日子" in fresh.controls.weather_hint.value
    days = [k for k in widgets if k.startswith("day:")]
    for key in days:
        widgets[key].value = True
    everywhere = fresh.headline.needed
    for key in days:
        widgets[key].value = key == "day:2023-06-08"
    assert "6月8日" in fresh.controls.weather_hint.value
    assert fresh.plan.levers.need_factors == {"0608-pm": {"general": 1.5}}
    assert fresh.baseline.needed < fresh.headline.needed < everywhere
    assert fresh.plan.summary["supplies"]["raincoat"]["wanted"] > fresh.plan.summary["supplies"]["raincoat"]["stock"]


def test_closing_a_point(fresh):
    fresh.controls.widgets["closed"].value = ("chaoyang-01",)
    assert "chaoyang-01" not in set(fresh.plan.shortfalls["point_id"])
    assert fresh.headline.needed < fresh.baseline.needed


@pytest.mark.slow
def test_travel_and_priorities(fresh):
    widgets = fresh.controls.widgets
    widgets["no_limit"].value = True
    assert widgets["travel"].disabled
    assert math.isinf(fresh.plan.levers.max_travel_km)
    widgets["no_limit"].value = False
    widgets["travel"].value = 10
    assert fresh.plan.summary["levers"]["max_travel_km"] == 10
    assert fresh.headline.average_travel_km <= 10
    widgets["weight:fairness"].value = 0
    assert fresh.plan.weights.fairness == 0


@pytest.mark.slow
def test_reset_returns_to_the_scenario(fresh):
    fresh.controls.widgets["availability"].value = 50
    fresh.reset()
    assert fresh.headline == fresh.baseline
    assert fresh.controls.widgets["availability"].value == 100


@pytest.mark.slow
def test_charts_are_drawn_when_viewed(fresh):
    fresh.chart_tabs.selected_index = 0
    fresh.controls.widgets["availability"].value = 85
    assert fresh._stale == {"heatmap", "map", "supplies"}
    old_map = fresh.chart_images["map"].value
    fresh.chart_tabs.selected_index = 2
    assert bytes(fresh.chart_images["map"].value) != bytes(old_map)
    assert fresh._stale == {"heatmap", "supplies"}
    fresh.chart_tabs.selected_index = 0


def test_language_switch(fresh):
    fresh.language.value = "en"
    assert fresh.controls.widgets["availability"].description == "Volunteers who come %"
    assert fresh.sidebar.titles[0] == "Volunteers who come %"
    assert fresh.chart_tabs.titles == ("Districts", "Districts × sessions", "Map", "Supplies")
    assert 'data-state="updated"' in fresh.status.value and "Updated" in fresh.status.value
    assert "Coverage" in fresh.headline_html.value and "保障率" not in fresh.headline_html.value
    assert "District" in fresh.table_html["tab_districts"].value
    fresh.language.value = "zh"
    assert fresh.controls.widgets["availability"].description == "志愿者到岗率 %"
    assert "保障率" in fresh.headline_html.value


@pytest.mark.slow
def test_language_switch_keeps_every_lever_and_the_plan(fresh):
    widgets = fresh.controls.widgets
    widgets["weather"].value = "rain"
    widgets["availability"].value = 85
    state, plan = fresh.controls.state(), fresh.plan
    for lang in ("en", "zh"):
        fresh.language.value = lang
        assert fresh.controls.state() == state
        assert fresh.plan is plan  # new words only: nothing was re-planned
    assert widgets["weather"].label == "降雨"


def test_the_status_line_tells_the_time_of_each_replan(fresh):
    """Each re-plan's time (change to headline shown, solve included) is on the page; how long it
    takes is a benchmark's question (planner/bench.py, docs/performance.md), not a test's."""
    for value in (95, 80):
        fresh.controls.widgets["availability"].value = value
        assert fresh.plan.levers.availability == value / 100
        assert 0 < fresh.timings["plan"] <= fresh.timings["headline"]
        assert f'{fresh.timings["headline"]:.2f}' in fresh.status.value
        assert f'data-solve="{fresh.timings["plan"]:.3f}"' in fresh.status.value


@pytest.mark.slow
def test_save_and_load_back(tmp_path):
    explorer = Explorer(DEMO, debounce=0)
    explorer.controls.widgets["availability"].value = 60
    explorer.controls.widgets["stock:parent-pack"].value = 150
    tweaked = explorer.headline
    folder = explorer.save("演示 少志愿者")
    assert folder == tmp_path / "saved" / "演示-少志愿者"
    # The explorer speaks Chinese by default; the message names the folder (HTML-escaped: no & < > here).
    assert explorer.message.value == f'<span style="color:#1a7f37">已保存到: {folder}</span>'
    assert folder.resolve() in {value for _, value in explorer.picker.options}
    with pytest.raises(FileExistsError):
        explorer.save("演示 少志愿者")
    assert "#c62828" in explorer.message.value
    explorer.picker.value = folder.resolve()  # load it back, as after a kernel restart
    assert explorer.scenario.name == "演示 少志愿者"
    assert explorer.controls.widgets["availability"].value == 100
    assert explorer.headline == tweaked
    assert explorer.save("演示 少志愿者", overwrite=True) == folder


@pytest.mark.slow
def test_add_a_point_and_keep_the_controls(tmp_path):
    explorer = Explorer(DEMO, debounce=0)
    explorer.controls.widgets["availability"].value = 80
    needed = explorer.headline.needed
    form = explorer.add_form
    form.widgets["district"].value = "haidian"
    assert form.widgets["lat"].value != 0  # placed near the district's centre
    form.widgets["parents"].value = 400
    form.button.click()
    assert "haidian-new1" in set(explorer.scenario.points["point_id"])
    assert explorer.controls.widgets["availability"].value == 80
    assert explorer.headline.needed == needed + 2 * (5 + 1)  # general ceil(400/80), one first-aider, two sessions
    assert "haidian-new1" in {v for _, v in explorer.controls.widgets["closed"].options}
    assert explorer.baseline == headline(solve(load_scenario(DEMO)))  # the cards still compare with the start
    reloaded = load_scenario(explorer.save("with a new point"))
    assert "haidian-new1" in set(reloaded.points["point_id"])


def test_adding_a_point_keeps_the_weather(tmp_path):
    explorer = Explorer(DEMO, debounce=0, lang="en")
    explorer.controls.widgets["weather"].value = "rain"
    explorer.controls.widgets["day:2023-06-07"].value = True
    state = explorer.controls.state()
    explorer.add_point(district="haidian", name="HD new", parents=0, frontline_staff=0, capacity=5,
                       lat=39.96, lon=116.30)
    assert {k: v for k, v in explorer.controls.state().items() if k != "closed"} == {
        k: v for k, v in state.items() if k != "closed"}
    assert explorer.plan.levers.need_factors  # the rain still asks for more hands
    assert explorer.plan.levers == explorer.controls.levers()


def test_the_save_form_names_an_unnamed_save_and_replaces_only_when_ticked(tmp_path):
    explorer = Explorer(DEMO, debounce=0, lang="en")
    explorer.controls.widgets["availability"].value = 60
    form = explorer.save_form
    form.button.click()  # no name typed: the scenario's name and "(Levers)"
    folder = tmp_path / "saved" / "Demo-(small)---演示（小）-(Levers)"  # "/" and spaces become "-"
    assert load_scenario(folder).name == "Demo (small) / 演示（小） (Levers)"
    form.button.click()  # the same name again, "replace" not ticked: refused, and said so
    assert "#c62828" in explorer.message.value
    form.replace.value = True
    form.button.click()
    assert "#1a7f37" in explorer.message.value


@pytest.mark.parametrize("folder", [BEIJING, DEMO], ids=lambda p: p.name)
def test_the_controls_start_at_the_default_state_and_say_its_levers(folder):
    """LeverControls and lever_state agree: the widgets start where default_state says, and
    the levers the controls say are levers_from_state's of their state."""
    scenario = load_scenario(folder)
    controls = LeverControls(scenario)
    assert controls.state() == default_state(scenario)
    assert controls.levers() == levers_from_state(scenario, default_state(scenario)) == Levers()
    controls.widgets["availability"].value = 70
    controls.widgets["weather"].value = "heat"
    controls.widgets["no_limit"].value = True
    assert controls.levers() == levers_from_state(scenario, controls.state())


def test_a_bad_point_is_explained(tmp_path):
    explorer = Explorer(DEMO, debounce=0)
    with pytest.raises(ValueError):
        explorer.add_point(district="atlantis", name="x", parents=1, frontline_staff=1, capacity=1, lat=0, lon=0)
    assert "atlantis" in explorer.message.value and "#c62828" in explorer.message.value


def test_debouncer_runs_once_after_a_pause_with_a_timer():
    calls = []
    debounced = Debouncer(lambda: calls.append(threading.current_thread().name), 0.05)
    for _ in range(5):
        debounced()
    time.sleep(0.4)
    assert len(calls) == 1


def test_debounced_explorer_in_an_event_loop():
    """As in a kernel: a change says "solving" at once; the plan follows once the changes pause."""
    explorer = Explorer(DEMO, debounce=0.05)
    coverage = explorer.headline.coverage

    async def drag() -> list[str]:
        states = []
        for value in (90, 70, 50, 30):
            explorer.controls.widgets["availability"].value = value
            states.append(explorer.status.value)
        states.append(str(explorer.headline.coverage))
        await asyncio.sleep(0.5)
        return states

    states = asyncio.run(drag())
    assert all('data-state="solving"' in s for s in states[:4])
    assert states[4] == str(coverage)  # nothing solved while dragging
    assert explorer.plan.levers.availability == 0.3
    assert explorer.headline.coverage < coverage
    assert 'data-state="updated"' in explorer.status.value


@pytest.mark.slow
def test_compare_view():
    plans = plan_variants(load_scenario(DEMO), {"现状": {}, "少一半": {"availability": 0.5}})
    view = CompareView(plans)
    assert view.cards.value.count('data-figure="coverage"') == 2
    assert "与现状相比" in view.cards.value
    assert view.coverage_chart.value[:4] == b"\x89PNG" and view.heatmaps.value[:4] == b"\x89PNG"
    data = base64.b64decode(re.search(r"base64,([^\"]+)", view.link.value).group(1))
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["方案对比表"]
    view.language.value = "en"
    assert "Comparison sheet.xlsx" in view.link.value
    with pytest.raises(ValueError, match="compare 2 to 4 options"):
        CompareView({"a": plans["现状"]})


def test_export_view(tmp_path):
    view = ExportView(DEMO)
    bundle = view.prepare()
    assert bundle.folder == tmp_path / "exports" / "demo-small"
    links = " ".join(child.value for child in view.links.children if hasattr(child, "value"))
    assert "demo-small.zip" in links and "plan.xlsx" in links and "duty-sheets.pdf" in links
    assert len(view.point.options) == 3
    view.point.value = view.point.options[2][1]
    assert 'download="hd-1.pdf"' in view.point_link.value
    view.language.value = "en"
    assert 'download="hd-1.pdf"' in view.point_link.value  # new words, the same point chosen


@pytest.mark.slow
def test_trainer_demo_tells_the_story_in_both_languages():
    demo = TrainerDemo(debounce=0)
    fewer = demo.plans["fewer"]
    assert fewer.levers.availability == 0.8
    _, cards, image, sentence = demo.views["fewer"]
    assert f"{headline(fewer).coverage:.1%}" in sentence.value and "保障率" in sentence.value
    assert cards.value.count('data-figure="coverage"') == 2  # as planned, and the what-if
    # The live panel keeps its five large cards (the teams' figures are the explorer's).
    assert re.findall(r'data-figure="(\w+)"', demo.explorer.headline_html.value) == [
        "coverage", "unmet", "packs", "worst", "travel"]
    assert image.value[:4] == b"\x89PNG"
    assert "+500" not in demo.views["packs"][3].value  # the sentence names districts, not the total
    assert demo.plans["packs"].summary["supplies"]["parent-pack"]["distributed"] == (
        demo.plans["base"].summary["supplies"]["parent-pack"]["distributed"] + 500)
    demo.language.value = "en"
    assert "coverage falls" in demo.views["fewer"][3].value
    assert demo.explorer.controls.widgets["availability"].description == "Volunteers who come %"
    before = demo.explorer.headline.coverage
    demo.explorer.controls.widgets["availability"].value = 70
    assert demo.explorer.headline.coverage < before


def test_tables_read_as_people_write_numbers():
    page = table_html(pd.DataFrame({"a": [1968.0, 93.456, float("nan")], "b": [12345, 7, 0], "c": ["x", None, "z"]}))
    assert "<td>1,968</td>" in page and "<td>93.46</td>" in page and "<td>12,345</td>" in page
    assert "1968.0" not in page and ">nan<" not in page and ">None<" not in page


# Teams kept whole: the figures beside coverage, and the view per team ----------------------

@pytest.fixture
def demo_explorer():
    return Explorer(DEMO, debounce=0)


def test_team_figures_beside_coverage(demo_explorer):
    """demo-small: 2 of 6 team-sessions split over more than one point (the Dongcheng union's, at dc-1 and dc-2),
    1 of the 3 teams at one point (the Haidian union)."""
    h = demo_explorer.headline
    assert (h.team_sessions, h.team_sessions_split, h.teams_on_duty, h.teams_one_point) == (6, 2, 3, 1)
    assert re.findall(r'data-figure="(\w+)"', demo_explorer.headline_html.value) == [
        "coverage", "split", "whole", "unmet", "packs", "worst", "travel"]
    assert card_value(demo_explorer, "split") == "2 / 6" and card_value(demo_explorer, "whole") == "1 / 3"
    assert "被拆到多个点位的队伍" in demo_explorer.headline_html.value
    assert "队伍场次" in demo_explorer.headline_html.value
    demo_explorer.set_language("en")
    page = demo_explorer.headline_html.value
    assert "Teams split over points" in page and "Teams at one point all exam" in page
    assert "team-sessions" in page and "teams on duty" in page and "被拆" not in page


def test_team_figures_follow_a_replan(demo_explorer):
    demo_explorer.controls.widgets["availability"].value = 50
    h = demo_explorer.headline
    figures = demo_explorer.plan.summary
    assert (h.team_sessions, h.team_sessions_split, h.teams_one_point) == (
        figures["team_sessions"], figures["team_sessions_split"], figures["teams_one_point"])
    assert h.teams_on_duty == demo_explorer.plan.assignments["team_id"].nunique()



def test_team_view_shows_the_chosen_team(demo_explorer):
    view = demo_explorer.team_view
    assert [v for _, v in view.picker.options] == ["dc-union", "eye-hosp", "hd-union"]
    assert view.picker.value == "dc-union"
    view.choose("eye-hosp")
    sessions, members = view.frames["sessions"], view.frames["members"]
    assert sessions.columns.tolist() == [
        "场次", "服务点位（人数）", "普通志愿者", "急救", "心理疏导", "志愿者人数", "全队在同一点位"]
    # Its three members serve one session each (max_sessions 1): two at its home point in the
    # morning, its second first-aider at hd-1 in the afternoon.
    assert sessions.values.tolist() == [
        ["6月7日 09:00", "东城二号点 Dongcheng point 2", 1, 1, 0, 2, "是"],
        ["6月7日 15:00", "海淀一号点 Haidian point 1", 0, 1, 0, 1, "是"]]
    assert members.values.tolist() == [
        ["eye-hosp/1", "东城二号点 Dongcheng point 2 · 急救", ""],
        ["eye-hosp/2", "", "海淀一号点 Haidian point 1 · 急救"],
        ["eye-hosp/3", "东城二号点 Dongcheng point 2 · 普通志愿者", ""],
    ]
    assert "市卫生健康工会 · 东城区 · 3 名队员有值班（全队 3 名） · 分在多个点位的场次：0 / 2" in view.summary.value
    assert "eye-hosp/2" in view.members_html.value and "海淀一号点" in view.sessions_html.value
    view.choose("hd-union")
    assert view.frames["sessions"].values.tolist() == [
        ["6月7日 09:00", "海淀一号点 Haidian point 1", 4, 0, 0, 4, "是"],
        ["6月7日 15:00", "海淀一号点 Haidian point 1", 4, 0, 0, 4, "是"],
    ]
    assert view.frames["members"].values.tolist() == [
        [f"hd-union/{n}", "海淀一号点 Haidian point 1 · 普通志愿者", "海淀一号点 Haidian point 1 · 普通志愿者"]
        for n in (1, 2, 3, 4)]
    demo_explorer.set_language("en")
    assert view.frames["sessions"].columns.tolist() == [
        "Session", "Service points (volunteers)", "General", "First aid", "Counsellor", "Volunteers",
        "Whole team at one point"]
    assert view.frames["members"].columns.tolist() == ["Person ID", "Jun 7 09:00", "Jun 7 15:00"]
    assert view.frames["sessions"].iloc[0, -1] == "Yes"
    assert "4 of 4 members on duty" in view.summary.value
    assert tuple(demo_explorer.tables.titles[-2:]) == ("Teams", "Why and fixes")  # the why panel last


def test_team_view_adds_up_to_the_plan_and_solves_nothing(demo_explorer, monkeypatch):
    """Every team's rows add up to its assignments; choosing a team re-plans nothing."""
    calls = []
    solve_plan = demo_explorer.live.plan
    monkeypatch.setattr(demo_explorer.live, "plan", lambda *a, **k: calls.append(1) or solve_plan(*a, **k))
    plan = demo_explorer.plan
    for team_id in plan.scenario.teams["team_id"]:
        demo_explorer.team_view.choose(team_id)
        frames = demo_explorer.team_view.frames
        given = plan.assignments.loc[plan.assignments["team_id"] == team_id, "volunteers"].sum()
        assert frames["sessions"]["志愿者人数"].sum() == given
        on_duty = plan.roster[plan.roster["team_id"] == team_id]
        assert (frames["members"].iloc[:, 1:] != "").to_numpy().sum() == len(on_duty) == given
    assert calls == []


def test_team_view_after_a_replan_and_a_team_not_on_duty(tmp_path):
    """A team the plan leaves at home says so; a re-plan shows the chosen team in the new plan."""
    explorer = Explorer(DEMO, debounce=0)
    explorer.team_view.choose("eye-hosp")
    explorer.controls.widgets["availability"].value = 0
    assert explorer.plan.assignments.empty
    assert explorer.team_view.picker.value == "eye-hosp"
    assert explorer.team_view.frames["sessions"].empty
    assert "本方案中该队没有值班" in explorer.team_view.summary.value
    assert explorer.team_view.sessions_html.value == ""
    assert (explorer.headline.team_sessions, explorer.headline.teams_on_duty) == (0, 0)
    assert card_value(explorer, "split") == "0 / 0"


def test_team_view_names_members_when_the_roster_has_names(demo_explorer):
    plan = demo_explorer.plan
    roster = plan.roster.assign(name=[f"队员{i}" for i in range(len(plan.roster))])
    demo_explorer.team_view.choose("eye-hosp")
    demo_explorer.team_view.show(dataclasses.replace(plan, roster=roster), "zh")
    members = demo_explorer.team_view.frames["members"]
    assert members.columns.tolist()[:2] == ["人员编号", "姓名"]
    named = dict(zip(roster["person_id"], roster["name"], strict=True))
    assert members["姓名"].tolist() == [named[p] for p in ["eye-hosp/1", "eye-hosp/2", "eye-hosp/3"]]


def test_new_words_exist_in_both_languages():
    keys = ["sheet_roster", "sheet_team_sessions", "person_id", "name", "team_district", "places", "whole_at_point",
            "yes", "no", "team_sessions", "team_sessions_split", "team_points", "pieces", "single_pieces",
            "teams_on_duty", "teams_one_point", "same_point_share", "h_split", "h_split_of", "h_whole", "h_whole_of",
            "ctl_team", "team_where_when", "team_members", "team_not_on_duty", "team_members_on_duty",
            "team_split_sessions", "tab_teams"]
    for key in keys:
        zh, en = TEXT[key]
        assert zh and en and zh != en, key
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en), key
    for key in ("team_members_on_duty", "team_split_sessions"):  # templates: the same blanks in both
        assert sorted(re.findall(r"{\w+}", TEXT[key][0])) == sorted(re.findall(r"{\w+}", TEXT[key][1])), key
