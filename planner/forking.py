"""When this process may fork a second one to do half of a large job (Linux, two cores or more, not a daemon).

Used where a step splits into two halves with no lock between them: keeping teams together
(planner.results.teams: half the districts each) and a plan folder (planner.exports: plan.xlsx
written while the explanations are measured).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


def can_fork() -> bool:
    """Whether a forked process may share the work: Linux (fork there is what the child needs: it
    inherits the inputs, nothing is pickled; macOS's system libraries are not safe to fork), two
    cores or more for this process, and not a daemon (a Dask worker, already one of several
    processes, may have no children)."""
    return (sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1
            and not multiprocessing.current_process().daemon)


@contextmanager
def fork_warning_ignored() -> Iterator[None]:
    """Python 3.12 warns of fork in a process with threads (HiGHS keeps idle workers, Dask its own):
    the children made here run only Python and numpy, take no lock of another thread, and send
    their result through a pipe."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks",
                                category=DeprecationWarning)
        yield


__all__ = ["can_fork", "fork_warning_ignored"]
