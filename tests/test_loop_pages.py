"""The loop through the pages (AppTest, widgets driven by key): brief, two turns of the loop,
the gate's list of blockers, feedback, optimizations, and the learnings library's filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from experiments import loop
from experiments.db import Database
from experiments.models import Decision, FeedbackStatus, Outcome, Phase
from experiments.store import Store
from tests.apptest import app, assert_clean, shown
from tests.factories import make_campaign


def open_store(path: Path) -> tuple[Database, Store]:
    db = Database.open(path)
    return db, Store(db)


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    assert_clean(at)


def section(at: AppTest, tab: str) -> None:
    """Open a section of the cycle workspace by its tab selector."""
    at.button_group(key="cycle_tab").set_value(tab).run()
    assert_clean(at)


def tab_labels(at: AppTest) -> list[str]:
    return [o.content for o in at.button_group(key="cycle_tab").proto.options]


def test_brief_is_created_edited_and_marked_incomplete(db_path: Path) -> None:
    at = app("views/campaigns.py")
    at.text_input(key="brief_name").input("Spring Sale")
    at.text_area(key="brief_aliases").input("meta: Spring Sale 2026\nSPRING_SALE")
    at.multiselect(key="brief_channels").set_value(["Meta", "Trade fair"])
    at.multiselect(key="brief_stakeholders").set_value(["Sales"])
    at.number_input(key="brief_budget").set_value(12000.0)
    click(at, "FormSubmitter:brief-Create campaign")
    assert [s.value for s in at.success] == ["'Spring Sale' is saved."]
    assert [w.value for w in at.warning] == [
        "Brief incomplete: audience, goal, success measure missing"
    ]
    at.text_area(key="brief_audience").input("Hobby gardeners within 30 km of a store")
    at.text_area(key="brief_success").input("120 orders at under €40 each")
    at.radio(key="brief_focus").set_value("both")
    click(at, "FormSubmitter:brief-Save brief")
    assert [w.value for w in at.warning] == ["Brief incomplete: goal missing"]
    db, s = open_store(db_path)
    stored = s.campaign_by_name("Spring Sale")
    db.close()
    assert stored.aliases[0].name == "SPRING_SALE" and stored.aliases[1].platform == "meta"
    assert (stored.channels, stored.stakeholders, stored.budget) == (
        ("Meta", "Trade fair"), ("Sales",), 12000.0
    )  # fmt: skip
    assert stored.relationship_focus == "both"


def test_a_bad_brief_names_the_problem_and_writes_nothing(db_path: Path) -> None:
    at = app("views/campaigns.py")
    at.button(key="FormSubmitter:brief-Create campaign").click().run()
    assert not at.exception
    assert [shown(e.value) for e in at.error] == ["the campaign name must not be empty"]
    db, s = open_store(db_path)
    assert s.campaigns() == []
    db.close()


def test_two_turns_of_the_loop_in_the_cycle_workspace(db_path: Path) -> None:
    db, s = open_store(db_path)
    make_campaign(s, audience="Gardeners", success_measure="Orders")
    db.close()
    at = app("views/cycle.py")
    assert [w.value for w in at.warning] == ["Brief incomplete: goal missing"]
    at.text_area(key="first_hypothesis").input("Free shipping lifts the conversion rate")
    at.date_input(key="first_start").set_value(date(2026, 3, 1))
    at.date_input(key="first_end").set_value(date(2026, 3, 28))
    click(at, "FormSubmitter:first_cycle-Start cycle 1")
    assert [x.value for x in at.success] == ["Cycle 1 started."]

    assert at.button_group(key="cycle_tab").value == "start"
    section(at, "learnings")
    at.text_input(key="learn_text").input("Short copy wins")
    at.text_input(key="learn_tags").input("Copy, meta")
    click(at, "FormSubmitter:learning-Add learning")
    # Adding a learning keeps the Learnings tab open.
    assert at.button_group(key="cycle_tab").value == "learnings"
    for _ in range(3):
        click(at, "phase_advance")
    assert at.button_group(key="cycle_tab").value == "optimization"
    assert "Learnings (1 pending)" in tab_labels(at)

    # Feedback and an optimization that answers it.
    section(at, "feedback")
    at.text_area(key="fb_text").input("Shipping costs were a surprise at checkout")
    at.selectbox(key="fb_kind").set_value("criticism")
    click(at, "FormSubmitter:feedback-Add feedback")
    db, s = open_store(db_path)
    cycle1 = s.cycles()[0]
    item = s.feedback(cycle1.id)[0]
    db.close()
    section(at, "optimization")
    at.text_input(key="opt_what").input("Show shipping costs on the product page")
    at.multiselect(key="opt_feedback").set_value([item.id])
    click(at, "FormSubmitter:optimization-Add optimization")
    section(at, "feedback")
    click(at, f"fb_next_{str(item.id)[:8]}")  # addressed → communicated

    # The gate: the dialog lists the pending learning instead of closing the cycle.
    at.button(key="next_start").click().run()
    assert not at.exception
    assert shown(at.error[0].value).startswith("Cycle 1 cannot close yet.")
    assert "• waits for a decision: Short copy wins" in texts(at)
    db, s = open_store(db_path)
    learning = s.learnings(cycle_id=cycle1.id)[0]
    assert s.cycle(cycle1.id).phase is Phase.OPTIMIZATION
    assert s.feedback_item(item.id).status is FeedbackStatus.COMMUNICATED
    db.close()

    # Decided in the dialog itself, which then offers the next start.
    at.button_group(key=f"ns_decide_{str(learning.id)[:8]}").set_value(Decision.RETEST).run()
    assert_clean(at)
    # The next cycle's plan starts from this cycle's optimizations; its budget is asked for.
    assert at.text_area(key="ns_changes").value == "- Show shipping costs on the product page"
    at.number_input(key="ns_budget").set_value(2500.0)
    at.date_input(key="ns_start").set_value(date(2026, 4, 1))
    at.date_input(key="ns_end").set_value(date(2026, 4, 28))
    click(at, "ns_confirm")
    assert [x.value for x in at.success] == [
        "Cycle 1 is closed and cycle 2 has started with its carried learnings."
    ]
    assert at.selectbox(key="cycle_number").value == 2
    assert at.selectbox(key="cycle_number").options[1] == "Cycle 2 · Start"
    db, s = open_store(db_path)
    cycle2 = s.cycles()[1]
    assert (cycle2.planned_changes, cycle2.budget) == (
        "- Show shipping costs on the product page", 2500.0
    )  # fmt: skip
    db.close()

    # Cycle 2: the carried learning is a checklist item; mark it and retest it as its own.
    k = str(learning.id)[:8]
    at.radio(key=f"applied_{k}").set_value(False)
    at.text_input(key=f"reason_{k}").input("No budget for new copy yet")
    at.selectbox(key=f"outcome_{k}").set_value(Outcome.INCONCLUSIVE)
    click(at, f"apply_save_{k}")
    click(at, f"restate_{k}")
    for _ in range(3):
        click(at, "phase_advance")
    db, s = open_store(db_path)
    own = s.learnings(cycle_id=cycle2.id)[0]
    db.close()
    section(at, "learnings")
    at.button_group(key=f"decide_{str(own.id)[:8]}").set_value(Decision.CARRY_FORWARD).run()
    # Deciding keeps the Learnings tab open.
    assert at.button_group(key="cycle_tab").value == "learnings"
    click(at, "next_start")
    click(at, "ns_confirm")

    db, s = open_store(db_path)
    carried = s.learning(learning.id)
    assert [(c.number, c.phase) for c in s.cycles()] == [
        (1, Phase.CLOSED), (2, Phase.CLOSED), (3, Phase.START)
    ]  # fmt: skip
    assert (carried.applied, carried.applied_reason, carried.outcome) == (
        False, "No budget for new copy yet", Outcome.INCONCLUSIVE
    )  # fmt: skip
    assert [x.statement for x in loop.inputs(s, s.cycles()[2])] == ["Short copy wins"]
    db.close()


def test_step_back_is_offered_and_recorded(db_path: Path) -> None:
    db, s = open_store(db_path)
    campaign = make_campaign(s)
    cycle, _ = loop.start_first_cycle(s, campaign.id, date(2026, 3, 1), date(2026, 3, 28))
    loop.advance(s, cycle.id)
    db.close()
    at = app("views/cycle.py")
    click(at, "phase_back")
    assert [x.value for x in at.success] == ["The cycle is now in Start."]
    assert not [b for b in at.button if b.key == "phase_back"]
    db, s = open_store(db_path)
    assert s.audit_log("cycle", limit=1)[0].action == "phase_back"
    db.close()


@pytest.fixture
def library(db_path: Path) -> Path:
    db, s = open_store(db_path)
    spring = make_campaign(s, channels=("Meta",))
    care = make_campaign(s, name="Community Care", channels=("Instagram",))
    one, _ = loop.start_first_cycle(s, spring.id, date(2026, 3, 1), date(2026, 3, 28))
    two, _ = loop.start_first_cycle(s, care.id, date(2026, 3, 1), date(2026, 3, 28))
    a = loop.add_learning(s, one.id, "Short copy wins", "CTR 1.9% vs 1.2%", ("copy",), "high")
    loop.add_learning(s, one.id, "100% discount codes attract bargain hunters", tags=("price",))
    loop.add_learning(s, two.id, "Saved replies halve the reply time", tags=("inbox",))
    for _ in range(3):
        loop.advance(s, one.id)
    loop.decide(s, a.id, Decision.CARRY_FORWARD)
    loop.decide(s, s.learnings(cycle_id=one.id)[1].id, Decision.DROP)
    second = loop.next_start(s, spring.id, date(2026, 4, 1), date(2026, 4, 28))
    loop.set_outcome(s, a.id, second.id, Outcome.CONFIRMED)
    db.close()
    return db_path


FILTERS = [
    ({}, ["Saved replies halve the reply time", "Short copy wins",
          "100% discount codes attract bargain hunters"]),
    ({"lib_tag": ["copy"]}, ["Short copy wins"]),
    ({"lib_channel": ["Instagram"]}, ["Saved replies halve the reply time"]),
    ({"lib_decision": [Decision.DROP]}, ["100% discount codes attract bargain hunters"]),
    ({"lib_outcome": [Outcome.CONFIRMED]}, ["Short copy wins"]),
    ({"lib_search": "ctr"}, ["Short copy wins"]),
    ({"lib_search": "reply saved"}, ["Saved replies halve the reply time"]),
    ({"lib_search": "100%"}, ["100% discount codes attract bargain hunters"]),
    ({"lib_search": "0%"}, ["100% discount codes attract bargain hunters"]),
    ({"lib_search": "nothing like this"}, []),
    ({"lib_search": "_"}, []),  # a wildcard in SQL, but here just an underscore
]  # fmt: skip


@pytest.mark.parametrize(("widgets", "expected"), FILTERS)
def test_library_filters(library: Path, widgets: dict[str, object], expected: list[str]) -> None:
    at = app("views/learnings.py")
    for key, value in widgets.items():
        if key == "lib_search":
            at.text_input(key=key).input(str(value))
        else:
            at.multiselect(key=key).set_value(value)
    at.run()
    assert_clean(at)
    if not expected:
        assert [i.value for i in at.info] == ["No learning matches these filters."]
        return
    shown = at.dataframe[0].value
    assert list(shown["statement"]) == expected


def test_library_shows_the_track_record(library: Path) -> None:
    at = app("views/learnings.py")
    shown = at.dataframe[0].value.set_index("statement")
    row = shown.loc["Short copy wins"]
    assert (row["times_carried"], row["confirmed"], row["contradicted"]) == (1, 1, 0)
    assert (row["carried_into"], row["decision"], row["outcome"]) == ("2", "Carry forward",
                                                                       "Confirmed")  # fmt: skip
    assert at.caption[1].value == "3 of 3 learnings"


def test_library_shows_confidence_and_wraps_long_text(library: Path) -> None:
    at = app("views/learnings.py")
    table = at.dataframe[0]
    shown = table.value.set_index("statement")
    assert shown.loc["Short copy wins", "confidence"] == "High"
    assert shown.loc["Saved replies halve the reply time", "confidence"] == "Not rated"
    # The grid wraps cell text only in rows taller than 4rem (64 px); shorter rows cut it off.
    assert table.proto.row_height > 64


def test_timeline_opens_the_chosen_cycle(library: Path) -> None:
    at = app("views/timeline.py")
    db, s = open_store(library)
    care = s.campaign_by_name("Community Care")
    cycle = s.cycles(care.id)[0]
    db.close()
    at.selectbox(key="timeline_pick").set_value(str(cycle.id))
    click(at, "timeline_open")
    assert at.selectbox(key="cycle_campaign").value == str(care.id)
    assert at.selectbox(key="cycle_number").value == 1
