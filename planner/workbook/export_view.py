"""Staff exports on a page: pick a scenario and the headers' language, make the files, download them."""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from planner.exports.bundle import Bundle, export_bundle
from planner.io import load_scenario
from planner.labels import label
from planner.results.solving import solve
from planner.workbook.common import DESCRIPTION_STYLE, download_link, guarded, language_toggle, status_html, stylesheet
from planner.workbook.folders import default_scenario, exports_dir, project_root, scenario_choices


class ExportView:
    """Staff exports: pick a scenario (saved tweaks included) and header language, make the
    files, download them from the page.

    Parameters
    ----------
    scenario : path, optional
        The scenario folder chosen at first (the default scenario when omitted).
    lang : {"zh", "en"}
        Words of the page; the files' headers have their own choice (both languages by default).
    folder : path, optional
        Where the files go (``exports/<scenario folder>`` by default).
    """

    def __init__(self, scenario: str | Path | None = None, *, lang: str = "zh", folder: str | Path | None = None):
        self.root = project_root()
        self.lang = lang
        self.errors = w.Output()
        guard = guarded(self.errors)
        self.language = language_toggle(lang)
        self.language.observe(guard(lambda change: self._relabel(change["new"])), "value")
        chosen = Path(scenario).resolve() if scenario is not None else default_scenario(self.root).resolve()
        self.picker = w.Dropdown(options=scenario_choices(self.root, chosen), value=chosen,
                                 layout=w.Layout(width="30em"), style=DESCRIPTION_STYLE)
        self.headers = w.Dropdown(options=[("中文 + English", "both"), ("中文", "zh"), ("English", "en")],
                                  value="both", style=DESCRIPTION_STYLE)
        self.button = w.Button(icon="file-export", button_style="primary", layout=w.Layout(width="auto"))
        self.button.on_click(guard(lambda _: self.prepare()))
        self.point = w.Dropdown(style=DESCRIPTION_STYLE, layout=w.Layout(width="30em"))
        self.point.observe(guard(self._point_link), "value")
        self.status = w.HTML()
        self.links = w.VBox()
        self.point_link = w.HTML()
        self._folder = Path(folder) if folder is not None else None
        self.bundle: Bundle | None = None
        self.view = w.VBox([stylesheet(), self.language, self.picker, self.headers, self.button, self.status,
                            self.links, w.HBox([self.point, self.point_link]), self.errors])
        self.view.add_class("vp-view")
        self._relabel(lang)

    def _relabel(self, lang: str) -> None:
        self.lang = lang
        self.picker.description = label("scenario", lang)
        self.headers.description = label("header_language", lang)
        self.button.description = label("ctl_prepare", lang)
        self.point.description = label("duty_sheet", lang)
        if self.bundle is not None:
            self._show_links()

    def prepare(self) -> Bundle:
        """Solve the chosen scenario and write its files, showing each step as it goes; then a link for each."""
        started = time.perf_counter()
        self.steps_seen: list[str] = []
        self._progress(started, 0, 0, "solve")  # how many files follow is known once the plan is
        folder = Path(self.picker.value)
        try:
            scenario = load_scenario(folder)
            self.plan = solve(scenario)
            target = self._folder or exports_dir(self.root) / folder.name
            self.bundle = export_bundle(self.plan, target, lang=self.headers.value, overwrite=True,
                                        progress=lambda done, total, what: self._progress(started, done + 1,
                                                                                          total + 1, what))
        except Exception:
            # No spinner left turning: the error itself shows below (the page's error output).
            self.status.value = f'<span class="vp-status" data-state="failed" style="color:#c62828">✗ ' \
                                f'{html.escape(label("export_failed", self.lang))}</span>'
            raise
        seconds = time.perf_counter() - started
        self.seconds = seconds
        self.status.value = status_html("done", f"{label('export_done_in', self.lang).format(seconds=seconds)} · "
                                                f"{label('saved_to', self.lang)}: {target}")
        self._show_links()
        return self.bundle

    def _progress(self, started: float, done: int, total: int, what: str) -> None:
        """The status line while files are made: the step, a bar, and the seconds so far."""
        if what == "done":
            return
        self.steps_seen.append(what)
        lang = self.lang
        districts = getattr(self, "plan", None)
        if what == "solve":
            doing = label("export_solving", lang)
        elif what.startswith("district:"):
            district_id = what.split(":", 1)[1]
            names = districts.scenario.districts.set_index("district_id")["name_zh" if lang == "zh" else "name_en"] \
                if districts is not None else {}
            doing = f"{label('file_districts', lang)}: {names.get(district_id, district_id)}"
        else:
            doing = {"plan": label("file_plan", lang), "duty-sheets": label("file_duty", lang),
                     "duty-sheets.pdf": label("file_duty_all", lang), "public": label("file_duty_public", lang),
                     "zip": label("file_all", lang)}.get(what, what)
        share = done / total if total else 0.0
        seconds = time.perf_counter() - started
        text = f"{done + 1} / {total} · {doing}" if total else doing
        waited = html.escape(f"{seconds:.0f} {label('seconds', lang)}")
        self.status.value = (status_html("working", text, colour="#9a6700")
                             + f'<span class="vp-progress"><span style="width:{share:.0%}"></span></span>'
                             + f'<span style="color:#57606a">{waited}</span>')

    def _show_links(self) -> None:
        b = self.bundle
        assert b is not None
        lang = self.lang
        districts = self.plan.scenario.districts
        names = dict(zip(districts["district_id"], districts["name_zh" if lang == "zh" else "name_en"], strict=True))
        rows = [
            w.HTML(f"<b>{html.escape(label('file_all', lang))}</b>"), download_link(b.archive),
            w.HTML(f"<b>{html.escape(label('file_plan', lang))}</b>"), download_link(b.plan_workbook),
            w.HTML(f"<b>{html.escape(label('file_csv', lang))}</b>"),
            w.HBox([download_link(p) for p in b.data_files]),
            w.HTML(f"<b>{html.escape(label('file_districts', lang))}</b>"),
            w.GridBox([download_link(p, text=f"{names.get(d, d)} ({p.name})")
                       for d, p in b.district_workbook_of.items()],
                      layout=w.Layout(grid_template_columns="repeat(4, auto)")),
            w.HTML(f"<b>{html.escape(label('file_duty_all', lang))}</b>"), download_link(b.duty_sheets_all),
            *self._document_links(),
        ]
        self.links.children = rows
        points = dict(zip(self.plan.scenario.points["point_id"], self.plan.scenario.points["name"], strict=True))
        # By id: a file's name is the id only when the id makes a safe file name.
        options = [(f"{points[p]} ({p})", str(path)) for p, path in sorted(b.duty_sheet_of.items(), key=lambda i: i[1])]
        chosen = self.point.value
        self.point.options = options
        values = [value for _, value in options]
        self.point.value = chosen if chosen in values else (values[0] if values else None)

    def _document_links(self) -> list[w.Widget]:
        """The team sheets, duty cards and notification list, the public set, and what holds phones."""
        b, lang = self.bundle, self.lang
        assert b is not None and b.documents is not None and b.public_documents is not None
        docs, public = b.documents, b.public_documents
        rows: list[w.Widget] = [w.HTML(f"<b>{html.escape(label('file_team_sheets', lang))}</b>"),
                                download_link(docs.team_sheets)]
        if docs.person_cards is not None:
            rows += [w.HTML(f"<b>{html.escape(label('file_person_cards', lang))}</b>"),
                     download_link(docs.person_cards)]
        if docs.notification_csv is not None and docs.notification_xlsx is not None:
            rows += [w.HTML(f"<b>{html.escape(label('file_notify', lang))}</b>"),
                     w.HBox([download_link(docs.notification_csv), download_link(docs.notification_xlsx)])]
        public_files = [public.duty_sheets, public.team_sheets, *([public.person_cards] if public.person_cards else [])]
        rows += [w.HTML(f"<b>{html.escape(label('file_duty_public', lang))}</b>"),
                 w.HBox([download_link(p, text=f"public/{p.name}") for p in public_files]),
                 w.HTML(f"<p>🔒 {html.escape(label('personal_data_note', lang))}</p>")]
        return rows

    def _point_link(self, change: Mapping[str, Any]) -> None:
        self.point_link.value = download_link(Path(change["new"])).value if change["new"] else ""

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view._repr_mimebundle_(**kwargs)


__all__ = ["ExportView"]
