"""Lost races in the loop: what a write rests on is checked again inside its transaction.

Sixteen threads on one Database, each with a store of its own (a cursor of its own, as each
script run of the app has), are released together by a barrier; one write wins and the others
answer "changed meanwhile" (or a refusal the loop always gives), and nothing is written twice.
A paused writer (held at the door of its write by events, never by sleeping) shows each lost
race deterministically; two Database objects on one file show that the check lives in the
database's transaction, not only in the process-wide write lock.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from experiments import imports_view, loop
from experiments.db import Database
from experiments.errors import ChangedMeanwhile, Conflict, GateRefused, TrackerError
from experiments.importers import service
from experiments.models import (
    CampaignStatus,
    Comparator,
    Decision,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Goal,
    ImportStatus,
    Outcome,
    Phase,
    new_id,
)
from experiments.store import Area, Store
from tests import sql
from tests.test_import_semantics import FIRST
from tests.test_loop import at_phase

THREADS = 16
# Only a hang would come near this: the tests wait on events and barriers, never on the clock.
WAIT = 120.0

Write = Callable[[], object]


def hammer(db: Database, prepare: Sequence[Callable[[Store], Write]]) -> list[object]:
    """Run each writer in a thread of its own on a store of its own: it reads what its page
    would show (``prepare``), waits until every thread has read, then writes. Return each
    result or the domain error it answered with."""
    stores = [Store(db) for _ in prepare]
    barrier = threading.Barrier(len(prepare), timeout=WAIT)
    results: list[object] = [None] * len(prepare)

    def run(i: int) -> None:
        try:
            write = prepare[i](stores[i])
            barrier.wait()
            results[i] = write()
        except BaseException as e:  # kept, and checked below: a driver error is a failure
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(prepare))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads)
    assert [r for r in results if isinstance(r, BaseException)
            and not isinstance(r, TrackerError)] == []  # fmt: skip
    return results


def moves(store: Store, action: str = "phase") -> list[tuple[str, str]]:
    """Return the phase moves the audit records, oldest first, as (before, after)."""
    entries = [e for e in reversed(store.audit_log("cycle")) if e.action == action]
    return [
        (json.loads(e.before or "{}")["phase"], json.loads(e.after or "{}")["phase"])
        for e in entries
    ]


def won(results: list[object]) -> list[object]:
    return [r for r in results if not isinstance(r, TrackerError)]


def lost(results: list[object]) -> list[TrackerError]:
    return [r for r in results if isinstance(r, TrackerError)]


# ---------------------------------------------------------------- sixteen threads at once


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


# ---------------------------------------------------------------- one writer held at its door


@dataclass
class Held:
    """A store whose first write waits at the door until the test lets it in."""

    store: Store
    reached: threading.Event
    go: threading.Event


@contextmanager
def held(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    store = Store(db)
    hold = Held(store, threading.Event(), threading.Event())
    real = store.write

    @contextmanager
    def write(area: Area) -> Iterator[None]:
        if not hold.reached.is_set():
            hold.reached.set()
            assert hold.go.wait(WAIT)
        with real(area):
            yield

    monkeypatch.setattr(store, "write", write)
    yield hold


def race(hold: Held, action: Callable[[Store], object], meanwhile: Callable[[], object]) -> object:
    """Run ``action`` on the held store until it reaches its write, run ``meanwhile`` (another
    person's change), then let the action write; return its result or its domain error."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action(hold.store))
        except BaseException as e:
            outcome.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    assert hold.reached.wait(WAIT)
    try:
        meanwhile()
    finally:
        hold.go.set()
        thread.join(WAIT)
    assert not thread.is_alive()
    return outcome[0]


@dataclass(frozen=True)
class Case:
    """A write that reads, then another person's change before it writes, then the check."""

    setup: Callable[[Store], dict[str, Any]]
    action: Callable[[Store, dict[str, Any]], object]
    meanwhile: Callable[[Store, dict[str, Any]], object]
    key: str
    after: Callable[[Store, dict[str, Any]], bool]


def _cycle(phase: Phase) -> Callable[[Store], dict[str, Any]]:
    def setup(s: Store) -> dict[str, Any]:
        campaign, cycle = at_phase(s, phase)
        return {"campaign": campaign, "cycle": cycle}

    return setup


def _turn(s: Store, c: dict[str, Any]) -> object:
    return loop.next_start(s, c["campaign"].id, date(2026, 4, 1), date(2026, 4, 28))


def _with_learning(decision: Decision) -> Callable[[Store], dict[str, Any]]:
    def setup(s: Store) -> dict[str, Any]:
        c = _cycle(Phase.OPTIMIZATION)(s)
        c["learning"] = loop.add_learning(s, c["cycle"].id, "Short copy wins")
        if decision is not Decision.PENDING:
            loop.decide(s, c["learning"].id, decision)
        return c

    return setup


def _carried(s: Store) -> dict[str, Any]:
    c = _with_learning(Decision.CARRY_FORWARD)(s)
    c["second"] = _turn(s, c)
    return c


def _feedback(s: Store) -> dict[str, Any]:
    c = _cycle(Phase.FEEDBACK)(s)
    c["item"] = loop.add_feedback(s, c["cycle"].id, FeedbackSource.COMMENTS,
                                  FeedbackKind.CRITICISM, "Too loud")  # fmt: skip
    return c


def _goal(s: Store) -> dict[str, Any]:
    return {"goal": s.add_goal(Goal(new_id(), "Leads", "leads", Comparator.AT_LEAST, 500.0))}


def _campaign(s: Store) -> dict[str, Any]:
    return {"campaign": s.create_campaign("Spring Sale", audience="Teachers")}


def _import(s: Store) -> dict[str, Any]:
    return {"import": service.run(s, FIRST, "first.csv").import_id}


def _phase(s: Store, c: dict[str, Any]) -> Phase:
    return s.cycle(c["cycle"].id).phase


def _no_pending_in_closed(s: Store, c: dict[str, Any]) -> bool:
    return _phase(s, c) is Phase.CLOSED and all(
        x.decision is not Decision.PENDING for x in s.learnings(cycle_id=c["cycle"].id)
    )


CASES = {
    "advance after another advance": Case(
        _cycle(Phase.START), lambda s, c: loop.advance(s, c["cycle"].id),
        lambda s, c: loop.advance(s, c["cycle"].id), "changed.cycle_phase",
        lambda s, c: _phase(s, c) is Phase.CAMPAIGN and moves(s) == [("start", "campaign")]),
    "step back after an advance": Case(
        _cycle(Phase.FEEDBACK), lambda s, c: loop.step_back(s, c["cycle"].id),
        lambda s, c: loop.advance(s, c["cycle"].id), "changed.cycle_phase",
        lambda s, c: _phase(s, c) is Phase.OPTIMIZATION and moves(s, "phase_back") == []),
    "next start after another next start": Case(
        _cycle(Phase.OPTIMIZATION), _turn, _turn, "changed.open_cycle",
        lambda s, c: [x.number for x in s.cycles(c["campaign"].id)] == [1, 2]),
    "a learning after the next start": Case(
        _cycle(Phase.OPTIMIZATION), lambda s, c: loop.add_learning(s, c["cycle"].id, "Late"),
        _turn, "changed.cycle_closed", _no_pending_in_closed),
    "feedback after the next start": Case(
        _cycle(Phase.OPTIMIZATION),
        lambda s, c: loop.add_feedback(s, c["cycle"].id, FeedbackSource.SALES,
                                       FeedbackKind.IDEA, "Late"),
        _turn, "changed.cycle_closed", lambda s, c: s.feedback(c["cycle"].id) == []),
    "an optimization after the next start": Case(
        _cycle(Phase.OPTIMIZATION), lambda s, c: loop.add_optimization(s, c["cycle"].id, "Late"),
        _turn, "changed.cycle_closed", lambda s, c: s.optimizations(c["cycle"].id) == []),
    "a decision after another decision": Case(
        _with_learning(Decision.PENDING),
        lambda s, c: loop.decide(s, c["learning"].id, Decision.DROP),
        lambda s, c: loop.decide(s, c["learning"].id, Decision.CARRY_FORWARD),
        "changed.learning_decision",
        lambda s, c: s.learning(c["learning"].id).decision is Decision.CARRY_FORWARD),
    "a decision after the next start": Case(
        _with_learning(Decision.CARRY_FORWARD),
        lambda s, c: loop.decide(s, c["learning"].id, Decision.DROP), _turn,
        "changed.cycle_closed",
        lambda s, c: s.learning(c["learning"].id).carried_into_id is not None),
    "a plan after another plan": Case(
        _cycle(Phase.START),
        lambda s, c: loop.save_plan(s, replace(c["cycle"], hypothesis="Mine")),
        lambda s, c: loop.save_plan(s, replace(c["cycle"], hypothesis="Theirs")),
        "changed.cycle", lambda s, c: s.cycle(c["cycle"].id).hypothesis == "Theirs"),
    "feedback moved on twice": Case(
        _feedback, lambda s, c: loop.move_feedback(s, c["item"].id),
        lambda s, c: loop.move_feedback(s, c["item"].id), "changed.feedback",
        lambda s, c: s.feedback_item(c["item"].id).status is FeedbackStatus.ADDRESSED),
    "a carried result after another": Case(
        _carried,
        lambda s, c: loop.record_carried_result(s, c["learning"].id, c["second"].id, True, "",
                                                Outcome.CONFIRMED),
        lambda s, c: loop.record_carried_result(s, c["learning"].id, c["second"].id, False,
                                                "No budget", Outcome.INCONCLUSIVE),
        "changed.learning",
        lambda s, c: s.learning(c["learning"].id).applied_reason == "No budget"),
    "an outcome after another": Case(
        _carried,
        lambda s, c: loop.set_outcome(s, c["learning"].id, c["second"].id, Outcome.CONFIRMED),
        lambda s, c: loop.set_outcome(s, c["learning"].id, c["second"].id,
                                      Outcome.CONTRADICTED),
        "changed.learning",
        lambda s, c: s.learning(c["learning"].id).outcome is Outcome.CONTRADICTED),
    "a goal edit after another": Case(
        _goal, lambda s, c: s.update_goal(replace(c["goal"], target=600.0), c["goal"]),
        lambda s, c: s.update_goal(replace(c["goal"], owner="Lena"), c["goal"]), "changed.goal",
        lambda s, c: (s.goal(c["goal"].id).owner, s.goal(c["goal"].id).target) == ("Lena", 500.0)),
    "a campaign edit after another": Case(
        _campaign,
        lambda s, c: s.update_campaign(replace(c["campaign"], budget=900.0), c["campaign"]),
        lambda s, c: s.update_campaign(replace(c["campaign"], status=CampaignStatus.DONE), c["campaign"]),
        "changed.campaign",
        lambda s, c: s.campaign(c["campaign"].id).budget is None),
    "an undo after another undo": Case(
        _import, lambda s, c: imports_view.undo(s, c["import"], ImportStatus.IMPORTED),
        lambda s, c: imports_view.undo(s, c["import"]), "changed.import",
        lambda s, c: s.fact_count() == 0 and len(s.audit_log("import")) == 2),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_write_that_lost_the_race_says_so_and_writes_nothing(
    db: Database, store: Store, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    context = case.setup(store)
    with held(db, monkeypatch) as hold:
        before: dict[str, dict[str, int]] = {}

        def meanwhile() -> None:
            case.meanwhile(Store(db), context)
            before["counts"] = sql.row_counts(db)

        outcome = race(hold, lambda s: case.action(s, context), meanwhile)
    assert isinstance(outcome, ChangedMeanwhile), outcome
    assert outcome.key == case.key
    assert "meanwhile" in str(outcome) and "reload the page" in str(outcome)
    assert sql.row_counts(db) == before["counts"]  # the loser wrote nothing, not even audit
    assert case.after(store, context)


def test_the_lost_race_reads_in_german_too(
    db: Database, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = _cycle(Phase.START)(store)
    with held(db, monkeypatch) as hold:
        outcome = race(hold, lambda s: loop.advance(s, context["cycle"].id),
                       lambda: loop.advance(Store(db), context["cycle"].id))  # fmt: skip
    assert isinstance(outcome, ChangedMeanwhile)
    assert outcome.text("de") == (
        "Zyklus 1 von „Spring Sale“ wurde inzwischen verschoben: Er ist jetzt in der Phase "
        "Kampagne, nicht mehr in Start. Es wurde nichts gespeichert; laden Sie die Seite neu "
        "und versuchen Sie es erneut."
    )


# ---------------------------------------------------------------- without the shared lock


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """Two Database objects on one file: two write locks, as two app servers on one DuckLake
    catalog have; only the database's own transactions stand between their writers."""
    path = tmp_path / "shared.duckdb"
    first, second = Database.open(path), Database.open(path)
    try:
        yield first, second
    finally:
        second.close()
        first.close()


def hold_inside(store: Store, method: str, monkeypatch: pytest.MonkeyPatch) -> Held:
    """Hold ``store`` inside its write transaction, just before it calls ``method``."""
    hold = Held(store, threading.Event(), threading.Event())
    real = getattr(store, method)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        hold.reached.set()
        assert hold.go.wait(WAIT)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, method, waiting)
    return hold


def test_a_move_checked_inside_one_transaction_loses_to_a_move_committed_meanwhile(
    two_servers: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = two_servers
    _, cycle = at_phase(Store(one), Phase.START)
    # Held after it read 'start' inside its transaction, before its update.
    hold = hold_inside(Store(one), "set_phase", monkeypatch)
    outcome = race(hold, lambda s: loop.advance(s, cycle.id, Phase.START),
                   lambda: loop.advance(Store(other), cycle.id, Phase.START))  # fmt: skip
    assert isinstance(outcome, ChangedMeanwhile), outcome
    check = Store(one)
    assert check.cycle(cycle.id).phase is Phase.CAMPAIGN
    assert moves(check) == [("start", "campaign")]


def test_a_learning_claims_its_open_cycle_so_a_next_start_on_another_server_cannot_close_it(
    two_servers: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = two_servers
    campaign, cycle = at_phase(Store(one), Phase.OPTIMIZATION)
    # Held inside its transaction after it claimed the open cycle, before the insert.
    hold = hold_inside(Store(one), "add_learning", monkeypatch)
    refused: list[TrackerError] = []

    def next_start_elsewhere() -> None:
        with pytest.raises(ChangedMeanwhile) as err:
            loop.next_start(Store(other), campaign.id, date(2026, 4, 1), date(2026, 4, 28))
        refused.append(err.value)

    outcome = race(hold, lambda s: loop.add_learning(s, cycle.id, "Late but in time"),
                   next_start_elsewhere)  # fmt: skip
    assert not isinstance(outcome, BaseException), outcome
    assert [type(e) for e in refused] == [ChangedMeanwhile]
    check = Store(one)
    assert check.cycle(cycle.id).phase is Phase.OPTIMIZATION
    assert [x.statement for x in check.learnings(cycle_id=cycle.id)] == ["Late but in time"]


def test_a_database_write_conflict_is_the_same_changed_meanwhile(
    db: Database, store: Store
) -> None:
    # Two stores of one thread take the reentrant lock both: their transactions overlap, and
    # DuckDB refuses the second update of one row, which the store answers as a lost race.
    _, cycle = at_phase(store, Phase.START)
    other = Store(db)
    with store.write(Area.LOOP):
        store.set_phase(cycle.id, Phase.CAMPAIGN, expected=Phase.START)
        with pytest.raises(ChangedMeanwhile) as err:
            other.set_phase(cycle.id, Phase.CAMPAIGN, expected=Phase.START)
    assert err.value.key == "changed.data"
    assert str(err.value) == (
        "Someone else changed the same data at the same moment (TransactionContext Error: "
        "Conflict on update!). Nothing was saved; reload the page and try again."
    )
    assert Store(db).cycle(cycle.id).phase is Phase.CAMPAIGN
    assert moves(Store(db)) == [("start", "campaign")]


def test_a_lost_race_is_a_conflict_to_its_callers() -> None:
    # Pages show it like any refusal; the command line exits with a conflict's code 4.
    error = ChangedMeanwhile("goal", name="Leads")
    assert isinstance(error, Conflict) and error.exit_code == 4
