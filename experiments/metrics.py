"""The canonical metrics: base keys stored as columns, derived keys computed from their sums."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from experiments.migrations import BASE_METRICS_V1

# Every base metric column of metric_fact, in column order. A new base metric is a migration
# that adds its column plus an entry here.
BASE_METRICS: tuple[str, ...] = BASE_METRICS_V1


class Aggregation(StrEnum):
    SUM = "sum"
    MEDIAN = "median"


# Reach is de-duplicated by the platforms, and reply times are per reply: neither may be summed.
BASE_AGGREGATION: dict[str, Aggregation] = {
    "response_time_s": Aggregation.MEDIAN,
}


@dataclass(frozen=True, slots=True)
class Derived:
    key: str
    numerator: str
    denominator: str
    factor: float = 1.0
    # A rate is a share of events (compared with a two-proportion test); a ratio is not.
    is_rate: bool = False


DERIVED: tuple[Derived, ...] = (
    Derived("ctr", "clicks", "impressions", is_rate=True),
    Derived("cpc", "spend", "clicks"),
    Derived("cpm", "spend", "impressions", factor=1000.0),
    Derived("cvr", "conversions", "clicks", is_rate=True),
    Derived("cpa", "spend", "conversions"),
    Derived("roas", "revenue", "spend"),
    Derived("open_rate", "opens", "deliveries", is_rate=True),
    Derived("click_rate", "clicks", "deliveries", is_rate=True),
    Derived("engagement_rate", "engagements", "impressions", is_rate=True),
    Derived("replied_within_1h_share", "replied_within_1h", "replies", is_rate=True),
)

# Amounts of money in the account currency (base and derived), shown with a currency or cents.
MONEY_METRICS: frozenset[str] = frozenset({"spend", "revenue", "cpc", "cpm", "cpa"})

# Derived from the distribution of reply times rather than from two sums.
RESPONSE_TIME_KEYS: tuple[str, ...] = ("response_time_median_s", "response_time_p90_s")


def metric_keys() -> tuple[str, ...]:
    """Return every metric key a goal or a comparison can name."""
    return BASE_METRICS + tuple(d.key for d in DERIVED) + RESPONSE_TIME_KEYS


def derived(key: str) -> Derived | None:
    """Return the definition of a derived key, or None for a base key."""
    return next((d for d in DERIVED if d.key == key), None)


def inputs(key: str) -> tuple[str, ...]:
    """Return the base metrics a metric key is computed from (itself for a base key)."""
    if key in BASE_METRICS:
        return (key,)
    if key in RESPONSE_TIME_KEYS:
        return ("response_time_s",)
    d = derived(key)
    if d is None:
        raise KeyError(f"unknown metric '{key}'")
    return (d.numerator, d.denominator)


def ratio(numerator: float | None, denominator: float | None, factor: float = 1.0) -> float | None:
    """Return factor·numerator/denominator, or None where either is missing or the divisor is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return factor * numerator / denominator
