"""Python's cycle collector paused while a plan is drawn from a solution.

Drawing a plan (sharing the flows among teams, the roster, the causes) makes about a million
short-lived tuples, lists and dicts, none in a cycle: reference counts free them all. Each
collection they set off still walks every object alive, the PuLP model's hundreds of thousands
at 10x, for nothing: at 10x that was about a fifth of keeping teams together and half of the
rest of drawing the plan. Whatever cycles are made meanwhile are collected once it is on again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collector() -> Iterator[None]:
    """The cycle collector off for the block, and on again after it if it was on before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
