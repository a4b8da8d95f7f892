"""``cycle start|advance|next|show`` and ``learning add|decide``: the loop on the command line."""

from __future__ import annotations

import argparse
from typing import Any

from experiments import cycle_view, loop, test_plan_cli
from experiments.cli import Context, iso_date
from experiments.errors import NotFound
from experiments.models import Decision


def _window(p: argparse.ArgumentParser) -> None:
    p.add_argument("campaign", metavar="CAMPAIGN")
    p.add_argument("--start", type=iso_date, default=None, help="first day (YYYY-MM-DD)")
    p.add_argument("--end", type=iso_date, default=None, help="last day (YYYY-MM-DD)")
    p.add_argument("--hypothesis", default="", help="what this cycle tests")


def register(sub: Any) -> None:
    p = sub.add_parser("cycle", help="start, advance, close and show cycles")
    csub = p.add_subparsers(dest="cycle_command", metavar="ACTION", required=True,
                            parser_class=type(p))  # fmt: skip
    start = csub.add_parser("start", help="open the first cycle of a campaign")
    _window(start)
    start.set_defaults(handler=cycle_start)
    adv = csub.add_parser("advance", help="move the open cycle to its next phase")
    adv.add_argument("campaign", metavar="CAMPAIGN")
    adv.set_defaults(handler=cycle_advance)
    nxt = csub.add_parser("next", help="the next start: close the open cycle, open the next")
    _window(nxt)
    nxt.add_argument(
        "--budget",
        type=float,
        default=None,
        help="the next cycle's budget, in the campaign's account currency",
    )
    nxt.set_defaults(handler=cycle_next)
    show = csub.add_parser("show", help="show a cycle with its learnings")
    show.add_argument("campaign", metavar="CAMPAIGN")
    show.add_argument("--cycle", type=int, default=None, help="cycle number (default: current)")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=cycle_show)
    test_plan_cli.add_actions(csub)

    p = sub.add_parser("learning", help="record learnings and decide on them")
    lsub = p.add_subparsers(dest="learning_command", metavar="ACTION", required=True,
                            parser_class=type(p))  # fmt: skip
    add = lsub.add_parser("add", help="record a learning; prints its id")
    add.add_argument("campaign", metavar="CAMPAIGN")
    add.add_argument("text", metavar="TEXT")
    add.add_argument("--cycle", type=int, default=None, help="cycle number (default: open one)")
    add.add_argument("--json", action="store_true", help='print {"id": …}')
    add.set_defaults(handler=learning_add)
    decide = lsub.add_parser("decide", help="carry a learning forward, drop or retest it")
    decide.add_argument("id", metavar="ID", help="the learning's id (or its first 6+ characters)")
    decide.add_argument(
        "decision", choices=[d.value for d in Decision if d is not Decision.PENDING]
    )
    decide.set_defaults(handler=learning_decide)


def cycle_start(args: argparse.Namespace, ctx: Context) -> int:
    campaign = ctx.store.campaign_by_name(args.campaign)
    cycle, missing = loop.start_first_cycle(
        ctx.store, campaign.id, args.start, args.end, hypothesis=args.hypothesis
    )
    ctx.print(f"{campaign.name}: cycle {cycle.number} opened in {cycle.phase}")
    if missing:
        ctx.warn(
            f"brief incomplete for '{campaign.name}': missing {', '.join(missing)} (the cycle "
            "starts anyway; agree on them in the campaign brief)"
        )
    return 0


def cycle_advance(args: argparse.Namespace, ctx: Context) -> int:
    campaign = ctx.store.campaign_by_name(args.campaign)
    current = loop.open_cycle(ctx.store, campaign.id)
    if current is None:
        raise NotFound(f"'{campaign.name}' has no open cycle; start one with 'cycle start'")
    moved = loop.advance(ctx.store, current.id)
    ctx.print(f"{campaign.name}: cycle {moved.number} is now in {moved.phase}")
    return 0


def cycle_next(args: argparse.Namespace, ctx: Context) -> int:
    campaign = ctx.store.campaign_by_name(args.campaign)
    cycle = loop.next_start(
        ctx.store, campaign.id, args.start, args.end, hypothesis=args.hypothesis,
        budget=args.budget,
    )  # fmt: skip
    carried = loop.inputs(ctx.store, cycle)
    ctx.print(
        f"{campaign.name}: cycle {cycle.number - 1} closed, cycle {cycle.number} opened in start "
        f"with {len(carried)} carried learning{'s' if len(carried) != 1 else ''}"
    )
    return 0


def cycle_show(args: argparse.Namespace, ctx: Context) -> int:
    campaign = ctx.store.campaign_by_name(args.campaign)
    doc = cycle_view.cycle_document(ctx.store, campaign, args.cycle)
    if args.json:
        ctx.print_json(doc)
        return 0
    window = f"{doc['start'] or '?'} – {doc['end'] or '?'}"
    ctx.print(f"{doc['campaign']} · cycle {doc['number']} · {doc['phase']} · {window}")
    if doc["hypothesis"]:
        ctx.print(f"hypothesis: {doc['hypothesis']}")
    for item in doc["learnings"]:
        origin = f" (from cycle {item['carried_from']})" if item["carried_from"] else ""
        ctx.print(f"{item['id'][:8]}\t{item['decision']}\t{item['text']}{origin}")
    return 0


def learning_add(args: argparse.Namespace, ctx: Context) -> int:
    cycle = test_plan_cli.named_cycle(ctx, args.campaign, args.cycle)
    learning = loop.add_learning(ctx.store, cycle.id, args.text)
    if args.json:
        ctx.print_json({"id": str(learning.id)})
    else:
        ctx.print(str(learning.id))
    return 0


def learning_decide(args: argparse.Namespace, ctx: Context) -> int:
    learning = loop.decide(ctx.store, args.id, Decision(args.decision))
    ctx.print(f"{loop.short_id(learning.id)}\t{learning.decision}\t{learning.statement}")
    return 0
