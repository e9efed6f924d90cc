"""Derive the beijing-2023 scenario's tables from published totals and district figures.

Run from the project folder: ``.venv/bin/python tools/derive_beijing_2023.py``. It reads
``scenarios/beijing-2023/districts.csv`` (2020 census populations, AMap district centres,
areas) and writes sessions, points, needs, teams and supplies. Every number is either a
published figure (PUBLISHED below, with its source) or derived from them by the rules in
this file; planning norms that no source gives are ASSUMED and named as such. The same
rules are explained in words in the scenario's ``scenario.yaml``.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "scenarios" / "beijing-2023"

# Published figures (Workers' Daily 2023-06-08; Beijing Trade Union Daily, the same week;
# Beijing Education Examinations Authority for candidates and exam sites).
PUBLISHED = {
    "service_points": 51,
    "volunteer_teams_at_least": 150,
    "volunteers_at_least": 1000,
    "parent_packs": 4000,
    "staff_packs": 1500,
    "candidates": 58000,
    "exam_sites": 100,
}
SESSIONS = [  # Beijing gaokao 2023 timetable
    ("0607-am", "2023-06-07", "09:00", "11:30"),
    ("0607-pm", "2023-06-07", "15:00", "17:00"),
    ("0608-pm", "2023-06-08", "15:00", "17:00"),
    ("0609-am", "2023-06-09", "08:00", "12:30"),
    ("0609-pm", "2023-06-09", "15:30", "17:00"),
    ("0610-am", "2023-06-10", "08:00", "12:30"),
    ("0610-pm", "2023-06-10", "15:30", "17:00"),
]
# Assumed planning norms (no source publishes them; a union planner would set their own).
CANDIDATES_PER_ROOM = 30  # the gaokao standard exam room
INVIGILATORS_PER_ROOM = 2  # the gaokao standard
OTHER_FRONTLINE_PER_SITE = 6  # police, medical and traffic staff at a site
PARENTS_PER_CANDIDATE = 0.5  # one parent waits outside for every two candidates
PARENTS_PER_GENERAL_VOLUNTEER = 80
TENT_CAPACITY = 10  # volunteers on duty at once under one service tent
RING_SHARE = 0.35  # points sit on a ring at this share of the district's equivalent radius
OUTSIDE_AREA_RING_KM = {"jingkai": 3.0}  # no published area: a 3 km ring


def hamilton(total: int, weights: dict[str, float], minimum: int = 0) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), each at least ``minimum``."""
    base = {k: minimum for k in weights}
    left = total - minimum * len(weights)
    whole = sum(weights.values())
    quotas = {k: left * w / whole for k, w in weights.items()}
    for k, q in quotas.items():
        base[k] += math.floor(q)
    rest = total - sum(base.values())
    for k in sorted(quotas, key=lambda k: (-(quotas[k] - math.floor(quotas[k])), k))[:rest]:
        base[k] += 1
    return base


def write(folder: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(folder / name, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main(folder: Path = FOLDER) -> None:
    """Write the scenario's tables into ``folder``, which holds its districts.csv."""
    with open(folder / "districts.csv", encoding="utf-8") as f:
        districts = list(csv.DictReader(f))
    beijing = {d["district_id"]: float(d["population_2020"]) for d in districts if d["population_2020"]}
    # Points: one each for the development area and Qian'an (both took part), the other 49
    # over the 16 districts in proportion to population, at least one each.
    points_per = hamilton(PUBLISHED["service_points"] - 2, beijing, minimum=1)
    points_per.update({"jingkai": 1, "qianan": 1})
    # Exam sites likewise in proportion to population; candidates too (Qian'an, outside
    # Beijing's exam, is given the Beijing rate per site).
    sites_per = hamilton(PUBLISHED["exam_sites"], beijing, minimum=1)
    candidates_per = hamilton(PUBLISHED["candidates"], beijing)
    per_site = {d: candidates_per[d] / sites_per[d] for d in beijing}
    per_site["jingkai"] = per_site["daxing"]  # the development area lies within Daxing
    per_site["qianan"] = PUBLISHED["candidates"] / PUBLISHED["exam_sites"]

    write(folder, "sessions.csv", ["session_id", "date", "start", "end"], [list(s) for s in SESSIONS])

    points, needs = [], []
    first_of_day = {}
    for session_id, date, _, _ in SESSIONS:
        first_of_day.setdefault(date, session_id)
    for d in districts:
        district_id, n = d["district_id"], points_per[d["district_id"]]
        lat0, lon0 = float(d["lat"]), float(d["lon"])
        if d["area_km2"]:
            ring_km = RING_SHARE * math.sqrt(float(d["area_km2"]) / math.pi)
        else:
            ring_km = OUTSIDE_AREA_RING_KM.get(district_id, 3.0)
        candidates = per_site[district_id]
        parents = round(candidates * PARENTS_PER_CANDIDATE)
        rooms = math.ceil(candidates / CANDIDATES_PER_ROOM)
        frontline = INVIGILATORS_PER_ROOM * rooms + OTHER_FRONTLINE_PER_SITE
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
    industries = ["教育", "交通运输", "城建", "商业服务", "金融", "邮政", "电力", "公交", "地铁", "出租汽车",
                  "环卫", "旅游", "文化", "机关", "农林", "水务", "燃气", "热力", "通信", "医药",
                  "建材", "冶金", "纺织", "食品", "化工", "机械", "电子", "航空", "铁路", "科技"]
    for k, industry in enumerate(industries):
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
    norms = [  # item, name, category, basis, per_unit (ASSUMED norms)
        ("water", "饮用水（瓶）", "basic", "parent", "2"),
        ("rest-seat", "休息座椅", "basic", "point", "20"),
        ("medicine-kit", "常用药品箱", "emergency", "point", "1"),
        ("heat-relief", "防暑降温用品（份）", "emergency", "parent", "0.2"),
        ("raincoat", "雨衣", "emergency", "parent", "0.1"),
        ("book", "图书", "leisure", "point", "30"),
        ("stress-toy", "解压玩具", "leisure", "parent", "0.2"),
        ("blessing-card", "祝福卡片", "emotional", "parent", "1"),
    ]
    supplies = [
        ["parent-pack", "家长陪伴包（扇子、冰凉贴、解压玩具）", "pack", PUBLISHED["parent_packs"], "parent", "1"],
        ["staff-pack", "一线职工暖心包（感谢卡、雨衣）", "pack", PUBLISHED["staff_packs"], "staff", "1"],
    ]
    bases = {"parent": [p[6] for p in points], "staff": [p[7] for p in points], "point": [1] * len(points)}
    for item, name, category, basis, per_unit in norms:
        stock = sum(math.ceil(float(per_unit) * b - 1e-9) for b in bases[basis])
        supplies.append([item, name, category, stock, basis, per_unit])
    write(folder, "supplies.csv", ["item_id", "name", "category", "stock", "basis", "per_unit"], supplies)

    volunteers = sum(t[4] for t in teams)
    print(f"{len(points)} points, {len(teams)} teams, {volunteers} volunteers, {parents_total} parents per session, "
          f"{sum(n[3] for n in needs)} volunteer-sessions needed")
    print("points per area:", points_per)


if __name__ == "__main__":
    main()
