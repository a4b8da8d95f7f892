"""``user add`` and ``user list``: the team members and their roles."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from experiments.cli import Context
from experiments.errors import InvalidInput
from experiments.models import Role
from experiments.store.sessions import hash_password

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
    pw = usub.add_parser("password", help="set a member's password for team mode (admins only)")
    pw.add_argument("username")
    pw.add_argument("--stdin", action="store_true",
                    help="read the password from the first line of standard input (scripts); "
                    "without it, it is asked for twice without being shown")  # fmt: skip
    pw.set_defaults(handler=set_password)
    hashed = usub.add_parser("hash", help="print the bcrypt hash of a password, for the "
                             "configuration's first admin (writes nothing)")  # fmt: skip
    hashed.add_argument("--stdin", action="store_true",
                        help="read the password from the first line of standard input; "
                        "without it, it is asked for twice without being shown")  # fmt: skip
    hashed.set_defaults(handler=print_hash, username="the first admin")
    role = usub.add_parser("role", help="give a member another role (admins only)")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(handler=set_role)
    for action, text in (("deactivate", "stop a member from signing in; the audit keeps them"),
                         ("reactivate", "let a deactivated member sign in again")):  # fmt: skip
        act = usub.add_parser(action, help=f"{text} (admins only)")
        act.add_argument("username")
        act.set_defaults(handler=set_active, active=action == "reactivate")
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


def _password(args: argparse.Namespace) -> str:
    if args.stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"new password for {args.username}: ")
    if getpass.getpass("the same again: ") != first:
        raise InvalidInput("the two passwords differ; nothing was changed, run the command again")
    return first


def set_password(args: argparse.Namespace, ctx: Context) -> int:
    """Run ``user password``; return the exit code."""
    user = ctx.store.set_password(args.username, _password(args))
    ctx.print(f"set the password of {user.username}")
    return 0


def print_hash(args: argparse.Namespace, ctx: Context) -> int:
    """Run ``user hash``: print the bcrypt hash of a password (checked like any password)."""
    ctx.print(hash_password(_password(args)))
    return 0


def set_role(args: argparse.Namespace, ctx: Context) -> int:
    """Run ``user role``; return the exit code."""
    user = ctx.store.set_role(args.username, Role(args.role))
    ctx.print(f"{user.username} is now {user.role}")
    return 0


def set_active(args: argparse.Namespace, ctx: Context) -> int:
    """Run ``user deactivate`` or ``user reactivate``; return the exit code."""
    user = ctx.store.set_active(args.username, args.active)
    ctx.print(f"{user.username} is {'active' if user.active else 'deactivated'}")
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
        state = "" if u.active else "  (deactivated)"
        ctx.print(f"{u.username:<{width}}  {u.role.value:<8}  {u.display_name}{state}")
    return 0
