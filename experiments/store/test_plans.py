"""What each cycle declared it tests (its test plan): read and saved on the cycle's row."""

from __future__ import annotations

import uuid

from experiments.errors import ChangedMeanwhile, NotFound
from experiments.models import TestPlan
from experiments.store._base import Area, BaseStore, parse_uuid

_PLAN_COLS = "id, primary_metric, primary_direction, min_effect, guardrails, randomized"


class TestPlanStore(BaseStore):
    __test__ = False  # not a test class, whatever its name says

    def test_plan(self, cycle_id: uuid.UUID | str) -> TestPlan:
        """Return what a cycle declared it tests (an empty plan where nothing was declared)."""
        cid = parse_uuid(cycle_id, "cycle")
        row = self._one(f"SELECT {_PLAN_COLS} FROM cycle WHERE id = ?", [cid])
        if row is None:
            raise NotFound(f"no cycle with id {cid}")
        return TestPlan(row[0], row[1], row[2], row[3], tuple(row[4] or ()), bool(row[5]))

    def save_test_plan(self, plan: TestPlan, seen: TestPlan | None = None) -> TestPlan:
        """Save a cycle's test plan as given (experiments/test_plans.py checks it first). With
        ``seen`` (the plan as the person saw it) a plan changed since is refused, not lost."""
        with self.write(Area.LOOP):
            before = self.test_plan(plan.cycle_id)
            if seen is not None and before != seen:
                row = self._one(
                    "SELECT c.name, y.number FROM cycle y JOIN campaign c "
                    "ON c.id = y.campaign_id WHERE y.id = ?",
                    [plan.cycle_id],
                )
                name, number = row if row else ("?", 0)
                raise ChangedMeanwhile("cycle", campaign=name, number=number)
            self._exec(
                "UPDATE cycle SET primary_metric = ?, primary_direction = ?, min_effect = ?, "
                "guardrails = ?, randomized = ? WHERE id = ?",
                [plan.primary, plan.direction, plan.min_effect, list(plan.guardrails),
                 plan.randomized, plan.cycle_id],
            )  # fmt: skip
            stored = self.test_plan(plan.cycle_id)
            self._audit("cycle", plan.cycle_id, "test_plan", before=before, after=stored)
        return stored
