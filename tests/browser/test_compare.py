"""The compare page in a real browser on the demo workspace: the table, the forest chart, the
aligned daily series and verdicts a manager can read; a screenshot lands in test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, choose, wait_idle

pytestmark = pytest.mark.browser


def test_compare_page_shows_table_forest_and_series(demo_server: Server, page: Page) -> None:
    # Tall enough that the screenshot taken at teardown holds the whole page.
    page.set_viewport_size({"width": 1400, "height": 4400})
    page.goto(f"{demo_server.url}/compare")
    wait_idle(page)
    choose(page, "Campaign", "Employer Branding")
    expect(page.get_by_text("Design: observational. This is a before/after comparison",
                            exact=False)).to_be_visible()  # fmt: skip
    expect(page.get_by_role("heading", name="Cycle 3 against cycle 2")).to_be_visible()
    # The clear changes, in words a manager reads without the table.
    summary = page.locator("[data-testid='stMarkdownContainer'] li")
    expect(summary.first).to_contain_text("unlikely to be chance")
    expect(summary.filter(has_text="CTR up")).to_have_count(1)
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()
    # The forest chart, the daily series and the variants' rates are plotly figures.
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    expect(page.get_by_text("Relative change with its 95% interval")).to_be_visible()
    expect(page.get_by_text("Day by day, aligned by day of cycle")).to_be_visible()
    expect(page.locator(".js-plotly-plot").last.get_by_text("day of cycle")).to_be_visible()
    expect(page.get_by_role("heading", name="What was different")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Suggested learnings from clear changes")
    ).to_be_visible()


def test_a_third_cycle_takes_its_place_and_its_own_colour(demo_server: Server, page: Page) -> None:
    page.set_viewport_size({"width": 1400, "height": 4400})
    page.goto(f"{demo_server.url}/compare")
    wait_idle(page)
    page.get_by_label("Campaign").first.click()
    page.get_by_role("option", name="Employer Branding").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Cycle 3 against cycle 2")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2, timeout=60_000)
    wait_idle(page)
    page.get_by_label("Also show side by side", exact=False).click()
    page.get_by_role("option", name="Cycle 1").click()
    page.keyboard.press("Escape")
    wait_idle(page)
    expect(page.get_by_text("Each change column compares a cycle with the baseline cycle.",
                            exact=False)).to_be_visible()  # fmt: skip
    # The day-by-day series: one line per cycle, in cycle order, each in its palette colour.
    series = page.locator(".js-plotly-plot").filter(has_text="day of cycle")
    legend = series.locator(".legendtext")
    expect(legend).to_have_count(3)
    names = [t.split(" (")[0] for t in legend.all_text_contents()]
    assert names == ["Cycle 1", "Cycle 2", "Cycle 3"]
    lines = series.locator(".scatterlayer .trace .js-line")
    colours = [line.evaluate("e => getComputedStyle(e).stroke") for line in lines.all()]
    assert colours == ["rgb(0, 114, 178)", "rgb(230, 159, 0)", "rgb(0, 0, 0)"]
    page.get_by_text("the cycle before each").click()
    wait_idle(page)
    expect(page.get_by_text("Each change column compares a cycle with the cycle before each.",
                            exact=False)).to_be_visible()  # fmt: skip
