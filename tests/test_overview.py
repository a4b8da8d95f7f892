"""The management overview: its rows and texts on a real DuckDB, and the page through AppTest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from experiments import display, goals, overview
from experiments.db import Database
from experiments.errors import InvalidInput
from experiments.goals import Status
from experiments.models import (
    Alias,
    Comparator,
    Decision,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Goal,
    Outcome,
    Phase,
    ScopeKind,
    new_id,
)
from experiments.store import Store
from tests.apptest import app, assert_clean
from tests.factories import make_campaign, make_cycle, make_learning
from tests.test_goals import NOISY_WEEKS, add_facts, daily, day, goal


@pytest.mark.parametrize(
    ("metric", "value", "lang", "text"),
    [
        ("spend", 1234.5, "en", "€1,234.50"),
        ("cpa", 24.5, "de", "24,50\xa0€"),
        ("ctr", 0.01834, "en", "1.83%"),
        ("replied_within_1h_share", 0.7, "de", "70,00\xa0%"),
        ("response_time_median_s", 45, "en", "45\xa0s"),
        ("response_time_median_s", 3600, "en", "1\xa0h"),
        ("response_time_median_s", 4140, "de", "1\xa0Std.\xa09\xa0Min."),
        ("response_time_p90_s", 600, "en", "10\xa0min"),
        ("roas", 3.456, "de", "3,46"),
        ("leads", 35424, "de", "35.424"),
        ("clicks", None, "en", "–"),
    ],
)
def test_format_value(metric: str, value: float | None, lang: str, text: str) -> None:
    assert display.format_value(metric, value, lang) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [("1500", 1500.0), ("0.025", 0.025), ("0,025", 0.025), ("2.5%", 0.025), ("1,8 %", 0.018),
     ("1.234,5", 1234.5), ("", None), ("  ", None)],
)  # fmt: skip
def test_parse_number(text: str, value: float | None) -> None:
    assert overview.parse_number(text, "the target") == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "1..2", "5 €"])
def test_parse_number_refuses_words(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        overview.parse_number(text, "the target")
    assert str(err.value) == (
        f"'{text}' is not a number for the target; write e.g. 1500, 0.025 or 2.5 %"
    )


@pytest.mark.parametrize(
    ("fields", "today", "text"),
    [
        ({}, date(2026, 2, 20), "The period starts on Mar 1, 2026."),
        ({"metric": "leads"}, day(10), "No Leads data in this period and scope yet; it appears "
         "with the first import that brings it."),
        ({}, day(10), "On pace (expected by today: 100) · forecast 300 by Mar 30, 2026"),
        ({"target": 400.0, "baseline": 250.0}, day(10), "Behind pace (expected by today: 133) "
         "· forecast 300 by Mar 30, 2026 · baseline 250"),
        ({}, day(5), "Too early to judge: 5 of 7 days with data so far; the status is judged "
         "from a full week of data on, when each weekday can count · On pace (expected by "
         "today: 50) · forecast 300 by Mar 30, 2026"),
        ({"target": 80.0}, day(10), "Target reached; a running total cannot fall back."),
        ({"target": 120.0, "period_end": day(10)}, day(20),
         "The period ended on Mar 10, 2026 · missed the target by 20"),
    ],
)  # fmt: skip
def test_explain_says_why(store: Store, fields: dict[str, object], today: date, text: str) -> None:
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, daily(10, clicks=10))
    p = goals.goal_progress(store, store.add_goal(goal(**fields)), today)
    assert overview.explain(p, "en") == text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "forecast 276 by Mar 30, 2026 (95 % range 256 to 296)"),
        ("de", "Prognose 276 bis 30.03.2026 (95-%-Bereich 256 bis 296)"),
    ],
)
def test_explain_gives_the_forecast_range(store: Store, lang: str, text: str) -> None:
    # Two weeks that vary around a weekly pattern (tests/test_goals.py works out the interval).
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, NOISY_WEEKS)
    p = goals.goal_progress(store, store.add_goal(goal(target=280.0)), day(14))
    assert p.status is Status.AT_RISK
    assert overview.explain(p, lang).endswith(text)


def test_scope_label_names_the_campaign(store: Store) -> None:
    c = make_campaign(store, "Spring Sale")
    g = store.add_goal(goal(scope_kind=ScopeKind.CAMPAIGN, scope_value="Spring Sale"))
    p = goals.goal_progress(store, g, day(10))
    assert overview.scope_label(p, {str(c.id): c.name}, "de") == "Kampagne: Spring Sale"


def test_goals_needing_attention_come_first(store: Store) -> None:
    add_facts(store, daily(10, clicks=10))
    for name, target in (("b on track", 300.0), ("a off track", 900.0), ("c achieved", 50.0)):
        store.add_goal(goal(name=name, target=target))
    ordered = overview.by_attention(goals.progress(store, day(10)))
    assert [p.goal.name for p in ordered] == ["a off track", "b on track", "c achieved"]
    assert overview.status_counts(ordered) == {
        Status.OFF_TRACK: 1, Status.AT_RISK: 0, Status.ON_TRACK: 1, Status.ACHIEVED: 1,
        Status.TOO_EARLY: 0, Status.NO_DATA: 0,
    }  # fmt: skip


@pytest.fixture
def loop(store: Store) -> Store:
    """Two cycles of one campaign: a learning carried from 1 into 2, criticism left open."""
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    one = make_cycle(store, c, 1, phase=Phase.CLOSED, start=day(1), end=day(5), budget=80.0)
    two = make_cycle(store, c, 2, phase=Phase.CAMPAIGN, start=day(6), end=day(10))
    make_learning(store, one, "Short copy wins", decision=Decision.CARRY_FORWARD,
                  carried_into_id=two.id, applied=True, outcome=Outcome.CONFIRMED)  # fmt: skip
    make_learning(store, one, "Blue beats green", decision=Decision.CARRY_FORWARD)
    # Decided before the cycle closed: a closed cycle takes no pending learning.
    make_learning(store, one, "Video is too slow", decision=Decision.DROP,
                  decided_at=datetime(2026, 3, 5, 17))  # fmt: skip
    store.add_feedback(one.id, FeedbackSource.COMMENTS, FeedbackKind.CRITICISM, "=too loud")
    store.add_feedback(two.id, FeedbackSource.REVIEWS, FeedbackKind.PRAISE, "lovely")
    add_facts(store, daily(10, spend=10))
    return store


def test_carried_learnings_with_outcome(loop: Store) -> None:
    assert overview.carried_learnings(loop) == [{
        "campaign": "Spring Sale", "from_cycle": 1, "into_cycle": 2,
        "statement": "Short copy wins", "decision": "carry_forward", "applied": True,
        "outcome": "confirmed",
    }]  # fmt: skip


def test_open_criticism_is_marked_when_its_cycle_is_closed(loop: Store) -> None:
    rows = overview.criticism_rows(loop)
    assert [(r["campaign"], r["cycle"], r["text"], r["overdue"]) for r in rows] == [
        ("Spring Sale", 1, "=too loud", True)
    ]


def test_spend_per_cycle_and_per_adopted_learning(loop: Store) -> None:
    rows = overview.spend_rows(loop)
    assert [(r["cycle"], r["budget"], r["spend"], r["adopted"], r["per_learning"])
            for r in rows] == [(1, 80.0, 50.0, 2, 25.0), (2, None, 50.0, 0, None)]  # fmt: skip
    assert overview.learning_cost(rows) == (25.0, 2)


def test_learning_cost_leaves_out_cycles_without_spend() -> None:
    rows = [{"adopted": 2, "spend": 100.0}, {"adopted": 3, "spend": None}]
    assert overview.learning_cost(rows) == (50.0, 2)


def test_changes_since_a_day(loop: Store) -> None:
    entities = {r["entity"] for r in overview.changes(loop, date(2000, 1, 1), "en")}
    assert {"import", "learning", "cycle", "feedback"} <= entities
    later = date.today().replace(year=date.today().year + 1)
    assert overview.changes(loop, later, "en") == []
    assert all(isinstance(r["happened_at"], datetime) for r in overview.changes(loop, day(1), "en"))


def _edit_goal(store: Store) -> None:
    made = store.add_goal(Goal(new_id(), "Leads", "leads", Comparator.AT_LEAST, 500.0))
    store.update_goal(replace(made, target=600.0))


def _move_feedback(store: Store) -> None:
    cycle = make_cycle(store, make_campaign(store, "Autumn"), phase=Phase.FEEDBACK)
    item = store.add_feedback(cycle.id, FeedbackSource.SALES, FeedbackKind.CRITICISM, "Too dear")
    store.set_feedback_status(item.id, FeedbackStatus.ADDRESSED)


# What the overview's list once left out (it read cycles, decisions and imports only).
@pytest.mark.parametrize(
    ("change", "lang", "sentence"),
    [(_edit_goal, "en", "Local admin edited the goal “Leads” (Leads)"),
     (_edit_goal, "de", "Lokaler Admin hat das Ziel „Leads“ bearbeitet (Leads)"),
     (_move_feedback, "en", "Local admin set feedback “Too dear” to Addressed"),
     (_move_feedback, "de", "Lokaler Admin hat Feedback „Too dear“ auf Bearbeitet gesetzt")],
)  # fmt: skip
def test_changes_read_the_audit_so_goal_edits_and_feedback_moves_appear(
    store: Store, change: Any, lang: str, sentence: str
) -> None:
    change(store)
    rows = overview.changes(store, date.today(), lang)
    assert rows[0]["text"] == sentence
    assert rows[0]["who"] == ("Local admin" if lang == "en" else "Lokaler Admin")


# -- the page -------------------------------------------------------------------------------


def test_overview_on_an_empty_database_offers_the_demo(db_path: Path) -> None:
    at = app("views/overview.py")
    assert_clean(at)
    assert at.button(key="load_demo")
    assert not at.get("download_button")


def test_overview_on_the_demo_shows_every_goal_with_its_light(demo_db: Path) -> None:
    at = app("views/overview.py")
    assert_clean(at)
    db = Database.open(demo_db)
    store = Store(db)
    progress = goals.progress(store, date.today())
    names = [c.name for c in store.campaigns()]
    db.close()
    texts = [x.value for x in at.text]
    assert progress and all(p.goal.name in texts for p in progress)
    counts = {m.label: int(m.value) for m in at.metric if m.label in {
        "Off track", "At risk", "On track", "Achieved", "Too early to judge",
        "No data yet"}}  # fmt: skip
    assert sum(counts.values()) == len(progress)
    assert counts["On track"] == sum(p.status is Status.ON_TRACK for p in progress)
    assert [x.value for x in at.subheader] == [
        "Goals at a glance", "Where each campaign stands", "Criticism still open",
        "Overdue work per campaign", "Learnings carried forward", "What learning cost", "What changed",
        "Take it into the meeting",
    ]  # fmt: skip
    frames = [df.value for df in at.dataframe]
    assert sorted(frames[0]["Campaign"]) == sorted(names)
    keys = [b.key for b in at.get("download_button")]
    assert keys == ["download_report", "download_csv", "download_xlsx"]


@pytest.mark.parametrize(
    ("lang", "label", "why"),
    [
        ("en", "Too early to judge", "Too early to judge: 3 of 7 days with data so far; the "
         "status is judged from a full week of data on, when each weekday can count"),
        ("de", "Zu früh für ein Urteil", "Zu früh für ein Urteil: bisher 3 von 7 Tagen mit "
         "Daten; der Status wird ab einer vollen Woche mit Daten beurteilt, wenn jeder "
         "Wochentag zählen kann"),
    ],
)  # fmt: skip
def test_a_goal_in_its_first_week_is_too_early_on_the_page(
    db_path: Path, lang: str, label: str, why: str
) -> None:
    # Three days of clicks far below the pace: the first days are not judged, in either language.
    first = date.today() - timedelta(days=2)
    db = Database.open(db_path)
    store = Store(db)
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, [{"date": first + timedelta(days=i), "clicks": 1} for i in range(3)])
    store.add_goal(goal(period_start=first, period_end=first + timedelta(days=29)))
    db.close()
    at = app("views/overview.py")
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    assert_clean(at)
    assert {m.label: m.value for m in at.metric}[label] == "1"
    assert any(c.value.startswith(why) for c in at.caption)


def test_changes_since_follows_the_chosen_day(demo_db: Path) -> None:
    at = app("views/overview.py")
    at.date_input(key="changes_since").set_value(date.today().replace(year=date.today().year + 1))
    at.run()
    assert_clean(at)
    assert "Nothing changed since then." in [c.value for c in at.caption]


def test_report_period_and_export_table_can_be_chosen(demo_db: Path) -> None:
    at = app("views/overview.py")
    at.selectbox(key="report_campaign").set_value("Spring Sale")
    at.date_input(key="report_period").set_value((date(2026, 9, 1), date(2026, 9, 30)))
    at.selectbox(key="export_table").set_value("facts")
    at.run()
    assert_clean(at)
    assert at.selectbox(key="export_table").value == "facts"
    assert at.date_input(key="report_period").value == (date(2026, 9, 1), date(2026, 9, 30))
