"""Where the weekday mix alone moves a metric, the command line, the report and the compare page
show the weekday-adjusted change with the raw one beside it, in English and German."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from experiments import display
from experiments.db import Database
from experiments.models import Alias, Phase
from experiments.reports import build_report
from experiments.store import Store
from tests.apptest import app, assert_clean
from tests.cli_runner import run_cli as cli
from tests.factories import make_cycle
from tests.test_compare import record
from tests.test_day_model import MONDAY, SATURDAY, rhythm

# Nine days from a Saturday against twelve from a Monday, the same CTR on each weekday.
FIRST, SECOND = rhythm(SATURDAY, 9), rhythm(MONDAY, 12)
RAW = (SECOND.clicks.sum() / SECOND.impressions.sum()) / (
    FIRST.clicks.sum() / FIRST.impressions.sum()
) - 1


@pytest.fixture
def mixed(db_path: Path) -> Path:
    db = Database.open(db_path)
    store = Store(db)
    campaign = store.create_campaign("Rhythm", aliases=(Alias("rhythm"),))
    first = make_cycle(store, campaign, 1, Phase.CLOSED, date(2026, 3, 7), date(2026, 3, 15))
    make_cycle(store, campaign, 2, Phase.CAMPAIGN, date(2026, 3, 16), date(2026, 3, 27),
               previous_id=first.id)  # fmt: skip
    facts = pd.concat([FIRST, SECOND], ignore_index=True).assign(
        platform="meta", source_campaign="rhythm", variant=""
    )
    facts["date"] = facts["date"].dt.date
    store.insert_facts(record("rhythm.csv", facts), facts)
    db.close()
    return db_path


def test_the_json_row_says_adjusted_and_carries_the_raw_change(mixed: Path) -> None:
    code, out, err = cli("compare", "Rhythm", "--cycles", "1", "2", "--json")
    assert (code, err) == (0, "")
    ctr = next(m for m in json.loads(out)["metrics"] if m["metric"] == "ctr")
    assert ctr["adjusted"] is True and ctr["significant"] is False
    assert ctr["rel_change"] == pytest.approx(0, abs=1e-6)
    assert ctr["raw_rel_change"] == pytest.approx(RAW) and RAW > 0.1


@pytest.mark.parametrize(("lang", "words"), [("en", "{c} weekday-adjusted (raw {r})"),
                                             ("de", "{c} wochentagsbereinigt (unbereinigt {r})")])  # fmt: skip
def test_the_report_shows_the_raw_change_beside_the_adjusted_one(
    mixed: Path, lang: str, words: str
) -> None:
    db = Database.open(mixed)
    html = build_report(Store(db), "Rhythm", lang=lang, today=date(2026, 3, 28))
    db.close()
    change = display.format_relative(0.0, lang)
    assert words.format(c=change, r=display.format_relative(RAW, lang)) in html


def test_the_compare_page_and_the_cli_show_it_too(mixed: Path) -> None:
    at = app("views/compare.py")
    assert_clean(at)
    table = at.dataframe[0].value.set_index("Metric")
    shown = f"{display.format_relative(0.0, 'en')} weekday-adjusted (raw {display.format_relative(RAW, 'en')})"
    assert table.loc["CTR", "Change, weekday-adjusted"] == shown
    assert shown in table.loc["CTR", "Reading"]
    code, out, _ = cli("compare", "Rhythm", "--cycles", "1", "2")
    assert code == 0 and shown in next(
        line for line in out.splitlines() if line.startswith("CTR\t")
    )
