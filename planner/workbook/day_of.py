"""The day itself, on a page: open the published plan, mark what changed, re-plan, send the notices.

:class:`DayOf` holds the logic without widgets (the published plan, the changes marked, the
re-plan, the figures before and after, the notices); :class:`DayOfView` puts it on a page with
controls, for ``notebooks/05_day_of.ipynb`` (code-free in Voila too). The re-plan keeps every
session before the one chosen exactly as published and moves as few people as it can
(planner/results/replan.py).
"""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.exports.charts import styled
from planner.exports.files import export_plan
from planner.exports.notices import change_notices, write_notices
from planner.io import load_scenario
from planner.io.previous_plan import PreviousPlan, read_previous_plan
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.labels import label
from planner.model.day_changes import need_up, point_closed, team_out
from planner.results.replan import Replan, replan
from planner.results.solving import solve
from planner.workbook.folders import default_scenario, exports_dir, project_root

WORDS = {  # this page's own words (zh, en)
    "title_open": ("已发布的方案", "Published plan"), "open": ("打开", "Open"),
    "from": ("从此场次起重排", "Re-plan from"), "team_out": ("队伍缺席", "Team out"),
    "point_closed": ("点位关闭", "Point closed"), "need_up": ("需求增加", "Need up"),
    "add": ("添加", "Add"), "clear": ("清除", "Clear"), "replan": ("重新排班", "Re-plan"),
    "export": ("生成变更通知", "Make the notices"), "marked": ("已标记的变化", "Changes marked"),
    "none": ("（无）", "(none)"), "changed": ("变更人次", "volunteer-sessions changed"),
    "before": ("原方案", "Published"), "after": ("重排后", "Re-planned"), "volunteers": ("人数", "volunteers"),
    "session": ("场次", "session"), "role": ("岗位", "role"), "point": ("点位", "point"), "team": ("队伍", "team"),
}


def _w(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Mark:
    """One thing that changed on the day: ``kind`` team_out, point_closed or need_up."""

    kind: str
    target: str  # team_id or point_id
    session_id: str
    role: str = ""
    volunteers: int = 0

    def text(self, scenario: Scenario, lang: str) -> str:
        if self.kind == "team_out":
            name = dict(zip(scenario.teams["team_id"], scenario.teams["name"], strict=True)).get(self.target, "")
            return f"{_w('team_out', lang)}: {name} ({self.target}), {self.session_id} →"
        points = dict(zip(scenario.points["point_id"], scenario.points["name"], strict=True))
        if self.kind == "point_closed":
            return f"{_w('point_closed', lang)}: {points.get(self.target, '')} ({self.target}), {self.session_id} →"
        return (f"{_w('need_up', lang)}: {points.get(self.target, '')} ({self.target}), {self.session_id}, "
                f"{label(self.role, lang)} = {self.volunteers}")


class DayOf:
    """The published plan, the changes marked on the day, and the re-plan (no widgets).

    Parameters
    ----------
    scenario : path
        The scenario the plan was made for.
    plan : path
        The published plan: a plan folder or its plan.xlsx.
    """

    def __init__(self, scenario: str | Path, plan: str | Path):
        self.scenario_path, self.plan_path = Path(scenario), Path(plan)
        self.scenario = load_scenario(self.scenario_path)
        self.previous: PreviousPlan = read_previous_plan(self.plan_path, self.scenario)
        shortfalls = self.plan_path / "shortfalls.csv" if self.plan_path.is_dir() else None
        self.before_shortfalls = (pd.read_csv(shortfalls, dtype={"point_id": str, "session_id": str})
                                  if shortfalls is not None and shortfalls.is_file() else None)
        self.marks: list[Mark] = []
        self.result: Replan | None = None

    @property
    def sessions(self) -> list[str]:
        return self.scenario.sessions["session_id"].tolist()

    def mark(self, mark: Mark) -> None:
        """Add a change (checked at once: an unknown id is a ValueError)."""
        self._apply([*self.marks, mark])
        self.marks.append(mark)

    def clear(self) -> None:
        self.marks = []
        self.result = None

    def changed_scenario(self) -> Scenario:
        return self._apply(self.marks)

    def _apply(self, marks: list[Mark]) -> Scenario:
        scenario = self.scenario
        for m in marks:
            if m.kind == "team_out":
                scenario = team_out(scenario, [m.target], m.session_id)
            elif m.kind == "point_closed":
                scenario = point_closed(scenario, [m.target], m.session_id)
            elif m.kind == "need_up":
                scenario = need_up(scenario, m.target, m.session_id, m.role, m.volunteers)
            else:
                raise ValueError(f"unknown change {m.kind!r}")
        return scenario

    def busiest_team(self, start: str) -> str:
        """The team with the most volunteer-sessions from ``start`` on in the published plan."""
        a = self.previous.assignments
        later = a[a["session_id"].isin(self.sessions[self.sessions.index(start):])]
        return str(later.groupby("team_id")["volunteers"].sum().sort_values(ascending=False, kind="stable").index[0])

    def replan(self, start: str) -> Replan:
        """The re-plan from session ``start`` on, for the scenario with every change marked."""
        self.result = replan(self.changed_scenario(), self.previous, start=start)
        return self.result

    def notices(self) -> pd.DataFrame:
        """What each team must be told (planner/exports/notices.py)."""
        assert self.result is not None, "re-plan first"
        return change_notices(self.scenario, self.previous.assignments, self.result.plan.assignments)

    def figures(self) -> pd.DataFrame:
        """Needed, staffed and unmet (volunteer-sessions, per role and in all), published and re-planned."""
        assert self.result is not None, "re-plan first"
        after = self.result.plan.shortfalls
        rows = {}
        for name, table in (("before", self.before_shortfalls), ("after", after)):
            if table is None:
                continue
            figures = {}
            for role in ROLES:
                part = table[table["role"] == role]
                figures[f"{role}_assigned"] = int(part["assigned"].sum())
                figures[f"{role}_missing"] = int(part["missing"].sum())
            figures["needed"] = int(table["needed"].sum())
            figures["assigned"] = int(table["assigned"].sum())
            figures["unmet"] = figures["needed"] - figures["assigned"]
            rows[name] = figures
        return pd.DataFrame(rows)

    def chart(self, lang: str = "zh") -> Figure:
        """Coverage of each district, published and re-planned, side by side."""
        assert self.result is not None, "re-plan first"
        sc = self.scenario
        district_of = sc.points.set_index("point_id")["district_id"]
        names = sc.districts.set_index("district_id")["name_zh" if lang == "zh" else "name_en"]

        def coverage(table: pd.DataFrame) -> pd.Series:
            sums = table.assign(d=table["point_id"].map(district_of)).groupby("d")[["needed", "assigned"]].sum()
            return (sums["assigned"] / sums["needed"].where(sums["needed"] > 0)).dropna()

        after = coverage(self.result.plan.shortfalls)
        before = coverage(self.before_shortfalls) if self.before_shortfalls is not None else after * np.nan
        districts = sorted(set(after.index) | set(before.dropna().index))
        with styled():
            fig = Figure(figsize=(7.0, 0.3 * len(districts) + 1.4), layout="constrained")
            ax = fig.add_subplot()
            y = np.arange(len(districts))
            ax.barh(y - 0.2, before.reindex(districts).fillna(0), height=0.4, color="#9ecae1",
                    label=_w("before", lang))
            ax.barh(y + 0.2, after.reindex(districts).fillna(0), height=0.4, color="#3182bd", label=_w("after", lang))
            ax.set_yticks(y, [str(names.get(d, d)) for d in districts])
            ax.invert_yaxis()
            ax.set_xlim(0, 1.05)
            ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
            ax.set_title(label("chart_district_coverage", lang), loc="left")
            ax.legend(loc="lower right", fontsize=8)
        return fig

    def export(self, folder: str | Path) -> dict[str, Path]:
        """The re-plan's plan folder (``plan/``, with changes.csv) and the notices (``notices/``) in ``folder``."""
        assert self.result is not None, "re-plan first"
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        export_plan(self.result.plan, folder / "plan", overwrite=True, extra={"changes.csv": self.result.changes})
        files = write_notices(self.scenario, self.notices(), folder / "notices", overwrite=True)
        return {**files, "changes.csv": folder / "plan" / "changes.csv"}


def published_plan(scenario: Path, root: Path | None = None) -> Path:
    """The scenario's published plan folder (``exports/<scenario>/published``), solved and written when absent."""
    folder = exports_dir(root) / scenario.name / "published"
    if not (folder / "assignments.csv").is_file():
        if folder.exists():
            shutil.rmtree(folder)
        export_plan(solve(load_scenario(scenario)), folder)
    return folder


class DayOfView:
    """The day-of page: the published plan, the changes marked, the re-plan and its notices.

    Parameters
    ----------
    scenario : path, optional
        The scenario the plan was published for (the default scenario when omitted).
    plan : path, optional
        The published plan folder (or plan.xlsx); by default ``exports/<scenario>/published``,
        made by solving the scenario when it is not there yet.
    lang : {"zh", "en"}
    """

    def __init__(self, scenario: str | Path | None = None, plan: str | Path | None = None, *, lang: str = "zh"):
        import ipywidgets as w

        from planner.workbook.common import DESCRIPTION_STYLE, guarded

        self.root = project_root()
        self.lang = lang
        scenario_path = Path(scenario) if scenario is not None else default_scenario(self.root)
        plan_path = Path(plan) if plan is not None else published_plan(scenario_path, self.root)
        self.day = DayOf(scenario_path, plan_path)
        self.errors = w.Output()
        guard = guarded(self.errors)
        sc = self.day.scenario
        style = DESCRIPTION_STYLE
        sessions = [(f"{d} {s}-{e} ({i})", i) for i, d, s, e in
                    zip(sc.sessions["session_id"], sc.sessions["date"], sc.sessions["start"], sc.sessions["end"],
                        strict=True)]
        teams = [(f"{n} ({t})", t) for t, n in zip(sc.teams["team_id"], sc.teams["name"], strict=True)]
        points = [(f"{n} ({p})", p) for p, n in zip(sc.points["point_id"], sc.points["name"], strict=True)]
        self.plan_label = w.HTML(f"<b>{_w('title_open', lang)}</b>: {html.escape(str(plan_path))}")
        self.start = w.Dropdown(options=sessions, value=sessions[len(sessions) // 2][1] if sessions else None,
                                description=_w("from", lang), style=style, layout=w.Layout(width="34em"))
        self.team = w.Dropdown(options=teams, description=_w("team", lang), style=style, layout=w.Layout(width="30em"))
        self.point = w.Dropdown(options=points, description=_w("point", lang), style=style,
                                layout=w.Layout(width="30em"))
        self.need_point = w.Dropdown(options=points, description=_w("point", lang), style=style,
                                     layout=w.Layout(width="30em"))
        self.need_session = w.Dropdown(options=sessions, description=_w("session", lang), style=style)
        self.need_role = w.Dropdown(options=[(label(r, lang), r) for r in ROLES], description=_w("role", lang),
                                    style=style)
        self.need_volunteers = w.BoundedIntText(value=4, min=0, max=1000, description=_w("volunteers", lang),
                                                style=style)
        buttons = {key: w.Button(description=_w("add", lang)) for key in ("team_out", "point_closed", "need_up")}
        buttons["team_out"].on_click(guard(lambda _: self._mark(Mark("team_out", self.team.value, self.start.value))))
        buttons["point_closed"].on_click(guard(lambda _: self._mark(
            Mark("point_closed", self.point.value, self.start.value))))
        buttons["need_up"].on_click(guard(lambda _: self._mark(Mark(
            "need_up", self.need_point.value, self.need_session.value, self.need_role.value,
            int(self.need_volunteers.value)))))
        self.clear_button = w.Button(description=_w("clear", lang), icon="times")
        self.clear_button.on_click(guard(lambda _: self._clear()))
        self.replan_button = w.Button(description=_w("replan", lang), icon="sync", button_style="primary")
        self.replan_button.on_click(guard(lambda _: self.replan()))
        self.export_button = w.Button(description=_w("export", lang), icon="file-export", disabled=True)
        self.export_button.on_click(guard(lambda _: self.export()))
        self.marked = w.HTML()
        self.status = w.HTML()
        self.changes = w.HTML()
        self.figures = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width="760px", height="auto"))
        self.links = w.VBox()
        self._w = w
        section = lambda key: w.HTML(f"<b>{_w(key, lang)}</b>")  # noqa: E731
        self.view = w.VBox([
            self.plan_label, self.start,
            section("team_out"), w.HBox([self.team, buttons["team_out"]]),
            section("point_closed"), w.HBox([self.point, buttons["point_closed"]]),
            section("need_up"), w.HBox([self.need_point, self.need_session]),
            w.HBox([self.need_role, self.need_volunteers, buttons["need_up"]]),
            self.marked, w.HBox([self.clear_button, self.replan_button, self.export_button]),
            self.status, self.changes, self.figures, self.chart, self.links, self.errors])
        self._show_marks()

    def _mark(self, mark: Mark) -> None:
        self.day.mark(mark)
        self._show_marks()

    def _clear(self) -> None:
        self.day.clear()
        self.export_button.disabled = True
        self._show_marks()

    def _show_marks(self) -> None:
        items = "".join(f"<li>{html.escape(m.text(self.day.scenario, self.lang))}</li>" for m in self.day.marks)
        items = items or f"<li>{_w('none', self.lang)}</li>"
        self.marked.value = f"<b>{_w('marked', self.lang)}</b><ul>{items}</ul>"

    def mark_team_out(self, team_id: str, start: str) -> None:
        """What the team-out button does (for a notebook run top to bottom)."""
        self._mark(Mark("team_out", team_id, start))

    def replan(self) -> Replan:
        """Re-plan from the session chosen; show the changes, the figures and the chart."""
        from planner.exports.charts import to_png

        result = self.day.replan(self.start.value)
        s = result.plan.summary
        self.status.value = (f"✓ {s['changed']} {_w('changed', self.lang)}; {s['assigned']} / {s['needed']} "
                             f"({s['coverage']:.1%})")
        notices = self.day.notices()
        text = notices["text_zh" if self.lang == "zh" else "text_en"]
        rows = "".join(f"<tr><td>{html.escape(str(t))} ({html.escape(str(i))})</td><td>{html.escape(str(x))}</td></tr>"
                       for t, i, x in zip(notices["team"], notices["team_id"], text, strict=True))
        self.changes.value = f"<table>{rows}</table>"
        figures = self.day.figures()
        figures.columns = [_w(c, self.lang) for c in figures.columns]
        figures.index = [label(k, self.lang) if k in ("needed", "assigned", "unmet") else
                         f"{label(k.rsplit('_', 1)[0], self.lang)}: {label(k.rsplit('_', 1)[1], self.lang)}"
                         for k in figures.index]
        self.figures.value = figures.to_html()
        self.chart.value = to_png(self.day.chart(self.lang))
        self.export_button.disabled = False
        return result

    def export(self, folder: str | Path | None = None) -> dict[str, Path]:
        """Write the re-plan and the notices (``exports/<scenario>/day-of`` by default); show download links."""
        from planner.workbook.common import download_link

        target = Path(folder) if folder is not None else exports_dir(self.root) / self.day.scenario_path.name / "day-of"
        files = self.day.export(target)
        self.links.children = [download_link(path) for path in files.values()]
        return files

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


__all__ = ["DayOf", "DayOfView", "Mark", "published_plan"]
