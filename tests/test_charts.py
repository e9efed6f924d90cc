"""Charts and headline figures: drawn in both languages with every glyph in a font, showing the plan's numbers."""

from __future__ import annotations

import threading
import time
import warnings
from dataclasses import replace
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from planner import LivePlanner
from planner.exports import charts
from planner.results.headline import headline, headline_html, headline_rows

CHARTS = [charts.coverage_by_district, charts.district_session_heatmap, charts.points_map, charts.supplies_chart]


@pytest.fixture(scope="module")
def live(beijing):
    return LivePlanner(beijing)


@pytest.fixture(scope="module")
def base(live):
    return live.plan()


@pytest.fixture(scope="module")
def fewer(live):
    return live.plan(availability=0.8, closed_points=["haidian-01"])


def draw(fig: Figure) -> bytes:
    """PNG bytes, failing on any glyph drawn without a font that has it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*Glyph .* missing", category=UserWarning)
        png = charts.to_png(fig)
    assert png.startswith(b"\x89PNG")
    return png


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(mpl.text.Text) if t.get_text()]


def test_a_cjk_font_is_installed_and_chosen():
    family = charts.cjk_font()
    assert family in charts.CJK_FAMILIES
    assert Path(charts.cjk_font_file()).is_file()
    assert charts.chart_style()["font.family"][0] == family


def test_the_glyph_check_would_catch_a_missing_font():
    """Without the CJK font, Chinese text warns, and draw() turns that into a failure."""
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = Figure()
        fig.text(0.5, 0.5, "保障率")
    with pytest.raises(UserWarning, match="Glyph"):
        draw(fig)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("chart", CHARTS, ids=lambda c: c.__name__)
def test_every_chart_draws_in_both_languages(chart, lang, fewer):
    fig = chart(fewer, lang=lang)
    draw(fig)
    words = " ".join(texts(fig))
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in words)
    assert has_chinese == (lang == "zh") or chart is charts.supplies_chart  # item names stay as written
    chinese = [t for t in fig.findobj(mpl.text.Text) if any("\u4e00" <= ch <= "\u9fff" for ch in t.get_text())]
    for text in chinese[:3]:
        assert font_manager.findfont(text.get_fontproperties()) == charts.cjk_font_file()


def test_large_charts_are_larger(base):
    small, large = charts.coverage_by_district(base), charts.coverage_by_district(base, large=True)
    assert large.get_size_inches()[0] > small.get_size_inches()[0]
    assert max(t.get_fontsize() for t in large.findobj(mpl.text.Text)) > max(
        t.get_fontsize() for t in small.findobj(mpl.text.Text))


def test_district_bars_show_district_coverage(fewer):
    fig = charts.coverage_by_district(fewer, lang="en")
    bars = fig.axes[0].patches
    table = fewer.by_district()
    table = table[table["needed"] > 0]
    assert sorted(b.get_width() for b in bars) == pytest.approx(sorted(table["coverage"]))
    assert fig.axes[0].get_title(loc="left") == "Coverage by district"


def test_heatmap_holds_district_session_coverage(fewer):
    fig = charts.district_session_heatmap(fewer, lang="zh")
    image = fig.axes[0].get_images()[0]
    grid = fewer.by_district_session()
    grid = grid[grid.notna().any(axis=1)]
    np.testing.assert_allclose(np.ma.filled(image.get_array(), np.nan), grid.to_numpy(dtype=float))
    assert fig.axes[0].get_title(loc="left") == "各区各场次保障率"


def test_map_places_open_points_and_crosses_closed_ones(fewer):
    fig = charts.points_map(fewer, lang="en")
    ax = fig.axes[0]
    inset = ax.child_axes[0]  # Qian'an, 200 km away, sits in the inset
    points = charts.point_figures(fewer)
    dots, crosses = ax.collections[0], ax.collections[1]
    shown = points[~points["closed"] & (points["district_id"] != "qianan")]
    np.testing.assert_allclose(dots.get_offsets(), shown[["lon", "lat"]].to_numpy())
    order = np.argsort(shown["assigned"].to_numpy())
    assert np.all(np.diff(dots.get_sizes()[order]) >= 0)  # more volunteers, bigger dot
    np.testing.assert_allclose(crosses.get_offsets(), points.loc[points["closed"], ["lon", "lat"]].to_numpy())
    np.testing.assert_allclose(inset.collections[0].get_offsets(),
                               points.loc[points["district_id"] == "qianan", ["lon", "lat"]].to_numpy())


def test_comparisons_share_their_axes(base, fewer):
    plans = {"现状": base, "少志愿者": fewer}
    coverage = charts.compare_coverage(plans, lang="zh")
    draw(coverage)
    districts = int((base.by_district()["needed"] > 0).sum())
    # The first option's coverage on the left; the other's change from it on the right (a bar per district).
    assert len(coverage.axes[0].patches) == districts and len(coverage.axes[1].patches) == districts
    widths = np.array([bar.get_width() for bar in coverage.axes[1].patches])
    change = 100 * (fewer.by_district().set_index("district_id")["coverage"]
                    - base.by_district().set_index("district_id")["coverage"])
    np.testing.assert_allclose(sorted(widths), sorted(change[base.by_district().set_index("district_id")["needed"]
                                                            > 0]), atol=1e-9)
    assert coverage.axes[0].get_shared_y_axes().joined(coverage.axes[0], coverage.axes[1])
    heatmaps = charts.compare_heatmaps(plans, lang="en")
    draw(heatmaps)
    maps = [ax for ax in heatmaps.axes if ax.get_images()]
    assert len(maps) == 2
    assert maps[0].get_shared_y_axes().joined(maps[0], maps[1])
    assert {im.norm.vmin for ax in maps for im in ax.get_images()} == {charts.COVERAGE_NORM.vmin}


def test_extra_packs_by_district(live, base):
    more = live.plan(stock={"parent-pack": 4500})
    change = charts.extra_supply_by_district(base, more, "parent-pack")
    assert change.sum() == 500 and (change >= 0).all()
    fig = charts.supply_difference(base, more, "parent-pack", lang="zh", large=True)
    draw(fig)
    assert sorted(b.get_width() for b in fig.axes[0].patches) == sorted(change[change != 0].tolist())


def test_one_language_at_a_time(base):
    with pytest.raises(ValueError, match="'zh' or 'en'"):
        charts.coverage_by_district(base, lang="fr")


def test_headline_figures(base, fewer):
    h = headline(base)
    s = base.summary
    assert (h.coverage, h.needed, h.assigned, h.unmet) == (s["coverage"], s["needed"], s["assigned"], s["unmet"])
    assert h.unmet_by_role == s["unmet_by_role"]
    packs = s["supplies"]["parent-pack"]["distributed"] + s["supplies"]["staff-pack"]["distributed"]
    assert h.packs_distributed == packs
    table = base.by_district()
    table = table[table["needed"] > 0]
    assert h.worst_coverage == pytest.approx(table["coverage"].min())
    assert h.worst_district in set(table.loc[table["coverage"] == table["coverage"].min(), "district_id"])
    assert h.average_travel_km == s["average_travel_km"]
    assert headline(fewer).coverage <= h.coverage


def test_headline_cards_show_figures_and_changes(base, fewer):
    page = headline_html(headline(fewer), "en", baseline=headline(base))
    for key in ("coverage", "unmet", "packs", "worst", "travel"):
        assert f'data-figure="{key}"' in page
    assert f"{headline(fewer).coverage:.1%}" in page
    assert "▼" in page and "#c62828" in page  # coverage fell: a red arrow down
    assert "vs. the start" in page
    assert "▼" not in headline_html(headline(base), "zh", baseline=headline(base))
    rows = dict((k, label) for k, label, _ in headline_rows(headline(base), "zh"))
    assert rows["coverage"] == "保障率"


def test_changes_name_what_they_compare_with_and_hide_what_rounds_to_nothing(base, fewer):
    page = headline_html(headline(fewer), "zh", baseline=headline(base), versus="现状")
    assert "与现状相比" in page and "与初始相比" not in page
    nudged = replace(headline(base), average_travel_km=headline(base).average_travel_km + 0.02)
    assert "▲" not in headline_html(nudged, "en", baseline=headline(base))  # +0.02 km shows as 5.7 km both times


def test_a_chart_in_another_thread_keeps_its_font():
    """Tick labels are made while a figure is drawn, from the rcParams of that moment: a styled
    block ending in one thread must not take the Chinese font from a chart drawing in another."""
    entered, release, seen = threading.Event(), threading.Event(), []

    def first() -> None:
        with charts.styled():
            entered.set()
            release.wait(5)

    def second() -> None:
        entered.wait(5)
        with charts.styled():
            time.sleep(0.2)  # still drawing when the first block would have ended
            seen.append(list(mpl.rcParams["font.family"]))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)  # the second thread is at its block's door (or, unguarded, inside it)
    release.set()
    for thread in threads:
        thread.join(5)
    assert seen == [charts.chart_style()["font.family"]]
