"""The PuLP problem from the model's arrays, built quickly as the very objects PuLP's calls make.

A national scenario has a million columns, and PuLP builds a Python object for every
variable and a dictionary entry for every non-zero, so how they are made is most of the
planner's cost beside the solver (docs/performance.md). Three things make it cheap:

* Python's cyclic garbage collector is paused while the objects are made. They hold no
  reference cycles to free, and its passes over hundreds of thousands of new objects took
  a third of the time.
* A variable is a copy of the attributes of one made by ``prob.add_variable``, with its
  own name, bounds and category: what ``LpVariable.__init__`` does, without checking and
  translating a name that is known to be safe already.
* Likewise an expression is a dictionary filled from the row's terms with the attributes
  ``LpAffineExpression`` gives it, and a constraint the attributes ``LpConstraint`` gives
  it; all constraints are handed to the problem in one step, where ``prob.addConstraint``
  would register their variables with the problem one non-zero at a time.

The shortcuts first check that PuLP lays out its objects as expected here (the attributes a
probe object gets from the public calls), and fall back to the public calls when not; a
test checks that both ways give the same problem, LP file for LP file.
"""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache

import numpy as np
import pulp

_SAFE_NAME = re.compile(r"[A-Za-z0-9_]*")
_VARIABLE_ATTRIBUTES = {"_LpElement__name", "hash", "modified", "_lowbound_original", "lowBound",
                        "_upbound_original", "upBound", "cat", "varValue", "dj"}
_EXPRESSION_ATTRIBUTES = {"_LpAffineExpression__name", "constant"}
_CONSTRAINT_ATTRIBUTES = {"expr", "_LpConstraint__name", "constant", "sense", "pi", "slack", "modified"}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _variable_template() -> dict[str, object] | None:
    """The attributes of a fresh variable from ``add_variable``, if laid out as expected."""
    variable = pulp.LpProblem("probe").add_variable("probe", lowBound=0, upBound=1)
    state = dict(vars(variable))
    if set(state) != _VARIABLE_ATTRIBUTES or state["hash"] != id(variable) or variable.name != "probe":
        return None
    return state


@cache
def _constraint_layout_ok() -> bool:
    """True when expressions and constraints from the public calls hold exactly the expected attributes."""
    variable = pulp.LpProblem("probe").add_variable("probe")
    expression = pulp.LpAffineExpression([(variable, 2.0)])
    constraint = pulp.LpConstraint(expression, sense=pulp.LpConstraintLE, name="probe", rhs=3.0)
    return (issubclass(pulp.LpAffineExpression, dict) and dict(expression) == {variable: 2.0}
            and set(vars(expression)) == _EXPRESSION_ATTRIBUTES and expression.constant == 0.0
            and expression.name is None
            and set(vars(constraint)) == _CONSTRAINT_ATTRIBUTES and constraint.expr is expression
            and constraint.name == "probe" and constraint.constant == -3.0 and constraint.pi is None
            and constraint.slack is None and constraint.modified is True)


def _registry_available(prob: pulp.LpProblem) -> bool:
    return (isinstance(getattr(prob, "_constraints", None), dict)
            and isinstance(getattr(prob, "_variable_ids", None), dict)
            and isinstance(getattr(prob, "_variables", None), list)
            and isinstance(getattr(prob, "modifiedConstraints", None), list))


def _check_names(names: Sequence[str], what: str) -> None:
    if not _SAFE_NAME.fullmatch("".join(names)):
        raise ValueError(f"{what} names must be letters, digits and _ only")
    if len(set(names)) != len(names):
        raise ValueError(f"{what} names must be unique")


def make_variables(prob: pulp.LpProblem, names: Sequence[str], lower: np.ndarray, upper: np.ndarray,
                   integer: np.ndarray, *, fast: bool = True) -> list[pulp.LpVariable]:
    """One PuLP variable per column, as ``prob.add_variable`` makes them.

    Parameters
    ----------
    prob : pulp.LpProblem
    names : sequence of str
        Unique names of letters, digits and ``_`` (PuLP would change other characters).
    lower, upper : numpy.ndarray
        Bounds; infinite ones become None, as PuLP has them.
    integer : numpy.ndarray of bool
        Columns that are integer variables.
    fast : bool
        Copy a template's attributes (when PuLP's layout allows) instead of calling
        ``add_variable`` for each.
    """
    _check_names(names, "variable")
    lows = [None if math.isinf(v) else v for v in lower.tolist()]
    highs = [None if math.isinf(v) else v for v in upper.tolist()]
    cats = np.where(integer, pulp.LpInteger, pulp.LpContinuous).tolist()
    template = _variable_template() if fast else None
    if template is None:
        return [prob.add_variable(name, lowBound=lo, upBound=hi, cat=cat)
                for name, lo, hi, cat in zip(names, lows, highs, cats, strict=True)]
    new = object.__new__
    variable_class = pulp.LpVariable
    variables: list[pulp.LpVariable] = []
    append = variables.append
    for name, lo, hi, cat in zip(names, lows, highs, cats, strict=True):
        variable = new(variable_class)
        state = variable.__dict__
        state.update(template)
        state["_LpElement__name"] = name
        state["hash"] = id(variable)
        state["lowBound"] = state["_lowbound_original"] = lo
        state["upBound"] = state["_upbound_original"] = hi
        state["cat"] = cat
        append(variable)
    return variables


def add_constraints(prob: pulp.LpProblem, variables: list[pulp.LpVariable], names: Sequence[str],
                    starts: np.ndarray, index: np.ndarray, value: np.ndarray, lower: np.ndarray,
                    upper: np.ndarray, *, fast: bool = True) -> None:
    """Add the rows of a CSR matrix as named constraints, and register every variable.

    A row with equal bounds is an equation, one with an infinite lower bound a ``<=`` and
    one with an infinite upper bound a ``>=``.

    Raises
    ------
    ValueError
        A row bounded on both sides by different numbers (PuLP has no ranged rows).
    """
    _check_names(names, "constraint")
    ends = np.append(starts[1:], len(index))[:len(starts)].tolist()
    coefs = value.tolist()
    terms = [variables[j] for j in index.tolist()]
    senses = np.where(lower == upper, pulp.LpConstraintEQ,
                      np.where(np.isinf(lower), pulp.LpConstraintLE, pulp.LpConstraintGE))
    ranged = np.isfinite(lower) & np.isfinite(upper) & (lower != upper)
    if ranged.any():
        raise ValueError(f"rows {np.nonzero(ranged)[0][:5].tolist()} are bounded on both sides")
    rhs = np.where(senses == pulp.LpConstraintLE, upper, lower).tolist()
    rows = zip(starts.tolist(), ends, senses.tolist(), names, rhs, strict=True)
    constraints: list[pulp.LpConstraint] = []
    append = constraints.append
    if fast and _constraint_layout_ok():
        new = object.__new__
        expression_class, constraint_class = pulp.LpAffineExpression, pulp.LpConstraint
        new_expression = expression_class.__new__  # a dict's __new__
        fill = dict.update
        for start, end, sense, name, b in rows:
            expression = new_expression(expression_class)
            fill(expression, zip(terms[start:end], coefs[start:end], strict=True))
            expression.__dict__.update(_LpAffineExpression__name=None, constant=0.0)
            constraint = new(constraint_class)
            # As LpConstraint.__init__ sets them: constant = expression's constant - rhs.
            constraint.__dict__.update(expr=expression, _LpConstraint__name=name, constant=0.0 - b, sense=sense,
                                       pi=None, slack=None, modified=True)
            append(constraint)
    else:
        make_expression, make_constraint = pulp.LpAffineExpression, pulp.LpConstraint
        for start, end, sense, name, b in rows:
            append(make_constraint(make_expression(zip(terms[start:end], coefs[start:end], strict=True)),
                                   sense=sense, name=name, rhs=b))
    if not (fast and _registry_available(prob)) or prob._constraints or prob._variables:
        # PuLP's own way (also for a problem that holds something already).
        for item in constraints:
            prob.addConstraint(item)
        return
    prob._variables.extend(variables)
    prob._variable_ids.update((variable.hash, variable) for variable in variables)
    prob._constraints.update(zip(names, constraints, strict=True))
    prob.modifiedConstraints.extend(constraints)


def set_objective(prob: pulp.LpProblem, variables: list[pulp.LpVariable], cost: np.ndarray, *,
                  fast: bool = True) -> None:
    """Minimise (or maximise, as ``prob`` says) the sum of cost x variable over non-zero costs."""
    nonzero = np.nonzero(cost)[0]
    terms = zip([variables[j] for j in nonzero.tolist()], cost[nonzero].tolist(), strict=True)
    if fast and _constraint_layout_ok():
        expression = pulp.LpAffineExpression.__new__(pulp.LpAffineExpression)
        dict.update(expression, terms)
        expression.__dict__.update(_LpAffineExpression__name=None, constant=0.0)
    else:
        expression = pulp.LpAffineExpression(terms)
    prob.setObjective(expression)


__all__ = ["add_constraints", "make_variables", "paused_gc", "set_objective"]
