"""What a manager reads: verdicts, suggested learning sentences and formatted values, EN and DE."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from experiments import compare_charts as cc
from experiments import display
from experiments.compare import Comparison, Design, Kind, MetricRow
from experiments.compare_learnings import OutcomeSuggestion, Reason
from experiments.compare_variants import VariantRate
from experiments.models import Learning, Outcome, new_id
from experiments.safe_text import escape_plotly
from experiments.stats import Method, Note
from experiments.sufficiency import Shortfall, Unit

IDS = (new_id(), new_id())


def plain(text: str) -> str:
    """German percentages keep their number and sign together with a no-break space."""
    return text.replace("\xa0%", " %")


def row(metric: str, kind: Kind, **fields: Any) -> MetricRow:
    values: dict[str, Any] = {
        "a": 1.0, "b": 1.0, "abs_change": None, "rel_change": None, "ci_low": None,
        "ci_high": None, "p_value": None, "q_value": None, "test": Method.NONE,
        "significant": False, "note": Note.NONE,
    }  # fmt: skip
    values.update(fields)
    return MetricRow(metric, kind, **values)


def cycles(*rows: MetricRow) -> Comparison:
    return Comparison("Spring Sale", new_id(), (1, 2), IDS, Design.OBSERVATIONAL, rows)


def variants(*rows: MetricRow) -> Comparison:
    return Comparison("Spring Sale", new_id(), (2, 2), IDS, Design.RANDOMIZED, rows, ("A", "B"))


CLEAR_UP = row("ctr", Kind.RATE, abs_change=0.004, rel_change=0.18, ci_low=0.09, ci_high=0.27,
               p_value=0.0001, q_value=0.0004, significant=True)  # fmt: skip
CLEAR_DOWN = row("cpa", Kind.RATIO, abs_change=-3.0, rel_change=-0.123, ci_low=-0.2,
                 ci_high=-0.05, p_value=0.001, q_value=0.01, significant=True)  # fmt: skip
MAYBE = row("replied_within_1h_share", Kind.RATE, abs_change=0.04, rel_change=0.076,
            ci_low=0.006, ci_high=0.15, p_value=0.03, q_value=0.13)  # fmt: skip
UNCLEAR = row("spend", Kind.AMOUNT, abs_change=-13.0, rel_change=-0.01, ci_low=-0.069,
              ci_high=0.053, p_value=0.7, q_value=0.75)  # fmt: skip
UNBOUNDED = row("leads", Kind.AMOUNT, abs_change=0.2, rel_change=0.05, p_value=0.8, q_value=0.8)
FEW_DAYS = row("leads", Kind.AMOUNT, note=Note.NOT_ENOUGH_DATA, n_a=12, n_b=5,
               short=Shortfall(Unit.DAYS, 5, 7, 1))  # fmt: skip
# A rate short of days once read "cycle 1 has 5 clicks": the unit comes from the policy now.
FEW_RATE_DAYS = row("ctr", Kind.RATE, note=Note.NOT_ENOUGH_DATA, n_a=5, n_b=14,
                    short=Shortfall(Unit.DAYS, 5, 7, 0))  # fmt: skip
FEW_EVENTS = row("ctr", Kind.RATE, note=Note.NOT_ENOUGH_DATA, n_a=12, n_b=400,
                 short=Shortfall(Unit.EVENTS, 12, 30, 0))  # fmt: skip
FEW_NON_EVENTS = row("open_rate", Kind.RATE, note=Note.NOT_ENOUGH_DATA, n_a=980, n_b=995,
                     short=Shortfall(Unit.NON_EVENTS, 20, 30, 0))  # fmt: skip
FEW_REPLIES = row("response_time_median_s", Kind.REPLY_MEDIAN, note=Note.NOT_ENOUGH_DATA,
                  n_a=80, n_b=12, short=Shortfall(Unit.REPLIES, 12, 30, 1))  # fmt: skip
FEW_MODEL_DAYS = row("ctr", Kind.RATE, note=Note.NOT_ENOUGH_DATA, n_a=7, n_b=7,
                     short=Shortfall(Unit.MODEL_DAYS, 8, 9, -1))  # fmt: skip
ADJUSTED = row("ctr", Kind.RATE, abs_change=0.004, rel_change=0.12, ci_low=0.05, ci_high=0.19,
               p_value=0.0001, q_value=0.0004, significant=True, adjusted=True,
               raw_rel_change=0.25)  # fmt: skip
ADJUSTED_SAME = row("clicks", Kind.AMOUNT, abs_change=1.0, rel_change=0.021, ci_low=-0.05,
                    ci_high=0.09, p_value=0.5, q_value=0.6, adjusted=True,
                    raw_rel_change=0.0212)  # fmt: skip
MISSING = row("conversions", Kind.AMOUNT, a=None, note=Note.MISSING)
DESCRIPTIVE = row("response_time_p90_s", Kind.REPLY_P90, abs_change=-300.0, rel_change=-0.2,
                  note=Note.DESCRIPTIVE)  # fmt: skip
FROM_ZERO = row("leads", Kind.AMOUNT, a=0.0, b=4.0, abs_change=4.0, p_value=0.001,
                q_value=0.004, significant=True, note=Note.ZERO_BASELINE)  # fmt: skip
NO_VARIATION = row("spend", Kind.AMOUNT, note=Note.NO_VARIATION)

VERDICTS = [
    (CLEAR_UP, "en", "CTR up 18% (95% interval +9.0% to +27%), unlikely to be chance"),
    (CLEAR_UP, "de", "CTR um 18 % gestiegen (95-%-Intervall +9,0 % bis +27 %), wahrscheinlich "
                     "kein Zufall"),
    (CLEAR_DOWN, "en", "CPA down 12% (95% interval −20% to −5.0%), unlikely to "
                       "be chance"),
    (MAYBE, "en", "Share replied within 1 h up 7.6% (95% interval +0.6% to +15%), but with 2 "
                  "metrics tested this may be chance"),
    (UNCLEAR, "en", "No clear change in Spend per day: −1.0% (95% interval −6.9% to +5.3%)"),
    (UNCLEAR, "de", "Keine klare Veränderung bei Ausgaben pro Tag: −1,0 % (95-%-Intervall "
                    "−6,9 % bis +5,3 %)"),
    (UNBOUNDED, "en", "No clear change in Leads per day: +5.0% (95% interval unbounded)"),
    (FEW_DAYS, "en", "Leads per day: not enough data (cycle 2 has 5 days with data, at least 7 "
                     "needed)"),
    (FEW_DAYS, "de", "Leads pro Tag: zu wenig Daten (Zyklus 2 hat 5 Tage mit Daten, mindestens 7 "
                     "nötig)"),
    (FEW_RATE_DAYS, "en", "CTR: not enough data (cycle 1 has 5 days with data, at least 7 "
                          "needed)"),
    (FEW_RATE_DAYS, "de", "CTR: zu wenig Daten (Zyklus 1 hat 5 Tage mit Daten, mindestens 7 "
                          "nötig)"),
    (FEW_MODEL_DAYS, "en", "CTR: not enough data (both cycles together have 8 days with data; "
                           "the weekday model needs at least 9 — import more days or compare "
                           "longer cycles)"),
    (ADJUSTED, "en", "CTR up 12% weekday-adjusted (raw +25%) (95% interval +5.0% to +19%), "
                     "unlikely to be chance"),
    (ADJUSTED, "de", "CTR um 12 % wochentagsbereinigt (unbereinigt +25 %) gestiegen "
                     "(95-%-Intervall +5,0 % bis +19 %), wahrscheinlich kein Zufall"),
    (ADJUSTED_SAME, "en", "No clear change in Clicks per day: +2.1% weekday-adjusted (95% "
                          "interval −5.0% to +9.0%)"),
    (FEW_EVENTS, "en", "CTR: not enough data (cycle 1 has 12 clicks, at least 30 needed)"),
    (FEW_NON_EVENTS, "en", "Open rate: not enough data (in cycle 1 nearly all deliveries led to "
                           "opens; at least 30 without are needed)"),
    (FEW_REPLIES, "en", "Median reply time: not enough data (cycle 2 has 12 replies, at least 30 "
                        "needed)"),
    (MISSING, "en", "Conversions per day: no data in cycle 1"),
    (MISSING, "de", "Conversions pro Tag: keine Daten in Zyklus 1"),
    (DESCRIPTIVE, "en", "Reply time (90th percentile) down 20% (descriptive only: no test fits a "
                        "90th percentile)"),
    (FROM_ZERO, "en", "Leads per day rose from 0 to 4, unlikely to be chance"),
    (NO_VARIATION, "en", "Spend per day: the same value every day, so no test is possible"),
]  # fmt: skip


@pytest.mark.parametrize(("metric_row", "lang", "text"), VERDICTS)
def test_verdicts_read_correctly(metric_row: MetricRow, lang: str, text: str) -> None:
    # A family of two tested metrics, so "with N metrics tested" has a known N.
    family = cycles(*dict.fromkeys((metric_row, CLEAR_UP)))
    assert plain(cc.verdict(metric_row, family, lang)) == text


def test_verdicts_name_variants() -> None:
    missing = row("ctr", Kind.RATE, b=None, note=Note.MISSING)
    assert cc.verdict(missing, variants(missing), "en") == "CTR: no data in variant 'B'"
    assert cc.verdict(missing, variants(missing), "de") == "CTR: keine Daten in Variante „B“"


# Every suggested learning keeps its design word: what may be concluded travels with it.
STATEMENTS = [
    (cycles(CLEAR_UP), CLEAR_UP, "en",
     "CTR rose 18% from cycle 1 to cycle 2 (observational: before/after, weekday-adjusted; 95% "
     "interval +9.0% to +27%)."),
    (cycles(CLEAR_DOWN), CLEAR_DOWN, "de",
     "CPA sank von Zyklus 1 zu Zyklus 2 um 12 % (beobachtend: vorher/nachher, "
     "wochentagsbereinigt; 95-%-Intervall −20 % bis −5,0 %)."),
    (variants(CLEAR_UP), CLEAR_UP, "en",
     "In cycle 2, CTR was 18% higher with variant 'B' than with variant 'A' (randomized split; "
     "95% interval +9.0% to +27%)."),
    (replace(variants(CLEAR_UP), design=Design.OBSERVATIONAL), CLEAR_UP, "en",
     "In cycle 2, CTR was 18% higher with variant 'B' than with variant 'A' (observational: "
     "segments, not a randomized split; 95% interval +9.0% to +27%)."),
    (cycles(FROM_ZERO), FROM_ZERO, "en",
     "Leads per day rose from 0 (cycle 1) to 4 (cycle 2) (observational: before/after)."),
]  # fmt: skip


@pytest.mark.parametrize(("comparison", "metric_row", "lang", "text"), STATEMENTS)
def test_suggested_learning_sentences(
    comparison: Comparison, metric_row: MetricRow, lang: str, text: str
) -> None:
    assert plain(cc.statement(metric_row, comparison, lang)) == text


# Values and changes of the compare page come from experiments.display (see test_display.py).


def test_q_values_for_the_table() -> None:
    assert cc.fmt_q(CLEAR_UP, "en") == "< 0.001"
    assert cc.fmt_q(MAYBE, "de") == "0,130"
    assert cc.fmt_q(FEW_DAYS, "en") == "–"


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        (Reason.HOLDS, "Against cycle 1, the baseline this learning was measured on, CTR is "
         "still clearly where the learning said: the effect holds."),
        (Reason.REVERSED, "Against cycle 1, the baseline this learning was measured on, CTR is "
         "clearly on the other side: the effect does not hold."),
        (Reason.NOT_CLEAR, "Against cycle 1, the baseline this learning was measured on, CTR is "
         "not clearly different: the effect may or may not hold."),
        (Reason.NOT_COMPARED, "CTR could not be tested against cycle 1, the baseline this "
         "learning was measured on."),
    ],
)  # fmt: skip
def test_outcome_reasons(reason: Reason, text: str) -> None:
    learning = Learning(new_id(), IDS[0], "Short copy wins")
    suggestion = OutcomeSuggestion(learning, Outcome.INCONCLUSIVE, reason, "ctr", 1)
    assert cc.outcome_reason(suggestion, "en") == text


def test_figures_hold_every_interval_and_series() -> None:
    figure = cc.forest(cycles(CLEAR_UP, CLEAR_DOWN, UNCLEAR, FEW_DAYS), "de")
    assert len(figure.data) == 3  # rows without an interval have no bar to draw
    assert figure.data[0].error_x.array[0] == pytest.approx(0.27 - 0.18)
    assert figure.layout.separators == ",."


@pytest.mark.parametrize(("lang", "hover", "tick"), [
    ("en", "<b>Ad</b> 1: 2.50% (1.90% – 3.10%)", ".1%"),
    ("de", "<b>Ad</b> 1: 2,50\xa0% (1,90\xa0% – 3,10\xa0%)", ".1%"),
])  # fmt: skip
def test_the_variant_chart_speaks_like_the_table(lang: str, hover: str, tick: str) -> None:
    rates = [VariantRate("<b>Ad</b> 1", 25, 1000, 0.025, 0.019, 0.031)]
    fig = cc.variant_chart(rates, "ctr", lang).to_plotly_json()
    (trace,) = fig["data"]
    # The same words as the table (display.format_value), the name escaped for plotly.
    name, rest = hover.split(":", 1)
    assert list(trace["hovertext"]) == [f"{escape_plotly(name)}:{rest}"]
    assert trace["hoverinfo"] == "text"
    assert fig["layout"]["xaxis"]["tickformat"] == tick
    assert fig["layout"]["xaxis"]["title"]["text"] == display.metric_name("ctr", lang)
