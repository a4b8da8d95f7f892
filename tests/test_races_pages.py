"""Lost races through the pages: a page writes from what it showed when it was drawn, so a
change someone made since is refused (in the page's language), never overwritten."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from streamlit.testing.v1 import AppTest

from experiments import loop
from experiments.db import Database
from experiments.models import Comparator, Goal, Phase, new_id
from experiments.store import Store
from tests.apptest import app, assert_clean, shown
from tests.races import moves
from tests.test_loop import at_phase


def test_the_cycle_page_moves_from_the_phase_it_showed_and_says_when_that_changed(
    db_path: Path,
) -> None:
    db = Database.open(db_path)
    try:
        _, cycle = at_phase(Store(db), Phase.START)
    finally:
        db.close()
    at = app("views/cycle.py")
    assert_clean(at)
    # Someone else moves the cycle on while this page still shows it in start.
    db = Database.open(db_path)
    try:
        loop.advance(Store(db), cycle.id)
    finally:
        db.close()
    at.button(key="phase_advance").click().run()
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [
        "Cycle 1 of 'Spring Sale' was moved meanwhile: it is in Campaign now, no longer in "
        "Start. Nothing was saved; reload the page and try again."
    ]
    db = Database.open(db_path)
    try:
        check = Store(db)
        assert check.cycle(cycle.id).phase is Phase.CAMPAIGN  # moved once, not on to feedback
        assert moves(check) == [("start", "campaign")]
    finally:
        db.close()


def _german_page() -> None:
    import streamlit as st

    from experiments.errors import ChangedMeanwhile
    from experiments.models import Phase
    from views.common import show_error

    st.session_state["lang"] = "de"
    show_error(ChangedMeanwhile("cycle_phase", campaign="Spring Sale", number=1,
                                seen=Phase.START, now=Phase.CAMPAIGN))  # fmt: skip


def test_pages_show_a_lost_race_in_the_chosen_language() -> None:
    # A German page over the same helper every page uses for a refused write.
    at = AppTest.from_function(_german_page).run()
    assert [shown(e.value) for e in at.error] == [
        "Zyklus 1 von „Spring Sale“ wurde inzwischen verschoben: Er ist jetzt in der Phase "
        "Kampagne, nicht mehr in Start. Es wurde nichts gespeichert; laden Sie die Seite neu und "
        "versuchen Sie es erneut."
    ]


def test_the_brief_form_refuses_a_campaign_changed_since_it_was_filled(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        campaign = Store(db).create_campaign("Spring Sale", audience="Teachers")
    finally:
        db.close()
    at = app("views/campaigns.py")
    assert_clean(at)
    db = Database.open(db_path)
    try:  # someone else edits the brief while this form shows it
        Store(db).update_campaign(replace(campaign, audience="Parents"))
    finally:
        db.close()
    at.number_input(key="brief_budget").set_value(500.0)
    at.button(key="FormSubmitter:brief-Save brief").click().run()
    assert [shown(e.value) for e in at.error] == [
        "The campaign 'Spring Sale' was changed meanwhile by someone else. Nothing was saved; "
        "reload the page to see the change and enter yours again."
    ]
    db = Database.open(db_path)
    try:
        stored = Store(db).campaign(campaign.id)
        assert (stored.audience, stored.budget) == ("Parents", None)
    finally:
        db.close()


def test_the_goal_form_refuses_a_goal_changed_since_it_was_filled(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        goal = Store(db).add_goal(Goal(new_id(), "Leads", "leads", Comparator.AT_LEAST, 500.0))
    finally:
        db.close()
    at = app("views/goals.py")
    assert_clean(at)
    db = Database.open(db_path)
    try:  # someone else edits the goal while this form shows it
        Store(db).update_goal(replace(goal, owner="Lena"))
    finally:
        db.close()
    prefix = f"edit_{goal.id}"
    at.text_input(key=f"{prefix}_target").input("650")
    at.button(key=f"{prefix}_submit").click().run()
    assert [shown(e.value) for e in at.error] == [
        "The goal 'Leads' was changed meanwhile by someone else. Nothing was saved; reload the "
        "page to see the change and enter yours again."
    ]
    db = Database.open(db_path)
    try:
        stored = Store(db).goal(goal.id)
        assert (stored.owner, stored.target) == ("Lena", 500.0)
    finally:
        db.close()
