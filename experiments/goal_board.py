"""The goals page's view model: every goal's progress, worst first, and the goal to show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from experiments import goals
from experiments.goals import Progress, Status
from experiments.store import Store

# Worst first: what needs a decision tops the list; a goal without data is unknown, so it comes
# before the goals that are fine.
STATUS_ORDER: tuple[Status, ...] = (
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.NO_DATA,
    Status.TOO_EARLY,
    Status.ON_TRACK,
    Status.ACHIEVED,
)


def worst_first(progress: Sequence[Progress]) -> list[Progress]:
    """Return progress ordered by status, worst first, then by goal name."""
    return sorted(progress, key=lambda p: (STATUS_ORDER.index(p.status), p.goal.name.lower()))


@dataclass(frozen=True, slots=True)
class GoalBoard:
    """Every goal's progress (worst first), keyed by goal id as the page's picker shows them."""

    progress: tuple[Progress, ...]

    def by_id(self) -> dict[str, Progress]:
        """Return the progress of each goal by its id as text, in board order."""
        return {str(p.goal.id): p for p in self.progress}

    def scope_campaign_id(self, goal_id: str) -> str | None:
        """Return the id (as text) of the campaign a goal is scoped to, or None."""
        p = self.by_id().get(goal_id)
        return str(p.campaign.id) if p is not None and p.campaign is not None else None


def board(store: Store, today: date) -> GoalBoard:
    """Return the goals page's view model on ``today``."""
    return GoalBoard(tuple(worst_first(goals.progress(store, today))))


def from_progress(progress: Sequence[Progress]) -> GoalBoard:
    """Return the goals page's view model for progress already computed (e.g. kept per process)."""
    return GoalBoard(tuple(worst_first(progress)))
