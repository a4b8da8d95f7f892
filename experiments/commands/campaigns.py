"""``campaign add`` and ``campaign list``."""

from __future__ import annotations

import argparse
from typing import Any

from experiments.cli import Context
from experiments.models import Alias


def register(sub: Any) -> None:
    p = sub.add_parser("campaign", help="create and list campaigns")
    csub = p.add_subparsers(dest="campaign_command", metavar="ACTION", required=True,
                            parser_class=type(p))  # fmt: skip
    add = csub.add_parser("add", help="create a campaign")
    add.add_argument("name")
    add.add_argument(
        "--alias",
        action="append",
        default=[],
        help="the campaign's name on a platform (PLATFORM:NAME or NAME); repeatable",
    )
    add.add_argument("--channel", action="append", default=[], help="a channel; repeatable")
    add.add_argument("--audience", default="", help="who the campaign must reach")
    add.add_argument("--success", default="", help="how success is measured")
    add.add_argument("--json", action="store_true", help="print the campaign as JSON")
    add.set_defaults(handler=add_campaign)
    link = csub.add_parser(
        "link", help="count a platform's campaign name for a campaign (adds a platform name)"
    )
    link.add_argument("campaign", help="the tracker campaign: its name or id")
    link.add_argument("name", help="the campaign's name on the platform, as its export writes it")
    link.add_argument(
        "--platform",
        help="only on this platform (meta, google_ads, …, generic:<saved mapping name>); "
        "without it the name counts on every platform",
    )
    link.set_defaults(handler=link_campaign)
    ls = csub.add_parser("list", help="list campaigns with their current cycle")
    ls.add_argument("--json", action="store_true", help="print one JSON document")
    ls.set_defaults(handler=list_campaigns)


def _alias(text: str) -> Alias:
    platform, sep, name = text.partition(":")
    if sep and platform.strip() and name.strip() and " " not in platform.strip():
        return Alias(name.strip(), platform.strip())
    return Alias(text.strip())


def add_campaign(args: argparse.Namespace, ctx: Context) -> int:
    campaign = ctx.store.create_campaign(
        args.name,
        aliases=tuple(_alias(a) for a in args.alias),
        channels=tuple(args.channel),
        audience=args.audience,
        success_measure=args.success,
    )
    if args.json:
        ctx.print_json({"id": campaign.id, "name": campaign.name})
    else:
        ctx.print(str(campaign.id))
    missing = campaign.missing_essentials()
    if missing:
        ctx.warn(f"brief incomplete for '{campaign.name}': missing {', '.join(missing)}")
    return 0


def link_campaign(args: argparse.Namespace, ctx: Context) -> int:
    """Link a platform's campaign name to a campaign; say so and return the exit code."""
    from experiments.campaigns import resolve_campaign
    from experiments.i18n import t

    campaign = resolve_campaign(ctx.store, args.campaign)
    stored = ctx.store.add_alias(campaign.id, Alias(args.name, args.platform))
    where = args.platform.strip().lower() if args.platform and args.platform.strip() else None
    ctx.print(t("campaign.linked", "en", source=args.name.strip(), campaign=stored.name,
                platform=where or t("campaign.platform_any", "en")))  # fmt: skip
    return 0


def list_campaigns(args: argparse.Namespace, ctx: Context) -> int:
    from experiments.overview import campaign_rows

    rows = campaign_rows(ctx.store)
    if args.json:
        ctx.print_json(rows)
        return 0
    if not rows:
        ctx.print("no campaigns yet: 'campaign add NAME' creates one, 'demo' loads an example")
        return 0
    for r in rows:
        cycle = f"cycle {r['cycle']} ({r['phase']})" if r["cycle"] else "no cycle yet"
        ctx.print(f"{r['name']}\t{cycle}\t{', '.join(r['channels'])}")
    return 0
