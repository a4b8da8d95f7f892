"""The one way to show a metric, a change or an enum value: names, units, locale.

Pages, the report, charts, the CLI and the exports call these functions, so a number reads the
same everywhere. What a metric *is* (its unit, which way is better) comes from metrics.py; the
names come from i18n/catalog_metrics.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from experiments import currencies
from experiments.i18n import fmt_date, fmt_money, fmt_number, fmt_percent, normalise_lang, t
from experiments.metrics import METRICS, Unit, metric
from experiments.models import (
    CampaignStatus,
    Comparator,
    Confidence,
    Decision,
    Outcome,
    Phase,
    RelationshipFocus,
    ScopeKind,
)

if TYPE_CHECKING:
    import pandas as pd

DASH = "–"
MINUS = "\u2212"  # a real minus sign: the same width as the plus sign in tables
# Money is shown in the account currency until a fact's own currency is passed in.
DEFAULT_CURRENCY = currencies.DEFAULT_CURRENCY

# Which catalog group labels the values of an enum class, by the class name: goals' Status
# lives in a layer above this one.
_ENUM_KINDS: dict[str, str] = {
    "Phase": "phase",
    "Decision": "decision",
    "Outcome": "outcome",
    "FeedbackSource": "source",
    "FeedbackKind": "feedback_kind",
    "FeedbackStatus": "feedback_status",
    "CampaignStatus": "campaign_status",
    "Status": "goal_status",
    "ImportStatus": "import_status",
}


def metric_name(key: str, lang: str, per_day: bool = False) -> str:
    """Return a metric's name ('Spend'), or its per-day form ('Spend per day') where it has one."""
    if per_day and metric(key).per_day:
        return t(f"metric.{key}.per_day", lang)
    return t(f"metric.{key}", lang)


def metric_noun(key: str, lang: str) -> str:
    """Return a counted metric as a noun inside a sentence ('clicks', 'replies within 1 h')."""
    return t(f"metric.{key}.noun", lang)


def enum_label(value: StrEnum | str | None, lang: str, kind: str | None = None) -> str:
    """Return the label of an enum value ('Carry forward'); ``kind`` names the group for a plain
    string ('phase', 'decision', 'import_status' …); None reads as an en dash."""
    if value is None:
        return DASH
    group = kind or _ENUM_KINDS.get(type(value).__name__)
    if group is None:
        raise KeyError(f"no labels for values of {type(value).__name__}; pass kind=")
    return t(f"enum.{group}.{value}", lang)


def format_duration(seconds: float, lang: str) -> str:
    """Return seconds as '1 h 5 min', '45 min' or '30 s' per language (a rounded 0 has no sign)."""
    whole = round(abs(seconds))
    sign = MINUS if seconds < 0 and whole else ""
    if whole < 60:
        return sign + t("unit.seconds", lang, n=fmt_number(whole, lang))
    minutes = round(whole / 60)
    if minutes < 60:
        return sign + t("unit.minutes", lang, n=fmt_number(minutes, lang))
    hours, rest = divmod(minutes, 60)
    if not rest:
        return sign + t("unit.hours", lang, n=fmt_number(hours, lang))
    return sign + t("unit.hours_minutes", lang, h=fmt_number(hours, lang), m=rest)


def _count(value: float, lang: str) -> str:
    # Whole counts stay whole; a mean per day below 100 keeps one decimal (3.1 leads a day).
    digits = 0 if float(value).is_integer() or abs(value) >= 100 else 1
    return fmt_number(value, lang, digits)


def format_value(key: str, value: float | None, lang: str, currency: str | None = None) -> str:
    """Return a metric value in its unit per locale: '€1,234.50', '4.52%', '1 h 5 min', '35,424'."""
    if value is None or value != value:  # NaN is missing too
        return DASH
    unit = metric(key).unit
    if unit is Unit.MONEY:
        return fmt_money(value, lang, currency or DEFAULT_CURRENCY)
    if unit is Unit.PERCENT:
        return fmt_percent(value, lang, 2)
    if unit is Unit.DURATION:
        return format_duration(value, lang)
    if unit is Unit.RATIO:
        return fmt_number(value, lang, 2)
    return _count(value, lang)


def format_share(share: float | None, lang: str) -> str:
    """Return how far a goal has come as the real share of its target ('194%'), never capped:
    only a progress bar may stop at 100 %."""
    return fmt_percent(share, lang, 0)


def _signed(text: str, positive: bool) -> str:
    """Return text with its sign, but none where it rounds to zero (never '-0')."""
    if not any(ch in "123456789" for ch in text):
        return text
    return ("+" if positive else MINUS) + text


def format_relative(rel: float | None, lang: str, signed: bool = True) -> str:
    """Return a relative change as a percentage ('+18%', '−4.6%'); an en dash when missing."""
    if rel is None or rel != rel:
        return DASH
    text = fmt_percent(abs(rel), lang, 0 if abs(rel) >= 0.1 else 1)
    return _signed(text, rel > 0) if signed else text


def format_adjusted(rel: float | None, raw: float | None, adjusted: bool, lang: str,
                    signed: bool = True) -> str:  # fmt: skip
    """Return a judged relative change: '+12% weekday-adjusted (raw +15%)' where the weekday
    adjustment changed how it reads, '+12% weekday-adjusted' where not, plain when unadjusted."""
    change = format_relative(rel, lang, signed)
    if not adjusted or rel is None:
        return change
    # The raw change keeps its sign even after an unsigned 'up 12%': it may point the other way.
    raw_text = format_relative(raw, lang)
    if raw is None or raw_text == format_relative(rel, lang):
        return t("compare.adjusted", lang, change=change)
    return t("compare.adjusted_raw", lang, change=change, raw=raw_text)


def format_points(diff: float | None, lang: str, signed: bool = True) -> str:
    """Return a difference of two shares in percentage points ('+1.2 pp'); a dash when missing."""
    if diff is None or diff != diff:
        return DASH
    text = t("unit.points", lang, n=fmt_number(abs(diff) * 100, lang, 1))
    return _signed(text, diff > 0) if signed else text


def format_difference(key: str, diff: float | None, lang: str, currency: str | None = None) -> str:
    """Return an absolute change with its sign in the metric's unit ('+€12.50', '−5 min');
    percentage points for a rate."""
    if diff is None or diff != diff:
        return DASH
    if metric(key).unit is Unit.PERCENT:
        return format_points(diff, lang)
    return _signed(format_value(key, abs(diff), lang, currency), diff > 0)


def format_change(key: str, a: float | None, b: float | None, lang: str) -> str:
    """Return the change from a to b: percentage points for a rate, else a relative change."""
    if a is None or b is None or a != a or b != b:
        return DASH
    if metric(key).unit is Unit.PERCENT:
        return format_points(b - a, lang)
    if a == 0:
        return DASH  # no relative change from zero
    return format_relative((b - a) / abs(a), lang)


def _cell(column: str, value: object, lang: str) -> str:
    if value is None or value != value or str(value) in ("NaT", "<NA>"):
        return DASH
    if column in METRICS:
        return format_value(column, float(value), lang)  # type: ignore[arg-type]
    if isinstance(value, datetime):
        # A fact's day is a day: midnight is how pandas stores it, not a time anyone entered.
        return fmt_date(value.date(), lang)
    if isinstance(value, date):
        return fmt_date(value, lang)
    return str(value)


def fact_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return fact rows as people read them: named columns, formatted values, missing as '–'."""
    import pandas as pd

    names = {c: metric_name(c, lang) if c in METRICS else t(f"fact.{c}", lang) for c in frame}
    cells = {names[c]: [_cell(str(c), v, lang) for v in frame[c]] for c in frame}
    return pd.DataFrame(cells)


def column_label(column: str, lang: str) -> str:
    """Return an export column's header: a metric by its name (a duration says it is in
    seconds, as its cells are), any other column from the catalog ('source_campaign' →
    'Campaign in the file')."""
    if column in METRICS:
        name = metric_name(column, lang)
        if metric(column).unit is Unit.DURATION:
            return t("column.in_seconds", lang, name=name)
        return name
    return t(f"column.{column}", lang)


# Export columns whose cells hold a code, and the catalog prefix that names each code.
_CODED: dict[str, tuple[type[StrEnum], str]] = {
    "status": (CampaignStatus, "enum.campaign_status"),
    "phase": (Phase, "enum.phase"),
    "decision": (Decision, "enum.decision"),
    "outcome": (Outcome, "enum.outcome"),
    "relationship_focus": (RelationshipFocus, "campaigns.focus"),
    "confidence": (Confidence, "loop.confidence"),
    "comparator": (Comparator, "goals.comparator"),
    "scope_kind": (ScopeKind, "goals.scope"),
}


def code_labels(column: str, lang: str) -> dict[str, str]:
    """Return how the codes of an export column read ('carry_forward' → 'Carry forward'); a
    goal's metric column reads as metric names; an empty dict for a column of free values."""
    if column == "metric":
        return {key: metric_name(key, lang) for key in METRICS}
    coded = _CODED.get(column)
    if coded is None:
        return {}
    kind, prefix = coded
    return {str(v): t(f"{prefix}.{v}", lang) for v in kind}


# -- charts ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Axis:
    """How a chart axis shows a metric: divide the values by ``scale``, then tick them so."""

    title: str
    scale: float = 1.0
    tickformat: str = ""
    tickprefix: str = ""
    ticksuffix: str = ""

    def layout(self) -> dict[str, object]:
        """Return the plotly axis settings (title, tick format, prefix and suffix)."""
        return {"title": self.title, "tickformat": self.tickformat,
                "tickprefix": self.tickprefix, "ticksuffix": self.ticksuffix}  # fmt: skip

    def scaled(self, value: float | None) -> float | None:
        """Return a value in the axis unit (seconds as minutes or hours)."""
        return None if value is None else value / self.scale


def axis(key: str, lang: str, values: list[float] | tuple[float, ...] = (),
         currency: str | None = None, per_day: bool = False) -> Axis:  # fmt: skip
    """Return the axis for a metric: durations in min or h (by the largest value), money with
    its currency, shares as percentages, counts grouped."""
    unit = metric(key).unit
    title = metric_name(key, lang, per_day)
    if unit is Unit.DURATION:
        hours = max((abs(v) for v in values), default=0.0) >= 3 * 3600
        scale, name = (3600.0, "unit.axis_hours") if hours else (60.0, "unit.axis_minutes")
        return Axis(f"{title} ({t(name, lang)})", scale, ",.1f" if hours else ",.0f")
    if unit is Unit.MONEY:
        code = currency or DEFAULT_CURRENCY
        return Axis(f"{title} ({code})", tickformat=",.2f")
    if unit is Unit.PERCENT:
        return Axis(title, tickformat=".1%")
    if unit is Unit.RATIO:
        return Axis(title, tickformat=",.2f")
    return Axis(title, tickformat=",.0f")


def separators(lang: str) -> str:
    """Return plotly's separators for a language: the decimal mark first, then thousands."""
    return ",." if normalise_lang(lang) == "de" else ".,"


def date_tickformat(lang: str) -> str:
    """Return a d3 date format for chart axes that reads right in the language (no month names,
    which plotly would print in English)."""
    return "%d.%m." if normalise_lang(lang) == "de" else "%b %d"
