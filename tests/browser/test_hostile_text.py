"""Text from people and files is data, never markup: every page, drawn in Chromium over a
database whose every free-text field is hostile, asks nothing of the pixel server that text
points at, and nothing of any machine but this one.

A Markdown image in a message, a label or a tab title is fetched the moment the page draws it;
a tag in a Plotly label becomes a live link. The hostile texts (tests/hostile_text.py) try both,
and more, in every field, and the walk saves a goal, a brief and a column mapping on the way,
since their success messages quote the names.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, Route, expect

from experiments.db import Database
from experiments.store import Store
from tests import hostile_text
from tests.browser.conftest import (
    Server,
    rerun,
    settle,
    start_server,
    stop_server,
    wait_active,
    wait_idle,
)
from tests.hostile_text import PIXEL_MARK, Workspace, hostile
from tests.test_pages import PAGES

pytestmark = pytest.mark.browser

# A 1x1 transparent PNG: what a fetched image would get.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
# Besides requests, the walk records markup the hostile texts made: an image pointing where they
# point (loaded or not: one below the fold is fetched only when scrolled to), a javascript: link
# from Markdown, any link Plotly drew from a label. Watched from the first byte of the document,
# so an element drawn for a moment, or after a step's check, is recorded too.
MARKUP_WATCH = """
(() => {
  window.__hostileMarkup = [];
  const found = (what) => window.__hostileMarkup.push(what);
  const inspect = (root) => {
    if (!(root instanceof Element)) return;
    for (const el of [root, ...root.querySelectorAll("img, image, a")]) {
      const tag = el.tagName.toLowerCase();
      const link = el.getAttribute("href")
        || el.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "";
      if ((tag === "img" || tag === "image") && (el.getAttribute("src") || link).includes(MARK)) {
        found(tag + " " + (el.getAttribute("src") || link));
      }
      if (tag === "a" && link.trim().toLowerCase().startsWith("javascript:")) {
        found("script link " + link);
      }
      if (tag === "a" && link && el.closest(".js-plotly-plot")) found("plotly link " + link);
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") inspect(r.target);
      r.addedNodes.forEach(inspect);
    }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ["src", "href"]});
})();
"""


# A file name holds no slash (and the browser sends a quote in it as %22): its image and tag
# point at this page's own server, by a relative address that carries the mark all the same.
UPLOAD_NAME = (f"upload ![f]({PIXEL_MARK}-upload.png) <img src={PIXEL_MARK}-img.png> "
               ":red[x] $x$ `code` \u202eRTL.csv")  # fmt: skip

# The sections of the cycle workspace, as its section control names them.
SECTIONS = [re.compile(f"^{name}") for name in
            ("Start", "Campaign", "Feedback", "Optimization", "Learnings")]  # fmt: skip


@dataclass
class Pixel:
    """A tiny image server on 127.0.0.1 that remembers every request it gets."""

    base: str
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def pixel() -> Iterator[Pixel]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, format: str, *args: object) -> None:
            return None  # counted, not logged

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Pixel(f"http://127.0.0.1:{server.server_address[1]}", hits)
    server.shutdown()
    server.server_close()


@dataclass
class Hostile:
    server: Server
    workspace: Workspace
    pixel: Pixel


@pytest.fixture
def hostile_server(tmp_path: Path, pixel: Pixel) -> Iterator[Hostile]:
    """A dashboard server on a database whose every free-text field is hostile."""
    path = tmp_path / "tracker.duckdb"
    db = Database.open(path)
    workspace = hostile_text.build(Store(db), pixel.base, date.today())
    db.close()
    srv = start_server(path, tmp_path / "streamlit.log")
    yield Hostile(srv, workspace, pixel)
    stop_server(srv)


def words(text: str) -> str:
    """Return text with every run of white space, line breaks included, as one space."""
    return " ".join(text.split())


def generic_export(base: str) -> bytes:
    """Return an export no platform knows, its header and cells hostile, for the mapping form."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([hostile(base, f"column-{c}", lines=False) for c in ("date", "name", "clicks")])
    for day in range(1, 4):
        writer.writerow([f"2026-03-0{day}", hostile(base, "upload-source", lines=False), 10 * day])
    return out.getvalue().encode()


class Walk:
    """Visits pages and records, per step, what the pixel server got and what markup showed."""

    def __init__(self, page: Page, hostile: Hostile) -> None:
        self.page, self.url, self.pixel = page, hostile.server.url, hostile.pixel
        self.seen: dict[str, list[str]] = {}
        self.visited: set[str] = set()
        self.outside: list[str] = []
        self.asked: list[str] = []
        own = urlsplit(self.url).hostname
        page.route("**/*", self._guard(own))
        page.add_init_script(MARKUP_WATCH.replace("MARK", repr(PIXEL_MARK)))

    def _guard(self, own: str | None) -> Callable[[Route, Request], None]:
        def guard(route: Route, request: Request) -> None:
            if PIXEL_MARK in request.url:
                self.asked.append(request.url)
            if urlsplit(request.url).hostname == own or request.url.startswith(("data:", "blob:")):
                route.continue_()  # the pixel server is on 127.0.0.1 too: it counts for itself
            else:
                self.outside.append(request.url)
                route.abort()

        return guard

    def open(self, slug: str, query: str = "") -> None:
        if self.visited:  # what the last step drew late would go with the document
            self.check(f"before /{slug}{query}")
        self.visited.add(slug)
        self.page.goto(f"{self.url}/{slug}{query}")
        wait_idle(self.page)
        self.check(f"/{slug}{query}")

    def check(self, step: str) -> None:
        """Record what this step made the browser fetch or draw as markup."""
        found = self.page.evaluate("window.__hostileMarkup.splice(0)")
        hits = list(self.pixel.hits)
        self.pixel.hits.clear()
        if found or hits:
            self.seen[step] = hits + found

    def literal(self, where: str, text: str, expected: str) -> None:
        """Record when ``text`` does not hold ``expected`` as written (the bidi isolate around
        it, and how many spaces a line break became, aside)."""
        if words(expected) not in words(text.replace("\u2068", "").replace("\u2069", "")):
            self.seen[f"{where}: not shown as written"] = [text[:300]]

    def pick(self, label: str, typed: str) -> None:
        """Choose the option of a select box that matches what is typed, as a keyboard user
        does, and wait for the run it starts."""
        wait_idle(self.page)
        settle(self.page)
        box = self.page.get_by_role("combobox", name=label, exact=True)
        box.click()
        box.fill(typed)
        # Enter picks nothing before the filtered list has an active option (see
        # conftest.choose).
        wait_active(box, self.page.get_by_role("option", name=typed).first)
        with rerun(self.page):
            box.press("Enter")

    def sections(self, step: str) -> None:
        """Open every section of the cycle workspace in turn."""
        for name in SECTIONS:
            option = self.page.get_by_role("radio", name=name)
            expect(option).to_be_visible()
            if option.get_attribute("aria-checked") != "true":
                with rerun(self.page):
                    option.click()
            expect(option).to_have_attribute("aria-checked", "true")
            self.check(f"{step}, section {name.pattern}")


def test_hostile_text_is_shown_as_text_on_every_page(hostile_server: Hostile, page: Page) -> None:
    # Tall, so that images further down the long pages are within reach and would be fetched.
    page.set_viewport_size({"width": 1400, "height": 6000})
    ws, base = hostile_server.workspace, hostile_server.pixel.base
    walk = Walk(page, hostile_server)

    walk.open("")  # the overview
    walk.open("learnings")
    walk.open("timeline")
    ticks = page.locator(".js-plotly-plot .ytick text")
    expect(ticks.first).to_be_visible()
    # Plotly shows the names as they are written: the tags as text, not as a link and bold.
    walk.literal("timeline axis", " ".join(ticks.all_text_contents()), ws.campaign)

    walk.open("compare")
    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(3)  # the forest, the daily series, the variants' rates
    variants = charts.nth(2).locator(".ytick text")
    expect(variants.first).to_be_visible()
    walk.literal("variant chart axis", " ".join(variants.all_text_contents()),
                 hostile(base, "variant-a", lines=False))  # fmt: skip
    walk.check("/compare, drawn")

    for n, cycle_id in enumerate(ws.cycles, start=1):
        walk.open("cycle", f"?cycle={cycle_id}")
        walk.sections(f"cycle {n}")
    walk.pick("Campaign", "campaign-new")
    box = page.get_by_text("has no cycle yet", exact=False)
    expect(box).to_be_visible()
    walk.literal("no cycle yet", box.inner_text(), ws.new_campaign)
    walk.check("/cycle, campaign without a cycle")

    walk.open("goals")
    page.get_by_role("tab", name="Edit").click()
    with rerun(page):
        page.get_by_role("button", name="Save goal").first.click()
    expect(page.get_by_text("saved.", exact=False).first).to_be_visible()
    walk.check("/goals, goal saved")
    walk.open("team")  # the members, one with a hostile display name
    walk.open("mywork")  # what waits for the local admin: the hostile texts' items
    walk.open("audit")  # every change in words, quoting the hostile texts

    walk.open("campaigns")
    with rerun(page):
        page.get_by_role("button", name="Save brief").click()
    expect(page.get_by_text("is saved.", exact=False)).to_be_visible()
    walk.check("/campaigns, brief saved")
    walk.pick("Campaign", "campaign-new")
    walk.check("/campaigns, campaign without a cycle")

    walk.open("imports")
    with rerun(page):
        page.get_by_role("button", name="Undo import…").click()
    expect(page.get_by_text("Undo the import of", exact=False)).to_be_visible()
    walk.check("/imports, undo asked")
    with rerun(page):
        page.locator("input[type='file']").set_input_files(
            files=[{"name": UPLOAD_NAME, "mimeType": "text/csv", "buffer": generic_export(base)}]
        )  # fmt: skip
    walk.check("/imports, mapping form")
    for n, target in ((1, "date"), (2, "campaign"), (3, "Clicks")):
        box = page.get_by_role("combobox", name=f"Column {n}", exact=True)
        box.click()
        box.fill(target)
        wait_active(box, page.get_by_role("option", name=target).first)
        box.press("Enter")  # inside a form: nothing runs until the form is sent
        expect(box).to_have_value(target)
    page.get_by_label("Name of the mapping", exact=False).fill(
        hostile(base, "mapping", lines=False)
    )
    with rerun(page):
        page.get_by_role("button", name="Save mapping").click()
    expect(page.get_by_text("is saved; the file is recognised now", exact=False)).to_be_visible()
    walk.check("/imports, mapping saved")
    with rerun(page):
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Campaigns not linked yet")).to_be_visible()
    walk.literal("imported file", page.get_by_role("heading", name="Imported:").inner_text(),
                 UPLOAD_NAME)  # fmt: skip
    walk.check("/imports, imported")
    with rerun(page):
        page.get_by_role("button", name="Create campaign").first.click()
    expect(page.get_by_text("created and linked", exact=False)).to_be_visible()
    walk.check("/imports, campaign created")

    page.evaluate("1")  # one more round trip: every request the browser made is recorded now
    walk.check("end")
    assert {Path(p).stem or "overview" for p in PAGES} <= {s or "overview" for s in walk.visited}
    assert walk.seen == {}, "\n".join(f"{step}: {found}" for step, found in walk.seen.items())
    assert walk.asked == []
    assert walk.outside == []
