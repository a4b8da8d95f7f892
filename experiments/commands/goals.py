"""``goal add`` and ``goals``: operational goals and their progress on the command line."""

from __future__ import annotations

import argparse
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from experiments import money
from experiments.cli import Context, iso_date
from experiments.errors import InvalidInput
from experiments.models import Comparator, Goal, ScopeKind, new_id

if TYPE_CHECKING:
    from experiments import goals


def number(text: str, what: str) -> float:
    """Return a number written as 1500, 0.025, 0,025 or 2.5% (a percentage is a share)."""
    from experiments.overview import parse_number  # numpy and pandas, only when a goal is added

    value = parse_number(text, what)
    if value is None:
        raise InvalidInput(f"{what} needs a number; write e.g. 1500, 0.025 or 2.5 %")
    return value


def register(sub: Any) -> None:
    """Add ``goal add`` and ``goals`` to the command line."""
    p = sub.add_parser("goal", help="create operational goals")
    gsub = p.add_subparsers(dest="goal_command", metavar="ACTION", required=True,
                            parser_class=type(p))  # fmt: skip
    add = gsub.add_parser("add", help="create a goal; prints its id")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--metric", required=True, help="a canonical or derived metric key")
    add.add_argument("--target", required=True, help="e.g. 500, 25.0 or 1.8%% for a rate")
    add.add_argument("--comparator", choices=[c.value for c in Comparator],
                     default=Comparator.AT_LEAST.value)  # fmt: skip
    scope = add.add_mutually_exclusive_group()
    scope.add_argument("--campaign", default=None, help="count only this campaign's facts")
    scope.add_argument("--channel", default=None, help="count only this platform (e.g. meta)")
    add.add_argument("--start", type=iso_date, default=None, help="first day (YYYY-MM-DD)")
    add.add_argument("--end", type=iso_date, default=None, help="last day (YYYY-MM-DD)")
    add.add_argument("--baseline", default=None, help="where the metric stood before")
    add.add_argument("--owner", default="", help="who answers for the goal")
    add.add_argument("--objective", default="", help="the business objective it serves")
    add.add_argument("--json", action="store_true", help='print {"id": …, "name": …}')
    add.set_defaults(handler=goal_add)
    ls = sub.add_parser("goals", help="every goal with actual, pace, forecast and status")
    ls.add_argument("--json", action="store_true", help="print one JSON document")
    ls.add_argument(
        "--as-of", type=iso_date, default=None, help="judge as on this day (default: today)"
    )
    ls.set_defaults(handler=goals_list)


def goal_add(args: argparse.Namespace, ctx: Context) -> int:
    """Create a goal; print its id (or {"id", "name"}); return the exit code."""
    store = ctx.store
    scope_kind, scope_value = ScopeKind.ALL, None
    if args.campaign is not None:
        scope_kind, scope_value = ScopeKind.CAMPAIGN, str(store.campaign_by_name(args.campaign).id)
    elif args.channel is not None:
        scope_kind, scope_value = ScopeKind.CHANNEL, args.channel
    goal = store.add_goal(Goal(
        id=new_id(), name=args.name, metric=args.metric.strip(),
        comparator=Comparator(args.comparator), target=number(args.target, "--target"),
        baseline=None if args.baseline is None else number(args.baseline, "--baseline"),
        period_start=args.start, period_end=args.end, scope_kind=scope_kind,
        scope_value=scope_value, owner=args.owner, objective=args.objective,
    ))  # fmt: skip
    if args.json:
        ctx.print_json({"id": goal.id, "name": goal.name})
    else:
        ctx.print(str(goal.id))
    return 0


# Human output is English, like the command words and the error messages.
LANG = "en"


def progress_row(p: goals.Progress) -> dict[str, Any]:
    """Return one goal's progress in the documented ``goals --json`` shape (plus extra keys)."""
    g = p.goal
    return {
        "name": g.name, "metric": g.metric, "comparator": g.comparator.value,
        "target": g.target, "actual": p.actual, "progress": p.share, "expected": p.expected,
        "forecast": p.forecast, "forecast_low": p.forecast_low, "forecast_high": p.forecast_high,
        "status": p.status.value, "baseline": g.baseline,
        "period_start": g.period_start, "period_end": g.period_end,
        "scope": g.scope_kind.value, "scope_value": g.scope_value, "as_of": p.as_of,
        # Period facts crossing an edge of the goal's period: left out, never pro-rated.
        "left_out": p.left_out, "overlapping": p.overlapping,
        # The currency of a money goal's amounts; why they were not added up, if refused.
        "currency": p.currency if money.reads_money(g.metric) else None,
        "refused": None if p.refused is None else p.refused.text("en"),
        "converted": None if p.conversion is None else money.conversion_text(p.conversion, "en"),
    }  # fmt: skip


def goals_list(args: argparse.Namespace, ctx: Context) -> int:
    """Print every goal's progress as lines or one JSON document; return the exit code."""
    from experiments import goals  # numpy and pandas, only when progress is asked for
    from experiments.display import format_share, format_value

    progress = goals.progress(ctx.store, args.as_of or date.today())
    if args.json:
        ctx.print_json([progress_row(p) for p in progress])
        return 0
    if not progress:
        ctx.print("no goals yet: 'goal add NAME --metric KEY --target X' creates one")
        return 0
    for p in progress:
        # The same words and units as the overview and the report (English on the console).
        value = partial(format_value, p.goal.metric, lang=LANG, currency=p.currency)
        actual = "no data yet" if p.actual is None else value(p.actual)
        ctx.print(f"{p.status.value}\t{p.goal.name}\t{actual} of {value(p.goal.target)} "
                  f"({format_share(p.share, LANG)})")  # fmt: skip
    return 0
