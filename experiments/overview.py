"""What the overview shows about campaigns: where each stands in the loop."""

from __future__ import annotations

from typing import Any

from experiments.models import Cycle, Phase
from experiments.store import Store


def current_cycle(cycles: list[Cycle]) -> Cycle | None:
    """Return the open cycle of a campaign, else its latest, else None."""
    open_cycles = [c for c in cycles if c.phase is not Phase.CLOSED]
    if open_cycles:
        return open_cycles[-1]
    return cycles[-1] if cycles else None


def campaign_rows(store: Store) -> list[dict[str, Any]]:
    """Return one row per campaign: channels, current cycle and phase, missing brief fields."""
    by_campaign: dict[Any, list[Cycle]] = {}
    for c in store.cycles():
        by_campaign.setdefault(c.campaign_id, []).append(c)
    rows = []
    for campaign in store.campaigns():
        cycles = by_campaign.get(campaign.id, [])
        cur = current_cycle(cycles)
        rows.append(
            {
                "id": str(campaign.id),
                "name": campaign.name,
                "status": campaign.status.value,
                "channels": list(campaign.channels),
                "aliases": [a.name for a in campaign.aliases],
                "cycles": len(cycles),
                "cycle": cur.number if cur else None,
                "phase": cur.phase.value if cur else None,
                "start": cur.start if cur else None,
                "end": cur.end if cur else None,
                "brief_missing": list(campaign.missing_essentials()),
            }
        )
    return rows
