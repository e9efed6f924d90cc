"""The sweep's and the independent parts' benchmark: part of ``make bench`` (``python -m planner.bench_sweep``).

* **theory case**: one point needing one first-aider and two general volunteers, a team of
  exactly those, each coming with probability 0.8: p_short must be 0.2 (first aid) and
  0.36 (general) within four standard errors;
* **beijing-2023, 1,000 samples**: ``planner sweep`` as a user runs it (start, local cluster,
  samples, files and charts), wall time with 1 and with 2 workers, and whether both wrote the
  same bytes. The uncertainty is the bench's own assumption: everyone comes with 0.9, and
  9 June has heat with 0.3 and rain with 0.2;
* **regions**: ``planner solve`` on ten regions of five times the 2023 programme
  (``planner generate --scale 5 --regions 10``), wall time and peak memory, its plan checked.

Writes its figures between the ``bench-sweep`` markers of docs/performance.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- bench-sweep:start -->", "<!-- bench-sweep:end -->"
PLANNER = [sys.executable, "-m", "planner.cli"]
SWEEP_SAMPLES, SWEEP_SECONDS, TWO_WORKER_RATIO = 1000, 30.0, 0.75
REGIONS, REGION_SCALE, REGIONS_SECONDS, REGIONS_MB = 10, 5, 15.0, 1536.0
UNCERTAINTY = "uncertainty:\n  show_up: 0.9\n  weather:\n    2023-06-09: {heat: 0.3, rain: 0.2}\n"
THEORY_SAMPLES = 4000


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu_of_children() -> float:
    """User and system seconds of this process's children waited for so far (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wall(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds and the peak memory (MB, the largest process waited for) of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out = process.stdout.read() if process.stdout else ""
    err = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def theory() -> dict[str, Any]:
    import numpy as np

    from planner.io import load_scenario
    from planner.sweep.run import sweep

    folder = ROOT / "build" / "bench" / "theory"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files = {
        "scenario.yaml": "name: theory\nuncertainty:\n  show_up: 0.8\n",
        "districts.csv": "district_id,name_zh,name_en,lat,lon\na,甲区,A,39.90,116.40\n",
        "sessions.csv": "session_id,date,start,end\ns1,2023-06-07,09:00,11:30\n",
        "points.csv": "point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
                      "p1,Point 1,a,39.90,116.40,10,100,10\n",
        "needs.csv": "point_id,session_id,role,volunteers\np1,s1,first_aid,1\np1,s1,general,2\n",
        "teams.csv": "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions\n"
                     "t1,Team 1,Union,a,3,1,0,1\n",
        "supplies.csv": "item_id,name,category,stock,basis,per_unit\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = sweep(load_scenario(folder), samples=THEORY_SAMPLES, seed=0, workers=2)
    risk = result.risk().set_index("role")
    out = {}
    for role, p in (("first_aid", 0.2), ("general", 0.36)):
        error = 4 * float(np.sqrt(p * (1 - p) / THEORY_SAMPLES))
        measured = float(risk["p_short"].loc[role])
        out[role] = {"expected": p, "measured": measured, "within": error}
    return out


def beijing_sweep(work: Path) -> dict[int, Any]:
    scenario = work / "beijing-uncertain"
    if scenario.exists():
        shutil.rmtree(scenario)
    shutil.copytree(ROOT / "scenarios" / "beijing-2023", scenario)
    with (scenario / "scenario.yaml").open("a", encoding="utf-8") as handle:
        handle.write(UNCERTAINTY)
    out: dict[int, Any] = {}
    for workers in (1, 2):
        folder = work / f"sweep-{workers}"
        before, cpu = _load(), _cpu_of_children()
        seconds, peak, _text = _wall([*PLANNER, "sweep", str(scenario), "--samples", str(SWEEP_SAMPLES), "--seed",
                                      "0", "--out", str(folder), "--workers", str(workers), "--force"])
        # The command's CPU with its workers' (Dask's nannies wait for their worker processes).
        cpu = _cpu_of_children() - cpu
        out[workers] = {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "digest": _digest(folder),
                        "load": (before, _load())}
        print(f"  sweep, {workers} worker(s): {seconds:.1f} s, {cpu:.1f} s of CPU (load {before} / {_load()})",
              flush=True)
    return out


def regions(work: Path) -> dict[str, Any]:
    folder = work / f"regions-{REGIONS}x{REGION_SCALE}"
    subprocess.run([*PLANNER, "generate", "--scale", str(REGION_SCALE), "--regions", str(REGIONS), "--out",
                    str(folder), "--force"], check=True, capture_output=True)
    plan = work / "regions-plan"
    before = _load()
    seconds, peak, _text = _wall([*PLANNER, "solve", str(folder), "--out", str(plan), "--force"])
    check = subprocess.run([*PLANNER, "verify", str(folder), str(plan)], capture_output=True, text=True)
    return {"seconds": seconds, "peak_mb": peak, "load": (before, _load()),
            "checker": "0 violations" if check.returncode == 0 else check.stdout.strip().splitlines()[-1]}


def report(theory_figures: dict[str, Any], sweeps: dict[int, Any] | None, parts: dict[str, Any] | None) -> str:
    rows = ["| target | measured | holds |", "|---|---|---|"]
    for role, f in theory_figures.items():
        rows.append(f"| theory case: p_short of {role} {f['expected']:g} within 4 standard errors "
                    f"({THEORY_SAMPLES:,} samples) | {f['measured']:.4f} (+-{f['within']:.4f}) | "
                    f"{'yes' if abs(f['measured'] - f['expected']) <= f['within'] else '**no**'} |")
    if sweeps:
        one, two = sweeps[1], sweeps[2]
        rows.append(f"| beijing-2023: {SWEEP_SAMPLES:,} samples under {SWEEP_SECONDS:g} s (2 workers) | "
                    f"{two['seconds']:.1f} s | {'yes' if two['seconds'] < SWEEP_SECONDS else '**no**'} |")
        ratio = two["seconds"] / one["seconds"]
        rows.append(f"| beijing-2023: 2 workers at most {TWO_WORKER_RATIO:g} x 1 worker's time | "
                    f"{two['seconds']:.1f} s / {one['seconds']:.1f} s = {ratio:.2f} | "
                    f"{'yes' if ratio <= TWO_WORKER_RATIO else '**no**'} |")
        rows.append(f"| beijing-2023: CPU of the command and its workers, 1 / 2 workers (no target) | "
                    f"{one['cpu']:.1f} s / {two['cpu']:.1f} s | - |")
        rows.append(f"| beijing-2023: the same bytes with 1 and 2 workers | "
                    f"{'same' if one['digest'] == two['digest'] else 'different'} | "
                    f"{'yes' if one['digest'] == two['digest'] else '**no**'} |")
    if parts:
        holds = parts["seconds"] < REGIONS_SECONDS and parts["peak_mb"] < REGIONS_MB
        rows.append(f"| {REGIONS} regions of {REGION_SCALE}x: `planner solve` under {REGIONS_SECONDS:g} s and "
                    f"{REGIONS_MB / 1024:g} GB | {parts['seconds']:.1f} s, {parts['peak_mb'] / 1024:.2f} GB, checker: "
                    f"{parts['checker']} | {'yes' if holds else '**no**'} |")
    loads = []
    if sweeps:
        loads += [f"sweep with {w} worker(s): {f['load'][0]} / {f['load'][1]}" for w, f in sweeps.items()]
    if parts:
        loads.append(f"regions: {parts['load'][0]} / {parts['load'][1]}")
    text = "\n".join(rows)
    if loads:
        text += "\n\nLoad average before / after: " + "; ".join(loads) + "."
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.bench_sweep", description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("theory", "sweep", "regions"), action="append",
                        help="run only these parts (repeatable; default all)")
    parser.add_argument("--work", default=str(ROOT / "build" / "bench"), help="folder for scenarios and results")
    parser.add_argument("--report", default=str(ROOT / "docs" / "performance.md"), help="page to write ('' for none)")
    args = parser.parse_args(argv)
    parts = set(args.only or ("theory", "sweep", "regions"))
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    figures = theory() if "theory" in parts else {}
    sweeps = beijing_sweep(work) if "sweep" in parts else None
    joined = regions(work) if "regions" in parts else None
    text = f"Measured by `make bench` on {date.today().isoformat()} (2 cores, shared).\n\n" + report(figures, sweeps,
                                                                                                    joined)
    print(text)
    if args.report:
        from planner.bench import write_report

        write_report(Path(args.report), text, start=START, end=END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
