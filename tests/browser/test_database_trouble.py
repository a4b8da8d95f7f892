"""The real server on a database in trouble: the one page that says what to do, on every address,
no traceback, nothing written; and the dashboard itself once the trouble is gone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import broken_databases as broken
from tests.browser.conftest import Server, start_server, stop_server, wait_idle

pytestmark = pytest.mark.browser


@contextmanager
def serving(db: Path, log: Path) -> Iterator[Server]:
    srv = start_server(db, log)
    try:
        yield srv
    finally:
        stop_server(srv)


def assert_no_traceback(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in page.content()
    assert "--db" not in page.content()


def test_a_database_held_by_another_process(
    page: Page, tmp_path: Path, demo_template: Path
) -> None:
    (tmp_path / "case").mkdir()
    db = broken.demo_copy(tmp_path / "case" / "tracker.duckdb", demo_template)
    # Held before the server starts: the server opens the database as it starts (to compute
    # what the first pages show), and would otherwise hold the lock itself.
    with ExitStack() as stack:
        holding = stack.enter_context(ExitStack())
        pid = holding.enter_context(broken.held(db))
        srv = stack.enter_context(serving(db, tmp_path / "streamlit.log"))
        before = broken.snapshot(db.parent)
        for address in ("/", "/goals", "/imports"):
            page.goto(srv.url + address)
            wait_idle(page)
            expect(page.get_by_role(
                "heading", name="The database is in use by another program"
            )).to_be_visible()  # fmt: skip
            expect(page.get_by_text(
                f"{db} is in use by another program (process {pid}, "
                f"{broken.holder_program()}), which holds its lock"
            )).to_be_visible()  # fmt: skip
            expect(page.get_by_text("Close the other program that uses the file")).to_be_visible()
            expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
            assert_no_traceback(page)
        assert broken.snapshot(db.parent) == before
        holding.close()
        # The other program let go: a reload opens the page asked for, with every page back.
        page.reload()
        wait_idle(page)
        expect(page.get_by_role("heading", name="Import metrics")).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
        assert_no_traceback(page)


def test_a_sqlite_file(page: Page, tmp_path: Path, demo_template: Path) -> None:
    (tmp_path / "case").mkdir()
    db = broken.sqlite_file(tmp_path / "case" / "tracker.duckdb", demo_template)
    before = broken.snapshot(db.parent)
    with serving(db, tmp_path / "streamlit.log") as srv:
        page.goto(srv.url)
        wait_idle(page)
        expect(page.get_by_role(
            "heading", name="This file is not a Launch & Learn database"
        )).to_be_visible()  # fmt: skip
        expect(page.get_by_text(
            f"{db} is a SQLite database; Launch & Learn keeps its data in a DuckDB database and "
            "cannot use this file. Nothing was written."
        )).to_be_visible()  # fmt: skip
        assert "INSTALL" not in page.content()
        assert_no_traceback(page)
        page.goto(srv.url + "/goals?lang=de")
        wait_idle(page)
        expect(page.get_by_role(
            "heading", name="Diese Datei ist keine Datenbank von Launch & Learn"
        )).to_be_visible()  # fmt: skip
        expect(page.get_by_text(
            "Bitten Sie Ihren Admin, das Dashboard auf die Datenbankdatei des Trackers zu richten"
        )).to_be_visible()  # fmt: skip
        assert_no_traceback(page)
    assert broken.snapshot(db.parent) == before
