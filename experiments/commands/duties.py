"""``assign``, ``comment`` and ``mywork``: who answers for what, remarks, and one's own list."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from experiments.cli import Context, iso_date
from experiments.models import CommentOn, DutyKind
from experiments.mywork import my_work


def register(sub: Any) -> None:
    """Add these commands to the command line."""
    p = sub.add_parser("assign", help="make a member responsible for an open item")
    p.add_argument("kind", choices=[k.value for k in DutyKind], metavar="KIND",
                   help="learning, feedback (criticism) or optimization")  # fmt: skip
    p.add_argument("id", metavar="ID", help="the item's id (a learning also by 6+ characters)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--owner", metavar="USERNAME", help="an active member")
    who.add_argument("--nobody", action="store_true", help="leave it with nobody responsible")
    p.add_argument("--due", type=iso_date, metavar="DATE", help="due by this day (YYYY-MM-DD)")
    p.set_defaults(handler=assign)

    c = sub.add_parser("comment", help="comment on a cycle, learning or feedback item")
    c.add_argument("kind", choices=[k.value for k in CommentOn], metavar="KIND",
                   help="cycle, learning or feedback")  # fmt: skip
    c.add_argument("id", metavar="ID", help="the item's id (a learning also by 6+ characters)")
    c.add_argument("text", metavar="TEXT", help="plain text; @username mentions a member")
    c.set_defaults(handler=comment)

    m = sub.add_parser("mywork", help="what waits for you (--as), overdue first")
    m.add_argument("--json", action="store_true", help="print one JSON document")
    m.set_defaults(handler=mywork)


def _item_id(ctx: Context, kind: str, raw: str) -> str:
    # A learning is also found by the first characters of its id, as in 'learning decide'.
    return str(ctx.store.learning(raw).id) if kind == "learning" else raw


def assign(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    kind = DutyKind(args.kind)
    duty = ctx.store.assign(kind, _item_id(ctx, args.kind, args.id),
                            None if args.nobody else args.owner, args.due)  # fmt: skip
    owner = duty.assignee or "nobody"
    due = f", due {duty.due.isoformat()}" if duty.due else ""
    ctx.print(f"{kind.value} {str(duty.id)[:8]} ({duty.campaign}, cycle {duty.cycle_number}): "
              f"{owner} responsible{due}")  # fmt: skip
    return 0


def comment(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    made = ctx.store.add_comment(CommentOn(args.kind), _item_id(ctx, args.kind, args.id),
                                 args.text)  # fmt: skip
    mentioned = f" (mentions {', '.join(made.mentions)})" if made.mentions else ""
    ctx.print(f"comment {str(made.id)[:8]} added{mentioned}")
    return 0


def mywork(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    work = my_work(ctx.store, datetime.now(UTC).date())
    if args.json:
        ctx.print_json({"username": work.username, "with_unassigned": work.with_unassigned,
                        "overdue": work.overdue, "items": list(work.items)})  # fmt: skip
        return 0
    if not work.items:
        ctx.print("nothing waits for you")
        return 0
    for i in work.items:
        due = f" due {i.due.isoformat()}" if i.due else ""
        late = " OVERDUE" if i.overdue else ""
        ctx.print(f"{i.reason:<9} {i.kind} {str(i.id)[:8]}  {i.campaign} #{i.cycle_number}  "
                  f"{' '.join(i.text.split())[:60]}{due}{late}")  # fmt: skip
    return 0
