"""Who a store acts as: sessions, made only by signing in.

A store acts as the local admin (local mode: this machine only, no sign-in) unless it is given a
``Session``. Only a ``SignIn`` makes sessions, and the role in one comes from the users table,
never from the caller: whoever holds a store cannot make it act as someone else, and only the
code that signs people in (views/common.py) holds a ``SignIn`` (tests/test_layering.py keeps it
so).
"""

from __future__ import annotations

from typing import Any

from experiments.db import Database, DriverError, translate
from experiments.errors import NotFound, PermissionDenied
from experiments.models import Actor, Role

# Handed to Session by SignIn alone; a session built any other way is refused.
_SEAL = object()


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

    def member(self, username: str) -> Session:
        """Return the session of a team member; the role is the one the users table gives."""
        cur = self._db.cursor()
        try:
            row = cur.execute(
                "SELECT username, role FROM app_user WHERE username = ?", [username.strip()]
            ).fetchone()
        except DriverError as e:
            raise translate(e) from e
        finally:
            cur.close()
        if row is None:
            raise NotFound(f"no user '{username}'; ask an admin to add you to the team")
        return Session(Actor(row[0], Role(row[1])), _SEAL)
