"""Whole units shared in proportion to what points want: the supplies' optimum, exactly.

The LP's supplies part has one optimum (docs/model.md, "Supplies"): every point gets the share
min(1, stock / wanted) of what it wants. In whole units that is ``min(stock, wanted)`` split in
proportion to what each point wants, floors first, then one more unit to the largest remainders
(ties in point order). It is worked out here in whole numbers (Python's integers: a point may
want up to 10^12 units), not read off the LP's values: where a point wants tens of millions, the
LP's shares are right only to the solver's tolerances (about 1e-7 of the whole), which was enough
to give two small points all they wanted beside one wanting 50 million.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from planner.model.levers import Inputs


def proportional(want: Sequence[int], total: int) -> list[int]:
    """``total`` units (at most what all want) shared in proportion to ``want``: floors, then the
    largest remainders, ties in the order given."""
    whole = sum(int(w) for w in want)
    if whole == 0 or total <= 0:
        return [0] * len(want)
    scaled = [int(w) * int(total) for w in want]
    quantity = [s // whole for s in scaled]
    order = sorted(range(len(want)), key=lambda i: (-(scaled[i] % whole), i))
    for i in order[:int(total) - sum(quantity)]:
        quantity[i] += 1
    return quantity


def supply_shares(inputs: Inputs) -> pd.DataFrame:
    """``item_id, point_id, quantity, wanted`` for every point wanting an item (wanted's order):
    each item's min(stock, wanted) split by :func:`proportional`."""
    wanted = inputs.wanted[inputs.wanted["wanted"] > 0].reset_index(drop=True)
    stock = dict(zip(inputs.scenario.supplies["item_id"], inputs.stock.tolist(), strict=True))
    quantity = np.zeros(len(wanted), dtype="int64")
    for item_id, rows in wanted.groupby("item_id", sort=False).indices.items():
        want = wanted["wanted"].to_numpy()[rows].tolist()
        quantity[rows] = proportional(want, min(int(stock[item_id]), sum(int(w) for w in want)))
    wanted["quantity"] = quantity
    return wanted[["item_id", "point_id", "quantity", "wanted"]]


__all__ = ["proportional", "supply_shares"]
