"""Cycle against cycle on real marketing shapes: a change measured on the same weekday mix, one
rule for missing values, and one data-sufficiency policy whose messages name the right unit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from experiments import compare, compare_charts, day_model
from experiments.compare import Design, Group
from experiments.day_model import Days, Form
from experiments.stats import Note
from experiments.store import Store
from experiments.sufficiency import Counts, Kind, Shortfall, Unit, shortfall, too_few_for_model
from tests.test_compare import WINDOWS, ad_facts, build, daily

SATURDAY, MONDAY = date(2026, 3, 7), date(2026, 3, 16)


def rhythm(start: date, days: int, lift: float = 1.0) -> pd.DataFrame:
    """Days without chance: weekends bring 1.5× the impressions at 0.6× the CTR; spend wobbles
    by ±0.5 % from day to day (money that fits a model exactly has no spread to test)."""
    dates = [start + timedelta(days=i) for i in range(days)]
    weekend = np.array([d.weekday() >= 5 for d in dates])
    impressions = np.where(weekend, 15_000.0, 10_000.0)
    clicks = np.round(impressions * 0.02 * lift * np.where(weekend, 0.6, 1.0))
    wobble = 1 + 0.005 * np.cos(np.arange(days) * 2.0)
    spend = impressions * 0.004 * np.where(weekend, 1.2, 1.0) * wobble
    return pd.DataFrame({"date": pd.to_datetime(dates), "impressions": impressions,
                         "clicks": clicks, "spend": spend})  # fmt: skip


@pytest.mark.parametrize("metric", ["ctr", "impressions", "clicks", "spend", "cpc"])
@pytest.mark.parametrize("lift", [1.0, 1.1])
def test_a_different_weekday_mix_is_no_change(metric: str, lift: float) -> None:
    # Nine days from a Saturday hold two weekends, twelve from a Monday one: the raw change is
    # the weekday mix, the weekday-adjusted one is only the lift.
    a, b = Group("1", rhythm(SATURDAY, 9)), Group("2", rhythm(MONDAY, 12, lift))
    row = next(r for r in compare.compare_groups(a, b, Design.OBSERVATIONAL) if r.metric == metric)
    # The lift is on clicks: CTR and clicks move by it, CPC by its inverse, the rest not at all.
    want = {"ctr": lift, "clicks": lift, "cpc": 1 / lift}.get(metric, 1.0) - 1
    assert row.adjusted and row.rel_change == pytest.approx(want, abs=5e-3)
    assert row.raw_rel_change is not None and abs(row.raw_rel_change - want) > 0.025
    if lift == 1.0:
        assert not row.significant


MISSING = [
    ("clicks", "ctr"),  # a day of impressions without its clicks value
    ("impressions", "ctr"),  # clicks without the impressions they came from
    ("conversions", "cvr"),
    ("spend", "cpc"),
]


@pytest.mark.parametrize(("column", "metric"), MISSING)
def test_a_day_missing_half_of_a_ratio_leaves_both_sums(
    store: Store, column: str, metric: str
) -> None:
    facts = ad_facts()
    gone = facts.date.between(WINDOWS[0][0], WINDOWS[0][0] + timedelta(days=2))
    facts.loc[gone, column] = np.nan  # missing (NULL), not 0
    ws = build(store, facts)
    spec = compare.SPEC[metric]
    first = daily(ws, 1).iloc[3:]  # the days that have both halves
    row = compare.compare(store, "Spring Sale", 1, 2).row(metric)
    assert row is not None and row.n_a == 11
    assert row.a == pytest.approx(first[spec.num].sum() / first[spec.den].sum())
    assert row.a == pytest.approx(compare.side_by_side(compare.load(store, ws.campaign, [1, 2]))
                                  [metric][1])  # fmt: skip


@pytest.mark.parametrize("metric", ["ctr", "clicks", "cpc", "reach"])
@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "not enough data (cycle 2 has 5 days with data, at least 7 needed)"),
     ("de", "zu wenig Daten (Zyklus 2 hat 5 Tage mit Daten, mindestens 7 nötig)")],
)  # fmt: skip
def test_too_few_days_say_days_whatever_the_metric(
    store: Store, metric: str, lang: str, text: str
) -> None:
    ws = build(store)
    store.update_cycle(replace(ws.cycles[1], end=WINDOWS[1][0] + timedelta(days=4)))
    result = compare.compare(store, "Spring Sale", 1, 2)
    row = result.row(metric)
    assert row is not None and row.note is Note.NOT_ENOUGH_DATA and row.p_value is None
    assert row.short == Shortfall(Unit.DAYS, 5, 7, 1)
    assert compare_charts.verdict(row, result, lang).endswith(text)


POLICY = [
    (Kind.RATE, Counts(6, 500, 9000), Counts(14, 500, 9000), Shortfall(Unit.DAYS, 6, 7, 0)),
    (Kind.RATE, Counts(14, 29, 9000), Counts(14, 500, 9000), Shortfall(Unit.EVENTS, 29, 30, 0)),
    (Kind.RATE, Counts(14, 500, 9000), Counts(14, 980, 20), Shortfall(Unit.NON_EVENTS, 20, 30, 1)),
    (Kind.RATE, Counts(7, 30, 30), Counts(7, 30, 30), None),
    (Kind.RATIO, Counts(7), Counts(6), Shortfall(Unit.DAYS, 6, 7, 1)),
    (Kind.AMOUNT, Counts(3), Counts(30), Shortfall(Unit.DAYS, 3, 7, 0)),
    (Kind.REACH, Counts(7), Counts(7), None),
    (Kind.REPLY_MEDIAN, Counts(0, 12), Counts(0, 80), Shortfall(Unit.REPLIES, 12, 30, 0)),
    (Kind.REPLY_P90, Counts(0, 1), Counts(0, 1), None),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "a", "b", "want"), POLICY)
def test_one_policy_says_what_is_short(
    kind: Kind, a: Counts, b: Counts, want: Shortfall | None
) -> None:
    assert shortfall(kind, a, b) == want


def test_a_model_needs_more_days_than_parameters() -> None:
    # Three days each on six different weekdays: a constant, the cycle and five weekdays are
    # seven parameters for six days.
    a = Days(np.array([0, 1, 2]), np.array([5.0, 6.0, 7.0]))
    b = Days(np.array([3, 4, 5]), np.array([6.0, 7.0, 8.0]))
    assert day_model.fit(Form.COUNT, a, b) == Shortfall(Unit.MODEL_DAYS, 6, 8, -1)
    assert too_few_for_model(9, 8) is None
