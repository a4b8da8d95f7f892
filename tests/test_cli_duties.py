"""``assign``, ``comment`` and ``mywork`` on the command line, as team members (``--as``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from experiments.db import Database
from experiments.errors import InvalidInput, PermissionDenied
from experiments.models import DutyKind, Role
from experiments.store import Store
from tests.cli_runner import run_cli
from tests.sql import row_counts
from tests.test_mywork import MEMBERS, build

TODAY = datetime.now(UTC).date()


@pytest.fixture
def world(db_path: Path) -> dict[str, Any]:
    db = Database.open(db_path)
    try:
        w = build(db)
        Store(db).add_user("olga", "Olga", Role.MARKETER)
        Store(db).set_active("olga", False)
        return w
    finally:
        db.close()


def stored(path: Path, kind: DutyKind, item: Any) -> tuple[str | None, Any]:
    db = Database.open(path)
    try:
        duty = Store(db).duty(kind, item.id)
        return duty.assignee, duty.due
    finally:
        db.close()


def test_a_marketer_assigns_a_learning_by_the_start_of_its_id(db_path: Path, world: Any) -> None:
    due = TODAY + timedelta(days=4)
    learning = world["learning"]
    code, out, err = run_cli("--as", "jana", "assign", "learning", str(learning.id)[:8],
                             "--owner", "tobias", "--due", due.isoformat())  # fmt: skip
    assert (code, err) == (0, "")
    assert out == (f"learning {str(learning.id)[:8]} (Spring Sale, cycle 1): tobias responsible, "
                   f"due {due.isoformat()}\n")  # fmt: skip
    assert stored(db_path, DutyKind.LEARNING, learning) == ("tobias", due)
    code, out, _ = run_cli("assign", "learning", str(learning.id), "--nobody")
    assert code == 0 and out.endswith("nobody responsible\n")
    assert stored(db_path, DutyKind.LEARNING, learning) == (None, None)


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [(("--owner", "olga"), InvalidInput.exit_code,
      "error: The member 'olga' is deactivated and cannot be responsible; choose an active "
      "member. Nothing was saved.\n"),
     (("--owner", "nobody.here"), InvalidInput.exit_code,
      "error: There is no member 'nobody.here'; choose one of the active members (an admin adds "
      "members on the Team page). Nothing was saved.\n"),
     (("--nobody", "--due", "2099-01-01"), InvalidInput.exit_code,
      "error: A due date needs someone responsible; choose a member, or leave the date empty. "
      "Nothing was saved.\n"),
     (("--owner", "jana", "--nobody"), 2,
      "error: argument --nobody: not allowed with argument --owner (see 'python -m experiments "
      "assign --help')\n")],
)  # fmt: skip
def test_a_wrong_assignment_is_refused_and_nothing_written(
    db_path: Path, world: Any, argv: tuple[str, ...], code: int, message: str
) -> None:
    before = stored(db_path, DutyKind.OPTIMIZATION, world["loose"])
    got, out, err = run_cli("assign", "optimization", str(world["loose"].id), *argv)
    assert (got, out, err) == (code, "", message)
    assert stored(db_path, DutyKind.OPTIMIZATION, world["loose"]) == before


@pytest.mark.parametrize(
    ("role", "command"),
    [(Role.VIEWER, "comment"), (Role.VIEWER, "assign"), (Role.ANALYST, "assign")],
)
def test_who_may_not_write_the_loop_is_refused(
    db_path: Path, world: Any, role: Role, command: str
) -> None:
    db = Database.open(db_path)
    before = row_counts(db)
    db.close()
    target = ("learning", str(world["learning"].id))
    extra = ("@jana hi",) if command == "comment" else ("--owner", "jana")
    code, out, err = run_cli("--as", MEMBERS[role], command, *target, *extra)
    assert (code, out) == (PermissionDenied.exit_code, "")
    assert err.startswith(f"error: {MEMBERS[role]} ({role.value}) may not change ")
    db = Database.open(db_path)
    assert row_counts(db) == before
    db.close()


def test_a_comment_with_a_mention_lands_on_the_members_list(db_path: Path, world: Any) -> None:
    code, out, err = run_cli("--as", "ali", "mywork", "--json")
    assert (code, err) == (0, "") and json.loads(out)["items"] == []
    code, out, err = run_cli("--as", "tobias", "comment", "feedback", str(world["late"].id),
                             "@vera, please look; mail ops@example.com")  # fmt: skip
    assert (code, err) == (0, "") and out.endswith(" added (mentions vera)\n")
    code, out, err = run_cli("--as", "vera", "mywork", "--json")
    doc = json.loads(out)
    assert (doc["username"], doc["with_unassigned"], doc["overdue"]) == ("vera", False, 0)
    [item] = doc["items"]
    assert (item["reason"], item["kind"], item["id"], item["campaign"], item["by"]) == (
        "mentioned", "feedback", str(world["late"].id), "Autumn", "Tobias")  # fmt: skip


def test_mywork_lists_a_members_items_as_text(db_path: Path, world: Any) -> None:
    code, out, err = run_cli("--as", "jana", "mywork")
    assert (code, err) == (0, "")
    assert [line.split()[0] for line in out.splitlines()] == ["answer", "answer", "decide", "due"]
    assert run_cli("--as", "vera", "mywork")[1] == "nothing waits for you\n"


def test_a_cycle_is_commented_by_the_id_cycle_show_gives(db_path: Path, world: Any) -> None:
    doc = json.loads(run_cli("cycle", "show", "Spring Sale", "--json")[1])
    assert doc["id"] == str(world["spring"].id)
    code, out, err = run_cli("--as", "jana", "comment", "cycle", doc["id"], "@vera: numbers?")
    assert (code, err) == (0, "") and out.endswith(" added (mentions vera)\n")
    items = json.loads(run_cli("--as", "vera", "mywork", "--json")[1])["items"]
    assert [(i["kind"], i["text"], i["comment"]) for i in items] == [
        ("cycle", "Cycle 1", "@vera: numbers?")]  # fmt: skip
