"""An independent checker: does a plan folder keep every rule of the contract for its scenario?

The checker reads the scenario folder and the plan folder as files (CSV, YAML, JSON) and
re-derives from the format (``docs/scenario-format.md``) everything it needs:
CSV decoding, the needs rules, ``wanted = ceil(per_unit x base)`` in exact arithmetic, and
haversine distances. It deliberately shares no code with the model, so a plan is checked
against the scenario's rules by code that does not reuse the model's own constraints.

A plan solved with levers (less availability, other stock, a shorter reach...) is checked
against the scenario files as written, so its differences show up as violations.

>>> from planner.verify import verify_plan
>>> verify_plan("scenarios/demo-small", "plans/demo-small")   # doctest: +SKIP
[]

From the shell, ``python -m planner.verify SCENARIO PLAN`` prints one line per violation
and exits 1 when there is any, 0 when there is none.

The modules: ``reading`` (CSV files and numbers as written, :class:`Violation`),
``scenario`` (the scenario re-read from its folder, its members person by person), ``rules``
(the team-level rules, the files' figures), ``people`` (roster.csv's person rules, and
maximality read from it) and ``checker`` (:func:`verify_plan` and :func:`main`). They import nothing from the rest of
the planner, nor PuLP or HiGHS; ``tests/test_verify.py`` checks it.
"""

from __future__ import annotations

from planner.verify.checker import main, verify_plan
from planner.verify.reading import PLAN_COLUMNS, SCENARIO_COLUMNS, Violation
from planner.verify.scenario import haversine_km

__all__ = ["PLAN_COLUMNS", "SCENARIO_COLUMNS", "Violation", "haversine_km", "main", "verify_plan"]
