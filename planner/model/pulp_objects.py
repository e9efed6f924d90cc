"""The PuLP problem from the model's arrays, built quickly as the very objects PuLP's calls make.

A national scenario has a million columns, and PuLP builds a Python object for every
variable and a dictionary entry for every non-zero, so how they are made is most of the
planner's cost beside the solver (docs/performance.md). Three things make it cheap:

* Python's cyclic garbage collector is paused while the objects are made. They hold no
  reference cycles to free, and its passes over hundreds of thousands of new objects took
  a third of the time.
* A variable gets the attributes ``prob.add_variable`` gives it, its own name, bounds and
  category: what ``LpVariable.__init__`` does, without checking and translating a name
  that is known to be safe already.
* Likewise an expression is a dictionary filled from the row's terms with the attributes
  ``LpAffineExpression`` gives it, and a constraint the attributes ``LpConstraint`` gives
  it; all constraints are handed to the problem in one step, where ``prob.addConstraint``
  would register their variables with the problem one non-zero at a time.

The shortcuts first check that PuLP lays out its objects as expected here (the attributes a
probe object gets from the public calls), and fall back to the public calls when not; a
test checks that both ways give the same problem, LP file for LP file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import pulp

_SAFE_NAME = re.compile(r"[A-Za-z0-9_]*")
_EXPRESSION_ATTRIBUTES = {"_LpAffineExpression__name", "constant"}
_CONSTRAINT_ATTRIBUTES = {"expr", "_LpConstraint__name", "constant", "sense", "pi", "slack", "modified"}


@cache
def _variable_layout_ok() -> bool:
    """True when a variable from ``add_variable`` holds exactly the attributes set here, as here."""
    variable = pulp.LpProblem("probe").add_variable("probe", lowBound=0, upBound=1, cat=pulp.LpInteger)
    return vars(variable) == {"_LpElement__name": "probe", "hash": id(variable), "modified": True,
                              "_lowbound_original": 0, "lowBound": 0, "_upbound_original": 1, "upBound": 1,
                              "cat": pulp.LpInteger, "varValue": None, "dj": None} and variable.name == "probe"


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


def make_variables(prob: pulp.LpProblem, names: Sequence[str], lower: np.ndarray, upper: np.ndarray,
                   integer: np.ndarray, *, fast: bool = True) -> list[pulp.LpVariable]:
    """One PuLP variable per column, as ``prob.add_variable`` makes them.

    Parameters
    ----------
    prob : pulp.LpProblem
    names : sequence of str
        Names of letters, digits and ``_`` (PuLP would change other characters); unique, for
        the LP file to be read back.
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
    if not (fast and _variable_layout_ok()):
        return [prob.add_variable(name, lowBound=lo, upBound=hi, cat=cat)
                for name, lo, hi, cat in zip(names, lows, highs, cats, strict=True)]
    new, variable_class = object.__new__, pulp.LpVariable
    variables: list[pulp.LpVariable] = [new(variable_class) for _ in names]
    for variable, name, lo, hi, cat in zip(variables, names, lows, highs, cats, strict=True):
        variable.__dict__ = {"_LpElement__name": name, "hash": id(variable), "modified": True,
                             "_lowbound_original": lo, "lowBound": lo, "_upbound_original": hi, "upBound": hi,
                             "cat": cat, "varValue": None, "dj": None}
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
    constraints: list[pulp.LpConstraint]
    if fast and _constraint_layout_ok():
        # In passes over all rows: the expressions' terms, then their attributes, then the
        # constraints with the attributes LpConstraint.__init__ gives them (its constant is
        # the expression's, 0, minus the right-hand side).
        expression_class, constraint_class = pulp.LpAffineExpression, pulp.LpConstraint
        new_expression, new_constraint, fill = expression_class.__new__, object.__new__, dict.update
        expressions = [new_expression(expression_class) for _ in names]
        for expression, start, end in zip(expressions, starts.tolist(), ends, strict=True):
            fill(expression, zip(terms[start:end], coefs[start:end], strict=True))
        for expression in expressions:
            expression.__dict__ = {"_LpAffineExpression__name": None, "constant": 0.0}
        constraints = [new_constraint(constraint_class) for _ in names]
        for constraint, expression, sense, name, b in zip(constraints, expressions, senses.tolist(), names, rhs,
                                                          strict=True):
            constraint.__dict__ = {"expr": expression, "_LpConstraint__name": name, "constant": 0.0 - b,
                                   "sense": sense, "pi": None, "slack": None, "modified": True}
    else:
        make_expression, make_constraint = pulp.LpAffineExpression, pulp.LpConstraint
        constraints = [
            make_constraint(make_expression(zip(terms[start:end], coefs[start:end], strict=True)), sense=sense,
                            name=name, rhs=b)
            for start, end, sense, name, b in zip(starts.tolist(), ends, senses.tolist(), names, rhs, strict=True)
        ]
    if not (fast and _registry_available(prob)) or prob._constraints or prob._variables:
        # PuLP's own way (also for a problem that holds something already).
        for item in constraints:
            prob.addConstraint(item)
        return
    prob._variables.extend(variables)
    prob._variable_ids.update((variable.hash, variable) for variable in variables)
    prob._constraints.update(zip(names, constraints, strict=True))
    if len(prob._constraints) != len(constraints):
        raise ValueError("constraint names must be unique")  # as prob.addConstraint insists
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


__all__ = ["add_constraints", "make_variables", "set_objective"]
