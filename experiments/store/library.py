"""The learnings library: every learning of every campaign, filtered, with its track record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from experiments.models import Decision, LearningFacets, Outcome
from experiments.store._base import BaseStore

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class LibraryFilter:
    """What the learnings library narrows to; an empty field does not filter."""

    campaign_ids: tuple[uuid.UUID, ...] = ()
    tags: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    decisions: tuple[Decision, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    text: str = ""


def _like(word: str) -> str:
    # The person's % and _ are text to find, not wildcards.
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _library_where(f: LibraryFilter) -> tuple[str, list[object]]:
    clauses, params = ["TRUE"], []  # type: tuple[list[str], list[object]]
    for column, values in (
        ("campaign_id", list(f.campaign_ids)),
        ("decision", [d.value for d in f.decisions]),
        ("outcome", [o.value for o in f.outcomes]),
    ):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if f.tags:
        clauses.append("list_has_any(tags, ?::VARCHAR[])")
        params.append([t.strip().lower() for t in f.tags])
    if f.channels:
        clauses.append("list_has_any(list_transform(channels, x -> lower(x)), ?::VARCHAR[])")
        params.append([c.strip().lower() for c in f.channels])
    # Every word must appear somewhere in the statement, the evidence or the tags.
    for word in f.text.split():
        clauses.append(
            "(statement ILIKE ? ESCAPE '\\' OR evidence ILIKE ? ESCAPE '\\' "
            "OR array_to_string(tags, ' ') ILIKE ? ESCAPE '\\')"
        )
        params.extend([_like(word)] * 3)
    return " AND ".join(clauses), params


class LibraryStore(BaseStore):
    def learning_library(self, filters: LibraryFilter | None = None) -> pd.DataFrame:
        """Return every learning matching ``filters`` with its campaign, cycle and track record."""
        f = filters or LibraryFilter()
        where, params = _library_where(f)
        # The same statement recurring in one campaign is the same learning re-tested: its
        # record counts how often it was carried and how it fared where it was carried to.
        sql = """
            SELECT l.id, k.name AS campaign, c.number AS cycle, l.statement, l.evidence, l.tags,
                l.decision, l.outcome, l.confidence, ci.number AS carried_into, l.applied,
                CASE WHEN len(c.channels) > 0 THEN c.channels ELSE k.channels END AS channels,
                count(l.carried_into_id) OVER w AS times_carried,
                count(*) FILTER (WHERE l.outcome = 'confirmed') OVER w AS confirmed,
                count(*) FILTER (WHERE l.outcome = 'contradicted') OVER w AS contradicted,
                k.id AS campaign_id, l.created_at
            FROM learning l JOIN cycle c ON c.id = l.cycle_id
            JOIN campaign k ON k.id = c.campaign_id
            LEFT JOIN cycle ci ON ci.id = l.carried_into_id
            WINDOW w AS (PARTITION BY c.campaign_id, lower(trim(l.statement)))"""
        return self._frame(
            f"SELECT * FROM ({sql}) WHERE {where} ORDER BY lower(campaign), cycle, created_at, id",
            params,
        )

    def learning_facets(self) -> LearningFacets:
        """Return every tag used on a learning and every channel of a campaign or cycle."""
        tags = self._all("SELECT DISTINCT unnest(tags) AS t FROM learning ORDER BY t")
        channels = self._all(
            "SELECT DISTINCT ch FROM (SELECT unnest(channels) AS ch FROM campaign "
            "UNION SELECT unnest(channels) FROM cycle) ORDER BY lower(ch)"
        )
        return LearningFacets(tuple(r[0] for r in tags), tuple(r[0] for r in channels))
