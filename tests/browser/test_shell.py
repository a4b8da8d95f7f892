"""The dashboard shell in a real browser: empty state, demo workspace, language switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, rerun, wait_idle

pytestmark = pytest.mark.browser


def test_empty_state_loads_demo_and_lists_its_campaigns(server: Server, page: Page) -> None:
    page.goto(server.url)
    wait_idle(page)
    expect(page.get_by_text("No campaigns yet")).to_be_visible()
    with rerun(page):
        page.get_by_role("button", name="Load demo workspace").click()
    expect(page.get_by_text("The demo workspace is loaded.")).to_be_visible()
    for name in ("Spring Sale", "Employer Branding", "Community Care"):
        expect(page.get_by_text(name, exact=False).first).to_be_visible()
