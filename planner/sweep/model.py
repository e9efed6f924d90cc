"""The plan model with one column per person and session, so a sample's absences are bounds.

The planner's model plans classes of identical members (planner/model/classes.py). Once some
members of a class stay away in some sessions they are no longer alike, and the class's limits
(members present per session, members x max_sessions over the exam) could ask it for more
than its members can give: two members present only in session 1 and two only in session 2,
each serving at most one session, give 2 in sessions 1 and 2 together, not 4. So for every
class whose members serve fewer sessions than they are free in (the class has a
``class_total`` row), the sweep's model adds:

* ``x[j,s]`` in [0, 1]: person j of the class on duty in session s (its upper bound is 1
  when j showed up, 0 when not: the sample's bound);
* ``person_link[c,s]``: what the class serves in session s, all roles, home or pool, is
  covered by its persons on duty then: ``sum_r (u + z)[c,s,r] <= sum_j x[j,s]``;
* ``person_total[j]``: ``sum_s x[j,s] <= max_sessions``.

That is a bipartite flow of persons to sessions, so whole loads that it admits can be
rostered person by person; the class's own rows stay as they are. Columns and rows exist
whatever the draw, so one model follows every sample by its bounds.
"""

from __future__ import annotations

import numpy as np

from planner.io.uncertainty import Uncertainty
from planner.model import PlanModel
from planner.model.families import ColumnFamily, RowFamily, Terms
from planner.model.formulation import Figures, safe_ids
from planner.model.keys import Keys
from planner.model.levers import Inputs
from planner.sweep.draws import People, everyone


class SweepModel(PlanModel):
    """:class:`PlanModel` with persons (see the module); ``people`` is everyone, in drawing order."""

    people: People
    person_of_x: np.ndarray

    @property
    def x(self) -> Keys:
        """The persons' columns' keys: ``j`` (the person in :attr:`people`), ``c`` (class), ``s``."""
        return self.column_families["x"].keys

    def extra_families(self, base: Inputs) -> tuple[list[ColumnFamily[Figures]], list[RowFamily[Figures]],
                                                   dict[str, np.ndarray]]:
        classes = self.classes
        self.people = everyone(classes, base, Uncertainty())
        max_sessions = base.max_sessions[classes.team]
        limited = max_sessions < classes.free.sum(axis=1)  # members serve fewer sessions than they are free in
        person = np.nonzero(limited[self.people.cls])[0]
        j_of, s_of = np.nonzero(self.people.free[person])
        j = person[j_of]
        x = Keys(j=j.astype("int64"), c=self.people.cls[j], s=s_of.astype("int64"))
        self.person_of_x = j
        u, z = self.u, self.z
        link_c = np.concatenate([u["c"], z["c"], x["c"]])
        keep = limited[link_c]
        budget = base.max_sessions[self.people.team]
        columns: list[ColumnFamily[Figures]] = [ColumnFamily("x", x, "person", ("j", "s"), upper=1.0)]
        rows: list[RowFamily[Figures]] = [
            RowFamily("person_link", (Terms("u", {"c": u["c"], "s": u["s"]}), Terms("z", {"c": z["c"], "s": z["s"]}),
                                      Terms("x", {"c": x["c"], "s": x["s"]}, coef=-1.0)),
                      label=("c", "s"), upper=0.0, keep=keep),
            RowFamily("person_total", (Terms("x", {"j": x["j"]}),), label=("j",),
                      upper=lambda k, f: budget[k["j"]].astype(float)),
        ]
        team_ids = safe_ids(self.scenario.teams["team_id"])
        names = np.array([f"{team_ids[t]}_{n}" for t, n in zip(self.people.team, self.people.number, strict=True)],
                         dtype=object)
        return columns, rows, {"j": names}


__all__ = ["SweepModel"]
