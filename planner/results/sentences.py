"""Explanations in a union planner's words: the bottlenecks of a plan, why a need is unmet, what would fix it.

Every number comes from the plan's tables (shortfalls with their causes, the summary, the
measured explanations); every word from the templates in planner.labels (``EXPLAIN_TEXT``),
in Chinese and English.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Protocol

import numpy as np
import pandas as pd

from planner.labels import say
from planner.model.levers import apply_levers, role_totals
from planner.results.causes import district_reach, free_able
from planner.results.plan import Plan


class Explanations(Protocol):
    """What the sentences read of measured changes (planner.results.explain.Explanations)."""

    @property
    def table(self) -> pd.DataFrame: ...  # explanations.csv's rows, texts included

    @property
    def fills(self) -> list[dict[tuple[str, str, str], int]]: ...  # per row, the needs it fills more

LANGS = ("zh", "en")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WHY_COLUMNS = ["level", "rank", "district_id", "point_id", "session_id", "role", "item_id", "cause", "text_zh",
               "text_en"]
NAMED_PLACES = 3  # places named in a sentence; the rest counted


def _parts(name: str) -> tuple[str, str]:
    """A bilingual name ("东城区第1服务点 Dongcheng point 1") as its Chinese and English parts, else twice itself."""
    for i, ch in enumerate(name):
        if ch == " " and any(ord(c) > 0x2E80 for c in name[:i]) and name[i + 1:].isascii():
            return name[:i], name[i + 1:]
    return name, name


class _Facts:
    """What the sentences of one plan read again and again, computed once."""

    def __init__(self, plan: Plan):
        sc = plan.scenario
        self.plan = plan
        self.points = dict(zip(sc.points["point_id"], (_parts(str(n)) for n in sc.points["name"]), strict=True))
        d = sc.districts
        self.districts = {i: (str(zh), str(en)) for i, zh, en in
                          zip(d["district_id"], d["name_zh"], d["name_en"], strict=True)}
        self.items = dict(zip(sc.supplies["item_id"], (_parts(str(n)) for n in sc.supplies["name"]), strict=True))
        self.sessions = {s: (date.fromisoformat(str(d)), str(start) < "12:00") for s, d, start in
                         zip(sc.sessions["session_id"], sc.sessions["date"], sc.sessions["start"], strict=True)}
        self.inputs = apply_levers(sc, plan.levers)
        self.team_district, self.district_reach = district_reach(self.inputs)
        self.able = free_able(self.inputs)
        self.by_district = plan.by_district().set_index("district_id")
        self.point_index = pd.Index(sc.points["point_id"])
        self.session_index = pd.Index(sc.sessions["session_id"])
        f = plan.shortfalls
        keys = zip(f["point_id"], f["session_id"], f["role"], strict=True)
        self.needs = {k: (int(m), str(c)) for k, m, c in zip(keys, f["missing"], f["cause"], strict=True)}
        district_of = dict(zip(sc.points["point_id"], sc.points["district_id"], strict=True))
        self.points_of: dict[str, set[str]] = {}
        for point_id, district_id in district_of.items():
            self.points_of.setdefault(str(district_id), set()).add(str(point_id))
        # Per district, the volunteer-sessions missing by cause.
        self.short_causes: dict[str, dict[str, int]] = {}
        for (point_id, _, _), (missing, cause) in self.needs.items():
            if missing > 0:
                by_cause = self.short_causes.setdefault(str(district_of[point_id]), {})
                by_cause[cause] = by_cause.get(cause, 0) + missing
        district_ids = sc.districts["district_id"].to_numpy()
        self._near = [list(district_ids[self.district_reach[:, p]]) for p in range(len(sc.points))]
        # Per need, the numbers its cause's words say (the same in every language): made when first asked.
        self.cause_numbers: dict[tuple[str, str, str], int] = {}

    def districts_within(self, p: int) -> list[str]:
        """The districts whose centre is within reach of point ``p`` (its position)."""
        return self._near[p]


_FACTS: dict[int, _Facts] = {}


def _facts(plan: Plan) -> _Facts:
    known = _FACTS.get(id(plan))
    if known is None or known.plan is not plan:
        known = _Facts(plan)
        if len(_FACTS) > 4:
            _FACTS.clear()
        _FACTS[id(plan)] = known
    return known


def point_name(plan: Plan, point_id: str, lang: str) -> str:
    zh, en = _facts(plan).points.get(point_id, (point_id, point_id))
    return (zh if lang == "zh" else en) or point_id


def district_name(plan: Plan, district_id: str, lang: str) -> str:
    zh, en = _facts(plan).districts.get(district_id, (district_id, district_id))
    return zh if lang == "zh" else en


def item_name(plan: Plan, item_id: str, lang: str) -> str:
    zh, en = _facts(plan).items.get(item_id, (item_id, item_id))
    return zh if lang == "zh" else (en if en != zh else item_id)


def session_name(plan: Plan, session_id: str, lang: str) -> str:
    """"6月9日上午" / "9 June morning", from sessions.csv's date and start."""
    known = _facts(plan).sessions.get(session_id)
    if known is None:
        return session_id
    day, morning = known
    return say("morning" if morning else "afternoon", lang, month=day.month, day=day.day,
               month_en=MONTHS[day.month - 1])


def _km(value: float) -> str:
    return f"{value:g}"


def _within(plan: Plan, lang: str) -> str:
    reach = _facts(plan).inputs.reach_km
    return say("anywhere", lang) if math.isinf(reach) else say("within", lang, km=_km(reach))


def _places(plan: Plan, needs: Mapping[tuple[str, str, str], int], lang: str) -> str:
    """Up to NAMED_PLACES needs named ("Haidian point 4, 9 June morning, first aid"), the rest counted."""
    if not needs:
        return ""
    keys = list(needs)
    named = [say("need_place", lang, point=point_name(plan, p, lang), session=session_name(plan, s, lang),
                 duty=say(f"duty_{r}", lang)) for p, s, r in keys[:NAMED_PLACES]]
    text = say("list_sep", lang).join(named)
    if len(keys) > NAMED_PLACES:
        text += say("list_more", lang, n=len(keys) - NAMED_PLACES)
    return say("where", lang, places=text)


def counted(n: object, what: str, lang: str) -> str:
    """"1 duty", "3 duties" (``what``: duty or session); in Chinese the number and its measure word."""
    return f"{n}{say(what + '_one', lang)}" if lang == "zh" else \
        f"{n} {say(what + ('_one' if str(n) == '1' else '_many'), lang)}"


def change_text(plan: Plan, row: Mapping[str, object], filled: Mapping[tuple[str, str, str], int], *,
                most: int) -> tuple[str, str]:
    """A measured change (a row of explanations.csv) in words: (text_zh, text_en).

    ``most``: the largest amount tried; a change still helping there says so.
    """
    out = []
    for lang in LANGS:
        kind, amount, gain = row["kind"], row["amount"], row["gain"]
        where = _places(plan, filled, lang)
        counts = {"gain_n": counted(gain, "duty", lang), "sessions_n": counted(row["sessions"], "session", lang)}
        if kind == "volunteers":
            role = str(row["role"])
            person = say(f"person_{role}", lang)
            person_one = person if amount == 1 else say(f"people_{role}", lang)
            fields = {"district": district_name(plan, str(row["district_id"]), lang), "amount": amount,
                      "person": person, "person_one": person_one, "sessions": row["sessions"], "gain": gain,
                      "where": where, **counts}
            if row["session_id"]:
                text = say("fix_volunteers_one", lang, session=session_name(plan, str(row["session_id"]), lang),
                           **fields)
            else:
                text = say("fix_volunteers", lang, **fields)
        elif kind == "capacity":
            text = say("fix_capacity", lang, point=point_name(plan, str(row["point_id"]), lang), amount=amount,
                       gain=gain, where=where, **counts)
        elif kind == "reach":
            reach = _facts(plan).inputs.reach_km
            text = say("fix_reach", lang, reach=_km(reach), amount=_km(float(str(amount))), gain=gain, where=where,
                       **counts)
        else:
            text = say("fix_stock", lang, item=item_name(plan, str(row["item_id"]), lang), amount=amount, gain=gain)
        up_to = row.get("helps_up_to", "")
        if kind in ("volunteers", "capacity") and up_to != "":
            unit = "unit_people" if kind == "volunteers" else "unit_places"
            key = "fix_up_to_most" if str(up_to) == str(most) else "fix_up_to"
            if str(up_to) == str(amount):
                key = "fix_no_more"
            text += (" " if lang == "en" else "") + say(key, lang, up_to=up_to, unit=say(unit, "zh"),
                                                        unit_en=say(unit, "en"), gain_up_to=row["gain_up_to"],
                                                        gain_up_to_n=counted(row["gain_up_to"], "duty", lang))
        out.append(text)
    return out[0], out[1]


# Why a need is unmet --------------------------------------------------------------------

def cause_text(plan: Plan, point_id: str, session_id: str, role: str, lang: str) -> str:
    """The sentence of one short need: what is missing, and its cause in words."""
    facts = _facts(plan)
    missing, cause = facts.needs[(point_id, session_id, role)]
    person_n = say(f"person_{role}" if missing == 1 else f"people_{role}", lang)
    head = say("short_of", lang, point=point_name(plan, point_id, lang), session=session_name(plan, session_id, lang),
               missing=missing, person=say(f"person_{role}", lang), person_n=person_n)
    key = (point_id, session_id, role)
    number = facts.cause_numbers.get(key)
    if number is None:
        number = facts.cause_numbers[key] = _cause_number(facts, point_id, session_id, role, cause)
    fields = {"within": _within(plan, lang), "people": say(f"people_{role}", lang)}
    if cause == "point_full":
        tail = say("cause_point_full", lang, capacity=number)
    elif cause == "no_one_in_reach":
        tail = say("cause_no_one_in_reach", lang, **fields)
    elif cause == "all_on_duty":
        tail = say("cause_all_on_duty", lang, n=number, **fields)
    else:
        tail = say("cause_sessions_used", lang, most=number if number >= 0 else say("most_sessions", lang), **fields)
    return head + tail


def _cause_number(facts: _Facts, point_id: str, session_id: str, role: str, cause: str) -> int:
    """The number a need's cause says: the point's capacity, the members on duty, or their one most
    sessions (-1: they differ); 0 for no one in reach."""
    inputs = facts.inputs
    p, s = int(facts.point_index.get_loc(point_id)), int(facts.session_index.get_loc(session_id))
    r = ["general", "first_aid", "counsellor"].index(role)
    if cause == "point_full":
        return int(inputs.capacity[p])
    if cause == "no_one_in_reach":
        return 0
    reach = facts.district_reach[facts.team_district, p]
    able = facts.able[:, s, r]
    if cause == "all_on_duty":
        return int(able[reach].sum())
    most = np.unique(inputs.max_sessions[reach & (able > 0)])
    return int(most[0]) if len(most) == 1 else -1


class _Rows:
    """The columns of the explanations' table the sentences read, as lists (read once per table)."""

    def __init__(self, table: pd.DataFrame):
        self.table = table
        self.gain = table["gain"].astype(float).tolist()
        self.amount = table["amount"].astype(float).tolist()
        self.role, self.kind = table["role"].tolist(), table["kind"].tolist()
        self.district = table["district_id"].tolist()
        self.text = {lang: [str(t) for t in table[f"text_{lang}"]] for lang in LANGS}


_ROWS: dict[int, _Rows] = {}


def _rows(explanations: Explanations) -> _Rows:
    table = explanations.table
    known = _ROWS.get(id(table))
    if known is None or known.table is not table:
        known = _Rows(table)
        if len(_ROWS) > 4:
            _ROWS.clear()
        _ROWS[id(table)] = known
    return known


def _fixes_for(explanations: Explanations, keep: object, lang: str, best: int = 2) -> str:
    """The best measured changes (largest gain first) among those ``keep`` accepts, as one sentence."""
    rows = _rows(explanations)
    chosen = [i for i in range(len(rows.gain)) if keep(i, explanations.fills[i])]  # type: ignore[operator]
    chosen.sort(key=lambda i: (-rows.gain[i], rows.amount[i], i))
    if not chosen:
        return ""
    return say("best_fix", lang) + (" " if lang == "en" else "").join(rows.text[lang][i] for i in chosen[:best])


def need_why(plan: Plan, explanations: Explanations, point_id: str, session_id: str, role: str, lang: str) -> str:
    """Why one need is unmet, and the best measured changes that fill it."""
    key = (point_id, session_id, role)
    space = " " if lang == "en" else ""
    fixes = _fixes_for(explanations, lambda i, fills: key in fills, lang)
    if not fixes:
        # None filled this very need in its solve (the model may fill an equal one elsewhere):
        # the best measured for the same role, said as such.
        rows = _rows(explanations)
        roles, kinds, districts = rows.role, rows.kind, rows.district
        facts = _facts(plan)
        p = int(facts.point_index.get_loc(point_id))
        near = set(facts.districts_within(p))

        def helps_here(i: int, fills: Mapping[tuple[str, str, str], int]) -> bool:
            # A fix of this role that could reach this point: volunteers of a district in reach.
            return (kinds[i] == "volunteers" and roles[i] == role and districts[i] in near
                    and any(k[2] == role for k in fills))

        other = _fixes_for(explanations, helps_here, lang, 1)
        fixes = (say("best_other", lang, duty=say(f"duty_{role}", lang)) + other.removeprefix(say("best_fix", lang))
                 if other else say("no_fix", lang))
    return cause_text(plan, point_id, session_id, role, lang) + space + fixes


def district_why(plan: Plan, explanations: Explanations, district_id: str, lang: str) -> str:
    """A district's unmet need, its causes counted, and the best measured changes for its points."""
    row = _facts(plan).by_district.loc[district_id].to_dict()
    text = say("district_why", lang, district=district_name(plan, district_id, lang), needed=int(row["needed"]),
               missing=int(row["missing"]), coverage=f"{row['coverage']:.1%}")
    facts = _facts(plan)
    points = facts.points_of.get(district_id, set())
    counts = facts.short_causes.get(district_id, {})
    if not counts:
        return text
    sep = say("list_sep", lang) if lang == "zh" else ", "
    causes = sep.join(say("cause_count", lang, cause=say(f"cause_name_{c}", lang), n=int(counts[c]))
                      for c in ("point_full", "no_one_in_reach", "all_on_duty", "sessions_used") if c in counts)
    text += (" " if lang == "en" else "") + say("district_causes", lang, causes=causes)
    fixes = _fixes_for(explanations, lambda i, fills: any(p in points for p, _, _ in fills), lang)
    return text + ((" " if lang == "en" else "") + fixes if fixes else "")


# Bottlenecks ------------------------------------------------------------------------------

def bottlenecks(plan: Plan, explanations: Explanations) -> pd.DataFrame:
    """The few things a planner should read first.

    Columns ``rank, kind, district_id, point_id, role, item_id, text_zh, text_en``.

    Scarce roles (need against what all members trained for them can give), the worst-covered
    districts and points, and short items; each with its best measured fix. Largest unmet first.
    """
    rows: list[tuple[int, dict[str, object]]] = []
    inputs = apply_levers(plan.scenario, plan.levers)
    totals = role_totals(inputs)
    f = plan.shortfalls.merge(plan.scenario.points[["point_id", "district_id"]], on="point_id")
    for role in ("counsellor", "first_aid", "general"):
        mine = f[f["role"] == role]
        missing = int(mine["missing"].sum())
        if missing <= 0:
            continue
        can = int(totals["all" if role == "general" else role].sum())
        by_district = mine.groupby("district_id")[["needed", "assigned"]].sum()
        worst = by_district.assign(share=by_district["assigned"] / by_district["needed"]).sort_values(
            ["share", "needed"], ascending=[True, False]).iloc[0]
        texts = []
        for lang in LANGS:
            text = say("bottleneck_role", lang, duty=say(f"duty_{role}", lang) if lang == "zh" else "",
                       duty_en=say(f"duty_{role}", "en").capitalize(), needed=int(mine["needed"].sum()),
                       missing=missing, people=say(f"people_{role}", lang), can=can)
            text += (" " if lang == "en" else "") + say(
                "bottleneck_worst", lang, district=district_name(plan, str(worst.name), lang),
                assigned=int(worst["assigned"]), needed=int(worst["needed"]))
            fix = _fixes_for(explanations, lambda i, _f, r=role: explanations.table["role"].iat[i] == r, lang, 1)
            texts.append(text + ((" " if lang == "en" else "") + fix if fix else ""))
        rows.append((missing, {"kind": "role", "district_id": "", "point_id": "", "role": role, "item_id": "",
                               "text_zh": texts[0], "text_en": texts[1]}))
    by_district = plan.by_district()
    team_district, reach = district_reach(inputs)
    for _, d in by_district[by_district["missing"] > 0].sort_values(["coverage", "district_id"]).head(2).iterrows():
        district_id = str(d["district_id"])
        points = plan.scenario.points["district_id"].to_numpy() == district_id
        near = np.asarray(reach[:, points].any(axis=1))  # districts whose centre is within reach of one of them
        teams = int(near[team_district].sum()) if points.any() else 0
        texts = []
        for lang in LANGS:
            text = say("bottleneck_district", lang, district=district_name(plan, district_id, lang),
                       missing=int(d["missing"]), needed=int(d["needed"]), within=_within(plan, lang), teams=teams)
            ids = set(plan.scenario.points.loc[points, "point_id"])
            fix = _fixes_for(explanations, lambda i, fills, ids=ids: any(p in ids for p, _, _ in fills), lang, 1)
            texts.append(text + ((" " if lang == "en" else "") + fix if fix else ""))
        rows.append((int(d["missing"]), {"kind": "district", "district_id": district_id, "point_id": "", "role": "",
                                         "item_id": "", "text_zh": texts[0], "text_en": texts[1]}))
    # Points short of one skilled role in several sessions (what a district's figure hides).
    skilled = f[(f["missing"] > 0) & (f["role"] != "general")]
    per_point = skilled.groupby(["point_id", "role"]).agg(sessions=("session_id", "nunique"),
                                                          missing=("missing", "sum")).reset_index()
    per_point = per_point[per_point["sessions"] >= 2].sort_values(["sessions", "missing", "point_id"],
                                                                  ascending=[False, False, True]).head(2)
    for _, pt in per_point.iterrows():
        point_id, role = str(pt["point_id"]), str(pt["role"])
        texts = []
        for lang in LANGS:
            text = say("bottleneck_point", lang, point=point_name(plan, point_id, lang), sessions=int(pt["sessions"]),
                       person=say(f"person_{role}", lang), people=say(f"people_{role}", lang),
                       missing=int(pt["missing"]))
            fix = _fixes_for(explanations, lambda i, fills, p=point_id: any(k[0] == p for k in fills), lang, 1)
            texts.append(text + ((" " if lang == "en" else "") + fix if fix else ""))
        rows.append((int(pt["missing"]), {"kind": "point", "district_id": "", "point_id": point_id, "role": role,
                                          "item_id": "", "text_zh": texts[0], "text_en": texts[1]}))
    for item_id, figures in plan.summary["supplies"].items():
        if figures["wanted"] <= figures["stock"]:
            continue
        share = f"{figures['distributed'] / figures['wanted']:.0%}"
        texts = [say("bottleneck_stock", lang, item=item_name(plan, item_id, lang), stock=figures["stock"],
                     wanted=figures["wanted"], share=share) for lang in LANGS]
        rows.append((0, {"kind": "stock", "district_id": "", "point_id": "", "role": "", "item_id": item_id,
                         "text_zh": texts[0], "text_en": texts[1]}))
    kinds = {"role": 0, "district": 1, "point": 2, "stock": 3}
    rows.sort(key=lambda r: (kinds[str(r[1]["kind"])], -r[0]))
    frame = pd.DataFrame([r for _, r in rows],
                         columns=["kind", "district_id", "point_id", "role", "item_id", "text_zh", "text_en"])
    if frame.empty:
        frame = pd.DataFrame([{"kind": "none", "district_id": "", "point_id": "", "role": "", "item_id": "",
                               "text_zh": say("no_bottleneck", "zh"), "text_en": say("no_bottleneck", "en")}])
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def why_table(plan: Plan, explanations: Explanations) -> pd.DataFrame:
    """why.csv: the bottlenecks, then each district with unmet need, then each unmet need, in both languages."""
    rows: list[dict[str, object]] = []
    for _, b in bottlenecks(plan, explanations).iterrows():
        rows.append({"level": "bottleneck", "rank": int(b["rank"]), "district_id": b["district_id"],
                     "point_id": b["point_id"], "session_id": "", "role": b["role"], "item_id": b["item_id"],
                     "cause": "", "text_zh": b["text_zh"], "text_en": b["text_en"]})
    districts = plan.by_district()
    for n, district_id in enumerate(districts.loc[districts["missing"] > 0, "district_id"], start=1):
        rows.append({"level": "district", "rank": n, "district_id": district_id, "point_id": "", "session_id": "",
                     "role": "", "item_id": "", "cause": "",
                     **{f"text_{lang}": district_why(plan, explanations, district_id, lang) for lang in LANGS}})
    short = plan.shortfalls[plan.shortfalls["missing"] > 0]
    district_of = dict(zip(plan.scenario.points["point_id"], plan.scenario.points["district_id"], strict=True))
    # The needs' columns as lists: a pandas row per need costs more than its sentences.
    for n, (point_id, session_id, role, cause) in enumerate(zip(
            short["point_id"].tolist(), short["session_id"].tolist(), short["role"].tolist(), short["cause"].tolist(),
            strict=True), start=1):
        key = (str(point_id), str(session_id), str(role))
        rows.append({"level": "need", "rank": n, "district_id": district_of[key[0]], "point_id": key[0],
                     "session_id": key[1], "role": key[2], "item_id": "", "cause": cause,
                     **{f"text_{lang}": need_why(plan, explanations, *key, lang) for lang in LANGS}})
    return pd.DataFrame(rows, columns=WHY_COLUMNS)


__all__ = ["WHY_COLUMNS", "bottlenecks", "cause_text", "change_text", "district_why", "need_why", "point_name",
           "session_name", "why_table"]
