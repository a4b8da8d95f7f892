"""The launch-and-learn loop: which phase may follow which, the gate before the next start, and
the learnings a cycle carries into the next.

The store keeps data whole; the rules of the loop live here. Every write runs through the store
(role check, one transaction, audit under the acting user); a refusal changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from experiments.errors import Conflict, GateRefused, InvalidInput, NotFound
from experiments.models import (
    Alias,
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


def advance(store: Store, cycle_id: uuid.UUID) -> Cycle:
    """Move an open cycle one phase forward; return it."""
    cycle = store.cycle(cycle_id)
    campaign = store.campaign(cycle.campaign_id)
    if cycle.phase is Phase.CLOSED:
        raise _closed_refusal(campaign, cycle)
    if cycle.phase not in FORWARD:
        raise Conflict(
            f"{_label(campaign, cycle)} is in optimization, the last phase; the next start "
            f"closes it and opens cycle {cycle.number + 1}"
        )
    return store.set_phase(cycle.id, FORWARD[cycle.phase])


def step_back(store: Store, cycle_id: uuid.UUID) -> Cycle:
    """Move an open cycle one phase back (recorded as such in the audit); return it."""
    cycle = store.cycle(cycle_id)
    campaign = store.campaign(cycle.campaign_id)
    if cycle.phase is Phase.CLOSED:
        raise _closed_refusal(campaign, cycle)
    if cycle.phase not in BACK:
        raise Conflict(
            f"{_label(campaign, cycle)} is in start, the first phase; there is no step back"
        )
    return store.set_phase(cycle.id, BACK[cycle.phase], action="phase_back")


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
        planned_changes: str | None = None, budget: float | None = None) -> Cycle:  # fmt: skip
    """Close the open cycle and open the next in start with its carried learnings; return it.

    Without ``planned_changes`` the next cycle plans what the closing cycle's optimizations
    said would change next.
    """
    campaign = store.campaign(campaign_id)
    # The gate is checked inside the write so that no learning slips in between check and close.
    with store.write(Area.LOOP):
        current = open_cycle(store, campaign.id)
        if current is None:
            raise NotFound(f"'{campaign.name}' has no open cycle to close; start its first cycle")
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
        store.set_phase(current.id, Phase.CLOSED, action="close")
        following = store.add_cycle(
            Cycle(new_id(), campaign.id, current.number + 1, Phase.START, start=start, end=end,
                  hypothesis=hypothesis, planned_changes=planned_changes, budget=budget,
                  previous_id=current.id)
        )  # fmt: skip
        for learning in store.learnings(cycle_id=current.id):
            if learning.decision in CARRIED:
                store.update_learning(replace(learning, carried_into_id=following.id), "carry")
        store.audit("campaign", campaign.id, "next_start", before={"cycle": current.number},
                    after={"cycle": following.number})  # fmt: skip
    return following


def save_plan(store: Store, cycle: Cycle) -> Cycle:
    """Save a cycle's plan (window, hypothesis, changes, budget, what went live); return it."""
    stored = store.cycle(cycle.id)
    if stored.phase is Phase.CLOSED:
        raise _closed_refusal(store.campaign(stored.campaign_id), stored)
    cycles = {c.number: c for c in store.cycles(stored.campaign_id)}
    _check_after(cycles.get(stored.number - 1), stored.number, cycle.start)
    _check_before(cycles.get(stored.number + 1), stored.number, cycle.end)
    return store.update_cycle(replace(cycle, campaign_id=stored.campaign_id, number=stored.number))


def _open_for_writing(store: Store, cycle_id: uuid.UUID, what: str) -> Cycle:
    cycle = store.cycle(cycle_id)
    if cycle.phase is Phase.CLOSED:
        campaign = store.campaign(cycle.campaign_id)
        raise Conflict(f"{_label(campaign, cycle)} is closed; record new {what} in the open cycle")
    return cycle


def add_learning(store: Store, cycle_id: uuid.UUID, statement: str, evidence: str = "",
        tags: tuple[str, ...] = (), confidence: str | None = None) -> Learning:  # fmt: skip
    """Record a learning of an open cycle, its decision pending; return it."""
    _open_for_writing(store, cycle_id, "learnings")
    level = Confidence(confidence) if confidence else None
    return store.add_learning(
        Learning(new_id(), cycle_id, statement, evidence=evidence, tags=tags, confidence=level)
    )


def decide(store: Store, learning_id: uuid.UUID | str, decision: Decision) -> Learning:
    """Record carry forward, drop or retest for a learning of an open cycle; return it."""
    if decision is Decision.PENDING:
        raise InvalidInput("decide carry_forward, drop or retest")
    learning = store.learning(learning_id)
    cycle = store.cycle(learning.cycle_id)
    if cycle.phase is Phase.CLOSED:
        campaign = store.campaign(cycle.campaign_id)
        raise Conflict(f"{_label(campaign, cycle)} is closed; its decisions are final")
    return store.decide_learning(learning.id, decision)


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
    learning = _carried_into(store, learning_id, cycle_id)
    if not applied and not reason.strip():
        raise InvalidInput("say why the learning was not applied (a short reason)")
    changed = replace(learning, applied=applied, applied_reason=reason.strip())
    return store.update_learning(changed, "apply")


def set_outcome(
    store: Store, learning_id: uuid.UUID | str, cycle_id: uuid.UUID, outcome: Outcome | None
) -> Learning:
    """Record how a carried learning fared in the cycle it was carried into; return it."""
    learning = _carried_into(store, learning_id, cycle_id)
    return store.update_learning(replace(learning, outcome=outcome), "outcome")


def record_carried_result(store: Store, learning_id: uuid.UUID | str, cycle_id: uuid.UUID,
        applied: bool | None, reason: str = "",
        outcome: Outcome | None = None) -> Learning:  # fmt: skip
    """Record whether a carried learning was applied (and why not) with its outcome, together."""
    if applied is None:
        raise InvalidInput("say whether the learning was applied: yes or no")
    if not applied and not reason.strip():
        raise InvalidInput("say why the learning was not applied (a short reason)")
    return store.record_carried_result(learning_id, cycle_id, applied, reason, outcome)


def restate(store: Store, learning_id: uuid.UUID | str, cycle_id: uuid.UUID) -> Learning:
    """Record a carried learning again as the receiving cycle's own (to retest it); return it."""
    learning = _carried_into(store, learning_id, cycle_id)
    own = store.learnings(cycle_id=cycle_id)
    if any(x.statement.strip().lower() == learning.statement.strip().lower() for x in own):
        raise Conflict("this cycle already has that learning as its own")
    return add_learning(
        store, cycle_id, learning.statement, learning.evidence, learning.tags,
        learning.confidence.value if learning.confidence else None,
    )  # fmt: skip


def add_feedback(store: Store, cycle_id: uuid.UUID, source: FeedbackSource, kind: FeedbackKind,
        text: str, goal_id: uuid.UUID | None = None) -> Feedback:  # fmt: skip
    """Record feedback (a stakeholder request with the goal it serves, if any); return it."""
    _open_for_writing(store, cycle_id, "feedback")
    if goal_id is not None and kind is not FeedbackKind.REQUEST:
        raise InvalidInput("only a request names the goal it would serve; choose kind request")
    return store.add_feedback(cycle_id, source, kind, text, goal_id=goal_id)


def next_feedback_status(item: Feedback) -> FeedbackStatus | None:
    """Return the status feedback moves on to, or None once it is communicated."""
    position = FEEDBACK_FLOW.index(item.status) + 1
    return FEEDBACK_FLOW[position] if position < len(FEEDBACK_FLOW) else None


def move_feedback(store: Store, feedback_id: uuid.UUID) -> Feedback:
    """Move feedback one status on (open → addressed → communicated); return it."""
    item = store.feedback_item(feedback_id)
    position = FEEDBACK_FLOW.index(item.status)
    if position == len(FEEDBACK_FLOW) - 1:
        raise Conflict("this feedback is already communicated; there is no further status")
    return store.set_feedback_status(item.id, FEEDBACK_FLOW[position + 1])


@dataclass(frozen=True, slots=True)
class Step:
    """One phase in a cycle's stepper: done, current or to come, and when it was entered."""

    phase: Phase
    state: str  # "done", "current" or "todo"
    at: datetime | None


def steps(cycle: Cycle) -> list[Step]:
    """Return the stepper of a cycle: every phase with its state and when it was entered."""
    order = list(FORWARD) + [LAST_OPEN_PHASE, Phase.CLOSED]
    # A closed cycle has been through every step, the next start included.
    here = len(order) if cycle.phase is Phase.CLOSED else order.index(cycle.phase)
    return [
        Step(p, "done" if i < here else "current" if i == here else "todo",
             cycle.phase_changed_at.get(p.value))
        for i, p in enumerate(order)
    ]  # fmt: skip


def add_optimization(store: Store, cycle_id: uuid.UUID, what: str, why: str = "",
        learning_ids: tuple[uuid.UUID, ...] = (), feedback_ids: tuple[uuid.UUID, ...] = (),
        owner: str = "") -> Optimization:  # fmt: skip
    """Record what changes next and why; the feedback it answers becomes addressed."""
    _open_for_writing(store, cycle_id, "optimizations")
    return store.add_optimization(
        Optimization(new_id(), cycle_id, what, why=why, learning_ids=learning_ids,
                     feedback_ids=feedback_ids, owner=owner)
    )  # fmt: skip


def inputs(store: Store, cycle: Cycle) -> list[Learning]:
    """Return the learnings carried into a cycle from its predecessor (its inputs)."""
    return store.learnings(carried_into=cycle.id)


def cycle_document(store: Store, campaign: Campaign, number: int | None = None) -> dict[str, Any]:
    """Return a cycle as the JSON document of 'cycle show': its own and its carried learnings."""
    cycle = (
        store.cycle_by_number(campaign.id, number) if number else current_cycle(store, campaign.id)
    )
    if cycle is None:
        raise NotFound(f"'{campaign.name}' has no cycle yet; start one with 'cycle start'")
    numbers = {c.id: c.number for c in store.cycles(campaign.id)}
    rows = [(x, numbers.get(x.cycle_id)) for x in inputs(store, cycle)]
    rows += [(x, None) for x in store.learnings(cycle_id=cycle.id)]
    return {
        "campaign": campaign.name, "number": cycle.number, "phase": cycle.phase.value,
        "start": cycle.start, "end": cycle.end, "hypothesis": cycle.hypothesis,
        "learnings": [
            {"id": str(x.id), "text": x.statement, "decision": x.decision.value,
             "carried_from": origin, "outcome": x.outcome.value if x.outcome else None}
            for x, origin in rows
        ],
    }  # fmt: skip


def timeline_rows(store: Store) -> list[dict[str, Any]]:
    """Return every cycle with a window as a timeline bar: campaign, number, phase, dates, id."""
    names = {c.id: c.name for c in store.campaigns()}
    return [
        {"campaign": names[c.campaign_id], "number": c.number, "phase": c.phase.value,
         "start": c.start, "end": c.end, "id": str(c.id)}
        for c in store.cycles()
        if c.start is not None and c.end is not None and c.campaign_id in names
    ]  # fmt: skip


def parse_aliases(text: str) -> tuple[Alias, ...]:
    """Return the aliases written one per line as 'platform: name' or just 'name'."""
    found = []
    for line in text.splitlines():
        platform, sep, name = line.partition(":")
        # A platform key is one word: 'Summer Sale: Berlin' stays one name with a colon.
        if sep and platform.strip() and name.strip() and " " not in platform.strip():
            found.append(Alias(name.strip(), platform.strip().lower()))
        elif line.strip():
            found.append(Alias(line.strip()))
    return tuple(found)


def aliases_text(aliases: tuple[Alias, ...]) -> str:
    """Return aliases one per line, as parse_aliases reads them."""
    return "\n".join(f"{a.platform}: {a.name}" if a.platform else a.name for a in aliases)


# The cycle page's tabs: one per open phase, then the cycle's learnings.
LEARNINGS_TAB = "learnings"
TABS: tuple[str, ...] = (*(p.value for p in (*FORWARD, LAST_OPEN_PHASE)), LEARNINGS_TAB)


@dataclass(frozen=True, slots=True)
class Workspace:
    """Everything the cycle page shows of one cycle: the page reads it and renders, no rules."""

    campaign: Campaign
    cycles: tuple[Cycle, ...]
    cycle: Cycle
    locked: bool  # a closed cycle is read-only
    numbers: Mapping[uuid.UUID, int]  # cycle id → number, for learnings from or into cycles
    own: tuple[Learning, ...]  # the cycle's own learnings
    carried_in: tuple[Learning, ...]  # learnings carried into this cycle (its inputs)
    restatable: frozenset[uuid.UUID]  # carried learnings that may be recorded again to retest
    feedback: tuple[Feedback, ...]
    next_status: Mapping[uuid.UUID, FeedbackStatus]  # feedback id → the status it moves on to
    optimizations: tuple[Optimization, ...]
    goal_names: Mapping[uuid.UUID, str]
    pending: tuple[Learning, ...]  # own learnings still waiting for a decision
    blockers: tuple[Blocker, ...]  # why the next start would be refused now
    carried: tuple[Learning, ...]  # own learnings going into the next cycle
    dropped: int  # own learnings staying behind
    earlier_criticism: tuple[tuple[Feedback, int], ...]  # open criticism of earlier cycles
    spent: float | None  # spend of the campaign's facts inside the window
    budget_used: float | None  # spent / budget, where both are known
    back_to: Phase | None  # where a step back leads (None: no step back)
    forward_to: Phase | None  # where a step forward leads (None: the next start is next)
    opening_tab: str  # the phase the cycle is in; a closed cycle opens on what it learned
    next_window: tuple[date, date]
    next_changes: str  # the next cycle's planned changes, from this cycle's optimizations

    @property
    def can_turn(self) -> bool:
        """Return True when the next start is the step to offer (the last open phase)."""
        return not self.locked and self.forward_to is None


def workspace(
    store: Store, campaign_id: uuid.UUID, number: int | None, today: date
) -> Workspace | None:
    """Return the cycle page's view of cycle ``number`` (default: the current one), or None
    when the campaign has no cycle yet."""
    campaign = store.campaign(campaign_id)
    cycles = tuple(store.cycles(campaign.id))
    if not cycles:
        return None
    by_number = {c.number: c for c in cycles}
    cycle = by_number.get(number) if number is not None else None
    cycle = cycle or current_cycle(store, campaign.id) or cycles[-1]
    locked = cycle.phase is Phase.CLOSED
    own = tuple(store.learnings(cycle_id=cycle.id))
    carried_in = tuple(inputs(store, cycle))
    feedback = tuple(store.feedback(cycle.id))
    optimizations = tuple(store.optimizations(cycle.id))
    found = tuple(blockers(store, cycle))
    carried = tuple(x for x in own if x.decision in CARRIED)
    spent = store.campaign_spend(campaign.id, cycle.start, cycle.end)
    earlier = tuple(
        (c.feedback, c.cycle_number)
        for c in store.open_criticism()
        if c.campaign_id == campaign.id and c.cycle_number < cycle.number
    )
    return Workspace(
        campaign=campaign, cycles=cycles, cycle=cycle, locked=locked,
        numbers={c.id: c.number for c in cycles}, own=own, carried_in=carried_in,
        restatable=frozenset(
            x.id for x in carried_in if x.decision is Decision.RETEST and not locked
        ),
        feedback=feedback,
        next_status={f.id: s for f in feedback if (s := next_feedback_status(f)) is not None},
        optimizations=optimizations, goal_names={g.id: g.name for g in store.goals()},
        pending=tuple(x for x in own if x.decision is Decision.PENDING), blockers=found,
        carried=carried, dropped=len(own) - len(carried), earlier_criticism=earlier,
        spent=spent,
        budget_used=spent / cycle.budget if spent is not None and cycle.budget else None,
        back_to=None if locked else BACK.get(cycle.phase),
        forward_to=None if locked else FORWARD.get(cycle.phase),
        opening_tab=LEARNINGS_TAB if locked else cycle.phase.value,
        next_window=suggested_window(cycle, today), next_changes=planned_from(optimizations),
    )  # fmt: skip
