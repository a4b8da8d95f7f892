"""Reply times: the median is the verdict; Mann–Whitney U is only a secondary "distribution
shifted" line beside it, named as such, outside the Benjamini–Hochberg family of verdicts."""

from __future__ import annotations

import pytest
from scipy import stats as sps

from experiments import compare, compare_charts, stats
from experiments.store import Store
from tests.test_compare import WINDOWS, build, reply_facts


def test_the_shift_check_is_mann_whitney_beside_the_median_and_outside_the_family(
    store: Store,
) -> None:
    facts = reply_facts(per_reply=True)
    build(store, facts)
    result = compare.compare(store, "Spring Sale", 1, 2)
    median = result.row("response_time_median_s")
    xa = facts[facts.date <= WINDOWS[0][1]].response_time_s
    xb = facts[facts.date >= WINDOWS[1][0]].response_time_s
    assert median is not None and median.test is stats.Method.BOOTSTRAP_MEDIAN
    want = sps.mannwhitneyu(xb, xa, alternative="two-sided").pvalue
    assert median.shift_p_value == pytest.approx(want, rel=1e-12)
    assert [r.metric for r in result.rows if r.shift_p_value is not None] == [median.metric]
    # The q-values are those of the rows' own p-values: the shift check is not among them.
    assert [r.q_value for r in result.rows] == stats.benjamini_hochberg(
        [r.p_value for r in result.rows]
    )
    assert result.tested == sum(r.p_value is not None for r in result.rows)
    rows = {r["metric"]: r for r in compare.document(result)["metrics"]}
    assert rows["response_time_median_s"]["distribution_shift_p"] == median.shift_p_value
    assert rows["response_time_p90_s"]["distribution_shift_p"] is None


@pytest.mark.parametrize(
    ("lang", "start"),
    [("en", "Secondary check, not a verdict — Median reply time: has the distribution shifted? "
            "Mann–Whitney U, p = "),
     ("de", "Zusätzliche Prüfung, kein Urteil – Median-Antwortzeit: Hat sich die Verteilung "
            "verschoben? Mann-Whitney-U, p = ")],
)  # fmt: skip
def test_the_shift_line_says_what_it_is_and_is_not(store: Store, lang: str, start: str) -> None:
    build(store, reply_facts(per_reply=True))
    lines = compare_charts.shift_lines(compare.compare(store, "Spring Sale", 1, 2), lang)
    assert len(lines) == 1 and lines[0].startswith(start)
    assert ("not a test of the median" if lang == "en" else "kein Test des Medians") in lines[0]


def test_too_few_replies_get_no_shift_check(store: Store) -> None:
    # Each reported daily average is one value: 14 and 17 are under the 30 a median needs.
    build(store, reply_facts(per_reply=False))
    result = compare.compare(store, "Spring Sale", 1, 2)
    row = result.row("response_time_median_s")
    assert row is not None and row.shift_p_value is None
    assert compare_charts.shift_lines(result, "en") == []
