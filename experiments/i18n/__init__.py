"""Every user-facing text in English and German, and locale-aware formatting through babel.

Texts live in the ``catalog_*`` modules of this package, one per area of the app, each with an
``EN`` and a ``DE`` dict of the same keys (a test checks that). ``t(key, lang, **values)`` returns
the text with ``str.format`` placeholders filled in.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date, datetime
from functools import cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

LANGS: tuple[str, ...] = ("en", "de")
DEFAULT_LANG = "en"
_LOCALES = {"en": "en_US", "de": "de_DE"}


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """Return every text of every catalog module, per language."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("catalog_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for lang in LANGS:
            part: dict[str, str] = getattr(module, lang.upper())
            clash = merged[lang].keys() & part.keys()
            if clash:
                raise RuntimeError(f"{info.name} repeats text keys: {sorted(clash)}")
            merged[lang].update(part)
    return merged


def normalise_lang(value: str | None) -> str:
    """Return a supported language for a browser locale such as 'de-DE' (else English)."""
    if not value:
        return DEFAULT_LANG
    code = value.replace("_", "-").split("-")[0].lower()
    return code if code in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Return the text for ``key`` in ``lang`` with its placeholders filled."""
    texts = catalogs()[normalise_lang(lang)]
    text = texts.get(key) or catalogs()[DEFAULT_LANG].get(key)
    if text is None:
        raise KeyError(f"no text '{key}' in the catalogs")
    return text.format(**values) if values else text


def t_count(key: str, count: int, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Return the singular (``key.one``) or plural (``key.other``) text for ``count``."""
    return t(f"{key}.{'one' if count == 1 else 'other'}", lang, count=count, **values)


def locale(lang: str) -> str:
    """Return the babel locale used for a language."""
    return _LOCALES[normalise_lang(lang)]


def fmt_number(value: float | None, lang: str, digits: int = 0) -> str:
    """Return a number grouped per locale ('1.234,5' / '1,234.5'); an en dash for missing."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale(lang))


def fmt_money(value: float | None, lang: str, currency: str = "EUR") -> str:
    """Return an amount of money per locale ('1.234,56 €' / '€1,234.56')."""
    if value is None:
        return "–"
    return format_currency(value, currency, locale=locale(lang))


def fmt_percent(value: float | None, lang: str, digits: int = 1) -> str:
    """Return a share (0.0452) as a percentage per locale ('4,5 %' / '4.5%')."""
    if value is None:
        return "–"
    # The locale's own pattern keeps its spacing ('4,5 %' in German), with our number of digits.
    base = Locale.parse(locale(lang)).percent_formats[None].pattern
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""), 1)
    return format_percent(value, format=pattern, locale=locale(lang))


def fmt_date(value: date | datetime | None, lang: str, fmt: str = "medium") -> str:
    """Return a date per locale ('02.11.2026' / 'Nov 2, 2026')."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_datetime(value, format="short", locale=locale(lang))
    return format_date(value, format=fmt, locale=locale(lang))
