"""Local or team mode, and which pages each role sees.

Local mode (the default) has no sign-in: the dashboard listens on 127.0.0.1 and whoever uses
it is the local admin. Team mode (``TRACKER_MODE=team``, set by ``serve --team``) asks everyone
to sign in first, and each member then sees the pages of their role; the store refuses any
write their role does not allow, whatever a page offers.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.errors import ConfigurationRefused
from experiments.models import Role, User
from experiments.store import WRITERS, Area, Store
from experiments.store.users import RESERVED, USERNAME

# Where Streamlit reads its secrets (the project's folder first, then the home folder).
SECRETS = (
    Path(__file__).resolve().parents[1] / ".streamlit" / "secrets.toml",
    Path.home() / ".streamlit" / "secrets.toml",
)

MODES = ("local", "team")

# The pages by key (views/<key>.py). Everyone reads the loop, the goals and the comparisons,
# and everyone has a list of what waits for them (My work); the import is the analysts' (and
# admins') work, the team and audit pages the admins'.
READ_PAGES = (
    "overview",
    "mywork",
    "goals",
    "campaigns",
    "cycle",
    "learnings",
    "timeline",
    "compare",
)
PAGES: dict[Role, tuple[str, ...]] = {
    Role.VIEWER: READ_PAGES,
    Role.MARKETER: READ_PAGES,
    Role.ANALYST: (*READ_PAGES, "imports"),
    Role.ADMIN: (*READ_PAGES, "imports", "team", "audit"),
}


def mode() -> str:
    """Return 'team' or 'local' from $TRACKER_MODE. Anything but 'local' (or nothing) asks for
    sign-in: a mistyped setting must not open the team's data to everyone."""
    value = os.environ.get("TRACKER_MODE", "local").strip().lower()
    return "local" if value in ("", "local") else "team"


def team_mode() -> bool:
    """Return True when people must sign in."""
    return mode() == "team"


def pages_for(role: Role) -> tuple[str, ...]:
    """Return the keys of the pages a role sees, in navigation order."""
    return PAGES[role]


def provider_configured(paths: tuple[Path, ...] | None = None) -> bool:
    """Return True when Streamlit's secrets configure sign-in through an identity provider
    (an ``[auth]`` section); an unreadable file configures nothing."""
    for path in SECRETS if paths is None else paths:
        try:
            if "auth" in tomllib.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
    return False


# The first admin of team mode, from the environment or from the secrets' [tracker] section:
# (the setting naming the admin, the setting holding the bcrypt hash of their password).
ADMIN_ENV = ("TRACKER_ADMIN", "TRACKER_ADMIN_PASSWORD_HASH")
ADMIN_SECRETS = ("[tracker] admin", "[tracker] admin_password_hash")
# What bcrypt writes: version, cost, then 22 characters of salt and 31 of hash.
BCRYPT_HASH = re.compile(r"\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}")


@dataclass(frozen=True, slots=True)
class FirstAdmin:
    """The first admin the configuration names, checked: ``setting`` names where it came from."""

    username: str
    password_hash: str | None
    setting: str


def _tracker_section(paths: tuple[Path, ...]) -> Mapping[str, Any]:
    # The first secrets file that names a first admin (an unreadable file names nobody).
    for path in paths:
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get("tracker", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if isinstance(section, dict) and ("admin" in section or "admin_password_hash" in section):
            return section
    return {}


def first_admin(
    environ: Mapping[str, str] | None = None, paths: tuple[Path, ...] | None = None
) -> FirstAdmin | None:
    """Return the first admin that the configuration names, or None when it names nobody.

    The environment (``TRACKER_ADMIN``, ``TRACKER_ADMIN_PASSWORD_HASH``) wins over the secrets'
    ``[tracker]`` section (``admin``, ``admin_password_hash``); the two are never mixed. A
    password is given only as its bcrypt hash. Refuses a setting that cannot be used, naming it.
    """
    env = os.environ if environ is None else environ
    paths = SECRETS if paths is None else paths
    if any(env.get(name, "").strip() for name in ADMIN_ENV):
        names, values = ADMIN_ENV, [env.get(name, "") for name in ADMIN_ENV]
    else:
        section = _tracker_section(paths)
        names = ADMIN_SECRETS
        values = [str(section.get(key, "")) for key in ("admin", "admin_password_hash")]
    username, hashed = (v.strip() for v in values)
    if not username and not hashed:
        return None
    if not username:
        raise ConfigurationRefused("admin_missing", setting=names[0], hash_setting=names[1])
    if not USERNAME.fullmatch(username):
        raise ConfigurationRefused("admin_username", setting=names[0], value=username)
    if username.lower() in RESERVED:
        raise ConfigurationRefused("admin_reserved", setting=names[0], value=username)
    if hashed and not BCRYPT_HASH.fullmatch(hashed):
        # The value is never repeated: it may be a password put there by mistake.
        raise ConfigurationRefused("admin_hash", setting=names[1])
    if not hashed and not provider_configured(paths):
        raise ConfigurationRefused("admin_no_way_in", setting=names[0], username=username,
                                   hash_setting=names[1])  # fmt: skip
    return FirstAdmin(username, hashed or None, names[0])


def make_first_admin(
    store: Store, environ: Mapping[str, str] | None = None, paths: tuple[Path, ...] | None = None
) -> User | None:
    """Create the first admin the configuration names when the team has no active admin yet
    (team mode calls it on starting); return them, or None when nothing was to be done. Never
    changes an existing member; a setting that cannot be used is refused with nothing written."""
    wanted = first_admin(environ, paths)
    if wanted is None:
        return None
    return store.add_first_admin(wanted.username, wanted.password_hash, wanted.setting)


def may_change(role: Role, area: Area) -> bool:
    """Return True when a role may change the data of an area (the store's own rule): pages
    offer a form or a button only then, and the store refuses it anyway otherwise."""
    return role in WRITERS[area]
