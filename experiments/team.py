"""Local or team mode, and which pages each role sees.

Local mode (the default) has no sign-in: the dashboard listens on 127.0.0.1 and whoever uses
it is the local admin. Team mode (``TRACKER_MODE=team``, set by ``serve --team``) asks everyone
to sign in first, and each member then sees the pages of their role; the store refuses any
write their role does not allow, whatever a page offers.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from experiments.models import Role
from experiments.store import WRITERS, Area

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


def may_change(role: Role, area: Area) -> bool:
    """Return True when a role may change the data of an area (the store's own rule): pages
    offer a form or a button only then, and the store refuses it anyway otherwise."""
    return role in WRITERS[area]
