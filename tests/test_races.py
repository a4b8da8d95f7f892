"""Lost races in the loop, sixteen threads at once: one write wins, nothing is written twice.

Sixteen threads on one Database, each with a store of its own (a cursor of its own, as each
script run of the app has), are released together by a barrier; one write wins and the others
answer "changed meanwhile" (or a refusal the loop always gives).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from experiments import loop
from experiments.db import Database
from experiments.errors import ChangedMeanwhile, GateRefused
from experiments.models import Decision, Phase
from experiments.store import Store
from tests.races import THREADS, Write, hammer, lost, moves, won
from tests.test_loop import at_phase


def test_sixteen_advances_from_what_each_page_showed_move_the_cycle_once(
    db: Database, store: Store
) -> None:
    _, cycle = at_phase(store, Phase.START)

    def advance_as_shown(s: Store) -> Write:
        shown = s.cycle(cycle.id).phase  # what the page showed when the button was drawn
        return lambda: loop.advance(s, cycle.id, shown)

    results = hammer(db, [advance_as_shown] * THREADS)
    (winner,) = won(results)
    assert len(lost(results)) == THREADS - 1
    assert all(type(e) is ChangedMeanwhile for e in lost(results))
    assert {str(e) for e in lost(results)} == {
        "Cycle 1 of 'Spring Sale' was moved meanwhile: it is in Campaign now, no longer in "
        "Start. Nothing was saved; reload the page and try again."
    }
    stored = store.cycle(cycle.id)
    assert stored.phase is Phase.CAMPAIGN
    # One audit entry, no campaign → campaign; the stamp is the winner's, not overwritten.
    assert moves(store) == [("start", "campaign")]
    assert isinstance(winner, type(stored))
    assert stored.phase_changed_at["campaign"] == winner.phase_changed_at["campaign"]


def test_sixteen_advances_without_a_shown_phase_each_make_a_real_step(
    db: Database, store: Store
) -> None:
    # Without the phase the page showed, each advance starts from the phase as stored when it
    # is called: how many win depends on the threads' order, but every win is a real step.
    _, cycle = at_phase(store, Phase.START)
    results = hammer(db, [lambda s: lambda: loop.advance(s, cycle.id)] * THREADS)
    winners = won(results)
    assert 1 <= len(winners) <= 3
    for error in lost(results):
        assert isinstance(error, ChangedMeanwhile) or str(error).endswith(
            "is in optimization, the last phase; the next start closes it and opens cycle 2"
        )
    order = ["start", "campaign", "feedback", "optimization"]
    assert moves(store) == [(order[i], order[i + 1]) for i in range(len(winners))]
    stored = store.cycle(cycle.id)
    assert stored.phase.value == order[len(winners)]
    for w in winners:
        assert isinstance(w, type(stored))
        assert stored.phase_changed_at[w.phase.value] == w.phase_changed_at[w.phase.value]


def test_sixteen_next_starts_turn_the_loop_once(db: Database, store: Store) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)

    def next_start_as_shown(s: Store) -> Write:
        closing = loop.open_cycle(s, campaign.id)
        assert closing is not None
        return lambda: loop.next_start(s, campaign.id, date(2026, 4, 1), date(2026, 4, 28),
                                       closing=closing.id)  # fmt: skip

    results = hammer(db, [next_start_as_shown] * THREADS)
    assert len(won(results)) == 1
    assert all(type(e) is ChangedMeanwhile for e in lost(results))
    assert {str(e) for e in lost(results)} == {
        "Cycle 1 of 'Spring Sale' is no longer the open cycle: someone turned the loop "
        "meanwhile. Nothing was saved; reload the page and try again."
    }
    assert [(c.number, c.phase) for c in store.cycles(campaign.id)] == [
        (1, Phase.CLOSED), (2, Phase.START)
    ]  # fmt: skip
    assert moves(store, "close") == [("optimization", "closed")]
    assert [e.action for e in store.audit_log("campaign")].count("next_start") == 1
    assert store.cycle(cycle.id).phase is Phase.CLOSED


def test_sixteen_decisions_on_one_learning_record_one(db: Database, store: Store) -> None:
    _, cycle = at_phase(store, Phase.OPTIMIZATION)
    learning = loop.add_learning(store, cycle.id, "Short copy wins")
    choices = [Decision.CARRY_FORWARD, Decision.DROP, Decision.RETEST]

    def decide_as_shown(i: int) -> Callable[[Store], Write]:
        def prepare(s: Store) -> Write:
            shown = s.learning(learning.id).decision
            return lambda: loop.decide(s, learning.id, choices[i % 3], shown)

        return prepare

    results = hammer(db, [decide_as_shown(i) for i in range(THREADS)])
    (winner,) = won(results)
    assert all(type(e) is ChangedMeanwhile for e in lost(results))
    stored = store.learning(learning.id)
    assert isinstance(winner, type(stored)) and stored.decision is winner.decision
    assert stored.decided_at == winner.decided_at
    assert [e.action for e in store.audit_log("learning")].count("decide") == 1


def test_next_starts_racing_new_learnings_never_leave_a_pending_learning_in_a_closed_cycle(
    db: Database, store: Store
) -> None:
    campaign, cycle = at_phase(store, Phase.OPTIMIZATION)

    def next_start(s: Store) -> Write:
        return lambda: loop.next_start(s, campaign.id, date(2026, 4, 1), date(2026, 4, 28),
                                       closing=cycle.id)  # fmt: skip

    def add_learning(s: Store) -> Write:
        return lambda: loop.add_learning(s, cycle.id, f"Learning of {threading.get_ident()}")

    results = hammer(db, [next_start, add_learning] * (THREADS // 2))
    turns, adds = results[0::2], results[1::2]
    closed = store.cycle(cycle.id).phase is Phase.CLOSED
    pending = [x for x in store.learnings(cycle_id=cycle.id) if x.decision is Decision.PENDING]
    if closed:
        # The loop turned first: every learning after it was told the cycle closed meanwhile.
        assert len(won(turns)) == 1 and pending == [] and won(adds) == []
        assert all(type(e) is ChangedMeanwhile for e in lost(turns))
        # Told the cycle closed: meanwhile when it closed after their check, plainly before.
        for e in lost(adds):
            assert (e.key if isinstance(e, ChangedMeanwhile) else str(e)) in (
                "changed.cycle_closed",
                "cycle 1 of 'Spring Sale' is closed; record new learnings in the open cycle",
            )
    else:
        # A learning came first: the gate refuses every next start until it is decided.
        assert won(turns) == [] and len(pending) == len(won(adds)) == THREADS // 2
        assert all(type(e) is GateRefused for e in lost(turns))
    assert len(store.cycles(campaign.id)) == (2 if closed else 1)
