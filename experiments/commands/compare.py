"""``compare CAMPAIGN --cycles N M [--json]``: two cycles of a campaign, with honest statistics."""

from __future__ import annotations

import argparse
from typing import Any

from experiments.cli import Context

LANG = "en"


def register(sub: Any) -> None:
    """Add the compare command to the CLI."""
    p = sub.add_parser(
        "compare",
        help="compare two cycles of a campaign (observational: before/after, not proof of cause)",
    )
    p.add_argument("campaign", help="the campaign's name")
    p.add_argument(
        "--cycles",
        nargs=2,
        type=int,
        required=True,
        metavar=("N", "M"),
        help="the cycle to compare against, and the cycle compared with it",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Print the comparison of two cycles (a table, or one JSON document); return 0."""
    # Imported here: scipy and statsmodels take most of a second, which no other command needs.
    from experiments import compare, compare_charts, display

    n, m = args.cycles
    result = compare.compare(ctx.store, args.campaign, n, m)
    if args.json:
        ctx.print_json(compare.document(result))
        return 0
    ctx.print(
        f"{result.campaign}: cycle {m} against cycle {n} — design: {result.design.value} "
        "(a before/after comparison, not proof of cause)"
    )
    if not result.rows:
        ctx.print("no metric facts in either cycle: import the platforms' exports first")
        return 0
    for row in result.rows:
        ctx.print(
            "\t".join(
                (
                    display.metric_name(row.metric, LANG, per_day=True),
                    display.format_value(row.metric, row.a, LANG),
                    display.format_value(row.metric, row.b, LANG),
                    display.format_change(row.metric, row.a, row.b, LANG),
                    compare_charts.fmt_interval(row, LANG),
                    f"q {compare_charts.fmt_q(row, LANG)}",
                    compare_charts.verdict(row, result, LANG),
                )
            )
        )
    return 0
