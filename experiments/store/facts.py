"""Imports and the metric facts they bring."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import pandas as pd

from experiments.errors import Conflict, InvalidInput, NotFound
from experiments.metrics import BASE_METRICS
from experiments.models import ImportRecord
from experiments.store._base import Area, BaseStore, parse_uuid

_IMPORT_COLS = (
    "id, file_name, sha256, platform, actor, imported_at, rows, new_rows, replaced_rows, "
    "unchanged_rows, skipped_rows, date_min, date_max, status"
)
FACT_KEYS = ("platform", "source_campaign", "variant", "date")


def _import(row: tuple[Any, ...]) -> ImportRecord:
    return ImportRecord(*row)


def fact_columns(frame: pd.DataFrame) -> list[str]:
    """Return the metric columns of a fact frame, refusing any name that is no canonical metric."""
    unknown = [c for c in frame.columns if c not in FACT_KEYS and c not in BASE_METRICS
               and c != "extra"]  # fmt: skip
    if unknown:
        raise InvalidInput(f"not canonical metrics: {', '.join(map(str, unknown))}")
    missing = [k for k in FACT_KEYS if k not in frame.columns]
    if missing:
        raise InvalidInput(f"facts lack the key columns: {', '.join(missing)}")
    return [c for c in BASE_METRICS if c in frame.columns]


class FactStore(BaseStore):
    def imports(self) -> list[ImportRecord]:
        """Return every import, newest first."""
        rows = self._all(f"SELECT {_IMPORT_COLS} FROM import ORDER BY imported_at DESC")
        return [_import(r) for r in rows]

    def import_record(self, import_id: uuid.UUID | str) -> ImportRecord:
        """Return one import by id."""
        iid = parse_uuid(import_id, "import")
        row = self._one(f"SELECT {_IMPORT_COLS} FROM import WHERE id = ?", [iid])
        if row is None:
            raise NotFound(f"no import with id {iid}")
        return _import(row)

    def import_by_sha(self, sha256: str) -> ImportRecord | None:
        """Return the import of these exact bytes, if they were imported before."""
        row = self._one(f"SELECT {_IMPORT_COLS} FROM import WHERE sha256 = ?", [sha256])
        return _import(row) if row else None

    def insert_facts(self, record: ImportRecord, facts: pd.DataFrame) -> ImportRecord:
        """Store an import and its facts as they are (no replacement); return the record.

        Used for generated data (the demo); file imports go through the importer, which
        also replaces the facts an overlapping earlier export covered.
        """
        metrics = fact_columns(facts)
        with self.write(Area.IMPORT):
            if self.import_by_sha(record.sha256) is not None:
                raise Conflict(f"these bytes were imported before ({record.file_name})")
            self._insert_record(record)
            self._insert_frame(record.id, facts, metrics)
            self.audit("import", record.id, "create", after=record)
        return self.import_record(record.id)

    def _insert_record(self, record: ImportRecord) -> None:
        self.cur.execute(
            f"INSERT INTO import ({_IMPORT_COLS}) VALUES ({', '.join('?' * 14)})",
            [
                record.id, record.file_name, record.sha256, record.platform, record.actor,
                record.imported_at, record.rows, record.new_rows, record.replaced_rows,
                record.unchanged_rows, record.skipped_rows, record.date_min, record.date_max,
                record.status,
            ],
        )  # fmt: skip

    def _insert_frame(
        self, import_id: uuid.UUID, facts: pd.DataFrame, metrics: Sequence[str]
    ) -> None:
        # Column names come from BASE_METRICS (checked in fact_columns), never from the file.
        cols = ", ".join(("platform", "source_campaign", "variant", "date", *metrics))
        select = ", ".join(
            ("platform", "source_campaign", "coalesce(variant, '')", "CAST(date AS DATE)",
             *(f"CAST({m} AS DOUBLE)" for m in metrics))
        )  # fmt: skip
        self.cur.register("incoming_facts", facts)
        try:
            self.cur.execute(
                f"INSERT INTO metric_fact (import_id, {cols}) "
                f"SELECT ?, {select} FROM incoming_facts",
                [import_id],
            )
        finally:
            self.cur.unregister("incoming_facts")

    def fact_count(self) -> int:
        """Return how many metric facts are stored."""
        row = self._one("SELECT count(*) FROM metric_fact")
        return int(row[0]) if row else 0
