"""Team mode in a real browser: password sign-in, each role's navigation, signing out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from experiments.db import Database
from experiments.models import Role
from experiments.store import Store
from tests.browser.conftest import Server, rerun, wait_idle
from tests.conftest import copy_demo
from tests.server import start_server, stop_server

pytestmark = pytest.mark.browser

PASSWORDS = {"tom": "viewer secret 1", "ana": "analyst secret 2", "jana": "admin secret 33"}


@pytest.fixture
def team_server(tmp_path: Path, demo_template: Path) -> Iterator[Server]:
    db_path = copy_demo(demo_template, tmp_path / "tracker.duckdb")
    db = Database.open(db_path)
    for username, role in (("tom", Role.VIEWER), ("ana", Role.ANALYST), ("jana", Role.ADMIN)):
        Store(db).add_user(username, username.title(), role, PASSWORDS[username])
    db.close()
    srv = start_server(db_path, tmp_path / "streamlit.log", team=True)
    yield srv
    stop_server(srv)


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with rerun(page):
        page.get_by_role("button", name="Sign in").click()


def test_members_sign_in_see_their_pages_and_sign_out(team_server: Server, page: Page) -> None:
    page.goto(team_server.url)
    wait_idle(page)
    expect(page.get_by_role("heading", name="Sign in to Launch & Learn")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_have_count(0)

    sign_in(page, "tom", "not the password")
    expect(page.get_by_text("The username or the password is wrong")).to_be_visible()
    expect(nav).to_have_count(0)

    sign_in(page, "tom", PASSWORDS["tom"])
    wait_idle(page)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_text("Signed in as tom (Viewer)")).to_be_visible()
    expect(nav.get_by_role("link", name="Compare")).to_be_visible()
    expect(nav.get_by_role("link", name="Import")).to_have_count(0)
    expect(nav.get_by_role("link", name="Team")).to_have_count(0)

    with rerun(page):
        page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Launch & Learn")).to_be_visible()
    expect(nav).to_have_count(0)

    sign_in(page, "ana", PASSWORDS["ana"])
    expect(page.get_by_text("Signed in as ana (Analyst)")).to_be_visible()
    expect(nav.get_by_role("link", name="Import")).to_be_visible()
    expect(nav.get_by_role("link", name="Team")).to_have_count(0)
