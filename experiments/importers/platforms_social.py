"""Registry entries whose rows are not per campaign: GA4 reports by channel group or by
source / medium, and social-inbox tools (per profile, or one row per conversation, refused).

The dimension such a row carries is stored as the source name, and its kind stands in the
entry (``Platform.dimension``), so a goal over all campaigns or a channel can tell them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from experiments.import_models import NumberStyle
from experiments.importers.registry import CAMPAIGN, DATE, DERIVED, VARIANT, Platform, dialect

_GA4_METRICS: Mapping[str, str] = MappingProxyType({
    "Date": DATE, "Sessions": "sessions", "Engaged sessions": "engaged_sessions",
    "Key events": "conversions", "Total revenue": "revenue", "Engagement rate": DERIVED,
    "Average engagement time per session": DERIVED, "Events per session": DERIVED,
})  # fmt: skip


def _ga4(key: str, title: str, label: str, dimension: str) -> Platform:
    # Reports (Acquisition → Traffic acquisition, dimension picked in the table) and free-form
    # explorations export the same labels; explorations put "Grand total" in the last cell.
    return Platform(key, title, (
        dialect("en", {label: CAMPAIGN, **_GA4_METRICS}, [[label, "Date", "Sessions"]],
                NumberStyle.EN, day_first=False, totals=(r"Grand total",),
                totals_in_last_cell=True),
    ), dimension=dimension)  # fmt: skip


# GA4 Traffic acquisition with its primary dimension switched from campaign to the default
# channel group or to source / medium: the labels as the GA4 interface names the dimensions.
GA4_CHANNELS: Platform = _ga4(
    "ga4_channels",
    "Google Analytics 4 (channel groups)",
    "Session default channel group",
    "channel_group",
)
GA4_SOURCE_MEDIUM: Platform = _ga4(
    "ga4_source_medium",
    "Google Analytics 4 (source / medium)",
    "Session source / medium",
    "source_medium",
)

# Sprout Social, Reports → Inbox Activity / Team Report exported as CSV with a row per day and
# profile: the metric names (Total Replies, Average, Median, Quickest and Slowest Reply Time)
# are those of Sprout's report; the column order and the date form are inferred. The median is
# what we store; average, quickest and slowest cannot be combined across rows and stay as
# additional values.
_SPROUT = {
    "Date": DATE,
    "Total Replies": "replies",
    "Median Reply Time": "response_time_s",
}
SPROUT_SOCIAL: Platform = Platform("sprout_social", "Sprout Social inbox report", (
    dialect("en", {**_SPROUT, "Profile": CAMPAIGN, "Network": VARIANT},
            [["Date", "Profile", "Total Replies", "Median Reply Time"]], NumberStyle.EN,
            day_first=False),
    # The same report per network only: the network is the source name.
    dialect("en", {**_SPROUT, "Network": CAMPAIGN},
            [["Date", "Network", "Total Replies", "Median Reply Time"]], NumberStyle.EN,
            day_first=False),
), dimension="profile")  # fmt: skip

# Hootsuite Inbox 2.0, Analytics → Exports → Resolved conversations: one row per conversation
# (Conversation ID, Medium, Channel, Channel Display Name, Contact…, Created at), as Hootsuite's
# help page on Inbox 2.0 data exports defines it. Reply counts and reply times per day cannot
# be summed from such rows honestly (a conversation spans days and team members): refused.
HOOTSUITE_INBOX: Platform = Platform("hootsuite_inbox", "Hootsuite Inbox", (
    dialect("en", {"Created at": DATE, "Channel Display Name": CAMPAIGN,
                   "Conversation ID": VARIANT},
            [["Conversation ID", "Medium", "Channel"]], NumberStyle.EN, day_first=False),
), dimension="profile", refusal="per_conversation")  # fmt: skip
