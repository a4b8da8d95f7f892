"""The demo workspace: what it holds, that it is deterministic, and that it obeys the loop's rules."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from experiments.cli import main
from experiments.db import Database
from experiments.demo import load_demo
from experiments.errors import Conflict, PermissionDenied
from experiments.metrics import metric_keys
from experiments.models import (
    PHASE_ORDER,
    Comparator,
    Decision,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Goal,
    Outcome,
    Phase,
    Role,
    ScopeKind,
    new_id,
)
from experiments.store import Store
from tests import sql
from tests.factories import make_campaign, signed_in
from tests.factories import row_counts as counts

TODAY = date(2026, 5, 20)
NOT_EMPTY = "the database is not empty; load the demo into a new database (--db NEW.duckdb)"
# Facts per day and stream, up to TODAY: Spring Sale 3 streams × (21 + 21 + 28 + 12) days,
# Employer Branding 2 × (28 + 28) + 1 × 21 (the IT ads were paused), Community Care 2 × 77.
EXPECTED = {"campaigns": 3, "cycles": 11, "learnings": 25, "goals": 8, "facts": 533,
            "feedback": 37, "optimizations": 24, "imports": 4}  # fmt: skip


@pytest.fixture
def demo(store: Store) -> dict[str, Any]:
    return load_demo(store, TODAY)


def cycle_facts(db: Database) -> pd.DataFrame:
    """Every fact with the cycle it belongs to: its campaign's aliases, inside the window."""
    return sql.frame(
        db,
        "SELECT cy.id AS cycle_id, c.name AS campaign, cy.number, f.* FROM cycle cy "
        "JOIN campaign c ON c.id = cy.campaign_id "
        "JOIN campaign_alias a ON a.campaign_id = c.id "
        "JOIN metric_fact f ON lower(f.source_campaign) = lower(a.name) "
        "AND f.platform = a.platform AND f.date BETWEEN cy.start_date AND cy.end_date",
    )


def days(start: date, end: date) -> set[date]:
    return {start + timedelta(days=i) for i in range((end - start).days + 1)}


def test_loads_into_an_empty_database_with_the_expected_counts(
    store: Store, demo: dict[str, Any]
) -> None:
    assert demo == EXPECTED
    assert [c.name for c in store.campaigns()] == [
        "Community Care", "Employer Branding", "Spring Sale"
    ]  # fmt: skip
    assert len(store.cycles()) == 11
    assert len(store.goals()) == 8
    assert len(store.learnings()) == 25
    assert store.fact_count() == 533
    assert len(store.imports()) == 4


def test_the_cli_demo_command_prints_what_it_loaded(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["--db", str(tmp_path / "t.duckdb"), "demo", "--json"], stdout=out) == 0
    assert json.loads(out.getvalue()) == EXPECTED


def snapshot(store: Store, db: Database) -> dict[str, Any]:
    """Everything a person sees of the demo, without the random ids."""
    facts = sql.rows(
        db,
        "SELECT * EXCLUDE (import_id) FROM metric_fact ORDER BY platform, source_campaign, "
        "variant, date",
    )
    totals = sql.rows(
        db,
        "SELECT platform, sum(spend), sum(impressions), sum(clicks), sum(conversions), "
        "sum(revenue), sum(leads), sum(engagements), sum(replies), median(response_time_s) "
        "FROM metric_fact GROUP BY platform ORDER BY platform",
    )
    names = {c.id: c.name for c in store.campaigns()}
    numbers = {c.id: (names[c.campaign_id], c.number) for c in store.cycles()}
    learnings = sorted(
        (
            numbers[x.cycle_id],
            x.statement,
            x.evidence,
            x.confidence,
            x.tags,
            x.decision,
            numbers.get(x.carried_into_id),
            x.applied,
            x.applied_reason,
            x.outcome,
            x.created_at,
            x.decided_at,
        )  # fmt: skip
        for x in store.learnings()
    )
    cycles = [(numbers[c.id], c.phase, c.start, c.end, c.budget, c.phase_changed_at)
              for c in store.cycles()]  # fmt: skip
    return {"facts": facts, "totals": totals, "learnings": learnings, "cycles": sorted(cycles)}


def test_the_same_day_gives_identical_data() -> None:
    loaded = []
    for _ in range(2):
        db = Database.open(":memory:")
        store = Store(db)
        load_demo(store, TODAY)
        loaded.append(snapshot(store, db))
        db.close()
    assert loaded[0] == loaded[1]
    assert len(loaded[0]["facts"]) == 533


def add_goal(store: Store) -> None:
    store.add_goal(Goal(new_id(), "CTR", "ctr", Comparator.AT_LEAST, 0.02))


@pytest.mark.parametrize(
    "prepare",
    [make_campaign, add_goal, lambda s: load_demo(s, TODAY)],
    ids=["a campaign", "a goal", "the demo itself"],
)
def test_refuses_a_non_empty_database_and_writes_nothing(
    db: Database, store: Store, prepare: Callable[[Store], object]
) -> None:
    prepare(store)
    before = counts(db)
    with pytest.raises(Conflict) as refused:
        load_demo(store, TODAY)
    assert str(refused.value) == NOT_EMPTY
    assert counts(db) == before


def test_a_failure_halfway_leaves_the_database_empty(db: Database) -> None:
    # A marketer may write campaigns, goals and the loop, but not imports: the demo fails at
    # its very last step, the facts, and everything before must be rolled back with it.
    marketer = signed_in(db, "mia", Role.MARKETER)
    before = counts(db)  # the user and the audit of adding them (and the claim row), nothing else
    assert sum(before.values()) == 3 and before["write_claim"] == 1
    with pytest.raises(PermissionDenied) as refused:
        load_demo(marketer, TODAY)
    assert str(refused.value) == (
        "mia (marketer) may not change import data; ask an admin for one of the roles: "
        "admin, analyst"
    )
    assert counts(db) == before


def test_each_campaign_has_a_complete_brief_and_its_goals(store: Store, demo: object) -> None:
    goals = {g.id: g for g in store.goals()}
    for campaign in store.campaigns():
        assert campaign.missing_essentials() == ()
        assert campaign.relationship_focus is not None
        assert campaign.budget and campaign.people_hours
        assert campaign.competitive_context and campaign.stakeholders and campaign.channels
        assert {a.platform for a in campaign.aliases} <= {"meta", "google_ads", "linkedin",
                                                          "social_inbox"}  # fmt: skip
        assert 2 <= len(campaign.goal_ids) <= 3
        cycles = store.cycles(campaign.id)
        for gid in campaign.goal_ids:
            goal = goals[gid]
            assert (goal.scope_kind, goal.scope_value) == (ScopeKind.CAMPAIGN, str(campaign.id))
            # The period covers every cycle and runs on past today: the goal is in progress.
            assert goal.period_start == cycles[0].start
            assert goal.period_end and cycles[-1].end and goal.period_end > cycles[-1].end
            assert goal.period_end > TODAY
            assert goal.metric in metric_keys()
            assert goal.baseline is not None and goal.owner and goal.objective
    assert sum(len(c.goal_ids) for c in store.campaigns()) == len(goals)


def test_spring_sale_has_aliases_on_meta_and_google_ads(store: Store, demo: object) -> None:
    aliases = {(a.platform, a.name) for a in store.campaign_by_name("Spring Sale").aliases}
    assert aliases == {("meta", "SPR26_Sale_Meta"), ("google_ads", "Spring Sale 2026 - Search")}


def test_cycle_windows_are_consecutive_and_end_around_today(store: Store, demo: object) -> None:
    latest_phases = set()
    for campaign in store.campaigns():
        cycles = store.cycles(campaign.id)
        assert 3 <= len(cycles) <= 4
        for before, after in zip(cycles, cycles[1:], strict=False):
            assert after.start == before.end + timedelta(days=1)
            assert after.previous_id == before.id
        for cycle in cycles:
            assert cycle.start and cycle.end
            assert 14 <= (cycle.end - cycle.start).days + 1 <= 28
            assert cycle.hypothesis and cycle.planned_changes and cycle.went_live
            assert cycle.budget and cycle.channels
        assert [c.phase for c in cycles[:-1]] == [Phase.CLOSED] * (len(cycles) - 1)
        assert cycles[-1].start <= TODAY and abs((cycles[-1].end - TODAY).days) <= 14
        latest_phases.add(cycles[-1].phase)
    assert latest_phases == {Phase.CAMPAIGN, Phase.FEEDBACK, Phase.OPTIMIZATION}


def test_phase_timestamps_follow_the_loop(store: Store, demo: object) -> None:
    for campaign in store.campaigns():
        cycles = store.cycles(campaign.id)
        for cycle in cycles:
            reached = PHASE_ORDER[: PHASE_ORDER.index(cycle.phase) + 1]
            assert list(cycle.phase_changed_at) == [p.value for p in reached]
            stamps = list(cycle.phase_changed_at.values())
            assert stamps == sorted(stamps)
            assert stamps[-1] < datetime.combine(TODAY, datetime.min.time())
        for before, after in zip(cycles, cycles[1:], strict=False):
            # The next start closes one cycle and opens the next in the same moment.
            assert before.phase_changed_at["closed"] == after.phase_changed_at["start"]


def test_closed_cycles_have_no_pending_learning(store: Store, demo: object) -> None:
    phases = {c.id: c.phase for c in store.cycles()}
    pending = [x for x in store.learnings() if x.decision is Decision.PENDING]
    assert pending, "an open cycle shows what a pending learning looks like"
    assert {phases[x.cycle_id] for x in pending} <= {Phase.CAMPAIGN, Phase.FEEDBACK,
                                                     Phase.OPTIMIZATION}  # fmt: skip
    for learning in store.learnings():
        assert learning.tags and learning.evidence and learning.confidence
        assert (learning.decided_at is None) == (learning.decision is Decision.PENDING)


def test_carried_learnings_point_to_the_next_cycle(store: Store, demo: object) -> None:
    cycles = {c.id: c for c in store.cycles()}
    carried = [x for x in store.learnings() if x.carried_into_id is not None]
    assert len(carried) == 15
    for learning in carried:
        source, target = cycles[learning.cycle_id], cycles[learning.carried_into_id]
        assert (target.campaign_id, target.number) == (source.campaign_id, source.number + 1)
        assert learning.decision in (Decision.CARRY_FORWARD, Decision.RETEST)
        assert learning.applied is not None and learning.applied_reason
        # An outcome exists exactly where the receiving cycle has closed.
        assert (learning.outcome is not None) == (target.phase is Phase.CLOSED)
    assert {x.applied for x in carried} == {True, False}
    assert {x.outcome for x in carried} == {None, *Outcome}
    for learning in store.learnings():
        source = cycles[learning.cycle_id]
        if source.phase is Phase.CLOSED and learning.decision in (
            Decision.CARRY_FORWARD, Decision.RETEST
        ):  # fmt: skip
            assert learning.carried_into_id is not None, learning.statement
        if learning.carried_into_id is None:
            assert (learning.applied, learning.outcome) == (None, None)


def test_feedback_covers_kinds_stakeholders_and_statuses(store: Store, demo: object) -> None:
    goals_of = {c.id: set(c.goal_ids) for c in store.campaigns()}
    items = []
    for cycle in store.cycles():
        feedback = store.feedback(cycle.id)
        assert feedback, f"cycle {cycle.number} has no feedback"
        for item in feedback:
            assert item.goal_id is None or item.goal_id in goals_of[cycle.campaign_id]
        items += feedback
    assert {f.kind for f in items} == set(FeedbackKind)
    assert {f.status for f in items} == set(FeedbackStatus)
    requests = [f for f in items if f.kind is FeedbackKind.REQUEST and f.goal_id is not None]
    assert {f.source for f in requests} >= {FeedbackSource.SALES, FeedbackSource.HR,
                                            FeedbackSource.MANAGEMENT}  # fmt: skip
    assert any(f.source is FeedbackSource.PR and f.kind is FeedbackKind.REQUEST for f in items)


def test_criticism_stays_open_past_a_cycle_close(store: Store, demo: object) -> None:
    open_items = store.open_criticism()
    assert any(c.phase is Phase.CLOSED for c in open_items)
    texts = [c.feedback.text for c in open_items if c.phase is Phase.CLOSED]
    assert texts == [
        "Delivery took 9 days during the sale although the ad promised 3–5 working days."
    ]


def test_optimizations_link_learnings_and_feedback_of_their_cycle(
    store: Store, demo: object
) -> None:
    for cycle in store.cycles():
        learnings = {x.id for x in store.learnings(cycle.id)}
        feedback = {f.id: f for f in store.feedback(cycle.id)}
        optimizations = store.optimizations(cycle.id)
        if cycle.phase in (Phase.CLOSED, Phase.OPTIMIZATION):
            assert optimizations, f"cycle {cycle.number} has no optimization"
        for opt in optimizations:
            assert opt.owner and opt.why
            assert set(opt.learning_ids) <= learnings
            for fid in opt.feedback_ids:
                assert feedback[fid].status is not FeedbackStatus.OPEN
                assert feedback[fid].optimization_id == opt.id
    linked = [o for c in store.cycles() for o in store.optimizations(c.id)]
    assert any(o.learning_ids and o.feedback_ids for o in linked)


def test_every_day_of_every_cycle_has_facts_up_to_today(
    db: Database, store: Store, demo: object
) -> None:
    facts = cycle_facts(db)
    for cycle in store.cycles():
        assert cycle.start and cycle.end
        got = set(facts.loc[facts["cycle_id"] == cycle.id, "date"].dt.date)
        assert got == days(cycle.start, min(cycle.end, TODAY)), (cycle.number, cycle.phase)


def test_every_fact_belongs_to_one_campaign_through_its_aliases(
    db: Database, store: Store, demo: object
) -> None:
    matches = sql.rows(
        db,
        "SELECT f.platform, f.source_campaign, count(DISTINCT a.campaign_id) FROM metric_fact f "
        "LEFT JOIN campaign_alias a ON lower(a.name) = lower(f.source_campaign) "
        "AND a.platform = f.platform GROUP BY ALL",
    )
    assert len(matches) == 6
    assert {n for _, _, n in matches} == {1}
    # Windows do not overlap, so each fact lands in exactly one cycle of its campaign.
    assert len(cycle_facts(db)) == store.fact_count()


@pytest.mark.parametrize(
    ("platform", "reported"),
    [
        ("meta", {"spend", "impressions", "reach", "clicks", "conversions", "revenue"}),
        ("google_ads", {"spend", "impressions", "clicks", "conversions", "revenue"}),
        ("linkedin", {"spend", "impressions", "clicks", "leads", "engagements"}),
        ("social_inbox", {"replies", "replied_within_1h", "response_time_s"}),
    ],
)
def test_each_platform_reports_its_metrics_and_leaves_the_rest_null(
    db: Database, store: Store, demo: object, platform: str, reported: set[str]
) -> None:
    facts = sql.frame(db, "SELECT * FROM metric_fact WHERE platform = ?", [platform])
    for metric in ("spend", "impressions", "reach", "clicks", "conversions", "leads", "revenue",
                   "engagements", "replies", "replied_within_1h", "response_time_s"):  # fmt: skip
        filled = int(facts[metric].notna().sum())
        assert filled == (len(facts) if metric in reported else 0), metric
    record = next(r for r in store.imports() if r.platform == platform)
    assert (record.file_name, record.actor, record.status) == (f"demo: {platform}", "demo",
                                                               "imported")  # fmt: skip
    assert record.rows == record.new_rows == len(facts)
    assert (record.date_min, record.date_max) == (facts["date"].min().date(),
                                                  facts["date"].max().date())  # fmt: skip


def test_meta_has_two_creatives_every_day(db: Database, store: Store, demo: object) -> None:
    rows = sql.rows(
        db,
        "SELECT variant, count(*), count(DISTINCT date) FROM metric_fact "
        "WHERE platform = 'meta' GROUP BY variant ORDER BY variant",
    )
    assert rows == [("Creative A", 82, 82), ("Creative B", 82, 82)]


def rate(facts: pd.DataFrame, campaign: str, numerator: str, denominator: str) -> pd.Series:
    sums = facts[facts["campaign"] == campaign].groupby("number")[[numerator, denominator]].sum()
    return sums[numerator] / sums[denominator]


def test_applied_learnings_show_in_the_numbers(db: Database, store: Store, demo: object) -> None:
    facts = cycle_facts(db)
    meta = facts[facts["platform"] == "meta"]
    ctr = rate(meta, "Spring Sale", "clicks", "impressions")
    # Price-first creatives (carried from cycle 1, applied in cycle 2): CTR up by about a fifth.
    assert 1.12 < ctr[2] / ctr[1] < 1.35
    engagement = rate(facts, "Employer Branding", "engagements", "impressions")
    assert engagement[2] / engagement[1] > 1.3
    inbox = facts[facts["campaign"] == "Community Care"]
    median = inbox.groupby("number")["response_time_s"].median()
    assert median[2] < 0.85 * median[1]
    assert median.is_monotonic_decreasing


def test_weekdays_shape_the_daily_numbers(db: Database, store: Store, demo: object) -> None:
    linkedin = sql.rows(
        db,
        "SELECT isodow(date) > 5 AS weekend, avg(impressions) FROM metric_fact "
        "WHERE platform = 'linkedin' GROUP BY ALL",
    )
    by_weekend = dict(linkedin)
    assert by_weekend[True] < 0.6 * by_weekend[False]
    reply_time = dict(
        sql.rows(
            db,
            "SELECT isodow(date) > 5, median(response_time_s) FROM metric_fact "
            "WHERE platform = 'social_inbox' GROUP BY ALL",
        )
    )
    assert reply_time[True] > 1.3 * reply_time[False]


def test_planned_budgets_match_the_spend(db: Database, store: Store, demo: object) -> None:
    facts = cycle_facts(db)
    spend = facts.groupby("cycle_id")["spend"].sum()
    for cycle in store.cycles():
        if cycle.phase is Phase.CLOSED and cycle.id in spend and spend[cycle.id] > 0:
            assert cycle.budget
            assert 0.85 < spend[cycle.id] / cycle.budget <= 1.05, cycle.number
