"""The statistics against values computed independently: textbook formulas, and scipy/statsmodels
called directly in the test on the same numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy import stats as sps
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from experiments import stats
from experiments.stats import Method, Note

Z95 = 1.959963984540054


def pooled_z(x_a: float, n_a: float, x_b: float, n_b: float) -> tuple[float, float]:
    """The textbook two-proportion z-test with a pooled variance: (z, two-sided p)."""
    pooled = (x_a + x_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (x_b / n_b - x_a / n_a) / se
    return z, 2 * sps.norm.sf(abs(z))


def welch(xa: np.ndarray, xb: np.ndarray) -> tuple[float, float, float]:
    """Welch's t, Welch–Satterthwaite degrees of freedom and two-sided p, from the formulas."""
    va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
    t = (xb.mean() - xa.mean()) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(xa) - 1) + vb**2 / (len(xb) - 1))
    return t, df, 2 * sps.t.sf(abs(t), df)


def fieller_by_search(xa: np.ndarray, xb: np.ndarray) -> tuple[float, float]:
    """Fieller's interval found by scanning the ratios the Welch statistic does not reject."""
    va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
    _, df, _ = welch(xa, xb)
    crit = sps.t.ppf(0.975, df)
    grid = np.linspace(0.0, 3.0, 300_001)
    inside = (xb.mean() - grid * xa.mean()) ** 2 <= crit**2 * (vb + grid**2 * va)
    kept = grid[inside]
    return float(kept.min()), float(kept.max())


# -- rates -------------------------------------------------------------------------------------


def test_textbook_two_proportion_example() -> None:
    # 45 of 100 before, 60 of 100 after: pooled 0.525, z = 0.15 / 0.0706 = 2.124, p = 0.034
    res = stats.compare_rates(45, 100, 60, 100)
    assert res.test is Method.TWO_PROPORTION_Z
    assert res.p_value == pytest.approx(0.0337, abs=5e-4)
    assert res.p_value == pytest.approx(pooled_z(45, 100, 60, 100)[1], rel=1e-9)
    assert res.rel_change == pytest.approx(60 / 45 - 1)


@pytest.mark.parametrize(
    ("case", "x_a", "n_a", "x_b", "n_b"),
    [
        ("equal rates", 300, 10_000, 300, 10_000),
        ("large lift", 100, 10_000, 200, 10_000),
        ("unequal cycle lengths", 420, 14_000, 1_300, 31_000),
        ("a drop", 500, 20_000, 380, 20_000),
    ],
)
def test_rates_agree_with_statsmodels(case: str, x_a: int, n_a: int, x_b: int, n_b: int) -> None:
    res = stats.compare_rates(x_a, n_a, x_b, n_b)
    _, p = proportions_ztest([x_b, x_a], [n_b, n_a])
    low, high = confint_proportions_2indep(
        x_b, n_b, x_a, n_a, method="score", compare="ratio", correction=False
    )
    assert res.note is Note.NONE
    assert (res.a, res.b) == pytest.approx((x_a / n_a, x_b / n_b))
    assert res.p_value == pytest.approx(p, rel=1e-12, abs=1e-300)
    assert res.p_value == pytest.approx(pooled_z(x_a, n_a, x_b, n_b)[1], rel=1e-9, abs=1e-300)
    assert (res.ci_low, res.ci_high) == pytest.approx((low - 1, high - 1))
    assert res.ci_low is not None and res.ci_high is not None and res.rel_change is not None
    assert res.ci_low <= res.rel_change <= res.ci_high


@pytest.mark.parametrize(
    ("case", "x_a", "n_a", "x_b", "n_b", "a", "b", "rel", "note"),
    [
        ("tiny samples", 3, 40, 9, 40, 0.075, 0.225, 2.0, Note.NOT_ENOUGH_DATA),
        ("zero events", 0, 5_000, 40, 5_000, 0.0, 0.008, None, Note.NOT_ENOUGH_DATA),
        ("nearly all events", 990, 1_000, 995, 1_000, 0.99, 0.995, 0.995 / 0.99 - 1,
         Note.NOT_ENOUGH_DATA),
        ("zero denominators", 0, 0, 10, 100, None, 0.1, None, Note.MISSING),
        ("one cycle missing the metric", None, None, 10, 100, None, 0.1, None, Note.MISSING),
        ("later cycle missing the metric", 10, 100, None, None, 0.1, None, None, Note.MISSING),
    ],
)  # fmt: skip
def test_rates_without_a_verdict(
    case: str, x_a: float | None, n_a: float | None, x_b: float | None, n_b: float | None,
    a: float | None, b: float | None, rel: float | None, note: Note,
) -> None:  # fmt: skip
    res = stats.compare_rates(x_a, n_a, x_b, n_b)
    assert res.note is note
    assert (res.a, res.b) == pytest.approx((a, b))
    assert res.rel_change == pytest.approx(rel)
    assert res.p_value is None and res.ci_low is None and res.ci_high is None
    assert res.test is Method.NONE


def pearson_dispersed(x: np.ndarray, n: np.ndarray) -> bool:
    p = x.sum() / n.sum()
    chi2 = (((x - n * p) ** 2) / (n * p * (1 - p))).sum()
    return bool(sps.chi2.sf(chi2, len(x) - 1) < 0.05)


@pytest.mark.parametrize(
    ("case", "seed", "spread", "expected"),
    [
        ("binomial days", 3, 0.0, False),
        ("days that swing together", 3, 0.3, True),
        ("mild swings", 4, 0.02, None),
    ],
)
def test_overdispersion_is_pearsons_chi_square(
    case: str, seed: int, spread: float, expected: bool | None
) -> None:
    rng = np.random.default_rng(seed)
    trials = rng.poisson(5_000, 28).astype(float)
    rates = 0.02 * np.exp(rng.normal(0, spread, 28)) if spread else np.full(28, 0.02)
    events = rng.binomial(trials.astype(int), rates).astype(float)
    assert stats.overdispersed(events, trials) == pearson_dispersed(events, trials)
    if expected is not None:
        assert stats.overdispersed(events, trials) is expected


@pytest.mark.parametrize(
    ("events", "trials"), [([], []), ([5.0], [100.0]), ([0.0, 0.0], [10.0, 20.0]), ([3, 4], [0, 0])]
)
def test_overdispersion_needs_two_days_and_a_rate_between_0_and_1(
    events: list[float], trials: list[float]
) -> None:
    assert stats.overdispersed(events, trials) is False


@pytest.mark.parametrize(("count", "nobs"), [(81, 263), (0, 50), (50, 50), (3, 7)])
def test_wilson_matches_the_formula_and_statsmodels(count: int, nobs: int) -> None:
    p, n, z = count / nobs, nobs, Z95
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    bounds = stats.wilson(count, nobs)
    assert bounds == pytest.approx((centre - half, centre + half), abs=1e-9)
    assert bounds == pytest.approx(proportion_confint(count, nobs, method="wilson"))


@pytest.mark.parametrize(("count", "nobs"), [(0, 0), (5, 0), (6, 5), (-1, 10)])
def test_wilson_refuses_what_is_no_rate(count: int, nobs: int) -> None:
    assert stats.wilson(count, nobs) is None


# -- daily values (Welch) ----------------------------------------------------------------------

RNG = np.random.default_rng(11)
DAYS_14 = RNG.normal(100, 15, 14)
DAYS_30 = RNG.normal(100, 15, 30)


@pytest.mark.parametrize(
    ("case", "xa", "xb"),
    [
        ("equal values", DAYS_14, DAYS_14.copy()),
        ("large lift", DAYS_14, DAYS_14 * 1.6 + 5),
        ("unequal cycle lengths", DAYS_14, DAYS_30 * 1.1),
        ("a drop", DAYS_30, DAYS_14 * 0.7),
    ],
)
def test_daily_means_agree_with_scipy_and_the_formulas(
    case: str, xa: np.ndarray, xb: np.ndarray
) -> None:
    res = stats.compare_means(xa, xb)
    direct = sps.ttest_ind(xb, xa, equal_var=False)
    _, _, p = welch(xa, xb)
    assert res.test is Method.WELCH_T and res.note is Note.NONE
    assert (res.a, res.b) == pytest.approx((xa.mean(), xb.mean()))
    assert (res.n_a, res.n_b) == (len(xa), len(xb))
    assert res.p_value == pytest.approx(direct.pvalue, rel=1e-9)
    assert res.p_value == pytest.approx(p, rel=1e-9)
    low, high = fieller_by_search(xa, xb)
    assert (res.ci_low, res.ci_high) == pytest.approx((low - 1, high - 1), abs=2e-5)


@pytest.mark.parametrize(
    ("case", "xa", "xb", "note", "rel"),
    [
        ("tiny samples", [5.0, 7.0, 6.0], [9.0, 8.0, 10.0], Note.NOT_ENOUGH_DATA, 0.5),
        ("six days against many", list(DAYS_14[:6]), list(DAYS_30), Note.NOT_ENOUGH_DATA, None),
        ("one cycle missing the metric", [], list(DAYS_14), Note.MISSING, None),
        ("missing days are not zeros", [np.nan] * 20, list(DAYS_14), Note.MISSING, None),
        ("the same value every day", [3.0] * 10, [3.0] * 12, Note.NO_VARIATION, 0.0),
        (
            "a constant ratio with rounding noise",
            [0.1 + 0.2] * 9,
            [0.3] * 9,
            Note.NO_VARIATION,
            None,
        ),
    ],
)
def test_daily_means_without_a_verdict(
    case: str, xa: list[float], xb: list[float], note: Note, rel: float | None
) -> None:
    res = stats.compare_means(xa, xb)
    assert res.note is note
    assert res.p_value is None and res.ci_low is None
    if rel is not None:
        assert res.rel_change == pytest.approx(rel)
    if note is Note.MISSING:
        assert res.a is None and res.b == pytest.approx(np.mean(xb))


def test_daily_means_from_a_zero_baseline_are_tested_without_a_relative_change() -> None:
    res = stats.compare_means([0.0] * 10, [0, 1, 0, 2, 1, 0, 3, 1, 0, 2])
    assert res.note is Note.ZERO_BASELINE
    assert res.rel_change is None and res.ci_low is None
    assert res.p_value == pytest.approx(
        sps.ttest_ind([0, 1, 0, 2, 1, 0, 3, 1, 0, 2], [0.0] * 10, equal_var=False).pvalue
    )


# -- ratios of sums (linearised days) ----------------------------------------------------------


def test_ratio_of_sums_is_welch_on_the_linearised_days() -> None:
    spend_a, clicks_a = RNG.uniform(90, 110, 12), RNG.poisson(200, 12).astype(float)
    spend_b, clicks_b = RNG.uniform(90, 110, 20), RNG.poisson(260, 20).astype(float)
    res = stats.compare_ratios(spend_a, clicks_a, spend_b, clicks_b)
    r_a, r_b = spend_a.sum() / clicks_a.sum(), spend_b.sum() / clicks_b.sum()
    z_a = r_a + (spend_a - r_a * clicks_a) / clicks_a.mean()
    z_b = r_b + (spend_b - r_b * clicks_b) / clicks_b.mean()
    assert (res.a, res.b) == pytest.approx((r_a, r_b))
    assert z_a.mean() == pytest.approx(r_a)  # the linearisation keeps the ratio of the sums
    assert res.p_value == pytest.approx(sps.ttest_ind(z_b, z_a, equal_var=False).pvalue)
    assert res.ci_low is not None and res.ci_high is not None
    assert res.ci_low < r_b / r_a - 1 < res.ci_high


@pytest.mark.parametrize(
    ("case", "den_a", "den_b", "a", "b"),
    [
        ("zero denominators", [0.0] * 10, [5.0] * 10, None, 2.0),
        ("one cycle missing the metric", [], [5.0] * 10, None, 2.0),
    ],
)
def test_ratios_with_nothing_to_divide_by(
    case: str, den_a: list[float], den_b: list[float], a: float | None, b: float | None
) -> None:
    res = stats.compare_ratios([10.0] * len(den_a), den_a, [10.0] * 10, den_b)
    assert res.note is Note.MISSING
    assert (res.a, res.b) == (a, pytest.approx(b))
    assert res.p_value is None


def test_ratio_factor_scales_values_and_keeps_the_test() -> None:
    den_a, den_b = RNG.poisson(9_000, 14).astype(float), RNG.poisson(8_000, 30).astype(float)
    plain = stats.compare_ratios(DAYS_14, den_a, DAYS_30, den_b)
    per_mille = stats.compare_ratios(DAYS_14, den_a, DAYS_30, den_b, factor=1000)
    assert plain.p_value is not None and plain.a is not None
    assert per_mille.a == pytest.approx(1000 * plain.a)
    assert per_mille.p_value == pytest.approx(plain.p_value)
    assert per_mille.ci_low == pytest.approx(plain.ci_low)


# -- reply times -------------------------------------------------------------------------------


def _direct_bootstrap(xa: np.ndarray, xb: np.ndarray) -> tuple[float, float, np.ndarray]:
    def change(b: np.ndarray, a: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(np.median(b, axis=axis) / np.median(a, axis=axis) - 1)

    res = sps.bootstrap((xb, xa), change, n_resamples=stats.BOOTSTRAP_RESAMPLES, batch=200,
                        vectorized=True, method="percentile",
                        rng=np.random.default_rng(stats.BOOTSTRAP_SEED))  # fmt: skip
    low, high = res.confidence_interval
    return float(low), float(high), np.asarray(res.bootstrap_distribution)


def test_medians_are_tested_by_a_bootstrap_of_the_median() -> None:
    xa, xb = RNG.exponential(600, 80), RNG.exponential(420, 95)
    res = stats.compare_medians(xa, xb)
    assert res.test is Method.BOOTSTRAP_MEDIAN
    assert (res.a, res.b) == pytest.approx((np.median(xa), np.median(xb)))
    low, high, changes = _direct_bootstrap(xa, xb)
    assert (res.ci_low, res.ci_high) == pytest.approx((low, high))
    share = min(np.mean(changes <= 0), np.mean(changes >= 0))
    assert res.p_value == pytest.approx(2 * share)
    assert res.ci_low < res.rel_change < res.ci_high  # type: ignore[operator]
    assert stats.compare_medians(xa, xb) == res  # a fixed seed: the same interval every time


@pytest.mark.parametrize("seed", range(40))
def test_a_median_verdict_agrees_with_its_interval(seed: int) -> None:
    rng = np.random.default_rng(seed)
    xa = rng.lognormal(6.0, 1.0, 60)
    xb = rng.lognormal(6.0 + rng.normal(0, 0.3), 1.0, 70)
    res = stats.compare_medians(xa, xb)
    assert res.p_value is not None and res.ci_low is not None and res.ci_high is not None
    assert (res.p_value < 0.05) == (res.ci_low > 0 or res.ci_high < 0)


def test_equal_medians_with_different_shapes_are_rarely_called_a_change() -> None:
    # Reply times with the same median but another spread: Mann–Whitney U, which compares whole
    # distributions, rejected "no change" in 44 % of such comparisons.
    rng = np.random.default_rng(2026)
    calls = 0
    for _ in range(200):
        xa = rng.lognormal(np.log(600), 0.5, 120)
        xb = rng.lognormal(np.log(600), 1.4, 120)
        p = stats.compare_medians(xa, xb).p_value
        calls += p is not None and p < 0.05
    assert calls / 200 <= 0.10


def test_medians_of_few_replies_are_not_enough_data() -> None:
    res = stats.compare_medians(RNG.exponential(600, 29), RNG.exponential(600, 200))
    assert res.note is Note.NOT_ENOUGH_DATA and res.p_value is None


def test_the_90th_percentile_is_descriptive_only() -> None:
    xa, xb = np.arange(1.0, 101.0), np.arange(1.0, 201.0)
    res = stats.describe_quantile(xa, xb, 0.9)
    assert res.note is Note.DESCRIPTIVE and res.test is Method.NONE and res.p_value is None
    assert (res.a, res.b) == pytest.approx((np.quantile(xa, 0.9), np.quantile(xb, 0.9)))


# -- Benjamini–Hochberg ------------------------------------------------------------------------


def test_benjamini_hochberg_on_a_known_list() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 of m=4: 0.005·4/1, 0.01·4/2, 0.03·4/3, 0.04·4/4
    assert stats.benjamini_hochberg([0.01, 0.04, None, 0.03, 0.005]) == pytest.approx(
        [0.02, 0.04, None, 0.04, 0.02]
    )


def test_benjamini_hochberg_on_the_original_papers_example() -> None:
    # Benjamini & Hochberg (1995): of these 15 p-values, the procedure at 0.05 rejects four.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
         0.4262, 0.5719, 0.6528, 0.7590, 1.0000]  # fmt: skip
    q = stats.benjamini_hochberg(p)
    assert sum(v is not None and v < 0.05 for v in q) == 4
    assert q[3] == pytest.approx(0.0095 * 15 / 4)


def test_benjamini_hochberg_without_p_values() -> None:
    assert stats.benjamini_hochberg([None, None]) == [None, None]
    assert stats.benjamini_hochberg([]) == []


# -- the intervals agree with their tests ------------------------------------------------------

counts = hs.integers(min_value=30, max_value=3_000)


@settings(max_examples=200, deadline=None)
@given(x_a=counts, extra_a=counts, x_b=counts, extra_b=counts)
def test_rate_interval_excludes_no_change_exactly_when_the_z_test_does(
    x_a: int, extra_a: int, x_b: int, extra_b: int
) -> None:
    res = stats.compare_rates(x_a, x_a + extra_a, x_b, x_b + extra_b)
    assert res.p_value is not None and res.ci_low is not None and res.ci_high is not None
    if abs(res.p_value - stats.ALPHA) > 1e-6:
        assert (res.p_value < stats.ALPHA) == (res.ci_low > 0 or res.ci_high < 0)


# Hypothesis finds nearly constant series; scipy warns about their precision, and rightly.
@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(
    xa=hs.lists(hs.floats(min_value=1, max_value=1_000), min_size=7, max_size=40),
    xb=hs.lists(hs.floats(min_value=1, max_value=1_000), min_size=7, max_size=40),
)
def test_fieller_excludes_no_change_exactly_when_welch_does(
    xa: list[float], xb: list[float]
) -> None:
    res = stats.compare_means(xa, xb)
    if res.p_value is None or res.ci_low is None or res.ci_high is None:
        return  # no variation, or an unbounded interval: nothing to compare
    if abs(res.p_value - stats.ALPHA) > 1e-6:
        assert (res.p_value < stats.ALPHA) == (res.ci_low > 0 or res.ci_high < 0)
