"""Words shown to people, in Chinese and English: headers, roles, categories, statuses."""

from __future__ import annotations

LANGS = ("zh", "en", "both")

TEXT: dict[str, tuple[str, str]] = {
    # identifiers and names
    "point_id": ("点位编号", "Point ID"),
    "point": ("服务点位", "Service point"),
    "district_id": ("区编号", "District ID"),
    "district": ("区", "District"),
    "session_id": ("场次编号", "Session ID"),
    "session": ("场次", "Session"),
    "date": ("日期", "Date"),
    "time": ("时间", "Time"),
    "team_id": ("队伍编号", "Team ID"),
    "team": ("志愿服务队", "Volunteer team"),
    "union": ("所属工会", "Union"),
    "role": ("岗位", "Role"),
    "item_id": ("物资编号", "Item ID"),
    "item": ("物资", "Item"),
    "category": ("类别", "Category"),
    # numbers
    "volunteers": ("志愿者人数", "Volunteers"),
    "needed": ("需要", "Needed"),
    "assigned": ("已安排", "Assigned"),
    "missing": ("缺口", "Missing"),
    "unmet": ("未满足", "Unmet"),
    "coverage": ("保障率", "Coverage"),
    "quantity": ("分配数量", "Quantity"),
    "wanted": ("需求数量", "Wanted"),
    "stock": ("库存", "Stock"),
    "distributed": ("已分配", "Distributed"),
    "given": ("已服务人次", "Volunteer-sessions given"),
    "max_sessions": ("每人最多场次", "Max sessions each"),
    "capacity": ("容量", "Capacity"),
    "points": ("点位数", "Points"),
    "value": ("数值", "Value"),
    "figure": ("指标", "Figure"),
    "travel_km": ("平均路程(公里)", "Average travel (km)"),
    # sheets
    "sheet_summary": ("概况", "Summary"),
    "sheet_overview": ("排班总览", "Overview"),
    "sheet_duty": ("值班表", "Duty"),
    "sheet_teams": ("队伍安排", "Teams"),
    "sheet_supplies": ("物资分配", "Supplies"),
    "sheet_supply_totals": ("物资汇总", "Supply totals"),
    "share": ("满足比例", "Share met"),
    "sheet_shortfalls": ("缺口", "Shortfalls"),
    "sheet_districts": ("各区", "Districts"),
    # roles
    "general": ("普通志愿者", "General"),
    "first_aid": ("急救", "First aid"),
    "counsellor": ("心理疏导", "Counsellor"),
    # categories
    "basic": ("基础保障", "Basic"),
    "emergency": ("应急保障", "Emergency"),
    "leisure": ("休闲", "Leisure"),
    "emotional": ("情感关怀", "Emotional"),
    "pack": ("礼包", "Pack"),
    # statuses and headline figures
    "optimal": ("最优", "Optimal"),
    "feasible": ("可行(未证明最优)", "Feasible (not proven optimal)"),
    "scenario": ("方案", "Scenario"),
    "status": ("求解状态", "Status"),
    "solver": ("求解器", "Solver"),
    "volunteer_sessions": ("人次", "volunteer-sessions"),
}


def label(key: str, lang: str = "both") -> str:
    """A word in Chinese (``zh``), English (``en``) or both on two lines (``both``)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    zh, en = TEXT.get(key, (key, key))
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh}\n{en}"
