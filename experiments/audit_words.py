"""The audit in words: who did what, as a sentence a team reads ("Jana moved cycle 3 of Spring
Sale to Feedback"), for the audit page and a cycle's history.

Every write leaves an audit entry (who, when, entity, action, before and after as JSON); this
module turns each kind of entry into one sentence in English or German. Quoted texts are what
people typed; pages show the sentences as plain text, never as Markdown.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from experiments.display import enum_label, metric_name
from experiments.i18n import fmt_date, t
from experiments.models import LOCAL_ACTOR, AuditEntry
from experiments.store import Store
from experiments.store.users import CONFIGURATION

# Entries of these kinds belong to a cycle's history (their ``after`` names the cycle).
CYCLE_PARTS = ("learning", "feedback", "optimization", "comment")
_SHORT = 80  # a quoted text longer than this is cut, with an ellipsis


@dataclass(frozen=True, slots=True)
class Happening:
    """One audit entry as people read it."""

    happened_at: datetime
    who: str
    text: str
    entity: str
    action: str


@dataclass(frozen=True, slots=True)
class Names:
    """What a sentence names that an entry holds only as an id or a code."""

    people: dict[str, str]
    cycles: dict[str, tuple[str, int]]  # cycle id → (campaign name, number)
    campaigns: dict[str, str]

    @classmethod
    def of(cls, store: Store) -> Names:
        campaigns = {str(c.id): c.name for c in store.campaigns()}
        cycles = {str(c.id): (campaigns.get(str(c.campaign_id), "?"), c.number)
                  for c in store.cycles()}  # fmt: skip
        return cls({u.username: u.display_name for u in store.users()}, cycles, campaigns)


def _load(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def _quote(text: object) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= _SHORT else value[: _SHORT - 1] + "…"


def _who(entry: AuditEntry, names: Names, lang: str) -> str:
    if entry.actor == LOCAL_ACTOR.username:
        return t("audit.local_admin", lang)
    if entry.actor == CONFIGURATION:  # the first admin of team mode, named in the settings
        return t("audit.configuration", lang)
    return names.people.get(entry.actor, entry.actor)


def _cycle(names: Names, cycle_id: object, lang: str) -> str:
    campaign, number = names.cycles.get(str(cycle_id), ("?", 0))
    return t("audit.cycle_of", lang, n=number, campaign=campaign)


def sentence(entry: AuditEntry, names: Names, lang: str) -> str:
    """Return what an entry says happened, as one sentence in ``lang``."""
    before, after = _load(entry.before), _load(entry.after)
    now = {**before, **after}
    who = _who(entry, names, lang)
    kind, action = entry.entity, entry.action
    values: dict[str, object] = {"who": who}
    if action == "assign":
        _assignment(values, after, names, lang)
        action = "assign" if after.get("assignee") else "unassign"
    elif kind == "comment":
        values["text"] = _quote(now.get("text"))
    elif kind == "cycle" and "phase" in after and action != "create":
        values["cycle"] = _cycle(names, entry.entity_id, lang)
        values["phase"] = enum_label(str(after["phase"]), lang, "phase")
        action = "phase"
    elif kind == "cycle":
        values["cycle"] = _cycle(names, entry.entity_id, lang)
    elif kind == "campaign" and action == "next_start":
        values["campaign"] = names.campaigns.get(entry.entity_id, "?")
        values["n"] = after.get("cycle", "?")
    elif kind == "campaign":
        values["name"] = _quote(now.get("name") or names.campaigns.get(entry.entity_id, "?"))
    elif kind == "learning":
        values["text"] = _quote(now.get("statement"))
        values["decision"] = enum_label(str(now.get("decision")), lang, "decision")
        outcome = now.get("outcome")
        values["outcome"] = enum_label(str(outcome) if outcome else "none", lang, "outcome")
        if action == "apply" and not now.get("applied"):
            action = "not_applied"
    elif kind == "feedback":
        values["text"] = _quote(now.get("text"))
        values["kind"] = enum_label(str(now.get("kind")), lang, "feedback_kind")
        values["status"] = enum_label(str(now.get("status")), lang, "feedback_status")
    elif kind == "optimization":
        values["text"] = _quote(now.get("what"))
    elif kind == "goal":
        values["name"] = _quote(now.get("name") or "")
        values["metric"] = metric_name(str(now["metric"]), lang) if now.get("metric") else ""
    elif kind == "import":
        values["file"] = _quote(now.get("file_name"))
        values["rows"] = now.get("rows", "?")
    elif kind == "user":
        values["name"] = entry.entity_id
        values["role"] = t(f"team.role.{now['role']}", lang) if now.get("role") else ""
    elif kind == "column_mapping":
        values["name"] = _quote(now.get("name"))
    key = f"audit.{kind}.{action}"
    try:
        return t(key, lang, **values)
    except KeyError:
        return t("audit.unknown", lang, who=who, action=entry.action, entity=entry.entity)


def _assignment(values: dict[str, object], after: dict[str, Any], names: Names,
                lang: str) -> None:  # fmt: skip
    owner, due = after.get("assignee"), after.get("due")
    values["text"] = _quote(after.get("text"))
    values["owner"] = names.people.get(owner, owner) if owner else ""
    values["due"] = t("audit.due", lang, due=fmt_date(date.fromisoformat(due), lang)) if due else ""


def happenings(store: Store, lang: str, entity: str | None = None,
               since: datetime | None = None, limit: int = 200) -> list[Happening]:  # fmt: skip
    """Return the newest audit entries as sentences, newest first."""
    names = Names.of(store)
    return [_happening(e, names, lang) for e in store.audit_log(entity, limit, since)]


def cycle_history(store: Store, cycle_id: uuid.UUID, lang: str) -> list[Happening]:
    """Return what happened to one cycle and its learnings, feedback and optimizations, in
    words, newest first."""
    names = Names.of(store)
    return [_happening(e, names, lang) for e in store.audit_of_cycle(cycle_id)]


def _happening(entry: AuditEntry, names: Names, lang: str) -> Happening:
    return Happening(entry.happened_at, _who(entry, names, lang), sentence(entry, names, lang),
                     entry.entity, entry.action)  # fmt: skip
