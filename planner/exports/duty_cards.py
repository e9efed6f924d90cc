"""Duty documents per team and per person, as PDF: what a team leader and a volunteer act on.

A **team sheet** (a page per team on duty) says where and when the team serves: per session
and point, the report time, the point's name, exam site and address (or a note that the
scenario gives none, beside the coordinates), how many of the team in which role (and who,
when volunteers.csv names them), and the other teams there then with their leaders (and
phones, on the leaders' copy). A **duty card** (several to a page, never split) tells one
named person where and when to report, in which role, and who their leader is.

Laid out with :class:`planner.exports.duty.Layout`, in the same embedded CJK font as the
duty sheets; the same plan gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from planner.exports.duty import (
    Block,
    Layout,
    duty_pdf,
    has_leaders,
    one_language,
    persons_text,
    privacy_words,
    report_words,
    where_lines,
    words,
)
from planner.exports.duty_data import PointFacts, person_duty, point_facts, team_contacts, team_duty, teams_on_duty
from planner.io.settings import ROLES
from planner.labels import label
from planner.results.plan import Plan

CARD_GAP = 6.0  # mm between two cards on a page


def team_sheets_pdf(plan: Plan, team_ids: Sequence[str] | None = None, *, lang: str = "both",
                    phones: bool = True) -> bytes:
    """A page (more when long) per team: the teams on duty when ``team_ids`` is omitted.

    Raises
    ------
    RuntimeError
        No font with Chinese glyphs is installed.
    ValueError
        An unknown team.
    """
    known = set(plan.scenario.teams["team_id"])
    chosen = list(team_ids) if team_ids is not None else teams_on_duty(plan)
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise ValueError(f"{unknown} are not teams of the scenario")
    facts = point_facts(plan)
    roster = plan.roster if plan.scenario.volunteers is not None else None
    duty = team_duty(plan) if len(chosen) > 1 else team_duty(plan, chosen[0]) if chosen else None
    with duty_pdf(plan, f"{words('team_sheet', lang)} - {plan.scenario.name}") as pdf:
        layout = Layout(pdf)
        for team_id in chosen:
            assert duty is not None
            blocks = team_blocks(plan, team_id, duty[duty["team_id"] == team_id], facts, roster, lang, phones)
            pdf.add_page()
            layout.draw(blocks, layout.fitting_size(blocks))
        return bytes(pdf.output())


def _point_text(point: PointFacts, lang: str) -> str:
    return "\n".join([point.name, *where_lines(point, lang)])


def _contact(team: str, leader: str, phone: str, lang: str, phones: bool, leaders: bool) -> str:
    if not leaders:
        return team
    who = leader or words("not_given", lang)
    return f"{team} · {words('leader', lang)} {who}" + (f" {phone}" if phones and phone else "")


def team_blocks(plan: Plan, team_id: str, duty: pd.DataFrame, facts: dict[str, PointFacts],
                roster: pd.DataFrame | None, lang: str, phones: bool) -> list[Block]:
    """What a team's sheet says, as blocks to lay out."""
    team = next(t for t in plan.scenario.teams.to_dict("records") if t["team_id"] == team_id)
    contact = team_contacts(plan).set_index("team_id").loc[team_id]
    leaders = has_leaders(plan)
    value_lang = one_language(lang)
    counts = f"{int(team['volunteers'])}（{label('first_aid', value_lang)} {int(team['first_aid'])}，" \
             f"{label('counsellor', value_lang)} {int(team['counsellors'])}）"
    facts_lines = [f"{words('team_id', lang)}: {team_id}    {words('volunteers', lang)}: {counts}    "
                   f"{words('max_sessions', lang)}: {int(team['max_sessions'])}"]
    if leaders:
        leader = str(contact["leader"]) or words("not_given", lang)
        phone = f" {contact['leader_phone']}" if phones and contact["leader_phone"] else ""
        facts_lines.append(f"{words('leader', lang)}: {leader}{phone}")
    else:
        facts_lines.append(f"{words('leader', lang)}: {words('no_leaders', lang)}")
    blocks = [
        Block("note", [f"{words('team_sheet', lang)} · {plan.scenario.name} · {privacy_words(phones, lang)}"]),
        Block("title", [f"{team['name']}（{team['union']}）"]),
        Block("facts", facts_lines),
    ]
    if len(duty) == 0:
        blocks.append(Block("text", [words("no_duty", lang)]))
        return blocks
    header = [words("session", lang), words("point", lang), f"{words('role', lang)} · {words('persons', lang)}",
              words("other_teams", lang)]
    rows: list[tuple[list[str], bool]] = [(header, False)]
    for row in duty.to_dict("records"):
        point = facts[str(row["point_id"])]
        roles = "，".join(f"{label(role, value_lang)} {row[role]}" for role in ROLES if row[role])
        if roster is not None:
            here = roster[(roster["team_id"] == team_id) & (roster["point_id"] == row["point_id"])
                          & (roster["session_id"] == row["session_id"])]
            roles += "\n" + persons_text(list(zip(here["name"], here["role"], strict=True)), value_lang)
        when = f"{row['date']}\n{row['start']}–{row['end']}\n{words('report', lang)} " + (
            row["report"] or "–")
        others = "\n".join(_contact(name, leader, phone, lang, phones, leaders)
                           for name, leader, phone in row["others"]) or words("none", lang)
        rows.append(([when, _point_text(point, lang), roles, others], False))
    blocks.append(Block("table", [], widths=(26, 62, 50, 48), rows=rows, header=True))
    reports = sorted({facts[str(p)].report_minutes for p in duty["point_id"]}, key=lambda m: -1 if m is None else m)
    blocks.append(Block("text", [f"{words('report', lang)}: " + "；".join(report_words(m, lang) for m in reports)]))
    return blocks


def person_cards_pdf(plan: Plan, person_ids: Sequence[str] | None = None, *, lang: str = "both",
                     phones: bool = True) -> bytes:
    """Duty cards of the named persons on duty (or of ``person_ids``), several to a page.

    Raises
    ------
    RuntimeError
        No font with Chinese glyphs is installed.
    ValueError
        The scenario names no one (no volunteers.csv), or an unknown person.
    """
    people = plan.scenario.volunteers
    if people is None:
        raise ValueError("the scenario names no volunteers (no volunteers.csv): there are no duty cards to make")
    duty = person_duty(plan)
    chosen = list(person_ids) if person_ids is not None else list(dict.fromkeys(duty["person_id"]))
    unknown = [p for p in chosen if p not in set(people["person_id"])]
    if unknown:
        raise ValueError(f"{unknown} are not persons in volunteers.csv")
    facts = point_facts(plan)
    by_person = {p: rows for p, rows in duty.groupby("person_id", sort=False)}
    with duty_pdf(plan, f"{words('person_card', lang)} - {plan.scenario.name}") as pdf:
        layout = Layout(pdf)
        size = 9.0
        pdf.add_page()
        first = True
        for person_id in chosen:
            blocks = card_blocks(plan, person_id, by_person.get(person_id), facts, lang, phones)
            height = layout.height(blocks, size)
            if not first and pdf.get_y() + CARD_GAP + height > pdf.h - pdf.b_margin:
                pdf.add_page()
            elif not first:
                y = pdf.get_y() + CARD_GAP / 2
                pdf.set_draw_color(160, 160, 160)
                pdf.set_dash_pattern(dash=2, gap=1.5)  # a line to cut along
                pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
                pdf.set_dash_pattern()
                pdf.set_draw_color(0, 0, 0)
                pdf.set_y(pdf.get_y() + CARD_GAP)
            first = False
            layout.draw(blocks, size)
        return bytes(pdf.output())


def card_blocks(plan: Plan, person_id: str, duty: pd.DataFrame | None, facts: dict[str, PointFacts], lang: str,
                phones: bool) -> list[Block]:
    """One person's card as blocks: who, their team and leader, and each duty (when, where, role)."""
    people = plan.scenario.volunteers
    assert people is not None
    person = people.set_index("person_id").loc[person_id]
    contact = team_contacts(plan).set_index("team_id").loc[person["team_id"]]
    value_lang = one_language(lang)
    leader = str(contact["leader"]) or words("not_given", lang)
    if phones and contact["leader_phone"]:
        leader += f" {contact['leader_phone']}"
    blocks = [
        Block("note", [f"{words('person_card', lang)} · {plan.scenario.name}"]),
        Block("heading", [f"{person['name']}（{person_id}）"]),
        Block("facts", [f"{contact['team']}（{contact['union']}）· {words('leader', lang)} {leader}"]),
    ]
    if duty is None or len(duty) == 0:
        blocks.append(Block("text", [words("no_duty", lang)]))
        return blocks
    rows: list[tuple[list[str], bool]] = [([words("session", lang), words("report_time", lang), words("point", lang),
                                            words("role", lang)], False)]
    for row in duty.to_dict("records"):
        point = facts[str(row["point_id"])]
        rows.append(([f"{row['date']} {row['start']}–{row['end']}", row["report"] or words("report_not_set", lang),
                      _point_text(point, lang), label(str(row["role"]), value_lang)], False))
    blocks.append(Block("table", [], widths=(34, 30, 96, 26), rows=rows, header=True))
    return blocks


__all__ = ["card_blocks", "person_cards_pdf", "team_blocks", "team_sheets_pdf"]
