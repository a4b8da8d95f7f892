"""How many days a cycle needs to see its declared change: estimated from the campaign's earlier
cycles, and checked by simulation — cycles of that length find the change about 80 % of the
time."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from experiments import plan_power, test_plans
from experiments.models import TestPlan
from experiments.store import Store
from tests import simulated_cycles as sim
from tests.test_outcomes import _workspace


def _needed(store: Store, mde: float) -> plan_power.DaysNeeded:
    # Six-week cycles: a history long enough that its dispersion is measured well (from two
    # two-week cycles it ranged from 1.3 to 2.2 over six seeds, and the days needed with it).
    _workspace(store, (1.0, 1.0, 1.0), seed=3)
    third = next(c for c in store.cycles() if c.number == 3)
    found = plan_power.days_needed(store, third, TestPlan(third.id, "ctr", "up", mde))
    assert isinstance(found, plan_power.DaysNeeded)
    return found


@pytest.mark.parametrize("mde", [0.15, 0.25])
def test_cycles_as_long_as_estimated_see_the_change_about_four_times_in_five(
    store: Store, mde: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tests.test_outcomes.DAYS", 42)
    needed = _needed(store, mde)
    assert needed.from_cycles == (1, 2) and needed.so_far == 42
    n = needed.days
    # The campaign the estimate came from: 6,000 impressions a day, weekends ×1.5 with CTR ×0.6,
    # and a shared daily swing (tests/test_outcomes.py), now with cycles of n days each.
    scenario = sim.Scenario("planned", (date(2026, 3, 2), n), (date(2026, 3, 2) + timedelta(n), n),
                            swing=0.08, weekend_ctr=0.6, weekend_volume=1.5)  # fmt: skip
    rng = np.random.default_rng(int(mde * 100))
    found = 0
    runs = 150
    for _ in range(runs):
        a = sim.days(rng, scenario, False, 6_000, 1.0)
        b = sim.days(rng, scenario, True, 6_000, 1 + mde)
        judged = sim.ours(a, b)
        found += judged.p_value is not None and judged.p_value < 0.05
    assert 0.65 <= found / runs <= 0.95, (n, found / runs)


def test_a_smaller_change_needs_more_days(store: Store) -> None:
    _workspace(store, (1.0, 1.0, 1.0), seed=3)
    third = next(c for c in store.cycles() if c.number == 3)
    days = [plan_power.days_needed(store, third, TestPlan(third.id, "ctr", "up", m))
            for m in (0.3, 0.1, 0.05)]  # fmt: skip
    assert all(isinstance(d, plan_power.DaysNeeded) for d in days)
    counts = [d.days for d in days if isinstance(d, plan_power.DaysNeeded)]
    assert counts == sorted(counts) and counts[0] < counts[-1]


@pytest.mark.parametrize(
    ("plan", "reason"),
    [(("ctr", None), plan_power.NoEstimate.NO_PLAN),
     (("response_time_median_s", 0.1), plan_power.NoEstimate.NO_MODEL),
     (("leads", 0.1), plan_power.NoEstimate.HISTORY)],
)  # fmt: skip
def test_no_estimate_says_why(store: Store, plan: tuple[str, float | None],
                              reason: plan_power.NoEstimate) -> None:  # fmt: skip
    _workspace(store, (1.0, 1.0, 1.0), seed=3)
    third = next(c for c in store.cycles() if c.number == 3)
    primary, mde = plan
    assert plan_power.days_needed(store, third, TestPlan(third.id, primary, "up", mde)) is reason
    # A first cycle has no history at all.
    first = next(c for c in store.cycles() if c.number == 1)
    assert plan_power.days_needed(store, first, TestPlan(first.id, "ctr", "up", 0.1)) is (
        plan_power.NoEstimate.HISTORY
    )
    assert test_plans.comparable()
