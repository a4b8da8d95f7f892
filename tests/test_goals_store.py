"""Goal validation and the analytics read queries, on a real DuckDB."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from experiments.db import Database
from experiments.errors import Conflict, InvalidInput, NotFound, TrackerError
from experiments.metrics import inputs
from experiments.models import (
    Alias,
    Comparator,
    Goal,
    Phase,
    ReplyTimes,
    ScopeKind,
    new_id,
)
from experiments.store import Store
from tests.factories import make_campaign, make_cycle
from tests.test_goals import add_facts, daily, day


@pytest.fixture
def db(any_db: Database) -> Database:
    """Every test here runs on a DuckDB file, in memory, and on DuckLake with PostgreSQL."""
    return any_db


def goal(**fields: Any) -> Goal:
    values: dict[str, Any] = dict(
        id=new_id(), name="CTR at least 1.8 %", metric="ctr", comparator=Comparator.AT_LEAST,
        target=0.018, baseline=0.016, period_start=day(1), period_end=day(30),
    )  # fmt: skip
    values.update(fields)
    return Goal(**values)


BAD = [
    ({"target": 1.8}, InvalidInput,
     "the target 1.8 for ctr is above 100 %: a rate is a share between 0 and 1; "
     "enter 0.025 for 2.5 %"),
    ({"metric": "replied_within_1h_share", "target": 0.7, "baseline": 45.0}, InvalidInput,
     "the baseline 45 for replied_within_1h_share is above 100 %: a rate is a share between 0 "
     "and 1; enter 0.025 for 2.5 %"),
    ({"metric": "leads", "target": -5.0}, InvalidInput,
     "the target must not be negative (got -5); metrics count up"),
    ({"target": float("nan")}, InvalidInput, "the target must be a number (got nan)"),
    ({"period_start": day(10), "period_end": day(2)}, InvalidInput,
     "the window ends (2026-03-02) before it starts (2026-03-10); swap the dates or correct "
     "the end"),
    ({"scope_kind": ScopeKind.CHANNEL, "scope_value": ""}, InvalidInput,
     "a goal scoped to one channel must name it"),
    ({"metric": "likes"}, InvalidInput, "'likes' is not a metric this tool knows; use one of: "
     "spend, impressions, reach, clicks"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "error", "message"), BAD)
def test_bad_goal_is_refused_with_its_reason(
    store: Store, fields: dict[str, Any], error: type[TrackerError], message: str
) -> None:
    with pytest.raises(error) as err:
        store.add_goal(goal(**fields))
    assert str(err.value).startswith(message)
    assert store.goals() == []


def test_a_cost_above_one_is_no_rate_and_is_allowed(store: Store) -> None:
    assert store.add_goal(goal(metric="cpa", comparator=Comparator.AT_MOST, target=25.0,
                               baseline=31.0)).target == 25.0  # fmt: skip


def test_goal_names_are_unique_ignoring_case(store: Store) -> None:
    first = store.add_goal(goal())
    with pytest.raises(Conflict) as err:
        store.add_goal(goal(name="ctr AT LEAST 1.8 %"))
    assert str(err.value) == "a goal named 'ctr AT LEAST 1.8 %' already exists; choose another name"
    assert store.update_goal(replace(first, target=0.02)).target == 0.02  # its own name is fine


def test_goal_by_name(store: Store) -> None:
    g = store.add_goal(goal())
    assert store.goal_by_name("ctr at least 1.8 %") == g
    with pytest.raises(NotFound) as err:
        store.goal_by_name("Leads")
    assert str(err.value) == "no goal named 'Leads' (known goals: CTR at least 1.8 %)"


def test_a_metric_without_data_is_allowed(store: Store) -> None:
    assert store.add_goal(goal(metric="video_views", target=5000.0, baseline=None)).metric == (
        "video_views"
    )


def test_channel_scope_is_a_lower_case_platform_key(store: Store) -> None:
    g = store.add_goal(goal(scope_kind=ScopeKind.CHANNEL, scope_value=" Meta "))
    assert g.scope_value == "meta"


def test_an_unknown_campaign_scope_is_kept_as_text(store: Store) -> None:
    # Briefs point at goals, so a goal may name its campaign before the campaign exists.
    g = store.add_goal(goal(scope_kind=ScopeKind.CAMPAIGN, scope_value="Autumn Launch"))
    assert g.scope_value == "Autumn Launch"


def test_daily_metrics_keep_empty_cells_missing(store: Store) -> None:
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, [{"date": day(1), "clicks": 3, "spend": None},
                      {"date": day(1), "clicks": 4, "spend": None, "variant": "B"}])  # fmt: skip
    frame = store.daily_metrics()
    assert list(frame["date"]) == [day(1)]
    assert frame["clicks"].iloc[0] == 7
    assert frame["spend"].isna().all()


def test_response_time_summary_is_median_and_p90(store: Store) -> None:
    add_facts(store, daily(10, response_time_s=lambda i: 60.0 * (i + 1)))
    summary = store.response_time_summary()
    assert (summary.median, summary.p90) == (pytest.approx(330.0), pytest.approx(546.0))
    assert store.response_time_summary(channel="none") == ReplyTimes(None, None)


def test_cycle_metrics_resolve_aliases_and_windows_without_double_counting(store: Store) -> None:
    # Two aliases match the same facts (one for any platform, one for meta): counted once.
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"), Alias("spr", "meta")))
    make_cycle(store, c, 1, start=day(1), end=day(5), budget=100.0)
    make_cycle(store, c, 2, start=day(6), end=None)
    add_facts(store, daily(8, spend=10))
    rows = [(r.number, r.budget, r.values["spend"], r.fact_rows) for r in store.cycle_metrics()]
    assert rows == [(1, 100.0, 50.0, 5), (2, None, 30.0, 3)]
    first = store.cycle_metrics()[0]
    assert (first.campaign, first.phase, first.start, first.end) == (
        "Spring Sale", Phase.START, day(1), day(5),
    )  # fmt: skip
    assert first.values["clicks"] is None  # no clicks in the facts: missing, not 0


@pytest.mark.parametrize("table", ["campaigns", "cycles", "learnings", "goals", "facts"])
def test_every_export_table_reads_on_an_empty_database(store: Store, table: str) -> None:
    assert len(store.export_table(table)) == 0


def test_unknown_export_table_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput) as err:
        store.export_table("audit")
    assert str(err.value) == (
        "'audit' cannot be exported; choose one of: campaigns, cycles, learnings, goals, facts"
    )


def test_goal_export_names_the_scoped_campaign(store: Store) -> None:
    make_campaign(store, "Spring Sale")
    store.add_goal(goal(scope_kind=ScopeKind.CAMPAIGN, scope_value="spring sale"))
    frame = store.export_table("goals")
    assert frame[["Name", "Counts", "Campaign or channel"]].values.tolist() == [
        ["CTR at least 1.8 %", "One campaign", "Spring Sale"]
    ]
    assert frame["Period start"].tolist() == [date(2026, 3, 1)]


@pytest.mark.parametrize(
    ("key", "needed"),
    [("spend", ("spend",)), ("ctr", ("clicks", "impressions")), ("cpm", ("spend", "impressions")),
     ("response_time_median_s", ("response_time_s",)), ("response_time_p90_s", ("response_time_s",)),
     ("replied_within_1h_share", ("replied_within_1h", "replies"))],
)  # fmt: skip
def test_a_metric_names_the_base_metrics_it_needs(key: str, needed: tuple[str, ...]) -> None:
    assert inputs(key) == needed


@pytest.mark.parametrize(
    ("metrics", "message"),
    [(["likes"], "not base metrics: likes"), ([], "not base metrics: (none)"),
     (["spend", "ctr"], "not base metrics: ctr")],
)  # fmt: skip
def test_daily_metrics_refuses_unknown_columns(
    store: Store, metrics: list[str], message: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        store.daily_metrics(metrics=metrics)
    assert str(err.value) == message
