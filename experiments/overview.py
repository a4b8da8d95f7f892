"""What the management view shows: goals explained, the loop, learnings, criticism, costs.

Every function returns plain rows or text for the overview page, the report and the CLI; none
of them renders anything.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date, datetime, time
from functools import partial
from typing import Any

from experiments import money
from experiments.audit_words import happenings
from experiments.display import format_value, metric_name
from experiments.errors import InvalidInput
from experiments.goals import Progress, Status
from experiments.i18n import fmt_date, t
from experiments.models import Cycle, Decision, Phase
from experiments.store import Store

# Traffic-light order: what needs attention first.
STATUS_ORDER: tuple[Status, ...] = (
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.ON_TRACK,
    Status.ACHIEVED,
    Status.TOO_EARLY,
    Status.NO_DATA,
)


def current_cycle(cycles: list[Cycle]) -> Cycle | None:
    """Return the open cycle of a campaign, else its latest, else None."""
    open_cycles = [c for c in cycles if c.phase is not Phase.CLOSED]
    if open_cycles:
        return open_cycles[-1]
    return cycles[-1] if cycles else None


def campaign_rows(store: Store) -> list[dict[str, Any]]:
    """Return one row per campaign: channels, current cycle and phase, missing brief fields."""
    by_campaign: dict[Any, list[Cycle]] = {}
    for c in store.cycles():
        by_campaign.setdefault(c.campaign_id, []).append(c)
    rows = []
    for campaign in store.campaigns():
        cycles = by_campaign.get(campaign.id, [])
        cur = current_cycle(cycles)
        rows.append(
            {
                "id": str(campaign.id),
                "name": campaign.name,
                "status": campaign.status.value,
                "channels": list(campaign.channels),
                "aliases": [a.name for a in campaign.aliases],
                "cycles": len(cycles),
                "cycle": cur.number if cur else None,
                "phase": cur.phase.value if cur else None,
                "start": cur.start if cur else None,
                "end": cur.end if cur else None,
                "brief_missing": list(campaign.missing_essentials()),
            }
        )
    return rows


def parse_number(text: str, what: str) -> float | None:
    """Return a typed number (1500, 0.025, 0,025, 1.234,5 or 2.5 % as 0.025); None if blank."""
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    percent = raw.endswith("%")
    raw = raw.rstrip("%")
    if "," in raw:
        # German notation: dots group thousands, the comma is the decimal mark.
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a number for {what}; write e.g. 1500, 0.025 or 2.5 %"
        ) from None
    return value / 100 if percent else value


def scope_label(p: Progress, campaign_names: dict[str, str], lang: str) -> str:
    """Return where a goal counts: everywhere, one campaign (by name) or one channel."""
    g = p.goal
    if g.scope_kind.value == "campaign":
        fallback = campaign_names.get(str(g.scope_value), g.scope_value or "")
        name = p.campaign.name if p.campaign else fallback
        return t("goals.scope_is_campaign", lang, name=name)
    if g.scope_kind.value == "channel":
        return t("goals.scope_is_channel", lang, name=g.scope_value or "")
    return t("goals.scope_is_all", lang)


def explain(p: Progress, lang: str) -> str:
    """Return one sentence saying why a goal has its status (pace, forecast, period)."""
    g, fv = p.goal, partial(format_value, p.goal.metric, lang=lang, currency=p.currency)
    # Period rows crossing the goal's period are named, whatever the status.
    left = [t("goals.why.left_out", lang, n=p.left_out)] if p.left_out else []
    if p.overlapping:  # another report of the same whole was read for these days
        left.append(t("goals.why.overlapping", lang, n=p.overlapping))
    if p.conversion is not None:  # a converted figure says so
        left.append(money.conversion_text(p.conversion, lang))
    if p.refused is not None:
        return " · ".join([p.refused.text(lang), *left])
    if p.status is Status.NO_DATA:
        if g.period_start is not None and p.as_of < g.period_start:
            return t("goals.why.not_started", lang, start=fmt_date(g.period_start, lang))
        return " · ".join([t("goals.why.no_data", lang, metric=metric_name(g.metric, lang)), *left])
    parts = []
    if g.period_end is not None and p.as_of >= g.period_end and p.elapsed == 1.0:
        parts.append(t("goals.why.period_over", lang, end=fmt_date(g.period_end, lang)))
        if p.status is Status.OFF_TRACK and p.actual is not None:
            gap = fv(abs(g.target - p.actual))
            parts.append(t("goals.why.missed_by", lang, gap=gap))
    elif p.status is Status.ACHIEVED:
        parts.append(t("goals.why.reached", lang))
    else:
        if p.status is Status.TOO_EARLY:
            parts.append(t("goals.why.too_early", lang, days=len(p.series)))
        if p.expected is not None:
            key = "goals.why.on_pace" if _on_pace(p) else "goals.why.behind_pace"
            parts.append(t(key, lang, expected=fv(p.expected)))
        if p.forecast is not None and g.period_end is not None:
            parts.append(_forecast_text(p, lang))
    if g.baseline is not None:
        parts.append(t("goals.why.baseline", lang, baseline=fv(g.baseline)))
    return " · ".join(parts + left)


def _forecast_text(p: Progress, lang: str) -> str:
    """Return the forecast for the period end, with its 95 % range where it has a width."""
    fv = partial(format_value, p.goal.metric, lang=lang, currency=p.currency)
    assert p.goal.period_end is not None
    end, forecast = fmt_date(p.goal.period_end, lang), fv(p.forecast)
    low, high = p.forecast_low, p.forecast_high
    if low is None or high is None or not math.isfinite(low) or not math.isfinite(high):
        return t("goals.why.forecast", lang, forecast=forecast, end=end)
    if fv(low) == fv(high):
        return t("goals.why.forecast", lang, forecast=forecast, end=end)
    return t("goals.why.forecast_range", lang, forecast=forecast, end=end, low=fv(low),
             high=fv(high))  # fmt: skip


def _on_pace(p: Progress) -> bool:
    from experiments.goals import meets

    return p.expected is None or meets(p.actual, p.expected, p.goal.comparator)


def status_counts(progress: list[Progress]) -> dict[Status, int]:
    """Return how many goals have each status, in traffic-light order."""
    return {s: sum(1 for p in progress if p.status is s) for s in STATUS_ORDER}


def by_attention(progress: list[Progress]) -> list[Progress]:
    """Return the goals with those needing attention first, then by name."""
    return sorted(progress, key=lambda p: (STATUS_ORDER.index(p.status), p.goal.name.lower()))


def carried_learnings(store: Store) -> list[dict[str, Any]]:
    """Return each learning carried into a later cycle with its outcome there, newest first."""
    cycles = {c.id: c for c in store.cycles()}
    names = {c.id: c.name for c in store.campaigns()}
    rows: list[dict[str, Any]] = []
    for learning in store.learnings():
        into = cycles.get(learning.carried_into_id) if learning.carried_into_id else None
        origin = cycles.get(learning.cycle_id)
        if into is None or origin is None:
            continue
        rows.append({
            "campaign": names.get(origin.campaign_id, ""), "from_cycle": origin.number,
            "into_cycle": into.number, "statement": learning.statement,
            "decision": learning.decision.value, "applied": learning.applied,
            "outcome": learning.outcome.value if learning.outcome else None,
        })  # fmt: skip
    rows.sort(key=lambda r: (r["campaign"].lower(), -r["into_cycle"]))
    return rows


def criticism_rows(store: Store) -> list[dict[str, Any]]:
    """Return criticism still open; ``overdue`` marks items whose cycle is already closed."""
    names = {c.id: c.name for c in store.campaigns()}
    return [
        {
            "campaign": names.get(c.campaign_id, ""),
            "cycle": c.cycle_number,
            "phase": c.phase.value,
            "source": c.feedback.source.value,
            "text": c.feedback.text,
            "since": c.feedback.created_at,
            "overdue": c.phase is Phase.CLOSED,
        }  # fmt: skip
        for c in store.open_criticism()
    ]


def spend_rows(store: Store) -> list[dict[str, Any]]:
    """Return per cycle: budget, spend, learnings adopted and the spend per adopted learning.

    A learning is adopted when its decision is carry_forward: the team chose to build on it.
    The cycle's whole spend is what those learnings cost, so cycles without one show none.
    """
    adopted: dict[Any, int] = {}
    for learning in store.learnings():
        if learning.decision is Decision.CARRY_FORWARD:
            adopted[learning.cycle_id] = adopted.get(learning.cycle_id, 0) + 1
    rows = []
    metrics = store.cycle_metrics()
    cash = money.cycle_money(store, metrics)
    for r in metrics:
        # A cycle whose spend is in several currencies is converted at the admin's rates, or
        # has no spend (currency None) and says why: it is never added up.
        c = cash[r.cycle_id]
        spend, n = c.spend, adopted.get(r.cycle_id, 0)
        rows.append({
            "campaign": r.campaign, "cycle": r.number, "phase": r.phase.value,
            "start": r.start, "end": r.end, "budget": r.budget, "budget_currency": c.account,
            "currency": None if c.refused else c.currency, "money": c,
            "spend": spend, "adopted": n, "per_learning": spend / n if spend and n else None,
        })  # fmt: skip
    return rows


def spend_notes(rows: list[dict[str, Any]], lang: str) -> list[str]:
    """Return, per cycle whose spend was converted or not added up, what its figures say of
    themselves ('Ramadan · Cycle 1: converted from USD into IDR at the rates of Nov 2026')."""
    notes = []
    for r in rows:
        note = r["money"].note(lang) if "money" in r else None
        if note is not None:
            notes.append(f"{r['campaign']} · {t('overview.cycle_n', lang, n=r['cycle'])}: {note}")
    return notes


def rows_currency(rows: list[dict[str, Any]]) -> str | None:
    """Return the one currency of the spend of the rows that have spend, None for several."""
    codes = {r.get("currency", money.DEFAULT_CURRENCY) for r in rows if r["spend"] is not None}
    return next(iter(codes)) if len(codes) == 1 else (None if codes else money.DEFAULT_CURRENCY)


def learning_cost(rows: list[dict[str, Any]]) -> tuple[float | None, int]:
    """Return the spend per adopted learning and how many learnings that counts.

    Only cycles with spend data count: an organic cycle's learnings cost no ad spend, and
    counting them would make paid learning look cheaper than it was.
    """
    paid = [r for r in rows if r["adopted"] and r["spend"] is not None]
    count = sum(r["adopted"] for r in paid)
    if rows_currency(paid) is None:  # spend in several currencies is never added up
        return None, count
    return (sum(r["spend"] for r in paid) / count if count else None), count


def changes(store: Store, since: date, lang: str, limit: int = 500) -> list[dict[str, Any]]:
    """Return what changed since the start of a day, newest first: every audited write (goal
    edits and feedback moves too) as who, when and one sentence in ``lang``."""
    start = datetime.combine(since, time.min)
    return [asdict(h) for h in happenings(store, lang, since=start, limit=limit)]
