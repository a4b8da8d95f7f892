"""Read queries over metric facts for goals and the management view (period, scope, daily)."""

from __future__ import annotations

from experiments.store._base import BaseStore


class AnalyticsStore(BaseStore):
    pass
