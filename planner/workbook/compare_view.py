"""Two to four options side by side: figures, district differences, charts on shared axes,
and the comparison as one sheet to download.

* :class:`CompareView` shows options already planned (a name and a plan each).
* :class:`CompareBuilder` lets a planner make them without code: the explorer's controls
  (and its scenario list, saved scenarios included), a name, "add to the comparison"; then
  "compare" shows a :class:`CompareView` below.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from planner.exports import charts
from planner.exports.compare import MAX_VARIANTS, compare_districts, compare_figures, comparison_sheet, write_comparison
from planner.labels import label
from planner.results.headline import headline, headline_html
from planner.results.plan import Plan
from planner.workbook.common import (
    DEBOUNCE_SECONDS,
    download_link,
    guarded,
    language_toggle,
    png_image,
    show_figure,
    stylesheet,
)
from planner.workbook.explorer import Explorer
from planner.workbook.tables import table_html

LEVER_GROUPS = ("ctl_availability", "ctl_weather", "ctl_stock", "ctl_district_availability", "ctl_priorities",
                "ctl_close", "ctl_add_point")


class CompareView:
    """Two to four options side by side: figures, district differences, charts on shared axes,
    and a link to the comparison as one sheet.

    Parameters
    ----------
    plans : mapping of name to Plan
        From :func:`planner.exports.compare.plan_variants`.
    lang : {"zh", "en"}
    large : bool
        Large type, for a projector.
    """

    def __init__(self, plans: Mapping[str, Plan], *, lang: str = "zh", large: bool = False,
                 own_language: bool = True):
        compare_figures(plans, lang)  # checks the number of options before anything is drawn
        self.plans = dict(plans)
        self.large = large
        self.errors = w.Output()
        self.language = language_toggle(lang)
        self.language.observe(guarded(self.errors)(lambda change: self.show(change["new"])), "value")
        self.cards = w.HTML()
        self.figures = w.HTML()
        self.districts = w.HTML()
        self.coverage_chart = png_image()
        self.heatmaps = png_image()
        self.link = w.HTML()
        self.language.layout.display = "" if own_language else "none"  # a builder's page has its own buttons
        self.view = w.VBox([stylesheet(), self.language, self.cards, self.figures, self.coverage_chart,
                            self.heatmaps, self.districts, self.link, self.errors])
        self.view.add_class("vp-view")
        self.show(lang)

    def show(self, lang: str) -> None:
        """Draw everything in ``lang``."""
        self.lang = lang
        heads = {name: headline(plan) for name, plan in self.plans.items()}
        first_name, first = next(iter(heads.items()))
        self.cards.value = "".join(
            f'<div style="margin:0.4em 0"><b style="font-size:{"1.5em" if self.large else "1.1em"}">'
            f"{html.escape(name)}</b>"
            f"{headline_html(h, lang, baseline=first if k else None, large=self.large, versus=first_name)}</div>"
            for k, (name, h) in enumerate(heads.items()))
        self.figures.value = table_html(compare_figures(self.plans, lang).rename(columns={"figure": ""}))
        districts = compare_districts(self.plans, lang).drop(columns="district_id")
        self.districts.value = table_html(districts.rename(columns={"district": label("district", lang)}))
        show_figure(self.coverage_chart, charts.compare_coverage(self.plans, lang=lang, large=self.large))
        show_figure(self.heatmaps, charts.compare_heatmaps(self.plans, lang=lang, large=self.large))
        self.sheet = comparison_sheet(self.plans, lang)
        with tempfile.TemporaryDirectory() as tmp:
            path = write_comparison(self.plans, Path(tmp) / "comparison.xlsx", lang=lang)
            name = f"{label('file_comparison', lang)}.xlsx"
            self.link.value = download_link(path.read_bytes(), name, text=name).value

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


class CompareBuilder:
    """Compare options without code: set the explorer's controls, name the option, add it; two to
    four options, the first the baseline; then compare.

    The scenario list at the top offers the saved scenarios too, so an option can be one saved
    earlier (with or without more changes). Each option keeps its plan as it was added.

    Parameters
    ----------
    scenario : path or Scenario, optional
        Where the explorer starts (the default scenario when omitted).
    lang : {"zh", "en"}
    debounce : float
        The explorer's pause before re-planning (0: at once, for tests).
    baseline : bool
        Start with the scenario as planned as the first option (named "现状" / "As planned").

    Attributes
    ----------
    explorer : Explorer
    options : dict of name to Plan
        In order; the first is the baseline.
    name : ipywidgets.Text
    add_button, compare_button : ipywidgets.Button
    compare_view : CompareView or None
        The last comparison shown.
    """

    def __init__(self, scenario: Any = None, *, lang: str = "zh", debounce: float = DEBOUNCE_SECONDS,
                 baseline: bool = True):
        self.explorer = Explorer(scenario, lang=lang, debounce=debounce, groups=LEVER_GROUPS,
                                 show_charts=("district", "heatmap"), show_tables=False, team_figures=False)
        self.lang = lang
        self.errors = w.Output()
        guard = guarded(self.errors)
        self.options: dict[str, Plan] = {}
        self.name = w.Text(layout=w.Layout(width="26em"), style={"description_width": "initial"})
        self.add_button = w.Button(icon="plus", button_style="info", layout=w.Layout(width="auto"))
        self.add_button.on_click(guard(lambda _: self.add()))
        self.compare_button = w.Button(icon="columns", button_style="primary", layout=w.Layout(width="auto"))
        self.compare_button.on_click(guard(lambda _: self.compare()))
        self.heading = w.HTML()
        self.message = w.HTML()
        self.rows = w.VBox()
        self.result = w.VBox()
        self.compare_view: CompareView | None = None
        self.explorer.language.observe(guard(lambda change: self.set_language(change["new"])), "value")
        panel = w.VBox([self.heading, w.HBox([self.name, self.add_button], layout=w.Layout(flex_flow="row wrap")),
                        self.message, self.rows, self.compare_button],
                       layout=w.Layout(border="1px solid #d0d7de", padding="0.4em 0.8em", margin="0.6em 0"))
        self.view = w.VBox([self.explorer.view, panel, self.result, self.errors])
        self.view.add_class("vp-view")
        if baseline:
            self.add("现状" if lang == "zh" else "As planned", plan=self.explorer.current_plan())
        self._relabel()

    def add(self, name: str | None = None, *, plan: Plan | None = None) -> str | None:
        """Add the plan of the controls as they are (or ``plan``) as an option; returns its name, or
        None when it cannot be added (the page says why: a fifth option, a name already used)."""
        lang = self.lang
        name = (name if name is not None else self.name.value).strip() or \
            f"{label('variant', lang)} {len(self.options) + 1}"
        if len(self.options) >= MAX_VARIANTS:
            self._say(label("cmp_full", lang), error=True)
            return None
        if name in self.options:
            self._say(label("cmp_taken", lang).format(name=name), error=True)
            return None
        try:
            self.options[name] = plan if plan is not None else self.explorer.current_plan()
        except ValueError as exc:
            self._say(f"{label('check_input', lang)}: {exc}", error=True)
            return None
        self.name.value = ""
        self._show_rows()
        self._say(label("cmp_added", lang).format(name=name))
        return name

    def remove(self, name: str) -> None:
        """Take an option out (the next one becomes the baseline if it was the first)."""
        self.options.pop(name, None)
        self._show_rows()

    def compare(self) -> CompareView | None:
        """Show the options side by side below (two to four), or say what is missing."""
        if len(self.options) < 2:
            self._say(label("cmp_need_two", self.lang), error=True)
            return None
        self.compare_view = CompareView(self.options, lang=self.lang, own_language=False)
        self.result.children = [self.compare_view.view]
        self.message.value = ""
        return self.compare_view

    def set_language(self, lang: str) -> None:
        """The builder's words, and the comparison shown, in ``lang`` (options keep their names)."""
        self.lang = lang
        self._relabel()
        if self.compare_view is not None:
            self.compare_view.show(lang)

    def _relabel(self) -> None:
        lang = self.lang
        self.heading.value = f"<b>{html.escape(label('cmp_options', lang))}</b>"
        self.name.description = label("cmp_name", lang)
        self.name.placeholder = f"{label('variant', lang)} {len(self.options) + 1}"
        self.add_button.description = label("cmp_add", lang)
        self.compare_button.description = label("cmp_compare", lang)
        self._show_rows()

    def _show_rows(self) -> None:
        lang = self.lang
        self.name.placeholder = f"{label('variant', lang)} {len(self.options) + 1}"
        if not self.options:
            self.rows.children = [w.HTML(f'<span style="color:#57606a">{html.escape(label("cmp_none_yet", lang))}'
                                         "</span>")]
            return
        rows = []
        for k, (name, plan) in enumerate(self.options.items()):
            h = headline(plan)
            role = "（基准）" if lang == "zh" else " (baseline)"
            text = (f"<b>{html.escape(name)}</b>{role if k == 0 else ''} · {label('h_coverage', lang)} "
                    f'<span class="vp-nowrap">{h.coverage:.1%}</span> · {label("unmet", lang)} '
                    f'<span class="vp-nowrap">{h.unmet:,}</span>')
            button = w.Button(description=label("cmp_remove", lang), icon="times", layout=w.Layout(width="auto"))
            button.on_click(guarded(self.errors)(lambda _, n=name: self.remove(n)))
            rows.append(w.HBox([button, w.HTML(text)], layout=w.Layout(align_items="center")))
        self.rows.children = rows

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = "#c62828" if error else "#1a7f37"
        self.message.value = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        self.explorer.land()
        return self.view._repr_mimebundle_(**kwargs)


__all__ = ["CompareBuilder", "CompareView"]
