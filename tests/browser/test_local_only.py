"""Local mode stays on this machine: the server listens on 127.0.0.1 only, whatever the
environment says, and no page loads anything from outside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, Route

from tests.browser.conftest import Server, wait_idle
from tests.conftest import ROOT
from tests.server import free_port, wait_healthy
from tests.test_pages import PAGES

pytestmark = pytest.mark.browser


def listening_addresses(port: int) -> set[str]:
    """Return the local addresses with a socket listening on ``port`` (from /proc/net)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_serve_listens_on_loopback_only_even_when_the_environment_asks_otherwise(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {**os.environ, "STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "experiments", "--db", str(tmp_path / "t.duckdb"), "serve",
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, tmp_path / "serve.log")
        # 0100007F is 127.0.0.1 in /proc's byte order; 0.0.0.0 would be 00000000.
        assert listening_addresses(port) == {"0100007F"}
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_no_page_loads_anything_from_outside_this_machine(demo_server: Server, page: Page) -> None:
    own = urlsplit(demo_server.url).netloc
    outside: list[str] = []

    def guard(route: Route, request: Request) -> None:
        if urlsplit(request.url).netloc == own or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    page.route("**/*", guard)
    for script in PAGES:
        slug = Path(script).stem
        page.goto(f"{demo_server.url}/{'' if slug == 'overview' else slug}")
        wait_idle(page)
    assert outside == []
