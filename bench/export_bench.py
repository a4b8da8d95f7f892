"""Benchmark: exporting the metric facts as CSV, built in memory (before) against streamed (now).

    .venv/bin/python bench/export_bench.py [--facts 2000000] [--runs 3] [--keep FILE [--reuse]]

Builds a temporary database with bench/compare_bench.py's generator (200 campaigns, 4 cycles,
two platforms, daily facts per ad), then runs each path in a fresh process, the paths taking
turns, and measures the export's own wall and CPU time and the process's peak memory (the
peak resident set size, VmHWM, which counts DuckDB's memory too; tracemalloc would see only
Python's), besides the resident size before the export began (imports, the open database):

  (old)    the previous command-line path: the table as a DataFrame (``Store.export_table``),
           formula-safe cell by cell, rendered by pandas, written through ``write_atomically``;
  (stream) ``experiments.exports.export_file``: DuckDB's COPY writes the formula-safe CSV into a
           temporary file beside the target, which is then renamed;
  (page)   ``experiments.exports.export_bytes``: the same COPY into a temporary file, read back
           as the bytes the page's download button hands to Streamlit.

It checks that (old) and (stream) wrote the same bytes and prints medians and ratios.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATHS = ("old", "stream", "page")


def _peak_kib() -> int:
    # This process image's own peak (VmHWM): getrusage's ru_maxrss keeps the high-water mark
    # of the parent it was forked from, which had just built the database.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(path: str, db: Path, out: Path) -> dict[str, float]:
    """Run one export path in this process; return its times, peak memory and output size."""
    from experiments.db import Database
    from experiments.exports import csv_bytes, export_bytes, export_file
    from experiments.files import write_atomically
    from experiments.store import Store

    store = Store(Database.open(db))
    base = _peak_kib()
    wall, cpu = time.perf_counter(), time.process_time()
    if path == "old":
        write_atomically(out, csv_bytes(store.export_table("facts")))
        size = out.stat().st_size
    elif path == "stream":
        export_file(store, "facts", out)
        size = out.stat().st_size
    else:
        size = len(export_bytes(store, "facts", "csv"))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = _peak_kib()
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1024, "base_mb": base / 1024,
            "bytes": size}  # fmt: skip


def run(path: str, db: Path, out: Path) -> dict[str, float]:
    """Return the measurements of one path, run in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", path, "--db", str(db), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> int:
    """Build (or reuse) the database, print the measurements; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each path")
    parser.add_argument("--keep", type=Path, default=None, help="keep the database at this file")
    parser.add_argument("--reuse", action="store_true", help="reuse the --keep file if it exists")
    parser.add_argument("--child", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.out)))
        return 0
    from bench.compare_bench import build

    folder = Path(tempfile.mkdtemp(prefix="export_bench_"))
    db = args.keep or folder / "bench.duckdb"
    try:
        if not (args.reuse and db.exists()):
            db.unlink(missing_ok=True)
            t0 = time.perf_counter()
            print(f"built {build(db, args.facts):,} facts in {time.perf_counter() - t0:.1f} s")
        measure(db, folder, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def measure(db: Path, folder: Path, runs: int) -> None:
    """Print each path's medians and the ratios of the old path to the streaming one."""
    results: dict[str, list[dict[str, float]]] = {p: [] for p in PATHS}
    for i in range(runs):
        for path in PATHS:
            out = folder / f"{path}-{i}.csv"
            results[path].append(run(path, db, out))
        same = (folder / f"old-{i}.csv").read_bytes() == (folder / f"stream-{i}.csv").read_bytes()
        print(f"run {i + 1}: old and stream wrote the same bytes: {same}")
        for path in ("old", "stream"):
            (folder / f"{path}-{i}.csv").unlink()
    medians = {p: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
               for p, rs in results.items()}  # fmt: skip
    print(f"CSV size: {medians['stream']['bytes'] / 1e6:,.1f} MB")
    print(f"{'path':8s} {'wall':>9s} {'cpu':>9s} {'peak RSS':>10s} {'RSS before':>11s}  all walls")
    for path, m in medians.items():
        walls = ", ".join(f"{r['wall']:.2f}" for r in results[path])
        print(f"{path:8s} {m['wall']:8.2f}s {m['cpu']:8.2f}s {m['peak_mb']:8.0f}MB "
              f"{m['base_mb']:9.0f}MB  {walls}")  # fmt: skip
    old, stream, page = medians["old"], medians["stream"], medians["page"]
    print(f"old / stream: wall {old['wall'] / stream['wall']:.1f}x, "
          f"peak memory {old['peak_mb'] / stream['peak_mb']:.1f}x")  # fmt: skip
    print(f"old / page:   wall {old['wall'] / page['wall']:.1f}x, "
          f"peak memory {old['peak_mb'] / page['peak_mb']:.1f}x")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
