"""Read queries over metric facts for goals and the management view (period, scope, daily)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from experiments.errors import InvalidInput
from experiments.metrics import BASE_METRICS, METRICS, Aggregation
from experiments.models import CycleMetrics, Phase, ReplyTimes
from experiments.store._base import BaseStore
from experiments.store._campaign_key import campaign_id_by_key
from experiments.store._facts_scope import (
    campaign_facts,
    campaign_keys_sql,
    converted_sql,
    inside_sql,
    overlap_source,
    overlapped_sql,
    straddle_sql,
    window_sql,
)

if TYPE_CHECKING:
    import pandas as pd


def _aggregate(metric: str) -> str:
    # Column names come from BASE_METRICS, never from a user; the registry says how rows combine.
    return f"{METRICS[metric].row_sql}(f.{metric}) AS {metric}"


_DAILY_COLUMNS = ", ".join(_aggregate(m) for m in BASE_METRICS)
# Per cycle only what adds up across days: reach is a daily mean and reply times are medians.
_SUMMED = tuple(m for m in BASE_METRICS if METRICS[m].aggregation is Aggregation.SUM)
_SUM_COLUMNS = ", ".join(f"sum(f.{m}) AS {m}" for m in _SUMMED)
# cycle_metrics: the facts summed per key and period first (one pass over metric_fact), then the
# few thousand rows joined to each cycle's keys and window (a period fact only when its whole
# period lies inside; one crossing an edge is counted in ``left_out``). Reply times are per reply
# or averages and are never summed, so their median and percentile come from the raw rows.
_CYCLE_METRICS = f"""
WITH d AS (
    SELECT source_campaign, platform, date, date_to, coalesce(currency, '') AS currency,
        {_SUM_COLUMNS}, count(*) AS n
    FROM metric_fact f GROUP BY source_campaign, platform, date, date_to, coalesce(currency, '')
), ck AS (
    SELECT cy.id AS cycle_id, cy.start_date AS s, cy.end_date AS e, k.source_campaign, k.platform
    FROM cycle cy JOIN ({campaign_keys_sql("d")}) k ON k.campaign_id = cy.campaign_id
), sums AS (
    SELECT ck.cycle_id, {_SUM_COLUMNS}, CAST(sum(f.n) AS BIGINT) AS fact_rows,
        count(DISTINCT f.date) FILTER (WHERE f.date = f.date_to) AS fact_days,
        list(DISTINCT f.currency ORDER BY f.currency)
            FILTER (WHERE f.spend IS NOT NULL OR f.revenue IS NOT NULL) AS currencies
    FROM ck JOIN d f ON f.source_campaign = ck.source_campaign AND f.platform = ck.platform
        AND {inside_sql("f", "ck.s", "ck.e")}
    GROUP BY ck.cycle_id
), lo AS (
    SELECT ck.cycle_id, CAST(sum(f.n) AS BIGINT) AS left_out
    FROM ck JOIN d f ON f.source_campaign = ck.source_campaign AND f.platform = ck.platform
        AND (ck.e IS NULL OR f.date <= ck.e) AND (ck.s IS NULL OR f.date_to >= ck.s)
        AND NOT ({inside_sql("f", "ck.s", "ck.e")})
    GROUP BY ck.cycle_id
), rt AS (
    SELECT ck.cycle_id, median(f.response_time_s) AS response_time_median_s,
        quantile_cont(f.response_time_s, 0.9) AS response_time_p90_s
    FROM ck JOIN metric_fact f ON f.source_campaign = ck.source_campaign
        AND f.platform = ck.platform AND {inside_sql("f", "ck.s", "ck.e")}
    WHERE f.response_time_s IS NOT NULL GROUP BY ck.cycle_id
)
SELECT cy.id AS cycle_id, cy.campaign_id, c.name AS campaign, cy.number, cy.phase, cy.start_date,
    cy.end_date, cy.budget, {", ".join(f"s.{m}" for m in _SUMMED)}, rt.response_time_median_s,
    rt.response_time_p90_s, coalesce(s.fact_rows, 0) AS fact_rows,
    coalesce(s.fact_days, 0) AS fact_days, coalesce(lo.left_out, 0) AS left_out, s.currencies
FROM cycle cy JOIN campaign c ON c.id = cy.campaign_id
LEFT JOIN sums s ON s.cycle_id = cy.id LEFT JOIN rt ON rt.cycle_id = cy.id
LEFT JOIN lo ON lo.cycle_id = cy.id
ORDER BY lower(c.name), cy.number"""


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    import pandas as pd

    for col in columns:
        frame[col] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[col]]
    return frame


def _cycle_metrics(row: dict[str, Any]) -> CycleMetrics:
    # The fixed columns by name; every other column of the query is a metric value.
    fixed = ("cycle_id", "campaign_id", "campaign", "number", "phase", "start_date", "end_date",
             "budget", "fact_rows", "fact_days", "left_out", "currencies")  # fmt: skip
    values = {k: None if v is None else float(v) for k, v in row.items() if k not in fixed}
    return CycleMetrics(
        cycle_id=row["cycle_id"], campaign_id=row["campaign_id"], campaign=row["campaign"],
        number=int(row["number"]), phase=Phase(row["phase"]), start=row["start_date"],
        end=row["end_date"], budget=row["budget"], values=values,
        fact_rows=int(row["fact_rows"]), fact_days=int(row["fact_days"]),
        left_out=int(row["left_out"]),
        # '' stands for facts whose export named no currency.
        currencies=tuple(c or None for c in row["currencies"] or ()),
    )  # fmt: skip


class AnalyticsStore(BaseStore):
    def _facts(
        self,
        start: date | None,
        end: date | None,
        campaign: str | None,
        channel: str | None,
        straddling: bool = False,
        into: str | None = None,
    ) -> tuple[str, list[object]]:
        """Return a FROM clause (alias f) with the facts of a period and scope, and its values:
        those inside the period, or with ``straddling`` those crossing its edges; with ``into``,
        their money converted into that currency (converted_sql)."""
        if campaign is None:
            where, values = (straddle_sql if straddling else window_sql)(start, end, "f.")
            # Everything: each day of a whole (GA4's reports of one property) read once.
            table, kept = (
                overlap_source(self) if channel is None and not straddling else ("metric_fact", [])
            )
            source, values = f"{table} f WHERE {where}", kept + values
        else:
            cid = campaign_id_by_key(self, campaign)
            if cid is None:  # an unknown campaign has no facts
                source, values = "metric_fact f WHERE false", []
            else:
                scans, values = campaign_facts(self, cid, start, end, straddling)
                source = f"({scans}) f WHERE TRUE"
        if channel is not None:
            source += " AND lower(f.platform) = lower(?)"
            values.append(channel)
        if into is not None:
            converted, rate = converted_sql(f"SELECT f.* FROM {source}", into)
            source, values = f"({converted}) f WHERE TRUE", values + rate
        return source, values

    def daily_metrics(
        self,
        start: date | None = None,
        end: date | None = None,
        campaign: str | None = None,
        channel: str | None = None,
        metrics: Sequence[str] | None = None,
        into: str | None = None,
    ) -> pd.DataFrame:
        """Return one row per day with data: each base metric's sum (reply time: the median);
        with ``into``, money converted into that currency at the admin's rates.

        A period fact lies wholly inside the period (the scope rule) and is counted on its last
        day, when its total is complete: sums and rates over the period include it, while a
        day-by-day reading sees it as that day's figures (``left_out_facts`` counts what
        crossed an edge of the period and was not counted).

        ``campaign`` is a campaign id or name, ``channel`` a platform key; ``metrics`` narrows
        the columns to the base metrics a caller needs (all by default: each column is a pass
        over the facts). A sum over only empty cells stays NULL (NaN), never 0. ``response_n``
        counts the day's reply-time values and ``response_p90`` is their 90th percentile.
        """
        columns = _DAILY_COLUMNS
        if metrics is not None:
            unknown = [m for m in metrics if m not in BASE_METRICS]
            if unknown or not metrics:
                raise InvalidInput(f"not base metrics: {', '.join(unknown) or '(none)'}")
            columns = ", ".join(_aggregate(m) for m in dict.fromkeys(metrics))
        source, params = self._facts(start, end, campaign, channel, into=into)
        frame = self._frame(
            f"SELECT f.date_to AS date, {columns}, count(f.response_time_s) AS response_n, "
            "quantile_cont(f.response_time_s, 0.9) AS response_p90 "
            f"FROM {source} GROUP BY f.date_to ORDER BY f.date_to",
            params,
        )
        return _dates(frame, "date")

    def money_currencies(
        self,
        start: date | None = None,
        end: date | None = None,
        campaign: str | None = None,
        channel: str | None = None,
    ) -> list[str | None]:
        """Return the distinct currencies of the facts with money (spend or revenue) of a
        period and scope; None stands for facts whose export named no currency."""
        source, params = self._facts(start, end, campaign, channel)
        rows = self._all(
            f"SELECT DISTINCT f.currency FROM {source} "
            "AND (f.spend IS NOT NULL OR f.revenue IS NOT NULL) ORDER BY 1",
            params,
        )
        return [r[0] for r in rows]

    def money_months(
        self,
        start: date | None = None,
        end: date | None = None,
        campaign: str | None = None,
        channel: str | None = None,
    ) -> list[tuple[str, date]]:
        """Return each currency named by the money facts of a period and scope with each month
        (of a fact's first day) it occurs in: the rates a conversion needs."""
        source, params = self._facts(start, end, campaign, channel)
        rows = self._all(
            "SELECT DISTINCT f.currency, CAST(date_trunc('month', f.date) AS DATE) "
            f"FROM {source} AND f.currency IS NOT NULL "
            "AND (f.spend IS NOT NULL OR f.revenue IS NOT NULL) ORDER BY ALL",
            params,
        )
        return [(r[0], r[1]) for r in rows]

    def left_out_facts(
        self,
        start: date | None = None,
        end: date | None = None,
        campaign: str | None = None,
        channel: str | None = None,
    ) -> int:
        """Return how many period facts of a scope cross an edge of the period: not counted."""
        source, params = self._facts(start, end, campaign, channel, straddling=True)
        row = self._one(f"SELECT count(*) FROM {source}", params)
        return int(row[0]) if row else 0

    def overlapping_facts(self, start: date | None = None, end: date | None = None) -> int:
        """Return how many facts of a period are not counted where the scope is everything,
        because a preferred report of the same whole has their days (overlapped_sql)."""
        where, values = window_sql(start, end, "f.")
        overlapped, kept = overlapped_sql(self)
        if not kept:
            return 0
        row = self._one(f"SELECT count(*) FROM metric_fact f WHERE {where} AND {overlapped}",
                        values + kept)  # fmt: skip
        return int(row[0]) if row else 0

    def response_time_summary(
        self,
        start: date | None = None,
        end: date | None = None,
        campaign: str | None = None,
        channel: str | None = None,
    ) -> ReplyTimes:
        """Return the median and the 90th percentile of reply times in a period and scope."""
        source, params = self._facts(start, end, campaign, channel)
        row = self._one(
            "SELECT median(f.response_time_s), quantile_cont(f.response_time_s, 0.9) "
            f"FROM {source}",
            params,
        )
        if row is None:
            return ReplyTimes(None, None)
        return ReplyTimes(row[0], row[1])

    def cycle_metrics(self) -> list[CycleMetrics]:
        """Return every cycle with its campaign, number, window and the sums of its facts.

        A cycle's facts are its campaign's aliases inside its window, resolved now; a window
        without an end is open. Reply times come as the cycle's median and 90th percentile.
        """
        result = self._run(_CYCLE_METRICS)
        names = [d[0] for d in result.description or ()]
        return [_cycle_metrics(dict(zip(names, row, strict=True))) for row in result.fetchall()]
