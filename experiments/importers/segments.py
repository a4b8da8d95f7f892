"""Breakdown and id columns (segments): each label, in every language an export comes in, and
the one name it has in a fact's key, in the order those names stand in the key.

The registry's entries take their segment columns from the tables here (``roles``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from experiments.import_models import ColumnRole
from experiments.import_models import header_key as normalise

SEGMENT = ColumnRole.SEGMENT.value

# Breakdown and id columns, by their label in each language → the segment's one name, so the
# same breakdown reads alike in the key whichever language the export was made in. Meta's names
# follow Ads Manager's Breakdown menu (By delivery: Age, Gender, Country, Region, Platform,
# Placement, Device platform, Impression device; By time: Time of day) and the columns its ad-level
# reports add (Ad ID, Ad set ID, Campaign ID); the German labels are those of the German Ads
# Manager as far as public screenshots show them, the rest inferred from its wording.
META_EN = {
    "Age": "Age",
    "Gender": "Gender",
    "Country": "Country",
    "Region": "Region",
    "Platform": "Platform",
    "Placement": "Placement",
    "Device platform": "Device platform",
    "Impression device": "Impression device",
    "Time of day (ad account time zone)": "Time of day",
    "Time of day (viewer's time zone)": "Time of day (viewer)",
    "Campaign ID": "Campaign ID",
    "Ad set ID": "Ad set ID",
    "Ad ID": "Ad ID",
}
META_DE = {
    "Alter": "Age",
    "Geschlecht": "Gender",
    "Land": "Country",
    "Region": "Region",
    "Plattform": "Platform",
    "Platzierung": "Placement",
    "Geräteplattform": "Device platform",
    "Impression-Gerät": "Impression device",
    "Tageszeit (Zeitzone des Werbekontos)": "Time of day",
    "Tageszeit (Zeitzone des Betrachters)": "Time of day (viewer)",
    "Kampagnen-ID": "Campaign ID",
    "Anzeigengruppen-ID": "Ad set ID",
    "Anzeigen-ID": "Ad ID",
}
# Google Ads: the Device and Network segments of its reports (Segment → Device / Network
# (with search partners)); the API calls the latter ad_network_type.
GOOGLE_EN = {
    "Device": "Device",
    "Network (with search partners)": "Network",
    "Network": "Network",
    "Campaign ID": "Campaign ID",
    "Ad group ID": "Ad group ID",
}
GOOGLE_DE = {
    "Gerät": "Device",
    "Werbenetzwerk (mit Suchnetzwerk-Partnern)": "Network",
    "Werbenetzwerk": "Network",
    "Kampagnen-ID": "Campaign ID",
    "Anzeigengruppen-ID": "Ad group ID",
}
# LinkedIn Campaign Manager's demographics breakdowns (Demographics tab, "Member …" pivots).
LINKEDIN = {
    "Job Function": "Job function",
    "Job Seniority": "Job seniority",
    "Industry": "Industry",
    "Company Size": "Company size",
    "Location": "Location",
    "Country/Region": "Country",
}
SEGMENT_NAMES: Mapping[str, str] = MappingProxyType({
    normalise(label): name
    for table in (META_EN, META_DE, GOOGLE_EN, GOOGLE_DE,
                  LINKEDIN)
    for label, name in table.items()
})  # fmt: skip


# The order of segment names in a fact's segment text, whatever the order of the file's columns:
# "Age=18-24 · Gender=female" from a file with Gender first, too, so both exports share keys.
_SEGMENT_ORDER = {name: i for i, name in enumerate(dict.fromkeys(SEGMENT_NAMES.values()))}


def segment_name(label: str) -> str:
    """Return the one name of a segment column (a saved mapping's label as it is written)."""
    return SEGMENT_NAMES.get(normalise(label), label.strip())


def segment_order(name: str) -> tuple[int, str]:
    """Return the sort key of a segment name: the registry's order, then other names by name."""
    return _SEGMENT_ORDER.get(name, len(_SEGMENT_ORDER)), name


def roles(table: Mapping[str, str]) -> dict[str, str]:
    """Return a table's labels as columns of a dialect: each one a segment column."""
    return dict.fromkeys(table, SEGMENT)
