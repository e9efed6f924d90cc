"""Reading scenario folders: encodings, types, references, derived needs, saving back."""

from __future__ import annotations

import shutil

import pytest

from planner import ScenarioError, load_scenario, solve
from planner.io import save_scenario
from planner.io.scenario import derive_needs

from .conftest import BEIJING, SCENARIOS


def problems_of(folder) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    return [str(p) for p in caught.value.problems]


def test_every_shipped_scenario_loads():
    points = {folder.name: len(load_scenario(folder).points) for folder in SCENARIOS.iterdir() if folder.is_dir()}
    # A new scenario belongs here, with its count.
    assert points == {"beijing-2023": 51, "demo-small": 3, "demo-named": 3}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_chinese_text_in_every_encoding_excel_writes(scenario_dir, encoding):
    folder = scenario_dir()
    text = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions\n" \
           "t1,海淀区总工会志愿服务队,海淀区总工会,a,3,1,0,2\n"
    (folder / "teams.csv").write_bytes(text.encode(encoding))
    scenario = load_scenario(folder)
    assert scenario.teams.loc[0, "name"] == "海淀区总工会志愿服务队"
    assert scenario.teams.loc[0, "volunteers"] == 3


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_the_whole_beijing_scenario_saved_by_a_chinese_excel_reads_the_same(tmp_path, encoding, beijing):
    """Hundreds of Chinese names in GBK: none is taken for UTF-8 with a stray byte."""
    folder = tmp_path / "beijing"
    shutil.copytree(BEIJING, folder)
    for path in folder.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    original, again = beijing, load_scenario(folder)
    for table in ("districts", "points", "teams", "supplies", "needs"):
        assert getattr(again, table).equals(getattr(original, table)), table


def test_utf16_is_refused_with_a_clear_message(scenario_dir):
    folder = scenario_dir()
    (folder / "teams.csv").write_bytes("team_id,name\n".encode("utf-16"))
    assert any(p.startswith("teams.csv: is UTF-16") for p in problems_of(folder))


def test_every_problem_is_reported_at_once_with_line_and_column(scenario_dir):
    folder = scenario_dir(teams_csv="""
        team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions
        t1,T1,U,a,abc,0,0,2
        t2,T2,U,zz,3,5,0,2
        t3,T3,U,a,-1,0,0,0
        t1,T4,U,a,2,0,0,1
    """)
    found = problems_of(folder)
    assert "teams.csv, line 2, column volunteers: expected a whole number 0 or more, got 'abc'" in found
    assert "teams.csv, line 3, column district_id: 'zz' is not a district_id in districts.csv" in found
    assert "teams.csv, line 3, column first_aid: 5 first-aiders is more than the team's 3 volunteers" in found
    assert "teams.csv, line 4, column volunteers: expected a whole number 0 or more, got '-1'" in found
    assert "teams.csv, line 4, column max_sessions: expected a whole number 1 or more, got '0'" in found
    assert "teams.csv, line 5, column team_id: repeats team_id='t1', already on line 2" in found


def test_line_numbers_count_physical_lines_of_quoted_newlines(scenario_dir):
    folder = scenario_dir(teams_csv='''
        team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions
        t1,"two
        lines",U,a,3,0,0,2
        t2,T2,U,a,x,0,0,2
    ''')
    assert "teams.csv, line 4, column volunteers: expected a whole number 0 or more, got 'x'" in problems_of(folder)


def test_missing_files_and_columns_are_named(scenario_dir):
    folder = scenario_dir(teams_csv=None, points_csv="point_id,name,district_id,lat,lon,capacity,parents\n")
    found = problems_of(folder)
    assert any(p.startswith("teams.csv: is missing; it is required") for p in found)
    assert "points.csv, line 1, column frontline_staff: is missing from the header" in found


def test_yaml_problems_name_the_key_and_line(scenario_dir):
    folder = scenario_dir(scenario_yaml="name: x\nsettings:\n  max_travel_km: far\nweights:\n  fairness: 3\n")
    found = problems_of(folder)
    assert any(p.startswith("scenario.yaml, line 3, column settings.max_travel_km:") for p in found)
    assert any(p.startswith("scenario.yaml, line 5, column weights.fairness:") for p in found)


def test_a_key_of_the_projects_own_may_hold_what_looks_like_a_date(scenario_dir):
    """Keys and files may be added freely: YAML would read ``2023-02-30`` as a date that does not
    exist, which made the whole file unreadable; dates are read as the text written."""
    folder = scenario_dir(scenario_yaml="name: x\nextra_date: 2023-02-30\nsettings:\n  max_travel_km: 35\n")
    scenario = load_scenario(folder)
    assert scenario.config.model_extra == {"extra_date": "2023-02-30"}
    assert scenario.max_travel_km == 35


def test_malformed_yaml(scenario_dir):
    folder = scenario_dir(scenario_yaml="name: [unclosed\n")
    assert any(p.startswith("scenario.yaml, line") and "not valid YAML" in p for p in problems_of(folder))


def test_needs_follow_the_rules_exactly(scenario_dir):
    """general = max(2, ceil(parents / 80)); closed points (capacity 0) need nobody."""
    folder = scenario_dir(points_csv="""
        point_id,name,district_id,lat,lon,capacity,parents,frontline_staff
        p1,P1,a,39.9,116.4,10,161,0
        p2,P2,a,39.9,116.4,10,10,0
        p3,P3,a,39.9,116.4,0,500,0
    """)
    scenario = load_scenario(folder)
    needs = scenario.needs.set_index(["point_id", "role"])["volunteers"].to_dict()
    assert needs == {("p1", "general"): 3, ("p1", "first_aid"): 1, ("p2", "general"): 2, ("p2", "first_aid"): 1}
    assert derive_needs(scenario.points, scenario.sessions, scenario.config).equals(scenario.needs)


def test_unlisted_availability_means_all_free(scenario_dir):
    folder = scenario_dir(
        sessions_csv="session_id,date,start,end\ns1,2023-06-07,09:00,11:30\ns2,2023-06-07,15:00,17:00",
        teams_csv="team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions\nt1,T,U,a,4,0,0,2",
        availability_csv="team_id,session_id,volunteers\nt1,s1,1",
    )
    scenario = load_scenario(folder)
    assert scenario.availability.set_index("session_id")["volunteers"].to_dict() == {"s1": 1, "s2": 4}
    assert any("t1 for 1 of 2 sessions" in w for w in scenario.warnings)


def test_row_order_does_not_matter(scenario_dir):
    teams = ["t1,T1,U,a,3,1,0,2", "t2,T2,U,b,2,0,0,1", "t3,T3,U,a,1,1,0,1"]
    header = "team_id,name,union,district_id,volunteers,first_aid,counsellors,max_sessions"
    plans = []
    for order in (teams, teams[::-1]):
        folder = scenario_dir(teams_csv="\n".join([header, *order]),
                              scenario_yaml="name: x\nsettings: {max_travel_km: 20}\n")
        plans.append(solve(load_scenario(folder)))
    assert plans[0].assignments.equals(plans[1].assignments)
    assert plans[0].summary == plans[1].summary


def test_save_and_load_back_gives_the_same_plan(tmp_path):
    scenario = load_scenario(SCENARIOS / "demo-small")
    saved = save_scenario(scenario, tmp_path / "copy")
    again = load_scenario(saved)
    for name in ("districts", "sessions", "points", "teams", "supplies", "needs", "availability"):
        assert getattr(again, name).equals(getattr(scenario, name)), name
    assert solve(again).assignments.equals(solve(scenario).assignments)


def test_save_never_overwrites_silently(tmp_path):
    scenario = load_scenario(SCENARIOS / "demo-small")
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        save_scenario(scenario, target)
    assert (target / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_empty_yaml_sections_mean_the_defaults(scenario_dir):
    scenario = load_scenario(scenario_dir(scenario_yaml="name: x\nsettings:\nneeds:\n  general:\nweights:\n"))
    assert scenario.max_travel_km is None
    assert scenario.config.needs.general.parents_per_volunteer == 80
    assert scenario.config.weights.first_aid == 3
