"""AppTest smoke over every page listed in dashboard.py, on an empty and on the demo database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from experiments.db import Database
from experiments.store import Store
from tests.apptest import DASHBOARD, app, assert_clean, shown


def listed_pages() -> list[str]:
    """The page scripts in dashboard.py's PAGES table (views/<key>.py), read from its source."""
    tree = ast.parse(DASHBOARD.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PAGES":
            return [f"views/{key}.py" for key in ast.literal_eval(node.value)]
    raise AssertionError("dashboard.py has no PAGES table")


PAGES = listed_pages()


def test_every_listed_page_exists() -> None:
    root = DASHBOARD.parent
    assert PAGES and all((root / p).is_file() for p in PAGES)


def test_each_page_opens_straight_on_its_own(db_path: Path) -> None:
    # app(page) opens a page without running the overview first; were the switch lost, every
    # page would show the overview's title.
    titles = [app(page).title[0].value for page in PAGES]
    assert len(set(titles)) == len(PAGES), titles


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_an_empty_database(db_path: Path, page: str) -> None:
    assert_clean(app(page))


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_demo_workspace(demo_db: Path, page: str) -> None:
    assert_clean(app(page))


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_german(demo_db: Path, page: str) -> None:
    # English is the default, which test_page_renders_on_the_demo_workspace covers.
    at = app()
    at.sidebar.selectbox(key="lang").set_value("de").run()
    at.switch_page(page).run()
    assert_clean(at)
    assert at.sidebar.selectbox(key="lang").value == "de"


def test_empty_state_offers_the_demo_and_loads_it(db_path: Path) -> None:
    at = app()
    assert [i.value for i in at.info] == [
        "No campaigns yet. Load the demo workspace to look around, or create your first campaign."
    ]
    at.button(key="load_demo").click().run()
    assert_clean(at)
    assert [s.value for s in at.success] == ["The demo workspace is loaded."]
    assert not at.info or "No campaigns yet" not in at.info[0].value
    db = Database.open(db_path)
    names = sorted(c.name for c in Store(db).campaigns())
    db.close()
    assert names == ["Community Care", "Employer Branding", "Spring Sale"]


def test_empty_state_creates_a_campaign(db_path: Path) -> None:
    at = app()
    at.text_input(key="new_campaign_name").input("Autumn Launch")
    at.text_input(key="new_campaign_channels").input("Meta, TikTok")
    at.button(key="FormSubmitter:create_campaign-Create campaign").click().run()
    assert_clean(at)
    assert [s.value for s in at.success] == ["Campaign 'Autumn Launch' created."]


def test_empty_state_refuses_an_empty_name(db_path: Path) -> None:
    at = app()
    at.button(key="FormSubmitter:create_campaign-Create campaign").click().run()
    assert [shown(e.value) for e in at.error] == ["the campaign name must not be empty"]


def test_language_switch_translates_the_page(db_path: Path) -> None:
    at = app()
    at.sidebar.selectbox(key="lang").set_value("de").run()
    assert at.title[0].value == "Übersicht"
    assert at.button(key="load_demo").label == "Demo-Arbeitsbereich laden"


def test_campaign_page_offers_its_report(demo_db: Path) -> None:
    at = app("views/campaigns.py")
    assert_clean(at)
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Download report (HTML)"]


def test_the_smoke_check_fails_on_an_error_box_and_on_an_exception() -> None:
    # A page that only shows an error box has not rendered what it is for: the check says so.
    boxed = AppTest.from_string("import streamlit as st\nst.error('no database')").run()
    with pytest.raises(AssertionError, match="no database"):
        assert_clean(boxed)
    raised = AppTest.from_string("raise ValueError('broken page')").run()
    # client.showErrorDetails is "none": Streamlit itself redacts the message to users.
    with pytest.raises(AssertionError, match="original error message is redacted"):
        assert_clean(raised)
    assert_clean(AppTest.from_string("import streamlit as st\nst.write('fine')").run())
