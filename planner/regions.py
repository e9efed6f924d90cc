"""National-like scenarios: many Beijing-like regions far apart, for benchmarks of independent parts.

``generate_regions(5, 10)`` is ten regions, each :func:`planner.generate.generate_files` of
scale 5 with its own seed (``seed + region - 1``), ids prefixed ``r01-`` ... and names
``区域1 `` ..., moved on a grid 3 degrees of latitude and 4 of longitude apart (330 km and
more between regions, far beyond the 35 km teams travel), so no team of one region reaches a
point of another: each region is an independent part (planner/results/parts.py). The
sessions are the same for all; the supplies are the same ten items, their stock the regions'
stocks added up (shared over the whole scenario, as one programme's stores are).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from planner.generate import GeneratedFiles, _csv, generate_files
from planner.io.checks import build_scenario
from planner.io.scenario import Scenario
from planner.io.textfiles import write_folder_atomically

MAX_REGIONS = 100
ROW_REGIONS = 5  # regions per row of the grid
LAT_STEP, LON_STEP = 3.0, 4.0
ID_COLUMNS = {"districts.csv": ("district_id",), "points.csv": ("point_id", "district_id"),
              "teams.csv": ("team_id", "district_id"), "needs.csv": ("point_id",),
              "availability.csv": ("team_id",)}
NAME_COLUMNS = {"districts.csv": ("name_zh", "name_en"), "points.csv": ("name",), "teams.csv": ("name",)}


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def generate_regions(scale: int, regions: int, *, seed: int = 0) -> GeneratedFiles:
    """The files of ``regions`` Beijing-like regions of ``scale`` each (see the module).

    Raises
    ------
    ValueError
        ``regions`` below 1 or above :data:`MAX_REGIONS`, or what :func:`generate_files` refuses.
    """
    if not (isinstance(regions, int) and 1 <= regions <= MAX_REGIONS):
        raise ValueError(f"regions must be a whole number from 1 to {MAX_REGIONS}, got {regions!r}")
    tables: dict[str, tuple[list[str], list[list[object]]]] = {}
    stock: dict[str, int] = {}
    supplies_header: list[str] = []
    supplies: list[dict[str, str]] = []
    for r in range(regions):
        files = generate_files(scale, seed=seed + r).files
        prefix, lat_shift, lon_shift = f"r{r + 1:02d}-", LAT_STEP * (r // ROW_REGIONS), LON_STEP * (r % ROW_REGIONS)
        for name, columns in ID_COLUMNS.items():
            header, rows = _rows(files[name])
            for row in rows:
                for column in columns:
                    row[column] = prefix + row[column]
                for column in NAME_COLUMNS.get(name, ()):
                    row[column] = (f"区域{r + 1} " if column != "name_en" else f"Region {r + 1} ") + row[column]
                if "lat" in row:
                    row["lat"] = f"{float(row['lat']) + lat_shift:.6f}"
                    row["lon"] = f"{float(row['lon']) + lon_shift:.6f}"
            table = tables.setdefault(name, (header, []))
            table[1].extend([row[c] for c in header] for row in rows)
        supplies_header, supplies = _rows(files["supplies.csv"])
        for row in supplies:
            stock[row["item_id"]] = stock.get(row["item_id"], 0) + int(row["stock"])
    for row in supplies:
        row["stock"] = str(stock[row["item_id"]])
    first = generate_files(scale, seed=seed).files
    out = {
        "scenario.yaml": _yaml(scale, regions, seed, first["scenario.yaml"]),
        "districts.csv": _csv(*tables["districts.csv"]),
        "sessions.csv": first["sessions.csv"],
        "points.csv": _csv(*tables["points.csv"]),
        "teams.csv": _csv(*tables["teams.csv"]),
        "supplies.csv": _csv(supplies_header, [[row[c] for c in supplies_header] for row in supplies]),
        "needs.csv": _csv(*tables["needs.csv"]),
        "availability.csv": _csv(*tables["availability.csv"]),
    }
    return GeneratedFiles(out)


def _yaml(scale: int, regions: int, seed: int, region_yaml: str) -> str:
    settings = region_yaml[region_yaml.index("settings:"):]
    return f"""\
name: Beijing-like x{scale} in {regions} regions (generated, seed {seed})
description: |
  {regions} generated regions, each a Beijing-like scenario {scale} times the 2023 programme
  (planner generate --scale {scale} --regions {regions} --seed {seed}; rules in planner/generate.py
  and planner/regions.py): region k is the generated scenario of seed {seed} + k - 1, its ids
  prefixed rNN-, moved on a grid 3 degrees of latitude and 4 of longitude apart, so no team
  reaches another region. The supplies' stock is the regions' stocks added up.
  Not real data: for benchmarks of independent parts.
sources:
  - "Workers' Daily (工人日报), 2023-06-08: the 2023 programme that each region scales up"
  - "Population: 2020 census via citypopulation.de (Beijing page); centres: AMap district centres"
{settings}"""


def generate_regions_scenario(scale: int, regions: int, *, seed: int = 0) -> Scenario:
    """:func:`generate_regions`, checked like a loaded scenario."""
    generated = generate_regions(scale, regions, seed=seed)
    return build_scenario(generated.files["scenario.yaml"], generated.raw_tables(),
                          source=f"generated x{scale} in {regions} regions seed {seed}")


def write_regions(scale: int, regions: int, folder: str | Path, *, seed: int = 0, overwrite: bool = False) -> Path:
    """Write :func:`generate_regions` as a scenario folder (whole or not at all)."""
    generated = generate_regions(scale, regions, seed=seed)

    def write(tmp: Path) -> None:
        for file, text in generated.files.items():
            (tmp / file).write_text(text, encoding="utf-8", newline="")

    return write_folder_atomically(folder, write, overwrite=overwrite)


__all__ = ["MAX_REGIONS", "generate_regions", "generate_regions_scenario", "write_regions"]
