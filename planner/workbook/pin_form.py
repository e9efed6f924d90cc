"""The explorer's pins form: pin what a team leader has agreed (pins.csv, contract version 2).

A pin keeps at least that many of a team at a point in a session and role; every plan keeps it
(planner/results/pinned.py). The form lists the scenario's pins, adds or replaces one, and
removes one; the explorer's callback checks the pins against the scenario's rules
(planner/io/pins.py) and re-plans, so a pin no plan could keep is refused with the reason.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd

from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.labels import label
from planner.workbook.common import DESCRIPTION_STYLE

Guard = Callable[[Callable[..., Any]], Callable[..., Any]]
KEYS = ["team_id", "point_id", "session_id", "role"]
WORDS = {"team": "team", "point": "point_id", "session": "session", "role": "role", "volunteers": "volunteers"}


class PinForm:
    """Team, point, session, role and volunteers; Pin (add or replace) and Unpin.

    The buttons call ``on_pins(pins)`` with the whole new table of pins
    (``team_id, point_id, session_id, role, volunteers``).
    """

    def __init__(self, on_pins: Callable[[pd.DataFrame], object], guard: Guard):
        full = w.Layout(width="98%")
        # Team and point names are long ("昌平区总工会志愿服务队1 (changping-u01)"): their words go
        # above them, so the list has the sidebar's whole width and no name is cut.
        wide = {"description_width": "0px"}
        self.widgets: dict[str, w.ValueWidget] = {
            "team": w.Dropdown(layout=full, style=wide),
            "point": w.Dropdown(layout=full, style=wide),
            "session": w.Dropdown(layout=full, style=DESCRIPTION_STYLE),
            "role": w.Dropdown(layout=full, style=DESCRIPTION_STYLE),
            "volunteers": w.BoundedIntText(1, min=1, max=1000, layout=full, style=DESCRIPTION_STYLE),
        }
        self.pin_button = w.Button(icon="thumb-tack", button_style="info", layout=w.Layout(width="auto"))
        self.pin_button.on_click(guard(lambda _: self._submit(remove=False)))
        self.unpin_button = w.Button(icon="times", layout=w.Layout(width="auto"))
        self.unpin_button.on_click(guard(lambda _: self._submit(remove=True)))
        self.listing = w.HTML()
        self.above = {key: w.HTML(layout=w.Layout(margin="4px 0 0 0")) for key in ("team", "point")}
        for key in self.above:
            self.widgets[key].add_class("vp-labelled-above")  # its own label is hidden by the view's stylesheet
        rows = [item for key, widget in self.widgets.items()
                for item in ((self.above[key], widget) if key in self.above else (widget,))]
        self.box = w.VBox([*rows, w.HBox([self.pin_button, self.unpin_button]), self.listing])
        self._on_pins = on_pins
        self.scenario: Scenario | None = None
        self.lang = "zh"

    def use(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._list()

    def relabel(self, lang: str) -> None:
        assert self.scenario is not None, "use() a scenario first"
        self.lang = lang
        sc = self.scenario
        for key, widget in self.widgets.items():
            widget.description = label(WORDS[key], lang)
            if key in self.above:
                self.above[key].value = f'<div class="vp-above">{html.escape(widget.description)}</div>'
        self._options("team", [(f"{n} ({t})", t) for t, n in zip(sc.teams["team_id"], sc.teams["name"], strict=True)])
        self._options("point", [(f"{n} ({p})", p) for p, n in zip(sc.points["point_id"], sc.points["name"],
                                                                    strict=True)])
        self._options("session", [(f"{d} {s}-{e}", i) for i, d, s, e in zip(
            sc.sessions["session_id"], sc.sessions["date"], sc.sessions["start"], sc.sessions["end"], strict=True)])
        self._options("role", [(label(r, lang), r) for r in ROLES])
        self.pin_button.description = label("ctl_pin", lang)
        self.unpin_button.description = label("ctl_unpin", lang)
        self._list()

    def _options(self, key: str, options: list[tuple[str, str]]) -> None:
        widget = self.widgets[key]
        chosen = widget.value
        widget.options = options
        values = [v for _, v in options]
        widget.value = chosen if chosen in values else (values[0] if values else None)

    def _list(self) -> None:
        pins = self.scenario.pins if self.scenario is not None else pd.DataFrame()
        rows = "".join(f"<li>{html.escape(f'{t} → {p}, {s}, {label(r, self.lang)}: {v}')}</li>"
                       for t, p, s, r, v in pins[[*KEYS, "volunteers"]].itertuples(index=False)) if len(pins) else ""
        self.listing.value = f"<ul>{rows}</ul>" if rows else ""

    def _submit(self, *, remove: bool) -> None:
        assert self.scenario is not None
        key = (self.widgets["team"].value, self.widgets["point"].value, self.widgets["session"].value,
               self.widgets["role"].value)
        pins = self.scenario.pins
        kept = pins[~pins[KEYS].apply(tuple, axis=1).isin([key])] if len(pins) else pins
        if not remove:
            added = pd.DataFrame([[*key, int(self.widgets["volunteers"].value)]], columns=[*KEYS, "volunteers"])
            kept = pd.concat([kept, added], ignore_index=True)
        try:
            self._on_pins(kept.reset_index(drop=True))
        except ValueError:
            return  # the explorer's message says why


__all__ = ["PinForm"]
