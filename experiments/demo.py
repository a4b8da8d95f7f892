"""The demo workspace (placeholder until the generator lands)."""

from __future__ import annotations

from typing import Any

from experiments.errors import Conflict
from experiments.store import Store


def load_demo(store: Store) -> dict[str, Any]:
    """Load the demo workspace into an empty database; return what was loaded."""
    if not store.is_empty():
        raise Conflict(
            "the database is not empty; load the demo into a new database (--db NEW.duckdb)"
        )
    store.create_campaign("Spring Sale")
    return {"campaigns": 1, "cycles": 0, "learnings": 0, "goals": 0, "facts": 0}
