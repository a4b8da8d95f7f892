"""The import page's list of names not linked yet says what the names are: campaigns, or the
dimension a platform's rows carry in the campaign's place (channel groups, profiles, pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import imports_view as iv
from experiments.i18n import LANGS, t
from experiments.importers.registry import PLATFORMS, dimension_kind
from tests.apptest import app, assert_clean, shown
from tests.conftest import FIXTURES


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_platform_has_a_heading_and_help_in_both_languages(platform: str, lang: str) -> None:
    heading, help_key = iv.unlinked_texts(platform)
    assert t(heading, lang)
    assert "«X»" in t(help_key, lang, platform="«X»")
    assert heading.endswith("." + dimension_kind(platform))
    assert help_key.endswith("." + dimension_kind(platform))


# (fixture, the heading over its names, the start of the help under it)
CASES = {
    "campaigns (TikTok)": (
        "tiktok.csv", "Campaigns not linked yet", "These TikTok Ads Manager campaign names"),
    "channel groups (GA4)": (
        "ga4_channels.csv", "Channel groups not linked yet",
        "These Google Analytics 4 (channel groups) channel groups"),
    "profiles (Sprout Social)": (
        "sprout_social.csv", "Profiles not linked yet",
        "These Sprout Social inbox report profiles"),
    "pages (LinkedIn page analytics)": (
        "linkedin_page.csv", "Pages not linked yet", "These LinkedIn page analytics pages"),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_the_import_page_names_what_is_not_linked(db_path: Path, case: str) -> None:
    fixture, heading, help_start = CASES[case]
    at = app("views/imports.py")
    data = (FIXTURES / fixture).read_bytes()
    at.get("file_uploader")[0].set_value((fixture, data, "text/csv"))
    at.run().button(key="import_run").click().run()
    assert_clean(at)
    assert heading in [shown(h.value) for h in at.subheader]
    assert any(shown(c.value).startswith(help_start) for c in at.caption)
