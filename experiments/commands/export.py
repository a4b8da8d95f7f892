"""``export TABLE --out FILE.csv|FILE.xlsx``: a table as a formula-safe spreadsheet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from experiments.cli import Context
from experiments.i18n import LANGS
from experiments.store.exports import EXPORT_TABLES


def register(sub: Any) -> None:
    """Add this command to the command line."""
    p = sub.add_parser("export", help=f"write a table as CSV or XLSX ({', '.join(EXPORT_TABLES)})")
    p.add_argument("table", metavar="TABLE", help=", ".join(EXPORT_TABLES))
    p.add_argument("--out", required=True, type=Path, help="FILE.csv or FILE.xlsx")
    p.add_argument("--json", action="store_true", help='print {"table", "file", "rows"}')
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.add_argument("--lang", choices=LANGS, default="en",
                   help="language of the column headers and of codes such as phases")  # fmt: skip
    p.set_defaults(handler=export)


def export(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    from experiments.exports import export_file  # openpyxl and pandas, only when exporting

    rows = export_file(ctx.store, args.table.strip().lower(), args.out, force=args.force,
                       lang=args.lang)  # fmt: skip
    if args.json:
        ctx.print_json({"table": args.table, "file": str(args.out), "rows": rows})
    else:
        ctx.print(f"wrote {rows} rows of {args.table} to {args.out}")
    return 0
