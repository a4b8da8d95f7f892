"""The store's shared machinery: the cursor, the write transaction, role checks and the audit."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self

from experiments.db import Connection, Database, DriverError, translate
from experiments.errors import InvalidInput, NotFound, PermissionDenied
from experiments.lake import is_ducklake
from experiments.models import LOCAL_ACTOR, Actor, AuditEntry, Role, new_id
from experiments.sql_params import execute
from experiments.store.sessions import Session

if TYPE_CHECKING:
    import pandas as pd


class Area(StrEnum):
    """What a write touches; each area names the roles allowed to write it."""

    CAMPAIGN = "campaign"
    ALIAS = "alias"
    LOOP = "loop"
    GOAL = "goal"
    IMPORT = "import"
    USER = "user"
    # Backups hold every table (users and audit included), and a restore fills a whole database.
    BACKUP = "backup"
    # Remarks on the loop: whoever works on it may comment; viewers (management) write nothing.
    COMMENT = "comment"
    # Conversion rates between currencies: what every converted amount rests on.
    FX = "fx"


WRITERS: dict[Area, frozenset[Role]] = {
    Area.CAMPAIGN: frozenset({Role.MARKETER, Role.ADMIN}),
    # Analysts link the campaign names they find in exports to the tracker's campaigns.
    Area.ALIAS: frozenset({Role.ANALYST, Role.MARKETER, Role.ADMIN}),
    Area.LOOP: frozenset({Role.MARKETER, Role.ADMIN}),
    Area.GOAL: frozenset({Role.MARKETER, Role.ANALYST, Role.ADMIN}),
    Area.IMPORT: frozenset({Role.ANALYST, Role.ADMIN}),
    Area.USER: frozenset({Role.ADMIN}),
    Area.BACKUP: frozenset({Role.ADMIN}),
    Area.COMMENT: frozenset({Role.MARKETER, Role.ANALYST, Role.ADMIN}),
    Area.FX: frozenset({Role.ADMIN}),
}


def now() -> datetime:
    """Return the current time, naive UTC, as every timestamp in the database is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_json(value: Any) -> str:
    """Return a value (a model, a dict, a list) as stable JSON text for the audit and snapshots."""

    def default(o: Any) -> Any:
        if is_dataclass(o) and not isinstance(o, type):
            return asdict(o)
        if isinstance(o, (datetime, date)):
            return o.isoformat()
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, (set, frozenset, tuple)):
            return list(o)
        raise TypeError(f"cannot serialise {type(o).__name__}")

    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    return json.dumps(value, default=default, sort_keys=True, ensure_ascii=False)


def require_text(value: str | None, what: str) -> str:
    """Return the stripped text, or refuse an empty one naming the field."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{what} must not be empty")
    return text


def check_window(start: date | None, end: date | None) -> None:
    """Refuse a date window that ends before it starts."""
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            f"the window ends ({end.isoformat()}) before it starts ({start.isoformat()}); "
            "swap the dates or correct the end"
        )


def parse_uuid(value: str | uuid.UUID, what: str) -> uuid.UUID:
    """Return value as a UUID, or refuse it naming what it should have identified."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise NotFound(f"no {what} with id '{value}'") from None


class BaseStore:
    """Holds the cursor of one unit of work; every SQL statement of the app runs through here.

    Nothing of it leads round its checks: the database and the cursor are private, statements
    that change data run only inside ``write`` (which checks the role), the audit is written only
    there, and who the store acts as is fixed when it is made: the local admin, or the person a
    ``Session`` of the sign-in path names.
    """

    def __init__(self, db: Database, session: Session | None = None) -> None:
        self._db = db
        self._cur: Connection = db.cursor()
        self._session = session
        self._actor = LOCAL_ACTOR if session is None else session.actor

    @property
    def actor(self) -> Actor:
        """Return who this store acts as (whose role every write checks)."""
        return self._actor

    def fresh(self) -> Self:
        """Return a store over a new cursor acting as the same person (for work done later,
        such as a download built when it is clicked)."""
        return type(self)(self._db, self._session)

    def _may(self, area: Area) -> bool:
        """Return True when the actor's role may write ``area`` (for a read that only the
        writers of an area may do, such as a backup)."""
        return self._actor.role in WRITERS[area]

    @contextmanager
    def write(self, area: Area) -> Iterator[None]:
        """Check the actor may write ``area`` and run the block as one transaction."""
        if not self._may(area):
            raise PermissionDenied(
                f"{self._actor.username} ({self._actor.role}) may not change {area} data; "
                f"ask an admin for one of the roles: {', '.join(sorted(WRITERS[area]))}"
            )
        if self._in_write:
            yield
            return
        try:
            with self._db.transaction(self._cur):
                self._in_write = True
                try:
                    yield
                finally:
                    self._in_write = False
        except DriverError as e:
            # Rolled back already; above the store a refused write is a domain error.
            raise translate(e, self._db.target) from e

    _in_write = False

    def _inside_write(self) -> None:
        # The one door for changes: a statement that writes outside ``write`` would skip the
        # role check and the transaction, so it is refused however it was reached.
        if not self._in_write:
            raise PermissionDenied(
                f"{self._actor.username} ({self._actor.role}) may change data only through the "
                "store's write methods, which check the role and record the change"
            )

    def _exec(self, sql: str, params: Sequence[object] = ()) -> Connection:
        """Run one statement that changes data; only inside ``write``."""
        self._inside_write()
        return execute(self._cur, sql, params)

    def _claim(self) -> None:
        """Make this write one that no other process may do at the same time: call it before a
        check that a name (a campaign's, a user's, an import's bytes …) is still free.

        A DuckDB file has unique indexes, and one process writes it. A DuckLake catalog has no
        unique indexes and is written by several processes, each on its own snapshot: two could
        both find a name free and both take it. So each such write also changes the one row of
        ``write_claim``; DuckLake lets only the first of two transactions that changed it
        commit, and the other is refused as changed meanwhile, with nothing written.
        """
        if is_ducklake(self._db.target):
            self._exec("UPDATE write_claim SET n = n + 1")

    def _changed(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run an UPDATE (only inside ``write``) and return how many rows it changed."""
        # The count, not RETURNING: DuckLake tables do not support RETURNING on updates.
        row = self._exec(sql, params).fetchone()
        return int(row[0]) if row else 0

    def _audit(
        self,
        entity: str,
        entity_id: object,
        action: str,
        before: Any = None,
        after: Any = None,
        by: str | None = None,
    ) -> None:
        """Record who changed what; only inside ``write``, so it commits with the change.
        ``by`` names an author other than the actor (the configuration, for the first admin)."""
        self._exec(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                new_id(),
                now(),
                self._actor.username if by is None else by,
                entity,
                str(entity_id),
                action,
                None if before is None else to_json(before),
                None if after is None else to_json(after),
            ],
        )

    def _run(self, sql: str, params: Sequence[object] = ()) -> Connection:
        """Run one statement; a driver error comes out as a domain error."""
        try:
            return execute(self._cur, sql, params)
        except DriverError as e:
            raise translate(e, self._db.target) from e

    def _one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        try:
            return execute(self._cur, sql, params).fetchone()
        except DriverError as e:
            raise translate(e, self._db.target) from e

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return execute(self._cur, sql, params).fetchall()
        except DriverError as e:
            raise translate(e, self._db.target) from e

    def _frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        try:
            frame: pd.DataFrame = execute(self._cur, sql, params).df()
        except DriverError as e:
            raise translate(e, self._db.target) from e
        return frame

    def audit_log(
        self, entity: str | None = None, limit: int = 200, since: datetime | None = None
    ) -> list[AuditEntry]:
        """Return the newest audit entries (optionally of one entity kind, from a moment on),
        newest first."""
        conditions = ["entity = ?"] * (entity is not None) + ["happened_at >= ?"] * (
            since is not None
        )
        params = [v for v in (entity, since) if v is not None]
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._all(
            "SELECT id, happened_at, actor, entity, entity_id, action, before_json, after_json "
            f"FROM audit {where} ORDER BY happened_at DESC, id LIMIT ?",
            [*params, limit],
        )
        return [AuditEntry(*r) for r in rows]

    def audit_of_cycle(self, cycle_id: uuid.UUID, limit: int = 500) -> list[AuditEntry]:
        """Return the audit entries of one cycle and of what was recorded in it (learnings,
        feedback, optimizations, comments), newest first."""
        rows = self._all(
            "SELECT id, happened_at, actor, entity, entity_id, action, before_json, after_json "
            "FROM audit WHERE entity_id = ? OR (entity IN ('learning', 'feedback', "
            "'optimization', 'comment') AND (json_extract_string(after_json, '$.cycle_id') = ? "
            "OR json_extract_string(before_json, '$.cycle_id') = ?)) "
            "ORDER BY happened_at DESC, id LIMIT ?",
            [str(cycle_id), str(cycle_id), str(cycle_id), limit],
        )
        return [AuditEntry(*r) for r in rows]

    def audit_entities(self) -> list[str]:
        """Return the kinds of entity the audit has entries for, by name."""
        return [str(r[0]) for r in self._all("SELECT DISTINCT entity FROM audit ORDER BY 1")]
