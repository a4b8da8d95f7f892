"""Hostile workbooks uploaded on the import page: a message, and the server stays up for everyone.

Before the workbook checks, the sparse grid aborted the Streamlit process (SIGABRT).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import hostile_files as hf
from tests.browser.conftest import Server, wait_idle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (hf.sparse_grid, "spans 1,048,576 rows × 16,384 columns"),
        (lambda: hf.deflate_bomb(300), "the workbook unpacks to more than 256 MB"),
        (lambda: hf.lying_sizes(300), "the workbook is damaged"),
    ],
    ids=["sparse grid", "deflate bomb", "lying bomb"],
)
def test_hostile_workbook_is_refused_and_the_server_stays_up(
    server: Server, page: Page, tmp_path: Path, build: Callable[[], bytes], message: str
) -> None:
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(build())
    page.goto(f"{server.url}/imports")
    wait_idle(page)
    page.locator("input[type='file']").set_input_files(str(path))
    expect(page.get_by_text(message, exact=False)).to_be_visible(timeout=60_000)
    wait_idle(page)
    assert server.process.poll() is None
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=30) as answer:
        assert answer.status == 200
