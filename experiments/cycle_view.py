"""How a cycle is shown: the cycle page's workspace, its phase stepper, the timeline's bars and
the document of 'cycle show'.

The page reads a ``Workspace`` and renders it; the rules behind each field (which phase comes
next, what blocks the next start, what is carried) are loop.py's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from experiments.errors import NotFound
from experiments.loop import (
    BACK,
    CARRIED,
    FORWARD,
    LAST_OPEN_PHASE,
    Blocker,
    blockers,
    current_cycle,
    inputs,
    next_feedback_status,
    planned_from,
    suggested_window,
)
from experiments.models import (
    Campaign,
    Comment,
    Cycle,
    Decision,
    Duty,
    DutyKind,
    Feedback,
    FeedbackStatus,
    Learning,
    Optimization,
    Phase,
)
from experiments.money import DEFAULT_CURRENCY, WindowMoney, window_money
from experiments.store import Area, Store
from experiments.team import may_change


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
    spent: float | None  # spend of the campaign's facts inside the window, in money.currency
    budget_used: float | None  # spent / budget, where both are known and in one currency
    back_to: Phase | None  # where a step back leads (None: no step back)
    forward_to: Phase | None  # where a step forward leads (None: the next start is next)
    opening_tab: str  # the phase the cycle is in; a closed cycle opens on what it learned
    next_window: tuple[date, date]
    next_changes: str  # the next cycle's planned changes, from this cycle's optimizations
    duties: Mapping[uuid.UUID, Duty] = field(default_factory=dict)  # item id → who, by when
    comments: Mapping[uuid.UUID, tuple[Comment, ...]] = field(default_factory=dict)  # by target
    # The open items whose owner may be set here: in a closed cycle only criticism still open
    # (it outlives its cycle and still needs an answer).
    assignable: frozenset[uuid.UUID] = frozenset()
    members: tuple[str, ...] = ()  # the active members, who may be made responsible
    people: Mapping[str, str] = field(default_factory=dict)  # username → display name
    today: date = date.min
    # Whether the person looking may change the loop (a marketer, an admin) and comment (every
    # role but viewer): the page offers forms and buttons only then; the store refuses anyway.
    may_change: bool = True
    may_comment: bool = True
    # The window's money: the spend's currency (converted at the admin's rates, or refused when
    # mixed) and the account currency the budget is in.
    money: WindowMoney = WindowMoney(DEFAULT_CURRENCY, DEFAULT_CURRENCY)

    @property
    def read_only(self) -> bool:
        """Return True when the page offers no change of the loop: a closed cycle, or a role
        that may not change it."""
        return self.locked or not self.may_change

    @property
    def can_turn(self) -> bool:
        """Return True when the next start is the step to offer (the last open phase)."""
        return not self.read_only and self.forward_to is None


def may_change_loop(store: Store) -> bool:
    """Return True when the store's actor may change the loop (start a cycle, plan, decide)."""
    return may_change(store.actor.role, Area.LOOP)


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
    cash = window_money(store, campaign.id, cycle.start, cycle.end)
    spent = cash.spend
    earlier = tuple(
        (c.feedback, c.cycle_number)
        for c in store.open_criticism()
        if c.campaign_id == campaign.id and c.cycle_number < cycle.number
    )
    users = store.users()
    writer = may_change_loop(store)
    fixed = locked or not writer  # nothing of the loop to change from here
    return Workspace(
        campaign=campaign, cycles=cycles, cycle=cycle, locked=locked,
        numbers={c.id: c.number for c in cycles}, own=own, carried_in=carried_in,
        restatable=frozenset(
            x.id for x in carried_in if x.decision is Decision.RETEST and not fixed
        ),
        feedback=feedback,
        next_status={f.id: s for f in feedback
                     if writer and (s := next_feedback_status(f)) is not None},
        optimizations=optimizations, goal_names={g.id: g.name for g in store.goals()},
        pending=tuple(x for x in own if x.decision is Decision.PENDING), blockers=found,
        carried=carried, dropped=len(own) - len(carried), earlier_criticism=earlier,
        spent=spent,
        budget_used=spent / cycle.budget
        if spent is not None and cycle.budget and cash.comparable_to_budget else None,
        back_to=None if fixed else BACK.get(cycle.phase),
        forward_to=None if fixed else FORWARD.get(cycle.phase),
        opening_tab=LEARNINGS_TAB if locked else cycle.phase.value,
        next_window=suggested_window(cycle, today), next_changes=planned_from(optimizations),
        duties={d.id: d for d in store.duties_of_cycle(cycle.id)},
        assignable=frozenset(d.id for d in store.open_duties() if writer and d.cycle_id == cycle.id
                             and (not locked or d.kind is DutyKind.FEEDBACK)),  # fmt: skip
        comments=_by_target(store.comments_in_cycle(cycle.id)),
        members=tuple(u.username for u in users if u.active),
        people={u.username: u.display_name for u in users}, today=today,
        may_change=writer, may_comment=may_change(store.actor.role, Area.COMMENT), money=cash,
    )  # fmt: skip


def _by_target(comments: list[Comment]) -> dict[uuid.UUID, tuple[Comment, ...]]:
    found: dict[uuid.UUID, list[Comment]] = {}
    for c in comments:
        found.setdefault(c.target_id, []).append(c)
    return {k: tuple(v) for k, v in found.items()}


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
        "campaign": campaign.name, "id": str(cycle.id), "number": cycle.number,
        "phase": cycle.phase.value,
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
