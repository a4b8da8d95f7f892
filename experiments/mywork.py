"""What waits for one person: the view model of the My work page, the CLI's ``mywork`` and the
overview's overdue count per campaign.

A member's list holds the open items they answer for (pending learnings to decide before the
next start, open criticism to answer, planned optimizations), and every open item a comment
mentions them on. The local admin (local mode, nobody signs in) answers for everything nobody
answers for yet. Overdue items come first, then by due date.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from experiments.i18n import t
from experiments.models import (
    LOCAL_ACTOR,
    CommentOn,
    Duty,
    DutyKind,
    FeedbackStatus,
    Phase,
)
from experiments.store import Store

# What a person does about an open item of each kind.
REASONS: dict[DutyKind, str] = {
    DutyKind.LEARNING: "decide",
    DutyKind.FEEDBACK: "answer",
    DutyKind.OPTIMIZATION: "due",
}


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One thing on a person's list; ``comment`` and ``by`` say who mentioned them, and how."""

    reason: str  # decide, answer, due, mentioned
    kind: str  # learning, feedback, optimization, cycle
    id: uuid.UUID
    campaign: str
    cycle_number: int
    text: str
    assignee: str | None
    due: date | None
    overdue: bool
    comment: str = ""
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MyWork:
    """A person's list: whose it is, whether it holds the unassigned items, and the items."""

    username: str
    name: str  # how the page greets them: their display name
    with_unassigned: bool
    items: tuple[WorkItem, ...]

    @property
    def overdue(self) -> int:
        """Return how many items are past their due date."""
        return sum(1 for i in self.items if i.overdue)


def is_overdue(due: date | None, today: date) -> bool:
    """Return True when a due date lies before ``today``."""
    return due is not None and due < today


def _item(duty: Duty, today: date, reason: str | None = None) -> WorkItem:
    return WorkItem(reason or REASONS[duty.kind], duty.kind.value, duty.id, duty.campaign,
                    duty.cycle_number, duty.text, duty.assignee, duty.due,
                    is_overdue(duty.due, today))  # fmt: skip


def my_work(store: Store, today: date, lang: str = "en") -> MyWork:
    """Return what waits for the person the store acts as, overdue first (who mentioned them
    named in ``lang``)."""
    me = store.actor.username
    local = store.actor == LOCAL_ACTOR
    duties = store.open_duties()
    items = [_item(d, today) for d in duties
             if d.assignee == me or (local and d.assignee is None)]  # fmt: skip
    people = {LOCAL_ACTOR.username: t("audit.local_admin", lang)}
    people |= {u.username: u.display_name for u in store.users()}
    open_items = {d.id: d for d in duties}
    notes = {m.id: m for m in _mentioned(store, me, open_items, people, today, lang)}
    # An item of one's own that someone mentions one on is listed once, with the comment.
    mine = {i.id for i in items}
    items = [replace(i, comment=notes[i.id].comment, by=notes[i.id].by, at=notes[i.id].at)
             if i.id in notes else i for i in items]  # fmt: skip
    items += [n for n in notes.values() if n.id not in mine]
    return MyWork(me, people.get(me, me), local, tuple(sorted(items, key=_order)))


def _order(item: WorkItem) -> tuple[object, ...]:
    return (not item.overdue, item.due or date.max, item.reason == "mentioned",
            item.campaign.lower(), item.cycle_number, item.text)  # fmt: skip


def _mentioned(
    store: Store,
    me: str,
    open_items: dict[uuid.UUID, Duty],
    people: dict[str, str],
    today: date,
    lang: str,
) -> list[WorkItem]:
    """The open items a comment mentions ``me`` on (the newest comment on each); items that are
    done (decided, answered, closed) wait for nobody any more."""
    cycles = {c.id: c for c in store.cycles()}
    campaigns = {c.id: c.name for c in store.campaigns()}
    found: dict[uuid.UUID, WorkItem] = {}
    for comment in store.comments_mentioning(me):
        if comment.target_id in found:
            continue
        base: WorkItem | None = None
        duty = open_items.get(comment.target_id)
        if duty is not None:
            base = _item(duty, today, "mentioned")
        elif comment.target is CommentOn.CYCLE:
            cycle = cycles.get(comment.target_id)
            if cycle is not None and cycle.phase is not Phase.CLOSED:
                # A cycle reads as its hypothesis, or as "Cycle n" while it has none.
                text = cycle.hypothesis or t("overview.cycle_n", lang, n=cycle.number)
                base = WorkItem("mentioned", "cycle", cycle.id, campaigns.get(cycle.campaign_id,
                                ""), cycle.number, text, None, None, False)  # fmt: skip
        elif comment.target is CommentOn.FEEDBACK:
            item = store.feedback_item(comment.target_id)
            cycle = cycles.get(item.cycle_id)
            if item.status is FeedbackStatus.OPEN and cycle is not None:
                base = WorkItem("mentioned", "feedback", item.id, campaigns.get(
                    cycle.campaign_id, ""), cycle.number, item.text, None, None, False)  # fmt: skip
        if base is not None:
            found[comment.target_id] = _with_comment(base, comment.text,
                                                     people.get(comment.author, comment.author),
                                                     comment.created_at)  # fmt: skip
    return list(found.values())


def _with_comment(item: WorkItem, text: str, by: str, at: datetime) -> WorkItem:
    return WorkItem("mentioned", item.kind, item.id, item.campaign, item.cycle_number, item.text,
                    item.assignee, item.due, item.overdue, text, by, at)  # fmt: skip


def overdue_by_campaign(store: Store, today: date) -> list[dict[str, object]]:
    """Return per campaign with overdue items how many of each kind are overdue, most first."""
    counts: dict[str, dict[str, int]] = {}
    for d in store.open_duties():
        if is_overdue(d.due, today):
            row = counts.setdefault(d.campaign, {k.value: 0 for k in DutyKind})
            row[d.kind.value] += 1
    rows: list[dict[str, object]] = [
        {"campaign": name, **row, "total": sum(row.values())} for name, row in counts.items()
    ]
    rows.sort(key=lambda r: (-int(str(r["total"])), str(r["campaign"]).lower()))
    return rows
