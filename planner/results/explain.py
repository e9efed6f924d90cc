"""What would fix an unmet need: changes to the scenario, each measured by solving again (explanations.csv).

Four kinds of change (contract v2): one more team of volunteers of a district and role (a
person serving the district's usual number of sessions, or for one session), more stock of an
item, more room at a point, a longer reach. Each candidate is solved again with that change
alone (planner.results.trials: one model, warm re-solves), and ``gain`` is what that solve
gains over the plan: volunteer-sessions of need more filled, or units more handed out.

Trying every district, role and session would take hundreds of solves, so candidates come
from the plan itself: the pool rows' duals say which districts' volunteers are worth most
(the LP's price of one more volunteer-session there), the unmet needs and their causes say
which districts can reach them at all (a role a district has no member for has no row, hence
no dual: it is priced by trying it), which points are full, which items short, and how far
the nearest teams beyond the reach are. For the best candidates of each kind the amount is
raised until more stops helping (``helps_up_to``, ``gain_up_to``): the LP's own ranging is no
guide here, the model being degenerate.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.geo import distance_km
from planner.io.settings import ROLES
from planner.results.plan import Plan
from planner.results.sentences import change_text
from planner.results.trials import TRIAL_TEAM_SIZE, Change, Outcome, Trials

log = logging.getLogger(__name__)

EXPLANATION_COLUMNS = ["rank", "kind", "district_id", "point_id", "session_id", "role", "item_id", "amount",
                       "sessions", "gain", "text_zh", "text_en"]
# The project's columns beside the contract's (docs/scenario-format.md): how far more keeps
# helping, and which needs the change fills (``point_id session_id role`` joined by ";").
EXTRA_COLUMNS = ["helps_up_to", "gain_up_to", "fills"]
KIND_ORDER = ("volunteers", "capacity", "reach", "stock")


@dataclass(frozen=True)
class Options:
    """How many candidates to try (the 1 s budget on Beijing 2023 is spent here).

    ``districts``: per role with unmet need, the districts tried (best first), each with a
    person serving the usual sessions and, where that person cannot serve them all, one for
    one session in each of the ``sessions`` sessions with the most unmet need it reaches;
    ``most``: the largest amount tried for volunteers and capacity (the best row of each kind
    and role is raised until more stops helping: ``helps_up_to``).
    """

    districts: int = 2
    sessions: int = 2
    most: int = TRIAL_TEAM_SIZE


@dataclass(frozen=True)
class Explanations:
    """Suggestions for a plan, measured.

    ``table``: :data:`EXPLANATION_COLUMNS` then :data:`EXTRA_COLUMNS`, kinds in
    :data:`KIND_ORDER`, each ranked. ``fills``: per table row, the needs (point, session, role)
    the change fills, and by how many. ``solves`` and ``seconds``: what measuring took.
    """

    table: pd.DataFrame
    fills: list[dict[tuple[str, str, str], int]] = field(default_factory=list)
    solves: int = 0
    seconds: float = 0.0


def usual_sessions(plan: Plan, district_id: str, role: str) -> int:
    """Sessions a member usually serves: the commonest max_sessions of the district's teams with the role.

    Teams with members trained for the role count (any team for general); without such teams
    in the district, the scenario's teams with the role; without any, its teams (ties: fewer).
    """
    teams = plan.scenario.teams
    has_role = teams["volunteers"] > 0 if role == "general" else teams[
        "first_aid" if role == "first_aid" else "counsellors"] > 0
    most = max(len(plan.scenario.sessions), 1)  # no one serves more sessions than there are
    for chosen in (teams[has_role & (teams["district_id"] == district_id)], teams[has_role], teams):
        if len(chosen):
            counts = chosen["max_sessions"].value_counts()
            return min(most, int(min(counts[counts == counts.max()].index)))
    return 1


def _reach(plan: Plan) -> float:
    reach = plan.levers.max_travel_km if plan.levers.max_travel_km is not None else plan.scenario.max_travel_km
    return math.inf if reach is None else float(reach)


def _km(plan: Plan) -> np.ndarray:
    sc = plan.scenario
    return distance_km(sc.districts["lat"].to_numpy()[:, None], sc.districts["lon"].to_numpy()[:, None],
                       sc.points["lat"].to_numpy()[None, :], sc.points["lon"].to_numpy()[None, :])


def candidates(plan: Plan, options: Options = Options()) -> list[Change]:
    """The changes worth trying for this plan (see the module's docstring), in a fixed order."""
    sc = plan.scenario
    short = plan.shortfalls[plan.shortfalls["missing"] > 0]
    changes: list[Change] = []
    districts = sc.districts["district_id"].tolist()
    km, reach = _km(plan), _reach(plan)
    point_at = pd.Index(sc.points["point_id"])
    # Needs more volunteers could fill: not at a full point.
    open_short = short[short["cause"] != "point_full"]
    p = point_at.get_indexer(open_short["point_id"])
    values = plan.marginal_values
    volunteer_value = values[values["kind"] == "volunteer"].groupby(["district_id", "role"])["value"].max()
    for role in ROLES:
        mine = open_short["role"].to_numpy() == role
        if not mine.any():
            continue
        missing = open_short["missing"].to_numpy()[mine]
        reached = km[:, p[mine]] <= reach  # districts x these needs
        in_reach = reached @ missing
        weight = plan.weights.role(role)
        # The dual prices one more volunteer-session of a district's pool; a district with no
        # member for the role has no pool row: it would fill the needs it reaches at the role's weight.
        score = [(float(volunteer_value.get((d, role), weight if in_reach[g] > 0 else 0.0)), int(in_reach[g]))
                 for g, d in enumerate(districts)]
        order = sorted((g for g in range(len(districts)) if in_reach[g] > 0),
                       key=lambda g: (-round(score[g][0], 6), -score[g][1], g))[:options.districts]
        # A need no one in reach could fill is filled only by someone new within reach: its own
        # district's volunteers are tried too, whatever the duals say of the others.
        alone = mine & (open_short["cause"].to_numpy() == "no_one_in_reach")
        point_district = pd.Index(districts).get_indexer(sc.points["district_id"].to_numpy()[p[alone]])
        order += [int(g) for g in dict.fromkeys(point_district.tolist()) if g not in order and in_reach[g] > 0]
        for g in order:
            d = districts[g]
            most = usual_sessions(plan, d, role)
            changes.append(Change("volunteers", 1, district_id=d, role=role, sessions=most))
            if len(sc.sessions) <= 1:
                continue
            by_session = pd.Series(missing[reached[g]]).groupby(
                open_short["session_id"].to_numpy()[mine][reached[g]]).sum()
            rank = {s: i for i, s in enumerate(sc.sessions["session_id"])}
            for session_id in sorted(by_session.index, key=lambda s: (-by_session[s], rank[s]))[:options.sessions]:
                changes.append(Change("volunteers", 1, district_id=d, role=role, sessions=1, session_id=session_id))
    # Room at full points: one more place (raised later while it helps).
    for point_id in dict.fromkeys(short.loc[short["cause"] == "point_full", "point_id"]):
        changes.append(Change("capacity", 1, point_id=point_id))
    # A longer reach: enough for the nearest district beyond it of some unmet need (in steps
    # of 5 km), and twice the reach.
    if math.isfinite(reach):
        far = short[short["cause"] != "point_full"]
        beyond = km[:, point_at.get_indexer(far["point_id"])]
        beyond = np.unique(np.ceil(beyond[beyond > reach] / 5) * 5)
        for km_to in sorted({*beyond[:1].tolist(), *([math.ceil(reach * 2 / 5) * 5] if len(beyond) else [])}):
            changes.append(Change("reach", float(km_to)))
    # Stock: enough of each short item for every point to get all it wants.
    for item_id, figures in plan.summary["supplies"].items():
        if figures["wanted"] > figures["stock"]:
            changes.append(Change("stock", figures["wanted"] - figures["stock"], item_id=item_id))
    return changes


def _gain(change: Change, outcome: Outcome, plan: Plan) -> int:
    if change.kind == "stock":
        return outcome.distributed[change.item_id] - plan.summary["supplies"][change.item_id]["distributed"]
    return outcome.filled - int(plan.summary["assigned"])


def _most_useful(plan: Plan, change: Change, options: Options) -> int:
    """An amount beyond which more of the change cannot help (at most ``options.most``).

    Volunteers: in a session, what is filled can grow by at most what is missing then at points
    with room (a full point's total cannot grow), and over the exam by at most all of that, M.
    New members in a session beyond that session's missing, or person-sessions beyond M, cannot
    help, wherever the chain of moves lands; so once a team has as many people as the most
    missing in any session it is free, and ``sessions`` times its people reach M, no constraint
    of the new team binds any more. A point with more room can take at most what is missing
    there in one of its sessions.
    """
    f = plan.shortfalls
    if change.kind == "volunteers":
        open_short = f[(f["cause"] != "point_full") & (f["missing"] > 0)]
        if change.session_id:
            open_short = open_short[open_short["session_id"] == change.session_id]
        per_session = open_short.groupby("session_id")["missing"].sum()
        total = int(per_session.sum())
        bound = max(-(-total // max(change.sessions, 1)), int(per_session.max()) if len(per_session) else 0)
    else:
        bound = int(f[f["point_id"] == change.point_id].groupby("session_id")["missing"].sum().max())
    return max(1, min(options.most, bound))


def explain(plan: Plan, *, options: Options = Options(), solver: str = "highs", client: Any = None) -> Explanations:
    """Measure the changes that would help this plan (explanations.csv), ranked per kind.

    Volunteers for one session are tried where that matters: for a district and role whose
    person serving the usual sessions cannot fill that many duties (the shortage is in a few
    sessions).

    Parameters
    ----------
    plan : Plan
    options : Options
        How many candidates to try.
    solver : str
        The solver of the re-solves.
    client : dask.distributed.Client, optional
        A cluster whose workers solve the parts' re-solves (planner.results.trials), as
        ``planner solve`` has for a scenario solved by parts; the same explanations as without.

    Returns
    -------
    Explanations
        With ``text_zh`` and ``text_en`` (planner.results.sentences).
    """
    started = time.perf_counter()
    # Gains are measured over the plan: over a plan not proven optimal (a time limit) they would
    # count what the plan missed, not what the change brings, so such a plan gets none. A re-plan or
    # a plan repaired to keep its pins gets no staffing ones: what it keeps (sessions held, pins) is
    # not in the trial model, so a trial's gain over it would count what keeping costs. Its supplies
    # are shared apart from the staffing, as any plan's (min(stock, wanted) of each item, whatever
    # the volunteers do), so more stock gains over it what it gains over any plan.
    keeps = bool({"replanned_from", "pins_repaired"} & plan.summary.keys())
    changes = [change for change in candidates(plan, options) if not keeps or change.kind == "stock"] \
        if plan.status == "optimal" else []
    rows: list[dict[str, object]] = []
    fills: list[dict[tuple[str, str, str], int]] = []
    named: list[dict[tuple[str, str, str], int]] = []
    solves = 0
    if changes:
        trials = Trials(plan.scenario, plan.levers, changes, solver=solver, plan=plan, client=client)
        try:
            measured = _measure(trials, changes, plan)
            measured = [m for m in measured if m[1] > 0]
            measured.sort(key=lambda m: (KIND_ORDER.index(m[0].kind), -m[1], m[0].amount, m[0].session_id != ""))
            done: dict[str, int] = {}
            now, km_all = _assigned(plan), _km(plan)  # once for every row
            saturated: set[tuple[str, str]] = set()
            for change, gain, outcome in measured:
                kind_rank = done[change.kind] = done.get(change.kind, 0) + 1
                up_to = gain_up_to = None
                group = (change.kind, change.role)
                if change.kind == "stock":
                    up_to, gain_up_to = change.amount, gain  # all that every point wants: more cannot be handed out
                elif change.kind != "reach" and group not in saturated and not change.session_id:
                    saturated.add(group)
                    up_to, gain_up_to = _saturation(trials, change, gain, plan, options)
                filled = _filled(plan, outcome.staffed, now) if change.kind != "stock" else {}
                fills.append(filled)
                named.append(_named(plan, change, filled, gain, km_all))
                rows.append({
                    "rank": kind_rank, "kind": change.kind, "district_id": change.district_id,
                    "point_id": change.point_id, "session_id": change.session_id, "role": change.role,
                    "item_id": change.item_id, "amount": _number(change.amount),
                    "sessions": change.sessions if change.kind == "volunteers" else "", "gain": gain,
                    "helps_up_to": "" if up_to is None else _number(up_to),
                    "gain_up_to": "" if gain_up_to is None else gain_up_to,
                    "fills": ";".join(f"{p} {s} {r}" for (p, s, r) in filled),
                })
            solves = trials.solves
        except BaseException:
            with contextlib.suppress(Exception):  # (the error is what to report, not a failed clean-up)
                trials.close()
            raise
        trials.close()  # the workers' blocks (planner.results.trials)
    table = pd.DataFrame(rows, columns=[c for c in EXPLANATION_COLUMNS if not c.startswith("text")] + EXTRA_COLUMNS)
    texts = [change_text(plan, row, places, most=options.most) for row, places in zip(rows, named, strict=True)]
    table.insert(10, "text_zh", [zh for zh, _ in texts])
    table.insert(11, "text_en", [en for _, en in texts])
    seconds = time.perf_counter() - started
    log.info("explanations for %s: %d rows from %d solves in %.3f s", plan.scenario.name, len(table), solves, seconds)
    return Explanations(table=table, fills=fills, solves=solves, seconds=seconds)


def _measure(trials: Trials, changes: list[Change], plan: Plan) -> list[tuple[Change, int, Outcome]]:
    """Each change tried, its gain and outcome, in the order of ``changes``.

    Every change is sent before any is waited for (the cluster's workers solve them side by side,
    and the supply items' models are solved here meanwhile), but for the volunteers for one
    session: those are tried only where the usual person of their district and role is not used
    in full, which the first round says.
    """
    def measured(n: int, outcome: Outcome) -> tuple[Change, int, Outcome]:
        return changes[n], _gain(changes[n], outcome, plan), outcome

    first = {n: trials.submit(c) for n, c in enumerate(changes) if not (c.kind == "volunteers" and c.session_id)}
    results = {n: measured(n, pending()) for n, pending in first.items()}
    full_gain = {(c.district_id, c.role): (results[n][1], c.sessions) for n, c in enumerate(changes)
                 if n in results and c.kind == "volunteers"}  # (district, role): gain, sessions each
    second = {}
    for n, change in enumerate(changes):
        parent = full_gain.get((change.district_id, change.role)) if n not in results else None
        if parent is not None and parent[0] < parent[1]:
            second[n] = trials.submit(change)
    results.update((n, measured(n, pending())) for n, pending in second.items())
    return [results[n] for n in sorted(results)]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _assigned(plan: Plan) -> dict[tuple[str, str, str], int]:
    """(point_id, session_id, role): volunteers the plan puts there."""
    f = plan.shortfalls
    return dict(zip(zip(f["point_id"].tolist(), f["session_id"].tolist(), f["role"].tolist(), strict=True),
                    f["assigned"].tolist(), strict=True))


def _filled(plan: Plan, staffed: dict[tuple[str, str, str], int],
            now: dict[tuple[str, str, str], int] | None = None) -> dict[tuple[str, str, str], int]:
    """The needs the change fills more than the plan does (``now``: :func:`_assigned`), and by how many.

    ``staffed`` may hold only some needs (those of the part solved): the others are as in the plan.
    """
    now = _assigned(plan) if now is None else now
    more = {key: value - int(now.get(key, 0)) for key, value in staffed.items()}
    return {key: n for key, n in sorted(more.items()) if n > 0}


def _named(plan: Plan, change: Change, filled: dict[tuple[str, str, str], int],
           gain: int, km_all: np.ndarray | None = None) -> dict[tuple[str, str, str], int]:
    """The needs a sentence names for the change: those it fills directly, when they add up to its gain.

    Filling a need can move others (fairness shares a scarce role again), so the needs filled
    more are not always the change's doing; a sentence names only the needs of the change's
    own role (volunteers: within its district's reach; capacity: at the point), and only when
    they are exactly what it gains, else none.
    """
    if change.kind == "volunteers":
        sc = plan.scenario
        reach = _reach(plan)
        row = int(pd.Index(sc.districts["district_id"]).get_loc(change.district_id))
        km = (_km(plan) if km_all is None else km_all)[row]
        point_at = pd.Index(sc.points["point_id"])
        roles = {change.role, "general"}
        own = {k: n for k, n in filled.items() if k[2] in roles and km[point_at.get_loc(k[0])] <= reach
               and (not change.session_id or k[1] == change.session_id)}
    elif change.kind == "capacity":
        own = {k: n for k, n in filled.items() if k[0] == change.point_id}
    else:
        own = dict(filled)
    return own if sum(own.values()) == gain else {}


def _saturation(trials: Trials, change: Change, gain: int, plan: Plan,
                options: Options) -> tuple[float | None, int | None]:
    """The amount after which more of the change adds nothing, and the gain there.

    Volunteers and capacity: the gain at an amount beyond which more cannot help
    (:func:`_most_useful`), then the smallest amount with that gain: first the guess of the
    gain per unit staying as it was at the amount tried, then halving. (Stock: the amount
    itself, what every point wants; reach: none, the reaches tried are the rows.)
    """
    low, high = int(change.amount), _most_useful(plan, change, options)
    if high <= low:
        return float(low), gain
    top = _gain(change, trials.outcome(change.with_amount(high)), plan)
    if top <= gain:
        return float(low), gain
    # First the amount at which the gain per unit would stay as it was, and the one below it:
    # the gain mostly grows in steps of what one unit brings, so these two usually settle it.
    guess = min(high, max(low + 1, -(-top * low // max(gain, 1))))
    queue = [guess, guess - 1]
    while high - low > 1:
        middle = (low + high) // 2
        while queue:
            first = queue.pop(0)
            if low < first < high:
                middle = first
                break
        if _gain(change, trials.outcome(change.with_amount(middle)), plan) >= top:
            high = middle
        else:
            low = middle
    return float(high), top


def explanation_frame(explanations: Explanations, *, extra: bool = True) -> pd.DataFrame:
    """explanations.csv as written: the contract's columns, then (``extra``) the project's."""
    columns = EXPLANATION_COLUMNS + (EXTRA_COLUMNS if extra else [])
    return explanations.table[columns]


__all__ = ["EXPLANATION_COLUMNS", "EXTRA_COLUMNS", "Explanations", "Options", "candidates", "explain",
           "explanation_frame", "usual_sessions"]
