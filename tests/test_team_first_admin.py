"""The first admin of team mode from the configuration: the environment or the secrets'
``[tracker]`` section names a username and the bcrypt hash of a password (or, with an identity
provider, only the username). Created once, when the team has no active admin, audited as done
by the configuration; a setting that cannot be used is refused naming it, with nothing written;
an existing member is never changed."""

from __future__ import annotations

import io
from pathlib import Path

import bcrypt
import pytest

from experiments.db import Database
from experiments.errors import ConfigurationRefused, InvalidInput, SignInRefused
from experiments.models import Role, User
from experiments.store import Store
from experiments.store.sessions import SignIn
from experiments.team import first_admin, make_first_admin
from tests.apptest import app, assert_clean, shown
from tests.cli_runner import run_cli
from tests.sql import row_counts

PASSWORD = "correct horse battery"
# Cost 4, the lowest bcrypt takes: the tests stay quick, the format is the real one.
HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
PROVIDER = '[auth]\nclient_id = "x"\n'


def secrets(tmp_path: Path, text: str) -> tuple[Path, ...]:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    return (path,)


def env(admin: str = "", hashed: str = "") -> dict[str, str]:
    return {"TRACKER_ADMIN": admin, "TRACKER_ADMIN_PASSWORD_HASH": hashed}


@pytest.mark.parametrize(
    ("environ", "toml", "username", "password"),
    [(env("jana", HASH), "", "jana", PASSWORD),
     (env(" jana ", f" {HASH}\n"), "", "jana", PASSWORD),
     ({}, f'[tracker]\nadmin = "jana"\nadmin_password_hash = "{HASH}"\n', "jana", PASSWORD),
     # The environment wins over the secrets, and the two are never mixed.
     (env("jana", HASH), '[tracker]\nadmin = "otto"\nadmin_password_hash = "x"\n', "jana",
      PASSWORD),
     # With an identity provider the admin needs no password: the provider vouches for them.
     (env("jana.k"), PROVIDER, "jana.k", None),
     ({}, PROVIDER + '[tracker]\nadmin = "jana.k"\n', "jana.k", None)],
    ids=["env", "env-spaces", "secrets", "env-over-secrets", "provider-env", "provider-secrets"],
)  # fmt: skip
def test_the_configuration_makes_the_first_admin_once(
    db: Database, tmp_path: Path, environ: dict[str, str], toml: str, username: str,
    password: str | None,
) -> None:  # fmt: skip
    paths = secrets(tmp_path, toml)
    store = Store(db)
    made = make_first_admin(store, environ, paths)
    assert made == User(username, username, Role.ADMIN, True)
    entry = store.audit_log("user")[0]
    assert (entry.actor, entry.entity_id, entry.action) == ("configuration", username, "create")
    assert "$2b$" not in (entry.after or "")
    if password is None:
        assert SignIn(db).member(username).actor.role is Role.ADMIN
        with pytest.raises(SignInRefused):
            SignIn(db).with_password(username, PASSWORD)
    else:
        assert SignIn(db).with_password(username, password).actor.role is Role.ADMIN
    # Idempotent: a second start finds the admin and writes nothing.
    before = row_counts(db)
    assert make_first_admin(store, environ, paths) is None
    assert row_counts(db) == before


def test_no_setting_names_nobody_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    before = row_counts(db)
    assert first_admin({}, secrets(tmp_path, '[tracker]\nusername_claim = "email"\n')) is None
    assert make_first_admin(Store(db), env(), ()) is None
    assert row_counts(db) == before


@pytest.mark.parametrize(
    ("environ", "toml", "message"),
    [(env("two words", HASH), "",
      "The first admin named by TRACKER_ADMIN ('two words') cannot be a username; use up to 64 "
      "letters, digits, '.', '-' or '_', starting with a letter or digit, correct TRACKER_ADMIN "
      "and start again. Nothing was written."),
     ({}, f'[tracker]\nadmin = "jana@example.com"\nadmin_password_hash = "{HASH}"\n',
      "The first admin named by [tracker] admin ('jana@example.com') cannot be a username; use "
      "up to 64 letters, digits, '.', '-' or '_', starting with a letter or digit, correct "
      "[tracker] admin and start again. Nothing was written."),
     (env("jana", PASSWORD), "",
      "TRACKER_ADMIN_PASSWORD_HASH is not a bcrypt hash: it must be $2b$ (or $2a$, $2y$), a cost "
      "from 04 to 31, $ and 53 more characters, with nothing around it. Put the hash of the "
      "password there, never the password itself (make one with: python -m experiments user "
      "hash), and start again. Nothing was written."),
     (env("jana", HASH[:-1]), "", None),
     (env("jana", HASH.replace("$04$", "$99$")), "", None),
     (env("jana", HASH.replace("$2b$", "$2x$")), "", None),
     (env("jana", f"hash={HASH}"), "", None),
     ({}, '[tracker]\nadmin = "jana"\nadmin_password_hash = "secret password"\n',
      "[tracker] admin_password_hash is not a bcrypt hash: it must be $2b$ (or $2a$, $2y$), a "
      "cost from 04 to 31, $ and 53 more characters, with nothing around it. Put the hash of the "
      "password there, never the password itself (make one with: python -m experiments user "
      "hash), and start again. Nothing was written."),
     (env("", HASH), "",
      "TRACKER_ADMIN_PASSWORD_HASH is set but no first admin is named; set TRACKER_ADMIN to the "
      "admin's username as well, or remove TRACKER_ADMIN_PASSWORD_HASH, and start again. "
      "Nothing was written."),
     (env("jana"), "",
      "TRACKER_ADMIN names 'jana' as the first admin, but without TRACKER_ADMIN_PASSWORD_HASH "
      "and without an identity provider (an [auth] section in the secrets) nobody could sign in "
      "as them; add the bcrypt hash of their password as TRACKER_ADMIN_PASSWORD_HASH (make one "
      "with: python -m experiments user hash) and start again. Nothing was written.")],
    ids=["env-username", "secrets-email", "env-plain-password", "truncated", "cost", "version",
         "prefixed", "secrets-plain-password", "hash-without-admin", "no-way-in"],
)  # fmt: skip
def test_a_setting_that_cannot_be_used_is_refused_naming_it(
    db: Database, tmp_path: Path, environ: dict[str, str], toml: str, message: str | None
) -> None:
    before = row_counts(db)
    with pytest.raises(ConfigurationRefused) as err:
        make_first_admin(Store(db), environ, secrets(tmp_path, toml))
    if message is None:  # the same refusal as a plain password: the hash's shape is wrong
        assert str(err.value).startswith("TRACKER_ADMIN_PASSWORD_HASH is not a bcrypt hash: ")
    else:
        assert str(err.value) == message
    # A password put where the hash belongs is never repeated.
    assert PASSWORD not in str(err.value) and "secret password" not in str(err.value)
    assert row_counts(db) == before


def test_the_refusal_reads_in_german(db: Database) -> None:
    with pytest.raises(ConfigurationRefused) as err:
        make_first_admin(Store(db), env("jana", PASSWORD), ())
    assert err.value.text("de").startswith(
        "TRACKER_ADMIN_PASSWORD_HASH ist kein bcrypt-Hash: Er muss aus $2b$"
    )
    assert err.value.text("de").endswith("Es wurde nichts geschrieben.")


@pytest.mark.parametrize(
    ("role", "active", "message"),
    [(Role.MARKETER, True,
      "TRACKER_ADMIN names 'jana' as the first admin, but 'jana' is already a member (role "
      "marketer), and the configuration never changes a member's role or password; make them "
      "admin with: python -m experiments user role jana admin, or name a new username in "
      "TRACKER_ADMIN. Nothing was written."),
     (Role.ANALYST, False,
      "TRACKER_ADMIN names 'jana' as the first admin, but 'jana' is already a deactivated member "
      "(role analyst), and the configuration never changes a member's role or password; "
      "reactivate and make them admin with: python -m experiments user reactivate jana and "
      "python -m experiments user role jana admin, or name a new username in TRACKER_ADMIN. "
      "Nothing was written.")],
)  # fmt: skip
def test_an_existing_member_is_never_changed(
    db: Database, role: Role, active: bool, message: str
) -> None:
    store = Store(db)
    store.add_user("jana", "Jana", role, password="her own password")
    if not active:
        store.set_active("jana", False)
    before = row_counts(db)
    with pytest.raises(ConfigurationRefused) as err:
        make_first_admin(store, env("jana", HASH), ())
    assert str(err.value) == message
    assert row_counts(db) == before
    assert store.user("jana") == User("jana", "Jana", role, active)
    with pytest.raises(SignInRefused):
        SignIn(db).with_password("jana", PASSWORD)


@pytest.mark.parametrize("named", ["jana", "otto"])
def test_a_team_with_an_active_admin_is_left_as_it_is(db: Database, named: str) -> None:
    store = Store(db)
    store.add_user("jana", "Jana", Role.ADMIN, password="her own password")
    before = row_counts(db)
    assert make_first_admin(store, env(named, HASH), ()) is None
    assert row_counts(db) == before
    assert [u.username for u in store.users()] == ["jana"]
    assert SignIn(db).with_password("jana", "her own password").actor.role is Role.ADMIN


# ---------------------------------------------------------------- where team mode starts


def test_serve_team_refuses_a_bad_setting_with_nothing_written(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("experiments.team.SECRETS", ())
    assert run_cli("init")[0] == 0
    db = Database.open(db_path)
    before = row_counts(db)
    db.close()
    monkeypatch.setenv("TRACKER_ADMIN", "jana")
    monkeypatch.setenv("TRACKER_ADMIN_PASSWORD_HASH", PASSWORD)
    code, out, err = run_cli("serve", "--team")
    assert (code, out) == (ConfigurationRefused.exit_code, "")
    assert err.startswith("error: TRACKER_ADMIN_PASSWORD_HASH is not a bcrypt hash: ")
    db = Database.open(db_path)
    assert row_counts(db) == before
    db.close()


@pytest.mark.parametrize(
    ("stdin", "code"), [(f"{PASSWORD}\n", 0), ("short\n", 2)], ids=["hashed", "too-short"]
)
def test_user_hash_prints_a_hash_the_configuration_takes(
    db: Database, monkeypatch: pytest.MonkeyPatch, stdin: str, code: int
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status, out, err = run_cli("user", "hash", "--stdin")
    assert status == code, err
    if code:
        assert err.startswith("error: a password needs at least 10 characters") and not out
        return
    made = make_first_admin(Store(db), env("jana", out.strip()), ())
    assert made is not None
    assert SignIn(db).with_password("jana", PASSWORD).actor.username == "jana"


def test_the_dashboard_makes_the_configured_admin_who_then_signs_in(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("experiments.team.SECRETS", ())
    monkeypatch.setenv("TRACKER_MODE", "team")
    monkeypatch.setenv("TRACKER_ADMIN", "jana")
    monkeypatch.setenv("TRACKER_ADMIN_PASSWORD_HASH", HASH)
    at = app()
    assert_clean(at)
    at.text_input(key="sign_in_username").input("jana")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert_clean(at)
    assert "Signed in as jana (Admin)" in [c.value for c in at.sidebar.caption]


def test_the_dashboard_names_a_bad_setting_on_the_sign_in_page(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("experiments.team.SECRETS", ())
    monkeypatch.setenv("TRACKER_MODE", "team")
    monkeypatch.setenv("TRACKER_ADMIN", "two words")
    at = app()
    assert [shown(e.value) for e in at.error] == [
        "The first admin named by TRACKER_ADMIN ('two words') cannot be a username; use up to 64 "
        "letters, digits, '.', '-' or '_', starting with a letter or digit, correct "
        "TRACKER_ADMIN and start again. Nothing was written."
    ]
    assert [t.value for t in at.title] == ["Sign in to Launch & Learn"]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_audit_names_the_configuration_as_author(db: Database, lang: str) -> None:
    from experiments.audit_words import Names, sentence

    store = Store(db)
    make_first_admin(store, env("jana", HASH), ())
    said = sentence(store.audit_log("user")[0], Names.of(store), lang)
    assert said.startswith({"en": "The configuration ", "de": "Die Konfiguration "}[lang]), said


@pytest.mark.parametrize("name", ["configuration", "Configuration", "local", "LOCAL"])
def test_the_audit_s_own_authors_cannot_be_members(db: Database, name: str) -> None:
    # A member named so would pass for the configuration or the local admin in the audit.
    store = Store(db)
    before = row_counts(db)
    with pytest.raises(InvalidInput) as err:
        store.add_user(name, "", Role.ADMIN)
    assert str(err.value) == (
        f"'{name}' cannot be a username: the audit uses it for changes nobody signed in for "
        "(the local admin, the configuration); choose another"
    )
    with pytest.raises(ConfigurationRefused) as refused:
        make_first_admin(store, env(name, HASH), ())
    assert str(refused.value) == (
        f"The first admin named by TRACKER_ADMIN ('{name}') cannot be a username: the audit uses "
        "it for changes nobody signed in for (the local admin, the configuration); choose another "
        "username for TRACKER_ADMIN and start again. Nothing was written."
    )
    assert row_counts(db) == before
