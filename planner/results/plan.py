"""A plan: the contract's tables, its summary, and the views people read.

Data flows one way: the model's solution becomes these tables (solving.py) and every view,
chart and export is made from them, never from the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.io.scenario import Scenario
from planner.io.settings import ROLES, Weights
from planner.model.levers import Inputs, Levers

if TYPE_CHECKING:
    from planner.model import PlanModel, Solution
    from planner.model.warm_start import Basis

# summary.json "whole_numbers_by": how staffing became whole volunteers (docs/model.md).
WHOLE_NUMBERS_BY = {
    "lp": "LP optimum already whole",
    "districts": "integer re-solve of the districts concerned",
    "integer": "integer re-solve",
}


@dataclass(frozen=True)
class Plan:
    """An allocation plan for a scenario under some levers.

    Attributes
    ----------
    status : str
        "optimal" (proven) or "feasible" (a plan, optimality not proven, e.g. at a time limit).
    assignments : pandas.DataFrame
        ``team_id, point_id, session_id, role, volunteers`` (volunteers > 0).
    shortfalls : pandas.DataFrame
        ``point_id, session_id, role, needed, assigned, missing, cause``: one row per need;
        ``cause`` says why a need is unmet (results/causes.py), empty where nothing is missing.
    distribution : pandas.DataFrame
        ``item_id, point_id, quantity, wanted``: one row per point that wants the item.
    roster : pandas.DataFrame
        ``person_id, name, team_id, point_id, session_id, role``: one row per person on duty
        (results/roster.py); adding it up by team, point, session and role gives ``assignments``.
    summary : dict
        The contract's ``summary.json`` (status, needed, assigned, unmet, coverage,
        supplies) and more: unmet by role, travel, the objective.
    marginal_values : pandas.DataFrame
        What one more volunteer (per district, session, role) or unit of stock is worth,
        from the LP's duals; empty when the solver gave none.
    timings : dict
        Seconds spent building, solving and extracting.
    basis : Basis, optional
        The LP's optimal basis, when asked for (``solve(keep_basis=True)``): the explanations'
        re-solves start from it (planner.model.warm_start).
    """

    scenario: Scenario
    levers: Levers
    weights: Weights
    status: str
    assignments: pd.DataFrame
    shortfalls: pd.DataFrame
    distribution: pd.DataFrame
    roster: pd.DataFrame
    summary: dict[str, Any]
    marginal_values: pd.DataFrame
    timings: Mapping[str, float] = field(default_factory=dict)
    basis: Basis | None = field(default=None, repr=False, compare=False)

    def by_district(self) -> pd.DataFrame:
        """Needs and staffing per district of the points, with coverage per role."""
        points = self.scenario.points[["point_id", "district_id"]]
        frame = self.shortfalls.merge(points, on="point_id")
        table = frame.pivot_table(index="district_id", columns="role", values=["needed", "assigned"],
                                  aggfunc="sum", fill_value=0)
        out = pd.DataFrame(index=self.scenario.districts["district_id"])
        for role in ROLES:
            needed = table.get(("needed", role), pd.Series(dtype="int64")).reindex(out.index, fill_value=0)
            assigned = table.get(("assigned", role), pd.Series(dtype="int64")).reindex(out.index, fill_value=0)
            out[f"{role}_needed"], out[f"{role}_assigned"] = needed.astype("int64"), assigned.astype("int64")
        out["needed"] = sum(out[f"{r}_needed"] for r in ROLES)
        out["assigned"] = sum(out[f"{r}_assigned"] for r in ROLES)
        out["missing"] = out["needed"] - out["assigned"]
        out["coverage"] = np.where(out["needed"] > 0, out["assigned"] / out["needed"].clip(lower=1), 1.0)
        out["points"] = points["district_id"].value_counts().reindex(out.index, fill_value=0)
        districts = self.scenario.districts.set_index("district_id")
        out.insert(0, "name_zh", districts["name_zh"])
        out.insert(1, "name_en", districts["name_en"])
        return out.reset_index()

    def by_point_session(self) -> pd.DataFrame:
        """Needed and assigned per point and session (all roles), in point then time order."""
        grid = self.shortfalls.groupby(["point_id", "session_id"], sort=False)[["needed", "assigned", "missing"]].sum()
        return grid.reset_index()

    def by_district_session(self) -> pd.DataFrame:
        """Coverage of each district in each session: districts as rows, sessions as columns."""
        frame = self.shortfalls.merge(self.scenario.points[["point_id", "district_id"]], on="point_id")
        sums = frame.groupby(["district_id", "session_id"])[["needed", "assigned"]].sum()
        coverage = (sums["assigned"] / sums["needed"].where(sums["needed"] > 0)).unstack("session_id")
        sessions = list(self.scenario.sessions["session_id"])
        districts = [d for d in self.scenario.districts["district_id"] if d in coverage.index]
        return coverage.reindex(index=districts, columns=sessions)

    def by_team(self) -> pd.DataFrame:
        """Each team's volunteer-sessions given, and what it could have given."""
        teams = self.scenario.teams[["team_id", "name", "district_id", "volunteers", "max_sessions"]].copy()
        given = self.assignments.groupby("team_id")["volunteers"].sum()
        teams["given"] = given.reindex(teams["team_id"]).fillna(0).astype("int64").to_numpy()
        return teams

    def travel_km(self) -> pd.DataFrame:
        """Assignments with the distance from the team's district centre to the point."""
        from planner.geo import distance_km

        sc = self.scenario
        frame = self.assignments.merge(sc.teams[["team_id", "district_id"]], on="team_id")
        frame = frame.merge(sc.districts[["district_id", "lat", "lon"]], on="district_id")
        frame = frame.merge(sc.points[["point_id", "lat", "lon"]], on="point_id", suffixes=("_from", "_to"))
        frame["km"] = distance_km(frame["lat_from"].to_numpy(), frame["lon_from"].to_numpy(),
                                  frame["lat_to"].to_numpy(), frame["lon_to"].to_numpy())
        return frame[["team_id", "point_id", "session_id", "role", "volunteers", "km"]]


def build_summary(inputs: Inputs, solution: Solution, assignments: pd.DataFrame, shortfalls: pd.DataFrame,
                  distribution: pd.DataFrame, model: PlanModel) -> dict[str, Any]:
    """The contract's summary.json, and the headline figures beside it.

    Only inputs and results go in, never timings, so the same input writes the same bytes.
    """
    sc = inputs.scenario
    needed = int(shortfalls["needed"].sum())
    assigned = int(shortfalls["assigned"].sum())
    items = pd.Index(sc.supplies["item_id"])
    item = items.get_indexer(distribution["item_id"])
    wanted = _sums(item, distribution["wanted"], len(items))
    distributed = _sums(item, distribution["quantity"], len(items))
    supplies = {
        item_id: {"stock": int(stock), "wanted": w, "distributed": d}
        for item_id, stock, w, d in zip(items, inputs.stock.tolist(), wanted, distributed, strict=True)
    }
    role = pd.Index(ROLES).get_indexer(pd.Index(shortfalls["role"]))
    needed_by_role = _sums(role, shortfalls["needed"], len(ROLES))
    missing_by_role = _sums(role, shortfalls["missing"], len(ROLES))
    team_district = pd.Index(sc.districts["district_id"]).get_indexer(sc.teams["district_id"])
    team = pd.Index(sc.teams["team_id"]).get_indexer(assignments["team_id"])
    point = pd.Index(sc.points["point_id"]).get_indexer(assignments["point_id"])
    volunteer_km = float((model.km[team_district[team], point] * assignments["volunteers"].to_numpy()).sum())
    return {
        "status": solution.status,
        "needed": needed,
        "assigned": assigned,
        "unmet": needed - assigned,
        "coverage": assigned / needed if needed else 1.0,  # exactly the contract's ratio, not rounded
        "supplies": supplies,
        "scenario": sc.name,
        "solver": solution.solver,
        "unmet_by_role": dict(zip(ROLES, missing_by_role, strict=True)),
        "needed_by_role": dict(zip(ROLES, needed_by_role, strict=True)),
        "average_travel_km": round(volunteer_km / assigned, 3) if assigned else 0.0,
        "objective": round(solution.objective, 6),
        "whole_numbers_by": WHOLE_NUMBERS_BY[solution.whole_by],
        **team_figures(assignments, sc.sessions["session_id"]),
        "levers": _levers_json(inputs),
    }


def team_figures(assignments: pd.DataFrame, sessions: pd.Series) -> dict[str, Any]:
    """How whole the teams are: the contract's three figures and the ones behind the targets.

    ``team_sessions``: team and session pairs with members on duty; ``team_sessions_split``: of
    those, with members at more than one point; ``team_points``: the distinct points each team
    serves, added up over the teams. ``pieces``: (team, point, session) with members on duty,
    ``single_pieces`` those of one volunteer; ``teams_one_point``: teams at one point all exam;
    ``same_point_share``: of the pairs of a team's consecutive sessions on duty, the share at the
    same single point (1.0 when there is no such pair).
    """
    # On integer codes (ids coded in sorted order, as a sorted groupby would take them).
    rank = pd.Index(sessions).get_indexer(assignments["session_id"]).astype("int64")
    teams, team = np.unique(assignments["team_id"].to_numpy(dtype=str), return_inverse=True)
    points, point = np.unique(assignments["point_id"].to_numpy(dtype=str), return_inverse=True)
    n_r, n_p = max(len(sessions), 1), max(len(points), 1)
    keys, piece_of = np.unique((team.astype("int64") * n_r + rank) * n_p + point, return_inverse=True)
    volunteers = np.bincount(piece_of.ravel(), weights=assignments["volunteers"].to_numpy(dtype="float64"),
                             minlength=len(keys))
    # Per team and session (in team, then time order): its points, and the first of them.
    team_session, first_piece, per_session = np.unique(keys // n_p, return_index=True, return_counts=True)
    first_point = keys[first_piece] % n_p
    team_of = team_session // n_r
    # Pairs of a team's consecutive sessions on duty (in its own order), and of those the ones
    # with the team whole at one point in both, the same point.
    pair = team_of[1:] == team_of[:-1]
    pairs = int(pair.sum())
    same = int((pair & (per_session[1:] == 1) & (per_session[:-1] == 1) & (first_point[1:] == first_point[:-1])).sum())
    team_point = np.unique(keys // (n_r * n_p) * n_p + keys % n_p)
    points_per_team = np.bincount(team_point // n_p, minlength=len(teams))
    return {
        "team_sessions": len(team_session),
        "team_sessions_split": int((per_session > 1).sum()),
        "team_points": len(team_point),
        "pieces": len(keys),
        "single_pieces": int((volunteers == 1).sum()),
        "teams_one_point": int((points_per_team == 1).sum()),
        "same_point_share": round(same / pairs, 4) if pairs else 1.0,
    }


def _sums(group: np.ndarray, values: pd.Series, groups: int) -> list[int]:
    """Whole-number sums of ``values`` per group (0 to groups - 1)."""
    sums = np.zeros(groups, dtype="int64")
    np.add.at(sums, group, values.to_numpy(dtype="int64"))
    return [int(v) for v in sums]


def _levers_json(inputs: Inputs) -> dict[str, Any]:
    levers = inputs.levers
    return {
        "availability": levers.availability,
        "district_availability": dict(sorted(levers.district_availability.items())),
        "stock": {k: int(v) for k, v in sorted(levers.stock.items())},
        "supply_factors": dict(sorted(levers.supply_factors.items())),
        "max_travel_km": None if inputs.reach_km == float("inf") else inputs.reach_km,
        "weights": inputs.weights.model_dump(),
        "closed_points": sorted(levers.closed_points),
        "need_factors": {s: dict(sorted(r.items())) for s, r in sorted(levers.need_factors.items())},
    }
