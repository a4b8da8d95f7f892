"""The store: the one door to the data. Only this package speaks SQL.

Methods return models (frozen dataclasses of models.py), or DataFrames where a caller needs a
frame (daily series, tables), never cursors or tuples. Every write checks the actor's role, runs
in one transaction under the process-wide write lock, and is audited. A driver error never
leaves the store: it comes out as a named domain error (errors.py), raised from the original.
A store hands out no cursor and acts as the local admin or as the person of a Session, which
only the sign-in path's SignIn makes (sessions.py).
The store imports nothing from the importers; they hand it typed values (models.FileImport).
"""

from __future__ import annotations

from experiments.store._base import WRITERS, Area, to_json
from experiments.store.analytics import AnalyticsStore
from experiments.store.backups import BackupStore
from experiments.store.campaigns import CampaignStore
from experiments.store.cycle_facts import CycleFactStore
from experiments.store.duties import DutyStore
from experiments.store.exports import ExportStore
from experiments.store.facts import FactStore
from experiments.store.goals import GoalStore
from experiments.store.library import LibraryFilter, LibraryStore
from experiments.store.loop import LoopStore
from experiments.store.mappings import MappingStore
from experiments.store.money import MoneyStore
from experiments.store.test_plans import TestPlanStore
from experiments.store.users import UserStore


class Store(
    DutyStore,
    CampaignStore,
    LoopStore,
    GoalStore,
    FactStore,
    MappingStore,
    AnalyticsStore,
    ExportStore,
    CycleFactStore,
    LibraryStore,
    TestPlanStore,
    UserStore,
    BackupStore,
    MoneyStore,
):
    """Every store operation of the app, over one cursor and acting as one actor."""

    def is_empty(self) -> bool:
        """Return True when the workspace has no campaigns, goals or imports yet."""
        row = self._one(
            "SELECT (SELECT count(*) FROM campaign) + (SELECT count(*) FROM goal) "
            "+ (SELECT count(*) FROM import)"
        )
        return not row or row[0] == 0

    def data_version(self) -> str:
        """Return a marker that changes with every write: the audit's size and newest entry.

        Every write transaction records an audit entry with the change, so what is computed from
        the data can be kept under this marker and is computed anew after any write.
        """
        row = self._one("SELECT count(*), max(happened_at) FROM audit")
        return f"{row[0]}:{row[1]}" if row else "0:"


__all__ = ["WRITERS", "Area", "LibraryFilter", "Store", "to_json"]
