"""Imports and the metric facts they bring: the atomic import and replacement (reading import
records and undoing an import are in _import_records).

An import is one transaction: the file's rows go straight from DuckDB's CSV reader into
metric_fact (the statement built here, in file_sql, from the importers' typed plan), are checked
there, and an overlapping earlier export of the same platform gives up the values the new file
covers (kept in metric_fact_replaced, so undo can put them back).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import TYPE_CHECKING

from experiments.db import DriverError, corruption, driver_detail
from experiments.errors import (
    Conflict,
    FileUnreadable,
    InvalidInput,
)
from experiments.import_models import (
    FactWrite,
    FileImport,
    ImportRecord,
)
from experiments.metrics import BASE_METRICS, METRICS
from experiments.models import new_id
from experiments.store._base import Area, now
from experiments.store._fact_keys import FACT_KEY
from experiments.store._facts_scope import alias_matches
from experiments.store._import_records import (
    DONE,
    FACT_COLS,
    FACT_NAMES,
    IMPORT_COLS,
    ImportRecords,
    same_key,
)
from experiments.store.file_sql import result_rows_sql, select_sql, typed_read
from experiments.store.reader_types import ReaderTypes

if TYPE_CHECKING:
    import pandas as pd

FACT_KEYS = ("platform", "source_campaign", "variant", "date")


def fact_columns(frame: pd.DataFrame) -> list[str]:
    """Return the metric columns of a fact frame, refusing any name that is no canonical metric."""
    known = (*FACT_KEYS, "date_to", "segment", "breakdown", *BASE_METRICS, "extra", "currency")
    unknown = [c for c in frame.columns if c not in known]
    if unknown:
        raise InvalidInput(f"not canonical metrics: {', '.join(map(str, unknown))}")
    missing = [k for k in FACT_KEYS if k not in frame.columns]
    if missing:
        raise InvalidInput(f"facts lack the key columns: {', '.join(missing)}")
    return [c for c in BASE_METRICS if c in frame.columns]


# Facts have no order, so an import may let DuckDB append a file's rows as its threads read them:
# about a tenth of a million-row import. The setting is global to a DuckDB instance, so only a
# process that runs one import at a time and nothing beside it turns this on (the command line,
# __main__.py); a server's sessions share the instance and keep the order. A preview of the
# first rows keeps it too.
_unordered = False


def append_unordered(on: bool = True) -> None:
    """Let this process's imports append a file's rows in any order (see above)."""
    global _unordered
    _unordered = on


def _unlinked_sql(facts: str) -> str:
    # The same rule as every fact query (store/_facts_scope), so a name is "unlinked" here
    # exactly when no campaign would count its facts.
    return (
        f"{facts}.source_campaign <> '' AND NOT EXISTS "
        f"(SELECT 1 FROM campaign_alias a WHERE {alias_matches(facts)})"
    )


class _DryRun(Exception):
    def __init__(self, result: FactWrite) -> None:
        super().__init__()
        self.result = result


class FactStore(ImportRecords):
    def insert_facts(self, record: ImportRecord, facts: pd.DataFrame) -> ImportRecord:
        """Store an import and its facts as they are (no replacement); return the record.

        Used for generated data (the demo); file imports go through ``import_file``, which
        also replaces the facts an overlapping earlier export covered.
        """
        metrics = fact_columns(facts)
        with self.write(Area.IMPORT):
            self._claim()
            if self.import_by_sha(record.sha256) is not None:
                raise Conflict(f"these bytes were imported before ({record.file_name})")
            self._insert_record(record)
            self._insert_frame(record.id, facts, metrics)
            self._audit("import", record.id, "create", after=record)
        return self.import_record(record.id)

    def _insert_record(self, record: ImportRecord) -> None:
        self._exec(
            f"INSERT INTO import ({IMPORT_COLS}) VALUES ({', '.join('?' * 14)})",
            # ImportRecord lists its fields in the order of IMPORT_COLS.
            [getattr(record, f.name) for f in fields(record)],
        )

    def _insert_frame(
        self, import_id: uuid.UUID, facts: pd.DataFrame, metrics: Sequence[str]
    ) -> None:
        # Column names come from BASE_METRICS (checked in fact_columns), never from the file.
        code = "currency" if "currency" in facts.columns else "NULL"
        cols = ", ".join(
            ("platform", "source_campaign", "variant", "segment", "breakdown", "date", "date_to",
             "currency", *metrics)
        )  # fmt: skip
        # A frame without date_to holds daily facts: each covers its own day.
        last = "date_to" if "date_to" in facts.columns else "date"
        segment = "coalesce(segment, '')" if "segment" in facts.columns else "''"
        breakdown = "coalesce(breakdown, '')" if "breakdown" in facts.columns else "''"
        select = ", ".join(
            (
                "platform",
                "source_campaign",
                "coalesce(variant, '')",
                segment,
                breakdown,
                "CAST(date AS DATE)",
                f"CAST(coalesce({last}, date) AS DATE)",
                f"CAST({code} AS VARCHAR)",
                *(f"CAST({m} AS DOUBLE)" for m in metrics),
            )
        )
        self._cur.register("incoming_facts", facts)
        try:
            self._exec(
                f"INSERT INTO metric_fact (import_id, {cols}) "
                f"SELECT ?, {select} FROM incoming_facts",
                [import_id],
            )
        finally:
            self._cur.unregister("incoming_facts")

    def fact_count(self) -> int:
        """Return how many metric facts are stored."""
        row = self._one("SELECT count(*) FROM metric_fact")
        return int(row[0]) if row else 0

    # ------------------------------------------------------------------ file imports

    def import_file(
        self, p: FileImport, *, dry_run: bool = False, preview_rows: int = 0
    ) -> FactWrite:
        """Import an export file by its plan in one transaction and return what it wrote; a dry
        run does the same work and rolls it back. A file the reader refuses raises
        FileUnreadable, two rows with one key DuplicateKey; either way nothing is written."""
        types = typed_read(p)
        if types is not None:
            try:
                return self._import_file(p, dry_run, preview_rows, types)
            except FileUnreadable:
                pass  # the reader refused a typed cell: the text read decides and names it
        return self._import_file(p, dry_run, preview_rows, None)

    def _import_file(
        self, p: FileImport, dry_run: bool, preview_rows: int, types: ReaderTypes | None
    ) -> FactWrite:
        # The setting is no part of the transaction: given back after it, refused or not.
        ordered = not _unordered or preview_rows > 0
        if not ordered:
            self._run("SET preserve_insertion_order = false")
        try:
            with self.write(Area.IMPORT):
                # Also for the facts: two imports at once could each keep their own copy of a key.
                self._claim()
                earlier = self.import_by_sha(p.sha256)
                if earlier is not None:
                    return FactWrite(None, duplicate_of=earlier)
                result = self._write_file(p, preview_rows, types)
                if dry_run:
                    raise _DryRun(result)
        except _DryRun as run:
            return run.result
        finally:
            if not ordered:
                self._run("RESET preserve_insertion_order")
        return result

    def _write_file(self, p: FileImport, preview_rows: int, types: ReaderTypes | None) -> FactWrite:
        iid = new_id()
        select, params = select_sql(p, strict=True, types=types)
        metrics = p.metric_names
        cols = ", ".join(
            ("import_id", "platform", "source_campaign", "variant", "segment", "breakdown",
             "date", "date_to", *metrics, "extra", "currency", "result_type")
        )  # fmt: skip
        try:
            self._exec(
                f"INSERT INTO metric_fact ({cols}) SELECT ?, ?, * FROM ({select})",
                [iid, p.platform, *params],
            )
        except DriverError as e:
            if damaged := corruption(e, self._db.target):
                raise damaged from e  # the database's own file failed, not the export
            # The reader refused a cell or the file's structure; the importers find the line.
            raise FileUnreadable(p.file_name, driver_detail(e)) from e
        stats = self._stats(iid, metrics)
        # A metric only results could fill, and none did, is not one of the file's metrics.
        own = {m for m, _ in p.metrics}
        stats = replace(
            stats, totals={m: v for m, v in stats.totals.items() if v is not None or m in own}
        )
        self._refuse_mixed_breakdowns(iid, p, stats)
        counts = self._replace_overlap(iid, p.platform, metrics, stats)
        record = ImportRecord(
            iid, p.file_name, p.sha256, p.platform, self.actor.username, now(), stats.rows,
            *counts, p.skipped_rows, stats.date_min, stats.date_max, DONE,
        )  # fmt: skip
        self._insert_record(record)
        self._audit("import", iid, "create", after=record)
        first = None
        if preview_rows:
            shown = ", ".join((*FACT_KEY, *metrics))
            first = self._frame(
                f"SELECT {shown} FROM metric_fact WHERE import_id = ? LIMIT ?", [iid, preview_rows]
            )
        unlinked, results = self._names(iid, p)
        return FactWrite(
            iid, stats.rows, *counts, stats.date_min, stats.date_max, stats.totals,
            stats.without_campaign, unlinked, first, period_rows=stats.period_rows,
            results=results, currencies=stats.currencies,
        )  # fmt: skip

    def _names(
        self, iid: uuid.UUID, p: FileImport, limit: int = 500
    ) -> tuple[tuple[str, ...], tuple[tuple[str, str | None, int], ...]]:
        """Return the import's source campaigns no alias links yet (as ``_unlinked``) and its
        rows with a Results value per campaign and indicator, from one scan of its facts."""
        found = result_rows_sql(p, iid)
        if found is None:
            return self._unlinked(iid, limit), ()
        sql, params = found
        rows = self._all(
            f"SELECT g.source_campaign, g.result_type, g.results, {_unlinked_sql('g')} "
            f"FROM ({sql}) g ORDER BY g.source_campaign, g.result_type",
            params,
        )
        unlinked = sorted({str(c) for c, _, _, free in rows if free})[:limit]
        results = tuple((str(c), i, int(n)) for c, i, n, _ in rows if n)
        return tuple(unlinked), results

    def _stats(self, iid: uuid.UUID, metrics: Sequence[str]) -> FactWrite:
        aggs = [METRICS[m].file_total_sql() for m in metrics]
        # One scan for everything; distinct key hashes (cheaper than grouping the keys) tell
        # whether a key repeats.
        row = self._one(
            "SELECT count(*), min(date), max(date_to), "
            "count(*) FILTER (WHERE source_campaign = ''),"
            f" count(DISTINCT hash({', '.join(FACT_KEY)})), count(*) FILTER (WHERE date_to > date),"
            " list(DISTINCT currency ORDER BY currency) FILTER (WHERE currency IS NOT NULL)"
            f"{''.join(', ' + a for a in aggs)} "
            "FROM metric_fact WHERE import_id = ?",
            [iid],
        )
        assert row is not None
        if row[4] < row[0]:
            self._refuse_repeated_keys(iid)
        totals = {
            m: (None if v is None else float(v)) for m, v in zip(metrics, row[7:], strict=True)
        }
        return FactWrite(
            iid,
            row[0],
            date_min=row[1],
            date_max=row[2],
            totals=totals,
            without_campaign=row[3],
            period_rows=row[5],
            currencies=tuple(row[6] or ()),
        )

    def _replace_overlap(
        self, iid: uuid.UUID, platform: str, metrics: Sequence[str], stats: FactWrite
    ) -> tuple[int, int, int]:
        """Return (new, replaced, unchanged) rows; earlier facts this file covers give way."""
        # Earlier facts whose period touches the file's range; only the same key gives way.
        scope = "platform = ? AND import_id <> ? AND date <= ? AND date_to >= ?"
        args = [platform, iid, stats.date_max, stats.date_min]
        if self._one(f"SELECT 1 FROM metric_fact WHERE {scope} LIMIT 1", args) is None:
            return stats.rows, 0, 0
        covered = " OR ".join(f"o.{m} IS NOT NULL" for m in metrics)
        # A value in another currency is a change, whatever its number.
        same = " AND ".join(
            [f"round(n.{m}, 6) IS NOT DISTINCT FROM round(o.{m}, 6)" for m in metrics]
            + ["n.currency IS NOT DISTINCT FROM o.currency"]
        )
        sums = ", ".join([f"sum({m}) AS {m}" for m in metrics] + ["max(currency) AS currency"])
        hits = " + ".join(f"count({m})" for m in metrics)
        row = self._one(
            f"WITH o AS (SELECT {', '.join(FACT_KEY)}, {sums}, {hits} AS k FROM metric_fact "
            f"WHERE {scope} GROUP BY ALL), n AS (SELECT * FROM metric_fact WHERE import_id = ?) "
            "SELECT count(*) FILTER (WHERE coalesce(o.k, 0) = 0), "
            f"count(*) FILTER (WHERE o.k > 0 AND NOT ({same})), "
            f"count(*) FILTER (WHERE o.k > 0 AND {same}) "
            f"FROM n LEFT JOIN o ON {same_key('n', 'o')}",
            [*args, iid],
        )
        assert row is not None
        self._exec(
            f"INSERT INTO metric_fact_replaced (replaced_by, {FACT_COLS}) "
            f"SELECT ?, {', '.join('o.' + c for c in FACT_NAMES)} FROM metric_fact o "
            "WHERE o.platform = ? AND o.import_id <> ? AND o.date <= ? AND o.date_to >= ? "
            f"AND ({covered}) AND EXISTS (SELECT 1 FROM metric_fact n WHERE "
            f"n.import_id = ? AND {same_key('n', 'o')})",
            [iid, *args, iid],
        )
        nulls = ", ".join(f"{m} = NULL" for m in metrics)
        self._exec(
            f"UPDATE metric_fact SET {nulls} WHERE {scope} AND EXISTS (SELECT 1 FROM "
            f"metric_fact n WHERE n.import_id = ? AND {same_key('n', 'metric_fact')})",
            [*args, iid],
        )
        self._drop_emptied(iid)
        return int(row[0]), int(row[1]), int(row[2])

    def _drop_emptied(self, replaced_by: uuid.UUID) -> None:
        # A fact row whose every metric went to a later import is no fact any more.
        empty = " AND ".join(f"f.{m} IS NULL" for m in BASE_METRICS)
        self._exec(
            f"DELETE FROM metric_fact f WHERE {empty} AND EXISTS (SELECT 1 FROM "
            "metric_fact_replaced r WHERE r.replaced_by = ? AND r.import_id = f.import_id "
            f"AND r.platform = f.platform AND {same_key('r', 'f')})",
            [replaced_by],
        )

    def _unlinked(self, iid: uuid.UUID, limit: int = 500) -> tuple[str, ...]:
        rows = self._all(
            "SELECT DISTINCT f.source_campaign FROM metric_fact f WHERE f.import_id = ? "
            f"AND {_unlinked_sql('f')} ORDER BY 1 LIMIT ?",
            [iid, limit],
        )
        return tuple(r[0] for r in rows)

    def unlinked_sources(self, import_id: uuid.UUID | str) -> tuple[str, ...]:
        """Return the source campaigns of an import that no campaign alias links yet."""
        record = self.import_record(import_id)
        return self._unlinked(record.id)
