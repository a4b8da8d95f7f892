"""The one metric registry: what each metric key is, how it aggregates, which way is better.

Every base key is a nullable column of metric_fact; every derived key is computed from base keys.
Goals, comparisons, the overview, the report, the importers' labels and the exports read these
entries instead of keeping their own lists. A new metric is one entry here plus, for a base key,
the migration that adds its column (and its names in i18n/catalog_metrics.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from experiments.migrations import BASE_METRICS_V1, BASE_METRICS_V12

# Every base metric column of metric_fact, in the order the migrations added them.
BASE_METRICS: tuple[str, ...] = BASE_METRICS_V1 + BASE_METRICS_V12


class Unit(StrEnum):
    MONEY = "money"  # in the fact's currency
    PERCENT = "percent"  # a share of events, stored as 0 … 1
    DURATION = "duration"  # seconds
    COUNT = "count"
    RATIO = "ratio"  # a plain number that is neither money nor a share (roas)


class Aggregation(StrEnum):
    """How the values of a period (or of a cycle) become one value."""

    SUM = "sum"
    RATIO = "ratio"  # factor · Σnumerator / Σdenominator
    MEDIAN = "median"  # of the reply-time values (one per fact row)
    P90 = "p90"
    # The mean over the days with data: platforms de-duplicate reach within a day, so days can
    # never be added up, and the mean is what a test over daily values can judge.
    DAILY_MEAN = "daily_mean"


class Better(StrEnum):
    UP = "up"
    DOWN = "down"
    NEITHER = "neither"  # spend and plain volumes: more is not better by itself


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    unit: Unit
    aggregation: Aggregation
    better: Better = Better.NEITHER
    numerator: str = ""  # derived keys: the base keys they are computed from
    denominator: str = ""
    factor: float = 1.0

    @property
    def base(self) -> bool:
        """Return True for a stored column of metric_fact."""
        return self.key in BASE_METRICS

    @property
    def is_rate(self) -> bool:
        """Return True for a share of events (compared with a two-proportion test)."""
        return self.unit is Unit.PERCENT and bool(self.numerator)

    @property
    def per_day(self) -> bool:
        """Return True when a comparison reads the metric as a value per day (cycles differ in
        length: amounts are compared per day, reach as its daily mean)."""
        return self.aggregation in (Aggregation.SUM, Aggregation.DAILY_MEAN)

    @property
    def file_aggregation(self) -> Aggregation:
        """Return how a whole file's rows of this base metric become one value (its total)."""
        if self.unit is Unit.DURATION:
            return Aggregation.MEDIAN
        if self.aggregation is Aggregation.DAILY_MEAN:
            return Aggregation.DAILY_MEAN
        return Aggregation.SUM

    def file_total_sql(self, day: str = "date") -> str:
        """Return the SQL aggregate of a file's total: a sum, the median of reply times, or the
        mean over the days with data of each day's sum (reach is never added across days)."""
        if self.file_aggregation is Aggregation.DAILY_MEAN:
            days = f"count(DISTINCT {day}) FILTER (WHERE {self.key} IS NOT NULL)"
            return f"sum({self.key}) / nullif({days}, 0)"
        return f"{self.row_sql}({self.key})"

    @property
    def row_sql(self) -> str:
        """Return the SQL aggregate that combines the fact rows of one day (or one file)."""
        # Reply times are one value per reply or a reported average: never added up.
        return "median" if self.unit is Unit.DURATION else "sum"


_M, _D = Better.UP, Better.DOWN
_S, _R = Aggregation.SUM, Aggregation.RATIO


def _base(key: str, unit: Unit = Unit.COUNT, better: Better = Better.NEITHER,
          aggregation: Aggregation = _S) -> Metric:  # fmt: skip
    return Metric(key, unit, aggregation, better)


def _ratio(key: str, num: str, den: str, unit: Unit, better: Better, factor: float = 1.0) -> Metric:
    return Metric(key, unit, _R, better, num, den, factor)


REGISTRY: tuple[Metric, ...] = (
    _base("spend", Unit.MONEY),
    _base("impressions"),
    _base("reach", aggregation=Aggregation.DAILY_MEAN),
    _base("clicks", better=_M),
    _base("conversions", better=_M),
    _base("leads", better=_M),
    _base("revenue", Unit.MONEY, _M),
    _base("sessions"),
    _base("engaged_sessions", better=_M),
    _base("recipients"),
    _base("deliveries"),
    _base("opens", better=_M),
    _base("unsubscribes", better=_D),
    _base("engagements", better=_M),
    _base("video_views"),
    _base("replies"),
    _base("replied_within_1h", better=_M),
    _base("response_time_s", Unit.DURATION, _D, Aggregation.MEDIAN),
    _base("new_followers", better=_M),
    _base("page_views", better=_M),
    _ratio("ctr", "clicks", "impressions", Unit.PERCENT, _M),
    _ratio("cpc", "spend", "clicks", Unit.MONEY, _D),
    _ratio("cpm", "spend", "impressions", Unit.MONEY, _D, 1000.0),
    _ratio("cvr", "conversions", "clicks", Unit.PERCENT, _M),
    _ratio("cpa", "spend", "conversions", Unit.MONEY, _D),
    _ratio("roas", "revenue", "spend", Unit.RATIO, _M),
    _ratio("open_rate", "opens", "deliveries", Unit.PERCENT, _M),
    _ratio("click_rate", "clicks", "deliveries", Unit.PERCENT, _M),
    _ratio("engagement_rate", "engagements", "impressions", Unit.PERCENT, _M),
    _ratio("replied_within_1h_share", "replied_within_1h", "replies", Unit.PERCENT, _M),
    Metric("response_time_median_s", Unit.DURATION, Aggregation.MEDIAN, _D),
    Metric("response_time_p90_s", Unit.DURATION, Aggregation.P90, _D),
)
METRICS: dict[str, Metric] = {m.key: m for m in REGISTRY}
# Ratios of two sums, in registry order.
DERIVED: tuple[Metric, ...] = tuple(m for m in REGISTRY if m.aggregation is _R)
# Derived from the distribution of reply times rather than from two sums.
RESPONSE_TIME_KEYS: tuple[str, ...] = tuple(
    m.key for m in REGISTRY if m.aggregation in (Aggregation.MEDIAN, Aggregation.P90)
    and not m.base
)  # fmt: skip


def metric(key: str) -> Metric:
    """Return the registry entry of a metric key."""
    found = METRICS.get(key)
    if found is None:
        raise KeyError(f"unknown metric '{key}'; use one of: {', '.join(METRICS)}")
    return found


def metric_keys() -> tuple[str, ...]:
    """Return every metric key a goal or a comparison can name."""
    return tuple(METRICS)


def derived(key: str) -> Metric | None:
    """Return the entry of a ratio-derived key, or None for a base or reply-time key."""
    found = METRICS.get(key)
    return found if found is not None and found.aggregation is _R else None


def inputs(key: str) -> tuple[str, ...]:
    """Return the base metrics a metric key is computed from (itself for a base key)."""
    m = metric(key)
    if m.base:
        return (key,)
    if m.numerator:
        return (m.numerator, m.denominator)
    return ("response_time_s",)


def ratio(numerator: float | None, denominator: float | None, factor: float = 1.0) -> float | None:
    """Return factor·numerator/denominator, or None where either is missing or the divisor is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return factor * numerator / denominator
