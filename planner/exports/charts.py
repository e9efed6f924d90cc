"""Charts of a plan, one function per chart, each returning a matplotlib Figure.

Every chart draws its text in a CJK font chosen from the installed fonts (WenQuanYi Micro
Hei from Debian's fonts-wqy-microhei, or Noto Sans CJK / Source Han Sans where present),
so Chinese renders on any machine the set-up has run on; ``large=True`` is the trainer's
style for a projector. Figures are made without pyplot (no global state, nothing kept
alive), so they can be drawn in any thread and shown as PNG (:func:`to_png`).
"""

from __future__ import annotations

import functools
import io
import logging
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from planner.geo import distance_km
from planner.io.scenario import Scenario
from planner.labels import label
from planner.results.plan import Plan

log = logging.getLogger(__name__)

# Families that hold the Chinese glyphs the charts need, best first.
CJK_FAMILIES = (
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
    "Source Han Sans CN", "Noto Sans CJK JP", "Noto Sans CJK TC", "Microsoft YaHei", "SimHei", "PingFang SC",
)
_CJK_FILE_HINTS = ("wqy", "notosanscjk", "notosanssc", "sourcehansans", "msyh", "simhei", "pingfang")
COVERAGE_MAP = "RdYlGn"
COVERAGE_NORM = Normalize(vmin=0.5, vmax=1.0)  # below half covered is as red as it gets
LANGS = ("zh", "en")


@functools.cache
def cjk_font() -> str | None:
    """The name of an installed font family with Chinese glyphs, or None (with a warning).

    A font installed after matplotlib cached its font list is found by scanning the
    system's font folders once.
    """
    found = _known_cjk_family()
    if found is None:
        for path in font_manager.findSystemFonts():
            if any(hint in Path(path).name.lower() for hint in _CJK_FILE_HINTS):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError) as exc:  # an unreadable font file: skip it
                    log.debug("cannot add font %s: %s", path, exc)
        found = _known_cjk_family()
    if found is None:
        log.warning("no font with Chinese glyphs is installed; run tools/setup-system.sh font "
                    "(Debian: apt-get install fonts-wqy-microhei)")
    return found


def _known_cjk_family() -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


def cjk_font_file() -> str | None:
    """The file of :func:`cjk_font` (a .ttc or .ttf), for PDFs; None when there is none."""
    family = cjk_font()
    if family is None:
        return None
    entry = next(f for f in font_manager.fontManager.ttflist if f.name == family)
    return str(entry.fname)


def chart_style(*, large: bool = False) -> dict[str, Any]:
    """The rcParams of every chart: the CJK font first, sizes for a screen or a projector."""
    family = cjk_font()
    base = 17 if large else 10
    return {
        "font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
        "font.size": base,
        "axes.titlesize": base + 3,
        "axes.titleweight": "normal",
        "axes.labelsize": base,
        "xtick.labelsize": base - 1,
        "ytick.labelsize": base - 1,
        "legend.fontsize": base - 1,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.facecolor": "white",
    }


# rcParams are global: a block that sets them must not end while a chart in another thread
# (the explorer draws in the background) is still making its tick labels, or those labels
# get the default font and lose their Chinese glyphs. One styled block at a time.
_STYLING = threading.RLock()


@contextmanager
def styled(*, large: bool = False) -> Iterator[None]:
    """Within this block, new figures and their text take :func:`chart_style`."""
    with _STYLING, mpl.rc_context(cast(Any, chart_style(large=large))):
        yield


def to_png(fig: Figure, *, dpi: int = 90) -> bytes:
    """The figure as PNG bytes (drawn in the chart style, so every glyph has its font)."""
    buffer = io.BytesIO()
    with styled():
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"charts are drawn in one language, 'zh' or 'en'; got {lang!r}")


LARGE_SCALE = 1.45


def _figure(width: float, height: float, large: bool) -> Figure:
    """A figure laid out by matplotlib (constrained layout: neat, but it draws twice)."""
    scale = LARGE_SCALE if large else 1.0
    return Figure(figsize=(width * scale, height * scale), layout="constrained")


def _fixed_figure(width: float, height: float, large: bool, *, left: float, right: float = 0.25,
                  top: float = 0.5, bottom: float = 0.5) -> Figure:
    """A figure with margins given in inches: drawn once, so live charts stay quick."""
    scale = LARGE_SCALE if large else 1.0
    w, h = width * scale, height * scale
    fig = Figure(figsize=(w, h))
    fig.subplots_adjust(left=left * scale / w, right=1 - right * scale / w, top=1 - top * scale / h,
                        bottom=bottom * scale / h)
    return fig


def _text_inches(texts: Iterable[str], points: float) -> float:
    """About how wide the widest text is, in inches (a Chinese character is one em, others 0.6)."""
    ems = [sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text) for text in texts]
    return max(ems, default=0) * points / 72


def district_names(plan: Plan | Scenario, lang: str) -> pd.Series:
    """district_id -> its name in the language, kept short (``Qian'an`` for ``Qian'an (Hebei)``),
    of a plan's scenario or of a scenario."""
    scenario = plan.scenario if isinstance(plan, Plan) else plan
    districts = scenario.districts.set_index("district_id")
    if lang == "zh":
        return districts["name_zh"].astype(str)
    names = districts["name_en"].astype(str).str.replace(r"\s*\(.*\)$", "", regex=True)
    # A long official name ("Economic-Technological Development Area") would squeeze the chart.
    return names.where(names.str.len() <= 18, pd.Series(districts.index.str.title(), index=districts.index))


def session_names(plan: Plan, lang: str) -> pd.Series:
    """session_id -> ``6月7日 09:00`` or ``Jun 7 09:00``."""
    sessions = plan.scenario.sessions.set_index("session_id")
    dates = pd.to_datetime(sessions["date"])
    if lang == "zh":
        day = dates.dt.month.astype(str) + "月" + dates.dt.day.astype(str) + "日"
    else:
        day = dates.dt.strftime("%b ") + dates.dt.day.astype(str)
    return day + "\n" + sessions["start"]


def _percent_axis(ax: Axes, axis: str = "x") -> None:
    formatter = mpl.ticker.PercentFormatter(xmax=1.0, decimals=0)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def coverage_by_district(plan: Plan, *, lang: str = "zh", large: bool = False) -> Figure:
    """Coverage of each district with needs, worst at the top, bars coloured by coverage."""
    _check_lang(lang)
    table = plan.by_district()
    table = table[table["needed"] > 0].sort_values(["coverage", "district_id"], ascending=[False, True])
    names = district_names(plan, lang).reindex(table["district_id"]).to_numpy()
    with styled(large=large):
        left = _text_inches(names, mpl.rcParams["ytick.labelsize"]) / (LARGE_SCALE if large else 1) + 0.2
        fig = _fixed_figure(6.4, 0.28 * len(table) + 1.3, large, left=left, top=0.4, bottom=0.55)
        ax = fig.add_subplot()
        colours = mpl.colormaps[COVERAGE_MAP](COVERAGE_NORM(table["coverage"].to_numpy()))
        ax.barh(names, table["coverage"], color=colours, edgecolor="#555555", linewidth=0.4)
        for y, (coverage, missing) in enumerate(zip(table["coverage"], table["missing"], strict=True)):
            # "67% · 13 unmet", never "67% (-13)": that reads as a change from something
            note = f"{coverage:.0%}" + (f" · {label('bar_missing', lang).format(n=int(missing))}" if missing else "")
            ax.text(min(coverage, 1.0) + 0.01, y, note, va="center", fontsize=mpl.rcParams["font.size"] - 1)
        ax.set_xlim(0, 1.22)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent_axis(ax)
        ax.set_title(label("chart_district_coverage", lang), loc="left")
        ax.set_xlabel(f"{label('coverage', lang)}  ·  {label('bar_missing_note', lang)}")
    return fig


def district_session_heatmap(plan: Plan, *, lang: str = "zh", large: bool = False) -> Figure:
    """Coverage of each district (rows) in each session (columns), every cell annotated."""
    _check_lang(lang)
    grid = plan.by_district_session()
    grid = grid[grid.notna().any(axis=1)]
    values = grid.to_numpy(dtype=float)
    rows = district_names(plan, lang).reindex(grid.index).to_numpy()
    with styled(large=large):
        left = _text_inches(rows, mpl.rcParams["ytick.labelsize"]) / (LARGE_SCALE if large else 1) + 0.2
        fig = _fixed_figure(7.6, 0.3 * len(grid) + 1.7, large, left=left, right=0.7, top=1.1, bottom=0.15)
        ax = fig.add_subplot()
        image = ax.imshow(np.ma.masked_invalid(values), cmap=COVERAGE_MAP, norm=COVERAGE_NORM, aspect="auto")
        ax.set_yticks(range(len(grid)), rows)
        ax.set_xticks(range(len(grid.columns)), session_names(plan, lang).reindex(grid.columns).to_numpy())
        ax.tick_params(axis="x", labeltop=True, labelbottom=False, length=0)
        ax.tick_params(axis="y", length=0)
        ax.spines[:].set_visible(False)
        small = mpl.rcParams["font.size"] - 2
        for (row, col), value in np.ndenumerate(values):
            if not np.isnan(value):
                ax.text(col, row, f"{value:.0%}", ha="center", va="center", fontsize=small,
                        color="white" if value < 0.65 else "black")
        bar = fig.colorbar(image, ax=ax, shrink=0.8, fraction=0.04, pad=0.02)
        bar.ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(xmax=1.0, decimals=0))
        ax.set_title(label("chart_heatmap", lang), loc="left", pad=48 if large else 36)
    return fig


def point_figures(plan: Plan) -> pd.DataFrame:
    """Per point: lon, lat, volunteer-sessions needed and staffed, coverage, open or closed."""
    points = plan.scenario.points[["point_id", "district_id", "lat", "lon"]].copy()
    sums = plan.shortfalls.groupby("point_id")[["needed", "assigned"]].sum()
    points["needed"] = sums["needed"].reindex(points["point_id"]).fillna(0).astype("int64").to_numpy()
    points["assigned"] = sums["assigned"].reindex(points["point_id"]).fillna(0).astype("int64").to_numpy()
    points["coverage"] = np.where(points["needed"] > 0, points["assigned"] / points["needed"].clip(lower=1), np.nan)
    points["closed"] = points["point_id"].isin(plan.levers.closed_points) | (points["needed"] == 0)
    return points


OUTLIER_KM = 100.0  # points this far from the middle of the rest go into an inset


def points_map(plan: Plan, *, lang: str = "zh", large: bool = False) -> Figure:
    """The points on a lon/lat map, sized by volunteer-sessions staffed, coloured by coverage.

    Points far from all the others (Qian'an, 200 km east of Beijing) are drawn in an inset
    in the corner with their distance, so the city's points keep the room they need.
    """
    _check_lang(lang)
    points = point_figures(plan)
    names = district_names(plan, lang)
    with styled(large=large):
        fig = _fixed_figure(6.6, 5.6, large, left=0.75, right=0.55, top=0.45, bottom=0.55)
        ax, near = lon_lat_map(fig, points, lambda axes, shown: _draw_points(axes, shown, lang, large), lang,
                               names=names)
        _label_districts(ax, plan, points[near], names)
        ax.set_title(label("chart_map", lang), loc="left")
    return fig


def lon_lat_map(fig: Figure, points: pd.DataFrame, draw: Callable[[Axes, pd.DataFrame], Any], lang: str, *,
                names: pd.Series | None = None) -> tuple[Axes, np.ndarray]:
    """``points`` (``lat``, ``lon``, ``district_id``) drawn by ``draw`` on a lon/lat map of ``fig``, and the
    colour bar of what it coloured them by (a share, in percent).

    Points more than OUTLIER_KM from the middle of the rest (Qian'an) go into an inset in the
    corner, titled with their district (``names``) and distance, so the city's points keep the
    room they need. Returns the map's axes and which points are on it (not in the inset).
    """
    middle_lat, middle_lon = float(points["lat"].median()), float(points["lon"].median())
    far_km = distance_km(points["lat"].to_numpy(), points["lon"].to_numpy(), np.array(middle_lat),
                         np.array(middle_lon))
    far = far_km > OUTLIER_KM
    ax = fig.add_subplot()
    dots = draw(ax, points[~far])
    ax.set_aspect(1 / np.cos(np.radians(middle_lat)), adjustable="datalim")
    ax.margins(0.05)
    ax.set_xlabel(label("lon", lang))
    ax.set_ylabel(label("lat", lang))
    if far.any():
        inset = ax.inset_axes((0.74, 0.02, 0.24, 0.2))
        draw(inset, points[far])
        inset.set_xticks([])
        inset.set_yticks([])
        inset.spines[:].set_visible(True)
        inset.spines[:].set_color("#999999")
        inset.margins(0.6)
        first = int(np.nonzero(far)[0][0])
        district = names.get(points["district_id"].iloc[first], "") if names is not None else ""
        inset.set_title(f"{district} ~{far_km[first]:.0f} {label('km', lang)}".strip(),
                        fontsize=mpl.rcParams["font.size"] - 2)
    bar = fig.colorbar(dots, ax=ax, shrink=0.7, fraction=0.04, pad=0.02)
    bar.ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(xmax=1.0, decimals=0))
    return ax, ~far


def _draw_points(ax: Axes, points: pd.DataFrame, lang: str, large: bool) -> Any:
    """Open points as dots (area = volunteer-sessions staffed), closed points as grey crosses."""
    shown = points[~points["closed"]]
    closed = points[points["closed"]]
    scale = 4.0 if large else 2.2
    dots = ax.scatter(shown["lon"], shown["lat"], s=15 + scale * shown["assigned"], c=shown["coverage"],
                      cmap=COVERAGE_MAP, norm=COVERAGE_NORM, edgecolors="#333333", linewidths=0.5, alpha=0.9,
                      zorder=3)
    if len(closed):
        ax.scatter(closed["lon"], closed["lat"], marker="x", s=70, linewidths=2, color="#333333", zorder=5,
                   label=label("closed", lang))
        ax.legend(loc="upper right")
    return dots


def _label_districts(ax: Axes, plan: Plan, points: pd.DataFrame, names: pd.Series, spacing_km: float = 9.0) -> None:
    """District names at their centres, skipping those that would crowd a name already written."""
    districts = plan.scenario.districts
    districts = districts[districts["district_id"].isin(points["district_id"])]
    count = points["district_id"].value_counts()
    order = districts.assign(n=districts["district_id"].map(count)).sort_values(["n", "district_id"],
                                                                                ascending=[False, True])
    placed: list[tuple[float, float]] = []
    for district_id, lat, lon in zip(order["district_id"], order["lat"], order["lon"], strict=True):
        if placed and distance_km(np.array(lat), np.array(lon), *map(np.array, zip(*placed, strict=True))).min() \
                < spacing_km:
            continue
        placed.append((lat, lon))
        ax.annotate(names[district_id], (lon, lat), fontsize=mpl.rcParams["font.size"] - 2, color="#333333",
                    xytext=(0, 7), textcoords="offset points", ha="center", zorder=4,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6})


def supplies_chart(plan: Plan, *, lang: str = "zh", large: bool = False) -> Figure:
    """Share of what points want that each item meets, with the units handed out."""
    _check_lang(lang)
    items = plan.scenario.supplies.set_index("item_id")
    rows = [(item_id, f["distributed"], f["wanted"]) for item_id, f in plan.summary["supplies"].items() if f["wanted"]]
    rows.sort(key=lambda r: (r[1] / r[2], r[0]), reverse=True)
    names = [str(items.at[item_id, "name"]).split("（")[0] if lang == "zh" else item_id for item_id, _, _ in rows]
    share = np.array([d / w for _, d, w in rows])
    with styled(large=large):
        left = _text_inches(names, mpl.rcParams["ytick.labelsize"]) / (LARGE_SCALE if large else 1) + 0.2
        fig = _fixed_figure(6.4, 0.32 * len(rows) + 1.1, large, left=left, top=0.4, bottom=0.35)
        ax = fig.add_subplot()
        ax.barh(names, share, color=mpl.colormaps[COVERAGE_MAP](COVERAGE_NORM(share)), edgecolor="#555555",
                linewidth=0.4)
        for y, (_, distributed, wanted) in enumerate(rows):
            ax.text(min(distributed / wanted, 1.0) + 0.01, y, f"{distributed:,} / {wanted:,}", va="center",
                    fontsize=mpl.rcParams["font.size"] - 1)
        ax.set_xlim(0, 1.45)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent_axis(ax)
        ax.set_title(label("chart_supplies", lang), loc="left")
    return fig


def compare_coverage(plans: Mapping[str, Plan], *, lang: str = "zh", large: bool = False) -> Figure:
    """Coverage by district of the first option, and each other option's difference from it.

    Coverage of a district moves by a few points between options, which bars of 0 to 100%
    side by side cannot show; so the left panel has the first option's coverage (labelled),
    and the right one each other option's change in percentage points (labelled, on its own
    scale), with one legend entry per option above it.
    """
    _check_lang(lang)
    if not plans:
        raise ValueError("compare_coverage needs at least one plan")
    first = next(iter(plans.values()))
    tables = {name: plan.by_district().set_index("district_id") for name, plan in plans.items()}
    with_needs = set().union(*(t.index[t["needed"] > 0] for t in tables.values()))
    needy = [d for d in first.scenario.districts["district_id"] if d in with_needs]
    base = tables[next(iter(tables))]["coverage"]
    order = sorted(needy, key=lambda d: (base.get(d, 1.0), d), reverse=True)
    names = district_names(first, lang).reindex(order).to_numpy()
    coverage = {name: table["coverage"].reindex(order).fillna(1.0).to_numpy() for name, table in tables.items()}
    first_name, *others = list(plans)
    with styled(large=large):
        small = mpl.rcParams["font.size"] - 1
        fig = _figure(9.6 if others else 6.4, 0.3 * len(order) * max(1.0, len(others) / 2) + 1.6, large)
        axes = fig.subplots(1, 2 if others else 1, sharey=True, squeeze=False,
                            gridspec_kw={"width_ratios": [1, 1.25]} if others else None)[0]
        left = axes[0]
        rows = np.arange(len(order))
        values = coverage[first_name]
        left.barh(rows, values, height=0.7, color=mpl.colormaps[COVERAGE_MAP](COVERAGE_NORM(values)),
                  edgecolor="#555555", linewidth=0.4)
        for y, value in enumerate(values):
            left.text(min(value, 1.0) + 0.015, y, f"{value:.0%}", va="center", fontsize=small)
        left.set_yticks(rows, names)
        left.set_xlim(0, 1.2)
        left.set_xticks([0, 0.5, 1.0])
        _percent_axis(left)
        left.invert_yaxis()
        left.set_title(first_name, loc="left", fontsize=mpl.rcParams["font.size"])
        if others:
            right = axes[1]
            palette = mpl.colormaps["tab10"]
            height = 0.8 / len(others)
            deltas = {name: 100 * (coverage[name] - values) for name in others}
            reach = max([float(np.abs(d).max()) for d in deltas.values()] + [1.0])
            for k, name in enumerate(others):
                offsets = rows + (k - (len(others) - 1) / 2) * height
                same = bool(np.all(np.round(deltas[name], 1) == 0))  # else an option with no bar is not seen
                right.barh(offsets, deltas[name], height=height, color=palette((k + 1) % 10),
                           label=f"{name} ({label('no_change', lang)})" if same else name)
                for y, delta in zip(offsets, deltas[name], strict=True):
                    if round(delta, 1) != 0:
                        right.text(delta + (0.02 if delta > 0 else -0.02) * reach, y, f"{delta:+.1f}",
                                   va="center", ha="left" if delta > 0 else "right",
                                   fontsize=small - (1 if len(others) > 1 else 0))
            right.axvline(0, color="#333333", linewidth=0.8)
            low = min([float(d.min()) for d in deltas.values()] + [0.0])
            high = max([float(d.max()) for d in deltas.values()] + [0.0])
            right.set_xlim(low * 1.3 - 0.15 * reach, high * 1.3 + 0.15 * reach)
            right.tick_params(axis="y", length=0)
            right.set_xlabel(label("cmp_chart_difference", lang))
            right.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=1, frameon=False,
                         fontsize=mpl.rcParams["font.size"] - 1, handlelength=1.2)
        fig.suptitle(label("chart_compare_coverage", lang), x=0.01, ha="left", fontsize=mpl.rcParams["axes.titlesize"])
    return fig


def compare_heatmaps(plans: Mapping[str, Plan], *, lang: str = "zh", large: bool = False) -> Figure:
    """One district x session heat map per option, side by side on shared axes and colours."""
    _check_lang(lang)
    if not plans:
        raise ValueError("compare_heatmaps needs at least one plan")
    grids = {name: plan.by_district_session() for name, plan in plans.items()}
    first = next(iter(plans.values()))
    rows = [d for d in first.scenario.districts["district_id"] if any(d in g.index and g.loc[d].notna().any()
                                                                      for g in grids.values())]
    columns = list(first.scenario.sessions["session_id"])
    with styled(large=large):
        fig = _figure(3.4 * len(plans) + 1.6, 0.3 * len(rows) + 2.0, large)
        axes = fig.subplots(1, len(plans), sharey=True, squeeze=False)[0]
        image = None
        for ax, (name, grid) in zip(axes, grids.items(), strict=True):
            values = grid.reindex(index=rows, columns=columns).to_numpy(dtype=float)
            image = ax.imshow(np.ma.masked_invalid(values), cmap=COVERAGE_MAP, norm=COVERAGE_NORM, aspect="auto")
            ax.set_xticks(range(len(columns)), session_names(first, lang).reindex(columns).str.replace("\n", " ")
                          .to_numpy(), rotation=90)
            ax.set_title(name, loc="left")
            ax.spines[:].set_visible(False)
            ax.tick_params(length=0)
        axes[0].set_yticks(range(len(rows)), district_names(first, lang).reindex(rows).to_numpy())
        assert image is not None
        bar = fig.colorbar(image, ax=list(axes), shrink=0.8)
        bar.ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(xmax=1.0, decimals=0))
        fig.suptitle(label("chart_heatmap", lang), x=0.01, ha="left",
                     fontsize=mpl.rcParams["axes.titlesize"])
    return fig


def supply_difference(before: Plan, after: Plan, item_id: str, *, lang: str = "zh", large: bool = False) -> Figure:
    """Units of one item each district gains (or loses) from ``before`` to ``after``."""
    _check_lang(lang)
    if item_id not in set(before.scenario.supplies["item_id"]):
        raise ValueError(f"{item_id!r} is not an item of the scenario")
    change = extra_supply_by_district(before, after, item_id)
    change = change[change != 0].sort_values(ascending=True)
    names = district_names(after, lang).reindex(change.index).to_numpy()
    item = str(after.scenario.supplies.set_index("item_id").at[item_id, "name"]).split("（")[0]
    with styled(large=large):
        fig = _figure(6.4, 0.32 * max(len(change), 1) + 1.4, large)
        ax = fig.add_subplot()
        ax.barh(names, change.to_numpy(), color=np.where(change.to_numpy() > 0, "#2e7d32", "#c62828"))
        for y, value in enumerate(change.to_numpy()):
            ax.text(value, y, f" {value:+,}", va="center", fontsize=mpl.rcParams["font.size"] - 1)
        ax.margins(x=0.18)
        ax.set_title(f"{label('chart_extra_supply', lang)}: {item if lang == 'zh' else item_id}", loc="left")
    return fig


def extra_supply_by_district(before: Plan, after: Plan, item_id: str) -> pd.Series:
    """Units of ``item_id`` each district receives in ``after`` minus in ``before`` (district_id index)."""
    def per_district(plan: Plan) -> pd.Series:
        rows = plan.distribution[plan.distribution["item_id"] == item_id]
        district = plan.scenario.points.set_index("point_id")["district_id"]
        return rows.groupby(district.reindex(rows["point_id"]).to_numpy())["quantity"].sum()

    districts = after.scenario.districts["district_id"]
    change = per_district(after).reindex(districts, fill_value=0) - per_district(before).reindex(districts,
                                                                                                 fill_value=0)
    return change.astype("int64")


__all__ = [
    "chart_style", "cjk_font", "cjk_font_file", "compare_coverage", "compare_heatmaps", "coverage_by_district",
    "district_session_heatmap", "extra_supply_by_district", "lon_lat_map", "point_figures", "points_map", "styled",
    "supplies_chart", "supply_difference", "to_png",
]
