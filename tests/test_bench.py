"""The benchmark's pieces on the small demo scenario: the same LP for HiGHS alone, the report."""

from __future__ import annotations

import pytest

from planner.bench import END, START, Size, child_highs, child_live, child_solve, tables, targets, write_report

from .conftest import DEMO


def test_highs_alone_solves_the_very_lp_the_planner_built(tmp_path):
    steps = child_solve(str(DEMO), str(tmp_path / "demo.mps"))
    alone = child_highs(str(tmp_path / "demo.mps"), 2)
    assert steps["status"] == "optimal"
    assert alone["highs_objective"] == pytest.approx(steps["objective"], abs=1e-6)
    assert steps["total"] == pytest.approx(steps["build"] + steps["solve"] + steps["extract"])
    assert steps["peak_mb"] > 0 and len(alone["highs_runs"]) == 2


def test_re_solves_are_timed_for_every_lever_change():
    live = child_live(str(DEMO), 1)
    assert live["count"] == len(live["by_change"]) == len(live["first"]) == 12
    assert {"farthest travel 25 km", "farthest travel 50 km"} <= set(live["by_change"])  # a new reach too
    assert 0 < live["median"] <= live["max"]


def figures(scale: int, total: float, highs: float, wall: float, peak: float) -> dict[str, object]:
    return {"points": 51 * scale, "teams": 150 * scale, "columns": 10_000 * scale, "rows": 3_000 * scale,
            "nonzeros": 25_000 * scale, "arrays": 0.1 * total, "pulp": 0.3 * total, "build": 0.4 * total,
            "solve": 0.55 * total, "extract": 0.05 * total, "total": total, "highs": highs, "ratio": total / highs,
            "cli_wall": wall, "peak_mb": peak, "cli_peak_mb": peak, "checker": "0 violations", "runs": 1,
            "load_before": "0.1", "load_after": "0.2", "load": 0.05, "whole_numbers_by": "LP optimum already whole",
            "coverage": 0.95, "assigned": 1840, "team_sessions_split": 52, "pieces": 561, "single_pieces": 183,
            "team_points": 253, "same_point_share": 0.74, "together": 0.3 * total,
            "counsellor_spread": {"districts": 16, "low": 0.42, "high": 0.5, "out_of_reach": ["qianan", "yanqing"]}}


def test_targets_say_which_hold():
    sizes = [Size("beijing-2023", 1, DEMO, figures(1, 0.12, 0.06, 1.2, 120)),
             Size("x10", 10, DEMO, figures(10, 1.7, 1.1, 11.0, 360))]
    live = {"median": 0.03, "max": 0.05, "cold": 0.1, "count": 30, "rounds": 3, "label": "beijing-2023",
            "by_change": {"availability 0.9": 0.03}, "first": {"availability 0.9": 0.04},
            "steps": {"build": 0.001, "solve": 0.02, "extract": 0.005},
            "others": []}
    text = targets(sizes, live)
    assert "| default scenario: re-solve after a lever change, median at most 50 ms | median 30 ms, max 50 ms | yes |" \
        in text
    assert "| beijing-2023: `planner solve` under 3.00 s and 1.5 GB | 1.20 s, 0.12 GB | yes |" in text
    assert "| beijing-2023: 1,840 volunteer-sessions still filled | 1,840 | yes |" in text
    assert "| beijing-2023: at most 560 (team, point, session) pieces | 561 | **no** |" in text
    assert "| beijing-2023: at most 60 split team-sessions | 52 | yes |" in text
    assert "| beijing-2023: at least 60% of a team's consecutive sessions at the same point | 74% | yes |" in text
    assert ("| beijing-2023: counsellor coverage of every district within reach of a counsellor team within 20 "
            "percentage points | 42% to 50% over 16 districts (out of reach: qianan, yanqing) | yes |") in text
    # 10x: keeping together 0.3 x 1.7 s = 510 ms against the LP's solve, 0.55 x 1.7 s = 935 ms
    assert "| x10: keeping teams together at most 0.5 x the LP's solve | 510 ms / 935 ms = 0.55 | **no** |" in text
    assert "| x10: `planner solve` under 10.00 s and 1.5 GB | 11.00 s, 0.35 GB | **no** |" in text
    assert "| beijing-2023: build + solve + extract at most 2 x HiGHS alone | 120 ms / 60 ms = 2.00 | yes |" in text
    table = tables(sizes, live)
    assert table.count("\n| beijing-2023 |") == 2 and "- total: 1.15" in table
    assert "| availability 0.9 | 30 ms | 40 ms |" in table


def test_report_replaces_only_its_block(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(f"# Performance\n\nWritten by hand.\n\n{START}\nold\n{END}\n\n## Later\nkept\n", encoding="utf-8")
    write_report(page, "new figures")
    text = page.read_text(encoding="utf-8")
    assert f"{START}\nnew figures\n{END}" in text
    assert "Written by hand." in text and "## Later\nkept" in text and "old" not in text
    fresh = tmp_path / "fresh.md"
    write_report(fresh, "first")
    assert fresh.read_text(encoding="utf-8").startswith("# Performance") and START in fresh.read_text(encoding="utf-8")
