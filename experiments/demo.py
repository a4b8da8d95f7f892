"""The demo workspace: a garden retailer's three campaigns, their loop history and daily metrics.

The stories live in demo_data.py; this module writes them through the store and generates the
metric facts. Dates follow ``today``; every number comes from a fixed seed, so the same day always
gives the same workspace.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from experiments.demo_data import (
    CAMPAIGNS,
    WEEKLY,
    CampaignSpec,
    CycleSpec,
    GoalSpec,
    LearningSpec,
    Stream,
)
from experiments.errors import Conflict
from experiments.import_models import ImportRecord, ImportStatus
from experiments.models import (
    PHASE_ORDER,
    Campaign,
    Cycle,
    Decision,
    Goal,
    Learning,
    Optimization,
    OptimizationStatus,
    Phase,
    ScopeKind,
    TestPlan,
    new_id,
)
from experiments.store import Area, Store
from experiments.store._base import now

SEED = 2026
SUMMARY_KEYS = (
    "campaigns", "cycles", "learnings", "goals", "facts", "feedback", "optimizations", "imports"
)  # fmt: skip
# Decisions that send a learning into the next cycle (DESIGN.md: carry_forward and retest).
CARRIED = (Decision.CARRY_FORWARD, Decision.RETEST)
Window = tuple[date, date]
# Goals are set for a longer period than one turn of the loop: they run on into the next
# cycle, so a newcomer sees them in progress (pace, forecast) rather than already graded.
GOAL_RUNWAY = timedelta(days=28)


def load_demo(store: Store, today: date | None = None) -> dict[str, Any]:
    """Load the demo workspace into an empty database; return how many of each thing it holds."""
    day = today or date.today()
    summary = dict.fromkeys(SUMMARY_KEYS, 0)
    facts: dict[str, list[pd.DataFrame]] = {}
    # One transaction around everything: a failure halfway leaves the database as it was.
    with store.write(Area.CAMPAIGN):
        if not store.is_empty():
            raise Conflict(
                "the database is not empty; load the demo into a new database (--db NEW.duckdb)"
            )
        for index, spec in enumerate(CAMPAIGNS):
            windows = cycle_windows(spec, day)
            _load_campaign(store, spec, windows, day, summary)
            for frame in campaign_facts(spec, windows, day, index):
                facts.setdefault(str(frame["platform"].iat[0]), []).append(frame)
        for platform, frames in facts.items():
            summary["facts"] += _import(store, platform, pd.concat(frames, ignore_index=True), day)
            summary["imports"] += 1
    return summary


# -- dates -----------------------------------------------------------------------------------


def cycle_windows(spec: CampaignSpec, today: date) -> list[Window]:
    """Return each cycle's (start, end), back to back, the latest ending relative to today."""
    end = today + timedelta(days=spec.latest_end)
    windows: list[Window] = []
    for cycle in reversed(spec.cycles):
        start = end - timedelta(days=cycle.days - 1)
        windows.append((start, end))
        end = start - timedelta(days=1)
    return windows[::-1]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def phase_stamps(window: Window, phase: Phase, opened: datetime) -> dict[str, datetime]:
    """Return when a cycle entered each phase it has reached, keyed by phase value."""
    start, end = window
    # Feedback and optimization overlap the last days of the window, so that the next cycle
    # can go live the day after this one ends; the next start closes this cycle.
    at = {
        Phase.START: opened,
        Phase.CAMPAIGN: _at(start, 8, 30),
        Phase.FEEDBACK: _at(end - timedelta(days=3), 16),
        Phase.OPTIMIZATION: _at(end - timedelta(days=1), 10, 30),
        Phase.CLOSED: _at(end, 17),
    }
    reached = PHASE_ORDER[: PHASE_ORDER.index(phase) + 1]
    return {p.value: at[p] for p in reached}


@dataclass(frozen=True, slots=True)
class _Clock:
    """When things happened inside one cycle; never later than yesterday."""

    start: date
    last: date
    stamps: dict[str, datetime]

    def feedback(self, i: int, count: int) -> datetime:
        span = max((self.last - self.start).days, 0)
        day = self.start + timedelta(days=round((i + 1) * span / (count + 1)))
        return _at(day, 9 + (2 * i) % 8, 15)

    def learning(self, j: int) -> datetime:
        base = self.stamps.get(Phase.FEEDBACK.value) or _at(self.last, 13)
        return base + timedelta(hours=j + 1)

    def decision(self, j: int) -> datetime:
        base = self.stamps.get(Phase.OPTIMIZATION.value) or self.learning(j) + timedelta(hours=2)
        return base + timedelta(minutes=10 * (j + 1))

    def optimization(self, k: int) -> datetime:
        base = self.stamps.get(Phase.OPTIMIZATION.value) or _at(self.last, 17)
        return base + timedelta(hours=1, minutes=20 * k)


# -- the loop ------------------------------------------------------------------------------


def _goal(spec: CampaignSpec, goal: GoalSpec, windows: Sequence[Window]) -> Goal:
    return Goal(
        new_id(), goal.name, goal.metric, goal.comparator, goal.target, baseline=goal.baseline,
        period_start=windows[0][0], period_end=windows[-1][1] + GOAL_RUNWAY,
        scope_kind=ScopeKind.CAMPAIGN,
        scope_value=spec.name, owner=goal.owner, objective=goal.objective,
    )  # fmt: skip


def _campaign(spec: CampaignSpec, goal_ids: Sequence[uuid.UUID]) -> Campaign:
    return Campaign(
        new_id(), spec.name, channels=spec.channels, audience=spec.audience,
        goal_ids=tuple(goal_ids), relationship_focus=spec.focus, budget=spec.budget,
        people_hours=spec.people_hours, competitive_context=spec.competition,
        success_measure=spec.success, stakeholders=spec.stakeholders, aliases=spec.aliases,
    )  # fmt: skip


def _load_campaign(
    store: Store, spec: CampaignSpec, windows: list[Window], today: date, summary: dict[str, int]
) -> None:
    goal_ids = {g.key: store.add_goal(_goal(spec, g, windows)).id for g in spec.goals}
    campaign = store.add_campaign(_campaign(spec, list(goal_ids.values())))
    ids = [new_id() for _ in spec.cycles]
    phases = [Phase.CLOSED] * (len(ids) - 1) + [spec.latest_phase]
    opened = _at(windows[0][0] - timedelta(days=6), 9)
    for n, (story, window) in enumerate(zip(spec.cycles, windows, strict=True)):
        stamps = phase_stamps(window, phases[n], opened)
        cycle = store.add_cycle(
            Cycle(
                ids[n], campaign.id, n + 1, phases[n], start=window[0], end=window[1],
                hypothesis=story.hypothesis, planned_changes=story.planned,
                budget=cycle_budget(spec, n, window), previous_id=ids[n - 1] if n else None,
                went_live=story.went_live, channels=story.channels, phase_changed_at=stamps,
            )
        )  # fmt: skip
        if spec.test_plan is not None or spec.randomized:
            primary, direction, mde, rails = spec.test_plan or (None, None, None, ())
            store.save_test_plan(TestPlan(cycle.id, primary, direction, mde, rails,
                                          spec.randomized))  # fmt: skip
        following = (ids[n + 1], phases[n + 1]) if n + 1 < len(ids) else None
        clock = _Clock(window[0], min(window[1], today - timedelta(days=1)), stamps)
        _load_story(store, story, cycle, goal_ids, following, clock, summary)
        opened = stamps.get(Phase.CLOSED.value, opened)
    summary["campaigns"] += 1
    summary["goals"] += len(goal_ids)
    summary["cycles"] += len(ids)


def _load_story(
    store: Store,
    story: CycleSpec,
    cycle: Cycle,
    goal_ids: dict[str, uuid.UUID],
    following: tuple[uuid.UUID, Phase] | None,
    clock: _Clock,
    summary: dict[str, int],
) -> None:
    """Write a cycle's feedback, learnings and optimizations, then bring feedback to its status."""
    feedback = [
        store.add_feedback(
            cycle.id,
            f.source,
            f.kind,
            f.text,
            goal_ids[f.goal] if f.goal else None,
            at=clock.feedback(i, len(story.feedback)),
        )  # fmt: skip
        for i, f in enumerate(story.feedback)
    ]
    learnings = {
        spec.key: store.add_learning(_learning(spec, cycle, following, clock, j))
        for j, spec in enumerate(story.learnings)
    }
    done = cycle.phase is Phase.CLOSED
    for k, o in enumerate(story.optimizations):
        store.add_optimization(
            Optimization(
                new_id(), cycle.id, o.what, o.why,
                learning_ids=tuple(learnings[key].id for key in o.learnings),
                feedback_ids=tuple(feedback[i].id for i in o.feedback), owner=o.owner,
                status=OptimizationStatus.DONE if done else OptimizationStatus.PLANNED,
                created_at=clock.optimization(k),
            )
        )  # fmt: skip
    for item, spec in zip(feedback, story.feedback, strict=True):
        # Linking an optimization already marked its feedback addressed.
        if store.feedback_item(item.id).status is not spec.status:
            store.set_feedback_status(item.id, spec.status)
    summary["feedback"] += len(feedback)
    summary["learnings"] += len(learnings)
    summary["optimizations"] += len(story.optimizations)


def _learning(
    spec: LearningSpec,
    cycle: Cycle,
    following: tuple[uuid.UUID, Phase] | None,
    clock: _Clock,
    j: int,
) -> Learning:
    carried = following is not None and spec.decision in CARRIED
    into, into_phase = following if following is not None and carried else (None, None)
    return Learning(
        new_id(), cycle.id, spec.statement, spec.evidence, confidence=spec.confidence,
        tags=spec.tags, decision=spec.decision, carried_into_id=into,
        applied=spec.applied if carried else None, applied_reason=spec.reason if carried else "",
        # An outcome is known only once the cycle that received the learning has closed.
        outcome=spec.outcome if into_phase is Phase.CLOSED else None,
        created_at=clock.learning(j),
        decided_at=None if spec.decision is Decision.PENDING else clock.decision(j),
    )  # fmt: skip


# -- metric facts --------------------------------------------------------------------------


def cumulative_lifts(cycles: Sequence[CycleSpec], n: int) -> dict[str, float]:
    """Return the lifts in force in cycle n (0-based): each cycle's change multiplies up."""
    lifts: dict[str, float] = {}
    for cycle in cycles[: n + 1]:
        for key, factor in cycle.lifts.items():
            lifts[key] = lifts.get(key, 1.0) * factor
    return lifts


def _level(stream: Stream, lifts: dict[str, float], param: str) -> float:
    # "ctr" lifts every stream of the campaign, "meta_a.ctr" only that one.
    return stream.levels[param] * lifts.get(f"{stream.key}.{param}", 1.0) * lifts.get(param, 1.0)


def _runs_in(stream: Stream, n: int) -> bool:
    return not stream.cycles or n + 1 in stream.cycles


def cycle_budget(spec: CampaignSpec, n: int, window: Window) -> float | None:
    """Return the cycle's planned budget: as given, else the expected ad spend plus 5 %."""
    given = spec.cycles[n].budget
    if given is not None:
        return given
    lifts = cumulative_lifts(spec.cycles, n)
    weekdays = pd.date_range(*window, freq="D").day_of_week.to_numpy()
    expected = sum(
        _level(s, lifts, "impressions") * np.asarray(WEEKLY[s.week])[weekdays].sum()
        * _level(s, lifts, "cpm") / 1000
        for s in spec.streams if "cpm" in s.levels and _runs_in(s, n)
    )  # fmt: skip
    return float(math.ceil(expected * 1.05 / 500) * 500) if expected else None


def campaign_facts(
    spec: CampaignSpec, windows: Sequence[Window], today: date, index: int
) -> list[pd.DataFrame]:
    """Return the daily facts of every stream of a campaign for each cycle, up to today."""
    frames = []
    for s_index, stream in enumerate(spec.streams):
        # A generator per stream: editing one stream's story leaves the others' numbers alone.
        rng = np.random.default_rng([SEED, index, s_index])
        for n, (start, end) in enumerate(windows):
            last = min(end, today)
            if _runs_in(stream, n) and start <= last:
                dates = pd.date_range(start, last, freq="D")
                frames.append(stream_frame(stream, dates, cumulative_lifts(spec.cycles, n), rng))
    return frames


def stream_frame(
    stream: Stream, dates: pd.DatetimeIndex, lifts: dict[str, float], rng: np.random.Generator
) -> pd.DataFrame:
    """Return one row per day for a stream: its keys plus the metrics its platform reports."""
    level = {p: _level(stream, lifts, p) for p in stream.levels}
    weekday = dates.day_of_week.to_numpy()
    volume = np.asarray(WEEKLY[stream.week])[weekday]
    metrics = (
        _inbox(level, weekday, volume, rng) if "replies" in level else _ads(level, volume, rng)
    )
    keys = {"platform": stream.platform, "source_campaign": stream.source,
            "variant": stream.variant, "date": dates}  # fmt: skip
    return pd.DataFrame({**keys, **metrics})


def _rate(p: float, rng: np.random.Generator, n: int, spread: float = 0.08) -> np.ndarray:
    # Rates drift from day to day on top of the binomial noise of the counts.
    return np.clip(p * rng.lognormal(0.0, spread, n), 0.0, 1.0)


def _ads(level: dict[str, float], volume: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    n = len(volume)
    impressions = np.round(level["impressions"] * volume * rng.lognormal(0.0, 0.12, n))
    out: dict[str, np.ndarray] = {
        "spend": np.round(impressions * level["cpm"] / 1000 * rng.lognormal(0.0, 0.05, n), 2),
        "impressions": impressions,
    }
    if "frequency" in level:
        out["reach"] = np.round(impressions / (level["frequency"] * rng.lognormal(0.0, 0.04, n)))
    clicks = rng.binomial(impressions.astype(np.int64), _rate(level["ctr"], rng, n))
    out["clicks"] = clicks
    if "cvr" in level:
        conversions = rng.binomial(clicks, _rate(level["cvr"], rng, n))
        out["conversions"] = conversions
        out["revenue"] = np.round(conversions * level["aov"] * rng.lognormal(0.0, 0.1, n), 2)
    if "lead_rate" in level:
        out["leads"] = rng.binomial(clicks, _rate(level["lead_rate"], rng, n))
    if "eng_rate" in level:
        out["engagements"] = rng.binomial(
            impressions.astype(np.int64), _rate(level["eng_rate"], rng, n)
        )
    return {key: values.astype(float) for key, values in out.items()}


def _inbox(
    level: dict[str, float], weekday: np.ndarray, volume: np.ndarray, rng: np.random.Generator
) -> dict[str, Any]:
    n = len(volume)
    delay = np.asarray(WEEKLY["inbox_delay"])[weekday]
    replies = rng.poisson(level["replies"] * volume)
    within = rng.binomial(replies, np.clip(_rate(level["within"], rng, n, 0.06) / delay, 0, 0.98))
    seconds = np.round(level["reply_s"] * delay * rng.lognormal(0.0, 0.15, n))
    return {
        "replies": replies.astype(float),
        "replied_within_1h": within.astype(float),
        # NULL, not 0, on a day without replies: there is no reply time to report
        "response_time_s": np.where(replies > 0, seconds, np.nan),
    }


def _import(store: Store, platform: str, frame: pd.DataFrame, today: date) -> int:
    rows = len(frame)
    digest = hashlib.sha256(f"launch-and-learn demo {platform} {today.isoformat()}".encode())
    record = ImportRecord(
        id=new_id(), file_name=f"demo: {platform}", sha256=digest.hexdigest(), platform=platform,
        actor="demo", imported_at=now(), rows=rows, new_rows=rows, replaced_rows=0,
        unchanged_rows=0, skipped_rows=0, date_min=frame["date"].min().date(),
        date_max=frame["date"].max().date(), status=ImportStatus.IMPORTED,
    )  # fmt: skip
    store.insert_facts(record, frame)
    return rows
