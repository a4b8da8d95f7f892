"""The report's first page: goals by status, the top risks, and what feedback changed.

Plain values for ``experiments.reports`` to render; nothing here writes HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from experiments.goals import Progress, Status
from experiments.i18n import t
from experiments.models import Campaign, Cycle, FeedbackSource, FeedbackStatus, Phase
from experiments.overview import by_attention, explain, status_counts
from experiments.store import Store

# A one-page summary: the worst few risks and the latest changes, the rest in the sections.
TOP_RISKS = 4
FEEDBACK_CHANGES = 4
RISKY = (Status.OFF_TRACK, Status.AT_RISK)


@dataclass(frozen=True, slots=True)
class Risk:
    """A goal that will likely miss its target, or criticism left open after its cycle closed."""

    title: str
    detail: str
    status: Status | None  # None: open criticism, not a goal


@dataclass(frozen=True, slots=True)
class FeedbackChange:
    """A piece of feedback and the optimization that answered it."""

    campaign: str
    cycle: int
    source: FeedbackSource
    feedback: str
    change: str
    status: FeedbackStatus


@dataclass(frozen=True, slots=True)
class Summary:
    """What a manager reads first: status counts, goals worst first, risks, feedback answered."""

    counts: dict[Status, int]
    goals: list[Progress]
    risks: list[Risk]
    more_risks: int
    changes: list[FeedbackChange]
    more_changes: int


def summarize(
    store: Store, progress: list[Progress], campaigns: list[Campaign],
    cycles: dict[Any, list[Cycle]], lang: str,
) -> Summary:  # fmt: skip
    """Return the summary of the goals and of the given campaigns' cycles (by campaign id)."""
    ordered = by_attention(progress)
    risks = [Risk(p.goal.name, explain(p, lang), p.status) for p in ordered if p.status in RISKY]
    risks += _overdue_criticism(store, campaigns, lang)
    changes = _feedback_changes(store, campaigns, cycles)
    return Summary(
        counts=status_counts(progress), goals=ordered,
        risks=risks[:TOP_RISKS], more_risks=max(len(risks) - TOP_RISKS, 0),
        changes=changes[:FEEDBACK_CHANGES], more_changes=max(len(changes) - FEEDBACK_CHANGES, 0),
    )  # fmt: skip


def _overdue_criticism(store: Store, campaigns: list[Campaign], lang: str) -> list[Risk]:
    names = {c.id: c.name for c in campaigns}
    return [
        Risk(
            f"{names[c.campaign_id]} · {t('overview.cycle_n', lang, n=c.cycle_number)}",
            c.feedback.text,
            None,
        )
        for c in store.open_criticism()
        if c.campaign_id in names and c.phase is Phase.CLOSED
    ]


def _feedback_changes(
    store: Store, campaigns: list[Campaign], cycles: dict[Any, list[Cycle]]
) -> list[FeedbackChange]:
    """Return feedback that an optimization answered, the latest cycles first."""
    found: list[tuple[date, FeedbackChange]] = []
    for campaign in campaigns:
        own = cycles.get(campaign.id, [])
        changes = {o.id: o for c in own for o in store.optimizations(c.id)}
        for cycle in own:
            for fb in store.feedback(cycle.id):
                opt = changes.get(fb.optimization_id) if fb.optimization_id else None
                if opt is None:
                    continue
                change = FeedbackChange(campaign.name, cycle.number, fb.source, fb.text,
                                        opt.what, fb.status)  # fmt: skip
                found.append((cycle.start or date.min, change))
    found.sort(key=lambda item: (item[0], item[1].campaign), reverse=True)
    return [change for _, change in found]
