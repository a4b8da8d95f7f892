"""``report [CAMPAIGN] --out FILE.html [--from DATE] [--to DATE]``: the management report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from experiments.cli import Context, iso_date
from experiments.i18n import LANGS


def register(sub: Any) -> None:
    """Add this command to the command line."""
    p = sub.add_parser(
        "report", help="write the management report: one HTML file that opens offline"
    )
    p.add_argument("campaign", metavar="CAMPAIGN", nargs="?", default=None,
                   help="the campaign (default: every campaign)")  # fmt: skip
    p.add_argument("--out", required=True, type=Path, help="FILE.html")
    p.add_argument("--from", dest="start", type=iso_date, default=None, help="period start")
    p.add_argument("--to", dest="end", type=iso_date, default=None, help="period end")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of the report")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(handler=report)


def report(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    # Loaded here: the report brings plotly and scipy, which every other command would pay for.
    from experiments.reports import write_report

    out = write_report(ctx.store, args.out, campaign=args.campaign, start=args.start,
                       end=args.end, lang=args.lang, force=args.force)  # fmt: skip
    what = f"on {args.campaign}" if args.campaign else "on every campaign"
    ctx.print(f"wrote the report {what} to {out}")
    return 0
