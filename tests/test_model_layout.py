"""The LP's layout: every row named for its family and keys, families in place, PuLP's fast path taken."""

from __future__ import annotations

import re

import numpy as np
import pulp
import pytest

from planner import load_scenario
from planner.generate import generate_scenario
from planner.io.settings import ROLES
from planner.model import Levers, PlanModel, apply_levers, pulp_objects
from planner.model.families import ColumnFamily, LinearProgram, RowFamily, Terms
from planner.model.formulation import BANDS
from planner.model.keys import Keys

from .conftest import SCENARIOS

UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def built(scenario) -> PlanModel:  # type: ignore[no-untyped-def]
    inputs = apply_levers(scenario)
    model = PlanModel(scenario, inputs.reach_km, base=inputs)
    model.set_inputs(inputs)
    return model


@pytest.fixture(scope="module", params=["demo-small", "beijing-2023", "generated-x2"])
def model(request) -> PlanModel:  # type: ignore[no-untyped-def]
    if request.param == "generated-x2":
        return built(generate_scenario(2, seed=0))
    return built(load_scenario(SCENARIOS / request.param))


def id_text(model: PlanModel) -> dict[str, np.ndarray]:
    """Each key's codes as the text a name holds, made here from the scenario's tables.

    Letters, digits and _ are kept, anything else becomes _, and an id that changed gets
    ``_n`` and its position, so that names stay unique.
    """
    sc = model.scenario
    ids = {"t": sc.teams["team_id"], "s": sc.sessions["session_id"], "d": sc.districts["district_id"],
           "p": sc.points["point_id"], "i": sc.supplies["item_id"]}
    out = {}
    for key, values in ids.items():
        text = np.array([UNSAFE.sub("_", str(v)) + (f"_n{j}" if UNSAFE.search(str(v)) else "")
                         for j, v in enumerate(values)], dtype=object)
        assert len(set(text)) == len(text)
        out[key] = text
    out["g"] = out["d"]
    out["r"] = np.array(ROLES, dtype=object)
    out["k"] = np.array([f"band{k}" for k in range(BANDS)], dtype=object)
    # A class of identical members: its team, its kind of member and its availability level.
    kinds = {0: "both", 1: "first_aid", 2: "counsellor", 3: "neither"}
    classes = model.classes
    out["c"] = np.array([f"{out['t'][t]}_{kinds[int(k)]}{int(level)}"
                         for t, k, level in zip(classes.team, classes.kind, classes.level, strict=True)], dtype=object)
    return out


def named_keys(model: PlanModel, family: str) -> Keys:
    """The keys a family's rows are named by: their own, or those of the column each row is for."""
    declared = model.row_families[family]
    keys = model.row_keys[family]
    if declared.label_from is None:
        return keys
    (position,) = keys.names
    return model.column_families[declared.label_from].keys.take(keys[position])


def test_families_tile_the_columns_and_rows_in_declared_order(model):
    starts = [model.row_offset[name] for name in model.row_families]
    sizes = [len(model.row_keys[name]) for name in model.row_families]
    assert starts == np.concatenate([[0], np.cumsum(sizes)[:-1]]).tolist()
    assert sum(sizes) == model.num_rows == len(model._a_start)
    col_sizes = [len(family.keys) for family in model.column_families.values()]
    assert list(model.col_offset.values()) == np.concatenate([[0], np.cumsum(col_sizes)[:-1]]).tolist()
    assert sum(col_sizes) == model.num_cols
    offsets = (model.u0, model.y0, model.a0, model.f0, model.q0, model.share0, model.z0)
    assert offsets == tuple(model.col_offset.values())


def test_every_row_is_named_for_its_family_and_keys(model):
    """Names made here from each family's row keys match names() at the family's row offsets."""
    ids = id_text(model)
    cols, rows = model.names()
    assert len(rows) == model.num_rows and len(set(rows)) == len(rows)
    for name, declared in model.row_families.items():
        keys = named_keys(model, name)
        expected = [f"{name}_" + "_".join(ids[k][keys[k][j]] for k in declared.label) for j in range(len(keys))]
        assert rows[model.rows_of(name)] == expected, name
    assert len(cols) == model.num_cols and len(set(cols)) == len(cols)
    for family in model.column_families.values():
        expected = [f"{family.prefix}_" + "_".join(ids[k][family.keys[k][j]] for k in family.label)
                    for j in range(len(family.keys))]
        assert cols[model.cols_of(family.name)] == expected, family.name


def test_every_row_holds_only_columns_with_its_keys(model):
    """Each entry of a row is a column of one of the family's terms whose keys agree with the row's name keys."""
    family_of_col = np.repeat(np.arange(len(model.column_families)),
                              [len(f.keys) for f in model.column_families.values()])
    column_families = list(model.column_families.values())
    ends = np.append(model._a_start[1:], len(model._a_index))
    row_of_nz = np.repeat(np.arange(model.num_rows), ends - model._a_start)
    for name, declared in model.row_families.items():
        rows = model.rows_of(name)
        keys = named_keys(model, name)
        in_family = (row_of_nz >= rows.start) & (row_of_nz < rows.stop)
        cols, row = model._a_index[in_family], row_of_nz[in_family] - rows.start
        assert np.all(np.diff(model._a_index[in_family])[np.diff(row) == 0] > 0), "entries in column order"
        owners = family_of_col[cols]
        assert {column_families[i].name for i in np.unique(owners)} <= {t.column for t in declared.terms}
        for i in np.unique(owners):
            column = column_families[i]
            mine = owners == i
            position = cols[mine] - model.col_offset[column.name]
            shared = [k for k in keys.names if k in column.keys.names]
            assert shared, (name, column.name)
            for k in shared:
                assert np.array_equal(column.keys[k][position], keys[k][row[mine]]), (name, column.name, k)


def test_a_named_row_is_the_row_it_says():
    """By hand: Haidian's first-aid pool on the morning of 7 June holds its first-aid teams and flows."""
    model = built(load_scenario(SCENARIOS / "beijing-2023"))
    _, rows = model.names()
    row = rows.index("pool_haidian_0607_am_n0_first_aid")
    entries = slice(model._a_start[row], model._a_start[row + 1])
    cols, coefs = model._a_index[entries], model._a_value[entries]
    sc = model.scenario
    haidian = sc.districts["district_id"].tolist().index("haidian")
    u = (model.u["d"] == haidian) & (model.u["s"] == 0) & (model.u["r"] == ROLES.index("first_aid"))
    y = (model.y["d"] == haidian) & (model.y["s"] == 0) & (model.y["r"] == ROLES.index("first_aid"))
    assert cols.tolist() == (model.u0 + np.nonzero(u)[0]).tolist() + (model.y0 + np.nonzero(y)[0]).tolist()
    assert coefs.tolist() == [1.0] * int(u.sum()) + [-1.0] * int(y.sum())


def test_the_share_rows_lever_follows_what_points_want():
    """The one lever in the matrix: -wanted as the share column's coefficient, set and reset by set_inputs."""
    scenario = load_scenario(SCENARIOS / "demo-small")
    model = built(scenario)
    nz = model._lever_nz
    assert len(nz) == len(model.q)
    assert np.array_equal(model._a_index[nz] - model.share0, np.searchsorted(model.share["i"], model.q["i"]))
    base = model._a_value[nz].copy()
    assert np.array_equal(base, -model.col_upper[model.cols_of("q")])
    item = scenario.supplies["item_id"].iloc[0]
    model.set_inputs(apply_levers(scenario, Levers(supply_factors={item: 2.0})))
    doubled = model.q["i"] == 0
    assert np.all(model._a_value[nz][doubled] < base[doubled]) and np.array_equal(model._a_value[nz][~doubled],
                                                                                 base[~doubled])


def test_declared_families_make_the_matrix_bounds_and_names():
    """Two column families, one row family with a lever coefficient and a filter: CSR, bounds and names."""
    x = Keys(a=np.array([0, 0, 1]), b=np.array([0, 1, 0]))
    z = Keys(a=np.array([0, 1]))
    columns = [ColumnFamily("x", x, "x", ("a", "b"), upper=lambda k, w: w * (1 + k["b"])),
               ColumnFamily("z", z, "z", ("a",), upper=2.0, cost=-1.0, integer=True)]
    rows = [RowFamily("sum", (Terms("x", {"a": x["a"]}), Terms("z", {"a": z["a"]}, coef=lambda w: -w * np.ones(2))),
                      label=("a",), upper=lambda k, w: w + k["a"]),
            RowFamily("pair", (Terms("x", {"a": x["a"]}, at=np.arange(3)),), label=("a",), lower=0.0,
                      keep=np.array([True, False, False]))]
    lp: LinearProgram = LinearProgram(columns, rows)
    lp.adopt(lp.evaluate(3.0))
    dense = np.zeros((lp.num_rows, lp.num_cols))
    ends = np.append(lp._a_start[1:], len(lp._a_index))
    for row, (start, end) in enumerate(zip(lp._a_start, ends, strict=True)):
        dense[row, lp._a_index[start:end]] = lp._a_value[start:end]
    assert dense.tolist() == [[1, 1, 0, -3, 0], [0, 0, 1, 0, -3], [1, 1, 0, 0, 0]]
    assert lp.col_upper.tolist() == [3, 6, 3, 2, 2] and lp.col_cost.tolist() == [0, 0, 0, -1, -1]
    assert lp.row_upper.tolist() == [3, 4, np.inf] and lp.row_lower.tolist() == [-np.inf, -np.inf, 0]
    assert lp.integer_columns.tolist() == [3, 4]
    text = {"a": np.array(["A0", "A1"], dtype=object), "b": np.array(["B0", "B1"], dtype=object)}
    assert lp.label_names(text) == (["x_A0_B0", "x_A0_B1", "x_A1_B0", "z_A0", "z_A1"], ["sum_A0", "sum_A1", "pair_A0"])


def test_pulp_fast_path_is_taken_on_the_installed_pulp(monkeypatch):
    """The PuLP problem is built without PuLP's per-object calls: the layout probes pass on this PuLP.

    Should a PuLP release change its objects' layout, the probes fail and the planner falls back
    to the public calls (correct, but several times slower): this test says so first.
    """
    assert pulp_objects._variable_layout_ok(), f"PuLP {pulp.__version__}: variables are laid out differently"
    assert pulp_objects._constraint_layout_ok(), f"PuLP {pulp.__version__}: constraints are laid out differently"
    assert pulp_objects._registry_available(pulp.LpProblem("probe"))
    model = built(load_scenario(SCENARIOS / "demo-small"))

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a public PuLP call was made: the fast path was not taken")

    for owner, name in ((pulp.LpProblem, "add_variable"), (pulp.LpProblem, "addConstraint"),
                        (pulp.LpVariable, "__init__"), (pulp.LpConstraint, "__init__"),
                        (pulp.LpAffineExpression, "__init__")):
        monkeypatch.setattr(owner, name, refused)
    problem = model.problem
    monkeypatch.undo()
    assert len(problem.constraints()) == model.num_rows and len(problem.variables()) == model.num_cols
