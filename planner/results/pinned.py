"""Plans that keep the scenario's pins (pins.csv): the planner's plan, repaired where it breaks one.

The planner's LP plans per district pool and class of members (model/formulation.py), so it has no
column for one team at one point; a pin is kept by repairing the plan it gives: the re-plan model
(model/replan.py) from the first session, with the pins as lower bounds, fills as much need as any
plan keeping the pins can, and changes as few of the planner's rows as that allows (so teams stay
as together as the planner had them). A plan that keeps every pin already is returned as it is.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from planner.io.previous_plan import previous_from_tables
from planner.results.plan import Plan


def pins_held(plan: Plan) -> bool:
    """True when the plan keeps every pin of its scenario."""
    pins = plan.scenario.pins
    if not len(pins):
        return True
    keys = ["team_id", "point_id", "session_id", "role"]
    given = plan.assignments.groupby(keys)["volunteers"].sum()
    held = given.reindex(pd.MultiIndex.from_frame(pins[keys])).fillna(0).to_numpy()
    return bool((held >= pins["volunteers"].to_numpy()).all())


def keep_pins(plan: Plan) -> Plan:
    """``plan``, or where it breaks a pin, the plan repaired to keep them (see the module's notes).

    The repaired plan's summary says so (``pins_repaired``: the volunteer-sessions changed from the
    planner's plan); its marginal values are the planner's LP's.
    """
    if pins_held(plan):
        return plan
    from planner.results.replan import replan

    previous = previous_from_tables(plan.assignments, plan.roster, plan.distribution, source="the planner's plan")
    repaired = replan(plan.scenario, previous, levers=plan.levers).plan
    summary = {key: value for key, value in repaired.summary.items() if key not in ("changed", "replanned_from")}
    summary["pins_repaired"] = repaired.summary["changed"]
    return replace(repaired, summary=summary, marginal_values=plan.marginal_values)


__all__ = ["keep_pins", "pins_held"]
