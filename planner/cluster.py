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
def dask_client(*, workers: int | None = None, scheduler: str | None = None,
                work_stealing: bool = True) -> Iterator[Any]:
    """A Dask client: of the scheduler at ``scheduler`` (``tcp://host:port``), else of a local
    cluster of ``workers`` processes (default: the machine's cores), closed afterwards (by any thread).

    ``work_stealing=False``: the local scheduler leaves each task on the worker it was given to
    (unless that worker is lost), for tasks that use what an earlier task left on that worker
    (``planner solve``'s parts and trial blocks); a stolen one would build it all again.
    """
    import dask
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
        with dask.config.set({"distributed.scheduler.work-stealing": work_stealing}), \
                LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                             dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
            client = Client(cluster)
            try:
                yield client
            finally:
                client.close()
    finally:
        logging.getLogger("distributed").setLevel(quiet)


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
_kept_memory = False


def keep_freed_memory() -> None:
    """Have glibc keep freed memory in a worker for its next task instead of returning it (once per process).

    A HiGHS solve allocates and frees tens of MB; Dask starts workers with
    ``MALLOC_TRIM_THRESHOLD_=65536``, so each sweep sample's frees went back to the kernel and the
    next sample faulted the same pages in again (a quarter of a worker's time), and a part's
    solve of ten regions of 5x took 1.0 s instead of 0.6 s. Called by the tasks themselves, so
    it holds for the workers of a scheduler by address too. Elsewhere than glibc: nothing.
    """
    global _kept_memory
    if _kept_memory:
        return
    _kept_memory = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024)  # glibc's largest: blocks up to 32 MB from the heap
        libc.mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024)  # give back only what is above 1 GB free
    except (OSError, AttributeError):
        pass


__all__ = ["dask_client", "default_workers", "keep_freed_memory"]
