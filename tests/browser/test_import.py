"""Uploading a real export through the browser: the preview, then the imported totals."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, Server, rerun, wait_idle
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser


def test_upload_previews_and_imports_a_german_meta_export(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/imports")
    wait_idle(page)
    expect(page.get_by_text("Files up to 200 MB", exact=False)).to_be_visible()
    with rerun(page):
        page.locator("input[type='file']").set_input_files(str(FIXTURES / "meta_de.csv"))
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.get_by_text("Meta Ads Manager", exact=True)).to_be_visible()
    expect(page.get_by_text("Windows-1252", exact=True)).to_be_visible()
    expect(page.get_by_text("Semicolon", exact=True)).to_be_visible()
    totals = page.get_by_role("table").first
    expect(totals).to_contain_text("2,827.61")
    expect(totals).to_contain_text("88,026")
    expect(page.get_by_text("This is a preview: nothing has been written yet.")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import_preview.png"), full_page=True)

    with rerun(page):
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported 5 rows: 5 new, 0 replaced, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("heading", name="Imported: meta_de.csv")).to_be_visible()
    # The file still sits in the uploader: it reads as imported, not as "imported before".
    expect(page.get_by_text("This exact file was imported before", exact=False)).to_have_count(0)
    imported = page.get_by_role("table").last
    expect(imported).to_contain_text("2,827.61")
    expect(imported).to_contain_text("2,317")
    expect(page.get_by_text("Frühlingsaktion Gärten", exact=True).first).to_be_visible()
    expect(page.get_by_text("No imports yet.")).to_be_hidden()
