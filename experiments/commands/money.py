"""``currency`` (a campaign's account currency) and ``fx set`` / ``fx list`` (conversion rates)."""

from __future__ import annotations

import argparse
from typing import Any

from experiments.cli import Context


def register(sub: Any) -> None:
    cur = sub.add_parser("currency", help="show or set a campaign's account currency")
    cur.add_argument("campaign", help="the campaign's name or id")
    cur.add_argument("code", nargs="?", help="an ISO 4217 code such as EUR, USD or IDR")
    forget = "forget the set currency: the first import that names one decides"
    cur.add_argument("--clear", action="store_true", help=forget)
    cur.add_argument("--json", action="store_true", help="print one JSON document")
    cur.set_defaults(handler=currency)
    p = sub.add_parser("fx", help="conversion rates between currencies (admins)")
    fsub = p.add_subparsers(dest="fx_command", metavar="ACTION", required=True,
                            parser_class=type(p))  # fmt: skip
    put = fsub.add_parser("set", help="enter the rate of a currency for a month")
    put.add_argument("currency", help="the currency converted from, e.g. IDR")
    put.add_argument("month", help="the month, YYYY-MM")
    put.add_argument("rate", type=float, help="what one unit is worth in the target currency")
    put.add_argument("--into", default="EUR", help="the currency converted into (default EUR)")
    put.set_defaults(handler=fx_set)
    ls = fsub.add_parser("list", help="list the rates")
    ls.add_argument("--json", action="store_true", help="print one JSON document")
    ls.set_defaults(handler=fx_list)


def currency(args: argparse.Namespace, ctx: Context) -> int:
    from experiments import money
    from experiments.campaigns import resolve_campaign

    campaign = resolve_campaign(ctx.store, args.campaign)
    if args.clear or args.code:
        money.set_account_currency(ctx.store, campaign, None if args.clear else args.code)
    code = ctx.store.account_currency(campaign.id)
    if args.json:
        ctx.print_json({"campaign": campaign.name, "currency": code})
    else:
        ctx.print(f"{campaign.name}\t{code or 'none yet'}")
    return 0


def fx_set(args: argparse.Namespace, ctx: Context) -> int:
    from experiments import money

    r = money.set_rate(ctx.store, args.currency, args.month, args.rate, args.into)
    ctx.print(f"1 {r.currency} = {r.rate:g} {r.into} in {r.month:%Y-%m}")
    return 0


def fx_list(args: argparse.Namespace, ctx: Context) -> int:
    rates = ctx.store.fx_rates()
    if args.json:
        ctx.print_json([{"currency": r.currency, "month": f"{r.month:%Y-%m}", "into": r.into,
                         "rate": r.rate, "set_by": r.set_by} for r in rates])  # fmt: skip
        return 0
    if not rates:
        ctx.print("no rates yet: 'fx set CURRENCY YYYY-MM RATE --into CODE' enters one")
    for r in rates:
        ctx.print(f"{r.currency}\t{r.month:%Y-%m}\t{r.rate:g}\t{r.into}\t{r.set_by}")
    return 0
