"""Team mode in the pages: sign-in before anything, each role's navigation, the team page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from experiments.db import Database
from experiments.models import Role
from experiments.store import Store
from experiments.team import pages_for
from tests.apptest import DASHBOARD, app, assert_clean, shown
from tests.factories import session_of

TITLES = {"overview": "Overview", "goals": "Goals", "imports": "Import metrics", "team": "Team",
          "compare": "Compare cycles"}  # fmt: skip


@pytest.fixture
def team(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_MODE", "team")
    db = Database.open(demo_db)
    Store(db).add_user("jana", "Jana", Role.ADMIN, password="correct horse battery")
    Store(db).add_user("tom", "Tom", Role.VIEWER, password="another long secret")
    db.close()
    return demo_db


def signed_in_app(path: Path, username: str, role: Role, page: str | None = None) -> AppTest:
    db = Database.open(path)
    session = session_of(db, username, role)
    db.close()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=30)
    at.session_state["session"] = session
    if page is not None:
        at.switch_page(page)
    return at.run()


def test_nothing_but_the_sign_in_form_before_signing_in(team: Path) -> None:
    at = app()
    assert_clean(at)
    assert [t.value for t in at.title] == ["Sign in to Launch & Learn"]
    assert not at.get("dataframe") and not at.get("plotly_chart")
    assert [b.label for b in at.sidebar.button] == []


@pytest.mark.parametrize(
    ("username", "password"),
    [("jana", "wrong password!"), ("nobody", "correct horse battery"), ("jana", ""),
     ("tom", "x" * 200), ("jana", "correct horse battery "), ("JANA", "correct horse battery")],
)  # fmt: skip
def test_a_wrong_sign_in_is_refused_without_saying_which_part(
    team: Path, username: str, password: str
) -> None:
    at = app()
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    assert [shown(e.value) for e in at.error] == [
        "The username or the password is wrong; check both and try again (an admin can set a "
        "new password)."
    ]
    assert [t.value for t in at.title] == ["Sign in to Launch & Learn"]


def test_the_right_password_opens_the_app_and_signing_out_closes_it(team: Path) -> None:
    at = app()
    at.text_input(key="sign_in_username").input("tom")
    at.text_input(key="sign_in_password").input("another long secret")
    at.button[0].click().run()
    assert_clean(at)
    assert at.title[0].value == "Overview"
    assert "Signed in as tom (Viewer)" in [c.value for c in at.sidebar.caption]
    at.sidebar.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in to Launch & Learn"]


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("page", ["imports", "team", "compare"])
def test_each_role_reaches_exactly_its_pages(team: Path, role: Role, page: str) -> None:
    at = signed_in_app(team, f"{role.value}2", role, f"views/{page}.py")
    assert_clean(at)
    # A page outside the role's navigation is not run: the role's first page is shown instead.
    expected = page if page in pages_for(role) else "overview"
    assert at.title[0].value == TITLES[expected]


def test_a_member_deactivated_meanwhile_is_signed_out_on_the_next_run(team: Path) -> None:
    at = signed_in_app(team, "tom", Role.VIEWER)
    assert at.title[0].value == "Overview"
    db = Database.open(team)
    Store(db).set_active("tom", False)
    db.close()
    at.run()
    assert [t.value for t in at.title] == ["Sign in to Launch & Learn"]


def test_the_team_page_adds_a_member_and_keeps_an_admin(team: Path) -> None:
    at = signed_in_app(team, "jana", Role.ADMIN, "views/team.py")
    assert_clean(at)
    form = [w for w in at.text_input if w.label == "Username"][0]
    form.input("mia")
    [w for w in at.text_input if w.label == "Password"][0].input("short")
    at.button(key="FormSubmitter:team_add-Add member").click().run()
    assert [shown(e.value) for e in at.error] == [
        "a password needs at least 10 characters and at most 72 bytes (about 72 letters without "
        "accents); choose another"
    ]
    db = Database.open(team)
    assert "mia" not in {u.username for u in Store(db).users()}
    db.close()
    # jana is the only admin: taking her role away is refused on the page.
    at.selectbox(key="team_member").set_value("jana").run()
    at.selectbox(key="team_role_jana").set_value(Role.VIEWER).run()
    at.button(key="team_role_submit").click().run()
    assert [shown(e.value) for e in at.error] == [
        "jana is the team's only active admin; make another member admin first"
    ]


def test_the_team_page_backs_up_the_running_database(demo_db: Path) -> None:
    from experiments.backup import read_manifest, restore_backup

    at = app("views/team.py")
    at.button(key="team_backup").click().run()
    assert_clean(at)
    (folder,) = (demo_db.parent / "backups").iterdir()
    (message,) = [shown(s.value) for s in at.success]
    assert message.startswith("Backed up ") and message.endswith(f"tables into {folder}.")
    manifest = read_manifest(folder)
    assert f"{manifest.rows:,} rows of {len(manifest.tables)} tables" in message
    restored = Database.open(demo_db.parent / "restored.duckdb")
    assert restore_backup(Store(restored), folder).rows == manifest.rows
    restored.close()


@pytest.mark.parametrize("target", [":memory:", "ducklake:catalog.ducklake"])
def test_an_in_app_backup_needs_a_database_file(db_path: Path, target: str) -> None:
    from experiments.backup import backup_now
    from experiments.errors import BackupRefused

    db = Database.open(db_path)
    with pytest.raises(BackupRefused) as refused:
        backup_now(Store(db), target)
    db.close()
    assert str(refused.value).startswith("This database is not a single file")
    assert not (db_path.parent / "backups").exists()


@pytest.mark.parametrize(
    ("role", "writes"),
    [(Role.VIEWER, False), (Role.ANALYST, False), (Role.MARKETER, True), (Role.ADMIN, True)],
    ids=str,
)
def test_each_role_sees_only_the_forms_it_may_use(team: Path, role: Role, writes: bool) -> None:
    # Campaign briefs and the compare page's learnings are the marketers' (and admins');
    # goals may be set by analysts too. The store refuses the rest whatever a page shows.
    username = f"{role.value}3"
    campaigns = signed_in_app(team, username, role, "views/campaigns.py")
    assert_clean(campaigns)
    assert bool(campaigns.get("form")) is writes
    compare = signed_in_app(team, username, role, "views/compare.py")
    assert_clean(compare)
    accepts = [b for b in compare.button if str(b.key).startswith(("accept_", "outcome_confirm_"))]
    assert bool(accepts) is writes
    goals = signed_in_app(team, username, role, "views/goals.py")
    assert_clean(goals)
    may_set_goals = role is not Role.VIEWER
    assert bool(goals.tabs) is may_set_goals
    assert any(e.label == "New goal" for e in goals.expander) is may_set_goals
