"""Benchmark: several writer processes on one DuckLake catalog in PostgreSQL, and the pages'
queries on a large database, against one DuckDB file measured in the same run.

Writers: N = 1, 2, 4 processes on DuckLake (and 1 on a DuckDB file, which one process holds),
each doing the same work for a fixed number of operations: import a small export (a Meta CSV of
3 campaigns x 7 days, bytes of its own) through the real import path, then add a learning to an
open cycle. Each operation runs as the dashboard runs it (``lake.retried``: a commit another
process beat is run again). Printed per N: operations per second over all writers, median and
p95 latency of one operation, the attempts DuckLake refused and that were run again, failures.

Queries: the compare call and the overview's fact queries (compare_bench's database: 200
campaigns, 4 cycles each) on a DuckDB file and on DuckLake, with the ratio DuckLake / file.

    .venv/bin/python bench/scale_bench.py [--ops 40] [--facts 1000000] [--runs 5]

PostgreSQL's server programs must be installed (make postgres); the benchmark starts its own
throw-away cluster on 127.0.0.1 and removes it afterwards, as the tests do.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.compare_bench import build, interleaved  # noqa: E402
from experiments import loop  # noqa: E402
from experiments.db import Database  # noqa: E402
from experiments.errors import ChangedMeanwhile  # noqa: E402
from experiments.importers.plan import prepare  # noqa: E402
from experiments.store import Store  # noqa: E402
from tests.postgres import running_cluster  # noqa: E402

CAMPAIGNS = ("Spring Sale", "Summer Sale", "Autumn Sale")
HEADER = (
    "Campaign name,Reporting starts,Reporting ends,Amount spent (EUR),Impressions,Link clicks\n"
)


def export_bytes(writer: int, op: int) -> bytes:
    """Return a Meta export of its own (writer, op): 3 campaigns over 7 days."""
    rng = np.random.default_rng(writer * 100_000 + op)
    first = date(2026, 1, 1) + timedelta(days=7 * (op % 40))
    lines = [HEADER]
    for name in CAMPAIGNS:
        for d in range(7):
            day = (first + timedelta(days=d)).isoformat()
            imp = int(rng.integers(1000, 5000))
            lines.append(f"W{writer} {name},{day},{day},{rng.uniform(5, 50):.2f},{imp},"
                         f"{int(imp * 0.02)}\n")  # fmt: skip
    return "".join(lines).encode()


def setup(target: str) -> list[str]:
    """Create one campaign with an open cycle per writer slot; return the cycle ids."""
    db = Database.open(target)
    store = Store(db)
    ids = []
    for w in range(4):
        campaign = store.create_campaign(f"Writer {w}", audience="a", success_measure="b")
        cycle, _ = loop.start_first_cycle(store, campaign.id, date(2026, 1, 1),
                                          date(2026, 12, 31), "h")  # fmt: skip
        ids.append(str(cycle.id))
    db.close()
    return ids


def writer(args: tuple[str, int, int, str, str | None]) -> tuple[list[float], int, list[int]]:
    """Run one writer process's operations; return latencies, retried attempts, failures."""
    import uuid

    from experiments.lake import retried

    target, index, ops, cycle_id, data_path = args
    if data_path:
        os.environ["TRACKER_DATA_PATH"] = data_path
    db = Database.open(target)
    store = Store(db)
    latencies: list[float] = []
    refused, failed = 0, [0, 0]  # failed imports, failed learnings

    def counted(action: object) -> object:
        def run() -> object:
            nonlocal refused
            try:
                return action()  # type: ignore[operator]
            except ChangedMeanwhile as e:
                if e.key == "changed.server":
                    refused += 1
                raise

        return retried(run)

    for op in range(ops):
        t0 = time.perf_counter()
        with prepare(export_bytes(index, op), f"w{index}_{op}.csv") as p:
            plan = p.read_plan()
            try:
                counted(lambda plan=plan: store.import_file(plan))
            except ChangedMeanwhile as e:
                failed[0] += 1
                print(f"  import refused for good: {e.key}: {e}", file=sys.stderr)
        try:
            counted(lambda op=op: loop.add_learning(store, uuid.UUID(cycle_id), f"learning {op}"))
        except ChangedMeanwhile:
            failed[1] += 1
        latencies.append(time.perf_counter() - t0)
    db.close()
    return latencies, refused, failed


def run_writers(target: str, n: int, ops: int, data_path: str | None) -> None:
    cycles = setup(target)
    ctx = mp.get_context("spawn")
    t0 = time.perf_counter()
    with ctx.Pool(n) as pool:
        results = pool.map(writer, [(target, w, ops, cycles[w], data_path) for w in range(n)])
    wall = time.perf_counter() - t0
    latencies = sorted(x for r in results for x in r[0])
    refused = sum(r[1] for r in results)
    failed = [sum(r[2][0] for r in results), sum(r[2][1] for r in results)]
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    kind = "DuckDB file" if not target.startswith("ducklake:") else "DuckLake (PostgreSQL)"
    print(
        f"{kind:22s} N={n}: {n * ops / wall:6.2f} ops/s, median "
        f"{statistics.median(latencies) * 1000:6.0f} ms, p95 {p95 * 1000:6.0f} ms, "
        f"refused and run again {refused}, failed {sum(failed)} of {2 * n * ops} writes "
        f"({n * ops} ops in {wall:.1f} s)"
    )
    db = Database.open(target)
    store = Store(db)
    imports, learnings = len(store.imports()), len(store.learnings())
    db.close()
    # Every operation is kept once or, failed after its last attempt, not at all: nothing
    # lost that was reported kept, nothing doubled.
    kept = (n * ops - failed[0], n * ops - failed[1])
    verdict = "as reported" if (imports, learnings) == kept else "LOST OR DOUBLED"
    print(f"  stored {imports} imports and {learnings} learnings: {verdict}")


def queries(target: str, runs: int) -> dict[str, float]:
    from experiments import compare, goals, overview

    db = Database.open(target)
    store = Store(db)
    today = date.today()
    calls = {
        "compare(Campaign 100, 2, 3)": lambda: compare.compare(store, "Campaign 100", 2, 3),
        "cycle_metrics": store.cycle_metrics,
        "spend_rows": lambda: overview.spend_rows(store),
        "goal progress": lambda: goals.progress(store, today),
    }
    for fn in calls.values():
        fn()
    medians = interleaved(runs, calls)
    db.close()
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=40, help="operations per writer")
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=("writers", "queries"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="scale_bench_"))
    try:
        with running_cluster() as cluster:
            data = str(folder / "lake-data")
            os.environ["TRACKER_DATA_PATH"] = data
            if args.only != "queries":
                run_writers(str(folder / "writers.duckdb"), 1, args.ops, None)
                for n in (1, 2, 4):
                    run_writers(cluster.lake_target(), n, args.ops, data)
            if args.only != "writers":
                file_target, lake_target = str(folder / "facts.duckdb"), cluster.lake_target()
                for t in (file_target, lake_target):
                    t0 = time.perf_counter()
                    stored = build(t, args.facts)  # type: ignore[arg-type]
                    print(f"built {stored:,} facts on {t.split(':')[0]} in "
                          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
                on_file, on_lake = queries(file_target, args.runs), queries(lake_target, args.runs)
                for name in on_file:
                    print(f"{name:28s} file {on_file[name] * 1000:8.1f} ms   DuckLake "
                          f"{on_lake[name] * 1000:8.1f} ms   ratio "
                          f"{on_lake[name] / on_file[name]:5.2f}")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
