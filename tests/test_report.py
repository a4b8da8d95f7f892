"""The HTML report: valid, complete, self-contained (nothing from the network), user text escaped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from experiments import goals
from experiments.db import Database
from experiments.models import (
    Alias,
    FeedbackKind,
    FeedbackSource,
    Phase,
    ScopeKind,
)
from experiments.reports import build_report, write_report
from experiments.store import Store
from tests.factories import make_campaign, make_cycle, make_learning
from tests.test_cli import run
from tests.test_goals import add_facts, daily, day, goal

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Checker(HTMLParser):
    """Parses a document, failing on unbalanced tags; collects text, tags and resource URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self.urls: list[tuple[str, str]] = []
        self.scripts: list[int] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.urls.append((tag, value))
        if tag == "script":
            self._in_script = True
            self.scripts.append(0)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += len(data)
        elif data.strip():
            self.text.append(data.strip())


def parse(document: str) -> Checker:
    checker = Checker()
    checker.feed(document)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    assert document.startswith("<!DOCTYPE html>")
    assert checker.tags[:3] == ["html", "head", "meta"] and checker.tags.count("body") == 1
    return checker


def self_contained(checker: Checker) -> None:
    external = [(tag, url) for tag, url in checker.urls if tag in ("script", "link", "img")
                and url.lower().lstrip().startswith(("http", "//"))]  # fmt: skip
    assert external == []
    assert not [u for _, u in checker.urls if u.lower().startswith(("http:", "https:", "//"))]
    # Plotly itself is inlined: one script of several megabytes, no src.
    assert max(checker.scripts) > 1_000_000


@pytest.fixture
def demo(demo_db: Path) -> Iterator[Store]:
    database = Database.open(demo_db)
    yield Store(database)
    database.close()


def test_demo_campaign_report_is_valid_complete_and_offline(demo: Store) -> None:
    campaign = demo.campaigns()[0]
    document = build_report(demo, campaign.name)
    checker = parse(document)
    self_contained(checker)
    text = "\n".join(checker.text)
    from experiments.reports import report_goals

    covered = report_goals(demo, campaign, date.today())
    assert covered, "the demo campaign has goals"
    for p in covered:
        assert p.goal.name in checker.text or p.goal.name in text
    for c in demo.cycles(campaign.id):
        assert f"Cycle {c.number} ·" in text
        for learning in demo.learnings(cycle_id=c.id):
            assert learning.statement in checker.text
    for heading in ("Goals", "The last two cycles compared", "Plan for the next cycle",
                    "Criticism still open"):  # fmt: skip
        assert heading in checker.text
    assert "@page" in document and "@media print" in document


def test_report_of_every_campaign_in_german(demo: Store) -> None:
    checker = parse(build_report(demo, lang="de"))
    self_contained(checker)
    assert "Kampagnenbericht: alle Kampagnen" in checker.text
    for c in demo.campaigns():
        assert c.name in checker.text
    for p in goals.progress(demo, date.today()):
        assert p.goal.name in "\n".join(checker.text)


def test_user_text_is_escaped_never_markup(store: Store) -> None:
    evil = "<script>alert(1)</script>"
    c = make_campaign(store, f"Evil {evil}", aliases=(Alias("EVIL"),),
                      audience='<img src="http://tracker.example/x.png">')  # fmt: skip
    cycle = make_cycle(store, c, 1, hypothesis="<a href='http://x.example'>more</a>")
    make_learning(store, cycle, "</div></body><b>bold</b>")
    store.add_feedback(cycle.id, FeedbackSource.COMMENTS, FeedbackKind.CRITICISM, evil)
    store.add_goal(goal(name=f"Goal {evil}", scope_kind=ScopeKind.CAMPAIGN, scope_value=c.name))
    add_facts(store, daily(3, clicks=1), source="EVIL")
    checker = parse(build_report(store, c.name))
    self_contained(checker)
    assert checker.tags.count("img") == 0 and checker.tags.count("a") == 0
    assert checker.tags.count("b") == 1  # the report's own "Audience:" label, nothing else
    assert f"Evil {evil}" in checker.text and "</div></body><b>bold</b>" in checker.text


def test_period_report_keeps_the_cycles_inside_it(store: Store) -> None:
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    make_cycle(store, c, 1, phase=Phase.CLOSED, start=day(1), end=day(10))
    make_cycle(store, c, 2, start=day(11), end=day(20))
    text = "\n".join(parse(build_report(store, "spring sale", start=day(12), end=day(30))).text)
    assert "Cycle 2 ·" in text and "Cycle 1 ·" not in text
    assert "A comparison needs two cycles." in text


def comparison_row(text: list[str], label: str) -> list[str]:
    """The cells of one metric's row in the comparison of the last two cycles."""
    start = text.index(label, text.index("The last two cycles compared"))
    return text[start : start + 6]


def test_too_little_data_is_compared_without_a_verdict(store: Store) -> None:
    # Five days a cycle and 25 clicks in the first: below the comparison's minimum of seven
    # days for a daily amount and of 30 events for a rate. The report prints both cycles'
    # values and the change, and says there is not enough data instead of a q-value.
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    make_cycle(store, c, 1, phase=Phase.CLOSED, start=day(1), end=day(5))
    make_cycle(store, c, 2, start=day(6), end=day(10))
    add_facts(store, daily(10, clicks=lambda i: 5 if i < 5 else 10, impressions=1000))
    text = parse(build_report(store, "Spring Sale")).text
    # a rate's change in percentage points, its relative change signed
    assert comparison_row(text, "CTR") == ["CTR", "0.50%", "1.00%", "+0.5\xa0pp", "+100%",
                                           "not enough data"]  # fmt: skip
    assert comparison_row(text, "Clicks per day") == ["Clicks per day", "5", "10", "+5",
                                                      "+100%", "not enough data"]  # fmt: skip


def test_the_last_two_cycles_are_compared_with_statistics(store: Store) -> None:
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    make_cycle(store, c, 1, phase=Phase.CLOSED, start=day(1), end=day(10))
    make_cycle(store, c, 2, start=day(11), end=day(20))
    # Clicks double from 10 to 20 a day on 1000 impressions: a clear change in CTR.
    add_facts(store, daily(20, clicks=lambda i: 10 + (i % 2) + (10 if i >= 10 else 0),
                           impressions=1000))  # fmt: skip
    text = parse(build_report(store, "Spring Sale")).text
    # 10.5 and 20.5 a day: a mean per day below 100 keeps one decimal, as on the compare page
    assert comparison_row(text, "Clicks per day")[1:3] == ["10.5", "20.5"]
    ctr = comparison_row(text, "CTR")
    assert ctr[1:3] == ["1.05%", "2.05%"]
    assert ctr[-1].endswith("•")  # significant after Benjamini–Hochberg


def test_cli_report_writes_the_file(demo_db: Path, tmp_path: Path) -> None:
    db = Database.open(demo_db)
    name = Store(db).campaigns()[0].name
    db.close()
    out = tmp_path / "report.html"
    code, text, err = run("report", name, "--out", str(out), "--lang", "de")
    assert (code, err) == (0, "")
    assert text == f"wrote the report on {name} to {out}\n"
    parse(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["report", "Nope", "--out", "r.html"],
      "error: no campaign named 'Nope' (there are no campaigns yet)\n"),
     (["report", "--out", "r.pdf"], "error: the report is an HTML file: name it like r.html\n"),
     (["report", "--out", "r.html", "--from", "2026-05-01", "--to", "2026-04-01"],
      "error: the period ends (2026-04-01) before it starts (2026-05-01); swap the dates\n")],
)  # fmt: skip
def test_cli_report_refuses_bad_input(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str],
    message: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*argv)
    assert (code != 0, out, err) == (True, "", message)
    assert not list(tmp_path.glob("r.*"))


def test_write_report_refuses_a_non_html_name(store: Store, tmp_path: Path) -> None:
    from experiments.errors import InvalidInput

    with pytest.raises(InvalidInput):
        write_report(store, tmp_path / "x.txt")


@pytest.mark.parametrize(
    ("campaign", "start", "end", "name"),
    [("Spring Sale", None, None, "report-spring-sale.html"),
     (None, date(2026, 3, 1), date(2026, 3, 31), "report-all-2026-03-01-2026-03-31.html"),
     ("../../etc/passwd", None, None, "report-etc-passwd.html"),
     ("Grüne Wochen / Herbst", None, None, "report-gr-ne-wochen-herbst.html"),
     ("ÄÖÜ", None, None, "report-campaign.html")],
)  # fmt: skip
def test_report_file_name_is_safe(
    campaign: str | None, start: date | None, end: date | None, name: str
) -> None:
    from experiments.reports import report_file_name

    assert report_file_name(campaign, start, end) == name
