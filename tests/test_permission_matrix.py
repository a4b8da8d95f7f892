"""The permission matrix of the store: every role against every write operation (the pages' and
the command line's both go through these), allowed and audited under the member's name, or
refused with PermissionDenied naming who and what, and nothing written.

The writes are the table of tests/test_store_surface.py (which keeps it complete), plus backup
and restore, which are checked before any file is touched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from experiments.backup import make_backup, restore_backup
from experiments.db import Database
from experiments.errors import PermissionDenied, TrackerError
from experiments.models import DutyKind, Role, TestPlan
from experiments.store import WRITERS, Area, Store
from tests.factories import row_counts, signed_in
from tests.test_store_surface import WRITES, world

# What each write touches; its writers are the store's own table (WRITERS).
AREAS: dict[str, Area] = {
    "add_campaign": Area.CAMPAIGN, "update_campaign": Area.CAMPAIGN,
    "create_campaign": Area.CAMPAIGN,
    "add_alias": Area.ALIAS,
    "add_goal": Area.GOAL, "update_goal": Area.GOAL,
    "add_cycle": Area.LOOP, "update_cycle": Area.LOOP, "set_phase": Area.LOOP,
    "record_next_start": Area.LOOP, "claim_cycle": Area.LOOP, "add_feedback": Area.LOOP,
    "set_feedback_status": Area.LOOP, "add_optimization": Area.LOOP, "add_learning": Area.LOOP,
    "update_learning": Area.LOOP, "decide_learning": Area.LOOP,
    "record_carried_result": Area.LOOP, "dismiss_suggestion": Area.LOOP,
    # The cycle's plan: primary metric, guardrails, and whether its split is randomized.
    "save_test_plan": Area.LOOP, "declare_split": Area.LOOP, "assign": Area.LOOP,
    "insert_facts": Area.IMPORT, "import_file": Area.IMPORT, "undo_import": Area.IMPORT,
    "save_mapping": Area.IMPORT,
    "add_user": Area.USER, "set_password": Area.USER, "set_role": Area.USER,
    "set_active": Area.USER, "add_first_admin": Area.USER,
    "restore_backup": Area.BACKUP,
    "add_comment": Area.COMMENT,
    "set_account_currency": Area.CAMPAIGN, "set_fx_rate": Area.FX,
}  # fmt: skip
# A member the user writes act on, where the write needs one.
NEEDS_EVE = {"set_password", "set_role", "set_active"}
# Writes that an allowed role cannot complete in this world for a reason of their own (a restore
# needs an empty database): for those the matrix checks only who is refused.
OWN_REFUSAL = {
    "record_next_start": "cycle 1 does not follow the closed cycle 1",
    "record_carried_result": "learning ",
    "restore_backup": "The database :memory: is not empty: ",
}
# Writes that record nothing in the audit: a claim only marks the cycle's row for the
# transaction, and the first admin is not added to a team that has an admin.
UNAUDITED = {"claim_cycle", "add_first_admin"}
# Refusals worded for their own case (the rest: "may not change <area> data; ask an admin …").
REFUSALS = {"restore_backup": "may not change the database by restoring a backup: only an admin "
                              "may. Ask an admin to restore it."}  # fmt: skip
OPERATIONS: dict[str, Callable[[Store, dict[str, Any]], object]] = {
    **WRITES,
    # The cycle split (a randomized platform A/B test), stored with the cycle's plan.
    "declare_split": lambda s, w: s.save_test_plan(TestPlan(w["cycle"].id, randomized=True)),
    # Someone answers for the learning (the surface table's nobody-for-nobody records nothing).
    "assign": lambda s, w: s.assign(DutyKind.LEARNING, w["learning"].id, "sam"),
}


def test_the_matrix_names_the_area_of_every_write() -> None:
    assert set(AREAS) == set(OPERATIONS)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("write", list(OPERATIONS))
def test_every_role_may_write_exactly_what_the_matrix_says(
    db: Database, store: Store, role: Role, write: str
) -> None:
    w = world(store)
    if write in NEEDS_EVE:
        store.add_user("eve", "Eve", Role.VIEWER)
    member = signed_in(db, "sam", role)
    before = row_counts(db)
    if role in WRITERS[AREAS[write]]:
        if write in OWN_REFUSAL:
            with pytest.raises(TrackerError) as refused:
                OPERATIONS[write](member, w)
            assert not isinstance(refused.value, PermissionDenied)
            assert str(refused.value).startswith(OWN_REFUSAL[write])
            assert row_counts(db) == before
            return
        OPERATIONS[write](member, w)
        if write not in UNAUDITED:
            assert store.audit_log()[0].actor == "sam"
        return
    with pytest.raises(PermissionDenied) as err:
        OPERATIONS[write](member, w)
    writers = ", ".join(sorted(WRITERS[AREAS[write]]))
    expected = REFUSALS.get(write, f"may not change {AREAS[write]} data; ask an admin for one of "
                                   f"the roles: {writers}")  # fmt: skip
    assert str(err.value) == f"sam ({role.value}) {expected}"
    assert row_counts(db) == before


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_only_an_admin_makes_or_restores_a_backup(
    db: Database, store: Store, tmp_path: Path, role: Role
) -> None:
    world(store)
    member = signed_in(db, "sam", role)
    before = row_counts(db)
    if role is Role.ADMIN:
        assert make_backup(member, tmp_path / "backup").tables
        empty = Database.open(":memory:")
        try:
            # The local admin: signing someone in would add a row, and a restore needs none.
            restored = restore_backup(Store(empty), tmp_path / "backup")
            assert restored
        finally:
            empty.close()
        return
    with pytest.raises(PermissionDenied) as err:
        make_backup(member, tmp_path / "backup")
    assert str(err.value).startswith(f"sam ({role.value}) ")
    assert not (tmp_path / "backup").exists()
    with pytest.raises(PermissionDenied):
        restore_backup(member, tmp_path / "backup")
    assert row_counts(db) == before
