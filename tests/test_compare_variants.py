"""Variants inside one cycle: a declared randomized split is tested paired by the days both
variants share (the day model with one term per date), segments through the weekday day model
as observational; both checked against statsmodels fitted directly on the same days."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from experiments import compare, compare_variants
from experiments.compare import Comparison, Design
from experiments.stats import Method
from experiments.store import Store
from tests import glm_reference
from tests.test_compare import WINDOWS, Workspace, ad_facts, build

PAIR = ("Creative A", "Creative B")
# metric: (the model's y, its trials, its offset, money)
MODELS = {
    "ctr": ("clicks", "impressions", None, False),
    "clicks": ("clicks", None, None, False),
    "spend": ("spend", None, None, True),
    "cpc": ("spend", None, "clicks", True),
}


def variant_days(ws: Workspace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each variant's daily sums in cycle 2, computed here from the facts themselves."""
    part = ws.member[(ws.member.number == 2) & (ws.member.variant != "")]
    columns = ["spend", "impressions", "reach", "clicks", "conversions"]
    a, b = (part[part.variant == v].groupby("date")[columns].sum() for v in PAIR)
    return a, b


def compared(store: Store, ws: Workspace, randomized: bool) -> Comparison:
    groups = compare_variants.load_variants(store, ws.campaign, 2)
    return compare_variants.compare_variants(ws.campaign, ws.cycles[1], groups, *PAIR,
                                             randomized=randomized)  # fmt: skip


def check(row: compare.MetricRow | None, a: pd.DataFrame, b: pd.DataFrame, metric: str,
          block: str) -> None:  # fmt: skip
    """The row's p-value, change and interval are those of statsmodels fitted directly."""
    y, trials, offset, money = MODELS[metric]
    ref = glm_reference.fit(a, b, y, trials=trials, offset=offset, money=money, block=block)
    # Weekday-adjusted only where weekdays are modelled: paired variants share their dates.
    assert row is not None and row.adjusted is (block == "weekday")
    assert row.p_value == pytest.approx(ref.pvalues[1], rel=1e-6, abs=1e-300)
    low, high = ref.conf_int()[1]
    if trials is None:
        want = [np.exp(v) - 1 for v in (ref.params[1], low, high)]
    else:
        both = glm_reference.frame(a, b)
        want = [glm_reference.share_change(ref, both, trials, v, block)
                for v in (ref.params[1], low, high)]  # fmt: skip
    assert (row.rel_change, row.ci_low, row.ci_high) == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("metric", list(MODELS))
def test_a_declared_randomized_split_is_paired_by_day(store: Store, metric: str) -> None:
    # Whole days swing by 25 % (auction, feed): both variants share each day's swing.
    ws = build(store, ad_facts(swing=0.25))
    result = compared(store, ws, randomized=True)
    assert result.design is Design.RANDOMIZED and result.variants == PAIR
    row = result.row(metric)
    share = MODELS[metric][1] is not None
    assert row is not None
    assert row.test is (Method.QUASI_BINOMIAL_DAY if share else Method.QUASI_POISSON_DAY)
    check(row, *variant_days(ws), metric, block="day")


@pytest.mark.parametrize("metric", list(MODELS))
def test_undeclared_variants_are_segments_in_the_weekday_model(store: Store, metric: str) -> None:
    ws = build(store, ad_facts(swing=0.25))
    result = compared(store, ws, randomized=False)
    assert result.design is Design.OBSERVATIONAL
    row = result.row(metric)
    share = MODELS[metric][1] is not None
    assert row is not None
    assert row.test is (Method.QUASI_BINOMIAL_WEEKDAY if share else Method.QUASI_POISSON_WEEKDAY)
    check(row, *variant_days(ws), metric, block="weekday")


@pytest.mark.parametrize("swing", [0.25, 0.5])
def test_the_shared_daily_swings_cancel_in_the_paired_test(store: Store, swing: float) -> None:
    # Creative B's CTR is 15 % higher on every day; the days swing together. Unpaired, the
    # swings are noise; paired by day they cancel, and the interval is less than half as wide
    # (measured: 0.145 against 0.404 at a 25 % swing).
    ws = build(store, ad_facts(swing=swing))
    paired, segments = (compared(store, ws, r).row("ctr") for r in (True, False))
    assert paired is not None and segments is not None
    assert paired.ci_low is not None and paired.ci_high is not None
    assert segments.ci_low is not None and segments.ci_high is not None
    assert paired.ci_low <= 0.15 <= paired.ci_high and paired.significant
    assert paired.ci_high - paired.ci_low < (segments.ci_high - segments.ci_low) / 2


def test_only_the_days_both_variants_have_are_paired(store: Store) -> None:
    facts = ad_facts(swing=0.25)
    gone = (facts.variant == PAIR[1]) & facts.date.between(
        WINDOWS[1][0], WINDOWS[1][0] + timedelta(days=2)
    )
    ws = build(store, facts[~gone].reset_index(drop=True))
    row = compared(store, ws, randomized=True).row("ctr")
    a, b = variant_days(ws)
    assert row is not None and (row.n_a, row.n_b) == (len(b), len(b)) == (14, 14)
    check(row, a.loc[b.index], b, "ctr", block="day")


def test_variants_are_listed_most_shown_first_with_their_rates(store: Store) -> None:
    ws = build(store)
    groups = compare_variants.load_variants(store, ws.campaign, 2)
    part = ws.member[(ws.member.number == 2) & (ws.member.platform == "meta")]
    shown = part.groupby("variant").impressions.sum().sort_values(ascending=False)
    assert list(groups) == list(shown.index)
    rates = compare_variants.variant_rates(groups, "ctr")
    assert [r.variant for r in rates] == list(groups)
    assert all(r.low is not None and r.low < r.rate < r.high for r in rates)  # type: ignore[operator]
