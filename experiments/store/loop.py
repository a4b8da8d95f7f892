"""Cycles and what happens in them: feedback and optimizations (learnings: learnings.py).

The store keeps the data whole (ids exist, numbers unique, windows ordered); the rules of the
loop itself (which phase may follow which, the gate before the next start) live in loop.py.
A move takes the state the caller checked (``expected``/``seen``) and makes the change only
from that state, inside the write transaction: a change made meanwhile is refused with
ChangedMeanwhile, and the move is neither made twice nor recorded as a no-op.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from experiments.errors import ChangedMeanwhile, Conflict, InvalidInput, NotFound
from experiments.models import (
    Cycle,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    OpenCriticism,
    Optimization,
    OptimizationStatus,
    Phase,
    new_id,
)
from experiments.store._base import Area, check_window, now, parse_uuid, require_text
from experiments.store.learnings import LearningStore

_CYCLE_COLS = (
    "id, campaign_id, number, phase, start_date, end_date, hypothesis, planned_changes, budget, "
    "previous_id, went_live, channels, start_at, campaign_at, feedback_at, optimization_at, "
    "closed_at, created_at"
)
_PHASE_COLUMNS = {p: f"{p.value}_at" for p in Phase}
_FEEDBACK_COLS = "id, cycle_id, source, kind, text, status, goal_id, optimization_id, created_at"
_OPT_COLS = "id, cycle_id, what, why, learning_ids, feedback_ids, owner, status, created_at"


def _cycle(row: tuple[Any, ...]) -> Cycle:
    stamps = {p.value: row[12 + i] for i, p in enumerate(Phase) if row[12 + i] is not None}
    return Cycle(
        id=row[0], campaign_id=row[1], number=row[2], phase=Phase(row[3]), start=row[4],
        end=row[5], hypothesis=row[6], planned_changes=row[7], budget=row[8],
        previous_id=row[9], went_live=row[10], channels=tuple(row[11]),
        phase_changed_at=stamps, created_at=row[17],
    )  # fmt: skip


def plan_of(cycle: Cycle) -> tuple[object, ...]:
    """Return what an editor of a cycle's plan may change, to tell whether it changed."""
    return (cycle.start, cycle.end, cycle.hypothesis, cycle.planned_changes, cycle.budget,
            cycle.went_live, cycle.channels)  # fmt: skip


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


class LoopStore(LearningStore):
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
            self._claim()
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
            self._exec(
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
            self._audit("cycle", cycle.id, "create", after=stored)
        return stored

    def update_cycle(self, cycle: Cycle, seen: Cycle | None = None) -> Cycle:
        """Save the editable fields of a cycle (plan, window, budget, what went live). With
        ``seen`` (the cycle as the editor loaded it) a plan changed since is refused, not lost."""
        check_window(cycle.start, cycle.end)
        if cycle.budget is not None and cycle.budget < 0:
            raise InvalidInput(f"the cycle budget must not be negative (got {cycle.budget:g})")
        with self.write(Area.LOOP):
            before = self.cycle(cycle.id)
            if seen is not None and plan_of(before) != plan_of(seen):
                name, number, _ = self._cycle_state(before.id)
                raise ChangedMeanwhile("cycle", campaign=name, number=number)
            self._exec(
                "UPDATE cycle SET start_date = ?, end_date = ?, hypothesis = ?, "
                "planned_changes = ?, budget = ?, went_live = ?, channels = ? WHERE id = ?",
                [
                    cycle.start, cycle.end, cycle.hypothesis.strip(),
                    cycle.planned_changes.strip(), cycle.budget, cycle.went_live.strip(),
                    list(cycle.channels), cycle.id,
                ],
            )  # fmt: skip
            stored = self.cycle(cycle.id)
            self._audit("cycle", cycle.id, "update", before=before, after=stored)
        return stored

    def set_phase(self, cycle_id: uuid.UUID, phase: Phase, at: datetime | None = None,
            action: str = "phase", expected: Phase | None = None) -> Cycle:  # fmt: skip
        """Move a cycle to ``phase`` from ``expected`` (the phase the caller checked; default:
        as stored) and stamp when; loop.py decides whether the move is allowed."""
        with self.write(Area.LOOP):
            before = self.cycle(cycle_id)
            seen = before.phase if expected is None else expected
            column = _PHASE_COLUMNS[phase]
            # Only from the phase checked: the database refuses to make one move twice, so a
            # lost race neither writes a no-op entry nor overwrites the stamp of the winner.
            moved = self._changed(
                f"UPDATE cycle SET phase = ?, {column} = ? WHERE id = ? AND phase = ?",
                [phase.value, at or now(), cycle_id, seen.value],
            )
            if not moved:
                name, number, _ = self._cycle_state(cycle_id)
                raise ChangedMeanwhile(
                    "cycle_phase", campaign=name, number=number, seen=seen, now=before.phase
                )
            stored = self.cycle(cycle_id)
            self._audit(
                "cycle", cycle_id, action, before={"phase": before.phase}, after={"phase": phase}
            )
        return stored

    def record_next_start(self, closed: Cycle, opened: Cycle) -> None:
        """Record in the audit that a campaign's loop turned from ``closed`` to ``opened``."""
        with self.write(Area.LOOP):
            # Only a turn that happened is recorded: the audit is no place for claims.
            if self.cycle(closed.id).phase is not Phase.CLOSED or (
                self.cycle(opened.id).previous_id != closed.id
            ):
                raise InvalidInput(
                    f"cycle {opened.number} does not follow the closed cycle {closed.number}; "
                    "only the next start records a turn of the loop"
                )
            self._audit(
                "campaign", closed.campaign_id, "next_start",
                before={"cycle": closed.number}, after={"cycle": opened.number},
            )  # fmt: skip

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
            self._cycle_state(cycle_id)
            if (
                goal_id is not None
                and self._one("SELECT 1 FROM goal WHERE id = ?", [goal_id]) is None
            ):
                raise NotFound(f"no goal with id {goal_id}")
            self._exec(
                f"INSERT INTO feedback ({_FEEDBACK_COLS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [fid, cycle_id, source.value, kind.value, body, FeedbackStatus.OPEN.value,
                 goal_id, None, stamp, stamp],
            )  # fmt: skip
            stored = self.feedback_item(fid)
            self._audit("feedback", fid, "create", after=stored)
        return stored

    def set_feedback_status(
        self,
        feedback_id: uuid.UUID,
        status: FeedbackStatus,
        optimization_id: uuid.UUID | None = None,
        expected: FeedbackStatus | None = None,
    ) -> Feedback:
        """Change a feedback item's status (and the optimization that addressed it) from
        ``expected`` (the status the caller saw; default: as stored)."""
        with self.write(Area.LOOP):
            before = self.feedback_item(feedback_id)
            seen = before.status if expected is None else expected
            opt = optimization_id if optimization_id is not None else before.optimization_id
            moved = self._changed(
                "UPDATE feedback SET status = ?, optimization_id = ?, updated_at = ? "
                "WHERE id = ? AND status = ?",
                [status.value, opt, now(), feedback_id, seen.value],
            )
            if not moved:
                raise ChangedMeanwhile("feedback", seen=seen, now=before.status)
            stored = self.feedback_item(feedback_id)
            self._audit("feedback", feedback_id, "status", before=before, after=stored)
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
            self._cycle_state(opt.cycle_id)
            for lid in opt.learning_ids:
                self.learning(lid)
            for fid in opt.feedback_ids:
                self.feedback_item(fid)
            stamp = opt.created_at or now()
            self._exec(
                f"INSERT INTO optimization ({_OPT_COLS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [opt.id, opt.cycle_id, what, opt.why.strip(), list(opt.learning_ids),
                 list(opt.feedback_ids), opt.owner.strip(), opt.status.value, stamp, stamp],
            )  # fmt: skip
            for fid in opt.feedback_ids:
                if self.feedback_item(fid).status is FeedbackStatus.OPEN:
                    self.set_feedback_status(fid, FeedbackStatus.ADDRESSED, opt.id)
            stored = self.optimization(opt.id)
            self._audit("optimization", opt.id, "create", after=stored)
        return stored
