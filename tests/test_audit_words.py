"""The audit in words: each kind of change as a sentence naming who did it, the audit page and
a cycle's history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from experiments import audit_words, loop
from experiments.db import Database
from experiments.models import Decision, FeedbackKind, FeedbackSource, Role
from experiments.store import Store
from tests.apptest import app, assert_clean
from tests.factories import make_campaign, signed_in


@pytest.fixture
def turned(db: Database, store: Store) -> Store:
    """A loop worked by Jana (marketer) and watched by Tobias (admin), one step of each kind."""
    store.add_user("jana", "Jana Krüger", Role.MARKETER)
    jana = signed_in(db, "jana", Role.MARKETER)
    c = make_campaign(jana, "Spring Sale")
    cycle, _ = loop.start_first_cycle(jana, c.id, date(2026, 3, 1), date(2026, 3, 14))
    loop.advance(jana, cycle.id)
    item = loop.add_feedback(jana, cycle.id, FeedbackSource.DMS, FeedbackKind.CRITICISM,
                             "Price *hidden* in the ad")  # fmt: skip
    loop.move_feedback(jana, item.id)
    learning = loop.add_learning(jana, cycle.id, "Short captions win")
    loop.decide(jana, learning.id, Decision.CARRY_FORWARD)
    loop.add_optimization(jana, cycle.id, "Put the price in the first line")
    store.add_user("tobias", "Tobias", Role.ADMIN)
    store.set_role("jana", Role.ANALYST)
    return store


EXPECTED_EN = [
    "Local admin made jana Analyst",
    "Local admin added tobias as Admin",
    "Jana Krüger planned the optimization “Put the price in the first line”",
    "Jana Krüger decided “Short captions win”: Carry forward",
    "Jana Krüger recorded the learning “Short captions win”",
    "Jana Krüger set feedback “Price *hidden* in the ad” to Addressed",
    "Jana Krüger recorded feedback (Criticism): “Price *hidden* in the ad”",
    "Jana Krüger moved cycle 1 of Spring Sale to Campaign",
    "Jana Krüger opened cycle 1 of Spring Sale",
    "Jana Krüger created the campaign “Spring Sale”",
    "Local admin added jana as Marketer",
]


def test_each_change_reads_as_a_sentence_naming_who(turned: Store) -> None:
    assert [h.text for h in audit_words.happenings(turned, "en")] == EXPECTED_EN


def test_the_sentences_in_german(turned: Store) -> None:
    texts = [h.text for h in audit_words.happenings(turned, "de")]
    assert texts[0] == "Lokaler Admin hat jana die Rolle Analyse gegeben"
    assert "Jana Krüger hat Zyklus 1 von Spring Sale in die Phase Kampagne verschoben" in texts
    assert "Jana Krüger hat über „Short captions win“ entschieden: Übernehmen" in texts


def test_a_cycles_history_holds_its_own_changes_only(turned: Store) -> None:
    (cycle,) = turned.cycles()
    other = make_campaign(turned, "Autumn")
    loop.start_first_cycle(turned, other.id, date(2026, 3, 1), date(2026, 3, 14))
    texts = [h.text for h in audit_words.cycle_history(turned, cycle.id, "en")]
    # Not the campaign's creation, the users, or the other campaign's cycle.
    assert texts == EXPECTED_EN[2:9]


def test_every_kind_of_change_in_the_demo_has_its_sentence(demo_db: Path) -> None:
    db = Database.open(demo_db)
    store = Store(db)
    store.add_user("mia", "Mia", Role.VIEWER)
    store.set_active("mia", False)
    texts = [h.text for h in audit_words.happenings(store, "en", limit=10_000)]
    db.close()
    assert texts and not [t for t in texts if t.startswith("Local admin: ")]


def test_the_audit_page_filters_by_kind(demo_db: Path) -> None:
    at = app("views/audit.py")
    assert_clean(at)
    at.selectbox(key="audit_kind").set_value("learning").run()
    texts = at.dataframe[0].value["What happened"].tolist()
    assert texts and all("learning" in t for t in texts)


def test_the_cycle_workspace_shows_its_history(demo_db: Path) -> None:
    at = app("views/cycle.py")
    assert_clean(at)
    history = [t.value for t in at.expander[-1].text]
    assert history and all(" · " in h for h in history)
