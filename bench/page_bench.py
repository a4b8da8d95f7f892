"""Benchmark: how fast each dashboard page answers in a real browser, on the demo workspace.

Starts the real server as ``python -m experiments serve`` does on a fresh copy of the demo
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
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.db import Database  # noqa: E402
from experiments.demo import load_demo  # noqa: E402
from experiments.store import Store  # noqa: E402
from tests.server import Server, free_port, start_server, stop_server, wait_healthy  # noqa: E402

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


BASELINE_PAGES: tuple[tuple[str, str], ...] = (("", "First"), ("second", "Second"))


def start_baseline(work: Path) -> Server:
    """Start bench/baseline_app.py as the dashboard is started (loopback, headless)."""
    port, log = free_port(), work / "baseline.log"
    argv = [sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" / "baseline_app.py"),
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false"]  # fmt: skip
    process = subprocess.Popen(argv, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log)
    return Server(url, work, process)


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """Return the CPU time (user + system) the server process has used so far."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Start = Callable[[str], Server]


def dashboard(demo: Path, work: Path) -> Start:
    """Return a starter of the dashboard on a fresh copy of the demo database."""

    def start(name: str) -> Server:
        db = work / f"{name}.duckdb"
        shutil.copy(demo, db)
        return start_server(db, work / "streamlit.log")

    return start


def first_hits(browser: Browser, start: Start, pages: Sequence[tuple[str, str]],
               runs: int) -> Times:  # fmt: skip
    """Per page: open it by URL on a freshly started server (own database copy), ``runs`` times."""
    result = Times(pages)
    for run in range(runs):
        for path, title in pages:
            server = start(f"first-{run}-{path or 'home'}")
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                finishes = Finishes(page)
                t0 = time.perf_counter()
                cpu = cpu_seconds(server.process)
                page.goto(f"{server.url}/{path}")
                result.add(title, finishes.wait_after(page, t0), cpu_seconds(server.process) - cpu)
                context.close()
            finally:
                stop_server(server)
    return result


def sidebar(browser: Browser, start: Start, pages: Sequence[tuple[str, str]], runs: int) -> Times:
    """Per page: on one warm server, a click on its sidebar link, ``runs`` rounds over all pages."""
    server = start("sidebar")
    result = Times(pages)
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        finishes = Finishes(page)
        page.goto(server.url)
        finishes.wait_after(page, 0.0)
        nav = page.locator("[data-testid='stSidebarNav']")
        # Start each round from a page that is not the first one measured.
        for _ in range(runs):
            for _, title in reversed(pages):
                link = nav.get_by_role("link", name=title, exact=True)
                cpu, t0 = cpu_seconds(server.process), time.perf_counter()
                link.click()
                result.add(title, finishes.wait_after(page, t0), cpu_seconds(server.process) - cpu)
        context.close()
    finally:
        stop_server(server)
    return result


class Times:
    """Per page, the wall time of each measured run and the server's CPU time during it."""

    def __init__(self, pages: Sequence[tuple[str, str]]) -> None:
        self.wall: dict[str, list[float]] = {title: [] for _, title in pages}
        self.cpu: dict[str, list[float]] = {title: [] for _, title in pages}

    def add(self, title: str, wall: float, cpu: float) -> None:
        self.wall[title].append(wall)
        self.cpu[title].append(cpu)

    def all_wall(self) -> list[float]:
        return [t for times in self.wall.values() for t in times]


def show(label: str, result: Times, baseline: Times | None) -> None:
    base = statistics.median(baseline.all_wall()) if baseline else None
    print(f"\n{label}" + (f" (baseline median {base:.2f} s)" if base else ""))
    head = f"{'page':<18} {'median':>7} {'min':>6} {'max':>6} {'× base':>7} {'server CPU':>10}"
    print(f"{head}  runs (s)")
    for title, times in result.wall.items():
        runs = ", ".join(f"{t:.2f}" for t in times)
        ratio = f"{statistics.median(times) / base:7.2f}" if base else f"{'':>7}"
        cpu = statistics.median(result.cpu[title])
        print(f"{title:<18} {statistics.median(times):7.2f} {min(times):6.2f} {max(times):6.2f} "
              f"{ratio} {cpu:10.2f}  {runs}")  # fmt: skip


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


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
        start, base = dashboard(demo, work), lambda _name: start_baseline(work)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                # Baseline and dashboard interleaved per round, so both meet the same load.
                print(f"load average (1/5/15 min) at the start: {load_average()}")
                if args.first_runs:
                    b, d = Times(BASELINE_PAGES), Times(pages)
                    for _ in range(args.first_runs):
                        merge(b, first_hits(browser, base, BASELINE_PAGES, 1))
                        merge(d, first_hits(browser, start, pages, 1))
                    show("baseline app: first hit by URL after a fresh start", b, None)
                    show("first hit by URL after a fresh server start", d, b)
                if args.runs:
                    b = sidebar(browser, base, BASELINE_PAGES, args.runs)
                    d = sidebar(browser, start, pages, args.runs)
                    show("baseline app: through the sidebar", b, None)
                    show("through the sidebar (warm server)", d, b)
                print(f"\nload average (1/5/15 min) at the end: {load_average()}")
            finally:
                browser.close()


def merge(into: Times, more: Times) -> None:
    for title in more.wall:
        into.wall[title] += more.wall[title]
        into.cpu[title] += more.cpu[title]


if __name__ == "__main__":
    main()
