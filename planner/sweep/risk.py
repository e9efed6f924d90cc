"""A sweep's results as files: samples.csv, risk.csv and summary.json (contract version 2).

* ``samples.csv``: sample, needed, assigned, unmet_general, unmet_first_aid,
  unmet_counsellor, coverage (the contract's), then ``absent`` (person-sessions of people
  free but not there) and ``weather`` (the preset of each exam day that had one,
  ``2023-06-09 rain``, ``;``-separated).
* ``risk.csv``: point_id, session_id, role, needed (as the scenario says, before weather),
  p_short (the share of samples in which that need, as the sample's weather made it, was not
  fully met) and expected_missing (the mean of what was missing), then the point's
  ``district_id``.
* ``summary.json``: samples, seed, coverage_p05, coverage_p50, coverage_p95 (numpy's linear
  percentiles of the samples' coverage), then the uncertainty drawn, the mean coverage, the
  share of samples that filled every need of each role (``p_all_filled``), and ``reserves``
  when reserves were added.

Every figure is computed from whole numbers in sample order and written rounded to 6
decimals, so the same samples give the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.io.textfiles import write_csv
from planner.io.uncertainty import Uncertainty
from planner.sweep.engine import TOTALS, Batch

SAMPLE_COLUMNS = ["sample", "needed", "assigned", "unmet_general", "unmet_first_aid", "unmet_counsellor",
                  "coverage", "absent", "weather"]
RISK_COLUMNS = ["point_id", "session_id", "role", "needed", "p_short", "expected_missing", "district_id"]
DIGITS = 6


@dataclass(frozen=True)
class SweepResult:
    """Every sample of a sweep, re-planned.

    Attributes
    ----------
    scenario : Scenario
    uncertainty : Uncertainty
    seed : int
    batch : Batch
        The samples' results in sample order (planner/sweep/engine.py).
    reserves : mapping of (district_id, role) to int
        Standby volunteers added to the scenario for this sweep (planner/sweep/reserves.py).
    """

    scenario: Scenario
    uncertainty: Uncertainty
    seed: int
    batch: Batch
    reserves: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return len(self.batch.index)

    def totals(self) -> pd.DataFrame:
        """samples.csv as a table."""
        t = pd.DataFrame(self.batch.totals, columns=list(TOTALS))
        coverage = np.where(t["needed"] > 0, t["assigned"] / t["needed"].clip(lower=1), 1.0)
        days = list(dict.fromkeys(self.scenario.sessions["date"]))
        weather = [";".join(f"{day} {w}" for day, w in zip(days, sample, strict=True) if w != "none")
                   for sample in self.batch.weather]
        return pd.DataFrame({
            "sample": np.arange(self.samples), "needed": t["needed"], "assigned": t["assigned"],
            **{f"unmet_{r}": t[f"unmet_{r}"] for r in ROLES}, "coverage": coverage.round(DIGITS),
            "absent": t["absent"], "weather": weather,
        })[SAMPLE_COLUMNS]

    def risk(self) -> pd.DataFrame:
        """risk.csv as a table: one row per need of the scenario, in the scenario's order."""
        needs = self.scenario.needs
        missing = self.batch.missing
        n = max(self.samples, 1)
        short = (missing > 0).sum(axis=0)
        points = self.scenario.points.set_index("point_id")["district_id"]
        return pd.DataFrame({
            "point_id": needs["point_id"].to_numpy(), "session_id": needs["session_id"].to_numpy(),
            "role": needs["role"].to_numpy(), "needed": needs["volunteers"].to_numpy(dtype="int64"),
            "p_short": (short / n).round(DIGITS),
            "expected_missing": (missing.sum(axis=0, dtype="int64") / n).round(DIGITS),
            "district_id": points.reindex(needs["point_id"]).to_numpy(),
        })[RISK_COLUMNS]

    def all_filled(self, role: str) -> np.ndarray:
        """Per sample, whether every need of ``role`` was fully met."""
        return self.batch.totals[:, TOTALS.index(f"unmet_{role}")] == 0

    def summary(self) -> dict[str, Any]:
        coverage = self.totals()["coverage"].to_numpy()
        p05, p50, p95 = (np.percentile(coverage, [5, 50, 95]) if len(coverage) else (1.0, 1.0, 1.0))
        u = self.uncertainty
        out: dict[str, Any] = {
            "scenario": self.scenario.name, "samples": self.samples, "seed": self.seed,
            "coverage_p05": round(float(p05), DIGITS), "coverage_p50": round(float(p50), DIGITS),
            "coverage_p95": round(float(p95), DIGITS),
            "coverage_mean": round(float(coverage.mean()) if len(coverage) else 1.0, DIGITS),
            "p_all_filled": {r: round(float(self.all_filled(r).mean()) if self.samples else 1.0, DIGITS)
                             for r in ROLES},
            "uncertainty": {"show_up": u.show_up, "team_show_up": dict(sorted(u.team_show_up.items())),
                            "weather": {d: dict(sorted(p.items())) for d, p in sorted(u.weather.items())}},
            "whole_numbers_by_integers": self.batch.integer_solves,
        }
        if self.reserves:
            out["reserves"] = [{"district_id": d, "role": r, "volunteers": n}
                               for (d, r), n in sorted(self.reserves.items())]
        return out


def write_results(result: SweepResult, folder: Path) -> None:
    """samples.csv, risk.csv and summary.json into ``folder`` (an empty, new folder)."""
    samples = result.totals()
    write_csv(folder / "samples.csv", SAMPLE_COLUMNS, _rows(samples))
    risk = result.risk()
    write_csv(folder / "risk.csv", RISK_COLUMNS, _rows(risk))
    text = json.dumps(result.summary(), ensure_ascii=False, indent=2) + "\n"
    (folder / "summary.json").write_text(text, encoding="utf-8")


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    return [[v.item() if hasattr(v, "item") else v for v in row] for row in frame.itertuples(index=False)]


__all__ = ["RISK_COLUMNS", "SAMPLE_COLUMNS", "SweepResult", "write_results"]
