"""Team mode signing in through a company identity provider (OpenID Connect via st.login),
against a local provider started by the test on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Page, expect

from experiments.db import Database
from experiments.models import Role
from experiments.store import Store
from tests.browser.conftest import Server, wait_idle
from tests.conftest import copy_demo
from tests.server import free_port, start_server, stop_server

pytestmark = pytest.mark.browser

# What the provider says of each person; the tracker knows jana (an analyst) and not eve.
PEOPLE = [User(sub="0001", claims={"preferred_username": "jana", "email": "jana@example.test"}),
          User(sub="0002", claims={"preferred_username": "eve", "email": "eve@example.test"})]  # fmt: skip


@pytest.fixture
def provider_server(tmp_path: Path, demo_template: Path) -> Iterator[Server]:
    db_path = copy_demo(demo_template, tmp_path / "tracker.duckdb")
    db = Database.open(db_path)
    Store(db).add_user("jana", "Jana Krüger", Role.ANALYST)  # no password: the provider vouches
    db.close()
    with run_server_in_thread(port=0, user_claims=PEOPLE) as provider:
        port = free_port()
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length-0123456789"\n'
            'client_id = "launch-and-learn"\n'
            'client_secret = "test-client-secret"\n'
            f'server_metadata_url = "http://127.0.0.1:{provider.server_port}'
            '/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        srv = start_server(db_path, tmp_path / "streamlit.log", port=port, team=True,
                           options=("--secrets.files", str(secrets)))  # fmt: skip
        yield srv
        stop_server(srv)


def through_provider(page: Page, server: Server, subject: str) -> None:
    page.goto(server.url)
    wait_idle(page)
    page.get_by_role("button", name="Sign in with your company account").click()
    # The provider's own page: pick the person (a real provider asks for their password).
    page.get_by_role("button", name=subject, exact=True).click()
    page.wait_for_url(f"{server.url}/**")
    wait_idle(page)


def test_a_member_signs_in_through_the_provider(provider_server: Server, page: Page) -> None:
    through_provider(page, provider_server, "0001")
    expect(page.get_by_text("Signed in as jana (Analyst)")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Import")).to_be_visible()
    expect(nav.get_by_role("link", name="Team")).to_have_count(0)


def test_someone_the_team_does_not_know_is_refused(provider_server: Server, page: Page) -> None:
    through_provider(page, provider_server, "0002")
    expect(page.get_by_text("Your company account (eve) is not a member of this team yet")
           ).to_be_visible()  # fmt: skip
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    page.get_by_role("button", name="Use another account").click()
    # Signing out at the provider too (RP-initiated logout); the provider asks to confirm.
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{provider_server.url}/**")
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in with your company account")).to_be_visible()
    expect(page.get_by_text("is not a member of this team")).to_have_count(0)
