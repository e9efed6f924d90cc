"""The explorer's view per team: pick a team, see where and when it serves, with how many in
each role, and its members on duty (from the plan's roster).

Everything shown comes from the plan's tables (:func:`planner.workbook.tables.team_tables`):
showing a team, or the same team in a new plan, solves nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from planner.io.scenario import Scenario
from planner.labels import label
from planner.results.plan import Plan
from planner.workbook.tables import table_html, team_choices, team_tables


class TeamView:
    """A team picker and the chosen team's sessions and members.

    Parameters
    ----------
    guard : callable
        Wraps the picker's callback so that an unexpected error shows on the page
        (:func:`planner.workbook.common.guarded`).

    Attributes
    ----------
    picker : ipywidgets.Dropdown
        The teams of the scenario, ``name (team_id)``; its value is the team_id.
    summary, sessions_html, members_html : ipywidgets.HTML
        A line about the team; its sessions; its members on duty.
    frames : dict of str to DataFrame
        What is shown (``sessions``, ``members``), for tests and exports.
    box : ipywidgets.VBox
        The view, laid out.
    """

    def __init__(self, guard: Callable[[Callable[..., Any]], Callable[..., Any]], *, lang: str = "zh"):
        self.lang = lang
        self.plan: Plan | None = None
        self.frames: dict[str, Any] = {}
        self._quiet = False
        self.picker = w.Dropdown(layout=w.Layout(width="28em"))
        self.picker.observe(guard(self._on_pick), "value")
        self.summary = w.HTML()
        self.sessions_title = w.HTML()
        self.sessions_html = w.HTML()
        self.members_title = w.HTML()
        self.members_html = w.HTML()
        self.box = w.VBox([self.picker, self.summary, self.sessions_title, self.sessions_html,
                           self.members_title, self.members_html])
        self.box.add_class("vp-team-view")

    def use(self, scenario: Scenario) -> None:
        """The teams of a (new) scenario in the picker, keeping the team chosen when it is still there."""
        choices = team_choices(scenario)
        keep = self.picker.value if self.picker.value in {v for _, v in choices} else None
        self._quiet = True
        try:
            self.picker.options = choices
            self.picker.value = keep if keep is not None else (choices[0][1] if choices else None)
        finally:
            self._quiet = False

    def show(self, plan: Plan, lang: str) -> None:
        """Show the chosen team in ``plan``, in ``lang``."""
        self.plan, self.lang = plan, lang
        self.picker.description = label("ctl_team", lang)
        self.sessions_title.value = f"<b>{html.escape(label('team_where_when', lang))}</b>"
        self.members_title.value = f"<b>{html.escape(label('team_members', lang))}</b>"
        team_id = self.picker.value
        if team_id is None:
            self.frames = {}
            self.summary.value = self.sessions_html.value = self.members_html.value = ""
            return
        self.frames = team_tables(plan, team_id, lang)
        self.summary.value = _summary_html(plan, team_id, self.frames, lang)
        on_duty = len(self.frames["sessions"]) > 0
        self.sessions_html.value = table_html(self.frames["sessions"], max_height="260px") if on_duty else ""
        self.members_html.value = table_html(self.frames["members"], max_height="320px") if on_duty else ""

    def choose(self, team_id: str) -> None:
        """Show ``team_id`` (as picking it would)."""
        self.picker.value = team_id

    def _on_pick(self, change: Mapping[str, Any]) -> None:
        if not self._quiet and change["new"] is not None and self.plan is not None:
            self.show(self.plan, self.lang)


def _summary_html(plan: Plan, team_id: str, frames: Mapping[str, Any], lang: str) -> str:
    """The team's union and district, and (on duty) how many members serve and how many sessions are split."""
    sc = plan.scenario
    team = sc.teams[sc.teams["team_id"] == team_id].iloc[0].to_dict()
    districts = sc.districts.set_index("district_id")
    district = str(districts.at[str(team["district_id"]), "name_zh" if lang == "zh" else "name_en"])
    about = f"{team['union']} · {district}"
    if frames["sessions"].empty:
        text = f"{about} · {label('team_not_on_duty', lang)}"
    else:
        members = len(frames["members"])
        split = int((frames["sessions"][label("whole_at_point", lang)] == label("no", lang)).sum())
        text = (f"{about} · {label('team_members_on_duty', lang).format(on=members, all=int(team['volunteers']))}"
                f" · {label('team_split_sessions', lang).format(n=split, all=len(frames['sessions']))}")
    return f'<div class="vp-team-summary" style="color:#57606a;margin:0.3em 0">{html.escape(text)}</div>'


__all__ = ["TeamView"]
