"""Users of team mode and their roles."""

from __future__ import annotations

import re

from experiments.errors import Conflict, InvalidInput, NotFound
from experiments.models import Role, User
from experiments.store._base import Area, BaseStore, now, require_text

# How a member is named in --as, in sign-in and in @mentions: no spaces, nothing to escape.
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class UserStore(BaseStore):
    def users(self) -> list[User]:
        """Return every user, ordered by username."""
        rows = self._all("SELECT username, display_name, role FROM app_user ORDER BY username")
        return [User(u, d, Role(r)) for u, d, r in rows]

    def user(self, username: str) -> User:
        """Return one user by username."""
        row = self._one(
            "SELECT username, display_name, role FROM app_user WHERE username = ?", [username]
        )
        if row is None:
            raise NotFound(f"no user '{username}'")
        return User(row[0], row[1], Role(row[2]))

    def add_user(self, username: str, display_name: str, role: Role) -> User:
        """Create a user with a role; return it."""
        name = require_text(username, "the username")
        if not USERNAME.fullmatch(name):
            raise InvalidInput(
                f"'{name}' cannot be a username; use up to 64 letters, digits, '.', '-' or '_', "
                "starting with a letter or digit"
            )
        with self.write(Area.USER):
            if self._one("SELECT 1 FROM app_user WHERE username = ?", [name]):
                raise Conflict(f"a user '{name}' already exists")
            self._exec(
                "INSERT INTO app_user VALUES (?, ?, ?, ?)",
                [name, display_name.strip() or name, role.value, now()],
            )
            stored = self.user(name)
            self._audit("user", name, "create", after=stored)
        return stored
