"""``audit``: who changed what and when, newest first."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, time
from typing import Any

from experiments.cli import Context, iso_date
from experiments.errors import InvalidInput
from experiments.models import AuditEntry


def register(sub: Any) -> None:
    """Add this command to the command line."""
    p = sub.add_parser("audit", help="who changed what and when, newest first")
    p.add_argument("--since", type=iso_date, metavar="DATE",
                   help="only changes from this day on (YYYY-MM-DD, UTC)")  # fmt: skip
    p.add_argument("--entity", metavar="KIND",
                   help="only changes of one kind (campaign, cycle, learning …)")  # fmt: skip
    p.add_argument("--limit", type=int, default=200, help="at most this many entries (200)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=audit)


def _document(entry: AuditEntry) -> dict[str, Any]:
    return {
        "happened_at": entry.happened_at, "actor": entry.actor, "entity": entry.entity,
        "entity_id": entry.entity_id, "action": entry.action,
        "before": json.loads(entry.before) if entry.before else None,
        "after": json.loads(entry.after) if entry.after else None,
    }  # fmt: skip


def audit(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command; return the exit code."""
    if args.limit < 1:
        raise InvalidInput(f"--limit {args.limit} shows nothing; give a number of 1 or more")
    entity = args.entity.strip().lower() if args.entity else None
    since = datetime.combine(args.since, time()) if args.since else None
    if entity is not None and entity not in ctx.store.audit_entities():
        kinds = ", ".join(ctx.store.audit_entities()) or "none yet"
        raise InvalidInput(f"the audit has no entries for '{entity}'; kinds recorded: {kinds}")
    entries = ctx.store.audit_log(entity, args.limit, since)
    if args.json:
        ctx.print_json([_document(e) for e in entries])
        return 0
    if not entries:
        ctx.print("no changes recorded" + (f" since {args.since}" if since else ""))
        return 0
    for e in entries:
        ctx.print(f"{e.happened_at:%Y-%m-%d %H:%M:%S}  {e.actor}  {e.action} {e.entity} "
                  f"{e.entity_id}")  # fmt: skip
    return 0
