"""Link suggestions after an import: a source campaign no alias links yet whose name is a tracker
campaign's name or one of its aliases is proposed for linking to that campaign with one click.

Names compare as people read them: in any case, without the spaces around them, and in one
Unicode form (an accent typed as its own character equals the accented letter). Nothing looser:
a name with a hidden character or a look-alike letter in it is another name and gets no
suggestion. A name that leads to two campaigns gets none either, with the campaigns it matched,
because linking it to one of them would be a guess.
"""

from __future__ import annotations

import shlex
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from experiments.models import Alias, Campaign

if TYPE_CHECKING:
    from experiments.store import Store


class Matched(StrEnum):
    """What of the campaign the source campaign's name equals."""

    NAME = "name"  # the campaign's own name
    ALIAS = "alias"  # one of its aliases, kept for another platform


@dataclass(frozen=True, slots=True)
class LinkSuggestion:
    """A source campaign of an import and the one campaign it is proposed to count for."""

    source: str  # as the file wrote it
    platform: str
    campaign_id: uuid.UUID
    campaign: str
    matched: Matched

    def command(self) -> str:
        """Return the command line that makes the link, quoted for a shell."""
        words = ("campaign", "link", self.campaign, self.source, "--platform", self.platform)
        return shlex.join(words)

    def as_json(self) -> dict[str, str]:
        """Return the suggestion as ``import --json`` lists it."""
        return {"source": self.source, "platform": self.platform, "campaign": self.campaign,
                "campaign_id": str(self.campaign_id), "matched": str(self.matched),
                "command": self.command()}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AmbiguousSource:
    """A source campaign whose name leads to more than one campaign: no suggestion, and why."""

    source: str
    campaigns: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """Return the case as ``import --json`` lists it, with why there is no suggestion."""
        return {"source": self.source, "campaigns": list(self.campaigns),
                "reason": "the name leads to several campaigns"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LinkSuggestions:
    """The suggestions for an import's unlinked source campaigns, in the order given."""

    links: tuple[LinkSuggestion, ...] = ()
    ambiguous: tuple[AmbiguousSource, ...] = ()

    def link_for(self, source: str) -> LinkSuggestion | None:
        """Return the suggestion for a source campaign, if there is one."""
        return next((s for s in self.links if s.source == source), None)

    def ambiguity(self, source: str) -> AmbiguousSource | None:
        """Return why a source campaign gets no suggestion when its name leads to several."""
        return next((a for a in self.ambiguous if a.source == source), None)


def name_key(text: str) -> str:
    """Return a name as suggestions compare it: one Unicode form, trimmed, in any case."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def _links_already(alias: Alias, source: str, platform: str) -> bool:
    # The store's fact rule (store/_facts_scope): same name in any case, no platform or this one.
    same_platform = alias.platform is None or alias.platform.lower() == platform.lower()
    return alias.name.lower() == source.lower() and same_platform


def _candidates(campaigns: Iterable[Campaign]) -> dict[str, dict[uuid.UUID, Matched]]:
    found: dict[str, dict[uuid.UUID, Matched]] = {}
    for c in campaigns:
        found.setdefault(name_key(c.name), {})[c.id] = Matched.NAME
        for a in c.aliases:
            found.setdefault(name_key(a.name), {}).setdefault(c.id, Matched.ALIAS)
    return found


def suggest(store: Store, platform: str, sources: Iterable[str]) -> LinkSuggestions:
    """Return the link suggestions for source campaigns of ``platform``; a source an alias
    already links, or whose name no campaign has, gets none."""
    campaigns = {c.id: c for c in store.campaigns()}
    linked = [a for c in campaigns.values() for a in c.aliases]
    index = _candidates(campaigns.values())
    links: list[LinkSuggestion] = []
    ambiguous: list[AmbiguousSource] = []
    for source in dict.fromkeys(sources):
        key = name_key(source)
        matches = index.get(key, {}) if key else {}
        if not matches or any(_links_already(a, source, platform) for a in linked):
            continue
        if len(matches) > 1:
            names = tuple(sorted((campaigns[cid].name for cid in matches), key=name_key))
            ambiguous.append(AmbiguousSource(source, names))
            continue
        ((cid, how),) = matches.items()
        links.append(LinkSuggestion(source, platform, cid, campaigns[cid].name, how))
    return LinkSuggestions(tuple(links), tuple(ambiguous))


def suggest_for_import(store: Store, import_id: uuid.UUID | str) -> LinkSuggestions:
    """Return the link suggestions for the source campaigns an import left unlinked."""
    record = store.import_record(import_id)
    return suggest(store, record.platform, store.unlinked_sources(record.id))


def accept(store: Store, suggestion: LinkSuggestion) -> Campaign:
    """Link the suggested source campaign to its campaign (an alias for its platform); return
    the campaign."""
    return store.add_alias(suggestion.campaign_id, Alias(suggestion.source, suggestion.platform))
