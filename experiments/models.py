"""Domain values: frozen dataclasses and StrEnums shared by the store, the CLI and the pages."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


class Phase(StrEnum):
    START = "start"
    CAMPAIGN = "campaign"
    FEEDBACK = "feedback"
    OPTIMIZATION = "optimization"
    CLOSED = "closed"


# The order a cycle moves through; CLOSED is reached only by the next start.
PHASE_ORDER: tuple[Phase, ...] = (
    Phase.START,
    Phase.CAMPAIGN,
    Phase.FEEDBACK,
    Phase.OPTIMIZATION,
    Phase.CLOSED,
)


class Decision(StrEnum):
    PENDING = "pending"
    CARRY_FORWARD = "carry_forward"
    DROP = "drop"
    RETEST = "retest"


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    INCONCLUSIVE = "inconclusive"


class Comparator(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class Role(StrEnum):
    VIEWER = "viewer"
    MARKETER = "marketer"
    ANALYST = "analyst"
    ADMIN = "admin"


class RelationshipFocus(StrEnum):
    NEW = "new"
    EXISTING = "existing"
    BOTH = "both"


class CampaignStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    PAUSED = "paused"
    DONE = "done"


class FeedbackSource(StrEnum):
    COMMENTS = "comments"
    DMS = "dms"
    REVIEWS = "reviews"
    SURVEY = "survey"
    SALES = "sales"
    HR = "hr"
    PR = "pr"
    MANAGEMENT = "management"


class FeedbackKind(StrEnum):
    PRAISE = "praise"
    CRITICISM = "criticism"
    QUESTION = "question"
    REQUEST = "request"
    IDEA = "idea"


class FeedbackStatus(StrEnum):
    OPEN = "open"
    ADDRESSED = "addressed"
    COMMUNICATED = "communicated"


class OptimizationStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    DROPPED = "dropped"


class Confidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ScopeKind(StrEnum):
    ALL = "all"
    CAMPAIGN = "campaign"
    CHANNEL = "channel"


def new_id() -> uuid.UUID:
    """Return a fresh random id; ids are made here, never by a database sequence."""
    return uuid.uuid4()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who performs a write; every write checks the role and is audited under the name."""

    username: str
    role: Role


LOCAL_ACTOR = Actor("local", Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Alias:
    """A name the campaign has on a platform; platform None matches every platform."""

    name: str
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class Campaign:
    id: uuid.UUID
    name: str
    status: CampaignStatus = CampaignStatus.ACTIVE
    channels: tuple[str, ...] = ()
    audience: str = ""
    goal_ids: tuple[uuid.UUID, ...] = ()
    relationship_focus: RelationshipFocus | None = None
    budget: float | None = None
    people_hours: float | None = None
    competitive_context: str = ""
    success_measure: str = ""
    stakeholders: tuple[str, ...] = ()
    aliases: tuple[Alias, ...] = ()
    created_at: datetime | None = None

    def missing_essentials(self) -> tuple[str, ...]:
        """Return the brief fields a team must agree on that are still empty."""
        missing = []
        if not self.audience.strip():
            missing.append("audience")
        if not self.goal_ids:
            missing.append("goal")
        if not self.success_measure.strip():
            missing.append("success_measure")
        return tuple(missing)


@dataclass(frozen=True, slots=True)
class Cycle:
    id: uuid.UUID
    campaign_id: uuid.UUID
    number: int
    phase: Phase
    start: date | None = None
    end: date | None = None
    hypothesis: str = ""
    planned_changes: str = ""
    budget: float | None = None
    previous_id: uuid.UUID | None = None
    went_live: str = ""
    channels: tuple[str, ...] = ()
    # When the cycle entered each phase; a phase not reached yet is absent.
    phase_changed_at: dict[str, datetime] = field(default_factory=dict, hash=False, compare=False)
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TestPlan:
    """What a cycle declared it tests, before its campaign ran: the primary metric, the way it
    should move and the smallest relative change worth acting on (0.1 = 10 %), guardrail
    metrics that must not get worse, and whether its variants are a randomized split."""

    __test__ = False  # not a test class, whatever its name says

    cycle_id: uuid.UUID
    primary: str | None = None
    direction: str | None = None  # "up" or "down"
    min_effect: float | None = None
    guardrails: tuple[str, ...] = ()
    randomized: bool = False


@dataclass(frozen=True, slots=True)
class Feedback:
    id: uuid.UUID
    cycle_id: uuid.UUID
    source: FeedbackSource
    kind: FeedbackKind
    text: str
    status: FeedbackStatus = FeedbackStatus.OPEN
    goal_id: uuid.UUID | None = None
    optimization_id: uuid.UUID | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Optimization:
    id: uuid.UUID
    cycle_id: uuid.UUID
    what: str
    why: str = ""
    learning_ids: tuple[uuid.UUID, ...] = ()
    feedback_ids: tuple[uuid.UUID, ...] = ()
    owner: str = ""
    status: OptimizationStatus = OptimizationStatus.PLANNED
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Learning:
    id: uuid.UUID
    cycle_id: uuid.UUID
    statement: str
    evidence: str = ""
    # A frozen copy of the comparison row the learning rests on, as JSON text.
    evidence_snapshot: str | None = None
    confidence: Confidence | None = None
    tags: tuple[str, ...] = ()
    decision: Decision = Decision.PENDING
    carried_into_id: uuid.UUID | None = None
    applied: bool | None = None
    applied_reason: str = ""
    outcome: Outcome | None = None
    created_at: datetime | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Goal:
    id: uuid.UUID
    name: str
    metric: str
    comparator: Comparator
    target: float
    baseline: float | None = None
    period_start: date | None = None
    period_end: date | None = None
    scope_kind: ScopeKind = ScopeKind.ALL
    scope_value: str | None = None
    owner: str = ""
    objective: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class User:
    username: str
    display_name: str
    role: Role
    # A deactivated member cannot sign in; their name stays in the audit.
    active: bool = True


@dataclass(frozen=True, slots=True)
class OpenCriticism:
    """A criticism item still open, with the campaign and cycle it was raised in."""

    feedback: Feedback
    campaign_id: uuid.UUID
    cycle_number: int
    # The phase its cycle is in now: CLOSED means the criticism outlived its cycle.
    phase: Phase


@dataclass(frozen=True, slots=True)
class ReplyTimes:
    """The median and the 90th percentile of reply times in seconds (None: no replies)."""

    median: float | None
    p90: float | None


@dataclass(frozen=True, slots=True)
class LearningFacets:
    """What the learnings library can filter by: every tag used, every channel named."""

    tags: tuple[str, ...]
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CycleMetrics:
    """One cycle with the aggregates of its facts (its campaign's aliases inside its window)."""

    cycle_id: uuid.UUID
    campaign_id: uuid.UUID
    campaign: str
    number: int
    phase: Phase
    start: date | None
    end: date | None
    budget: float | None
    # Each summed base metric, and reply times as response_time_median_s / _p90_s; None: no data.
    values: Mapping[str, float | None]
    fact_rows: int
    fact_days: int
    # Period facts of the campaign that cross an edge of the window: not counted, never split.
    left_out: int = 0
    # The currencies of its money facts (None: the export named none).
    currencies: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Period facts a window did not count, by reason: ``straddling`` cross an edge of the window
    (their total cannot be split by day); ``without_days`` lie inside but are a total over days,
    so a day-level comparison cannot use them."""

    straddling: int = 0
    without_days: int = 0

    def __add__(self, other: LeftOut) -> LeftOut:
        return LeftOut(self.straddling + other.straddling, self.without_days + other.without_days)

    @property
    def total(self) -> int:
        """Return how many facts were left out for either reason."""
        return self.straddling + self.without_days


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: uuid.UUID
    happened_at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str
    before: str | None
    after: str | None


class DutyKind(StrEnum):
    """What can have a member who answers for it."""

    LEARNING = "learning"
    FEEDBACK = "feedback"
    OPTIMIZATION = "optimization"


class CommentOn(StrEnum):
    """What a comment can be written on."""

    CYCLE = "cycle"
    LEARNING = "learning"
    FEEDBACK = "feedback"


@dataclass(frozen=True, slots=True)
class Duty:
    """Something open that a member answers for (or nobody yet): a pending learning, an open
    criticism or a planned optimization, with the campaign and cycle it belongs to."""

    kind: DutyKind
    id: uuid.UUID
    cycle_id: uuid.UUID
    campaign: str
    cycle_number: int
    cycle_end: date | None
    text: str
    assignee: str | None
    due: date | None
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class Comment:
    """A short plain-text remark on a cycle, learning or feedback item; ``mentions`` are the
    usernames of members it names with @username."""

    id: uuid.UUID
    target: CommentOn
    target_id: uuid.UUID
    author: str
    text: str
    mentions: tuple[str, ...]
    created_at: datetime
