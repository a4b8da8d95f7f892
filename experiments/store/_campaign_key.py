"""How a campaign is named by a key (its id or its name), and goals that name one by its scope.

One rule for the whole store: a key is the campaign's id written as text or its name, compared
case-insensitively (names are unique in any case). The domain's ``campaigns.resolve_campaign``
and every store query that takes a campaign key read through here.
"""

from __future__ import annotations

import uuid

from experiments.store._base import BaseStore

CAMPAIGN_BY_KEY = (
    "SELECT id FROM campaign WHERE CAST(id AS VARCHAR) = lower(trim(?)) "
    "OR lower(name) = lower(trim(?)) LIMIT 1"
)


def campaign_id_by_key(store: BaseStore, key: str | uuid.UUID | None) -> uuid.UUID | None:
    """Return the id of the campaign a key (id or name, any case) names, or None."""
    if key is None or not str(key).strip():
        return None
    row = store._one(CAMPAIGN_BY_KEY, [str(key), str(key)])
    return None if row is None else row[0]


def link_goal(store: BaseStore, campaign_id: uuid.UUID, goal_id: uuid.UUID) -> None:
    """Add a goal to a campaign brief's goal ids (once); call inside a write."""
    row = store._one(
        "SELECT list_contains(goal_ids, ?) FROM campaign WHERE id = ?", [goal_id, campaign_id]
    )
    if row is None or row[0]:
        return
    store._exec(
        "UPDATE campaign SET goal_ids = list_append(goal_ids, ?) WHERE id = ?",
        [goal_id, campaign_id],
    )
    store._audit("campaign", campaign_id, "link_goal", after={"goal_id": goal_id})


def adopt_goals(store: BaseStore, campaign_id: uuid.UUID, name: str) -> None:
    """Rescope goals that name a new campaign by its name to its id, and link them to its brief.

    A goal may name a campaign before the campaign exists (the demo and briefs create goals
    first); kept by name it would lose its campaign on a rename. Call inside the campaign's write.
    """
    rows = store._all(
        "SELECT id FROM goal WHERE scope_kind = 'campaign' AND lower(scope_value) = lower(?)",
        [name],
    )
    for (goal_id,) in rows:
        store._exec("UPDATE goal SET scope_value = ? WHERE id = ?", [str(campaign_id), goal_id])
        store._audit("goal", goal_id, "rescope", after={"scope_value": str(campaign_id)})
        link_goal(store, campaign_id, goal_id)
