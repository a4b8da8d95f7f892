"""What Meta's "Results" count, by the result indicator beside them: one table, data only.

Meta Ads Manager's ``Results`` column counts whatever each campaign or ad set optimises for; the
``Result indicator`` column (older exports: ``Result type``; German ``Ergebnisindikator`` /
``Ergebnistyp``) names it, either as the Marketing API's action type
(``actions:offsite_conversion.fb_pixel_purchase``, ``actions:link_click``, ``reach``,
``profile_visit_view`` …) or in words ("Purchases", "Link clicks", German "Käufe").

Sources of the names below: Meta's Marketing API reference, "Ads Action Stats" (the action
types: offsite_conversion.fb_pixel_*, omni_*, onsite_conversion.*, leadgen.*, link_click,
video_view, post_engagement); Meta Ads Manager CSV exports as public importers and their test
files reproduce them (raw forms ``actions:link_click``, ``reach``, ``profile_visit_view``,
``actions:post_engagement``, ``actions:leadgen.other``, ``actions:onsite_conversion.lead_grouped``,
``actions:onsite_conversion.messaging_conversation_started_7d``,
``actions:omni_landing_page_view``, ``estimated_ad_recallers``; words "Purchases", "Website
purchases", "Leads (form)", "Link clicks", "Post engagement", "Registrations", "Messaging
conversations started"). The German words are the labels of the German Ads Manager's own columns
(Käufe, Link-Klicks, Reichweite, Beitragsinteraktionen, 3-Sekunden-Videowiedergaben); those for
adds to cart, registrations and checkouts are inferred from its wording, not seen in a file.

An indicator counts toward ``conversions`` only when it is a conversion (purchases, leads,
registrations, adds to cart, checkouts …, DESIGN "Canonical metrics"); leads count toward
``leads`` too. Link clicks, reach, 3-second video plays and post engagement go to their own
metric; everything else (profile visits, landing page views, messaging conversations, ThruPlays,
ad recall …) has no canonical metric and is kept in ``extra`` under the indicator's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

CONVERSION = ("conversions",)
LEAD = ("conversions", "leads")
LINK_CLICK = ("clicks",)
REACH = ("reach",)
VIDEO_VIEW = ("video_views",)
POST_ENGAGEMENT = ("engagements",)
# Known, but no canonical metric holds them: kept in extra under the indicator's name.
NO_METRIC: tuple[str, ...] = ()

# The Marketing API's action types; an export may write them with or without "actions:".
_ACTION_TYPES: dict[str, tuple[str, ...]] = {
    "offsite_conversion.fb_pixel_purchase": CONVERSION,
    "omni_purchase": CONVERSION,
    "purchase": CONVERSION,
    "onsite_conversion.purchase": CONVERSION,
    "onsite_web_purchase": CONVERSION,
    "offsite_conversion.fb_pixel_add_to_cart": CONVERSION,
    "omni_add_to_cart": CONVERSION,
    "add_to_cart": CONVERSION,
    "offsite_conversion.fb_pixel_complete_registration": CONVERSION,
    "omni_complete_registration": CONVERSION,
    "complete_registration": CONVERSION,
    "offsite_conversion.fb_pixel_initiate_checkout": CONVERSION,
    "omni_initiated_checkout": CONVERSION,
    "initiate_checkout": CONVERSION,
    "offsite_conversion.fb_pixel_add_payment_info": CONVERSION,
    "offsite_conversion.fb_pixel_subscribe": CONVERSION,
    "offsite_conversion.fb_pixel_start_trial": CONVERSION,
    "lead": LEAD,
    "offsite_conversion.fb_pixel_lead": LEAD,
    "onsite_conversion.lead_grouped": LEAD,
    "onsite_conversion.lead": LEAD,
    "leadgen.other": LEAD,
    "leadgen_grouped": LEAD,
    "link_click": LINK_CLICK,
    "reach": REACH,
    "video_view": VIDEO_VIEW,
    "post_engagement": POST_ENGAGEMENT,
    "profile_visit_view": NO_METRIC,
    "landing_page_view": NO_METRIC,
    "omni_landing_page_view": NO_METRIC,
    "onsite_conversion.messaging_conversation_started_7d": NO_METRIC,
    "video_thruplay_watched_actions": NO_METRIC,
    "estimated_ad_recallers": NO_METRIC,
    "page_engagement": NO_METRIC,
    "like": NO_METRIC,
    "click_to_call_native_call_placed": NO_METRIC,
}

# The same indicators in words, as the English and German Ads Manager write them.
_WORDS: dict[str, tuple[str, ...]] = {
    "Purchases": CONVERSION,
    "Purchase": CONVERSION,
    "Website purchases": CONVERSION,
    "Käufe": CONVERSION,
    "Kauf": CONVERSION,
    "Website-Käufe": CONVERSION,
    "Adds to cart": CONVERSION,
    "Website adds to cart": CONVERSION,
    "Hinzufügungen zum Warenkorb": CONVERSION,
    "Registrations": CONVERSION,
    "Registrations completed": CONVERSION,
    "Website registrations completed": CONVERSION,
    "Abgeschlossene Registrierungen": CONVERSION,
    "Checkouts initiated": CONVERSION,
    "Eingeleitete Bezahlvorgänge": CONVERSION,
    "Leads": LEAD,
    "Lead": LEAD,
    "Leads (form)": LEAD,
    "Website leads": LEAD,
    "Leads (Formular)": LEAD,
    "Website-Leads": LEAD,
    "Link clicks": LINK_CLICK,
    "Link click": LINK_CLICK,
    "Link-Klicks": LINK_CLICK,
    "Reach": REACH,
    "Reichweite": REACH,
    "3-second video plays": VIDEO_VIEW,
    "3-Sekunden-Videowiedergaben": VIDEO_VIEW,
    "Post engagement": POST_ENGAGEMENT,
    "Post engagements": POST_ENGAGEMENT,
    "Beitragsinteraktionen": POST_ENGAGEMENT,
    "Profile visits": NO_METRIC,
    "Landing page views": NO_METRIC,
    "Messaging conversations started": NO_METRIC,
    "ThruPlays": NO_METRIC,
}


def normalise(indicator: str) -> str:
    """Return an indicator as it is looked up: without spaces around it, in lower case (the
    reader's SQL does the same: ``lower(trim(…))``)."""
    return indicator.strip(" ").lower()


def _table() -> Mapping[str, tuple[str, ...]]:
    # Each indicator as written and normalised: the reader looks a cell up as it is first (no
    # text function on a million cells), and normalised only when that finds nothing.
    out: dict[str, tuple[str, ...]] = {}
    for action, metrics in _ACTION_TYPES.items():
        for written in (action, f"actions:{action}"):
            out[written] = out[normalise(written)] = metrics
    for words, metrics in _WORDS.items():
        out[words] = out[normalise(words)] = metrics
    return MappingProxyType(out)


# Every known indicator, as written and normalised → the metrics its results count in (none:
# kept in extra).
INDICATORS: Mapping[str, tuple[str, ...]] = _table()
