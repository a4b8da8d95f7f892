"""How much data a comparison needs before it gives a verdict: one table for every test.

Each kind of metric has a minimum per group (cycle or variant) of days with a value, of events
and of non-events. Below it a comparison says "not enough data" and names what is short in the
unit it is counted in (days, clicks, replies…), instead of a number that chance could have made.
Why these numbers:
* 7 days: a day-level model with weekday effects needs every weekday once to tell a weekday from
  a change, and a test over days has no variance to speak of with fewer;
* 30 events and 30 non-events for a share: below that the normal approximation behind the
  z-test and the Wald interval of a binomial model is poor;
* 30 replies for a median: the bootstrap interval of a median needs that many values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a comparison reads a metric; the kind decides its test and its minimum."""

    RATE = "rate"  # a share of events: a quasi-binomial day model (cycles), a z-test (variants)
    RATIO = "ratio"  # a ratio of two sums that is not a share (cpc, roas)
    AMOUNT = "amount"  # an amount or count per day
    REACH = "reach"  # mean daily reach, never summed
    REPLY_MEDIAN = "reply_median"  # median reply time
    REPLY_P90 = "reply_p90"  # 90th percentile reply time: descriptive only


class Unit(StrEnum):
    """What a shortfall is counted in; each value has its text compare.verdict.few_<value>."""

    DAYS = "days"
    EVENTS = "events"  # the rate's numerator (clicks, opens…)
    NON_EVENTS = "non_events"  # trials without an event
    REPLIES = "replies"
    MODEL_DAYS = "model_days"  # both groups' days together, against the model's parameters


@dataclass(frozen=True, slots=True)
class Minimum:
    days: int = 0
    events: int = 0
    non_events: int = 0


POLICY: dict[Kind, Minimum] = {
    Kind.RATE: Minimum(days=7, events=30, non_events=30),
    Kind.RATIO: Minimum(days=7),
    Kind.AMOUNT: Minimum(days=7),
    Kind.REACH: Minimum(days=7),
    Kind.REPLY_MEDIAN: Minimum(events=30),  # events are replies here
    Kind.REPLY_P90: Minimum(),
}
MIN_DAYS = POLICY[Kind.AMOUNT].days
MIN_EVENTS = POLICY[Kind.RATE].events


@dataclass(frozen=True, slots=True)
class Counts:
    """What one group has of a metric: days with a value, events and non-events."""

    days: int
    events: float = 0.0
    non_events: float = 0.0


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Why a comparison gives no verdict: what is short, how much there is and is needed."""

    unit: Unit
    have: float
    need: int
    group: int  # 0: the first group, 1: the second, -1: both together


def shortfall(kind: Kind, a: Counts, b: Counts) -> Shortfall | None:
    """Return the first minimum of the policy that either group misses, or None."""
    need = POLICY[kind]
    events = Unit.REPLIES if kind is Kind.REPLY_MEDIAN else Unit.EVENTS
    for unit, minimum, have in (
        (Unit.DAYS, need.days, (a.days, b.days)),
        (events, need.events, (a.events, b.events)),
        (Unit.NON_EVENTS, need.non_events, (a.non_events, b.non_events)),
    ):
        weaker = 0 if have[0] <= have[1] else 1
        if have[weaker] < minimum:
            return Shortfall(unit, have[weaker], minimum, weaker)
    return None


def too_few_for_model(days: int, parameters: int) -> Shortfall | None:
    """Return the shortfall when the days of both groups cannot estimate a model's parameters
    and its dispersion (at least one day more than parameters), else None."""
    if days > parameters:
        return None
    return Shortfall(Unit.MODEL_DAYS, days, parameters + 1, -1)
