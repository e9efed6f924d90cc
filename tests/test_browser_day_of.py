"""The day-of notebook code-free in a real browser: Voila runs it, chromium shows the re-plan and the notices."""

from __future__ import annotations

import pytest

from .test_browser import CHROMIUM, STARTUP_SECONDS, browser, voila  # noqa: F401 (the fixtures, shared)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (tools/setup-system.sh browser installs it)", allow_module_level=True)


def test_day_of_in_voila(voila, browser):  # noqa: F811 (pytest fixtures)
    """Run top to bottom (the last cell marks the busiest team out from 9 June morning and re-plans):
    the page shows how many assignments changed, each team's notice and the download links, and no code."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{voila}/voila/render/05_day_of.ipynb", timeout=STARTUP_SECONDS * 1000)
        page.wait_for_selector("text=变更人次", timeout=STARTUP_SECONDS * 1000)
        assert page.get_by_role("button", name="重新排班").is_visible()
        assert page.get_by_text("该场次无需到岗").first.is_visible()  # the team out is told
        page.wait_for_selector("a[download='notices.pdf']", timeout=STARTUP_SECONDS * 1000)
        assert page.locator("a[download='notification_list.csv']").count() == 1
        assert page.get_by_text("DayOfView").count() == 0  # code-free: no cell's code on the page
        assert page.locator(".jp-CodeCell .jp-InputArea, .CodeMirror, .cm-editor").count() == 0
    finally:
        page.close()
