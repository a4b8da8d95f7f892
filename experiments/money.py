"""Which currency an amount is in: ISO 4217 codes as babel knows them, and the rule that amounts
of different currencies are never added up unless an admin gave rates for every month involved.

A fact keeps the currency its export named; a fact whose export named none is in its campaign's
account currency (the one set on the campaign, else the one the first import that names one
brought, else the workspace default).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from experiments.errors import MoneyRefused

# Money is shown in this currency when neither a fact nor its campaign names one.
DEFAULT_CURRENCY = "EUR"


@cache
def iso_codes() -> frozenset[str]:
    """Return the ISO 4217 codes babel knows (current and historic)."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def normalise_code(text: str | None) -> str | None:
    """Return a currency cell or header code as stored ('usd ' → 'USD'); None when empty."""
    code = (text or "").strip().upper()
    return code or None


def check_code(text: str) -> str:
    """Return the ISO 4217 code a person typed; refuse one babel does not know."""
    code = normalise_code(text)
    if code is None or code not in iso_codes():
        raise MoneyRefused("unknown_code", value=text.strip()[:60])
    return code


def check_month(text: str) -> date:
    """Return the first day of the month written as YYYY-MM; refuse anything else."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise MoneyRefused("bad_month", value=text.strip()[:60]) from None


def check_rate(rate: float) -> float:
    """Return a conversion rate; refuse one that is not a positive finite number."""
    if not (0 < rate < float("inf")):
        raise MoneyRefused("bad_rate", value=f"{rate:g}")
    return float(rate)


@dataclass(frozen=True, slots=True)
class Conversion:
    """Amounts converted into one currency: from which currencies, at the rates of which months."""

    into: str
    sources: tuple[str, ...]
    months: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class MoneyScope:
    """The one currency the money of a scope is shown in, and the conversion behind it, if any."""

    currency: str
    # Facts that named no currency and were taken to be in the account currency.
    assumed: bool = False
    conversion: Conversion | None = None


def single(currencies: Iterable[str | None], account: str | None) -> MoneyScope:
    """Return the one currency of the money of a scope; refuse amounts of several currencies
    (naming them) when no rates convert them. A fact without a code is in ``account``."""
    codes = list(currencies)
    assumed = None in codes
    base = account or DEFAULT_CURRENCY
    found = sorted({c for c in codes if c is not None} | ({base} if assumed else set()))
    if len(found) > 1:
        raise MoneyRefused("mixed", currencies=", ".join(found), into=base)
    return MoneyScope(found[0] if found else base, assumed=assumed)
