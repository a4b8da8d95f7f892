"""Benchmark: comparing two cycles of one campaign on a database of 10,000,000 metric facts.

Builds, through the store, a temporary database of 200 campaigns with 4 cycles each and daily
facts per platform and variant, then measures in one run:
  * compare() for one campaign's two cycles against a plain DuckDB aggregate over that campaign's
    facts (the same sums per day, read straight from metric_fact by its platform name);
  * the compare page's script run (AppTest of the dashboard on the compare page);
  * the overview page's script run (AppTest on the overview page, with eight goals over the
    facts: workspace, per channel and per campaign), and its fact queries one by one.
Targets: compare <= 3x the plain aggregate; the page's script run under 1 s.

    .venv/bin/python bench/compare_bench.py [--facts 10000000] [--keep PATH] [--only overview]

The database lives in a temporary folder and is deleted afterwards unless --keep names a file.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments.db import Connection, Database  # noqa: E402
from experiments.import_models import ImportRecord  # noqa: E402
from experiments.models import Alias, Comparator, Cycle, Goal, Phase, ScopeKind, new_id  # noqa: E402
from experiments.store import Store  # noqa: E402
from experiments.store._base import now  # noqa: E402

CAMPAIGNS = 200
CYCLES = 4
CYCLE_DAYS = 35
PLATFORMS = ("meta", "google_ads")
FIRST_DAY = date(2026, 1, 5)


def platform_name(i: int, platform: str) -> str:
    """Return campaign i's name in a platform's export (mixed case, as exports spell it)."""
    return f"BENCH_{i:03d}_{platform.upper()}"


def build(path: Path, facts: int) -> int:
    """Build the benchmark database at ``path``; return the number of facts stored."""
    db = Database.open(path)
    store = Store(db)
    variants = max(1, round(facts / (CAMPAIGNS * CYCLES * CYCLE_DAYS * len(PLATFORMS))))
    for i in range(CAMPAIGNS):
        campaign = store.create_campaign(
            f"Campaign {i:03d}",
            aliases=tuple(Alias(platform_name(i, p).lower(), p) for p in PLATFORMS),
        )
        previous = None
        for n in range(1, CYCLES + 1):
            start = FIRST_DAY + timedelta(days=(n - 1) * CYCLE_DAYS)
            cycle = store.add_cycle(
                Cycle(new_id(), campaign.id, n, Phase.CLOSED if n < CYCLES else Phase.CAMPAIGN,
                      start=start, end=start + timedelta(days=CYCLE_DAYS - 1),
                      hypothesis=f"cycle {n} plan", budget=1000.0 * n, previous_id=previous)
            )  # fmt: skip
            previous = cycle.id
    rng = np.random.default_rng(7)
    total = 0
    # One import per platform and cycle period, as an analyst would download them.
    for n in range(CYCLES):
        for platform in PLATFORMS:
            frame = _facts(rng, n, platform, variants)
            store.insert_facts(_record(platform, n, frame), frame)
            total += len(frame)
    add_goals(store)
    db.close()
    return total


def add_goals(store: Store) -> None:
    """Add the overview's goals (unless there are some): workspace, channel and campaign scopes."""
    if store.goals():
        return
    period = (FIRST_DAY, FIRST_DAY + timedelta(days=CYCLES * CYCLE_DAYS - 1))
    scopes = [(ScopeKind.ALL, None), (ScopeKind.CHANNEL, "meta"), (ScopeKind.CHANNEL, "google_ads")]
    scopes += [(ScopeKind.CAMPAIGN, f"Campaign {i:03d}") for i in (0, 50, 100, 150, 199)]
    for n, (kind, value) in enumerate(scopes):
        metric = ("spend", "clicks", "ctr", "conversions")[n % 4]
        store.add_goal(
            Goal(new_id(), f"Goal {n}: {metric} {value or 'all'}", metric, Comparator.AT_LEAST,
                 target=1.0 if metric == "ctr" else 1000.0, period_start=period[0],
                 period_end=period[1], scope_kind=kind, scope_value=value)
        )  # fmt: skip


def _facts(rng: np.random.Generator, cycle: int, platform: str, variants: int) -> pd.DataFrame:
    days = pd.date_range(FIRST_DAY + timedelta(days=cycle * CYCLE_DAYS), periods=CYCLE_DAYS)
    n = CAMPAIGNS * CYCLE_DAYS * variants
    campaign = np.repeat(np.arange(CAMPAIGNS), CYCLE_DAYS * variants)
    impressions = rng.poisson(400 + 20 * cycle, n).astype(float)
    ctr = 0.01 + 0.001 * cycle + 0.002 * (campaign % 5) / 5
    clicks = rng.binomial(impressions.astype(int), ctr).astype(float)
    conversions = rng.binomial(clicks.astype(int), 0.05).astype(float)
    spend = np.round(impressions * rng.uniform(0.004, 0.006, n), 2)
    names = np.array([platform_name(i, platform) for i in range(CAMPAIGNS)], dtype=object)
    return pd.DataFrame(
        {
            "platform": platform,
            "source_campaign": names[campaign],
            "variant": np.tile(
                np.repeat(np.array([f"ad {v:03d}" for v in range(variants)], dtype=object),
                          CYCLE_DAYS), CAMPAIGNS),
            "date": np.tile(np.tile(days.values, variants), CAMPAIGNS),
            "spend": spend,
            "impressions": impressions,
            "reach": np.floor(impressions * 0.8),
            "clicks": clicks,
            "conversions": conversions,
            "revenue": np.round(conversions * rng.uniform(20, 60, n), 2),
        }
    )  # fmt: skip


def _record(platform: str, cycle: int, frame: pd.DataFrame) -> ImportRecord:
    sha = hashlib.sha256(f"bench {platform} {cycle}".encode()).hexdigest()
    return ImportRecord(
        new_id(), f"bench_{platform}_{cycle}.csv", sha, platform, "bench", now(), len(frame),
        len(frame), 0, 0, 0, frame["date"].min().date(), frame["date"].max().date(), "imported",
    )  # fmt: skip


SUMS = "sum(spend), sum(impressions), sum(reach), sum(clicks), sum(conversions), sum(revenue)"


def plain_in(raw: Connection, names: list[str]) -> pd.DataFrame:
    """Return the campaign's daily sums straight from metric_fact: WHERE name IN (…)."""
    marks = ", ".join("?" * len(names))
    return raw.execute(
        f"SELECT date, {SUMS} FROM metric_fact WHERE source_campaign IN ({marks}) "
        "GROUP BY date ORDER BY date",
        names,
    ).df()


def plain_union(raw: Connection, names: list[str]) -> pd.DataFrame:
    """The same sums, one equality scan per name (DuckDB prunes row groups for '=', not IN)."""
    union = " UNION ALL ".join(["SELECT * FROM metric_fact WHERE source_campaign = ?"] * len(names))
    return raw.execute(
        f"SELECT date, {SUMS} FROM ({union}) GROUP BY date ORDER BY date", names
    ).df()


def interleaved(runs: int, calls: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Return each call's median wall time in seconds, the calls taking turns (a shared CPU)."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(runs):
        for name, fn in calls.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    """Build (or reuse) the database, print the measurements; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the database at this file")
    parser.add_argument("--reuse", action="store_true", help="reuse the --keep file if it exists")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each call")
    parser.add_argument("--only", choices=("compare", "overview"), help="measure only this page")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="compare_bench_"))
    path = args.keep or folder / "bench.duckdb"
    try:
        if not (args.reuse and path.exists()):
            if path.exists():
                path.unlink()
            t0 = time.perf_counter()
            stored = build(path, args.facts)
            print(f"built {stored:,} facts in {time.perf_counter() - t0:.1f} s")
        if args.only != "overview":
            measure(path, args.runs)
        if args.only != "compare":
            measure_overview(path, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def measure(path: Path, runs: int) -> None:
    """Print the timings and ratios of the compare call and the compare page."""
    from experiments import compare

    db = Database.open(path)
    store = Store(db)
    print(f"facts: {store.fact_count():,}")
    names = [platform_name(100, p) for p in PLATFORMS]
    raw = db.cursor()  # the plain queries' own cursor: the store hands out none
    calls: dict[str, Callable[[], object]] = {
        "plain aggregate, IN list": lambda: plain_in(raw, names),
        "plain aggregate, one scan per name": lambda: plain_union(raw, names),
        "compare(Campaign 100, cycles 2 and 3)": lambda: compare.compare(
            store, "Campaign 100", 2, 3
        ),
    }
    for fn in calls.values():
        fn()  # warm the caches of every path alike
    medians = interleaved(runs, calls)
    for name, seconds in medians.items():
        print(f"{name:40s} median {seconds * 1000:7.1f} ms")
    cmp = medians["compare(Campaign 100, cycles 2 and 3)"]
    plain = medians["plain aggregate, IN list"]
    print(f"ratio compare / plain IN aggregate:        {cmp / plain:.2f} (target <= 3)")
    print(f"ratio compare / plain per-name aggregate:  "
          f"{cmp / medians['plain aggregate, one scan per name']:.2f}")  # fmt: skip
    db.close()
    page = page_run(path, runs)
    print(f"compare page script run (AppTest, Campaign 100): median {page * 1000:.0f} ms "
          "(target < 1000 ms)")  # fmt: skip


def page_run(path: Path, runs: int) -> float:
    """Return the median time of the compare page's script run on the database, in seconds."""
    os.environ["TRACKER_DB"] = str(path)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("views/compare.py")  # straight to the compare page: only its run is timed
    at.run()
    at.selectbox(key="compare_campaign").set_value("Campaign 100")
    at.run()
    if at.exception or not at.dataframe:
        raise RuntimeError(f"the compare page did not render: {[e.value for e in at.exception]}")

    def rerun() -> None:
        at.run()
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])

    return interleaved(runs, {"page": rerun})["page"]


def measure_overview(path: Path, runs: int) -> None:
    """Print the timings of the overview's fact queries and of the overview page's script run."""
    from experiments import goals, overview

    db = Database.open(path)
    store = Store(db)
    add_goals(store)  # a database kept from before the overview was measured has none
    today, since = date.today(), date.today() - timedelta(days=7)
    calls: dict[str, Callable[[], object]] = {
        "cycle_metrics (every cycle's sums)": store.cycle_metrics,
        "spend per cycle (overview.spend_rows)": lambda: overview.spend_rows(store),
        f"goal progress ({len(store.goals())} goals)": lambda: goals.progress(store, today),
        "changes since a week ago": lambda: overview.changes(store, since, "en"),
    }
    for fn in calls.values():
        fn()
    for name, seconds in interleaved(runs, calls).items():
        print(f"{name:40s} median {seconds * 1000:7.1f} ms")
    db.close()
    os.environ["TRACKER_DB"] = str(path)
    from tests.apptest import app, assert_clean

    at = app("views/overview.py", timeout=600)
    assert_clean(at)
    if not at.dataframe:
        raise RuntimeError("the overview page shows no tables")

    def rerun() -> None:
        at.run()
        assert_clean(at)

    page = interleaved(runs, {"page": rerun})["page"]
    print(f"overview page script run (AppTest, {len(at.dataframe)} tables): "
          f"median {page * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
