"""Responsibilities and comments: who answers for an open item by when, and remarks with
@username mentions.

A pending learning, an open criticism and a planned optimization each may have an assignee (an
active member) and a due date. Comments are plain text on a cycle, a learning or a feedback
item; the usernames they mention are kept beside the text so a member's list finds them.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from experiments.errors import DutyRefused, NotFound
from experiments.models import Comment, CommentOn, Duty, DutyKind, FeedbackKind, new_id
from experiments.store._base import Area, now, parse_uuid
from experiments.store.loop import LoopStore

# A comment is a remark, not a document: long text belongs in the feedback or the learning.
COMMENT_LIMIT = 2000
# @name where the @ starts a word: "email@x.de" mentions nobody. A name ends before a trailing
# dot, as in "… ask @jana." — usernames may hold dots, but never end a sentence with one.
_MENTION = re.compile(r"(?<![\w.@-])@([A-Za-z0-9][A-Za-z0-9._-]{0,63})")

# Per kind: its table, the column a person reads, and when it is open (waiting for someone).
_DUTY_SQL: dict[DutyKind, tuple[str, str, str]] = {
    DutyKind.LEARNING: ("learning", "statement", "x.decision = 'pending'"),
    DutyKind.FEEDBACK: ("feedback", "text", "x.kind = 'criticism' AND x.status = 'open'"),
    DutyKind.OPTIMIZATION: ("optimization", "what", "x.status = 'planned'"),
}


def mentions_in(text: str) -> list[str]:
    """Return the usernames a text mentions with @username, in order, each once."""
    names = (m.group(1).rstrip(".") for m in _MENTION.finditer(text))
    return list(dict.fromkeys(n for n in names if n))


def _duty_query(kind: DutyKind, where: str) -> str:
    table, text, _ = _DUTY_SQL[kind]
    return (
        f"SELECT '{kind.value}', x.id, x.cycle_id, c.name, y.number, y.end_date, x.{text}, "
        f"x.assignee, x.due_date, x.created_at FROM {table} x JOIN cycle y ON y.id = x.cycle_id "
        f"JOIN campaign c ON c.id = y.campaign_id WHERE {where}"
    )


def _duty(row: tuple[Any, ...]) -> Duty:
    return Duty(DutyKind(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                row[8], row[9])  # fmt: skip


def _comment(row: tuple[Any, ...]) -> Comment:
    return Comment(row[0], CommentOn(row[1]), row[2], row[3], row[4], tuple(row[5]), row[6])


_COMMENT_COLS = "id, target, target_id, author, text, mentions, created_at"


class DutyStore(LoopStore):
    def duty(self, kind: DutyKind, item_id: uuid.UUID | str) -> Duty:
        """Return one learning, feedback item or optimization as a duty (open or not)."""
        iid = parse_uuid(item_id, kind.value)
        row = self._one(_duty_query(kind, "x.id = ?"), [iid])
        if row is None:
            raise NotFound(f"no {kind.value} with id {iid}")
        return _duty(row)

    def open_duties(self) -> list[Duty]:
        """Return every open item: pending learnings, open criticism, planned optimizations."""
        union = " UNION ALL ".join(_duty_query(k, cond) for k, (_, _, cond) in _DUTY_SQL.items())
        rows = self._all(f"SELECT * FROM ({union}) ORDER BY 10, 2")
        return [_duty(r) for r in rows]

    def duties_of_cycle(self, cycle_id: uuid.UUID) -> list[Duty]:
        """Return every learning, feedback item and optimization of a cycle as a duty."""
        union = " UNION ALL ".join(_duty_query(k, "x.cycle_id = ?") for k in _DUTY_SQL)
        return [_duty(r) for r in self._all(f"SELECT * FROM ({union})", [cycle_id] * 3)]

    def assign(
        self, kind: DutyKind, item_id: uuid.UUID | str, assignee: str | None,
        due: date | None = None,
    ) -> Duty:  # fmt: skip
        """Make an active member answer for an item, by ``due`` if given (no assignee: nobody
        does, and the due date goes too); return the item as stored."""
        name = (assignee or "").strip() or None
        if name is None and due is not None:
            raise DutyRefused("due_without_owner")
        with self.write(Area.LOOP):
            before = self.duty(kind, item_id)
            if kind is DutyKind.FEEDBACK and self.feedback_item(before.id).kind is not (
                FeedbackKind.CRITICISM
            ):
                raise DutyRefused("not_criticism")
            if (name, due) == (before.assignee, before.due):
                return before  # nothing to record: no audit entry for a change that is none
            if name is not None:
                self._check_member(name)
            if due is not None and due != before.due and due < datetime.now(UTC).date():
                raise DutyRefused("due_past", due=due.isoformat())
            table = _DUTY_SQL[kind][0]
            self._exec(f"UPDATE {table} SET assignee = ?, due_date = ? WHERE id = ?",
                       [name, due, before.id])  # fmt: skip
            after = self.duty(kind, before.id)
            self._audit(kind.value, before.id, "assign", before=_shown(before),
                        after=_shown(after))  # fmt: skip
        return after

    def _check_member(self, username: str) -> None:
        row = self._one(
            "SELECT username, coalesce(active, true) FROM app_user WHERE username = ?", [username]
        )
        if row is None:
            raise DutyRefused("no_member", name=username)
        if not row[1]:
            raise DutyRefused("inactive_member", name=username)

    def add_comment(self, target: CommentOn, target_id: uuid.UUID | str, text: str) -> Comment:
        """Store a plain-text comment by the acting member on a cycle, learning or feedback
        item; the known members it names with @username are its mentions. Return it."""
        body = (text or "").strip()
        if not body:
            raise DutyRefused("comment_empty")
        if len(body) > COMMENT_LIMIT:
            raise DutyRefused("comment_too_long", limit=COMMENT_LIMIT, length=len(body))
        with self.write(Area.COMMENT):
            cycle_id = self._comment_cycle(target, target_id)
            members = {
                str(r[0]).lower(): str(r[0]) for r in self._all("SELECT username FROM app_user")
            }
            mentioned = tuple(dict.fromkeys(
                members[n.lower()] for n in mentions_in(body) if n.lower() in members
            ))  # fmt: skip
            comment = Comment(new_id(), target, parse_uuid(target_id, target.value),
                              self.actor.username, body, mentioned, now())  # fmt: skip
            self._exec(
                f"INSERT INTO comment ({_COMMENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [comment.id, target.value, comment.target_id, comment.author, body,
                 list(mentioned), comment.created_at],
            )  # fmt: skip
            self._audit("comment", comment.id, "create",
                        after={**_comment_shown(comment), "cycle_id": cycle_id})  # fmt: skip
        return comment

    def _comment_cycle(self, target: CommentOn, target_id: uuid.UUID | str) -> uuid.UUID:
        # The cycle a comment belongs to, so its history lists it; the target must exist.
        if target is CommentOn.CYCLE:
            return self.cycle(target_id).id
        if target is CommentOn.LEARNING:
            return self.learning(parse_uuid(target_id, "learning")).cycle_id
        return self.feedback_item(target_id).cycle_id

    def comments(self, target: CommentOn, target_id: uuid.UUID) -> list[Comment]:
        """Return the comments on one cycle, learning or feedback item, oldest first."""
        rows = self._all(
            f"SELECT {_COMMENT_COLS} FROM comment WHERE target = ? AND target_id = ? "
            "ORDER BY created_at, id",
            [target.value, target_id],
        )
        return [_comment(r) for r in rows]

    def comments_in_cycle(self, cycle_id: uuid.UUID) -> list[Comment]:
        """Return the comments on a cycle and on its learnings and feedback, oldest first."""
        rows = self._all(
            f"SELECT {_COMMENT_COLS} FROM comment WHERE target_id = ? OR target_id IN "
            "(SELECT id FROM learning WHERE cycle_id = ?) OR target_id IN "
            "(SELECT id FROM feedback WHERE cycle_id = ?) ORDER BY created_at, id",
            [cycle_id] * 3,
        )
        return [_comment(r) for r in rows]

    def comments_mentioning(self, username: str) -> list[Comment]:
        """Return the comments that mention a member, newest first."""
        rows = self._all(
            f"SELECT {_COMMENT_COLS} FROM comment WHERE list_contains(mentions, ?) "
            "ORDER BY created_at DESC, id",
            [username],
        )
        return [_comment(r) for r in rows]


def _shown(duty: Duty) -> dict[str, Any]:
    # What the audit keeps of an assignment: enough for a sentence and the cycle's history.
    return {"cycle_id": duty.cycle_id, "text": duty.text, "assignee": duty.assignee,
            "due": duty.due}  # fmt: skip


def _comment_shown(comment: Comment) -> dict[str, Any]:
    return {"target": comment.target.value, "target_id": comment.target_id,
            "text": comment.text, "mentions": list(comment.mentions)}  # fmt: skip
