"""``backup DIR`` and ``restore DIR``: the whole database as Parquet files, and back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from experiments.cli import Context


def register(sub: Any) -> None:
    """Add these commands to the command line."""
    p = sub.add_parser(
        "backup",
        help="write every table as Parquet plus a manifest into DIR (new or empty); admin only",
    )
    p.add_argument("folder", metavar="DIR", type=Path, help="a folder that does not exist yet, "
                   "or an empty one")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the manifest as JSON")
    p.set_defaults(handler=backup)
    p = sub.add_parser(
        "restore",
        help="restore the backup in DIR into an empty database, after checking it; admin only",
    )
    p.add_argument("folder", metavar="DIR", type=Path, help="the folder a backup was written to")
    p.add_argument("--json", action="store_true", help="print what was restored as JSON")
    p.set_defaults(handler=restore)


def backup(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    from experiments.backup import make_backup

    manifest = make_backup(ctx.store, args.folder)
    if args.json:
        ctx.print_json({"folder": str(args.folder), **manifest.as_json()})
    else:
        ctx.print(
            f"wrote a backup of {len(manifest.tables)} tables ({manifest.rows} rows, schema "
            f"version {manifest.schema_version}) to {args.folder}"
        )
    return 0


def restore(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    from experiments.backup import restore_backup

    done = restore_backup(ctx.store, args.folder)
    if args.json:
        ctx.print_json({
            "folder": done.folder, "database": ctx.db_target,
            "created_at": done.manifest.created_at,
            "schema_version": done.manifest.schema_version,
            "tables": {t.table: t.rows for t in done.manifest.tables}, "rows": done.rows,
        })  # fmt: skip
    else:
        ctx.print(
            f"restored {len(done.manifest.tables)} tables ({done.rows} rows) from {done.folder} "
            f"(made {done.manifest.created_at}) into {ctx.db_target}"
        )
    return 0
