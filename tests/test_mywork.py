"""My work: each person's list (what they answer for, where they are mentioned, overdue first),
the overview's overdue count per campaign, and the pages that show and fill them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from experiments import cycle_view
from experiments.db import Database
from experiments.models import (
    CommentOn,
    Decision,
    DutyKind,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Optimization,
    Phase,
    Role,
    new_id,
)
from experiments.mywork import my_work, overdue_by_campaign
from experiments.store import Store
from tests.apptest import DASHBOARD, app, assert_clean, shown
from tests.factories import make_campaign, make_cycle, make_learning, row_counts, session_of
from tests.hostile_text import PIXEL_MARK, hostile
from tests.sql import execute
from tests.test_hostile_text_pages import markdown_texts

TODAY = datetime.now(UTC).date()
MEMBERS = {Role.VIEWER: "vera", Role.MARKETER: "jana", Role.ANALYST: "ali", Role.ADMIN: "tobias"}


def build(db: Database) -> dict[str, Any]:
    """Two campaigns; in Spring Sale's open cycle one open item of each kind for Jana, one
    optimization for Tobias and one item nobody answers for; Autumn's criticism is Jana's."""
    store = Store(db)
    for role, name in MEMBERS.items():
        store.add_user(name, name.title(), role)
    spring = make_cycle(store, make_campaign(store, "Spring Sale"), phase=Phase.OPTIMIZATION)
    autumn = make_cycle(store, make_campaign(store, "Autumn"), phase=Phase.FEEDBACK)
    w = {
        "spring": spring,
        "autumn": autumn,
        "learning": make_learning(store, spring, "Short captions win"),
        "criticism": store.add_feedback(
            spring.id, FeedbackSource.DMS, FeedbackKind.CRITICISM, "Price hidden"
        ),  # fmt: skip
        "late": store.add_feedback(
            autumn.id, FeedbackSource.SALES, FeedbackKind.CRITICISM, "Too slow"
        ),  # fmt: skip
        "mine": store.add_optimization(Optimization(new_id(), spring.id, "Price first")),
        "his": store.add_optimization(Optimization(new_id(), spring.id, "New photos")),
        "loose": store.add_optimization(Optimization(new_id(), spring.id, "Nobody's")),
    }
    store.assign(DutyKind.LEARNING, w["learning"].id, "jana", TODAY + timedelta(days=5))
    store.assign(DutyKind.FEEDBACK, w["criticism"].id, "jana", TODAY + timedelta(days=1))
    store.assign(DutyKind.FEEDBACK, w["late"].id, "jana", TODAY)
    store.assign(DutyKind.OPTIMIZATION, w["mine"].id, "jana")
    store.assign(DutyKind.OPTIMIZATION, w["his"].id, "tobias", TODAY)
    return w


def member(db: Database, name: str) -> Store:
    role = next(r for r, n in MEMBERS.items() if n == name)
    return Store(db, session_of(db, name, role))


@pytest.fixture
def world(db: Database) -> dict[str, Any]:
    return build(db)


def test_a_members_list_holds_their_items_overdue_first(db: Database, world: Any) -> None:
    # Three days on: the criticism due tomorrow and Autumn's due today are overdue.
    work = my_work(member(db, "jana"), TODAY + timedelta(days=3))
    assert [(i.reason, i.campaign, i.text, i.overdue) for i in work.items] == [
        ("answer", "Autumn", "Too slow", True),
        ("answer", "Spring Sale", "Price hidden", True),
        ("decide", "Spring Sale", "Short captions win", False),
        ("due", "Spring Sale", "Price first", False),
    ]
    assert (work.username, work.name, work.with_unassigned, work.overdue) == (
        "jana", "Jana", False, 2)  # fmt: skip


def test_done_items_leave_the_list(db: Database, world: Any) -> None:
    jana = member(db, "jana")
    jana.decide_learning(world["learning"].id, Decision.CARRY_FORWARD)
    jana.set_feedback_status(world["late"].id, FeedbackStatus.ADDRESSED)
    assert [i.text for i in my_work(jana, TODAY).items] == ["Price hidden", "Price first"]


def test_the_local_admin_gets_what_nobody_answers_for(store: Store, world: Any) -> None:
    work = my_work(store, TODAY)
    assert work.with_unassigned and work.username == "local"
    assert [(i.reason, i.text, i.assignee) for i in work.items] == [("due", "Nobody's", None)]


@pytest.mark.parametrize(
    ("target", "item", "reason", "text"),
    [(CommentOn.CYCLE, "spring", "mentioned", "Cycle 1"),
     (CommentOn.FEEDBACK, "criticism", "answer", "Price hidden"),
     (CommentOn.LEARNING, "learning", "decide", "Short captions win")],
)  # fmt: skip
def test_a_mention_puts_the_item_on_the_mentioned_members_list(
    db: Database, world: Any, target: CommentOn, item: str, reason: str, text: str
) -> None:
    before = my_work(member(db, "ali"), TODAY).items
    member(db, "jana").add_comment(target, world[item].id, "@ali, can you check the numbers?")
    # Tobias is not mentioned: his list is as it was.
    assert [i.text for i in my_work(member(db, "tobias"), TODAY).items] == ["New photos"]
    assert before == ()
    [got] = my_work(member(db, "ali"), TODAY).items
    assert (got.reason, got.kind, got.id, got.text, got.by, got.comment) == (
        "mentioned", "cycle" if target is CommentOn.CYCLE else target.value, world[item].id,
        text, "Jana", "@ali, can you check the numbers?")  # fmt: skip
    # On an item of her own, the mention is the comment beside it, not a second row.
    member(db, "tobias").add_comment(target, world[item].id, "see @jana.")
    rows = [i for i in my_work(member(db, "jana"), TODAY).items if i.id == world[item].id]
    assert [(i.reason, i.text, i.comment, i.by) for i in rows] == [
        (reason, text, "see @jana.", "Tobias")]  # fmt: skip


def test_a_mention_on_what_is_done_waits_for_nobody(db: Database, world: Any) -> None:
    jana = member(db, "jana")
    jana.add_comment(CommentOn.LEARNING, world["learning"].id, "@ali look")
    jana.decide_learning(world["learning"].id, Decision.DROP)
    assert my_work(member(db, "ali"), TODAY).items == ()


def test_the_overview_counts_overdue_items_per_campaign(store: Store, world: Any) -> None:
    assert overdue_by_campaign(store, TODAY) == []
    assert overdue_by_campaign(store, TODAY + timedelta(days=2)) == [
        {"campaign": "Spring Sale", "learning": 0, "feedback": 1, "optimization": 1, "total": 2},
        {"campaign": "Autumn", "learning": 0, "feedback": 1, "optimization": 0, "total": 1},
    ]


# -- the pages ------------------------------------------------------------------------------


@pytest.fixture
def team(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("TRACKER_MODE", "team")
    db = Database.open(db_path)
    try:
        return build(db)
    finally:
        db.close()


def as_member(path: Path, name: str, page: str) -> AppTest:
    db = Database.open(path)
    role = next(r for r, n in MEMBERS.items() if n == name)
    session = session_of(db, name, role)
    db.close()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=30)
    at.session_state["session"] = session
    at.switch_page(page)
    return at.run()


def table_of(at: AppTest) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = at.dataframe[0].value.to_dict("records")
    return rows


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_my_work_page_shows_each_role_its_own_list(
    db_path: Path, team: Any, role: Role
) -> None:
    name = MEMBERS[role]
    db = Database.open(db_path)
    Store(db).add_comment(CommentOn.CYCLE, team["autumn"].id, f"@{name}: a word, please")
    db.close()
    at = as_member(db_path, name, "views/mywork.py")
    assert_clean(at)
    assert at.title[0].value == "My work"
    rows = table_of(at)
    expected = {"jana": ["Too slow", "Price hidden", "Short captions win", "Price first"],
                "tobias": ["New photos"]}.get(name, [])  # fmt: skip
    assert [r["Item"] for r in rows if r["To do"] != "Mentioned by Local admin"] == expected
    assert [r["Comment"] for r in rows if r["To do"] == "Mentioned by Local admin"] == [
        f"@{name}: a word, please"]  # fmt: skip


def test_my_work_in_local_mode_lists_what_nobody_answers_for(db_path: Path) -> None:
    db = Database.open(db_path)
    build(db)
    db.close()
    at = app("views/mywork.py")
    assert_clean(at)
    assert at.caption[0].value.startswith("What waits for the local admin")
    assert [(r["Item"], r["Responsible"]) for r in table_of(at)] == [("Nobody's", "nobody yet")]


def on_cycle(path: Path, name: str, cycle: Any) -> AppTest:
    at = as_member(path, name, "views/cycle.py")
    return at.selectbox(key="cycle_campaign").set_value(str(cycle.campaign_id)).run()


def comment_on_cycle(at: AppTest, cycle_id: Any, text: str) -> AppTest:
    key = f"cycle_{str(cycle_id)[:8]}"
    at.text_area(key=f"comment_text_{key}").input(text)
    return at.button(key=f"FormSubmitter:comment_{key}-Add comment").click().run()


def test_a_mention_written_on_the_cycle_page_shows_on_the_others_my_work(
    db_path: Path, team: Any
) -> None:
    at = on_cycle(db_path, "tobias", team["autumn"])
    comment_on_cycle(at, team["autumn"].id, "@jana, the price question is back")
    assert_clean(at)
    assert "Mentioned: jana" in [shown(s.value) for s in at.success]
    mine = table_of(as_member(db_path, "jana", "views/mywork.py"))
    assert [(r["To do"], r["Comment"]) for r in mine if r["Campaign"] == "Autumn"
            and r["Comment"]] == [("Mentioned by Tobias", "@jana, the price question is back")]  # fmt: skip
    history = as_member(db_path, "tobias", "views/cycle.py")
    assert "Tobias commented: “@jana, the price question is back”" in [
        t.value.split(" · ", 1)[-1] for t in history.text]  # fmt: skip


def test_a_comment_of_100_kb_is_refused_on_the_page_and_nothing_written(
    db_path: Path, team: Any
) -> None:
    db = Database.open(db_path)
    before = row_counts(db)
    db.close()
    at = on_cycle(db_path, "jana", team["spring"])
    comment_on_cycle(at, team["spring"].id, "y" * 102_400)
    assert [shown(e.value) for e in at.error] == [
        "A comment may have at most 2000 characters, and this one has 102400; shorten it and put "
        "longer text into the feedback or the learning itself. Nothing was saved."
    ]
    db = Database.open(db_path)
    assert row_counts(db) == before
    db.close()


def test_hostile_comments_and_names_are_shown_as_text(db_path: Path, team: Any) -> None:
    text = hostile("http://127.0.0.1:9", "comment")
    db = Database.open(db_path)
    Store(db).add_user("eve", hostile("http://127.0.0.1:9", "eve-name", lines=False),
                       Role.MARKETER)  # fmt: skip
    Store(db, session_of(db, "eve", Role.MARKETER)).add_comment(
        CommentOn.CYCLE, team["spring"].id, text[:1900] + " @jana"
    )
    db.close()
    at = on_cycle(db_path, "jana", team["spring"])
    assert_clean(at)
    assert text[:1900] + " @jana" in [t.value for t in at.text]
    assert [t for t in markdown_texts(at) if f"/{PIXEL_MARK}/" in t] == []
    mine = as_member(db_path, "jana", "views/mywork.py")
    assert_clean(mine)
    assert text[:1900] + " @jana" in [r["Comment"] for r in table_of(mine)]
    assert [t for t in markdown_texts(mine) if f"/{PIXEL_MARK}/" in t] == []


def test_the_overview_shows_overdue_work_per_campaign(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database.open(db_path)
    w = build(db)
    # Time passes: due dates set days ago (the store takes no date already past).
    past = TODAY - timedelta(days=2)
    for table, item in (("feedback", "late"), ("optimization", "his"), ("learning", "learning")):
        execute(db, f"UPDATE {table} SET due_date = ? WHERE id = ?", [past, w[item].id])
    db.close()
    at = app("views/overview.py")  # local mode: the manager's view of the whole team
    assert_clean(at)
    frames = [d.value for d in at.dataframe if "Overdue" in d.value.columns]
    assert [f.to_dict("records") for f in frames] == [[
        {"Campaign": "Spring Sale", "Learnings": 1, "Criticism": 0, "Optimizations": 1,
         "Overdue": 2},
        {"Campaign": "Autumn", "Learnings": 0, "Criticism": 1, "Optimizations": 0, "Overdue": 1},
    ]]  # fmt: skip
    monkeypatch.setenv("TRACKER_MODE", "team")
    mine = as_member(db_path, "jana", "views/mywork.py")
    assert "2 overdue" in [w.value for w in mine.warning]


def test_the_workspace_offers_an_owner_only_for_open_items(db: Database, world: Any) -> None:
    store = Store(db)
    store.decide_learning(world["learning"].id, Decision.DROP)
    ws = cycle_view.workspace(store, world["spring"].campaign_id, None, TODAY)
    assert ws is not None
    assert ws.assignable == {world[k].id for k in ("criticism", "mine", "his", "loose")}
    assert ws.members == ("ali", "jana", "tobias", "vera")
    # A closed cycle is read-only, but its open criticism still needs someone to answer it.
    autumn = world["autumn"]
    store.set_phase(autumn.id, Phase.OPTIMIZATION)
    store.add_optimization(Optimization(new_id(), autumn.id, "Faster replies"))
    store.set_phase(autumn.id, Phase.CLOSED)
    closed = cycle_view.workspace(store, autumn.campaign_id, 1, TODAY)
    assert closed is not None and closed.locked
    assert closed.assignable == {world["late"].id}


def test_an_owner_and_due_date_are_set_on_the_cycle_page(db_path: Path, team: Any) -> None:
    at = on_cycle(db_path, "jana", team["spring"])
    at.button_group(key="cycle_tab").set_value("feedback").run()
    key = f"feedback_{str(team['criticism'].id)[:8]}"
    due = TODAY + timedelta(days=9)
    at.selectbox(key=f"duty_owner_{key}").set_value("tobias")
    at.date_input(key=f"duty_due_{key}").set_value(due)
    at.button(key=f"FormSubmitter:duty_{key}-Save responsibility").click().run()
    assert_clean(at)
    db = Database.open(db_path)
    duty = Store(db).duty(DutyKind.FEEDBACK, team["criticism"].id)
    entry = Store(db).audit_log("feedback")[0]
    db.close()
    assert (duty.assignee, duty.due, entry.actor, entry.action) == ("tobias", due, "jana", "assign")
    assert [r["Item"] for r in table_of(as_member(db_path, "tobias", "views/mywork.py"))] == [
        "New photos", "Price hidden"]  # fmt: skip
