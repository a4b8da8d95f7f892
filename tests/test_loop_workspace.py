"""The cycle workspace's view model and the carried learning's one-transaction result."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from experiments import cycle_view, loop
from experiments.db import Database
from experiments.errors import InvalidInput
from experiments.models import (
    Decision,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Outcome,
    Phase,
)
from experiments.store import Store
from tests.factories import make_campaign
from tests.test_loop import at_phase, state

TODAY = date(2026, 3, 10)


def carried_into_second(store: Store, decision: Decision = Decision.CARRY_FORWARD) -> Any:
    """Cycle 1 closed with one carried learning; return (campaign, cycle 2, the learning)."""
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    loop.decide(store, learning.id, decision)
    second = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    return campaign, second, learning


def test_workspace_of_a_campaign_without_cycles_is_none(store: Store) -> None:
    assert cycle_view.workspace(store, make_campaign(store).id, None, TODAY) is None


def test_workspace_holds_what_the_cycle_page_shows(store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    kept = loop.add_learning(store, cycle.id, "Short copy wins", confidence="high")
    dropped = loop.add_learning(store, cycle.id, "Carousel flops")
    loop.add_learning(store, cycle.id, "Video may beat image")
    loop.decide(store, kept.id, Decision.CARRY_FORWARD)
    loop.decide(store, dropped.id, Decision.DROP)
    item = loop.add_feedback(store, cycle.id, FeedbackSource.COMMENTS, FeedbackKind.CRITICISM,
                             "Prices hidden")  # fmt: skip
    loop.add_optimization(store, cycle.id, "Show prices", feedback_ids=(item.id,))
    loop.add_optimization(store, cycle.id, "Shorter copy")
    store.update_cycle(replace(store.cycle(cycle.id), budget=2000.0))

    ws = cycle_view.workspace(store, campaign.id, None, TODAY)
    assert ws is not None
    assert (ws.cycle.id, ws.locked, ws.back_to, ws.forward_to, ws.can_turn) == (
        cycle.id, False, Phase.FEEDBACK, None, True
    )  # fmt: skip
    assert [x.statement for x in ws.pending] == ["Video may beat image"]
    assert [x.statement for x in ws.carried] == ["Short copy wins"]
    assert ws.dropped == 2  # dropped and still pending stay behind
    assert [b.kind for b in ws.blockers] == ["pending"]
    assert ws.next_status == {item.id: FeedbackStatus.COMMUNICATED}  # addressed by the optimization
    assert ws.next_changes == "- Show prices\n- Shorter copy"
    assert ws.next_window == (date(2026, 3, 29), date(2026, 4, 25))
    assert (ws.spent, ws.budget_used) == (None, None)  # no facts imported
    assert ws.opening_tab == "optimization"
    assert ws.numbers == {cycle.id: 1}


def test_workspace_of_a_closed_cycle_is_read_only_and_shows_earlier_criticism(
    store: Store,
) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    loop.add_feedback(store, cycle.id, FeedbackSource.DMS, FeedbackKind.CRITICISM, "Too loud")
    second = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    old = cycle_view.workspace(store, campaign.id, 1, TODAY)
    assert old is not None
    assert (old.locked, old.back_to, old.forward_to, old.can_turn, old.opening_tab) == (
        True, None, None, False, "learnings"
    )  # fmt: skip
    assert old.earlier_criticism == ()
    new = cycle_view.workspace(store, campaign.id, None, TODAY)
    assert new is not None and new.cycle.id == second.id
    assert [(f.text, n) for f, n in new.earlier_criticism] == [("Too loud", 1)]
    # A number the campaign does not have falls back to the current cycle.
    assert cycle_view.workspace(store, campaign.id, 9, TODAY).cycle.id == second.id  # type: ignore[union-attr]


def test_workspace_marks_retest_learnings_restatable_in_an_open_cycle(store: Store) -> None:
    campaign, second, learning = carried_into_second(store, Decision.RETEST)
    ws = cycle_view.workspace(store, campaign.id, second.number, TODAY)
    assert ws is not None and ws.restatable == frozenset({learning.id})
    assert [x.id for x in ws.carried_in] == [learning.id]


def test_next_start_takes_planned_changes_and_budget(store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    loop.add_optimization(store, cycle.id, "Show prices")
    following = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28),
                                planned_changes="Prices on every ad", budget=1500.0)  # fmt: skip
    assert (following.planned_changes, following.budget) == ("Prices on every ad", 1500.0)


def test_next_start_plans_the_optimizations_by_default(store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)
    loop.add_optimization(store, cycle.id, "Show prices")
    following = loop.next_start(store, campaign.id, date(2026, 4, 1), date(2026, 4, 28))
    assert (following.planned_changes, following.budget) == ("- Show prices", None)


def test_carried_result_writes_applied_and_outcome_together(store: Store) -> None:
    _, second, learning = carried_into_second(store)
    saved = loop.record_carried_result(store, learning.id, second.id, False, " No budget ",
                                       Outcome.INCONCLUSIVE)  # fmt: skip
    assert (saved.applied, saved.applied_reason, saved.outcome) == (
        False, "No budget", Outcome.INCONCLUSIVE
    )  # fmt: skip
    actions = [entry.action for entry in store.audit_log("learning", limit=2)]
    assert sorted(actions) == ["apply", "outcome"]


BAD = [
    (None, "", "say whether the learning was applied: yes or no"),
    (False, "  ", "say why the learning was not applied (a short reason)"),
]


@pytest.mark.parametrize(("applied", "reason", "message"), BAD)
def test_a_bad_carried_result_is_named_and_writes_nothing(
    db: Database, store: Store, applied: bool | None, reason: str, message: str
) -> None:
    _, second, learning = carried_into_second(store)
    before = state(db)
    with pytest.raises(InvalidInput) as err:
        loop.record_carried_result(store, learning.id, second.id, applied, reason,
                                   Outcome.CONFIRMED)  # fmt: skip
    assert str(err.value) == message
    assert state(db) == before


def test_a_learning_not_carried_here_is_refused_inside_the_write(
    db: Database, store: Store
) -> None:
    _, cycle = at_phase(store, Phase.OPTIMIZATION)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    before = state(db)
    with pytest.raises(InvalidInput) as err:
        store.record_carried_result(learning.id, cycle.id, True, "", Outcome.CONFIRMED)
    assert str(err.value) == f"learning {str(learning.id)[:8]} was not carried into cycle 1"
    assert state(db) == before


def test_a_failure_in_the_second_half_leaves_applied_unwritten_too(
    db: Database, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Applied is written first, the outcome second: when the second half fails, neither is
    kept (before, the page wrote them in two transactions and said 'saved' after the first)."""
    _, second, learning = carried_into_second(store)
    before = state(db)
    real_audit = store._audit

    def audit_failing_on_outcome(entity: str, entity_id: object, action: str, **kw: Any) -> None:
        if action == "outcome":
            raise RuntimeError("disk full")
        real_audit(entity, entity_id, action, **kw)

    monkeypatch.setattr(store, "_audit", audit_failing_on_outcome)
    with pytest.raises(RuntimeError, match="disk full"):
        loop.record_carried_result(store, learning.id, second.id, True, "", Outcome.CONFIRMED)
    monkeypatch.undo()
    assert state(db) == before
    stored = store.learning(learning.id)
    assert (stored.applied, stored.outcome) == (None, None)


def test_workspace_budget_used_is_the_window_spend_over_the_budget(store: Store) -> None:
    from experiments.models import Alias
    from tests.test_goals import add_facts, daily

    campaign = make_campaign(store, aliases=(Alias("SPR"),))
    cycle, _ = loop.start_first_cycle(store, campaign.id, date(2026, 3, 1), date(2026, 3, 28),
                                      budget=1000.0)  # fmt: skip
    add_facts(store, daily(5, spend=50.0))  # 1–5 March inside the window
    add_facts(store, daily(2, first=29, spend=400.0), source="SPR")  # after the window
    ws = cycle_view.workspace(store, campaign.id, cycle.number, TODAY)
    assert ws is not None
    assert (ws.spent, ws.budget_used) == (pytest.approx(250.0), pytest.approx(0.25))
