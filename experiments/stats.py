"""The tests of reply times, the Wilson interval of one rate, Benjamini–Hochberg, and the tests
on sums and over days that comparisons used before the day model.

Two cycles, and two variants of one cycle, are compared through the day-level model in
day_model.py (blocked by weekday, or by the shared dates for a declared randomized split).
Reply times are tested here everywhere. The tests on sums and over days below are no longer
what a comparison reports: the calibration (tests/test_calibration.py, bench/calibration_sim.py)
keeps them as the former methods it shows failing — the z-test on swinging days, the unpaired
test over days on variants that share their days. What each of them does (scipy and statsmodels,
never written by hand):

* rates (a share of events: ctr, cvr, …): the two-proportion z-test on the summed numerator and
  denominator (statsmodels ``proportions_ztest``); the interval for the relative change is the
  score interval for the ratio of two proportions (statsmodels ``confint_proportions_2indep``,
  ``compare="ratio"``, without the small-sample correction, so that it excludes "no change"
  exactly when the z-test has p < 0.05). A single rate gets a Wilson interval.
  The z-test treats every impression as an independent coin toss. Marketing days are not like
  that: weekdays, auctions and feeds make daily rates swing far more than coin tosses would, and
  the z-test then claims a certainty the data do not have (measured on the demo: a CTR change
  with z-test p = 5e-12 has p = 0.008 over its days). So each group's days are checked with
  Pearson's dispersion test (chi-square at 5 %, see ``overdispersed``); where either group's
  days vary more than binomial chance allows, the rate is compared through its days like a ratio
  of sums (below), and the row says so (note OVERDISPERSED).
* per-day amounts and counts (spend, clicks, …), compared per day because cycles differ in
  length: Welch's t-test on the daily values (scipy ``ttest_ind(equal_var=False)``). The interval
  for the ratio of the two daily means is Fieller's, built from Welch's standard errors and
  degrees of freedom: it excludes "no change" exactly when Welch's test has p < 0.05.
* ratios of two sums (cpc, cpa, roas, a reply-weighted mean reply time): each day is linearised
  around the group's ratio (delta method: z = R + (num − R·den) / mean(den)), whose mean is exactly
  the ratio of the sums; then Welch and Fieller as for amounts. This is Welch's test on the daily
  ratios weighted by their denominators (replies, for reply times).
* reply times given one row per reply: the median is what is shown, so the median is tested: a
  percentile bootstrap (scipy ``bootstrap``, fixed seed) gives the interval for its relative
  change and the p-value (twice the share of resampled changes beyond no change), so verdict and
  interval always agree.

"Not enough data" — no test, no interval, a note and its reason (``Result.short``) instead —
follows the one policy in sufficiency.py (days, events and non-events per kind of metric).
A zero or missing denominator gives None, never an infinity or NaN; so does a relative change
from a baseline of zero.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

# The policy's minimums stay readable here too: the compare page's help text names them.
from experiments.sufficiency import MIN_DAYS as MIN_DAYS
from experiments.sufficiency import MIN_EVENTS as MIN_EVENTS
from experiments.sufficiency import Counts, Kind, Shortfall, shortfall

ALPHA = 0.05
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20260101


class Method(StrEnum):
    TWO_PROPORTION_Z = "two_proportion_z"
    WELCH_T = "welch_t"
    # Only the secondary "distribution shifted" check beside a median (distribution_shift).
    MANN_WHITNEY_U = "mann_whitney_u"
    # Reply times: the median itself, by a percentile bootstrap (verdict and interval agree).
    BOOTSTRAP_MEDIAN = "bootstrap_median"
    # Cycle against cycle: the day-level models with weekday effects of day_model.py.
    QUASI_BINOMIAL_WEEKDAY = "quasi_binomial_weekday"
    QUASI_POISSON_WEEKDAY = "quasi_poisson_weekday"
    # Variants of a declared randomized split: the same models blocked by date (paired by day).
    QUASI_BINOMIAL_DAY = "quasi_binomial_paired_day"
    QUASI_POISSON_DAY = "quasi_poisson_paired_day"
    NONE = "none"


class Note(StrEnum):
    NONE = ""
    NOT_ENOUGH_DATA = "not_enough_data"
    MISSING = "missing"  # one group has no value (no facts, or a zero denominator)
    ZERO_BASELINE = "zero_baseline"  # the first value is 0: no relative change exists
    NO_VARIATION = "no_variation"  # every daily value is the same: a t-test cannot be formed
    DESCRIPTIVE = "descriptive"  # values shown, no test fits
    # Written by the former variant test (a rate tested over its swinging days); comparisons
    # no longer give it, and learnings stored before may still carry it in their evidence.
    OVERDISPERSED = "overdispersed"


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of comparing group a with group b on one metric (b relative to a)."""

    a: float | None
    b: float | None
    rel_change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    test: Method = Method.NONE
    note: Note = Note.NONE
    # What the test rests on in each group: events (rates), days (daily tests), replies.
    n_a: float = 0
    n_b: float = 0
    short: Shortfall | None = None  # with NOT_ENOUGH_DATA: what is short, in its own unit

    @property
    def abs_change(self) -> float | None:
        """Return b − a, or None where either is missing."""
        return None if self.a is None or self.b is None else self.b - self.a


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def rel(a: float | None, b: float | None) -> float | None:
    """Return b/a − 1, or None where either is missing or a is 0."""
    if a is None or b is None or a == 0:
        return None
    return b / a - 1


def wilson(count: float, nobs: float, alpha: float = ALPHA) -> tuple[float, float] | None:
    """Return the Wilson interval of one rate, or None without observations."""
    if nobs <= 0 or count < 0 or count > nobs:
        return None
    low, high = proportion_confint(count, nobs, alpha=alpha, method="wilson")
    return float(low), float(high)


def compare_rates(x_a: float | None, n_a: float | None, x_b: float | None,
                  n_b: float | None, days: tuple[int, int] | None = None) -> Result:  # fmt: skip
    """Return the two-proportion z-test of x_b/n_b against x_a/n_a with a ratio interval
    (``days``: each group's days with data, where the policy should count them)."""
    a = None if x_a is None or not n_a else x_a / n_a
    b = None if x_b is None or not n_b else x_b / n_b
    if a is None or b is None:
        return Result(a, b, note=Note.MISSING)
    assert x_a is not None and n_a is not None and x_b is not None and n_b is not None
    base = Result(a, b, rel(a, b), n_a=x_a, n_b=x_b)
    d_a, d_b = days if days is not None else (MIN_DAYS, MIN_DAYS)
    short = shortfall(Kind.RATE, Counts(d_a, x_a, n_a - x_a), Counts(d_b, x_b, n_b - x_b))
    if short is not None:
        return replace(base, note=Note.NOT_ENOUGH_DATA, short=short)
    _, p = proportions_ztest([x_b, x_a], [n_b, n_a])
    low, high = confint_proportions_2indep(
        x_b, n_b, x_a, n_a, method="score", compare="ratio", alpha=ALPHA, correction=False
    )
    return replace(
        base,
        p_value=_finite(p),
        ci_low=_finite(low - 1),
        ci_high=_finite(high - 1),
        test=Method.TWO_PROPORTION_Z,
    )


def overdispersed(events: npt.ArrayLike, trials: npt.ArrayLike) -> bool:
    """Return True when the daily events vary more than binomial chance allows (Pearson's
    chi-square dispersion test at ALPHA over the days with trials)."""
    x, n = np.asarray(events, dtype=float), np.asarray(trials, dtype=float)
    keep = np.isfinite(x) & np.isfinite(n) & (n > 0)
    x, n = x[keep], n[keep]
    if len(n) < 2:
        return False
    p = x.sum() / n.sum()
    if not 0 < p < 1:
        return False
    chi2 = float((((x - n * p) ** 2) / (n * p * (1 - p))).sum())
    return chi2 > float(sps.chi2.ppf(1 - ALPHA, len(n) - 1))


def fieller(
    mean_a: float, se_a: float, mean_b: float, se_b: float, df: float, alpha: float = ALPHA
) -> tuple[float, float] | None:
    """Return Fieller's interval for mean_b/mean_a, or None when it is unbounded."""
    t = float(sps.t.ppf(1 - alpha / 2, df))
    va, vb = se_a**2, se_b**2
    quad = mean_a**2 - t**2 * va
    if quad <= 0:  # mean_a is not clearly away from 0: the interval has no finite bounds
        return None
    root = math.sqrt(t**2 * (va * mean_b**2 + vb * quad))
    return (mean_a * mean_b - root) / quad, (mean_a * mean_b + root) / quad


def compare_means(
    days_a: npt.ArrayLike, days_b: npt.ArrayLike, a: float | None = None,
    b: float | None = None,
) -> Result:  # fmt: skip
    """Return Welch's t-test of the daily values of b against a, with Fieller's interval.

    ``a`` and ``b`` are the values shown for the groups when they are not the plain daily means
    (for linearised ratios the mean of the daily values equals the ratio of the sums).
    """
    xa, xb = _clean(days_a), _clean(days_b)
    if not len(xa) or not len(xb):
        a = (float(xa.mean()) if a is None else a) if len(xa) else None
        b = (float(xb.mean()) if b is None else b) if len(xb) else None
        return Result(a, b, note=Note.MISSING, n_a=len(xa), n_b=len(xb))
    ma, mb = float(xa.mean()), float(xb.mean())
    a, b = ma if a is None else a, mb if b is None else b
    base = Result(a, b, rel(a, b), n_a=len(xa), n_b=len(xb))
    short = shortfall(Kind.AMOUNT, Counts(len(xa)), Counts(len(xb)))
    if short is not None:
        return replace(base, note=Note.NOT_ENOUGH_DATA, short=short)
    se_a, se_b = _se(xa), _se(xb)
    # Rounding noise of a constant series is no variation either (scipy warns and misleads then).
    if max(se_a, se_b) <= 1e-9 * max(abs(ma), abs(mb), 1e-300):
        return replace(base, note=Note.NO_VARIATION)
    with warnings.catch_warnings():
        # One constant group (5 conversions every day) is fine for Welch, whose variance then
        # comes from the other group; scipy still warns about the constant one's precision.
        warnings.filterwarnings("ignore", "Precision loss", RuntimeWarning)
        res = sps.ttest_ind(xb, xa, equal_var=False)
    p, df = _finite(res.pvalue), float(res.df)
    if ma == 0:
        return replace(base, p_value=p, test=Method.WELCH_T, note=Note.ZERO_BASELINE)
    bounds = fieller(ma, se_a, mb, se_b, df)
    return replace(
        base,
        p_value=p,
        ci_low=None if bounds is None else bounds[0] - 1,
        ci_high=None if bounds is None else bounds[1] - 1,
        test=Method.WELCH_T,
    )


def linearise(num: npt.ArrayLike, den: npt.ArrayLike) -> tuple[np.ndarray, float | None]:
    """Return each day linearised around the ratio of the sums, and that ratio (None if den is 0).

    A missing half of a day counts as 0, as it does in the sums themselves.
    """
    n, d = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    kept = ~(np.isnan(n) & np.isnan(d))  # a day with neither half has no value at all
    n, d = np.nan_to_num(n[kept]), np.nan_to_num(d[kept])
    total = float(d.sum())
    if not len(d) or total == 0:
        return np.array([], dtype=float), None
    ratio = float(n.sum()) / total
    return ratio + (n - ratio * d) / d.mean(), ratio


def compare_ratios(
    num_a: npt.ArrayLike, den_a: npt.ArrayLike, num_b: npt.ArrayLike,
    den_b: npt.ArrayLike, factor: float = 1.0,
) -> Result:  # fmt: skip
    """Return the comparison of two ratios of sums (factor·Σnum/Σden) through their days."""
    za, ra = linearise(num_a, den_a)
    zb, rb = linearise(num_b, den_b)
    if ra is None or rb is None:
        return Result(
            None if ra is None else factor * ra, None if rb is None else factor * rb,
            note=Note.MISSING, n_a=len(za), n_b=len(zb),
        )  # fmt: skip
    return compare_means(za * factor, zb * factor, factor * ra, factor * rb)


def compare_medians(values_a: npt.ArrayLike, values_b: npt.ArrayLike) -> Result:
    """Return the test of the median of b against a's: a percentile bootstrap of the change of
    the medians, whose p-value is twice the share of resampled changes on the far side of no
    change, so that p < 0.05 exactly when the 95 % interval excludes no change. (Mann–Whitney U
    compares whole distributions, not medians: with equal medians it still rejected 44 % of the
    time on reply times shaped like ours, and disagreed with the interval.)"""
    xa, xb = _clean(values_a), _clean(values_b)
    a = float(np.median(xa)) if len(xa) else None
    b = float(np.median(xb)) if len(xb) else None
    if a is None or b is None:
        return Result(a, b, note=Note.MISSING, n_a=len(xa), n_b=len(xb))
    base = Result(a, b, rel(a, b), n_a=len(xa), n_b=len(xb))
    short = shortfall(Kind.REPLY_MEDIAN, Counts(0, len(xa)), Counts(0, len(xb)))
    if short is not None:
        return replace(base, note=Note.NOT_ENOUGH_DATA, short=short)
    p, low, high = _bootstrap_median(xa, xb, relative=a != 0)
    if a == 0:
        return replace(base, p_value=p, test=Method.BOOTSTRAP_MEDIAN, note=Note.ZERO_BASELINE)
    return replace(base, p_value=p, ci_low=low, ci_high=high, test=Method.BOOTSTRAP_MEDIAN)


def distribution_shift(values_a: npt.ArrayLike, values_b: npt.ArrayLike) -> float | None:
    """Return the two-sided p-value of Mann–Whitney U: whether one group's values tend to lie
    above the other's. A secondary check beside the median's test, never a test of medians (it
    also reacts to a changed spread or tail), and never counted among the verdicts; None where
    either group has fewer replies than the policy's minimum for a median."""
    xa, xb = _clean(values_a), _clean(values_b)
    if shortfall(Kind.REPLY_MEDIAN, Counts(0, len(xa)), Counts(0, len(xb))) is not None:
        return None
    return _finite(float(sps.mannwhitneyu(xb, xa, alternative="two-sided").pvalue))


def describe_quantile(values_a: npt.ArrayLike, values_b: npt.ArrayLike, q: float) -> Result:
    """Return the q-quantile of each group and its change, descriptive only (no test fits)."""
    xa, xb = _clean(values_a), _clean(values_b)
    a = float(np.quantile(xa, q)) if len(xa) else None
    b = float(np.quantile(xb, q)) if len(xb) else None
    note = Note.MISSING if a is None or b is None else Note.DESCRIPTIVE
    return Result(a, b, rel(a, b), note=note, n_a=len(xa), n_b=len(xb))


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Return the Benjamini–Hochberg q-value of each p-value (None stays None)."""
    present = [i for i, p in enumerate(p_values) if p is not None]
    q: list[float | None] = [None] * len(p_values)
    if not present:
        return q
    _, adjusted, _, _ = multipletests([p_values[i] for i in present], method="fdr_bh")
    for i, value in zip(present, adjusted, strict=True):
        q[i] = float(value)
    return q


def _bootstrap_median(
    xa: np.ndarray, xb: np.ndarray, relative: bool
) -> tuple[float | None, float | None, float | None]:
    """Return the bootstrap p-value and the percentile interval of the median's change
    (relative, or as a difference when the baseline median is 0)."""

    def change(b: np.ndarray, a: np.ndarray, axis: int = -1) -> np.ndarray:
        base = np.median(a, axis=axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            if relative:
                return np.asarray(np.median(b, axis=axis) / base - 1)
            return np.asarray(np.median(b, axis=axis) - base)

    res = sps.bootstrap(
        (xb, xa), change, n_resamples=BOOTSTRAP_RESAMPLES, batch=200, vectorized=True,
        method="percentile", rng=np.random.default_rng(BOOTSTRAP_SEED),
    )  # fmt: skip
    changes = np.asarray(res.bootstrap_distribution)
    changes = changes[np.isfinite(changes)]
    if not len(changes):
        return None, None, None
    p = min(1.0, 2 * min(float(np.mean(changes <= 0)), float(np.mean(changes >= 0))))
    return p, _finite(res.confidence_interval.low), _finite(res.confidence_interval.high)


def _clean(values: npt.ArrayLike) -> np.ndarray:
    x: npt.NDArray[np.float64] = np.asarray(values, dtype=float)
    return x[np.isfinite(x)]


def _se(x: np.ndarray) -> float:
    return float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else 0.0
