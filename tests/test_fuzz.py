"""Fuzzing: valid random scenarios, mutated the ways hand-edited files go wrong.

Columns dropped or renamed, junk in cells (control characters, line breaks, foreign digits),
rows shuffled, repeated, cut short or made very wide, files left out, other encodings, files
cut off mid-byte, broken, deep or huge YAML; and the same for workbooks (junk numbers, dates,
booleans, formulas, deep YAML values in cells, cells far to the right). Whatever comes of it, ``planner solve``
ends with exit 0 or 2, never a traceback; on 2 it names where each problem is and writes
nothing; on 0 the plan keeps every rule of the contract (checked by planner.verify).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.io import save_scenario
from planner.verify import verify_plan

from .strategies import COLUMNS, ScenarioData, scenarios

JUNK = ["", " ", "abc", "-1", "0", "1e400", "nan", "inf", "3.5", "3.0", "1e3", "1000000001", "99999999999999999999",
        "=1+1", "+1", "@x", "-x", "'=x", "１２", '"', "a,b", "line\nbreak", "\x00", "\x07", "🙂", "海淀区",
        "2023-06-07", "2023-02-30", "25:00", "9:00", "d1", "s1", "s2", "p1", "t1", "i1", "general", "first_aid",
        "pack", "point", "staff", "TRUE", "1/3", "0x10", "1_000",
        # control characters and line breaks (an id may not hold them; a name may hold a line break)
        "\r", "a\rb", "a\r\nb", "a\tb", "\t", "\x85", "a\u2028b", "\x1b[31m", "\x7f",
        # digits that are not ASCII or full-width: never numbers, times or dates
        "٣", "٠٩:٠٠", "१२", "²", "𝟗", "٢٠٢٣-٠٦-٠٧", "0.٥", "３：００"]
JUNK_NAMES = ["", "Team ID", "volunteer", "名称", "team_id", "name", "volunteers", "_line", "_bad", "=A1"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1", "cp1252"]
YAML_JUNK = ["name: [unclosed\n", "- a list\n", "", "name: x\nweights: {fairness: abc}\n",
             "name: x\nsettings: {max_travel_km: -3}\n", "name: x\nneeds: {general: {parents_per_volunteer: 0}}\n",
             "name: x\nname: y\n", "name: x\na: &a [1]\nb: *a\n", "name: !!python/name:os.system\n",
             "name: x\nneeds: {boss: {per_point: 1}}\n", "name: x\nweights: {general: 0}\n", "\tname: x\n",
             "name: x\nsettings: {max_travel_km: .inf}\n", "name: x\nneeds: {general: {minimum: 2000000000}}\n",
             "name: x\nweights: {general: 0.5, first_aid: 0.5, counsellor: 0.5, fairness: 1, travel: 1}\n",
             "name: x\nweights: {first_aid: 1.0e-9}\n", "name: x\nsettings: {max_travel_km: 0.001}\n",
             # deep and huge YAML: refused at once, naming the line
             "name: x\nowner: " + "[" * 1000 + "]" * 1000 + "\n", "name: x\nowner: " + "{a: " * 200 + "}" * 200 + "\n",
             "name: x\nsettings: {max_travel_km: " + "1" * 5000 + "}\n", "name: x\nowner: " + "[" * 20_000 + "\n",
             "name: ٣\nsettings: {max_travel_km: ٣٥}\n"]

Table = list[list[str]]


@dataclass
class Files:
    """A scenario folder's content: scenario.yaml text and each CSV file's rows (None: left out)."""

    config: str
    tables: dict[str, Table | None]
    encodings: dict[str, str]
    cut: dict[str, float]


def as_files(data: ScenarioData) -> Files:
    tables: dict[str, Table | None] = {}
    sources = {"districts.csv": data.districts, "sessions.csv": data.sessions, "points.csv": data.points,
               "teams.csv": data.teams, "supplies.csv": data.supplies, "needs.csv": data.needs,
               "availability.csv": data.availability}
    for name, rows in sources.items():
        if rows is not None:
            columns = list(COLUMNS[name])
            tables[name] = [columns, *([str(row[c]) for c in columns] for row in rows)]
    return Files(yaml.safe_dump(data.config, allow_unicode=True, sort_keys=False), tables,
                 {name: data.encoding for name in tables}, {})


@st.composite
def mutated_folders(draw: st.DrawFn) -> Files:
    files = as_files(draw(scenarios(max_points=4, max_teams=4)))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "drop column", "rename column", "shuffle", "repeat row",
                                     "delete row", "ragged row", "extra column", "drop file", "empty file",
                                     "encoding", "cut", "yaml", "wide row"]))
        if kind == "yaml":
            files.config = draw(st.sampled_from(YAML_JUNK))
            continue
        name = draw(st.sampled_from(sorted(files.tables)))
        table = files.tables[name]
        if not table:
            continue
        width, height = len(table[0]), len(table)
        column = draw(st.integers(0, max(0, width - 1)))
        row = draw(st.integers(1, height - 1)) if height > 1 else None
        if kind == "cell" and row is not None:
            table[row][column] = draw(st.sampled_from(JUNK))
        elif kind == "drop column":
            for cells in table:
                del cells[column:column + 1]
        elif kind == "rename column":
            table[0][column] = draw(st.sampled_from(JUNK_NAMES))
        elif kind == "shuffle":
            table[1:] = draw(st.permutations(table[1:]))
        elif kind == "repeat row" and row is not None:
            table.insert(row, list(table[row]))
        elif kind == "delete row" and row is not None:
            del table[row]
        elif kind == "ragged row" and row is not None:
            table[row] = table[row][:-1] if draw(st.booleans()) else [*table[row], draw(st.sampled_from(JUNK))]
        elif kind == "wide row":  # what a stray cell far to the right, or a million commas, make
            cells = table[draw(st.sampled_from([0, row or 0]))]
            cells.extend([""] * draw(st.sampled_from([100, 16_000, 20_000])))
            if draw(st.booleans()):
                cells.append(draw(st.sampled_from(JUNK)))
        elif kind == "extra column":
            table[0].append(draw(st.sampled_from(["notes", "备注", "", "capacity"])))
            for cells in table[1:]:
                cells.append(draw(st.sampled_from(JUNK)))
        elif kind == "drop file":
            files.tables[name] = None
        elif kind == "empty file":
            files.tables[name] = draw(st.sampled_from([[], table[:1]]))
        elif kind == "encoding":
            files.encodings[name] = draw(st.sampled_from(ENCODINGS))
        elif kind == "cut":
            files.cut[name] = draw(st.floats(0.05, 0.95))
    return files


def write_folder(folder: Path, files: Files) -> Path:
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text(files.config, encoding="utf-8")
    for name, table in files.tables.items():
        if table is None:
            continue
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows(table)
        data = buffer.getvalue().encode(files.encodings[name], errors="replace")
        if name in files.cut:
            data = data[:int(len(data) * files.cut[name])]
        (folder / name).write_bytes(data)
    return folder


def solve(scenario: Path, out: Path) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["solve", str(scenario), "--out", str(out)])
    return code, stdout.getvalue() + stderr.getvalue()


# A problem line: where (file, or workbook and sheet; line; column), then what is wrong.
PROBLEM = re.compile(r"^\S.*?\.(csv|yaml|xlsx)(, sheet \w+)?(, line \d+)?(, column .+?)?: .+")


def check_outcome(scenario: Path, out: Path, folder_for_checker: Path) -> None:
    code, output = solve(scenario, out)
    assert code in (0, 2), output
    assert "Traceback" not in output
    if code == 2:
        assert not out.exists()
        lines = output.splitlines()
        assert lines[-1].endswith("problem(s); nothing was written")
        for line in lines[:-1]:
            assert line.startswith("note: ") or (line.startswith(str(scenario.parent)) and PROBLEM.match(line)), line
    else:
        assert verify_plan(folder_for_checker, out) == []


FUZZ = settings(max_examples=90, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.filter_too_much])


@pytest.mark.slow
@FUZZ
@given(files=mutated_folders())
def test_mutated_folders_end_in_a_plan_or_clear_problems(files: Files) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        folder = write_folder(Path(tmp) / "scenario", files)
        check_outcome(folder, Path(tmp) / "plan", folder)


WORKBOOK_JUNK: list[Any] = [None, -1, 0, 3.0, 2.5, 1e300, float("nan"), True, "abc", "=1+1", "=A1*2", "'=x", " 7 ",
                            dt.datetime(2023, 6, 7), dt.time(9, 30), dt.date(2023, 6, 8), "１２", "#DIV/0!", "s1",
                            "t1", "p1", "d1", "general", "pack", 10**20, "a\nb", "a\tb", "٠٩:٠٠", "٣", "²",
                            "[" * 1000 + "]" * 1000, "1" * 5000, "=HYPERLINK(\"http://x\")"]


@st.composite
def workbook_edits(draw: st.DrawFn) -> tuple[ScenarioData, list[tuple[str, int, int, Any]]]:
    data = draw(scenarios(max_points=3, max_teams=3))
    # Columns far to the right too (a wide sheet: one cell at XFD).
    edits = [(draw(st.sampled_from(["scenario", "districts", "sessions", "points", "teams", "supplies"])),
              draw(st.integers(1, 5)), draw(st.one_of(st.integers(1, 9), st.sampled_from([1_001, 16_384]))),
              draw(st.sampled_from(WORKBOOK_JUNK)))
             for _ in range(draw(st.integers(1, 3)))]
    return data, edits


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=workbook_edits())
def test_edited_workbooks_end_in_a_plan_or_clear_problems(case: tuple[ScenarioData, list[Any]]) -> None:
    from planner import load_scenario
    from planner.io.convert import convert_scenario

    data, edits = case
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        book = save_scenario(load_scenario(data.write(Path(tmp) / "scenario")), Path(tmp) / "book.xlsx")
        workbook = openpyxl.load_workbook(book)
        for sheet, row, column, value in edits:
            if sheet in workbook.sheetnames:
                workbook[sheet].cell(row=row, column=column, value=value)
        workbook.save(book)
        code, output = solve(book, Path(tmp) / "plan")
        assert code in (0, 2), output
        assert "Traceback" not in output
        assert "cannot be read as an .xlsx workbook" not in output  # a sound file, whatever its cells hold
        if code == 0:
            folder = convert_scenario(book, Path(tmp) / "as-folder")  # the checker reads folders
            assert verify_plan(folder, Path(tmp) / "plan") == []
        else:
            assert not (Path(tmp) / "plan").exists()
            lines = output.splitlines()
            for line in lines[:-1]:
                assert line.startswith("note: ") or (line.startswith(tmp) and PROBLEM.match(line)), line
