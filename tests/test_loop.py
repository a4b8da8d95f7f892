"""The loop's rules on a real DuckDB: the phase machine, the gated next start, carry-forward."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from experiments import cycle_view, loop
from experiments.db import Database
from experiments.errors import Conflict, GateRefused, InvalidInput, NotFound, PermissionDenied
from experiments.models import (
    Decision,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Outcome,
    Phase,
    Role,
)
from experiments.store import Store
from tests import sql
from tests.factories import make_campaign, signed_in

TODAY = date(2026, 3, 1)


def state(db: Database) -> list[Any]:
    """Every row of the loop's tables and the audit, to prove a refusal changed nothing."""
    return [
        sql.rows(db, f"SELECT * FROM {table} ORDER BY ALL")
        for table in ("cycle", "learning", "feedback", "optimization", "audit")
    ]


def at_phase(store: Store, phase: Phase) -> tuple[Any, Any]:
    """A campaign whose first cycle (1–28 March) has been walked forward to ``phase``."""
    campaign = make_campaign(store, audience="Teachers", success_measure="Leads")
    cycle, _ = loop.start_first_cycle(
        store, campaign.id, date(2026, 3, 1), date(2026, 3, 28), "Short copy lifts CTR"
    )
    while cycle.phase is not phase:
        cycle = loop.advance(store, cycle.id)
    return campaign, cycle


def closed(store: Store) -> tuple[Any, Any]:
    """A campaign whose cycle 1 is closed and cycle 2 open in start."""
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    return campaign, store.cycle(cycle.id)


ALLOWED = [
    (Phase.START, loop.advance, Phase.CAMPAIGN, "phase"),
    (Phase.CAMPAIGN, loop.advance, Phase.FEEDBACK, "phase"),
    (Phase.FEEDBACK, loop.advance, Phase.OPTIMIZATION, "phase"),
    (Phase.CAMPAIGN, loop.step_back, Phase.START, "phase_back"),
    (Phase.FEEDBACK, loop.step_back, Phase.CAMPAIGN, "phase_back"),
    (Phase.OPTIMIZATION, loop.step_back, Phase.FEEDBACK, "phase_back"),
]


@pytest.mark.parametrize(("before", "move", "after", "action"), ALLOWED)
def test_allowed_transition_moves_one_step_and_is_audited(
    store: Store, before: Phase, move: Callable[[Store, uuid.UUID], Any], after: Phase, action: str
) -> None:
    _, cycle = at_phase(store, before)
    moved = move(store, cycle.id)
    assert moved.phase is after and store.cycle(cycle.id).phase is after
    assert after.value in moved.phase_changed_at
    last = store.audit_log("cycle", limit=1)[0]
    assert (last.actor, last.entity_id, last.action) == ("local", str(cycle.id), action)
    assert after.value in (last.after or "")


def test_next_start_closes_the_cycle_and_opens_the_next(store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    following = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28), "Video")
    assert store.cycle(cycle.id).phase is Phase.CLOSED
    assert (following.number, following.phase, following.previous_id) == (2, Phase.START, cycle.id)
    assert (following.start, following.end, following.hypothesis) == (
        date(2026, 4, 1), date(2026, 4, 28), "Video"
    )  # fmt: skip
    assert loop.open_cycle(store, campaign.id) == following
    actions = [row.action for row in store.audit_log(limit=3)]
    assert set(actions) == {"close", "create", "next_start"}


def test_next_start_without_a_window_follows_the_previous_one(store: Store) -> None:
    campaign, _ = at_phase(store, Phase.OPTIMIZATION)
    following = loop.next_start(store, campaign.id, today=TODAY)
    assert (following.start, following.end) == (date(2026, 3, 29), date(2026, 4, 25))


Act = Callable[[Store], Any]


def _pending(store: Store, phase: Phase) -> tuple[Act, dict[str, str]]:
    campaign, cycle = at_phase(store, phase)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    dropped = loop.add_learning(store, cycle.id, "Carousel flops", tags=("format",))
    loop.decide(store, dropped.id, Decision.DROP)
    act: Act = lambda s: loop.next_start(s, campaign.id, date(2026, 4, 1), date(2026, 4, 28))  # noqa: E731
    return act, {"pending": str(learning.id)[:8]}


def pending_in_optimization(store: Store) -> tuple[Act, dict[str, str]]:
    return _pending(store, Phase.OPTIMIZATION)


def pending_in_feedback(store: Store) -> tuple[Act, dict[str, str]]:
    return _pending(store, Phase.FEEDBACK)


def second_open_cycle(store: Store) -> tuple[Act, dict[str, str]]:
    campaign, _ = at_phase(store, Phase.CAMPAIGN)
    return lambda s: loop.start_first_cycle(s, campaign.id), {}


def advance_closed(store: Store) -> tuple[Act, dict[str, str]]:
    _, cycle = closed(store)
    return lambda s: loop.advance(s, cycle.id), {}


def back_from_closed(store: Store) -> tuple[Act, dict[str, str]]:
    _, cycle = closed(store)
    return lambda s: loop.step_back(s, cycle.id), {}


def advance_optimization(store: Store) -> tuple[Act, dict[str, str]]:
    _, cycle = at_phase(store, Phase.OPTIMIZATION)
    return lambda s: loop.advance(s, cycle.id), {}


def back_from_start(store: Store) -> tuple[Act, dict[str, str]]:
    _, cycle = at_phase(store, Phase.START)
    return lambda s: loop.step_back(s, cycle.id), {}


def overlapping_window(store: Store) -> tuple[Act, dict[str, str]]:
    campaign, _ = at_phase(store, Phase.OPTIMIZATION)
    return lambda s: loop.next_start(s, campaign.id, date(2026, 3, 20), date(2026, 4, 20)), {}


def reversed_window(store: Store) -> tuple[Act, dict[str, str]]:
    campaign, _ = at_phase(store, Phase.OPTIMIZATION)
    return lambda s: loop.next_start(s, campaign.id, date(2026, 5, 1), date(2026, 4, 1)), {}


def no_open_cycle(store: Store) -> tuple[Act, dict[str, str]]:
    campaign = make_campaign(store)
    return lambda s: loop.next_start(s, campaign.id), {}


def decide_in_closed(store: Store) -> tuple[Act, dict[str, str]]:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    loop.decide(store, learning.id, Decision.DROP)
    loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    return lambda s: loop.decide(s, learning.id, Decision.CARRY_FORWARD), {}


def learning_in_closed(store: Store) -> tuple[Act, dict[str, str]]:
    _, cycle = closed(store)
    return lambda s: loop.add_learning(s, cycle.id, "Too late"), {}


def plan_overlapping_previous(store: Store) -> tuple[Act, dict[str, str]]:
    campaign, _ = closed(store)
    second = loop.open_cycle(store, campaign.id)
    assert second is not None
    return lambda s: loop.save_plan(s, replace(second, start=date(2026, 3, 15))), {}


def decide_pending(store: Store) -> tuple[Act, dict[str, str]]:
    _, cycle = at_phase(store, Phase.OPTIMIZATION)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    return lambda s: loop.decide(s, learning.id, Decision.PENDING), {}


REFUSALS = [
    (pending_in_optimization, GateRefused,
     "the next start is refused: cycle 1 of 'Spring Sale' cannot close yet; "
     "learning {pending} 'Short copy wins' is pending"),
    (pending_in_feedback, GateRefused,
     "the next start is refused: cycle 1 of 'Spring Sale' cannot close yet; the cycle is in "
     "feedback; advance it to optimization first; learning {pending} 'Short copy wins' is "
     "pending"),
    (second_open_cycle, Conflict,
     "'Spring Sale' already has an open cycle (cycle 1, phase campaign); turn the loop with "
     "the next start instead of opening a second"),
    (advance_closed, Conflict,
     "cycle 1 of 'Spring Sale' is closed; nothing moves from closed (work in the newest cycle)"),
    (back_from_closed, Conflict,
     "cycle 1 of 'Spring Sale' is closed; nothing moves from closed (work in the newest cycle)"),
    (advance_optimization, Conflict,
     "cycle 1 of 'Spring Sale' is in optimization, the last phase; the next start closes it "
     "and opens cycle 2"),
    (back_from_start, Conflict,
     "cycle 1 of 'Spring Sale' is in start, the first phase; there is no step back"),
    (overlapping_window, InvalidInput,
     "cycle 2 would start on 2026-03-20, before cycle 1 ends (2026-03-28); start it on "
     "2026-03-29 or later"),
    (reversed_window, InvalidInput,
     "the window ends (2026-04-01) before it starts (2026-05-01); swap the dates or correct "
     "the end"),
    (no_open_cycle, NotFound, "'Spring Sale' has no open cycle to close; start its first cycle"),
    (decide_in_closed, Conflict, "cycle 1 of 'Spring Sale' is closed; its decisions are final"),
    (learning_in_closed, Conflict,
     "cycle 1 of 'Spring Sale' is closed; record new learnings in the open cycle"),
    (plan_overlapping_previous, InvalidInput,
     "cycle 2 would start on 2026-03-15, before cycle 1 ends (2026-03-28); start it on "
     "2026-03-29 or later"),
    (decide_pending, InvalidInput, "decide carry_forward, drop or retest"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("arrange", "error", "message"), REFUSALS, ids=[case[0].__name__ for case in REFUSALS]
)
def test_refusal_names_the_problem_and_changes_nothing(
    db: Database,
    store: Store,
    arrange: Callable[[Store], tuple[Act, dict[str, str]]],
    error: type[Exception],
    message: str,
) -> None:
    act, values = arrange(store)
    before = state(db)
    with pytest.raises(error) as err:
        act(store)
    assert str(err.value) == message.format(**values)
    assert state(db) == before


def test_gate_lists_each_blocker(store: Store) -> None:
    act, values = pending_in_feedback(store)
    with pytest.raises(GateRefused) as err:
        act(store)
    assert err.value.blockers == (
        "the cycle is in feedback; advance it to optimization first",
        f"learning {values['pending']} 'Short copy wins' is pending",
    )
    assert err.value.exit_code != 0


def test_next_start_is_one_transaction(store: Store) -> None:
    """The new cycle's bad window is found after the close: the close is rolled back with it."""
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    loop.decide(store, learning.id, Decision.CARRY_FORWARD)
    with pytest.raises(InvalidInput):
        loop.next_start(store, campaign.id, date(2026, 5, 1), date(2026, 4, 1))
    assert store.cycle(cycle.id).phase is Phase.OPTIMIZATION
    assert [c.number for c in store.cycles(campaign.id)] == [1]
    assert store.learning(learning.id).carried_into_id is None


def test_carry_forward_and_retest_enter_the_next_cycle_drop_does_not(store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    decisions = {"Short copy wins": Decision.CARRY_FORWARD, "Carousel flops": Decision.DROP,
                 "Video may beat image": Decision.RETEST}  # fmt: skip
    for text, decision in decisions.items():
        loop.decide(store, loop.add_learning(store, cycle.id, text).id, decision)
    following = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    carried = loop.inputs(store, following)
    assert [x.statement for x in carried] == ["Short copy wins", "Video may beat image"]
    assert all(x.cycle_id == cycle.id and x.carried_into_id == following.id for x in carried)
    assert store.learnings(cycle_id=following.id) == []  # carried, not copied
    dropped = [x for x in store.learnings(cycle_id=cycle.id) if x.decision is Decision.DROP]
    assert dropped[0].carried_into_id is None

    applied = loop.mark_applied(store, carried[0].id, following.id, True)
    skipped = loop.mark_applied(store, carried[1].id, following.id, False, " No video budget ")
    assert (applied.applied, skipped.applied, skipped.applied_reason) == (
        True, False, "No video budget"
    )  # fmt: skip
    assert store.audit_log("learning", limit=1)[0].action == "apply"
    outcome = loop.set_outcome(store, carried[0].id, following.id, Outcome.CONFIRMED)
    assert outcome.outcome is Outcome.CONFIRMED


def test_the_gate_of_the_next_cycle_considers_only_its_own_learnings(store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    loop.decide(store, loop.add_learning(store, cycle.id, "Short copy wins").id, Decision.RETEST)
    second = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    for _ in range(3):
        second = loop.advance(store, second.id)
    third = loop.next_start(store, campaign.id, date(2026, 5, 1), date(2026, 5, 28))
    assert third.number == 3 and loop.inputs(store, third) == []


def test_restating_a_carried_learning_makes_it_the_cycles_own(store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    original = loop.add_learning(store, cycle.id, "Video may beat image", tags=("format",))
    loop.decide(store, original.id, Decision.RETEST)
    second = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    own = loop.restate(store, original.id, second.id)
    assert (own.cycle_id, own.statement, own.tags, own.decision) == (
        second.id, "Video may beat image", ("format",), Decision.PENDING
    )  # fmt: skip
    with pytest.raises(Conflict, match="^this cycle already has that learning as its own$"):
        loop.restate(store, original.id, second.id)


def test_not_applied_needs_a_reason(db: Database, store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    loop.decide(store, learning.id, Decision.CARRY_FORWARD)
    second = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    before = state(db)
    with pytest.raises(InvalidInput) as err:
        loop.mark_applied(store, learning.id, second.id, False, "  ")
    assert str(err.value) == "say why the learning was not applied (a short reason)"
    assert state(db) == before


def test_a_learning_not_carried_cannot_be_marked_applied(store: Store) -> None:
    _, cycle = at_phase(store, Phase.OPTIMIZATION)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    with pytest.raises(InvalidInput) as err:
        loop.mark_applied(store, learning.id, cycle.id, True)
    assert str(err.value) == f"learning {str(learning.id)[:8]} was not carried into cycle 1"


def test_brief_incomplete_is_reported_not_refused(store: Store) -> None:
    campaign = make_campaign(store, name="Employer Branding", audience="Students")
    cycle, missing = loop.start_first_cycle(store, campaign.id)
    assert cycle.number == 1 and cycle.phase is Phase.START
    assert missing == ("goal", "success_measure")


def test_writes_carry_the_acting_user_and_check_the_role(db: Database, store: Store) -> None:
    _, cycle = at_phase(store, Phase.START)
    marketer = signed_in(db, "mia", Role.MARKETER)
    loop.advance(marketer, cycle.id)
    assert store.audit_log("cycle", limit=1)[0].actor == "mia"
    viewer = signed_in(db, "vic", Role.VIEWER)
    before = state(db)
    with pytest.raises(PermissionDenied) as err:
        loop.advance(viewer, cycle.id)
    assert str(err.value) == (
        "vic (viewer) may not change loop data; ask an admin for one of the roles: admin, marketer"
    )
    assert state(db) == before


def test_feedback_moves_forward_and_requests_name_their_goal(store: Store) -> None:
    _, cycle = at_phase(store, Phase.FEEDBACK)
    item = loop.add_feedback(store, cycle.id, FeedbackSource.COMMENTS, FeedbackKind.CRITICISM,
                             "Price unclear")  # fmt: skip
    assert loop.move_feedback(store, item.id).status is FeedbackStatus.ADDRESSED
    assert loop.move_feedback(store, item.id).status is FeedbackStatus.COMMUNICATED
    with pytest.raises(Conflict) as err:
        loop.move_feedback(store, item.id)
    assert str(err.value) == "this feedback is already communicated; there is no further status"
    with pytest.raises(InvalidInput) as err2:
        loop.add_feedback(store, cycle.id, FeedbackSource.SALES, FeedbackKind.IDEA, "x",
                          goal_id=uuid.uuid4())  # fmt: skip
    assert str(err2.value) == "only a request names the goal it would serve; choose kind request"


def test_optimization_links_learnings_and_feedback(store: Store) -> None:
    _, cycle = at_phase(store, Phase.OPTIMIZATION)
    item = loop.add_feedback(store, cycle.id, FeedbackSource.DMS, FeedbackKind.CRITICISM, "Slow")
    learning = loop.add_learning(store, cycle.id, "Replies within 1h convert")
    opt = loop.add_optimization(store, cycle.id, "Staff the inbox at lunch", "criticism",
                                (learning.id,), (item.id,), owner="Ana")  # fmt: skip
    assert opt.learning_ids == (learning.id,) and opt.feedback_ids == (item.id,)
    assert store.feedback_item(item.id).status is FeedbackStatus.ADDRESSED


def test_steps_mark_done_current_and_todo(store: Store) -> None:
    _, cycle = at_phase(store, Phase.FEEDBACK)
    states = [(s.phase, s.state) for s in cycle_view.steps(cycle)]
    assert states == [
        (Phase.START, "done"), (Phase.CAMPAIGN, "done"), (Phase.FEEDBACK, "current"),
        (Phase.OPTIMIZATION, "todo"), (Phase.CLOSED, "todo"),
    ]  # fmt: skip
    assert cycle_view.steps(cycle)[0].at is not None and cycle_view.steps(cycle)[3].at is None


def test_a_closed_cycle_has_done_every_step(store: Store) -> None:
    _, cycle = closed(store)
    assert [x.state for x in cycle_view.steps(cycle)] == ["done"] * 5
    assert cycle_view.steps(cycle)[4].at is not None
