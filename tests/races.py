"""Helpers for races: many writers released at once, one writer held at the door of its write.

Events and barriers decide who goes when; nothing waits on the clock but a limit only a hang
would reach.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from experiments.db import Database
from experiments.errors import TrackerError
from experiments.store import Area, Store

THREADS = 16
# Only a hang would come near this: the tests wait on events and barriers, never on the clock.
WAIT = 120.0

Write = Callable[[], object]


def hammer(db: Database, prepare: Sequence[Callable[[Store], Write]]) -> list[object]:
    """Run each writer in a thread of its own on a store of its own: it reads what its page
    would show (``prepare``), waits until every thread has read, then writes. Return each
    result or the domain error it answered with."""
    stores = [Store(db) for _ in prepare]
    barrier = threading.Barrier(len(prepare), timeout=WAIT)
    results: list[object] = [None] * len(prepare)

    def run(i: int) -> None:
        try:
            write = prepare[i](stores[i])
            barrier.wait()
            results[i] = write()
        except BaseException as e:  # kept, and checked below: a driver error is a failure
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(prepare))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads)
    assert [r for r in results if isinstance(r, BaseException)
            and not isinstance(r, TrackerError)] == []  # fmt: skip
    return results


def moves(store: Store, action: str = "phase") -> list[tuple[str, str]]:
    """Return the phase moves the audit records, oldest first, as (before, after)."""
    entries = [e for e in reversed(store.audit_log("cycle")) if e.action == action]
    return [
        (json.loads(e.before or "{}")["phase"], json.loads(e.after or "{}")["phase"])
        for e in entries
    ]


def won(results: list[object]) -> list[object]:
    return [r for r in results if not isinstance(r, TrackerError)]


def lost(results: list[object]) -> list[TrackerError]:
    return [r for r in results if isinstance(r, TrackerError)]


@dataclass
class Held:
    """A store whose first write waits at the door until the test lets it in."""

    store: Store
    reached: threading.Event
    go: threading.Event


@contextmanager
def held(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    store = Store(db)
    hold = Held(store, threading.Event(), threading.Event())
    real = store.write

    @contextmanager
    def write(area: Area) -> Iterator[None]:
        if not hold.reached.is_set():
            hold.reached.set()
            assert hold.go.wait(WAIT)
        with real(area):
            yield

    monkeypatch.setattr(store, "write", write)
    yield hold


def race(hold: Held, action: Callable[[Store], object], meanwhile: Callable[[], object]) -> object:
    """Run ``action`` on the held store until it reaches its write, run ``meanwhile`` (another
    person's change), then let the action write; return its result or its domain error."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action(hold.store))
        except BaseException as e:
            outcome.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    assert hold.reached.wait(WAIT)
    try:
        meanwhile()
    finally:
        hold.go.set()
        thread.join(WAIT)
    assert not thread.is_alive()
    return outcome[0]


def hold_inside(store: Store, method: str, monkeypatch: pytest.MonkeyPatch) -> Held:
    """Hold ``store`` inside its write transaction, just before it calls ``method``."""
    hold = Held(store, threading.Event(), threading.Event())
    real = getattr(store, method)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        hold.reached.set()
        assert hold.go.wait(WAIT)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, method, waiting)
    return hold
