"""The ``planner`` command: ``solve``, ``replan``, ``cover``, ``check``, ``convert``, ``verify``, ``explain``,
``generate``, ``sweep``.

Exit codes (the contract): 0 done, even with shortfalls; 2 invalid input, one line per
problem on stderr naming file, line and column; 3 no plan. On 2 or 3 nothing is written.
``planner verify`` exits 1 when the plan breaks a rule of the contract.

A scenario is a folder of CSV files or one ``.xlsx`` workbook (docs/scenario-format.md).
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from planner.errors import NoPlanError, Problem, ScenarioError, SolverUnavailableError, one_line
from planner.io.textfiles import holds_working_folder, lies_within
from planner.labels import label
from planner.model.solution import SOLVERS

EXIT_OK, EXIT_VIOLATIONS, EXIT_INVALID, EXIT_NO_PLAN = 0, 1, 2, 3
SCENARIO_HELP = "scenario folder, or .xlsx workbook"
# planner.generate.MAX_SCALE (not imported: the command loads only what it runs)
MAX_SCALE = 1_000
# Digits are ASCII: str.isdigit() takes Arabic-Indic digits and superscripts too.
_WHOLE = re.compile(r"[0-9]+")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planner", description="Plan volunteer service points as a linear program.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the planner does")
    commands = parser.add_subparsers(dest="command", required=True)
    solve = commands.add_parser("solve", help="solve a scenario and write the plan folder")
    solve.add_argument("scenario", help=SCENARIO_HELP)
    _plan_folder_arguments(solve)
    solve.add_argument("--solver", choices=SOLVERS, default="highs", help="LP solver (default: highs)")
    solve.add_argument("--time-limit", type=_positive_float, metavar="S",
                       help="seconds the solver may take (HiGHS stops on time; CBC checks only between "
                            "its steps, so it may run over)")
    replan = commands.add_parser(
        "replan", help="repair a published plan for a changed scenario, with the fewest changes",
        description="Keep the sessions before SESSION exactly as in PLAN, then fill every need, change as few "
                    "of PLAN's assignments as possible, then share fairly, keep teams together and save travel. "
                    "Writes a plan folder plus changes.csv.")
    replan.add_argument("scenario", help=SCENARIO_HELP + ", as it is now")
    replan.add_argument("--previous", required=True, metavar="PLAN", help="the plan published: its folder or plan.xlsx")
    replan.add_argument("--from", required=True, dest="start", metavar="SESSION",
                        help="first session re-planned (session_id); those before it have happened")
    _plan_folder_arguments(replan)
    replan.add_argument("--time-limit", type=_positive_float, metavar="S", help="seconds the solver may take")
    cover = commands.add_parser(
        "cover", help="rank the teams who could take over a dropped team's duties, or one empty duty",
        description="For a team out in SESSION (--team), or an empty duty (--point and --role), list the teams "
                    "within reach with members free then, off duty, with sessions left and able to serve the "
                    "role: whole duty first, off duty then, nearer, less loaded.")
    cover.add_argument("scenario", help=SCENARIO_HELP + ", as it is now")
    cover.add_argument("--plan", required=True, help="the plan published: its folder or plan.xlsx")
    cover.add_argument("--session", required=True, help="the session (session_id)")
    cover.add_argument("--team", help="the team that dropped out: cover each of its duties in the session")
    cover.add_argument("--point", help="the point of an empty duty (with --role)")
    cover.add_argument("--role", choices=("general", "first_aid", "counsellor"), help="the role of an empty duty")
    cover.add_argument("--volunteers", type=_scale, metavar="N",
                       help="volunteers of the empty duty (default: what the plan leaves missing there, else 1)")
    cover.add_argument("--top", type=_scale, default=5, metavar="N", help="teams listed per duty (default 5)")
    duty = commands.add_parser(
        "duty", help="write a plan's duty documents (per point, team and person; notification list)",
        description="Solve SCENARIO as 'planner solve' does, or take the plan published in --plan, and write into "
                    "DIR: duty-sheets.pdf (a page per point), team-sheets.pdf, person-cards.pdf (with "
                    "volunteers.csv) and the notification list (notification-list.csv and .xlsx). They carry phone "
                    "numbers, which are personal data: --public leaves every phone (and the notification list) out.")
    duty.add_argument("scenario", help=SCENARIO_HELP)
    duty.add_argument("--plan", metavar="PLAN", help="a plan folder already published ('planner solve' or 'planner "
                                                     "replan' wrote it): its documents, no new solve; checked against "
                                                     "SCENARIO first, as 'planner verify' does")
    duty.add_argument("--out", required=True, help="folder to write (new or empty, or any with --force)")
    duty.add_argument("--lang", choices=("both", "zh", "en"), default="both", help="words of the documents")
    duty.add_argument("--public", action="store_true", help="the public set: no phone numbers, no notification list")
    duty.add_argument("--solver", choices=SOLVERS, default="highs", help="LP solver (default: highs)")
    duty.add_argument("--force", action="store_true", help="replace a folder that already holds files")
    check = commands.add_parser("check", help="check a scenario without solving it")
    check.add_argument("scenario", help=SCENARIO_HELP)
    convert = commands.add_parser(
        "convert", help="turn a scenario folder into an .xlsx workbook, or a workbook into a folder",
        description="Write SOURCE (a scenario folder or workbook) as a workbook when TARGET ends in .xlsx, "
                    "else as a folder. The scenario is checked first; nothing is written when it has problems.")
    convert.add_argument("source", help=SCENARIO_HELP)
    convert.add_argument("target", help="workbook (.xlsx) or folder to write")
    convert.add_argument("--force", action="store_true", help="replace an existing workbook, or a folder with files")
    verify = commands.add_parser("verify", help="check a plan folder (say, edited by hand) against its scenario")
    verify.add_argument("scenario", help=SCENARIO_HELP)
    verify.add_argument("plan", help="plan folder")
    explain = commands.add_parser("explain", help="say a plan's bottlenecks, why needs are unmet and what would "
                                                  "fix them (from the plan folder planner solve wrote)")
    explain.add_argument("plan", help="plan folder")
    explain.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    explain.add_argument("--district", metavar="ID", help="only this district and its unmet needs")
    explain.add_argument("--point", metavar="ID", help="only the unmet needs of this point")
    generate = commands.add_parser("generate", help="write a Beijing-like scenario N times the 2023 programme")
    generate.add_argument("--scale", type=_scale, required=True, metavar="N", help="51 x N points, 150 x N teams")
    generate.add_argument("--out", required=True, help="scenario folder to write (new or empty, or any with --force)")
    generate.add_argument("--seed", type=_seed, default=0, metavar="S", help="same seed, same files (default 0)")
    generate.add_argument("--force", action="store_true", help="replace a folder that already holds files")
    generate.add_argument("--regions", type=_whole, default=1, metavar="R",
                          help="R such scenarios far apart in one, each an independent part (default 1)")
    from planner.sweep.command import add_parser as add_sweep_parser

    add_sweep_parser(commands, scenario_help=SCENARIO_HELP, whole=_whole, seed=_seed)
    return parser


def _whole(text: str) -> int:
    if not _WHOLE.fullmatch(text.strip()) or len(text.strip()) > 9:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}")
    return int(text)


def _plan_folder_arguments(command: argparse.ArgumentParser) -> None:
    """--out, --force and --lang of a command that writes a plan folder (solve, replan)."""
    command.add_argument("--out", required=True, help="plan folder to write (new or empty, or any with --force)")
    command.add_argument("--force", action="store_true", help="replace a plan folder that already holds files")
    command.add_argument("--lang", choices=("both", "zh", "en"), default="both", help="headers of plan.xlsx")


def _scale(text: str) -> int:
    if not _WHOLE.fullmatch(text.strip()) or not 1 <= int(text.strip()[:9]) <= MAX_SCALE or len(text.strip()) > 9:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_SCALE:,}, got {text!r}")
    return int(text)


def _seed(text: str) -> int:
    if not _WHOLE.fullmatch(text.strip()) or len(text.strip()) > 4000:
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or more, got {text[:40]!r}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds as a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected seconds above 0, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; a file that cannot be read or written is a message (exit 2), never a traceback.

    Output to a pipe closed early (``planner solve ... | head -1``) changes nothing: the
    command has done its work, and its exit code stands.
    """
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    code: int | None = None
    try:
        code = _run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # Nobody reads the rest: send it nowhere, so that the flush at exit cannot fail either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if code is None:  # cut off while printing: only planner verify prints more than a line (violations)
            code = EXIT_VIOLATIONS if args.command == "verify" else EXIT_OK
        return code
    except OSError as exc:
        where = exc.filename if exc.filename is not None else "planner"
        print(f"{where}: cannot be read or written ({exc.strerror or exc}); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    return code


def _run(args: argparse.Namespace) -> int:
    if args.command == "verify":
        return _verify(args)
    if args.command == "convert":
        return _convert(args)
    if args.command == "generate":
        return _generate(args)
    if args.command == "explain":
        return _explain(args)
    from planner.io import load_scenario

    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        return _invalid(args.scenario, exc.problems)
    for warning in scenario.warnings:
        print(one_line(f"note: {warning}"), file=sys.stderr)
    if args.command == "check":
        print(f"{scenario.name}: {len(scenario.districts)} districts, {len(scenario.sessions)} sessions, "
              f"{len(scenario.points)} points, {len(scenario.teams)} teams "
              f"({int(scenario.teams['volunteers'].sum())} volunteers), {len(scenario.supplies)} items: OK")
        return EXIT_OK
    if args.command == "duty":
        return _duty(args, scenario)
    if args.command == "replan":
        return _replan(args, scenario)
    if args.command == "cover":
        return _cover(args, scenario)
    if args.command == "sweep":
        from planner.sweep.command import run as run_sweep

        refused = refuse_out(Path(args.out), args)
        return refused if refused is not None else run_sweep(args, scenario)
    return _solve(args, scenario)


def _invalid(source: str, problems: Sequence[Problem]) -> int:
    for problem in problems:
        print(_located(source, str(problem)), file=sys.stderr)
    print(f"{len(problems)} problem(s); nothing was written", file=sys.stderr)
    return EXIT_INVALID


def _located(source: str, text: str) -> str:
    """Problems name files inside the scenario (or the workbook by its name): prefix the folder."""
    folder = source if not Path(source).is_file() else os.path.dirname(source)
    if not folder or text.startswith(source):
        return text
    return f"{folder.rstrip('/')}/{text}"


def _solve(args: argparse.Namespace, scenario: object) -> int:
    from planner.exports.files import export_plan
    from planner.results.explain import explain
    from planner.results.sentences import bottlenecks

    out = Path(args.out)
    refused = refuse_out(out, args)
    if refused is not None:
        return refused
    started = time.perf_counter()
    with _engine(scenario) as client:
        try:
            plan = _solve_scenario(scenario, args, client)
        except (NoPlanError, SolverUnavailableError) as exc:
            print(f"no plan: {exc}; nothing was written", file=sys.stderr)
            return EXIT_NO_PLAN
        seconds = time.perf_counter() - started
        # Measured while the plan is written (plan.xlsx's plan sheets aside), and kept for the bottlenecks below.
        explained = functools.cache(lambda: explain(plan, solver=args.solver, client=client))
        try:
            export_plan(plan, out, overwrite=args.force, lang=args.lang, explanations=explained)
        except OSError as exc:  # FileExistsError too: the folder filled up while the solver ran
            print(f"{out}: cannot write the plan ({exc.strerror or exc}); nothing was written", file=sys.stderr)
            return EXIT_INVALID
    print(_human_summary(plan, seconds, out))
    # The bottlenecks first of what a planner reads (why.csv; planner explain says more).
    print(f"  {label('bottlenecks', 'en').lower()} (planner explain {out} for why and what would fix it):")
    for _, row in bottlenecks(plan, explained()).iterrows():
        print(f"  {row['rank']}. {row['text_en']}")
    return EXIT_OK


@contextmanager
def _engine(scenario: Any) -> Iterator[Any]:
    """A local Dask cluster for a large scenario of independent parts (its parts, then the explanations'
    re-solves of them, run on its workers), else None: one model solves it here."""
    from planner.results.parts import worth_parts

    if not worth_parts(scenario):
        yield None
        return
    from planner.cluster import dask_client

    with dask_client(work_stealing=False) as client:  # (each part and trial block stays where it was put)
        yield client


def _solve_scenario(scenario: Any, args: argparse.Namespace, client: Any) -> Any:
    """The parts on ``client``'s cluster (see _engine), or one model here."""
    from planner.results.parts import solve_parts
    from planner.results.solving import solve

    if client is not None:
        return solve_parts(scenario, client=client, solver=args.solver, time_limit=args.time_limit, keep_basis=True)
    # (the basis: the explanations' re-solves start from it)
    return solve(scenario, solver=args.solver, time_limit=args.time_limit, keep_basis=True)


def _replan(args: argparse.Namespace, scenario: object) -> int:
    """``planner replan``: as ``planner solve``, from a published plan (planner/results/replan.py)."""
    from planner.exports.files import export_plan
    from planner.io.previous_plan import read_previous_plan
    from planner.results.replan import replan

    out = Path(args.out)
    refused = refuse_out(out, args)
    if refused is not None:
        return refused
    started = time.perf_counter()
    try:
        previous = read_previous_plan(args.previous, scenario)  # type: ignore[arg-type]
        result = replan(scenario, previous, start=args.start, time_limit=args.time_limit)  # type: ignore[arg-type]
    except ScenarioError as exc:  # the plan (or --from) does not fit the scenario: named row by row
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except (NoPlanError, SolverUnavailableError) as exc:
        print(f"no plan: {exc}; nothing was written", file=sys.stderr)
        return EXIT_NO_PLAN
    seconds = time.perf_counter() - started
    try:
        export_plan(result.plan, out, overwrite=args.force, lang=args.lang, extra={"changes.csv": result.changes})
    except OSError as exc:
        print(f"{out}: cannot write the plan ({exc.strerror or exc}); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    print(_human_summary(result.plan, seconds, out))
    moved = result.changes["team_id"].nunique()
    print(f"  changed {result.plan.summary['changed']} volunteer-sessions of the published plan "
          f"({len(result.changes)} rows, {moved} teams): see changes.csv")
    return EXIT_OK


def _cover(args: argparse.Namespace, scenario: object) -> int:
    """``planner cover``: the ranked stand-ins (planner/results/cover.py), one table per duty."""
    from planner.io.previous_plan import read_previous_plan
    from planner.results.cover import Duty, duties_of_team, who_can_cover

    sc = scenario
    if (args.team is None) == (args.point is None) or (args.point is not None and args.role is None):
        print("give either --team, or --point with --role", file=sys.stderr)
        return EXIT_INVALID
    problems = []
    if args.session not in set(sc.sessions["session_id"]):  # type: ignore[attr-defined]
        problems.append(f"--session: {args.session!r} is not a session of the scenario")
    if args.team is not None and args.team not in set(sc.teams["team_id"]):  # type: ignore[attr-defined]
        problems.append(f"--team: {args.team!r} is not a team of the scenario")
    if args.point is not None and args.point not in set(sc.points["point_id"]):  # type: ignore[attr-defined]
        problems.append(f"--point: {args.point!r} is not a point of the scenario")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_INVALID
    try:
        plan = read_previous_plan(args.plan, scenario)  # type: ignore[arg-type]
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    if plan.roster is None:
        print(f"{args.plan}: has no roster; a plan written by the planner holds one", file=sys.stderr)
        return EXIT_INVALID
    if args.team is not None:
        duties = duties_of_team(plan.assignments, args.team, args.session)
        if not duties:
            print(f"team {args.team} has no duty in session {args.session} in the plan: nothing to cover")
            return EXIT_OK
    else:
        a = plan.assignments
        given = int(a.loc[(a["point_id"] == args.point) & (a["session_id"] == args.session)
                          & (a["role"] == args.role), "volunteers"].sum())
        needs = sc.needs  # type: ignore[attr-defined]
        needed = int(needs.loc[(needs["point_id"] == args.point) & (needs["session_id"] == args.session)
                               & (needs["role"] == args.role), "volunteers"].sum())
        duties = [Duty(args.point, args.session, args.role, args.volunteers or max(needed - given, 1))]
    for duty in duties:
        ranked = who_can_cover(sc, plan.assignments, plan.roster, duty,  # type: ignore[arg-type]
                               exclude=(args.team,) if args.team else (), top=args.top)
        print(f"{duty.volunteers} {label(duty.role, 'en').lower()} at {duty.point_id} in {duty.session_id}: "
              f"{len(ranked)} team(s) can cover")
        for row in ranked.itertuples(index=False):
            print(f"  {row.rank}. {row.team_id} ({row.name}), {row.km:g} km: can cover {row.can_cover}, "
                  f"{row.free} free, {row.on_duty_then} on duty then, {row.sessions_left} sessions left, "
                  f"serves {row.serves}; {row.persons}")
    return EXIT_OK


def refuse_out(out: Path, args: argparse.Namespace) -> int | None:
    """EXIT_INVALID (with its message) when the plan may not be written to ``out``, else None."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not args.force)):
        what = "is a file" if not out.is_dir() else "already holds files; pass --force to replace it"
        print(f"{out}: {what}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    if out.exists() and holds_working_folder(out):
        print(f"{out}: is the folder you are working in (or holds it); write the plan to another folder; "
              "nothing was written", file=sys.stderr)
        return EXIT_INVALID
    if lies_within(Path(args.scenario), out, unknown=True):
        print(f"{out}: holds the scenario {args.scenario}, which replacing it would delete; "
              "write the plan to another folder; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    return None


def _duty(args: argparse.Namespace, scenario: object) -> int:
    from planner.exports.documents import export_duty_documents
    from planner.results.solving import solve

    refused = refuse_out(Path(args.out), args)
    if refused is not None:
        return refused
    if args.plan is not None:
        from planner.results.published import published_plan

        if _verified(args.scenario, args.plan) != EXIT_OK:
            print(f"{args.plan}: does not keep the rules of {args.scenario} (above); the documents would send "
                  "people where the plan cannot be carried out; nothing was written", file=sys.stderr)
            return EXIT_INVALID
        try:
            plan = published_plan(scenario, args.plan)  # type: ignore[arg-type]
        except ScenarioError as exc:
            return _invalid(args.plan, exc.problems)
    else:
        try:
            plan = solve(scenario, solver=args.solver)  # type: ignore[arg-type]
        except (NoPlanError, SolverUnavailableError) as exc:
            print(f"no plan: {exc}; nothing was written", file=sys.stderr)
            return EXIT_NO_PLAN
    try:
        written = export_duty_documents(plan, args.out, lang=args.lang, public=args.public, overwrite=args.force)
    except RuntimeError as exc:  # no CJK font
        print(f"{args.out}: {exc}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # FileExistsError too: the folder filled up while the solver ran
        print(f"{args.out}: cannot write the documents ({exc.strerror or exc}); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    files = sorted(p.name for p in written.folder.iterdir())
    print(f"wrote {', '.join(files)} to {written.folder}" + (" (public: no phone numbers)" if args.public else
                                                              " (they hold phone numbers: personal data)"))
    return EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    from planner.io.convert import convert_scenario, left_behind

    source, target = Path(args.source), Path(args.target)
    if target.suffix.lower() == ".xlsx" and target.is_dir():
        print(f"{target}: is a folder, not a workbook file; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    if target.exists() and not args.force and (target.is_file() or any(target.iterdir())):
        print(f"{target}: already exists; pass --force to replace it; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    try:
        written = convert_scenario(source, target, overwrite=args.force)
    except ScenarioError as exc:
        return _invalid(args.source, exc.problems)
    except OSError as exc:  # FileExistsError: replacing the target would delete the source
        print(f"{target}: cannot write ({exc.strerror or exc}); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    kind = "workbook" if written.suffix.lower() == ".xlsx" else "scenario folder"
    print(f"wrote the {kind} {written}")
    others = left_behind(source)
    if others:
        print(f"note: not part of the scenario, so not in the {kind}: {', '.join(others)}", file=sys.stderr)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    return _verified(args.scenario, args.plan)


def _verified(scenario: str, plan: str) -> int:
    """The independent checker on a plan folder (it prints what it finds); its exit code."""
    from planner.verify import main as verify_main

    if not (Path(scenario).is_file() and scenario.lower().endswith(".xlsx")):
        return verify_main([scenario, plan])
    # The checker reads folders only (it shares no reading code with the planner): give it one.
    from planner.io.convert import convert_scenario

    with tempfile.TemporaryDirectory(prefix="planner-verify-") as tmp:
        try:
            folder = convert_scenario(scenario, Path(tmp) / "scenario")
        except ScenarioError as exc:
            return _invalid(scenario, exc.problems)
        return verify_main([str(folder), plan])


def _explain(args: argparse.Namespace) -> int:
    from planner.explain_command import PlanFolderError, explain_text

    try:
        print(explain_text(args.plan, lang=args.lang, district=args.district, point=args.point))
    except PlanFolderError as exc:
        print(f"{exc}; nothing was explained", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    from planner.generate import write_generated
    from planner.regions import MAX_REGIONS, write_regions

    if not 1 <= args.regions <= MAX_REGIONS:
        print(f"--regions: expected 1 to {MAX_REGIONS}, got {args.regions}; nothing was written", file=sys.stderr)
        return EXIT_INVALID

    try:
        if args.regions > 1:
            folder = write_regions(args.scale, args.regions, args.out, seed=args.seed, overwrite=args.force)
        else:
            folder = write_generated(args.scale, args.out, seed=args.seed, overwrite=args.force)
    except OSError as exc:  # the folder holds files (FileExistsError), or cannot be written
        print(f"{exc}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    regions = f" in {args.regions} regions" if args.regions > 1 else ""
    print(f"wrote a Beijing-like scenario x{args.scale}{regions} (seed {args.seed}) to {folder}")
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
