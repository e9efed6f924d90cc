"""explanations.csv (contract version 2) as written: kinds, the fields each kind uses, ids, ranks.

The gains are what solving the scenario again with each change gives; the checker solves
nothing (it shares no code with the planner), so it checks what the file itself must satisfy:
every row names a change the contract defines, with the fields of its kind and only those,
ids the scenario has, and ranks that order each kind by gain (ties: the smaller amount first).
The gains themselves are checked by solving again in the planner's tests (tests/test_explain.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import pairwise

from planner.verify.reading import Violation, plan_int
from planner.verify.scenario import ROLES, ScenarioFacts

EXPLANATION_COLUMNS = ("rank", "kind", "district_id", "point_id", "session_id", "role", "item_id", "amount",
                       "sessions", "gain", "text_zh", "text_en")
# The fields each kind uses; the others must be empty.
FIELDS = {
    "volunteers": {"district_id", "role", "amount", "sessions", "session_id"},
    "stock": {"item_id", "amount"},
    "capacity": {"point_id", "amount"},
    "reach": {"amount"},
}
REQUIRED = {"volunteers": {"district_id", "role", "amount", "sessions"}, "stock": {"item_id", "amount"},
            "capacity": {"point_id", "amount"}, "reach": {"amount"}}


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def check_explanations(s: ScenarioFacts, rows: list[dict[str, str]], out: list[Violation]) -> None:
    """Each row a change of the contract's kinds, its fields and ids right, each kind ranked by gain."""
    by_kind: dict[str, list[tuple[int, int, float, str]]] = defaultdict(list)
    known = {"district_id": set(s.districts), "point_id": set(s.points), "session_id": set(s.sessions),
             "role": set(ROLES), "item_id": set(s.supplies)}
    for row in rows:
        where = f"explanations.csv, line {row['_line']}"
        kind = row["kind"]
        if kind not in FIELDS:
            out.append(Violation("explanations", f"{where}: kind {kind!r} is not one of {', '.join(FIELDS)}"))
            continue
        extra = sorted(f for f in ("district_id", "point_id", "session_id", "role", "item_id", "sessions")
                       if row[f] and f not in FIELDS[kind])
        if extra:
            out.append(Violation("explanations", f"{where}: a {kind} change leaves {', '.join(extra)} empty"))
        lacking = sorted(f for f in REQUIRED[kind] if not row[f])
        if lacking:
            out.append(Violation("explanations", f"{where}: a {kind} change needs {', '.join(lacking)}"))
        for name, ids in known.items():
            if row[name] and name in FIELDS[kind] and row[name] not in ids:
                out.append(Violation("explanations", f"{where}: {name} {row[name]!r} is not in the scenario"))
        amount = _number(row["amount"]) if row["amount"] else None
        whole = kind != "reach"
        if amount is None or amount <= 0 or (whole and not amount.is_integer()):
            out.append(Violation("explanations", f"{where}: amount must be {'a whole number ' if whole else ''}"
                                                 f"above 0, got {row['amount']!r}"))
            continue
        if kind == "volunteers":
            sessions = plan_int(row["sessions"])
            if sessions is None or sessions < 1 or sessions > max(len(s.sessions), 1):
                out.append(Violation("explanations", f"{where}: sessions must be a whole number from 1 to "
                                                     f"{len(s.sessions)}, got {row['sessions']!r}"))
        rank, gain = plan_int(row["rank"]), plan_int(row["gain"])
        if rank is None or gain is None:
            out.append(Violation("explanations", f"{where}: rank and gain must be whole numbers"))
            continue
        if not row["text_zh"] or not row["text_en"]:
            out.append(Violation("explanations", f"{where}: text_zh and text_en say the change in words"))
        by_kind[kind].append((rank, gain, amount, row["_line"]))
    for kind, ranked in by_kind.items():
        ranked.sort()
        if [r for r, _, _, _ in ranked] != list(range(1, len(ranked) + 1)):
            out.append(Violation("explanations", f"explanations.csv: the {kind} rows are ranked "
                                                 f"{[r for r, _, _, _ in ranked]}, not 1 to {len(ranked)}"))
            continue
        for (_, gain, amount, line), (_, next_gain, next_amount, next_line) in pairwise(ranked):
            if (next_gain, -next_amount) > (gain, -amount):
                out.append(Violation("explanations", f"explanations.csv, line {next_line}: a {kind} change of gain "
                                                     f"{next_gain} (amount {next_amount:g}) ranks below line {line} "
                                                     f"(gain {gain}, amount {amount:g})"))


__all__ = ["EXPLANATION_COLUMNS", "check_explanations"]
