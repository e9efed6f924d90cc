"""The duty documents of a plan in one folder: ``planner duty`` and the export notebook.

```
<folder>/
  duty-sheets.pdf             a page per point: where, when to report, teams, leaders, persons, gaps
  team-sheets.pdf             a page per team on duty: where and when, roles, other teams, contacts
  person-cards.pdf            a card per named person on duty (only with volunteers.csv)
  notification-list.csv       who to tell what, for a bulk SMS tool (not in the public set)
  notification-list.xlsx      the same, for people (not in the public set)
```
The leaders' set carries the team leaders' phones (and the persons' in the notification
list); the public set (``public=True``) leaves every phone out, and so the notification list.
The folder is written whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.exports.duty import duty_sheets_pdf
from planner.exports.duty_cards import person_cards_pdf, team_sheets_pdf
from planner.exports.notify import write_notification_csv, write_notification_xlsx
from planner.io.textfiles import write_folder_atomically
from planner.results.plan import Plan

DUTY_SHEETS, TEAM_SHEETS, PERSON_CARDS = "duty-sheets.pdf", "team-sheets.pdf", "person-cards.pdf"
NOTIFY_CSV, NOTIFY_XLSX = "notification-list.csv", "notification-list.xlsx"


@dataclass(frozen=True)
class DutyDocuments:
    """The files written (None for one not made: person cards without names, the list when public)."""

    folder: Path
    duty_sheets: Path
    team_sheets: Path
    person_cards: Path | None
    notification_csv: Path | None
    notification_xlsx: Path | None


def write_documents(plan: Plan, tmp: Path, *, lang: str = "both", public: bool = False,
                    prefix: str = "") -> None:
    """Write the documents into an existing folder ``tmp`` (file names after ``prefix``)."""
    phones = not public
    (tmp / f"{prefix}{DUTY_SHEETS}").write_bytes(duty_sheets_pdf(plan, lang=lang, phones=phones))
    (tmp / f"{prefix}{TEAM_SHEETS}").write_bytes(team_sheets_pdf(plan, lang=lang, phones=phones))
    if plan.scenario.volunteers is not None:
        (tmp / f"{prefix}{PERSON_CARDS}").write_bytes(person_cards_pdf(plan, lang=lang, phones=phones))
    if not public:
        write_notification_csv(plan, tmp / f"{prefix}{NOTIFY_CSV}")
        write_notification_xlsx(plan, tmp / f"{prefix}{NOTIFY_XLSX}", lang=lang)


def export_duty_documents(plan: Plan, folder: str | Path, *, lang: str = "both", public: bool = False,
                          overwrite: bool = False) -> DutyDocuments:
    """Write the duty documents of a plan (see the module's notes).

    Parameters
    ----------
    plan : Plan
    folder : str or Path
    lang : {"both", "zh", "en"}
        Words of the documents (names stay as written).
    public : bool
        Leave every phone number out (and the notification list).
    overwrite : bool
        Replace a folder that holds files (swapped whole).

    Raises
    ------
    FileExistsError
        ``folder`` holds files and ``overwrite`` is false.
    RuntimeError
        No font with Chinese glyphs is installed.
    """
    folder = Path(folder)
    write_folder_atomically(folder, lambda tmp: write_documents(plan, tmp, lang=lang, public=public),
                            overwrite=overwrite)
    return documents_in(plan, folder, public=public)


def documents_in(plan: Plan, folder: Path, *, public: bool) -> DutyDocuments:
    """Where :func:`write_documents` put the files in ``folder``."""
    named = plan.scenario.volunteers is not None
    return DutyDocuments(
        folder=folder, duty_sheets=folder / DUTY_SHEETS, team_sheets=folder / TEAM_SHEETS,
        person_cards=folder / PERSON_CARDS if named else None,
        notification_csv=None if public else folder / NOTIFY_CSV,
        notification_xlsx=None if public else folder / NOTIFY_XLSX,
    )


__all__ = ["DutyDocuments", "documents_in", "export_duty_documents", "write_documents"]
