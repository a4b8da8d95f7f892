"""Simulated pairs of cycles shaped like a campaign's days, for the calibration tests and
bench/calibration_sim.py.

Each simulated campaign draws its daily volume once, log-uniform between 1,000 and 100,000
impressions; each day then has Poisson impressions (weekends × ``weekend_volume``) and binomial
clicks at a CTR of 2 % (weekends × ``weekend_ctr``, the later cycle × ``lift``), moved for the
whole day by a log-normal swing of ``swing`` (auctions and feeds: all impressions of a day share
it). A comparison is judged through the real ``compare.compare_groups``. The split scenario
draws two variants of one cycle instead, splitting each day's impressions at random.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import statsmodels.api as sm

from experiments import compare, stats
from experiments.compare import Design, Group

CTR = 0.02


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    first: tuple[date, int]  # start and length of the earlier cycle
    second: tuple[date, int]
    swing: float = 0.0
    weekend_ctr: float = 1.0
    weekend_volume: float = 1.0
    # Two variants of one cycle (its days are ``first``) that the platform splits impression by
    # impression at random: they share each day's swing, volume and weekday.
    split: bool = False


SCENARIOS = (
    Scenario("binomial days", (date(2026, 3, 2), 14), (date(2026, 3, 16), 14)),
    Scenario("overdispersed days", (date(2026, 3, 2), 14), (date(2026, 3, 16), 14), swing=0.2),
    # Nine days from a Saturday hold two weekends, twelve from a Monday one.
    Scenario("weekday rhythm, unequal mix", (date(2026, 3, 7), 9), (date(2026, 3, 16), 12),
             swing=0.1, weekend_ctr=0.6, weekend_volume=1.5),
)  # fmt: skip
WEEKDAY = SCENARIOS[2]
# Two weeks of an A/B test: every day's CTR swings by 20 % for both variants at once (auction,
# feed), on top of the weekday rhythm.
SPLIT = Scenario("randomized variants sharing daily swings", (date(2026, 3, 2), 14),
                 (date(2026, 3, 2), 14), swing=0.2, weekend_ctr=0.6, weekend_volume=1.5,
                 split=True)  # fmt: skip


def days(rng: np.random.Generator, scenario: Scenario, later: bool, volume: float,
         lift: float) -> pd.DataFrame:  # fmt: skip
    """Return one cycle's simulated days (date, impressions, clicks)."""
    start, length = scenario.second if later else scenario.first
    dates = pd.date_range(start, start + timedelta(days=length - 1))
    weekend = np.asarray(dates.day_of_week >= 5)
    impressions = rng.poisson(volume * np.where(weekend, scenario.weekend_volume, 1.0))
    ctr = CTR * (lift if later else 1.0) * np.where(weekend, scenario.weekend_ctr, 1.0)
    if scenario.swing:
        ctr = ctr * np.exp(rng.normal(0.0, scenario.swing, length))
    clicks = rng.binomial(impressions, np.minimum(ctr, 1.0))
    return pd.DataFrame({"date": dates, "impressions": impressions.astype(float),
                         "clicks": clicks.astype(float)})  # fmt: skip


def split_days(rng: np.random.Generator, scenario: Scenario, volume: float,
               lift: float) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Return one cycle's simulated days of two variants that split every day's impressions at
    random and share its swing; the second variant's CTR is × ``lift``."""
    start, length = scenario.first
    dates = pd.date_range(start, start + timedelta(days=length - 1))
    weekend = np.asarray(dates.day_of_week >= 5)
    shown = rng.poisson(volume * np.where(weekend, scenario.weekend_volume, 1.0))
    first = rng.binomial(shown, 0.5)
    ctr = CTR * np.where(weekend, scenario.weekend_ctr, 1.0)
    if scenario.swing:
        ctr = ctr * np.exp(rng.normal(0.0, scenario.swing, length))
    frames = []
    for impressions, factor in ((first, 1.0), (shown - first, lift)):
        clicks = rng.binomial(impressions, np.minimum(ctr * factor, 1.0))
        frames.append(pd.DataFrame({"date": dates, "impressions": impressions.astype(float),
                                    "clicks": clicks.astype(float)}))  # fmt: skip
    return frames[0], frames[1]


def pairs(scenario: Scenario, lift: float, runs: int,
          seed: int) -> list[tuple[pd.DataFrame, pd.DataFrame]]:  # fmt: skip
    """Return ``runs`` simulated pairs of cycles, the same for the same seed."""
    rng = np.random.default_rng(seed)
    found = []
    for _ in range(runs):
        volume = float(np.exp(rng.uniform(np.log(1_000), np.log(100_000))))
        if scenario.split:
            found.append(split_days(rng, scenario, volume, lift))
            continue
        found.append((days(rng, scenario, False, volume, 1.0),
                      days(rng, scenario, True, volume, lift)))  # fmt: skip
    return found


@dataclass(frozen=True, slots=True)
class Judged:
    p_value: float | None
    ci_low: float | None
    ci_high: float | None
    change: float | None = None  # the relative change reported


def ours(a: pd.DataFrame, b: pd.DataFrame) -> Judged:
    """Return the CTR row of the comparison of two cycles, as the tracker judges it."""
    rows = compare.compare_groups(Group("a", a), Group("b", b), Design.OBSERVATIONAL)
    row = next(r for r in rows if r.metric == "ctr")
    return Judged(row.p_value, row.ci_low, row.ci_high, row.rel_change)


def ours_randomized(a: pd.DataFrame, b: pd.DataFrame) -> Judged:
    """Return the CTR row of two variants of a declared randomized split, as the tracker judges
    them (paired by day)."""
    rows = compare.compare_groups(Group("a", a), Group("b", b), Design.RANDOMIZED)
    row = next(r for r in rows if r.metric == "ctr")
    return Judged(row.p_value, row.ci_low, row.ci_high, row.rel_change)


def former_variants(a: pd.DataFrame, b: pd.DataFrame) -> Judged:
    """Return the former test of two variants' rate: the z-test on sums, switched by the
    dispersion pre-test to Welch's unpaired test over the days when either variant's days
    swing beyond chance."""
    swinging = stats.overdispersed(a.clicks, a.impressions) or stats.overdispersed(
        b.clicks, b.impressions
    )
    return welch_on_days(a, b) if swinging else z_test_on_sums(a, b)


def reference(a: pd.DataFrame, b: pd.DataFrame, use_t: bool = True) -> Judged:
    """Return the textbook quasi-binomial model with weekday effects, fitted directly: Pearson
    scale (never floored), Student's t on the residual degrees of freedom (or, with
    ``use_t=False``, statsmodels' default normal test)."""
    both = pd.concat([a.assign(cycle=0.0), b.assign(cycle=1.0)], ignore_index=True)
    weekday = pd.get_dummies(both.date.dt.day_of_week, drop_first=True, dtype=float)
    x = sm.add_constant(pd.concat([both[["cycle"]], weekday], axis=1)).to_numpy()
    y = np.column_stack([both.clicks, both.impressions - both.clicks])
    model = sm.GLM(y, x, family=sm.families.Binomial())
    first = model.fit()
    res = model.fit(scale=first.pearson_chi2 / first.df_resid, use_t=use_t)
    return Judged(float(res.pvalues[1]), None, None, float(np.exp(res.params[1]) - 1))


def reference_normal(a: pd.DataFrame, b: pd.DataFrame) -> Judged:
    """Return the same model with the normal test statsmodels uses by default."""
    return reference(a, b, use_t=False)


def z_test_on_sums(a: pd.DataFrame, b: pd.DataFrame) -> Judged:
    """Return the former test of a rate: the two-proportion z-test on the summed counts."""
    res = stats.compare_rates(a.clicks.sum(), a.impressions.sum(), b.clicks.sum(),
                              b.impressions.sum())  # fmt: skip
    return Judged(res.p_value, res.ci_low, res.ci_high, res.rel_change)


def welch_on_days(a: pd.DataFrame, b: pd.DataFrame) -> Judged:
    """Return the former test of a swinging rate: Welch's t-test over its linearised days."""
    res = stats.compare_ratios(a.clicks, a.impressions, b.clicks, b.impressions)
    return Judged(res.p_value, res.ci_low, res.ci_high, res.rel_change)


@dataclass(frozen=True, slots=True)
class Rates:
    rejected: float  # share of runs with p < 0.05
    covered: float  # share of runs whose interval holds the true change
    bias: float  # mean reported change minus the true change


def rates(method: Callable[[pd.DataFrame, pd.DataFrame], Judged], scenario: Scenario,
          lift: float, runs: int, seed: int) -> Rates:  # fmt: skip
    """Return how often a method rejects "no change", how often its interval covers the true
    change and how far its reported change is off on average, over ``runs`` simulated pairs."""
    rejected = covered = 0
    changes = []
    for a, b in pairs(scenario, lift, runs, seed):
        judged = method(a, b)
        changes.append(np.nan if judged.change is None else judged.change)
        rejected += judged.p_value is not None and judged.p_value < stats.ALPHA
        if judged.ci_low is not None and judged.ci_high is not None:
            covered += judged.ci_low <= lift - 1 <= judged.ci_high
    return Rates(rejected / runs, covered / runs, float(np.nanmean(changes)) - (lift - 1))
