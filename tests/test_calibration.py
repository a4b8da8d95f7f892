"""Calibration of cycle-against-cycle comparisons on simulated campaigns (tests/simulated_cycles.py):
the false-positive rate under no change, the power for a +10 % CTR and the coverage of the 95 %
interval, each through the real comparison, with fixed seeds. The last test shows that these
bands catch a wrong method: the tests the tracker used before fail them (the z-test on sums claims
changes on swinging days; Welch's test over days reports the weekday mix as a change; on variants
that share their days, the unpaired test finds almost nothing). The variants of a declared
randomized split are calibrated the same way, paired by day."""

from __future__ import annotations

import pytest

from tests.simulated_cycles import (
    SCENARIOS,
    SPLIT,
    WEEKDAY,
    Scenario,
    former_variants,
    ours,
    ours_randomized,
    rates,
    reference,
    welch_on_days,
    z_test_on_sums,
)

RUNS = 300


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_no_change_is_rarely_called_a_change(scenario: Scenario) -> None:
    found = rates(ours, scenario, lift=1.0, runs=RUNS, seed=1)
    assert 0.02 <= found.rejected <= 0.08
    assert 0.92 <= found.covered <= 0.98
    assert abs(found.bias) < 0.02  # centred on the truth, whatever the weekday mix


def test_a_ten_percent_lift_is_found_as_often_as_the_weekday_model_finds_it() -> None:
    found = rates(ours, WEEKDAY, lift=1.1, runs=RUNS, seed=2)
    textbook = rates(reference, WEEKDAY, lift=1.1, runs=RUNS, seed=2)
    assert found.rejected >= textbook.rejected - 0.05
    assert 0.92 <= found.covered <= 0.98
    assert abs(found.bias) < 0.02


def test_the_former_z_test_on_sums_fails_on_overdispersed_days() -> None:
    found = rates(z_test_on_sums, SCENARIOS[1], lift=1.0, runs=RUNS, seed=1)
    assert found.rejected > 0.08


def test_the_former_welch_test_over_days_takes_the_weekday_mix_for_a_change() -> None:
    # Its interval is wide enough to cover, but it is centred on the weekday mix: +16 % here.
    found = rates(welch_on_days, WEEKDAY, lift=1.0, runs=RUNS, seed=1)
    assert found.bias > 0.1


def test_randomized_variants_sharing_daily_swings_are_paired_by_day() -> None:
    # Two weeks of an A/B test split impression by impression, each day's CTR swinging by 20 %
    # for both variants at once, with a weekday rhythm (tests/simulated_cycles.SPLIT).
    null = rates(ours_randomized, SPLIT, lift=1.0, runs=RUNS, seed=1)
    assert 0.02 <= null.rejected <= 0.08
    assert 0.92 <= null.covered <= 0.98
    assert abs(null.bias) < 0.02
    lift = rates(ours_randomized, SPLIT, lift=1.1, runs=RUNS, seed=2)
    # Measured: 0.663 at this seed (bench/RESULTS.md: 0.610 over 2,000 runs); the z-test on
    # sums, which assumes no swing of its own in either variant, finds 0.717 (0.661).
    assert lift.rejected >= 0.55
    assert 0.92 <= lift.covered <= 0.98


def test_the_former_unpaired_variant_test_finds_almost_no_real_lift() -> None:
    # The dispersion pre-test sees the shared swings and switches to Welch's test over the days,
    # which counts those swings as noise: measured 0 of 300 found (0.6 % of 2,000 runs).
    found = rates(former_variants, SPLIT, lift=1.1, runs=RUNS, seed=2)
    assert found.rejected <= 0.05
    assert found.covered >= 0.99  # an interval far too wide
