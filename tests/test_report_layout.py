"""The report's structure: a summary page first, goals worst first, no empty comparison table."""

from __future__ import annotations

import html
import re
from datetime import date

from experiments import goals
from experiments.demo import load_demo
from experiments.goals import Status
from experiments.models import FeedbackKind, FeedbackSource, FeedbackStatus, Optimization, new_id
from experiments.overview import STATUS_ORDER
from experiments.report_html import CSS
from experiments.reports import build_report
from experiments.store import Store
from tests.factories import make_campaign, make_cycle

LABELS = {
    "Achieved": Status.ACHIEVED, "On track": Status.ON_TRACK, "At risk": Status.AT_RISK,
    "Off track": Status.OFF_TRACK, "No data": Status.NO_DATA,
}  # fmt: skip
BADGE = re.compile(r'<span class="badge" style="background:#[0-9a-f]{6}">([^<:]+)</span>'
                   r"</td><td>([^<]+)</td>")  # fmt: skip
GOAL = re.compile(r"<div class='goal'><h3><span class=\"badge\"[^>]*>([^<]+)</span> ([^<]+)</h3>")


def section(report: str, start: str, end: str) -> str:
    """Return the part of the report between two markers (both must be there, in order)."""
    a = report.index(start)
    return report[a : report.index(end, a)]


def rank(label: str) -> int:
    return STATUS_ORDER.index(LABELS[label])


def test_the_summary_comes_first_with_every_goal_worst_first(store: Store) -> None:
    load_demo(store)
    report = build_report(store)
    summary = section(report, "<section class='summary'>", "</section>")
    assert report.index("<section class='summary'>") < report.index("<h2>Goals</h2>")
    rows = [(s, html.unescape(n)) for s, n in BADGE.findall(summary)]
    progress = goals.progress(store, date.today())
    assert sorted(n for _, n in rows) == sorted(p.goal.name for p in progress)
    assert [rank(s) for s, _ in rows] == sorted(rank(s) for s, _ in rows)
    # The counts above the table: one badge per status that occurs, with its number.
    for status in {p.status for p in progress}:
        n = sum(p.status is status for p in progress)
        label = next(k for k, v in LABELS.items() if v is status)
        assert f"{label}: {n}</span>" in summary


def test_top_risks_name_the_goals_off_track_and_criticism_left_open(store: Store) -> None:
    load_demo(store)
    report = build_report(store)
    risks = section(report, "<h3>Top risks</h3>", "</div>")
    risky = [p.goal.name for p in goals.progress(store, date.today())
             if p.status in (Status.OFF_TRACK, Status.AT_RISK)]  # fmt: skip
    assert risky, "the demo has goals off track"
    for name in risky[:4]:
        assert f"<li><span class='risk'>{html.escape(name)}</span>" in risks
    if len(risky) < 4:
        assert "criticism still open after the cycle closed" in risks


def test_goal_sections_are_ordered_worst_first(store: Store) -> None:
    load_demo(store)
    report = build_report(store)
    found = GOAL.findall(report)
    assert len(found) == len(goals.progress(store, date.today()))
    ranks = [rank(s) for s, _ in found]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]


def test_the_summary_says_what_changed_because_of_feedback(store: Store) -> None:
    campaign = make_campaign(store, "Autumn")
    cycle = make_cycle(store, campaign)
    fb = store.add_feedback(cycle.id, FeedbackSource.COMMENTS, FeedbackKind.CRITICISM,
                            "Shipping <costs> hidden")  # fmt: skip
    store.add_feedback(cycle.id, FeedbackSource.DMS, FeedbackKind.QUESTION, "Unanswered one")
    store.add_optimization(Optimization(new_id(), cycle.id, "Show shipping costs in the ad",
                                        feedback_ids=(fb.id,)))  # fmt: skip
    assert store.feedback_item(fb.id).status is FeedbackStatus.ADDRESSED
    changes = section(build_report(store), "<h3>What changed because of feedback</h3>", "</div>")
    assert "Comments: Shipping &lt;costs&gt; hidden" in changes
    assert "Show shipping costs in the ad (Addressed)" in changes
    assert "Unanswered one" not in changes
    assert "Autumn · Cycle 1" in changes


def test_no_feedback_answered_says_so(store: Store) -> None:
    make_cycle(store, make_campaign(store, "Autumn"))
    report = build_report(store, lang="de")
    assert "Noch keine Optimierung hat auf ein Feedback geantwortet." in report
    assert "Kein Ziel ist gefährdet oder verfehlt" in report


def test_a_comparison_without_metrics_prints_no_empty_table(store: Store) -> None:
    campaign = make_campaign(store, "Autumn")
    make_cycle(store, campaign, 1, start=date(2026, 3, 1), end=date(2026, 3, 14))
    make_cycle(store, campaign, 2, start=date(2026, 3, 15), end=date(2026, 3, 28))
    comparison = section(build_report(store), "<h3>The last two cycles compared</h3>", "</div>")
    assert "<table" not in comparison
    assert "Neither of the two cycles has metrics to compare yet." in comparison


def test_print_styles_keep_headings_with_what_follows() -> None:
    assert "h1, h2, h3, p.arrow { break-after: avoid; }" in CSS
    assert ".summary { break-after: page;" in CSS
    assert ".keep, .goal, .cycle, table, figure, tr { break-inside: avoid; }" in CSS
