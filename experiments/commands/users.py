"""``user add`` and ``user list``: the team members and their roles."""

from __future__ import annotations

import argparse
from typing import Any

from experiments.cli import Context
from experiments.models import Role

ROLES = tuple(r.value for r in Role)


def register(sub: Any) -> None:
    """Add this command to the command line."""
    p = sub.add_parser("user", help="add and list team members")
    usub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True,
                            parser_class=type(p))  # fmt: skip
    add = usub.add_parser("add", help="add a team member with a role (admins only)")
    add.add_argument("username", help="letters, digits, '.', '-' or '_'; how @mentions name them")
    add.add_argument("--role", required=True, choices=ROLES, help="what the member may change")
    add.add_argument("--name", default="", help="the name shown (default: the username)")
    add.add_argument("--json", action="store_true", help="print the member as JSON")
    add.set_defaults(handler=add_user)
    ls = usub.add_parser("list", help="list the team members")
    ls.add_argument("--json", action="store_true", help="print one JSON document")
    ls.set_defaults(handler=list_users)


def add_user(args: argparse.Namespace, ctx: Context) -> int:
    """Run ``user add``; return the exit code."""
    user = ctx.store.add_user(args.username, args.name, Role(args.role))
    if args.json:
        ctx.print_json(user)
    else:
        ctx.print(f"added {user.username} ({user.display_name}) as {user.role}")
    return 0


def list_users(args: argparse.Namespace, ctx: Context) -> int:
    """Run ``user list``; return the exit code."""
    users = ctx.store.users()
    if args.json:
        ctx.print_json(users)
        return 0
    if not users:
        ctx.print("no team members yet; add one with: user add USERNAME --role ROLE")
        return 0
    width = max(len(u.username) for u in users)
    for u in users:
        ctx.print(f"{u.username:<{width}}  {u.role.value:<8}  {u.display_name}")
    return 0
