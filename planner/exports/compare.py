"""Options side by side: two to four variants of a scenario, their figures and differences.

A variant is a name and its levers; :func:`plan_variants` solves them all on one warm
model. The tables compare headline figures and district coverage, each against the first
variant, and :func:`write_comparison` puts both on one sheet of a workbook.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from planner.io.scenario import Scenario
from planner.io.settings import ROLES
from planner.io.xlsx import Percent, save_workbook, write_sheet
from planner.labels import label
from planner.results.headline import headline
from planner.results.plan import Plan
from planner.results.solving import LivePlanner

MIN_VARIANTS, MAX_VARIANTS = 2, 4


def _check_count(count: int) -> None:
    if not MIN_VARIANTS <= count <= MAX_VARIANTS:
        raise ValueError(f"compare {MIN_VARIANTS} to {MAX_VARIANTS} options, got {count}")


def plan_variants(scenario: Scenario | LivePlanner, variants: Mapping[str, Mapping[str, Any]]) -> dict[str, Plan]:
    """Solve each variant (name -> keyword levers of :func:`planner.solve`), in order.

    Raises
    ------
    ValueError
        Fewer than two or more than four variants, or a lever out of range (naming the variant).
    """
    _check_count(len(variants))
    live = scenario if isinstance(scenario, LivePlanner) else LivePlanner(scenario)
    plans = {}
    for name, levers in variants.items():
        try:
            plans[name] = live.plan(**levers)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"option {name!r}: {exc}") from exc
    return plans


def compare_figures(plans: Mapping[str, Plan], lang: str = "zh") -> pd.DataFrame:
    """Headline figures (rows) of each option (columns), and each option's difference from the first.

    Columns: ``figure``, one per option, then :func:`difference_header` of the others (short:
    "<option>−基准", the first option's name is not repeated). Coverage figures are
    percentages (one decimal), their differences percentage points.
    """
    _check_count(len(plans))
    word = lambda key: label(key, lang)  # noqa: E731
    rows: list[tuple[str, Any]] = [
        ("h_coverage", lambda h: round(100 * h.coverage, 1)),
        ("needed", lambda h: h.needed), ("assigned", lambda h: h.assigned), ("unmet", lambda h: h.unmet),
        *[(role, (lambda h, r=role: h.unmet_by_role[r])) for role in ROLES],
        ("h_packs", lambda h: h.packs_distributed),
        ("h_worst", lambda h: round(100 * h.worst_coverage, 1)),
        ("h_travel", lambda h: round(h.average_travel_km, 2)),
    ]
    names = {"h_coverage": f"{word('h_coverage')} %", "h_worst": f"{word('h_worst')} %",
             "h_travel": f"{word('h_travel')} ({word('km')})", **{r: f"{word('unmet')}: {word(r)}" for r in ROLES}}
    heads = {name: headline(plan) for name, plan in plans.items()}
    table = pd.DataFrame({"figure": [names.get(key, word(key)) for key, _ in rows]})
    for name, h in heads.items():
        table[name] = [get(h) for _, get in rows]
    first = next(iter(plans))
    for name in list(plans)[1:]:
        table[difference_header(name, lang)] = (table[name] - table[first]).round(2)
    worst = [("", *[f"{h.worst_name_zh if lang == 'zh' else h.worst_name_en}" for h in heads.values()],
              *[""] * (len(plans) - 1))]
    extra = pd.DataFrame(worst, columns=table.columns)
    extra.loc[0, "figure"] = word("h_worst")
    return pd.concat([table, extra], ignore_index=True)


def compare_districts(plans: Mapping[str, Plan], lang: str = "zh") -> pd.DataFrame:
    """Coverage (%) of each district with needs under each option, and the differences from the first."""
    _check_count(len(plans))
    first_plan = next(iter(plans.values()))
    names = first_plan.scenario.districts.set_index("district_id")["name_zh" if lang == "zh" else "name_en"]
    tables = {name: plan.by_district().set_index("district_id") for name, plan in plans.items()}
    with_needs = set().union(*(t.index[t["needed"] > 0] for t in tables.values()))
    needy = [d for d in first_plan.scenario.districts["district_id"] if d in with_needs]
    out = pd.DataFrame({"district_id": needy, "district": names.reindex(needy).to_numpy()})
    for name, table in tables.items():
        out[name] = (100 * table["coverage"].reindex(needy)).round(1).to_numpy()
    first = next(iter(plans))
    for name in list(plans)[1:]:
        out[difference_header(name, lang)] = (out[name] - out[first]).round(1)
    return out


def difference_header(name: str, lang: str = "zh") -> str:
    """The header of an option's differences from the first (the baseline): ``少20%−基准``."""
    return label("cmp_diff", lang).format(name=name)


def comparison_sheet(plans: Mapping[str, Plan], lang: str = "zh") -> pd.DataFrame:
    """Both comparisons on one sheet: the figures, a blank row, then the districts.

    Coverage is written as a share with a percentage format (91.3% in Excel, 0.913 to a
    reader); its differences stay in percentage points.
    """
    figures = compare_figures(plans, lang)
    shares = figures["figure"].isin([f"{label('h_coverage', lang)} %", f"{label('h_worst', lang)} %"])
    figures = _as_percent(figures, list(plans), shares).rename(columns={"figure": label("figure", lang)})
    districts = compare_districts(plans, lang).drop(columns="district_id")
    districts = _as_percent(districts, list(plans), pd.Series(True, index=districts.index)).rename(
        columns={"district": label("district", lang)})
    districts.columns = figures.columns[:len(districts.columns)]
    header = pd.DataFrame([[f"{label('coverage', lang)} % ({label('district', lang)})",
                            *[""] * (len(figures.columns) - 1)]], columns=figures.columns)
    blank = pd.DataFrame([[""] * len(figures.columns)], columns=figures.columns)
    return pd.concat([figures, blank, header, districts], ignore_index=True)


def _as_percent(table: pd.DataFrame, columns: list[str], rows: pd.Series) -> pd.DataFrame:
    """``table`` with the percentages of ``columns`` in ``rows`` as :class:`Percent` shares."""
    out = table.astype({c: object for c in columns})
    for column in columns:
        out.loc[rows, column] = [Percent(v / 100) if isinstance(v, int | float) else v
                                 for v in table.loc[rows, column]]
    return out


def write_comparison(plans: Mapping[str, Plan], path: str | Path, *, lang: str = "zh") -> Path:
    """Write :func:`comparison_sheet` as a one-sheet workbook."""
    path = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = label("file_comparison", lang)[:31]
    write_sheet(sheet, comparison_sheet(plans, lang), lang)
    save_workbook(workbook, path)
    return path


__all__ = ["compare_districts", "compare_figures", "comparison_sheet", "difference_header", "plan_variants",
           "write_comparison"]
