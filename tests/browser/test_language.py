"""The language switch in a real browser: selects relabelled, the choice kept on reload."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, wait_idle

LOAD = 60_000  # an upper bound for a busy machine, not a wait: expect returns as soon as it holds


def choose_language(page: Page, current: str, name: str) -> None:
    page.get_by_role("combobox", name=current).click()
    page.get_by_role("option", name=name).click()
    wait_idle(page)


def test_selects_follow_the_language_and_a_reload_keeps_it(demo_server: Server, page: Page) -> None:
    page.goto(f"{demo_server.url}/campaigns")
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible(timeout=LOAD)
    expect(page.get_by_role("combobox", name="Status")).to_have_value("Active", timeout=LOAD)
    choose_language(page, "Language", "Deutsch")
    expect(page.get_by_role("heading", name="Kampagnen")).to_be_visible(timeout=LOAD)
    # Before, the choice kept its English label among German options.
    expect(page.get_by_role("combobox", name="Status")).to_have_value("Aktiv", timeout=LOAD)
    expect(page).to_have_url(f"{demo_server.url}/campaigns?lang=de", timeout=LOAD)
    page.reload()
    expect(page.get_by_role("heading", name="Kampagnen")).to_be_visible(timeout=LOAD)
    expect(page.get_by_role("combobox", name="Status")).to_have_value("Aktiv", timeout=LOAD)
    choose_language(page, "Sprache", "English")
    expect(page.get_by_role("combobox", name="Status")).to_have_value("Active", timeout=LOAD)
    expect(page).to_have_url(f"{demo_server.url}/campaigns?lang=en", timeout=LOAD)
