"""A control series beside a comparison of two cycles: the difference-in-differences.

A before/after comparison cannot tell the cycle's change from a market that moved anyway
(season, competitors, a platform's auction). A control — another campaign that the cycle's
change did not touch — moved with the market too. So the two cycles' windows are read for both
campaigns and one day model (day_model.py, the same families and dispersion rules) is fitted to
all four sets of days, with terms for the later window, for the campaign, for each weekday, and
for the later window *of the campaign* (the interaction). That interaction is the change beyond
the control's drift: exp(β) − 1 is the relative change of the campaign over and above the
control's (for rates, of the odds, which for rates of a few per cent is the relative change).
It assumes the two would have moved alike without the cycle's change ("parallel trends"): a
control is a judgement, and the page says which one was used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from experiments import compare, day_model
from experiments.compare import SPECS, CycleData, Group, model_days
from experiments.day_model import Days, Form
from experiments.errors import InvalidInput
from experiments.stats import ALPHA
from experiments.store import Store
from experiments.sufficiency import Kind

_MODELLED = (Kind.RATE, Kind.AMOUNT, Kind.RATIO)


@dataclass(frozen=True, slots=True)
class ControlRow:
    """One metric's change beyond the control's drift."""

    metric: str
    rel_change: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA


@dataclass(frozen=True, slots=True)
class ControlReading:
    control: str
    rows: tuple[ControlRow, ...]

    def row(self, metric: str) -> ControlRow | None:
        return next((r for r in self.rows if r.metric == metric), None)


def control_groups(
    store: Store, data: CycleData, n: int, m: int, control: str
) -> tuple[Group, Group]:
    """Return the control campaign's days in the windows of cycles n and m."""
    if control.strip().lower() == data.campaign.name.lower():
        raise InvalidInput("a control is another campaign, one the cycle's change did not touch")
    other = store.campaign_by_name(control)
    windows = {c.number: (c.start, c.end) for c in data.cycles}
    groups = []
    for number in (n, m):
        start, end = windows[number]
        daily = store.daily_metrics(start, end, campaign=str(other.id))
        groups.append(Group(f"control {number}", daily))
    return groups[0], groups[1]


def _did(form: Form, ta: Days, tb: Days, ca: Days, cb: Days) -> ControlRow | None:
    parts = [(ca, 0.0, 0.0), (cb, 1.0, 0.0), (ta, 0.0, 1.0), (tb, 1.0, 1.0)]
    weekday = np.concatenate([d.weekday for d, _, _ in parts])
    later = np.concatenate([np.full(len(d.y), lt) for d, lt, _ in parts])
    campaign = np.concatenate([np.full(len(d.y), c) for d, _, c in parts])
    present = sorted(set(weekday.tolist()))
    x = np.column_stack([np.ones(len(weekday)), later, campaign, later * campaign]
                        + [(weekday == d).astype(float) for d in present[1:]])  # fmt: skip
    if len(weekday) <= x.shape[1] + 1 or any(len(d.y) < 2 for d, _, _ in parts):
        return None
    y = np.concatenate([d.y for d, _, _ in parts])
    plain = form is not Form.SHARE and ta.size is None
    size = None if plain else np.concatenate([d.sizes() for d, _, _ in parts])
    # The same families, dispersion rules and test as every other comparison (day_model.py).
    res = day_model.fitted(form, day_model.glm_of(form, x, y, size))
    if res is None:
        return None
    beta = float(res.params[3])
    low, high = (float(v) for v in np.asarray(res.conf_int(alpha=ALPHA))[3])
    p = float(res.pvalues[3])
    return ControlRow("", math.expm1(beta), math.expm1(low), math.expm1(high),
                      p if math.isfinite(p) else None)  # fmt: skip


def beyond(ta: Group, tb: Group, ca: Group, cb: Group) -> tuple[ControlRow, ...]:
    """Return each modelled metric's change from the campaign's earlier days (ta) to its later
    days (tb), beyond the control's change over the same windows (ca → cb)."""
    rows = []
    for spec in SPECS:
        groups = (ta, tb, ca, cb)
        if spec.kind not in _MODELLED or not all(compare.present(spec, (g,)) for g in groups):
            continue
        days = [model_days(spec, g) for g in groups]
        share = spec.kind is Kind.RATE and all(
            d.size is not None and bool(np.all(d.y <= d.size)) for d in days
        )
        form = Form.SHARE if share else Form.MONEY if spec.money else Form.COUNT
        found = _did(form, *days)
        if found is not None:
            rows.append(ControlRow(spec.key, found.rel_change, found.ci_low, found.ci_high,
                                   found.p_value))  # fmt: skip
    return tuple(rows)


def reading(store: Store, data: CycleData, n: int, m: int, control: str) -> ControlReading:
    """Return each modelled metric's change from cycle n to m beyond the control's drift."""
    ca, cb = control_groups(store, data, n, m, control)
    rows = beyond(data.groups[n], data.groups[m], ca, cb)
    return ControlReading(store.campaign_by_name(control).name, rows)
