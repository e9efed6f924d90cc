"""The explorer's controls: one widget per lever of a scenario, grouped, in either language.

What the controls' values mean as levers is :mod:`planner.workbook.lever_state` (no widgets,
tested on its own); this module builds the widgets, their ranges and words, and reads them.

Sliders with long ranges (volunteers who come, 0 to 150%; travel; the weights) carry their
words on a line above, so the slider takes the sidebar's whole width and a 5% step is a few
pixels, not one; the district sliders keep short names beside them. Stock is typed, not
clamped: a negative number is pointed out (:func:`lever_state.state_problems`) rather than
quietly replaced by 0.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import pandas as pd

from planner.exports.charts import district_names
from planner.io.scenario import Scenario, wanted_supplies
from planner.io.settings import ROLES
from planner.labels import label
from planner.model.levers import Levers
from planner.model.weather import PRESETS
from planner.workbook.common import DESCRIPTION_STYLE
from planner.workbook.lever_state import (
    TRAVEL_MAX_KM,
    WEIGHT_KEYS,
    default_state,
    levers_from_state,
    state_problems,
    weather_days,
)
from planner.workbook.tables import point_name, short_item_name

DISTRICT_WORDS_WIDTH = "7.5em"  # room for the longest short district name ("Shijingshan", "Mentougou")


class LeverControls:
    """Controls for every lever of one scenario, grouped, and the levers they say.

    ``widgets`` maps a name to each control whose value is a lever (``availability``,
    ``district:<id>``, ``stock:<item>``, ``travel``, ``no_limit``, ``weight:<key>``,
    ``weather``, ``day:<date>``, ``closed``); tests set their ``value``.
    """

    def __init__(self, scenario: Scenario, *, lang: str = "zh", large: bool = False):
        self.scenario = scenario
        self.lang = lang
        self.widgets: dict[str, w.ValueWidget] = {}
        self._labels: list[tuple[w.DOMWidget, Callable[[str], str]]] = []
        self._above: dict[str, w.HTML] = {}
        full = w.Layout(width="98%")
        style = {"description_width": "12em" if large else DESCRIPTION_STYLE["description_width"]}
        wide = {"description_width": "0px"}  # words above: the slider has the whole width
        short = {"description_width": DISTRICT_WORDS_WIDTH}

        def add(name: str, widget: w.ValueWidget, words: Callable[[str], str] | str, *,
                above: bool = False) -> w.ValueWidget:
            self.widgets[name] = widget
            self._labels.append((widget, words if callable(words) else _label_of(words)))
            if above:
                widget.add_class("vp-labelled-above")  # its own label is hidden by the view's stylesheet
                self._above[name] = w.HTML(layout=w.Layout(margin="4px 0 0 0"))
            return widget

        sc = scenario
        start = default_state(sc)  # the starting values are lever_state's; ranges and words are here
        add("availability", w.IntSlider(start["availability"], min=0, max=150, step=5, layout=full, style=wide),
            "ctl_availability")
        self.widgets["availability"].add_class("vp-labelled-above")  # its group's title says what it is
        names = {lang_: {str(k): str(v) for k, v in district_names(sc, lang_).items()} for lang_ in ("zh", "en")}
        for district_id in _keyed(start, "district"):
            add(f"district:{district_id}", w.IntSlider(start[f"district:{district_id}"], min=0, max=200, step=5,
                                                        layout=full, style=short),
                _name_of(names, district_id))
        items = sc.supplies
        wanted = wanted_totals(sc)
        for item_id, name, stock in zip(items["item_id"], items["name"], items["stock"], strict=True):
            top = int(max(10 * int(stock), 3 * wanted.get(item_id, 0), 1000))
            # Typed, not bounded: a bounded box would turn -5 into 0 without a word.
            add(f"stock:{item_id}", w.IntText(start[f"stock:{item_id}"], step=100 if top >= 1000 else 10,
                                              layout=full, style=style),
                _item_words(str(name), str(item_id)))
        add("travel", w.IntSlider(start["travel"], min=5, max=TRAVEL_MAX_KM, step=5, disabled=start["no_limit"],
                                  layout=full, style=wide), "ctl_travel", above=True)
        add("no_limit", w.Checkbox(start["no_limit"], indent=False), "ctl_no_limit")
        for key in WEIGHT_KEYS:
            low, high, step = (0.5, 10, 0.5) if key in ROLES else (0, 1, 0.1)
            add(f"weight:{key}", w.FloatSlider(start[f"weight:{key}"], min=low, max=high, step=step, layout=full,
                                               style=wide), key, above=True)
        add("weather", w.Dropdown(options=[(label(f"weather_{k}", lang), k) for k in PRESETS],
                                  value=start["weather"], layout=full, style=style), "ctl_weather")
        for date in _keyed(start, "day"):
            add(f"day:{date}", w.Checkbox(start[f"day:{date}"], indent=False, disabled=start["weather"] == "none",
                                          layout=w.Layout(width="auto")),
                functools.partial(_day_name, date))
        points = sc.points
        # The words above say what the list is; the list itself has the whole width for the names.
        add("closed", w.SelectMultiple(options=list(zip(points["name"], points["point_id"], strict=True)),
                                       value=start["closed"], rows=8, layout=full, style=wide), "ctl_close")
        self.widgets["closed"].add_class("vp-labelled-above")
        self.widgets["no_limit"].observe(self._travel_enabled, "value")
        self.weather_hint = w.HTML()
        for name in ("weather", *[k for k in self.widgets if k.startswith("day:")]):
            self.widgets[name].observe(self._weather_changed, "value")
        # What the widgets hold now: default_state's values, unless a range clipped one (a
        # scenario's weight above 10, say), and then the clipped value is the one left alone.
        self._defaults = self.state()
        self.close_hint = w.HTML()
        shown = self._shown
        self.groups: list[tuple[str, w.Widget]] = [
            ("ctl_availability", w.VBox(shown("availability"))),
            ("ctl_weather", w.VBox([self.widgets["weather"],
                                    w.HBox([self.widgets[k] for k in self.widgets if k.startswith("day:")],
                                           layout=w.Layout(flex_flow="row wrap")),
                                    self.weather_hint])),
            ("ctl_stock", w.VBox([v for k, v in self.widgets.items() if k.startswith("stock:")])),
            ("ctl_district_availability", w.VBox([v for k, v in self.widgets.items() if k.startswith("district:")])),
            ("ctl_priorities", w.VBox([*shown("travel"), self.widgets["no_limit"],
                                       *[x for k in WEIGHT_KEYS for x in shown(f"weight:{k}")]])),
            ("ctl_close", w.VBox([self.close_hint, self.widgets["closed"]])),
        ]
        self.relabel(lang)

    def _shown(self, name: str) -> list[w.Widget]:
        """A control as the sidebar shows it: with its words above when it has them there."""
        return [self._above[name], self.widgets[name]] if name in self._above else [self.widgets[name]]

    def _travel_enabled(self, change: Mapping[str, Any]) -> None:
        self.widgets["travel"].disabled = bool(change["new"])

    def _weather_changed(self, change: Mapping[str, Any] | None = None) -> None:
        """Days can be ticked only for a weather; a weather with no day ticked says so (it changes nothing)."""
        preset = self.widgets["weather"].value
        for key in [k for k in self.widgets if k.startswith("day:")]:
            self.widgets[key].disabled = preset == "none"
        ticked = weather_days(self.state())
        if preset == "none":
            text, colour = label("weather_days_hint", self.lang), "#57606a"
        elif not ticked:
            text, colour = label("weather_no_day", self.lang), "#9a6700"
        else:
            named = ("、" if self.lang == "zh" else ", ").join(_day_name(d, self.lang) for d in ticked)
            text, colour = f"{label(f'weather_{preset}', self.lang)}: {named}", "#57606a"
        self.weather_hint.value = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def problems(self) -> list[str]:
        """What the controls hold that cannot be planned, in the page's language (empty when all is well)."""
        return state_problems(self.scenario, self.state(), self.lang)

    def relabel(self, lang: str) -> None:
        """Every control's words in ``lang`` (values are kept)."""
        self.lang = lang
        for widget, words in self._labels:
            widget.description = words(lang)
        for name, above in self._above.items():
            above.value = f"<div class=\"vp-above\">{html.escape(self.widgets[name].description)}</div>"
        weather = self.widgets["weather"]
        value = weather.value
        # New options select the first one (ipywidgets 8, even inside hold_trait_notifications),
        # so the preset is set again after: observers see it go and come back (the explorer
        # relabels quietly).
        weather.options = [(label(f"weather_{k}", lang), k) for k in PRESETS]
        weather.value = value
        closed = self.widgets["closed"]
        chosen = closed.value
        points = self.scenario.points
        # Each name in the page's language, so a long bilingual name is not cut in a narrow list.
        closed.options = [(point_name(str(n), lang), p) for n, p in zip(points["name"], points["point_id"],
                                                                         strict=True)]
        closed.value = chosen
        self.close_hint.value = (f'<span class="vp-above">{html.escape(label("ctl_close", lang))}</span> '
                                 f'<span style="color:#57606a">({html.escape(label("ctl_close_hint", lang))})</span>')
        self._weather_changed()

    def state(self) -> dict[str, Any]:
        """Every control's value, by name."""
        return {name: widget.value for name, widget in self.widgets.items()}

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Set the controls this scenario has (others are ignored; a closed point it lacks too)."""
        for name, value in state.items():
            widget = self.widgets.get(name)
            if widget is None:
                continue
            if name == "closed":
                known = {v for _, v in widget.options}
                value = tuple(v for v in value if v in known)
            widget.value = value

    def reset(self) -> None:
        """Back to the scenario's own numbers."""
        self.set_state(self._defaults)

    def levers(self) -> Levers:
        """The levers the controls say (only those that differ from the scenario, except travel)."""
        return levers_from_state(self.scenario, self.state(), self._defaults)


def wanted_totals(scenario: Scenario) -> dict[str, int]:
    """Units of each item all points want together (for the stock controls' range)."""
    wanted = wanted_supplies(scenario)
    return {str(k): int(v) for k, v in wanted.groupby("item_id")["wanted"].sum().items()}


def _keyed(state: Mapping[str, Any], kind: str) -> list[str]:
    """The keys of a state's controls of one kind (``district`` -> the district_ids), in order."""
    return [name.split(":", 1)[1] for name in state if name.startswith(f"{kind}:")]


def _label_of(key: str) -> Callable[[str], str]:
    return functools.partial(_label_in, key)


def _label_in(key: str, lang: str) -> str:
    return label(key, lang)


def _name_of(names: Mapping[str, Mapping[str, str]], key: str) -> Callable[[str], str]:
    def words(lang: str) -> str:
        return str(names[lang][key])
    return words


def _item_words(name: str, item_id: str) -> Callable[[str], str]:
    def words(lang: str) -> str:
        return short_item_name(name) if lang == "zh" else item_id.replace("-", " ").capitalize()
    return words


def _day_name(date: str, lang: str) -> str:
    day = pd.Timestamp(date)
    return f"{day.month}月{day.day}日" if lang == "zh" else day.strftime("%b ") + str(day.day)


__all__ = ["LeverControls", "wanted_totals"]
