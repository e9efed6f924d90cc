"""The trainer's story for meetings: three what-ifs told with large charts and plain sentences.

* "What if 20% fewer volunteers come?"  (availability 0.8)
* "What if it rains on day two?"        (the rain preset on the second exam day)
* "Where would 500 more packs help?"    (parent packs' stock + 500)

Each step compares the scenario as planned with the what-if: headline cards side by side,
a chart on shared axes, and a sentence whose every number comes from the two plans. Rain is
told as what it asks for, not as a coverage figure (coverage can rise when needs grow and
idle volunteers fill them, which reads as "rain helps"): how many more volunteer-sessions it
needs, how many volunteers who were free fill, how many stay unmet (:func:`rain_figures`).

A :class:`TrainerDemo` also holds a live panel (a large :class:`planner.workbook.explorer.Explorer`
with a few controls) so the room can ask its own what-if. It shows as tabs, the live panel
and one per what-if, each about a screen on a projector; the language buttons switch everything.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from planner.exports import charts
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.labels import label
from planner.model.weather import exam_days, weather_levers
from planner.results.headline import Headline, headline, headline_html
from planner.results.plan import Plan
from planner.workbook.common import guarded, png_image, show_figure, stylesheet
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


@dataclass(frozen=True)
class RainFigures:
    """What rain asks of the plan, from the two plans' tables.

    Attributes
    ----------
    extra_needed : int
        Volunteer-sessions the what-if needs beyond the plan as it stands.
    filled : int
        Of those, how many are staffed: more volunteer-sessions worked in all, so volunteers
        who were free in the plan as it stands (``extra_needed = filled + unmet``).
    teams : int
        Teams that serve more volunteer-sessions than before (where the free volunteers come from).
    unmet : int
        Volunteer-sessions more that nobody fills.
    raincoats_wanted, raincoats_stock : int or None
        Raincoats the points want in the what-if, and in stock (None without a raincoat item).
    """

    extra_needed: int
    filled: int
    teams: int
    unmet: int
    raincoats_wanted: int | None
    raincoats_stock: int | None


def rain_figures(base: Plan, what_if: Plan) -> RainFigures:
    """How many more volunteer-sessions the what-if needs, how many idle volunteers fill, how many stay unmet."""
    def per_team(plan: Plan) -> pd.Series:
        return plan.assignments.groupby("team_id")["volunteers"].sum()

    gained = per_team(what_if).sub(per_team(base), fill_value=0)
    coat = what_if.summary["supplies"].get("raincoat")
    return RainFigures(
        extra_needed=int(what_if.summary["needed"]) - int(base.summary["needed"]),
        filled=int(what_if.summary["assigned"]) - int(base.summary["assigned"]),
        teams=int((gained > 0).sum()),
        unmet=int(what_if.summary["unmet"]) - int(base.summary["unmet"]),
        raincoats_wanted=None if coat is None else int(coat["wanted"]),
        raincoats_stock=None if coat is None else int(coat["stock"]),
    )


def rain_sentence(base: Plan, what_if: Plan, lang: str, *, day: str) -> str:
    """What rain on one day asks for: more volunteer-sessions, how many free volunteers fill, how many stay unmet."""
    f = rain_figures(base, what_if)
    day_zh = f"{int(day[5:7])}月{int(day[8:10])}日"
    coats = f.raincoats_wanted is not None and f.raincoats_stock is not None
    if lang == "zh":
        text = (f"{day_zh}下雨，要多{f.extra_needed:,}人次志愿者：其中{f.filled:,}人次由原本空闲的志愿者补上"
                f"（{f.teams:,}支队伍多值了班），{f.unmet:,}人次仍无人值守。")
        if coats:
            text += f"雨衣需要{f.raincoats_wanted:,}件，库存只有{f.raincoats_stock:,}件。"
        return text
    day_en = pd.Timestamp(day).strftime("%B ") + str(pd.Timestamp(day).day)
    text = (f"Rain on {day_en} needs {f.extra_needed:,} more volunteer-sessions: volunteers who were free fill "
            f"{f.filled:,} of them ({f.teams:,} teams serve more), and {f.unmet:,} stay unmet.")
    if coats:
        text += f" {f.raincoats_wanted:,} raincoats are wanted, with {f.raincoats_stock:,} in stock."
    return text


def rain_cards(base: Plan, what_if: Plan, lang: str) -> str:
    """The rain step's cards: more needed, filled by free volunteers, still unmet (and raincoats)."""
    f = rain_figures(base, what_if)
    zh = lang == "zh"
    cards = [
        ("extra_needed", "雨天多需要（人次）" if zh else "More needed (volunteer-sessions)", f"{f.extra_needed:,}",
         "", "#24292f"),
        ("filled", "由空闲志愿者补上" if zh else "Filled by volunteers who were free", f"{f.filled:,}",
         f"{f.teams:,}支队伍多值了班" if zh else f"{f.teams:,} teams serve more", "#1a7f37"),
        ("unmet", "仍无人值守" if zh else "Still unmet", f"{f.unmet:,}", "", "#c62828" if f.unmet else "#1a7f37"),
    ]
    if f.raincoats_wanted is not None and f.raincoats_stock is not None:
        cards.append(("raincoats", "雨衣：需要 / 库存" if zh else "Raincoats: wanted / stock",
                      f"{f.raincoats_wanted:,} / {f.raincoats_stock:,}", "", "#24292f"))
    body = "".join(
        f'<div class="vp-figure" data-figure="{key}" style="flex:1 1 9em;padding:0.5em 0.8em;'
        f'border:1px solid #d0d7de;border-radius:8px;background:#f6f8fa">'
        f'<div style="font-size:1.0em;color:#57606a">{html.escape(name)}</div>'
        f'<div class="vp-value" style="font-size:2.3em;font-weight:600;line-height:1.2;white-space:nowrap;'
        f'color:{colour}">{html.escape(value)}</div>'
        f'<div class="vp-detail" style="font-size:1.0em;color:#57606a">{html.escape(detail)}</div></div>'
        for key, name, value, detail, colour in cards)
    return f'<div class="vp-headline" style="display:flex;flex-wrap:wrap;gap:0.6em">{body}</div>'



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
    story : ipywidgets.Tab
        The live panel, then one tab per step.
    view : ipywidgets.VBox
        What the notebook shows: the story and an error output.
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
        self.views = {step.key: (w.HTML(), w.HTML(), png_image(max_width="100%"), w.HTML()) for step in self.steps}
        for _, _, image, _ in self.views.values():
            # A step is about one projector screen: a tall chart is shown smaller, never cut or stretched.
            image.layout.max_height = "64vh"
            image.layout.object_fit = "contain"
            image.layout.object_position = "left top"
        self.explorer.view.layout.width = "auto"  # inside a tab: 100% and its margin would stick out
        self.explorer.view.layout.margin = "0"
        self.story = w.Tab(children=[self.explorer.view, *[self.step(s.key) for s in self.steps]])
        self.view = w.VBox([stylesheet(), self.story, self.errors])
        self.view.add_class("vp-view")
        self.lang = lang
        self.show(lang)

    def show(self, lang: str) -> None:
        """Every step and the live panel in ``lang``."""
        self.lang = lang
        if self.explorer.lang != lang:
            self.explorer.set_language(lang)
        base = self.plans["base"]
        self.story.titles = (label("trainer_live", lang), *[_WHAT_IF[s.key][0 if lang == "zh" else 1]
                                                            for s in self.steps])
        for step in self.steps:
            title, cards, image, sentence = self.views[step.key]
            what_if = self.plans[step.key]
            title.value = f'<h2 style="font-size:1.8em;margin:0.2em 0">{html.escape(step.title[lang])}</h2>'
            if step.key == "rain":  # what rain asks for, not a coverage that seems to rise with it
                cards.value = rain_cards(base, what_if, lang)
            else:
                cards.value = _side_by_side(headline(base), headline(what_if), _pair(base, what_if, lang, step.key),
                                            lang)
            show_figure(image, step.chart(base, what_if, lang))
            words = html.escape(step.sentence(base, what_if, lang))
            sentence.value = f'<p style="font-size:1.4em;line-height:1.45;margin:0.2em 0 0.5em">{words}</p>'

    def step(self, key: str) -> w.VBox:
        """The widgets of one step (title, cards, chart, sentence), to show in its own cell."""
        title, cards, image, sentence = self.views[key]
        return w.VBox([title, sentence, cards, image])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


def _side_by_side(base: Headline, what_if: Headline, names: Mapping[str, Plan], lang: str) -> str:
    first, second = names
    return (f'<div style="display:flex;gap:1.5em;flex-wrap:wrap">'
            f'<div style="flex:1 1 0;min-width:24em"><b style="font-size:1.3em">{html.escape(first)}</b>'
            f"{headline_html(base, lang, large=True)}</div>"
            f'<div style="flex:1 1 0;min-width:24em"><b style="font-size:1.3em">{html.escape(second)}</b>'
            f"{headline_html(what_if, lang, baseline=base, large=True)}</div></div>")


__all__ = ["RainFigures", "Step", "TrainerDemo", "default_steps", "fewer_volunteers_sentence", "more_packs_sentence",
           "rain_cards", "rain_figures", "rain_sentence"]
