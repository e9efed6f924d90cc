"""Safe exports: formula-like text never runs in Excel or WPS, every name round-trips exactly,
nothing in a scenario is run as code, and nothing outside the scenario is read."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import load_scenario, solve
from planner.cli import main
from planner.exports.files import export_plan
from planner.io import save_scenario
from planner.io.textfiles import FORMULA_STARTS, parse_csv, write_csv
from planner.verify import verify_plan

from .conftest import write_scenario

# Ids and names an attacker, or an unlucky typist, might use; each starts a formula in Excel.
TEAM_IDS = ["=cmd|' /C calc'!A0", "-1", "+t", "@x", "t5", "t6"]
NAMES = ['=HYPERLINK("http://example.com","click")', "+86 10 1234 5678", "-2+3", "@SUM(1)",
         'Team "A", the first\nof two', "海淀区总工会志愿服务队，第一队"]


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def guarded(text: str) -> str:
    """As Excel saves text that starts like a formula: with an apostrophe in front."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A scenario whose ids and names look like formulas, with commas, quotes and line breaks."""
    header = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions"
    rows = [f"{guarded(team_id)},{quoted(name)},{quoted(NAMES[-1])},a,2,1,0,1" for team_id, name in zip(TEAM_IDS, NAMES,
                                                                                                   strict=True)]
    return write_scenario(
        tmp_path / "scenario", teams_csv="\n".join([header, *rows]),
        points_csv="point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
                   f"'=p1,{quoted(NAMES[0])},a,39.90,116.40,12,100,10",
        supplies_csv=f"item_id,name,category,stock,basis,per_unit\n'@pack,{quoted(NAMES[4])},pack,20,parent,0.25",
        needs_csv="point_id,session_id,role,volunteers\n'=p1,s1,general,10\n'=p1,s1,first_aid,2")


def cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_formula_like_ids_and_names_never_run_in_either_export(hostile: Path, tmp_path: Path) -> None:
    scenario = load_scenario(hostile)
    assert sorted(scenario.teams["team_id"]) == sorted(TEAM_IDS)
    assert scenario.points.loc[0, "point_id"] == "=p1"
    plan = solve(scenario)
    assert plan.summary["assigned"] == 12  # every team's two members at the one point
    out = export_plan(plan, tmp_path / "plan")
    for name in ("assignments.csv", "roster.csv", "shortfalls.csv", "distribution.csv"):
        for row in cells(out / name):
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), (name, cell)  # guarded with an apostrophe
    # Read back by the planner's reader (and by the independent checker) the ids are exact.
    table, problems = parse_csv((out / "assignments.csv").read_text(encoding="utf-8"), "assignments.csv")
    assert not problems and table is not None
    assert sorted({row[0] for row in table.rows}) == sorted(TEAM_IDS)
    assert verify_plan(hostile, out) == []
    workbook = openpyxl.load_workbook(out / "plan.xlsx")
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    assert set(TEAM_IDS) | {"=p1", NAMES[0], NAMES[3], NAMES[4]} <= texts  # shown exactly as written


def test_formula_like_text_in_a_scenario_workbook_stays_text(hostile: Path, tmp_path: Path) -> None:
    book = save_scenario(load_scenario(hostile), tmp_path / "hostile.xlsx")
    workbook = openpyxl.load_workbook(book)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    assert {c.value for c in workbook["teams"]["A"][1:]} == set(TEAM_IDS)
    again = load_scenario(book)
    original = load_scenario(hostile)
    for name in ("teams", "points", "supplies", "needs"):
        assert getattr(again, name).equals(getattr(original, name)), name


def test_names_round_trip_exactly_through_csv_and_xlsx(hostile: Path, tmp_path: Path) -> None:
    original = load_scenario(hostile)
    assert NAMES[4] in original.teams["name"].tolist() and NAMES[5] in original.teams["union"].tolist()
    for target in (tmp_path / "folder", tmp_path / "book.xlsx"):
        again = load_scenario(save_scenario(original, target))
        for name in ("teams", "points", "supplies"):
            assert getattr(again, name).equals(getattr(original, name)), (target, name)


ID_BREAKS = "[\t\n\r\x85\u2028\u2029]"
# Any text a person could type in a cell: every printable character, spaces inside, line breaks.
typed_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t,\"'=+-@"),
                     max_size=20).map(str.strip)


@pytest.mark.slow
@settings(max_examples=300)
@given(rows=st.lists(st.lists(typed_text, min_size=3, max_size=3), min_size=1, max_size=5))
def test_any_text_round_trips_through_the_csv_files(rows: list[list[str]],
                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("csv") / "table.csv"
    write_csv(path, ["a", "b", "c"], rows)
    table, problems = parse_csv(path.read_text(encoding="utf-8"), "table.csv")
    assert not problems and table is not None
    kept = [row for row in rows if any(row)]  # a row of empty cells is a blank line
    assert table.rows == kept
    for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


@pytest.mark.slow
@settings(max_examples=25)
@given(names=st.lists(typed_text.filter(bool), min_size=1, max_size=4, unique=True))
def test_any_team_id_and_name_round_trip_through_a_workbook(names: list[str],
                                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("book")
    header = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions"
    # An id may hold anything typed but a tab or a line break (docs/scenario-format.md); a name anything.
    ids = [f"{i}{re.sub(ID_BREAKS, '', name)}" for i, name in enumerate(names)]
    rows = [f"{quoted(team_id)},{quoted(name)},U,a,2,0,0,1" for team_id, name in zip(ids, names, strict=True)]
    folder = write_scenario(root / "typed", teams_csv="\n".join([header, *rows]))
    original = load_scenario(folder)
    again = load_scenario(save_scenario(original, root / "book.xlsx"))
    assert again.teams.equals(original.teams)


def test_scenario_content_is_never_run_as_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    folder = write_scenario(tmp_path / "scenario",
                            scenario_yaml=f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    assert main(["check", str(folder)]) == 2
    book = tmp_path / "book.xlsx"
    save_scenario(load_scenario(write_scenario(tmp_path / "plain")), book)
    workbook = openpyxl.load_workbook(book)
    workbook["scenario"].append(["settings.hook", f"!!python/object/apply:os.system ['touch {marker}']"])
    workbook["teams"].append(["t9", f'=CALL("os","system","touch {marker}")', "U", "a", 1, 0, 0, 1])
    workbook.save(book)
    assert main(["check", str(book)]) == 2  # the formula has no saved result: reported, never evaluated
    assert not marker.exists()


def test_only_the_contract_files_inside_the_folder_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("team_id,name\n", encoding="utf-8")
    folder = write_scenario(tmp_path / "scenario", scenario_yaml=(
        f"name: x\nsources: [{secret}, ../secret.csv]\nsettings:\n  teams_file: {secret}\ninclude: ../secret.csv\n"))
    read: list[Path] = []
    original = Path.read_bytes

    def recording(self: Path) -> bytes:
        read.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", recording)
    load_scenario(folder)
    assert read and all(path.resolve().parent == folder.resolve() for path in read)
    assert {path.name for path in read} == {"scenario.yaml", "districts.csv", "sessions.csv", "points.csv",
                                            "teams.csv", "supplies.csv"}


def test_workbooks_are_parsed_safe_from_xml_bombs() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # defusedxml is a dependency, and openpyxl parses through it


def test_option_names_that_look_like_formulas_stay_text_in_a_comparison(tmp_path: Path) -> None:
    """Option names are typed by planners and become column headers of the comparison sheet."""
    from planner.exports.compare import write_comparison

    from .conftest import SCENARIOS

    scenario = load_scenario(SCENARIOS / "demo-small")
    names = ['=HYPERLINK("http://example.com","click")', "+20% volunteers"]
    path = write_comparison({names[0]: solve(scenario), names[1]: solve(scenario, availability=0.5)},
                            tmp_path / "comparison.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    headers = {cell.value: cell.data_type for cell in sheet[1]}
    assert all(headers.get(name) == "s" for name in names), headers
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_ids_never_make_staff_exports_write_outside_their_folder(tmp_path: Path) -> None:
    """Districts and points give the file names of the bundle's workbooks and duty sheets."""
    from planner.exports.bundle import export_bundle

    ids = {"districts": ["../../escaped", "CON"], "points": ["../../../escaped", "a/b", "A", "a", "dc-1"]}
    districts = "district_id,name_zh,name_en,lat,lon\n" + "\n".join(
        f"{d},区{i},D{i},39.9,116.4" for i, d in enumerate(ids["districts"]))
    points = "point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n" + "\n".join(
        f"{p},P{i},{ids['districts'][i % 2]},39.9,116.4,4,100,10" for i, p in enumerate(ids["points"]))
    teams = ("team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions\n"
             "t1,T,U,../../escaped,20,5,0,1\nt2,T,U,CON,20,5,0,1")
    folder = write_scenario(tmp_path / "scenario", districts_csv=districts, points_csv=points, teams_csv=teams)
    bundle = export_bundle(solve(load_scenario(folder)), tmp_path / "exports" / "bundle")
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and "scenario" not in p.parts)
    assert all(p.resolve().is_relative_to(bundle.folder.resolve()) for p in written), written
    assert len(list((bundle.folder / "duty-sheets").glob("*.pdf"))) == len(ids["points"])
    assert len({p.name.casefold() for p in (bundle.folder / "duty-sheets").iterdir()}) == len(ids["points"])
    assert all(p.exists() for p in bundle.district_workbooks) and len(bundle.district_workbooks) == 2
    assert (bundle.folder / "duty-sheets" / "dc-1.pdf").exists()  # plain ids keep plain names
