"""Simulation: how often a comparison of two cycles calls chance a change, finds a real +10 %
CTR lift, and how often its 95 % interval holds the truth.

The simulated campaigns are those of tests/simulated_cycles.py (1,000–100,000 impressions a day,
CTR 2 %): binomial days, overdispersed days (a day-wide swing of 20 %), and a weekday rhythm
(weekend CTR × 0.6, weekend volume × 1.5, a 10 % swing) with an unequal weekday mix (9 days
from a Saturday against 12 from a Monday). Each is judged by the tracker's comparison (the
weekday day model), by the textbook quasi-binomial weekday model fitted directly (Student's t on
the residual degrees of freedom, and statsmodels' default normal test), and by the two tests
the tracker used before (the z-test on sums, Welch's test over the linearised days).
A fourth scenario is two variants of one cycle split impression by impression at random (two
weeks from a Monday, the weekday rhythm above, every day's CTR swinging by 20 % for both
variants at once): judged by the tracker's test of a declared randomized split (the day model
paired by day), by the weekday day model that segments get, by the z-test on sums, and by the
test variants got before (the dispersion pre-test switching to Welch's unpaired test).
Printed per scenario and method: the false-positive rate and coverage under no change, the mean
reported change under no change (bias), and power and coverage for +10 %.

    .venv/bin/python bench/calibration_sim.py [--runs 2000] [--seed 11] [--only TEXT]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.simulated_cycles import (  # noqa: E402
    SCENARIOS,
    SPLIT,
    former_variants,
    ours,
    ours_randomized,
    rates,
    reference,
    reference_normal,
    welch_on_days,
    z_test_on_sums,
)

METHODS = (
    ("tracker: weekday day model", ours),
    ("quasi-binomial + weekday (direct, t)", reference),
    ("quasi-binomial + weekday (direct, normal)", reference_normal),
    ("former: z-test on sums", z_test_on_sums),
    ("former: Welch over days", welch_on_days),
)
SPLIT_METHODS = (
    ("tracker: declared split, paired by day", ours_randomized),
    ("tracker: weekday day model (segments)", ours),
    ("z-test on sums", z_test_on_sums),
    ("former: pre-test, then Welch over days", former_variants),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--only", default="", help="run only the scenarios whose name has this")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    print(f"runs per cell: {args.runs}, seeds {args.seed} (no change) and {args.seed + 1} (+10 %)")
    header = ("scenario", "method", "false pos.", "coverage", "bias", "power +10%", "coverage")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    cells_of = [(sc, METHODS) for sc in SCENARIOS] + [(SPLIT, SPLIT_METHODS)]
    for scenario, methods in cells_of:
        if args.only not in scenario.name:
            continue
        for name, method in methods:
            null = rates(method, scenario, 1.0, args.runs, args.seed)
            lift = rates(method, scenario, 1.1, args.runs, args.seed + 1)
            # The direct fits report no interval here.
            interval = method not in (reference, reference_normal)
            cells = (
                scenario.name, name, f"{null.rejected:.3f}",
                f"{null.covered:.3f}" if interval else "–", f"{null.bias:+.3f}",
                f"{lift.rejected:.3f}", f"{lift.covered:.3f}" if interval else "–",
            )  # fmt: skip
            print("| " + " | ".join(cells) + " |", flush=True)
    print(f"took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
