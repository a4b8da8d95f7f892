"""Read queries over the metric facts that belong to a cycle (its campaign's aliases, its window).

A fact belongs to a cycle when it belongs to the cycle's campaign (the rule in _facts_scope: its
source campaign is one of the campaign's aliases, any case, on the alias's platform if it names
one) and its date lies inside the cycle's window, both ends included. Nothing ties a fact to a
cycle when it is stored, so editing a window or an alias changes the answer at once, without a
re-import.

The database does the aggregation: each query returns one row per cycle (or variant) and day.
A period fact (a total over several days) is never a day: the daily series leave it out, and
``cycle_left_out`` counts it per cycle, for the comparison to say what it could not use.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from experiments.errors import NotFound
from experiments.metrics import BASE_METRICS
from experiments.models import LeftOut
from experiments.store._base import Area, BaseStore
from experiments.store._facts_scope import campaign_facts, converted_sql, inside_sql

if TYPE_CHECKING:
    import pandas as pd

# Reply times are per reply or a reported average: never summed, so they get their own columns.
SUMMED_METRICS: tuple[str, ...] = tuple(m for m in BASE_METRICS if m != "response_time_s")
REPLY_TIME_COLUMNS: tuple[str, ...] = ("rt_rows", "rt_wsum", "rt_weight", "rt_max_replies")
_SUMS = ", ".join(f"sum(f.{m}) AS {m}" for m in SUMMED_METRICS)
# Per day: how many rows carry a reply time, their reply-weighted sum and weight (a row without a
# reply count weighs 1), and the largest reply count, which tells per-reply rows from averages.
_REPLY_TIME = (
    "count(f.response_time_s) AS rt_rows, "
    "sum(f.response_time_s * coalesce(f.replies, 1)) AS rt_wsum, "
    "sum(coalesce(f.replies, 1)) FILTER (WHERE f.response_time_s IS NOT NULL) AS rt_weight, "
    "max(f.replies) FILTER (WHERE f.response_time_s IS NOT NULL) AS rt_max_replies"
)
# The cycles' windows (an open end reaches the far future); their facts come from the shared
# rule in _facts_scope, read over the span of the windows and joined to each window by date.
_CYCLES = """
WITH cyc AS (
    SELECT number, start_date AS s, coalesce(end_date, DATE '9999-12-31') AS e
    FROM cycle WHERE campaign_id = ? AND list_contains(?, number) AND start_date IS NOT NULL
), f AS ({facts})"""


class CycleFactStore(BaseStore):
    def _facts_of(
        self, campaign_id: uuid.UUID, numbers: Sequence[int], into: str | None = None
    ) -> tuple[str, list[object]]:
        """Return the CTEs (cyc, f) selecting the cycles and their facts (money converted into
        ``into``, if given), with their values."""
        window = self._one(
            "SELECT min(start_date), max(coalesce(end_date, DATE '9999-12-31')) FROM cycle "
            "WHERE campaign_id = ? AND list_contains(?, number) AND start_date IS NOT NULL",
            [campaign_id, list(numbers)],
        )
        first, last = (window or (None, None))[:2]
        facts, values = "SELECT * FROM metric_fact WHERE false", list[object]()
        if first is not None:
            facts, values = campaign_facts(self, campaign_id, first, last)
        facts, rate = converted_sql(facts, into)
        values += rate
        return _CYCLES.format(facts=facts), [campaign_id, list(numbers), *values]

    def cycle_daily(
        self, campaign_id: uuid.UUID, numbers: Sequence[int], into: str | None = None
    ) -> pd.DataFrame:
        """Return per cycle and day: day of cycle, base-metric sums and reply-time aggregates
        (with ``into``, money converted into that currency at the admin's rates)."""
        ctes, values = self._facts_of(campaign_id, numbers, into)
        sql = f"""{ctes}
SELECT c.number, f.date, CAST(f.date - c.s AS INTEGER) + 1 AS day, {_SUMS}, {_REPLY_TIME}
FROM f JOIN cyc c ON f.date BETWEEN c.s AND c.e
WHERE f.date = f.date_to
GROUP BY c.number, c.s, f.date ORDER BY c.number, f.date"""
        return self._frame(sql, values)

    def cycle_reply_times(self, campaign_id: uuid.UUID, numbers: Sequence[int]) -> pd.DataFrame:
        """Return every reply time of the cycles' facts (one row per reply), with its cycle."""
        ctes, values = self._facts_of(campaign_id, numbers)
        sql = f"""{ctes}
SELECT c.number, f.response_time_s
FROM f JOIN cyc c ON f.date BETWEEN c.s AND c.e
WHERE f.response_time_s IS NOT NULL AND f.date = f.date_to
ORDER BY c.number, f.response_time_s"""
        return self._frame(sql, values)

    def variant_daily(
        self, campaign_id: uuid.UUID, number: int, into: str | None = None
    ) -> pd.DataFrame:
        """Return per variant and day of one cycle: base-metric sums and reply-time aggregates
        (with ``into``, money converted into that currency at the admin's rates)."""
        ctes, values = self._facts_of(campaign_id, [number], into)
        sql = f"""{ctes}
SELECT f.variant, f.date, CAST(f.date - c.s AS INTEGER) + 1 AS day, {_SUMS}, {_REPLY_TIME}
FROM f JOIN cyc c ON f.date BETWEEN c.s AND c.e
WHERE f.variant <> '' AND f.date = f.date_to
GROUP BY f.variant, c.s, f.date ORDER BY f.variant, f.date"""
        return self._frame(sql, values)

    def cycle_left_out(self, campaign_id: uuid.UUID, numbers: Sequence[int]) -> dict[int, LeftOut]:
        """Return per cycle the period facts of its campaign that its daily series leave out:
        those crossing an edge of its window, and those inside it (totals without days)."""
        facts, values = campaign_facts(self, campaign_id, None, None)
        sql = f"""
WITH cyc AS (
    SELECT number, start_date AS s, coalesce(end_date, DATE '9999-12-31') AS e
    FROM cycle WHERE campaign_id = ? AND list_contains(?, number) AND start_date IS NOT NULL
), f AS ({facts})
SELECT c.number, count(*) FILTER (WHERE NOT ({inside_sql("f", "c.s", "c.e")})),
    count(*) FILTER (WHERE {inside_sql("f", "c.s", "c.e")})
FROM f JOIN cyc c ON f.date <= c.e AND f.date_to >= c.s
WHERE f.date < f.date_to GROUP BY c.number"""
        rows = self._all(sql, [campaign_id, list(numbers), *values])
        found = {int(n): LeftOut(int(a), int(b)) for n, a, b in rows}
        return {n: found.get(n, LeftOut()) for n in numbers}

    def dismiss_suggestion(self, cycle_id: uuid.UUID, suggestion: dict[str, Any]) -> None:
        """Record that a suggested learning was dismissed; only the audit keeps a trace."""
        with self.write(Area.LOOP):
            if self._one("SELECT 1 FROM cycle WHERE id = ?", [cycle_id]) is None:
                raise NotFound(f"no cycle with id {cycle_id}")
            self._audit("learning_suggestion", cycle_id, "dismiss", after=suggestion)

    def dismissed_suggestions(self, cycle_id: uuid.UUID) -> list[str]:
        """Return the audit records (JSON text) of the suggestions dismissed for a cycle."""
        rows = self._all(
            "SELECT after_json FROM audit WHERE entity = 'learning_suggestion' "
            "AND entity_id = ? AND action = 'dismiss' ORDER BY happened_at",
            [str(cycle_id)],
        )
        return [r[0] for r in rows if r[0]]
