"""Goal progress on a real DuckDB: actual, pace, forecast and status, as a table of cases."""

from __future__ import annotations

import hashlib
import math
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from scipy import stats

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


def weekend(n: int) -> bool:
    """Return whether day n of March 2026 is a Saturday or a Sunday."""
    return day(n).weekday() >= 5


WEEKLY = daily(14, clicks=lambda i: 30 if weekend(i + 1) else 10,
               impressions=lambda i: 1500 if weekend(i + 1) else 1000)  # fmt: skip

# (id, goal fields, facts, today, status, actual, expected, forecast, share)
CASES = [
    ("total on track", {}, TEN_A_DAY, day(10), Status.ON_TRACK, 100, 100, 300, 1 / 3),
    ("total behind pace and forecast", {"target": 400.0}, TEN_A_DAY, day(10),
     Status.OFF_TRACK, 100, 400 / 3, 300, 0.25),
    # The pace line is shown but does not decide: the forecast reaches the target.
    ("total behind pace while imports lag, forecast reaches it", {}, TEN_A_DAY, day(12),
     Status.ON_TRACK, 100, 120, 300, 1 / 3),
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
    # A steady 5400 s has no spread: 3600 s lies outside its (zero-width) interval.
    ("reply time at most, on pace but steadily above the target",
     {"metric": "response_time_median_s", "comparator": AT_MOST, "target": 3600.0,
      "baseline": 7200.0}, daily(10, response_time_s=5400), day(10), Status.OFF_TRACK,
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
    # Weekends (March 1, 7, 8, 14, …) bring 30 clicks, weekdays 10: the 21 weekdays and 9
    # weekend days of the period give 480, although the first days run at 16 a day.
    ("weekly pattern projected by weekday", {"target": 480.0}, WEEKLY, day(10),
     Status.ON_TRACK, 160, 160, 480, 1 / 3),
    # Ten days: too few to trust the weekday-adjusted spread, so the cautious interval (the
    # plain spread of 10s and 30s) holds 481: at risk, not off track.
    ("weekly pattern just short of a higher target", {"target": 481.0}, WEEKLY, day(10),
     Status.AT_RISK, 160, 481 / 3, 480, 160 / 481),
    # Two full weeks: the pattern is exact, the interval is the point, 481 lies outside it.
    ("exact weekly pattern short of a higher target", {"target": 481.0}, WEEKLY, day(14),
     Status.OFF_TRACK, 220, 481 * 14 / 30, 480, 220 / 481),
    # 480 clicks on 21·1000 + 9·1500 impressions by the period end.
    ("rate forecast is the ratio of projected sums", {"metric": "ctr", "target": 0.03,
     "baseline": 0.01}, WEEKLY, day(14), Status.OFF_TRACK, 220 / 16_000,
     0.01 + 0.02 * 14 / 30, 480 / 34_500, (220 / 16_000 - 0.01) / 0.02),
    ("too early: fewer than 7 days with data", {"target": 481.0}, daily(6, clicks=16),
     day(6), Status.TOO_EARLY, 96, 481 / 5, 480, 96 / 481),
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
    # Two full weeks (March 1 … 14) of clicks 10 + 2·w on impressions 1000 + 100·w, w the
    # weekday (0 Monday … 6 Sunday). Each weekday's mean is exact, so the days 15 … 30 add
    # what their weekdays bring. March 1 … 30 has five Sundays and Mondays and four of each
    # other weekday: Σw = 5·6 + 5·0 + 4·(1 + 2 + 3 + 4 + 5) = 90. The forecast is the ratio
    # of the projected sums, not the last day's CTR (20/1500) nor the mean of the daily CTRs.
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    weekday = [day(i + 1).weekday() for i in range(14)]
    add_facts(store, daily(14, clicks=lambda i: 10 + 2 * weekday[i],
                           impressions=lambda i: 1000 + 100 * weekday[i]))  # fmt: skip
    g = store.add_goal(goal(metric="ctr", target=0.02, baseline=0.01))
    by_hand = (30 * 10 + 2 * 90) / (30 * 1000 + 100 * 90)
    p = goals.goal_progress(store, g, day(14))
    assert p.actual == pytest.approx((140 + 2 * 42) / (14_000 + 100 * 42))
    assert p.forecast == pytest.approx(by_hand)
    # Both series follow the week exactly: no spread, so the interval is the point.
    assert (p.forecast_low, p.forecast_high) == (pytest.approx(by_hand), pytest.approx(by_hand))


@pytest.mark.parametrize(
    ("metric", "low"),
    # A running total never falls below what it has reached: its range starts there.
    [("clicks", 10.0), ("ctr", None), ("reach", None), ("response_time_median_s", None)],
)
def test_one_day_is_too_early_and_its_range_has_no_bound(
    store: Store, metric: str, low: float | None
) -> None:
    # One day cannot show how days vary: the range is left open (None, never an infinity
    # that JSON cannot carry), and the status waits for the first full week.
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, daily(1, clicks=10, impressions=1000, reach=500, response_time_s=600))
    g = store.add_goal(goal(metric=metric, target=0.5 if metric == "ctr" else 1e9))
    p = goals.goal_progress(store, g, day(1))
    assert p.forecast is not None
    assert (p.forecast_low, p.forecast_high, p.status) == (low, None, Status.TOO_EARLY)


# Week one: weekdays 10 clicks, weekend days 4; week two: 12 and 6. Each weekday's mean is 11 or
# 5 and every day lies 1 from it: σ² = 14·1² / (14 days − 7 weekdays) = 2. Days 15 … 30 are 11
# weekdays and 5 weekend days: 11·11 + 5·5 = 146 more than the 130 so far, 276. Of those 16
# days 3 are Sundays, 3 Mondays and 2 each other weekday, each weekday seen twice:
# var = σ²·(16 + (3² + 3² + 5·2²)/2) = 2·35 = 70; half width t(0.975, 7)·√70 ≈ 19.8.
NOISY_WEEKS = daily(14, clicks=lambda i: (4 if weekend(i + 1) else 10) + 2 * (i // 7))
HALF_WIDTH = float(stats.t.ppf(0.975, 7)) * math.sqrt(70)


@pytest.mark.parametrize(
    ("comparator", "target", "status"),
    [
        (Comparator.AT_LEAST, 270.0, Status.ON_TRACK),  # the forecast meets it
        (Comparator.AT_LEAST, 280.0, Status.AT_RISK),  # inside the interval, the point misses
        (Comparator.AT_LEAST, 300.0, Status.OFF_TRACK),  # above the interval's upper end
        (AT_MOST, 280.0, Status.ON_TRACK),
        (AT_MOST, 270.0, Status.AT_RISK),
        (AT_MOST, 250.0, Status.OFF_TRACK),  # below the interval's lower end
    ],
)
def test_status_uses_the_forecast_interval(
    store: Store, comparator: Comparator, target: float, status: Status
) -> None:
    make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, NOISY_WEEKS)
    p = goals.goal_progress(store, store.add_goal(goal(comparator=comparator, target=target)),
                            day(14))  # fmt: skip
    assert (p.actual, p.forecast) == (130, pytest.approx(276))
    assert p.forecast_low == pytest.approx(276 - HALF_WIDTH)
    assert p.forecast_high == pytest.approx(276 + HALF_WIDTH)
    assert p.status is status


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
