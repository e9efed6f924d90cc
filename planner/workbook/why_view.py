"""The explorer's "why" panel: pick a district, point or unmet need; see its cause and the fixes, with their gains.

The suggestions are measured by solving again (planner.results.explain, about a second on
Beijing 2023), so they are computed only when asked for: when the panel is opened, and again
for a new plan only while it is open. A re-plan never waits for them.

A fix is applied with one button: stock and reach as the explorer's own levers, more room and
one more team as a change of the scenario (like adding a point); the explorer re-plans and the
planner sees the need filled.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from planner.labels import label, say
from planner.results.explain import Explanations, explain
from planner.results.fixes import change_of
from planner.results.plan import Plan
from planner.results.sentences import bottlenecks, district_name, need_why, point_name, session_name
from planner.results.sentences import district_why as district_text
from planner.results.trials import Change
from planner.workbook.tables import table_html

ALL = ("all", "")


class WhyView:
    """A picker (the bottlenecks, a district, a point or a need), its why, and its fixes to apply.

    Parameters
    ----------
    guard : callable
        Wraps callbacks so that errors show on the page (:func:`planner.workbook.common.guarded`).
    apply : callable
        Called with the :class:`Change` of the fix chosen, and its text, when the button is pressed.

    Attributes
    ----------
    explanations : Explanations or None
        The suggestions measured for :attr:`plan` (None until the panel was opened for it).
    fixes : list of dict
        The rows of explanations.csv shown for the current choice, best first.
    box : ipywidgets.VBox
    """

    def __init__(self, guard: Callable[[Callable[..., Any]], Callable[..., Any]],
                 apply: Callable[[Change, str], object], *, lang: str = "zh"):
        self.lang = lang
        self.plan: Plan | None = None
        self.explanations: Explanations | None = None
        self._for: Plan | None = None  # the plan the explanations were measured for
        self._apply = apply
        self._quiet = False
        self._picker_lang = lang
        self._seconds = 0.0
        self.fixes: list[dict[str, Any]] = []
        self.picker = w.Dropdown(layout=w.Layout(width="36em"))
        self.picker.observe(guard(self._on_pick), "value")
        self.status = w.HTML()
        self.why_html = w.HTML()
        self.fixes_html = w.HTML()
        self.fix_picker = w.Dropdown(layout=w.Layout(width="36em"))
        self.apply_button = w.Button(icon="check", layout=w.Layout(width="auto"))
        self.apply_button.on_click(guard(lambda _: self.apply_chosen()))
        self.box = w.VBox([self.picker, self.status, self.why_html, self.fixes_html,
                           w.HBox([self.fix_picker, self.apply_button])])
        self.box.add_class("vp-why-view")

    # Computing on demand ----------------------------------------------------------------------
    def show(self, plan: Plan, lang: str) -> None:
        """Measure the suggestions for ``plan`` (unless done already) and show the current choice."""
        self.plan, self.lang = plan, lang
        if self._for is not plan:
            started = time.perf_counter()
            self.status.value = _note(say("solving_fixes", lang))
            self.explanations = explain(plan)
            self._for = plan
            self._seconds = time.perf_counter() - started
            self._fill_picker()
        elif self._picker_lang != lang:
            self._fill_picker()  # the same plan in the other language: the choices' words only
        self._relabel()
        self._show()

    def _fill_picker(self) -> None:
        plan, lang = self.plan, self.lang
        self._picker_lang = lang
        assert plan is not None
        short = plan.shortfalls[plan.shortfalls["missing"] > 0]
        district_of = dict(zip(plan.scenario.points["point_id"], plan.scenario.points["district_id"], strict=True))
        options: list[tuple[str, tuple[str, str]]] = [(say("bottlenecks", lang), ALL)]
        districts = dict.fromkeys(district_of[p] for p in short["point_id"])
        options += [(f"{label('district', lang)}: {district_name(plan, d, lang)}", ("district", d)) for d in districts]
        options += [(f"{label('point', lang)}: {point_name(plan, p, lang)}", ("point", p))
                    for p in dict.fromkeys(short["point_id"])]
        options += [(f"{label('need', lang)}: {point_name(plan, p, lang)} {session_name(plan, s, lang)} "
                     f"{label(r, lang)}", ("need", f"{p}\t{s}\t{r}"))
                    for p, s, r in zip(short["point_id"], short["session_id"], short["role"], strict=True)]
        keep = self.picker.value if self.picker.value in {v for _, v in options} else ALL
        self._quiet = True
        try:
            self.picker.options = options
            self.picker.value = keep
        finally:
            self._quiet = False

    def choose(self, kind: str, key: str) -> None:
        """Show a choice as picking it would: ("district", id), ("point", id), ("need", "p\\ts\\tr") or ALL."""
        self.picker.value = (kind, key)

    def _on_pick(self, change: Mapping[str, Any]) -> None:
        if not self._quiet and change["new"] is not None and self.plan is not None:
            self._show()

    # Showing -----------------------------------------------------------------------------
    def _show(self) -> None:
        plan, lang, measured = self.plan, self.lang, self.explanations
        assert plan is not None and measured is not None
        kind, key = self.picker.value or ALL
        table = measured.table
        points = set(plan.scenario.points.loc[plan.scenario.points["district_id"] == key, "point_id"])
        if kind == "all":
            texts = list(bottlenecks(plan, measured)[f"text_{lang}"])
            keep = [True] * len(table)
        elif kind == "district":
            texts = [district_text(plan, measured, key, lang)]
            keep = [any(p in points for p, _, _ in fills) for fills in measured.fills]
        elif kind == "point":
            short = plan.shortfalls[(plan.shortfalls["missing"] > 0) & (plan.shortfalls["point_id"] == key)]
            texts = [need_why(plan, measured, key, s, r, lang) for s, r in zip(short["session_id"], short["role"],
                                                                               strict=True)]
            keep = [any(p == key for p, _, _ in fills) for fills in measured.fills]
        else:
            p, s, r = key.split("\t")
            texts = [need_why(plan, measured, p, s, r, lang)]
            keep = [(p, s, r) in fills for fills in measured.fills]
        self.why_html.value = "".join(f'<p class="vp-why-text" style="margin:0.4em 0">{html.escape(t)}</p>'
                                      for t in texts)
        rows: list[dict[str, Any]] = [{str(c): v for c, v in r.items()}
                                      for r, k in zip(table.to_dict("records"), keep, strict=True) if k]
        rows.sort(key=lambda r: (-int(r["gain"]), float(r["amount"])))
        self.fixes = rows
        frame = table.iloc[[i for i, k in enumerate(keep) if k]][["kind", "gain", "helps_up_to", f"text_{lang}"]]
        frame = frame.assign(kind=frame["kind"].map(lambda k: say(f"kind_{k}", lang)))
        frame = frame.sort_values("gain", ascending=False, kind="stable")
        frame.columns = [label(c, lang) for c in ("kind", "gain", "helps_up_to", "text")]
        self.fixes_html.value = table_html(frame, max_height="300px") if rows else _note(say("no_fix", lang))
        self.fix_picker.options = [(f"{r['gain']:>4} · {r[f'text_{lang}'][:90]}", n) for n, r in enumerate(rows)]
        self.fix_picker.value = 0 if rows else None
        self.apply_button.disabled = not rows
        assert self.explanations is not None
        self.status.value = _note(say("fixes_measured", lang, n=len(table), solves=self.explanations.solves,
                                      seconds=f"{self._seconds:.1f}"))

    def apply_chosen(self) -> Change | None:
        """Apply the fix chosen (the explorer re-plans with it); the change applied."""
        if self.fix_picker.value is None or not self.fixes:
            return None
        fix = self.fixes[int(self.fix_picker.value)]
        change = change_of(fix)
        self._apply(change, str(fix[f"text_{self.lang}"]))
        return change

    def _relabel(self) -> None:
        self.picker.description = ""
        self.apply_button.description = say("apply_fix", self.lang)


def _note(text: str) -> str:
    return f'<span style="color:#57606a">{html.escape(text)}</span>'


__all__ = ["WhyView"]
