"""Operational goals."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from experiments.errors import InvalidInput, NotFound
from experiments.models import Comparator, Goal, ScopeKind
from experiments.store._base import Area, BaseStore, check_window, now, parse_uuid, require_text

_GOAL_COLS = (
    "id, name, metric, comparator, target, baseline, period_start, period_end, scope_kind, "
    "scope_value, owner, objective, created_at"
)


def _goal(row: tuple[Any, ...]) -> Goal:
    return Goal(
        id=row[0], name=row[1], metric=row[2], comparator=Comparator(row[3]), target=row[4],
        baseline=row[5], period_start=row[6], period_end=row[7], scope_kind=ScopeKind(row[8]),
        scope_value=row[9], owner=row[10], objective=row[11], created_at=row[12],
    )  # fmt: skip


def _normalise(goal: Goal) -> Goal:
    from experiments.metrics import metric_keys

    name = require_text(goal.name, "the goal name")
    if goal.metric not in metric_keys():
        raise InvalidInput(
            f"'{goal.metric}' is not a metric this tool knows; use one of: "
            f"{', '.join(metric_keys())}"
        )
    check_window(goal.period_start, goal.period_end)
    scope_value = (goal.scope_value or "").strip() or None
    if goal.scope_kind is not ScopeKind.ALL and scope_value is None:
        raise InvalidInput(f"a goal scoped to one {goal.scope_kind.value} must name it")
    if goal.scope_kind is ScopeKind.ALL:
        scope_value = None
    return replace(
        goal, name=name, scope_value=scope_value, owner=goal.owner.strip(),
        objective=goal.objective.strip(),
    )  # fmt: skip


class GoalStore(BaseStore):
    def goals(self) -> list[Goal]:
        """Return every goal, ordered by name."""
        rows = self._all(f"SELECT {_GOAL_COLS} FROM goal ORDER BY lower(name)")
        return [_goal(r) for r in rows]

    def goal(self, goal_id: uuid.UUID | str) -> Goal:
        """Return one goal by id."""
        gid = parse_uuid(goal_id, "goal")
        row = self._one(f"SELECT {_GOAL_COLS} FROM goal WHERE id = ?", [gid])
        if row is None:
            raise NotFound(f"no goal with id {gid}")
        return _goal(row)

    def add_goal(self, goal: Goal) -> Goal:
        """Create a goal; return it as stored."""
        g = _normalise(goal)
        stamp = now()
        with self.write(Area.GOAL):
            self.cur.execute(
                f"INSERT INTO goal ({_GOAL_COLS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [g.id, g.name, g.metric, g.comparator.value, g.target, g.baseline,
                 g.period_start, g.period_end, g.scope_kind.value, g.scope_value, g.owner,
                 g.objective, stamp, stamp],
            )  # fmt: skip
            stored = self.goal(g.id)
            self.audit("goal", g.id, "create", after=stored)
        return stored

    def update_goal(self, goal: Goal) -> Goal:
        """Save an edited goal; return it as stored."""
        g = _normalise(goal)
        with self.write(Area.GOAL):
            before = self.goal(g.id)
            self.cur.execute(
                "UPDATE goal SET name = ?, metric = ?, comparator = ?, target = ?, baseline = ?, "
                "period_start = ?, period_end = ?, scope_kind = ?, scope_value = ?, owner = ?, "
                "objective = ?, updated_at = ? WHERE id = ?",
                [g.name, g.metric, g.comparator.value, g.target, g.baseline, g.period_start,
                 g.period_end, g.scope_kind.value, g.scope_value, g.owner, g.objective, now(),
                 g.id],
            )  # fmt: skip
            stored = self.goal(g.id)
            self.audit("goal", g.id, "update", before=before, after=stored)
        return stored
