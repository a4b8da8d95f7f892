"""Simulation: how goal forecasts and statuses behave on a stable weekly-seasonal series.

Each simulated period is four weeks (Monday 2 March … Sunday 29 March 2026) of daily values that
follow one weekly pattern: weekdays at a base level, Saturday and Sunday at 0.6× or 1.5× of it,
with 10 % multiplicative noise. The goal's target is a margin (10 % by default) short of what
the pattern delivers (at least) or above it (at most), so every simulated period meets its
goal. For each day of the period the real `experiments.goals.evaluate` gives the forecast and
the status. Printed:

  * the share of periods that are `off_track` on day 5 and on days 8–28;
  * the median relative error of the forecast against the period's final value on days 3, 5
    and 8, and over all of days 8–28;
  * the status changes per period (a change is a day whose status differs from the day before).

    .venv/bin/python bench/goal_forecast_sim.py [--periods 100] [--margin 0.10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.goals import Status, evaluate  # noqa: E402
from experiments.models import Comparator, Goal, ReplyTimes  # noqa: E402

START = date(2026, 3, 2)  # a Monday
DAYS = 28
NO_REPLIES = ReplyTimes(None, None)


def series(seed: int, weekend: float, metric: str) -> pd.DataFrame:
    """Return four weeks of daily facts for a total (clicks) or a rate (ctr) goal."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(DAYS):
        day = START + timedelta(days=i)
        factor = weekend if day.weekday() >= 5 else 1.0
        impressions = round(10_000 * factor * rng.normal(1, 0.1))
        if metric == "clicks":
            rows.append({"date": day, "clicks": round(100 * factor * rng.normal(1, 0.1))})
        else:
            rate = 0.02 * (1.2 if factor != 1.0 else 1.0) * rng.normal(1, 0.1)
            rows.append({"date": day, "clicks": round(impressions * rate),
                         "impressions": impressions})  # fmt: skip
    return pd.DataFrame(rows)


def expected_value(weekend: float, metric: str) -> float:
    """Return the period's value the weekly pattern delivers without noise."""
    weekend_days = sum((START + timedelta(days=i)).weekday() >= 5 for i in range(DAYS))
    weight = (DAYS - weekend_days) + weekend * weekend_days
    if metric == "clicks":
        return 100 * weight
    clicks = 10_000 * 0.02 * ((DAYS - weekend_days) + weekend * 1.2 * weekend_days)
    return clicks / (10_000 * weight)


def make_goal(metric: str, comparator: Comparator, weekend: float, margin: float) -> Goal:
    """Return a four-week goal whose target the pattern meets with the given margin."""
    factor = 1 - margin if comparator is Comparator.AT_LEAST else 1 + margin
    return Goal(uuid.uuid4(), "sim", metric, comparator, expected_value(weekend, metric) * factor,
                None, START, START + timedelta(days=DAYS - 1))  # fmt: skip


def run(goal: Goal, frame: pd.DataFrame) -> tuple[list[Status], list[float | None], float]:
    """Return each day's status and forecast, and the period's final value."""
    statuses, forecasts = [], []
    for n in range(1, DAYS + 1):
        p = evaluate(goal, frame, NO_REPLIES, START + timedelta(days=n - 1))
        statuses.append(p.status)
        forecasts.append(p.forecast)
    final = evaluate(goal, frame, NO_REPLIES, START + timedelta(days=DAYS - 1)).actual
    assert final is not None
    return statuses, forecasts, final


def changes(statuses: list[Status]) -> int:
    """Return how often the status differs from the day before."""
    return sum(a is not b for a, b in zip(statuses, statuses[1:], strict=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", type=int, default=100)
    parser.add_argument("--margin", type=float, default=0.10)
    args = parser.parse_args()
    print(
        f"{args.periods} periods per case, four weeks each, 10 % daily noise, "
        f"target {args.margin:.0%} inside what the pattern delivers"
    )
    print("case | off track day 5 | off track days 8-28 | median error day 3 | day 5 | day 8 "
          "| days 8-28 | status changes per period (mean, max)")  # fmt: skip
    for metric in ("clicks", "ctr"):
        for comparator in (Comparator.AT_LEAST, Comparator.AT_MOST):
            for weekend in (0.6, 1.5):
                goal = make_goal(metric, comparator, weekend, args.margin)
                off5, off_later, flips = [], [], []
                err3, err5, err8, err_later = [], [], [], []
                for seed in range(args.periods):
                    statuses, forecasts, final = run(goal, series(seed, weekend, metric))
                    off5.append(statuses[4] is Status.OFF_TRACK)
                    off_later.extend(s is Status.OFF_TRACK for s in statuses[7:])
                    errors = [abs(f - final) / final if f is not None else float("nan")
                              for f in forecasts]  # fmt: skip
                    err3.append(errors[2])
                    err5.append(errors[4])
                    err8.append(errors[7])
                    err_later.extend(errors[7:])
                    flips.append(changes(statuses))
                print(f"{metric} {comparator.value} weekend x{weekend} | "
                      f"{np.mean(off5):.0%} | {np.mean(off_later):.1%} | "
                      f"{statistics.median(err3):.1%} | {statistics.median(err5):.1%} | "
                      f"{statistics.median(err8):.1%} | "
                      f"{statistics.median(err_later):.1%} | "
                      f"{np.mean(flips):.1f}, {max(flips)}")  # fmt: skip


if __name__ == "__main__":
    main()
