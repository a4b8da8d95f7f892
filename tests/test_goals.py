"""Goal progress on a real DuckDB: actual, pace, forecast and status, as a table of cases."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from experiments import goals
from experiments.goals import Status
from experiments.import_models import ImportRecord
from experiments.models import Alias, Comparator, Goal, ScopeKind, new_id
from experiments.store import Store
from tests.factories import make_campaign, make_cycle

MARCH_1 = date(2026, 3, 1)


def day(n: int) -> date:
    """Return the n-th day of March 2026 (1-based)."""
    return MARCH_1 + timedelta(days=n - 1)


def add_facts(store: Store, rows: list[dict[str, Any]], source: str = "SPR") -> None:
    """Store one import of daily facts (platform meta unless a row names another)."""
    frame = pd.DataFrame(
        [{"platform": "meta", "source_campaign": source, "variant": "", **r} for r in rows]
    )
    sha = hashlib.sha256(frame.to_csv().encode()).hexdigest()
    record = ImportRecord(
        new_id(), f"{source}.csv", sha, "meta", "local", datetime(2026, 3, 1), len(rows),
        len(rows), 0, 0, 0, None, None, "imported",
    )  # fmt: skip
    store.insert_facts(record, frame)


def daily(n_days: int, first: int = 1, **metrics: Any) -> list[dict[str, Any]]:
    """Return n daily rows; a metric given as a callable gets the day's 0-based index."""
    return [
        {"date": day(first + i), **{k: v(i) if callable(v) else v for k, v in metrics.items()}}
        for i in range(n_days)
    ]


def goal(**fields: Any) -> Goal:
    values: dict[str, Any] = dict(
        id=new_id(), name="Clicks", metric="clicks", comparator=Comparator.AT_LEAST,
        target=300.0, baseline=None, period_start=day(1), period_end=day(30),
    )  # fmt: skip
    values.update(fields)
    return Goal(**values)


AT_MOST = Comparator.AT_MOST
TEN_A_DAY = daily(10, clicks=10, spend=10)

# (id, goal fields, facts, today, status, actual, expected, forecast, share)
CASES = [
    ("total on track", {}, TEN_A_DAY, day(10), Status.ON_TRACK, 100, 100, 300, 1 / 3),
    ("total behind pace and forecast", {"target": 400.0}, TEN_A_DAY, day(10),
     Status.OFF_TRACK, 100, 400 / 3, 300, 0.25),
    ("total behind pace, forecast reaches it (import lag)", {}, TEN_A_DAY, day(12),
     Status.AT_RISK, 100, 120, 300, 1 / 3),
    ("total met early is achieved", {"target": 80.0}, TEN_A_DAY, day(10),
     Status.ACHIEVED, 100, 80 / 3, 300, 1.25),
    ("budget at most, on pace", {"metric": "spend", "comparator": AT_MOST, "target": 310.0},
     TEN_A_DAY, day(10), Status.ON_TRACK, 100, 310 / 3, 300, 100 / 310),
    ("budget at most, used up", {"metric": "spend", "comparator": AT_MOST, "target": 50.0},
     TEN_A_DAY, day(10), Status.OFF_TRACK, 100, 50 / 3, 300, 2.0),
    ("budget at most, forecast over", {"metric": "spend", "comparator": AT_MOST,
     "target": 250.0}, TEN_A_DAY, day(10), Status.OFF_TRACK, 100, 250 / 3, 300, 0.4),
    ("before the period", {}, TEN_A_DAY, date(2026, 2, 20), Status.NO_DATA, None, 0, None, None),
    ("after the period, met", {}, daily(30, clicks=10), date(2026, 4, 15), Status.ACHIEVED,
     300, 300, 300, 1.0),
    ("after the period, missed", {"target": 301.0}, daily(30, clicks=10), date(2026, 4, 15),
     Status.OFF_TRACK, 300, 301, 300, 300 / 301),
    ("metric no import provided", {"metric": "leads"}, TEN_A_DAY, day(10), Status.NO_DATA,
     None, 100, None, None),
    ("reply time at most, on pace and heading there",
     {"metric": "response_time_median_s", "comparator": AT_MOST, "target": 3600.0,
      "baseline": 7200.0}, daily(10, response_time_s=3000), day(10), Status.ON_TRACK,
     3000, 6000, 3000, 7 / 6),
    ("reply time at most, on pace but not heading there",
     {"metric": "response_time_median_s", "comparator": AT_MOST, "target": 3600.0,
      "baseline": 7200.0}, daily(10, response_time_s=5400), day(10), Status.AT_RISK,
     5400, 6000, 5400, 0.5),
    ("reply time at most, slower than the baseline",
     {"metric": "response_time_median_s", "comparator": AT_MOST, "target": 3600.0,
      "baseline": 7200.0}, daily(10, response_time_s=8000), day(10), Status.OFF_TRACK,
     8000, 6000, 8000, -2 / 9),
    ("baseline equal to target, holding it", {"metric": "ctr", "target": 0.02, "baseline": 0.02},
     daily(10, clicks=25, impressions=1000), day(10), Status.ON_TRACK, 0.025, 0.02, 0.025, 1.25),
    ("baseline equal to target, below it", {"metric": "ctr", "target": 0.02, "baseline": 0.02},
     daily(10, clicks=15, impressions=1000), day(10), Status.OFF_TRACK, 0.015, 0.02, 0.015,
     0.75),
    # A ramp is behind the straight pace line although its trend reaches the target.
    ("forecast on a clean linear series", {"target": 465.0}, daily(10, clicks=lambda i: i + 1),
     day(10), Status.AT_RISK, 55, 155, 465, 55 / 465),
    ("rate forecast is the cumulative ratio", {"metric": "ctr", "target": 0.03,
     "baseline": 0.01}, daily(10, clicks=lambda i: 10 + i, impressions=1000), day(10),
     Status.OFF_TRACK, 0.0145, 0.01 + 0.02 / 3, 0.0245, 0.225),
    ("reach is a peak, never a sum", {"metric": "reach", "target": 400.0},
     daily(10, reach=500), day(10), Status.ON_TRACK, 500, None, 500, 1.25),
    ("open period, total met", {"target": 80.0, "period_end": None}, TEN_A_DAY, day(10),
     Status.ACHIEVED, 100, None, None, 1.25),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "facts", "today", "status", "actual", "expected", "forecast", "share"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_progress_and_status(
    store: Store,
    fields: dict[str, Any],
    facts: list[dict[str, Any]],
    today: date,
    status: Status,
    actual: float | None,
    expected: float | None,
    forecast: float | None,
    share: float | None,
) -> None:
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, facts)
    g = store.add_goal(goal(**fields))
    p = goals.goal_progress(store, g, today)
    assert p.status is status
    assert p.actual == pytest.approx(actual)
    assert p.expected == pytest.approx(expected)
    assert p.forecast == pytest.approx(forecast)
    assert p.share == pytest.approx(share)


def test_rate_forecast_by_hand(store: Store) -> None:
    # Clicks 10, 11, … 19 on 1000, 1050, … 1450 impressions over days 1 … 10 of a 30-day
    # period. Both lines are exact, so their least-squares fits are the lines themselves:
    # days 11 … 30 add clicks 20 … 39 and impressions 1500 … 2450. The forecast is the ratio
    # of the projected sums: not the last day's CTR (19/1450) nor clicks over flat impressions.
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, daily(10, clicks=lambda i: 10 + i, impressions=lambda i: 1000 + 50 * i))
    g = store.add_goal(goal(metric="ctr", target=0.02, baseline=0.01))
    clicks_so_far, impressions_so_far = sum(range(10, 20)), sum(range(1000, 1500, 50))
    clicks_ahead, impressions_ahead = sum(range(20, 40)), sum(range(1500, 2500, 50))
    by_hand = (clicks_so_far + clicks_ahead) / (impressions_so_far + impressions_ahead)
    p = goals.goal_progress(store, g, day(10))
    assert p.actual == pytest.approx(145 / 12_250)
    assert by_hand == (145 + 590) / (12_250 + 39_500)
    assert p.forecast == pytest.approx(by_hand)


def test_series_runs_over_days_with_data(store: Store) -> None:
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, daily(3, clicks=lambda i: i + 1, impressions=100))
    g = store.add_goal(goal(metric="ctr", target=0.05))
    p = goals.goal_progress(store, g, day(10))
    assert p.series == ((day(1), 0.01), (day(2), 0.015), (day(3), 0.02))


def test_scope_campaign_and_channel_count_only_their_facts(store: Store) -> None:
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR", "meta"),))
    add_facts(store, daily(2, clicks=10))  # meta, SPR
    add_facts(store, daily(2, clicks=1, platform="google_ads"))  # SPR on another platform
    add_facts(store, daily(2, clicks=100), source="Other campaign")
    actual = {
        kind: goals.goal_progress(
            store,
            store.add_goal(goal(name=kind.value, scope_kind=kind, scope_value=value)),
            day(10),
        ).actual  # fmt: skip
        for kind, value in (
            (ScopeKind.ALL, None),
            (ScopeKind.CAMPAIGN, "spring sale"),
            (ScopeKind.CHANNEL, "Google_Ads"),
        )
    }
    assert actual == {ScopeKind.ALL: 222, ScopeKind.CAMPAIGN: 20, ScopeKind.CHANNEL: 2}


def test_campaign_scope_is_kept_by_id_so_renaming_keeps_the_goal(store: Store) -> None:
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, daily(2, clicks=10))
    g = store.add_goal(goal(scope_kind=ScopeKind.CAMPAIGN, scope_value="SPRING SALE"))
    assert g.scope_value == str(c.id)
    from dataclasses import replace

    store.update_campaign(replace(c, name="Spring Sale 2026"))
    assert goals.goal_progress(store, g, day(10)).actual == 20


def test_contribution_of_each_cycle_inside_the_period(store: Store) -> None:
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    make_cycle(store, c, 1, start=date(2026, 2, 20), end=day(5))
    make_cycle(store, c, 2, start=day(6), end=day(20))
    make_cycle(store, c, 3, start=day(21), end=day(28))  # after today: no overlap
    add_facts(store, daily(10, clicks=10))
    g = store.add_goal(goal())
    p = goals.goal_progress(store, g, day(10))
    rows = [(x.cycle, x.start, x.end, x.value, x.share) for x in goals.contributions(store, p)]
    assert rows == [(1, day(1), day(5), 50, 0.5), (2, day(6), day(10), 50, 0.5)]


def test_contribution_of_a_rate_has_no_share(store: Store) -> None:
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    make_cycle(store, c, 1, start=day(1), end=day(10))
    add_facts(store, daily(10, clicks=20, impressions=1000))
    p = goals.goal_progress(store, store.add_goal(goal(metric="ctr", target=0.03)), day(10))
    (only,) = goals.contributions(store, p)
    assert (only.value, only.share) == (pytest.approx(0.02), None)


def test_every_goal_in_name_order(store: Store) -> None:
    store.add_goal(goal(name="b leads", metric="leads"))
    store.add_goal(goal(name="A clicks"))
    assert [p.goal.name for p in goals.progress(store, day(10))] == ["A clicks", "b leads"]
