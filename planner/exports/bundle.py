"""Everything staff hand on, in one folder: the plan workbook, the CSV files, one workbook per
district, a duty sheet per point, and a ZIP of it all.

```
<folder>/
  plan/                 the contract's plan folder: assignments.csv, shortfalls.csv,
                        distribution.csv, summary.json, plan.xlsx
  districts/<id>.xlsx   the plan's sheets for that district's points only
  duty-sheets/<id>.pdf  one printable sheet per point (with the team leaders' phones)
  duty-sheets.pdf       all of them in one file, for printing at once
  team-sheets.pdf       a page per team on duty (planner/exports/duty_cards.py)
  person-cards.pdf      a duty card per named person on duty (only with volunteers.csv)
  notification-list.csv, notification-list.xlsx   who to tell what (planner/exports/notify.py)
  public/               the same documents without any phone number, for public or district
                        handouts: duty-sheets.pdf, team-sheets.pdf, person-cards.pdf
  <folder name>.zip     all of the above
```
Phone numbers are personal data: the district workbooks never hold them; the duty sheets,
team sheets, cards and the notification list do, for team leaders and staff only.
The folder is written whole or not at all (:func:`planner.io.textfiles.write_folder_atomically`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.exports.documents import DutyDocuments, documents_in, write_documents
from planner.exports.duty import duty_points, write_duty_sheets
from planner.exports.files import PLAN_FILES, export_plan
from planner.exports.plan_workbook import plan_tables
from planner.io.settings import ROLES
from planner.io.textfiles import file_names, write_folder_atomically
from planner.io.xlsx import Percent, save_tables
from planner.labels import label
from planner.results.plan import Plan


@dataclass(frozen=True)
class Bundle:
    """The files of a staff export (paths inside ``folder``).

    ``duty_sheet_of`` and ``district_workbook_of`` find a point's duty sheet and a district's
    workbook by id: a file's name is the id only when the id makes a safe file name
    (:func:`planner.io.textfiles.file_names`).
    """

    folder: Path
    plan_workbook: Path
    data_files: tuple[Path, ...]
    district_workbooks: tuple[Path, ...]
    duty_sheets: tuple[Path, ...]
    duty_sheets_all: Path
    archive: Path
    duty_sheet_of: Mapping[str, Path] = field(default_factory=dict)
    district_workbook_of: Mapping[str, Path] = field(default_factory=dict)
    # The documents of planner/exports/documents.py: the leaders' set, and the public set (no phones).
    documents: DutyDocuments | None = None
    public_documents: DutyDocuments | None = None


def district_tables(plan: Plan, district_id: str, lang: str = "both", *,
                    tables: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """The plan's sheets cut to one district: a summary of the district, then every sheet that
    lists points, with only that district's points (sheets about the whole city are left out).

    ``tables`` are the plan's sheets (:func:`planner.exports.plan_workbook.plan_tables`) when already made.

    Raises
    ------
    ValueError
        An unknown district.
    """
    sc = plan.scenario
    if district_id not in set(sc.districts["district_id"]):
        raise ValueError(f"{district_id!r} is not a district of the scenario")
    points = set(sc.points.loc[sc.points["district_id"] == district_id, "point_id"])
    word = lambda key: label(key, "zh" if lang == "both" else lang)  # noqa: E731
    table = plan.by_district()
    row = table[table["district_id"] == district_id].iloc[0].to_dict()
    name = row["name_zh"] if lang != "en" else row["name_en"]
    figures: list[tuple[str, object]] = [
        (word("scenario"), plan.summary["scenario"]), (word("district"), name), (word("points"), int(row["points"])),
        (word("needed"), int(row["needed"])), (word("assigned"), int(row["assigned"])),
        (word("missing"), int(row["missing"])), (word("coverage"), Percent(float(row["coverage"]))),
    ]
    figures += [(f"{word('missing')}: {word(r)}", int(row[f"{r}_needed"] - row[f"{r}_assigned"])) for r in ROLES]
    out = {"sheet_summary": pd.DataFrame(figures, columns=["figure", "value"])}
    for key, table in (tables if tables is not None else plan_tables(plan, lang)).items():
        if "point_id" in table.columns:
            out[key] = table[table["point_id"].isin(points)].reset_index(drop=True)
        elif "district_id" in table.columns:
            out[key] = table[table["district_id"] == district_id].reset_index(drop=True)
    return out


def write_district_workbook(plan: Plan, district_id: str, path: Path, *, lang: str = "both",
                            tables: Mapping[str, pd.DataFrame] | None = None) -> Path:
    """One district's workbook (see :func:`district_tables`)."""
    sheets = {}
    for key, table in district_tables(plan, district_id, lang, tables=tables).items():
        title = label(key, lang) if lang != "both" else f"{label(key, 'zh')} {label(key, 'en')}"
        sheets[title[:31]] = table
    save_tables(sheets, path, lang)
    return path


Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what is being written now)


def export_steps(plan: Plan) -> int:
    """How many steps :func:`export_bundle` reports: the plan folder, each district's workbook,
    the duty sheets, the combined PDF (with the other duty documents), the public set and the ZIP."""
    return 5 + len(_districts(plan))


def _districts(plan: Plan) -> list[str]:
    sc = plan.scenario
    return sorted(set(sc.points.loc[sc.points["point_id"].isin(plan.shortfalls["point_id"]), "district_id"]))


def export_bundle(plan: Plan, folder: str | Path, *, lang: str = "both", overwrite: bool = False,
                  progress: Progress | None = None) -> Bundle:
    """Write the staff files of a plan (see the module's notes).

    Parameters
    ----------
    plan : Plan
    folder : str or Path
    lang : {"both", "zh", "en"}
        Headers of the workbooks and duty sheets (team and point names stay as written).
    overwrite : bool
        Replace a folder that holds files (swapped whole).

    Raises
    ------
    FileExistsError
        ``folder`` holds files and ``overwrite`` is false.

    ``progress``, when given, is called before each of :func:`export_steps` steps with
    ``(steps done, steps in all, what)`` (``what``: ``plan``, ``district:<id>``, ``duty-sheets``,
    ``duty-sheets.pdf`` (with the team sheets, cards and notification list), ``public``, ``zip``),
    and once more with ``(all, all, "done")``.
    """
    folder = Path(folder)
    districts = _districts(plan)
    total = export_steps(plan)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        if progress is not None:
            progress(done, total, what)
        done += 1

    def write(tmp: Path) -> None:
        step("plan")
        export_plan(plan, tmp / "plan", lang=lang)
        (tmp / "districts").mkdir()
        tables = plan_tables(plan, lang)
        names = file_names(districts, ".xlsx")  # ids are free text: "../x" must not leave the folder
        for district_id in districts:
            step(f"district:{district_id}")
            write_district_workbook(plan, district_id, tmp / "districts" / names[district_id], lang=lang,
                                    tables=tables)
        step("duty-sheets")
        write_duty_sheets(plan, tmp / "duty-sheets", lang=lang)
        step("duty-sheets.pdf")  # with the team sheets, duty cards and notification list
        write_documents(plan, tmp, lang=lang)
        step("public")
        (tmp / "public").mkdir()
        write_documents(plan, tmp / "public", lang=lang, public=True)
        step("zip")
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        with zipfile.ZipFile(tmp / f"{folder.name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(str(Path(folder.name) / path.relative_to(tmp)), date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())

    write_folder_atomically(folder, write, overwrite=overwrite)
    if progress is not None:
        progress(total, total, "done")
    workbook_of = {d: folder / "districts" / name for d, name in file_names(districts, ".xlsx").items()}
    sheet_of = {p: folder / "duty-sheets" / name for p, name in file_names(duty_points(plan), ".pdf").items()}
    return Bundle(
        folder=folder,
        plan_workbook=folder / "plan" / "plan.xlsx",
        data_files=tuple(folder / "plan" / name for name in PLAN_FILES if name != "plan.xlsx"),
        district_workbooks=tuple(workbook_of.values()),
        duty_sheets=tuple(sorted((folder / "duty-sheets").glob("*.pdf"))),
        duty_sheets_all=folder / "duty-sheets.pdf",
        archive=folder / f"{folder.name}.zip",
        duty_sheet_of=sheet_of,
        district_workbook_of=workbook_of,
        documents=documents_in(plan, folder, public=False),
        public_documents=documents_in(plan, folder / "public", public=True),
    )


__all__ = ["Bundle", "Progress", "district_tables", "export_bundle", "export_steps", "write_district_workbook"]
