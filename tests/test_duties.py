"""Responsibilities and comments in the store: who may answer for an item, due dates, mentions,
the comment limit, and what the audit says of each."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from experiments import audit_words
from experiments.db import Database
from experiments.errors import DutyRefused, NotFound, PermissionDenied
from experiments.models import (
    CommentOn,
    Decision,
    DutyKind,
    FeedbackKind,
    FeedbackSource,
    Optimization,
    Phase,
    Role,
    new_id,
)
from experiments.store import Store
from experiments.store.duties import COMMENT_LIMIT, mentions_in
from tests.factories import make_campaign, make_cycle, make_learning, row_counts, signed_in


@pytest.fixture
def db(any_db: Database) -> Database:
    """Every test here runs on a DuckDB file, in memory, and on DuckLake with PostgreSQL."""
    return any_db


TODAY = datetime.now(UTC).date()


@pytest.fixture
def items(store: Store) -> dict[str, Any]:
    """One open item of each kind in a cycle in optimization, and a team: jana and tobias
    (marketers), olga (deactivated)."""
    for name, role in (("jana", Role.MARKETER), ("tobias", Role.MARKETER), ("olga", Role.ANALYST)):
        store.add_user(name, name.title(), role)
    store.set_active("olga", False)
    cycle = make_cycle(store, make_campaign(store, "Spring Sale"), phase=Phase.OPTIMIZATION)
    return {
        "cycle": cycle,
        "learning": make_learning(store, cycle, "Short captions win"),
        "feedback": store.add_feedback(
            cycle.id, FeedbackSource.DMS, FeedbackKind.CRITICISM, "Price hidden"
        ),  # fmt: skip
        "idea": store.add_feedback(cycle.id, FeedbackSource.SALES, FeedbackKind.IDEA, "Bundles"),
        "optimization": store.add_optimization(Optimization(new_id(), cycle.id, "Price first")),
    }


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@jana, please decide", ["jana"]),
        ("ask @jana.", ["jana"]),
        ("write to email@x.de about it", []),
        ("jana@x.de and @tobias", ["tobias"]),
        ("@jana and @tobias and @jana again", ["jana", "tobias"]),
        ("(@j.doe-2_x) agrees", ["j.doe-2_x"]),
        ("@@jana", []),
        ("an @ alone", []),
        ("", []),
    ],
)
def test_mentions_are_read_from_the_text(text: str, names: list[str]) -> None:
    assert mentions_in(text) == names


@pytest.mark.parametrize("kind", list(DutyKind))
def test_an_active_member_is_made_responsible_with_a_due_date(
    store: Store, items: dict[str, Any], kind: DutyKind
) -> None:
    item = items[kind.value]
    due = TODAY + timedelta(days=3)
    duty = store.assign(kind, item.id, "jana", due)
    assert (duty.assignee, duty.due, duty.text) == ("jana", due, store.duty(kind, item.id).text)
    assert duty in store.open_duties()
    entry = store.audit_log(kind.value)[0]
    assert (entry.actor, entry.action, entry.entity_id) == ("local", "assign", str(item.id))
    # Nobody responsible: the due date goes with the owner.
    cleared = store.assign(kind, item.id, None)
    assert (cleared.assignee, cleared.due) == (None, None)
    # The same again changes nothing, and the audit records no change that is none.
    entries = len(store.audit_log(limit=1000))
    assert store.assign(kind, item.id, None) == cleared
    assert len(store.audit_log(limit=1000)) == entries


REFUSALS = [
    ("learning", "ghost", None, "no_member",
     "There is no member 'ghost'; choose one of the active members (an admin adds members on the "
     "Team page). Nothing was saved."),
    ("feedback", "olga", None, "inactive_member",
     "The member 'olga' is deactivated and cannot be responsible; choose an active member. "
     "Nothing was saved."),
    ("optimization", None, 5, "due_without_owner",
     "A due date needs someone responsible; choose a member, or leave the date empty. Nothing "
     "was saved."),
    ("learning", "jana", -1, "due_past",
     f"The due date {TODAY - timedelta(days=1)} has passed already; choose today or a later day. "
     "Nothing was saved."),
    ("idea", "jana", None, "not_criticism",
     "Only criticism gets someone responsible (praise, questions, requests and ideas wait for "
     "nobody); nothing was saved."),
]  # fmt: skip


@pytest.mark.parametrize(("item", "owner", "days", "case", "message"), REFUSALS,
                         ids=[r[3] for r in REFUSALS])  # fmt: skip
def test_a_wrong_owner_or_due_date_is_refused_and_nothing_written(
    store: Store, items: dict[str, Any], item: str, owner: str | None, days: int | None,
    case: str, message: str,
) -> None:  # fmt: skip
    kind = DutyKind.FEEDBACK if item == "idea" else DutyKind(item)
    due = None if days is None else TODAY + timedelta(days=days)
    audit = len(store.audit_log(limit=1000))
    with pytest.raises(DutyRefused) as err:
        store.assign(kind, items[item].id, owner, due)
    assert (err.value.key, str(err.value)) == (f"duty.refuse.{case}", message)
    assert err.value.text("de") != message and "nichts gespeichert" in err.value.text("de")
    duty = store.duty(kind, items[item].id)
    assert (duty.assignee, duty.due) == (None, None)
    assert len(store.audit_log(limit=1000)) == audit


def test_a_due_date_set_earlier_may_stay_when_the_owner_changes(
    store: Store, items: dict[str, Any]
) -> None:
    # Only a new due date must lie ahead: handing an item on keeps the date it had.
    due = TODAY
    store.assign(DutyKind.LEARNING, items["learning"].id, "jana", due)
    assert store.assign(DutyKind.LEARNING, items["learning"].id, "tobias", due).due == due


def test_an_item_that_does_not_exist_is_not_found(store: Store, items: dict[str, Any]) -> None:
    with pytest.raises(NotFound, match="^no optimization with id "):
        store.assign(DutyKind.OPTIMIZATION, uuid.UUID(int=7), "jana")


def test_decided_and_done_items_leave_the_open_duties(store: Store, items: dict[str, Any]) -> None:
    assert {d.kind for d in store.open_duties()} == set(DutyKind)
    store.decide_learning(items["learning"].id, Decision.DROP)
    store.add_optimization(Optimization(new_id(), items["cycle"].id, "Answer it",
                                        feedback_ids=(items["feedback"].id,)))  # fmt: skip
    assert [d.text for d in store.open_duties()] == ["Price first", "Answer it"]


@pytest.mark.parametrize("target", list(CommentOn))
def test_a_comment_keeps_its_text_and_the_members_it_mentions(
    db: Database, store: Store, items: dict[str, Any], target: CommentOn
) -> None:
    target_id = items["cycle" if target is CommentOn.CYCLE else target.value].id
    tobias = signed_in(db, "tobias", Role.MARKETER)
    text = "@JANA, can you check? mail olga@x.de, ask @ghost and @olga."
    made = tobias.add_comment(target, target_id, f"  {text} ")
    # Known members only (any case, stored as they are named); deactivated ones stay named.
    assert (made.author, made.text, made.mentions) == ("tobias", text, ("jana", "olga"))
    assert store.comments(target, target_id) == [made]
    assert store.comments_mentioning("jana") == [made]
    assert made in store.comments_in_cycle(items["cycle"].id)


def test_a_comment_of_100_kb_is_refused_with_its_limit(
    db: Database, store: Store, items: dict[str, Any]
) -> None:
    before = row_counts(db)
    with pytest.raises(DutyRefused) as err:
        store.add_comment(CommentOn.CYCLE, items["cycle"].id, "x" * 102_400)
    assert str(err.value) == (
        f"A comment may have at most {COMMENT_LIMIT} characters, and this one has 102400; shorten "
        "it and put longer text into the feedback or the learning itself. Nothing was saved."
    )
    assert err.value.text("de").startswith("Ein Kommentar darf höchstens 2000 Zeichen haben")
    assert row_counts(db) == before


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [("   ", DutyRefused, "^The comment is empty; write what you want to say"),
     ("ok", NotFound, "^no cycle with id ")],
)  # fmt: skip
def test_an_empty_comment_or_one_on_nothing_is_refused(
    db: Database, store: Store, items: dict[str, Any], text: str, error: type, message: str
) -> None:
    before = row_counts(db)
    target = items["cycle"].id if text.strip() == "" else uuid.UUID(int=3)
    with pytest.raises(error, match=message):
        store.add_comment(CommentOn.CYCLE, target, text)
    assert row_counts(db) == before


def test_a_viewer_may_neither_comment_nor_assign(db: Database, items: dict[str, Any]) -> None:
    vic = signed_in(db, "vic", Role.VIEWER)
    before = row_counts(db)
    with pytest.raises(PermissionDenied, match=r"^vic \(viewer\) may not change comment data"):
        vic.add_comment(CommentOn.CYCLE, items["cycle"].id, "hello")
    with pytest.raises(PermissionDenied, match=r"^vic \(viewer\) may not change loop data"):
        vic.assign(DutyKind.LEARNING, items["learning"].id, "jana")
    assert row_counts(db) == before


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["Tobias commented: “@jana, see *this*”",
             "Local admin made Jana responsible for answering “Price hidden”, due {due}",
             "Local admin left the learning “Short captions win” with nobody responsible"]),
     ("de", ["Tobias hat kommentiert: „@jana, see *this*“",
             "Lokaler Admin hat Jana für die Antwort auf „Price hidden“ verantwortlich gemacht, "
             "fällig am {due}",
             "Lokaler Admin hat das Learning „Short captions win“ ohne verantwortliche Person "
             "gelassen"])],
)  # fmt: skip
def test_assignments_and_comments_read_as_sentences_in_the_cycles_history(
    db: Database, store: Store, items: dict[str, Any], lang: str, expected: list[str]
) -> None:
    due = date(TODAY.year + 1, 1, 15)
    store.assign(DutyKind.LEARNING, items["learning"].id, "tobias")
    store.assign(DutyKind.LEARNING, items["learning"].id, None)
    store.assign(DutyKind.FEEDBACK, items["feedback"].id, "jana", due)
    signed_in(db, "tobias", Role.MARKETER).add_comment(
        CommentOn.LEARNING, items["learning"].id, "@jana, see *this*"
    )
    shown = "Jan 15, 2027" if lang == "en" else "15.01.2027"
    shown = shown.replace("2027", str(due.year))
    history = [h.text for h in audit_words.cycle_history(store, items["cycle"].id, lang)]
    assert history[:3] == [e.format(due=shown) for e in expected]
