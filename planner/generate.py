"""Beijing-like scenarios at any scale, for benchmarks and demonstrations.

``generate_scenario(10)`` is the 2023 programme ten times over: 510 points, 1,500 teams, the
same seven sessions and 18 areas, spread like the real programme and deterministic for a
seed. The rules follow ``tools/derive_beijing_2023.py`` (how the default scenario is derived
from published totals), with a seeded spread where the default scenario uses one figure:

* **Points**: ``N`` each for the development area and Qian'an, the other ``49 N`` over the 16
  districts in proportion to the 2020 census (largest remainder, at least ``N`` each), placed
  at random in a disc round the district centre (0.6 x the radius of a disc of the
  district's area; 3 km for the development area, which has no published area).
* **Parents** per point: the district's candidates per exam site (58,000 N candidates at
  100 N sites, shared by population) x 0.5 parents per candidate x a spread of 0.75 to 1.25;
  **front-line staff**: 2 invigilators per room of 30 plus 6. **Capacity** 8, 10 or 12.
* **Needs** (needs.csv): general ``ceil(parents / 80)`` in every session, one first-aider
  per point and session, one counsellor per point in the first session of each exam day.
* **Teams** (150 N): two district-union teams per point (5 to 9 members, one or two
  first-aiders, now and then a counsellor); 30 N teams of city-wide industry unions;
  6 N hospital teams (every member a first-aider); 6 N counsellor teams (up to 3 sessions
  each); 2 N driving-school and 4 N company teams. Teams not of a district union are based in
  the 16 districts drawn by population. Members serve at most 2 sessions (some 3).
* **Availability** (availability.csv): about 40% of teams have members busy in some
  sessions (each member busy with a team's own chance of 10% to 40%, company and industry
  teams more on weekdays); those teams are listed for all seven sessions.
* **Supplies**: the ten items of beijing-2023 in all five categories: 4,000 N parent packs,
  1,500 N staff packs, and for every other item 85% to 100% of what the points want.
* ``settings.max_travel_km`` 35, like beijing-2023.

The folder is written as text the generator formats itself, so the same scale and seed
give byte-identical files; :func:`generate_scenario` checks those very tables with the
loader's own rules, so a generated scenario always passes ``planner check``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from planner.io.checks import build_scenario
from planner.io.scenario import Scenario
from planner.io.textfiles import RawTable, parse_csv, write_folder_atomically
from planner.programme2023 import (
    CANDIDATES,
    CANDIDATES_PER_ROOM,
    DISTRICTS_CSV,
    EXAM_SITES,
    INDUSTRIES,
    INVIGILATORS_PER_ROOM,
    ITEMS,
    MAX_TRAVEL_KM,
    OTHER_FRONTLINE,
    OUTSIDE_BEIJING,
    PARENT_PACKS,
    PARENTS_PER_CANDIDATE,
    PARENTS_PER_GENERAL_VOLUNTEER,
    SERVICE_POINTS,
    SESSIONS,
    STAFF_PACKS,
    WEEKEND,
    hamilton,
)

# The largest scale: 51,000 points and 150,000 teams, far beyond any city (and already minutes to write).
MAX_SCALE = 1_000
POINT_DISC_SHARE = 0.6  # points lie within this share of the district's equivalent radius
DEFAULT_DISC_KM = 3.0  # the development area has no published area

# Company teams per scale: kind, name, union, how many, (fewest, most) members, all first-aiders,
# all counsellors, most sessions per member.
COMPANY_TEAMS = (
    ("eye-hospital", "眼科医院志愿服务队", "卫生健康工会", 1, (5, 8), True, False, 2),
    ("hospital", "综合医院志愿服务队", "卫生健康工会", 5, (5, 8), True, False, 2),
    ("counsel", "心理咨询师志愿服务队", "职工服务中心", 6, (4, 6), False, True, 3),
    ("driving-school", "驾驶培训学校志愿服务队", "交通运输工会", 2, (5, 8), False, False, 2),
    ("company", "企业职工志愿服务队", "企业工会", 4, (5, 8), False, False, 2),
)
TEAM_COLUMNS = ["team_id", "name", "union", "district_id", "volunteers", "first_aid", "counsellors", "max_sessions"]


@dataclass(frozen=True)
class GeneratedFiles:
    """A generated scenario as the text of its files, in the order they are written."""

    files: dict[str, str]

    def raw_tables(self) -> dict[str, RawTable | None]:
        """The CSV files parsed as the loader parses them."""
        raw: dict[str, RawTable | None] = {}
        for file, text in self.files.items():
            if file.endswith(".csv"):
                raw[file.removesuffix(".csv")], problems = parse_csv(text, file)
                if problems:
                    raise AssertionError(f"the generator wrote bad CSV: {problems}")
        return raw


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _width(count: int) -> int:
    return max(2, len(str(count)))


def generate_files(scale: int, *, seed: int = 0) -> GeneratedFiles:
    """The files of a Beijing-like scenario ``scale`` times the 2023 programme.

    Parameters
    ----------
    scale : int
        1 to :data:`MAX_SCALE`: 51 x scale points, 150 x scale teams.
    seed : int
        The same scale and seed give the same files, byte for byte.

    Returns
    -------
    GeneratedFiles

    Raises
    ------
    ValueError
        ``scale`` below 1 or above :data:`MAX_SCALE`, or ``seed`` negative.
    """
    if not (isinstance(scale, int) and 1 <= scale <= MAX_SCALE):
        raise ValueError(f"scale must be a whole number from 1 to {MAX_SCALE:,}, got {scale!r}")
    if not (isinstance(seed, int) and seed >= 0):
        raise ValueError(f"seed must be a whole number 0 or more, got {seed!r}")
    rng = np.random.default_rng([seed, scale])
    districts = list(csv.DictReader(io.StringIO(DISTRICTS_CSV)))
    ids = [d["district_id"] for d in districts]
    in_beijing = np.array([d not in OUTSIDE_BEIJING for d in ids])
    population = np.array([float(d["population_2020"] or 0) for d in districts])
    beijing_weights = population[in_beijing]

    # Points per area, and candidates per exam site (Qian'an, outside Beijing's exam, gets the
    # Beijing average; the development area, within Daxing, Daxing's figure).
    points_per = np.full(len(ids), scale, dtype="int64")
    points_per[in_beijing] = hamilton((SERVICE_POINTS - len(OUTSIDE_BEIJING)) * scale, beijing_weights,
                                       minimum=scale)
    per_site = np.full(len(ids), CANDIDATES / EXAM_SITES)
    per_site[in_beijing] = (hamilton(CANDIDATES * scale, beijing_weights)
                            / hamilton(EXAM_SITES * scale, beijing_weights, minimum=1))
    per_site[ids.index("jingkai")] = per_site[ids.index("daxing")]

    first_of_day: dict[str, str] = {}
    for session_id, date, _, _ in SESSIONS:
        first_of_day.setdefault(date, session_id)
    point_rows: list[list[object]] = []
    need_rows: list[list[object]] = []
    needed = 0
    for n, d in enumerate(districts):
        count = int(points_per[n])
        area = float(d["area_km2"]) if d["area_km2"] else None
        disc_km = POINT_DISC_SHARE * math.sqrt(area / math.pi) if area else DEFAULT_DISC_KM
        radius = disc_km * np.sqrt(rng.random(count))
        angle = 2 * math.pi * rng.random(count)
        lat0, lon0 = float(d["lat"]), float(d["lon"])
        lat = lat0 + radius * np.sin(angle) / 111.0
        lon = lon0 + radius * np.cos(angle) / (111.0 * math.cos(math.radians(lat0)))
        candidates = per_site[n] * rng.uniform(0.75, 1.25, count)
        parents = np.rint(candidates * PARENTS_PER_CANDIDATE).astype("int64")
        frontline = INVIGILATORS_PER_ROOM * np.ceil(candidates / CANDIDATES_PER_ROOM).astype("int64") + OTHER_FRONTLINE
        capacity = rng.choice([8, 10, 10, 10, 12], count)
        short_en = d["name_en"].split(" (")[0]
        for k in range(count):
            point_id = f"{d['district_id']}-{k + 1:0{_width(count)}d}"
            point_rows.append([point_id, f"{d['name_zh']}第{k + 1}服务点 {short_en} point {k + 1}", d["district_id"],
                               f"{lat[k]:.5f}", f"{lon[k]:.5f}", int(capacity[k]), int(parents[k]), int(frontline[k])])
            general = -(-int(parents[k]) // PARENTS_PER_GENERAL_VOLUNTEER)
            for session_id, date, _, _ in SESSIONS:
                need_rows.append([point_id, session_id, "general", general])
                need_rows.append([point_id, session_id, "first_aid", 1])
                needed += general + 1
                if first_of_day[date] == session_id:
                    need_rows.append([point_id, session_id, "counsellor", 1])
                    needed += 1

    # Teams: two district-union teams per point, then city-wide and company teams based in
    # the 16 districts drawn by population.
    team_rows: list[list[object]] = []
    busy_more_on_weekdays: list[bool] = []
    for n, d in enumerate(districts):
        count = 2 * int(points_per[n])
        size = rng.integers(5, 10, count)
        first_aid = 1 + (rng.random(count) < 0.3)
        counsellors = (rng.random(count) < 0.1).astype("int64")
        max_sessions = 2 + (rng.random(count) < 0.2)
        for k in range(count):
            team_id = f"{d['district_id']}-u{k + 1:0{_width(count)}d}"
            team_rows.append([team_id, f"{d['name_zh']}总工会志愿服务队{k + 1}", f"{d['name_zh']}总工会",
                              d["district_id"], int(size[k]), int(first_aid[k]), int(counsellors[k]),
                              int(max_sessions[k])])
            busy_more_on_weekdays.append(False)
    beijing_ids = [i for i, inside in zip(ids, in_beijing, strict=True) if inside]
    home_p = beijing_weights / beijing_weights.sum()
    count = len(INDUSTRIES) * scale
    homes = rng.choice(len(beijing_ids), count, p=home_p)
    size = rng.integers(7, 11, count)
    first_aid = 1 + (rng.random(count) < 0.3)
    for k in range(count):
        industry = INDUSTRIES[k % len(INDUSTRIES)]
        number = k // len(INDUSTRIES) + 1
        team_rows.append([f"city-{k + 1:0{_width(count)}d}", f"{industry}系统工会志愿服务队{number}",
                          f"北京市{industry}系统工会", beijing_ids[homes[k]], int(size[k]), int(first_aid[k]), 0, 2])
        busy_more_on_weekdays.append(True)
    for kind, name, union, per_scale, (low, high), all_first_aid, all_counsellors, sessions in COMPANY_TEAMS:
        count = per_scale * scale
        homes = rng.choice(len(beijing_ids), count, p=home_p)
        size = rng.integers(low, high + 1, count)
        for k in range(count):
            members = int(size[k])
            team_rows.append([f"{kind}-{k + 1:0{_width(count)}d}", f"{name}{k + 1}", union, beijing_ids[homes[k]],
                              members, members if all_first_aid else (0 if all_counsellors else 1),
                              members if all_counsellors else 0, sessions])
            busy_more_on_weekdays.append(True)

    # Availability: some teams have members busy in some sessions; those teams are listed
    # for every session, so no session of theirs is left to the "all free" default.
    volunteers = np.array([row[4] for row in team_rows], dtype="int64")
    partial = rng.random(len(team_rows)) < 0.4
    chance = rng.uniform(0.1, 0.4, len(team_rows))
    weekday = np.array([date not in WEEKEND for _, date, _, _ in SESSIONS])
    chance_by_session = np.where(np.array(busy_more_on_weekdays)[:, None] & weekday[None, :],
                                 np.minimum(1.5 * chance[:, None], 0.6), chance[:, None])
    busy = rng.binomial(volunteers[:, None], chance_by_session)
    free = volunteers[:, None] - busy
    availability_rows = [[team_rows[t][0], SESSIONS[s][0], int(free[t, s])]
                         for t in np.nonzero(partial)[0] for s in range(len(SESSIONS))]

    # Supplies: packs as published per scale; other items 85% to 100% of what points want.
    bases = {"parent": np.array([r[6] for r in point_rows], dtype="int64"),
             "staff": np.array([r[7] for r in point_rows], dtype="int64"),
             "point": np.ones(len(point_rows), dtype="int64")}
    share = rng.uniform(0.85, 1.0, len(ITEMS))
    supply_rows: list[list[object]] = []
    for (item_id, name, category, basis, per_unit), fraction in zip(ITEMS, share, strict=True):
        rate = Fraction(per_unit)
        wanted = int((-((-rate.numerator * bases[basis]) // rate.denominator)).sum())
        stock = {"parent-pack": PARENT_PACKS * scale, "staff-pack": STAFF_PACKS * scale}.get(
            item_id, int(wanted * fraction))
        supply_rows.append([item_id, name, category, stock, basis, per_unit])

    files = {
        "scenario.yaml": _yaml(scale, seed, len(point_rows), len(team_rows), int(volunteers.sum()),
                               needed, int(partial.sum())),
        "districts.csv": DISTRICTS_CSV,
        "sessions.csv": _csv(["session_id", "date", "start", "end"], [list(s) for s in SESSIONS]),
        "points.csv": _csv(["point_id", "name", "district_id", "lat", "lon", "capacity", "parents", "frontline_staff"],
                           point_rows),
        "teams.csv": _csv(TEAM_COLUMNS, team_rows),
        "supplies.csv": _csv(["item_id", "name", "category", "stock", "basis", "per_unit"], supply_rows),
        "needs.csv": _csv(["point_id", "session_id", "role", "volunteers"], need_rows),
        "availability.csv": _csv(["team_id", "session_id", "volunteers"], availability_rows),
    }
    return GeneratedFiles(files)


def _yaml(scale: int, seed: int, points: int, teams: int, volunteers: int, needed: int, partial: int) -> str:
    return f"""\
name: Beijing-like x{scale} (generated, seed {seed})
description: |
  A generated scenario {scale} times the 2023 Beijing programme (planner generate --scale {scale}
  --seed {seed}; rules in planner/generate.py): {points} points in the 18 areas of beijing-2023,
  {teams} teams ({volunteers} volunteers, {partial} of the teams with members busy in some
  sessions, see availability.csv), the seven 2023 sessions, {needed} volunteer-sessions needed.
  Points are shared among the districts by 2020 census population and placed at random near
  the district centre; parents per point follow the candidates per exam site of the district
  with a random spread of 25%; needs follow beijing-2023 (general one per 80 parents, one
  first-aider per point and session, a counsellor in the first session of each day).
  Not real data: for benchmarks and demonstrations.
sources:
  - "Workers' Daily (工人日报), 2023-06-08: the 2023 programme that this scenario scales up"
  - "Population: 2020 census via citypopulation.de (Beijing page); centres: AMap district centres"
settings:
  max_travel_km: {MAX_TRAVEL_KM}
weights:
  general: 1
  first_aid: 3
  counsellor: 2
  fairness: 1
  travel: 1
"""


def generate_scenario(scale: int, *, seed: int = 0) -> Scenario:
    """A Beijing-like scenario ``scale`` times the 2023 programme, checked like a loaded one.

    Parameters
    ----------
    scale : int
        1 or more: 51 x scale points, 150 x scale teams, the seven 2023 sessions.
    seed : int
        The same scale and seed give the same scenario.

    Returns
    -------
    Scenario

    Raises
    ------
    ValueError
        ``scale`` below 1 or above :data:`MAX_SCALE`, or ``seed`` negative.
    """
    generated = generate_files(scale, seed=seed)
    return build_scenario(generated.files["scenario.yaml"], generated.raw_tables(),
                          source=f"generated x{scale} seed {seed}")


def write_generated(scale: int, folder: str | Path, *, seed: int = 0, overwrite: bool = False) -> Path:
    """Write a generated scenario folder (whole or not at all); see :func:`generate_files`.

    Raises
    ------
    ValueError
        ``scale`` below 1 or above :data:`MAX_SCALE`, or ``seed`` negative.
    FileExistsError
        ``folder`` already holds files and ``overwrite`` is false.
    """
    generated = generate_files(scale, seed=seed)

    def write(tmp: Path) -> None:
        for file, text in generated.files.items():
            (tmp / file).write_text(text, encoding="utf-8", newline="")

    return write_folder_atomically(folder, write, overwrite=overwrite)


__all__ = ["generate_files", "generate_scenario", "write_generated"]
