"""Re-planning samples: one warm model per worker, samples in batches on a Dask cluster.

**Per sample, only bounds change.** A worker builds the scenario's model once, with a column
per person and session (planner/sweep/model.py), and solves it; a sample then sets the
weather's needs and supplies (levers, planner/model/weather.py) and who showed up: a person's
columns are bounded by 1 in the sessions they came and 0 in the others, and each class of
identical members by its members present (per session, and ``sum of min(max_sessions,
sessions present)`` over the exam). So every sample's plan can be rostered person by person.

**Every sample of a weather starts from the same basis**: the optimum of its weather with
everyone present, solved from the scenario's own optimum after clearing the solver's state (so
it depends on the weather alone). A sample's plan then depends on its draw alone, never on the
samples a worker solved before (the LP is degenerate: two warm starts can end at two equally
good plans). That makes every output the same whatever the number of workers, the batches and
wherever they run. A sample differs from its weather's optimum only by who stayed away; the
members of a class are alike, so the model's persons take the sample's presences in the order
that leaves the fewest of the start's duties on absent persons (a minimum-weight matching per
class, scipy.sparse.csgraph): the same LP, and about a third of the simplex iterations.

**Dask**: without a scheduler address, a local cluster of worker processes (one thread
each: HiGHS runs single-threaded); with one, that cluster. Samples go in batches (a task
costs Dask about a millisecond, a sample some tens), results come back as batches finish.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.cluster import keep_freed_memory
from planner.errors import NoPlanError
from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.io.uncertainty import Uncertainty
from planner.model import highs
from planner.model.formulation import Figures
from planner.model.levers import Inputs, Levers, apply_levers
from planner.model.weather import exam_days, weather_levers
from planner.model.whole import integer_resolve
from planner.sweep.draws import Draw, draw, everyone
from planner.sweep.model import SweepModel

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Batch:
    """Results of some samples, aligned: ``index`` (sample numbers), ``totals`` samples x
    (needed, assigned, unmet per role, absent person-sessions), ``missing`` samples x needs
    (in the order of ``scenario.needs``), ``weather`` each sample's preset per exam day;
    ``integer_solves`` how many samples' LP optimum was not whole."""

    index: np.ndarray
    totals: np.ndarray
    missing: np.ndarray
    weather: list[tuple[str, ...]]
    integer_solves: int


TOTALS = ("needed", "assigned", *(f"unmet_{r}" for r in ROLES), "absent")


def weather_inputs(scenario: Scenario, days: Sequence[str], combo: Sequence[str]) -> Inputs:
    """The scenario's inputs with a preset on each day (``"none"``: no preset), presets combined."""
    supply: dict[str, float] = {}
    need: dict[str, dict[str, float]] = {}
    for preset in sorted(set(combo) - {"none"}):
        chosen = [d for d, w in zip(days, combo, strict=True) if w == preset]
        levers = weather_levers(scenario, preset, chosen)
        for item, factor in levers["supply_factors"].items():
            supply[item] = round(supply.get(item, 1.0) * factor, 3)
        for session, roles in levers["need_factors"].items():
            for role, factor in roles.items():
                need.setdefault(session, {})[role] = need.get(session, {}).get(role, 1.0) * factor
    return apply_levers(scenario, Levers(supply_factors=supply, need_factors=need))


class SampleSolver:
    """The warm model of one scenario, re-planning samples by their bounds (see the module).

    Parameters
    ----------
    scenario : Scenario
    uncertainty : Uncertainty
    """

    def __init__(self, scenario: Scenario, uncertainty: Uncertainty):
        self.scenario = scenario
        self.uncertainty = uncertainty
        base = apply_levers(scenario)
        model = SweepModel(scenario, base.reach_km, base=base)
        model.set_inputs(base)
        model.solve(warm=False)
        self.model = model
        h = model.highs_model
        assert h is not None
        self._h = h
        self._basis = h.getBasis()
        self.days = exam_days(scenario)
        self.people = everyone(model.classes, base, uncertainty)  # the model's persons, with their show-up
        self._combos: dict[tuple[str, ...], tuple[Inputs, Any, np.ndarray]] = {}
        self._person_budget = base.max_sessions[self.people.team]
        self._u_c, self._u_s = model.u["c"], model.u["s"]
        self._z_c, self._z_s = model.z["c"], model.z["s"]
        self._session_rows = model.rows_of("class_session")
        self._session_keys = model.row_keys["class_session"]
        self._total_rows = model.rows_of("class_total")
        self._total_c = model.row_keys["class_total"]["c"]
        self._need_rows = model.a["need_row"]
        self._a = slice(model.a0, model.a0 + len(model.a))
        self._need_role = model.need["r"]
        self._x = slice(model.col_offset["x"], model.col_offset["x"] + len(model.x))
        self._link = _rows_matrix(model, "person_link")
        self._person_total = _rows_matrix(model, "person_total")
        self._budget = model.row_upper[model.rows_of("person_total")].copy()
        self._starts: dict[tuple[str, ...], tuple[Any, np.ndarray]] = {}
        self._pairs = _class_pairs(self.people.cls[model.person_of_x], model.person_of_x, len(self.people))

    def _combo(self, weather: tuple[str, ...]) -> tuple[Inputs, Any, np.ndarray]:
        known = self._combos.get(weather)
        if known is None:
            inputs = weather_inputs(self.scenario, self.days, weather)
            known = (inputs, self.model.values_for(inputs), Figures(self.model, inputs).need.astype("int64"))
            self._combos[weather] = known
        return known

    def _start(self, weather: tuple[str, ...]) -> tuple[Any, np.ndarray]:
        """The start basis of a weather's samples, and each person's load in it (persons x sessions).

        The optimum of the weather with everyone present, solved from the scenario's own optimum
        after clearing the solver's state: it depends on the weather alone, wherever it is solved.
        """
        known = self._starts.get(weather)
        if known is None:
            inputs, values, _need = self._combo(weather)
            self._bound(inputs, values, self.people.free)
            h = self._h
            h.clearSolver()
            h.setBasis(self._basis)
            highs.rerun(h, None)
            if highs.highs_status(h) != "optimal":
                raise NoPlanError(highs.no_plan_message(h.getModelStatus(), None))
            loads = np.zeros(self.people.free.shape)
            m = self.model
            loads[m.person_of_x, m.x["s"]] = np.asarray(h.getSolution().col_value)[self._x]
            known = (h.getBasis(), loads)
            self._starts[weather] = known
        return known

    def _bound(self, inputs: Inputs, values: Any, present: np.ndarray) -> None:
        """Set the model's bounds for ``inputs`` with these persons present (persons x sessions)."""
        m = self.model
        n_classes = len(m.classes)
        here = np.zeros((n_classes, m.n_sessions), dtype="int64")
        np.add.at(here, self.people.cls, present.astype("int64"))
        budget = np.bincount(self.people.cls, weights=np.minimum(self._person_budget, present.sum(axis=1)),
                             minlength=n_classes)
        col_upper, row_upper = values.col_upper.copy(), values.row_upper.copy()
        u_cols = slice(m.u0, m.u0 + len(m.u))
        z_cols = slice(m.z0, m.z0 + len(m.z))
        col_upper[u_cols] = np.minimum(col_upper[u_cols], here[self._u_c, self._u_s])
        col_upper[z_cols] = np.minimum(col_upper[z_cols], here[self._z_c, self._z_s])
        col_upper[self._x] = present[m.person_of_x, m.x["s"]]
        row_upper[self._session_rows] = here[self._session_keys["c"], self._session_keys["s"]]
        row_upper[self._total_rows] = budget[self._total_c]
        m.set_inputs(inputs, values._replace(col_upper=col_upper, row_upper=row_upper))

    def solve(self, sample: Draw) -> tuple[np.ndarray, np.ndarray, int]:
        """One sample re-planned: its totals (:data:`TOTALS`), missing per need, and 1 when it took integers."""
        m, h = self.model, self._h
        inputs, values, need_now = self._combo(sample.weather)
        basis, loads = self._start(sample.weather)
        # Members of a class are alike: the model's persons take the sample's presences in the order
        # that puts the fewest absences where the start basis has them on duty (see the module).
        present = sample.present[self._pairs.match(loads, self.people.free & ~sample.present)]
        self._bound(inputs, values, present)
        # The same start for every sample of a weather (see the module): its plan depends on its draw alone.
        h.clearSolver()
        h.setBasis(basis)
        solution = m.solve(warm=True)
        result = solution.values
        if solution.whole_by == "districts" and not self._persons_hold(result):
            # The districts' integer re-solve keeps the model's own rows, not the persons': all of them, then.
            status, result = integer_resolve(m, h, None, time.perf_counter())
            if status == "none":
                raise NoPlanError("HiGHS found no whole plan for a sample")
        self.last_values, self.last_present = result, present
        staffed = np.zeros(len(need_now), dtype="int64")
        staffed[self._need_rows] = np.rint(result[self._a]).astype("int64")
        missing = need_now - staffed
        unmet = np.bincount(self._need_role, weights=missing, minlength=len(ROLES)).astype("int64")
        absent = int((self.people.free & ~present).sum())
        totals = np.array([need_now.sum(), staffed.sum(), *unmet, absent], dtype="int64")
        return totals, missing.astype("int32"), int(solution.whole_by != "lp")

    def _persons_hold(self, values: np.ndarray) -> bool:
        """Whether the persons' rows hold for these values (within a whole volunteer's tolerance)."""
        return bool((self._link @ values <= 1e-6).all() and (self._person_total @ values <= self._budget + 1e-6).all())


class _ClassPairs:
    """Every pair of persons of a class with persons' columns, as the edges of one bipartite graph."""

    def __init__(self, persons: np.ndarray, model_person: np.ndarray, sample_person: np.ndarray, n_people: int):
        self.persons, self.model_person, self.sample_person, self.n_people = (persons, model_person, sample_person,
                                                                              n_people)

    def match(self, loads: np.ndarray, absent: np.ndarray) -> np.ndarray:
        """For each model person, the sample's person whose presences it takes (an index into persons).

        The matching of least load on absent sessions (each class's persons are alike, so any
        matching is the same LP); persons without columns keep their own presences.
        """
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching

        order = np.arange(self.n_people)
        if not len(self.persons):
            return order
        cost = (loads[self.model_person] * absent[self.sample_person]).sum(axis=1)
        k = len(self.persons)
        rows = np.searchsorted(self.persons, self.model_person)
        cols = np.searchsorted(self.persons, self.sample_person)
        # 1 + cost: every edge is stored (a zero would be no edge), and every full matching has k edges.
        graph = csr_matrix((1.0 + np.round(cost, 9), (rows, cols)), shape=(k, k))
        _rows, taken = min_weight_full_bipartite_matching(graph)
        order[self.persons] = self.persons[taken]
        return order


def _class_pairs(cls_of_x: np.ndarray, person_of_x: np.ndarray, n_people: int) -> _ClassPairs:
    """The pairs of persons alike (same class) among those with persons' columns."""
    persons, first = np.unique(person_of_x, return_index=True)
    cls = cls_of_x[first]
    model_person, sample_person = [], []
    for c in np.unique(cls):
        members = persons[cls == c]
        model_person.append(np.repeat(members, len(members)))
        sample_person.append(np.tile(members, len(members)))
    empty = [np.zeros(0, "int64")]
    return _ClassPairs(persons, np.concatenate(model_person + empty), np.concatenate(sample_person + empty), n_people)


def _rows_matrix(model: SweepModel, family: str) -> Any:
    """The rows of one family as a sparse matrix over all columns."""
    from scipy.sparse import csr_matrix

    rows = model.rows_of(family)
    bounds = np.append(model._a_start, len(model._a_index))
    start, end = bounds[rows.start], bounds[rows.stop]
    indptr = bounds[rows.start:rows.stop + 1] - start
    return csr_matrix((model._a_value[start:end], model._a_index[start:end], indptr),
                      shape=(rows.stop - rows.start, model.num_cols))


# Workers keep their solvers between batches, by the sweep's key (the last few).
_SOLVERS: dict[str, SampleSolver] = {}
KEEP_SOLVERS = 2


def solve_batch(key: str, payload: tuple[Scenario, Uncertainty, int], indices: Sequence[int]) -> Batch:
    """Solve samples ``indices`` of a sweep (runs on a worker; its model is kept for the next batch)."""
    solver = _SOLVERS.pop(key, None)
    scenario, uncertainty, seed = payload
    if solver is None:
        keep_freed_memory()
        solver = SampleSolver(scenario, uncertainty)
    _SOLVERS[key] = solver
    while len(_SOLVERS) > KEEP_SOLVERS:
        _SOLVERS.pop(next(iter(_SOLVERS)))
    totals, missing, weather, integer_solves = [], [], [], 0
    for index in indices:
        sample = draw(solver.people, solver.days, uncertainty, seed, int(index))
        t, miss, c = solver.solve(sample)
        totals.append(t)
        missing.append(miss)
        weather.append(sample.weather)
        integer_solves += c
    n_needs = len(scenario.needs)
    return Batch(index=np.asarray(indices, dtype="int64"),
                 totals=np.array(totals, dtype="int64").reshape(len(indices), len(TOTALS)),
                 missing=np.array(missing, dtype="int32").reshape(len(indices), n_needs), weather=weather,
                 integer_solves=integer_solves)


def batches(samples: int, workers: int) -> list[range]:
    """Samples in batches: about eight per worker (so a slow batch holds nobody up), 5 to 25 samples each
    (a sample takes some tens of milliseconds: a batch of 25 is about half a second, so the workers
    finish within that of each other)."""
    size = max(5, min(25, math.ceil(samples / max(1, workers) / 8)))
    return [range(start, min(samples, start + size)) for start in range(0, samples, size)]


def run_samples(client: Any, scenario: Scenario, uncertainty: Uncertainty, *, samples: int, seed: int,
                progress: Progress | None = None) -> Batch:
    """Every sample of a sweep on ``client``'s cluster, in sample order (see the module).

    Raises
    ------
    NoPlanError
        A sample's solve gave no plan (re-raised from the worker).
    """
    from dask.distributed import as_completed

    key = uuid.uuid4().hex
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    # A key of its own (hash=False): a sweep of the same payload right after another (the reserves'
    # search sweeps the same reserves again) would otherwise reuse the key the scheduler is still
    # releasing, and scatter waits forever (dask/distributed#8576).
    payload = client.scatter((scenario, uncertainty, seed), broadcast=True, hash=False)
    futures = [client.submit(solve_batch, key, payload, list(part), pure=False) for part in batches(samples, workers)]
    done: list[Batch] = []
    finished = 0
    if progress is not None:
        progress(0, samples)
    for future in as_completed(futures):
        batch = future.result()
        done.append(batch)
        finished += len(batch.index)
        if progress is not None:
            progress(finished, samples)
        future.release()
    return join_batches(done, samples, len(scenario.needs))


def join_batches(done: Sequence[Batch], samples: int, n_needs: int) -> Batch:
    """Batches put back in sample order."""
    totals = np.zeros((samples, len(TOTALS)), dtype="int64")
    missing = np.zeros((samples, n_needs), dtype="int32")
    weather: list[tuple[str, ...]] = [()] * samples
    for batch in done:
        totals[batch.index] = batch.totals
        missing[batch.index] = batch.missing
        for i, w in zip(batch.index.tolist(), batch.weather, strict=True):
            weather[i] = w
    return Batch(index=np.arange(samples), totals=totals, missing=missing, weather=weather,
                 integer_solves=sum(b.integer_solves for b in done))


__all__ = ["TOTALS", "Batch", "SampleSolver", "run_samples", "solve_batch", "weather_inputs"]
