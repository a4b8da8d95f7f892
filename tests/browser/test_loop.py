"""The loop in a real browser, for what AppTest cannot drive: the next-start dialog (refused with
its list, dismissed, confirmed) and a click on a timeline bar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from experiments import loop
from experiments.db import Database
from experiments.store import Store
from tests.browser.conftest import Server, rerun, start_server, stop_server, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture
def loop_server(tmp_path: Path) -> Iterator[Server]:
    """A server on a database whose campaign has cycle 1 in optimization, one learning pending."""
    path = tmp_path / "tracker.duckdb"
    db = Database.open(path)
    s = Store(db)
    campaign = s.create_campaign("Spring Sale", audience="Gardeners", success_measure="Orders")
    cycle, _ = loop.start_first_cycle(s, campaign.id, date(2026, 3, 1), date(2026, 3, 28),
                                      "Free shipping lifts the conversion rate")  # fmt: skip
    loop.add_learning(s, cycle.id, "Short copy wins on Meta", tags=("copy",))
    for _ in range(3):
        loop.advance(s, cycle.id)
    db.close()
    srv = start_server(path, tmp_path / "streamlit.log")
    yield srv
    stop_server(srv)


def test_next_start_dialog_refuses_then_closes_the_cycle(loop_server: Server, page: Page) -> None:
    page.goto(f"{loop_server.url}/cycle")
    wait_idle(page)
    page.get_by_role("button", name="Start cycle 2").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Cycle 1 cannot close yet.", exact=False)).to_be_visible()
    expect(dialog.get_by_text("waits for a decision: Short copy wins on Meta")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    wait_idle(page)
    # The server holds the database, so what changed is read from the page.
    expect(page.get_by_role("combobox", name="Cycle", exact=True)).to_have_value(
        "Cycle 1 · Optimization"
    )
    expect(page.get_by_role("button", name="Start cycle 2")).to_be_visible()

    with rerun(page):
        page.get_by_role("radio", name="Learnings (1 pending)").click()
    with rerun(page):
        page.get_by_role("radio", name="Carry forward").click()
    expect(page.get_by_text("Decided: Carry forward.")).to_be_visible()
    page.get_by_role("button", name="Start cycle 2").click()
    expect(
        dialog.get_by_text("Into the next cycle as its inputs: 1; staying behind: 0.", exact=False)
    ).to_be_visible()
    with rerun(page):
        dialog.get_by_role("button", name="Close and start cycle 2").click()
    expect(page.get_by_text("Cycle 1 is closed and cycle 2 has started")).to_be_visible()
    expect(page.get_by_text("Short copy wins on Meta").first).to_be_visible()
    expect(page.get_by_text("From cycle 1 · Carry forward")).to_be_visible()
    expect(page.get_by_role("combobox", name="Cycle", exact=True)).to_have_value("Cycle 2 · Start")
    expect(page.get_by_role("button", name="On to Campaign")).to_be_visible()


def test_a_click_on_a_timeline_bar_opens_that_cycle(loop_server: Server, page: Page) -> None:
    page.goto(f"{loop_server.url}/timeline")
    wait_idle(page)
    with rerun(page):
        page.get_by_role("radio", name="Just the cycles").click()
    # The rerun has drawn the new figure; Plotly lays a bar out once more when its container's
    # width is known, so the click waits until the bar stays where it is.
    bar = page.locator(".js-plotly-plot .bars .point path").first
    expect(bar).to_be_visible()
    box = settled_box(page, ".js-plotly-plot .bars .point path")
    # Plotly's drag layer lies over the bars and turns a click at a bar's place into its event.
    with rerun(page):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_role("heading", name="Cycle workspace")).to_be_visible()
    expect(page.get_by_role("combobox", name="Cycle", exact=True)).to_have_value(
        "Cycle 1 · Optimization"
    )


def settled_box(page: Page, selector: str) -> dict[str, float]:
    """Return the box of the first element matching ``selector`` once two looks at it, a
    quarter second apart, find it in the same place with a size."""
    page.wait_for_function(
        """(selector) => {
          const el = document.querySelector(selector);
          if (!el) return false;
          const r = el.getBoundingClientRect();
          const now = [r.x, r.y, r.width, r.height].join();
          const same = window.__lastBox === now && r.width > 0 && r.height > 0;
          window.__lastBox = now;
          return same;
        }""",
        arg=selector,
        polling=250,
    )
    box = page.locator(selector).first.bounding_box()
    assert box is not None
    return box


def test_a_phase_step_shows_at_once_in_the_cycle_select(loop_server: Server, page: Page) -> None:
    # A busy machine may take long to draw the page: the bound is generous, the wait ends as soon
    # as the value is there.
    page.goto(f"{loop_server.url}/cycle")
    wait_idle(page)
    cycle_select = page.get_by_role("combobox", name="Cycle", exact=True)
    expect(cycle_select).to_have_value("Cycle 1 · Optimization", timeout=60_000)
    with rerun(page):
        page.get_by_role("button", name="Back to Feedback").click()
    expect(page.get_by_text("The cycle is now in Feedback.")).to_be_visible(timeout=60_000)
    expect(cycle_select).to_have_value("Cycle 1 · Feedback", timeout=60_000)
