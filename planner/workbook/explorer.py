"""The planner's explorer: pick a scenario, move levers, see the plan follow.

A change of a control marks the page "solving…" at once and re-plans when the changes
pause (:class:`planner.workbook.common.Debouncer`); the headline figures come first, and
the chart in view follows off the main thread (:class:`planner.workbook.common.Drawer`).
Expected mistakes (a lever out of range, a name already taken) show as a message on the
page; anything unexpected is caught by an ``Output`` widget (:func:`common.guarded`).

The parts it composes: :class:`LeverControls` (the levers), :class:`AddPointForm` and
:class:`SaveForm` (the sidebar's forms), :func:`explorer_tables` (the tables) and
:class:`TeamView` (a team's sessions and members, in the tables' last tab).
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as w

from planner.exports import charts
from planner.io import load_scenario
from planner.io.scenario import Scenario
from planner.labels import label
from planner.model.tweaks import add_point, folder_name, save_tweaks
from planner.results.fixes import with_change
from planner.results.headline import headline, headline_html
from planner.results.plan import Plan
from planner.results.solving import LivePlanner
from planner.results.steady import SteadyPlans
from planner.results.trials import Change
from planner.workbook.common import (
    DEBOUNCE_SECONDS,
    Debouncer,
    Drawer,
    figure_png,
    guarded,
    language_toggle,
    png_image,
    show_figure,
    status_html,
    stylesheet,
)
from planner.workbook.folders import default_scenario, project_root, saved_scenarios_dir, scenario_choices
from planner.workbook.forms import AddPointForm, SaveForm
from planner.workbook.lever_controls import LeverControls
from planner.workbook.pin_form import PinForm
from planner.workbook.tables import explorer_tables, table_html
from planner.workbook.team_view import TeamView
from planner.workbook.why_view import WhyView

SIDEBAR_WIDTH = "390px"


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
        ``ctl_add_point``, ``ctl_pins`` and ``ctl_save``); all when omitted.
    show_charts : tuple of str
        Which charts to offer, of ``district``, ``heatmap``, ``map``, ``supplies``.
    show_tables, show_picker : bool
        Whether to show the tables (with the view per team) and the scenario picker.
    team_figures : bool
        Whether the headline shows the teams' figures beside coverage (team-sessions split over
        more than one point, teams at one point the whole exam).
    steady : bool
        Whether a re-plan changes as few assignments of the plan shown as it can (the status line
        says how many changed), rather than showing the planner's fresh plan; a checkbox on the
        page too. Off by default: on the 2023 scenario such a re-plan takes about 1 to 2 s where
        the planner's warm re-solve takes 0.1 to 0.3 s (docs/workbook.md).

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
    controls : LeverControls
        The levers' controls of the scenario being explored (new ones for each scenario).
    add_form, save_form : AddPointForm, SaveForm
        The sidebar's forms; their buttons call :meth:`add_point` and :meth:`save`.
    team_view : TeamView
        The tables' last tab: pick a team, see where and when it serves and its members.
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
                 show_picker: bool = True, team_figures: bool = True, steady: bool = False):
        self.root = project_root()
        self.large = large
        self.lang = lang
        self.team_figures = team_figures
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
        self.chart_images = {key: png_image() for key in show_charts}
        self.chart_tabs = w.Tab(children=[self.chart_images[k] for k in show_charts])
        self.chart_tabs.observe(self._guard(lambda _: self._draw_charts()), "selected_index")
        self._stale: set[str] = set(show_charts)
        self._generation = 0
        self._drawer = Drawer(background=debounce > 0, errors=self.errors)
        self.table_html = {key: w.HTML() for key in ("tab_districts", "tab_shortfalls", "tab_supplies")}
        self.team_view = TeamView(self._guard, lang=lang)
        # The why panel (the tables' tab after the teams): measured only while it is open.
        self.why_view = WhyView(self._guard, self._guard(self.apply_fix), lang=lang)
        self.tables = w.Tab(children=[*self.table_html.values(), self.team_view.box, self.why_view.box])
        self.tables.observe(self._guard(lambda _: self._show_why()), "selected_index")
        self._debounced = Debouncer(self._guard(self.replan), debounce)
        self.add_form = AddPointForm(self.add_point, self._guard)
        self.save_form = SaveForm(self.save, self._guard)
        self.pin_form = PinForm(self.set_pins, self._guard)  # pins.csv: what team leaders agreed
        # Stable exploring: a lever moved changes only what it forces (planner/results/steady.py).
        self.steady = w.Checkbox(value=steady, indent=False, layout=w.Layout(width="auto"))
        self.reset_button = w.Button(icon="undo", layout=w.Layout(width="auto"))
        self.reset_button.on_click(self._guard(lambda _: self.reset()))
        width = "470px" if large else SIDEBAR_WIDTH
        # Never narrower in English or beside a wide chart: the slider values and labels need the room.
        self.sidebar = w.Accordion(layout=w.Layout(width=width, min_width=width, flex="0 0 auto"))
        self.tables.layout.display = "" if show_tables else "none"
        main = w.VBox([self.chart_tabs, self.tables], layout=w.Layout(flex="1 1 auto", min_width="0"))
        self.picker.layout.display = "" if show_picker else "none"
        header = w.HBox([self.title, self.picker, self.language],
                        layout=w.Layout(justify_content="space-between", align_items="center", flex_flow="row wrap"))
        self.view = w.VBox([stylesheet(), header, self.headline_html, w.HBox([self.status, self.steady, self.message]),
                            w.HBox([w.VBox([self.sidebar, self.reset_button], layout=w.Layout(flex="0 0 auto")),
                                    main]), self.errors],
                           layout=w.Layout(width="100%"))
        self.view.add_class("vp-explorer")
        self.view.add_class("vp-view")
        self._first_views = True  # the first plan's charts and tables are drawn before the page shows
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
        self._quiet = True
        try:
            self.picker.options = scenario_choices(self.root, select)
            self.picker.value = select.resolve() if select is not None else None
        finally:
            self._quiet = False

    def _on_pick(self, change: Mapping[str, Any]) -> None:
        if self._quiet or change["new"] is None:
            return
        folder = Path(change["new"])
        self._first_views = True
        self._use(load_scenario(folder), folder=folder)
        self._say(f"{label('loaded', self.lang)}: {self.scenario.name}")

    def _use(self, scenario: Scenario, *, folder: Path | None, state: Mapping[str, Any] | None = None,
             keep_baseline: bool = False) -> None:
        """Plan a scenario: new controls (keeping ``state`` where it applies), a warm planner, a plan;
        the cards compare with this scenario's own plan, or with the start's (``keep_baseline``)."""
        self.scenario = scenario
        self.folder = folder
        if not keep_baseline:
            self.loaded = scenario  # what reset() goes back to: the scenario as opened, no added point
        self.live = LivePlanner(scenario)
        self.steady_plans = SteadyPlans()
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
        groups = [*self.controls.groups, ("ctl_add_point", self.add_form.box), ("ctl_pins", self.pin_form.box),
                  ("ctl_save", self.save_form.box)]
        if self._shown_groups is not None:
            groups = [g for g in groups if g[0] in self._shown_groups]
        self._group_keys = [key for key, _ in groups]
        self.sidebar.children = [box for _, box in groups]
        self.sidebar.selected_index = 0
        self.sidebar.layout.display = "" if groups else "none"
        self.add_form.use(self.scenario)
        self.save_form.use(self.scenario)
        self.pin_form.use(self.scenario)
        self.team_view.use(self.scenario)
        self._relabel()

    # Re-planning ------------------------------------------------------------------------
    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        self._changed_at = time.perf_counter()  # the last change: what the planner waits from
        self._generation += 1  # a chart of the plan before this change is not worth drawing now
        problems = self.controls.problems()
        if problems:  # nothing to plan until the input is right; say what is wrong instead
            self._debounced.cancel()
            self.status.value = ""
            self._say(f"{label('check_input', self.lang)}: {'; '.join(problems)}", error=True)
            return
        if self.message.value.startswith('<span style="color:#c62828">'):
            self.message.value = ""  # the input is right again: the old complaint goes
        self.status.value = _status_html("solving", self.lang)
        self._debounced()

    def replan(self) -> None:
        """Solve for the controls as they are, and show the result (headline first, then charts)."""
        started = self._changed_at or time.perf_counter()
        self._changed_at = None
        problems = self.controls.problems()
        if problems:
            self.status.value = ""
            self._say(f"{label('check_input', self.lang)}: {'; '.join(problems)}", error=True)
            return
        solve_start = time.perf_counter()
        try:
            plan = self.live.plan(self.controls.levers())
        except ValueError as exc:
            self.status.value = ""
            self._say(f"{label('check_input', self.lang)}: {exc}", error=True)
            return
        changed = None
        if self.steady.value:
            plan, changed = self.steady_plans.follow(plan)
        solved = time.perf_counter()
        self.plan = plan
        self.headline = headline(plan)
        self._show_headline()
        shown = time.perf_counter()
        self.timings = {"plan": solved - solve_start, "headline": shown - started}
        self._last_status = (shown - started, solved - solve_start, changed)
        self.status.value = _status_html("updated", self.lang, *self._last_status)
        self._refresh_views()

    def current_plan(self) -> Plan:
        """The plan for the controls as they are now: a change still waiting for its re-plan is
        planned at once (a comparison takes the option the planner sees on the controls).

        Raises
        ------
        ValueError
            The controls hold something that cannot be planned (shown on the page too).
        """
        problems = self.controls.problems()
        if problems:
            raise ValueError("; ".join(problems))
        if self._changed_at is not None:
            self._debounced.cancel()
            self.replan()
        return self.plan

    def _show_headline(self) -> None:
        self.headline_html.value = headline_html(self.headline, self.lang, baseline=self.baseline, large=self.large,
                                                 teams=self.team_figures)

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
                self.team_view.show(plan, lang)
            self.timings["chart"] = time.perf_counter() - started
            if self._why_open() and generation == self._generation:
                self.why_view.show(plan, lang)

        if self._first_views:  # the page opens with its chart and tables, never an empty box
            self._first_views = False
            job()
        else:
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
        png = figure_png(fig)
        if generation == self._generation:
            show_figure(self.chart_images[key], fig, png=png)
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
        self.tables.titles = tuple(label(k, lang) for k in (*self.table_html, "tab_teams", "tab_why"))
        self.reset_button.description = label("ctl_reset", lang)
        self.steady.description = label("ctl_steady", lang)
        self.add_form.relabel(lang)
        self.save_form.relabel(lang)
        self.pin_form.relabel(lang)

    # Reset, add a point, save ----------------------------------------------------------------
    def reset(self) -> None:
        """Back to the scenario as opened: its own numbers, no added point; and re-plan."""
        if self.scenario is not self.loaded:  # added points go too (save first to keep them)
            self._use(self.loaded, folder=self.folder)
            self.message.value = ""
            return
        self._quiet = True
        try:
            self.controls.reset()
        finally:
            self._quiet = False
        self.replan()

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

    def set_pins(self, pins: Any) -> None:
        """Make ``pins`` the scenario's pins (checked against its rules) and re-plan, the levers kept.

        Raises
        ------
        ValueError
            A pin no plan could keep (the page says which and why).
        """
        from planner.io.pins import pinned_scenario

        try:
            scenario = pinned_scenario(self.scenario, pins)
        except ValueError as exc:
            self._say(f"{label('pins_refused', self.lang)}: {exc}", error=True)
            raise
        self._use(scenario, folder=self.folder, state=self.controls.state(), keep_baseline=True)

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

    # Why, and what would fix it -------------------------------------------------------------
    def _why_open(self) -> bool:
        return self.tables.selected_index == len(self.tables.children) - 1

    def _show_why(self) -> None:
        """The why panel was opened: measure the suggestions for the plan shown, off the main thread."""
        if self._why_open():
            plan, lang = self.plan, self.lang
            self._drawer.submit(lambda: self.why_view.show(plan, lang))

    def apply_fix(self, change: Change, text: str = "") -> None:
        """Apply a measured fix and re-plan: stock and reach by their controls, room or a team in the scenario."""
        state = self.controls.state()
        if change.kind == "stock":
            self.controls.set_state({f"stock:{change.item_id}": int(state[f"stock:{change.item_id}"] + change.amount)})
        elif change.kind == "reach":
            self.controls.set_state({"no_limit": False, "travel": int(change.amount)})
        else:
            scenario, _ = with_change(self.scenario, self.controls.levers(), change)
            self._use(scenario, folder=self.folder, state=state, keep_baseline=True)
        self._say(label("applied_fix", self.lang) + (text or change.kind))

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = "#c62828" if error else "#1a7f37"
        self.message.value = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def land(self) -> None:
        """Bring the explorer into view when it is shown: after "Run All Cells" the page would sit on
        the last cell; focusing the scenario list at the explorer's top makes the browser scroll to it.
        (A slider takes no focus from the kernel; the list does.)"""
        widget = self.picker if self.picker.layout.display != "none" else self.add_form.widgets["name"]
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no page to land on (a script or a test)
        # Once the page has drawn the widgets: a focus message for a view not made yet is lost.
        for delay in (1.0, 3.0, 6.0):  # a slow page (a busy projector laptop) draws late
            loop.call_later(delay, widget.focus)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        self.land()
        return self.view._repr_mimebundle_(**kwargs)


def _status_html(state: str, lang: str, seconds: float | None = None, solve: float | None = None,
                 changed: int | None = None) -> str:
    if state == "solving":
        return status_html("solving", label("solving", lang), colour="#9a6700")
    # With steady re-plans: how many volunteer-sessions of the plan shown before the change moved.
    moved = f" · {label('assignments_changed', lang).format(n=changed)}" if changed is not None else ""
    return status_html("updated", f"{label('updated', lang)} {seconds:.2f} {label('seconds', lang)}{moved}",
                       data=f' data-solve="{solve or 0:.3f}"')


__all__ = ["SIDEBAR_WIDTH", "Explorer"]
