"""The ``planner`` command: ``planner solve``, ``planner check`` and ``planner verify``.

Exit codes (the contract): 0 done, even with shortfalls; 2 invalid input, one line per
problem on stderr naming file, line and column; 3 no plan. On 2 or 3 nothing is written.
``planner verify`` exits 1 when the plan breaks a rule of the contract.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence

from planner.errors import NoPlanError, ScenarioError, SolverUnavailableError
from planner.labels import label
from planner.model import SOLVERS

EXIT_OK, EXIT_INVALID, EXIT_NO_PLAN = 0, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planner", description="Plan volunteer service points as a linear program.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the planner does")
    commands = parser.add_subparsers(dest="command", required=True)
    solve = commands.add_parser("solve", help="solve a scenario and write the plan folder")
    solve.add_argument("scenario", help="scenario folder")
    solve.add_argument("--out", required=True, help="plan folder to write (new or empty, or any with --force)")
    solve.add_argument("--solver", choices=SOLVERS, default="highs", help="LP solver (default: highs)")
    solve.add_argument("--time-limit", type=_positive_float, metavar="S", help="seconds the solver may take")
    solve.add_argument("--force", action="store_true", help="replace a plan folder that already holds files")
    solve.add_argument("--lang", choices=("both", "zh", "en"), default="both", help="headers of plan.xlsx")
    check = commands.add_parser("check", help="check a scenario without solving it")
    check.add_argument("scenario", help="scenario folder")
    verify = commands.add_parser("verify", help="check a plan folder (say, edited by hand) against its scenario")
    verify.add_argument("scenario", help="scenario folder")
    verify.add_argument("plan", help="plan folder")
    return parser


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds as a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected seconds above 0, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command == "verify":
        from planner.verify import main as verify_main

        return verify_main([args.scenario, args.plan])
    from planner.scenario import load_scenario

    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(_located(args.scenario, str(problem)), file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    for warning in scenario.warnings:
        print(f"note: {warning}", file=sys.stderr)
    if args.command == "check":
        print(f"{scenario.name}: {len(scenario.districts)} districts, {len(scenario.sessions)} sessions, "
              f"{len(scenario.points)} points, {len(scenario.teams)} teams "
              f"({int(scenario.teams['volunteers'].sum())} volunteers), {len(scenario.supplies)} items: OK")
        return EXIT_OK
    return _solve(args, scenario)


def _located(folder: str, text: str) -> str:
    """Problems name files inside the scenario; prefix the folder so the path is whole."""
    return f"{folder.rstrip('/')}/{text}" if not text.startswith(folder) else text


def _solve(args: argparse.Namespace, scenario: object) -> int:
    from pathlib import Path

    from planner.solving import solve

    out = Path(args.out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not args.force)):
        what = "is a file" if not out.is_dir() else "already holds files; pass --force to replace it"
        print(f"{out}: {what}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    started = time.perf_counter()
    try:
        plan = solve(scenario, solver=args.solver, time_limit=args.time_limit)  # type: ignore[arg-type]
    except (NoPlanError, SolverUnavailableError) as exc:
        print(f"no plan: {exc}; nothing was written", file=sys.stderr)
        return EXIT_NO_PLAN
    seconds = time.perf_counter() - started
    plan.export(out, overwrite=args.force, lang=args.lang)
    print(_human_summary(plan, seconds, out))
    return EXIT_OK


def _human_summary(plan: object, seconds: float, out: object) -> str:
    s = plan.summary  # type: ignore[attr-defined]
    lines = [
        f"{s['scenario']}: {label(s['status'], 'en').lower()} plan in {seconds:.2f} s "
        f"(solver {s['solver']}), written to {out}",
        f"  coverage {s['coverage']:.1%}: {s['assigned']} of {s['needed']} volunteer-sessions staffed, "
        f"{s['unmet']} unmet",
        "  unmet by role: " + ", ".join(f"{label(r, 'en').lower()} {n}" for r, n in s["unmet_by_role"].items()),
    ]
    packs = {k: v for k, v in s["supplies"].items()}
    if packs:
        lines.append("  supplies distributed: " + ", ".join(
            f"{item} {v['distributed']}/{v['wanted']}" for item, v in packs.items()))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
