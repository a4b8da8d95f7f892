"""The mapping form's first answer for an export no platform knows: a role per column from its
header, and the number style and date habit from its cells. The analyst confirms or corrects it.

Header names are data: one table of English and one of German names per target, compared after
``normalise`` (case, umlauts, units in brackets and punctuation do not count). A column none of
them names stays "ignore"; the guess never maps two columns to one metric, date or campaign.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from experiments.import_models import NumberStyle, header_key
from experiments.importers import values
from experiments.importers.generic import IGNORE, KEEP
from experiments.importers.registry import CAMPAIGN, DATE, DATE_END, VARIANT
from experiments.metrics import BASE_METRICS
from experiments.store.cell_sql import GERMAN_MONTHS

# The currency has no column of its own in a mapping yet: its cells are kept with the facts.
_ENGLISH: Mapping[str, tuple[str, ...]] = MappingProxyType({
    DATE: ("date", "day", "reporting starts", "start date", "send date", "stat time day",
           "by day"),
    DATE_END: ("end date", "reporting ends"),
    CAMPAIGN: ("campaign", "campaign name", "session campaign", "promotion"),
    VARIANT: ("variant", "ad set", "ad set name", "ad group", "ad group name", "ad",
              "ad name", "ads", "channel", "subject"),
    "spend": ("cost", "costs", "spend", "spent", "amount spent", "total spent",
              "total cost"),
    "impressions": ("impressions", "impr", "impression"),
    "reach": ("reach",),
    "clicks": ("clicks", "link clicks", "clicks destination", "unique clicks"),
    "conversions": ("conversions", "conv", "purchases", "orders", "results", "key events"),
    "leads": ("leads",),
    "revenue": ("revenue", "sales", "conversion value", "conv value", "total revenue",
                "purchase value"),
    "sessions": ("sessions", "visits"),
    "engaged_sessions": ("engaged sessions",),
    "recipients": ("recipients", "total recipients"),
    "deliveries": ("deliveries", "successful deliveries"),
    "opens": ("opens", "unique opens"),
    "unsubscribes": ("unsubscribes",),
    "engagements": ("engagements", "post engagements", "interactions"),
    "video_views": ("video views",),
    "replies": ("replies",),
    "new_followers": ("new followers", "followers gained", "follows"),
    "page_views": ("page views", "pageviews"),
    KEEP: ("currency", "currency code"),
})  # fmt: skip
_GERMAN: Mapping[str, tuple[str, ...]] = MappingProxyType({
    DATE: ("datum", "tag", "berichtsbeginn", "berichtsstart", "startdatum", "versanddatum"),
    DATE_END: ("enddatum", "berichtsende"),
    CAMPAIGN: ("kampagne", "kampagnenname", "aktion"),
    VARIANT: ("variante", "anzeigengruppe", "name der anzeigengruppe", "anzeige",
              "anzeigenname", "kanal", "betreff"),
    "spend": ("kosten", "ausgaben", "betrag", "ausgegebener betrag"),
    "impressions": ("impressionen",),
    "reach": ("reichweite",),
    "clicks": ("klicks", "link klicks"),
    "conversions": ("kaeufe", "bestellungen", "ergebnisse"),
    "revenue": ("umsatz", "erloes", "einnahmen", "conversion wert", "conv wert"),
    "sessions": ("sitzungen", "besuche"),
    "recipients": ("empfaenger",),
    "opens": ("oeffnungen",),
    "unsubscribes": ("abmeldungen",),
    "engagements": ("interaktionen", "beitragsinteraktionen"),
    "video_views": ("videoaufrufe", "videowiedergaben"),
    "replies": ("antworten",),
    "new_followers": ("neue follower", "neue abonnenten"),
    "page_views": ("seitenaufrufe",),
    KEEP: ("waehrung", "waehrungscode"),
})  # fmt: skip
# Words of a column the platform computed from others (a rate, an average, a cost per …): the
# tracker computes those from the sums, so such a column is ignored whatever else it names.
_DERIVED_WORDS = frozenset({
    "ctr", "cpc", "cpm", "cpa", "cpv", "roas", "per", "pro", "avg", "average", "durchschn",
    "durchschnitt", "durchschnittlich", "durchschnittliche", "frequency", "frequenz", "rate",
    "quote", "anteil",
})  # fmt: skip
_DERIVED_ENDINGS = ("rate", "quote")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[\W_]+")
# Slash dates whose first or second number is above 12 prove the order: 25/2/2026, 2/25/2026.
_SLASH = re.compile(r"\s*(\d{1,2})/(\d{1,2})/\d{2,4}\b")
# Date formats that only day-first habits write.
_DAY_FIRST_FORMATS = frozenset({"%d.%m.%Y", "%d %b %Y", "%a, %d %b %Y", GERMAN_MONTHS})


@dataclass(frozen=True, slots=True)
class Guess:
    """What the mapping form proposes: one target per column (header order), the number style
    and whether slash dates put the day first."""

    targets: tuple[str, ...]
    number_style: NumberStyle
    day_first: bool


def normalise(label: str) -> str:
    """Return a header label as the guess compares it: case-folded, umlauts spelt out, without
    units in brackets and punctuation ('Kosten (€)' → 'kosten', 'Link-Klicks' → 'link klicks')."""
    text = _BRACKETS.sub(" ", header_key(label)).translate(_UMLAUTS)
    return _NOT_WORD.sub(" ", text).strip()


def _table(names: Mapping[str, tuple[str, ...]]) -> Mapping[str, str]:
    known = {DATE, DATE_END, CAMPAIGN, VARIANT, KEEP} | set(BASE_METRICS)
    unknown = set(names) - known
    if unknown:
        raise ValueError(f"the guess names unknown targets: {sorted(unknown)}")
    return MappingProxyType({normalise(n): target for target, ns in names.items() for n in ns})


_BY_NAME = {"en": _table(_ENGLISH), "de": _table(_GERMAN)}


def _derived(label: str) -> bool:
    text = header_key(label)
    words = normalise(label).split()
    return (
        "%" in text
        or "/" in text
        or any(w in _DERIVED_WORDS or w.endswith(_DERIVED_ENDINGS) for w in words)
    )


def _by_name(label: str) -> tuple[str | None, str | None]:
    # (target, language of the name) for a header label; (None, None) when no table names it.
    if _derived(label):
        return IGNORE, None
    key = normalise(label)
    for lang, table in _BY_NAME.items():
        if key in table:
            return table[key], lang
    return None, None


def _cells(rows: Sequence[Sequence[str]], index: int) -> list[str]:
    return [r[index] for r in rows if index < len(r) and not values.is_missing(r[index])]


def _is_date_column(cells: Sequence[str]) -> bool:
    formats = values.date_formats(True)
    return bool(cells) and all(any(values.parses_date(c, f) for f in formats) for c in cells)


def _targets(header: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[list[str], set[str]]:
    # One target per column, each date, campaign and metric taken once (the first column wins);
    # and the languages of the names that decided.
    taken: set[str] = set()
    langs: set[str] = set()
    out: list[str] = []
    for label in header:
        target, lang = _by_name(label)
        if target is None or (target in taken and target not in (VARIANT, KEEP, IGNORE)):
            out.append(IGNORE)
            continue
        taken.add(target)
        langs |= {lang} if lang else set()
        out.append(target)
    if DATE not in taken:  # a date column under a name no table holds: its cells say it
        for i, target in enumerate(out):
            if target == IGNORE and not _derived(header[i]) and _is_date_column(_cells(rows, i)):
                out[i] = DATE
                break
    return out, langs


def _day_first(dates: Sequence[str], style: NumberStyle) -> bool:
    for text in dates:
        m = _SLASH.match(text)
        if m and int(m.group(1)) > 12:
            return True
        if m and int(m.group(2)) > 12:
            return False
    if dates and values.choose_date_format(dates, True) in _DAY_FIRST_FORMATS:
        return True
    return style is NumberStyle.DE


def guess(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Guess:
    """Return the proposed mapping of an export's header, read with its first data rows."""
    targets, langs = _targets(header, rows)
    dates = [c for i, t in enumerate(targets) if t in (DATE, DATE_END) for c in _cells(rows, i)]
    german_dates = bool(dates) and values.choose_date_format(dates, True) in _DAY_FIRST_FORMATS
    default = NumberStyle.DE if "de" in langs or german_dates else NumberStyle.EN
    numbers = [c for i, t in enumerate(targets) if t in BASE_METRICS for c in _cells(rows, i)]
    style, _ = values.choose_style(numbers, default)
    return Guess(tuple(targets), style, _day_first(dates, style))
