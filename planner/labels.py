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


# Words of the workbook: controls, headline figures, charts and staff exports.
WORKBOOK_TEXT: dict[str, tuple[str, str]] = {
    # controls
    "language": ("语言", "Language"),
    "ctl_availability": ("志愿者到岗率 %", "Volunteers who come %"),
    "ctl_district_availability": ("各区到岗率 %", "Volunteers who come, per district %"),
    "ctl_stock": ("物资库存", "Stock on hand"),
    "ctl_travel": ("最远路程 公里", "Farthest travel km"),
    "ctl_no_limit": ("不限路程", "No travel limit"),
    "ctl_priorities": ("优先顺序（权重）", "Priorities (weights)"),
    "fairness": ("各区公平", "Fairness between districts"),
    "travel": ("少跑路", "Less travel"),
    "ctl_weather": ("天气", "Weather"),
    "ctl_days": ("日期", "Days"),
    "all_days": ("全部考试日", "All exam days"),
    "weather_none": ("正常", "Normal"),
    "weather_heat": ("高温", "Heat"),
    "weather_rain": ("降雨", "Rain"),
    "ctl_close": ("关闭点位", "Close points"),
    "ctl_close_hint": ("按住 Ctrl 可多选", "Hold Ctrl to pick several"),
    "ctl_add_point": ("新增点位", "Add a point"),
    "ctl_point_name": ("点位名称", "Point name"),
    "ctl_parents": ("候考家长人数", "Parents waiting"),
    "ctl_frontline": ("一线职工人数", "Front-line workers"),
    "ctl_add": ("添加点位", "Add the point"),
    "ctl_save": ("保存为新方案", "Save as a new scenario"),
    "ctl_save_name": ("新方案名称", "New scenario name"),
    "ctl_replace": ("允许覆盖同名方案", "Replace one of the same name"),
    "ctl_reset": ("恢复初始设置", "Reset the controls"),
    "ctl_levers": ("调整", "Levers"),
    "lat": ("纬度", "Latitude"),
    "lon": ("经度", "Longitude"),
    # status and messages
    "solving": ("计算中…", "Solving…"),
    "updated": ("已更新", "Updated"),
    "seconds": ("秒", "s"),
    "check_input": ("请检查输入", "Please check the input"),
    "saved_to": ("已保存到", "Saved to"),
    "added_point": ("已新增点位", "Added point"),
    "loaded": ("已打开方案", "Opened scenario"),
    # headline figures
    "h_coverage": ("保障率", "Coverage"),
    "h_unmet": ("未满足需求（人次）", "Unmet needs (volunteer-sessions)"),
    "h_packs": ("已分配礼包", "Packs handed out"),
    "h_worst": ("保障最弱的区", "Worst-covered district"),
    "h_travel": ("平均路程", "Average travel"),
    "km": ("公里", "km"),
    "of": ("共", "of"),
    "vs_start": ("与初始相比", "vs. the start"),
    "points_unit": ("个", ""),
    # charts and tables
    "chart_district_coverage": ("各区保障率", "Coverage by district"),
    "chart_heatmap": ("各区各场次保障率", "Coverage by district and session"),
    "chart_map": ("服务点位：大小为志愿者人次，颜色为保障率",
                  "Service points: size = volunteer-sessions, colour = coverage"),
    "chart_supplies": ("物资分配：已分配 / 需求", "Supplies: handed out / wanted"),
    "chart_compare_coverage": ("各方案各区保障率", "Coverage by district, per option"),
    "chart_extra_supply": ("新增物资去向（按区）", "Where the extra supplies go, by district"),
    "closed": ("已关闭", "Closed"),
    "variant": ("方案", "Option"),
    "difference": ("差值", "Difference"),
    "tab_districts": ("各区", "Districts"),
    "tab_shortfalls": ("缺口", "Shortfalls"),
    "tab_supplies": ("物资", "Supplies"),
    "tab_teams": ("队伍", "Teams"),
    "tab_charts": ("图表", "Charts"),
    "tab_tables": ("表格", "Tables"),
    "no_shortfalls": ("没有缺口", "No shortfalls"),
    # staff exports
    "duty_sheet": ("点位值班表", "Duty sheet"),
    "address": ("位置", "Location"),
    "team_contact": ("队伍与所属工会", "Team and union"),
    "supplies_to_receive": ("本点位物资", "Supplies for this point"),
    "sheet_point_summary": ("点位概况", "Point summary"),
    "download": ("下载", "Download"),
    "file_plan": ("排班方案工作簿", "Plan workbook"),
    "file_csv": ("数据文件（CSV、JSON）", "Data files (CSV, JSON)"),
    "file_districts": ("各区工作簿", "One workbook per district"),
    "file_duty": ("点位值班表（PDF）", "Duty sheets per point (PDF)"),
    "file_duty_all": ("全部值班表（一个 PDF）", "All duty sheets (one PDF)"),
    "file_all": ("全部文件（ZIP）", "All files (ZIP)"),
    "file_comparison": ("方案对比表", "Comparison sheet"),
    "ctl_prepare": ("生成文件", "Make the files"),
    "ctl_point": ("点位", "Point"),
    "header_language": ("表头语言", "Header language"),
    "tab_chart_district": ("各区", "Districts"),
    "tab_chart_heatmap": ("各区 × 场次", "Districts × sessions"),
    "tab_chart_map": ("地图", "Map"),
    "tab_chart_supplies": ("物资", "Supplies"),
}
TEXT.update(WORKBOOK_TEXT)
