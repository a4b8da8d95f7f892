"""The goals page through AppTest: create and edit goals, bad input named, no data shown as such."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from experiments.db import Database
from experiments.models import Comparator, Goal, ScopeKind, new_id
from experiments.store import Store
from tests.apptest import app, assert_clean, shown


def stored_goals(path: Path) -> list[Goal]:
    db = Database.open(path)
    try:
        return Store(db).goals()
    finally:
        db.close()


def fill(at: AppTest, prefix: str, **values: object) -> AppTest:
    for field, value in values.items():
        key = f"{prefix}_{field}"
        if field in ("metric", "comparator", "campaign"):
            at.selectbox(key=key).set_value(value)
        elif field in ("start", "end"):
            at.date_input(key=key).set_value(value)
        elif field == "scope":
            at.radio(key=key).set_value(value)
        elif field == "objective":
            at.text_area(key=key).input(str(value))
        else:
            at.text_input(key=key).input(str(value))
    return at


def test_first_goal_is_created_from_the_form(db_path: Path) -> None:
    at = app("views/goals.py")
    assert [i.value for i in at.info] == [
        "No goals yet. Create the first one below: a metric, a target and a period."
    ]
    fill(at, "new_goal", name="CTR at least 1.8 %", metric="ctr", target="1,8 %",
         baseline="0.016", start=date(2026, 3, 1), end=date(2026, 6, 30),
         owner="Lena", objective="More shop visits")  # fmt: skip
    at.button(key="new_goal_submit").click().run()
    assert_clean(at)
    assert [shown(s.value) for s in at.success] == ["Goal 'CTR at least 1.8 %' created."]
    (g,) = stored_goals(db_path)
    assert (g.metric, g.target, g.baseline, g.period_end, g.owner) == (
        "ctr",
        pytest.approx(0.018),
        0.016,
        date(2026, 6, 30),
        "Lena",
    )
    # A metric no import has brought yet is allowed and shown as such.
    table = at.dataframe[0].value
    assert table["Actual"].tolist() == ["no data yet"]
    assert table["Status"].tolist() == ["No data yet"]


BAD = [
    ({"name": "CTR", "metric": "ctr", "target": "180 %"},
     "the target 1.8 for ctr is above 100 %: a rate is a share between 0 and 1; "
     "enter 0.025 for 2.5 %"),
    ({"name": "CTR", "metric": "ctr", "target": ""},
     "the target needs a number; write e.g. 500, 25.50 or 1.8 %"),
    ({"name": "Leads", "metric": "leads", "target": "many"},
     "'many' is not a number for Target; write e.g. 1500, 0.025 or 2.5 %"),
    ({"name": "Leads", "metric": "leads", "target": "500", "start": date(2026, 5, 1),
      "end": date(2026, 4, 1)},
     "the window ends (2026-04-01) before it starts (2026-05-01); swap the dates or correct "
     "the end"),
    ({"name": " ", "metric": "leads", "target": "500"}, "the goal name must not be empty"),
]  # fmt: skip


@pytest.mark.parametrize(("values", "message"), BAD)
def test_bad_goal_is_named_and_nothing_is_stored(
    db_path: Path, values: dict[str, object], message: str
) -> None:
    at = fill(app("views/goals.py"), "new_goal", **values)
    at.button(key="new_goal_submit").click().run()
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [message]
    assert stored_goals(db_path) == []


def test_reply_time_at_most_and_campaign_scope(db_path: Path) -> None:
    db = Database.open(db_path)
    Store(db).create_campaign("Community Care")
    db.close()
    at = fill(app("views/goals.py"), "new_goal", name="Median reply time ≤ 60 min",
              metric="response_time_median_s", comparator=Comparator.AT_MOST, target="3600",
              scope=ScopeKind.CAMPAIGN)  # fmt: skip
    at.button(key="new_goal_submit").click().run()
    assert_clean(at)
    (g,) = stored_goals(db_path)
    assert (g.comparator, g.target, g.scope_kind) == (
        Comparator.AT_MOST,
        3600.0,
        ScopeKind.CAMPAIGN,
    )
    assert at.dataframe[0].value["Scope"].tolist() == ["Campaign: Community Care"]


def test_editing_a_goal_saves_it(db_path: Path) -> None:
    db = Database.open(db_path)
    g = Store(db).add_goal(Goal(new_id(), "Leads", "leads", Comparator.AT_LEAST, 500.0))
    db.close()
    at = app("views/goals.py")
    prefix = f"edit_{g.id}"
    fill(at, prefix, target="650", owner="Mira")
    at.button(key=f"{prefix}_submit").click().run()
    assert_clean(at)
    assert [s.value for s in at.success] == ["Goal 'Leads' saved."]
    (saved,) = stored_goals(db_path)
    assert (saved.id, saved.target, saved.owner) == (g.id, 650.0, "Mira")


def test_a_rate_is_shown_for_editing_as_a_percentage(db_path: Path) -> None:
    db = Database.open(db_path)
    g = Store(db).add_goal(Goal(new_id(), "CTR", "ctr", Comparator.AT_LEAST, 0.018, 0.016))
    db.close()
    at = app("views/goals.py")
    prefix = f"edit_{g.id}"
    assert at.text_input(key=f"{prefix}_target").value == "1.8 %"
    assert at.text_input(key=f"{prefix}_baseline").value == "1.6 %"
    at.button(key=f"{prefix}_submit").click().run()
    assert_clean(at)
    assert stored_goals(db_path)[0].target == pytest.approx(0.018)


def test_saving_a_demo_goal_unchanged_keeps_its_campaign(demo_db: Path) -> None:
    db = Database.open(demo_db)
    store = Store(db)
    goal = store.goal_by_name("LinkedIn CPC ≤ 4.50 €")
    branding = store.campaign_by_name("Employer Branding")
    db.close()
    at = app("views/goals.py")
    at.selectbox(key="goal_pick").set_value(str(goal.id)).run()
    prefix = f"edit_{goal.id}"
    assert at.selectbox(key=f"{prefix}_campaign").value == str(branding.id)
    at.button(key=f"{prefix}_submit").click().run()
    assert_clean(at)
    saved = next(g for g in stored_goals(demo_db) if g.id == goal.id)
    assert (saved.scope_kind, saved.scope_value) == (ScopeKind.CAMPAIGN, str(branding.id))


def test_a_new_goal_is_selected_after_it_is_created(db_path: Path) -> None:
    db = Database.open(db_path)
    Store(db).add_goal(Goal(new_id(), "Awareness", "impressions", Comparator.AT_LEAST, 1e6))
    db.close()
    at = app("views/goals.py")
    fill(at, "new_goal", name="Zebra leads", metric="leads", target="500")
    at.button(key="new_goal_submit").click().run()
    assert_clean(at)
    created = next(g for g in stored_goals(db_path) if g.name == "Zebra leads")
    assert at.selectbox(key="goal_pick").value == str(created.id)
    assert at.text_input(key=f"edit_{created.id}_name").value == "Zebra leads"


def test_goals_are_listed_by_status_worst_first(demo_db: Path) -> None:
    at = app("views/goals.py")
    assert_clean(at)
    order = ["Off track", "At risk", "No data yet", "On track", "Achieved"]
    statuses = at.dataframe[0].value["Status"].tolist()
    assert statuses == sorted(statuses, key=order.index)
    assert len(set(statuses)) > 1  # the demo has goals in more than one state
