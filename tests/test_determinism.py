"""The same input gives byte-identical outputs, whatever the order of its rows.

Every table of both shipped scenarios is shuffled (and reversed); the plan folder (CSV, JSON
and plan.xlsx), the scenario saved back as a folder and the scenario converted to a workbook
must not change by a single byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import shutil
from pathlib import Path

import pytest

from planner import load_scenario
from planner.cli import main
from planner.forking import can_fork
from planner.io import save_scenario

from .conftest import SCENARIOS
from .helpers import digest


def reorder(source: Path, target: Path, order: str) -> Path:
    """A copy of a scenario folder with the data rows of every CSV file in another order."""
    shutil.copytree(source, target)
    for path in sorted(target.glob("*.csv")):
        header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        before = list(rows)
        if order == "reversed":
            rows.reverse()
        else:
            random.Random(f"{order}-{path.name}").shuffle(rows)
        if rows == before:  # a small table may come out of a shuffle as it was
            rows = rows[1:] + rows[:1]
        path.write_text("".join([header, *rows]), encoding="utf-8")
    return target


def outputs(folder: Path, out: Path) -> dict[str, dict[str, str]]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["solve", str(folder), "--out", str(out / "plan")]) == 0
        assert main(["convert", str(folder), str(out / "scenario.xlsx")]) == 0
    saved = save_scenario(load_scenario(folder), out / "saved")
    return {"plan": digest(out / "plan"), "saved": digest(saved),
            "workbook": {"scenario.xlsx": hashlib.sha256((out / "scenario.xlsx").read_bytes()).hexdigest()}}


def with_optional_tables(folder: Path) -> Path:
    """demo-small with needs.csv and availability.csv too, so every table's order is tried."""
    shutil.copytree(SCENARIOS / "demo-small", folder)
    (folder / "needs.csv").write_text(
        "point_id,session_id,role,volunteers\n" + "".join(
            f"{p},{s},{r},{n}\n" for p in ("dc-1", "dc-2", "hd-1") for s in ("d1-am", "d1-pm")
            for r, n in (("general", 3), ("first_aid", 1), ("counsellor", 1))), encoding="utf-8")
    (folder / "availability.csv").write_text(
        "team_id,session_id,volunteers\ndc-union,d1-am,4\ndc-union,d1-pm,2\nhd-union,d1-pm,3\neye-hosp,d1-am,1\n",
        encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("name", ["demo-small", "beijing-2023", "demo-small with every table"])
def test_row_order_never_changes_a_byte(name: str, tmp_path: Path) -> None:
    source = SCENARIOS / name if name in ("demo-small", "beijing-2023") else with_optional_tables(tmp_path / "source")
    expected = outputs(source, tmp_path / "original")
    assert "plan.xlsx" in expected["plan"]
    for order in ("reversed", "shuffle-1", "shuffle-2"):
        folder = reorder(source, tmp_path / order / "scenario", order)
        assert (folder / "teams.csv").read_bytes() != (source / "teams.csv").read_bytes()
        assert outputs(folder, tmp_path / order) == expected, order


def _sharing_arguments(scenario, monkeypatch):
    """The arguments extract_plan gives share_flows for the scenario's plan."""
    import planner.results.solving as solving
    from planner import solve

    seen = []
    original = solving.share_flows

    def record(**arguments):
        seen.append(arguments)
        return original(**arguments)

    monkeypatch.setattr(solving, "share_flows", record)
    solve(scenario)
    monkeypatch.undo()
    return seen[0]


def test_districts_shared_in_two_processes_give_the_pieces_of_one(beijing, monkeypatch):
    """A forked process shares about half the districts: the pieces are the same, in the same order."""
    import numpy as np

    import planner.results.teams as teams

    arguments = _sharing_arguments(beijing, monkeypatch)
    alone = teams.share_flows(**arguments)
    forked = []
    original = teams._share_in_two
    monkeypatch.setattr(teams, "TWO_PROCESSES_MIN_CLASSES", 0)  # Beijing is below the size that pays for it
    monkeypatch.setattr(teams, "_share_in_two", lambda *a: forked.append(1) or original(*a))
    in_two = teams.share_flows(**arguments)
    assert forked, "the sharing did not go to two processes"
    for name in ("cls", "p", "s", "r", "amount"):
        assert np.array_equal(getattr(in_two, name), getattr(alone, name)), name


def test_a_lost_second_process_costs_only_time(beijing, monkeypatch):
    """The forked process dies before sending its pieces: its districts are shared here, the same."""
    import os

    import numpy as np

    import planner.results.chunks as chunks
    import planner.results.teams as teams

    arguments = _sharing_arguments(beijing, monkeypatch)
    alone = teams.share_flows(**arguments)
    parent = os.getpid()
    share = chunks.DistrictSharing.share

    def dies_in_the_child(self, *args):
        if os.getpid() != parent:
            os._exit(3)
        return share(self, *args)

    monkeypatch.setattr(teams, "TWO_PROCESSES_MIN_CLASSES", 0)
    monkeypatch.setattr(chunks.DistrictSharing, "share", dies_in_the_child)
    recovered = teams.share_flows(**arguments)
    for name in ("cls", "p", "s", "r", "amount"):
        assert np.array_equal(getattr(recovered, name), getattr(alone, name)), name


@pytest.mark.parametrize("where", ["in the child", "here"])
def test_a_district_that_cannot_be_filled_raises_here_whichever_process_shared_it(beijing, monkeypatch, where):
    """The error is raised in this process, and the forked one is not left behind."""
    import multiprocessing
    import os

    import planner.results.chunks as chunks
    import planner.results.teams as teams

    arguments = _sharing_arguments(beijing, monkeypatch)
    parent = os.getpid()
    share = chunks.DistrictSharing.share

    def fails(self, *args):
        if (os.getpid() != parent) == (where == "in the child"):
            raise AssertionError("a district's flows cannot be filled by its teams")
        return share(self, *args)

    monkeypatch.setattr(teams, "TWO_PROCESSES_MIN_CLASSES", 0)
    monkeypatch.setattr(chunks.DistrictSharing, "share", fails)
    with pytest.raises(AssertionError, match="cannot be filled"):
        teams.share_flows(**arguments)
    assert not multiprocessing.active_children()


def test_a_daemon_process_shares_its_districts_alone():
    """A Dask worker is a daemon process, which may have no children: its sharing (and its plan.xlsx) stays in it."""
    import multiprocessing
    import os


    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=lambda: send.send(can_fork()), daemon=True)
    worker.start()
    in_daemon = receive.recv()
    worker.join()
    assert in_daemon is False
    assert can_fork() is (len(os.sched_getaffinity(0)) > 1)  # this process: by its cores
