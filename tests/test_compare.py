"""Options side by side: figures, district differences, and the comparison as one sheet."""

from __future__ import annotations

import openpyxl
import pytest

from planner import LivePlanner, load_scenario
from planner.exports.compare import (
    compare_districts,
    compare_figures,
    comparison_sheet,
    plan_variants,
    write_comparison,
)
from planner.results.headline import headline

from .conftest import SCENARIOS

VARIANTS = {
    "现状": {},
    "少20%": {"availability": 0.8},
    "多500包": {"stock": {"parent-pack": 4500}},
}


@pytest.fixture(scope="module")
def plans(beijing):
    return plan_variants(LivePlanner(beijing), VARIANTS)


def test_variants_are_solved_in_order(plans):
    assert list(plans) == list(VARIANTS)
    assert plans["少20%"].levers.availability == 0.8
    assert plans["少20%"].summary["coverage"] < plans["现状"].summary["coverage"]
    assert (plans["多500包"].summary["supplies"]["parent-pack"]["distributed"]
            == plans["现状"].summary["supplies"]["parent-pack"]["distributed"] + 500)


def test_two_to_four_options():
    scenario = load_scenario(SCENARIOS / "demo-small")
    with pytest.raises(ValueError, match="compare 2 to 4 options, got 1"):
        plan_variants(scenario, {"a": {}})
    with pytest.raises(ValueError, match="compare 2 to 4 options, got 5"):
        plan_variants(scenario, {str(k): {} for k in range(5)})
    with pytest.raises(ValueError, match="option 'bad': availability must be"):
        plan_variants(scenario, {"good": {}, "bad": {"availability": -1}})


def test_figures_and_their_differences(plans):
    table = compare_figures(plans, "en").set_index("figure")
    heads = {name: headline(plan) for name, plan in plans.items()}
    assert table.at["Coverage %", "现状"] == round(100 * heads["现状"].coverage, 1)
    assert table.at["Unmet", "少20%"] == heads["少20%"].unmet
    assert table.at["Unmet", "少20% − base"] == heads["少20%"].unmet - heads["现状"].unmet
    assert table.at["Packs handed out", "多500包 − base"] == 500
    assert table.at["Unmet: Counsellor", "现状"] == heads["现状"].unmet_by_role["counsellor"]
    names = table.loc["Worst-covered district"]
    assert names["现状"] == heads["现状"].worst_name_en


def test_district_coverage_side_by_side(plans):
    table = compare_districts(plans, "zh").set_index("district_id")
    base = plans["现状"].by_district().set_index("district_id")
    assert table.at["haidian", "district"] == "海淀区"
    assert table.at["haidian", "现状"] == round(100 * base.at["haidian", "coverage"], 1)
    assert (table["少20%−基准"] <= 0).all()  # fewer volunteers never help a district
    assert (table["多500包−基准"] == 0).all()  # packs do not staff anyone


def test_comparison_as_one_sheet(plans, tmp_path):
    sheet = comparison_sheet(plans, "zh")
    path = write_comparison(plans, tmp_path / "compare.xlsx", lang="zh")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["方案对比表"]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == len(sheet) + 1
    assert rows[0][:4] == ("指标", "现状", "少20%", "多500包")
    labels = [r[0] for r in rows]
    assert "保障率 %" in labels and "海淀区" in labels
    # Coverage reads as a percentage in Excel: a share with a percentage format, not 91.3 or 0.913...
    coverage = next(r for r in workbook.active.iter_rows(min_row=2) if r[0].value == "保障率 %")
    assert coverage[1].number_format == "0.0%"
    assert coverage[1].value == pytest.approx(plans["现状"].summary["coverage"], abs=0.0006)
    haidian = next(r for r in workbook.active.iter_rows(min_row=2) if r[0].value == "海淀区")
    assert haidian[1].number_format == "0.0%" and 0 < haidian[1].value <= 1
    assert labels.index("海淀区") > labels.index("保障率 %")
