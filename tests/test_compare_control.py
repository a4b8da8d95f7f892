"""A control series: the change beyond the control's drift (difference-in-differences), checked
by simulation and against statsmodels fitted directly."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from experiments import compare_control
from experiments.compare import Group
from tests import simulated_cycles as sim
from tests.cli_runner import run_cli

SCENARIO = sim.Scenario("drift", (date(2026, 3, 2), 14), (date(2026, 3, 16), 14), swing=0.1,
                        weekend_ctr=0.6, weekend_volume=1.5)  # fmt: skip


def _four(rng: np.random.Generator, drift: float, lift: float) -> tuple[pd.DataFrame, ...]:
    """The campaign's and the control's days in both windows; the market moves both by
    ``drift`` in the later window, the cycle's change moves the campaign by ``lift`` more."""
    volume = 8_000.0
    return (sim.days(rng, SCENARIO, False, volume, 1.0),
            sim.days(rng, SCENARIO, True, volume, drift * lift),
            sim.days(rng, SCENARIO, False, volume * 0.8, 1.0),
            sim.days(rng, SCENARIO, True, volume * 0.8, drift))  # fmt: skip


def _ctr(frames: tuple[pd.DataFrame, ...]) -> compare_control.ControlRow:
    groups = [Group(str(i), f) for i, f in enumerate(frames)]
    rows = compare_control.beyond(*groups)
    return next(r for r in rows if r.metric == "ctr")


def test_market_drift_is_not_taken_for_the_cycles_success() -> None:
    rng = np.random.default_rng(41)
    calls, plain = 0, 0
    runs = 150
    for _ in range(runs):
        frames = _four(rng, drift=1.15, lift=1.0)
        calls += _ctr(frames).significant
        judged = sim.ours(frames[0], frames[1])
        plain += judged.p_value is not None and judged.p_value < 0.05
    assert calls / runs <= 0.09
    # The plain before/after comparison calls the market's +15 % a change nearly every time.
    assert plain / runs >= 0.8


def test_a_change_beyond_the_drift_is_found_with_its_size() -> None:
    rng = np.random.default_rng(42)
    found = [_ctr(_four(rng, drift=1.15, lift=1.2)) for _ in range(60)]
    assert np.mean([r.significant for r in found]) >= 0.6  # measured: 78 % at this volume
    assert np.mean([r.rel_change for r in found]) == pytest.approx(0.2, abs=0.03)
    covered = np.mean([r.ci_low is not None and r.ci_high is not None
                       and r.ci_low <= 0.2 <= r.ci_high for r in found])  # fmt: skip
    assert covered >= 0.88


def test_the_interaction_equals_statsmodels_fitted_directly() -> None:
    frames = _four(np.random.default_rng(7), drift=1.1, lift=1.1)
    row = _ctr(frames)
    parts = []
    for i, f in enumerate(frames):
        parts.append(f.assign(later=float(i in (1, 3)), campaign=float(i in (0, 1))))
    both = pd.concat(parts, ignore_index=True)
    both["both"] = both.later * both.campaign
    weekday = pd.get_dummies(both.date.dt.day_of_week, drop_first=True, dtype=float)
    x = sm.add_constant(pd.concat([both[["later", "campaign", "both"]], weekday], axis=1))
    y = np.column_stack([both.clicks, both.impressions - both.clicks])
    model = sm.GLM(y, x.to_numpy(), family=sm.families.Binomial())
    first = model.fit()
    scale = max(first.pearson_chi2 / first.df_resid, 1.0)
    res = model.fit(scale=scale, use_t=scale > 1)
    assert row.rel_change == pytest.approx(np.expm1(res.params[3]), rel=1e-6)
    assert row.p_value == pytest.approx(res.pvalues[3], rel=1e-6)


def test_the_cli_reports_the_change_beyond_a_control(demo_db: Path) -> None:
    code, out, err = run_cli("compare", "Spring Sale", "--cycles", "3", "4", "--control",
                             "Employer Branding", "--json")  # fmt: skip
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["control"]["campaign"] == "Employer Branding"
    assert {r["metric"] for r in doc["control"]["metrics"]} >= {"ctr", "cpc"}
    code, out, _ = run_cli("compare", "Spring Sale", "--cycles", "3", "4")
    assert "drift and seasonality are not excluded" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("control", "message"),
    [("Spring Sale", "error: a control is another campaign, one the cycle's change did not "
      "touch\n"),
     ("Nope", "error: no campaign named 'Nope'")],
)  # fmt: skip
def test_a_bad_control_is_refused(demo_db: Path, control: str, message: str) -> None:
    code, out, err = run_cli("compare", "Spring Sale", "--cycles", "3", "4", "--control", control)
    assert code != 0 and out == "" and err.startswith(message)


def test_the_compare_page_shows_the_change_beyond_a_chosen_control(demo_db: Path) -> None:
    from tests.apptest import app, assert_clean

    at = app("views/compare.py")
    at.selectbox(key="compare_campaign").set_value("Spring Sale").run()
    assert_clean(at)
    box = next(b for b in at.selectbox if str(b.key).startswith("control_"))
    assert box.value is None  # no control unless one is chosen
    box.set_value("Employer Branding").run()
    assert_clean(at)
    assert "Beyond the drift of Employer Branding" in [h.value for h in at.subheader]
    frame = next(d.value for d in at.dataframe if "Change beyond the control" in d.value)
    assert len(frame) >= 2
