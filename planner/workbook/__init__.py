"""The workbook: the notebooks' widgets, one view per module.

========================  ====================================================================
``explorer``              :class:`Explorer`: pick a scenario, move levers, see the plan follow
``lever_controls``        :class:`LeverControls`: a control per lever of a scenario
``lever_state``           what the controls' values mean as ``Levers`` (no widgets)
``forms``                 the explorer's add-a-point and save-as-a-new-scenario forms
``tables``                the explorer's tables, and tables as HTML (no widgets)
``compare_view``          :class:`CompareView`, :class:`CompareBuilder`: two to four options side by side
``export_view``           :class:`ExportView`: staff exports, downloaded from the page
``trainer``               :class:`TrainerDemo`: the trainer's three what-ifs
``day_of``                :class:`DayOfView`: the day itself: mark what changed, re-plan, notices
``common``                pacing (debounce, background drawing), error output, small widgets
``folders``               where the workbook finds scenarios and writes files
========================  ====================================================================

The notebooks import from here (``from planner.workbook import Explorer``). The names are
loaded when first used (PEP 562), so importing ``planner.workbook.lever_state`` or
``planner.workbook.folders`` loads no ipywidgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.lazy import first_use

if TYPE_CHECKING:
    from planner.workbook.compare_view import CompareBuilder, CompareView
    from planner.workbook.day_of import DayOfView
    from planner.workbook.explorer import Explorer
    from planner.workbook.export_view import ExportView
    from planner.workbook.folders import default_scenario
    from planner.workbook.lever_controls import LeverControls
    from planner.workbook.lever_state import default_state, levers_from_state
    from planner.workbook.trainer import TrainerDemo

_HOMES = {
    "CompareBuilder": "planner.workbook.compare_view", "CompareView": "planner.workbook.compare_view",
    "DayOfView": "planner.workbook.day_of",
    "Explorer": "planner.workbook.explorer",
    "ExportView": "planner.workbook.export_view", "default_scenario": "planner.workbook.folders",
    "LeverControls": "planner.workbook.lever_controls", "default_state": "planner.workbook.lever_state",
    "levers_from_state": "planner.workbook.lever_state", "TrainerDemo": "planner.workbook.trainer",
}

__all__ = [
    "CompareBuilder",
    "CompareView",
    "DayOfView",
    "Explorer",
    "ExportView",
    "LeverControls",
    "TrainerDemo",
    "default_scenario",
    "default_state",
    "levers_from_state",
]


__getattr__ = first_use("planner.workbook", _HOMES, globals())


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
