"""Stable exploring: a plan that follows a lever with the fewest changes to the plan shown.

The planner's LP is degenerate, so a plan made afresh for a small change of levers can reshuffle
hundreds of rows to fill two more needs. :class:`SteadyPlans` repairs the plan shown instead
(planner/results/replan.py, from the first session): every need the fresh plan fills is filled
(the re-plan fills as much weighted need as any plan can), and only what the change forces moves.
Levers asked for before give back the plan shown for them then, so moving a slider back returns
to the very plan it left.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd

from planner.io.previous_plan import previous_from_tables
from planner.results.plan import Plan
from planner.results.replan import plan_changes, replan

NO_PREFERENCE = pd.DataFrame({"team_id": pd.Series(dtype=object), "point_id": pd.Series(dtype=object),
                              "rank": pd.Series(dtype="int64")})


class SteadyPlans:
    """Plans of one scenario, each as close as it can be to the one shown before it.

    Parameters
    ----------
    remember : int
        Plans of this many levers are kept, to give back when the same levers are asked for again.
    """

    def __init__(self, *, remember: int = 16):
        self.shown: Plan | None = None
        self._known: dict[str, Plan] = {}
        self._remember = remember

    def follow(self, fresh: Plan) -> tuple[Plan, int]:
        """The plan to show for ``fresh``'s levers, and how many volunteer-sessions it changes from the one shown.

        ``fresh`` is the planner's own plan for those levers (:class:`planner.results.solving.LivePlanner`).
        """
        key = _key(fresh)
        shown = self.shown
        plan = self._known.get(key)
        if plan is None:
            plan = fresh
            if shown is not None and shown.scenario is fresh.scenario and not shown.assignments.equals(
                    fresh.assignments):
                previous = previous_from_tables(shown.assignments, shown.roster, shown.distribution,
                                                source="the plan shown")
                # No stand-ins asked for: a lever is no drop-out, and ranking them for every team a
                # lever thins would cost more than the re-plan itself.
                repaired = replan(fresh.scenario, previous, levers=fresh.levers, prefer=NO_PREFERENCE).plan
                summary = {k: v for k, v in repaired.summary.items() if k not in ("changed", "replanned_from")}
                plan = replace(repaired, summary=summary, marginal_values=fresh.marginal_values,
                               timings={**fresh.timings, "steady": repaired.timings.get("total", 0.0)})
            self._known[key] = plan
            while len(self._known) > self._remember:
                self._known.pop(next(iter(self._known)))
        changes = 0
        if shown is not None and shown.scenario is plan.scenario:
            difference = plan_changes(shown.assignments, plan.assignments, plan.scenario)
            changes = int((difference["after"] - difference["before"]).abs().sum())
        self.shown = plan
        return plan, changes


def _key(plan: Plan) -> str:
    fields = {name: getattr(plan.levers, name) for name in plan.levers.__dataclass_fields__}
    fields["closed_points"] = sorted(plan.levers.closed_points)
    return json.dumps(fields, sort_keys=True, default=str)


__all__ = ["SteadyPlans"]
