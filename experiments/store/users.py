"""Users of team mode: their roles, passwords (as bcrypt hashes) and whether they are active."""

from __future__ import annotations

import re

from experiments.errors import ConfigurationRefused, Conflict, InvalidInput, NotFound
from experiments.models import LOCAL_ACTOR, Role, User
from experiments.store._base import Area, BaseStore, now, require_text
from experiments.store.sessions import hash_password

# How a member is named in --as, in sign-in and in @mentions: no spaces, nothing to escape.
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Who the audit names for what the configuration did (the first admin of team mode).
CONFIGURATION = "configuration"
# Names the audit gives to authors who are not members: never a member's username.
RESERVED = frozenset({CONFIGURATION, LOCAL_ACTOR.username})
_COLUMNS = "username, display_name, role, coalesce(active, true)"


def _user(row: tuple[object, ...]) -> User:
    return User(str(row[0]), str(row[1]), Role(str(row[2])), bool(row[3]))


class UserStore(BaseStore):
    def users(self) -> list[User]:
        """Return every user, ordered by username."""
        return [_user(r) for r in self._all(f"SELECT {_COLUMNS} FROM app_user ORDER BY 1")]

    def user(self, username: str) -> User:
        """Return one user by username."""
        row = self._one(f"SELECT {_COLUMNS} FROM app_user WHERE username = ?", [username])
        if row is None:
            raise NotFound(f"no user '{username}'")
        return _user(row)

    def add_user(
        self, username: str, display_name: str, role: Role, password: str | None = None
    ) -> User:
        """Create a user with a role (and a password to sign in with); return it."""
        name = require_text(username, "the username")
        if name.lower() in RESERVED:
            raise InvalidInput(
                f"'{name}' cannot be a username: the audit uses it for changes nobody signed in "
                "for (the local admin, the configuration); choose another"
            )
        if not USERNAME.fullmatch(name):
            raise InvalidInput(
                f"'{name}' cannot be a username; use up to 64 letters, digits, '.', '-' or '_', "
                "starting with a letter or digit"
            )
        hashed = None if password is None else hash_password(password)
        with self.write(Area.USER):
            self._claim()
            if self._one("SELECT 1 FROM app_user WHERE username = ?", [name]):
                raise Conflict(f"a user '{name}' already exists")
            self._exec(
                "INSERT INTO app_user (username, display_name, role, created_at, password_hash, "
                "active) VALUES (?, ?, ?, ?, ?, true)",
                [name, display_name.strip() or name, role.value, now(), hashed],
            )
            stored = self.user(name)
            self._audit("user", name, "create", after=stored)
        return stored

    def add_first_admin(
        self, username: str, password_hash: str | None, setting: str
    ) -> User | None:
        """Create the first admin that the configuration names (``setting``), with a bcrypt
        hash checked by the caller; audited as done by the configuration. Return the new admin,
        or None when the team has an active admin already (then nothing changes). An existing
        member is refused: the configuration never changes a role or a password."""
        with self.write(Area.USER):
            if self._one("SELECT 1 FROM app_user WHERE role = 'admin' AND coalesce(active, true)"):
                return None
            if self._one("SELECT 1 FROM app_user WHERE username = ?", [username]):
                member = self.user(username)
                case = "admin_is_member" if member.active else "admin_is_inactive_member"
                raise ConfigurationRefused(case, setting=setting, username=username,
                                           role=member.role.value)  # fmt: skip
            self._exec(
                "INSERT INTO app_user (username, display_name, role, created_at, password_hash, "
                "active) VALUES (?, ?, 'admin', ?, ?, true)",
                [username, username, now(), password_hash],
            )
            stored = self.user(username)
            self._audit("user", username, "create", after=stored, by=CONFIGURATION)
        return stored

    def set_password(self, username: str, password: str) -> User:
        """Set a member's password (an admin's write); the audit records that it changed,
        never the password or its hash."""
        hashed = hash_password(password)
        with self.write(Area.USER):
            user = self.user(username)
            self._exec("UPDATE app_user SET password_hash = ? WHERE username = ?",
                       [hashed, user.username])  # fmt: skip
            self._audit("user", user.username, "set_password")
        return user

    def set_role(self, username: str, role: Role) -> User:
        """Give a member another role; the team keeps at least one active admin."""
        with self.write(Area.USER):
            before = self.user(username)
            if before.role is Role.ADMIN and role is not Role.ADMIN:
                self._keep_an_admin(before.username)
            self._exec("UPDATE app_user SET role = ? WHERE username = ?",
                       [role.value, before.username])  # fmt: skip
            after = self.user(username)
            self._audit("user", before.username, "set_role", before=before, after=after)
        return after

    def set_active(self, username: str, active: bool) -> User:
        """Deactivate a member (they can no longer sign in; the audit keeps their name) or
        reactivate them; the team keeps at least one active admin."""
        with self.write(Area.USER):
            before = self.user(username)
            if not active and before.role is Role.ADMIN:
                self._keep_an_admin(before.username)
            self._exec("UPDATE app_user SET active = ? WHERE username = ?",
                       [active, before.username])  # fmt: skip
            after = self.user(username)
            action = "reactivate" if active else "deactivate"
            self._audit("user", before.username, action, before=before, after=after)
        return after

    def admins_who_can_sign_in(self, through_provider: bool = False) -> int:
        """Return how many active admins can sign in (team mode needs one): those with a
        password, or every active admin where an identity provider vouches for people."""
        row = self._one(
            "SELECT count(*) FROM app_user WHERE role = 'admin' AND coalesce(active, true) "
            "AND (password_hash IS NOT NULL OR ?)",
            [through_provider],
        )
        return int(row[0]) if row else 0

    def _keep_an_admin(self, leaving: str) -> None:
        row = self._one(
            "SELECT count(*) FROM app_user WHERE role = 'admin' AND coalesce(active, true) "
            "AND username <> ?",
            [leaving],
        )
        if not row or not row[0]:
            raise Conflict(
                f"{leaving} is the team's only active admin; make another member admin first"
            )
