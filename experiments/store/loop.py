"""Cycles and what happens in them: feedback, optimizations and learnings.

The store keeps the data whole (ids exist, numbers unique, windows ordered); the rules of the
loop itself (which phase may follow which, the gate before the next start) live in loop.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from experiments.errors import Conflict, InvalidInput, NotFound
from experiments.models import (
    Confidence,
    Cycle,
    Decision,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Learning,
    OpenCriticism,
    Optimization,
    OptimizationStatus,
    Outcome,
    Phase,
    new_id,
)
from experiments.store._base import Area, BaseStore, check_window, now, parse_uuid, require_text

_CYCLE_COLS = (
    "id, campaign_id, number, phase, start_date, end_date, hypothesis, planned_changes, budget, "
    "previous_id, went_live, channels, start_at, campaign_at, feedback_at, optimization_at, "
    "closed_at, created_at"
)
_PHASE_COLUMNS = {p: f"{p.value}_at" for p in Phase}
_FEEDBACK_COLS = "id, cycle_id, source, kind, text, status, goal_id, optimization_id, created_at"
_OPT_COLS = "id, cycle_id, what, why, learning_ids, feedback_ids, owner, status, created_at"
_LEARNING_COLS = (
    "id, cycle_id, statement, evidence, evidence_snapshot, confidence, tags, decision, "
    "carried_into_id, applied, applied_reason, outcome, created_at, decided_at"
)


def _cycle(row: tuple[Any, ...]) -> Cycle:
    stamps = {p.value: row[12 + i] for i, p in enumerate(Phase) if row[12 + i] is not None}
    return Cycle(
        id=row[0], campaign_id=row[1], number=row[2], phase=Phase(row[3]), start=row[4],
        end=row[5], hypothesis=row[6], planned_changes=row[7], budget=row[8],
        previous_id=row[9], went_live=row[10], channels=tuple(row[11]),
        phase_changed_at=stamps, created_at=row[17],
    )  # fmt: skip


def _feedback(row: tuple[Any, ...]) -> Feedback:
    return Feedback(
        id=row[0], cycle_id=row[1], source=FeedbackSource(row[2]), kind=FeedbackKind(row[3]),
        text=row[4], status=FeedbackStatus(row[5]), goal_id=row[6], optimization_id=row[7],
        created_at=row[8],
    )  # fmt: skip


def _optimization(row: tuple[Any, ...]) -> Optimization:
    return Optimization(
        id=row[0], cycle_id=row[1], what=row[2], why=row[3], learning_ids=tuple(row[4]),
        feedback_ids=tuple(row[5]), owner=row[6], status=OptimizationStatus(row[7]),
        created_at=row[8],
    )  # fmt: skip


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


class LoopStore(BaseStore):
    # -- cycles ---------------------------------------------------------------------------

    def cycle(self, cycle_id: uuid.UUID | str) -> Cycle:
        """Return one cycle by id."""
        cid = parse_uuid(cycle_id, "cycle")
        row = self._one(f"SELECT {_CYCLE_COLS} FROM cycle WHERE id = ?", [cid])
        if row is None:
            raise NotFound(f"no cycle with id {cid}")
        return _cycle(row)

    def cycles(self, campaign_id: uuid.UUID | None = None) -> list[Cycle]:
        """Return the cycles of one campaign (or of all), in campaign and number order."""
        if campaign_id is None:
            rows = self._all(f"SELECT {_CYCLE_COLS} FROM cycle ORDER BY campaign_id, number")
        else:
            rows = self._all(
                f"SELECT {_CYCLE_COLS} FROM cycle WHERE campaign_id = ? ORDER BY number",
                [campaign_id],
            )
        return [_cycle(r) for r in rows]

    def cycle_by_number(self, campaign_id: uuid.UUID, number: int) -> Cycle:
        """Return cycle ``number`` of a campaign."""
        row = self._one(
            f"SELECT {_CYCLE_COLS} FROM cycle WHERE campaign_id = ? AND number = ?",
            [campaign_id, number],
        )
        if row is None:
            raise NotFound(f"this campaign has no cycle {number}")
        return _cycle(row)

    def add_cycle(self, cycle: Cycle) -> Cycle:
        """Store a new cycle as given (the loop decides number and phase); return it."""
        check_window(cycle.start, cycle.end)
        if cycle.budget is not None and cycle.budget < 0:
            raise InvalidInput(f"the cycle budget must not be negative (got {cycle.budget:g})")
        with self.write(Area.LOOP):
            if self._one("SELECT 1 FROM campaign WHERE id = ?", [cycle.campaign_id]) is None:
                raise NotFound(f"no campaign with id {cycle.campaign_id}")
            if self._one(
                "SELECT 1 FROM cycle WHERE campaign_id = ? AND number = ?",
                [cycle.campaign_id, cycle.number],
            ):
                raise Conflict(f"this campaign already has a cycle {cycle.number}")
            stamps = [cycle.phase_changed_at.get(p.value) for p in Phase]
            if stamps[list(Phase).index(cycle.phase)] is None:
                stamps[list(Phase).index(cycle.phase)] = now()
            self.cur.execute(
                f"INSERT INTO cycle ({_CYCLE_COLS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    cycle.id, cycle.campaign_id, cycle.number, cycle.phase.value, cycle.start,
                    cycle.end, cycle.hypothesis.strip(), cycle.planned_changes.strip(),
                    cycle.budget, cycle.previous_id, cycle.went_live.strip(),
                    list(cycle.channels), *stamps, now(),
                ],
            )  # fmt: skip
            stored = self.cycle(cycle.id)
            self.audit("cycle", cycle.id, "create", after=stored)
        return stored

    def update_cycle(self, cycle: Cycle) -> Cycle:
        """Save the editable fields of a cycle (plan, window, budget, what went live)."""
        check_window(cycle.start, cycle.end)
        if cycle.budget is not None and cycle.budget < 0:
            raise InvalidInput(f"the cycle budget must not be negative (got {cycle.budget:g})")
        with self.write(Area.LOOP):
            before = self.cycle(cycle.id)
            self.cur.execute(
                "UPDATE cycle SET start_date = ?, end_date = ?, hypothesis = ?, "
                "planned_changes = ?, budget = ?, went_live = ?, channels = ? WHERE id = ?",
                [
                    cycle.start, cycle.end, cycle.hypothesis.strip(),
                    cycle.planned_changes.strip(), cycle.budget, cycle.went_live.strip(),
                    list(cycle.channels), cycle.id,
                ],
            )  # fmt: skip
            stored = self.cycle(cycle.id)
            self.audit("cycle", cycle.id, "update", before=before, after=stored)
        return stored

    def set_phase(
        self, cycle_id: uuid.UUID, phase: Phase, at: datetime | None = None, action: str = "phase"
    ) -> Cycle:
        """Move a cycle to ``phase`` and stamp when; loop.py decides whether the move is allowed."""
        with self.write(Area.LOOP):
            before = self.cycle(cycle_id)
            column = _PHASE_COLUMNS[phase]
            self.cur.execute(
                f"UPDATE cycle SET phase = ?, {column} = ? WHERE id = ?",
                [phase.value, at or now(), cycle_id],
            )
            stored = self.cycle(cycle_id)
            self.audit(
                "cycle", cycle_id, action, before={"phase": before.phase}, after={"phase": phase}
            )
        return stored

    # -- feedback -------------------------------------------------------------------------

    def feedback(self, cycle_id: uuid.UUID) -> list[Feedback]:
        """Return the feedback of a cycle, oldest first."""
        rows = self._all(
            f"SELECT {_FEEDBACK_COLS} FROM feedback WHERE cycle_id = ? ORDER BY created_at, id",
            [cycle_id],
        )
        return [_feedback(r) for r in rows]

    def feedback_item(self, feedback_id: uuid.UUID | str) -> Feedback:
        """Return one feedback item by id."""
        fid = parse_uuid(feedback_id, "feedback")
        row = self._one(f"SELECT {_FEEDBACK_COLS} FROM feedback WHERE id = ?", [fid])
        if row is None:
            raise NotFound(f"no feedback with id {fid}")
        return _feedback(row)

    def add_feedback(
        self,
        cycle_id: uuid.UUID,
        source: FeedbackSource,
        kind: FeedbackKind,
        text: str,
        goal_id: uuid.UUID | None = None,
        at: datetime | None = None,
    ) -> Feedback:
        """Record one piece of feedback for a cycle, status open; return it."""
        body = require_text(text, "the feedback text")
        fid = new_id()
        stamp = at or now()
        with self.write(Area.LOOP):
            self.cycle(cycle_id)
            if (
                goal_id is not None
                and self._one("SELECT 1 FROM goal WHERE id = ?", [goal_id]) is None
            ):
                raise NotFound(f"no goal with id {goal_id}")
            self.cur.execute(
                f"INSERT INTO feedback ({_FEEDBACK_COLS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [fid, cycle_id, source.value, kind.value, body, FeedbackStatus.OPEN.value,
                 goal_id, None, stamp, stamp],
            )  # fmt: skip
            stored = self.feedback_item(fid)
            self.audit("feedback", fid, "create", after=stored)
        return stored

    def set_feedback_status(
        self,
        feedback_id: uuid.UUID,
        status: FeedbackStatus,
        optimization_id: uuid.UUID | None = None,
    ) -> Feedback:
        """Change a feedback item's status (and the optimization that addressed it)."""
        with self.write(Area.LOOP):
            before = self.feedback_item(feedback_id)
            opt = optimization_id if optimization_id is not None else before.optimization_id
            self.cur.execute(
                "UPDATE feedback SET status = ?, optimization_id = ?, updated_at = ? WHERE id = ?",
                [status.value, opt, now(), feedback_id],
            )
            stored = self.feedback_item(feedback_id)
            self.audit("feedback", feedback_id, "status", before=before, after=stored)
        return stored

    def open_criticism(self) -> list[OpenCriticism]:
        """Return criticism still open, with each item's campaign id, cycle number and phase."""
        rows = self._all(
            f"SELECT {', '.join('f.' + c.strip() for c in _FEEDBACK_COLS.split(','))}, "
            "c.campaign_id, c.number, c.phase FROM feedback f JOIN cycle c ON c.id = f.cycle_id "
            "WHERE f.kind = 'criticism' AND f.status = 'open' ORDER BY f.created_at",
        )
        return [OpenCriticism(_feedback(r[:9]), r[9], r[10], Phase(r[11])) for r in rows]

    # -- optimizations --------------------------------------------------------------------

    def optimizations(self, cycle_id: uuid.UUID) -> list[Optimization]:
        """Return the optimizations planned in a cycle, oldest first."""
        rows = self._all(
            f"SELECT {_OPT_COLS} FROM optimization WHERE cycle_id = ? ORDER BY created_at, id",
            [cycle_id],
        )
        return [_optimization(r) for r in rows]

    def optimization(self, optimization_id: uuid.UUID | str) -> Optimization:
        """Return one optimization by id."""
        oid = parse_uuid(optimization_id, "optimization")
        row = self._one(f"SELECT {_OPT_COLS} FROM optimization WHERE id = ?", [oid])
        if row is None:
            raise NotFound(f"no optimization with id {oid}")
        return _optimization(row)

    def add_optimization(self, opt: Optimization) -> Optimization:
        """Record what changes next and why; the feedback it answers becomes addressed."""
        what = require_text(opt.what, "what changes")
        with self.write(Area.LOOP):
            self.cycle(opt.cycle_id)
            for lid in opt.learning_ids:
                self.learning(lid)
            for fid in opt.feedback_ids:
                self.feedback_item(fid)
            stamp = opt.created_at or now()
            self.cur.execute(
                f"INSERT INTO optimization ({_OPT_COLS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [opt.id, opt.cycle_id, what, opt.why.strip(), list(opt.learning_ids),
                 list(opt.feedback_ids), opt.owner.strip(), opt.status.value, stamp, stamp],
            )  # fmt: skip
            for fid in opt.feedback_ids:
                if self.feedback_item(fid).status is FeedbackStatus.OPEN:
                    self.set_feedback_status(fid, FeedbackStatus.ADDRESSED, opt.id)
            stored = self.optimization(opt.id)
            self.audit("optimization", opt.id, "create", after=stored)
        return stored

    # -- learnings ------------------------------------------------------------------------

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
            self.cycle(learning.cycle_id)
            stamp = learning.created_at or now()
            self.cur.execute(
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
            self.audit("learning", learning.id, "create", after=stored)
        return stored

    def update_learning(self, learning: Learning, action: str = "update") -> Learning:
        """Save every field of an edited learning; return it as stored."""
        statement = require_text(learning.statement, "the learning")
        with self.write(Area.LOOP):
            before = self.learning(learning.id)
            decided_at = before.decided_at
            if learning.decision is not before.decision:
                decided_at = None if learning.decision is Decision.PENDING else now()
            self.cur.execute(
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
            self.audit("learning", learning.id, action, before=before, after=stored)
        return stored

    def record_carried_result(
        self,
        learning_id: uuid.UUID | str,
        cycle_id: uuid.UUID,
        applied: bool,
        reason: str,
        outcome: Outcome | None,
    ) -> Learning:
        """Record in one transaction whether a carried learning was applied and its outcome."""
        with self.write(Area.LOOP):
            # Read inside the write: the learning may have been carried elsewhere meanwhile.
            before = self.learning(learning_id)
            if before.carried_into_id != cycle_id:
                number = self.cycle(cycle_id).number
                raise InvalidInput(
                    f"learning {str(before.id)[:8]} was not carried into cycle {number}"
                )
            self.cur.execute(
                "UPDATE learning SET applied = ?, applied_reason = ?, updated_at = ? WHERE id = ?",
                [applied, reason.strip(), now(), before.id],
            )
            marked = self.learning(before.id)
            self.audit("learning", before.id, "apply", before=before, after=marked)
            self.cur.execute(
                "UPDATE learning SET outcome = ?, updated_at = ? WHERE id = ?",
                [outcome.value if outcome else None, now(), before.id],
            )
            stored = self.learning(before.id)
            self.audit("learning", before.id, "outcome", before=marked, after=stored)
        return stored

    def decide_learning(self, learning_id: uuid.UUID | str, decision: Decision) -> Learning:
        """Record the decision on a learning; return it."""
        learning = replace(self.learning(learning_id), decision=decision)
        return self.update_learning(learning, action="decide")
