"""Whole volunteers from the LP optimum: re-solve the districts concerned, else the whole model with integers.

The staffing part of the LP is a network flow except for the teams' skill totals over the
exam, so its optimum is whole in almost every case, and where it is not the fractional part
is small and local (docs/model.md, "Whole volunteers and items").
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np

from planner.model.formulation import Formulation
from planner.model.highs import accepted, highs_bounds, highs_status, new_highs
from planner.model.solution import INTEGRALITY_TOLERANCE

if TYPE_CHECKING:
    import highspy

log = logging.getLogger(__name__)
MIP_ABS_GAP = 0.01  # integer re-solves stop this close to the optimum: far under what a volunteer adds


def whole_in_districts(lp: Formulation, values: np.ndarray, time_limit: float | None) -> np.ndarray | None:
    """Whole staffing from a fractional LP optimum, re-solving only the districts concerned.

    The fractional part of an LP optimum is local: a few teams' shares (``u``), a few
    pools' flows to points (``y``) and now and then a few needs' staffing (``a``). The
    teams and flows of the districts holding a fractional ``u`` or ``y``, and the
    fractional needs with their points' capacity and their districts' fairness bands,
    are re-solved as a small integer program with the same rows and costs, everything
    else fixed at the LP optimum. Its plan is kept only if the whole objective is within
    the integer re-solve's absolute gap (:data:`MIP_ABS_GAP`) of the LP optimum, a bound
    on the integer optimum, so it is as good as re-solving the whole model with integers
    would guarantee; most often it is the LP optimum exactly. Returns None otherwise
    (then the whole model is solved with integers).
    """
    def fractional(lo: int, hi: int) -> np.ndarray:
        return np.abs(values[lo:hi] - np.rint(values[lo:hi])) > INTEGRALITY_TOLERANCE

    u_d, y_d, z_d = lp.u["d"], lp.y["d"], lp.z["d"]
    frac_u, frac_y = fractional(lp.u0, lp.y0), fractional(lp.y0, lp.a0)
    frac_z = fractional(lp.z0, lp.z0 + len(lp.z))
    frac_a = fractional(lp.a0, lp.f0)
    districts = np.unique(np.concatenate([u_d[frac_u], y_d[frac_y], z_d[frac_z]]))
    free_y = np.isin(y_d, districts) if frac_y.any() else np.zeros(len(y_d), dtype=bool)
    # A team's home columns go with its members' other columns: both are free or both fixed.
    free_z = np.isin(z_d, districts)
    bands = np.unique(lp.a["g"][frac_a] * 3 + lp.a["r"][frac_a])  # (district, role) of a fractional need
    free_f = np.isin(lp.f["g"] * 3 + lp.f["r"], bands)
    sub_cols = np.concatenate([lp.u0 + np.nonzero(np.isin(u_d, districts))[0], lp.y0 + np.nonzero(free_y)[0],
                               lp.z0 + np.nonzero(free_z)[0], lp.a0 + np.nonzero(frac_a)[0],
                               lp.f0 + np.nonzero(free_f)[0]])
    integer = np.arange(len(sub_cols)) < len(sub_cols) - int(free_f.sum())
    col_map = -np.ones(lp.num_cols, dtype="int64")
    col_map[sub_cols] = np.arange(len(sub_cols))
    # Rows: the teams' and pools' of those districts, and the needs, capacities and bands
    # that a free column is in.
    class_district = np.full(len(lp.classes), -1, dtype="int64")
    class_district[lp.u["c"]] = u_d
    class_district[lp.z["c"]] = z_d
    a_of_need = np.full(len(lp.need), -1, dtype="int64")
    a_of_need[lp.a["need_row"]] = np.arange(len(lp.a))
    needs = np.union1d(a_of_need[np.unique(np.concatenate([lp.y["need_row"][free_y], lp.z["need_row"][free_z]]))],
                       np.nonzero(frac_a)[0])
    point_sessions = lp.a["p"][frac_a] * lp.n_sessions + lp.a["s"][frac_a]
    capacity = lp.row_keys["capacity"]
    rows = [
        lp.row_offset["pool"] + np.nonzero(np.isin(lp.row_keys["pool"]["d"], districts))[0],
        lp.row_offset["need"] + np.nonzero(np.isin(lp.row_keys["need"]["need"], needs))[0],
        lp.row_offset["capacity"]
        + np.nonzero(np.isin(capacity["p"] * lp.n_sessions + capacity["s"], point_sessions))[0],
        lp.row_offset["district_cover"]
        + np.nonzero(np.isin(lp.row_keys["district_cover"]["g"] * 3 + lp.row_keys["district_cover"]["r"], bands))[0],
    ]
    for name in ("class_session", "class_total"):
        keys = lp.row_keys[name]["c"]
        rows.append(lp.row_offset[name] + np.nonzero(np.isin(class_district[keys], districts))[0])
    row_ids = np.sort(np.concatenate(rows))
    # Gather the rows' entries from the CSR arrays; columns outside the block are fixed at
    # their (whole) LP values and move to the row bounds.
    ends = np.append(lp._a_start[1:], len(lp._a_index))
    lengths = (ends[row_ids] - lp._a_start[row_ids]).astype("int64")
    first = np.cumsum(lengths) - lengths
    nz = np.repeat(lp._a_start[row_ids] - first, lengths) + np.arange(int(lengths.sum()))
    row_of_nz = np.repeat(np.arange(len(row_ids)), lengths)
    cols, coefs = lp._a_index[nz], lp._a_value[nz]
    inside = col_map[cols] >= 0
    fixed = np.rint(np.bincount(row_of_nz[~inside], weights=coefs[~inside] * values[cols[~inside]],
                                minlength=len(row_ids)))
    starts = np.concatenate([[0], np.cumsum(np.bincount(row_of_nz[inside], minlength=len(row_ids)))[:-1]])
    h = new_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", MIP_ABS_GAP / 2)
    if time_limit:
        h.setOptionValue("time_limit", float(time_limit))
    n = len(sub_cols)
    accepted(h.addCols(n, lp.col_cost[sub_cols], lp.col_lower[sub_cols], lp.col_upper[sub_cols], 0,
                       np.zeros(0, "int32"), np.zeros(0, "int32"), np.zeros(0)), lp._a_value)
    lower, upper = highs_bounds(lp.row_lower[row_ids] - fixed, lp.row_upper[row_ids] - fixed)
    accepted(h.addRows(len(row_ids), lower, upper, int(inside.sum()), starts.astype("int32"),
                       col_map[cols[inside]].astype("int32"), coefs[inside]), lp._a_value)
    h.changeColsIntegrality(n, np.arange(n, dtype="int32"), integer.astype(np.uint8))
    h.run()
    if highs_status(h) == "none":
        log.info("no whole staffing within districts %s; solving with integers", districts.tolist())
        return None
    whole = values.copy()
    solved = np.asarray(h.getSolution().col_value)
    whole[sub_cols] = np.where(integer, np.rint(solved), solved)
    lost = float(lp.col_cost @ whole - lp.col_cost @ values)
    if lost > MIP_ABS_GAP:
        log.info("whole staffing within districts %s loses %.4f; solving with integers", districts.tolist(), lost)
        return None
    log.info("whole staffing from %s fractional columns re-solved in %s district(s), objective +%.2g",
             int(frac_u.sum() + frac_y.sum() + frac_a.sum()), len(districts), lost)
    return whole


def integer_resolve(lp: Formulation, h: highspy.Highs, time_limit: float | None,
                    started: float) -> tuple[str, np.ndarray]:
    """Solve the whole model again with integer staffing, warm from the LP; back to an LP after."""
    columns = lp.integer_columns
    h.changeColsIntegrality(len(columns), columns, np.ones(len(columns), dtype=np.uint8))
    # An absolute gap well under the least a whole volunteer adds, so no need that an
    # idle team could fill is left unfilled for the sake of a gap.
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", MIP_ABS_GAP)
    if time_limit:
        h.setOptionValue("time_limit", max(0.1, time_limit - (time.perf_counter() - started)))
    h.run()
    status = highs_status(h)
    values = np.asarray(h.getSolution().col_value)
    # Back to an LP, so the next lever change starts from a basis.
    h.changeColsIntegrality(len(columns), columns, np.zeros(len(columns), dtype=np.uint8))
    return status, values


__all__ = ["MIP_ABS_GAP", "integer_resolve", "whole_in_districts"]
