"""Small factories that build domain objects through the real store."""

from __future__ import annotations

from datetime import date
from typing import Any

from experiments.db import Database
from experiments.models import Campaign, Cycle, Learning, Phase, Role, new_id
from experiments.store import Store
from experiments.store.sessions import Session, SignIn
from tests.sql import row_counts

__all__ = ["make_campaign", "make_cycle", "make_learning", "row_counts", "session_of", "signed_in"]


def session_of(db: Database, username: str, role: Role) -> Session:
    """Return the session of a team member with ``role``, made the one way there is: the local
    admin adds the user, and the sign-in path turns them into a session."""
    if username not in {u.username for u in Store(db).users()}:
        Store(db).add_user(username, username.title(), role)
    return SignIn(db).member(username)


def signed_in(db: Database, username: str, role: Role) -> Store:
    """Return a store acting as a team member with ``role`` (see ``session_of``)."""
    return Store(db, session_of(db, username, role))


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
