"""Who a store acts as: sessions, made only by signing in.

A store acts as the local admin (local mode: this machine only, no sign-in) unless it is given a
``Session``. Only a ``SignIn`` makes sessions, and the role in one comes from the users table,
never from the caller: whoever holds a store cannot make it act as someone else, and only the
code that signs people in (views/common.py) holds a ``SignIn`` (tests/test_layering.py keeps it
so).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import bcrypt

from experiments.db import Database, DriverError, translate
from experiments.errors import InvalidInput, NotFound, PermissionDenied, SignInRefused
from experiments.models import Actor, Role

# Handed to Session by SignIn alone; a session built any other way is refused.
_SEAL = object()
# bcrypt reads at most 72 bytes of a password; a longer one is refused rather than cut short.
PASSWORD_BYTES = (10, 72)


@cache
def nobody_hash() -> bytes:
    """Return the hash checked against when the name is unknown, so that a wrong name takes as
    long as a wrong password (made on first use: a quarter second no command should pay at
    start-up)."""
    return bcrypt.hashpw(b"no such member", bcrypt.gensalt())


def hash_password(password: str) -> str:
    """Return the bcrypt hash to store for a new password, refusing one too short or too long."""
    data = password.encode("utf-8")
    low, high = PASSWORD_BYTES
    if len(password) < low or len(data) > high:
        raise InvalidInput(
            f"a password needs at least {low} characters and at most {high} bytes (about "
            f"{high} letters without accents); choose another"
        )
    return bcrypt.hashpw(data, bcrypt.gensalt()).decode("ascii")


def _matches(password: str, stored: str | None) -> bool:
    data = password.encode("utf-8")
    if stored is None or len(data) > PASSWORD_BYTES[1]:
        bcrypt.checkpw(b"x", nobody_hash())
        return False
    return bcrypt.checkpw(data, stored.encode("ascii"))


class Session:
    """A signed-in person; fixed once made, and made by ``SignIn`` only."""

    __slots__ = ("_actor",)
    _actor: Actor

    def __init__(self, actor: Actor, seal: object = None) -> None:
        if seal is not _SEAL:
            raise PermissionDenied(
                f"a session for {actor.username} can only come from signing in; sign in as "
                "that person instead"
            )
        object.__setattr__(self, "_actor", actor)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a session is fixed once made; cannot set {name}")

    @property
    def actor(self) -> Actor:
        """Return the signed-in person with the role the users table gives them."""
        return self._actor

    def __repr__(self) -> str:
        return f"Session({self.actor.username!r}, {self.actor.role.value!r})"


class SignIn:
    """The sign-in path's capability: turns a person whose identity was checked into a session."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _row(self, username: str) -> tuple[str, str, str | None, bool] | None:
        cur = self._db.cursor()
        try:
            row = cur.execute(
                "SELECT username, role, password_hash, coalesce(active, true) FROM app_user "
                "WHERE username = ?",
                [username.strip()],
            ).fetchone()
        except DriverError as e:
            raise translate(e) from e
        finally:
            cur.close()
        return None if row is None else (str(row[0]), str(row[1]), row[2], bool(row[3]))

    def member(self, username: str) -> Session:
        """Return the session of a team member whose identity was checked elsewhere (the
        command line's ``--as``, an identity provider); the role is the users table's."""
        row = self._row(username)
        if row is None:
            raise NotFound(f"no user '{username}'; ask an admin to add you to the team")
        name, role, _, active = row
        if not active:
            raise SignInRefused("inactive", username=name)
        return Session(Actor(name, Role(role)), _SEAL)

    def with_password(self, username: str, password: str) -> Session:
        """Return the session of a team member whose password matches; otherwise refuse,
        without saying whether the name or the password was wrong."""
        row = self._row(username)
        if not _matches(password, row[2] if row else None) or row is None:
            raise SignInRefused("wrong")
        name, role, _, active = row
        if not active:
            raise SignInRefused("inactive", username=name)
        return Session(Actor(name, Role(role)), _SEAL)
