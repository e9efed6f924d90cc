"""Hardening, round two (issue 15): careless and hostile input that once broke the planner.

Each test names the item of the issue it covers. They use real files (CSV and xlsx written
to tmp_path), the real command, and real subprocesses where two runs race, a run is killed,
a pipe closes or memory is measured.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import ScenarioError, load_scenario
from planner.io import save_scenario
from planner.io.textfiles import file_names, parse_csv, unescape_cell, write_csv
from planner.verify import verify_plan

from .conftest import DEMO, ROOT, write_scenario
from .helpers import digest, run_cli

PYTHON = sys.executable
PLANNER = str(Path(sys.executable).with_name("planner"))
POINTS = "point_id,name,district_id,lat,lon,capacity,parents,frontline_staff"
TEAMS = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions"


def lines_of(stderr: str) -> list[str]:
    return stderr.strip().split("\n")


def child_env() -> dict[str, str]:
    """The environment of a child planner: this checkout first on the path."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# 1. Control characters in ids; line breaks in names ---------------------------------------------

def test_ids_with_line_breaks_or_tabs_are_refused(tmp_path: Path) -> None:
    points = (f'{POINTS}\n"p\r1",P1,a,39.9,116.4,10,100,10\n"p\n2",P2,a,39.9,116.4,10,100,10\n'
              '"p\t3",P3,a,39.9,116.4,10,100,10\n')
    teams = f'{TEAMS}\n"t\n1",T,U,a,3,0,0,2\n'
    folder = write_scenario(tmp_path / "s")
    (folder / "points.csv").write_bytes(points.encode())
    (folder / "teams.csv").write_bytes(teams.encode())
    code, _, stderr = run_cli("check", str(folder))
    assert code == 2
    assert lines_of(stderr) == [
        f"{folder}/points.csv, line 2, column point_id: holds a line break (U+000D), which an id may not hold; "
        "delete it",
        f"{folder}/points.csv, line 4, column point_id: holds a line break (U+000A), which an id may not hold; "
        "delete it",
        f"{folder}/points.csv, line 6, column point_id: holds a tab (U+0009), which an id may not hold; delete it",
        f"{folder}/teams.csv, line 2, column team_id: holds a line break (U+000A), which an id may not hold; "
        "delete it",
        "4 problem(s); nothing was written",
    ]
    code, _, _ = run_cli("solve", str(folder), "--out", str(tmp_path / "plan"))
    assert code == 2 and not (tmp_path / "plan").exists()


def test_a_line_break_in_a_name_is_kept_and_every_csv_reads_back(tmp_path: Path) -> None:
    names = {"p1": "Gate\r1", "p2": "Gate\r\n2", "p3": "Gate\n3 (Alt+Enter)"}
    points = POINTS + "".join(f'\n{p},"{n}",a,39.9,116.4,10,100,10' for p, n in names.items()) + "\n"
    teams = f'{TEAMS}\nt1,"Team\rone","Union\n",a,6,2,0,2\n'
    folder = write_scenario(tmp_path / "s")
    (folder / "points.csv").write_bytes(points.encode())
    (folder / "teams.csv").write_bytes(teams.encode())
    scenario = load_scenario(folder)
    assert dict(zip(scenario.points["point_id"], scenario.points["name"], strict=True)) == names
    code, _, stderr = run_cli("convert", str(folder), str(tmp_path / "copy"))
    assert code == 0, stderr
    copy = load_scenario(tmp_path / "copy")
    assert copy.points.equals(scenario.points) and copy.teams.equals(scenario.teams)
    save_scenario(scenario, tmp_path / "saved")
    assert load_scenario(tmp_path / "saved").points.equals(scenario.points)
    code, _, stderr = run_cli("solve", str(folder), "--out", str(tmp_path / "plan"))
    assert code == 0, stderr
    assert verify_plan(folder, tmp_path / "plan") == []


@given(st.lists(st.lists(st.text(alphabet=st.sampled_from(["a", ",", '"', "\r", "\n", "\t", "=", " ", "'"]),
                                 max_size=6), min_size=2, max_size=2), min_size=1, max_size=4))
def test_any_text_with_line_breaks_round_trips_through_write_csv(rows: list[list[str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        write_csv(path, ["a", "b"], rows)
        text = path.read_bytes().decode()
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert [[unescape_cell(c) for c in row] for row in read[1:]] == rows


# 2. Two runs, one folder ------------------------------------------------------------------------

def _named_demo(folder: Path, name: str) -> Path:
    shutil.copytree(DEMO, folder)
    yaml = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_text(re.sub(r"(?m)^name: .*$", f"name: {name}", yaml), encoding="utf-8")
    return folder


def test_two_runs_writing_one_new_folder_never_replace_each_other(tmp_path: Path) -> None:
    scenarios = [_named_demo(tmp_path / f"s{i}", f"run {i}") for i in range(2)]
    for attempt in range(3):
        out = tmp_path / f"plan{attempt}"
        runs = [subprocess.Popen([PLANNER, "solve", str(s), "--out", str(out)], env=child_env(),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in scenarios]
        results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
        codes = [code for code, _, _ in results]
        assert sorted(codes) == [0, 2], results
        winner = codes.index(0)
        assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["scenario"] == f"run {winner}"
        loser = results[1 - winner]
        assert "nothing was written" in loser[2] and "Traceback" not in loser[2]
        assert not [p.name for p in tmp_path.iterdir() if ".partial-" in p.name or ".old-" in p.name]


@pytest.mark.parametrize("exists", [False, True])
def test_a_file_put_into_the_folder_while_a_run_writes_is_kept(exists: bool, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.exports import plan_workbook

    out = tmp_path / "plan"
    if exists:
        out.mkdir()
    real = plan_workbook.finish_plan_workbook  # the plan folder's last step

    def someone_else_meanwhile(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]
        out.mkdir(exist_ok=True)
        (out / "mine.txt").write_text("someone else's", encoding="utf-8")

    monkeypatch.setattr(plan_workbook, "finish_plan_workbook", someone_else_meanwhile)
    code, _, stderr = run_cli("solve", str(DEMO), "--out", str(out))
    assert code == 2
    assert lines_of(stderr) == [f"{out}: cannot write the plan ({out} was filled by another run meanwhile; "
                                "choose a new folder or allow replacing it (--force)); nothing was written"]
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_a_workbook_written_meanwhile_is_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.io import workbook_write

    book = tmp_path / "book.xlsx"
    real = workbook_write._write_workbook

    def someone_else_meanwhile(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]
        book.write_text("someone else's", encoding="utf-8")

    monkeypatch.setattr(workbook_write, "_write_workbook", someone_else_meanwhile)
    code, _, stderr = run_cli("convert", str(DEMO), str(book))
    assert code == 2 and "was written by another run meanwhile" in stderr, stderr
    assert book.read_text(encoding="utf-8") == "someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


# 3. planner convert FOLDER FOLDER --force -------------------------------------------------------

def test_converting_a_scenario_onto_itself_is_refused_and_loses_nothing(tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO, tmp_path / "scenario")
    (folder / "README.txt").write_text("notes", encoding="utf-8")
    (folder / "plans").mkdir()
    (folder / "plans" / "summary.json").write_text("{}", encoding="utf-8")
    (tmp_path / "link").symlink_to(folder)
    before = digest(folder)
    for target in (folder, tmp_path / "link", Path(f"{folder}/")):
        code, _, stderr = run_cli("convert", str(folder), str(target), "--force")
        assert code == 2
        assert lines_of(stderr) == [f"{target}: cannot write (it is the scenario {folder} itself, and replacing it "
                                    "would lose what is not part of the scenario; write to another place); "
                                    "nothing was written"]
        assert digest(folder) == before
    book = tmp_path / "book.xlsx"
    assert run_cli("convert", str(folder), str(book))[0] == 0
    workbook = openpyxl.load_workbook(book)
    workbook.create_sheet("my notes")["A1"] = "keep me"
    workbook.save(book)
    before = book.read_bytes()
    code, _, stderr = run_cli("convert", str(book), str(book), "--force")
    assert code == 2 and "itself" in stderr and book.read_bytes() == before


# 4. A formula in a header -----------------------------------------------------------------------

FORMULA_HEADERS = ['=HYPERLINK("http://example.com","click")', "+1", "-2", "@SUM(A1)"]


def test_formula_like_headers_are_written_as_text_everywhere(tmp_path: Path) -> None:
    header = TEAMS + "," + ",".join(f'"{h.replace(chr(34), chr(34) * 2)}"' for h in FORMULA_HEADERS)
    folder = write_scenario(tmp_path / "s", teams_csv=f"{header}\nt1,T,U,a,3,0,0,2,x,y,z,w\n")
    book = tmp_path / "book.xlsx"
    code, _, stderr = run_cli("convert", str(folder), str(book))
    assert code == 0, stderr
    sheet = openpyxl.load_workbook(book)["teams"]
    assert [(c.value, c.data_type) for c in sheet[1]][-4:] == [(h, "s") for h in FORMULA_HEADERS]
    with zipfile_open(book) as archive:
        assert not [n for n in archive.namelist() if n.startswith("xl/worksheets/") and b"<f>" in archive.read(n)]
    scenario = load_scenario(book)
    assert list(scenario.teams.columns)[-4:] == FORMULA_HEADERS
    code, _, stderr = run_cli("convert", str(book), str(tmp_path / "back"))
    assert code == 0, stderr
    written = (tmp_path / "back" / "teams.csv").read_text(encoding="utf-8").split("\n")[0]
    assert all(f",'{h}" in written or f",\"'{h}" in written.replace('""', '"') for h in FORMULA_HEADERS), written
    assert list(load_scenario(tmp_path / "back").teams.columns)[-4:] == FORMULA_HEADERS


def zipfile_open(path: Path):
    import zipfile

    return zipfile.ZipFile(path)


# 5. File names from ids -------------------------------------------------------------------------

LONG_ZH = "北京市海淀区中关村第一百零一中学考点南门服务点" * 4  # 96 characters, 288 bytes
EMOJI = "🙂" * 70  # 280 bytes


def test_file_names_fit_in_255_bytes_and_are_never_shared() -> None:
    ids = ["a/b", "a_b-c14cddc0", LONG_ZH, LONG_ZH[:90], EMOJI, "A", "a", "CON", "", "x" * 300]
    names = file_names(ids, ".pdf")
    assert names["a/b"] != names["a_b-c14cddc0"]
    assert len({n.casefold() for n in names.values()}) == len(ids)
    assert all(len(n.encode()) <= 255 and n.endswith(".pdf") and "/" not in n for n in names.values()), names


@given(st.lists(st.text(min_size=0, max_size=120), min_size=1, max_size=8, unique=True))
def test_any_ids_give_distinct_file_names_that_fit(ids: list[str]) -> None:
    names = file_names(ids, ".xlsx")
    assert len({n.casefold() for n in names.values()}) == len(ids)
    assert all(len(n.encode("utf-8", "surrogatepass")) <= 255 for n in names.values())
    assert not any(re.search(r'[\x00-\x1f/\\:*?"<>|]', n) for n in names.values())


def _long_id_scenario(folder: Path) -> Path:
    districts = f"district_id,name_zh,name_en,lat,lon\n{EMOJI},甲区,A,39.90,116.40\nb,乙区,B,39.90,116.50"
    points = POINTS + "".join(f"\n{p},Point {i},{EMOJI},39.9,116.4,10,100,10"
                              for i, p in enumerate(["a/b", "a_b-c14cddc0", LONG_ZH, LONG_ZH[:90]]))
    teams = f"{TEAMS}\nt1,T,U,{EMOJI},20,5,0,1"
    return write_scenario(folder, districts_csv=districts, points_csv=points, teams_csv=teams)


def test_long_and_clashing_ids_each_get_their_own_duty_sheet(tmp_path: Path) -> None:
    from planner.exports.bundle import export_bundle
    from planner.exports.duty import duty_sheets_pdf
    from planner.results.solving import solve

    plan = solve(load_scenario(_long_id_scenario(tmp_path / "s")))
    bundle = export_bundle(plan, tmp_path / "bundle")
    assert sorted(bundle.duty_sheet_of) == sorted(["a/b", "a_b-c14cddc0", LONG_ZH, LONG_ZH[:90]])
    for point_id, path in bundle.duty_sheet_of.items():
        assert path.read_bytes() == duty_sheets_pdf(plan, [point_id]), point_id
    assert len(set(bundle.duty_sheet_of.values())) == 4
    assert list(bundle.district_workbook_of) == [EMOJI] and bundle.district_workbook_of[EMOJI].is_file()


def test_the_export_view_finds_the_duty_sheets_of_hashed_names(tmp_path: Path) -> None:
    from planner.workbook import ExportView

    view = ExportView(_long_id_scenario(tmp_path / "s"), folder=tmp_path / "exports")
    view.prepare()
    labels = sorted(text for text, _ in view.point.options)
    assert labels == sorted(f"Point {i} ({p})" for i, p in enumerate(["a/b", "a_b-c14cddc0", LONG_ZH, LONG_ZH[:90]]))
    assert all(Path(value).is_file() for _, value in view.point.options)


@pytest.mark.parametrize("name", [LONG_ZH, EMOJI])
def test_a_scenario_saved_under_a_long_name_is_written(name: str, tmp_path: Path) -> None:
    from planner.model.levers import Levers
    from planner.model.tweaks import folder_name, save_tweaks

    saved = save_tweaks(load_scenario(DEMO), Levers(), tmp_path / "saved" / folder_name(name), name=name)
    assert load_scenario(saved).name == name
    assert len(saved.name.encode()) <= 255


# 6. YAML ----------------------------------------------------------------------------------------

DEEP_YAML = {
    "1,000 deep": "name: x\nowner: " + "[" * 1000 + "]" * 1000 + "\n",
    "50,000 deep": "name: x\nowner: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "1,000 deep mappings": "name: x\nowner: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n",
    "1,000 deep blocks": "name: x\nowner:\n" + "".join(" " * i + "- \n" for i in range(1, 1000)),
    "5,000 digits": "name: x\nsettings: {max_travel_km: " + "1" * 5000 + "}\n",
    "5,000 digits elsewhere": "name: x\nowner: " + "9" * 5000 + "\n",
}


@pytest.mark.parametrize("kind", DEEP_YAML)
def test_deep_or_huge_yaml_is_refused_at_once(kind: str, tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "s", scenario_yaml=DEEP_YAML[kind])
    started = time.perf_counter()
    code, _, stderr = run_cli("check", str(folder))
    assert time.perf_counter() - started < 5
    assert code == 2, stderr
    problems = lines_of(stderr)
    assert len(problems) == 2 and problems[-1] == "1 problem(s); nothing was written"
    assert re.match(rf"{re.escape(str(folder))}/scenario.yaml, line \d+, column \d+: (nests deeper than 64 levels|"
                    r"holds a number of 5,000 digits)", problems[0]), problems[0]


@pytest.mark.parametrize("value", ["[" * 1000 + "]" * 1000, "{a: " * 3000 + "}" * 3000, "1" * 5000])
@pytest.mark.parametrize("key", ["owner", "settings.region", "weights.travel"])
def test_deep_or_huge_values_in_the_scenario_sheet_are_refused(key: str, value: str, tmp_path: Path) -> None:
    book = save_scenario(load_scenario(DEMO), tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["scenario"]
    row = next((cell.row for cell in sheet["A"] if cell.value == key), sheet.max_row + 1)
    sheet.cell(row, 1, key)
    sheet.cell(row, 2, value).data_type = "s"
    workbook.save(book)
    code, _, stderr = run_cli("check", str(book))
    assert code == 2 and "Traceback" not in stderr
    assert lines_of(stderr)[0].startswith(f"{tmp_path}/book.xlsx, sheet scenario, line {row}, column value: {key}: ")


def test_a_deep_hidden_scenario_yaml_sheet_is_not_a_traceback(tmp_path: Path) -> None:
    book = save_scenario(load_scenario(DEMO), tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(book)
    workbook["scenario.yaml"]["A1"] = DEEP_YAML["1,000 deep"]
    workbook.save(book)
    code, _, stderr = run_cli("convert", str(book), str(tmp_path / "folder"))
    assert code == 0, stderr
    assert load_scenario(tmp_path / "folder").name == load_scenario(DEMO).name


# 7 and 12. Sheets and headers that would cost gigabytes -----------------------------------------

# Peak memory from /proc/self/status (VmHWM): getrusage's ru_maxrss survives exec on Linux, so a
# child forked from a large pytest process would report the parent's peak, not its own.
MEASURE = textwrap.dedent("""
    import sys, time
    from planner.cli import main
    started = time.perf_counter()
    code = main(sys.argv[1:])
    seconds = time.perf_counter() - started
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(f"MEASURED {code} {peak_kb // 1024} {seconds:.2f}", file=sys.stderr)
    raise SystemExit(code)
""")


def measured(*args: str, timeout: float = 120) -> tuple[int, int, float, list[str]]:
    """``planner ARGS`` in a fresh interpreter: exit code, peak memory (MB), seconds, stderr lines."""
    run = subprocess.run([PYTHON, "-c", MEASURE, *args], env=child_env(), capture_output=True, text=True,
                         timeout=timeout)
    *lines, last = run.stderr.strip().split("\n")
    _, code, megabytes, seconds = last.split()
    assert int(code) == run.returncode
    return int(code), int(megabytes), float(seconds), lines


def test_a_baseline_check_for_the_memory_figures(tmp_path: Path) -> None:
    code, megabytes, _, _ = measured("check", str(DEMO))
    assert code == 0 and megabytes < 300


@pytest.mark.parametrize("rows", [2_000])
def test_cells_far_to_the_right_cost_memory_as_cells_not_as_columns(rows: int, tmp_path: Path) -> None:
    book = save_scenario(load_scenario(DEMO), tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(book)
    teams = workbook["teams"]
    for row in range(teams.max_row + 1, teams.max_row + 1 + rows):
        teams.cell(row, 16_384, "x")
    workbook["scenario"].cell(30, 16_384, "far")
    workbook.save(book)
    assert book.stat().st_size < 100_000
    code, megabytes, seconds, problems = measured("check", str(book))
    assert code == 2
    assert megabytes < 400 and seconds < 20, (megabytes, seconds)
    assert problems[0] == (f"{tmp_path}/book.xlsx, sheet teams, line 5, column XFD: holds 'x' but its column has "
                           "no header; name the column in row 1 or clear the cell")
    assert len(problems) == rows + 1 and problems[-1] == f"{rows} problem(s); nothing was written"


def test_a_header_wider_than_any_table_is_refused_quickly(tmp_path: Path) -> None:
    book = save_scenario(load_scenario(DEMO), tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(book)
    workbook["teams"].cell(1, 16_384, "far")
    for row in range(5, 5005):
        workbook["teams"].cell(row, 2000, "x")
    workbook.save(book)
    code, megabytes, seconds, problems = measured("check", str(book))
    assert code == 2 and megabytes < 400 and seconds < 20, (megabytes, seconds)
    assert problems == [f"{tmp_path}/book.xlsx, sheet teams, line 1: the header has 16,384 columns; a scenario "
                        "table has at most 1,000 (is it the right sheet?)", "1 problem(s); nothing was written"]


def test_a_csv_header_of_a_million_empty_columns_is_refused_quickly(tmp_path: Path) -> None:
    folder = shutil.copytree(DEMO, tmp_path / "scenario")
    lines = (folder / "teams.csv").read_text(encoding="utf-8").splitlines()
    (folder / "teams.csv").write_text("\n".join(line + "," * 1_000_000 for line in lines) + "\n", encoding="utf-8")
    assert (folder / "teams.csv").stat().st_size > 3_000_000
    code, megabytes, seconds, problems = measured("check", str(folder), timeout=60)
    assert code == 2 and megabytes < 400 and seconds < 10, (megabytes, seconds)
    assert problems == [f"{folder}/teams.csv, line 1: has 1,000,008 cells, more than the 16,384 columns a sheet "
                        "can have (is it the right file?)", "1 problem(s); nothing was written"]


def test_trailing_empty_cells_of_rows_cost_no_time(tmp_path: Path) -> None:
    header = TEAMS
    rows = "\n".join(f"t{i},T,U,a,3,0,0,2" + "," * 16_000 for i in range(200))
    started = time.perf_counter()
    table, problems = parse_csv(f"{header}\n{rows}\n", "teams.csv")
    assert time.perf_counter() - started < 5
    assert problems == [] and table is not None and len(table.rows) == 200 and len(table.rows[0]) == 8


# 8. Foreign digits ------------------------------------------------------------------------------

def test_only_ascii_and_full_width_digits_are_numbers(tmp_path: Path) -> None:
    sessions = ("session_id,date,start,end\ns1,2023-06-07,٠٩:٠٠,11:30\ns2,2023-06-07,१५:००,17:00\n"
                "s3,２０２３-０６-０８,０９：００,11:30")
    teams = f"{TEAMS}\nt1,T,U,a,٣,0,0,2\nt2,T,U,a,3,0,0,²\nt3,T,U,a,３,0,0,2"
    supplies = "item_id,name,category,stock,basis,per_unit\nw,Water,basic,١٠,parent,٣\nx,X,basic,10,parent,0.٥"
    points = f"{POINTS}\np1,Point 1,a,٣٩.٩,116.40,10,100,10"
    folder = write_scenario(tmp_path / "s", sessions_csv=sessions, teams_csv=teams, supplies_csv=supplies,
                            points_csv=points)
    code, _, stderr = run_cli("check", str(folder))
    assert code == 2
    assert lines_of(stderr) == [
        f"{folder}/points.csv, line 2, column lat: expected a number from -90 to 90, got '٣٩.٩'",
        f"{folder}/sessions.csv, line 2, column start: expected a time as HH:MM, got '٠٩:٠٠'",
        f"{folder}/sessions.csv, line 3, column start: expected a time as HH:MM, got '१५:००'",
        f"{folder}/supplies.csv, line 2, column per_unit: expected a number from 0 to 1,000,000, got '٣'",
        f"{folder}/supplies.csv, line 2, column stock: expected a whole number 0 or more, got '١٠'",
        f"{folder}/supplies.csv, line 3, column per_unit: expected a number from 0 to 1,000,000, got '0.٥'",
        f"{folder}/teams.csv, line 2, column volunteers: expected a whole number 0 or more, got '٣'",
        f"{folder}/teams.csv, line 3, column max_sessions: expected a whole number 1 or more, got '²'",
        "8 problem(s); nothing was written",
    ]


def test_foreign_digits_are_refused_in_the_command_line_and_settings(tmp_path: Path) -> None:
    for argument in ("٣", "²", "１"):
        with pytest.raises(SystemExit) as exit_:
            run_cli("generate", "--scale", argument, "--out", str(tmp_path / "g"))
        assert exit_.value.code == 2
    assert not (tmp_path / "g").exists()
    folder = write_scenario(tmp_path / "s", scenario_yaml="name: x\nsettings: {max_travel_km: ٣٥}\n")
    code, _, stderr = run_cli("check", str(folder))
    assert code == 2 and "settings.max_travel_km: expected a number, got '٣٥'" in stderr


# 9. Tracebacks with exit 1 ----------------------------------------------------------------------

def test_an_unreadable_scenario_folder_is_a_message(tmp_path: Path) -> None:
    # Root reads anything: the child runs as root without the capabilities that bypass permissions.
    without_override = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.getuid() == 0 else []
    if without_override and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be made to apply")
    folder = shutil.copytree(DEMO, tmp_path / "scenario")
    folder.chmod(0o000)
    try:
        for args in (["check", str(folder)], ["solve", str(folder), "--out", str(tmp_path / "plan")],
                     ["convert", str(folder), str(tmp_path / "book.xlsx")]):
            run = subprocess.run([*without_override, PYTHON, "-m", "planner.cli", *args], env=child_env(),
                                 capture_output=True, text=True, timeout=120)
            assert run.returncode == 2, run.stderr
            assert lines_of(run.stderr) == [f"{folder}: cannot be read (Permission denied)",
                                            "1 problem(s); nothing was written"]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario"]
    finally:
        folder.chmod(0o755)


def test_a_closed_pipe_after_the_plan_is_written_is_no_traceback(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    run = subprocess.Popen([PLANNER, "solve", str(DEMO), "--out", str(out)], env=child_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None and run.stderr is not None
    run.stdout.close()  # what `| head -0` does before the planner prints
    stderr = run.stderr.read().decode()
    assert run.wait(timeout=120) == 0, stderr
    assert stderr == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "assignments.csv", "distribution.csv", "explanations.csv", "plan.xlsx", "roster.csv", "shortfalls.csv",
        "summary.json", "why.csv"]


@pytest.mark.parametrize("args", [["--scale", "99999999999999999999"], ["--scale", "1", "--seed", "٣"],
                                  ["--scale", "1001"]])
def test_absurd_generate_arguments_are_a_usage_message(args: list[str], tmp_path: Path) -> None:
    run = subprocess.run([PLANNER, "generate", *args, "--out", str(tmp_path / "g")], env=child_env(),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.strip().split("\n")[-1].startswith("planner generate: error: argument --")
    assert not (tmp_path / "g").exists()


def test_the_library_refuses_absurd_scales() -> None:
    from planner.generate import generate_files

    with pytest.raises(ValueError, match="scale"):
        generate_files(99999999999999999999)


# 10. The folder swap ----------------------------------------------------------------------------

SWAPPER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from planner.io import textfiles

    target, signal_file, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

    def stop(what):
        signal_file.write_text(what)
        time.sleep(120)

    for name in ("replace", "rename"):
        real = getattr(os, name)
        def moved(src, dst, *args, _real=real, **kwargs):
            if when == "swap" and os.path.abspath(src) == str(target):
                stop("between the two renames")
            return _real(src, dst, *args, **kwargs)
        setattr(textfiles.os, name, moved)

    def write(tmp):
        (tmp / "summary.json").write_text("new")
        if when == "writing":
            stop("while writing")

    textfiles.write_folder_atomically(target, write, overwrite=True)
""")


def _run_and_kill(target: Path, when: str, tmp_path: Path) -> str:
    signal_file = tmp_path / f"signal-{when}"
    signal_file.unlink(missing_ok=True)
    child = subprocess.Popen([PYTHON, "-c", SWAPPER, str(target), str(signal_file), when], env=child_env())
    deadline = time.monotonic() + 60
    while child.poll() is None and not signal_file.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    stopped = signal_file.read_text() if signal_file.exists() else "finished"
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    return stopped


def test_a_run_killed_during_the_swap_leaves_a_whole_plan(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    target.mkdir()
    (target / "summary.json").write_text("old")
    stopped = _run_and_kill(target, "swap", tmp_path)
    assert target.is_dir(), f"the plan folder is missing after a kill {stopped}"
    assert (target / "summary.json").read_text() == "new"
    assert stopped == "finished"  # one atomic exchange: there is no moment between two renames


def test_leftovers_of_killed_runs_are_cleaned_up_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    target.mkdir()
    (target / "summary.json").write_text("old")
    assert _run_and_kill(target, "writing", tmp_path) == "while writing"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan.")]
    assert len(leftovers) == 1 and leftovers[0].startswith(".plan.partial-"), leftovers
    assert (target / "summary.json").read_text() == "old"
    code, _, stderr = run_cli("solve", str(DEMO), "--out", str(target), "--force")
    assert code == 0, stderr
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("signal-")) == ["plan"]


def test_a_live_run_keeps_its_partial_folder(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    signal_file = tmp_path / "signal-live"
    child = subprocess.Popen([PYTHON, "-c", SWAPPER, str(target), str(signal_file), "writing"], env=child_env())
    try:
        deadline = time.monotonic() + 60
        while not signal_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert run_cli("solve", str(DEMO), "--out", str(target), "--force")[0] == 0
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan.partial-")]
    finally:
        child.kill()
        child.wait(timeout=30)


def test_without_an_atomic_exchange_two_renames_and_a_killed_swap_is_repaired(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.io import textfiles

    monkeypatch.setattr(textfiles, "_exchange", lambda a, b: False)  # a system without renameat2
    target = tmp_path / "plan"
    run_cli("solve", str(DEMO), "--out", str(target))
    before = digest(target)
    assert run_cli("solve", str(DEMO), "--out", str(target), "--force")[0] == 0
    assert digest(target) == before and sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    # What a run killed between the two renames leaves: the old plan aside, no plan folder.
    dead = subprocess.run([PYTHON, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    aside = tmp_path / f".plan.old-{textfiles.run_tag(int(dead.stdout))}-x1y2z3"
    aside.mkdir()
    target.rename(aside / "plan")
    code, _, stderr = run_cli("solve", str(DEMO), "--out", str(target))
    assert code == 2 and "already holds files" in stderr  # the old plan is back, and kept without --force
    assert digest(target) == before and sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_the_exchange_is_atomic_on_this_system(tmp_path: Path) -> None:
    from planner.io import textfiles

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").mkdir()
    assert textfiles._exchange(tmp_path / "a", tmp_path / "b") is True
    assert (tmp_path / "b" / "x").read_text() == "a" and not list((tmp_path / "a").iterdir())


# 11. Ambiguous sheets ---------------------------------------------------------------------------

def test_a_hidden_table_sheet_beside_a_visible_copy_is_refused(tmp_path: Path) -> None:
    book = save_scenario(load_scenario(DEMO), tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(book)
    edited = workbook.copy_worksheet(workbook["teams"])
    edited.title = "teams (edit here)"
    edited["E2"] = 99
    workbook["teams"].sheet_state = "hidden"
    workbook.save(book)
    with pytest.raises(ScenarioError) as error:
        load_scenario(book)
    assert [str(p) for p in error.value.problems] == [
        "book.xlsx: the sheet 'teams' that is read is hidden, while the sheet 'teams (edit here)' is not read; "
        "keep one sheet for teams, named teams and shown"]
    workbook["teams"].sheet_state = "visible"
    workbook.save(book)
    assert load_scenario(book).teams["volunteers"].iloc[0] != 99  # shown: no ambiguity, the copy is noted


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from(["٣", "९", "১", "٠", "３", "3", "0", ":", ".", "²", "𝟗", "："]),
               min_size=1, max_size=6))
def test_foreign_digits_never_pass_as_numbers_or_times(text: str) -> None:
    import pandas as pd

    from planner.io.checks import _parse_column
    from planner.io.schema import TABLES

    foreign = any(not ch.isascii() and not "\uff01" <= ch <= "\uff5e" for ch in text)  # not full-width ASCII
    for table, name in (("teams", "volunteers"), ("sessions", "start"), ("points", "lat"), ("supplies", "per_unit")):
        column = next(c for c in TABLES[table] if c.name == name)
        _, problems = _parse_column(pd.Series([text]), column, f"{table}.csv", pd.Series([2]))
        if foreign:
            assert problems, (table, text)
