"""Derive the beijing-2023 scenario's tables from published totals and district figures.

Run from the project folder: ``.venv/bin/python tools/derive_beijing_2023.py``. It writes
every table of ``scenarios/beijing-2023`` from the facts in :mod:`planner.programme2023`
(published figures and the planning norms assumed where nothing is published) by the rules
below, which the scenario's ``scenario.yaml`` explains in words; a test checks that the
committed tables are exactly what this script writes.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.programme2023 import (  # noqa: E402 (the project's own package, beside this script)
    CANDIDATES,
    CANDIDATES_PER_ROOM,
    DISTRICTS_CSV,
    EXAM_SITES,
    INDUSTRIES,
    INVIGILATORS_PER_ROOM,
    ITEMS,
    OTHER_FRONTLINE,
    OUTSIDE_BEIJING,
    PARENT_PACKS,
    PARENTS_PER_CANDIDATE,
    PARENTS_PER_GENERAL_VOLUNTEER,
    SERVICE_POINTS,
    SESSIONS,
    STAFF_PACKS,
    TENT_CAPACITY,
    hamilton,
)

FOLDER = ROOT / "scenarios" / "beijing-2023"
RING_SHARE = 0.35  # points sit on a ring at this share of the district's equivalent radius
OUTSIDE_AREA_RING_KM = 3.0  # the development area has no published area: a 3 km ring


def split(total: int, weights: dict[str, float], minimum: int = 0) -> dict[str, int]:
    """:func:`hamilton` over a mapping of district to weight."""
    shares = hamilton(total, np.array(list(weights.values())), minimum)
    return dict(zip(weights, (int(n) for n in shares), strict=True))


def write(folder: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(folder / name, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(folder: Path = FOLDER) -> None:
    """Write the scenario's tables into ``folder``."""
    (folder / "districts.csv").write_text(DISTRICTS_CSV, encoding="utf-8")
    districts = list(csv.DictReader(io.StringIO(DISTRICTS_CSV)))
    beijing = {d["district_id"]: float(d["population_2020"]) for d in districts if d["population_2020"]}
    # Points: one each for the development area and Qian'an (both took part), the other 49
    # over the 16 districts in proportion to population, at least one each.
    points_per = split(SERVICE_POINTS - len(OUTSIDE_BEIJING), beijing, minimum=1)
    points_per.update(dict.fromkeys(OUTSIDE_BEIJING, 1))
    # Exam sites likewise in proportion to population; candidates too (Qian'an, outside
    # Beijing's exam, is given the Beijing rate per site).
    sites_per = split(EXAM_SITES, beijing, minimum=1)
    candidates_per = split(CANDIDATES, beijing)
    per_site = {d: candidates_per[d] / sites_per[d] for d in beijing}
    per_site["jingkai"] = per_site["daxing"]  # the development area lies within Daxing
    per_site["qianan"] = CANDIDATES / EXAM_SITES

    write(folder, "sessions.csv", ["session_id", "date", "start", "end"], [list(s) for s in SESSIONS])

    points, needs = [], []
    first_of_day = {}
    for session_id, date, _, _ in SESSIONS:
        first_of_day.setdefault(date, session_id)
    for d in districts:
        district_id, n = d["district_id"], points_per[d["district_id"]]
        lat0, lon0 = float(d["lat"]), float(d["lon"])
        area = d["area_km2"]
        ring_km = RING_SHARE * math.sqrt(float(area) / math.pi) if area else OUTSIDE_AREA_RING_KM
        candidates = per_site[district_id]
        parents = round(candidates * PARENTS_PER_CANDIDATE)
        rooms = math.ceil(candidates / CANDIDATES_PER_ROOM)
        frontline = INVIGILATORS_PER_ROOM * rooms + OTHER_FRONTLINE
        for k in range(n):
            angle = 2 * math.pi * k / n + math.pi / 4
            radius = ring_km if n > 1 else ring_km / 2
            lat = lat0 + radius * math.sin(angle) / 111.0
            lon = lon0 + radius * math.cos(angle) / (111.0 * math.cos(math.radians(lat0)))
            point_id = f"{district_id}-{k + 1:02d}"
            name = f"{d['name_zh']}第{k + 1}服务点 {d['name_en'].split(' (')[0]} point {k + 1}"
            points.append([point_id, name, district_id, f"{lat:.5f}", f"{lon:.5f}", TENT_CAPACITY, parents, frontline])
            for session_id, date, _, _ in SESSIONS:
                needs.append([point_id, session_id, "general", math.ceil(parents / PARENTS_PER_GENERAL_VOLUNTEER)])
                needs.append([point_id, session_id, "first_aid", 1])
                if first_of_day[date] == session_id:
                    needs.append([point_id, session_id, "counsellor", 1])
    columns = ["point_id", "name", "district_id", "lat", "lon", "capacity", "parents", "frontline_staff"]
    write(folder, "points.csv", columns, points)
    write(folder, "needs.csv", ["point_id", "session_id", "role", "volunteers"], needs)

    # Teams: two district-union teams per point; 30 teams of city-wide trade unions and 20
    # company teams based in the districts in proportion to population.
    names = {d["district_id"]: d["name_zh"] for d in districts}
    teams = []
    for d in districts:
        for k in range(2 * points_per[d["district_id"]]):
            size = 6 + k % 3
            teams.append([f"{d['district_id']}-u{k + 1:02d}", f"{names[d['district_id']]}总工会志愿服务队{k + 1}",
                          f"{names[d['district_id']]}总工会", d["district_id"], size, 1, 0, 2])
    by_population = sorted(beijing, key=lambda d: -beijing[d])
    for k, industry in enumerate(INDUSTRIES):
        home = by_population[k % len(by_population)]
        teams.append([f"city-{k + 1:02d}", f"{industry}系统工会志愿服务队", f"北京市{industry}系统工会",
                      home, 8, 1, 0, 2])
    companies = (
        [("eye-hospital", "眼科医院志愿服务队", "卫生健康工会", 6, 6, 0, 2)]
        + [(f"hospital-{k}", f"综合医院志愿服务队{k}", "卫生健康工会", 6, 6, 0, 2) for k in range(1, 6)]
        + [(f"counsel-{k}", f"心理咨询师志愿服务队{k}", "职工服务中心", 5, 0, 5, 3) for k in range(1, 7)]
        + [(f"driving-school-{k}", f"驾驶培训学校志愿服务队{k}", "交通运输工会", 6, 1, 0, 2) for k in range(1, 3)]
        + [(f"company-{k}", f"企业职工志愿服务队{k}", "企业工会", 6, 1, 0, 2) for k in range(1, 7)]
    )
    for k, (team_id, name, union, size, first_aid, counsellors, max_sessions) in enumerate(companies):
        home = by_population[(3 * k) % len(by_population)]
        teams.append([team_id, name, union, home, size, first_aid, counsellors, max_sessions])
    write(folder, "teams.csv", ["team_id", "name", "union", "district_id", "volunteers", "first_aid", "counsellors",
                        "max_sessions"], teams)

    # Supplies: the two packs as published; for the rest no stock was published, so the
    # stock is what the per-point norms ask for in all (shortages there come from levers).
    parents_total = sum(p[6] for p in points)
    bases = {"parent": [p[6] for p in points], "staff": [p[7] for p in points], "point": [1] * len(points)}
    published = {"parent-pack": PARENT_PACKS, "staff-pack": STAFF_PACKS}
    supplies = []
    for item, name, category, basis, per_unit in ITEMS:
        stock = published.get(item, sum(math.ceil(Fraction(per_unit) * b) for b in bases[basis]))
        supplies.append([item, name, category, stock, basis, per_unit])
    write(folder, "supplies.csv", ["item_id", "name", "category", "stock", "basis", "per_unit"], supplies)

    volunteers = sum(t[4] for t in teams)
    print(f"{len(points)} points, {len(teams)} teams, {volunteers} volunteers, {parents_total} parents per session, "
          f"{sum(n[3] for n in needs)} volunteer-sessions needed")
    print("points per area:", points_per)


if __name__ == "__main__":
    main()
