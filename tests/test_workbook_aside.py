"""plan.xlsx written aside: a forked process writes the plan's sheets while the explanations are measured.

The plan folder is the same bytes whichever process wrote plan.xlsx; an error in the other
process is raised here, a lost one costs only time, and a failed block leaves no process behind
and no folder. Beijing 2023 is below the size that pays for the fork, so the tests lower it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
from pathlib import Path

import pytest

from planner.exports import plan_workbook
from planner.exports.files import export_plan
from planner.forking import can_fork
from planner.results.explain import explain
from planner.results.plan import Plan

pytestmark = pytest.mark.skipif(not can_fork(), reason="writing aside needs fork and two cores")


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def written_here(beijing_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Beijing 2023's plan folder, plan.xlsx written in this process (the plan is below ASIDE_MIN_ROWS)."""
    rows = sum(len(t) for t in (beijing_plan.assignments, beijing_plan.roster, beijing_plan.distribution,
                                beijing_plan.shortfalls))
    assert rows < plan_workbook.ASIDE_MIN_ROWS
    out = tmp_path_factory.mktemp("here") / "plan"
    export_plan(beijing_plan, out, explanations=explain(beijing_plan))
    return _folder_bytes(out)


def _export_aside(plan: Plan, out: Path, monkeypatch: pytest.MonkeyPatch, explanations: object = None) -> list[int]:
    """Export with the fork's threshold at 0; the pids of the processes started for it."""
    started: list[int] = []
    real = multiprocessing.context.ForkProcess.start

    def start(self: multiprocessing.context.ForkProcess) -> None:
        real(self)
        started.append(self.pid or 0)

    monkeypatch.setattr(plan_workbook, "ASIDE_MIN_ROWS", 0)
    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", start)
    export_plan(plan, out, explanations=explanations if explanations is not None else (lambda: explain(plan)))
    return started


def test_a_workbook_written_aside_gives_the_same_folder(beijing_plan, written_here, tmp_path, monkeypatch):
    out = tmp_path / "plan"
    started = _export_aside(beijing_plan, out, monkeypatch)
    assert len(started) == 1, "plan.xlsx was not written in a process of its own"
    assert _folder_bytes(out) == written_here
    assert not multiprocessing.active_children()


def test_a_lost_workbook_process_costs_only_time(beijing_plan, written_here, tmp_path, monkeypatch, caplog):
    """The other process dies before writing the why sheets: plan.xlsx is written here, the same bytes."""
    parent = os.getpid()
    real = plan_workbook.finish_plan_workbook

    def dies_in_the_child(*args):
        if os.getpid() != parent:
            os._exit(3)
        return real(*args)

    monkeypatch.setattr(plan_workbook, "finish_plan_workbook", dies_in_the_child)
    out = tmp_path / "plan"
    with caplog.at_level(logging.WARNING, logger="planner.exports.plan_workbook"):
        started = _export_aside(beijing_plan, out, monkeypatch)
    assert len(started) == 1
    assert "ended without it (exit code 3); written here" in caplog.text
    assert _folder_bytes(out) == written_here


def test_an_error_writing_aside_is_raised_here_and_nothing_is_written(beijing_plan, tmp_path, monkeypatch):
    parent = os.getpid()
    real = plan_workbook.open_plan_workbook

    def full_disk_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(plan_workbook, "open_plan_workbook", full_disk_in_the_child)
    out = tmp_path / "plan"
    with pytest.raises(OSError, match="No space left"):
        _export_aside(beijing_plan, out, monkeypatch)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no half-written folder beside it either
    assert not multiprocessing.active_children()


def test_explanations_that_fail_stop_the_workbook_process(beijing_plan, tmp_path, monkeypatch):
    def fails():
        raise RuntimeError("the solver went away")

    out = tmp_path / "plan"
    scratch = set(Path(tempfile.gettempdir()).glob("planner-xlsx-*"))
    with pytest.raises(RuntimeError, match="went away"):
        _export_aside(beijing_plan, out, monkeypatch, explanations=fails)
    assert not out.exists() and not list(tmp_path.iterdir())
    assert not multiprocessing.active_children()
    # The stopped process's files of rows went with their folder.
    assert set(Path(tempfile.gettempdir()).glob("planner-xlsx-*")) <= scratch
