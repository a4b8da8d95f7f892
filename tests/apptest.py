"""Helpers for AppTest runs of the dashboard against a database named by $TRACKER_DB."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"


def app(page: str | None = None, timeout: float = 30) -> AppTest:
    """Return a fresh AppTest of the dashboard, switched to ``page`` (a path under views/)."""
    st.cache_resource.clear()  # each test's database is a new file: drop the cached connection
    at = AppTest.from_file(str(DASHBOARD), default_timeout=timeout)
    if page is not None:
        # Straight to the page, as a link to it opens: one script run instead of the overview's
        # and then the page's (test_pages checks that every page opens on its own this way).
        at.switch_page(page)
    return at.run()


def shown(markdown: str) -> str:
    """Return the text a reader sees: pages escape Markdown characters in messages."""
    return re.sub(r"\\(.)", r"\1", markdown)


def assert_clean(at: AppTest) -> None:
    """Fail with the page's exceptions and error boxes, if any: a page that shows only an
    error box has not rendered what it is for."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [shown(e.value) for e in at.error]
