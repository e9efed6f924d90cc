"""Why a district's coverage moved between two plans, in a union planner's words.

A lever moves more than what it touches: with Chaoyang's volunteers cut to half, Xicheng's
coverage may fall too, because teams that served Xicheng's points now fill Chaoyang's. The
explorer says so under the figures. Every number comes from the two plans' assignments:

* a district's staffing is the volunteer-sessions on duty at its points (shortfalls.csv's
  ``assigned`` added up), split by the district of the teams that serve there;
* the team district whose volunteer-sessions there changed most is named, and where those teams
  went instead (or came from): the district whose points gained (lost) most of that team
  district's volunteer-sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.labels import label
from planner.results.plan import Plan

MIN_POINTS = 5.0  # a move of fewer percentage points is not worth a sentence
MOST = 3  # sentences at most, the largest moves first


@dataclass(frozen=True)
class Move:
    """One district's coverage before and after, and the team district that moved it most."""

    district_id: str
    before: float  # coverage, 0 to 1
    after: float
    staffed_change: int  # volunteer-sessions at its points, after minus before
    by: str  # the team district whose volunteer-sessions there changed most
    by_change: int
    other: str | None  # where those teams went instead (by < 0) or came from (by > 0); None: nowhere else
    other_change: int


def _flows(plan: Plan) -> pd.Series:
    """Volunteer-sessions by (team district, point district)."""
    a = plan.assignments
    team_district = plan.scenario.teams.set_index("team_id")["district_id"]
    point_district = plan.scenario.points.set_index("point_id")["district_id"]
    frame = pd.DataFrame({"from": a["team_id"].map(team_district).to_numpy(),
                          "to": a["point_id"].map(point_district).to_numpy(), "v": a["volunteers"].to_numpy()})
    return frame.groupby(["from", "to"])["v"].sum()


def _figures(plan: Plan) -> dict[str, tuple[int, int, float]]:
    """Per district of the points: needed, assigned and coverage."""
    table = plan.by_district()
    return {str(d): (int(n), int(a), float(c)) for d, n, a, c in
            zip(table["district_id"], table["needed"], table["assigned"], table["coverage"], strict=True)}


def coverage_moves(before: Plan, after: Plan, *, min_points: float = MIN_POINTS, most: int = MOST) -> list[Move]:
    """The districts whose coverage moved by at least ``min_points`` percentage points, largest first."""
    old, new = _figures(before), _figures(after)
    districts = [d for d in new if d in old and new[d][0] > 0 and old[d][0] > 0]
    shift = pd.Series({d: new[d][2] - old[d][2] for d in districts}, dtype=float)
    shift = shift[shift.abs() * 100 >= min_points - 1e-9]
    if shift.empty:
        return []
    flows = _flows(after).sub(_flows(before), fill_value=0).astype("int64")
    flows = flows[flows != 0]
    moves = []
    # Largest moves first; ties in the scenario's district order.
    order = sorted(shift.index, key=lambda d: (-abs(shift[d]), districts.index(d)))
    for d in order[:most]:
        staffed = new[d][1] - old[d][1]
        into = flows[flows.index.get_level_values("to") == d]
        # The team district that moved it: the largest change in the direction of the move.
        same_way = into[(into < 0) if staffed < 0 else (into > 0)] if staffed else into
        if same_way.empty:
            continue
        (by, _), by_change = max(same_way.items(), key=lambda kv: (abs(kv[1]), -districts.index(kv[0][0])
                                                                if kv[0][0] in districts else 0))
        # Where those teams went (a loss here) or came from (a gain here): the opposite change elsewhere.
        elsewhere = flows[(flows.index.get_level_values("from") == by) & (flows.index.get_level_values("to") != d)]
        elsewhere = elsewhere[(elsewhere > 0) if by_change < 0 else (elsewhere < 0)]
        other, other_change = None, 0
        if not elsewhere.empty:
            (_, other), other_change = max(elsewhere.items(), key=lambda kv: abs(kv[1]))
        moves.append(Move(district_id=d, before=old[d][2], after=new[d][2],
                          staffed_change=staffed, by=str(by), by_change=int(by_change),
                          other=None if other is None else str(other), other_change=int(other_change)))
    return moves


def move_text(move: Move, plan: Plan, lang: str) -> str:
    """One move as a sentence, e.g. "东城区 94% → 88%：其服务点少了4人次，其中西城区的队伍少来4人次，
    他们改去了西城区的服务点（多8人次）。"."""
    names = plan.scenario.districts.set_index("district_id")[f"name_{'zh' if lang == 'zh' else 'en'}"]

    def name(d: str) -> str:
        return str(names.get(d, d))

    fewer = move.staffed_change < 0
    text = label("move_head", lang).format(
        district=name(move.district_id), before=f"{move.before:.0%}", after=f"{move.after:.0%}",
        change=label("move_fewer" if fewer else "move_more", lang).format(n=abs(move.staffed_change)))
    own = move.by == move.district_id
    by = label("move_own" if own else "move_by", lang).format(
        district=name(move.by), n=abs(move.by_change), came=label("move_came_less" if move.by_change < 0
                                                                    else "move_came_more", lang))
    text += by
    if move.other is not None:
        key = "move_went" if move.by_change < 0 else "move_from"
        text += label(key, lang).format(district=name(move.other), n=abs(move.other_change))
    return text + label("move_end", lang)


__all__ = ["MIN_POINTS", "Move", "coverage_moves", "move_text"]
