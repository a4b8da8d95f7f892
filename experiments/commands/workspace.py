"""``init`` and ``demo``: create the database, load the demo workspace."""

from __future__ import annotations

import argparse
from typing import Any

from experiments.cli import Context
from experiments.migrations import HEAD


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create or migrate the database")
    p.set_defaults(handler=init)
    p = sub.add_parser("demo", help="load the demo workspace (refuses a non-empty database)")
    p.add_argument("--json", action="store_true", help="print what was loaded as JSON")
    p.set_defaults(handler=demo)


def init(args: argparse.Namespace, ctx: Context) -> int:
    ctx.store.is_empty()  # opening the store creates or migrates the database
    ctx.print(f"database {ctx.db_target} is at schema version {HEAD}")
    return 0


def demo(args: argparse.Namespace, ctx: Context) -> int:
    from experiments.demo import load_demo

    summary = load_demo(ctx.store)
    if args.json:
        ctx.print_json(summary)
    else:
        ctx.print(
            f"loaded the demo workspace: {summary['campaigns']} campaigns, {summary['cycles']} "
            f"cycles, {summary['learnings']} learnings, {summary['goals']} goals, "
            f"{summary['facts']} metric facts"
        )
    return 0
