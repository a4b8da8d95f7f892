"""The overview keeps goal progress per process, and shows the new state after any write."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from experiments import goals
from experiments.db import default_target
from experiments.models import Comparator, Goal, new_id
from experiments.store import Store
from tests.apptest import app, assert_clean
from tests.test_goals import add_facts
from views.common import reader

ACTUAL = "Actual · target ≥ 1,000"


def test_progress_is_computed_once_per_data_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[date] = []
    real = goals.progress

    def counted(store: Store, today: date) -> Any:
        calls.append(today)
        return real(store, today)

    monkeypatch.setattr(goals, "progress", counted)
    today = date.today()
    first = today - timedelta(days=20)
    at = app()  # the empty state; the page's process now holds the database
    shared: Store = reader(default_target())
    shared.create_campaign("Autumn")
    shared.add_goal(Goal(new_id(), "Clicks", "clicks", Comparator.AT_LEAST, 1000.0, None,
                         first, today + timedelta(days=10)))  # fmt: skip
    at.run()
    assert_clean(at)
    assert {m.label: m.value for m in at.metric}[ACTUAL] == "–"
    at.run()  # nothing written meanwhile: the kept progress serves
    assert len(calls) == 1
    # Facts arrive from elsewhere (another session's import): the next run computes anew.
    add_facts(shared, [{"date": first + timedelta(days=i), "clicks": 10} for i in range(5)],
              source="Autumn")  # fmt: skip
    at.run()
    assert_clean(at)
    assert len(calls) == 2
    assert {m.label: m.value for m in at.metric}[ACTUAL] == "50"
