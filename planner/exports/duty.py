"""Printable duty sheets: one page per service point, as PDF, with Chinese text.

A sheet says, for each exam session and role, what the point needs, which teams (and
their unions) send how many volunteers, and what is still missing, then the supplies the
point receives. The text is set in the CJK font the charts use, embedded, so a sheet
prints the same on any machine. The same plan gives the same bytes (fixed creation date).

Reading a whole CJK font takes fpdf2 about half a second, too long for a sheet per point,
so the font is first cut (fontTools, once per scenario) to the characters the sheets of
that scenario can show.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import string
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import pandas as pd
from fontTools import subset
from fpdf import FPDF

from planner.exports.charts import cjk_font_file
from planner.io.settings import ROLES
from planner.io.textfiles import file_names
from planner.labels import TEXT, label
from planner.results.plan import Plan

FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
SHORT_FILL = (252, 228, 214)
HEADER_FILL = (221, 235, 247)


def _words(key: str, lang: str) -> str:
    return label(key, lang).replace("\n", " ") if lang == "both" else label(key, lang)


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
    one_language = "zh" if lang == "both" else lang
    rows: list[dict[str, object]] = []
    for need in needs.sort_values(["_s", "_r"]).to_dict("records"):
        on_duty = duty[(duty["session_id"] == need["session_id"]) & (duty["role"] == need["role"])]
        base = {"session": when[need["session_id"]], "role": label(str(need["role"]), one_language),
                "needed": int(need["needed"]), "assigned": int(need["assigned"]), "missing": int(need["missing"])}
        if len(on_duty) == 0:
            rows.append({**base, "team": "", "volunteers": 0})
        for team_id, volunteers in zip(on_duty["team_id"], on_duty["volunteers"], strict=True):
            rows.append({**base, "team": teams[team_id], "volunteers": int(volunteers)})
    return pd.DataFrame(rows, columns=["session", "role", "needed", "assigned", "team", "volunteers", "missing"])


def sheet_characters(plan: Plan) -> str:
    """Every character a duty sheet of this plan's scenario can show, sorted."""
    sc = plan.scenario
    texts = [sc.name, string.printable, "（）·–—：、，。%/+", *(w for pair in TEXT.values() for w in pair)]
    for table, columns in ((sc.points, ("name",)), (sc.districts, ("name_zh", "name_en")),
                           (sc.teams, ("name", "union")), (sc.supplies, ("name", "item_id"))):
        texts += [str(v) for column in columns for v in table[column].tolist()]
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


def duty_points(plan: Plan) -> list[str]:
    """Points that get a sheet: those with needs or supplies in the plan, in id order."""
    has = set(plan.shortfalls["point_id"]) | set(plan.distribution.loc[plan.distribution["quantity"] > 0, "point_id"])
    return [p for p in plan.scenario.points["point_id"] if p in has]


def duty_sheets_pdf(plan: Plan, point_ids: Sequence[str] | None = None, *, lang: str = "both") -> bytes:
    """Duty sheets for the points (all with needs or supplies when omitted) as one PDF.

    Raises
    ------
    RuntimeError
        No font with Chinese glyphs is installed (``tools/setup-system.sh font``).
    ValueError
        An unknown point.
    """
    font = cjk_font_file()
    if font is None:
        raise RuntimeError("no font with Chinese glyphs is installed; run tools/setup-system.sh font "
                           "(Debian: apt-get install fonts-wqy-microhei)")
    points = {str(p["point_id"]): p for p in plan.scenario.points.to_dict("records")}
    chosen = list(point_ids) if point_ids is not None else duty_points(plan)
    unknown = [p for p in chosen if p not in points]
    if unknown:
        raise ValueError(f"{unknown} are not points of the scenario")
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator("planner")
    pdf.set_title(f"{_words('duty_sheet', lang)} - {plan.scenario.name}")
    with tempfile.TemporaryDirectory() as tmp:
        cut = Path(tmp) / "cjk.ttf"
        cut.write_bytes(_font_subset(font, sheet_characters(plan)))
        pdf.add_font("cjk", fname=cut)
        pdf.set_auto_page_break(auto=True, margin=14)
        pdf.set_margins(12, 12, 12)
        for point_id in chosen:
            _point_page(pdf, plan, point_id, points[point_id], lang)
        return bytes(pdf.output())


def _point_page(pdf: FPDF, plan: Plan, point_id: str, point: Mapping[Any, Any], lang: str) -> None:
    """One point's sheet, starting on a new page."""
    district = next(d for d in plan.scenario.districts.to_dict("records") if d["district_id"] == point["district_id"])
    pdf.add_page()
    pdf.set_font("cjk", size=10)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 5, f"{_words('duty_sheet', lang)} · {plan.scenario.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", size=17)
    pdf.multi_cell(0, 9, str(point["name"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    district_name = district["name_en"] if lang == "en" else district["name_zh"]
    facts = [
        f"{_words('point_id', lang)}: {point_id}",
        f"{_words('district', lang)}: {district_name}",
        f"{_words('address', lang)}: {point['lat']:.5f}, {point['lon']:.5f}",
        f"{_words('capacity', lang)}: {int(point['capacity'])}",
    ]
    pdf.multi_cell(0, 6, "    ".join(facts), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    rows = sheet_rows(plan, point_id, lang)
    duty = _Table(pdf, widths=(27, 24, 15, 17, 86, 17), right=(2, 3, 5),
                  header=[label(k, lang) for k in ("session", "role", "needed", "assigned", "team_contact",
                                                   "volunteers")])
    previous = ("", "")
    for row in rows.to_dict("records"):
        team = str(row["team"]) or f"{_words('missing', lang)} {row['missing']}"
        # Session and need are written once for the teams that share them.
        key = (str(row["session"]), str(row["role"]))
        first = key != previous
        previous = key
        cells = [*key, str(row["needed"]), str(row["assigned"])] if first else ["", "", "", ""]
        duty.row([*cells, team, str(row["volunteers"]) if row["volunteers"] else ""],
                 fill=SHORT_FILL if int(row["missing"]) > 0 else None)
    if len(rows) == 0:
        pdf.cell(0, 6, "–", new_x="LMARGIN", new_y="NEXT")

    supplies = plan.distribution[(plan.distribution["point_id"] == point_id) & (plan.distribution["wanted"] > 0)]
    if len(supplies):
        pdf.ln(4)
        pdf.set_font("cjk", size=12)
        pdf.cell(0, 7, _words("supplies_to_receive", lang), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=10)
        items = dict(zip(plan.scenario.supplies["item_id"], plan.scenario.supplies["name"], strict=True))
        table = _Table(pdf, widths=(110, 38, 38), right=(1, 2),
                       header=[label("item", lang), label("quantity", lang), label("wanted", lang)])
        for item_id, quantity, wanted in zip(supplies["item_id"], supplies["quantity"], supplies["wanted"],
                                             strict=True):
            table.row([f"{items[item_id]} ({item_id})", f"{int(quantity):,}", f"{int(wanted):,}"])


class _Table:
    """A ruled table drawn cell by cell (fpdf2's own table lays out every cell as a paragraph,
    many times slower); long text wraps, and the header repeats after a page break."""

    LINE = 5.0
    PAD = 1.0

    def __init__(self, pdf: FPDF, *, widths: Sequence[float], right: Sequence[int], header: Sequence[str]):
        self.pdf, self.widths, self.right = pdf, list(widths), set(right)
        self.header = list(header)
        self._draw(self.header, HEADER_FILL, size=8.5)

    def row(self, cells: Sequence[str], *, fill: tuple[int, int, int] | None = None) -> None:
        height = self.LINE * max(len(self._lines(text, width)) for text, width in zip(cells, self.widths, strict=True))
        if self.pdf.will_page_break(height):
            self.pdf.add_page()
            self._draw(self.header, HEADER_FILL, size=8.5)
        self._draw(cells, fill)

    def _lines(self, text: str, width: float) -> list[str]:
        lines = []
        for part in text.split("\n"):
            if self.pdf.get_string_width(part) <= width - 2 * self.PAD:
                lines.append(part)
            else:
                wrapped = self.pdf.multi_cell(width - 2 * self.PAD, self.LINE, part, dry_run=True, output="LINES")
                lines += cast(list[str], wrapped)
        return lines

    def _draw(self, cells: Sequence[str], fill: tuple[int, int, int] | None, size: float | None = None) -> None:
        pdf = self.pdf
        if size:
            pdf.set_font_size(size)
        lines = [self._lines(text, width) for text, width in zip(cells, self.widths, strict=True)]
        height = self.LINE * max(len(cell) for cell in lines)
        x, y = pdf.l_margin, pdf.get_y()
        if fill:
            pdf.set_fill_color(*fill)
        for k, (width, cell) in enumerate(zip(self.widths, lines, strict=True)):
            pdf.rect(x, y, width, height, style="DF" if fill else "D")
            for n, text in enumerate(cell):
                pdf.set_xy(x + self.PAD, y + n * self.LINE)
                pdf.cell(width - 2 * self.PAD, self.LINE, text, align="R" if k in self.right else "L")
            x += width
        pdf.set_xy(pdf.l_margin, y + height)
        if size:
            pdf.set_font_size(10)


def write_duty_sheets(plan: Plan, folder: Path, *, lang: str = "both") -> list[Path]:
    """One PDF per point (``<point_id>.pdf``, see :func:`planner.io.textfiles.file_names`) in ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    points = duty_points(plan)
    names = file_names(points, ".pdf")  # ids are free text: "../x" must not leave the folder
    for point_id in points:
        path = folder / names[point_id]
        path.write_bytes(duty_sheets_pdf(plan, [point_id], lang=lang))
        paths.append(path)
    return paths


__all__ = ["duty_points", "duty_sheets_pdf", "sheet_characters", "sheet_rows", "write_duty_sheets"]
