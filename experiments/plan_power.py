"""How many days a cycle needs to see the change its plan declared, from the campaign's history.

The estimate uses the comparison's own model (day_model.py): the dispersion φ that the day model
finds between the two latest earlier cycles with data, and the daily volume of the later one.
For two cycles of n days each, the cycle effect on the model's scale has a variance of about
2·φ·v/n, where v is one day's variance on that scale: 1/(N·p·(1−p)) for a share with N trials
and rate p (logit), 1/μ for an amount, count or ratio numerator with daily mean μ (log). The
days needed to see the declared relative change m with 80 % power in a two-sided test at 5 %
are then the smallest n with

    n ≥ 2·φ·v·(q₀.₉₇₅ + q₀.₈₀)² / δ²,

with δ the change on the model's scale (log(1 ± m), or the difference of the logits) and q the
quantiles of the test the comparison runs (Student's t on 2n − 8 degrees of freedom where the
scale is estimated, else normal); at least 7 days. It is an
estimate for planning, not a promise: it assumes the next cycle's volume and spread are like
the last ones. Reply-time medians have no such model and get no estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats as sps

from experiments import compare, day_model
from experiments.compare import SPEC
from experiments.day_model import Form
from experiments.models import Cycle, TestPlan
from experiments.store import Store
from experiments.sufficiency import Kind

POWER = 0.8
MIN_DAYS = 7  # fewer days per cycle get "not enough data" anyway (sufficiency.py)
PARAMETERS = 8  # a constant, the cycle and six weekdays
MAX_DAYS = 3650  # beyond ten years the answer is "not with this volume"


class NoEstimate(StrEnum):
    NO_PLAN = "no_plan"  # no primary metric or no smallest change declared
    HISTORY = "history"  # fewer than two earlier cycles with days of the metric
    NO_MODEL = "no_model"  # the metric has no day model (reply-time medians)
    TOO_SMALL = "too_small"  # the change cannot be seen at this volume within ten years


@dataclass(frozen=True, slots=True)
class DaysNeeded:
    """The days (and events, for a share) a cycle needs to see its declared change."""

    days: int
    per_day: float  # the daily events (share) or value (amount) the estimate assumes
    from_cycles: tuple[int, int]
    so_far: int  # days with data in the planned cycle so far


def _days(per_unit: float, estimated: bool) -> int:
    """Return the smallest n with n ≥ per_unit·(q₀.₉₇₅ + q₀.₈₀)², the quantiles of the test the
    comparison will run: Student's t on the model's residual degrees of freedom (two cycles of
    n days, a constant, the cycle and six weekdays) when the scale is estimated, else normal."""
    days = MIN_DAYS
    for _ in range(50):
        df = max(2 * days - PARAMETERS, 1)
        dist = sps.t(df) if estimated else sps.norm()
        wanted = math.ceil(per_unit * float(dist.ppf(0.975) + dist.ppf(POWER)) ** 2)
        if wanted <= days or wanted > MAX_DAYS:
            return max(wanted, MIN_DAYS) if wanted <= days else wanted
        days = wanted
    return days


def days_needed(store: Store, cycle: Cycle, plan: TestPlan) -> DaysNeeded | NoEstimate:
    """Return how many days of data the cycle needs to see its declared change, or why no
    estimate can be made."""
    if plan.primary is None or not plan.min_effect:
        return NoEstimate.NO_PLAN
    spec = SPEC[plan.primary]
    if spec.kind in (Kind.REPLY_MEDIAN, Kind.REPLY_P90):
        return NoEstimate.NO_MODEL
    earlier = sorted(c.number for c in store.cycles(cycle.campaign_id)
                     if c.number < cycle.number and c.start is not None)[-2:]  # fmt: skip
    if len(earlier) < 2:
        return NoEstimate.HISTORY
    numbers = [*earlier, cycle.number] if cycle.start is not None else earlier
    data = compare.load(store, store.campaign(cycle.campaign_id), numbers)
    a, b = (compare.model_days(spec, data.groups[n]) for n in earlier)
    if len(a.y) < 2 or len(b.y) < 2:
        return NoEstimate.HISTORY
    share = spec.kind is Kind.RATE and bool(np.all(b.y <= b.sizes()))
    form = Form.SHARE if share else Form.MONEY if spec.money else Form.COUNT
    found = day_model.fit(form, a, b)
    if not isinstance(found, day_model.Fit):
        return NoEstimate.HISTORY
    up = plan.direction != "down"
    m = plan.min_effect
    if share:
        trials = float(np.mean(b.sizes()))
        p = float(b.y.sum() / b.sizes().sum())
        moved = p * (1 + m) if up else p * (1 - m)
        if not 0 < p < 1 or not 0 < moved < 1:
            return NoEstimate.TOO_SMALL
        per_day_variance = 1 / (trials * p * (1 - p))
        effect = math.log(moved / (1 - moved)) - math.log(p / (1 - p))
        per_day = trials * p
    else:
        per_day = float(np.mean(b.y))
        if per_day <= 0 or (not up and m >= 1):
            return NoEstimate.TOO_SMALL
        per_day_variance = 1 / per_day
        effect = math.log(1 + m) if up else math.log(1 - m)
    days = _days(2 * found.scale * per_day_variance / effect**2, estimated=found.scale > 1)
    if days > MAX_DAYS:
        return NoEstimate.TOO_SMALL
    so_far = len(compare.model_days(spec, data.groups[cycle.number]).y) if (
        cycle.number in data.groups) else 0  # fmt: skip
    return DaysNeeded(days, per_day, (earlier[0], earlier[1]), so_far)
