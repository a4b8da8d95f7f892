"""The store's write surface is the only one: no cursor, no forged audit, no unchecked alias
write, and no way for a store to act as someone it was not signed in as."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd
import pytest

from experiments.db import Database
from experiments.errors import NotFound, PermissionDenied
from experiments.import_models import ColumnRole, ImportRecord, NumberStyle, SavedMapping
from experiments.importers import service
from experiments.models import (
    LOCAL_ACTOR,
    Actor,
    Alias,
    CommentOn,
    Comparator,
    Cycle,
    Decision,
    DutyKind,
    FeedbackKind,
    FeedbackSource,
    FeedbackStatus,
    Goal,
    Optimization,
    Outcome,
    Phase,
    Role,
    TestPlan,
    new_id,
)
from experiments.store import Store
from experiments.store.sessions import Session, SignIn
from tests.factories import make_campaign, make_cycle, make_learning, row_counts, signed_in
from tests.test_import_semantics import FIRST

ROLES = list(Role)
REFUSED = "may change data only through the store's write methods"


def world(store: Store) -> dict[str, Any]:
    """One of everything a write can touch, made by the local admin."""
    campaign = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    cycle = make_cycle(store, campaign, phase=Phase.OPTIMIZATION)
    return {
        "campaign": campaign,
        "cycle": cycle,
        "goal": store.add_goal(Goal(new_id(), "Leads", "leads", Comparator.AT_LEAST, 500.0)),
        "learning": make_learning(store, cycle),
        "feedback": store.add_feedback(cycle.id, FeedbackSource.SALES, FeedbackKind.IDEA, "x"),
        "import": service.run(store, FIRST, "first.csv").import_id,
    }


def _record() -> ImportRecord:
    return ImportRecord(new_id(), "f.csv", "sha", "meta", "vic", datetime(2026, 1, 1), 0, 0, 0,
                        0, 0, None, None, "imported")  # fmt: skip


def _facts() -> pd.DataFrame:
    return pd.DataFrame({"platform": [], "source_campaign": [], "variant": [], "date": []})


def _mapping() -> SavedMapping:
    return SavedMapping(new_id(), "Sheet", ("Day", "Campaign", "Cost"),
                        {"Day": ColumnRole.DATE, "Campaign": ColumnRole.CAMPAIGN,
                         "Cost": "spend"}, NumberStyle.EN)  # fmt: skip


# Every write method of the store with arguments that pass its own checks of the input.
WRITES: dict[str, Callable[[Store, dict[str, Any]], object]] = {
    "add_campaign": lambda s, w: s.add_campaign(replace(w["campaign"], id=new_id(), name="B",
                                                        aliases=())),
    "update_campaign": lambda s, w: s.update_campaign(replace(w["campaign"], budget=1.0)),
    "add_alias": lambda s, w: s.add_alias(w["campaign"].id, Alias("More")),
    "add_goal": lambda s, w: s.add_goal(replace(w["goal"], id=new_id(), name="Other")),
    "update_goal": lambda s, w: s.update_goal(replace(w["goal"], target=600.0)),
    "add_cycle": lambda s, w: s.add_cycle(Cycle(new_id(), w["campaign"].id, 2, Phase.START)),
    "update_cycle": lambda s, w: s.update_cycle(replace(w["cycle"], hypothesis="h")),
    "set_phase": lambda s, w: s.set_phase(w["cycle"].id, Phase.FEEDBACK),
    "record_next_start": lambda s, w: s.record_next_start(w["cycle"], w["cycle"]),
    "claim_cycle": lambda s, w: s.claim_cycle(w["cycle"].id),
    "add_feedback": lambda s, w: s.add_feedback(w["cycle"].id, FeedbackSource.HR,
                                                FeedbackKind.PRAISE, "y"),
    "set_feedback_status": lambda s, w: s.set_feedback_status(w["feedback"].id,
                                                              FeedbackStatus.ADDRESSED),
    "add_optimization": lambda s, w: s.add_optimization(Optimization(new_id(), w["cycle"].id,
                                                                     "z")),
    "add_learning": lambda s, w: s.add_learning(replace(w["learning"], id=new_id())),
    "update_learning": lambda s, w: s.update_learning(replace(w["learning"], statement="s")),
    "decide_learning": lambda s, w: s.decide_learning(w["learning"].id, Decision.DROP),
    "record_carried_result": lambda s, w: s.record_carried_result(
        w["learning"].id, w["cycle"].id, True, "", Outcome.CONFIRMED),
    "dismiss_suggestion": lambda s, w: s.dismiss_suggestion(w["cycle"].id, {"key": "k"}),
    "insert_facts": lambda s, w: s.insert_facts(_record(), _facts()),
    "import_file": lambda s, w: service.run(s, FIRST.replace(b"10,", b"11,"), "other.csv"),
    "undo_import": lambda s, w: s.undo_import(w["import"]),
    "save_mapping": lambda s, w: s.save_mapping(_mapping()),
    "add_user": lambda s, w: s.add_user("eve", "Eve", Role.ADMIN),
    "set_password": lambda s, w: s.set_password("eve", "a long enough secret"),
    "save_test_plan": lambda s, w: s.save_test_plan(TestPlan(w["cycle"].id, "ctr", "up")),
    "set_role": lambda s, w: s.set_role("eve", Role.ADMIN),
    "set_active": lambda s, w: s.set_active("eve", False),
    "create_campaign": lambda s, w: s.create_campaign("C"),
    "restore_backup": lambda s, w: s.restore_backup("backup", [], {}),
    "assign": lambda s, w: s.assign(DutyKind.LEARNING, w["learning"].id, None),
    "add_comment": lambda s, w: s.add_comment(CommentOn.CYCLE, w["cycle"].id, "@vic see this"),
    "add_first_admin": lambda s, w: s.add_first_admin("otto", None, "TRACKER_ADMIN"),
    "set_account_currency": lambda s, w: s.set_account_currency(w["campaign"].id, "IDR"),
    "set_fx_rate": lambda s, w: s.set_fx_rate("IDR", date(2026, 11, 1), "EUR", 0.00006),
}  # fmt: skip

# The store's own helpers that change data: refused outside a write, whoever calls them.
HELPERS: dict[str, Callable[[Store, dict[str, Any]], object]] = {
    "_audit": lambda s, w: s._audit("campaign", w["campaign"].id, "delete", after={"x": 1}),
    "_exec": lambda s, w: s._exec("DELETE FROM campaign"),
    "_insert_record": lambda s, w: s._insert_record(_record()),
    "_hand_over": lambda s, w: s._hand_over(w["import"]),
    "_restore": lambda s, w: s._restore(w["import"]),
    "_drop_emptied": lambda s, w: s._drop_emptied(w["import"]),
}


def test_the_table_holds_every_write_method_of_the_store() -> None:
    # Guard against a list that falls behind: a public method that opens a write is in it.
    writing = {
        name for name, member in inspect.getmembers(Store, inspect.isfunction)
        if not name.startswith("_") and name != "write"
        and "self.write(" in inspect.getsource(member)
    }  # fmt: skip
    assert writing and writing <= set(WRITES)


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_viewer_can_write_nothing(db: Database, store: Store, write: Any) -> None:
    w = world(store)
    viewer = signed_in(db, "vic", Role.VIEWER)
    before = row_counts(db)
    with pytest.raises(PermissionDenied) as err:
        write(viewer, w)
    assert str(err.value).startswith("vic (viewer) may not change ")
    assert row_counts(db) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("helper", HELPERS.values(), ids=HELPERS.keys())
def test_no_role_reaches_a_write_helper_outside_a_write(
    db: Database, store: Store, role: Role, helper: Any
) -> None:
    w = world(store)
    other = signed_in(db, "sam", role)
    before = row_counts(db)
    with pytest.raises(PermissionDenied) as err:
        helper(other, w)
    assert (
        str(err.value)
        == f"sam ({role.value}) {REFUSED}, which check the role and record the change"
    )
    assert row_counts(db) == before


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.VIEWER, False), (Role.ANALYST, True), (Role.MARKETER, True), (Role.ADMIN, True)],
)
def test_platform_names_are_replaced_only_by_who_may_and_always_audited(
    db: Database, store: Store, role: Role, allowed: bool
) -> None:
    campaign = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    other = signed_in(db, "ana", role)
    before = row_counts(db)
    if not allowed:
        with pytest.raises(PermissionDenied, match=r"^ana \(viewer\) may not change alias data"):
            other._write_aliases(campaign.id, [Alias("Spring", "meta")])
        assert row_counts(db) == before
        return
    other._write_aliases(campaign.id, [Alias("Spring", "meta")])
    assert store.campaign(campaign.id).aliases == (Alias("Spring", "meta"),)
    entry = store.audit_log("campaign")[0]
    assert (entry.actor, entry.action) == ("ana", "aliases")
    assert '"SPR"' in (entry.before or "") and '"Spring"' in (entry.after or "")


# ---------------------------------------------------------------- who a store acts as


def test_a_store_cannot_be_turned_into_someone_else(db: Database) -> None:
    viewer = signed_in(db, "vic", Role.VIEWER)
    assert not hasattr(Store, "as_actor")
    assert viewer.fresh().actor == Actor("vic", Role.VIEWER)
    with pytest.raises(AttributeError):
        viewer.actor = LOCAL_ACTOR  # type: ignore[misc]
    with pytest.raises(PermissionDenied, match="^a session for eve can only come from signing in"):
        Session(Actor("eve", Role.ADMIN))
    with pytest.raises(PermissionDenied):
        Session(Actor("eve", Role.ADMIN), object())
    session = SignIn(db).member("vic")
    with pytest.raises(AttributeError):
        session._actor = Actor("vic", Role.ADMIN)  # type: ignore[misc]
    assert session.actor == Actor("vic", Role.VIEWER)


@pytest.mark.parametrize("role", ROLES)
def test_signing_in_gives_the_role_of_the_users_table(db: Database, role: Role) -> None:
    Store(db).add_user("mia", "Mia", role)
    assert SignIn(db).member(" mia ").actor == Actor("mia", role)
    assert Store(db, SignIn(db).member("mia")).actor.role is role


def test_signing_in_as_an_unknown_user_is_refused(db: Database) -> None:
    with pytest.raises(NotFound) as err:
        SignIn(db).member("mallory")
    assert str(err.value) == "no user 'mallory'; ask an admin to add you to the team"


def test_without_a_session_a_store_is_the_local_admin(db: Database) -> None:
    assert Store(db).actor == LOCAL_ACTOR


# ---------------------------------------------------------------- no way round the store


HANDLE_NAMES = {"cur", "cursor", "db", "conn", "connection", "database"}


def handles(obj: object) -> list[str]:
    """Return the public attributes of ``obj`` that are, or are named as, a way to the data
    past the store, and the public methods that say they return one."""
    found = []
    for name in dir(obj):
        if name.startswith("_"):
            continue
        value = getattr(type(obj), name, None)
        if isinstance(value, property) or value is None:
            value = getattr(obj, name)
        if name in HANDLE_NAMES or isinstance(value, (duckdb.DuckDBPyConnection, Database)):
            found.append(name)
        elif callable(value) and any(
            kind in str(inspect.signature(value).return_annotation)
            for kind in ("Connection", "Database", "DuckDBPyConnection")
        ):
            found.append(name)
    return sorted(found)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_no_public_attribute_of_a_store_leads_to_a_cursor(db: Database, role: Role | None) -> None:
    store = Store(db) if role is None else signed_in(db, "sam", role)
    assert handles(store) == []


def test_the_handle_check_sees_a_cursor_and_a_database() -> None:
    # Guard against a check that cannot fail: the attributes the store had before are caught.
    class Before:
        def __init__(self) -> None:
            self.db = Database.open(":memory:")
            self.cur = self.db.cursor()
            self.other = self.db.cursor()

        def run(self, sql: str) -> duckdb.DuckDBPyConnection:
            return self.cur.execute(sql)

    before = Before()
    try:
        assert handles(before) == ["cur", "db", "other", "run"]
    finally:
        before.db.close()
