"""Import records: reading them, and undoing an import (its facts removed, the values it
replaced given back where no later import covers them)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from experiments.errors import ChangedMeanwhile, Conflict, NotFound
from experiments.import_models import ImportRecord, ImportStatus
from experiments.metrics import BASE_METRICS
from experiments.store._base import Area, parse_uuid
from experiments.store._fact_keys import FACT_KEY, FactKeyChecks

IMPORT_COLS = (
    "id, file_name, sha256, platform, actor, imported_at, rows, new_rows, replaced_rows, "
    "unchanged_rows, skipped_rows, date_min, date_max, status"
)
# A fact row's columns, as metric_fact and metric_fact_replaced (after its replaced_by) hold them.
FACT_NAMES = (
    "import_id", "platform", *FACT_KEY, "breakdown", *BASE_METRICS,
    "extra", "currency", "result_type",
)  # fmt: skip
FACT_COLS = ", ".join(FACT_NAMES)
DONE, UNDONE = ImportStatus.IMPORTED, ImportStatus.UNDONE


def same_key(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{k} = {b}.{k}" for k in FACT_KEY)


def _import(row: tuple[Any, ...]) -> ImportRecord:
    record = ImportRecord(*row)
    return replace(record, status=ImportStatus(record.status))


class ImportRecords(FactKeyChecks):
    def imports(self) -> list[ImportRecord]:
        """Return every import (undone ones included), newest first."""
        rows = self._all(f"SELECT {IMPORT_COLS} FROM import ORDER BY imported_at DESC")
        return [_import(r) for r in rows]

    def import_record(self, import_id: uuid.UUID | str) -> ImportRecord:
        """Return one import by id."""
        iid = parse_uuid(import_id, "import")
        row = self._one(f"SELECT {IMPORT_COLS} FROM import WHERE id = ?", [iid])
        if row is None:
            raise NotFound(f"no import with id {iid}")
        return _import(row)

    def import_by_sha(self, sha256: str) -> ImportRecord | None:
        """Return the import of these exact bytes whose facts are in place, if there is one."""
        row = self._one(
            f"SELECT {IMPORT_COLS} FROM import WHERE sha256 = ? AND status = ? "
            "ORDER BY imported_at DESC LIMIT 1",
            [sha256, DONE],
        )
        return _import(row) if row else None

    def undo_import(
        self, import_id: uuid.UUID | str, seen: ImportStatus | None = None
    ) -> ImportRecord:
        """Remove an import's facts, give back what it replaced, mark it undone; return it.
        ``seen`` is the status the caller saw: an import undone since is a change made
        meanwhile, not a second undo."""
        with self.write(Area.IMPORT):
            before = self.import_record(import_id)
            if before.status != DONE and seen is not DONE:
                raise Conflict(f"import {before.id} ({before.file_name}) was already undone")
            iid = before.id
            # The status first, and only from 'imported': one undo wins, a second writes nothing.
            taken = self._changed(
                "UPDATE import SET status = ? WHERE id = ? AND status = ?",
                [UNDONE, iid, DONE],
            )
            if not taken:
                raise ChangedMeanwhile("import", file=before.file_name)
            self._exec("DELETE FROM metric_fact WHERE import_id = ?", [iid])
            self._exec("DELETE FROM metric_fact_replaced WHERE import_id = ?", [iid])
            self._hand_over(iid)
            self._restore(iid)
            self._exec("DELETE FROM metric_fact_replaced WHERE replaced_by = ?", [iid])
            after = self.import_record(iid)
            self._audit("import", iid, "undo", before=before, after=after)
        return after

    def _hand_over(self, replaced_by: uuid.UUID) -> None:
        # Values the undone import had replaced and another import in place covers now stay
        # replaced, by that import: undoing it later gives them back.
        both = " OR ".join(f"(r.{m} IS NOT NULL AND f.{m} IS NOT NULL)" for m in BASE_METRICS)
        self._exec(
            f"INSERT INTO metric_fact_replaced (replaced_by, {FACT_COLS}) SELECT f.import_id, "
            f"{', '.join('r.' + c for c in FACT_NAMES)} FROM metric_fact_replaced r "
            f"JOIN metric_fact f ON f.platform = r.platform AND {same_key('f', 'r')} "
            f"AND f.import_id <> r.import_id WHERE r.replaced_by = ? AND ({both})",
            [replaced_by],
        )

    def _restore(self, replaced_by: uuid.UUID) -> None:
        # A value comes back only where no fact in place holds that metric for the key (a
        # later import may have covered it since).
        held = ", ".join(f"count({m}) AS {m}" for m in BASE_METRICS)
        back = ", ".join(
            f"CASE WHEN coalesce(h.{m}, 0) = 0 THEN r.{m} END AS {m}" for m in BASE_METRICS
        )
        self._exec(
            f"CREATE OR REPLACE TEMP TABLE fact_restore AS WITH h AS (SELECT platform, "
            f"{', '.join(FACT_KEY)}, {held} FROM metric_fact GROUP BY ALL) "
            f"SELECT r.import_id, r.platform, {', '.join('r.' + k for k in FACT_KEY)}, "
            "r.breakdown, "
            f"{back}, r.extra, r.currency, r.result_type "
            f"FROM metric_fact_replaced r LEFT JOIN h ON h.platform = r.platform AND "
            f"{same_key('h', 'r')} WHERE r.replaced_by = ?",
            [replaced_by],
        )
        same = f"f.import_id = x.import_id AND f.platform = x.platform AND {same_key('f', 'x')}"
        fill = ", ".join(f"{m} = coalesce(f.{m}, x.{m})" for m in BASE_METRICS)
        self._exec(f"UPDATE metric_fact f SET {fill} FROM fact_restore x WHERE {same}")
        self._exec(
            f"INSERT INTO metric_fact ({FACT_COLS}) SELECT * FROM fact_restore x "
            f"WHERE NOT EXISTS (SELECT 1 FROM metric_fact f WHERE {same})"
        )
        self._exec("DROP TABLE fact_restore")
