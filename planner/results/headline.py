"""Headline figures of a plan: the few numbers a planner reads first, and their cards.

Coverage, unmet needs by role, packs handed out, the worst-covered district and the
average travel, and how whole the teams are (team-sessions split over more than one point,
teams at one point the whole exam), all computed from the plan's tables and summary (never
from the model), in the words of :mod:`planner.labels`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

from planner.io.settings import ROLES
from planner.labels import label
from planner.results.plan import Plan


@dataclass(frozen=True)
class Headline:
    """The headline figures of one plan.

    Attributes
    ----------
    coverage : float
        Volunteer-sessions staffed / needed (1.0 when nothing is needed).
    needed, assigned, unmet : int
        Volunteer-sessions.
    unmet_by_role : mapping of role to int
    packs_distributed, packs_wanted, packs_stock : int
        Items of category ``pack``, summed over pack items.
    packs_point_low, packs_point_high : float
        The lowest and highest share of a point's wanted packs that it receives, over the
        points that want any (1.0 when none does): what "4,000 packs for 14,589 parents"
        means at one point.
    worst_district : str or None
        district_id of the district with the lowest coverage among those with needs
        (ties: more unmet, then id order); None when no district needs anyone.
    worst_name_zh, worst_name_en : str
    worst_coverage : float
    average_travel_km : float
        Per staffed volunteer-session, from the team's district centre to the point.
    team_sessions, team_sessions_split : int
        Team and session pairs with members on duty; of those, the ones with members at more
        than one point (summary.json).
    teams_on_duty, teams_one_point : int
        Teams with any duty; of those, the ones at a single point the whole exam.
    """

    coverage: float
    needed: int
    assigned: int
    unmet: int
    unmet_by_role: Mapping[str, int]
    packs_distributed: int
    packs_wanted: int
    packs_stock: int
    worst_district: str | None
    worst_name_zh: str
    worst_name_en: str
    worst_coverage: float
    average_travel_km: float
    team_sessions: int
    team_sessions_split: int
    teams_on_duty: int
    teams_one_point: int
    packs_point_low: float = 1.0
    packs_point_high: float = 1.0


def headline(plan: Plan) -> Headline:
    """The headline figures of a plan."""
    s = plan.summary
    packs = set(plan.scenario.supplies.loc[plan.scenario.supplies["category"] == "pack", "item_id"])
    supplies = {k: v for k, v in s["supplies"].items() if k in packs}
    districts = plan.by_district()
    needy = districts[districts["needed"] > 0].sort_values(["coverage", "missing", "district_id"],
                                                           ascending=[True, False, True], kind="stable")
    worst = needy.iloc[0] if len(needy) else None
    pack_rows = plan.distribution[plan.distribution["item_id"].isin(packs)]
    given = pack_rows.groupby("point_id")[["quantity", "wanted"]].sum()
    given = given[given["wanted"] > 0]
    point_share = given["quantity"] / given["wanted"]
    return Headline(
        coverage=float(s["coverage"]), needed=int(s["needed"]), assigned=int(s["assigned"]), unmet=int(s["unmet"]),
        unmet_by_role={role: int(s["unmet_by_role"][role]) for role in ROLES},
        packs_distributed=sum(int(v["distributed"]) for v in supplies.values()),
        packs_wanted=sum(int(v["wanted"]) for v in supplies.values()),
        packs_stock=sum(int(v["stock"]) for v in supplies.values()),
        worst_district=None if worst is None else str(worst["district_id"]),
        worst_name_zh="" if worst is None else str(worst["name_zh"]),
        worst_name_en="" if worst is None else str(worst["name_en"]),
        worst_coverage=1.0 if worst is None else float(worst["coverage"]),
        average_travel_km=float(s["average_travel_km"]),
        team_sessions=int(s["team_sessions"]), team_sessions_split=int(s["team_sessions_split"]),
        teams_on_duty=int(plan.assignments["team_id"].nunique()), teams_one_point=int(s["teams_one_point"]),
        packs_point_low=float(point_share.min()) if len(point_share) else 1.0,
        packs_point_high=float(point_share.max()) if len(point_share) else 1.0,
    )


def packs_text(h: Headline, lang: str = "zh") -> tuple[str, str]:
    """The packs card: handed out of the stock, and what a planner can act on.

    Every waiting parent would like a pack and there are far fewer, so "handed out / wanted"
    looks like failure whatever is done. What a planner controls is whether all the stock
    goes out, and how far it goes at each point; the card says those.
    """
    w = lambda key: label(key, lang)  # noqa: E731
    if h.packs_stock == 0:
        return "0", w("packs_none")
    left = h.packs_stock - h.packs_distributed
    first = w("packs_all_out") if left <= 0 else w("packs_left").format(n=left)
    low, high = f"{h.packs_point_low:.0%}", f"{h.packs_point_high:.0%}"
    spread = w("packs_per_point").format(share=low) if low == high else \
        w("packs_per_point_range").format(low=low, high=high)
    return f"{h.packs_distributed:,} / {h.packs_stock:,}", f"{first} · {spread}"


def headline_rows(h: Headline, lang: str = "zh", *, teams: bool = False) -> list[tuple[str, str, str]]:
    """The figures as (key, label, text) rows, in the order the cards show them; with ``teams``,
    the teams' figures (``split``, ``whole``) follow coverage."""
    w = lambda key: label(key, lang)  # noqa: E731
    roles = " · ".join(f"{w(role)} {h.unmet_by_role[role]:,}" for role in ROLES)
    worst = (h.worst_name_zh if lang == "zh" else h.worst_name_en.split(" (")[0]) or "–"
    team_rows = [
        ("split", w("h_split"), f"{h.team_sessions_split:,} / {h.team_sessions:,}  ({w('h_split_of')})"),
        ("whole", w("h_whole"), f"{h.teams_one_point:,} / {h.teams_on_duty:,}  ({w('h_whole_of')})"),
    ] if teams else []
    return [
        ("coverage", w("h_coverage"), f"{h.coverage:.1%}"),
        *team_rows,
        ("unmet", w("h_unmet"), f"{h.unmet:,} / {h.needed:,}  ({roles})"),
        ("packs", w("h_packs"), "  ".join(packs_text(h, lang))),
        ("worst", w("h_worst"), f"{worst} {h.worst_coverage:.1%}"),
        ("travel", w("h_travel"), f"{h.average_travel_km:.1f} {w('km')}"),
    ]


def _change(key: str, h: Headline, base: Headline, lang: str, versus: str | None = None) -> tuple[str, str]:
    """Text and colour of a figure's change from the baseline ('' when it shows as unchanged)."""
    points = "个百分点" if lang == "zh" else "pts"
    if key == "coverage":
        delta, better = round((h.coverage - base.coverage) * 100, 1), h.coverage >= base.coverage
        text = f"{abs(delta):.1f} {points}"
    elif key == "unmet":
        delta, better = h.unmet - base.unmet, h.unmet <= base.unmet
        text = f"{abs(delta):,}"
    elif key == "packs":
        delta, better = h.packs_distributed - base.packs_distributed, h.packs_distributed >= base.packs_distributed
        text = f"{abs(delta):,}"
    elif key == "split":
        delta = h.team_sessions_split - base.team_sessions_split
        better = delta <= 0
        text = f"{abs(delta):,}"
    elif key == "whole":
        delta = h.teams_one_point - base.teams_one_point
        better = delta >= 0
        text = f"{abs(delta):,}"
    elif key == "worst":
        delta = round((h.worst_coverage - base.worst_coverage) * 100, 1)
        better = h.worst_coverage >= base.worst_coverage
        text = f"{abs(delta):.1f} {points}"
    else:
        delta = round(h.average_travel_km - base.average_travel_km, 1)
        better = h.average_travel_km <= base.average_travel_km
        text = f"{abs(delta):.1f} {label('km', lang)}"
    if delta == 0:
        return "", ""
    arrow = "▲" if delta > 0 else "▼"
    named = f"与{versus}相比" if lang == "zh" else f"vs. {versus}"
    against = label("vs_start", lang) if versus is None else named
    return f"{arrow} {text} {against}", "#1a7f37" if better else "#c62828"


def _detail_html(detail: str) -> str:
    """A card's detail, wrapping only between its parts ("a · b"), never inside a number or phrase."""
    return " · ".join(f'<span style="white-space:nowrap">{html.escape(part)}</span>' for part in detail.split(" · "))


def headline_html(h: Headline, lang: str = "zh", *, baseline: Headline | None = None, large: bool = False,
                  versus: str | None = None, teams: bool = False) -> str:
    """The figures as a row of cards (HTML); with a baseline, each card shows its change
    ("vs. the start", or "vs. <versus>" when the baseline has a name); with ``teams``, the
    teams' figures beside coverage.

    Every card carries ``data-figure="<key>"`` and its value ``class="vp-value"``, so a
    browser test (or a stylesheet) can find it.
    """
    size, small = ("2.3em", "1.0em") if large else ("1.7em", "0.85em")
    cards = []
    for key, name, text in headline_rows(h, lang, teams=teams):
        value, _, detail = text.partition("  ")
        change, colour = _change(key, h, baseline, lang, versus) if baseline is not None else ("", "")
        cards.append(
            # The value never wraps (the card grows, and cards wrap to a new row instead).
            f'<div class="vp-figure" data-figure="{key}" style="flex:1 1 9em;padding:0.5em 0.8em;'
            f'border:1px solid #d0d7de;border-radius:8px;background:#f6f8fa">'
            f'<div style="font-size:{small};color:#57606a">{html.escape(name)}</div>'
            f'<div class="vp-value" style="font-size:{size};font-weight:600;line-height:1.2;white-space:nowrap">'
            f"{html.escape(value)}</div>"
            f'<div class="vp-detail" style="font-size:{small};color:#57606a">{_detail_html(detail.strip("()"))}</div>'
            f'<div class="vp-change" style="font-size:{small};color:{colour}">{html.escape(change)}</div></div>'
        )
    return f'<div class="vp-headline" style="display:flex;flex-wrap:wrap;gap:0.6em">{"".join(cards)}</div>'


__all__ = ["Headline", "headline", "headline_html", "headline_rows", "packs_text"]
