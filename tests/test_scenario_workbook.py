"""Scenarios as .xlsx workbooks: folder -> workbook -> folder without loss, solving a workbook,
cells typed in Excel (numbers as floats, dates, formulas), and clear messages for bad sheets."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from planner import ScenarioError, load_scenario
from planner.io import save_scenario
from planner.io.convert import convert_scenario
from planner.io.scenario import Scenario
from planner.io.schema import TABLES

from .conftest import BEIJING, SCENARIOS, write_scenario
from .helpers import digest, run_cli

TABLE_NAMES = tuple(TABLES)






def table_text(path: Path) -> tuple[list[str], list[list[str]]]:
    """A CSV file as the planner reads it: header, and rows of trimmed text without a formula guard."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [[cell.strip() for cell in row] for row in csv.reader(handle) if any(c.strip() for c in row)]
    unguard = [[c[1:] if re.match(r"'[=+\-@']", c) else c for c in row] for row in rows[1:]]
    return rows[0], sorted(unguard)


def assert_same_scenario(a: Scenario, b: Scenario) -> None:
    for name in ("districts", "sessions", "points", "teams", "supplies", "needs", "availability"):
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.config == b.config
    assert a.needs_from_file == b.needs_from_file


@pytest.mark.parametrize("name", ["demo-small", "beijing-2023"])
def test_folder_to_workbook_and_back_keeps_every_table(name: str, tmp_path: Path) -> None:
    source = SCENARIOS / name
    book = convert_scenario(source, tmp_path / f"{name}.xlsx")
    back = convert_scenario(book, tmp_path / "back")
    assert sorted(p.name for p in back.iterdir()) == sorted(p.name for p in source.iterdir())
    for csv_file in source.glob("*.csv"):
        assert table_text(back / csv_file.name) == table_text(csv_file), csv_file.name
    assert_same_scenario(load_scenario(back), load_scenario(source))
    assert_same_scenario(load_scenario(book), load_scenario(source))
    assert (back / "scenario.yaml").read_bytes() == (source / "scenario.yaml").read_bytes()  # as written


@pytest.mark.parametrize("name", ["demo-small", pytest.param("beijing-2023", marks=pytest.mark.slow)])
def test_a_folder_written_by_the_planner_comes_back_byte_identical(name: str, tmp_path: Path) -> None:
    saved = save_scenario(load_scenario(SCENARIOS / name), tmp_path / "saved")
    book = convert_scenario(saved, tmp_path / "book.xlsx")
    back = convert_scenario(book, tmp_path / "back")
    assert digest(back) == digest(saved)
    again = convert_scenario(back, tmp_path / "again.xlsx")
    assert again.read_bytes() == book.read_bytes()
    # Saving the scenario as a workbook directly writes the same bytes.
    direct = save_scenario(load_scenario(SCENARIOS / name), tmp_path / "direct.xlsx")
    assert direct.read_bytes() == book.read_bytes()


@pytest.mark.slow
def test_solving_the_workbook_gives_the_plan_of_the_folder(tmp_path: Path) -> None:
    book = tmp_path / "beijing.xlsx"
    assert run_cli("convert", str(BEIJING), str(book))[0] == 0
    assert run_cli("check", str(book))[0] == 0
    assert run_cli("solve", str(book), "--out", str(tmp_path / "from-book"))[0] == 0
    assert run_cli("solve", str(BEIJING), "--out", str(tmp_path / "from-folder"))[0] == 0
    assert digest(tmp_path / "from-book") == digest(tmp_path / "from-folder")
    code, stdout, _ = run_cli("verify", str(book), str(tmp_path / "from-book"))
    assert code == 0, stdout


TRICKY = {
    "ids": ["007", "1e3", "-5", "=SUM(A1)", "TRUE", "0x1F"],
    "names": ['=HYPERLINK("http://example.com","click")', "+86 10 1234", "-minus", "@home",
              "'=already guarded", 'comma, "quotes"\nand a new line', "海淀区总工会志愿服务队", "  "],
}


def tricky_scenario(root: Path) -> Path:
    """Ids that look like numbers or formulas, names with every character CSV and Excel find hard."""
    ids, names = TRICKY["ids"], TRICKY["names"]
    rows = [f'{team_id},"{name.replace(chr(34), chr(34) * 2)}",U,a,3,1,0,2'
            for team_id, name in zip(ids, names, strict=False)]
    folder = write_scenario(root, teams_csv="team_id,name,union,district_id,volunteers,first_aid,counsellors,"
                                             "max_sessions\n" + "\n".join(rows))
    saved = save_scenario(load_scenario(folder), root.parent / "tricky")  # the planner guards formula-like text
    return saved


def test_ids_and_names_stay_exactly_as_written(tmp_path: Path) -> None:
    folder = tricky_scenario(tmp_path / "typed")
    book = convert_scenario(folder, tmp_path / "tricky.xlsx")
    sheet = openpyxl.load_workbook(book)["teams"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert sorted(cells) == sorted(TRICKY["ids"])  # text, not 7, 1000.0, -5 or a formula
    for row in sheet.iter_rows(min_row=2):
        for cell in row[:4]:
            assert cell.data_type == "s" and cell.number_format == "@", cell.coordinate
    assert sheet.column_dimensions["A"].number_format == "@"  # what staff type there later stays text too
    # Each name as the planner reads the CSV file (an apostrophe before "=" there only guards it).
    assert sorted(cell.value or "" for cell in cells.values()) == sorted(load_scenario(folder).teams["name"])
    assert {"=already guarded", 'comma, "quotes"\nand a new line', "-minus"} <= {c.value for c in cells.values()}
    back = convert_scenario(book, tmp_path / "back")
    assert digest(back) == digest(folder)
    assert load_scenario(back).teams["name"].tolist() == load_scenario(folder).teams["name"].tolist()


def fill_formula_results(book: Path, results: dict[str, str]) -> None:
    """Give formula cells the results Excel would save with them (openpyxl saves none)."""
    with zipfile.ZipFile(book) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            text = data.decode()
            for ref, value in results.items():
                text = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/>', rf"\g<1>\g<2><v>{value}</v>", text)
            parts[name] = text.encode()
    with zipfile.ZipFile(book, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def edit(book: Path, change) -> None:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(book)
    change(workbook)
    workbook.save(book)


@pytest.fixture
def demo_book(tmp_path: Path) -> Path:
    return convert_scenario(SCENARIOS / "demo-small", tmp_path / "demo.xlsx")


def test_cells_as_excel_types_them_are_read(demo_book: Path) -> None:
    def change(workbook: openpyxl.Workbook) -> None:
        teams, sessions, scenario = workbook["teams"], workbook["sessions"], workbook["scenario"]
        teams["E2"] = 5.0  # Excel hands back whole numbers as floats too
        teams["F2"] = "=2-1"  # a formula: its saved result is read, never evaluated here
        sessions["B2"] = dt.datetime(2023, 6, 7)  # typed as a date in Excel
        sessions["C2"] = dt.time(9, 0)
        sessions["D2"] = dt.datetime(1899, 12, 30, 11, 30)  # a time, as some writers give it
        scenario["B5"] = "１５"  # settings.max_travel_km with full-width digits

    edit(demo_book, change)
    fill_formula_results(demo_book, {"F2": "1"})
    scenario = load_scenario(demo_book)
    team = scenario.teams.set_index("team_id").loc["dc-union"]
    assert (team["volunteers"], team["first_aid"]) == (5, 1)
    assert scenario.sessions.loc[0, ["date", "start", "end"]].tolist() == ["2023-06-07", "09:00", "11:30"]
    assert scenario.max_travel_km == 15
    assert_same_scenario(scenario, load_scenario(SCENARIOS / "demo-small"))


def test_settings_kept_for_other_tools_survive_the_round_trip(tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "scenario", scenario_yaml=(
        "name: 2024\nsources: one source\nsettings:\n  max_travel_km: 20\n  region: north\n"
        "  levels: [1, 2]\nowner: {name: 工会, phone: '010'}\ntags: [a, 'yes']\nneeds:\n  counsellor: {}\n"))
    book = convert_scenario(folder, tmp_path / "book.xlsx")
    back = convert_scenario(book, tmp_path / "back")
    config = load_scenario(back).config
    assert config == load_scenario(folder).config
    assert config.name == "2024" and config.sources == ["one source"]
    assert config.settings.model_extra == {"region": "north", "levels": [1, 2]}
    assert config.model_extra == {"owner": {"name": "工会", "phone": "010"}, "tags": ["a", "yes"]}


def test_an_empty_needs_sheet_means_no_needs_and_no_sheet_means_the_rules(tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "scenario", needs_csv="point_id,session_id,role,volunteers")
    book = convert_scenario(folder, tmp_path / "book.xlsx")
    assert "needs" in openpyxl.load_workbook(book).sheetnames
    scenario = load_scenario(book)
    assert scenario.needs_from_file and scenario.needs.empty
    without = convert_scenario(write_scenario(tmp_path / "rules"), tmp_path / "rules.xlsx")
    assert "needs" not in openpyxl.load_workbook(without).sheetnames
    assert not load_scenario(without).needs.empty


BAD_SHEETS = {
    "wrong type": (lambda wb: wb["teams"].__setitem__("E2", "abc"),
                   "demo.xlsx, sheet teams, line 2, column volunteers (E): expected a whole number 0 or more, "
                   "got 'abc'"),
    "negative count": (lambda wb: wb["supplies"].__setitem__("D3", -4),
                       "demo.xlsx, sheet supplies, line 3, column stock (D): expected a whole number 0 or more, "
                       "got '-4'"),
    "unknown reference": (lambda wb: wb["points"].__setitem__("C4", "xicheng"),
                          "demo.xlsx, sheet points, line 4, column district_id (C): 'xicheng' is not a district_id "
                          "in demo.xlsx, sheet districts"),
    "duplicate id": (lambda wb: wb["teams"].__setitem__("A3", "dc-union"),
                     "demo.xlsx, sheet teams, line 3, column team_id (A): repeats team_id='dc-union', already on "
                     "line 2"),
    "unknown category": (lambda wb: wb["supplies"].__setitem__("C2", "food"),
                         "demo.xlsx, sheet supplies, line 2, column category (C): expected one of basic, emergency, "
                         "leisure, emotional, pack, got 'food'"),
    "missing sheet": (lambda wb: wb.remove(wb["teams"]),
                      "demo.xlsx: has no sheet 'teams'; it is required (columns: team_id, name, union, district_id, "
                      "volunteers, first_aid, counsellors, max_sessions)"),
    "missing column": (lambda wb: wb["points"].delete_cols(8),
                       "demo.xlsx, sheet points, line 1, column frontline_staff: is missing from the header"),
    "value without a header": (lambda wb: wb["teams"].__setitem__("J3", "note"),
                               "demo.xlsx, sheet teams, line 3, column J: holds 'note' but its column has no header; "
                               "name the column in row 1 or clear the cell"),
    "formula without a result": (lambda wb: wb["teams"].__setitem__("E2", "=B9*2"),
                                 "demo.xlsx, sheet teams, line 2, column E: holds the formula =B9*2 without a saved "
                                 "result; open the workbook in Excel or WPS and save it, or type the value"),
    "two sheets for one table": (lambda wb: wb.create_sheet("Teams "),
                                 "demo.xlsx: has two sheets for teams ('teams' and 'Teams '); keep one"),
    "setting out of range": (lambda wb: wb["scenario"].__setitem__("B18", 3),
                             "demo.xlsx, sheet scenario, line 18, column value: weights.fairness: expected a number "
                             "1 or less, got 3"),
    "unknown setting": (lambda wb: wb["scenario"].__setitem__("A18", "weights.fairnes"),
                        "demo.xlsx, sheet scenario, line 18, column value: weights.fairnes: is not a known key here"),
    "setting twice": (lambda wb: wb["scenario"].append(["weights.travel", 0.5]),
                      "demo.xlsx, sheet scenario, line 21, column key: weights.travel appears twice (also on line "
                      "20); keep one"),
    "no name": (lambda wb: wb["scenario"].delete_rows(2),
                "demo.xlsx, sheet scenario, column key: name: is missing; it is required"),
    "no scenario sheet": (lambda wb: wb.remove(wb["scenario"]),
                          "demo.xlsx: has no sheet 'scenario'; it holds the scenario's name and settings (key and "
                          "value columns)"),
}


@pytest.mark.parametrize("kind", list(BAD_SHEETS))
def test_bad_sheets_are_reported_with_sheet_row_and_column(kind: str, demo_book: Path, tmp_path: Path) -> None:
    change, expected = BAD_SHEETS[kind]
    edit(demo_book, change)
    out = tmp_path / "plan"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    for command in (["check", str(demo_book)], ["solve", str(demo_book), "--out", str(out), "--force"],
                    ["convert", str(demo_book), str(tmp_path / "folder")]):
        code, stdout, stderr = run_cli(*command)
        assert code == 2, stderr
        assert f"{demo_book.parent}/{expected}" in stderr.splitlines(), stderr
        assert "Traceback" not in stdout + stderr
    assert digest(out) == {"keep.txt": hashlib.sha256(b"mine").hexdigest()}
    assert not (tmp_path / "folder").exists()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(demo_book)
    assert expected in [str(p) for p in caught.value.problems]


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "teams.xlsx"
    fake.write_text("team_id,name\n", encoding="utf-8")
    code, _, stderr = run_cli("check", str(fake))
    assert code == 2
    assert stderr.startswith(f"{tmp_path}/teams.xlsx: is not an .xlsx workbook (an old .xls, a password-protected "
                             "workbook or another file renamed?)")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really")
    code, _, stderr = run_cli("check", str(broken))
    assert code == 2 and "broken.xlsx: cannot be read as an .xlsx workbook" in stderr
    assert "Traceback" not in stderr


def test_comments_in_scenario_yaml_come_back_unless_the_sheet_was_edited(tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "mine", scenario_yaml="# Written by hand\nname: mine  # short\n"
                                                               "settings:\n  max_travel_km: 20  # on foot\n")
    (folder / "README.md").write_text("notes for the office")
    book = tmp_path / "mine.xlsx"
    code, _, stderr = run_cli("convert", str(folder), str(book))
    assert code == 0
    assert stderr.strip() == "note: not part of the scenario, so not in the workbook: README.md"
    assert openpyxl.load_workbook(book)["scenario.yaml"].sheet_state == "hidden"
    assert run_cli("check", str(book))[2] == ""  # the hidden sheet is the scenario's own, not "not read"
    back = convert_scenario(book, tmp_path / "back")
    assert (back / "scenario.yaml").read_text(encoding="utf-8") == (folder / "scenario.yaml").read_text(
        encoding="utf-8")

    def travel_40(workbook: openpyxl.Workbook) -> None:
        sheet = workbook["scenario"]
        row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "settings.max_travel_km")
        row[1].value = 40

    edit(book, travel_40)  # a planner changes a setting in Excel: the sheet wins, written out in full
    edited = convert_scenario(book, tmp_path / "edited")
    text = (edited / "scenario.yaml").read_text(encoding="utf-8")
    assert "max_travel_km: 40" in text and "# on foot" not in text
    assert load_scenario(edited).config.settings.max_travel_km == 40


def test_other_sheets_are_noted_not_read(demo_book: Path) -> None:
    edit(demo_book, lambda wb: wb.create_sheet("my notes").append(["anything", "=1/0"]))
    code, _, stderr = run_cli("check", str(demo_book))
    assert code == 0
    assert "note: demo.xlsx: sheet 'my notes' is not part of a scenario and was not read" in stderr


def test_convert_never_overwrites_without_force_and_writes_whole_files(demo_book: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = demo_book.read_bytes()
    code, _, stderr = run_cli("convert", str(BEIJING), str(demo_book))
    assert code == 2 and "already exists; pass --force" in stderr
    assert demo_book.read_bytes() == before

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("planner.io.workbook_write.save_workbook", fail)
    code, _, stderr = run_cli("convert", str(BEIJING), str(demo_book), "--force")
    assert code == 2 and "cannot write (No space left on device); nothing was written" in stderr
    assert demo_book.read_bytes() == before
    assert sorted(p.name for p in demo_book.parent.iterdir()) == ["demo.xlsx"]  # no partial file left
    monkeypatch.undo()
    assert run_cli("convert", str(BEIJING), str(demo_book), "--force")[0] == 0
    assert load_scenario(demo_book).name.startswith("Beijing")

    folder = tmp_path / "folder"
    shutil.copytree(SCENARIOS / "demo-small", folder)
    code, _, stderr = run_cli("convert", str(demo_book), str(folder))
    assert code == 2 and load_scenario(folder).name.startswith("Demo")
    code, _, stderr = run_cli("convert", str(folder / "scenario.yaml"), str(tmp_path / "x.xlsx"))
    assert code == 2 and not (tmp_path / "x.xlsx").exists()
    code, _, stderr = run_cli("convert", str(folder), str(tmp_path), "--force")
    assert code == 2 and "holds the scenario" in stderr and folder.exists()
