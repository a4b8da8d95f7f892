"""``migrate-storage --from FILE --to TARGET``: move the team's database to another storage."""

from __future__ import annotations

import argparse
from typing import Any

from experiments.cli import Context


def register(sub: Any) -> None:
    """Add this command to the command line."""
    p = sub.add_parser(
        "migrate-storage",
        help="copy every table of a database file into an empty target (a DuckLake catalog such "
        "as ducklake:postgres:dbname=tracker host=… with TRACKER_DATA_PATH, or another file) in "
        "one transaction, and check each table; the source stays as it is",
    )
    p.add_argument("--from", dest="source", required=True, metavar="FILE",
                   help="the DuckDB file the team uses now, e.g. data/tracker.duckdb")  # fmt: skip
    p.add_argument("--to", dest="target", required=True, metavar="TARGET",
                   help="the new, empty database")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print rows and checksums per table")
    p.set_defaults(handler=migrate_storage)


def migrate_storage(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    from experiments.lake import shown
    from experiments.storage_move import move_storage

    moved = move_storage(args.source, args.target)
    if args.json:
        ctx.print_json(moved.as_json())
    else:
        ctx.print(
            f"moved {len(moved.after)} tables ({moved.rows} rows) from {moved.source} to "
            f"{shown(moved.target)}; row counts and checksums match table by table. "
            f"{moved.source} is unchanged: point the app at the new target with --db or "
            "TRACKER_DB"
        )
    return 0
