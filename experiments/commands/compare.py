"""``compare CAMPAIGN --cycles N M [--json]``: two cycles of a campaign, with honest statistics."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from experiments.cli import Context
from experiments.errors import InvalidInput

LANG = "en"


def register(sub: Any) -> None:
    """Add the compare command to the CLI."""
    p = sub.add_parser(
        "compare",
        help="compare two cycles of a campaign (observational: before/after, not proof of cause)",
    )
    p.add_argument("campaign", help="the campaign's name")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--cycles",
        nargs=2,
        type=int,
        metavar=("N", "M"),
        help="the cycle to compare against, and the cycle compared with it",
    )
    which.add_argument("--cycle", type=int, metavar="N",
                       help="compare two variants inside cycle N (with --variants)")  # fmt: skip
    p.add_argument("--variants", nargs=2, metavar=("A", "B"),
                   help="the variant to compare against, and the one compared")  # fmt: skip
    p.add_argument("--control", metavar="CAMPAIGN",
                   help="another campaign the cycle's change did not touch: also report the "
                   "change beyond its drift")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Print the comparison of two cycles (a table, or one JSON document); return 0."""
    # Imported here: scipy and statsmodels take most of a second, which no other command needs.
    from experiments import compare, compare_charts, display, money

    result = _comparison(args, ctx)
    control = _control(args, ctx, result)
    if args.json:
        doc = compare.document(result)
        if control is not None:
            doc["control"] = {"campaign": control.control,
                              "metrics": [asdict(r) for r in control.rows]}  # fmt: skip
        ctx.print_json(doc)
        return 0
    if result.variants is None:
        what = f"cycle {result.cycles[1]} against cycle {result.cycles[0]}"
        kind = "a before/after comparison, not proof of cause" + (
            f"; control: {control.control}"
            if control is not None
            else "; drift and seasonality are not excluded (name a control with --control)"
        )
    else:
        (a, b), n = result.variants, result.cycles[0]
        what = f"variant {b} against {a} in cycle {n}"
        # Which test, and why: a declared split shares its days, segments only differ.
        kind = ("a declared randomized split, tested paired by day so that the days' shared "
                "swings cancel" if result.design.value == "randomized"
                else "segments that differ, not a randomized split; tested like two cycles, "
                "with weekday effects")  # fmt: skip
    ctx.print(f"{result.campaign}: {what} — design: {result.design.value} ({kind})")
    if not result.rows:
        ctx.print("no metric facts in either cycle: import the platforms' exports first")
        return 0
    if result.conversion is not None:
        ctx.print(f"money in {result.currency}, {money.conversion_text(result.conversion, LANG)}")
    for row in result.rows:
        ctx.print(
            "\t".join(
                (
                    compare_charts.row_name(row, LANG),
                    display.format_value(row.metric, row.a, LANG, result.currency),
                    display.format_value(row.metric, row.b, LANG, result.currency),
                    display.format_change(row.metric, row.a, row.b, LANG),
                    compare_charts.fmt_interval(row, LANG),
                    f"q {compare_charts.fmt_q(row, LANG)}",
                    compare_charts.verdict(row, result, LANG),
                )
            )
        )
    for line in compare_charts.shift_lines(result, LANG):
        ctx.print(line)
    for beyond in control.rows if control is not None else ():
        ctx.print(f"beyond {control.control}: {display.metric_name(beyond.metric, LANG)} "
                  f"{display.format_relative(beyond.rel_change, LANG)} (95% interval "
                  f"{display.format_relative(beyond.ci_low, LANG)} to "
                  f"{display.format_relative(beyond.ci_high, LANG)})")  # fmt: skip
    return 0


def _comparison(args: argparse.Namespace, ctx: Context) -> Any:
    from experiments import compare, compare_variants

    if args.cycles is not None:
        if args.variants:
            raise InvalidInput("--variants compares inside one cycle; name it with --cycle N")
        n, m = args.cycles
        return compare.compare(ctx.store, args.campaign, n, m)
    if not args.variants:
        raise InvalidInput("--cycle N compares two variants inside it; add --variants A B")
    campaign = ctx.store.campaign_by_name(args.campaign)
    cycle = compare.find_cycle(ctx.store, campaign, args.cycle)
    groups, scope = compare_variants.load_variants_money(ctx.store, campaign, args.cycle)
    va, vb = args.variants
    randomized = ctx.store.test_plan(cycle.id).randomized
    return compare_variants.compare_variants(campaign, cycle, groups, va, vb, randomized, scope)


def _control(args: argparse.Namespace, ctx: Context, result: Any) -> Any:
    if not args.control:
        return None
    from experiments import compare, compare_control

    if result.variants is not None:
        raise InvalidInput("a control is for a comparison of two cycles; use --cycles N M")
    n, m = result.cycles
    data = compare.load(ctx.store, result.campaign, [n, m])
    return compare_control.reading(ctx.store, data, n, m, args.control)
