"""The workbook's widgets: controls for every lever, and the explorer that re-plans as they move.

Notebooks only build and show these (STYLE.md: cells are wiring and story). Controls are
connected with observers; a change marks the page "solving…" at once and re-plans when the
changes pause (:class:`Debouncer`), so dragging a slider never queues a solve per pixel.
Expected mistakes (a lever out of range, a name already taken) show as a message in the
page; anything unexpected is caught by an ``Output`` widget (``Output.capture``), so
errors are seen on screen, never lost in a log.

Every class has a synchronous mode (``debounce=0``) in which a control's change re-plans
before the assignment returns: the tests drive ``.value`` and read the results.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import html
import logging
import math
import mimetypes
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as w
import numpy as np
import pandas as pd

from planner.exports import charts
from planner.exports.bundle import Bundle, export_bundle
from planner.exports.compare import compare_districts, compare_figures, comparison_sheet, write_comparison
from planner.io import load_scenario
from planner.io.scenario import Scenario, wanted_supplies
from planner.io.settings import ROLES
from planner.labels import label
from planner.model.levers import Levers
from planner.model.tweaks import add_point, folder_name, save_tweaks
from planner.model.weather import PRESETS, exam_days, weather_levers
from planner.results.headline import headline, headline_html
from planner.results.plan import Plan
from planner.results.solving import LivePlanner, solve
from planner.workbook.folders import default_scenario, exports_dir, project_root, saved_scenarios_dir, scenario_folders

log = logging.getLogger(__name__)

LANGUAGES = (("中文", "zh"), ("English", "en"))
DEBOUNCE_SECONDS = 0.08  # quiet after a change before re-planning
CHART_SETTLE_SECONDS = 0.3  # quiet after a re-plan before drawing its chart
SIDEBAR_WIDTH = "390px"
DESCRIPTION_STYLE = {"description_width": "10.5em"}
WEIGHT_KEYS = (*ROLES, "fairness", "travel")


class Debouncer:
    """Calls ``func`` once calls have paused for ``delay`` seconds; at once when ``delay`` is 0.

    In a Jupyter kernel the call is scheduled on the kernel's event loop, so it runs in the
    main thread between widget messages; elsewhere a timer thread runs it (under a lock).
    """

    def __init__(self, func: Callable[[], None], delay: float):
        self.func = func
        self.delay = delay
        self._handle: asyncio.TimerHandle | threading.Timer | None = None
        self._lock = threading.Lock()

    def __call__(self) -> None:
        self.cancel()
        if self.delay <= 0:
            self.func()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            timer = threading.Timer(self.delay, self._locked)
            timer.daemon = True
            self._handle = timer
            timer.start()
        else:
            self._handle = loop.call_later(self.delay, self.func)

    def _locked(self) -> None:
        with self._lock:
            self.func()

    def cancel(self) -> None:
        """Forget a call that has not run yet."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


class Drawer:
    """Runs drawing jobs on one worker thread, only the newest waiting one; inline when not ``background``.

    A job starts once no newer job has come for ``settle`` seconds, so while a planner keeps
    moving a control no chart competes with the re-plans. Matplotlib figures made without
    pyplot draw safely off the main thread, and widget values set there reach the page as
    usual. A job that fails writes its error into ``errors``.
    """

    def __init__(self, *, background: bool, errors: w.Output | None = None, settle: float = CHART_SETTLE_SECONDS):
        self.background = background
        self.errors = errors
        self.settle = settle
        self._job: Callable[[], None] | None = None
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        if not self.background:
            job()
            return
        with self._wake:
            self._job = job  # an older job still waiting is dropped: its plan is out of date
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="planner-charts", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _work(self) -> None:
        while True:
            with self._wake:
                while self._job is None:
                    self._wake.wait()
                while True:  # settle: start only when no newer job came meanwhile
                    job = self._job
                    self._wake.wait(timeout=self.settle)
                    if self._job is job:
                        break
                self._job = None
            try:
                job()
            except Exception as exc:  # shown on the page: a thread has no cell to show it in
                log.exception("drawing failed")
                if self.errors is not None:
                    self.errors.append_stderr(f"{type(exc).__name__}: {exc}\n")

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until no job is waiting (tests); True when idle in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._wake:
                if self._job is None:
                    return True
            time.sleep(0.01)
        return False


def guarded(output: w.Output) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``output.capture(clear_output=True)`` in a kernel, so a callback's error shows on the page.

    Outside a kernel (tests, scripts) callbacks run bare and their errors propagate.
    """
    try:
        from IPython import get_ipython

        in_kernel = getattr(get_ipython(), "kernel", None) is not None
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        in_kernel = False
    if in_kernel:
        return output.capture(clear_output=True)
    return lambda func: func


def language_toggle(lang: str = "zh") -> w.ToggleButtons:
    """中文 / English buttons; their value is ``zh`` or ``en``."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return w.ToggleButtons(options=LANGUAGES, value=lang, style={"button_width": "6em"},
                           layout=w.Layout(width="auto"))


def png_image(fig: Any = None, *, dpi: int = 90, max_width: str = "100%") -> w.Image:
    """An Image widget, showing a matplotlib figure when given one."""
    image = w.Image(format="png", layout=w.Layout(width="100%", max_width=max_width, height="auto"))
    if fig is not None:
        image.value = charts.to_png(fig, dpi=dpi)
    return image


def table_html(frame: pd.DataFrame, *, max_height: str = "420px") -> str:
    """A table as scrollable HTML (headers as given, numbers with thousands separators)."""
    shown = frame.map(_cell_text)
    body = shown.to_html(index=False, escape=True, border=0, classes="vp-table")
    style = ("<style>.vp-table{border-collapse:collapse;font-size:0.9em}"
             ".vp-table th{background:#ddebf7;position:sticky;top:0;padding:3px 8px;text-align:left}"
             ".vp-table td{padding:2px 8px;border-bottom:1px solid #eee}</style>")
    return f'{style}<div style="max-height:{max_height};overflow:auto">{body}</div>'


def _cell_text(value: Any) -> str:
    """A table cell as people read it: 1,968 and 93.5, never 1968.0 or 93.500000."""
    if isinstance(value, bool | np.bool_) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def download_link(data: bytes | str | Path, filename: str | None = None, *, text: str | None = None) -> w.HTML:
    """A link that downloads a file from the page itself (a data URI), in JupyterLab and in Voila.

    Parameters
    ----------
    data : bytes or path
        The file's bytes, or its path (read now).
    filename : str, optional
        Name the browser saves it under; the path's name by default.
    text : str, optional
        The link's text; the file name and size by default.
    """
    if isinstance(data, str | Path):
        path = Path(data)
        filename = filename or path.name
        data = path.read_bytes()
    if not filename:
        raise ValueError("download_link needs a file name for bytes")
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    encoded = base64.b64encode(data).decode("ascii")
    size = f"{len(data) / 1024:,.0f} KB" if len(data) >= 1024 else f"{len(data)} B"
    shown = html.escape(text or filename)
    return w.HTML(f'<a download="{html.escape(filename)}" href="data:{mime};base64,{encoded}" '
                  f'style="text-decoration:underline">⬇ {shown}</a> <span style="color:#57606a">({size})</span>')


def _short_item_name(name: str) -> str:
    return name.split("（")[0].split("(")[0].strip()


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
        full = w.Layout(width="98%")
        style = {"description_width": "12em" if large else DESCRIPTION_STYLE["description_width"]}

        def add(name: str, widget: w.ValueWidget, words: Callable[[str], str] | str) -> w.ValueWidget:
            self.widgets[name] = widget
            self._labels.append((widget, words if callable(words) else _label_of(words)))
            return widget

        sc = scenario
        add("availability", w.IntSlider(100, min=0, max=150, step=5, layout=full, style=style), "ctl_availability")
        districts = sc.districts[sc.districts["district_id"].isin(sc.teams["district_id"])]
        names = {"zh": dict(zip(districts["district_id"], districts["name_zh"], strict=True)),
                 "en": dict(zip(districts["district_id"], districts["name_en"], strict=True))}
        for district_id in districts["district_id"]:
            add(f"district:{district_id}", w.IntSlider(100, min=0, max=200, step=5, layout=full, style=style),
                _name_of(names, district_id))
        items = sc.supplies
        wanted = wanted_totals(sc)
        for item_id, name, stock in zip(items["item_id"], items["name"], items["stock"], strict=True):
            top = int(max(10 * int(stock), 3 * wanted.get(item_id, 0), 1000))
            add(f"stock:{item_id}", w.BoundedIntText(int(stock), min=0, max=top, step=100, layout=full, style=style),
                _item_words(str(name), str(item_id)))
        reach = sc.max_travel_km
        add("travel", w.IntSlider(int(min(reach or 250, 250)), min=5, max=250, step=5, disabled=reach is None,
                                  layout=full, style=style), "ctl_travel")
        add("no_limit", w.Checkbox(reach is None, indent=False), "ctl_no_limit")
        weights = sc.config.weights
        for key in WEIGHT_KEYS:
            if key in ROLES:
                slider = w.FloatSlider(float(weights.role(key)), min=0.5, max=10, step=0.5, layout=full, style=style)
            else:
                slider = w.FloatSlider(float(getattr(weights, key)), min=0, max=1, step=0.1, layout=full, style=style)
            add(f"weight:{key}", slider, key)
        add("weather", w.Dropdown(options=[(label(f"weather_{k}", lang), k) for k in PRESETS], value="none",
                                  layout=full, style=style), "ctl_weather")
        for date in exam_days(sc):
            add(f"day:{date}", w.Checkbox(True, indent=False, layout=w.Layout(width="auto")),
                functools.partial(_day_name, date))
        points = sc.points
        add("closed", w.SelectMultiple(options=list(zip(points["name"], points["point_id"], strict=True)), rows=8,
                                       layout=full, style=style), "ctl_close")
        self.widgets["no_limit"].observe(self._travel_enabled, "value")
        self._defaults = self.state()
        self.close_hint = w.HTML()
        self.groups: list[tuple[str, w.Widget]] = [
            ("ctl_availability", w.VBox([self.widgets["availability"]])),
            ("ctl_weather", w.VBox([self.widgets["weather"],
                                    w.HBox([self.widgets[k] for k in self.widgets if k.startswith("day:")])])),
            ("ctl_stock", w.VBox([v for k, v in self.widgets.items() if k.startswith("stock:")])),
            ("ctl_district_availability", w.VBox([v for k, v in self.widgets.items() if k.startswith("district:")])),
            ("ctl_priorities", w.VBox([self.widgets["travel"], self.widgets["no_limit"],
                                       *[self.widgets[f"weight:{k}"] for k in WEIGHT_KEYS]])),
            ("ctl_close", w.VBox([self.close_hint, self.widgets["closed"]])),
        ]
        self.relabel(lang)

    def _travel_enabled(self, change: Mapping[str, Any]) -> None:
        self.widgets["travel"].disabled = bool(change["new"])

    def relabel(self, lang: str) -> None:
        """Every control's words in ``lang`` (values are kept)."""
        self.lang = lang
        for widget, words in self._labels:
            widget.description = words(lang)
        weather = self.widgets["weather"]
        value = weather.value
        # New options select the first one (ipywidgets 8, even inside hold_trait_notifications),
        # so the preset is set again after: observers see it go and come back (the explorer
        # relabels quietly).
        weather.options = [(label(f"weather_{k}", lang), k) for k in PRESETS]
        weather.value = value
        self.close_hint.value = f'<span style="color:#57606a">{html.escape(label("ctl_close_hint", lang))}</span>'

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
        state = self.state()
        sc = self.scenario
        days = [key.split(":", 1)[1] for key, on in state.items() if key.startswith("day:") and on]
        weather = weather_levers(sc, state["weather"], days)
        stock = {key.split(":", 1)[1]: int(value) for key, value in state.items()
                 if key.startswith("stock:") and value != self._defaults[key]}
        by_district = {key.split(":", 1)[1]: value / 100 for key, value in state.items()
                       if key.startswith("district:") and value != 100}
        weights = {key.split(":", 1)[1]: float(value) for key, value in state.items()
                   if key.startswith("weight:") and value != self._defaults[key]}
        reach = math.inf if state["no_limit"] else float(state["travel"])
        return Levers(
            availability=state["availability"] / 100, district_availability=by_district, stock=stock,
            supply_factors=weather["supply_factors"], need_factors=weather["need_factors"],
            max_travel_km=None if reach == (sc.max_travel_km or math.inf) else reach, weights=weights,
            closed_points=frozenset(state["closed"]),
        )


def wanted_totals(scenario: Scenario) -> dict[str, int]:
    """Units of each item all points want together (for the stock controls' range)."""
    wanted = wanted_supplies(scenario)
    return {str(k): int(v) for k, v in wanted.groupby("item_id")["wanted"].sum().items()}


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
        return _short_item_name(name) if lang == "zh" else item_id.replace("-", " ").capitalize()
    return words


def _day_name(date: str, lang: str) -> str:
    day = pd.Timestamp(date)
    return f"{day.month}月{day.day}日" if lang == "zh" else day.strftime("%b ") + str(day.day)


class Explorer:
    """The planner's explorer: pick a scenario, move levers, see the plan follow.

    Parameters
    ----------
    scenario : path or Scenario, optional
        A scenario folder (the default scenario when omitted) or a loaded scenario.
    lang : {"zh", "en"}
    debounce : float
        Seconds of quiet after a change before re-planning; 0 re-plans at once (tests).
    large : bool
        Large type and charts, for a projector.
    groups : tuple of str, optional
        Which groups of controls to show (label keys of :attr:`LeverControls.groups`, plus
        ``ctl_add_point`` and ``ctl_save``); all when omitted.
    show_charts : tuple of str
        Which charts to offer, of ``district``, ``heatmap``, ``map``, ``supplies``.
    show_tables, show_picker : bool
        Whether to show the tables and the scenario picker.

    Attributes
    ----------
    plan : Plan
        The plan for the controls as they are.
    headline : Headline
    baseline : Headline
        The plan of the scenario as loaded (no levers, no added point), which the headline
        cards compare with.
    timings : dict
        Seconds of the last re-plan: ``plan`` (solve), ``headline`` (from the last change of
        a control to the figures shown, the wait included), ``chart``.
    view : ipywidgets.Widget
        Everything, laid out; the notebook shows it.
    """

    CHARTS: ClassVar[dict[str, tuple[str, Callable[..., Any]]]] = {
        "district": ("chart_district_coverage", charts.coverage_by_district),
        "heatmap": ("chart_heatmap", charts.district_session_heatmap),
        "map": ("chart_map", charts.points_map),
        "supplies": ("chart_supplies", charts.supplies_chart),
    }

    def __init__(self, scenario: str | Path | Scenario | None = None, *, lang: str = "zh",
                 debounce: float = DEBOUNCE_SECONDS, large: bool = False, groups: tuple[str, ...] | None = None,
                 show_charts: tuple[str, ...] = ("district", "heatmap", "map", "supplies"), show_tables: bool = True,
                 show_picker: bool = True):
        self.root = project_root()
        self.large = large
        self.lang = lang
        self.timings: dict[str, float] = {}
        self._shown_groups = groups
        self._quiet = False
        self._changed_at: float | None = None
        self.errors = w.Output()
        self._guard = guarded(self.errors)
        self.language = language_toggle(lang)
        self.language.observe(self._guard(self._on_language), "value")
        self.picker = w.Dropdown(layout=w.Layout(width="22em"))
        self.picker.observe(self._guard(self._on_pick), "value")
        self.status = w.HTML()
        self.message = w.HTML()
        self.title = w.HTML()
        self.headline_html = w.HTML()
        self._chart_keys = show_charts
        self.chart_images = {key: png_image(max_width="920px") for key in show_charts}
        self.chart_tabs = w.Tab(children=[self.chart_images[k] for k in show_charts])
        self.chart_tabs.observe(self._guard(lambda _: self._draw_charts()), "selected_index")
        self._stale: set[str] = set(show_charts)
        self._generation = 0
        self._drawer = Drawer(background=debounce > 0, errors=self.errors)
        self.table_html = {key: w.HTML() for key in ("tab_districts", "tab_shortfalls", "tab_supplies")}
        self.tables = w.Tab(children=list(self.table_html.values()))
        self._debounced = Debouncer(self._guard(self.replan), debounce)
        self._add_form = self._make_add_form()
        self._save_form = self._make_save_form()
        self.reset_button = w.Button(icon="undo", layout=w.Layout(width="auto"))
        self.reset_button.on_click(self._guard(lambda _: self.reset()))
        self.sidebar = w.Accordion(layout=w.Layout(width="470px" if large else SIDEBAR_WIDTH, flex="0 0 auto"))
        self.tables.layout.display = "" if show_tables else "none"
        main = w.VBox([self.chart_tabs, self.tables], layout=w.Layout(flex="1 1 auto", min_width="0"))
        self.picker.layout.display = "" if show_picker else "none"
        header = w.HBox([self.title, self.picker, self.language],
                        layout=w.Layout(justify_content="space-between", align_items="center", flex_flow="row wrap"))
        self.view = w.VBox([header, self.headline_html, w.HBox([self.status, self.message]),
                            w.HBox([w.VBox([self.sidebar, self.reset_button]), main]), self.errors],
                           layout=w.Layout(width="100%"))
        self.view.add_class("vp-explorer")
        if isinstance(scenario, Scenario):
            self._refresh_picker(None)
            self._use(scenario, folder=None)
        else:
            folder = Path(scenario) if scenario is not None else default_scenario(self.root)
            self._refresh_picker(folder)
            self._use(load_scenario(folder), folder=folder)

    # Scenario ---------------------------------------------------------------------------
    def _refresh_picker(self, select: Path | None) -> None:
        """List the scenario folders (quietly: nothing is loaded) with ``select`` chosen."""
        folders = [p.resolve() for p in scenario_folders(self.root)]
        if select is not None and select.resolve() not in folders:
            folders.append(select.resolve())
        self._quiet = True
        try:
            self.picker.options = [(_folder_label(p, self.root), p) for p in folders]
            self.picker.value = select.resolve() if select is not None else None
        finally:
            self._quiet = False

    def _on_pick(self, change: Mapping[str, Any]) -> None:
        if self._quiet or change["new"] is None:
            return
        folder = Path(change["new"])
        self._use(load_scenario(folder), folder=folder)
        self._say(f"{label('loaded', self.lang)}: {self.scenario.name}")

    def _use(self, scenario: Scenario, *, folder: Path | None, state: Mapping[str, Any] | None = None,
             keep_baseline: bool = False) -> None:
        """Plan a scenario: new controls (keeping ``state`` where it applies), a warm planner, a plan;
        the cards compare with this scenario's own plan, or with the start's (``keep_baseline``)."""
        self.scenario = scenario
        self.folder = folder
        self.live = LivePlanner(scenario)
        self.controls = LeverControls(scenario, lang=self.lang, large=self.large)
        if state:
            self.controls.set_state(state)
        for widget in self.controls.widgets.values():
            widget.observe(self._guard(self._on_change), "value")
        if not keep_baseline:
            self.baseline = headline(self.live.plan())
        self._fill_sidebar()
        self.title.value = (f'<b style="font-size:{"1.6em" if self.large else "1.25em"}">'
                            f"{html.escape(scenario.name)}</b>")
        self.replan()

    def _fill_sidebar(self) -> None:
        groups = [*self.controls.groups, ("ctl_add_point", self._add_form), ("ctl_save", self._save_form)]
        if self._shown_groups is not None:
            groups = [g for g in groups if g[0] in self._shown_groups]
        self._group_keys = [key for key, _ in groups]
        self.sidebar.children = [box for _, box in groups]
        self.sidebar.selected_index = 0
        self.sidebar.layout.display = "" if groups else "none"
        self._add_widgets["district"].value = None
        self._relabel()

    # Re-planning ------------------------------------------------------------------------
    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        self._changed_at = time.perf_counter()  # the last change: what the planner waits from
        self._generation += 1  # a chart of the plan before this change is not worth drawing now
        self.status.value = _status_html("solving", self.lang)
        self._debounced()

    def replan(self) -> None:
        """Solve for the controls as they are, and show the result (headline first, then charts)."""
        started = self._changed_at or time.perf_counter()
        self._changed_at = None
        solve_start = time.perf_counter()
        try:
            plan = self.live.plan(self.controls.levers())
        except ValueError as exc:
            self.status.value = ""
            self._say(f"{label('check_input', self.lang)}: {exc}", error=True)
            return
        solved = time.perf_counter()
        self.plan = plan
        self.headline = headline(plan)
        self._show_headline()
        shown = time.perf_counter()
        self.timings = {"plan": solved - solve_start, "headline": shown - started}
        self._last_status = (shown - started, solved - solve_start)
        self.status.value = _status_html("updated", self.lang, *self._last_status)
        self._refresh_views()

    def _show_headline(self) -> None:
        self.headline_html.value = headline_html(self.headline, self.lang, baseline=self.baseline, large=self.large)

    def _refresh_views(self) -> None:
        """Charts and tables of the current plan: off the main thread when re-plans are debounced,
        so the next move of a control is solved at once instead of waiting for a chart."""
        self._generation += 1
        self._stale = set(self._chart_keys)
        generation, plan, lang = self._generation, self.plan, self.lang

        def job() -> None:
            started = time.perf_counter()
            self._draw_chart(generation, plan, lang)
            if self.tables.layout.display != "none" and generation == self._generation:
                for key, frame in explorer_tables(plan, lang).items():
                    self.table_html[key].value = table_html(frame)
            self.timings["chart"] = time.perf_counter() - started

        self._drawer.submit(job)

    def _draw_charts(self) -> None:
        """Draw the chart on view if its plan or language changed (a tab was chosen)."""
        generation, plan, lang = self._generation, self.plan, self.lang
        self._drawer.submit(lambda: self._draw_chart(generation, plan, lang))

    def _draw_chart(self, generation: int, plan: Plan, lang: str) -> None:
        """Draw the chart in view for ``plan``, unless a newer plan came meanwhile; others wait until viewed."""
        key = self._chart_keys[self.chart_tabs.selected_index or 0]
        if key not in self._stale or generation != self._generation:
            return
        fig = self.CHARTS[key][1](plan, lang=lang, large=self.large)
        if generation != self._generation:
            return
        png = charts.to_png(fig, dpi=100 if self.large else 110)
        if generation == self._generation:
            self.chart_images[key].value = png
            self._stale.discard(key)

    # Language ---------------------------------------------------------------------------
    def _on_language(self, change: Mapping[str, Any]) -> None:
        self.set_language(change["new"])

    def set_language(self, lang: str) -> None:
        """Show every word, figure, chart and table in ``lang`` (``zh`` or ``en``)."""
        self.lang = lang
        if self.language.value != lang:
            self.language.value = lang
            return
        self._relabel()
        self._show_headline()
        if 'data-state="updated"' in self.status.value:
            self.status.value = _status_html("updated", lang, *self._last_status)
        self._refresh_views()

    def _relabel(self) -> None:
        lang = self.lang
        quiet, self._quiet = self._quiet, True  # new words, same values: nothing to re-plan
        try:
            self.controls.relabel(lang)
        finally:
            self._quiet = quiet
        self.sidebar.titles = tuple(label(key, lang) for key in self._group_keys)
        self.chart_tabs.titles = tuple(label(f"tab_chart_{k}", lang) for k in self._chart_keys)
        self.tables.titles = tuple(label(k, lang) for k in self.table_html)
        self.reset_button.description = label("ctl_reset", lang)
        for key, widget in self._add_widgets.items():
            widget.description = label(_ADD_LABELS[key], lang)
        district = self._add_widgets["district"]
        chosen = district.value
        names = self.scenario.districts["name_zh" if lang == "zh" else "name_en"]
        district.options = list(zip(names, self.scenario.districts["district_id"], strict=True))
        district.value = chosen if chosen in set(self.scenario.districts["district_id"]) else district.options[0][1]
        self._add_button.description = label("ctl_add", lang)
        self._save_name.description = label("ctl_save_name", lang)
        self._save_replace.description = label("ctl_replace", lang)
        self._save_button.description = label("ctl_save", lang)

    # Reset, add a point, save ----------------------------------------------------------------
    def reset(self) -> None:
        """Controls back to the scenario's own numbers, and re-plan."""
        self._quiet = True
        try:
            self.controls.reset()
        finally:
            self._quiet = False
        self.replan()

    def _make_add_form(self) -> w.VBox:
        full = w.Layout(width="98%")
        self._add_widgets: dict[str, w.ValueWidget] = {
            "district": w.Dropdown(layout=full, style=DESCRIPTION_STYLE),
            "name": w.Text(layout=full, style=DESCRIPTION_STYLE),
            "parents": w.BoundedIntText(250, min=0, max=100000, layout=full, style=DESCRIPTION_STYLE),
            "frontline_staff": w.BoundedIntText(40, min=0, max=100000, layout=full, style=DESCRIPTION_STYLE),
            "capacity": w.BoundedIntText(10, min=0, max=1000, layout=full, style=DESCRIPTION_STYLE),
            "lat": w.BoundedFloatText(0, min=-90, max=90, step=0.001, layout=full, style=DESCRIPTION_STYLE),
            "lon": w.BoundedFloatText(0, min=-180, max=180, step=0.001, layout=full, style=DESCRIPTION_STYLE),
        }
        self._add_widgets["district"].observe(self._place_new_point, "value")
        self._add_button = w.Button(icon="plus", button_style="info", layout=w.Layout(width="auto"))
        self._add_button.on_click(self._guard(lambda _: self._add_from_form()))
        return w.VBox([*self._add_widgets.values(), self._add_button])

    def _place_new_point(self, change: Mapping[str, Any]) -> None:
        """A new point starts near its district's centre, with the district's typical numbers."""
        district_id = change["new"]
        if district_id is None:
            return
        sc = self.scenario
        centre = sc.districts.set_index("district_id").loc[district_id]
        here = sc.points[sc.points["district_id"] == district_id]
        self._add_widgets["lat"].value = round(float(centre["lat"]) + 0.005, 5)
        self._add_widgets["lon"].value = round(float(centre["lon"]) + 0.005, 5)
        for key in ("parents", "frontline_staff", "capacity"):
            if len(here):
                self._add_widgets[key].value = int(np.median(here[key]))
        count = len(here) + 1
        self._add_widgets["name"].value = f"{centre['name_zh']}新增点位{count}"

    def _add_from_form(self) -> None:
        form = {key: widget.value for key, widget in self._add_widgets.items()}
        try:
            self.add_point(**form)
        except ValueError:
            return  # the message says why

    def add_point(self, *, district: str, name: str, parents: int, frontline_staff: int, capacity: int,
                  lat: float, lon: float) -> str:
        """Add a service point (in memory; save to keep it) and re-plan. Returns its point_id."""
        taken = set(self.scenario.points["point_id"])
        point_id = next(f"{district}-new{k}" for k in range(1, len(taken) + 2) if f"{district}-new{k}" not in taken)
        try:
            scenario = add_point(self.scenario, point_id=point_id, name=name, district_id=district, lat=lat, lon=lon,
                                 capacity=int(capacity), parents=int(parents), frontline_staff=int(frontline_staff))
        except ValueError as exc:
            self._say(f"{label('check_input', self.lang)}: {exc}", error=True)
            raise
        # An added point is a tweak like the levers: the cards still compare with the start.
        self._use(scenario, folder=self.folder, state=self.controls.state(), keep_baseline=True)
        self._say(f"{label('added_point', self.lang)}: {name} ({point_id})")
        return point_id

    def _make_save_form(self) -> w.VBox:
        full = w.Layout(width="98%")
        self._save_name = w.Text(layout=full, style=DESCRIPTION_STYLE)
        self._save_replace = w.Checkbox(False, indent=False)
        self._save_button = w.Button(icon="save", button_style="success", layout=w.Layout(width="auto"))
        self._save_button.on_click(self._guard(lambda _: self._save_from_form()))
        return w.VBox([self._save_name, self._save_replace, self._save_button])

    def _save_from_form(self) -> None:
        name = self._save_name.value.strip() or f"{self.scenario.name} ({label('ctl_levers', self.lang)})"
        try:
            self.save(name, overwrite=self._save_replace.value)
        except (FileExistsError, ValueError):
            return  # the message says why

    def save(self, name: str, *, overwrite: bool = False) -> Path:
        """Save the scenario with the controls' levers baked in, as ``saved-scenarios/<name>``.

        Raises
        ------
        FileExistsError
            A saved scenario of that name exists and ``overwrite`` is false.
        """
        try:
            folder = saved_scenarios_dir(self.root) / folder_name(name)
            saved = save_tweaks(self.scenario, self.controls.levers(), folder, name=name, overwrite=overwrite)
        except (FileExistsError, ValueError) as exc:
            self._say(f"{label('check_input', self.lang)}: {exc}", error=True)
            raise
        self._refresh_picker(self.picker.value)
        self._say(f"{label('saved_to', self.lang)}: {saved}")
        return saved

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = "#c62828" if error else "#1a7f37"
        self.message.value = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


_ADD_LABELS = {"district": "district", "name": "ctl_point_name", "parents": "ctl_parents",
               "frontline_staff": "ctl_frontline", "capacity": "capacity", "lat": "lat", "lon": "lon"}


def _folder_label(folder: Path, root: Path) -> str:
    try:
        return str(folder.relative_to(root))
    except ValueError:
        return str(folder)


def _status_html(state: str, lang: str, seconds: float | None = None, solve: float | None = None) -> str:
    if state == "solving":
        return f'<span class="vp-status" data-state="solving" style="color:#9a6700">⏳ {label("solving", lang)}</span>'
    return (f'<span class="vp-status" data-state="updated" data-solve="{solve or 0:.3f}" style="color:#57606a">'
            f'✓ {label("updated", lang)} {seconds:.2f} {label("seconds", lang)}</span>')


def explorer_tables(plan: Plan, lang: str) -> dict[str, pd.DataFrame]:
    """The explorer's tables, with headers in ``lang``: districts, unmet needs, supplies."""
    sc = plan.scenario
    word = lambda key: label(key, lang)  # noqa: E731
    districts = plan.by_district()
    districts = districts[districts["needed"] > 0]
    district_table = pd.DataFrame({
        word("district"): districts["name_zh" if lang == "zh" else "name_en"],
        word("points"): districts["points"],
        **{f"{word('missing')}: {word(r)}": districts[f"{r}_needed"] - districts[f"{r}_assigned"] for r in ROLES},
        word("needed"): districts["needed"], word("assigned"): districts["assigned"],
        word("coverage"): (districts["coverage"] * 100).round(1).astype(str) + "%",
    })
    short = plan.shortfalls[plan.shortfalls["missing"] > 0]
    names = sc.points.set_index("point_id")["name"]
    sessions = charts.session_names(plan, lang).str.replace("\n", " ")
    shortfall_table = pd.DataFrame({
        word("point"): names.reindex(short["point_id"]).to_numpy(),
        word("session"): sessions.reindex(short["session_id"]).to_numpy(),
        word("role"): short["role"].map(word).to_numpy(),
        word("needed"): short["needed"].to_numpy(), word("assigned"): short["assigned"].to_numpy(),
        word("missing"): short["missing"].to_numpy(),
    })
    items = sc.supplies.set_index("item_id")
    supply_rows = [
        {word("item"): _short_item_name(str(items.at[i, "name"])) if lang == "zh" else i,
         word("category"): word(str(items.at[i, "category"])), word("stock"): f["stock"], word("wanted"): f["wanted"],
         word("distributed"): f["distributed"]}
        for i, f in plan.summary["supplies"].items()
    ]
    return {"tab_districts": district_table, "tab_shortfalls": shortfall_table,
            "tab_supplies": pd.DataFrame(supply_rows)}


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


class ExportView:
    """Staff exports: pick a scenario (saved tweaks included) and header language, make the
    files, download them from the page.

    Parameters
    ----------
    scenario : path, optional
        The scenario folder chosen at first (the default scenario when omitted).
    lang : {"zh", "en"}
        Words of the page; the files' headers have their own choice (both languages by default).
    folder : path, optional
        Where the files go (``exports/<scenario folder>`` by default).
    """

    def __init__(self, scenario: str | Path | None = None, *, lang: str = "zh", folder: str | Path | None = None):
        self.root = project_root()
        self.lang = lang
        self.errors = w.Output()
        guard = guarded(self.errors)
        self.language = language_toggle(lang)
        self.language.observe(guard(lambda change: self._relabel(change["new"])), "value")
        chosen = Path(scenario).resolve() if scenario is not None else default_scenario(self.root).resolve()
        folders = [p.resolve() for p in scenario_folders(self.root)]
        if chosen not in folders:
            folders.append(chosen)
        self.picker = w.Dropdown(options=[(_folder_label(p, self.root), p) for p in folders], value=chosen,
                                 layout=w.Layout(width="30em"), style=DESCRIPTION_STYLE)
        self.headers = w.Dropdown(options=[("中文 + English", "both"), ("中文", "zh"), ("English", "en")],
                                  value="both", style=DESCRIPTION_STYLE)
        self.button = w.Button(icon="file-export", button_style="primary", layout=w.Layout(width="auto"))
        self.button.on_click(guard(lambda _: self.prepare()))
        self.point = w.Dropdown(style=DESCRIPTION_STYLE, layout=w.Layout(width="30em"))
        self.point.observe(guard(self._point_link), "value")
        self.status = w.HTML()
        self.links = w.VBox()
        self.point_link = w.HTML()
        self._folder = Path(folder) if folder is not None else None
        self.bundle: Bundle | None = None
        self.view = w.VBox([self.language, self.picker, self.headers, self.button, self.status, self.links,
                            w.HBox([self.point, self.point_link]), self.errors])
        self._relabel(lang)

    def _relabel(self, lang: str) -> None:
        self.lang = lang
        self.picker.description = label("scenario", lang)
        self.headers.description = label("header_language", lang)
        self.button.description = label("ctl_prepare", lang)
        self.point.description = label("duty_sheet", lang)
        if self.bundle is not None:
            self._show_links()

    def prepare(self) -> Bundle:
        """Solve the chosen scenario and write its files; show a link for each."""
        self.status.value = f"⏳ {html.escape(label('solving', self.lang))}"
        folder = Path(self.picker.value)
        scenario = load_scenario(folder)
        self.plan = solve(scenario)
        target = self._folder or exports_dir(self.root) / folder.name
        self.bundle = export_bundle(self.plan, target, lang=self.headers.value, overwrite=True)
        self.status.value = f"✓ {html.escape(label('saved_to', self.lang))}: {html.escape(str(target))}"
        self._show_links()
        return self.bundle

    def _show_links(self) -> None:
        b = self.bundle
        assert b is not None
        lang = self.lang
        districts = self.plan.scenario.districts
        names = dict(zip(districts["district_id"], districts["name_zh" if lang == "zh" else "name_en"], strict=True))
        rows = [
            w.HTML(f"<b>{html.escape(label('file_all', lang))}</b>"), download_link(b.archive),
            w.HTML(f"<b>{html.escape(label('file_plan', lang))}</b>"), download_link(b.plan_workbook),
            w.HTML(f"<b>{html.escape(label('file_csv', lang))}</b>"),
            w.HBox([download_link(p) for p in b.data_files]),
            w.HTML(f"<b>{html.escape(label('file_districts', lang))}</b>"),
            w.GridBox([download_link(p, text=f"{names.get(p.stem, p.stem)} ({p.name})") for p in b.district_workbooks],
                      layout=w.Layout(grid_template_columns="repeat(4, auto)")),
            w.HTML(f"<b>{html.escape(label('file_duty_all', lang))}</b>"), download_link(b.duty_sheets_all),
        ]
        self.links.children = rows
        points = dict(zip(self.plan.scenario.points["point_id"], self.plan.scenario.points["name"], strict=True))
        options = [(f"{points[p.stem]} ({p.stem})", str(p)) for p in b.duty_sheets]
        chosen = self.point.value
        self.point.options = options
        values = [value for _, value in options]
        self.point.value = chosen if chosen in values else (values[0] if values else None)

    def _point_link(self, change: Mapping[str, Any]) -> None:
        self.point_link.value = download_link(Path(change["new"])).value if change["new"] else ""

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


__all__ = [
    "CompareView",
    "Debouncer",
    "Explorer",
    "ExportView",
    "LeverControls",
    "download_link",
    "explorer_tables",
    "guarded",
    "language_toggle",
    "png_image",
    "table_html",
]
