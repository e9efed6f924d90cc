"""What every view of the workbook shares: pacing re-plans and drawings, showing errors, small widgets.

* :class:`Debouncer` re-plans once the changes pause, so dragging a slider never queues a
  solve per pixel; :class:`Drawer` draws charts off the kernel's main thread, newest first.
* :func:`guarded` shows a callback's unexpected error on the page (an ``Output`` widget),
  never only in a log; expected mistakes are each view's own messages.
* :func:`language_toggle`, :func:`png_image`, :func:`show_figure`, :func:`download_link`,
  :func:`status_html` and :func:`stylesheet` are the widgets and markup every view shows the
  same way.

With ``delay`` 0 a :class:`Debouncer` calls at once, and a :class:`Drawer` not in the
background draws inline: the explorer's synchronous mode (``debounce=0``), in which a
control's change re-plans before the assignment returns, so tests drive ``.value`` and
read the results.
"""

from __future__ import annotations

import asyncio
import base64
import html
import logging
import mimetypes
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from planner.exports import charts

log = logging.getLogger(__name__)

LANGUAGES = (("中文", "zh"), ("English", "en"))
DEBOUNCE_SECONDS = 0.08  # quiet after a change before re-planning
CHART_SETTLE_SECONDS = 0.3  # quiet after a re-plan before drawing its chart
DESCRIPTION_STYLE = {"description_width": "10.5em"}
CSS_DPI = 110  # CSS pixels per inch of a chart: a little above the browser's 96, so 10 pt reads like the page
SHARPNESS = 1.5  # charts are drawn at this many pixels per CSS pixel: crisp on a projector and on a laptop
# The workbook's own rules, shown once per view (an HTML widget's <style> applies to the page):
# slider readouts keep room for "150" whatever the sidebar's width; a headline card's value
# never wraps (the card grows instead); the status line's spinner is drawn by CSS, because
# an emoji such as an hourglass has no glyph in the CJK fonts the project installs.
STYLESHEET = """<style>
.vp-view .widget-readout{flex:0 0 auto;min-width:3.4em;overflow:visible;text-align:right}
.vp-view .widget-label,.vp-view .widget-inline-hbox .widget-label{white-space:nowrap;overflow:hidden;
 text-overflow:ellipsis}
.vp-labelled-above>.widget-label{display:none !important}
.vp-view .vp-above{font-size:var(--jp-widgets-font-size,13px);margin:6px 0 0 2px;color:#24292f}
.vp-headline .vp-value,.vp-nowrap{white-space:nowrap}
.vp-view .lm-TabBar-tab{flex:0 0 auto !important;max-width:none !important}
.vp-image-pending{display:none !important}
.vp-spinner{display:inline-block;box-sizing:border-box;width:0.95em;height:0.95em;margin-right:0.35em;
 border:2px solid currentColor;border-right-color:transparent;border-radius:50%;vertical-align:-0.12em;
 animation:vp-spin 0.8s linear infinite}
@keyframes vp-spin{to{transform:rotate(360deg)}}
.vp-progress{display:inline-block;width:12em;height:0.6em;margin:0 0.5em;border-radius:3px;background:#eaeef2;
 vertical-align:middle;overflow:hidden}
.vp-progress>span{display:block;height:100%;background:#0969da}
</style>"""


class Debouncer:
    """Calls ``func`` once calls have paused for ``delay`` seconds; at once when ``delay`` is 0.

    In a Jupyter kernel the call is scheduled on the kernel's event loop, so it runs in the
    main thread between widget messages; elsewhere a timer thread runs it (under a lock).
    """

    def __init__(self, func: Callable[[], None], delay: float):
        self.func = func
        self.delay = delay
        self._handle: asyncio.TimerHandle | threading.Timer | None = None
        self._lock = threading.Lock()

    def __call__(self) -> None:
        self.cancel()
        if self.delay <= 0:
            self.func()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            timer = threading.Timer(self.delay, self._locked)
            timer.daemon = True
            self._handle = timer
            timer.start()
        else:
            self._handle = loop.call_later(self.delay, self.func)

    def _locked(self) -> None:
        with self._lock:
            self.func()

    def cancel(self) -> None:
        """Forget a call that has not run yet."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


class Drawer:
    """Runs drawing jobs on one worker thread, only the newest waiting one; inline when not ``background``.

    A job starts once no newer job has come for ``settle`` seconds, so while a planner keeps
    moving a control no chart competes with the re-plans. Matplotlib figures made without
    pyplot draw safely off the main thread, and widget values set there reach the page as
    usual. A job that fails writes its error into ``errors``.
    """

    def __init__(self, *, background: bool, errors: w.Output | None = None, settle: float = CHART_SETTLE_SECONDS):
        self.background = background
        self.errors = errors
        self.settle = settle
        self._job: Callable[[], None] | None = None
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        if not self.background:
            job()
            return
        with self._wake:
            self._job = job  # an older job still waiting is dropped: its plan is out of date
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="planner-charts", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _work(self) -> None:
        while True:
            with self._wake:
                while self._job is None:
                    self._wake.wait()
                while True:  # settle: start only when no newer job came meanwhile
                    job = self._job
                    self._wake.wait(timeout=self.settle)
                    if self._job is job:
                        break
                self._job = None
            try:
                job()
            except Exception as exc:  # shown on the page: a thread has no cell to show it in
                log.exception("drawing failed")
                if self.errors is not None:
                    self.errors.append_stderr(f"{type(exc).__name__}: {exc}\n")

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until no job is waiting (tests); True when idle in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._wake:
                if self._job is None:
                    return True
            time.sleep(0.01)
        return False


def guarded(output: w.Output) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``output.capture(clear_output=True)`` in a kernel, so a callback's error shows on the page.

    Outside a kernel (tests, scripts) callbacks run bare and their errors propagate.
    """
    try:
        from IPython import get_ipython

        in_kernel = getattr(get_ipython(), "kernel", None) is not None
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        in_kernel = False
    if in_kernel:
        return output.capture(clear_output=True)
    return lambda func: func


def language_toggle(lang: str = "zh") -> w.ToggleButtons:
    """中文 / English buttons; their value is ``zh`` or ``en``."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return w.ToggleButtons(options=LANGUAGES, value=lang, style={"button_width": "6em"},
                           layout=w.Layout(width="auto"))


def png_image(fig: Any = None, *, dpi: int | None = None, max_width: str = "100%") -> w.Image:
    """An Image widget for charts, showing a matplotlib figure when given one (:func:`show_figure`;
    drawn at ``dpi`` when given, else at the workbook's sharpness).

    Until it has a picture it takes no room (no broken-image icon, no empty box).
    """
    # No margin: with max-width 100% a margin would stick out of a narrow column and scroll it sideways.
    image = w.Image(format="png", layout=w.Layout(max_width=max_width, height="auto", margin="0"))
    image.add_class("vp-image-pending")
    if fig is not None:
        show_figure(image, fig, png=None if dpi is None else charts.to_png(fig, dpi=dpi))
    return image


def show_figure(image: w.Image, fig: Any, *, png: bytes | None = None) -> None:
    """Show ``fig`` in ``image`` at its own size (its inches at :data:`CSS_DPI` pixels an inch).

    The picture is drawn at :data:`SHARPNESS` pixels per CSS pixel and shown at its natural
    size, never stretched: a narrower page scales it down (``max-width``), never up, so it
    stays sharp; ``png`` is the figure already drawn that way (:func:`figure_png`).
    """
    data = png if png is not None else figure_png(fig)
    image.layout.width = f"{round(fig.get_figwidth() * CSS_DPI)}px"
    image.value = data
    image.remove_class("vp-image-pending")


def figure_png(fig: Any) -> bytes:
    """The figure as PNG at the workbook's sharpness (:data:`SHARPNESS`)."""
    return charts.to_png(fig, dpi=round(CSS_DPI * SHARPNESS))


def stylesheet() -> w.HTML:
    """The workbook's style rules (:data:`STYLESHEET`), as a widget to put in a view once;
    the view itself carries the class ``vp-view``."""
    return w.HTML(STYLESHEET, layout=w.Layout(height="0px", margin="0"))


def status_html(state: str, text: str, *, colour: str = "#57606a", data: str = "") -> str:
    """A status line: a spinner for work under way (``state`` "solving" or "working"), a tick when done."""
    mark = '<span class="vp-spinner" aria-hidden="true"></span>' if state in ("solving", "working") else "✓ "
    return (f'<span class="vp-status" data-state="{state}"{data} style="color:{colour}">{mark}'
            f"{html.escape(text)}</span>")


def download_link(data: bytes | str | Path, filename: str | None = None, *, text: str | None = None) -> w.HTML:
    """A link that downloads a file from the page itself (a data URI), in JupyterLab and in Voila.

    Parameters
    ----------
    data : bytes or path
        The file's bytes, or its path (read now).
    filename : str, optional
        Name the browser saves it under; the path's name by default.
    text : str, optional
        The link's text; the file name and size by default.
    """
    if isinstance(data, str | Path):
        path = Path(data)
        filename = filename or path.name
        data = path.read_bytes()
    if not filename:
        raise ValueError("download_link needs a file name for bytes")
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    encoded = base64.b64encode(data).decode("ascii")
    size = f"{len(data) / 1024:,.0f} KB" if len(data) >= 1024 else f"{len(data)} B"
    shown = html.escape(text or filename)
    return w.HTML(f'<a download="{html.escape(filename)}" href="data:{mime};base64,{encoded}" '
                  f'style="text-decoration:underline">⬇ {shown}</a> <span style="color:#57606a">({size})</span>')



__all__ = [
    "CHART_SETTLE_SECONDS",
    "CSS_DPI",
    "DEBOUNCE_SECONDS",
    "DESCRIPTION_STYLE",
    "LANGUAGES",
    "SHARPNESS",
    "STYLESHEET",
    "Debouncer",
    "Drawer",
    "download_link",
    "figure_png",
    "guarded",
    "language_toggle",
    "png_image",
    "show_figure",
    "status_html",
    "stylesheet",
]
