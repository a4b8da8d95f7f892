"""Naming a campaign: by its id or by its name, one rule for every page, command and report."""

from __future__ import annotations

import uuid

from experiments.errors import NotFound
from experiments.models import Alias, Campaign
from experiments.store import Store


def find_campaign(store: Store, key: str | uuid.UUID | None) -> Campaign | None:
    """Return the campaign a key names (its id, or its name in any case), or None."""
    return store.campaign_by_key(key)


def resolve_campaign(store: Store, key: str | uuid.UUID) -> Campaign:
    """Return the campaign a key names (its id, or its name in any case), or say which exist."""
    found = store.campaign_by_key(key)
    if found is None:
        # Worded as the command line has always said it (scripts may match it).
        known = sorted(c.name for c in store.campaigns())[:10]
        hint = f"known campaigns: {', '.join(known)}" if known else "there are no campaigns yet"
        raise NotFound(f"no campaign named '{key}' ({hint})")
    return found


def parse_aliases(text: str) -> tuple[Alias, ...]:
    """Return the aliases written one per line as 'platform: name' or just 'name'."""
    found = []
    for line in text.splitlines():
        platform, sep, name = line.partition(":")
        # A platform key is one word: 'Summer Sale: Berlin' stays one name with a colon.
        if sep and platform.strip() and name.strip() and " " not in platform.strip():
            found.append(Alias(name.strip(), platform.strip().lower()))
        elif line.strip():
            found.append(Alias(line.strip()))
    return tuple(found)


def aliases_text(aliases: tuple[Alias, ...]) -> str:
    """Return aliases one per line, as parse_aliases reads them."""
    return "\n".join(f"{a.platform}: {a.name}" if a.platform else a.name for a in aliases)
