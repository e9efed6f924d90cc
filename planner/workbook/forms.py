"""The explorer's two forms: add a service point, save the tweaks as a new scenario.

Each form is a small component: its widgets in :attr:`box` (a sidebar group of the
explorer), :meth:`use` for the scenario being explored, :meth:`relabel` for the language,
and a callback that does the work. The callbacks are the explorer's
(:meth:`planner.workbook.explorer.Explorer.add_point` and ``save``), which re-plan and say
on the page what happened; so a ``ValueError`` or ``FileExistsError`` they raise is already
explained there, and the form only stops.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import numpy as np

from planner.io.scenario import Scenario
from planner.labels import label
from planner.workbook.common import DESCRIPTION_STYLE

Guard = Callable[[Callable[..., Any]], Callable[..., Any]]  # common.guarded(output)

ADD_LABELS = {"district": "district", "name": "ctl_point_name", "parents": "ctl_parents",
              "frontline_staff": "ctl_frontline", "capacity": "capacity", "lat": "lat", "lon": "lon"}


class AddPointForm:
    """A new service point: its district, name, parents, front-line workers, capacity and place.

    Choosing a district places the point near the district's centre with the district's
    typical numbers, so a planner changes only what differs. The button calls
    ``on_add(**values)`` with the keywords of ``Explorer.add_point``.

    Attributes
    ----------
    widgets : dict of str to ValueWidget
        The fields, by ``add_point``'s keyword; tests set their ``value``.
    button : ipywidgets.Button
    box : ipywidgets.VBox
    """

    def __init__(self, on_add: Callable[..., object], guard: Guard):
        full = w.Layout(width="98%")
        self.widgets: dict[str, w.ValueWidget] = {
            "district": w.Dropdown(layout=full, style=DESCRIPTION_STYLE),
            "name": w.Text(layout=full, style=DESCRIPTION_STYLE),
            "parents": w.BoundedIntText(250, min=0, max=100000, layout=full, style=DESCRIPTION_STYLE),
            "frontline_staff": w.BoundedIntText(40, min=0, max=100000, layout=full, style=DESCRIPTION_STYLE),
            "capacity": w.BoundedIntText(10, min=0, max=1000, layout=full, style=DESCRIPTION_STYLE),
            "lat": w.BoundedFloatText(0, min=-90, max=90, step=0.001, layout=full, style=DESCRIPTION_STYLE),
            "lon": w.BoundedFloatText(0, min=-180, max=180, step=0.001, layout=full, style=DESCRIPTION_STYLE),
        }
        self.widgets["district"].observe(self._place_new_point, "value")
        self.button = w.Button(icon="plus", button_style="info", layout=w.Layout(width="auto"))
        self.button.on_click(guard(lambda _: self._submit()))
        self.box = w.VBox([*self.widgets.values(), self.button])
        self._on_add = on_add
        self.scenario: Scenario | None = None

    def use(self, scenario: Scenario) -> None:
        """Offer ``scenario``'s districts (from :meth:`relabel`, which names them; the first is chosen)."""
        self.scenario = scenario
        self.widgets["district"].value = None

    def relabel(self, lang: str) -> None:
        """The fields' words and the districts' names in ``lang``; the chosen district is kept."""
        assert self.scenario is not None, "use() a scenario first"
        for key, widget in self.widgets.items():
            widget.description = label(ADD_LABELS[key], lang)
        districts = self.scenario.districts
        district = self.widgets["district"]
        chosen = district.value
        # New options select the first one (ipywidgets 8): the chosen district is set again after.
        district.options = list(zip(districts["name_zh" if lang == "zh" else "name_en"], districts["district_id"],
                                    strict=True))
        district.value = chosen if chosen in set(districts["district_id"]) else district.options[0][1]
        self.button.description = label("ctl_add", lang)

    def _place_new_point(self, change: Mapping[str, Any]) -> None:
        """A new point starts near its district's centre, with the district's typical numbers."""
        district_id = change["new"]
        if district_id is None or self.scenario is None:
            return
        sc = self.scenario
        centre = sc.districts.set_index("district_id").loc[district_id]
        here = sc.points[sc.points["district_id"] == district_id]
        self.widgets["lat"].value = round(float(centre["lat"]) + 0.005, 5)
        self.widgets["lon"].value = round(float(centre["lon"]) + 0.005, 5)
        for key in ("parents", "frontline_staff", "capacity"):
            if len(here):
                self.widgets[key].value = int(np.median(here[key]))
        count = len(here) + 1
        self.widgets["name"].value = f"{centre['name_zh']}新增点位{count}"

    def _submit(self) -> None:
        values = {key: widget.value for key, widget in self.widgets.items()}
        try:
            self._on_add(**values)
        except ValueError:
            return  # the explorer's message says why


class SaveForm:
    """Save as a new scenario: a name, "replace one of the same name", and a button.

    The button calls ``on_save(name, overwrite=...)``; an empty name becomes the scenario's
    name followed by "(levers)" in the page's language.

    Attributes
    ----------
    name : ipywidgets.Text
    replace : ipywidgets.Checkbox
    button : ipywidgets.Button
    box : ipywidgets.VBox
    """

    def __init__(self, on_save: Callable[..., object], guard: Guard):
        self.name = w.Text(layout=w.Layout(width="98%"), style=DESCRIPTION_STYLE)
        self.replace = w.Checkbox(False, indent=False)
        self.button = w.Button(icon="save", button_style="success", layout=w.Layout(width="auto"))
        self.button.on_click(guard(lambda _: self._submit()))
        self.box = w.VBox([self.name, self.replace, self.button])
        self._on_save = on_save
        self._scenario_name = ""
        self._lang = "zh"

    def use(self, scenario: Scenario) -> None:
        """Name an unnamed save after ``scenario``."""
        self._scenario_name = scenario.name

    def relabel(self, lang: str) -> None:
        """The fields' words in ``lang``."""
        self._lang = lang
        self.name.description = label("ctl_save_name", lang)
        self.replace.description = label("ctl_replace", lang)
        self.button.description = label("ctl_save", lang)

    def _submit(self) -> None:
        name = self.name.value.strip() or f"{self._scenario_name} ({label('ctl_levers', self._lang)})"
        try:
            self._on_save(name, overwrite=self.replace.value)
        except (FileExistsError, ValueError):
            return  # the explorer's message says why


__all__ = ["ADD_LABELS", "AddPointForm", "SaveForm"]
