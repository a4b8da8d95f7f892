"""``cycle plan`` and ``cycle split``: what a cycle tests, declared from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from experiments import loop, test_plans
from experiments.cli import Context
from experiments.errors import InvalidInput
from experiments.models import Cycle


def add_actions(csub: Any) -> None:
    """Add ``plan`` and ``split`` to the ``cycle`` command's actions."""
    plan = csub.add_parser("plan", help="declare what a cycle in start tests (pre-registration)")
    plan.add_argument("campaign", metavar="CAMPAIGN")
    plan.add_argument("--cycle", type=int, default=None, help="cycle number (default: open one)")
    plan.add_argument("--primary", required=True, metavar="METRIC",
                      help="the one metric the cycle is judged on")  # fmt: skip
    plan.add_argument("--direction", choices=test_plans.DIRECTIONS, default=None,
                      help="which way it should move (default: the better way)")  # fmt: skip
    plan.add_argument("--mde", type=float, default=None, metavar="SHARE",
                      help="smallest relative change worth acting on (0.1 = 10 %%)")  # fmt: skip
    plan.add_argument("--guardrail", action="append", default=[], metavar="METRIC",
                      help="a metric that must not get worse; repeatable")  # fmt: skip
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.set_defaults(handler=cycle_plan)
    split = csub.add_parser("split", help="declare whether a cycle's variants are randomized")
    split.add_argument("campaign", metavar="CAMPAIGN")
    split.add_argument("--cycle", type=int, default=None, help="cycle number (default: open one)")
    way = split.add_mutually_exclusive_group(required=True)
    way.add_argument("--randomized", dest="randomized", action="store_true",
                     help="a platform's A/B test split the audience at random")  # fmt: skip
    way.add_argument("--not-randomized", dest="randomized", action="store_false",
                     help="the variants are segments (device, placement …)")  # fmt: skip
    split.set_defaults(handler=cycle_split)


def named_cycle(ctx: Context, name: str, number: int | None) -> Cycle:
    """Return cycle ``number`` of a campaign, or its open cycle when no number is given."""
    campaign = ctx.store.campaign_by_name(name)
    if number is not None:
        return ctx.store.cycle_by_number(campaign.id, number)
    found = loop.open_cycle(ctx.store, campaign.id)
    if found is None:
        raise InvalidInput(
            f"'{campaign.name}' has no open cycle; start one or name a cycle with --cycle N"
        )
    return found


def cycle_plan(args: argparse.Namespace, ctx: Context) -> int:
    """Run ``cycle plan``; return the exit code."""
    cycle = named_cycle(ctx, args.campaign, args.cycle)
    plan = test_plans.declare(ctx.store, cycle.id, args.primary, args.direction, args.mde,
                              args.guardrail)  # fmt: skip
    if args.json:
        ctx.print_json(plan)
        return 0
    rails = f"; guardrails: {', '.join(plan.guardrails)}" if plan.guardrails else ""
    mde = f", at least {plan.min_effect:.0%}" if plan.min_effect else ""
    ctx.print(f"cycle {cycle.number} tests {plan.primary} ({plan.direction}{mde}){rails}")
    return 0


def cycle_split(args: argparse.Namespace, ctx: Context) -> int:
    """Run ``cycle split``; return the exit code."""
    cycle = named_cycle(ctx, args.campaign, args.cycle)
    plan = test_plans.declare_split(ctx.store, cycle.id, args.randomized)
    kind = "a randomized split" if plan.randomized else "segments, compared observationally"
    ctx.print(f"the variants of cycle {cycle.number} are {kind}")
    return 0
