"""The data version: what pages cache per process is recomputed after every kind of write."""

from __future__ import annotations

from datetime import date

from experiments.importers import service
from experiments.models import Comparator, Decision, Goal, Optimization, new_id
from experiments.store import Store
from tests.conftest import FIXTURES
from tests.factories import make_campaign, make_cycle, make_learning
from tests.test_goals import add_facts, daily


def test_every_write_changes_the_data_version(store: Store) -> None:
    seen = [store.data_version()]

    def changed() -> None:
        seen.append(store.data_version())
        assert seen[-1] != seen[-2]

    campaign = make_campaign(store, "Autumn")
    changed()
    cycle = make_cycle(store, campaign)
    changed()
    learning = make_learning(store, cycle)
    changed()
    store.decide_learning(learning.id, Decision.CARRY_FORWARD)
    changed()
    store.add_optimization(Optimization(new_id(), cycle.id, "Shorter copy"))
    changed()
    store.add_goal(Goal(new_id(), "Clicks", "clicks", Comparator.AT_LEAST, 100.0, None,
                        date(2026, 3, 1), date(2026, 3, 31)))  # fmt: skip
    changed()
    add_facts(store, daily(3, clicks=5), source="Autumn")
    changed()
    summary = service.run(store, (FIXTURES / "meta_en.csv").read_bytes(), "meta_en.csv")
    changed()
    store.undo_import(summary.import_id or "")
    changed()


def test_reads_leave_the_data_version_alone(store: Store) -> None:
    make_campaign(store, "Autumn")
    before = store.data_version()
    store.campaigns()
    store.cycles()
    store.goals()
    assert store.data_version() == before
