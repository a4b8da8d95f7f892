"""Read queries over the metric facts that belong to a cycle (its campaign's aliases, its window)."""

from __future__ import annotations

from experiments.store._base import BaseStore


class CycleFactStore(BaseStore):
    pass
