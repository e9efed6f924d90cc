"""Python's cycle collector paused for a block that makes many objects in no cycle.

Building the PuLP problem (planner.model.pulp_objects) makes a Python object per variable and
constraint; drawing a plan from a solution (sharing the flows among teams, the roster, the
causes: planner.results) makes about a million short-lived tuples, lists and dicts. None of them
is in a cycle, so reference counts free what is dropped, yet every collection their numbers set
off walks every object alive, the PuLP model's hundreds of thousands at 10x, for nothing: at 10x
that was about a fifth of keeping teams together and half of the rest of drawing the plan.
Whatever cycles are made meanwhile are collected once the collector is on again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cycle collector off for the block, and on again after it if it was on before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
