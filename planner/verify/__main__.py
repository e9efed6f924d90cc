"""``python -m planner.verify SCENARIO PLAN``: see :func:`planner.verify.main`."""

from planner.verify.checker import main

raise SystemExit(main())
