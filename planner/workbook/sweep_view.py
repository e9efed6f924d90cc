"""What is at risk when people stay away or the weather turns: show-up and weather controls, a sweep on
Dask with its progress, the risk map, the coverage over the samples, the needs most often short, and
the reserves advice (notebooks/06_sweep.ipynb)."""

from __future__ import annotations

import contextlib
import html
import os
from typing import Any

import ipywidgets as w

from planner.io.scenario import Scenario
from planner.io.uncertainty import Uncertainty, scenario_uncertainty
from planner.labels import label
from planner.model.weather import PRESETS, exam_days
from planner.sweep.charts import coverage_distribution, needs_most_short, risk_map
from planner.sweep.reserves import ReserveAdvice, find_reserves
from planner.sweep.risk import SweepResult
from planner.sweep.run import sweep
from planner.workbook.common import guarded, png_image
from planner.workbook.tables import table_html

WEATHER = [p for p in PRESETS if p != "none"]


def start_samples() -> int:
    """Samples a view starts with: ``PLANNER_SWEEP_SAMPLES`` when set (a quick first look), else 200."""
    text = os.environ.get("PLANNER_SWEEP_SAMPLES", "")
    return int(text) if text.isdigit() and int(text) > 0 else 200


class SweepView:
    """Controls for the scenario's uncertainty, a button that runs the sweep, and what it finds.

    Parameters
    ----------
    scenario : Scenario
        Its ``uncertainty:`` sets the controls' first values.
    samples, seed : int
        The sweep's first samples and seed (the same seed gives the same samples).
    workers, scheduler
        Where the samples run: a local Dask cluster of ``workers`` processes (default: the
        machine's cores), or a running scheduler's address. The cluster starts at the first
        run and is kept until :meth:`close`.
    lang : {"zh", "en"}
    """

    def __init__(self, scenario: Scenario, *, samples: int | None = None, seed: int = 0, workers: int | None = None,
                 scheduler: str | None = None, lang: str = "zh"):
        self.scenario = scenario
        self.lang = lang
        self._workers, self._scheduler = workers, scheduler
        self._stack = contextlib.ExitStack()
        self._client: Any = None
        self.result: SweepResult | None = None
        self.advice: ReserveAdvice | None = None
        given = scenario_uncertainty(scenario, presets=PRESETS)
        self.errors = w.Output()
        slider = {"continuous_update": False, "style": {"description_width": "9em"}, "layout": w.Layout(width="26em")}
        self.show_up = w.FloatSlider(value=given.show_up, min=0.5, max=1.0, step=0.01,
                                     description=label("show_up", lang), readout_format=".0%", **slider)
        self.weather: dict[tuple[str, str], w.FloatSlider] = {}
        rows = []
        for day in exam_days(scenario):
            for preset in WEATHER:
                self.weather[(day, preset)] = w.FloatSlider(
                    value=given.weather.get(day, {}).get(preset, 0.0), min=0.0, max=1.0, step=0.05,
                    description=f"{day[5:]} {label(f'weather_{preset}', lang)}", readout_format=".0%", **slider)
            rows.append(w.HBox([self.weather[(day, p)] for p in WEATHER]))
        self.samples = w.BoundedIntText(value=samples or start_samples(), min=1, max=100_000,
                                        description=label("samples", lang), layout=w.Layout(width="14em"))
        self.seed = w.BoundedIntText(value=seed, min=0, max=2**31, description="seed", layout=w.Layout(width="12em"))
        self.run_button = w.Button(description=label("ctl_run_sweep", lang), button_style="primary")
        self.progress = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="26em"))
        self.status = w.HTML()
        self.map_image, self.coverage_image, self.needs_image = png_image(), png_image(), png_image()
        self.target = w.FloatSlider(value=0.9, min=0.5, max=1.0, step=0.05, description=label("reserve_target", lang),
                                    readout_format=".0%", **{**slider, "style": {"description_width": "22em"},
                                                              "layout": w.Layout(width="38em")})
        self.reserve_button = w.Button(description=label("ctl_find_reserves", lang))
        self.reserves_table = w.HTML()
        run = guarded(self.errors)(lambda _b: self.run())
        self.run_button.on_click(run)
        self.reserve_button.on_click(guarded(self.errors)(lambda _b: self.find_reserves()))
        self.view = w.VBox([
            self.show_up, *rows, w.HBox([self.samples, self.seed, self.run_button]), self.progress, self.status,
            self.map_image, w.HBox([self.coverage_image, self.needs_image]),
            w.HBox([self.target, self.reserve_button]), self.reserves_table, self.errors])

    def uncertainty(self) -> Uncertainty:
        """The controls' values; a day's chances above 1 in all are scaled down to add up to 1."""
        weather: dict[str, dict[str, float]] = {}
        for (day, preset), control in self.weather.items():
            if control.value > 0:
                weather.setdefault(day, {})[preset] = round(float(control.value), 4)
        for day, chances in weather.items():
            total = sum(chances.values())
            if total > 1:
                weather[day] = {p: round(v / total, 4) for p, v in chances.items()}
        given = scenario_uncertainty(self.scenario, presets=PRESETS)
        return Uncertainty(show_up=round(float(self.show_up.value), 4), team_show_up=given.team_show_up,
                           weather=weather)

    def _dask(self) -> Any:
        if self._client is None:
            from planner.cluster import dask_client

            self._client = self._stack.enter_context(dask_client(workers=self._workers, scheduler=self._scheduler))
        return self._client

    def _progress(self, done: int, total: int) -> None:
        self.progress.max = total
        self.progress.value = done

    def run(self, *, reserves: dict[tuple[str, str], int] | None = None) -> SweepResult:
        """Run the sweep with the controls' values and show what it finds."""
        self.status.value = "…"
        result = sweep(self.scenario, samples=int(self.samples.value), seed=int(self.seed.value),
                       uncertainty=self.uncertainty(), client=self._dask(), progress=self._progress,
                       reserves=reserves)
        self.show(result)
        return result

    def show(self, result: SweepResult) -> None:
        """The result's figures and charts."""
        self.result = result
        s = result.summary()
        lang = self.lang
        filled = "、".join(f"{label(r, lang)} {p:.0%}" for r, p in s["p_all_filled"].items())
        self.status.value = (
            f"<b>{html.escape(s['scenario'])}</b>: {label('samples', lang)} {s['samples']:,}; "
            f"{label('coverage', lang)} p05 {s['coverage_p05']:.1%} · p50 {s['coverage_p50']:.1%} · "
            f"p95 {s['coverage_p95']:.1%}<br>{html.escape(filled)}")
        from planner.exports.charts import to_png

        self.map_image.value = to_png(risk_map(result, lang=lang))
        self.coverage_image.value = to_png(coverage_distribution(result, lang=lang))
        self.needs_image.value = to_png(needs_most_short(result, lang=lang))

    def find_reserves(self, role: str = "first_aid") -> ReserveAdvice:
        """The fewest standby volunteers per district so that the target share of samples fills every duty."""
        uncertainty = self.uncertainty()

        def one(reserves: dict[tuple[str, str], int]) -> SweepResult:
            return sweep(self.scenario, samples=int(self.samples.value), seed=int(self.seed.value),
                         uncertainty=uncertainty, client=self._dask(), progress=self._progress, reserves=reserves)

        advice = find_reserves(self.scenario, run=one, uncertainty=uncertainty, role=role,
                               target=float(self.target.value))
        self.advice = advice
        table = advice.table(self.scenario)
        names = table["name_zh"] if self.lang == "zh" else table["name_en"]
        shown = table.assign(district=names)[["district", "role", "volunteers"]]
        shown["role"] = shown["role"].map(lambda r: label(r, self.lang))
        shown.columns = [label("district", self.lang), label("role", self.lang), label("reserves", self.lang)]
        self.reserves_table.value = (
            f"<p>{advice.share_without:.0%} → {advice.share:.0%}</p>" + table_html(shown))
        self.show(advice.result)
        return advice

    def close(self) -> None:
        """Stop the cluster this view started."""
        self._stack.close()
        self._client = None

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


__all__ = ["SweepView", "start_samples"]
