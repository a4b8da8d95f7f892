"""One registry entry per platform: how its export's header reads, and what each column means.

A platform is data, not code: its header labels (per language), the labels that identify it,
the number style and date habit of each language, and the rule for its totals rows. Adding a
platform is one entry here plus a fixture file. Saved mappings of generic exports become entries
of the same shape at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from experiments.import_models import (
    GENERIC_PREFIX,
    CellKind,
    ColumnRole,
    NumberStyle,
    SavedMapping,
)
from experiments.import_models import header_key as normalise
from experiments.importers import segments
from experiments.metrics import BASE_METRICS

# Roles a column can play besides carrying a base metric.
DATE, DATE_END, CAMPAIGN, VARIANT, SEGMENT = (
    ColumnRole.DATE.value,
    ColumnRole.DATE_END.value,
    ColumnRole.CAMPAIGN.value,
    ColumnRole.VARIANT.value,
    ColumnRole.SEGMENT.value,
)
ROLES: tuple[str, ...] = (DATE, DATE_END, CAMPAIGN, VARIANT, SEGMENT)
# Roles several columns of one file may share: their texts are joined into one key part.
JOINED_ROLES = (VARIANT, SEGMENT)
# Ratios the platform computed from other columns (CTR, CPC …): we compute them from the sums.
DERIVED = "derived"
# Meta's Results and the result indicator that says, row by row, what they count (a table in
# result_indicators.py decides the metric); without an indicator they count as conversions.
RESULTS, RESULT_INDICATOR = "results", "result_indicator"
# The value column of a layout whose title line names its metric (``Dialect.titles``).
TITLED = "titled"


# How a column's cells are read; the store's reader knows the same kinds.
Kind = CellKind


@dataclass(frozen=True, slots=True)
class Dialect:
    """The header of one platform in one language, and the habits of its numbers and dates."""

    lang: str
    columns: Mapping[str, str]
    signatures: tuple[frozenset[str], ...]
    number_style: NumberStyle
    day_first: bool = True
    # Full-match patterns of the first cell of a totals row ("Total: Account", "Grand total").
    totals: tuple[str, ...] = ()
    # A row right below the header without a campaign name is the account's summary row.
    summary_without_campaign: bool = False
    # Without a date column, the report's date range stands in its title lines (Google Ads
    # without the Day segment): every row is then a fact for that period.
    title_period: bool = False
    # GA4 explorations write "Grand total" into the last cell of their totals row, not the first.
    totals_in_last_cell: bool = False
    # A layout without a campaign column whose rows all belong to one source the file does not
    # name (LinkedIn page analytics): every row is stored under this source name.
    source_name: str = ""
    # Metrics the export gives only in parts, as (metric, the labels of its parts): each row's
    # parts are added up, and each part stays an additional value of its own.
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A header that is the same for every metric the export can hold (Meta Business Suite's
    # "Date","Primary"): the title line above it decides, as (title, the metric of the TITLED
    # column, the source name of every row); titles.py reads it and refuses any other title.
    titles: tuple[tuple[str, str, str], ...] = ()

    @property
    def named(self) -> bool:
        """Return True when the layout, not a column, gives every row its source name."""
        return bool(self.source_name or self.titles)

    def matches(self, labels: Iterable[str]) -> bool:
        """Return True when the normalised header labels carry one of the signatures."""
        found = set(labels)
        return any(sig <= found for sig in self.signatures)

    def is_totals(self, first_cell: str) -> bool:
        """Return True when a row's first cell marks it as a totals row of this platform."""
        return any(re.fullmatch(p, first_cell.strip()) for p in self.totals)

    def is_totals_row(self, cells: Sequence[str]) -> bool:
        """Return True when a row's cells mark it as a totals row of this platform: its first
        cell, or (where the platform puts the label there) its last cell with text."""
        if cells and self.is_totals(cells[0]):
            return True
        filled = [c for c in cells if c.strip()]
        return self.totals_in_last_cell and bool(filled) and self.is_totals(filled[-1])


def dialect(
    lang: str,
    columns: Mapping[str, str],
    signatures: Iterable[Iterable[str]],
    number_style: NumberStyle,
    **habits: object,
) -> Dialect:
    """Return a dialect with its labels normalised; refuse a target that is no key we know."""
    cols = {normalise(label): target for label, target in columns.items()}
    known = {*ROLES, *BASE_METRICS, DERIVED, RESULTS, RESULT_INDICATOR, TITLED}
    unknown = set(cols.values()) - known
    if unknown:
        raise ValueError(f"registry names unknown targets: {sorted(unknown)}")
    sigs = tuple(frozenset(normalise(s) for s in sig) for sig in signatures)
    sums = habits.pop("sums", {})
    if not isinstance(sums, Mapping) or not set(sums) <= set(BASE_METRICS):
        raise ValueError(f"registry adds up parts of unknown metrics: {sums}")
    habits["sums"] = tuple((m, tuple(normalise(p) for p in parts)) for m, parts in sums.items())
    titles = habits.pop("titles", {})
    if not isinstance(titles, Mapping) or any(m not in BASE_METRICS for m, _ in titles.values()):
        raise ValueError(f"registry's titles name unknown metrics: {titles}")
    habits["titles"] = tuple((title, m, source) for title, (m, source) in titles.items())
    return Dialect(lang, MappingProxyType(cols), sigs, number_style, **habits)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Platform:
    key: str
    title: str
    dialects: tuple[Dialect, ...]
    # Metrics an export gives as a share of another metric (87,5 % of the replies).
    shares: Mapping[str, str] = field(default_factory=dict)
    # Metrics this platform really reports below zero; every other value must be 0 or more.
    negative: frozenset[str] = frozenset()
    # What a row's "campaign" really is: a campaign, or another dimension stored as the source
    # name in its place (a GA4 channel group, an inbox profile). The facts keep the platform's
    # key, so whatever sums over all source names can tell the kinds apart (dimension_kind).
    dimension: str = "campaign"
    # A layout we recognise but refuse (``import.refuse.<refusal>``): its rows cannot become
    # facts per day honestly, and the message names the report to export instead.
    refusal: str = ""

    def kind(self, target: str) -> Kind:
        """Return how the cells of a column with this target are read."""
        if target in (DATE, DATE_END):
            return Kind.DATE
        if target in (CAMPAIGN, VARIANT, RESULT_INDICATOR, SEGMENT):
            return Kind.TEXT
        if target in self.shares:
            return Kind.SHARE
        if target == "response_time_s":
            return Kind.DURATION
        return Kind.NUMBER


def mapping_platform(mapping: SavedMapping) -> Platform:
    """Return a saved mapping as a platform entry with one dialect whose signature is the header."""
    sig = [h for h in mapping.signature() if h]
    d = dialect("", mapping.columns, [sig], mapping.number_style, day_first=mapping.day_first)
    return Platform(mapping.key, mapping.name, (d,))


_DE, _EN = NumberStyle.DE, NumberStyle.EN


META = Platform("meta", "Meta Ads Manager", (
    dialect("en", {
        "Campaign name": CAMPAIGN, "Ad set name": VARIANT, "Ad name": VARIANT,
        "Ads": VARIANT, "Reporting starts": DATE, "Reporting ends": DATE_END,
        "Amount spent (EUR)": "spend",
        "Impressions": "impressions", "Reach": "reach", "Link clicks": "clicks",
        "Results": RESULTS, "Result indicator": RESULT_INDICATOR,
        "Result type": RESULT_INDICATOR, "Leads": "leads", "Purchases conversion value": "revenue",
        "Post engagements": "engagements", "3-second video plays": "video_views",
        "CTR (link click-through rate)": DERIVED, "CPC (cost per link click)": DERIVED,
        "CPM (cost per 1,000 impressions)": DERIVED, "Cost per result": DERIVED,
        "Frequency": DERIVED, **segments.roles(segments.META_EN),
    }, [["Campaign name", "Reporting starts", "Amount spent"]], _EN,
        summary_without_campaign=True),
    dialect("de", {
        "Kampagnenname": CAMPAIGN, "Name der Anzeigengruppe": VARIANT, "Anzeigenname": VARIANT,
        "Berichtsbeginn": DATE, "Berichtsstart": DATE, "Berichtsende": DATE_END,
        "Ausgegebener Betrag (EUR)": "spend", "Impressionen": "impressions",
        "Reichweite": "reach", "Link-Klicks": "clicks", "Ergebnisse": RESULTS,
        "Ergebnisindikator": RESULT_INDICATOR, "Ergebnistyp": RESULT_INDICATOR,
        "Leads": "leads", "Conversion-Wert für Käufe": "revenue",
        "Beitragsinteraktionen": "engagements", "3-Sekunden-Videowiedergaben": "video_views",
        "CTR (Link-Klickrate)": DERIVED, "CPC (Kosten pro Link-Klick)": DERIVED,
        "CPM (Kosten pro 1.000 Impressionen)": DERIVED, "Kosten pro Ergebnis": DERIVED,
        "Frequenz": DERIVED, **segments.roles(segments.META_DE),
    }, [["Kampagnenname", "Berichtsbeginn", "Ausgegebener Betrag"],
        ["Kampagnenname", "Berichtsstart", "Ausgegebener Betrag"]], _DE,
        summary_without_campaign=True),
    # Ads Manager in Japanese: the labels as public importers of Japanese Meta exports name them.
    dialect("ja", {
        "キャンペーン名": CAMPAIGN, "広告セット名": VARIANT, "広告名": VARIANT,
        "レポート開始日": DATE, "レポート終了日": DATE_END, "消化金額": "spend",
        "インプレッション": "impressions", "リーチ": "reach", "リンクのクリック": "clicks",
        "結果": RESULTS,
    }, [["キャンペーン名", "レポート開始日", "消化金額"]], _EN, day_first=False,
        summary_without_campaign=True),
))  # fmt: skip

GOOGLE_ADS = Platform("google_ads", "Google Ads", (
    dialect("en", {
        "Campaign": CAMPAIGN, "Ad group": VARIANT, "Day": DATE,
        "Cost": "spend", "Impr.": "impressions", "Clicks": "clicks",
        "Conversions": "conversions", "Conv. value": "revenue", "Views": "video_views",
        "Interactions": "engagements", "CTR": DERIVED, "Avg. CPC": DERIVED,
        "Conv. rate": DERIVED, "Cost / conv.": DERIVED, "Avg. CPM": DERIVED,
        **segments.roles(segments.GOOGLE_EN),
    }, [["Campaign", "Day", "Impr.", "Cost"], ["Campaign", "Impr.", "Cost"]], _EN,
        day_first=False, totals=(r"Total: .*",), title_period=True),
    dialect("de", {
        "Kampagne": CAMPAIGN, "Anzeigengruppe": VARIANT, "Tag": DATE,
        "Kosten": "spend", "Impr.": "impressions", "Klicks": "clicks",
        "Conversions": "conversions", "Conv.-Wert": "revenue", "Aufrufe": "video_views",
        "Interaktionen": "engagements", "CTR": DERIVED, "Durchschn. CPC": DERIVED,
        "Conv.-Rate": DERIVED, "Kosten/Conv.": DERIVED, "Durchschn. CPM": DERIVED,
        **segments.roles(segments.GOOGLE_DE),
    }, [["Kampagne", "Tag", "Impr.", "Kosten"], ["Kampagne", "Impr.", "Kosten"]], _DE,
        totals=(r"Gesamt: .*",), title_period=True),
# Conversion adjustments (retractions of returned orders, restatements of their value) show up
# in Google Ads reports as days with fewer conversions and less value than zero.
), negative=frozenset({"conversions", "revenue"}))  # fmt: skip

LINKEDIN = Platform("linkedin", "LinkedIn Campaign Manager", (
    dialect("en", {
        "Start Date (in UTC)": DATE, "End Date (in UTC)": DATE_END, "Campaign Name": CAMPAIGN,
        "Total Spent": "spend",
        "Impressions": "impressions", "Clicks": "clicks", "Conversions": "conversions",
        "Leads": "leads", "Total Engagements": "engagements", "Video Views": "video_views",
        "Average CPM": DERIVED, "Average CPC": DERIVED, "Click Through Rate": DERIVED,
        "Cost per Conversion": DERIVED, **segments.roles(segments.LINKEDIN),
    }, [["Start Date (in UTC)", "Campaign Name", "Total Spent"]], _EN, day_first=False),
))  # fmt: skip

# TikTok Ads Manager names its date column by the report's time setting ("By Day", "Date") or,
# in exports built on its reporting API, "Stat time day"; localized Ads Manager exports carry
# translated headers and a totals row "Total of N results" / "全N件の結果". The localized labels
# are inferred from the Ads Manager interface in those languages, not from a vendor file.
_TIKTOK_DATES = ("Date", "By Day", "Stat time day")
TIKTOK = Platform("tiktok", "TikTok Ads Manager", (
    dialect("en", {
        "Campaign name": CAMPAIGN, "Ad group name": VARIANT, "Ad name": VARIANT,
        **dict.fromkeys(_TIKTOK_DATES, DATE), "Cost": "spend", "Impressions": "impressions",
        "Reach": "reach", "Clicks (destination)": "clicks", "Conversions": "conversions",
        "Video views": "video_views", "CTR (destination)": DERIVED,
        "CPC (destination)": DERIVED, "CPM": DERIVED, "Cost per conversion": DERIVED,
    }, [["Campaign name", d, "Cost", "Clicks (destination)"] for d in _TIKTOK_DATES], _EN,
        day_first=False, totals=(r"Total of \d+ results?",)),
    dialect("de", {
        "Kampagnenname": CAMPAIGN, "Name der Anzeigengruppe": VARIANT, "Datum": DATE,
        "Nach Tag": DATE, "Kosten": "spend", "Impressionen": "impressions",
        "Reichweite": "reach", "Klicks (Ziel)": "clicks", "Conversions": "conversions",
        "Videoaufrufe": "video_views", "CTR (Ziel)": DERIVED, "CPC (Ziel)": DERIVED,
        "CPM": DERIVED, "Kosten pro Conversion": DERIVED,
    }, [["Kampagnenname", d, "Kosten", "Klicks (Ziel)"] for d in ("Datum", "Nach Tag")], _DE,
        totals=(r"Insgesamt \d+ Ergebnisse?",)),
    dialect("ja", {
        "キャンペーン名": CAMPAIGN, "広告グループ名": VARIANT, "日付": DATE, "日別": DATE,
        "コスト": "spend", "インプレッション数": "impressions", "リーチ": "reach",
        "クリック数（遷移先）": "clicks", "コンバージョン数": "conversions",
        "動画視聴回数": "video_views", "CTR（遷移先）": DERIVED, "CPC（遷移先）": DERIVED,
        "CPM": DERIVED, "コンバージョン単価": DERIVED,
    }, [["キャンペーン名", d, "コスト", "クリック数（遷移先）"] for d in ("日付", "日別")], _EN,
        day_first=False, totals=(r"全\d+件の結果",)),
    dialect("ko", {
        "캠페인 이름": CAMPAIGN, "광고 그룹 이름": VARIANT, "날짜": DATE, "일별": DATE,
        "비용": "spend", "노출수": "impressions", "도달 범위": "reach",
        "클릭수(도착 페이지)": "clicks", "전환수": "conversions", "동영상 조회수": "video_views",
        "CTR(도착 페이지)": DERIVED, "CPC(도착 페이지)": DERIVED, "CPM": DERIVED,
        "전환당 비용": DERIVED,
    }, [["캠페인 이름", d, "비용", "클릭수(도착 페이지)"] for d in ("날짜", "일별")], _EN,
        day_first=False, totals=(r"총 \d+개 결과",)),
))  # fmt: skip

GA4 = Platform("ga4", "Google Analytics 4", (
    dialect("en", {
        "Session campaign": CAMPAIGN, "Date": DATE, "Sessions": "sessions",
        "Engaged sessions": "engaged_sessions", "Key events": "conversions",
        "Total revenue": "revenue", "Engagement rate": DERIVED,
        "Average engagement time per session": DERIVED, "Events per session": DERIVED,
    }, [["Session campaign", "Date", "Sessions"]], _EN, day_first=False,
        totals=(r"Grand total",), totals_in_last_cell=True),
))  # fmt: skip

MAILCHIMP = Platform("mailchimp", "Mailchimp", (
    dialect("en", {
        "Title": CAMPAIGN, "Subject": VARIANT, "Send Date": DATE,
        "Total Recipients": "recipients", "Successful Deliveries": "deliveries",
        "Unique Opens": "opens", "Unique Clicks": "clicks", "Unsubscribes": "unsubscribes",
        "Total Orders": "conversions", "Total Revenue": "revenue", "Open Rate": DERIVED,
        "Click Rate": DERIVED,
    }, [["Title", "Send Date", "Total Recipients"]], _EN, day_first=False),
))  # fmt: skip

SOCIAL_INBOX = Platform("social_inbox", "Social inbox team report", (
    dialect("en", {
        "Date": DATE, "Profile": CAMPAIGN, "Team member": VARIANT, "Replies": "replies",
        "Median reply time": "response_time_s", "Replied within 1 h": "replied_within_1h",
    }, [["Profile", "Replies", "Median reply time"]], _EN, day_first=False),
), shares=MappingProxyType({"replied_within_1h": "replies"}))  # fmt: skip

# Entries kept in modules of their own so that this one stays small; they build on the classes
# above, hence the import down here.
from experiments.importers.platforms_ads import PINTEREST, SNAPCHAT  # noqa: E402
from experiments.importers.platforms_social import (  # noqa: E402
    AGORAPULSE,
    GA4_CHANNELS,
    GA4_SOURCE_MEDIUM,
    HOOTSUITE_INBOX,
    LINKEDIN_FOLLOWERS,
    LINKEDIN_PAGE,
    LINKEDIN_VISITORS,
    META_INBOX,
    META_INSIGHTS,
    SPROUT_SOCIAL,
)

PLATFORMS: Mapping[str, Platform] = MappingProxyType({p.key: p for p in (
    META, GOOGLE_ADS, LINKEDIN, TIKTOK, GA4, MAILCHIMP, SOCIAL_INBOX, PINTEREST, SNAPCHAT,
    GA4_CHANNELS, GA4_SOURCE_MEDIUM, SPROUT_SOCIAL, HOOTSUITE_INBOX, LINKEDIN_PAGE, AGORAPULSE,
    META_INBOX, LINKEDIN_FOLLOWERS, LINKEDIN_VISITORS, META_INSIGHTS,
)})  # fmt: skip


def dimension_kind(key: str) -> str:
    """Return what a platform's source names are: "campaign", or the other dimension its rows
    carry in the campaign's place ("channel_group", "source_medium", "profile", "page")."""
    platform = PLATFORMS.get(key)
    return platform.dimension if platform else "campaign"


def platform_title(key: str) -> str:
    """Return a platform's display name (a saved mapping's name for generic keys)."""
    if key.startswith(GENERIC_PREFIX):
        return key[len(GENERIC_PREFIX) :]
    platform = PLATFORMS.get(key)
    return platform.title if platform else key


def mapping_targets() -> tuple[str, ...]:
    """Return what a generic column can be mapped to: the roles, then every base metric."""
    return ROLES + BASE_METRICS
