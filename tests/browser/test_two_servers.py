"""Two app servers on one DuckLake database (catalog in PostgreSQL), each a real Streamlit
process on its own port, driven side by side: what one writes, the other shows; what both
change at once, one keeps and the other refuses clearly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from experiments import loop
from experiments.db import Database
from experiments.store import Store
from tests.browser.conftest import (
    RUN_COUNTER,
    Server,
    rerun,
    start_server,
    stop_server,
    wait_idle,
)
from tests.conftest import FIXTURES
from tests.postgres import Cluster

pytestmark = pytest.mark.browser


@pytest.fixture
def two_servers(
    postgres: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Server, Server]]:
    """Two servers on one new DuckLake catalog whose campaign has cycle 1 in Feedback."""
    monkeypatch.setenv("TRACKER_DATA_PATH", str(tmp_path / "lake-data"))
    target = postgres.lake_target()
    db = Database.open(target)
    s = Store(db)
    campaign = s.create_campaign("Spring Sale", audience="Gardeners", success_measure="Orders")
    cycle, _ = loop.start_first_cycle(s, campaign.id, date(2026, 3, 1), date(2026, 3, 28),
                                      "Free shipping lifts the conversion rate")  # fmt: skip
    for _ in range(2):
        loop.advance(s, cycle.id)
    db.close()
    one = start_server(target, tmp_path / "one.log")
    try:
        two = start_server(target, tmp_path / "two.log")
    except BaseException:
        stop_server(one)
        raise
    yield one, two
    stop_server(two)
    stop_server(one)


@pytest.fixture
def other_page(browser: Browser) -> Iterator[Page]:
    """A second browser session (another person at another desk)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RUN_COUNTER)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def test_an_import_through_one_server_shows_on_the_other(
    two_servers: tuple[Server, Server], page: Page, other_page: Page
) -> None:
    one, two = two_servers
    other_page.goto(f"{two.url}/imports")
    wait_idle(other_page)
    expect(other_page.get_by_role("combobox", name="Import to undo", exact=True)).to_have_count(0)

    page.goto(f"{one.url}/imports")
    wait_idle(page)
    with rerun(page):
        page.locator("input[type='file']").set_input_files(str(FIXTURES / "meta_en.csv"))
    with rerun(page):
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Imported: meta_en.csv")).to_be_visible()

    # The other server reads the same catalog: a reload offers the new import for undo.
    other_page.reload()
    wait_idle(other_page)
    undo = other_page.get_by_role("combobox", name="Import to undo", exact=True)
    expect(undo).to_have_value(re.compile(r"· meta_en\.csv$"))


def test_the_same_cycle_moved_on_two_servers_at_once_is_kept_once(
    two_servers: tuple[Server, Server], page: Page, other_page: Page
) -> None:
    one, two = two_servers
    for pg, srv in ((page, one), (other_page, two)):
        pg.goto(f"{srv.url}/cycle")
        wait_idle(pg)
        expect(pg.get_by_role("combobox", name="Cycle", exact=True)).to_have_value(
            "Cycle 1 · Feedback"
        )
    # Both people see the cycle in Feedback and both move it on; the first one's step stands.
    with rerun(page):
        page.get_by_role("button", name="On to Optimization").click()
    expect(page.get_by_text("The cycle is now in Optimization.")).to_be_visible()
    with rerun(other_page):
        other_page.get_by_role("button", name="On to Optimization").click()
    expect(other_page.get_by_text("was moved meanwhile", exact=False)).to_be_visible()
    expect(other_page.get_by_text("Nothing was saved", exact=False).first).to_be_visible()
    # Reloaded, both servers show the one step, and the history holds it once.
    other_page.reload()
    wait_idle(other_page)
    expect(other_page.get_by_role("combobox", name="Cycle", exact=True)).to_have_value(
        "Cycle 1 · Optimization"
    )
