"""Which currency the money of a scope is in, and the rule that amounts of different currencies
are never added up unless an admin gave rates for every month involved.

A fact keeps the currency its export named; a fact whose export named none is in its campaign's
account currency (the one set on the campaign, else the one the first import that names one
brought, else the workspace default).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from experiments.currencies import DEFAULT_CURRENCY as DEFAULT_CURRENCY
from experiments.currencies import check_code, check_month, check_rate
from experiments.errors import MoneyRefused
from experiments.metrics import Unit, inputs, metric
from experiments.models import Campaign, CycleMetrics, Goal, ScopeKind

if TYPE_CHECKING:
    from experiments.store import Store
    from experiments.store.money import FxRate


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
    conversion: Conversion | None = None


def single(currencies: Iterable[str | None], account: str | None) -> MoneyScope:
    """Return the one currency of the money of a scope; refuse amounts of several currencies,
    naming them. A fact without a code is in ``account`` (else the default currency)."""
    codes = list(currencies)
    base = account or DEFAULT_CURRENCY
    found = sorted({c or base for c in codes})
    if len(found) > 1:
        raise MoneyRefused("mixed", currencies=", ".join(found), into=base)
    return MoneyScope(found[0] if found else base)


def scope_currency(
    store: Store,
    campaign_id: uuid.UUID | None,
    start: date | None,
    end: date | None,
    channel: str | None = None,
) -> MoneyScope:
    """Return the one currency of the money facts of a campaign (None: of every campaign) and
    channel in a window; refuse a scope whose amounts are in several currencies."""
    account = store.account_currency(campaign_id) if campaign_id is not None else None
    key = None if campaign_id is None else str(campaign_id)
    try:
        return single(store.money_currencies(start, end, key, channel), account)
    except MoneyRefused as refused:
        # Several currencies: converted into the account's when a rate exists for each
        # currency in every month its facts begin in; else refused, naming them.
        base = account or DEFAULT_CURRENCY
        needed = [(c, m) for c, m in store.money_months(start, end, key, channel) if c != base]
        have = {(r.currency, r.month) for r in store.fx_rates() if r.into == base}
        if not needed or any(n not in have for n in needed):
            raise refused from None
        sources = tuple(sorted({c for c, _ in needed}))
        months = tuple(sorted({m for _, m in needed}))
        return MoneyScope(base, conversion=Conversion(base, sources, months))


def conversion_text(conversion: Conversion, lang: str) -> str:
    """Return what a converted figure says of itself ('converted from IDR into EUR at the
    rates of Nov 2026')."""
    from babel.dates import format_date

    from experiments.i18n import locale, t

    months = ", ".join(format_date(m, "MMM yyyy", locale=locale(lang)) for m in conversion.months)
    return t("money.converted", lang, sources=", ".join(conversion.sources),
             into=conversion.into, months=months)  # fmt: skip


def account_currency(store: Store, campaign_id: uuid.UUID) -> str:
    """Return the currency a campaign's budget and unnamed amounts are in: its account
    currency, else the workspace default."""
    return store.account_currency(campaign_id) or DEFAULT_CURRENCY


@dataclass(frozen=True, slots=True)
class WindowMoney:
    """The money of a campaign's facts in a window, added up in one currency (converted at the
    admin's rates where needed), or why it is not added up; and the currency its budget is in."""

    currency: str  # of ``spend`` and ``revenue``
    account: str  # the campaign's account currency: the one its budgets are typed in
    spend: float | None = None
    revenue: float | None = None
    conversion: Conversion | None = None
    refused: MoneyRefused | None = None

    @property
    def comparable_to_budget(self) -> bool:
        """Return True when the spend is in the budget's currency, so a share of it is sound."""
        return self.refused is None and self.currency == self.account

    def note(self, lang: str) -> str | None:
        """Return what the figures say of themselves: why nothing was added up, or the rates
        they were converted at; None when they are as the exports gave them."""
        if self.refused is not None:
            return self.refused.text(lang)
        return None if self.conversion is None else conversion_text(self.conversion, lang)


def window_money(
    store: Store, campaign_id: uuid.UUID, start: date | None, end: date | None
) -> WindowMoney:
    """Return the spend and revenue of a campaign's facts in a window in their one currency,
    converted where the admin's rates allow; refused (no sums) where currencies are mixed."""
    account = account_currency(store, campaign_id)
    try:
        scope = scope_currency(store, campaign_id, start, end)
    except MoneyRefused as e:
        return WindowMoney(account, account, refused=e)
    into = scope.currency if scope.conversion else None
    frame = store.daily_metrics(start, end, str(campaign_id), metrics=("spend", "revenue"),
                                into=into)  # fmt: skip
    # min_count: a window without any amount has no spend (None), not a spend of 0.
    spend, revenue = (_total(frame[k].sum(min_count=1)) for k in ("spend", "revenue"))
    return WindowMoney(scope.currency, account, spend, revenue, scope.conversion)


def _total(value: float) -> float | None:
    return None if value != value else float(value)  # NaN: no amount at all


def reads_money(key: str) -> bool:
    """Return True when a metric is money or is computed from money (CPC, ROAS …)."""
    return any(metric(m).unit is Unit.MONEY for m in (key, *inputs(key)))


def goal_currency(store: Store, goal: Goal, scoped: Campaign | None, channel: str | None,
                  as_of: date) -> tuple[MoneyScope, MoneyRefused | None]:  # fmt: skip
    """Return the currency of a goal's amounts, or why they cannot be added up (the goal then
    counts no facts); a goal that reads no money is never refused."""
    unknown = goal.scope_kind is ScopeKind.CAMPAIGN and scoped is None  # it has no facts
    if unknown or not reads_money(goal.metric):
        return MoneyScope(DEFAULT_CURRENCY), None
    cid = scoped.id if scoped else None
    try:
        return scope_currency(store, cid, goal.period_start, as_of, channel), None
    except MoneyRefused as e:
        return MoneyScope(DEFAULT_CURRENCY), e


def account_currencies(store: Store, rows: Iterable[CycleMetrics]) -> dict[uuid.UUID, str | None]:
    """Return the account currency of each campaign of the rows (None: none set or named)."""
    accounts: dict[uuid.UUID, str | None] = {}
    # Looking for each campaign's first named currency scans its facts: with hundreds of
    # campaigns and no export that named one (10 million facts), that took 4 of 4.6 s.
    named = store.any_currency_named()
    for r in rows:
        if r.campaign_id not in accounts:
            accounts[r.campaign_id] = store.account_currency(r.campaign_id, named=named)
    return accounts


def cycle_money(store: Store, rows: Iterable[CycleMetrics]) -> dict[uuid.UUID, WindowMoney]:
    """Return each cycle's money: its sums in its one currency (a cycle of several currencies
    converted at the admin's rates, or refused naming them) and its budget's currency."""
    rows = list(rows)
    accounts = account_currencies(store, rows)
    out: dict[uuid.UUID, WindowMoney] = {}
    for r in rows:
        account = accounts[r.campaign_id] or DEFAULT_CURRENCY
        try:
            code = single(r.currencies, account).currency
        except MoneyRefused:
            # Rare (a campaign linked to accounts of two currencies): only then a second query.
            out[r.cycle_id] = window_money(store, r.campaign_id, r.start, r.end)
            continue
        out[r.cycle_id] = WindowMoney(code, account, r.values.get("spend"), r.values.get("revenue"))
    return out


def set_account_currency(store: Store, campaign: Campaign, text: str | None) -> str:
    """Set a campaign's account currency from what a person typed (empty: none, so the first
    import that names one decides again); return the currency its money is now shown in."""
    code = check_code(text) if text and text.strip() else None
    store.set_account_currency(campaign.id, code)
    return store.account_currency(campaign.id) or DEFAULT_CURRENCY


def set_rate(store: Store, currency: str, month: str, rate: float, into: str) -> FxRate:
    """Enter the rate of one currency into another for a month, each part checked first."""
    source, target = check_code(currency), check_code(into)
    if source == target:
        raise MoneyRefused("same_currency", value=source)
    return store.set_fx_rate(source, check_month(month), target, check_rate(rate))
