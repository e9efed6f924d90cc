"""Checking a plan folder: read its files, apply every rule; and ``python -m planner.verify``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.verify.causes import check_causes
from planner.verify.explanations import check_explanations
from planner.verify.people import check_maximality, check_roster, check_roster_sums
from planner.verify.pins import check_pins
from planner.verify.reading import PLAN_COLUMNS, Unusable, Violation, read_table
from planner.verify.rules import (
    check_assignments,
    check_distribution,
    check_limits,
    check_shortfalls,
    check_summary,
)
from planner.verify.scenario import read_scenario

# The name it had when the checker was one module: ``planner verify -v`` logs as planner.verify.
log = logging.getLogger("planner.verify")


def verify_plan(scenario_dir: str | Path, plan_dir: str | Path) -> list[Violation]:
    """Check a plan folder against its scenario folder and the contract.

    Parameters
    ----------
    scenario_dir : str or Path
        The scenario folder (``scenario.yaml``, ``districts.csv``...).
    plan_dir : str or Path
        The plan folder (``assignments.csv``, ``shortfalls.csv``, ``distribution.csv``,
        ``roster.csv``, ``explanations.csv``, ``summary.json``, ``plan.xlsx``).

    Returns
    -------
    list of Violation
        Every rule broken, empty for a plan that keeps them all. A scenario or plan that
        cannot be read at all gives the violations saying why, and nothing else.
    """
    scenario_dir, plan_dir = Path(scenario_dir), Path(plan_dir)
    try:
        scenario = read_scenario(scenario_dir)
    except Unusable as exc:
        return exc.violations
    violations: list[Violation] = []
    tables: dict[str, list[dict[str, str]]] = {}
    for name, columns in PLAN_COLUMNS.items():
        path = plan_dir / name
        if not path.is_file():
            violations.append(Violation("files", f"the plan has no {name}"))
            continue
        try:
            tables[name] = read_table(path, columns, "files")
        except Unusable as exc:
            violations.extend(exc.violations)
    if not (plan_dir / "plan.xlsx").is_file():
        violations.append(Violation("files", "the plan has no plan.xlsx"))
    summary: dict[str, Any] | None = None
    try:
        loaded = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            summary = loaded
        else:
            violations.append(Violation("files", "summary.json does not hold an object"))
    except (OSError, ValueError) as exc:
        violations.append(Violation("files", f"summary.json cannot be read: {exc}"))

    tally = roster = None
    if "assignments.csv" in tables:
        tally = check_assignments(scenario, tables["assignments.csv"], violations)
        check_limits(scenario, tally, violations)
        check_pins(scenario_dir, tally, violations)
    if "roster.csv" in tables:
        roster = check_roster(scenario, tables["roster.csv"], violations)
    if tally is not None and roster is not None:
        check_roster_sums(roster, tally, violations)
        # Read person by person: without a usable roster, who is idle is not known (and that is a violation).
        check_maximality(scenario, tally, roster, violations)
    if tally is not None and "shortfalls.csv" in tables:
        check_shortfalls(scenario, tally, tables["shortfalls.csv"], violations)
        if roster is not None:
            check_causes(scenario, tally, roster, tables["shortfalls.csv"], violations)
    if "explanations.csv" in tables:
        check_explanations(scenario, tables["explanations.csv"], violations)
    quantities = None
    if "distribution.csv" in tables:
        quantities = check_distribution(scenario, tables["distribution.csv"], violations)
    if summary is not None:
        check_summary(scenario, tally, quantities, summary, violations)
    for violation in violations:
        log.info("%s", violation)
    return violations


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m planner.verify SCENARIO PLAN``: print violations; exit 1 if any, else 0.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 when the plan keeps every rule, 1 when it breaks any.
    """
    parser = argparse.ArgumentParser(prog="python -m planner.verify",
                                     description="Check a plan folder against its scenario and the contract.")
    parser.add_argument("scenario", help="scenario folder")
    parser.add_argument("plan", help="plan folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the checker does")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    violations = verify_plan(args.scenario, args.plan)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} violation(s)", file=sys.stderr)
        return 1
    print(f"{args.plan}: the plan keeps every rule of the contract")
    return 0
