"""Every kind of bad input gets a clear message, from the command line and from the library.

Each case writes a tiny scenario with one mistake, runs ``planner check`` and ``planner solve``
(into a plan folder that already holds a plan, with ``--force``) and asserts: exit 2, the
exact line naming file, line and column, no traceback, and the plan folder untouched. The
library raises :class:`ScenarioError` carrying the same problems.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from planner import ScenarioError, load_scenario
from planner.exports.files import export_plan

from .helpers import digest, run_cli

TEAMS = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions"
SUPPLIES = "item_id,name,category,stock,basis,per_unit"
NEEDS = "point_id,session_id,role,volunteers"
AVAILABILITY = "team_id,session_id,volunteers"


@dataclass
class Case:
    """A scenario with one kind of mistake and the problem lines it must give."""

    files: dict[str, str | bytes | None]
    expected: list[str]
    links: dict[str, str] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "missing file": Case({"teams.csv": None}, [
        "teams.csv: is missing; it is required (columns: team_id, name, union, district_id, volunteers, "
        "first_aid, counsellors, max_sessions)"]),
    "missing scenario.yaml": Case({"scenario.yaml": None}, [
        "scenario.yaml: is missing; it must hold at least 'name: ...'"]),
    "missing column": Case({"points.csv": "point_id,name,district_id,lat,lon,capacity,parents\n"
                                          "p1,P,a,39.9,116.4,10,100\n"}, [
        "points.csv, line 1, column frontline_staff: is missing from the header"]),
    "column named another way": Case({"teams.csv": TEAMS.replace("team_id", "Team ID") + "\nt1,T,U,a,3,0,0,2\n"}, [
        "teams.csv, line 1, column team_id: is missing from the header (the header has 'Team ID': write it team_id)"]),
    "wrong type": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,abc,0,0,2\n"}, [
        "teams.csv, line 2, column volunteers: expected a whole number 0 or more, got 'abc'"]),
    "fraction where a whole number goes": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,2.5,0,0,2\n"}, [
        "teams.csv, line 2, column volunteers: expected a whole number 0 or more, got '2.5'"]),
    "not a number": Case({"points.csv": "point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
                                        "p1,P,a,north,116.4,10,100,nan\n"}, [
        "points.csv, line 2, column frontline_staff: expected a whole number 0 or more, got 'nan'",
        "points.csv, line 2, column lat: expected a number from -90 to 90, got 'north'"]),
    "negative count": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,-1,0,0,2\n",
                            "supplies.csv": f"{SUPPLIES}\nwater,Water,basic,-5,parent,2\n"}, [
        "supplies.csv, line 2, column stock: expected a whole number 0 or more, got '-5'",
        "teams.csv, line 2, column volunteers: expected a whole number 0 or more, got '-1'"]),
    "absurdly large count": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,99999999999999999999,0,0,2\n"}, [
        "teams.csv, line 2, column volunteers: expected a whole number up to 1,000,000,000 (a typing mistake?), "
        "got '99999999999999999999'"]),
    "unknown district of a team": Case({"teams.csv": f"{TEAMS}\nt1,T,U,zz,3,0,0,2\n"}, [
        "teams.csv, line 2, column district_id: 'zz' is not a district_id in districts.csv"]),
    "unknown point and session of a need": Case({"needs.csv": f"{NEEDS}\np9,s9,general,2\n"}, [
        "needs.csv, line 2, column point_id: 'p9' is not a point_id in points.csv",
        "needs.csv, line 2, column session_id: 's9' is not a session_id in sessions.csv"]),
    "unknown team and session of availability": Case({"availability.csv": f"{AVAILABILITY}\nt9,s9,1\n"}, [
        "availability.csv, line 2, column session_id: 's9' is not a session_id in sessions.csv",
        "availability.csv, line 2, column team_id: 't9' is not a team_id in teams.csv"]),
    "duplicate id": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,3,0,0,2\nt1,T again,U,b,2,0,0,1\n"}, [
        "teams.csv, line 3, column team_id: repeats team_id='t1', already on line 2"]),
    "duplicate need": Case({"needs.csv": f"{NEEDS}\np1,s1,general,2\np1,s1,general,3\n"}, [
        "needs.csv, line 3: repeats point_id='p1', session_id='s1', role='general', already on line 2"]),
    "more first-aiders than members": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,3,5,4,2\n"}, [
        "teams.csv, line 2, column counsellors: 4 counsellors is more than the team's 3 volunteers",
        "teams.csv, line 2, column first_aid: 5 first-aiders is more than the team's 3 volunteers"]),
    "more available than members": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,3,0,0,2\n",
                                         "availability.csv": f"{AVAILABILITY}\nt1,s1,4\n"}, [
        "availability.csv, line 2, column volunteers: 4 free is more than team t1's 3 volunteers"]),
    "unknown role": Case({"needs.csv": f"{NEEDS}\np1,s1,driver,2\n"}, [
        "needs.csv, line 2, column role: expected one of general, first_aid, counsellor, got 'driver'"]),
    "unknown category and basis": Case({"supplies.csv": f"{SUPPLIES}\nwater,Water,drinks,5,person,2\n"}, [
        "supplies.csv, line 2, column basis: expected one of parent, staff, point, got 'person'",
        "supplies.csv, line 2, column category: expected one of basic, emergency, leisure, emotional, pack, "
        "got 'drinks'"]),
    "bad per_unit": Case({"supplies.csv": f"{SUPPLIES}\nwater,Water,basic,5,parent,1/3\n"}, [
        "supplies.csv, line 2, column per_unit: expected a number from 0 to 1,000,000, got '1/3'"]),
    "bad date and time": Case({"sessions.csv": "session_id,date,start,end\ns1,2023/6/7,9h,11:30\n"}, [
        "sessions.csv, line 2, column date: expected a date as YYYY-MM-DD, got '2023/6/7'",
        "sessions.csv, line 2, column start: expected a time as HH:MM, got '9h'"]),
    "session ends before it starts": Case({"sessions.csv": "session_id,date,start,end\ns1,2023-06-07,11:30,09:00\n"}, [
        "sessions.csv, line 2, column end: the session ends at 09:00, not after it starts at 11:30"]),
    "empty file": Case({"districts.csv": ""}, [
        "districts.csv: is empty; expected a header row and data rows"]),
    "empty id": Case({"teams.csv": f"{TEAMS}\n,T,U,a,3,0,0,2\n"}, [
        "teams.csv, line 2, column team_id: expected an id (text that is not empty), got an empty cell"]),
    "ragged row": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,3,0,0\n"}, [
        "teams.csv, line 2: has 7 values but the header has 8 columns"]),
    "ragged row that others refer to": Case({"districts.csv": "district_id,name_zh,name_en,lat,lon\n"
                                                             "a,甲区,A,39.90,116.40,extra\nb,乙区,B,39.90,116.50\n"}, [
        "districts.csv, line 2: has 6 values but the header has 5 columns"]),  # and no 'a' is unknown
    "a quote never closed": Case({"teams.csv": f'{TEAMS}\nt1,"T,U,a,3,0,0,2\nt2,T,U,a,3,0,0,2\nt3,T,U,a,3,0,0,2\n'}, [
        'teams.csv, line 2: is not valid CSV: a quote (") opens a cell on this line and is never closed']),
    "a point that wants more than a trillion": Case({
        "points.csv": "point_id,name,district_id,lat,lon,capacity,parents,frontline_staff\n"
                      "p1,P,a,39.9,116.4,10,1000000000,10\n",
        "supplies.csv": f"{SUPPLIES}\nwater,Water,basic,5,parent,5000\n"}, [
        "supplies.csv, line 2, column per_unit: 5000 per parent makes one point want 5,000,000,000,000 units, "
        "more than 1,000,000,000,000 (a typing mistake?)"]),
    "column twice in the header": Case({"teams.csv": f"{TEAMS},name\nt1,T,U,a,3,0,0,2,T2\n"}, [
        "teams.csv, line 1, column name: the column appears twice in the header"]),
    "broken quoting": Case({"teams.csv": f'{TEAMS}\nt1,"T"x,U,a,3,0,0,2\n'}, [
        "teams.csv, line 2: is not valid CSV (',' expected after '\"')"]),
    "semicolons": Case({"teams.csv": TEAMS.replace(",", ";") + "\nt1;T;U;a;3;0;0;2\n"}, [
        "teams.csv, line 1: the columns are separated by semicolons, expected commas; in Excel choose Save As > "
        "'CSV UTF-8 (Comma delimited)'"]),
    "control character": Case({"teams.csv": f"{TEAMS}\nt1,T\x07,U,a,3,0,0,2\n"}, [
        "teams.csv, line 2, column name: holds the invisible control character U+0007, which Excel cannot store; "
        "delete it"]),
    "malformed yaml": Case({"scenario.yaml": "name: x\nweights: {fairness: 1\n"}, [
        "scenario.yaml, line 3, column 1: is not valid YAML (expected ',' or '}', but got '<stream end>')"]),
    "yaml of the wrong kind": Case({"scenario.yaml": "- name: x\n"}, [
        "scenario.yaml: must be a mapping of keys, with at least 'name: ...'"]),
    "yaml values out of range": Case({"scenario.yaml": "name: x\nsettings:\n  max_travel_km: -5\nweights:\n"
                                                       "  fairness: 3\n  travle: 1\n"}, [
        "scenario.yaml, line 3, column settings.max_travel_km: expected a number above 0, got -5",
        "scenario.yaml, line 5, column weights.fairness: expected a number 1 or less, got 3",
        "scenario.yaml, line 6, column weights.travle: is not a known key here"]),
    "yaml key twice": Case({"scenario.yaml": "name: x\nsettings:\n  max_travel_km: 10\n  max_travel_km: 50\n"}, [
        "scenario.yaml, line 4, column settings.max_travel_km: appears twice (also on line 3); keep one"]),
    "yaml without a name": Case({"scenario.yaml": "description: no name\n"}, [
        "scenario.yaml, line 1, column name: is missing; it is required"]),
    "yaml that would run code": Case({"scenario.yaml": "name: !!python/object/apply:os.system ['touch pwned']\n"}, [
        "scenario.yaml, line 1, column 7: is not valid YAML (could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system')"]),
    "yaml aliases": Case({"scenario.yaml": "name: x\na: &a [1, 1, 1]\nb: [*a, *a, *a]\n"}, [
        "scenario.yaml, line 3, column 5: uses the YAML alias *a, which the planner does not read; "
        "write the value out in full"]),
    "latin-1 text": Case({"teams.csv": f"{TEAMS}\nt1,Zürich ÿþ,U,a,3,0,0,2\n".encode("latin-1")}, [
        "teams.csv, line 2: holds bytes that are neither UTF-8 nor GBK/GB18030 text; save the file as 'CSV UTF-8'"]),
    "one latin-1 line in a utf-8 file": Case({"teams.csv": (
        f"{TEAMS}\nt1,东城区志愿队,U,a,3,0,0,2\nt2,西城区志愿队,U,a,3,0,0,2\n".encode()
        + "t3,Zürich,U,a,3,0,0,2\n".encode("latin-1"))}, [
        "teams.csv, line 4: holds bytes that are not UTF-8 text, though the file before them is; retype what is on "
        "this line, or save the file again as 'CSV UTF-8'"]),
    "utf-16 text": Case({"teams.csv": f"{TEAMS}\nt1,T,U,a,3,0,0,2\n".encode("utf-16")}, [
        "teams.csv: is UTF-16 or binary, not text the planner reads; in Excel choose Save As > "
        "'CSV UTF-8 (Comma delimited)'"]),
    "undecodable yaml": Case({"scenario.yaml": "name: Zürich\xff\n".encode("latin-1")}, [
        "scenario.yaml, line 1: holds bytes that are neither UTF-8 nor GBK/GB18030 text; save the file as "
        "'CSV UTF-8'"]),
    "a link to a file outside the folder": Case({"teams.csv": None}, [
        "teams.csv: points outside the scenario folder"], links={"teams.csv": "../outside/teams.csv"}),
    "a folder where a file goes": Case({"supplies.csv": None}, [
        "supplies.csv: is not a file"], links={"supplies.csv/": ""}),
}


def write_case(root: Path, case: Case) -> Path:
    from .conftest import write_scenario

    folder = write_scenario(root / "scenario", **{name.replace(".", "_"): None for name in case.files})
    for name, content in case.files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        elif isinstance(content, str):
            (folder / name).write_text(content, encoding="utf-8")
    outside = root / "outside"
    outside.mkdir()
    (outside / "teams.csv").write_text(f"{TEAMS}\n", encoding="utf-8")
    for name, target in case.links.items():
        if name.endswith("/"):
            (folder / name).mkdir()
        else:
            os.symlink(target, folder / name)
    return folder






@pytest.fixture(scope="module")
def old_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan folder from an earlier run, which a failed run must leave exactly as it is."""
    from .conftest import SCENARIOS

    folder = tmp_path_factory.mktemp("old") / "plan"
    code, _, err = run_cli("solve", str(SCENARIOS / "demo-small"), "--out", str(folder))
    assert code == 0, err
    return folder


@pytest.mark.parametrize("kind", list(CASES))
def test_bad_input_is_reported_with_file_line_and_column(kind: str, tmp_path: Path, old_plan: Path) -> None:
    case = CASES[kind]
    folder = write_case(tmp_path, case)
    before = digest(old_plan)
    for command in (["check", str(folder)], ["solve", str(folder), "--out", str(old_plan), "--force"]):
        code, stdout, stderr = run_cli(*command)
        assert code == 2, (command, stderr)
        lines = stderr.splitlines()
        for expected in case.expected:
            assert f"{folder}/{expected}" in lines, f"{expected!r} not in:\n{stderr}"
        assert lines[-1].endswith("problem(s); nothing was written")
        assert "Traceback" not in stderr + stdout
    assert digest(old_plan) == before
    assert not list(old_plan.parent.glob(".plan.*"))  # no half-written folder left beside it
    # The library raises one exception carrying the same problems.
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    found = [str(problem) for problem in caught.value.problems]
    assert all(expected in found for expected in case.expected), found
    assert len(found) == len(lines) - 1


def test_every_problem_of_a_scenario_at_once(tmp_path: Path) -> None:
    """Mistakes in several files are all reported in one run, in file and line order."""
    from .conftest import write_scenario

    folder = write_scenario(tmp_path / "scenario", teams_csv=f"{TEAMS}\nt1,T,U,zz,abc,0,0,2",
                            supplies_csv=f"{SUPPLIES}\nwater,Water,drinks,5,parent,2",
                            scenario_yaml="name: x\nweights: {fairness: 2}\n")
    code, _, stderr = run_cli("check", str(folder))
    assert code == 2
    assert [line.removeprefix(f"{folder}/") for line in stderr.splitlines()] == [
        "scenario.yaml, line 2, column weights.fairness: expected a number 1 or less, got 2",
        "supplies.csv, line 2, column category: expected one of basic, emergency, leisure, emotional, pack, "
        "got 'drinks'",
        "teams.csv, line 2, column district_id: 'zz' is not a district_id in districts.csv",
        "teams.csv, line 2, column volunteers: expected a whole number 0 or more, got 'abc'",
        "4 problem(s); nothing was written",
    ]


def test_a_bad_cell_gives_one_problem_not_a_cascade(tmp_path: Path) -> None:
    """A count that cannot be read is not compared as 0 with the team's other counts."""
    from .conftest import write_scenario

    folder = write_scenario(tmp_path / "scenario", teams_csv=f"{TEAMS}\nt1,T,U,a,x,1,1,2\nt1,T,U,a,3,0,0,2",
                            availability_csv=f"{AVAILABILITY}\nt1,s1,2")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert [str(p) for p in caught.value.problems] == [
        "teams.csv, line 2, column volunteers: expected a whole number 0 or more, got 'x'",
        "teams.csv, line 3, column team_id: repeats team_id='t1', already on line 2",
    ]


def test_full_width_digits_typed_with_a_chinese_input_method_are_numbers(tmp_path: Path) -> None:
    from .conftest import write_scenario

    folder = write_scenario(tmp_path / "scenario", teams_csv=f"{TEAMS}\nt1,T,U,a,１２,３,0,２",
                            sessions_csv="session_id,date,start,end\ns1,２０２３-06-07,９：００,11:30")
    scenario = load_scenario(folder)
    assert scenario.teams.loc[0, ["volunteers", "first_aid", "max_sessions"]].tolist() == [12, 3, 2]
    assert scenario.sessions.loc[0, ["date", "start"]].tolist() == ["2023-06-07", "09:00"]


def test_what_is_not_a_scenario_is_named(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old binary workbook")
    (tmp_path / "teams.csv").write_text(TEAMS, encoding="utf-8")
    expected = {
        "old.xls": "is not an .xlsx workbook; open it in Excel or WPS and save it as 'Excel Workbook (*.xlsx)'",
        "teams.csv": "is a file, not a scenario (expected a folder with scenario.yaml and CSV files, or an .xlsx "
                     "workbook)",
        "nowhere": "does not exist; expected a scenario folder or an .xlsx workbook",
    }
    for name, message in expected.items():
        code, _, stderr = run_cli("check", str(tmp_path / name))
        assert code == 2
        assert stderr.splitlines()[0] == f"{tmp_path / name}: {message}"


def test_role_weights_too_small_to_outrank_travel_are_refused(tmp_path: Path) -> None:
    """At weight 1e-9 a first-aid need was left unmet while a team sat idle (found while fuzzing)."""
    from .conftest import SCENARIOS

    folder = Path(shutil.copytree(SCENARIOS / "demo-small", tmp_path / "scenario"))
    (folder / "scenario.yaml").write_text("name: x\nweights: {general: 100, first_aid: 1.0e-9}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert [str(p) for p in caught.value.problems] == [
        "scenario.yaml, line 2, column weights.first_aid: expected a number 0.5 or more, got 1e-09"]
    (folder / "scenario.yaml").write_text("name: x\nweights: {general: 100, first_aid: 0.5, counsellor: 0.5}\n",
                                          encoding="utf-8")
    from planner import solve
    from planner.verify import verify_plan

    plan = export_plan(solve(load_scenario(folder)), tmp_path / "plan")
    assert verify_plan(folder, plan) == []
