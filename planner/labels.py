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
    "sheet_roster": ("人员排班", "Roster"),
    "sheet_team_sessions": ("各队各场次", "Teams by session"),
    # people and teams kept whole
    "person_id": ("人员编号", "Person ID"),
    "name": ("姓名", "Name"),
    "team_district": ("队伍所在区", "Team's district"),
    "places": ("服务点位（人数）", "Service points (volunteers)"),
    "whole_at_point": ("全队在同一点位", "Whole team at one point"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "team_sessions": ("有值班的队伍场次", "Team-sessions on duty"),
    "team_sessions_split": ("分在多个点位的队伍场次", "Team-sessions split over more than one point"),
    "team_points": ("队伍-点位组合", "Team-point pairs"),
    "pieces": ("值班小组（队伍、点位、场次）", "Duty groups (team, point, session)"),
    "single_pieces": ("只有一人的值班小组", "Duty groups of one volunteer"),
    "teams_on_duty": ("有值班的队伍", "Teams on duty"),
    "teams_one_point": ("全程在同一点位的队伍", "Teams at one point the whole exam"),
    "same_point_share": ("相邻场次在同一点位的比例", "Consecutive sessions at the same point"),
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
    "h_split": ("被拆到多个点位的队伍", "Teams split over points"),
    "h_split_of": ("队伍场次", "team-sessions"),
    "h_whole": ("全程守一个点位的队伍", "Teams at one point all exam"),
    "h_whole_of": ("值班队伍", "teams on duty"),
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
    "ctl_team": ("队伍", "Team"),
    "team_where_when": ("服务安排", "Where and when it serves"),
    "team_members": ("队员排班", "Members on duty"),
    "team_not_on_duty": ("本方案中该队没有值班", "This team has no duty in this plan"),
    "team_members_on_duty": ("{on} 名队员有值班（全队 {all} 名）", "{on} of {all} members on duty"),
    "team_split_sessions": ("分在多个点位的场次：{n} / {all}", "sessions split over more than one point: {n} of {all}"),
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


# Words of the explanations (results/sentences.py): why a need is unmet, and what would fix it.
# Templates take named fields, filled from the plan's own tables ({...}).
EXPLAIN_TEXT: dict[str, tuple[str, str]] = {
    "person_general": ("志愿者", "general volunteer"),
    "person_first_aid": ("急救员", "first-aider"),
    "person_counsellor": ("心理疏导员", "counsellor"),
    "people_general": ("志愿者", "general volunteers"),
    "people_first_aid": ("急救员", "first-aiders"),
    "people_counsellor": ("心理疏导员", "counsellors"),
    "duty_general": ("普通岗", "general"),
    "duty_first_aid": ("急救岗", "first aid"),
    "duty_counsellor": ("心理疏导岗", "counselling"),
    "morning": ("{month}月{day}日上午", "{day} {month_en} morning"),
    "afternoon": ("{month}月{day}日下午", "{day} {month_en} afternoon"),
    "need_place": ("{point}{session}{duty}", "{point}, {session}, {duty}"),
    "list_more": ("等{n}处", " and {n} more"),
    "list_sep": ("、", "; "),
    "where": ("（{places}）", " ({places})"),
    "within": ("{km}公里内", "within {km} km"),
    "anywhere": ("全市", "anywhere"),
    # changes (explanations.csv text_zh / text_en)
    "fix_volunteers": ("{district}再有{amount}名{person}（每人值{sessions}个场次），"
                       "可补上{gain}个空缺的岗位人次{where}。",
                       "{amount} more {person_one} in {district}, serving {sessions} sessions, fills {gain} "
                       "duties that are empty now{where}."),
    "fix_volunteers_one": ("{district}在{session}再有{amount}名{person}，可补上{gain}个空缺的岗位人次{where}。",
                           "{amount} more {person_one} in {district} for {session} alone fills {gain} "
                           "duties that are empty now{where}."),
    "fix_capacity": ("{point}每场次多容纳{amount}人，可补上{gain}个空缺的岗位人次{where}。",
                     "Room for {amount} more at once at {point} fills {gain} duties that are empty now{where}."),
    "fix_reach": ("把最远路程从{reach}公里放宽到{amount}公里，可补上{gain}个空缺的岗位人次{where}。",
                  "A reach of {amount} km instead of {reach} km fills {gain} duties that are empty now{where}."),
    "fix_stock": ("{item}再增加{amount}件，可多发放{gain}件，每个点位都能拿到所需的全部。",
                  "{amount} more of {item} hands out {gain} more: every point gets all it wants."),
    "fix_up_to": ("增加到{up_to}{unit}为止都有帮助（共补上{gain_up_to}个），再多就不再有用。",
                  "More helps up to {up_to}{unit_en} ({gain_up_to} duties filled); beyond that it adds nothing."),
    "fix_up_to_most": ("增加到{up_to}{unit}仍有帮助（共补上{gain_up_to}个）。",
                       "Even {up_to}{unit_en} still helps ({gain_up_to} duties filled)."),
    "unit_people": ("人", " people"),
    "unit_places": ("个位置", " places"),
    # causes (why a need is unmet)
    "short_of": ("{point}{session}缺{missing}名{person}：", "{point} is short of {missing} {person_n} in {session}: "),
    "cause_point_full": ("该点位这一场次已满员（同时最多{capacity}人）。",
                         "the point is full then (room for {capacity} at once)."),
    "cause_no_one_in_reach": ("{within}没有一支队伍在这一场次有能担任此岗位的空闲队员。",
                              "no team {within} has a member free then who may serve."),
    "cause_all_on_duty": ("{within}这一场次有空的{n}名{people}都已在岗。",
                          "all {n} {people} {within} who are free then are already on duty."),
    "cause_sessions_used": ("{within}的{people}都已在岗，或已值满{most}个场次。",
                            "the {people} {within} are on duty then or have already served their {most} sessions."),
    "most_sessions": ("各自最多的", "most"),
    "best_fix": ("办法：", "What would fix it: "),
    "no_fix": ("在所试的办法中，没有一项能补上这里。", "None of the changes tried fills this one."),
    "or": ("或", " or "),
    # districts and bottlenecks
    "district_why": ("{district}：需要{needed}个岗位人次，缺{missing}个（保障率{coverage}）。",
                     "{district}: {missing} of {needed} duties empty (coverage {coverage})."),
    "district_causes": ("缺口原因：{causes}。", "Why: {causes}."),
    "cause_count": ("{cause}{n}个", "{cause} {n}"),
    "cause_name_point_full": ("点位已满员", "point full"),
    "cause_name_no_one_in_reach": ("范围内无人可派", "no one in reach"),
    "cause_name_all_on_duty": ("可派的人都已在岗", "everyone able already on duty"),
    "cause_name_sessions_used": ("可派的人已值满场次", "those able have served their sessions"),
    "bottleneck_role": ("{duty}：需要{needed}个岗位人次，缺{missing}个；全部{people}最多能值{can}个场次。",
                        "{duty_en}: {missing} of {needed} duties empty; all the {people} together can serve "
                        "{can} sessions at most."),
    "bottleneck_worst": ("其中{district}只安排了{assigned}个（需要{needed}个）。",
                         "{district} gets {assigned} of {needed}."),
    "bottleneck_district": ("{district}：{missing}个岗位人次空缺（共需{needed}个）；{within}只有{teams}支队伍。",
                            "{district}: {missing} of {needed} duties empty; only {teams} teams are {within}."),
    "bottleneck_point": ("{point}：{sessions}个场次缺{person}，共缺{missing}个岗位人次。",
                         "{point}: short of {people} in {sessions} sessions, {missing} duties in all."),
    "bottleneck_stock": ("{item}：库存{stock}件，需求{wanted}件，每个点位只能拿到{share}。",
                         "{item}: {stock} for {wanted} wanted, {share} of what each point wants."),
    "no_bottleneck": ("所有需求都已满足，物资也够分。", "Every need is met and every item suffices."),
    "bottlenecks": ("瓶颈", "Bottlenecks"),
    "why": ("原因与办法", "Why, and what would fix it"),
}
TEXT.update(EXPLAIN_TEXT)


def say(key: str, lang: str, **fields: object) -> str:
    """A template of :data:`EXPLAIN_TEXT` in ``zh`` or ``en``, its fields filled."""
    zh, en = EXPLAIN_TEXT[key]
    return (zh if lang == "zh" else en).format(**fields)
