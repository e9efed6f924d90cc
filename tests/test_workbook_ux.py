"""The workbook as its users read it (issue 16): what each control and card says, checked against
the plans, and the Excel cells' formats read back with openpyxl.

The layout itself (clipping, wrapping, scrollbars) is the eye's: tests/test_browser_layout.py.
"""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from planner import LivePlanner, load_scenario
from planner.exports.bundle import export_bundle, export_steps
from planner.exports.plan_workbook import write_plan_workbook
from planner.model.weather import weather_levers
from planner.results.headline import headline
from planner.workbook import CompareBuilder, Explorer, ExportView
from planner.workbook.tables import explorer_tables
from planner.workbook.trainer import rain_cards, rain_figures, rain_sentence

from .conftest import BEIJING, DEMO


@pytest.fixture(autouse=True)
def saved_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_SAVED_SCENARIOS", str(tmp_path / "saved"))
    monkeypatch.setenv("PLANNER_EXPORTS", str(tmp_path / "exports"))


def values(page: str, cls: str = "vp-value") -> dict[str, str]:
    """Each card's text of one part (its value, or its detail), tags taken out."""
    found = re.findall(rf'data-figure="(\w+)".*?class="{cls}"[^>]*>(.*?)</div>', page)
    return {key: re.sub(r"<[^>]+>", "", text) for key, text in found}


def test_the_packs_card_says_what_a_planner_can_act_on(beijing_plan):
    """All stock handed out, and how far it goes at a point: from the plan's distribution."""
    h = headline(beijing_plan)
    packs = set(beijing_plan.scenario.supplies.query("category == 'pack'")["item_id"])
    rows = beijing_plan.distribution[beijing_plan.distribution["item_id"].isin(packs)]
    per_point = rows.groupby("point_id")[["quantity", "wanted"]].sum()
    share = per_point["quantity"] / per_point["wanted"]
    assert (h.packs_point_low, h.packs_point_high) == (share.min(), share.max())
    from planner.results.headline import headline_html

    page = headline_html(h, "zh")
    stock = int(beijing_plan.scenario.supplies.set_index("item_id").loc[sorted(packs), "stock"].sum())
    assert values(page)["packs"] == f"{h.packs_distributed:,} / {stock:,}"
    assert "库存全部发出" in values(page, "vp-detail")["packs"]
    assert f"{share.min():.0%}" in values(page, "vp-detail")["packs"]
    english = values(headline_html(h, "en"), "vp-detail")["packs"]
    assert english.startswith("all stock handed out")


def test_more_stock_than_wanted_leaves_some_and_says_so():
    live = LivePlanner(load_scenario(DEMO))
    wanted = live.plan().summary["supplies"]["parent-pack"]["wanted"]
    plan = live.plan(stock={"parent-pack": wanted + 37})
    h = headline(plan)
    from planner.results.headline import headline_html

    assert h.packs_stock - h.packs_distributed >= 37
    assert f"库存还剩{h.packs_stock - h.packs_distributed:,}个未发" in headline_html(h, "zh")


def test_reset_drops_an_added_point():
    explorer = Explorer(DEMO, debounce=0)
    start = explorer.headline
    explorer.add_point(district="haidian", name="海淀新点", parents=300, frontline_staff=40, capacity=5,
                       lat=39.96, lon=116.30)
    assert explorer.headline != start
    explorer.controls.widgets["availability"].value = 60
    explorer.reset()
    assert len(explorer.scenario.points) == len(load_scenario(DEMO).points)
    assert explorer.headline == explorer.baseline == start
    assert 'class="vp-change" style="font-size:0.85em;color:">' in explorer.headline_html.value  # no change shown


def test_a_negative_stock_is_refused_with_a_word_not_set_to_zero():
    explorer = Explorer(DEMO, debounce=0)
    plan = explorer.plan
    explorer.controls.widgets["stock:parent-pack"].value = -5
    assert explorer.controls.widgets["stock:parent-pack"].value == -5  # not clamped behind the planner's back
    assert "不能小于 0" in explorer.message.value and "-5" in explorer.message.value
    assert explorer.plan is plan  # nothing was planned from it
    with pytest.raises(ValueError, match=r"below 0|小于 0"):
        explorer.current_plan()
    explorer.controls.widgets["stock:parent-pack"].value = 120
    assert explorer.message.value == ""
    assert explorer.plan.levers.stock == {"parent-pack": 120}


def test_weather_days_start_unticked_and_are_only_for_a_weather():
    explorer = Explorer(DEMO, debounce=0, lang="en")
    widgets = explorer.controls.widgets
    days = [k for k in widgets if k.startswith("day:")]
    assert days and all(not widgets[k].value and widgets[k].disabled for k in days)
    widgets["weather"].value = "rain"
    assert all(not widgets[k].disabled for k in days)
    assert "No day ticked" in explorer.controls.weather_hint.value
    assert explorer.headline.needed == explorer.baseline.needed
    widgets[days[0]].value = True
    assert explorer.headline.needed > explorer.baseline.needed
    assert "No day ticked" not in explorer.controls.weather_hint.value


def test_a_closed_point_leaves_its_districts_count():
    explorer = Explorer(BEIJING, debounce=0)
    districts = lambda: explorer_tables(explorer.plan, "zh")["tab_districts"].set_index("区")  # noqa: E731
    before = districts().at["朝阳区", "点位数"]
    explorer.controls.widgets["closed"].value = ("chaoyang-01",)
    assert districts().at["朝阳区", "点位数"] == before - 1
    open_points = explorer.plan.scenario.points.query("district_id == 'chaoyang' and point_id != 'chaoyang-01'")
    assert before - 1 == len(open_points)


def test_bar_labels_say_unmet_not_a_change(beijing_plan):
    from planner.exports import charts

    fig = charts.coverage_by_district(beijing_plan, lang="en")
    texts = [t.get_text() for t in fig.axes[0].texts]
    table = beijing_plan.by_district().query("needed > 0")
    worst = table.sort_values("coverage").iloc[0]
    assert f"{worst['coverage']:.0%} · {int(worst['missing'])} unmet" in texts
    assert not any("(-" in t for t in texts)


def test_rain_is_told_as_what_it_asks_for(beijing):
    """More volunteer-sessions needed = filled by volunteers who were free + still unmet, all from the plans."""
    live = LivePlanner(beijing)
    base = live.plan()
    rain = live.plan(**weather_levers(beijing, "rain", ["2023-06-08"]))
    f = rain_figures(base, rain)
    # Independently of the summaries: the shortfall tables and the assignments.
    assert f.extra_needed == rain.shortfalls["needed"].sum() - base.shortfalls["needed"].sum() > 0
    assert f.filled == rain.assignments["volunteers"].sum() - base.assignments["volunteers"].sum()
    assert f.unmet == rain.shortfalls["missing"].sum() - base.shortfalls["missing"].sum()
    assert f.extra_needed == f.filled + f.unmet
    gained = rain.assignments.groupby("team_id")["volunteers"].sum().sub(
        base.assignments.groupby("team_id")["volunteers"].sum(), fill_value=0)
    assert f.teams == int((gained > 0).sum()) > 0
    zh = rain_sentence(base, rain, "zh", day="2023-06-08")
    assert f"要多{f.extra_needed:,}人次" in zh and f"{f.filled:,}人次由原本空闲的志愿者补上" in zh
    assert f"{f.unmet:,}人次仍无人值守" in zh and "保障率" not in zh
    en = rain_sentence(base, rain, "en", day="2023-06-08")
    assert f"needs {f.extra_needed:,} more volunteer-sessions" in en and "coverage" not in en
    cards = values(rain_cards(base, rain, "en"))
    assert cards["extra_needed"] == f"{f.extra_needed:,}" and cards["unmet"] == f"{f.unmet:,}"


@pytest.mark.slow
def test_compare_options_built_with_the_controls():
    builder = CompareBuilder(DEMO, debounce=0)
    assert list(builder.options) == ["现状"]
    builder.compare()
    assert "至少加入两个方案" in builder.message.value and builder.compare_view is None
    builder.explorer.controls.widgets["availability"].value = 50
    builder.name.value = "少一半"
    assert builder.add() == "少一半"
    assert builder.options["少一半"].levers.availability == 0.5
    builder.name.value = "少一半"
    assert builder.add() is None and "已有同名方案" in builder.message.value
    builder.explorer.controls.widgets["availability"].value = 100
    builder.explorer.controls.widgets["stock:parent-pack"].value = 200
    builder.add("多礼包")
    builder.add()  # no name: a numbered one
    assert list(builder.options) == ["现状", "少一半", "多礼包", "方案 4"]
    assert builder.add("第五个") is None and "最多对比四个" in builder.message.value
    builder.remove("方案 4")
    view = builder.compare()
    assert view is not None and list(view.plans) == ["现状", "少一半", "多礼包"]
    assert headline(view.plans["少一半"]).coverage < headline(view.plans["现状"]).coverage
    assert "少一半−基准" in view.figures.value  # short difference headers
    assert view.coverage_chart.layout.width.endswith("px")  # shown at its own size, not stretched
    builder.explorer.language.value = "en"
    assert view.lang == "en" and builder.compare_button.description == "Compare these options"


def test_the_export_shows_each_step(tmp_path):
    view = ExportView(DEMO, folder=tmp_path / "out")
    seen: list[str] = []
    original = view._progress

    def record(started: float, done: int, total: int, what: str) -> None:
        original(started, done, total, what)
        seen.append(view.status.value)

    view._progress = record  # type: ignore[method-assign]
    view.prepare()
    plan = view.plan
    assert len(seen) == 1 + export_steps(plan) + 1  # solving, each file step, done
    assert "vp-spinner" in seen[0] and "⏳" not in "".join(seen)
    assert f"2 / {export_steps(plan) + 1}" in seen[1]
    assert 'data-state="done"' in view.status.value and "秒" in view.status.value


def test_export_steps_are_reported_in_order(tmp_path):
    plan = LivePlanner(load_scenario(DEMO)).plan()
    calls: list[tuple[int, int, str]] = []
    export_bundle(plan, tmp_path / "b", progress=lambda done, total, what: calls.append((done, total, what)))
    total = export_steps(plan)
    assert [c[0] for c in calls] == list(range(total + 1)) and {c[1] for c in calls} == {total}
    assert calls[0][2] == "plan" and calls[-1][2] == "done"


def test_excel_cells_say_what_they_are(beijing_plan, tmp_path):
    """Percentages as percentages; assigned / needed cells that cannot be read as dates; a plain status."""
    write_plan_workbook(beijing_plan, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    for title in ("物资汇总 Supply totals", "各区 Districts"):
        sheet = book[title]
        header = [c.value for c in sheet[1]]
        column = next(i for i, h in enumerate(header) if h.startswith(("满足比例", "保障率")))
        cells = [row[column] for row in sheet.iter_rows(min_row=2)]
        assert cells and all(c.number_format == "0.0%" and 0 <= c.value <= 1 for c in cells), title
    overview = book["排班总览 Overview"]
    headers = [c.value for c in overview[1]][3:]
    assert all(h.endswith("(已安排/需要 assigned/needed)") for h in headers)
    cell = overview.cell(2, 4).value
    assert re.fullmatch(r"\d+ / \d+", cell)
    summary = {row[0].value: row[1].value for row in book["概况 Summary"].iter_rows(min_row=2)}
    assert summary["方案质量"] == "已是这些条件下最好的安排"
    assert "求解状态" not in summary


@pytest.mark.slow
def test_district_workbooks_write_coverage_as_a_percentage(beijing_plan, tmp_path):
    bundle = export_bundle(beijing_plan, tmp_path / "b")
    book = openpyxl.load_workbook(bundle.district_workbook_of["haidian"])
    coverage = next(row[1] for row in book.worksheets[0].iter_rows(min_row=2) if row[0].value == "保障率")
    expected = beijing_plan.by_district().set_index("district_id").at["haidian", "coverage"]
    assert coverage.number_format == "0.0%" and coverage.value == pytest.approx(expected)
    frame = pd.read_excel(bundle.district_workbook_of["haidian"], sheet_name=book.sheetnames[-1])
    assert frame.iloc[0, -1] == pytest.approx(expected)


def test_a_failed_export_stops_its_spinner(tmp_path, monkeypatch):
    view = ExportView(DEMO, folder=tmp_path / "out")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("planner.workbook.export_view.export_bundle", broken)
    with pytest.raises(OSError, match="disk full"):
        view.prepare()
    assert 'data-state="failed"' in view.status.value and "vp-spinner" not in view.status.value
