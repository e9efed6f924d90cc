"""``planner sweep`` as a library call: draw, re-plan on Dask, write the results folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planner.cluster import dask_client
from planner.io.scenario import Scenario
from planner.io.textfiles import write_folder_atomically
from planner.io.uncertainty import Uncertainty, scenario_uncertainty
from planner.model.weather import PRESETS
from planner.sweep.engine import Progress, run_samples
from planner.sweep.risk import SweepResult, write_results

MAX_SAMPLES = 1_000_000


def sweep(scenario: Scenario, *, samples: int, seed: int, uncertainty: Uncertainty | None = None,
          workers: int | None = None, scheduler: str | None = None, client: Any = None,
          progress: Progress | None = None, reserves: Mapping[tuple[str, str], int] | None = None) -> SweepResult:
    """Draw ``samples`` samples of the scenario's uncertainty and re-plan each.

    Parameters
    ----------
    scenario : Scenario
    samples : int
        1 to :data:`MAX_SAMPLES`.
    seed : int
        0 or more; the same seed, the same samples, whatever runs them.
    uncertainty : Uncertainty, optional
        Instead of the scenario's ``uncertainty:`` (the notebook's controls).
    workers, scheduler, client
        A Dask client to use, or the scheduler's address, or the number of local worker
        processes (default: the machine's cores).
    progress : callable, optional
        Called with (samples done, samples) as batches finish.
    reserves : mapping of (district_id, role) to int, optional
        Standby volunteers to add first (planner/sweep/reserves.py).

    Raises
    ------
    ScenarioError
        ``uncertainty:`` names a day, team or preset the scenario does not have.
    ValueError
        ``samples`` or ``seed`` out of range, or reserves naming an unknown district or role.
    """
    if not (isinstance(samples, int) and 1 <= samples <= MAX_SAMPLES):
        raise ValueError(f"samples must be a whole number from 1 to {MAX_SAMPLES:,}, got {samples!r}")
    if not (isinstance(seed, int) and seed >= 0):
        raise ValueError(f"seed must be a whole number 0 or more, got {seed!r}")
    if uncertainty is None:
        uncertainty = scenario_uncertainty(scenario, presets=PRESETS)
    planned = scenario
    if reserves:
        from planner.sweep.reserves import with_reserves

        planned = with_reserves(scenario, reserves)
    if client is not None:
        batch = run_samples(client, planned, uncertainty, samples=samples, seed=seed, progress=progress)
    else:
        with dask_client(workers=workers, scheduler=scheduler) as own:
            batch = run_samples(own, planned, uncertainty, samples=samples, seed=seed, progress=progress)
    return SweepResult(scenario=scenario, uncertainty=uncertainty, seed=seed, batch=batch,
                       reserves={k: int(v) for k, v in (reserves or {}).items() if v})


def write_sweep(result: SweepResult, out: str | Path, *, overwrite: bool = False, charts: bool = True,
                lang: str = "zh") -> Path:
    """samples.csv, risk.csv, summary.json and (``charts``) the three charts, written whole or not at all."""

    def write(tmp: Path) -> None:
        write_results(result, tmp)
        if charts:
            from planner.sweep.charts import write_charts

            write_charts(result, tmp, lang=lang)

    return write_folder_atomically(out, write, overwrite=overwrite)


__all__ = ["MAX_SAMPLES", "sweep", "write_sweep"]
