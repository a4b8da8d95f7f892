"""Read queries over metric facts for goals and the management view (period, scope, daily)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from experiments.errors import InvalidInput
from experiments.metrics import BASE_AGGREGATION, BASE_METRICS, Aggregation
from experiments.store._base import BaseStore

# A fact belongs to a campaign when its source campaign is one of the campaign's aliases (any
# case) and the alias names no platform or the fact's one. EXISTS, not a join: two aliases that
# both match one fact must not count it twice.
_ALIAS_MATCH = (
    "EXISTS (SELECT 1 FROM campaign_alias a WHERE a.campaign_id = {campaign} "
    "AND lower(a.name) = lower(f.source_campaign) "
    "AND (a.platform IS NULL OR lower(a.platform) = lower(f.platform)))"
)
# A campaign named by a goal's scope: by id (as text) or by name, case-insensitive.
_CAMPAIGN_BY_KEY = (
    "(SELECT c.id FROM campaign c WHERE CAST(c.id AS VARCHAR) = lower(?) "
    "OR lower(c.name) = lower(?) LIMIT 1)"
)


def _aggregate(metric: str) -> str:
    # Column names come from BASE_METRICS, never from a user.
    if BASE_AGGREGATION.get(metric) is Aggregation.MEDIAN:
        return f"median(f.{metric}) AS {metric}"
    return f"sum(f.{metric}) AS {metric}"


_DAILY_COLUMNS = ", ".join(_aggregate(m) for m in BASE_METRICS)
_SUM_COLUMNS = ", ".join(f"sum(f.{m}) AS {m}" for m in BASE_METRICS if m not in BASE_AGGREGATION)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for col in columns:
        frame[col] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[col]]
    return frame


class AnalyticsStore(BaseStore):
    def _fact_filter(
        self, start: date | None, end: date | None, campaign: str | None, channel: str | None
    ) -> tuple[str, list[object]]:
        where: list[str] = ["TRUE"]
        params: list[object] = []
        if start is not None:
            where.append("f.date >= ?")
            params.append(start)
        if end is not None:
            where.append("f.date <= ?")
            params.append(end)
        if campaign is not None:
            where.append(_ALIAS_MATCH.format(campaign=_CAMPAIGN_BY_KEY))
            params += [campaign, campaign]
        if channel is not None:
            where.append("lower(f.platform) = lower(?)")
            params.append(channel)
        return " AND ".join(where), params

    def daily_metrics(
        self,
        start: date | None = None,
        end: date | None = None,
        campaign: str | None = None,
        channel: str | None = None,
    ) -> pd.DataFrame:
        """Return one row per day with data: each base metric's sum (reply time: the median).

        ``campaign`` is a campaign id or name, ``channel`` a platform key; a sum over only empty
        cells stays NULL (NaN), never 0. ``response_n`` counts the day's reply-time values and
        ``response_p90`` is their 90th percentile.
        """
        where, params = self._fact_filter(start, end, campaign, channel)
        frame = self.cur.execute(
            f"SELECT f.date AS date, {_DAILY_COLUMNS}, count(f.response_time_s) AS response_n, "
            "quantile_cont(f.response_time_s, 0.9) AS response_p90 "
            f"FROM metric_fact f WHERE {where} GROUP BY f.date ORDER BY f.date",
            params,
        ).df()
        return _dates(frame, "date")

    def response_time_summary(
        self,
        start: date | None = None,
        end: date | None = None,
        campaign: str | None = None,
        channel: str | None = None,
    ) -> tuple[float | None, float | None]:
        """Return the median and the 90th percentile of reply times in a period and scope."""
        where, params = self._fact_filter(start, end, campaign, channel)
        row = self._one(
            "SELECT median(f.response_time_s), quantile_cont(f.response_time_s, 0.9) "
            f"FROM metric_fact f WHERE {where}",
            params,
        )
        if row is None:
            return None, None
        return row[0], row[1]

    def cycle_metrics(self) -> pd.DataFrame:
        """Return one row per cycle: campaign, number, window and the sums of its facts.

        A cycle's facts are its campaign's aliases inside its window, resolved now; a window
        without an end is open. Reply times come as the cycle's median and 90th percentile.
        """
        match = _ALIAS_MATCH.format(campaign="cy.campaign_id")
        frame = self.cur.execute(
            "WITH cf AS (SELECT cy.id AS cycle_id, f.* FROM cycle cy, metric_fact f "
            f"WHERE {match} AND (cy.start_date IS NULL OR f.date >= cy.start_date) "
            "AND (cy.end_date IS NULL OR f.date <= cy.end_date)) "
            "SELECT cy.id AS cycle_id, cy.campaign_id, c.name AS campaign, cy.number, cy.phase, "
            "cy.start_date, cy.end_date, cy.budget, "
            f"{_SUM_COLUMNS}, median(f.response_time_s) AS response_time_median_s, "
            "quantile_cont(f.response_time_s, 0.9) AS response_time_p90_s, "
            "count(f.date) AS fact_rows, count(DISTINCT f.date) AS fact_days "
            "FROM cycle cy JOIN campaign c ON c.id = cy.campaign_id "
            "LEFT JOIN cf f ON f.cycle_id = cy.id "
            "GROUP BY cy.id, cy.campaign_id, c.name, cy.number, cy.phase, cy.start_date, "
            "cy.end_date, cy.budget ORDER BY lower(c.name), cy.number"
        ).df()
        return _dates(frame, "start_date", "end_date")

    def changes_since(self, since: datetime) -> pd.DataFrame:
        """Return what happened since a moment, newest first: cycles started or closed,
        learnings decided, imports; columns happened_at, kind, campaign, cycle, detail, value."""
        frame = self.cur.execute(
            "SELECT * FROM ("
            "SELECT cy.closed_at AS happened_at, 'cycle_closed' AS kind, c.name AS campaign, "
            "cy.number AS cycle, cy.hypothesis AS detail, NULL AS value FROM cycle cy "
            "JOIN campaign c ON c.id = cy.campaign_id WHERE cy.closed_at >= ? "
            "UNION ALL SELECT cy.start_at, 'cycle_started', c.name, cy.number, cy.hypothesis, "
            "NULL FROM cycle cy JOIN campaign c ON c.id = cy.campaign_id "
            "WHERE cy.start_at >= ? AND cy.number > 1 "
            "UNION ALL SELECT l.decided_at, 'learning_decided', c.name, cy.number, l.statement, "
            "l.decision FROM learning l JOIN cycle cy ON cy.id = l.cycle_id "
            "JOIN campaign c ON c.id = cy.campaign_id WHERE l.decided_at >= ? "
            "UNION ALL SELECT i.imported_at, 'import', NULL, NULL, i.file_name, i.platform "
            "FROM import i WHERE i.imported_at >= ?"
            ") AS changes ORDER BY happened_at DESC, kind, campaign",
            [since] * 4,
        ).df()
        return frame

    def export_table(self, table: str) -> pd.DataFrame:
        """Return one of the exportable tables as people read it (names, not ids)."""
        sql = _EXPORTS.get(table)
        if sql is None:
            raise InvalidInput(
                f"'{table}' cannot be exported; choose one of: {', '.join(_EXPORTS)}"
            )
        result = self.cur.execute(sql)
        types = {d[0]: str(d[1]) for d in result.description or ()}
        frame = result.df()
        # Days stay days and moments stay moments (pandas would make both Timestamps).
        for col, kind in types.items():
            if kind == "DATE":
                _dates(frame, col)
            elif kind.startswith("TIMESTAMP"):
                frame[col] = [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime()
                              for v in frame[col]]  # fmt: skip
        return frame

    def fact_date_range(self) -> tuple[Any, Any]:
        """Return the first and the last day any fact covers (None, None without facts)."""
        row = self._one("SELECT min(date), max(date) FROM metric_fact")
        return (row[0], row[1]) if row else (None, None)


# The exportable tables: fixed statements, chosen by name from this registry only.
_EXPORTS: dict[str, str] = {
    "campaigns": (
        "SELECT c.name, c.status, array_to_string(c.channels, ', ') AS channels, c.audience, "
        "c.relationship_focus, c.budget, c.people_hours, c.competitive_context, "
        "c.success_measure, array_to_string(c.stakeholders, ', ') AS stakeholders, "
        "(SELECT string_agg(coalesce(a.platform || ':', '') || a.name, ', ' ORDER BY a.name) "
        "FROM campaign_alias a WHERE a.campaign_id = c.id) AS aliases, c.created_at "
        "FROM campaign c ORDER BY lower(c.name)"
    ),
    "cycles": (
        "SELECT c.name AS campaign, cy.number AS cycle, cy.phase, cy.start_date, cy.end_date, "
        "cy.hypothesis, cy.planned_changes, cy.budget, cy.went_live, "
        "array_to_string(cy.channels, ', ') AS channels, cy.start_at, cy.closed_at "
        "FROM cycle cy JOIN campaign c ON c.id = cy.campaign_id "
        "ORDER BY lower(c.name), cy.number"
    ),
    "learnings": (
        "SELECT c.name AS campaign, cy.number AS cycle, l.statement, l.evidence, l.confidence, "
        "array_to_string(l.tags, ', ') AS tags, l.decision, l.decided_at, "
        "nx.number AS carried_into_cycle, l.applied, l.applied_reason, l.outcome "
        "FROM learning l JOIN cycle cy ON cy.id = l.cycle_id "
        "JOIN campaign c ON c.id = cy.campaign_id LEFT JOIN cycle nx ON nx.id = l.carried_into_id "
        "ORDER BY lower(c.name), cy.number, l.created_at"
    ),
    "goals": (
        "SELECT g.name, g.metric, g.comparator, g.target, g.baseline, g.period_start, "
        "g.period_end, g.scope_kind, coalesce(c.name, g.scope_value) AS scope, g.owner, "
        "g.objective FROM goal g LEFT JOIN campaign c "
        "ON g.scope_kind = 'campaign' AND CAST(c.id AS VARCHAR) = g.scope_value "
        "ORDER BY lower(g.name)"
    ),
    "facts": (
        f"SELECT f.platform, f.source_campaign, f.variant, f.date, "
        f"{', '.join('f.' + m for m in BASE_METRICS)}, i.file_name AS import_file "
        "FROM metric_fact f LEFT JOIN import i ON i.id = f.import_id "
        "ORDER BY f.date, f.platform, f.source_campaign, f.variant"
    ),
}
EXPORT_TABLES: tuple[str, ...] = tuple(_EXPORTS)
