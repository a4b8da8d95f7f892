"""Operational goals."""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from typing import Any

from experiments.errors import ChangedMeanwhile, Conflict, InvalidInput, NotFound
from experiments.metrics import derived, metric_keys
from experiments.models import Comparator, Goal, ScopeKind
from experiments.store._base import Area, BaseStore, check_window, now, parse_uuid, require_text
from experiments.store._campaign_key import campaign_id_by_key, link_goal

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


def _check_value(value: float | None, what: str, metric: str) -> None:
    """Refuse a target or baseline no metric can have: not a number, negative, a rate over 100 %."""
    if value is None:
        return
    if not math.isfinite(value):
        raise InvalidInput(f"the {what} must be a number (got {value})")
    if value < 0:
        raise InvalidInput(f"the {what} must not be negative (got {value:g}); metrics count up")
    definition = derived(metric)
    if definition is not None and definition.is_rate and value > 1:
        raise InvalidInput(
            f"the {what} {value:g} for {metric} is above 100 %: a rate is a share between 0 "
            "and 1; enter 0.025 for 2.5 %"
        )


def _normalise(goal: Goal) -> Goal:
    name = require_text(goal.name, "the goal name")
    if goal.metric not in metric_keys():
        raise InvalidInput(
            f"'{goal.metric}' is not a metric this tool knows; use one of: "
            f"{', '.join(metric_keys())}"
        )
    check_window(goal.period_start, goal.period_end)
    _check_value(goal.target, "target", goal.metric)
    _check_value(goal.baseline, "baseline", goal.metric)
    scope_value = (goal.scope_value or "").strip() or None
    if goal.scope_kind is not ScopeKind.ALL and scope_value is None:
        raise InvalidInput(f"a goal scoped to one {goal.scope_kind.value} must name it")
    if goal.scope_kind is ScopeKind.ALL:
        scope_value = None
    elif goal.scope_kind is ScopeKind.CHANNEL and scope_value is not None:
        scope_value = scope_value.lower()  # platform keys are lower-case ('meta', 'google_ads')
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

    def goal_by_name(self, name: str) -> Goal:
        """Return the goal with this name (case-insensitive), or say which names exist."""
        row = self._one(
            f"SELECT {_GOAL_COLS} FROM goal WHERE lower(name) = lower(?)", [name.strip()]
        )
        if row is None:
            known = [r[0] for r in self._all("SELECT name FROM goal ORDER BY name LIMIT 10")]
            hint = f"known goals: {', '.join(known)}" if known else "there are no goals yet"
            raise NotFound(f"no goal named '{name}' ({hint})")
        return _goal(row)

    def _scope_campaign(self, g: Goal) -> Goal:
        # A campaign named in the scope is kept by id, so renaming the campaign keeps the goal;
        # a name no campaign has yet is kept as text (the demo and briefs may create goals first)
        # until that campaign is created (campaigns.add_campaign adopts it then).
        if g.scope_kind is not ScopeKind.CAMPAIGN or g.scope_value is None:
            return g
        cid = campaign_id_by_key(self, g.scope_value)
        return replace(g, scope_value=str(cid)) if cid else g

    def _link_to_brief(self, g: Goal) -> None:
        # A goal scoped to a campaign is one of that campaign's goals: its brief lists it.
        if g.scope_kind is ScopeKind.CAMPAIGN:
            cid = campaign_id_by_key(self, g.scope_value)
            if cid is not None:
                link_goal(self, cid, g.id)

    def _check_goal_name_free(self, name: str, except_id: uuid.UUID | None = None) -> None:
        self._claim()
        row = self._one(
            "SELECT 1 FROM goal WHERE lower(name) = lower(?) AND id IS DISTINCT FROM ?",
            [name, except_id],
        )
        if row is not None:
            raise Conflict(f"a goal named '{name}' already exists; choose another name")

    def add_goal(self, goal: Goal) -> Goal:
        """Create a goal; return it as stored."""
        g = _normalise(goal)
        stamp = now()
        with self.write(Area.GOAL):
            self._check_goal_name_free(g.name)
            g = self._scope_campaign(g)
            self._exec(
                f"INSERT INTO goal ({_GOAL_COLS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [g.id, g.name, g.metric, g.comparator.value, g.target, g.baseline,
                 g.period_start, g.period_end, g.scope_kind.value, g.scope_value, g.owner,
                 g.objective, stamp, stamp],
            )  # fmt: skip
            self._link_to_brief(g)
            stored = self.goal(g.id)
            self._audit("goal", g.id, "create", after=stored)
        return stored

    def update_goal(self, goal: Goal, seen: Goal | None = None) -> Goal:
        """Save an edited goal; return it as stored. With ``seen`` (the goal as the editor
        loaded it) a change someone made since is refused, not lost."""
        g = _normalise(goal)
        with self.write(Area.GOAL):
            before = self.goal(g.id)
            if seen is not None and before != seen:
                raise ChangedMeanwhile("goal", name=seen.name)
            self._check_goal_name_free(g.name, except_id=g.id)
            g = self._scope_campaign(g)
            self._exec(
                "UPDATE goal SET name = ?, metric = ?, comparator = ?, target = ?, baseline = ?, "
                "period_start = ?, period_end = ?, scope_kind = ?, scope_value = ?, owner = ?, "
                "objective = ?, updated_at = ? WHERE id = ?",
                [g.name, g.metric, g.comparator.value, g.target, g.baseline, g.period_start,
                 g.period_end, g.scope_kind.value, g.scope_value, g.owner, g.objective, now(),
                 g.id],
            )  # fmt: skip
            self._link_to_brief(g)
            stored = self.goal(g.id)
            self._audit("goal", g.id, "update", before=before, after=stored)
        return stored
