"""Campaigns, their briefs and their platform aliases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from experiments.errors import ChangedMeanwhile, Conflict, InvalidInput, NotFound
from experiments.models import (
    Alias,
    Campaign,
    CampaignStatus,
    RelationshipFocus,
    new_id,
)
from experiments.store._base import Area, BaseStore, now, parse_uuid, require_text
from experiments.store._campaign_key import adopt_goals, campaign_id_by_key
from experiments.store._facts_scope import campaign_facts

_CAMPAIGN_COLS = (
    "id, name, status, channels, audience, goal_ids, relationship_focus, budget, people_hours, "
    "competitive_context, success_measure, stakeholders, created_at"
)


def _clean_list(values: Sequence[str] | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for v in values or ():
        text = v.strip()
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def _platform_key(platform: str | None) -> str | None:
    """Return an alias's platform as a registry key (lower-case, like 'meta'), None for any."""
    # Older rows may carry another case; the fact rule compares platforms in any case.
    return (platform or "").strip().lower() or None


def _check_amount(value: float | None, what: str) -> None:
    if value is not None and value < 0:
        raise InvalidInput(f"{what} must not be negative (got {value:g})")


class CampaignStore(BaseStore):
    def _campaign_from_row(self, row: tuple[Any, ...], aliases: tuple[Alias, ...]) -> Campaign:
        return Campaign(
            id=row[0],
            name=row[1],
            status=CampaignStatus(row[2]),
            channels=tuple(row[3]),
            audience=row[4],
            goal_ids=tuple(row[5]),
            relationship_focus=RelationshipFocus(row[6]) if row[6] else None,
            budget=row[7],
            people_hours=row[8],
            competitive_context=row[9],
            success_measure=row[10],
            stakeholders=tuple(row[11]),
            aliases=aliases,
            created_at=row[12],
        )

    def _aliases(self, campaign_id: uuid.UUID) -> tuple[Alias, ...]:
        rows = self._all(
            "SELECT name, platform FROM campaign_alias WHERE campaign_id = ? "
            "ORDER BY platform NULLS FIRST, name",
            [campaign_id],
        )
        return tuple(Alias(name, platform) for name, platform in rows)

    def campaigns(self) -> list[Campaign]:
        """Return every campaign, ordered by name."""
        rows = self._all(f"SELECT {_CAMPAIGN_COLS} FROM campaign ORDER BY lower(name)")
        alias_rows = self._all(
            "SELECT campaign_id, name, platform FROM campaign_alias "
            "ORDER BY platform NULLS FIRST, name"
        )
        by_campaign: dict[uuid.UUID, list[Alias]] = {}
        for cid, name, platform in alias_rows:
            by_campaign.setdefault(cid, []).append(Alias(name, platform))
        return [self._campaign_from_row(r, tuple(by_campaign.get(r[0], ()))) for r in rows]

    def campaign(self, campaign_id: uuid.UUID | str) -> Campaign:
        """Return one campaign by id."""
        cid = parse_uuid(campaign_id, "campaign")
        row = self._one(f"SELECT {_CAMPAIGN_COLS} FROM campaign WHERE id = ?", [cid])
        if row is None:
            raise NotFound(f"no campaign with id {cid}")
        return self._campaign_from_row(row, self._aliases(cid))

    def campaign_by_name(self, name: str) -> Campaign:
        """Return the campaign with this name (case-insensitive), or say which names exist."""
        row = self._one(
            f"SELECT {_CAMPAIGN_COLS} FROM campaign WHERE lower(name) = lower(?)", [name.strip()]
        )
        if row is None:
            known = [r[0] for r in self._all("SELECT name FROM campaign ORDER BY name LIMIT 10")]
            hint = f"known campaigns: {', '.join(known)}" if known else "there are no campaigns yet"
            raise NotFound(f"no campaign named '{name}' ({hint})")
        return self._campaign_from_row(row, self._aliases(row[0]))

    def campaign_by_key(self, key: str | uuid.UUID | None) -> Campaign | None:
        """Return the campaign a key names (its id or its name, any case), or None."""
        cid = campaign_id_by_key(self, key)
        return None if cid is None else self.campaign(cid)

    def _check_name_free(self, name: str, except_id: uuid.UUID | None = None) -> None:
        self._claim()
        row = self._one(
            "SELECT id FROM campaign WHERE lower(name) = lower(?) AND id IS DISTINCT FROM ?",
            [name, except_id],
        )
        if row is not None:
            raise Conflict(f"a campaign named '{name}' already exists; choose another name")

    def _check_aliases_free(self, campaign_id: uuid.UUID, aliases: Sequence[Alias]) -> None:
        for alias in aliases:
            row = self._one(
                "SELECT c.name FROM campaign_alias a JOIN campaign c ON c.id = a.campaign_id "
                "WHERE lower(a.name) = lower(?) AND a.campaign_id <> ? "
                "AND (a.platform IS NULL OR ? IS NULL OR lower(a.platform) = lower(?))",
                [alias.name, campaign_id, alias.platform, alias.platform],
            )
            if row is not None:
                raise Conflict(
                    f"the platform name '{alias.name}' already belongs to campaign '{row[0]}'; "
                    "remove it there first"
                )

    def _write_aliases(self, campaign_id: uuid.UUID, aliases: Sequence[Alias]) -> None:
        """Replace a campaign's platform names; checked and audited like any other write."""
        with self.write(Area.ALIAS):
            before = self._aliases(campaign_id)
            if set(before) == set(aliases):
                return
            self._check_aliases_free(campaign_id, aliases)
            self._exec("DELETE FROM campaign_alias WHERE campaign_id = ?", [campaign_id])
            for alias in aliases:
                self._exec(
                    "INSERT INTO campaign_alias VALUES (?, ?, ?)",
                    [campaign_id, alias.platform, alias.name],
                )
            after = self._aliases(campaign_id)
            self._audit("campaign", campaign_id, "aliases", before=before, after=after)

    def _normalise(self, campaign: Campaign) -> Campaign:
        name = require_text(campaign.name, "the campaign name")
        _check_amount(campaign.budget, "the budget")
        _check_amount(campaign.people_hours, "the people-hours")
        aliases: dict[tuple[str, str | None], Alias] = {}
        for a in campaign.aliases:
            alias_name = a.name.strip()
            if alias_name:
                platform = _platform_key(a.platform)
                aliases.setdefault((alias_name.lower(), platform), Alias(alias_name, platform))
        return replace(
            campaign,
            name=name,
            channels=_clean_list(campaign.channels),
            stakeholders=_clean_list(campaign.stakeholders),
            audience=campaign.audience.strip(),
            success_measure=campaign.success_measure.strip(),
            competitive_context=campaign.competitive_context.strip(),
            goal_ids=tuple(dict.fromkeys(campaign.goal_ids)),
            aliases=tuple(aliases.values()),
        )

    def _check_goals_exist(self, goal_ids: Sequence[uuid.UUID]) -> None:
        for gid in goal_ids:
            if self._one("SELECT 1 FROM goal WHERE id = ?", [gid]) is None:
                raise NotFound(f"no goal with id {gid}; pick one of the existing goals")

    def add_campaign(self, campaign: Campaign) -> Campaign:
        """Create a campaign with its brief and aliases; return it as stored."""
        c = self._normalise(campaign)
        stamp = now()
        with self.write(Area.CAMPAIGN):
            self._check_name_free(c.name)
            self._check_goals_exist(c.goal_ids)
            self._exec(
                "INSERT INTO campaign (id, name, status, channels, audience, goal_ids, "
                "relationship_focus, budget, people_hours, competitive_context, success_measure, "
                "stakeholders, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    c.id, c.name, c.status.value, list(c.channels), c.audience, list(c.goal_ids),
                    c.relationship_focus.value if c.relationship_focus else None, c.budget,
                    c.people_hours, c.competitive_context, c.success_measure,
                    list(c.stakeholders), stamp, stamp,
                ],
            )  # fmt: skip
            self._write_aliases(c.id, c.aliases)
            adopt_goals(self, c.id, c.name)
            stored = self.campaign(c.id)
            self._audit("campaign", c.id, "create", after=stored)
        return stored

    def create_campaign(self, name: str, **brief: Any) -> Campaign:
        """Create a campaign from keyword brief fields; return it as stored."""
        aliases = brief.pop("aliases", ())
        alias_objs = tuple(a if isinstance(a, Alias) else Alias(str(a)) for a in aliases)
        return self.add_campaign(Campaign(id=new_id(), name=name, aliases=alias_objs, **brief))

    def update_campaign(self, campaign: Campaign, seen: Campaign | None = None) -> Campaign:
        """Save an edited campaign (brief and aliases); return it as stored. With ``seen`` (the
        campaign as the editor loaded it) a change someone made since is refused, not lost."""
        c = self._normalise(campaign)
        with self.write(Area.CAMPAIGN):
            before = self.campaign(c.id)
            if seen is not None and before != seen:
                raise ChangedMeanwhile("campaign", name=seen.name)
            self._check_name_free(c.name, except_id=c.id)
            self._check_goals_exist(c.goal_ids)
            self._exec(
                "UPDATE campaign SET name = ?, status = ?, channels = ?, audience = ?, "
                "goal_ids = ?, relationship_focus = ?, budget = ?, people_hours = ?, "
                "competitive_context = ?, success_measure = ?, stakeholders = ?, updated_at = ? "
                "WHERE id = ?",
                [
                    c.name, c.status.value, list(c.channels), c.audience, list(c.goal_ids),
                    c.relationship_focus.value if c.relationship_focus else None, c.budget,
                    c.people_hours, c.competitive_context, c.success_measure,
                    list(c.stakeholders), now(), c.id,
                ],
            )  # fmt: skip
            self._write_aliases(c.id, c.aliases)
            adopt_goals(self, c.id, c.name)
            stored = self.campaign(c.id)
            self._audit("campaign", c.id, "update", before=before, after=stored)
        return stored

    def add_alias(self, campaign_id: uuid.UUID, alias: Alias) -> Campaign:
        """Link one more platform name to a campaign (analysts may too); return the campaign."""
        name = require_text(alias.name, "the platform campaign name")
        platform = _platform_key(alias.platform)
        with self.write(Area.ALIAS):
            before = self.campaign(campaign_id)
            if any(
                a.name.lower() == name.lower() and a.platform == platform for a in before.aliases
            ):
                return before
            self._check_aliases_free(before.id, [Alias(name, platform)])
            self._exec("INSERT INTO campaign_alias VALUES (?, ?, ?)", [before.id, platform, name])
            stored = self.campaign(before.id)
            self._audit("campaign", before.id, "alias", before=before, after=stored)
        return stored

    def alias_map(self) -> dict[str, str]:
        """Return each linked platform campaign name (lower-case) with its tracker campaign name."""
        rows = self._all(
            "SELECT lower(a.name), c.name FROM campaign_alias a "
            "JOIN campaign c ON c.id = a.campaign_id"
        )
        return dict(rows)

    def campaign_spend(
        self, campaign_id: uuid.UUID, start: date | None, end: date | None
    ) -> float | None:
        """Return the spend of the facts of a campaign's aliases in a window; None if none."""
        facts, values = campaign_facts(self, campaign_id, start, end)
        row = self._one(f"SELECT sum(spend) FROM ({facts})", values)
        return None if row is None or row[0] is None else float(row[0])
