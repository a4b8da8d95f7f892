"""The report end to end: downloaded from the overview, opened from disk with the network cut off."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Server, choose, wait_idle

pytestmark = pytest.mark.browser


def test_report_downloads_from_the_overview_and_opens_offline(
    demo_server: Server, page: Page, tmp_path: Path
) -> None:
    page.goto(demo_server.url)
    wait_idle(page)
    expect(page.get_by_text("Goals at a glance")).to_be_visible()
    choose(page, "Report for", "Spring Sale")
    # The rerun after the choice has drawn the button for the new file.
    expect(page.get_by_text("report-spring-sale.html:")).to_be_visible()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Download report (HTML)").click()
    download = info.value
    assert download.suggested_filename == "report-spring-sale.html"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    # Opened from disk with every network request refused: the report needs none.
    asked: list[str] = []

    def refuse(route: Route) -> None:
        asked.append(route.request.url)
        route.abort()

    page.route("http://**/*", refuse)
    page.route("https://**/*", refuse)
    page.goto(saved.as_uri())
    expect(page.get_by_role("heading", name="Campaign report: Spring Sale")).to_be_visible()
    expect(page.get_by_role("heading", name="The last two cycles compared")).to_be_visible()
    # Plotly ran from the inlined script and drew every goal's chart.
    charts = page.locator(".plotly-graph-div .main-svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    assert asked == []
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
