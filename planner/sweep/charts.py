"""A sweep's charts: the coverage distribution, the risk per point on the map, the needs most often short.

Drawn in the style of planner/exports/charts.py (its Chinese font and sizes); each takes a
:class:`~planner.sweep.risk.SweepResult` and returns a matplotlib Figure.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from planner.exports.charts import district_names, lon_lat_map, styled, to_png
from planner.labels import label
from planner.sweep.risk import SweepResult

RISK_MAP = "Reds"
RISK_NORM = Normalize(vmin=0.0, vmax=1.0)
TOP_NEEDS = 15


def coverage_distribution(result: SweepResult, *, lang: str = "zh") -> Figure:
    """A histogram of the samples' coverage, with the 5th, 50th and 95th percentiles marked."""
    coverage = result.totals()["coverage"].to_numpy()
    summary = result.summary()
    with styled():
        fig = Figure(figsize=(6.4, 3.6), layout="constrained")
        ax = fig.add_subplot()
        low, high = (float(coverage.min()), float(coverage.max())) if len(coverage) else (0.0, 1.0)
        bins: Any = np.linspace(low - 0.0005, high + 0.0005, 31) if high > low else 10
        ax.hist(coverage, bins=bins, weights=np.full(len(coverage), 1 / max(len(coverage), 1)), color="#5B9BD5",
                edgecolor="white")
        for key, style in (("coverage_p05", ":"), ("coverage_p50", "-"), ("coverage_p95", ":")):
            ax.axvline(summary[key], color="#333333", linestyle=style, linewidth=1)
            ax.annotate(f"p{key[-2:]} {summary[key]:.1%}", (summary[key], 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -12), textcoords="offset points", fontsize=mpl.rcParams["font.size"] - 2)
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(xmax=1.0, decimals=1))
        ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(xmax=1.0, decimals=0))
        ax.set_xlabel(label("coverage", lang))
        ax.set_ylabel(label("share_of_samples", lang))
        ax.set_title(f"{label('chart_sweep_coverage', lang)} ({label('samples', lang)} {result.samples:,})",
                     loc="left")
    return fig


def point_risk(result: SweepResult) -> pd.DataFrame:
    """Per point with needs: lon, lat, the highest p_short of its needs, and its expected missing in all."""
    risk = result.risk()
    by_point = risk.groupby("point_id").agg(p_short=("p_short", "max"), expected_missing=("expected_missing", "sum"))
    points = result.scenario.points.set_index("point_id")[["district_id", "lat", "lon"]]
    return points.join(by_point, how="inner").reset_index()


def risk_map(result: SweepResult, *, lang: str = "zh") -> Figure:
    """The points on a lon/lat map, coloured by their highest chance of a shortfall, sized by what is missing."""
    points = point_risk(result)
    with styled():
        fig = Figure(figsize=(6.6, 5.6), layout="constrained")
        ax, _ = lon_lat_map(fig, points, _dots, lang, names=district_names(result.scenario, lang))
        ax.set_title(label("chart_sweep_map", lang), loc="left", fontsize=mpl.rcParams["font.size"] - 1)
    return fig


def _dots(ax: Any, points: pd.DataFrame) -> Any:
    return ax.scatter(points["lon"], points["lat"], s=20 + 40 * points["expected_missing"],
                      c=points["p_short"], cmap=RISK_MAP, norm=RISK_NORM, edgecolors="#333333", linewidths=0.5,
                      alpha=0.9, zorder=3)


def needs_most_short(result: SweepResult, *, lang: str = "zh", top: int = TOP_NEEDS) -> Figure:
    """The needs most often short (point, session, role), most often first."""
    risk = result.risk()
    risk = risk[risk["p_short"] > 0].sort_values(["p_short", "expected_missing", "point_id", "session_id", "role"],
                                                 ascending=[False, False, True, True, True], kind="stable").head(top)
    names = result.scenario.points.set_index("point_id")["name"]
    sessions = result.scenario.sessions.set_index("session_id")
    texts = [f"{names.get(p, p)} {str(sessions.at[s, 'date'])[5:]} {sessions.at[s, 'start']!s} {label(r, lang)}"
             for p, s, r in zip(risk["point_id"], risk["session_id"], risk["role"], strict=True)]
    with styled():
        fig = Figure(figsize=(7.2, 0.8 + 0.3 * max(len(risk), 1)), layout="constrained")
        ax = fig.add_subplot()
        ax.barh(range(len(risk)), risk["p_short"].to_numpy(), color="#C0504D")
        ax.set_yticks(range(len(risk)), texts, fontsize=mpl.rcParams["font.size"] - 2)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(xmax=1.0, decimals=0))
        ax.set_xlabel(label("p_short", lang))
        ax.set_title(label("chart_sweep_needs", lang), loc="left")
    return fig


CHARTS = {"coverage.png": coverage_distribution, "risk-map.png": risk_map, "needs-short.png": needs_most_short}


def write_charts(result: SweepResult, folder: object, *, lang: str = "zh") -> None:
    """The three charts as PNG files into ``folder``."""
    from pathlib import Path

    for name, chart in CHARTS.items():
        (Path(str(folder)) / name).write_bytes(to_png(chart(result, lang=lang)))


__all__ = ["CHARTS", "coverage_distribution", "needs_most_short", "point_risk", "risk_map", "write_charts"]
