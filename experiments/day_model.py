"""The day-level model behind a comparison of two cycles: a cycle effect with weekday effects.

Two cycles of one campaign are a before/after comparison, and marketing days are not coin
tosses: weekends have other rates and volumes, auctions and feeds make whole days swing, and two
cycles rarely have the same weekday mix (nine days from a Saturday hold two weekends, twelve from
a Monday hold one). So every day of both cycles enters one generalised linear model (statsmodels
``GLM``) with a term for the cycle and one for each weekday present:

* shares (ctr, cvr, open_rate…): the day's events out of its trials, binomial with the logit
  link — a quasi-binomial model;
* amounts and counts per day (clicks, spend, reach…): the day's value, Poisson with the log
  link — a quasi-Poisson model;
* ratios of two sums (cpc, cpa, roas, cpm): the day's numerator, quasi-Poisson with
  log(denominator) as an offset. We chose this over the delta method on weekday-adjusted totals
  because exp(cycle effect) is then directly the change of numerator per unit of denominator on
  the same weekday, the model weights each day by its denominator just as the ratio of sums does,
  and statsmodels gives its interval and p-value; a day with nothing to divide by (0 clicks)
  carries no information about a cost per click and is left out of the model.

The dispersion is estimated from the days (Pearson's chi-square over the residual degrees of
freedom). For counts (events, clicks, reach) it is never taken below 1: days that vary less than
counting noise would otherwise buy a certainty that the counts cannot give; at 1 the scale is the
family's own and the test is the normal one, above 1 it was estimated and the test is Student's
t with the model's residual degrees of freedom. Money is not a count: its scale is left free, so
the verdict does not depend on whether spend is in cents or euros (the quasi-Poisson standard
error is unchanged when every value is multiplied by the same number). No pre-test chooses the
test: the model is the same whatever the days look like.

Variants of one cycle that the marketer declared a randomized split share their days: the same
auction, the same feed, the same weekday. There the model blocks by the day itself instead of
its weekday (``Block.DAY``): one term per date, so whatever moved a whole day moves both variants'
expected values alike and cancels, and the variant effect is read from the split within each day
— a test paired by day. Only dates on which both variants have data enter (a date with one
variant fits its own term exactly and adds nothing); families, scale and test are those above.

The reported change is weekday-standardized: both cycles on the same weekday mix, namely every
day of both cycles (weighted by its trials for a share). With the log link that is exactly
exp(cycle effect) − 1; with the logit link it is the expected events of all those days with the
later cycle's effect over those without it, minus 1. The interval maps the cycle effect's
interval the same way (the mapping rises with the effect), so it excludes "no change" exactly
when the test has p < 0.05.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from statsmodels.genmod.generalized_linear_model import GLMResults
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from experiments.sufficiency import Shortfall, too_few_for_model

ALPHA = 0.05

Array = npt.NDArray[np.float64]


class Block(StrEnum):
    """What each group's days are blocked by: their weekday (two cycles, or segments of one
    cycle), or the date itself (a declared randomized split, whose variants share every day)."""

    WEEKDAY = "weekday"
    DAY = "day"


class Form(StrEnum):
    SHARE = "share"  # events out of trials: quasi-binomial, scale at least 1
    COUNT = "count"  # a count per day, or a ratio whose numerator is a count: scale at least 1
    MONEY = "money"  # an amount of money per day, or a ratio of money: free scale


@dataclass(frozen=True, slots=True)
class Days:
    """One cycle's days of one metric: the weekday (0 = Monday), the value and its size (a
    share's trials, or a ratio's denominator; None for a value per day)."""

    weekday: npt.NDArray[np.int64]
    y: Array
    size: Array | None = None
    day: npt.NDArray[np.int64] | None = None  # the date (days since 1970-01-01), for Block.DAY

    def sizes(self) -> Array:
        """Return each day's size: a share's trials or a ratio's denominator, else 1."""
        return self.size if self.size is not None else np.ones(len(self.y))

    def only(self, keep: npt.NDArray[np.bool_]) -> Days:
        """Return the chosen days alone."""
        return Days(self.weekday[keep], self.y[keep],
                    None if self.size is None else self.size[keep],
                    None if self.day is None else self.day[keep])  # fmt: skip


@dataclass(frozen=True, slots=True)
class Fit:
    """The weekday-standardized change of the later cycle, its 95 % interval and p-value."""

    rel_change: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    scale: float
    df_resid: float


def design(a: Days, b: Days, block: Block = Block.WEEKDAY) -> tuple[Array, list[str]]:
    """Return the model matrix of both groups' days: a constant, the later group, and one
    column per weekday (or per date, blocked by day) present except the first, which the
    constant stands for."""
    if block is Block.DAY:
        if a.day is None or b.day is None:
            raise ValueError("blocking by day needs the days' dates")
        level = np.concatenate([a.day, b.day])
    else:
        level = np.concatenate([a.weekday, b.weekday])
    group = np.concatenate([np.zeros(len(a.y)), np.ones(len(b.y))])
    present = sorted(set(level.tolist()))
    columns = [np.ones(len(level)), group] + [(level == d).astype(float) for d in present[1:]]
    names = ["const", "cycle"] + [f"{block.value}_{d}" for d in present[1:]]
    return np.column_stack(columns), names


def glm_of(form: Form, x: Array, y: Array, size: Array | None) -> sm.GLM:
    """Return the statsmodels GLM of the form's family for a model matrix and the days' values
    (size: a share's trials, or a ratio's denominator as the offset; None for an amount)."""
    if form is Form.SHARE:
        assert size is not None
        return sm.GLM(np.column_stack([y, size - y]), x, family=sm.families.Binomial())
    if size is None:
        return sm.GLM(y, x, family=sm.families.Poisson())
    return sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(size))


def model(form: Form, a: Days, b: Days, block: Block = Block.WEEKDAY) -> sm.GLM:
    """Return the statsmodels GLM of both groups' days (not yet fitted)."""
    x, _ = design(a, b, block)
    y = np.concatenate([a.y, b.y])
    plain = form is not Form.SHARE and a.size is None
    return glm_of(form, x, y, None if plain else np.concatenate([a.sizes(), b.sizes()]))


def shared(a: Days, b: Days) -> tuple[Days, Days]:
    """Return the days of both groups on the dates both have (for a model blocked by day)."""
    if a.day is None or b.day is None:
        raise ValueError("pairing by day needs the days' dates")
    both = np.intersect1d(a.day, b.day)
    return a.only(np.isin(a.day, both)), b.only(np.isin(b.day, both))


def fitted(form: Form, glm: sm.GLM) -> GLMResults | None:
    """Return the quasi fit of a GLM: Pearson's dispersion from a first fit, never below 1 for
    counts and shares, free for money; Student's t where the scale was estimated. None when the
    days show no variation a model could measure."""
    with warnings.catch_warnings():
        # A group with no events on some weekday is a boundary, not an error: its effect is
        # large and uncertain, which the interval says.
        warnings.simplefilter("ignore", (ConvergenceWarning, PerfectSeparationWarning))
        # The Pearson scale is computed from a first fit and passed as a number: statsmodels'
        # own scale="X2" reads a binomial's counts as proportions (measured on statsmodels 0.15:
        # 0.0015 where Pearson chi2/df is 2.15 at about 1,500 trials a day).
        first = glm.fit()
        pearson = float(first.pearson_chi2 / first.df_resid)
        if not math.isfinite(pearson) or (form is Form.MONEY and pearson <= 1e-12):
            return None
        estimated = form is Form.MONEY or pearson > 1
        result: GLMResults = glm.fit(scale=pearson if estimated else 1.0, use_t=estimated)
    return result


def fit(form: Form, a: Days, b: Days, block: Block = Block.WEEKDAY) -> Fit | Shortfall | None:
    """Return the later group's effect in the day model (blocked by weekday, or by the shared
    dates), the shortfall when the days cannot carry the model, or None when the days show no
    variation a model could measure."""
    if block is Block.DAY:
        a, b = shared(a, b)
    glm = model(form, a, b, block)
    short = too_few_for_model(len(glm.endog), glm.exog.shape[1])
    if short is not None:
        return short
    res = fitted(form, glm)
    if res is None:
        return None
    low, high = (float(v) for v in np.asarray(res.conf_int(alpha=ALPHA))[1])
    weights = np.concatenate([a.sizes(), b.sizes()]) if form is Form.SHARE else None
    return Fit(
        rel_change=standardized(res, float(res.params[1]), weights),
        ci_low=_finite(standardized(res, low, weights)),
        ci_high=_finite(standardized(res, high, weights)),
        p_value=_finite(float(res.pvalues[1])),
        scale=float(res.scale),
        df_resid=float(res.df_resid),
    )


def standardized(res: GLMResults, effect: float, weights: Array | None = None) -> float:
    """Return the relative change a cycle effect means on every day of both cycles: the
    expected total with the effect over the expected total without it, minus 1."""
    x = np.array(res.model.exog, copy=True)
    x[:, 1] = 0.0
    params = np.asarray(res.params, dtype=float)
    offset = getattr(res.model, "offset", None)
    eta = x @ params + (0.0 if offset is None else np.asarray(offset, dtype=float))
    link = res.model.family.link
    without = np.asarray(link.inverse(eta), dtype=float)
    with_effect = np.asarray(link.inverse(eta + effect), dtype=float)
    w = np.ones(len(eta)) if weights is None else weights
    return float((w * with_effect).sum() / (w * without).sum() - 1)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
