"""Link suggestions after an import: a source campaign not linked yet whose name is a tracker
campaign's name or one of its aliases, on a real database; the command line's output and the
one-click link on the import page."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from experiments import imports_view as iv
from experiments.db import Database
from experiments.importers import service
from experiments.link_suggestions import Matched, accept, suggest, suggest_for_import
from experiments.models import Alias
from experiments.safe_text import escape_markdown
from experiments.store import Store
from tests.apptest import app, assert_clean, shown
from tests.cli_runner import run_cli
from tests.conftest import FIXTURES
from tests.factories import make_campaign

HOSTILE = "**Sale** <img src=x onerror=alert(1)> [x](http://127.0.0.1:9/) =1+1"
RAW_LINK = "](http://"  # a Markdown link as written; escaped, its brackets carry backslashes


@pytest.fixture
def campaigns(store: Store) -> Store:
    make_campaign(store, "Herbst Looks")
    make_campaign(store, "Sommer", aliases=(Alias("Summer Sale", "meta"),))
    make_campaign(store, "Winter", aliases=(Alias("winter promo"),))  # every platform
    make_campaign(store, "Frühling")  # the ü as one character
    make_campaign(store, "Black Friday")
    make_campaign(store, "Cyber Week", aliases=(Alias("BLACK FRIDAY", "meta"),))
    make_campaign(store, "Ostern", aliases=(Alias("Ostern", "google_ads"),))
    make_campaign(store, HOSTILE)
    return store


# (source campaign of a TikTok import, the suggestion: (campaign, how) or None)
CASES = {
    "the same name": ("Herbst Looks", ("Herbst Looks", Matched.NAME)),
    "another case": ("HERBST LOOKS", ("Herbst Looks", Matched.NAME)),
    "spaces around it": ("  herbst looks\u00a0", ("Herbst Looks", Matched.NAME)),
    "an alias of another platform, another case": ("SUMMER SALE", ("Sommer", Matched.ALIAS)),
    "the name and an alias of one campaign": ("ostern", ("Ostern", Matched.NAME)),
    "the accent typed as its own character": ("Fru\u0308hling", ("Frühling", Matched.NAME)),
    "a hostile name, in another case": (HOSTILE.upper(), (HOSTILE, Matched.NAME)),
    "linked already (an alias for every platform)": ("Winter Promo", None),
    "a name no campaign has": ("Herbst", None),
    "a zero-width space inside": ("Herbst\u200b Looks", None),
    "a look-alike letter (Cyrillic Е)": ("H\u0435rbst Looks", None),
    "a right-to-left override": ("\u202eHerbst Looks", None),
    "SQL wildcards": ("Herbst%", None),
    "SQL wildcards, one letter": ("Herbst_Looks", None),
    "empty": ("   ", None),
}


@pytest.mark.parametrize("case", CASES)
def test_a_source_campaign_gets_a_suggestion_only_for_one_equal_name(
    campaigns: Store, case: str
) -> None:
    source, expected = CASES[case]
    found = suggest(campaigns, "tiktok", [source])
    got = found.link_for(source)
    assert (None if got is None else (got.campaign, got.matched)) == expected
    assert found.ambiguous == ()
    if got is not None:
        assert (got.source, got.platform) == (source, "tiktok")


def test_a_name_of_two_campaigns_gets_no_suggestion_and_says_which(campaigns: Store) -> None:
    # One campaign is named so, another has it as its Meta name: linking it to either is a guess.
    found = suggest(campaigns, "tiktok", ["black friday", "Herbst Looks"])
    assert found.link_for("black friday") is None
    unclear = found.ambiguity("black friday")
    assert unclear is not None and unclear.campaigns == ("Black Friday", "Cyber Week")
    assert unclear.as_json() == {"source": "black friday",
                                 "campaigns": ["Black Friday", "Cyber Week"],
                                 "reason": "the name leads to several campaigns"}  # fmt: skip
    assert [s.source for s in found.links] == ["Herbst Looks"]


def test_an_alias_of_this_platform_is_linked_already(campaigns: Store) -> None:
    assert suggest(campaigns, "meta", ["summer sale"]).links == ()
    assert suggest(campaigns, "META", ["summer sale"]).links == ()


def test_no_campaigns_no_suggestions(store: Store) -> None:
    found = suggest(store, "tiktok", ["Herbst Looks"])
    assert (found.links, found.ambiguous) == ((), ())


def test_after_an_import_the_suggested_link_counts_its_facts(store: Store) -> None:
    make_campaign(store, "herbst looks")
    done = service.run(store, (FIXTURES / "tiktok.csv").read_bytes(), "tiktok.csv")
    assert done.import_id is not None
    (found,) = suggest_for_import(store, done.import_id).links
    assert (found.source, found.platform, found.campaign) == ("Herbst Looks", "tiktok",
                                                              "herbst looks")  # fmt: skip
    campaign = store.campaign_by_name("herbst looks")
    assert store.campaign_spend(campaign.id, None, None) is None  # not linked before
    assert accept(store, found).aliases == (Alias("Herbst Looks", "tiktok"),)
    assert store.campaign_spend(campaign.id, None, None) == pytest.approx(done.totals["spend"])
    assert store.unlinked_sources(done.import_id) == ()
    assert suggest_for_import(store, done.import_id).links == ()
    assert store.audit_log("campaign")[0].action == "alias"


def test_the_command_line_lists_suggestions_and_the_command_that_links(db_path: Path) -> None:
    tiktok = str(FIXTURES / "tiktok.csv")
    assert run_cli("campaign", "add", "HERBST LOOKS")[0] == 0
    code, out, err = run_cli("import", tiktok, "--dry-run", "--json")
    assert code == 0, err
    document = json.loads(out)
    (link,) = document["link_suggestions"]
    command = "campaign link 'HERBST LOOKS' 'Herbst Looks' --platform tiktok"
    assert {k: link[k] for k in ("source", "platform", "campaign", "matched", "command")} == {
        "source": "Herbst Looks", "platform": "tiktok", "campaign": "HERBST LOOKS",
        "matched": "name", "command": command,
    }  # fmt: skip
    assert document["link_ambiguous"] == []
    code, _, err = run_cli("import", tiktok)
    assert code == 0
    assert (
        "warning: Herbst Looks has the name of the campaign HERBST LOOKS but is not linked to "
        f"it; if it belongs there, link it: {command}"
    ) in err.splitlines()
    code, out, err = run_cli(*shlex.split(command))
    assert (code, out, err) == (
        0, "Herbst Looks now counts for the campaign HERBST LOOKS (tiktok).\n", "",
    )  # fmt: skip
    db = Database.open(db_path)
    try:
        campaign = Store(db).campaign_by_name("herbst looks")
    finally:
        db.close()
    assert campaign.aliases == (Alias("Herbst Looks", "tiktok"),)


def test_the_command_line_says_why_a_name_of_two_campaigns_gets_no_suggestion(
    db_path: Path,
) -> None:
    run_cli("campaign", "add", "Herbst Looks")
    run_cli("campaign", "add", "Autumn", "--alias", "meta:herbst looks")
    code, _, err = run_cli("import", str(FIXTURES / "tiktok.csv"), "--dry-run")
    assert code == 0
    assert (
        "warning: Herbst Looks is the name or a platform name of several campaigns (Autumn, "
        "Herbst Looks); no link is suggested because it could belong to any of them — link it "
        "to the right one with: campaign link CAMPAIGN 'Herbst Looks'"
    ) in err.splitlines()


def test_the_command_line_names_an_alias_match_as_such(db_path: Path) -> None:
    run_cli("campaign", "add", "Autumn", "--alias", "meta:herbst looks")
    code, _, err = run_cli("import", str(FIXTURES / "tiktok.csv"), "--dry-run")
    assert code == 0
    assert (
        "warning: Herbst Looks matches a platform name of the campaign Autumn but is not linked "
        "for tiktok; if it belongs there, link it: "
        "campaign link Autumn 'Herbst Looks' --platform tiktok"
    ) in err.splitlines()


def test_campaign_link_refuses_an_unknown_campaign_and_writes_nothing(db_path: Path) -> None:
    code, out, err = run_cli("campaign", "link", "Nope", "Herbst Looks")
    assert (code != 0, out) == (True, "")
    assert err == "error: no campaign named 'Nope' (there are no campaigns yet)\n"


def test_the_import_page_links_a_suggested_campaign_with_one_click(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        make_campaign(Store(db), HOSTILE)
        make_campaign(Store(db), "herbst looks")
    finally:
        db.close()
    at = app("views/imports.py")
    data = (FIXTURES / "tiktok.csv").read_bytes()
    at.get("file_uploader")[0].set_value(("tiktok.csv", data, "text/csv"))
    at.run().button(key="import_run").click().run()
    assert_clean(at)
    button = at.button(key="last_suggest_0")
    assert shown(button.label) == "Link to herbst looks"
    assert any(
        shown(c.value).startswith("Suggested: the campaign herbst looks has this name. One click")
        for c in at.caption
    )
    button.click().run()
    assert_clean(at)
    assert shown(at.success[0].value) == "Herbst Looks now counts for the campaign herbst looks."
    assert not any(b.key == "last_suggest_0" for b in at.button)
    db = Database.open(db_path)
    try:
        linked = Store(db).campaign_by_name("herbst looks").aliases
    finally:
        db.close()
    assert linked == (Alias("Herbst Looks", "tiktok"),)


def test_the_page_shows_a_hostile_name_in_a_suggestion_as_text(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        make_campaign(Store(db), HOSTILE)
    finally:
        db.close()
    data = (FIXTURES / "tiktok.csv").read_bytes().replace(b"Herbst Looks", HOSTILE.lower().encode())
    at = app("views/imports.py")
    at.get("file_uploader")[0].set_value(("hostile.csv", data, "text/csv"))
    at.run()
    assert_clean(at)
    label = at.button(key="preview_suggest_0").label
    assert label == f"Link to {escape_markdown(HOSTILE)}"
    captions = [c.value for c in at.caption if c.value.startswith("Suggested:")]
    assert captions and all(RAW_LINK not in c for c in captions)
    assert escape_markdown(HOSTILE) in captions[0]


def test_the_page_suggests_in_german(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        make_campaign(Store(db), "Autumn", aliases=(Alias("HERBST LOOKS", "meta"),))
    finally:
        db.close()
    at = app("views/imports.py")
    at.sidebar.selectbox(key="lang").set_value("de").run()
    data = (FIXTURES / "tiktok.csv").read_bytes()
    at.get("file_uploader")[0].set_value(("tiktok.csv", data, "text/csv"))
    at.run()
    assert shown(at.button(key="preview_suggest_0").label) == "Zu Autumn zuordnen"
    assert any(
        shown(c.value).startswith("Vorschlag: Die Kampagne Autumn trägt diesen Namen als "
                                  "Plattformnamen")
        for c in at.caption
    )  # fmt: skip
    at.button(key="preview_suggest_0").click().run()
    assert shown(at.success[0].value) == "Herbst Looks zählt jetzt für die Kampagne Autumn."


def test_the_page_names_the_campaigns_of_an_ambiguous_name(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        make_campaign(Store(db), "Herbst Looks")
        make_campaign(Store(db), "Autumn", aliases=(Alias("HERBST LOOKS", "meta"),))
    finally:
        db.close()
    at = app("views/imports.py")
    data = (FIXTURES / "tiktok.csv").read_bytes()
    at.get("file_uploader")[0].set_value(("tiktok.csv", data, "text/csv"))
    at.run()
    assert not any(b.key.startswith("preview_suggest") for b in at.button if b.key)
    assert (
        "No link suggested: this name is the name or a platform name of several campaigns "
        "(Autumn, Herbst Looks), so it could belong to any of them. Choose the one it belongs "
        "to beside it."
    ) in [shown(c.value) for c in at.caption]


def test_the_preview_carries_the_suggestions(campaigns: Store) -> None:
    data = (FIXTURES / "tiktok.csv").read_bytes()
    view = iv.preview(campaigns, data, "tiktok.csv", platform=None, sheet=None, upload_id="1")
    assert [(s.source, s.campaign) for s in view.suggestions.links] == [
        ("Herbst Looks", "Herbst Looks")
    ]
