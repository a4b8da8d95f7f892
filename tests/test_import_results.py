"""What Meta's "Results" count: each row's results go to the metric its result indicator names.

Fixtures: tests/fixtures/build_result_fixtures.py (invented numbers; the totals below are worked
out by hand from them). The table of indicators is experiments/importers/result_indicators.py.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from experiments.db import Database
from experiments.errors import InvalidInput
from experiments.i18n import t
from experiments.importers import service
from experiments.importers.plan import prepare
from experiments.importers.result_indicators import INDICATORS, normalise
from experiments.metrics import BASE_METRICS
from experiments.models import Alias
from experiments.store import Store
from tests import sql
from tests.cli_runner import run_cli as cli
from tests.conftest import FIXTURES

EN, DE = "meta_en_results.csv", "meta_de_results.csv"

# (file, totals, warnings). English: no Link clicks column, so link-click results are the
# clicks (410 + 388 + 150); purchases 12 + 9 + 6 and leads 14 are the conversions; profile
# visits and reach (the file has a Reach column) count in no metric. Reach is the mean of the
# days' sums: (8,000 + 15,000 + 4,000 + 3,000 + 8,500 + 15,500 + 4,100 + 6,000 + 22,000) / 2.
# German: clicks come from the Link-Klicks column only (the 1,050 + 990 link-click results stay
# in extra); purchases 15, leads 4 and the 7 results without an indicator are the conversions.
CASES: list[tuple[str, dict[str, float], list[str]]] = [
    (EN, {"spend": 472.0, "impressions": 114200, "reach": 43050, "clicks": 948,
          "conversions": 41, "leads": 14},
     ["import.warn.extra_columns", "import.warn.results_kept"]),
    (DE, {"spend": 438.0, "impressions": 99500, "clicks": 2805, "conversions": 26, "leads": 4,
          "video_views": 2400, "engagements": 1234},
     ["import.warn.extra_columns", "import.warn.results_empty", "import.warn.results_kept",
      "import.warn.results_mixed"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "totals", "warnings"), CASES, ids=[c[0] for c in CASES])
def test_results_count_in_the_metric_their_indicator_names(
    db_path: Path, name: str, totals: dict[str, float], warnings: list[str]
) -> None:
    code, out, err = cli("import", str(FIXTURES / name), "--json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    assert doc["totals"] == pytest.approx(totals)
    assert doc["warnings"] == warnings


# (file, campaign, day, conversions, leads, clicks, the extra entry the results left, if any)
ROWS = [
    (EN, "Switcher", "2026-11-02", 6, None, None, None),
    (EN, "Switcher", "2026-11-03", None, None, 150, None),
    (EN, "Store Traffic", "2026-11-02", None, None, 410, None),
    (EN, "Newsletter Leads", "2026-11-02", 14, 14, None, None),
    (EN, "Profile Push", "2026-11-03", None, None, None, ("profile_visit_view", "95")),
    (EN, "Awareness", "2026-11-03", None, None, None, ("reach", "22,000")),
    (DE, "Frühjahr Shop", "2026-11-02", 15, None, 300, None),
    (DE, "Frühjahr Shop", "2026-11-03", 4, 4, 320, None),
    (DE, "Verkehr", "2026-11-02", None, None, 1050, ("Link-Klicks", "1.050")),
    (DE, "Ohne Angabe", "2026-11-03", 7, None, 15, None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "campaign", "day", "conversions", "leads", "clicks", "kept"),
                         ROWS, ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in ROWS])  # fmt: skip
def test_each_row_goes_to_its_own_metric(
    db: Database, store: Store, name: str, campaign: str, day: str,
    conversions: float | None, leads: float | None, clicks: float | None,
    kept: tuple[str, str] | None,
) -> None:  # fmt: skip
    service.run(store, (FIXTURES / name).read_bytes(), name)
    row = sql.one(
        db,
        "SELECT conversions, leads, clicks, extra, result_type FROM metric_fact "
        "WHERE source_campaign = ? AND date = ?",
        [campaign, day],
    )
    assert row is not None
    assert row[:3] == (conversions, leads, clicks)
    # The indicator is the fact's result type, as the file wrote it, not an additional value.
    assert row[4] == indicator_cell(name, campaign, day)
    extra = dict(row[3] or {})
    assert set(extra) == ({kept[0]} if kept else set())
    if kept:
        assert extra[kept[0]] == kept[1]


def indicator_cell(name: str, campaign: str, day: str) -> str | None:
    """Return the result indicator cell of a fixture's row (None where it is empty)."""
    raw = (FIXTURES / name).read_bytes()
    text = raw.decode("utf-8-sig") if name == EN else raw.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text), delimiter="," if name == EN else ";"))
    column = rows[0].index("Result indicator" if name == EN else "Ergebnisindikator")
    days = {day, ".".join(reversed(day.split("-")))}
    found = [r[column] for r in rows[1:] if r[0] == campaign and r[2] in days]
    assert len(found) == 1
    return found[0] or None


@pytest.mark.parametrize(("lang", "kept", "mixed"), [
    ("en", "The Results of 2 rows count Link-Klicks: no metric of the tool holds them here (or "
           "the file's own column already does), so they are kept as additional values under "
           "that name and not counted as conversions. Nothing to do unless you want them as a "
           "metric: then add their own column to the export.",
     "Results of different kinds add up in one metric: Frühjahr Shop (conversions: Käufe, "
     "Leads). Check that they belong together before you compare these campaigns, or export "
     "each kind as its own column."),
    ("de", "Die Ergebnisse von 2 Zeilen zählen Link-Klicks: Keine Kennzahl des Tools nimmt sie "
           "hier auf (oder die eigene Spalte der Datei enthält sie schon), deshalb bleiben sie "
           "als zusätzliche Werte unter diesem Namen erhalten und zählen nicht als Conversions. "
           "Nichts zu tun, außer Sie möchten sie als Kennzahl: Dann nehmen Sie ihre eigene "
           "Spalte in den Export auf.",
     "Ergebnisse verschiedener Art summieren sich in einer Kennzahl: Frühjahr Shop "
     "(conversions: Käufe, Leads). Prüfen Sie, ob sie zusammengehören, bevor Sie diese "
     "Kampagnen vergleichen, oder exportieren Sie jede Art als eigene Spalte."),
])  # fmt: skip
def test_the_summary_says_what_was_kept_and_what_was_mixed(
    store: Store, lang: str, kept: str, mixed: str
) -> None:
    summary = service.run(store, (FIXTURES / DE).read_bytes(), DE, dry_run=True)
    texts = {n.key: t(n.key, lang, **n.values) for n in summary.notices}
    assert texts["import.warn.results_kept"] == kept
    assert texts["import.warn.results_mixed"] == mixed
    assert summary.notices[-3].values == {"rows": 1, "label": "Ergebnisse"}


@pytest.mark.parametrize(("name", "conversions", "said"), [
    # No indicator column: today's reading, and the summary says why.
    ("meta_de_berichtsstart.csv", 19, True),
    ("meta_cs_iso8859_2.csv", 26, True),
    # Indicators that all name purchases: nothing to say.
    ("meta_en.csv", 133, False),
    # No Results column at all.
    ("tiktok.csv", 32, False),
])  # fmt: skip
def test_results_without_an_indicator_are_conversions_and_the_summary_says_so(
    store: Store, name: str, conversions: float, said: bool
) -> None:
    summary = service.run(store, (FIXTURES / name).read_bytes(), name)
    assert summary.totals["conversions"] == conversions
    assert ("import.warn.results_unnamed" in [n.key for n in summary.notices]) is said
    assert not [n.key for n in summary.notices if n.key.startswith("import.warn.results_")
                and n.key != "import.warn.results_unnamed"]  # fmt: skip


def test_a_later_export_replaces_and_undo_gives_back_routed_results(
    db: Database, store: Store
) -> None:
    service.run(store, (FIXTURES / EN).read_bytes(), EN)
    later = (
        (FIXTURES / EN).read_bytes().replace(b",150,actions:link_click", b",160,actions:link_click")
    )
    second = service.run(store, later, "later.csv")
    assert (second.new_rows, second.replaced_rows, second.unchanged_rows) == (0, 1, 8)
    switcher = (
        "SELECT sum(clicks), sum(conversions) FROM metric_fact WHERE source_campaign = 'Switcher'"
    )
    assert sql.one(db, switcher) == (160, 6)
    store.undo_import(second.import_id or "")
    assert sql.one(db, switcher) == (150, 6)


def test_results_never_count_in_a_metric_the_file_has_its_own_column_for(
    db: Database, store: Store
) -> None:
    # The store refuses a plan that would count link-click results in clicks beside the file's
    # Link-Klicks column, and writes nothing.
    data = (FIXTURES / DE).read_bytes()
    with prepare(data, DE) as p:
        plan = p.read_plan()
        assert plan.results is not None and "clicks" not in plan.results.metrics
        routes = (*plan.results.routes, (("clicks",), ("link-klicks",)))
        twice = replace(plan, results=replace(plan.results, routes=routes))
        with pytest.raises(InvalidInput, match="twice: clicks"):
            store.import_file(twice)
    assert store.fact_count() == 0


def test_every_indicator_counts_in_base_metrics_and_reads_in_any_case() -> None:
    assert {m for ms in INDICATORS.values() for m in ms} <= set(BASE_METRICS)
    # Each indicator is found as written and as the reader normalises it.
    assert all(normalise(k) in INDICATORS for k in INDICATORS)


SPELLED = b"""Campaign name,Reporting starts,Reporting ends,Amount spent (EUR),Link clicks,Results,Result indicator
A,2026-11-02,2026-11-02,10.00,40,3, Purchases
A,2026-11-03,2026-11-03,10.00,50,2,LEADS
B,2026-11-02,2026-11-02,10.00,60,60,Actions:Link_Click
B,2026-11-03,2026-11-03,10.00,70,5,offsite_conversion.fb_pixel_purchase
"""


def test_indicators_are_read_whatever_their_case_spaces_or_prefix(store: Store) -> None:
    # Spaces around, capitals, the action type without "actions:": all found in the table. The
    # link clicks stay in extra beside the file's Link clicks column.
    summary = service.run(store, SPELLED, "spelled.csv")
    assert summary.totals == {"spend": 40.0, "clicks": 220.0, "conversions": 10.0, "leads": 2.0}
    kept = [n.values for n in summary.notices if n.key == "import.warn.results_kept"]
    assert kept == [{"rows": 1, "indicators": "Actions:Link_Click"}]


@pytest.mark.parametrize(
    ("alias", "linked"),
    [(None, None), (Alias("spring sale", "meta"), "Spring Sale"),
     (Alias("Spring Sale", "tiktok"), None), (Alias("SWITCHER", None), "Switcher")],
    ids=["none", "same-platform", "other-platform", "any-platform"],
)  # fmt: skip
def test_unlinked_names_of_a_results_file_follow_the_alias_rule(
    db: Database, store: Store, alias: Alias | None, linked: str | None
) -> None:
    # A file whose results are routed finds its unlinked names in the scan that counts its
    # results: the names must be those of the rule every other import uses.
    if alias is not None:
        store.create_campaign("Linked", aliases=(alias,))
    summary = service.run(store, (FIXTURES / EN).read_bytes(), EN)
    assert summary.unlinked == store.unlinked_sources(summary.import_id or "")
    names = {r[0] for r in sql.rows(db, "SELECT DISTINCT source_campaign FROM metric_fact")}
    assert set(summary.unlinked) == names - {"", linked}
