"""The 2023 programme as published, and the planning norms assumed where nothing is published.

One home for the facts that ``tools/derive_beijing_2023.py`` (the default scenario) and
:mod:`planner.generate` (scenarios N times larger) both build on. Published: Workers' Daily
2023-06-08 and Beijing Trade Union Daily (points, teams, volunteers, packs), the Beijing
Education Examinations Authority (candidates, exam sites, timetable), the 2020 census and
AMap (districts). Everything else here is a planning norm, an assumption a union planner
would set for themselves; scenarios/beijing-2023/scenario.yaml says which is which.
"""

from __future__ import annotations

import numpy as np

# The 18 areas: 2020 census population, AMap district centre (the government seat), area in km2
# (scenarios/beijing-2023/districts.csv is written from this, byte for byte).
DISTRICTS_CSV = """\
district_id,name_zh,name_en,lat,lon,population_2020,area_km2,note
dongcheng,东城区,Dongcheng,39.917544,116.418757,708829,40.6,
xicheng,西城区,Xicheng,39.915309,116.366794,1106214,46.5,
chaoyang,朝阳区,Chaoyang,39.921489,116.486409,3452460,470.8,
haidian,海淀区,Haidian,39.956074,116.310316,3133469,426.0,
fengtai,丰台区,Fengtai,39.863642,116.286968,2019764,304.2,
shijingshan,石景山区,Shijingshan,39.914601,116.195445,567851,89.8,
mentougou,门头沟区,Mentougou,39.937183,116.105381,392606,1331.3,
fangshan,房山区,Fangshan,39.735535,116.139157,1312778,1866.7,
tongzhou,通州区,Tongzhou,39.902486,116.658603,1840295,870.0,
shunyi,顺义区,Shunyi,40.128936,116.653525,1324044,980.0,
changping,昌平区,Changping,40.218085,116.235906,2269487,1430.0,
daxing,大兴区,Daxing,39.728908,116.338033,1993591,1012.0,
huairou,怀柔区,Huairou,40.324272,116.637122,441040,2557.3,
pinggu,平谷区,Pinggu,40.144783,117.112335,457313,1075.0,
miyun,密云区,Miyun,40.377362,116.843352,527683,2335.6,
yanqing,延庆区,Yanqing,40.465325,115.985006,345671,1980.0,
jingkai,经开区,Economic-Technological Development Area,39.79,116.51,,,coordinates approximate; population not \
published separately (counted in Daxing/Tongzhou)
qianan,迁安市,Qian'an (Hebei),40.006,118.697,,1208,"outside Beijing, about 200 km east; coordinates approximate; \
population about 720000 (2010)"
"""

# Published.
SESSIONS = (  # Beijing gaokao 2023 timetable; Jun 7 to 9 are weekdays, Jun 10 a Saturday
    ("0607-am", "2023-06-07", "09:00", "11:30"),
    ("0607-pm", "2023-06-07", "15:00", "17:00"),
    ("0608-pm", "2023-06-08", "15:00", "17:00"),
    ("0609-am", "2023-06-09", "08:00", "12:30"),
    ("0609-pm", "2023-06-09", "15:30", "17:00"),
    ("0610-am", "2023-06-10", "08:00", "12:30"),
    ("0610-pm", "2023-06-10", "15:30", "17:00"),
)
WEEKEND = ("2023-06-10",)
SERVICE_POINTS = 51  # published
OUTSIDE_BEIJING = ("jingkai", "qianan")  # one point each per scale, not shared by population
CANDIDATES, EXAM_SITES = 58_000, 100  # published
# Assumed planning norms.
PARENTS_PER_CANDIDATE = 0.5  # one parent waits outside for every two candidates
PARENTS_PER_GENERAL_VOLUNTEER = 80
CANDIDATES_PER_ROOM, INVIGILATORS_PER_ROOM = 30, 2  # gaokao standards
OTHER_FRONTLINE = 6  # police, medical and traffic staff at a site
TENT_CAPACITY = 10  # volunteers on duty at once under one service tent
MAX_TRAVEL_KM = 35  # about an hour by public transport
PARENT_PACKS, STAFF_PACKS = 4_000, 1_500  # published
INDUSTRIES = ("教育", "交通运输", "城建", "商业服务", "金融", "邮政", "电力", "公交", "地铁", "出租汽车",
              "环卫", "旅游", "文化", "机关", "农林", "水务", "燃气", "热力", "通信", "医药",
              "建材", "冶金", "纺织", "食品", "化工", "机械", "电子", "航空", "铁路", "科技")
# item_id, name, category, basis, per_unit (the assumed norms of beijing-2023)
ITEMS = (
    ("parent-pack", "家长陪伴包（扇子、冰凉贴、解压玩具）", "pack", "parent", "1"),
    ("staff-pack", "一线职工暖心包（感谢卡、雨衣）", "pack", "staff", "1"),
    ("water", "饮用水（瓶）", "basic", "parent", "2"),
    ("rest-seat", "休息座椅", "basic", "point", "20"),
    ("medicine-kit", "常用药品箱", "emergency", "point", "1"),
    ("heat-relief", "防暑降温用品（份）", "emergency", "parent", "0.2"),
    ("raincoat", "雨衣", "emergency", "parent", "0.1"),
    ("book", "图书", "leisure", "point", "30"),
    ("stress-toy", "解压玩具", "leisure", "parent", "0.2"),
    ("blessing-card", "祝福卡片", "emotional", "parent", "1"),
)

def hamilton(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` by largest remainder, each at least ``minimum``."""
    left = total - minimum * len(weights)
    quotas = left * weights / weights.sum()
    whole = np.floor(quotas).astype("int64")
    rest = left - int(whole.sum())
    order = np.lexsort((np.arange(len(weights)), -(quotas - whole)))  # ties by position
    whole[order[:rest]] += 1
    return whole + minimum
