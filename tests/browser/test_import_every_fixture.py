"""Every platform fixture, uploaded through the browser, imports with its exact rows and totals."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, wait_idle
from tests.conftest import FIXTURES
from tests.test_import_fixtures import CASES

pytestmark = pytest.mark.browser


def shown_total(totals: dict[str, float]) -> str:
    """The first total (spend where there is one) as the English page writes it: 2,827.61."""
    key = "spend" if "spend" in totals else next(iter(totals))
    return format_decimal(totals[key], locale="en_US")


@pytest.mark.parametrize(
    ("name", "rows", "totals"), [(c[0], c[3], c[7]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_fixture_imports_through_the_browser(
    server: Server, page: Page, name: str, rows: int, totals: dict[str, float]
) -> None:
    page.goto(f"{server.url}/imports")
    wait_idle(page)
    page.locator("input[type='file']").set_input_files(str(FIXTURES / name))
    expect(page.get_by_role("heading", name="Preview")).to_be_visible(timeout=60_000)
    wait_idle(page)
    expect(page.get_by_role("table").first).to_contain_text(shown_total(totals))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(
        page.get_by_text(f"Imported {rows} rows: {rows} new, 0 replaced, 0 unchanged.")
    ).to_be_visible(timeout=60_000)
    wait_idle(page)
    expect(page.get_by_role("table").last).to_contain_text(shown_total(totals))
