"""``check``: whether the database file is healthy, read without writing to it."""

from __future__ import annotations

import argparse
from typing import Any

from experiments.cli import Context
from experiments.store.health import check as check_file


def register(sub: Any) -> None:
    """Add this command to the command line."""
    p = sub.add_parser(
        "check",
        help="read every table of the database file (read-only) and say whether it is healthy",
    )
    # Also after the command (check --db PATH); SUPPRESS keeps a --db given before it.
    p.add_argument("--db", default=argparse.SUPPRESS, help="database file to check")
    p.add_argument("--json", action="store_true", help="print the check as JSON")
    p.set_defaults(handler=check)


def check(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command: 0 for a healthy file, else the problem's exit code and message."""
    health = check_file(ctx.db_target)
    if args.json:
        ctx.print_json(health.as_json())
    if health.problem is not None:
        print(f"error: {health.problem.for_cli()}", file=ctx.stderr)
        return health.problem.exit_code
    if not args.json:
        rows = sum(t.rows or 0 for t in health.tables)
        ctx.print(
            f"database {health.path} is healthy: schema version {health.schema_version}, "
            f"{len(health.tables)} tables read in full ({rows} rows), {health.size}"
        )
    return 0
