"""plan.xlsx: the plan for people, one sheet per view, with Chinese and English headers.

Besides the views by point and district, two sheets follow the teams: the roster (one row per
person on duty, from ``plan.roster``) and the teams by session (each team's sessions: where,
how many in each role, and whether the whole team is at one point).

Sheets are written by :mod:`planner.io.xlsx` (text stays text, never a formula; the same
plan gives the same bytes).
"""

from __future__ import annotations

import logging
import multiprocessing
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.forking import can_fork, fork_warning_ignored
from planner.io.settings import ROLES
from planner.io.xlsx import Percent, TablesWorkbook
from planner.labels import label

if TYPE_CHECKING:
    from planner.results.explain import Explanations
    from planner.results.plan import Plan

log = logging.getLogger(__name__)

def percent_column(values: Iterable[float]) -> np.ndarray:
    """Shares as :class:`planner.io.xlsx.Percent` cells (a percentage format in the workbook).

    An object array: a column of floats would drop the marker (pandas stores plain floats).
    """
    shares = [Percent(float(v)) for v in values]
    cells = np.empty(len(shares), dtype=object)
    cells[:] = shares
    return cells


def session_labels(plan: Plan) -> pd.Series:
    """``2023-06-07 09:00-11:30`` for each session id."""
    s = plan.scenario.sessions
    return pd.Series((s["date"] + " " + s["start"] + "-" + s["end"]).to_numpy(), index=s["session_id"])


def _role_text(role: pd.Series, lang: str) -> pd.Series:
    return role.map(lambda r: label(r, "zh" if lang == "both" else lang))


def team_sessions(plan: Plan, team_id: str | None = None) -> pd.DataFrame:
    """One row per team and session on duty (of one team, when given), in team then time order.

    Columns: ``team_id, session_id``, ``places`` (the points of that session as
    ``(point_id, volunteers)``, most volunteers first, then by point id), one column per role
    (volunteers in that role), ``volunteers`` (all of them) and ``whole`` (the team is at one
    point that session). Made from ``plan.assignments`` alone, so it costs no solving.
    """
    a = plan.assignments
    if team_id is not None:
        a = a[a["team_id"] == team_id]
    columns = ["team_id", "session_id", "places", *ROLES, "volunteers", "whole"]
    if a.empty:
        return pd.DataFrame(columns=columns)
    rank = {sid: i for i, sid in enumerate(plan.scenario.sessions["session_id"])}
    keys = ["team_id", "session_id"]
    roles = a.pivot_table(index=keys, columns="role", values="volunteers", aggfunc="sum", fill_value=0)
    roles = roles.reindex(columns=list(ROLES), fill_value=0)
    at = a.groupby([*keys, "point_id"], sort=True)["volunteers"].sum().reset_index()
    at = at.sort_values([*keys, "volunteers", "point_id"], ascending=[True, True, False, True], kind="stable")
    grouped: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for team, session, point, count in zip(at["team_id"].tolist(), at["session_id"].tolist(),
                                           at["point_id"].tolist(), at["volunteers"].tolist(), strict=True):
        grouped.setdefault((team, session), []).append((point, int(count)))
    places = pd.Series({key: tuple(value) for key, value in grouped.items()}, dtype=object)
    out = roles.astype("int64")
    out.columns = list(ROLES)
    out["volunteers"] = out[list(ROLES)].sum(axis=1)
    out.insert(0, "places", places.reindex(out.index))
    out["whole"] = out["places"].map(len) == 1
    out = out.reset_index()
    out["_rank"] = out["session_id"].map(rank)
    out = out.sort_values(["team_id", "_rank"], kind="stable").drop(columns="_rank").reset_index(drop=True)
    return out[columns]


def places_text(places: tuple[tuple[str, int], ...], point_names: pd.Series) -> str:
    """``东城一号点`` for one point, ``东城一号点 ×4、东城二号点 ×1`` for several."""
    if len(places) == 1:
        return str(point_names.get(places[0][0], places[0][0]))
    return "、".join(f"{point_names.get(p, p)} ×{n}" for p, n in places)


def team_sessions_sheet(plan: Plan, lang: str = "both") -> pd.DataFrame:
    """The teams-by-session sheet: who, when, where, how many in each role, whole at one point."""
    sc = plan.scenario
    teams = sc.teams.set_index("team_id")
    districts = sc.districts.set_index("district_id")
    district_name = districts["name_zh"] if lang != "en" else districts["name_en"]
    point_names = sc.points.set_index("point_id")["name"]
    word = lambda key: label(key, "zh" if lang == "both" else lang)  # noqa: E731 (one language in cells)
    rows = team_sessions(plan)
    team_district = teams["district_id"].reindex(rows["team_id"]).to_numpy()
    return pd.DataFrame({
        "team_id": rows["team_id"], "team": teams["name"].reindex(rows["team_id"]).to_numpy(),
        "union": teams["union"].reindex(rows["team_id"]).to_numpy(),
        # district_id is the team's own, so a district's workbook lists its teams (exports/bundle.py)
        "district_id": team_district, "team_district": district_name.reindex(team_district).to_numpy(),
        "session": session_labels(plan).reindex(rows["session_id"]).to_numpy(),
        "places": [places_text(p, point_names) for p in rows["places"]],
        **{role: rows[role].astype("int64") for role in ROLES},
        "volunteers": rows["volunteers"].astype("int64"),
        "whole_at_point": [word("yes") if whole else word("no") for whole in rows["whole"]],
    })


def roster_sheet(plan: Plan, lang: str = "both") -> pd.DataFrame:
    """The roster sheet: one row per person on duty, in team then session order.

    The name column is there only when the roster has names (named volunteers).
    """
    sc = plan.scenario
    r = plan.roster
    points = sc.points.set_index("point_id")
    teams = sc.teams.set_index("team_id")
    districts = sc.districts.set_index("district_id")
    district_name = districts["name_zh"] if lang != "en" else districts["name_en"]
    rank = {sid: i for i, sid in enumerate(sc.sessions["session_id"])}
    r = r.assign(_rank=r["session_id"].map(rank)).sort_values(["team_id", "_rank"], kind="stable")
    table = pd.DataFrame({
        "person_id": r["person_id"].to_numpy(), "name": r["name"].fillna("").astype(str).to_numpy(),
        "team_id": r["team_id"].to_numpy(), "team": teams["name"].reindex(r["team_id"]).to_numpy(),
        "union": teams["union"].reindex(r["team_id"]).to_numpy(),
        "point_id": r["point_id"].to_numpy(), "point": points["name"].reindex(r["point_id"]).to_numpy(),
        "district": district_name.reindex(points["district_id"].reindex(r["point_id"])).to_numpy(),
        "session": session_labels(plan).reindex(r["session_id"]).to_numpy(),
        "role": _role_text(r["role"], lang).to_numpy(),
    })
    if not (table["name"] != "").any():
        table = table.drop(columns="name")
    return table


def plan_tables(plan: Plan, lang: str = "both", *, why: pd.DataFrame | None = None,
                explanations: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The workbook's sheets as tables whose columns are label keys (sheet key -> table).

    ``why`` (why.csv, planner.results.sentences.why_table) and ``explanations``
    (explanations.csv), when given, add the bottlenecks right after the summary, and the why of
    every unmet need and the measured suggestions as sheets of their own.
    """
    sc = plan.scenario
    points = sc.points.set_index("point_id")
    teams = sc.teams.set_index("team_id")
    districts = sc.districts.set_index("district_id")
    district_name = districts["name_zh"] if lang != "en" else districts["name_en"]
    sessions = session_labels(plan)
    s = plan.summary

    word = lambda key: label(key, "zh" if lang == "both" else lang)  # noqa: E731 (one language in cells)
    rows: list[tuple[str, object]] = [
        # The solver's status in a planner's words: "the best plan under these conditions".
        (word("scenario"), s["scenario"]), (word("plan_quality"), word(f"plain_{s['status']}")),
        (word("needed"), s["needed"]), (word("assigned"), s["assigned"]), (word("unmet"), s["unmet"]),
        (word("coverage"), Percent(s["coverage"])),
    ]
    rows += [(f"{word('unmet')}: {word(role)}", s["unmet_by_role"][role]) for role in ROLES]
    rows.append((word("travel_km"), s["average_travel_km"]))
    teams_on_duty = int(plan.assignments["team_id"].nunique())
    rows += [(word("teams_on_duty"), teams_on_duty)]
    rows += [(word(key), s[key]) for key in ("teams_one_point", "team_sessions", "team_sessions_split",
                                             "pieces", "single_pieces", "team_points")]
    rows.append((word("same_point_share"), Percent(s["same_point_share"])))
    summary = pd.DataFrame(rows, columns=["figure", "value"])

    items = sc.supplies.set_index("item_id")
    totals = pd.DataFrame([
        {"item_id": item_id, "item": items.at[item_id, "name"], "category": word(items.at[item_id, "category"]),
         "stock": f["stock"], "wanted": f["wanted"], "distributed": f["distributed"],
         "share": f["distributed"] / f["wanted"] if f["wanted"] else 1.0}
        for item_id, f in s["supplies"].items()
    ], columns=["item_id", "item", "category", "stock", "wanted", "distributed", "share"])
    totals["share"] = percent_column(totals["share"])

    grid = plan.by_point_session()
    # "6 / 7" under a session's header read as a date (6 July): the header says what the cells are,
    # and the spaces keep the cell from looking like one.
    grid["cell"] = grid["assigned"].astype(str) + " / " + grid["needed"].astype(str)
    overview = grid.pivot(index="point_id", columns="session_id", values="cell")
    overview = overview.reindex(columns=[c for c in sessions.index if c in overview.columns])
    counts = label("assigned_of_needed", lang).replace("\n", " ")  # (one line: the session is the header's first)
    overview.columns = [f"{sessions[c]} ({counts})" for c in overview.columns]
    overview.insert(0, "point", points["name"].reindex(overview.index))
    overview.insert(1, "district", district_name.reindex(points["district_id"].reindex(overview.index)).to_numpy())
    overview = overview.reset_index()

    a = plan.assignments
    duty = pd.DataFrame({
        "point_id": a["point_id"], "point": points["name"].reindex(a["point_id"]).to_numpy(),
        "district": district_name.reindex(points["district_id"].reindex(a["point_id"])).to_numpy(),
        "session": sessions.reindex(a["session_id"]).to_numpy(), "role": _role_text(a["role"], lang),
        "team_id": a["team_id"], "team": teams["name"].reindex(a["team_id"]).to_numpy(),
        "union": teams["union"].reindex(a["team_id"]).to_numpy(), "volunteers": a["volunteers"],
    })
    session_rank = {sid: i for i, sid in enumerate(sessions.index)}
    by_team = pd.DataFrame({
        "team_id": a["team_id"], "team": teams["name"].reindex(a["team_id"]).to_numpy(),
        "union": teams["union"].reindex(a["team_id"]).to_numpy(),
        "session": sessions.reindex(a["session_id"]).to_numpy(), "point_id": a["point_id"],
        "point": points["name"].reindex(a["point_id"]).to_numpy(), "role": _role_text(a["role"], lang),
        "volunteers": a["volunteers"], "_rank": a["session_id"].map(session_rank),
    }).sort_values(["team_id", "_rank", "point_id"], kind="stable").drop(columns="_rank")

    d = plan.distribution
    supplies = pd.DataFrame({
        "item_id": d["item_id"], "item": items["name"].reindex(d["item_id"]).to_numpy(),
        "category": items["category"].reindex(d["item_id"]).map(word).to_numpy(),
        "point_id": d["point_id"], "point": points["name"].reindex(d["point_id"]).to_numpy(),
        "district": district_name.reindex(points["district_id"].reindex(d["point_id"])).to_numpy(),
        "quantity": d["quantity"], "wanted": d["wanted"],
    })

    f = plan.shortfalls[plan.shortfalls["missing"] > 0]
    shortfalls = pd.DataFrame({
        "point_id": f["point_id"], "point": points["name"].reindex(f["point_id"]).to_numpy(),
        "district": district_name.reindex(points["district_id"].reindex(f["point_id"])).to_numpy(),
        "session": sessions.reindex(f["session_id"]).to_numpy(), "role": _role_text(f["role"], lang),
        "needed": f["needed"], "assigned": f["assigned"], "missing": f["missing"],
    })
    if "cause" in f.columns:  # why each is unmet (contract v2), before the figures
        shortfalls.insert(5, "cause", f["cause"].map(word).to_numpy())

    by_district = plan.by_district()
    districts_sheet = pd.DataFrame({
        "district_id": by_district["district_id"],
        "district": by_district["name_zh"] if lang != "en" else by_district["name_en"],
        "points": by_district["points"], "needed": by_district["needed"],
        "assigned": by_district["assigned"], "missing": by_district["missing"],
    })
    districts_sheet["coverage"] = percent_column(by_district["coverage"])
    tables = {
        "sheet_summary": summary, "sheet_supply_totals": totals, "sheet_overview": overview,
        "sheet_duty": duty, "sheet_teams": by_team, "sheet_team_sessions": team_sessions_sheet(plan, lang),
        "sheet_roster": roster_sheet(plan, lang), "sheet_supplies": supplies,
        "sheet_shortfalls": shortfalls, "sheet_districts": districts_sheet,
    }
    return in_sheet_order({**tables, **why_tables(lang, why=why, explanations=explanations)})


def why_tables(lang: str, *, why: pd.DataFrame | None = None,
               explanations: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The sheets of why.csv (the bottlenecks, the why of every unmet need) and of explanations.csv, those given."""
    tables = {}
    if why is not None:
        tables["sheet_bottlenecks"] = _why_sheet(why[why["level"] == "bottleneck"], lang, ["rank"])
        tables["sheet_why"] = _why_sheet(why[why["level"] != "bottleneck"], lang,
                                         ["level", "district_id", "point_id", "session_id", "role", "cause"])
    if explanations is not None:
        tables["sheet_explanations"] = _why_sheet(explanations, lang, ["kind", "rank", "district_id", "point_id",
                                                                        "session_id", "role", "item_id", "amount",
                                                                        "sessions", "gain", "helps_up_to",
                                                                        "gain_up_to"])
    return tables


WHY_SHEETS = ("sheet_bottlenecks", "sheet_why", "sheet_explanations")  # the sheets of why_tables


def sheet_order(keys: Iterable[str]) -> list[str]:
    """Sheet keys in the workbook's order: the bottlenecks right after the summary (the first things a planner
    reads), the why and the explanations last."""
    keys = list(keys)
    first, last = ["sheet_summary", "sheet_bottlenecks"], ["sheet_why", "sheet_explanations"]
    return ([k for k in first if k in keys] + [k for k in keys if k not in first + last]
            + [k for k in last if k in keys])


def in_sheet_order(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables in the workbook's order (:func:`sheet_order`)."""
    return {k: tables[k] for k in sheet_order(tables)}


def sheet_title(sheet_key: str, lang: str) -> str:
    """A sheet's tab title (Excel's limit: 31 characters)."""
    title = label(sheet_key, lang) if lang != "both" else f"{label(sheet_key, 'zh')} {label(sheet_key, 'en')}"
    return title[:31]


def _why_sheet(table: pd.DataFrame, lang: str, columns: list[str]) -> pd.DataFrame:
    """Rows of why.csv or explanations.csv: their keys, then the text in the workbook's language (both: two columns)."""
    out = table[columns].copy()
    for key in ("level", "cause", "role", "kind"):
        if key in out.columns:
            out[key] = out[key].map(lambda v: label(v, "zh" if lang == "both" else lang) if v else "")
    if lang == "both":
        out["text"], out["text_en"] = table["text_zh"].to_numpy(), table["text_en"].to_numpy()
    else:
        out["text"] = table[f"text_{lang}"].to_numpy()
    return out.reset_index(drop=True)


def write_plan_workbook(plan: Plan, path: Path, *, lang: str = "both",
                        explanations: Explanations | None = None, why: pd.DataFrame | None = None) -> None:
    """Write plan.xlsx (see the module's notes), with the bottlenecks first and the why of every unmet need.

    ``explanations``: the plan's measured suggestions when already made (planner.results.explain),
    else measured here. ``why``: their why.csv table (planner.results.sentences.why_table) when
    already made from those explanations, else made here.
    """
    from planner.results.explain import explain
    from planner.results.sentences import why_table

    measured = explanations if explanations is not None else explain(plan)
    # why_table costs seconds at scale: a plan folder makes it once, for why.csv and here
    why = why if why is not None and explanations is not None else why_table(plan, measured)
    finish_plan_workbook(open_plan_workbook(plan, path, lang), lang, measured, why)


def open_plan_workbook(plan: Plan, path: Path, lang: str, *, tmpdir: Path | None = None) -> TablesWorkbook:
    """plan.xlsx with the plan's own sheets written; the why and the explanations (:func:`why_tables`) are to come.

    Every plan.xlsx is written in this order, the why sheets last wherever they stand, so a
    workbook finished in another process (:func:`plan_workbook_aside`) has the same bytes.
    ``tmpdir``: where XlsxWriter keeps each sheet's rows until the file is written (else the system's).
    """
    sheets = plan_tables(plan, lang)
    order = sheet_order([*sheets, *WHY_SHEETS])
    workbook = TablesWorkbook(path, [sheet_title(key, lang) for key in order], lang, tmpdir=tmpdir)
    for key, sheet in sheets.items():
        workbook.write(sheet_title(key, lang), sheet)
    return workbook


def finish_plan_workbook(workbook: TablesWorkbook, lang: str, explanations: Explanations, why: pd.DataFrame) -> None:
    """Write the why sheets of an :func:`open_plan_workbook` and the file."""
    from planner.results.explain import explanation_frame

    for key, sheet in why_tables(lang, why=why, explanations=explanation_frame(explanations)).items():
        workbook.write(sheet_title(key, lang), sheet)
    workbook.close()


def _nothing() -> None:
    pass


ASIDE_MIN_ROWS = 20_000  # rows of the plan's tables from which writing plan.xlsx aside pays for the fork (10x: ~40,000)


Finish = Callable[["Explanations", pd.DataFrame], None]  # plan_workbook_aside's: the explanations and why.csv's table


@contextmanager
def plan_workbook_aside(plan: Plan, path: Path, lang: str, *,
                        before: Callable[[], None] = _nothing) -> Iterator[Finish]:
    """plan.xlsx written while the block measures its explanations: yields ``finish(explanations, why)``.

    The block calls ``finish`` once, with the explanations and their why.csv table. For a large
    plan where :func:`planner.forking.can_fork`, a forked process writes ``before`` (the plan's
    own files: its CSVs) and the plan's own sheets at once (most of the workbook: ten regions of
    5x, 7 s) while this one measures the explanations, then the why sheets once ``finish`` sends
    them; the block's end waits for it. Otherwise ``before`` is written at once and ``finish``
    writes the whole workbook here. The bytes are the same either way (:func:`open_plan_workbook`).
    An error in the other process is raised here; a process that ends without a word (killed)
    costs only time: its files are then written here.
    """
    rows = len(plan.assignments) + len(plan.roster) + len(plan.distribution) + len(plan.shortfalls)
    sent: list[tuple[Explanations, pd.DataFrame]] = []
    if rows < ASIDE_MIN_ROWS or not can_fork():
        before()
        yield lambda explanations, why: sent.append((explanations, why))
        if sent:
            write_plan_workbook(plan, path, lang=lang, explanations=sent[0][0], why=sent[0][1])
        return
    # XlsxWriter's files of rows in a folder of their own, removed here whatever becomes of the other
    # process (it is stopped when the block fails, which would leave them in the system's /tmp).
    with tempfile.TemporaryDirectory(prefix="planner-xlsx-") as scratch:
        yield from _aside(plan, path, lang, before, sent, Path(scratch))


def _aside(plan: Plan, path: Path, lang: str, before: Callable[[], None],
           sent: list[tuple[Explanations, pd.DataFrame]], scratch: Path) -> Iterator[Finish]:
    """plan_workbook_aside in a forked process (see it), XlsxWriter's files of rows in ``scratch``."""
    context = multiprocessing.get_context("fork")
    why_in, why_out = context.Pipe(duplex=False)
    status_in, status_out = context.Pipe(duplex=False)

    def child() -> None:
        why_out.close()  # this process's copy: the parent's alone keeps the pipe open
        try:
            before()
            workbook = open_plan_workbook(plan, path, lang, tmpdir=scratch)
            explanations, why = why_in.recv()
            finish_plan_workbook(workbook, lang, explanations, why)
            status_out.send(("ok", None))
        except EOFError:  # the block failed: no why to come, no workbook wanted
            pass
        except Exception as error:  # any error is the parent's to raise
            try:
                status_out.send(("error", error))
            except Exception:  # an error that cannot be pickled: its text
                status_out.send(("error", RuntimeError(traceback.format_exc())))
        finally:
            status_out.close()

    with fork_warning_ignored():  # the child only writes the workbook (Python) and sends a word
        process = context.Process(target=child, daemon=True)
        process.start()
    why_in.close()
    status_out.close()

    def finish(explanations: Explanations, why: pd.DataFrame) -> None:
        sent.append((explanations, why))
        # A process that has ended already (an error, or killed) says so at the block's end.
        with suppress(BrokenPipeError, ConnectionResetError):
            why_out.send((explanations, why))

    try:
        yield finish
        why_out.close()  # the child's recv ends if the block never called finish
        try:
            status, error = status_in.recv()
        except EOFError:
            status, error = "lost", None
    except BaseException:  # the block failed (or was interrupted): the workbook is not wanted
        process.terminate()
        raise
    finally:
        why_out.close()
        status_in.close()
        process.join()
    if status == "error":
        raise error
    if status == "lost" and sent:
        log.warning("the process writing plan.xlsx aside ended without it (exit code %s); written here",
                    process.exitcode)
        before()
        write_plan_workbook(plan, path, lang=lang, explanations=sent[0][0], why=sent[0][1])
