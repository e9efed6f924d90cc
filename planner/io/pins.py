"""Pins (pins.csv, contract version 2): assignments a team leader has agreed, which every plan keeps.

A pin ``team_id, point_id, session_id, role, volunteers`` keeps at least that many of the team
there, in that role. A pin that no plan could keep is invalid input, reported on its row: the
team's members free in the session, trained for the role (and for all its skilled pins together),
its volunteer-sessions over the exam, the point's capacity, the need in that role, and the travel
reach. Unknown ids and repeated rows are found by the general checks (planner/io/checks.py).

Members are counted as the contract numbers them: the members free in a session are the first
ones of the order *trained first* (both skills, first aid only, counsellor only, neither).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.errors import Problem
from planner.geo import distance_km
from planner.io.scenario import Scenario, no_pins

LINE = "_line"  # the typed table's line of each row (planner/io/checks.py)


def order_pins(pins: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Pins in team, session (time order), point and role order, without their line numbers."""
    if pins is None or not len(pins):
        return no_pins()
    rank = {sid: i for i, sid in enumerate(scenario.sessions["session_id"])}
    out = pins.assign(_rank=pins["session_id"].map(rank)).sort_values(
        ["team_id", "_rank", "point_id", "role"], kind="stable")
    out = out[["team_id", "point_id", "session_id", "role", "volunteers"]].reset_index(drop=True)
    out["volunteers"] = out["volunteers"].astype("int64")
    return out


def pin_problems(scenario: Scenario, typed: pd.DataFrame, file: str) -> list[Problem]:
    """Every pin that breaks a rule of the plan, on its row (``typed`` carries the rows' lines).

    Called only when every cell and reference of the scenario is valid.
    """
    if not len(typed):
        return []
    problems: list[Problem] = []
    teams = scenario.teams.set_index("team_id")
    points = scenario.points.set_index("point_id")
    free = scenario.availability.set_index(["team_id", "session_id"])["volunteers"]
    pins = typed.assign(
        _free=free.reindex(pd.MultiIndex.from_frame(typed[["team_id", "session_id"]])).to_numpy(),
        _volunteers=teams["volunteers"].reindex(typed["team_id"]).to_numpy(),
        _first_aid=teams["first_aid"].reindex(typed["team_id"]).to_numpy(),
        _counsellors=teams["counsellors"].reindex(typed["team_id"]).to_numpy(),
        _max_sessions=teams["max_sessions"].reindex(typed["team_id"]).to_numpy(),
    )
    # Members free in the session who are trained for each skill (the first _free of the order
    # trained first: both, first aid only, counsellor only, neither).
    a, v, f, c = (pins[k].to_numpy(dtype="int64") for k in ("_free", "_volunteers", "_first_aid", "_counsellors"))
    both = np.maximum(0, f + c - v)
    pins["_free_first_aid"] = np.minimum(a, f)
    pins["_free_counsellors"] = np.minimum(a, both) + np.clip(np.minimum(a, f + c - both) - f, 0, None)
    pins["_free_trained"] = np.minimum(a, f + c - both)

    def flag(mask: pd.Series | np.ndarray, column: str, message: str, frame: pd.DataFrame = pins) -> None:
        for i in np.nonzero(np.asarray(mask))[0]:
            row = frame.iloc[i]
            values = {str(k): v for k, v in row.items()}
            problems.append(Problem(file, int(row[LINE]), column, message.format(**values)))

    def total(keys: list[str], where: pd.Series | None = None) -> pd.Series:
        values = pins["volunteers"].where(where, 0) if where is not None else pins["volunteers"]
        return values.groupby([pins[k] for k in keys]).transform("sum")

    pins["_team_session"] = total(["team_id", "session_id"])
    flag(pins["_team_session"] > pins["_free"], "volunteers",
         "pins {_team_session} of team {team_id} in session {session_id}, more than its {_free} members free then")
    for role, free_col, word in (("first_aid", "_free_first_aid", "first-aiders"),
                                 ("counsellor", "_free_counsellors", "counsellors")):
        pins["_skill"] = total(["team_id", "session_id"], pins["role"] == role)
        flag((pins["role"] == role) & (pins["_skill"] > pins[free_col]), "role",
             f"pins {{_skill}} {word} of team {{team_id}} in session {{session_id}}, more than its {{{free_col}}} "
             f"{word} free then")
    pins["_trained"] = total(["team_id", "session_id"], pins["role"] != "general")
    flag((pins["role"] != "general") & (pins["_trained"] > pins["_free_trained"]), "role",
         "pins {_trained} first-aiders and counsellors of team {team_id} in session {session_id}, more than its "
         "{_free_trained} trained members free then")
    pins["_team_total"] = total(["team_id"])
    pins["_most"] = pins["_volunteers"] * pins["_max_sessions"]
    flag(pins["_team_total"] > pins["_most"], "volunteers",
         "pins {_team_total} volunteer-sessions of team {team_id}, more than its {_volunteers} members x "
         "{_max_sessions} sessions")
    pins["_capacity"] = points["capacity"].reindex(pins["point_id"]).to_numpy()
    pins["_point_session"] = total(["point_id", "session_id"])
    flag(pins["_point_session"] > pins["_capacity"], "volunteers",
         "pins {_point_session} volunteers at point {point_id} in session {session_id}, more than its capacity "
         "{_capacity}")
    needs = scenario.needs.set_index(["point_id", "session_id", "role"])["volunteers"]
    pins["_need"] = needs.reindex(pd.MultiIndex.from_frame(pins[["point_id", "session_id", "role"]])) \
        .fillna(0).astype("int64").to_numpy()
    pins["_pinned_need"] = total(["point_id", "session_id", "role"])
    flag(pins["_pinned_need"] > pins["_need"], "volunteers",
         "pins {_pinned_need} {role} volunteers at point {point_id} in session {session_id}, more than the "
         "{_need} needed there (a volunteer beyond the need is a reserve, not staff)")
    reach = scenario.max_travel_km
    if reach is not None:
        districts = scenario.districts.set_index("district_id")
        home = teams["district_id"].reindex(pins["team_id"]).to_numpy()
        km = distance_km(
            districts["lat"].reindex(home).to_numpy(dtype=float), districts["lon"].reindex(home).to_numpy(dtype=float),
            points["lat"].reindex(pins["point_id"]).to_numpy(dtype=float),
            points["lon"].reindex(pins["point_id"]).to_numpy(dtype=float))
        pins["_km"] = np.round(km, 1)
        pins["_reach"] = reach
        # (a pin of 0 asks for nothing, so it breaks no rule however far the point is)
        flag((km > reach) & (pins["volunteers"].to_numpy() > 0), "point_id",
             "point {point_id} is {_km} km from team {team_id}'s district, beyond max_travel_km {_reach}")
    return problems


def pinned_scenario(scenario: Scenario, pins: pd.DataFrame) -> Scenario:
    """``scenario`` with ``pins`` (``team_id, point_id, session_id, role, volunteers``) as its pins.

    Raises
    ------
    ValueError
        A pin names an unknown id or breaks a rule: every problem, in one message.
    """
    frame = pins[["team_id", "point_id", "session_id", "role", "volunteers"]].reset_index(drop=True)
    known = {"team_id": set(scenario.teams["team_id"]), "point_id": set(scenario.points["point_id"]),
             "session_id": set(scenario.sessions["session_id"]), "role": {"general", "first_aid", "counsellor"}}
    unknown = [f"{value!r} is not a {column} of the scenario" for column, ids in known.items()
               for value in frame[column] if value not in ids]
    if unknown:
        raise ValueError("; ".join(unknown))
    frame = frame.assign(volunteers=frame["volunteers"].astype("int64"))
    found = pin_problems(scenario, frame.assign(**{LINE: frame.index + 2}), "pins")
    if found:
        raise ValueError("; ".join(p.message for p in found))
    return scenario.replace(pins=order_pins(frame, scenario))


__all__ = ["order_pins", "pin_problems", "pinned_scenario"]
