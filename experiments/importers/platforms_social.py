"""Registry entries whose rows are not per campaign: GA4 reports by channel group or by
source / medium, LinkedIn page analytics (one page per file), Meta Business Suite's Insights
charts (per network, named by the title line), and social-inbox tools (per profile; refused
where a row is a conversation or a rolling 30-day figure).

The dimension such a row carries is stored as the source name, and its kind stands in the
entry (``Platform.dimension``), so a goal over all campaigns or a channel can tell them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from experiments.import_models import NumberStyle
from experiments.importers.registry import (
    CAMPAIGN,
    DATE,
    DERIVED,
    TITLED,
    VARIANT,
    Platform,
    dialect,
)

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

# LinkedIn page analytics, Page admin view → Analytics → Updates (content) → Export: a workbook
# (.xls; an .xlsx or CSV when re-saved) whose "Metrics" sheet has one description line above
# the header and a row per day, the second sheet one row per post. Confirmed from public
# parsers of these exports (the header of the Metrics sheet below a note line; the columns
# Date, Impressions / Clicks / Reactions / Comments / Reposts, each (organic), (sponsored) and
# (total), Unique impressions (organic), Engagement rate (organic / sponsored / total); dates
# MM/DD/YYYY; file names "<page>_content_<number>"; older files say Shares for Reposts).
# Inferred: the wording of the note line.
# Only the totals are metrics: organic and sponsored are parts of them, and the unique
# impressions are organic only, so all of these stay additional values. Engagements are the
# total clicks, reactions, comments and reposts added up, each also kept on its own (what
# LinkedIn counts as engagements, as public explanations of its engagement rate say; the
# follows it also counts are not in the daily rows, so our rate may read a little lower).
# The rows name no page, and the page's name is only in the file name, which people change:
# every row is stored under the source name "LinkedIn page", to be linked to a campaign like any
# other name (two pages' exports of the same days therefore replace each other).
LINKEDIN_PAGE: Platform = Platform("linkedin_page", "LinkedIn page analytics", (
    dialect("en", {
        "Date": DATE, "Impressions (total)": "impressions", "Clicks (total)": "clicks",
        "Engagement rate (organic)": DERIVED, "Engagement rate (sponsored)": DERIVED,
        "Engagement rate (total)": DERIVED,
    }, [["Date", "Impressions (total)", "Clicks (total)"]], NumberStyle.EN, day_first=False,
        source_name="LinkedIn page", sums={"engagements": (
            "Clicks (total)", "Reactions (total)", "Comments (total)", "Reposts (total)",
            "Shares (total)")}),
), dimension="page")  # fmt: skip

# LinkedIn page analytics' two other downloads (Analytics → Followers / Visitors → Export, an
# .xls like the Updates one), confirmed from public parsers of these files: the Followers
# workbook's first sheet "New followers" has a row per day with Date (MM/DD/YYYY), Sponsored
# followers, Organic followers, Auto-invited followers and Total followers (the day's new
# followers of all three kinds); its other sheets (Location, Job function, Seniority, Industry,
# Company size) count the whole audience at export time and are not daily facts. The Visitors
# workbook's first sheet "Visitor metrics" has a row per day with page views and unique
# visitors per section (Overview, Life, Jobs, Careers …), each (desktop), (mobile) and (total),
# ending in Total page views and Total unique visitors. Stored: the day's new followers and
# total page views; the parts and the unique visitors (de-duplicated within a day, so never
# added across days) stay additional values. Each is a platform key of its own, so that the
# three downloads of the same days sit side by side instead of replacing each other; all three
# are stored under the source name "LinkedIn page". Inferred: whether a note line stands above
# the header (the header is found either way) and localized labels (English only here).
LINKEDIN_FOLLOWERS: Platform = Platform("linkedin_followers", "LinkedIn page followers", (
    dialect("en", {"Date": DATE, "Total followers": "new_followers"},
            [["Date", "Organic followers", "Total followers"]], NumberStyle.EN,
            day_first=False, source_name="LinkedIn page"),
), dimension="page")  # fmt: skip

LINKEDIN_VISITORS: Platform = Platform("linkedin_visitors", "LinkedIn page visitors", (
    dialect("en", {"Date": DATE, "Total page views (total)": "page_views"},
            [["Date", "Total page views (total)", "Total unique visitors (total)"]],
            NumberStyle.EN, day_first=False, source_name="LinkedIn page"),
), dimension="page")  # fmt: skip

# Meta Business Suite, Insights → a chart → Export: one CSV per chart, its layout as public data
# dictionaries and importers of Meta Business Suite downloads document it: UTF-16 LE with a BOM,
# Excel's "sep=," line, a title line naming the chart ("Facebook follows", "Instagram follows",
# "Views", "Viewers", "Content interactions", "Facebook visits", "Facebook link clicks" …), the
# header "Date","Primary" (the same for every chart and both networks) and a row per day dated
# "2026-01-01T00:00:00"; a follows chart has rows only for days with a new follow (a day
# without a row had none, and none is made up). Only the follows charts are stored, as each
# day's new followers of the network the title names. The other charts are refused
# (titles.py): views, viewers, visits and content interactions have no metric of their own
# here, and a page's reach and link clicks are not known to leave out those of its ads, so
# beside the campaigns' own they could be counted twice. The source name is the network, of
# the kind "page" as for LinkedIn's page analytics: the figures of the brand's own page and
# profile, not a row per inbox profile. Only the English titles are read (a localized
# download's titles, such as Portuguese "Alcance no Facebook", are not known for follows).
META_INSIGHTS: Platform = Platform("meta_insights", "Meta Business Suite insights", (
    dialect("en", {"Date": DATE, "Primary": TITLED}, [["Date", "Primary"]], NumberStyle.EN,
            day_first=False, titles={"Facebook follows": ("new_followers", "Facebook"),
                                     "Instagram follows": ("new_followers", "Instagram")}),
), dimension="page")  # fmt: skip

# Agorapulse, Reports → Community Management, exported as CSV ("CSV - global report, all the
# data", in Agorapulse's help on scheduled report exports): the metrics (replies, reviewed
# items, average response time, per profile and per day, and per team member) are those of
# Agorapulse's help page "Community Management Report explained" and of its reporting API
# (per date: the replies, reviews and average response time of each user). The column labels
# and their order are inferred. The average response time stays an additional value: averages
# cannot be combined across rows (as with Sprout's), and the unit of a plain number in the
# file is not documented.
AGORAPULSE: Platform = Platform("agorapulse", "Agorapulse community management report", (
    dialect("en", {"Date": DATE, "Profile": CAMPAIGN, "User": VARIANT,
                   "Team member": VARIANT, "Replies": "replies"},
            [["Date", "Profile", "Replies", "Average response time"]], NumberStyle.EN,
            day_first=False),
), dimension="profile")  # fmt: skip

# Meta Business Suite, Inbox → Insights → Export: per day the page's response rate and response
# time. Facebook's help text on a Page's response rate and response time (as public pages quote
# it) defines both over the 30 days before the last counted message (the response time is the
# average of the fastest 90 % of replies): each day carries a rolling 30-day figure, not that
# day's, so it can be neither summed nor compared between cycles as a daily fact: refused. The
# definitions are documented; the export's menu path, its labels and that its daily rows carry
# the rolling figures are inferred.
META_INBOX: Platform = Platform("meta_inbox", "Meta Business Suite inbox", (
    dialect("en", {"Date": DATE, "Response rate": DERIVED, "Response time": DERIVED},
            [["Date", "Response rate", "Response time"]], NumberStyle.EN, day_first=False),
), dimension="profile", refusal="rolling_window")  # fmt: skip
