"""Printable duty sheets: one page per service point, as PDF, with Chinese text.

A sheet says where the point is (exam site and address; the coordinates only beside a note
that the scenario gives no address), when to report, and per exam session what the point
needs in each role, which teams come (with their leaders, and their phones on the leaders'
copy), the persons by name when volunteers.csv names them, and what is still missing
(shaded); then the supplies the point receives, summarised in a paragraph. Every point fits
on one page: the text shrinks until it does (from 9 to 5 points).

The text is set in the CJK font the charts use, embedded, so a sheet prints the same on any
machine and its text can be extracted. The same plan gives the same bytes (fixed creation
date). Reading a whole CJK font takes fpdf2 about half a second, too long for a sheet per
point, so the font is first cut (fontTools, once per scenario) to the characters the
documents of that scenario can show.

Phone numbers are personal data: ``phones=False`` gives the public copy, without them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import logging
import re
import string
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from fontTools import subset
from fpdf import FPDF

from planner.exports.charts import cjk_font_file
from planner.exports.duty_data import PointFacts, point_facts, point_sessions, point_teams, supplies_line
from planner.io.settings import ROLES
from planner.io.textfiles import file_names
from planner.labels import TEXT, label
from planner.results.plan import Plan

FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
SHORT_FILL = (252, 228, 214)
HEADER_FILL = (221, 235, 247)
GREY = (90, 90, 90)
# Font sizes a point's page tries, largest first, until it fits on one page.
FIT_SIZES = (9.0, 8.0, 7.0, 6.0, 5.0)
PAGE_WIDTH = 186.0  # A4 less 12 mm margins


def words(key: str, lang: str) -> str:
    """A label on one line: ``zh en`` under both languages."""
    return label(key, lang).replace("\n", " ") if lang == "both" else label(key, lang)


def one_language(lang: str) -> str:
    """Values (roles) are written in one language: Chinese under both."""
    return "zh" if lang == "both" else lang


def sheet_rows(plan: Plan, point_id: str, lang: str = "both") -> pd.DataFrame:
    """The rows of a point's duty table: ``session, role, needed, assigned, team, volunteers, missing``.

    One row per team on duty in each session and role (in time order, then general, first
    aid, counsellor); a need nobody fills gets one row without a team.
    """
    sc = plan.scenario
    s = sc.sessions
    when = dict(zip(s["session_id"], s["date"] + " " + s["start"] + "-" + s["end"], strict=True))
    teams = dict(zip(sc.teams["team_id"], sc.teams["name"] + "（" + sc.teams["union"] + "）", strict=True))
    needs = plan.shortfalls[plan.shortfalls["point_id"] == point_id]
    duty = plan.assignments[plan.assignments["point_id"] == point_id]
    role_rank = {r: i for i, r in enumerate(ROLES)}
    session_rank = {sid: i for i, sid in enumerate(s["session_id"])}
    needs = needs.assign(_s=needs["session_id"].map(session_rank), _r=needs["role"].map(role_rank))
    rows: list[dict[str, object]] = []
    for need in needs.sort_values(["_s", "_r"]).to_dict("records"):
        on_duty = duty[(duty["session_id"] == need["session_id"]) & (duty["role"] == need["role"])]
        base = {"session": when[need["session_id"]], "role": label(str(need["role"]), one_language(lang)),
                "needed": int(need["needed"]), "assigned": int(need["assigned"]), "missing": int(need["missing"])}
        if len(on_duty) == 0:
            rows.append({**base, "team": "", "volunteers": 0})
        for team_id, volunteers in zip(on_duty["team_id"], on_duty["volunteers"], strict=True):
            rows.append({**base, "team": teams[team_id], "volunteers": int(volunteers)})
    return pd.DataFrame(rows, columns=["session", "role", "needed", "assigned", "team", "volunteers", "missing"])


def sheet_characters(plan: Plan) -> str:
    """Every character a duty document of this plan's scenario can show, sorted."""
    sc = plan.scenario
    texts = [sc.name, string.printable, "（）·–—：、，。；%/+×…", *(w for pair in TEXT.values() for w in pair)]
    tables = [(sc.points, ("name", "address", "site")), (sc.districts, ("name_zh", "name_en")),
              (sc.teams, ("name", "union", "leader", "leader_phone")), (sc.supplies, ("name", "item_id"))]
    if sc.volunteers is not None:
        tables.append((sc.volunteers, ("person_id", "name", "phone")))
    for table, columns in tables:
        texts += [str(v) for column in columns if column in table.columns for v in table[column].tolist()]
    return "".join(sorted(set("".join(texts)) - set("\t\n\r\x0b\x0c")))


@functools.lru_cache(maxsize=4)
def _font_subset(font_file: str, characters: str) -> bytes:
    """The font cut to ``characters`` (a TrueType font of a few hundred glyphs)."""
    options = subset.Options()
    options.font_number = 0  # the first face of a collection (.ttc)
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    font = subset.load_font(font_file, options, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@contextlib.contextmanager
def duty_pdf(plan: Plan, title: str) -> Iterator[FPDF]:
    """An A4 PDF with the scenario's CJK font embedded (as ``cjk``), fixed dates, 12 mm margins.

    Raises
    ------
    RuntimeError
        No font with Chinese glyphs is installed (``tools/setup-system.sh font``).
    """
    font = cjk_font_file()
    if font is None:
        raise RuntimeError("no font with Chinese glyphs is installed; run tools/setup-system.sh font "
                           "(Debian: apt-get install fonts-wqy-microhei)")
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator("planner")
    pdf.set_title(title)
    with tempfile.TemporaryDirectory() as tmp:
        cut = Path(tmp) / "cjk.ttf"
        cut.write_bytes(_font_subset(font, sheet_characters(plan)))
        pdf.add_font("cjk", fname=cut)
        pdf.set_auto_page_break(auto=True, margin=12)
        pdf.set_margins(12, 12, 12)
        yield pdf


def duty_points(plan: Plan) -> list[str]:
    """Points that get a sheet: those with needs or supplies in the plan, in id order."""
    has = set(plan.shortfalls["point_id"]) | set(plan.distribution.loc[plan.distribution["quantity"] > 0, "point_id"])
    return [p for p in plan.scenario.points["point_id"] if p in has]


def duty_sheets_pdf(plan: Plan, point_ids: Sequence[str] | None = None, *, lang: str = "both",
                    phones: bool = True) -> bytes:
    """Duty sheets for the points (all with needs or supplies when omitted) as one PDF, a page each.

    Parameters
    ----------
    plan : Plan
    point_ids : sequence of str, optional
    lang : {"both", "zh", "en"}
    phones : bool
        The leaders' copy, with the team leaders' phones; False for the public copy.

    Raises
    ------
    RuntimeError
        No font with Chinese glyphs is installed (``tools/setup-system.sh font``).
    ValueError
        An unknown point.
    """
    facts = point_facts(plan)
    chosen = list(point_ids) if point_ids is not None else duty_points(plan)
    unknown = [p for p in chosen if p not in facts]
    if unknown:
        raise ValueError(f"{unknown} are not points of the scenario")
    sessions = point_sessions(plan) if len(chosen) > 1 else point_sessions(plan, chosen[0]) if chosen else None
    teams = point_teams(plan) if len(chosen) > 1 else point_teams(plan, chosen[0]) if chosen else None
    with duty_pdf(plan, f"{words('duty_sheet', lang)} - {plan.scenario.name}") as pdf:
        layout = Layout(pdf)
        for point_id in chosen:
            assert sessions is not None and teams is not None
            blocks = point_blocks(plan, facts[point_id], sessions[sessions["point_id"] == point_id],
                                  teams[teams["point_id"] == point_id], lang, phones)
            pdf.add_page()
            layout.draw(blocks, layout.fitting_size(blocks))
        return bytes(pdf.output())


def where_lines(point: PointFacts, lang: str) -> list[str]:
    """The point's exam site and address; without an address, a note saying so beside the coordinates."""
    site = point.site or words("not_given", lang)
    if point.address:
        where = f"{words('street_address', lang)}: {point.address}"
    else:
        where = (f"{words('street_address', lang)}: {words('no_address', lang)}; "
                 f"{words('coordinates', lang)} {point.lat:.5f}, {point.lon:.5f}")
    return [f"{words('site', lang)}: {site}", where]


def report_words(minutes: int | None, lang: str) -> str:
    """When to report, in words: "report 30 minutes before the session starts", or not set."""
    if minutes is None:
        return words("report_not_set", lang)
    return words("report_rule", lang).replace("{m}", str(minutes))


def privacy_words(phones: bool, lang: str) -> str:
    return words("with_phones" if phones else "without_phones", lang)


def has_leaders(plan: Plan) -> bool:
    """Whether teams.csv names any leader or leader's phone (else the documents say so once)."""
    teams = plan.scenario.teams
    return any(column in teams.columns and teams[column].astype(str).str.strip().ne("").any()
               for column in ("leader", "leader_phone"))


def point_blocks(plan: Plan, point: PointFacts, sessions: pd.DataFrame, teams: pd.DataFrame, lang: str,
                 phones: bool) -> list[Block]:
    """What a point's page says, as blocks to lay out (see :class:`Layout`)."""
    district = point.district_en if lang == "en" else point.district_zh
    leaders = has_leaders(plan)
    facts = [*where_lines(point, lang),
             f"{words('point_id', lang)}: {point.point_id}    {words('district', lang)}: {district}    "
             f"{words('capacity', lang)}: {point.capacity}    {words('report', lang)}: "
             f"{report_words(point.report_minutes, lang)}"]
    if not leaders:
        facts.append(f"{words('leader', lang)}: {words('no_leaders', lang)}")
    value_lang = one_language(lang)
    rows: list[tuple[list[str], bool]] = []
    for row in sessions.to_dict("records"):
        needs = [f"{label(role, value_lang)} {row[f'{role}_needed']}/{row[f'{role}_assigned']}"
                 for role in ROLES if row[f"{role}_needed"]]
        if row["missing"]:
            needs.append(f"{words('missing', lang)} {row['missing']}")
        here = teams[teams["session_id"] == row["session_id"]]
        lines = [team_line(t, value_lang, lang, phones, leaders=leaders) for t in here.to_dict("records")]
        rows.append(([f"{row['date']}\n{row['start']}–{row['end']}", row["report"] or "–", "\n".join(needs),
                      "\n".join(lines) or "–"], bool(row["missing"])))
    blocks = [
        Block("note", [f"{words('duty_sheet', lang)} · {plan.scenario.name} · {privacy_words(phones, lang)}"]),
        Block("title", [point.name]),
        Block("facts", facts),
        Block("table", [], widths=(28, 14, 36, 108), rows=[
            ([words("session", lang), words("report", lang), words("needs_assigned", lang),
              words("teams_on_duty_here" if phones else "teams_on_duty_public", lang)], False), *rows],
              header=True),
    ]
    items = dict(zip(plan.scenario.supplies["item_id"], plan.scenario.supplies["name"], strict=True))
    supplies = supplies_line(plan, point.point_id, {i: f"{n} ({i})" for i, n in items.items()})
    if supplies:
        text = "；".join(f"{name} {quantity:,}" + (f"/{wanted:,}" if quantity < wanted else "")
                        for name, quantity, wanted in supplies)
        blocks.append(Block("text", [f"{words('supplies_to_receive', lang)}: {text}"]))
    return blocks


def team_line(team: dict[str, Any], value_lang: str, lang: str, phones: bool, *, leaders: bool = True) -> str:
    """A team on duty as one cell's text: name and union, leader (and phone), its volunteers per role,
    and the names of its persons there when known."""
    counts = "，".join(f"{label(role, value_lang)} {int(team[role])}" for role in ROLES if team[role])
    leader = str(team["leader"]) or words("not_given", lang)
    if phones and team["leader_phone"]:
        leader += f" {team['leader_phone']}"
    who = f" · {words('leader', lang)} {leader}" if leaders else ""
    text = f"{team['team']}（{team['union']}）{who} · {counts}"
    if team.get("persons"):
        text += "\n    " + persons_text(team["persons"], value_lang)
    return text


def persons_text(persons: Sequence[tuple[str, str]], value_lang: str) -> str:
    """Names on duty, each skilled role said after the name: ``张三（急救）, 李四``."""
    return ", ".join(name if role == "general" else f"{name}（{label(role, value_lang)}）" for name, role in persons)


@dataclass(frozen=True)
class Block:
    """A piece of a page: ``note`` (small, grey), ``title``, ``facts``, ``text`` (paragraphs) or
    ``table`` (``rows`` of cells and whether the row is shaded as short; the first row is the
    header when ``header``)."""

    kind: str
    lines: list[str]
    widths: tuple[float, ...] = ()
    rows: list[tuple[list[str], bool]] = field(default_factory=list)
    header: bool = False


# Font size of each kind of block, relative to the page's size.
_SIZE_OFFSET = {"note": -1.0, "title": 7.0, "facts": 1.0, "text": 0.0, "table": 0.0, "heading": 2.5}
_GAP = {"note": 0.0, "title": 0.5, "facts": 0.3, "text": 0.4, "table": 0.4, "heading": 0.6}
PAD = 1.0


class Layout:
    """Lays out blocks on A4 pages with a fast text wrapper (fpdf2's multi_cell is far slower):
    widths of characters are measured once per font and scaled by size; CJK text breaks between
    any two characters, other text between words."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self._unit: dict[str, float] = {}
        self._wrapped: dict[tuple[str, float, float], list[str]] = {}
        pdf.set_font("cjk", size=10)

    def width(self, text: str, size: float) -> float:
        unit = self._unit
        total = 0.0
        for ch in text:
            w = unit.get(ch)
            if w is None:
                self.pdf.set_font_size(10)
                w = unit[ch] = self.pdf.get_string_width(ch) / 10
            total += w
        return total * size

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        key = (text, width, size)
        found = self._wrapped.get(key)
        if found is None:
            found = self._wrapped[key] = [line for part in text.split("\n")
                                          for line in self._wrap_line(part, width, size)]
        return found

    def _wrap_line(self, text: str, width: float, size: float) -> list[str]:
        if self.width(text, size) <= width:
            return [text]
        lines: list[str] = []
        current, used = "", 0.0
        for token in re.findall(r"[A-Za-z0-9_.,:;'()/+\-]+ *|.", text):
            word = self.width(token.rstrip(), size)
            if current and used + word > width:
                lines.append(current.rstrip())
                current, used = "", 0.0
                token = token.lstrip()
                word = self.width(token.rstrip(), size)
            if word > width:  # a word wider than the column: cut it where it must
                for ch in token:
                    w = self.width(ch, size)
                    if current and used + w > width:
                        lines.append(current)
                        current, used = "", 0.0
                    current += ch
                    used += w
                continue
            current += token
            used += self.width(token, size)
        if current.strip():
            lines.append(current.rstrip())
        return lines

    @staticmethod
    def line_height(size: float) -> float:
        return size * 0.5

    def row_height(self, cells: Sequence[str], widths: Sequence[float], size: float) -> float:
        counts = [len(self.wrap(text, w - 2 * PAD, size)) for text, w in zip(cells, widths, strict=True)]
        return self.line_height(size) * max(counts) + 0.6

    def height(self, blocks: Sequence[Block], size: float) -> float:
        total = 0.0
        for block in blocks:
            at = size + _SIZE_OFFSET[block.kind]
            total += _GAP[block.kind] * size
            if block.kind == "table":
                total += sum(self.row_height(cells, block.widths, size) for cells, _ in block.rows)
            else:
                total += sum(len(self.wrap(line, PAGE_WIDTH, at)) for line in block.lines) * self.line_height(at)
        return total

    def fitting_size(self, blocks: Sequence[Block], room: float | None = None) -> float:
        """The largest of :data:`FIT_SIZES` at which the blocks fit in ``room`` mm (a page by default)."""
        room = room if room is not None else self.pdf.h - self.pdf.t_margin - self.pdf.b_margin - 2
        return next((size for size in FIT_SIZES if self.height(blocks, size) <= room), FIT_SIZES[-1])

    def draw(self, blocks: Sequence[Block], size: float) -> None:
        """Draw blocks from the current position; a table row that does not fit starts a new page."""
        pdf = self.pdf
        for block in blocks:
            at = size + _SIZE_OFFSET[block.kind]
            pdf.set_y(pdf.get_y() + _GAP[block.kind] * size)
            if block.kind == "table":
                self._table(block, size)
                continue
            pdf.set_font_size(at)
            pdf.set_text_color(*(GREY if block.kind == "note" else (0, 0, 0)))
            for line in block.lines:
                for text in self.wrap(line, PAGE_WIDTH, at):
                    if pdf.get_y() + self.line_height(at) > pdf.h - pdf.b_margin:
                        pdf.add_page()
                    pdf.set_x(pdf.l_margin)
                    pdf.cell(PAGE_WIDTH, self.line_height(at), text, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)

    def _table(self, block: Block, size: float) -> None:
        pdf = self.pdf
        pdf.set_font_size(size)
        header = block.rows[0] if block.header else None
        for k, (cells, short) in enumerate(block.rows):
            height = self.row_height(cells, block.widths, size)
            if pdf.get_y() + height > pdf.h - pdf.b_margin and k > 0:
                pdf.add_page()
                if header is not None:
                    self._row(header[0], block.widths, size, HEADER_FILL)
            fill = HEADER_FILL if header is not None and k == 0 else SHORT_FILL if short else None
            self._row(cells, block.widths, size, fill)

    def _row(self, cells: Sequence[str], widths: Sequence[float], size: float,
             fill: tuple[int, int, int] | None) -> None:
        pdf = self.pdf
        height = self.row_height(cells, widths, size)
        x, y = pdf.l_margin, pdf.get_y()
        if fill:
            pdf.set_fill_color(*fill)
        for width, text in zip(widths, cells, strict=True):
            pdf.rect(x, y, width, height, style="DF" if fill else "D")
            for n, line in enumerate(self.wrap(text, width - 2 * PAD, size)):
                pdf.set_xy(x + PAD, y + 0.3 + n * self.line_height(size))
                pdf.cell(width - 2 * PAD, self.line_height(size), line)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)


def write_duty_sheets(plan: Plan, folder: Path, *, lang: str = "both", phones: bool = True) -> list[Path]:
    """One PDF per point (``<point_id>.pdf``, see :func:`planner.io.textfiles.file_names`) in ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    points = duty_points(plan)
    names = file_names(points, ".pdf")  # ids are free text: "../x" must not leave the folder
    for point_id in points:
        path = folder / names[point_id]
        path.write_bytes(duty_sheets_pdf(plan, [point_id], lang=lang, phones=phones))
        paths.append(path)
    return paths


__all__ = ["Block", "Layout", "duty_pdf", "duty_points", "duty_sheets_pdf", "report_words", "sheet_characters",
           "sheet_rows", "where_lines", "words", "write_duty_sheets"]
