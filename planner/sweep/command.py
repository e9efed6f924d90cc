"""``planner sweep``: its arguments and what it runs (registered in planner/cli.py).

Kept light: the parser is made on every ``planner`` call, so Dask, numpy and the model load
only when a sweep runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INVALID, EXIT_NO_PLAN = 0, 2, 3
log = logging.getLogger("planner.sweep")


def add_parser(commands: Any, *, scenario_help: str, whole: Any, seed: Any) -> None:
    """Add ``sweep`` to the command's subparsers (``whole`` and ``seed`` parse whole numbers as the others do)."""
    sweep = commands.add_parser(
        "sweep", help="draw who shows up and the weather many times, re-plan each, and say what is at risk",
        description="Draws N samples of the scenario's uncertainty (scenario.yaml 'uncertainty:') and re-plans "
                    "each on Dask: a local cluster of --workers processes, or the scheduler at --scheduler. "
                    "Writes samples.csv, risk.csv, summary.json and three charts into OUT.")
    sweep.add_argument("scenario", help=scenario_help)
    sweep.add_argument("--samples", type=whole, required=True, metavar="N", help="how many samples (1 or more)")
    sweep.add_argument("--seed", type=seed, required=True, metavar="S", help="same seed, same files")
    sweep.add_argument("--out", required=True, help="folder to write (new or empty, or any with --force)")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--workers", type=whole, metavar="K", help="local worker processes (default: the cores)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, tcp://host:port")
    sweep.add_argument("--reserves", type=_share, metavar="SHARE",
                       help="also find the fewest standby volunteers per district so that this share of the "
                            "samples (e.g. 0.9) fills every duty of --reserve-role; the results are of the sweep "
                            "with them, and reserves.csv lists them")
    sweep.add_argument("--reserve-role", choices=("first_aid", "general", "counsellor"), default="first_aid",
                       help="the role of the reserves (default first_aid)")
    sweep.add_argument("--force", action="store_true", help="replace a folder that already holds files")
    sweep.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the charts")
    sweep.add_argument("--no-charts", action="store_true", help="only the CSV and JSON files")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share above 0 and at most 1, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share above 0 and at most 1, got {text!r}")
    return value


def run(args: argparse.Namespace, scenario: Any) -> int:
    """Run the sweep of an already loaded scenario (planner/cli.py has checked that OUT may be written)."""
    from planner.errors import NoPlanError, ScenarioError, SolverUnavailableError
    from planner.io.uncertainty import scenario_uncertainty
    from planner.model.weather import PRESETS
    from planner.sweep.run import MAX_SAMPLES, sweep, write_sweep

    if args.samples < 1 or args.samples > MAX_SAMPLES:
        print(f"--samples: expected 1 to {MAX_SAMPLES:,}, got {args.samples}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    if args.workers is not None and args.workers < 1:
        print("--workers: expected 1 or more; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    try:
        uncertainty = scenario_uncertainty(scenario, presets=PRESETS)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(f"{str(args.scenario).rstrip('/')}/{problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    if uncertainty.is_certain and args.reserves is None:
        print("note: scenario.yaml has no uncertainty: (show_up, weather): every sample is the scenario's own plan",
              file=sys.stderr)
    started = time.perf_counter()
    progress = _Progress(args.samples, started)
    from planner.cluster import dask_client

    cluster = ExitStack()
    try:
        with cluster:
            client = cluster.enter_context(dask_client(workers=args.workers, scheduler=args.scheduler))
            advice = None
            if args.reserves is not None:
                from planner.sweep.reserves import find_reserves

                def one(reserves: dict[tuple[str, str], int]) -> Any:
                    return sweep(scenario, samples=args.samples, seed=args.seed, uncertainty=uncertainty,
                                 client=client, progress=progress, reserves=reserves)

                advice = find_reserves(scenario, run=one, uncertainty=uncertainty, role=args.reserve_role,
                                       target=args.reserves)
                result = advice.result
            else:
                result = sweep(scenario, samples=args.samples, seed=args.seed, uncertainty=uncertainty,
                               client=client, progress=progress)
            # The samples are in: the cluster closes (a second or two) while the files are written.
            closing = _close_in_background(cluster.pop_all())
    except (NoPlanError, SolverUnavailableError) as exc:
        print(f"no plan: {exc}; nothing was written", file=sys.stderr)
        return EXIT_NO_PLAN
    except OSError as exc:  # the scheduler cannot be reached (TimeoutError is an OSError)
        print(f"{args.scheduler or 'dask'}: cannot run the sweep ({exc}); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    progress.end()
    try:
        folder = write_sweep(result, Path(args.out), overwrite=args.force, charts=not args.no_charts, lang=args.lang)
        if advice is not None:
            from planner.io.textfiles import write_csv

            table = advice.table(scenario)
            write_csv(folder / "reserves.csv", list(table.columns), table.astype(object).values.tolist())
    except OSError as exc:
        print(f"{args.out}: cannot write ({exc.strerror or exc}); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    finally:
        closing.join()
    s = result.summary()
    print(f"{s['scenario']}: {s['samples']:,} samples (seed {s['seed']}) in {time.perf_counter() - started:.1f} s, "
          f"written to {args.out}")
    print(f"  coverage p05 {s['coverage_p05']:.1%}, p50 {s['coverage_p50']:.1%}, p95 {s['coverage_p95']:.1%}; "
          "every need filled in: " + ", ".join(f"{r} {p:.0%}" for r, p in s["p_all_filled"].items()))
    if advice is not None:
        listed = ", ".join(f"{d} {n}" for (d, _r), n in sorted(advice.reserves.items())) or "none needed"
        print(f"  reserves ({advice.role}) for {advice.target:.0%}: {listed}; "
              f"{advice.share_without:.1%} -> {advice.share:.1%} of samples fill every {advice.role} duty")
    return EXIT_OK


def _close_in_background(stack: ExitStack) -> threading.Thread:
    """Close ``stack`` (the Dask client and its local cluster) in a thread of its own, started now."""

    def close() -> None:
        try:
            stack.close()
        except Exception as exc:  # the results are in hand: a cluster that closes badly only gets a note
            log.info("closing the Dask cluster: %s", exc)

    thread = threading.Thread(target=close, name="close-dask", daemon=True)
    thread.start()
    return thread


class _Progress:
    """Samples done, on stderr: one line rewritten in a terminal, a line per tenth otherwise."""

    def __init__(self, total: int, started: float):
        self.total, self.started, self.shown = total, started, -1
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if self.tty:
            print(f"\rsweep: {done:,}/{total:,} samples, {time.perf_counter() - self.started:.0f} s", end="",
                  file=sys.stderr, flush=True)
        elif tenth != self.shown:
            self.shown = tenth
            print(f"sweep: {done:,}/{total:,} samples, {time.perf_counter() - self.started:.0f} s", file=sys.stderr)

    def end(self) -> None:
        if self.tty:
            print(file=sys.stderr)
