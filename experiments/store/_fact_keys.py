"""The key checks of an import: a file's rows repeat no key, and no campaign's days are kept
once with and once without a breakdown."""

from __future__ import annotations

import uuid

from experiments.errors import DuplicateKey, ImportRefused
from experiments.import_models import FactWrite, FileImport
from experiments.store._base import BaseStore
from experiments.store.file_sql import SEGMENT_JOIN

# A fact's key in metric_fact besides its platform. A fact's period is part of it: a row for
# 1–14 Nov and one for 1–30 Nov are two facts, and a later export replaces only the facts of
# exactly its own periods (``date`` is the first day). So is its segment (a breakdown's values,
# or the ids of an ad-level row): a breakdown's rows are facts side by side, and all of them add
# up to the campaign's day.
FACT_KEY = ("source_campaign", "variant", "segment", "date", "date_to")


class FactKeyChecks(BaseStore):
    def _refuse_repeated_keys(self, iid: uuid.UUID) -> None:
        # Runs only when the hashes of the keys collide or repeat, to name the repeated key.
        row = self._one(
            f"SELECT {', '.join(FACT_KEY)} FROM metric_fact WHERE import_id = ? "
            "GROUP BY ALL HAVING count(*) > 1 "
            "ORDER BY ALL LIMIT 1",
            [iid],
        )
        if row is not None:
            raise DuplicateKey(*row)

    def _refuse_mixed_breakdowns(self, iid: uuid.UUID, p: FileImport, stats: FactWrite) -> None:
        # A campaign's days imported once without a breakdown and once by age (or once with ad
        # ids and once without) would be counted twice in every sum: no key of one matches the
        # other, so no replacement takes place. The second file is refused, naming the first.
        # Every row of a file has the file's breakdown; the join runs only when another one
        # lies in the file's days.
        breakdown = SEGMENT_JOIN.join(n for n, _ in p.segments)
        other = self._one(
            "SELECT 1 FROM metric_fact WHERE platform = ? AND import_id <> ? AND date <= ? "
            "AND date_to >= ? AND breakdown <> ? LIMIT 1",
            [p.platform, iid, stats.date_max, stats.date_min, breakdown],
        )
        if other is None:
            return
        row = self._one(
            "SELECT n.source_campaign, n.variant, n.date, n.date_to, o.breakdown, n.breakdown, "
            "i.file_name FROM metric_fact n JOIN metric_fact o ON o.platform = n.platform "
            "AND o.import_id <> n.import_id AND o.source_campaign = n.source_campaign "
            "AND o.variant = n.variant AND o.date <= n.date_to AND o.date_to >= n.date "
            "AND o.breakdown <> n.breakdown JOIN import i ON i.id = o.import_id "
            "WHERE n.import_id = ? ORDER BY n.date, n.source_campaign, n.variant LIMIT 1",
            [iid],
        )
        if row is not None:
            campaign, variant, start, end, before, now_, other = row
            raise ImportRefused(
                "mixed_breakdown", p.file_name, campaign=campaign, variant=variant,
                start=start, end=end, other=other, before=before or "—", now=now_ or "—",
            )  # fmt: skip
