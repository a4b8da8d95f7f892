"""A table exported from the overview: the download, made by DuckDB's COPY into a temporary file
on the server, arrives whole and equal to what the command line writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from experiments.db import Database
from experiments.exports import export_file
from experiments.store import Store
from tests.browser.conftest import Server, choose, wait_idle
from tests.conftest import copy_demo

pytestmark = pytest.mark.browser


def test_the_facts_download_from_the_overview_is_the_whole_export(
    demo_server: Server, demo_template: Path, page: Page, tmp_path: Path
) -> None:
    page.goto(demo_server.url)
    wait_idle(page)
    expect(page.get_by_text("Take it into the meeting")).to_be_visible()
    choose(page, "Table to export", "Metric facts")
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="CSV", exact=True).click()
    download = info.value
    assert download.suggested_filename == "facts.csv"
    saved = tmp_path / "downloaded.csv"
    download.save_as(saved)
    # The server holds its database open; its copy of the demo is what the template holds.
    db = Database.open(copy_demo(demo_template, tmp_path / "same.duckdb"))
    rows = export_file(Store(db), "facts", tmp_path / "cli.csv")
    db.close()
    assert saved.read_bytes() == (tmp_path / "cli.csv").read_bytes()
    assert saved.read_bytes().startswith("\ufeffPlatform,Campaign in the file,".encode())
    assert saved.read_bytes().count(b"\r\n") == rows + 1
