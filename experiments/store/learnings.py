"""Learnings: what a cycle learned, the decision on each, and how carried ones fared.

The store keeps a learning whole and refuses what no loop may hold (a pending learning in a
closed cycle); which decision may be made when is the loop's rule (loop.py). Every write that
rests on what the caller saw takes it as ``seen``/``expected`` and compares it inside the write
transaction: a change made meanwhile is refused with ChangedMeanwhile, never overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from experiments.errors import ChangedMeanwhile, Conflict, InvalidInput, NotFound
from experiments.models import Confidence, Decision, Learning, Outcome, Phase
from experiments.store._base import Area, BaseStore, now, parse_uuid, require_text

_LEARNING_COLS = (
    "id, cycle_id, statement, evidence, evidence_snapshot, confidence, tags, decision, "
    "carried_into_id, applied, applied_reason, outcome, created_at, decided_at"
)


def _learning(row: tuple[Any, ...]) -> Learning:
    return Learning(
        id=row[0], cycle_id=row[1], statement=row[2], evidence=row[3],
        evidence_snapshot=row[4], confidence=Confidence(row[5]) if row[5] else None,
        tags=tuple(row[6]), decision=Decision(row[7]), carried_into_id=row[8], applied=row[9],
        applied_reason=row[10], outcome=Outcome(row[11]) if row[11] else None,
        created_at=row[12], decided_at=row[13],
    )  # fmt: skip


def _tags(tags: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))


class LearningStore(BaseStore):
    def _cycle_state(self, cycle_id: uuid.UUID) -> tuple[str, int, Phase]:
        """Return a cycle's campaign name, number and phase, for checks and messages."""
        row = self._one(
            "SELECT c.name, y.number, y.phase FROM cycle y JOIN campaign c "
            "ON c.id = y.campaign_id WHERE y.id = ?",
            [cycle_id],
        )
        if row is None:
            raise NotFound(f"no cycle with id {cycle_id}")
        return row[0], row[1], Phase(row[2])

    def claim_cycle(self, cycle_id: uuid.UUID) -> Phase:
        """Inside a write: return the cycle's phase as stored now, having marked its row as
        written by this transaction, so that a writer changing the cycle at the same moment
        without the process lock (another server) collides with this one instead of passing."""
        with self.write(Area.LOOP):
            self._exec("UPDATE cycle SET phase = phase WHERE id = ?", [cycle_id])
            return self._cycle_state(cycle_id)[2]

    def closed_meanwhile(self, cycle_id: uuid.UUID) -> ChangedMeanwhile:
        """Return the error for a write into a cycle that was closed since the caller saw it."""
        name, number, _ = self._cycle_state(cycle_id)
        return ChangedMeanwhile("cycle_closed", campaign=name, number=number)

    def learning(self, learning_id: uuid.UUID | str) -> Learning:
        """Return one learning by id (a unique prefix of at least 6 characters also works)."""
        text = str(learning_id).strip()
        if isinstance(learning_id, uuid.UUID) or len(text) == 36:
            lid = parse_uuid(learning_id, "learning")
            row = self._one(f"SELECT {_LEARNING_COLS} FROM learning WHERE id = ?", [lid])
        else:
            if len(text) < 6:
                raise NotFound(f"no learning with id '{text}' (give at least 6 characters)")
            rows = self._all(
                f"SELECT {_LEARNING_COLS} FROM learning WHERE CAST(id AS VARCHAR) LIKE ? LIMIT 2",
                [text.lower() + "%"],
            )
            if len(rows) > 1:
                raise InvalidInput(f"the id '{text}' fits several learnings; give more characters")
            row = rows[0] if rows else None
        if row is None:
            raise NotFound(f"no learning with id '{text}'")
        return _learning(row)

    def learnings(
        self, cycle_id: uuid.UUID | None = None, carried_into: uuid.UUID | None = None
    ) -> list[Learning]:
        """Return learnings of a cycle, or those carried into a cycle, or all; oldest first."""
        where, params = "", []
        if cycle_id is not None:
            where, params = "WHERE cycle_id = ?", [cycle_id]
        elif carried_into is not None:
            where, params = "WHERE carried_into_id = ?", [carried_into]
        rows = self._all(
            f"SELECT {_LEARNING_COLS} FROM learning {where} ORDER BY created_at, id", params
        )
        return [_learning(r) for r in rows]

    def add_learning(self, learning: Learning) -> Learning:
        """Store a learning of a cycle (decision pending unless given); return it."""
        statement = require_text(learning.statement, "the learning")
        with self.write(Area.LOOP):
            # No pending learning in a closed cycle: nobody could ever decide it, and the gate
            # that let the cycle close would be undone. (The loop says "changed meanwhile"
            # before this when the cycle closed after the person saw it open.)
            if self.claim_cycle(learning.cycle_id) is Phase.CLOSED and (
                learning.decision is Decision.PENDING
            ):
                name, number, _ = self._cycle_state(learning.cycle_id)
                raise Conflict(
                    f"cycle {number} of '{name}' is closed, and a pending learning there could "
                    "never be decided; record it in the open cycle"
                )
            stamp = learning.created_at or now()
            self._exec(
                f"INSERT INTO learning ({_LEARNING_COLS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    learning.id, learning.cycle_id, statement, learning.evidence.strip(),
                    learning.evidence_snapshot,
                    learning.confidence.value if learning.confidence else None,
                    _tags(learning.tags), learning.decision.value, learning.carried_into_id,
                    learning.applied, learning.applied_reason.strip(),
                    learning.outcome.value if learning.outcome else None, stamp,
                    learning.decided_at, stamp,
                ],
            )  # fmt: skip
            stored = self.learning(learning.id)
            self._audit("learning", learning.id, "create", after=stored)
        return stored

    def _unchanged(self, learning_id: uuid.UUID | str, seen: Learning | None) -> Learning:
        # Inside a write: the learning as stored now, refused when it is no longer as seen.
        before = self.learning(learning_id)
        if seen is not None and before != seen:
            raise ChangedMeanwhile("learning", statement=seen.statement)
        return before

    def update_learning(
        self, learning: Learning, action: str = "update", seen: Learning | None = None
    ) -> Learning:
        """Save every field of an edited learning; return it as stored. With ``seen`` (the
        learning as the caller read it) a change made since is refused, not overwritten."""
        statement = require_text(learning.statement, "the learning")
        with self.write(Area.LOOP):
            before = self._unchanged(learning.id, seen)
            decided_at = before.decided_at
            if learning.decision is not before.decision:
                decided_at = None if learning.decision is Decision.PENDING else now()
            self._exec(
                "UPDATE learning SET statement = ?, evidence = ?, evidence_snapshot = ?, "
                "confidence = ?, tags = ?, decision = ?, decided_at = ?, carried_into_id = ?, "
                "applied = ?, applied_reason = ?, outcome = ?, updated_at = ? WHERE id = ?",
                [
                    statement, learning.evidence.strip(), learning.evidence_snapshot,
                    learning.confidence.value if learning.confidence else None,
                    _tags(learning.tags), learning.decision.value, decided_at,
                    learning.carried_into_id, learning.applied, learning.applied_reason.strip(),
                    learning.outcome.value if learning.outcome else None, now(), learning.id,
                ],
            )  # fmt: skip
            stored = self.learning(learning.id)
            self._audit("learning", learning.id, action, before=before, after=stored)
        return stored

    def record_carried_result(
        self,
        learning_id: uuid.UUID | str,
        cycle_id: uuid.UUID,
        applied: bool,
        reason: str,
        outcome: Outcome | None,
        seen: Learning | None = None,
    ) -> Learning:
        """Record in one transaction whether a carried learning was applied and its outcome;
        with ``seen`` a result someone recorded since is refused, not overwritten."""
        with self.write(Area.LOOP):
            # Read inside the write: the learning may have been carried elsewhere meanwhile.
            before = self._unchanged(learning_id, seen)
            if before.carried_into_id != cycle_id:
                number = self._cycle_state(cycle_id)[1]
                raise InvalidInput(
                    f"learning {str(before.id)[:8]} was not carried into cycle {number}"
                )
            self._exec(
                "UPDATE learning SET applied = ?, applied_reason = ?, updated_at = ? WHERE id = ?",
                [applied, reason.strip(), now(), before.id],
            )
            marked = self.learning(before.id)
            self._audit("learning", before.id, "apply", before=before, after=marked)
            self._exec(
                "UPDATE learning SET outcome = ?, updated_at = ? WHERE id = ?",
                [outcome.value if outcome else None, now(), before.id],
            )
            stored = self.learning(before.id)
            self._audit("learning", before.id, "outcome", before=marked, after=stored)
        return stored

    def decide_learning(
        self, learning_id: uuid.UUID | str, decision: Decision, expected: Decision | None = None
    ) -> Learning:
        """Record the decision on a learning; return it. With ``expected`` (the decision the
        caller saw) a decision someone made since is refused, not overwritten."""
        with self.write(Area.LOOP):
            before = self.learning(learning_id)
            seen = before.decision if expected is None else expected
            if before.decision is decision and seen is decision:
                return before  # nothing to record: no audit entry for a change that is none
            stamp = None if decision is Decision.PENDING else now()
            # Only over the decision checked: the database refuses to take it twice.
            taken = self._changed(
                "UPDATE learning SET decision = ?, decided_at = ?, updated_at = ? "
                "WHERE id = ? AND decision = ?",
                [decision.value, stamp, now(), before.id, seen.value],
            )
            if not taken:
                raise ChangedMeanwhile(
                    "learning_decision", statement=before.statement, seen=seen,
                    now=before.decision,
                )  # fmt: skip
            stored = self.learning(before.id)
            self._audit("learning", before.id, "decide", before=before, after=stored)
        return stored
