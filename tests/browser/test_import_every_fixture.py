"""Every platform fixture, uploaded through the browser, imports with its exact rows and totals.

A server start costs seconds, so the uploads share servers: one per group of fixtures whose
facts share no key (a twin export of the same rows, such as meta_de.csv and meta_de.xlsx, goes
to another group). Each upload then finds only the rows it brings, whatever ran before it, and
asserts about its own import alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from playwright.sync_api import Page, expect

from experiments.db import Database
from experiments.errors import ImportRefused
from experiments.importers import service
from experiments.store import Store
from tests.browser.conftest import Server, rerun, start_server, stop_server, wait_idle
from tests.conftest import FIXTURES
from tests.test_import_fixtures import CASES


def shown_total(totals: dict[str, float]) -> str:
    """The first total (spend where there is one) as the English page writes it: 2,827.61."""
    key = "spend" if "spend" in totals else next(iter(totals))
    return format_decimal(totals[key], locale="en_US")


def disjoint_groups(names: list[str]) -> dict[str, int]:
    """Give each fixture the first group whose files it shares no fact key with: imported into
    that group's database, all its rows are new."""
    stores: list[Store] = []
    databases: list[Database] = []
    group: dict[str, int] = {}
    try:
        for name in names:
            data = (FIXTURES / name).read_bytes()
            for i, store in enumerate(stores):
                try:
                    summary = service.run(store, data, name, dry_run=True)
                except ImportRefused:
                    continue  # the same days with another breakdown: refused, so not disjoint
                if (summary.replaced_rows, summary.unchanged_rows) == (0, 0):
                    service.run(store, data, name)
                    group[name] = i
                    break
            else:
                databases.append(Database.open(":memory:"))
                stores.append(Store(databases[-1]))
                service.run(stores[-1], data, name)
                group[name] = len(stores) - 1
    finally:
        for database in databases:
            database.close()
    return group


class UploadServers:
    """Dashboard servers on empty databases, one per group, started when first asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.group = disjoint_groups([c[0] for c in CASES])
        self.started: dict[int, Server] = {}

    def for_file(self, name: str) -> Server:
        """Return the server whose database shares no fact key with ``name``."""
        g = self.group[name]
        if g not in self.started:
            folder = self.folder / f"group{g}"
            folder.mkdir()
            self.started[g] = start_server(folder / "tracker.duckdb", folder / "streamlit.log")
        return self.started[g]


@pytest.fixture(scope="module")
def upload_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UploadServers]:
    servers = UploadServers(tmp_path_factory.mktemp("uploads"))
    yield servers
    for srv in servers.started.values():
        stop_server(srv)


def test_twin_exports_land_in_different_groups() -> None:
    # The grouping is what keeps the uploads independent: the same rows as CSV and as XLSX, or
    # as UTF-16 LE and BE, must not share a database.
    group = disjoint_groups([c[0] for c in CASES])
    for a, b in (("meta_de.csv", "meta_de.xlsx"), ("google_ads_en.csv", "google_ads_en.xlsx"),
                 ("linkedin.csv", "linkedin_utf16be.csv")):  # fmt: skip
        assert group[a] != group[b], (a, b)
    assert len(set(group.values())) < len(CASES)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("name", "rows", "totals"), [(c[0], c[3], c[7]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_fixture_imports_through_the_browser(
    upload_servers: UploadServers, page: Page, name: str, rows: int, totals: dict[str, float]
) -> None:
    page.goto(f"{upload_servers.for_file(name).url}/imports")
    wait_idle(page)
    with rerun(page):
        page.locator("input[type='file']").set_input_files(str(FIXTURES / name))
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text(shown_total(totals))
    with rerun(page):
        page.get_by_role("button", name="Import", exact=True).click()
    expect(
        page.get_by_text(f"Imported {rows} rows: {rows} new, 0 replaced, 0 unchanged.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name=f"Imported: {name}")).to_be_visible()
    expect(page.get_by_role("table").last).to_contain_text(shown_total(totals))
