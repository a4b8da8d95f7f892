"""Currency codes as babel knows them (ISO 4217), and the checks of what a person types about
money: a code, a month, a rate. Pure helpers that read no data."""

from __future__ import annotations

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
