"""The planner's benchmark: ``make bench`` (``python -m planner.bench``).

For the default scenario and generated scenarios 10 and 100 times the 2023 programme it
measures, each in fresh processes:

* **steps** (``--child solve``): load the scenario, build the arrays and the PuLP problem,
  solve, extract the plan, as :func:`planner.results.solving.solve` does; peak memory of that process;
  the LP written out as HiGHS holds it (MPS).
* **HiGHS alone** (``--child highs``): a fresh ``highspy.Highs`` reads that MPS file and
  ``run()`` alone is timed, one thread as the planner uses: the solver's own time on the
  very same LP. The overhead ratio is the planner's total over it.
* **planner solve**: the command itself, wall time and peak memory, plan folder written;
  the plan is then checked by the independent rule checker (``planner.verify``) when the
  project has it.
* **re-solve** (``--child live``): a :class:`planner.LivePlanner` following a series of lever
  changes, each timed whole (levers, warm solve, plan tables): what a user feels.
* **re-plan** (``--child replan``): the day itself (issue 13): the three busiest teams of the last
  two exam days out from the first session of those days, the published plan repaired by
  :func:`planner.results.replan.replan` (timed whole), its changes against those of a plan
  made afresh.
* **explanations** (``--child explain``): the default scenario's suggestions, each measured by a
  warm re-solve (:func:`planner.results.explain.explain`), after its plan is made.

It prints a table and writes it, with a plot, into ``docs/performance.md`` between the
markers there, leaving the rest of that page as written.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "beijing-2023"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
# Lever changes a planner might make one after another. All but the travel reach are warm
# re-solves of one model; a reach first asked for builds its own model (LivePlanner keeps the
# last three), so the first round shows what a new reach costs and later rounds the warm one.
LEVER_CHANGES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("availability 0.9", {"availability": 0.9}),
    ("availability 0.8", {"availability": 0.8}),
    ("the largest district at half strength", {"district_availability": "largest"}),
    ("half the parent packs", {"stock": {"parent-pack": "half"}}),
    ("heat: water x1.5", {"supply_factors": "water"}),
    ("no fairness", {"weights": {"fairness": 0}}),
    ("travel weight 0.5", {"weights": {"travel": 0.5}}),
    ("first point closed", {"closed_points": "first"}),
    ("first aid weight 5", {"weights": {"first_aid": 5}}),
    ("farthest travel 25 km", {"max_travel_km": 25}),
    ("farthest travel 50 km", {"max_travel_km": 50}),
    ("back to the scenario", {}),
)


# Children: each runs in its own process, so its peak memory is its own --------------------
def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_solve(scenario_dir: str, mps: str | None) -> dict[str, Any]:
    """The planner's steps on one scenario, timed; the LP written to ``mps`` afterwards."""
    started = time.perf_counter()
    from planner.io import load_scenario
    from planner.model.levers import apply_levers
    from planner.results.solving import solve_cold

    imported = time.perf_counter()
    scenario = load_scenario(scenario_dir)
    loaded = time.perf_counter()
    model, plan = solve_cold(apply_levers(scenario))
    peak = _peak_rss_mb()
    if mps:
        model.write_model(mps)
    return {
        "import": imported - started, "load": loaded - imported, **dict(plan.timings), "peak_mb": peak,
        "columns": model.num_cols, "rows": model.num_rows, "nonzeros": len(model._a_index),
        "points": len(scenario.points), "teams": len(scenario.teams),
        "volunteers": int(scenario.teams["volunteers"].sum()), "status": plan.status,
        "whole_numbers_by": plan.summary["whole_numbers_by"], "coverage": plan.summary["coverage"],
        "objective": plan.summary["objective"],
        "assigned": plan.summary["assigned"],
        **{key: plan.summary[key] for key in TOGETHER_KEYS},
        "counsellor_spread": _counsellor_spread(scenario, plan),
    }


def _counsellor_spread(scenario: Any, plan: Any) -> dict[str, Any]:
    """Counsellor coverage of each district within reach of a counsellor team (issue 10): its range.

    A district is within reach when a team with counsellors has its district's centre within
    the travel reach of one of the district's points that needs a counsellor.
    """
    from planner.geo import distance_km

    sc = scenario
    needs = sc.needs[sc.needs["role"] == "counsellor"]
    points = sc.points.set_index("point_id")
    districts = sc.districts.set_index("district_id")
    helpers = sc.teams[sc.teams["counsellors"] > 0]["district_id"].unique()
    reach = sc.max_travel_km if sc.max_travel_km is not None else math.inf
    needy = points.loc[needs["point_id"].unique()]
    centres = districts.loc[helpers]
    km = distance_km(centres["lat"].to_numpy()[:, None], centres["lon"].to_numpy()[:, None],
                     needy["lat"].to_numpy()[None, :], needy["lon"].to_numpy()[None, :])
    reached = set(needy["district_id"].to_numpy()[(km <= reach).any(axis=0)]) if len(helpers) else set()
    where = sc.points[["point_id", "district_id"]]
    a = plan.assignments[plan.assignments["role"] == "counsellor"]
    given = a.merge(where, on="point_id").groupby("district_id")["volunteers"].sum()
    needed = needs.merge(where, on="point_id").groupby("district_id")["volunteers"].sum()
    coverage = {d: float(given.get(d, 0) / needed[d]) for d in sorted(reached)}
    return {"districts": len(coverage), "low": min(coverage.values(), default=0.0),
            "high": max(coverage.values(), default=0.0), "out_of_reach": sorted(set(needed.index) - reached)}


def child_highs(mps: str, repeats: int) -> dict[str, Any]:
    """HiGHS alone: read the LP, then time ``run()`` only, on a fresh object each time."""
    import highspy

    times, objective = [], math.nan
    for _ in range(repeats):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.readModel(mps)
        started = time.perf_counter()
        h.run()
        times.append(time.perf_counter() - started)
        objective = h.getInfo().objective_function_value
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS alone ended with {h.getModelStatus()}")
    return {"highs": statistics.median(times), "highs_runs": times, "highs_objective": objective,
            "highs_peak_mb": _peak_rss_mb()}


def child_live(scenario_dir: str, rounds: int) -> dict[str, Any]:
    """Re-plans after lever changes, each timed whole; the first plan (cold) on its own."""
    from planner.io import load_scenario
    from planner.results.solving import LivePlanner

    scenario = load_scenario(scenario_dir)
    first_point = str(scenario.points["point_id"].iloc[0])
    largest = str(scenario.teams["district_id"].value_counts().sort_index().idxmax())
    items = scenario.supplies.set_index("item_id")["stock"]
    parent_packs = int(items.get("parent-pack", 0))
    water = "water" if "water" in items.index else str(items.index[0])
    # Plans of levers asked for before are not remembered here: every change is solved, as a
    # change never seen before would be.
    live = LivePlanner(scenario, remember=0)
    started = time.perf_counter()
    live.plan()
    cold = time.perf_counter() - started
    times: dict[str, list[float]] = {name: [] for name, _ in LEVER_CHANGES}
    steps: dict[str, list[float]] = {"solve": [], "extract": [], "build": []}
    for _ in range(rounds):
        for name, change in LEVER_CHANGES:
            levers = dict(change)
            if levers.get("closed_points") == "first":
                levers["closed_points"] = [first_point]
            if levers.get("district_availability") == "largest":
                levers["district_availability"] = {largest: 0.5}
            if levers.get("supply_factors") == "water":
                levers["supply_factors"] = {water: 1.5}
            if levers.get("stock") == {"parent-pack": "half"}:
                levers["stock"] = {"parent-pack": parent_packs // 2}
            started = time.perf_counter()
            plan = live.plan(**levers)
            times[name].append(time.perf_counter() - started)
            for step in steps:
                steps[step].append(plan.timings[step])
    every = [t for series in times.values() for t in series]
    return {"cold": cold, "median": statistics.median(every), "max": max(every), "count": len(every),
            "by_change": {name: statistics.median(series) for name, series in times.items()},
            "first": {name: series[0] for name, series in times.items()},
            "steps": {step: statistics.median(series) for step, series in steps.items()},
            "peak_mb": _peak_rss_mb()}


def child_replan(scenario_dir: str, rounds: int) -> dict[str, Any]:
    """The published plan repaired after the three busiest teams of the last two days drop out."""
    from planner.io import load_scenario
    from planner.io.previous_plan import previous_from_tables
    from planner.model.day_changes import team_out
    from planner.results.replan import plan_changes, replan
    from planner.results.solving import solve

    scenario = load_scenario(scenario_dir)
    published = solve(scenario)
    sessions = scenario.sessions
    days = sorted(sessions["date"].unique())[-2:]
    late = sessions[sessions["date"].isin(days)]["session_id"].tolist()
    a = published.assignments
    busiest = a[a["session_id"].isin(late)].groupby("team_id")["volunteers"].sum().sort_values(
        ascending=False, kind="stable").head(3).index.tolist()
    changed = team_out(scenario, busiest, late[0])
    previous = previous_from_tables(a, published.roster, published.distribution)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = replan(changed, previous, start=late[0])
        times.append(time.perf_counter() - started)
    fresh = plan_changes(a, solve(changed).assignments, changed)
    return {"median": statistics.median(times), "max": max(times), "rounds": rounds, "teams": busiest,
            "start": late[0], "changed": result.plan.summary["changed"],
            "fresh_changed": int((fresh["after"] - fresh["before"]).abs().sum()),
            "assigned": result.plan.summary["assigned"], "needed": result.plan.summary["needed"]}
def child_explain(scenario_dir: str, repeats: int) -> dict[str, Any]:
    """The plan's explanations, timed (median of ``repeats``, each from a fresh trial model)."""
    from planner.io import load_scenario
    from planner.results.explain import explain
    from planner.results.solving import solve

    plan = solve(load_scenario(scenario_dir))
    times, solves, rows = [], 0, 0
    for _ in range(repeats):
        measured = explain(plan)
        times.append(measured.seconds)
        solves, rows = measured.solves, len(measured.table)
    return {"median": statistics.median(times), "max": max(times), "solves": solves, "rows": rows}


# Running children ----------------------------------------------------------------------
def _run(args: list[str], log: Path) -> tuple[float, float]:
    """Run a command; its wall time (s) and peak memory (MB, the kernel's account of that process)."""
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull, open(log, "w") as errors:
        process = subprocess.Popen(args, stdout=devnull, stderr=errors, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited with {process.returncode}: {log.read_text()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def _child(kind: str, *args: str) -> dict[str, Any]:
    result = Path(args[-1])
    _run([sys.executable, "-m", "planner.bench", "--child", kind, *args], result.with_suffix(".log"))
    data: dict[str, Any] = json.loads(result.read_text())
    return data


@dataclass
class Size:
    """One benchmarked size and what was measured on it (medians where repeated)."""

    label: str
    scale: int
    folder: Path
    figures: dict[str, Any] = field(default_factory=dict)


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(size: Size, work: Path, repeats: int, highs_repeats: int) -> None:
    """Fill ``size.figures``: steps (median of ``repeats`` runs), HiGHS alone, planner solve, checker."""
    figures = size.figures
    figures["load_before"] = _load_average()
    runs = []
    mps = work / f"{size.label}.mps"
    for k in range(repeats):
        runs.append(_child("solve", str(size.folder), str(mps) if k == 0 else "", str(work / f"{size.label}.json")))
    keys = ("import", "load", "arrays", "pulp", "build", "solve", "extract", "together", "total", "peak_mb")
    figures.update({key: statistics.median(run[key] for run in runs) for key in keys if key in runs[0]})
    figures.update({key: runs[0][key] for key in runs[0] if key not in keys})
    figures["runs"] = len(runs)
    figures.update(_child("highs", str(mps), str(highs_repeats), str(work / f"{size.label}-highs.json")))
    mps.unlink()
    walls, peaks = [], []
    plan_dir = work / f"plan-{size.label}"
    command = Path(sys.executable).with_name("planner")
    planner = [str(command)] if command.exists() else [sys.executable, "-m", "planner.cli"]
    for _ in range(repeats):
        wall, peak = _run([*planner, "solve", str(size.folder), "--out", str(plan_dir), "--force"],
                          work / "planner-solve.log")
        walls.append(wall)
        peaks.append(peak)
    figures["cli_wall"], figures["cli_peak_mb"] = statistics.median(walls), max(peaks)
    figures["ratio"] = figures["total"] / figures["highs"]
    figures["checker"] = _check(size.folder, plan_dir)
    figures["load_after"] = _load_average()


def _check(scenario_dir: Path, plan_dir: Path) -> str:
    try:
        from planner.verify import verify_plan  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return "not available"
    violations = verify_plan(scenario_dir, plan_dir)
    return f"{len(violations)} violations"


# Report --------------------------------------------------------------------------------
def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def _growth(sizes: list[Size], key: str) -> str:
    """Exponent k in time ~ scale^k between consecutive sizes."""
    parts = []
    for a, b in pairwise(sizes):
        x, y = a.figures.get(key), b.figures.get(key)
        if x and y and b.scale != a.scale:
            parts.append(f"{math.log(y / x) / math.log(b.scale / a.scale):.2f}")
    return ", ".join(parts) or "-"


def tables(sizes: list[Size], live: dict[str, Any] | None) -> str:
    """The figures as markdown tables."""
    lines = [
        "| size | points | teams | columns | rows | non-zeros | arrays | PuLP | build | solve | extract | total "
        "| HiGHS alone | ratio | `planner solve` wall | peak memory (steps / `planner solve`) | checker |",
        "|---|" + "---:|" * 15 + "---|",
    ]
    for s in sizes:
        f = s.figures
        lines.append(
            f"| {s.label} | {f['points']:,} | {f['teams']:,} | {f['columns']:,} | {f['rows']:,} | {f['nonzeros']:,} "
            f"| {_s(f['arrays'])} | {_s(f['pulp'])} | {_s(f['build'])} | {_s(f['solve'])} | {_s(f['extract'])} "
            f"| {_s(f['total'])} | {_s(f['highs'])} | **{f['ratio']:.2f}** | {_s(f['cli_wall'])} "
            f"| {f['peak_mb']:,.0f} / {f['cli_peak_mb']:,.0f} MB | {f['checker']} |")
    lines += ["", "| size | runs | load average before / after | loading the scenario | staffing made whole by "
              "| coverage |", "|---|---:|---|---:|---|---:|"]
    for s in sizes:
        f = s.figures
        lines.append(f"| {s.label} | {f['runs']} | {f['load_before']} / {f['load_after']} | {_s(f['load'])} "
                     f"| {f['whole_numbers_by']} | {f['coverage']:.1%} |")
    if len(sizes) > 1:
        lines += ["", "Growth, as the exponent k of time ~ scale^k between consecutive sizes "
                  f"({' -> '.join(s.label for s in sizes)}):", ""]
        for key, name in (("build", "build"), ("solve", "solve"), ("extract", "extract"), ("total", "total"),
                          ("highs", "HiGHS alone"), ("columns", "columns"), ("peak_mb", "peak memory")):
            lines.append(f"- {name}: {_growth(sizes, key)}")
    if live:
        lines += ["", f"Re-solve after a lever change ({live['label']}, LivePlanner, {live['count']} changes: "
                  f"{len(LEVER_CHANGES)} kinds x {live['rounds']} rounds; first plan, cold, {_s(live['cold'])}): "
                  f"**median {_s(live['median'])}, max {_s(live['max'])}**; median steps: set levers "
                  f"{_s(live['steps']['build'])}, warm solve {_s(live['steps']['solve'])}, plan tables "
                  f"{_s(live['steps']['extract'])}.", "", "| lever change | median | first time |",
                  "|---|---:|---:|"]
        lines += [f"| {name} | {_s(t)} | {_s(live['first'][name])} |" for name, t in live["by_change"].items()]
        for extra in live.get("others", []):
            lines += ["", f"At {extra['label']} (one round, so the new travel reaches count with their "
                      f"builds): re-solve median {_s(extra['median'])}, max {_s(extra['max'])} "
                      f"(first plan, cold, {_s(extra['cold'])})."]
    return "\n".join(lines)


# Issue 5's targets: scale -> (seconds of planner solve, MB of its peak memory); issue 10's for 1x.
TARGETS = {1: (3.0, 1536.0), 10: (10.0, 1536.0), 100: (180.0, 8192.0)}
RATIO_TARGET = 2.0
RESOLVE_TARGET = 0.05  # issue 10: re-solve after a lever change, median (issue 5 asked 300 ms, aim 100 ms)
# Issue 10 on the default scenario: needs still filled, and teams kept together (summary.json).
FILLED_TARGET = 1840
TOGETHER_KEYS = ("team_sessions_split", "pieces", "single_pieces", "team_points", "same_point_share")
TOGETHER_TARGETS = {"team_sessions_split": ("split team-sessions", 60),
                    "pieces": ("(team, point, session) pieces", 560),
                    "single_pieces": ("single-volunteer pieces", 190), "team_points": ("team-point pairs", 300)}
SAME_POINT_TARGET, SPREAD_TARGET, TOGETHER_SHARE = 0.6, 0.2, 0.5
REPLAN_TARGET = 1.0  # issue 13: the re-plan of the default scenario's drop-outs, seconds
EXPLAIN_TARGET = 1.0  # issue 12: the default scenario's explanations, warm re-solves


def targets(sizes: list[Size], live: dict[str, Any] | None, replanned: dict[str, Any] | None = None,
            explained: dict[str, Any] | None = None) -> str:
    """Each target of issues 5, 10, 12 and 13 with what was measured, as a markdown table."""
    lines = ["| target | measured | holds |", "|---|---|---|"]

    def row(target: str, measured: str, ok: bool) -> None:
        lines.append(f"| {target} | {measured} | {'yes' if ok else '**no**'} |")

    if live:
        row(f"default scenario: re-solve after a lever change, median at most {_s(RESOLVE_TARGET)}",
            f"median {_s(live['median'])}, max {_s(live['max'])}", live["median"] <= RESOLVE_TARGET)
    default = next((s for s in sizes if s.scale == 1), None)
    if default is not None:
        f = default.figures
        row(f"{default.label}: {FILLED_TARGET:,} volunteer-sessions still filled", f"{f['assigned']:,}",
            f["assigned"] >= FILLED_TARGET)
        for key, (name, most) in TOGETHER_TARGETS.items():
            row(f"{default.label}: at most {most} {name}", f"{f[key]:,}", f[key] <= most)
        row(f"{default.label}: at least {SAME_POINT_TARGET:.0%} of a team's consecutive sessions at the same point",
            f"{f['same_point_share']:.0%}", f["same_point_share"] >= SAME_POINT_TARGET)
        spread = f["counsellor_spread"]
        row(f"{default.label}: counsellor coverage of every district within reach of a counsellor team within "
            f"{SPREAD_TARGET * 100:.0f} percentage points",
            f"{spread['low']:.0%} to {spread['high']:.0%} over {spread['districts']} districts (out of reach: "
            f"{', '.join(spread['out_of_reach']) or 'none'})", spread["high"] - spread["low"] <= SPREAD_TARGET)
    for s in sizes:
        f = s.figures
        if s.scale == 10 and "together" in f:
            row(f"{s.label}: keeping teams together at most {TOGETHER_SHARE:g} x the LP's solve",
                f"{_s(f['together'])} / {_s(f['solve'])} = {f['together'] / f['solve']:.2f}",
                f["together"] <= TOGETHER_SHARE * f["solve"])
    if replanned:
        row(f"default scenario: the three busiest teams of the last two days out from {replanned['start']}, "
            f"re-planned under {_s(REPLAN_TARGET)} with at most a quarter of a fresh plan's changes",
            f"median {_s(replanned['median'])}, {replanned['changed']} changes (fresh plan: "
            f"{replanned['fresh_changed']}); {replanned['assigned']} of {replanned['needed']} needs filled",
            replanned["median"] < REPLAN_TARGET and 4 * replanned["changed"] <= replanned["fresh_changed"])
    if explained:
        row(f"default scenario: explanations (each suggestion a warm re-solve) within {_s(EXPLAIN_TARGET)}",
            f"median {_s(explained['median'])}, max {_s(explained['max'])} ({explained['rows']} suggestions, "
            f"{explained['solves']} solves)", explained["median"] <= EXPLAIN_TARGET)
    for s in sizes:
        f = s.figures
        if s.scale in TARGETS:
            seconds, mb = TARGETS[s.scale]
            row(f"{s.label}: `planner solve` under {_s(seconds)} and {mb / 1024:g} GB",
                f"{_s(f['cli_wall'])}, {f['cli_peak_mb'] / 1024:.2f} GB",
                f["cli_wall"] < seconds and f["cli_peak_mb"] < mb)
    for s in sizes:
        f = s.figures
        row(f"{s.label}: build + solve + extract at most {RATIO_TARGET:g} x HiGHS alone",
            f"{_s(f['total'])} / {_s(f['highs'])} = {f['ratio']:.2f}", f["ratio"] <= RATIO_TARGET)
    for s in sizes:
        checked = s.figures["checker"]
        row(f"{s.label}: the plan passes the rule checker", checked, checked.startswith("0 "))
    return "\n".join(lines)


def plot(sizes: list[Size], path: Path) -> None:
    """Time and memory against size, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scales = [s.scale for s in sizes]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, name, style in (("build", "build (arrays + PuLP)", "o-"), ("solve", "solve", "s-"),
                             ("extract", "extract", "^-"), ("total", "total", "D-"),
                             ("highs", "HiGHS alone", "k--"), ("cli_wall", "planner solve (wall)", "x:")):
        left.plot(scales, [s.figures[key] for s in sizes], style, label=name)
    marked = [scale for scale in TARGETS if scale in scales]
    left.plot(marked, [TARGETS[scale][0] for scale in marked], "rv", label="target: planner solve")
    left.set(xscale="log", yscale="log", xlabel="scale (x the 2023 programme: 51 points, 150 teams)",
             ylabel="seconds", title="Time")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    right.plot(scales, [s.figures["peak_mb"] for s in sizes], "o-", label="planner steps (peak RSS)")
    right.plot(scales, [s.figures["cli_peak_mb"] for s in sizes], "x:", label="planner solve (peak RSS)")
    right.plot(marked, [TARGETS[scale][1] for scale in marked], "rv", label="target: planner solve")
    right.set(xscale="log", yscale="log", xlabel="scale", ylabel="MB", title="Peak memory")
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def machine() -> str:
    """The machine and versions, for the record."""
    import numpy
    import pandas
    import pulp

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    highs_version = importlib.metadata.version("highspy")
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB; Python {platform.python_version()}, "
            f"PuLP {pulp.__version__}, highspy {highs_version}, "
            f"numpy {numpy.__version__}, pandas {pandas.__version__}")


def write_report(path: Path, text: str, *, start: str = START, end: str = END) -> None:
    """Put ``text`` between the markers ``start`` and ``end`` of ``path`` (appended, with markers, if absent).

    planner.bench_sweep writes its own block between markers of its own.
    """
    block = f"{start}\n{text}\n{end}"
    page = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n\n"
    if start in page and end in page:
        page = page[:page.index(start)] + block + page[page.index(end) + len(end):]
    else:
        page = page.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(page, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="10,100", help="generated sizes besides the default scenario (10,100)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of the steps and of planner solve below 100x")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of lever changes for the re-solve figures")
    parser.add_argument("--work", default=str(ROOT / "build" / "bench"), help="folder for scenarios and plans")
    parser.add_argument("--report", default=str(ROOT / "docs" / "performance.md"), help="page to write ('' for none)")
    parser.add_argument("--child", choices=("solve", "highs", "live", "replan", "explain"), help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        *inputs, out = args.args
        if args.child == "solve":
            result = child_solve(inputs[0], inputs[1] or None)
        elif args.child == "highs":
            result = child_highs(inputs[0], int(inputs[1]))
        elif args.child == "replan":
            result = child_replan(inputs[0], int(inputs[1]))
        elif args.child == "explain":
            result = child_explain(inputs[0], int(inputs[1]))
        else:
            result = child_live(inputs[0], int(inputs[1]))
        Path(out).write_text(json.dumps(result))
        return 0

    from planner.generate import write_generated

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sizes = [Size("beijing-2023", 1, DEFAULT_SCENARIO)]
    for scale in [int(x) for x in args.scales.split(",") if x.strip()]:
        folder = work / f"x{scale}"
        write_generated(scale, folder, seed=0, overwrite=True)
        sizes.append(Size(f"x{scale} (generated)", scale, folder))
    print(f"machine: {machine()}", flush=True)
    for size in sizes:
        repeats = args.repeats if size.scale < 100 else 1
        print(f"{size.label}: measuring ({repeats} run(s); load average {_load_average()})...", flush=True)
        measure(size, work, repeats, highs_repeats=repeats)
        f = size.figures
        print(f"  build {_s(f['build'])}, solve {_s(f['solve'])}, extract {_s(f['extract'])}, total {_s(f['total'])},"
              f" HiGHS alone {_s(f['highs'])}, ratio {f['ratio']:.2f}; planner solve {_s(f['cli_wall'])}, "
              f"peak {f['cli_peak_mb']:,.0f} MB; checker: {f['checker']}", flush=True)
    live = _child("live", str(DEFAULT_SCENARIO), str(args.rounds), str(work / "live.json"))
    live.update(label="beijing-2023", rounds=args.rounds, others=[])
    for size in sizes[1:]:
        if size.scale <= 10:
            other = _child("live", str(size.folder), "1", str(work / "live-other.json"))
            live["others"].append({**other, "label": size.label})
    replanned = _child("replan", str(DEFAULT_SCENARIO), str(args.repeats), str(work / "replan.json"))
    explained = _child("explain", str(DEFAULT_SCENARIO), str(args.repeats), str(work / "explain.json"))
    text = targets(sizes, live, replanned, explained) + "\n\n" + tables(sizes, live)
    print()
    print(text)
    if args.report:
        report = Path(args.report)
        plot(sizes, report.with_suffix(".png"))
        header = (f"Measured by `make bench` on {date.today().isoformat()}: {machine()}. Each size in fresh "
                  "processes; times are medians of the runs given below, peak memory the largest.")
        write_report(report, header + "\n\n" + text + f"\n\n![time and memory against size]({report.stem}.png)")
        print(f"\nwrote {report} and {report.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
