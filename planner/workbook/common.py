"""What every view of the workbook shares: pacing re-plans and drawings, showing errors, small widgets.

* :class:`Debouncer` re-plans once the changes pause, so dragging a slider never queues a
  solve per pixel; :class:`Drawer` draws charts off the kernel's main thread, newest first.
* :func:`guarded` shows a callback's unexpected error on the page (an ``Output`` widget),
  never only in a log; expected mistakes are each view's own messages.
* :func:`language_toggle`, :func:`png_image` and :func:`download_link` are the widgets
  every view shows the same way.

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


def png_image(fig: Any = None, *, dpi: int = 90, max_width: str = "100%") -> w.Image:
    """An Image widget, showing a matplotlib figure when given one."""
    image = w.Image(format="png", layout=w.Layout(width="100%", max_width=max_width, height="auto"))
    if fig is not None:
        image.value = charts.to_png(fig, dpi=dpi)
    return image


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
    "DEBOUNCE_SECONDS",
    "DESCRIPTION_STYLE",
    "LANGUAGES",
    "Debouncer",
    "Drawer",
    "download_link",
    "guarded",
    "language_toggle",
    "png_image",
]
