"""The command line as a team member: ``--as``, ``user add``/``user list`` and ``audit``.

The permission matrix of the command line's writes: every role against every kind of write,
allowed (and audited under the member's name) or refused with ``error: … may not …``, a non-zero
exit code and nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.errors import InvalidInput, NotFound, PermissionDenied
from experiments.models import Role
from experiments.store import Store
from tests.cli_runner import run_cli
from tests.conftest import ROOT
from tests.sql import row_counts

SAMPLE = ROOT / "data" / "samples" / "google_ads_en.csv"
MEMBERS = {role: f"{role.value}1" for role in Role}
WRITES: dict[str, tuple[tuple[str, ...], frozenset[Role]]] = {
    "campaign": (("campaign", "add", "Autumn Push"), frozenset({Role.MARKETER, Role.ADMIN})),
    "learning": (("learning", "add", "Spring Sale", "Short captions win"),
                 frozenset({Role.MARKETER, Role.ADMIN})),
    "advance": (("cycle", "advance", "Employer Branding"), frozenset({Role.MARKETER, Role.ADMIN})),
    "goal": (("goal", "add", "Clicks", "--metric", "clicks", "--target", "10"),
             frozenset({Role.MARKETER, Role.ANALYST, Role.ADMIN})),
    "import": (("import", str(SAMPLE)), frozenset({Role.ANALYST, Role.ADMIN})),
    "link": (("campaign", "link", "Spring Sale", "Spring Sale TT", "--platform", "tiktok"),
             frozenset({Role.MARKETER, Role.ANALYST, Role.ADMIN})),
    "user": (("user", "add", "newbie", "--role", "viewer"), frozenset({Role.ADMIN})),
    # {cycle}, {learning} and {me}: the open cycle of Employer Branding, its pending learning,
    # and the member running the command (see ``filled``).
    "assign": (("assign", "learning", "{learning}", "--owner", "{me}"),
               frozenset({Role.MARKETER, Role.ADMIN})),
    "comment": (("comment", "cycle", "{cycle}", "Night shifts first, @{me}"),
                frozenset({Role.MARKETER, Role.ANALYST, Role.ADMIN})),
    "split": (("cycle", "split", "Employer Branding", "--randomized"),
              frozenset({Role.MARKETER, Role.ADMIN})),
    "plan": (("cycle", "plan", "Winter Test", "--primary", "ctr", "--guardrail", "cpc"),
             frozenset({Role.MARKETER, Role.ADMIN})),
}  # fmt: skip
# What the local admin prepares before a write: a plan is declared in a cycle's start phase.
SETUP = {"plan": (("campaign", "add", "Winter Test"), ("cycle", "start", "Winter Test"))}


def filled(argv: tuple[str, ...], username: str) -> tuple[str, ...]:
    """Return ``argv`` with the ids of the demo's items it names and the member's username."""
    shown = json.loads(run_cli("cycle", "show", "Employer Branding", "--json")[1])
    (pending,) = [x["id"] for x in shown["learnings"] if x["decision"] == "pending"]
    return tuple(a.format(cycle=shown["id"], learning=pending, me=username) for a in argv)


@pytest.fixture
def team(demo_db: Path) -> Path:
    db = Database.open(demo_db)
    for role, username in MEMBERS.items():
        Store(db).add_user(username, username.title(), role)
    db.close()
    return demo_db


def counts(path: Path) -> dict[str, int]:
    db = Database.open(path)
    try:
        return row_counts(db)
    finally:
        db.close()


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("write", list(WRITES))
def test_every_role_may_write_exactly_what_the_matrix_says(
    team: Path, role: Role, write: str
) -> None:
    argv, allowed = WRITES[write]
    username = MEMBERS[role]
    for step in SETUP.get(write, ()):
        assert run_cli(*step)[0] == 0, step
    argv = filled(argv, username)
    before = counts(team)
    code, _, err = run_cli("--as", username, *argv)
    if role in allowed:
        assert code == 0, err
        assert counts(team) != before
        db = Database.open(team)
        assert Store(db).audit_log()[0].actor == username
        db.close()
    else:
        assert code == PermissionDenied.exit_code
        assert err.startswith(f"error: {username} ({role.value}) may not change "), err
        assert "ask an admin for one of the roles" in err
        assert counts(team) == before


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_role_may_read(team: Path, role: Role) -> None:
    for argv in (("campaign", "list"), ("goals", "--json"), ("user", "list"), ("audit",)):
        code, out, err = run_cli("--as", MEMBERS[role], *argv)
        assert (code, err) == (0, ""), argv
        assert out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [(("--as", "nobody", "campaign", "list"), NotFound.exit_code,
      "error: no user 'nobody'; ask an admin to add you to the team\n"),
     (("user", "add", "two words", "--role", "viewer"), InvalidInput.exit_code,
      "error: 'two words' cannot be a username; use up to 64 letters, digits, '.', '-' or '_', "
      "starting with a letter or digit\n"),
     (("user", "add", "<b>x</b>", "--role", "viewer"), InvalidInput.exit_code,
      "error: '<b>x</b>' cannot be a username; use up to 64 letters, digits, '.', '-' or '_', "
      "starting with a letter or digit\n"),
     (("user", "add", "viewer1", "--role", "admin"), 4, "error: a user 'viewer1' already exists\n"),
     (("audit", "--entity", "spaceship"), InvalidInput.exit_code,
      "error: the audit has no entries for 'spaceship'; kinds recorded: campaign, cycle, "
      "feedback, goal, import, learning, optimization, user\n"),
     (("audit", "--limit", "0"), InvalidInput.exit_code,
      "error: --limit 0 shows nothing; give a number of 1 or more\n")],
)  # fmt: skip
def test_team_commands_refuse_bad_input(team: Path, argv: tuple[str, ...], code: int,
                                        message: str) -> None:  # fmt: skip
    before = counts(team)
    assert run_cli(*argv) == (code, "", message)
    assert counts(team) == before


def test_user_add_and_list(db_path: Path) -> None:
    assert run_cli("user", "add", "jana", "--role", "marketer", "--name", "Jana K") == (
        0, "added jana (Jana K) as marketer\n", "",
    )  # fmt: skip
    code, out, _ = run_cli("user", "list", "--json")
    assert json.loads(out) == [
        {"username": "jana", "display_name": "Jana K", "role": "marketer", "active": True}
    ]
    assert run_cli("user", "list")[1] == "jana  marketer  Jana K\n"


def test_audit_names_who_did_what_and_filters_by_kind_and_day(team: Path) -> None:
    assert run_cli("--as", "marketer1", "campaign", "add", "Autumn Push")[0] == 0
    code, out, _ = run_cli("audit", "--entity", "campaign", "--json", "--limit", "1")
    (entry,) = json.loads(out)
    assert (entry["actor"], entry["action"], entry["after"]["name"]) == (
        "marketer1", "create", "Autumn Push",
    )  # fmt: skip
    assert run_cli("audit", "--since", "2999-01-01") == (
        0, "no changes recorded since 2999-01-01\n", "",
    )  # fmt: skip
    text = run_cli("audit", "--limit", "1")[1]
    assert text.split("  ")[1:] == ["marketer1", f"create campaign {entry['entity_id']}\n"]


def test_passwords_roles_and_deactivation_through_the_cli(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from experiments.store.sessions import SignIn

    assert run_cli("user", "add", "jana", "--role", "admin")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert run_cli("user", "password", "jana", "--stdin") == (
        0, "set the password of jana\n", "",
    )  # fmt: skip
    db = Database.open(db_path)
    assert SignIn(db).with_password("jana", "correct horse battery").actor.role is Role.ADMIN
    db.close()
    assert run_cli("user", "add", "tom", "--role", "viewer")[0] == 0
    assert run_cli("user", "role", "tom", "analyst") == (0, "tom is now analyst\n", "")
    assert run_cli("user", "deactivate", "tom") == (0, "tom is deactivated\n", "")
    assert run_cli("user", "list")[1].splitlines()[1] == "tom   analyst   tom  (deactivated)"
    assert run_cli("--as", "tom", "campaign", "list") == (
        PermissionDenied.exit_code, "",
        "error: The account 'tom' is deactivated; ask an admin to reactivate it.\n",
    )  # fmt: skip
    assert run_cli("user", "reactivate", "tom") == (0, "tom is active\n", "")
    # The audit says what changed, never the password or its hash.
    log = run_cli("audit", "--entity", "user", "--json")[1]
    assert "set_password" in log and "$2b$" not in log and "horse" not in log


@pytest.mark.parametrize(
    ("argv", "stdin", "code", "message"),
    [(("user", "password", "jana", "--stdin"), "short\n", InvalidInput.exit_code,
      "error: a password needs at least 10 characters and at most 72 bytes (about 72 letters "
      "without accents); choose another\n"),
     (("user", "password", "jana", "--stdin"), "ü" * 40 + "\n", InvalidInput.exit_code,
      "error: a password needs at least 10 characters and at most 72 bytes (about 72 letters "
      "without accents); choose another\n"),
     (("user", "password", "nobody", "--stdin"), "long enough secret\n", NotFound.exit_code,
      "error: no user 'nobody'\n"),
     (("user", "role", "jana", "viewer"), "", 4,
      "error: jana is the team's only active admin; make another member admin first\n"),
     (("user", "deactivate", "jana"), "", 4,
      "error: jana is the team's only active admin; make another member admin first\n"),
     (("serve", "--address", "0.0.0.0"), "", InvalidInput.exit_code,
      "error: local mode listens on 127.0.0.1 only, where nobody signs in; add --team to serve "
      "a team (everyone then signs in)\n"),
     (("serve", "--team"), "", 4,
      "error: team mode needs an active admin with a password, or nobody could manage the team; "
      "run: python -m experiments user add NAME --role admin, then python -m experiments user "
      "password NAME\n")],
)  # fmt: skip
def test_team_setup_refusals_write_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], stdin: str, code: int,
    message: str,
) -> None:  # fmt: skip
    import io

    monkeypatch.setattr("experiments.team.SECRETS", ())  # no identity provider configured
    assert run_cli("user", "add", "jana", "--role", "admin")[0] == 0
    before = counts(db_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert run_cli(*argv) == (code, "", message)
    assert counts(db_path) == before


@pytest.mark.parametrize(
    ("text", "configured"),
    [('[auth]\nclient_id = "x"\n', True), ("[auth.company]\nclient_id = 'x'\n", True),
     ("[other]\nkey = 1\n", False), ("[auth\nbroken", False), (None, False)],
)  # fmt: skip
def test_an_identity_provider_is_configured_by_an_auth_section(
    tmp_path: Path, text: str | None, configured: bool
) -> None:
    from experiments.team import provider_configured

    path = tmp_path / "secrets.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    assert provider_configured((path,)) is configured


def test_serve_team_accepts_an_admin_without_password_when_a_provider_vouches(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nclient_id = "x"\n', encoding="utf-8")
    monkeypatch.setattr("experiments.team.SECRETS", (secrets,))
    assert run_cli("user", "add", "jana", "--role", "admin")[0] == 0
    db = Database.open(db_path)
    assert Store(db).admins_who_can_sign_in(through_provider=True) == 1
    assert Store(db).admins_who_can_sign_in() == 0
    db.close()
