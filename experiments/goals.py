"""Progress of operational goals: actual, pace, forecast and a status a manager can act on.

How a goal is read depends on its metric's kind:

* **total** (spend, clicks, leads, … — sums): the running total over the period. The pace line
  runs from 0 at the period start to the target at its end (a running total starts at zero;
  the baseline, e.g. last period's total, is kept for reference only).
* **level** (ctr, cpa, roas, reply times, … — ratios and medians): the value over the period so
  far. The pace line runs from the baseline at the period start to the target at its end; a goal
  without a baseline has no pace line.
* **daily mean** (reach): platforms de-duplicate reach, so days cannot be added up; the mean
  daily reach is the claim (the same value the cycle comparison tests). Paced like a level.

Which kind a metric is comes from its aggregation in the registry (metrics.py).

Forecast for the period end: the weekday run-rate (experiments/goal_forecast.py): each day
still to come is projected by the mean of the days so far on the same weekday, with a 95 %
prediction interval from the day-to-day variation of the weekday-adjusted values. Totals add the
projection to the actual (the interval's lower end never below the actual). Ratios project their
numerator and denominator separately and divide the projected sums, so the forecast is the
cumulative ratio at the period end, not the last day's ratio; its interval is the delta method's
(the projected sum of numerator − forecast·denominator over the days ahead, divided by the
projected denominator). Reply times blend the actual with the mean of the projected days,
weighted by the number of replies expected. A daily mean averages the days so far with the
projected days. Days without facts are left out (imports lag; a missing day is not a zero day);
the days from the last day with data to the period end are the days projected.

Status rule (``meets(v)`` is ``v >= target`` for at_least, ``v <= target`` for at_most):

1. no value in the period and scope up to today → ``no_data``;
2. the period is over → ``achieved`` if the actual meets the target, else ``off_track``;
3. a total can only grow: at_least already met → ``achieved``; at_most already exceeded →
   ``off_track`` (the allowance is used up for good);
4. an open period (no forecast): ``on_track`` if the actual meets the target, else ``at_risk``;
5. fewer than 7 days with data (the first full week, which shows each weekday once) →
   ``too_early``: the forecast is shown but not judged;
6. the forecast meets the target → ``on_track``; the target lies outside the forecast's 95 %
   interval on the wrong side (above its upper end for at_least, below its lower end for
   at_most) → ``off_track``; otherwise (inside the interval, the point misses) → ``at_risk``.
   The pace line is shown beside the status but does not decide it: a weekly-seasonal series is
   behind a straight pace line on every quiet weekday.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

import pandas as pd

from experiments import goal_forecast, money
from experiments.campaigns import find_campaign
from experiments.errors import MoneyRefused
from experiments.goal_forecast import Forecast
from experiments.metrics import Aggregation, derived, inputs, ratio
from experiments.metrics import metric as entry
from experiments.models import Campaign, Comparator, Goal, ReplyTimes, ScopeKind
from experiments.store import Store


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    TOO_EARLY = "too_early"


class Kind(StrEnum):
    TOTAL = "total"
    LEVEL = "level"
    DAILY_MEAN = "daily_mean"


# Reply-time keys: the daily column with the day's value, and which summary value is the actual
# (0: the median, 1: the 90th percentile). The base key alone aggregates as a median.
_RESPONSE: dict[str, tuple[str, int]] = {
    "response_time_s": ("response_time_s", 0),
    "response_time_median_s": ("response_time_s", 0),
    "response_time_p90_s": ("response_p90", 1),
}


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one cycle brought to a goal inside the goal's period (and scope)."""

    campaign: str
    cycle: int
    start: date | None
    end: date | None
    value: float | None
    # Of the goal's actual; totals only (a cycle's share of a ratio is not a share).
    share: float | None


@dataclass(frozen=True, slots=True)
class Progress:
    """A goal's state on one day: actual vs target, pace, forecast and status."""

    goal: Goal
    kind: Kind
    as_of: date
    actual: float | None
    share: float | None
    expected: float | None
    forecast: float | None
    status: Status
    elapsed: float | None
    # The running value per day with data (reply times: the day's own value), for sparklines.
    series: tuple[tuple[date, float], ...] = ()
    contributions: tuple[Contribution, ...] = ()
    # The campaign the goal's scope names (resolved once, by id or name); None when not scoped
    # to a campaign or when the campaign does not exist (yet).
    campaign: Campaign | None = None
    # The forecast's 95 % prediction interval (None without a forecast or after the period).
    forecast_low: float | None = None
    forecast_high: float | None = None
    # Period facts of the scope that cross an edge of the goal's period: not counted.
    left_out: int = 0
    # Facts of the period not counted in a goal over everything, because another report of the
    # same whole (GA4 by campaign, by channel group) has their days (store.overlapping_facts).
    overlapping: int = 0
    # The currency of a money goal's amounts; why they were not added up, if they were not.
    currency: str = money.DEFAULT_CURRENCY
    refused: MoneyRefused | None = None
    conversion: money.Conversion | None = None  # other currencies converted at the admin's rates


def metric_kind(key: str) -> Kind:
    """Return how a metric accumulates over a period: total, level or daily mean."""
    aggregation = entry(key).aggregation
    if aggregation is Aggregation.SUM:
        return Kind.TOTAL
    if aggregation is Aggregation.DAILY_MEAN:
        return Kind.DAILY_MEAN
    return Kind.LEVEL


def meets(value: float | None, target: float, comparator: Comparator) -> bool:
    """Return True when ``value`` satisfies the target under the comparator."""
    if value is None:
        return False
    # A hair of tolerance: a least-squares forecast that lands on the target meets it.
    slack = 1e-9 * max(abs(target), 1.0)
    if comparator is Comparator.AT_LEAST:
        return value >= target - slack
    return value <= target + slack


def _valid(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.dropna(subset=list(columns)) if len(frame) else frame


@dataclass(frozen=True, slots=True)
class _Window:
    origin: date
    last: int  # index of the last day counted (as_of)
    end: int | None  # index of the period end, None for an open period


def _total(frame: pd.DataFrame, metric: str, w: _Window) -> tuple[float | None, Forecast | None]:
    days = _valid(frame, metric)
    if not len(days):
        return None, None
    actual = float(days[metric].sum())
    if w.end is None:
        return actual, None
    return actual, goal_forecast.total(list(days["date"]), list(days[metric]), w.origin, w.end)


def _ratio(frame: pd.DataFrame, metric: str, w: _Window) -> tuple[float | None, Forecast | None]:
    d = derived(metric)
    assert d is not None
    days = _valid(frame, d.numerator, d.denominator)
    if not len(days):
        return None, None
    actual = ratio(float(days[d.numerator].sum()), float(days[d.denominator].sum()), d.factor)
    if w.end is None or actual is None:
        return actual, None
    return actual, goal_forecast.ratio_of_sums(
        list(days["date"]), list(days[d.numerator]), list(days[d.denominator]), d.factor,
        w.origin, w.end,
    )  # fmt: skip


def _response(frame: pd.DataFrame, metric: str, actual: float | None,
              w: _Window) -> Forecast | None:  # fmt: skip
    column = _RESPONSE[metric][0]
    days = _valid(frame, column)
    if actual is None or w.end is None or not len(days):
        return None
    return goal_forecast.blended(list(days["date"]), list(days[column]),
                            float(days["response_n"].sum()), actual, w.origin, w.end)  # fmt: skip


def _daily_mean(frame: pd.DataFrame, key: str,
                w: _Window) -> tuple[float | None, Forecast | None]:  # fmt: skip
    days = _valid(frame, key)
    if not len(days):
        return None, None
    actual = float(days[key].mean())
    if w.end is None:
        return actual, None
    return actual, goal_forecast.daily_mean(list(days["date"]), list(days[key]), w.origin, w.end)


def measure(
    goal: Goal,
    frame: pd.DataFrame,
    response: ReplyTimes,
    w: _Window,
) -> tuple[float | None, Forecast | None]:
    """Return the actual and the period-end forecast of a goal's metric over a daily frame."""
    kind = metric_kind(goal.metric)
    if kind is Kind.DAILY_MEAN:
        return _daily_mean(frame, goal.metric, w)
    if kind is Kind.TOTAL:
        return _total(frame, goal.metric, w)
    if goal.metric in _RESPONSE:
        actual = (response.median, response.p90)[_RESPONSE[goal.metric][1]]
        return actual, _response(frame, goal.metric, actual, w)
    return _ratio(frame, goal.metric, w)


def running_series(metric: str, frame: pd.DataFrame) -> tuple[tuple[date, float], ...]:
    """Return the metric's running value per day with data (reply times: each day's value)."""
    kind = metric_kind(metric)
    if metric in _RESPONSE:
        days = _valid(frame, _RESPONSE[metric][0])
        values = list(days[_RESPONSE[metric][0]])
    elif kind is Kind.DAILY_MEAN:
        days = _valid(frame, metric)
        values = list(days[metric].expanding().mean())
    elif kind is Kind.TOTAL:
        days = _valid(frame, metric)
        values = list(days[metric].cumsum())
    else:
        d = derived(metric)
        assert d is not None
        days = _valid(frame, d.numerator, d.denominator)
        num, den = days[d.numerator].cumsum(), days[d.denominator].cumsum()
        values = [ratio(float(n), float(q), d.factor) for n, q in zip(num, den, strict=True)]
    return tuple(
        (day, float(v)) for day, v in zip(days["date"], values, strict=True) if v is not None
    )


def elapsed_share(goal: Goal, as_of: date) -> float | None:
    """Return how much of the goal's period has passed by ``as_of`` (0 … 1), days inclusive."""
    if goal.period_start is None or goal.period_end is None:
        return None
    total = (goal.period_end - goal.period_start).days + 1
    passed = (as_of - goal.period_start).days + 1
    return min(max(passed / total, 0.0), 1.0)


def _start_value(goal: Goal) -> float | None:
    return 0.0 if metric_kind(goal.metric) is Kind.TOTAL else goal.baseline


def expected_value(goal: Goal, as_of: date) -> float | None:
    """Return the value the pace line expects by ``as_of`` (None without period or baseline)."""
    share = elapsed_share(goal, as_of)
    start = _start_value(goal)
    if share is None or start is None:
        return None
    return start + (goal.target - start) * share


def share_of_target(goal: Goal, actual: float | None) -> float | None:
    """Return how far the actual has come from the start value towards the target (1 = there).

    The start value is 0 for totals and the baseline for levels. For an at_most total (a
    budget) this is the share of the allowance used. Without a start value below the target
    (or where start and target coincide) it is actual/target (at_least) or target/actual
    (at_most).
    """
    if actual is None:
        return None
    start = _start_value(goal)
    if start is not None and start != goal.target:
        return (actual - start) / (goal.target - start)
    if goal.comparator is Comparator.AT_LEAST:
        return actual / goal.target if goal.target else 1.0
    return goal.target / actual if actual else 1.0


def judge(goal: Goal, as_of_over: bool, actual: float | None,
          forecast: Forecast | None) -> Status:  # fmt: skip
    """Return the status by the rule in this module's docstring."""
    if actual is None:
        return Status.NO_DATA
    met = meets(actual, goal.target, goal.comparator)
    if as_of_over:
        return Status.ACHIEVED if met else Status.OFF_TRACK
    if metric_kind(goal.metric) is Kind.TOTAL:
        if met and goal.comparator is Comparator.AT_LEAST:
            return Status.ACHIEVED
        if not met and goal.comparator is Comparator.AT_MOST:
            return Status.OFF_TRACK
    if forecast is None:
        return Status.ON_TRACK if met else Status.AT_RISK
    if forecast.too_early:
        return Status.TOO_EARLY
    if meets(forecast.value, goal.target, goal.comparator):
        return Status.ON_TRACK
    reachable = forecast.high if goal.comparator is Comparator.AT_LEAST else forecast.low
    return Status.AT_RISK if meets(reachable, goal.target, goal.comparator) else Status.OFF_TRACK


def _scope(goal: Goal) -> tuple[str | None, str | None]:
    if goal.scope_kind is ScopeKind.CAMPAIGN:
        return goal.scope_value, None
    if goal.scope_kind is ScopeKind.CHANNEL:
        return None, goal.scope_value
    return None, None


def scope_campaign(store: Store, goal: Goal) -> Campaign | None:
    """Return the campaign a goal is scoped to, or None (not campaign-scoped, or unknown)."""
    if goal.scope_kind is not ScopeKind.CAMPAIGN:
        return None
    return find_campaign(store, goal.scope_value)


def evaluate(
    goal: Goal,
    frame: pd.DataFrame,
    response: ReplyTimes,
    today: date,
) -> Progress:
    """Return a goal's progress from its daily frame (already cut to its period and scope)."""
    as_of = min(today, goal.period_end) if goal.period_end else today
    if len(frame):
        frame = frame[[d <= as_of for d in frame["date"]]]
    origin = goal.period_start or (frame["date"].min() if len(frame) else as_of)
    end = (goal.period_end - origin).days if goal.period_end else None
    window = _Window(origin, (as_of - origin).days, end)
    actual, forecast = measure(goal, frame, response, window)
    expected = expected_value(goal, as_of)
    over = goal.period_end is not None and today > goal.period_end
    return Progress(
        goal=goal, kind=metric_kind(goal.metric), as_of=as_of, actual=actual,
        share=share_of_target(goal, actual), expected=expected,
        forecast=actual if over else (forecast.value if forecast else None),
        forecast_low=_finite(forecast.low) if forecast and not over else None,
        forecast_high=_finite(forecast.high) if forecast and not over else None,
        status=judge(goal, over, actual, forecast),
        elapsed=elapsed_share(goal, as_of), series=running_series(goal.metric, frame),
    )  # fmt: skip


def _finite(value: float) -> float | None:
    """Return the value, or None for an interval end without bound (one day of data)."""
    return value if math.isfinite(value) else None


def goal_progress(store: Store, goal: Goal, today: date) -> Progress:
    """Return one goal's progress on ``today``, read from the facts of its period and scope."""
    scoped = scope_campaign(store, goal)
    # An unknown campaign has no facts: its key is passed on and matches nothing.
    campaign, channel = _scope(goal)
    campaign = str(scoped.id) if scoped else campaign
    as_of = min(today, goal.period_end) if goal.period_end else today
    scope, refused = money.goal_currency(store, goal, scoped, channel, as_of)
    into = scope.currency if scope.conversion else None
    # Before the period starts the window is empty (start > as_of), so the goal has no data.
    frame = store.daily_metrics(goal.period_start, as_of, campaign, channel, inputs(goal.metric),
                                into)  # fmt: skip
    response = ReplyTimes(None, None)
    if goal.metric in _RESPONSE:
        response = store.response_time_summary(goal.period_start, as_of, campaign, channel)
    left_out = store.left_out_facts(goal.period_start, as_of, campaign, channel)
    overlapping = 0
    if goal.scope_kind is ScopeKind.ALL:
        overlapping = store.overlapping_facts(goal.period_start, as_of)
    if refused is not None:
        frame = frame.iloc[:0]  # amounts of several currencies are never added up
    return replace(evaluate(goal, frame, response, today), campaign=scoped, left_out=left_out,
                   overlapping=overlapping,
                   currency=scope.currency, refused=refused,
                   conversion=scope.conversion)  # fmt: skip


def progress(store: Store, today: date) -> list[Progress]:
    """Return the progress of every goal on ``today``, in goal-name order."""
    return [goal_progress(store, g, today) for g in store.goals()]


def contributions(store: Store, p: Progress) -> tuple[Contribution, ...]:
    """Return each cycle's value for a goal over the overlap of cycle window and goal period.

    A goal scoped to a campaign counts only that campaign's cycles; a channel scope keeps the
    channel's facts of every cycle. Cycles without overlap are left out.
    """
    goal = p.goal
    _, channel = _scope(goal)
    scoped = goal.scope_kind is ScopeKind.CAMPAIGN
    if p.refused is not None:  # amounts of several currencies were not added up
        return ()
    out = []
    for row in store.cycle_metrics():
        # A campaign scope counts that campaign's cycles only (none when it names no campaign).
        if scoped and (p.campaign is None or str(p.campaign.id) != str(row.campaign_id)):
            continue
        start = max((d for d in (goal.period_start, row.start) if d is not None), default=None)
        end = min((d for d in (p.as_of, row.end) if d is not None), default=None)
        if start is not None and end is not None and end < start:
            continue
        cid = str(row.campaign_id)
        into = p.currency if p.conversion else None
        frame = store.daily_metrics(start, end, cid, channel, inputs(goal.metric), into)
        response = ReplyTimes(None, None)
        if goal.metric in _RESPONSE:
            response = store.response_time_summary(start, end, cid, channel)
        value, _ = measure(goal, frame, response, _Window(start or p.as_of, 0, None))
        share = None
        if p.kind is Kind.TOTAL and value is not None and p.actual:
            share = value / p.actual
        out.append(Contribution(row.campaign, row.number, start, end, value, share))
    return tuple(out)
