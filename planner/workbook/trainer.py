"""The trainer's story for meetings: three what-ifs told with large charts and plain sentences.

* "What if 20% fewer volunteers come?"  (availability 0.8)
* "What if it rains on day two?"        (the rain preset on the second exam day)
* "Where would 500 more packs help?"    (parent packs' stock + 500)

Each step compares the scenario as planned with the what-if: headline cards side by side,
a chart on shared axes, and a sentence whose every number comes from the two plans. A
:class:`TrainerDemo` also holds a live panel (a large :class:`planner.workbook.explorer.Explorer` with
a few controls) so the room can ask its own what-if; the language buttons switch everything.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as w

from planner.exports import charts
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.labels import label
from planner.model.weather import exam_days, weather_levers
from planner.results.headline import Headline, headline, headline_html
from planner.results.plan import Plan
from planner.workbook.common import guarded, png_image
from planner.workbook.explorer import Explorer

LIVE_GROUPS = ("ctl_availability", "ctl_weather", "ctl_stock")


@dataclass(frozen=True)
class Step:
    """One what-if: its title, the levers, and how to draw and say it."""

    key: str
    title: Mapping[str, str]  # lang -> title
    levers: Mapping[str, Any]
    chart: Callable[[Plan, Plan, str], Any]
    sentence: Callable[[Plan, Plan, str], str]


def _pct(value: float) -> str:
    return f"{value:.1%}"


def fewer_volunteers_sentence(base: Plan, what_if: Plan, lang: str, *, share: float = 0.8) -> str:
    """Coverage before and after, and which role loses most."""
    a, b = headline(base), headline(what_if)
    lost = {r: b.unmet_by_role[r] - a.unmet_by_role[r] for r in ROLES}
    role = max(ROLES, key=lambda r: (lost[r], -ROLES.index(r)))
    if lang == "zh":
        return (f"若只有{share:.0%}的志愿者到岗，保障率从{_pct(a.coverage)}降到{_pct(b.coverage)}，"
                f"未满足需求增加{b.unmet - a.unmet:,}人次，其中{label(role, 'zh')}增加最多（{lost[role]:,}人次）。"
                f"保障最弱的是{b.worst_name_zh}（{_pct(b.worst_coverage)}）。")
    return (f"With {share:.0%} of the volunteers, coverage falls from {_pct(a.coverage)} to {_pct(b.coverage)}: "
            f"{b.unmet - a.unmet:,} more volunteer-sessions go unmet, most of them {label(role, 'en').lower()} "
            f"({lost[role]:,}). The worst-covered district is {b.worst_name_en} ({_pct(b.worst_coverage)}).")


def rain_sentence(base: Plan, what_if: Plan, lang: str, *, day: str) -> str:
    """What rain on one day adds to the needs and how that day's coverage changes."""
    sessions = set(base.scenario.sessions.loc[base.scenario.sessions["date"] == day, "session_id"])

    def day_figures(plan: Plan) -> tuple[int, int]:
        rows = plan.shortfalls[plan.shortfalls["session_id"].isin(sessions)]
        return int(rows["needed"].sum()), int(rows["assigned"].sum())

    (need_a, got_a), (need_b, got_b) = day_figures(base), day_figures(what_if)
    cover_a, cover_b = got_a / max(need_a, 1), got_b / max(need_b, 1)
    coat_a, coat_b = (p.summary["supplies"].get("raincoat") for p in (base, what_if))
    day_zh = f"{int(day[5:7])}月{int(day[8:10])}日"
    if lang == "zh":
        text = (f"{day_zh}下雨时，当天需要的志愿者从{need_a:,}增至{need_b:,}人次，"
                f"当天保障率从{_pct(cover_a)}变为{_pct(cover_b)}。")
        if coat_a and coat_b:
            text += f"雨衣需求从{coat_a['wanted']:,}件增至{coat_b['wanted']:,}件，库存{coat_b['stock']:,}件。"
        return text
    text = (f"Rain on {day} raises that day's needs from {need_a:,} to {need_b:,} volunteer-sessions; "
            f"the day's coverage goes from {_pct(cover_a)} to {_pct(cover_b)}.")
    if coat_a and coat_b:
        text += (f" Raincoats wanted rise from {coat_a['wanted']:,} to {coat_b['wanted']:,}, "
                 f"with {coat_b['stock']:,} in stock.")
    return text


def more_packs_sentence(base: Plan, what_if: Plan, lang: str, *, item: str, extra: int) -> str:
    """How many of the extra units are handed out, and which districts receive most."""
    change = charts.extra_supply_by_district(base, what_if, item).sort_values(ascending=False)
    districts = base.scenario.districts
    names = dict(zip(districts["district_id"], districts["name_zh" if lang == "zh" else "name_en"], strict=True))
    top = [f"{names[str(d)]} +{n:,}" for d, n in change.head(3).items() if n > 0]
    handed = what_if.summary["supplies"][item]["distributed"] - base.summary["supplies"][item]["distributed"]
    wanted = base.summary["supplies"][item]["wanted"]
    if lang == "zh":
        return (f"多{extra:,}个后，全部{handed:,}个都能发出（需求共{wanted:,}个），"
                f"按各点候考家长人数同比例分配，得到最多的是：{'、'.join(top)}。")
    return (f"With {extra:,} more, {handed:,} more are handed out ({wanted:,} wanted in all), shared in "
            f"proportion to the parents waiting at each point; most go to {', '.join(top)}.")


def default_steps(scenario: Scenario, *, share: float = 0.8, rain_day: int = 2, item: str = "parent-pack",
                  extra: int = 500) -> list[Step]:
    """The three what-ifs of the meeting, for this scenario.

    Raises
    ------
    ValueError
        The scenario has fewer exam days than ``rain_day`` or no such item.
    """
    days = exam_days(scenario)
    if not 1 <= rain_day <= len(days):
        raise ValueError(f"rain_day must be 1 to {len(days)} (the scenario's exam days), got {rain_day}")
    stock = scenario.supplies.set_index("item_id")["stock"]
    if item not in stock.index:
        raise ValueError(f"{item!r} is not an item of the scenario")
    day = days[rain_day - 1]
    return [
        Step("fewer", {"zh": f"如果只有{share:.0%}的志愿者到岗？",
                       "en": f"What if only {share:.0%} of the volunteers come?"},
             {"availability": share},
             lambda a, b, lang: charts.compare_coverage(_pair(a, b, lang, "fewer"), lang=lang, large=True),
             lambda a, b, lang: fewer_volunteers_sentence(a, b, lang, share=share)),
        Step("rain", {"zh": f"如果第{rain_day}天（{day}）下雨？", "en": f"What if it rains on day {rain_day} ({day})?"},
             weather_levers(scenario, "rain", [day]),
             lambda a, b, lang: charts.compare_heatmaps(_pair(a, b, lang, "rain"), lang=lang, large=True),
             lambda a, b, lang: rain_sentence(a, b, lang, day=day)),
        Step("packs", {"zh": f"再多{extra:,}个家长陪伴包，会发到哪里？",
                       "en": f"Where would {extra:,} more packs help?"},
             {"stock": {item: int(stock[item]) + extra}},
             lambda a, b, lang: charts.supply_difference(a, b, item, lang=lang, large=True),
             lambda a, b, lang: more_packs_sentence(a, b, lang, item=item, extra=extra)),
    ]


_WHAT_IF = {"fewer": ("少志愿者", "Fewer volunteers"), "rain": ("下雨", "Rain"), "packs": ("多礼包", "More packs")}


def _pair(base: Plan, what_if: Plan, lang: str, key: str) -> dict[str, Plan]:
    zh, en = _WHAT_IF[key]
    return {("现状" if lang == "zh" else "As planned"): base, (zh if lang == "zh" else en): what_if}


class TrainerDemo:
    """The trainer's view: a live panel and the story's steps, all in one language at a time.

    Parameters
    ----------
    scenario : path or Scenario, optional
        The default scenario when omitted.
    lang : {"zh", "en"}
    debounce : float
        Seconds of quiet before the live panel re-plans (0: at once, for tests).

    Attributes
    ----------
    explorer : Explorer
        The live panel (large; volunteers, weather and stock controls only).
    steps : list of Step
    plans : dict of step key to Plan
        Each what-if's plan; ``base`` is the scenario as planned.
    """

    def __init__(self, scenario: str | Path | Scenario | None = None, *, lang: str = "zh",
                 debounce: float = 0.12):
        self.explorer = Explorer(scenario, lang=lang, debounce=debounce, large=True, groups=LIVE_GROUPS,
                                 show_charts=("district", "map"), show_tables=False, show_picker=False,
                                 team_figures=False)
        self.errors = w.Output()
        # One pair of language buttons (the live panel's) switches the whole story.
        self.language = self.explorer.language
        self.language.observe(guarded(self.errors)(lambda change: self.show(change["new"])), "value")
        sc = self.explorer.scenario
        self.steps = default_steps(sc)
        live = self.explorer.live
        self.plans = {"base": live.plan(), **{step.key: live.plan(**step.levers) for step in self.steps}}
        self.views = {step.key: (w.HTML(), w.HTML(), png_image(), w.HTML()) for step in self.steps}
        self.lang = lang
        self.show(lang)

    def show(self, lang: str) -> None:
        """Every step and the live panel in ``lang``."""
        self.lang = lang
        if self.explorer.lang != lang:
            self.explorer.set_language(lang)
        base = self.plans["base"]
        for step in self.steps:
            title, cards, image, sentence = self.views[step.key]
            what_if = self.plans[step.key]
            title.value = f'<h2 style="font-size:2em;margin:0.3em 0">{html.escape(step.title[lang])}</h2>'
            cards.value = _side_by_side(headline(base), headline(what_if), _pair(base, what_if, lang, step.key), lang)
            image.value = charts.to_png(step.chart(base, what_if, lang), dpi=100)
            words = html.escape(step.sentence(base, what_if, lang))
            sentence.value = f'<p style="font-size:1.5em;line-height:1.5">{words}</p>'

    def step(self, key: str) -> w.VBox:
        """The widgets of one step (title, cards, chart, sentence), to show in its own cell."""
        title, cards, image, sentence = self.views[key]
        return w.VBox([title, sentence, cards, image])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return w.VBox([self.explorer.view, *[self.step(s.key) for s in self.steps],
                       self.errors])._repr_mimebundle_(**kwargs)


def _side_by_side(base: Headline, what_if: Headline, names: Mapping[str, Plan], lang: str) -> str:
    first, second = names
    return (f'<div style="display:flex;gap:1.5em;flex-wrap:wrap">'
            f'<div style="flex:1 1 0;min-width:24em"><b style="font-size:1.4em">{html.escape(first)}</b>'
            f"{headline_html(base, lang, large=True)}</div>"
            f'<div style="flex:1 1 0;min-width:24em"><b style="font-size:1.4em">{html.escape(second)}</b>'
            f"{headline_html(what_if, lang, baseline=base, large=True)}</div></div>")


__all__ = ["Step", "TrainerDemo", "default_steps", "fewer_volunteers_sentence", "more_packs_sentence",
           "rain_sentence"]
