"""Lost races in the loop, one at a time: a writer held at the door of its write while another
person changes what it read; it answers "changed meanwhile" and writes nothing.

Two Database objects on one file show that the check lives in the database's transaction, not
only in the process-wide write lock, and that DuckDB's own conflict reads the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from experiments import imports_view, loop
from experiments.db import Database
from experiments.errors import ChangedMeanwhile, Conflict, TrackerError
from experiments.import_models import ImportStatus
from experiments.importers import service
from experiments.models import (
    CampaignStatus,
    Comparator,
    Decision,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Goal,
    Outcome,
    Phase,
    new_id,
)
from experiments.store import Area, Store
from tests import sql
from tests.races import held, hold_inside, moves, race
from tests.test_import_semantics import FIRST
from tests.test_loop import at_phase


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
