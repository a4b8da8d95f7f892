"""Benchmark: how fast each dashboard page answers in a real browser, on the demo workspace.

Starts the real Streamlit server (``streamlit run dashboard.py``) on a fresh copy of the demo
database and drives Debian's Chromium through Playwright (never a downloaded browser):

  * first hit: for each page, a freshly started server, the page opened by its URL; the time
    runs from the navigation until the browser receives Streamlit's "script finished" message;
  * sidebar: on one server, each page opened by a click on its sidebar link, several rounds;
    the time runs from the click until that message.

After each measured run the script also waits until Streamlit's status widget is gone (the
app's "not running" state), so the next measurement starts on an idle app. Prints, per page,
the median, the spread (min–max) and every run, in seconds.

    .venv/bin/python bench/page_bench.py [--runs 5] [--first-runs 3] [--pages overview,goals]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.db import Database  # noqa: E402
from experiments.demo import load_demo  # noqa: E402
from experiments.store import Store  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
# (URL path, sidebar title): the dashboard's pages in its navigation order, English titles.
PAGES: tuple[tuple[str, str], ...] = (
    ("", "Overview"), ("goals", "Goals"), ("campaigns", "Campaigns"), ("cycle", "Cycle workspace"),
    ("learnings", "Learnings library"), ("timeline", "Timeline"), ("compare", "Compare"),
    ("imports", "Import"),
)  # fmt: skip
FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY


class Finishes:
    """Records when the browser receives each 'script finished successfully' message."""

    def __init__(self, page: Page) -> None:
        self.times: list[float] = []
        page.on("websocket", self._attach)

    def _attach(self, ws: WebSocket) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload: Any) -> None:
        if not isinstance(payload, bytes):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not every frame is a whole ForwardMsg; skip it
            return
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished == FINISHED:
            self.times.append(time.perf_counter())

    def wait_after(self, page: Page, t0: float, timeout: float = 120) -> float:
        """Return the seconds from ``t0`` to the first finished run after it."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            done = [t for t in self.times if t > t0]
            if done:
                wait_idle(page)
                return done[0] - t0
            page.wait_for_timeout(10)  # lets Playwright deliver the frame events
        raise TimeoutError(f"no finished script run within {timeout} s")


def wait_idle(page: Page) -> None:
    """Wait until Streamlit's status widget is gone: the script is not running."""
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """Start the dashboard on a free loopback port; return its URL once it is healthy."""
    port = free_port()
    env = {**os.environ, "TRACKER_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--server.headless", "true", "--server.fileWatcherType", "none"]  # fmt: skip
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"),
                               stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return url, process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("streamlit did not answer within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def first_hits(browser: Browser, demo: Path, work: Path, pages: list[tuple[str, str]],
               runs: int) -> dict[str, list[float]]:  # fmt: skip
    """Per page: open it by URL on a freshly started server (own database copy), ``runs`` times."""
    result: dict[str, list[float]] = {title: [] for _, title in pages}
    for run in range(runs):
        for path, title in pages:
            db = work / f"first-{run}-{path or 'overview'}.duckdb"
            shutil.copy(demo, db)
            url, process = start_server(db, work / "streamlit.log")
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                finishes = Finishes(page)
                t0 = time.perf_counter()
                page.goto(f"{url}/{path}")
                result[title].append(finishes.wait_after(page, t0))
                context.close()
            finally:
                stop(process)
    return result


def sidebar(browser: Browser, demo: Path, work: Path, pages: list[tuple[str, str]],
            runs: int) -> dict[str, list[float]]:  # fmt: skip
    """Per page: on one warm server, a click on its sidebar link, ``runs`` rounds over all pages."""
    db = work / "sidebar.duckdb"
    shutil.copy(demo, db)
    url, process = start_server(db, work / "streamlit.log")
    result: dict[str, list[float]] = {title: [] for _, title in pages}
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        finishes = Finishes(page)
        page.goto(url)
        finishes.wait_after(page, 0.0)
        nav = page.locator("[data-testid='stSidebarNav']")
        # Start each round from a page that is not the first one measured.
        for _ in range(runs):
            for _, title in reversed(pages):
                link = nav.get_by_role("link", name=title, exact=True)
                t0 = time.perf_counter()
                link.click()
                result[title].append(finishes.wait_after(page, t0))
        context.close()
    finally:
        stop(process)
    return result


def show(label: str, result: dict[str, list[float]]) -> None:
    print(f"\n{label}")
    print(f"{'page':<18} {'median':>7} {'min':>6} {'max':>6}  runs (s)")
    for title, times in result.items():
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"{title:<18} {statistics.median(times):7.2f} {min(times):6.2f} "
              f"{max(times):6.2f}  {runs}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="sidebar rounds over all pages")
    parser.add_argument("--first-runs", type=int, default=3, help="fresh starts per page")
    parser.add_argument("--pages", default="", help="comma-separated titles (default: all)")
    args = parser.parse_args()
    wanted = {p.strip().lower() for p in args.pages.split(",") if p.strip()}
    pages = [p for p in PAGES if not wanted or p[1].lower() in wanted]
    with tempfile.TemporaryDirectory(prefix="page-bench-") as tmp:
        work = Path(tmp)
        demo = work / "demo.duckdb"
        database = Database.open(demo)
        t0 = time.perf_counter()
        load_demo(Store(database))
        print(f"demo workspace built in {time.perf_counter() - t0:.2f} s (in-process)")
        database.close()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                if args.first_runs:
                    show("first hit by URL after a fresh server start",
                         first_hits(browser, demo, work, pages, args.first_runs))  # fmt: skip
                if args.runs:
                    show("through the sidebar (warm server)",
                         sidebar(browser, demo, work, pages, args.runs))  # fmt: skip
            finally:
                browser.close()


if __name__ == "__main__":
    main()
