"""Two to four options side by side: figures, district differences, charts on shared axes,
and the comparison as one sheet to download."""

from __future__ import annotations

import html
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from planner.exports import charts
from planner.exports.compare import compare_districts, compare_figures, comparison_sheet, write_comparison
from planner.labels import label
from planner.results.headline import headline, headline_html
from planner.results.plan import Plan
from planner.workbook.common import download_link, guarded, language_toggle, png_image
from planner.workbook.tables import table_html


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

    def __init__(self, plans: Mapping[str, Plan], *, lang: str = "zh", large: bool = False):
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
        self.view = w.VBox([self.language, self.cards, self.figures, self.coverage_chart, self.heatmaps,
                            self.districts, self.link, self.errors])
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
        self.coverage_chart.value = charts.to_png(charts.compare_coverage(self.plans, lang=lang, large=self.large))
        self.heatmaps.value = charts.to_png(charts.compare_heatmaps(self.plans, lang=lang, large=self.large))
        self.sheet = comparison_sheet(self.plans, lang)
        with tempfile.TemporaryDirectory() as tmp:
            path = write_comparison(self.plans, Path(tmp) / "comparison.xlsx", lang=lang)
            name = f"{label('file_comparison', lang)}.xlsx"
            self.link.value = download_link(path.read_bytes(), name, text=name).value

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


__all__ = ["CompareView"]
