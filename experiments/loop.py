"""The launch-and-learn loop: which phase may follow which, the gate before the next start, and
the learnings a cycle carries into the next.

The store keeps data whole; the rules of the loop live here. Every write runs through the store
(role check, one transaction, audit under the acting user); a refusal changes nothing. A rule
that reads state and then writes takes the state the person saw (``seen``, default: as stored
when called) and checks it again inside the write transaction: a lost race answers
ChangedMeanwhile and writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta

from experiments.errors import ChangedMeanwhile, Conflict, GateRefused, InvalidInput, NotFound
from experiments.models import (
    Campaign,
    Confidence,
    Cycle,
    Decision,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Learning,
    Optimization,
    Outcome,
    Phase,
    new_id,
)
from experiments.store import Area, Store

# The phase machine as data: one step forward at a time, one step back, nothing from closed.
# CLOSED is reached only by the next start, and only from OPTIMIZATION.
FORWARD: dict[Phase, Phase] = {
    Phase.START: Phase.CAMPAIGN,
    Phase.CAMPAIGN: Phase.FEEDBACK,
    Phase.FEEDBACK: Phase.OPTIMIZATION,
}
BACK: dict[Phase, Phase] = {after: before for before, after in FORWARD.items()}
LAST_OPEN_PHASE = Phase.OPTIMIZATION
CARRIED = (Decision.CARRY_FORWARD, Decision.RETEST)
FEEDBACK_FLOW = (FeedbackStatus.OPEN, FeedbackStatus.ADDRESSED, FeedbackStatus.COMMUNICATED)


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason the next start is refused: a pending learning, or the cycle's phase."""

    kind: str  # "pending" or "phase"
    learning: Learning | None = None
    phase: Phase | None = None

    def describe(self) -> str:
        """Return the blocker as one English line for the command line and the error."""
        if self.learning is not None:
            return f"learning {short_id(self.learning.id)} '{self.learning.statement}' is pending"
        return f"the cycle is in {self.phase}; advance it to optimization first"


def short_id(value: uuid.UUID) -> str:
    """Return the first 8 characters of an id: enough to name a learning on the command line."""
    return str(value)[:8]


def _label(campaign: Campaign, cycle: Cycle) -> str:
    return f"cycle {cycle.number} of '{campaign.name}'"


def open_cycle(store: Store, campaign_id: uuid.UUID) -> Cycle | None:
    """Return the campaign's open (not closed) cycle, or None."""
    return next((c for c in store.cycles(campaign_id) if c.phase is not Phase.CLOSED), None)


def current_cycle(store: Store, campaign_id: uuid.UUID) -> Cycle | None:
    """Return the open cycle of a campaign, else its newest, else None."""
    cycles = store.cycles(campaign_id)
    return open_cycle(store, campaign_id) or (cycles[-1] if cycles else None)


def _check_after(previous: Cycle | None, number: int, start: date | None) -> None:
    if previous is None or previous.end is None or start is None or start > previous.end:
        return
    first = previous.end + timedelta(days=1)
    raise InvalidInput(
        f"cycle {number} would start on {start.isoformat()}, before cycle {previous.number} "
        f"ends ({previous.end.isoformat()}); start it on {first.isoformat()} or later"
    )


def _check_before(following: Cycle | None, number: int, end: date | None) -> None:
    if following is None or following.start is None or end is None or end < following.start:
        return
    last = following.start - timedelta(days=1)
    raise InvalidInput(
        f"cycle {number} would end on {end.isoformat()}, after cycle {following.number} starts "
        f"({following.start.isoformat()}); end it on {last.isoformat()} or earlier"
    )


def suggested_window(previous: Cycle | None, today: date) -> tuple[date, date]:
    """Return a window for a new cycle: right after the previous one, as long as it was."""
    if previous is None or previous.end is None:
        return today, today + timedelta(days=27)
    length = (previous.end - previous.start).days if previous.start else 27
    start = max(previous.end + timedelta(days=1), today)
    return start, start + timedelta(days=length)


def start_first_cycle(store: Store, campaign_id: uuid.UUID, start: date | None = None,
        end: date | None = None, hypothesis: str = "", planned_changes: str = "",
        budget: float | None = None) -> tuple[Cycle, tuple[str, ...]]:  # fmt: skip
    """Open a campaign's first cycle in start; return it and the brief fields still missing."""
    campaign = store.campaign(campaign_id)
    with store.write(Area.LOOP):
        cycles = store.cycles(campaign.id)
        current = open_cycle(store, campaign.id)
        if current is not None:
            raise Conflict(
                f"'{campaign.name}' already has an open cycle (cycle {current.number}, phase "
                f"{current.phase}); turn the loop with the next start instead of opening a second"
            )
        previous = cycles[-1] if cycles else None
        number = previous.number + 1 if previous else 1
        _check_after(previous, number, start)
        cycle = store.add_cycle(
            Cycle(new_id(), campaign.id, number, Phase.START, start=start, end=end,
                  hypothesis=hypothesis, planned_changes=planned_changes, budget=budget,
                  previous_id=previous.id if previous else None)
        )  # fmt: skip
    return cycle, campaign.missing_essentials()


def _closed_refusal(campaign: Campaign, cycle: Cycle) -> Conflict:
    return Conflict(
        f"{_label(campaign, cycle)} is closed; nothing moves from closed (work in the newest cycle)"
    )


def _move(store: Store, cycle_id: uuid.UUID, seen: Phase | None, back: bool) -> Cycle:
    # What the caller saw (default: the phase as stored now), checked again inside the write.
    expected = store.cycle(cycle_id).phase if seen is None else seen
    with store.write(Area.LOOP):
        cycle = store.cycle(cycle_id)
        campaign = store.campaign(cycle.campaign_id)
        if cycle.phase is not expected:
            raise ChangedMeanwhile("cycle_phase", campaign=campaign.name, number=cycle.number,
                                   seen=expected, now=cycle.phase)  # fmt: skip
        if cycle.phase is Phase.CLOSED:
            raise _closed_refusal(campaign, cycle)
        steps = BACK if back else FORWARD
        if cycle.phase not in steps and back:
            raise Conflict(
                f"{_label(campaign, cycle)} is in start, the first phase; there is no step back"
            )
        if cycle.phase not in steps:
            raise Conflict(
                f"{_label(campaign, cycle)} is in optimization, the last phase; the next start "
                f"closes it and opens cycle {cycle.number + 1}"
            )
        action = "phase_back" if back else "phase"
        return store.set_phase(cycle.id, steps[cycle.phase], action=action, expected=cycle.phase)


def advance(store: Store, cycle_id: uuid.UUID, seen: Phase | None = None) -> Cycle:
    """Move an open cycle one phase forward from ``seen`` (the phase the person saw; default:
    as stored now); return it. A move made by someone else meanwhile is not made again."""
    return _move(store, cycle_id, seen, back=False)


def step_back(store: Store, cycle_id: uuid.UUID, seen: Phase | None = None) -> Cycle:
    """Move an open cycle one phase back from ``seen`` (recorded as such in the audit)."""
    return _move(store, cycle_id, seen, back=True)


def blockers(store: Store, cycle: Cycle) -> list[Blocker]:
    """Return what keeps a cycle from closing: its phase, then each of its pending learnings."""
    found = []
    if cycle.phase is not LAST_OPEN_PHASE:
        found.append(Blocker("phase", phase=cycle.phase))
    for learning in store.learnings(cycle_id=cycle.id):
        if learning.decision is Decision.PENDING:
            found.append(Blocker("pending", learning=learning))
    return found


def planned_from(optimizations: Sequence[Optimization]) -> str:
    """Return a cycle's optimizations as the next cycle's planned changes, one per line."""
    return "\n".join(f"- {o.what}" for o in optimizations)


def next_start(store: Store, campaign_id: uuid.UUID, start: date | None = None,
        end: date | None = None, hypothesis: str = "", today: date | None = None,
        planned_changes: str | None = None, budget: float | None = None,
        closing: uuid.UUID | None = None) -> Cycle:  # fmt: skip
    """Close the open cycle and open the next in start with its carried learnings; return it.

    ``closing`` is the cycle the person meant to close (default: the open one as stored now);
    when the loop turned meanwhile, nothing is closed twice. Without ``planned_changes`` the
    next cycle plans what the closing cycle's optimizations said would change next.
    """
    campaign = store.campaign(campaign_id)
    expected = closing if closing is not None else _open_id(store, campaign)
    # The gate is checked inside the write so that no learning slips in between check and close.
    with store.write(Area.LOOP):
        current = open_cycle(store, campaign.id)
        if current is None or current.id != expected:
            number = store.cycle(expected).number
            raise ChangedMeanwhile("open_cycle", campaign=campaign.name, number=number)
        found = blockers(store, current)
        if found:
            lines = tuple(b.describe() for b in found)
            raise GateRefused(
                f"the next start is refused: {_label(campaign, current)} cannot close yet; "
                + "; ".join(lines),
                lines,
            )
        if start is None:
            start, default_end = suggested_window(current, today or date.today())
            end = end or default_end
        _check_after(current, current.number + 1, start)
        if planned_changes is None:
            planned_changes = planned_from(store.optimizations(current.id))
        closed = store.set_phase(current.id, Phase.CLOSED, action="close", expected=current.phase)
        following = store.add_cycle(
            Cycle(new_id(), campaign.id, current.number + 1, Phase.START, start=start, end=end,
                  hypothesis=hypothesis, planned_changes=planned_changes, budget=budget,
                  previous_id=current.id)
        )  # fmt: skip
        for learning in store.learnings(cycle_id=current.id):
            if learning.decision in CARRIED:
                store.update_learning(replace(learning, carried_into_id=following.id), "carry")
        store.record_next_start(closed, following)
    return following


def _open_id(store: Store, campaign: Campaign) -> uuid.UUID:
    current = open_cycle(store, campaign.id)
    if current is None:
        raise NotFound(f"'{campaign.name}' has no open cycle to close; start its first cycle")
    return current.id


def save_plan(store: Store, cycle: Cycle, seen: Cycle | None = None) -> Cycle:
    """Save a cycle's plan (window, hypothesis, changes, budget, what went live); return it.
    ``seen`` is the cycle as the editor loaded it (default: as stored now): a plan someone
    changed meanwhile is refused, not overwritten."""
    expected = store.cycle(cycle.id) if seen is None else seen
    with store.write(Area.LOOP):
        stored = store.cycle(cycle.id)
        if stored.phase is Phase.CLOSED and expected.phase is Phase.CLOSED:
            raise _closed_refusal(store.campaign(stored.campaign_id), stored)
        if stored.phase is Phase.CLOSED:
            raise store.closed_meanwhile(stored.id)
        cycles = {c.number: c for c in store.cycles(stored.campaign_id)}
        _check_after(cycles.get(stored.number - 1), stored.number, cycle.start)
        _check_before(cycles.get(stored.number + 1), stored.number, cycle.end)
        edited = replace(cycle, campaign_id=stored.campaign_id, number=stored.number)
        return store.update_cycle(edited, seen=expected)


def _open_for_writing(store: Store, cycle_id: uuid.UUID, what: str) -> Cycle:
    cycle = store.cycle(cycle_id)
    if cycle.phase is Phase.CLOSED:
        campaign = store.campaign(cycle.campaign_id)
        raise Conflict(f"{_label(campaign, cycle)} is closed; record new {what} in the open cycle")
    return cycle


@contextmanager
def _into_open_cycle(store: Store, cycle_id: uuid.UUID, what: str) -> Iterator[None]:
    # Refused plainly when the cycle was closed already; when it closes between that check
    # and the write, the write transaction sees it and answers "changed meanwhile".
    _open_for_writing(store, cycle_id, what)
    with store.write(Area.LOOP):
        if store.claim_cycle(cycle_id) is Phase.CLOSED:
            raise store.closed_meanwhile(cycle_id)
        yield


def add_learning(store: Store, cycle_id: uuid.UUID, statement: str, evidence: str = "",
        tags: tuple[str, ...] = (), confidence: str | None = None,
        evidence_snapshot: str | None = None) -> Learning:  # fmt: skip
    """Record a learning of an open cycle, its decision pending; return it."""
    level = Confidence(confidence) if confidence else None
    with _into_open_cycle(store, cycle_id, "learnings"):
        return store.add_learning(
            Learning(new_id(), cycle_id, statement, evidence=evidence, tags=tags,
                     confidence=level, evidence_snapshot=evidence_snapshot)
        )  # fmt: skip


def decide(store: Store, learning_id: uuid.UUID | str, decision: Decision,
        seen: Decision | None = None) -> Learning:  # fmt: skip
    """Record carry forward, drop or retest for a learning of an open cycle; return it.
    ``seen`` is the decision the person saw (default: as stored now): a decision someone made
    meanwhile is refused, not overwritten."""
    if decision is Decision.PENDING:
        raise InvalidInput("decide carry_forward, drop or retest")
    learning = store.learning(learning_id)
    cycle = store.cycle(learning.cycle_id)
    if cycle.phase is Phase.CLOSED:
        campaign = store.campaign(cycle.campaign_id)
        raise Conflict(f"{_label(campaign, cycle)} is closed; its decisions are final")
    expected = learning.decision if seen is None else seen
    with store.write(Area.LOOP):
        # The gate reads the decisions inside the next start's write; a decision made after the
        # close would change what was carried.
        if store.claim_cycle(cycle.id) is Phase.CLOSED:
            raise store.closed_meanwhile(cycle.id)
        return store.decide_learning(learning.id, decision, expected=expected)


def _carried_into(store: Store, learning_id: uuid.UUID | str, cycle_id: uuid.UUID) -> Learning:
    learning = store.learning(learning_id)
    if learning.carried_into_id != cycle_id:
        cycle = store.cycle(cycle_id)
        raise InvalidInput(
            f"learning {short_id(learning.id)} was not carried into cycle {cycle.number}"
        )
    return learning


def mark_applied(
    store: Store, learning_id: uuid.UUID | str, cycle_id: uuid.UUID, applied: bool, reason: str = ""
) -> Learning:
    """Record whether the receiving cycle applied a carried learning, and why not; return it."""
    if not applied and not reason.strip():
        raise InvalidInput("say why the learning was not applied (a short reason)")
    seen = _carried_into(store, learning_id, cycle_id)
    changed = replace(seen, applied=applied, applied_reason=reason.strip())
    return store.update_learning(changed, "apply", seen=seen)


def set_outcome(store: Store, learning_id: uuid.UUID | str, cycle_id: uuid.UUID,
        outcome: Outcome | None, seen: Learning | None = None) -> Learning:  # fmt: skip
    """Record how a carried learning fared in the cycle it was carried into; return it.
    ``seen`` is the learning as the person saw it (default: as stored now)."""
    learning = _carried_into(store, learning_id, cycle_id)
    expected = learning if seen is None else seen
    return store.update_learning(replace(expected, outcome=outcome), "outcome", seen=expected)


def record_carried_result(store: Store, learning_id: uuid.UUID | str, cycle_id: uuid.UUID,
        applied: bool | None, reason: str = "", outcome: Outcome | None = None,
        seen: Learning | None = None) -> Learning:  # fmt: skip
    """Record whether a carried learning was applied (and why not) with its outcome, together.
    ``seen`` is the learning as the person saw it (default: as stored now)."""
    if applied is None:
        raise InvalidInput("say whether the learning was applied: yes or no")
    if not applied and not reason.strip():
        raise InvalidInput("say why the learning was not applied (a short reason)")
    expected = store.learning(learning_id) if seen is None else seen
    return store.record_carried_result(learning_id, cycle_id, applied, reason, outcome, expected)


def restate(store: Store, learning_id: uuid.UUID | str, cycle_id: uuid.UUID) -> Learning:
    """Record a carried learning again as the receiving cycle's own (to retest it); return it."""
    learning = _carried_into(store, learning_id, cycle_id)
    level = learning.confidence.value if learning.confidence else None
    with _into_open_cycle(store, cycle_id, "learnings"):
        # Checked inside the write: two people restating at once record it once.
        own = store.learnings(cycle_id=cycle_id)
        if any(x.statement.strip().lower() == learning.statement.strip().lower() for x in own):
            raise Conflict("this cycle already has that learning as its own")
        return add_learning(store, cycle_id, learning.statement, learning.evidence,
                            learning.tags, level)  # fmt: skip


def add_feedback(store: Store, cycle_id: uuid.UUID, source: FeedbackSource, kind: FeedbackKind,
        text: str, goal_id: uuid.UUID | None = None) -> Feedback:  # fmt: skip
    """Record feedback (a stakeholder request with the goal it serves, if any); return it."""
    if goal_id is not None and kind is not FeedbackKind.REQUEST:
        raise InvalidInput("only a request names the goal it would serve; choose kind request")
    with _into_open_cycle(store, cycle_id, "feedback"):
        return store.add_feedback(cycle_id, source, kind, text, goal_id=goal_id)


def next_feedback_status(item: Feedback) -> FeedbackStatus | None:
    """Return the status feedback moves on to, or None once it is communicated."""
    position = FEEDBACK_FLOW.index(item.status) + 1
    return FEEDBACK_FLOW[position] if position < len(FEEDBACK_FLOW) else None


def move_feedback(
    store: Store, feedback_id: uuid.UUID, seen: FeedbackStatus | None = None
) -> Feedback:
    """Move feedback one status on (open → addressed → communicated) from ``seen`` (the status
    the person saw; default: as stored now); return it."""
    item = store.feedback_item(feedback_id)
    expected = item.status if seen is None else seen
    position = FEEDBACK_FLOW.index(expected)
    if position == len(FEEDBACK_FLOW) - 1:
        raise Conflict("this feedback is already communicated; there is no further status")
    return store.set_feedback_status(item.id, FEEDBACK_FLOW[position + 1], expected=expected)


def add_optimization(store: Store, cycle_id: uuid.UUID, what: str, why: str = "",
        learning_ids: tuple[uuid.UUID, ...] = (), feedback_ids: tuple[uuid.UUID, ...] = (),
        owner: str = "") -> Optimization:  # fmt: skip
    """Record what changes next and why; the feedback it answers becomes addressed."""
    with _into_open_cycle(store, cycle_id, "optimizations"):
        return store.add_optimization(
            Optimization(new_id(), cycle_id, what, why=why, learning_ids=learning_ids,
                         feedback_ids=feedback_ids, owner=owner)
        )  # fmt: skip


def inputs(store: Store, cycle: Cycle) -> list[Learning]:
    """Return the learnings carried into a cycle from its predecessor (its inputs)."""
    return store.learnings(carried_into=cycle.id)
