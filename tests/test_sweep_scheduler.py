"""planner sweep on a real Dask cluster: a scheduler and workers started as their own processes on 127.0.0.1.

The files must be byte for byte those of a local sweep with one worker: samples never depend on
where they run.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import digest, run_cli
from .test_sweep import _uncertain_demo

pytestmark = pytest.mark.slow
DASK = Path(sys.executable).parent / "dask"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        from dask.distributed import Client

        processes.append(subprocess.Popen([str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1",
                                           "--host", "127.0.0.1", "--no-dashboard"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 90
        with Client(address, timeout=60) as client:
            while len(client.scheduler_info()["workers"]) < 2:
                assert time.monotonic() < deadline, "the workers did not join the scheduler"
                time.sleep(0.5)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_real_scheduler_gives_the_same_bytes(tmp_path: Path, scheduler: str) -> None:
    scenario = _uncertain_demo(tmp_path)
    local, remote = tmp_path / "local", tmp_path / "remote"
    code, _out, err = run_cli("sweep", str(scenario), "--samples", "120", "--seed", "3", "--out", str(local),
                              "--workers", "1")
    assert code == 0, err
    code, _out, err = run_cli("sweep", str(scenario), "--samples", "120", "--seed", "3", "--out", str(remote),
                              "--scheduler", scheduler)
    assert code == 0, err
    assert digest(local) == digest(remote)


def test_an_unreachable_scheduler_is_a_clear_message(tmp_path: Path) -> None:
    scenario = _uncertain_demo(tmp_path)
    out = tmp_path / "never"
    code, _out, err = run_cli("sweep", str(scenario), "--samples", "5", "--seed", "1", "--out", str(out),
                              "--scheduler", f"tcp://127.0.0.1:{_free_port()}")
    assert code == 2 and not out.exists()
    assert "cannot run the sweep" in err
