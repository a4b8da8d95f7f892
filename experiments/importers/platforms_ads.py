"""Registry entries of ad platforms beyond the big three: Pinterest Ads and Snapchat Ads.

Each is one platform entry in the shape of ``registry``; ``registry.PLATFORMS`` lists them.
"""

from __future__ import annotations

from experiments.import_models import NumberStyle
from experiments.importers.registry import CAMPAIGN, DATE, DERIVED, VARIANT, Platform, dialect

# Pinterest Ads Manager, Reporting → Export: the metric names (Spend, Impressions, Pin clicks,
# Outbound clicks, CTR) are those of Pinterest's reporting-dashboard help page; the column
# labels of the exported file around them (spend "in account currency", the date column, the
# ad group and conversion columns) are inferred from the dashboard's table, not from a file.
PINTEREST: Platform = Platform("pinterest", "Pinterest Ads", (
    dialect("en", {
        "Campaign name": CAMPAIGN, "Ad group name": VARIANT, "Date": DATE,
        "Spend in account currency": "spend", "Impressions": "impressions",
        "Pin clicks": "clicks", "Total conversions": "conversions",
        "Total conversion value": "revenue", "Engagements": "engagements", "CTR": DERIVED,
        "CPC": DERIVED, "CPM": DERIVED, "Cost per result": DERIVED,
    }, [["Campaign name", "Date", "Spend in account currency"]], NumberStyle.EN,
        day_first=False),
))  # fmt: skip

# Snapchat Ads Manager, Manage Ads → Export: the fields (Campaign Name, Ad Squad Name, the day,
# Amount Spent, Paid Impressions, Swipe Ups, Purchases) are the reporting fields that
# Snapchat's Ads Manager and the public connectors built on its API name; their order and the
# file around them are inferred.
SNAPCHAT: Platform = Platform("snapchat", "Snapchat Ads", (
    dialect("en", {
        "Campaign Name": CAMPAIGN, "Ad Squad Name": VARIANT, "Ad Name": VARIANT, "Date": DATE,
        "Amount Spent": "spend", "Paid Impressions": "impressions", "Swipe Ups": "clicks",
        "Purchases": "conversions", "Purchase Value": "revenue", "Video Views": "video_views",
        "eCPM": DERIVED, "eCPSU": DERIVED, "Swipe Up Rate": DERIVED,
    }, [["Campaign Name", "Date", "Amount Spent", "Swipe Ups"]], NumberStyle.EN,
        day_first=False),
))  # fmt: skip
