"""Small factories that build domain objects through the real store."""

from __future__ import annotations

from datetime import date
from typing import Any

from experiments.models import Campaign, Cycle, Learning, Phase, new_id
from experiments.store import Store


def row_counts(store: Store) -> dict[str, int]:
    """Return the row count of every table (not the schema record): proof that a refused or
    rolled-back write changed nothing."""
    tables = store.cur.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name <> 'schema_version' ORDER BY 1"
    ).fetchall()
    return {
        t: store.cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
        for (t,) in tables
    }


def make_campaign(store: Store, name: str = "Spring Sale", **brief: Any) -> Campaign:
    return store.create_campaign(name, **brief)


def make_cycle(
    store: Store,
    campaign: Campaign,
    number: int = 1,
    phase: Phase = Phase.START,
    start: date | None = date(2026, 3, 1),
    end: date | None = date(2026, 3, 28),
    **fields: Any,
) -> Cycle:
    return store.add_cycle(
        Cycle(new_id(), campaign.id, number, phase, start=start, end=end, **fields)
    )


def make_learning(
    store: Store, cycle: Cycle, statement: str = "Short copy wins", **fields: Any
) -> Learning:
    return store.add_learning(Learning(new_id(), cycle.id, statement, **fields))
