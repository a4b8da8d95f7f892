"""Which metric facts belong to a campaign: the one rule every fact query of the store uses.

A fact belongs to a campaign when its source campaign name is one of the campaign's aliases,
compared case-insensitively, and the alias names no platform or the fact's platform. Platforms are
compared case-insensitively too: facts carry the registry's lower-case keys ('meta',
'google_ads'), and an alias whose platform was typed 'Meta' means the same platform. A fact that
two aliases of one campaign match (say 'promo' on any platform and 'PROMO' on meta) counts once.

A fact covers a period (``date`` its first day, ``date_to`` its last; a daily fact has both equal).
It counts for a window only when its whole period lies inside the window: a fortnight's total
that starts before a cycle or ends after it cannot be split between days without inventing
them, so it is left out, never pro-rated, and counted (``straddle_sql``) for the pages to say so.

lower() on every fact row defeats DuckDB's min/max pruning and costs a pass over the strings, so
the rule is never run over all facts: the spellings of the campaign names that occur in the facts
are looked up first (a DISTINCT over one dictionary-compressed column), then the facts are read by
exact name and the whole rule is checked on those rows only (bench/compare_bench.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from experiments.import_models import OVERLAPPING_REPORTS
from experiments.store._base import BaseStore


def alias_matches(facts: str) -> str:
    """Return the rule as SQL: alias ``a`` matches the fact (or fact key) aliased ``facts``."""
    return (
        f"lower(a.name) = lower({facts}.source_campaign) "
        f"AND (a.platform IS NULL OR lower(a.platform) = lower({facts}.platform))"
    )


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _preferred_day(g: str) -> tuple[str, list[object]]:
    # A fact of a report of the same whole as fact ``g``, preferred to it, has g's days.
    terms: list[str] = []
    values: list[object] = []
    for family in OVERLAPPING_REPORTS:
        rank = " ".join(f"WHEN ? THEN {i}" for i in range(len(family)))
        terms.append(
            f"(o.platform IN ({_marks(family)}) AND {g}.platform IN ({_marks(family)}) AND "
            f"CASE o.platform {rank} END < CASE {g}.platform {rank} END)"
        )
        values += [*family, *family, *family, *family]
    return (
        f"EXISTS (SELECT 1 FROM metric_fact o WHERE o.date = {g}.date AND o.date_to = "
        f"{g}.date_to AND ({' OR '.join(terms)}))"
    ), values


def _later_reports(store: BaseStore) -> list[str]:
    # The reports of a whole that are not its first choice, if any import brought one: without
    # them nothing overlaps, and the facts are read as they are (no join over all of them).
    later = [key for family in OVERLAPPING_REPORTS for key in family[1:]]
    if not later:
        return []
    found = store._one(f"SELECT 1 FROM import WHERE platform IN ({_marks(later)}) LIMIT 1", later)
    return later if found is not None else []


def overlap_source(store: BaseStore) -> tuple[str, list[object]]:
    """Return the facts as a FROM item where each day of a whole is read once, and its values:
    of reports of the same whole (import_models.OVERLAPPING_REPORTS) a fact is left out when a
    report earlier in its family has a fact with the same first and last day. Platform keys are
    bound, never inlined, and compared exactly (facts carry the registry's lower-case keys)."""
    later = _later_reports(store)
    if not later:
        return "metric_fact", []
    preferred, values = _preferred_day("g")
    return (
        f"(SELECT * FROM metric_fact WHERE platform NOT IN ({_marks(later)}) UNION ALL "
        f"SELECT g.* FROM metric_fact g WHERE g.platform IN ({_marks(later)}) "
        f"AND NOT {preferred})"
    ), [*later, *later, *values]


def overlapped_sql(store: BaseStore) -> tuple[str, list[object]]:
    """Return the condition that fact ``f`` is left out by overlap_source, and its values."""
    later = _later_reports(store)
    if not later:
        return "FALSE", []
    preferred, values = _preferred_day("f")
    return f"f.platform IN ({_marks(later)}) AND {preferred}", [*later, *values]


def window_sql(start: date | None, end: date | None, prefix: str = "") -> tuple[str, list[object]]:
    """Return the condition that a fact's period lies wholly inside the window (TRUE without
    bounds; both ends inclusive) and its values."""
    where: list[str] = ["TRUE"]
    values: list[object] = []
    if start is not None:
        where.append(f"{prefix}date >= ?")
        values.append(start)
    if end is not None:
        where.append(f"{prefix}date_to <= ?")
        values.append(end)
    return " AND ".join(where), values


def straddle_sql(
    start: date | None, end: date | None, prefix: str = ""
) -> tuple[str, list[object]]:
    """Return the condition that a fact's period overlaps the window without lying inside it
    (it crosses an edge: left out, and reported), and its values. FALSE without bounds."""
    if start is None and end is None:
        return "FALSE", []
    overlap, edges, values = ["TRUE"], [], list[object]()
    if end is not None:
        overlap.append(f"{prefix}date <= ?")
        values.append(end)
    if start is not None:
        overlap.append(f"{prefix}date_to >= ?")
        values.append(start)
    if start is not None:
        edges.append(f"{prefix}date < ?")
        values.append(start)
    if end is not None:
        edges.append(f"{prefix}date_to > ?")
        values.append(end)
    return f"{' AND '.join(overlap)} AND ({' OR '.join(edges)})", values


def inside_sql(facts: str, start: str, end: str) -> str:
    """Return the rule as SQL between columns: fact ``facts`` lies inside the window whose first
    and last day are the expressions ``start`` and ``end`` (NULL: open)."""
    return (
        f"({start} IS NULL OR {facts}.date >= {start}) "
        f"AND ({end} IS NULL OR {facts}.date_to <= {end})"
    )


def converted_sql(facts: str, into: str | None) -> tuple[str, list[object]]:
    """Return a query of the facts (every column) with their money converted into ``into`` at
    the admin's rate for the currency and the month of the fact's first day, and its values
    (after those of ``facts``). Facts in ``into``, or without a currency (the account's, which
    ``into`` is), keep their amounts. Without ``into`` the facts are as stored."""
    if into is None:
        return facts, []
    rate = "coalesce(x.rate, 1)"
    return (
        f"SELECT f.* REPLACE (f.spend * {rate} AS spend, f.revenue * {rate} AS revenue) "
        f"FROM ({facts}) f LEFT JOIN fx_rate x ON x.currency = f.currency "
        "AND x.into_currency = ? AND x.month = CAST(date_trunc('month', f.date) AS DATE)",
        [into],
    )


def campaign_keys_sql(facts: str) -> str:
    """Return a query of (campaign_id, source_campaign, platform): every fact key of a campaign.

    ``facts`` names a relation with the columns source_campaign and platform (a CTE of facts
    already grouped by key, as a DISTINCT over two columns of metric_fact is slow). Joined to the
    facts on source_campaign and platform, it gives each campaign's facts once.
    """
    return (
        "SELECT DISTINCT a.campaign_id, k.source_campaign, k.platform "
        f"FROM (SELECT DISTINCT source_campaign, platform FROM {facts}) k "
        f"JOIN campaign_alias a ON {alias_matches('k')}"
    )


def spellings(
    store: BaseStore,
    campaign_id: uuid.UUID,
    start: date | None,
    end: date | None,
    straddling: bool = False,
) -> list[str]:
    """Return how the facts in a window spell the names of a campaign's aliases (any platform)."""
    where, values = (straddle_sql if straddling else window_sql)(start, end)
    rows = store._all(
        "SELECT name FROM (SELECT DISTINCT source_campaign AS name FROM metric_fact "
        f"WHERE {where}) WHERE lower(name) IN "
        "(SELECT lower(name) FROM campaign_alias WHERE campaign_id = ?) ORDER BY name",
        [*values, campaign_id],
    )
    return [r[0] for r in rows]


def campaign_facts(
    store: BaseStore,
    campaign_id: uuid.UUID,
    start: date | None,
    end: date | None,
    straddling: bool = False,
) -> tuple[str, list[object]]:
    """Return a query of a campaign's facts (every metric_fact column) in a window, with values;
    with ``straddling``, the facts that cross the window's edges instead.

    One exact-name scan per spelling: DuckDB skips the row groups whose min/max exclude the name,
    several times faster than one scan with an IN list or lower() on every row. Spellings are
    distinct, so no fact is read twice; the full rule then checks each row's platform.
    """
    names = spellings(store, campaign_id, start, end, straddling)
    if not names:
        return "SELECT * FROM metric_fact WHERE false", []
    where, window = (straddle_sql if straddling else window_sql)(start, end, "f.")
    scan = (
        f"SELECT f.* FROM metric_fact f WHERE f.source_campaign = ? AND {where} AND EXISTS "
        f"(SELECT 1 FROM campaign_alias a WHERE a.campaign_id = ? AND {alias_matches('f')})"
    )
    values: list[object] = []
    for name in names:
        values += [name, *window, campaign_id]
    return " UNION ALL ".join([scan] * len(names)), values
