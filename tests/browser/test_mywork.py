"""Two members in two browser sessions: a mention written by one reaches the other's My work,
and the cycle's history names both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from experiments.db import Database
from experiments.models import Phase, Role
from experiments.store import Store
from tests.browser.conftest import ARTIFACTS, RUN_COUNTER, Server, rerun, wait_idle
from tests.factories import make_campaign, make_cycle
from tests.server import start_server, stop_server

pytestmark = pytest.mark.browser

PASSWORDS = {"jana": "marketer secret 1", "tobias": "admin secret 22"}
NAMES = {"jana": "Jana Krüger", "tobias": "Tobias Klein"}


@pytest.fixture
def team_server(tmp_path: Path) -> Iterator[Server]:
    db_path = tmp_path / "tracker.duckdb"
    db = Database.open(db_path)
    store = Store(db)
    for username, role in (("jana", Role.MARKETER), ("tobias", Role.ADMIN)):
        store.add_user(username, NAMES[username], role, PASSWORDS[username])
    make_cycle(store, make_campaign(store, "Spring Sale"), phase=Phase.CAMPAIGN,
               start=date(2026, 3, 1), end=date(2026, 3, 28))  # fmt: skip
    db.close()
    srv = start_server(db_path, tmp_path / "streamlit.log", team=True)
    yield srv
    stop_server(srv)


def session(browser: Browser, server: Server, username: str, path: str) -> Page:
    """A browser session of its own, signed in as ``username`` on the page at ``path``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RUN_COUNTER)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server.url}/{path}")
    wait_idle(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORDS[username])
    with rerun(page):
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()
    return page


def comment_on_the_cycle(page: Page, text: str) -> None:
    page.get_by_text("Comments (", exact=False).last.click()
    box = page.get_by_label("Comment (plain text; @username notifies a member)").last
    box.fill(text)
    with rerun(page):
        page.get_by_role("button", name="Add comment").last.click()


def open_page(page: Page, title: str) -> None:
    """Go to a page through the navigation, as a member does (the session stays signed in)."""
    with rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()


def my_work_shows(page: Page, text: str) -> None:
    open_page(page, "Overview")
    open_page(page, "My work")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    grid = page.locator("[data-testid='stDataFrame']")
    expect(grid.get_by_text(text, exact=True).first).to_be_attached()


def test_a_mention_reaches_the_other_members_my_work(
    team_server: Server, browser: Browser, request: pytest.FixtureRequest
) -> None:
    tobias = session(browser, team_server, "tobias", "cycle")
    jana = session(browser, team_server, "jana", "mywork")
    expect(jana.get_by_text("Nothing waits for you.", exact=False)).to_be_visible()

    comment_on_the_cycle(tobias, "@jana, are the prices in the first line?")
    expect(tobias.get_by_text("Mentioned: jana")).to_be_visible()
    my_work_shows(jana, "@jana, are the prices in the first line?")
    expect(jana.get_by_text("Nothing waits for you.", exact=False)).to_have_count(0)

    open_page(jana, "Cycle workspace")
    comment_on_the_cycle(jana, "@tobias yes, since Monday")
    expect(jana.get_by_text("Mentioned: tobias")).to_be_visible()
    my_work_shows(tobias, "@tobias yes, since Monday")

    # The cycle's history names both, each with their own comment.
    open_page(jana, "Cycle workspace")
    jana.get_by_text("History of this cycle").click()
    for who, text in (("Tobias Klein", "@jana, are the prices in the first line?"),
                      ("Jana Krüger", "@tobias yes, since Monday")):  # fmt: skip
        expect(jana.get_by_text(f"{who} commented: “{text}”", exact=False)).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    for name, pg in (("tobias", tobias), ("jana", jana)):
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)
        pg.context.close()
