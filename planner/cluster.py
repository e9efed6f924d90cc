"""The distributed engine: a Dask client of a local cluster of worker processes, or of a scheduler by address.

Used by ``planner sweep`` (planner/sweep/engine.py) and by independent parts solved apart
(planner/results/parts.py).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("planner.sweep")


def default_workers() -> int:
    """The machine's cores (those this process may use)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def dask_client(*, workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A Dask client: of the scheduler at ``scheduler`` (``tcp://host:port``), else of a local
    cluster of ``workers`` processes (default: the machine's cores), closed afterwards (by any thread)."""
    from dask.distributed import Client, LocalCluster

    # Not ``with Client(...)``: that sets a context variable that only the thread (the context)
    # which made the client may reset, and ``planner sweep`` closes the cluster in a thread of its
    # own while it writes the files.
    if scheduler is not None:
        client = Client(scheduler, timeout=30)
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or default_workers()
    quiet = logging.getLogger("distributed").level
    if not log.isEnabledFor(logging.INFO):  # Dask's own notes only with planner -v
        logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
            client = Client(cluster)
            try:
                yield client
            finally:
                client.close()
    finally:
        logging.getLogger("distributed").setLevel(quiet)


__all__ = ["dask_client", "default_workers"]
