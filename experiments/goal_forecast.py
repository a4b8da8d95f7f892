"""The weekday run-rate behind goal forecasts, with its prediction interval.

Marketing days follow the week (weekends are quieter or busier than weekdays), so a straight
line through the daily values swings with the weekday mix of the days seen so far. The run-rate
instead projects each remaining day by the mean of the days seen so far on the *same weekday*:

    point  = Σ_d μ̂(w(d))                     over the remaining days d, w(d) their weekday
    μ̂(w)   = mean of the values seen on weekday w (the mean of all days, for a weekday not seen)

Interval: the weekday-adjusted values (each value minus its weekday's mean) measure the
day-to-day variation, σ̂² = Σ residual² / (n − k) with n days and k weekdays seen. The remaining
days' sum then has the prediction variance

    var = σ̂² · (F + Σ_w c_w² / n_w)

(F remaining days, c_w of them on weekday w, n_w days seen on it: the days' own noise plus the
error of each weekday mean they are projected by; weekdays not seen count together against
all n days). With fewer than 7 residual degrees of freedom (n − k < 7: before two full weeks)
σ̂ rests on a handful of differences and can come out near zero by chance (two Mondays alike);
until then σ̂² is the plain variance of all values, weekday effect included — a wider, cautious
interval. The interval is point ± t(0.975, df) · √var with df = n − k (n − 1 in the cautious
case): a 95 % prediction interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from scipy import stats

# Days with data before a forecast's status is judged: the first full week.
FULL_WEEK = 7
# Residual degrees of freedom the weekday-adjusted spread needs before it is trusted.
MIN_RESIDUAL_DF = 7


@dataclass(frozen=True, slots=True)
class RunRate:
    """The projected sum over the remaining days and the half width of its 95 % interval."""

    future: float
    half_width: float


def run_rate(weekdays: Sequence[int], values: Sequence[float], ahead: Sequence[int]) -> RunRate:
    """Return the weekday run-rate of ``values`` (on ``weekdays``) over the days ``ahead``.

    ``weekdays`` and ``ahead`` hold weekday numbers (0 Monday … 6 Sunday) of the days seen and
    of the remaining days; see the module docstring for the formulas.
    """
    n = len(values)
    if not n or not ahead:
        return RunRate(0.0, 0.0)
    seen: dict[int, list[float]] = {}
    for w, v in zip(weekdays, values, strict=True):
        seen.setdefault(w, []).append(float(v))
    overall = sum(float(v) for v in values) / n
    means = {w: sum(vs) / len(vs) for w, vs in seen.items()}
    future = sum(means.get(w, overall) for w in ahead)
    counts: dict[int, int] = {}
    for w in ahead:
        counts[w] = counts.get(w, 0) + 1
    unseen = sum(c for w, c in counts.items() if w not in seen)
    spread = sum(c * c / len(seen[w]) for w, c in counts.items() if w in seen) + unseen**2 / n
    k = len(seen)
    if n - k >= MIN_RESIDUAL_DF:
        df = n - k
        variance = sum((v - means[w]) ** 2 for w, vs in seen.items() for v in vs) / df
    elif n > 1:
        df = n - 1
        variance = sum((float(v) - overall) ** 2 for v in values) / df
    else:
        return RunRate(future, math.inf)
    sd = math.sqrt(variance * (len(ahead) + spread))
    return RunRate(future, float(stats.t.ppf(0.975, df)) * sd)


@dataclass(frozen=True, slots=True)
class Forecast:
    """A goal's forecast for its period end, its 95 % interval and the days it rests on."""

    value: float
    low: float
    high: float
    days: int

    @property
    def too_early(self) -> bool:
        """True before the first full week of days with data: the forecast is not judged yet."""
        return self.days < FULL_WEEK


def _ahead(dates: Sequence[date], origin: date, end: int) -> list[int]:
    """Return the weekdays of the days after the last day with data up to day ``end``."""
    last = max((d - origin).days for d in dates)
    return [(origin + timedelta(days=i)).weekday() for i in range(last + 1, end + 1)]


def _rate(dates: Sequence[date], values: Sequence[float], origin: date, end: int) -> RunRate:
    return run_rate([d.weekday() for d in dates], values, _ahead(dates, origin, end))


def total(dates: Sequence[date], values: Sequence[float], origin: date, end: int) -> Forecast:
    """Return the forecast of a running total at day ``end`` (days counted from ``origin``)."""
    actual = float(sum(values))
    r = _rate(dates, values, origin, end)
    value = actual + r.future
    # A running total cannot fall below what it has reached.
    return Forecast(value, max(value - r.half_width, actual), value + r.half_width, len(dates))


def ratio_of_sums(dates: Sequence[date], numerators: Sequence[float],
                  denominators: Sequence[float], factor: float, origin: date,
                  end: int) -> Forecast:  # fmt: skip
    """Return factor · (projected numerator sum) / (projected denominator sum) at day ``end``.

    Delta method for the interval: the error of the projected ratio R is that of the projected
    sum of z = numerator − R·denominator over the days ahead, divided by the projected divisor.
    """
    num = float(sum(numerators)) + _rate(dates, numerators, origin, end).future
    den = float(sum(denominators)) + _rate(dates, denominators, origin, end).future
    r = num / den
    z = [float(n) - r * float(d) for n, d in zip(numerators, denominators, strict=True)]
    spread = _rate(dates, z, origin, end).half_width / den
    return Forecast(factor * r, factor * (r - spread), factor * (r + spread), len(dates))


def blended(dates: Sequence[date], values: Sequence[float], counted: float, actual: float,
            origin: date, end: int) -> Forecast:  # fmt: skip
    """Return a reply-time forecast: the actual blended with the mean of the days ahead.

    The actual (a median or 90th percentile of the ``counted`` replies so far) and the days
    ahead's mean daily value are weighted by their number of replies (the days ahead expected
    at the rate so far); the interval is the days ahead's, scaled by their weight.
    """
    ahead = _ahead(dates, origin, end)
    if not ahead:
        return Forecast(actual, actual, actual, len(dates))
    r = _rate(dates, values, origin, end)
    expected_n = counted / len(dates) * len(ahead)
    weight = expected_n / (counted + expected_n)
    value = (1 - weight) * actual + weight * r.future / len(ahead)
    spread = weight * r.half_width / len(ahead)
    return Forecast(value, value - spread, value + spread, len(dates))


def daily_mean(dates: Sequence[date], values: Sequence[float], origin: date,
               end: int) -> Forecast:  # fmt: skip
    """Return the mean over the days with data and the days ahead, those projected."""
    r = _rate(dates, values, origin, end)
    count = len(dates) + len(_ahead(dates, origin, end))
    value = (float(sum(values)) + r.future) / count
    spread = r.half_width / count
    return Forecast(value, value - spread, value + spread, len(dates))
