"""Browser tests: the real Streamlit server on 127.0.0.1, driven by Playwright in Debian's Chromium.

Chromium comes from the system package (``apt-get install chromium``), never from a download.
Screenshots of each test land in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import copy_demo
from tests.server import Server, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here that drives a page as a browser test, so that -m "not browser"
    leaves out all of them, whether or not its module says so."""
    here = Path(__file__).resolve().parent
    for item in items:
        if item.path.is_relative_to(here) and "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def _serve(db: Path, log: Path) -> Iterator[Server]:
    srv = start_server(db, log)
    yield srv
    stop_server(srv)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A dashboard server on its own empty database."""
    yield from _serve(tmp_path / "tracker.duckdb", tmp_path / "streamlit.log")


@pytest.fixture
def demo_server(tmp_path: Path, demo_template: Path) -> Iterator[Server]:
    """A dashboard server on its own copy of the demo database."""
    db = copy_demo(demo_template, tmp_path / "tracker.duckdb")
    yield from _serve(db, tmp_path / "streamlit.log")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


# Counts the script runs the server reports as finished: Streamlit sends a ForwardMsg whose
# field 6 (script_finished) says how a run ended. The app's own "not running" state alone cannot
# tell a rerun that has not started yet from one that has ended; the count can. Runs that end
# early because another rerun replaced them (status 2) are not counted.
RUN_COUNTER = """
(() => {
  // Counts Streamlit's script-finished messages on the websocket (ForwardMsg field 6), read
  // from the protobuf bytes: one per finished run, apart from runs stopped early for a rerun.
  const Native = window.WebSocket;
  window.__streamlitRuns = 0;
  const finished = (bytes) => {
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do { byte = bytes[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; }
      while (byte & 0x80 && i < bytes.length);
      return value;
    };
    while (i < bytes.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key % 8;
      if (field === 6 && wire === 0) return varint() !== 2;  // 2: stopped early for a rerun
      if (wire === 0) varint();
      else if (wire === 1) i += 8;
      else if (wire === 2) {
        // The length first, then the jump: 'i += varint()' would add to i as it was before the
        // length was read, land one byte short, and then misread the rest of the message.
        const length = varint();
        i += length;
      } else if (wire === 5) i += 4;
      else return false;
    }
    return false;
  };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer && finished(new Uint8Array(event.data))) {
          window.__streamlitRuns += 1;
        }
      });
    }
  };
})();
"""
# A script run on a busy machine can take long; a run that never ends fails the test here.
RUN_TIMEOUT_MS = 120_000
# Playwright's expect() waits 5 s by default, apart from the page's own timeout: too short on a
# busy machine (a Plotly bar, a data frame were not drawn in time). The waits are for content
# that does come; the limit only ends a test whose content never does.
expect.set_options(timeout=60_000)


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.add_init_script(RUN_COUNTER)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def runs(page: Page) -> int:
    """Return how many script runs of this page's session have finished."""
    return int(page.evaluate("window.__streamlitRuns"))


def wait_idle(page: Page, after: int = 0) -> None:
    """Wait until more than ``after`` script runs have finished and Streamlit's own state says
    the script is not running (no fixed sleep: a busy machine only makes this wait longer)."""
    page.wait_for_function(
        """(after) => {
          const app = document.querySelector("[data-testid='stApp']");
          return window.__streamlitRuns > after && app !== null
            && app.getAttribute("data-test-script-state") === "notRunning"
            && !document.querySelector("[data-testid='stStatusWidget']");
        }""",
        arg=after,
        timeout=RUN_TIMEOUT_MS,
    )


@contextmanager
def rerun(page: Page) -> Iterator[None]:
    """Wait, after the block's action, until the script run it caused has finished."""
    wait_idle(page)
    before = runs(page)
    yield
    wait_idle(page, after=before)


def run_started(page: Page, after: int, timeout: float) -> bool:
    """Return whether a script run started (or finished) after ``after`` runs, waiting up to
    ``timeout`` ms: a widget change is sent at once, so a run that starts takes no longer."""
    try:
        page.wait_for_function(
            """(after) => {
              const app = document.querySelector("[data-testid='stApp']");
              return window.__streamlitRuns > after || (app !== null
                && app.getAttribute("data-test-script-state") !== "notRunning");
            }""",
            arg=after,
            timeout=timeout,
        )
    except PlaywrightTimeoutError:
        return False
    return True


def settle(page: Page) -> None:
    """Wait until every image on the page is decoded: an image gets its height only then, and
    the page moving under an open select box can close it before Enter picks an option."""
    page.wait_for_function("() => [...document.images].every((image) => image.complete)")


def wait_active(box: Locator, listed: Locator, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Wait until the open list of a select box shows ``listed`` and the box has made it the
    active option, the one Enter picks (its ``aria-activedescendant``)."""
    expect(listed).to_be_visible(timeout=timeout)
    active = listed.get_attribute("id")
    assert active, "the listed option has no id to make active"
    expect(box).to_have_attribute("aria-activedescendant", active, timeout=timeout)


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a selectbox by typing it, as a keyboard user does, and wait for the
    script run the choice starts. (Clicking the option in the opened list missed on a busy
    machine: the list had been placed outside the viewport by a layout shift under it.)"""
    wait_idle(page)
    settle(page)
    box = page.get_by_role("combobox", name=label, exact=True)
    listed = page.get_by_role("option", name=option, exact=True)
    # Enter picks the highlighted option of the filtered list; pressed before the list has been
    # filtered (a busy machine), it picks nothing, the box only shows the typed text and no run
    # follows. So wait for the option to be listed first. On a busy clean clone the open list
    # was twice gone before its option showed (the long overview still moving under it): then
    # the list is closed and opened again, as a person would, up to three times.
    # Seeing the option is not enough either: Enter picks the option the box has made active
    # (its aria-activedescendant), which a busy machine sets a render after the list is
    # filtered. Pressed before that, Enter only closes the list (a CI run waited 120 s for a
    # script run that never came). So wait until the wanted option is the active one.
    # Even then a clean-clone run once saw Enter close the list with the typed text left in
    # the box and no run started. So the pick counts only when a script run starts after
    # Enter; otherwise the list is opened and the option typed again, up to three times.
    for attempt in range(3):
        wait_idle(page)
        box.click()
        box.fill(option)
        try:
            wait_active(box, listed, timeout=RUN_TIMEOUT_MS / 3)
        except AssertionError:
            if attempt == 2:
                raise
            box.press("Escape")
            continue
        before = runs(page)
        box.press("Enter")
        if run_started(page, before, timeout=RUN_TIMEOUT_MS / 3):
            wait_idle(page, after=before)
            break
        assert attempt < 2, f"choosing '{option}' in '{label}' started no script run"
        box.press("Escape")
    expect(box).to_have_value(option)
