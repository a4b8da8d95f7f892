"""The SQL of currencies: a campaign's account currency and the conversion rates an admin
enters (which currencies a scope's facts are in: AnalyticsStore.money_currencies)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from experiments.errors import NotFound
from experiments.store._base import Area, BaseStore, now
from experiments.store._facts_scope import campaign_facts


@dataclass(frozen=True, slots=True)
class FxRate:
    """One unit of ``currency`` is worth ``rate`` units of ``into`` in ``month``."""

    currency: str
    month: date
    into: str
    rate: float
    set_by: str
    set_at: datetime


class MoneyStore(BaseStore):
    def any_currency_named(self) -> bool:
        """Return True when any fact's export named its currency (one short scan)."""
        return self._one("SELECT 1 FROM metric_fact WHERE currency IS NOT NULL LIMIT 1") is not None

    def account_currency(self, campaign_id: uuid.UUID, *, named: bool = True) -> str | None:
        """Return a campaign's account currency: the one set on it, else the one the first
        import that names one brought for its facts; None when neither exists. ``named``
        False (from ``any_currency_named``) skips looking through the campaign's facts."""
        row = self._one("SELECT currency FROM campaign WHERE id = ?", [campaign_id])
        if row is None:
            raise NotFound(f"no campaign with id {campaign_id}")
        if row[0] is not None or not named:
            return None if row[0] is None else str(row[0])
        facts, values = campaign_facts(self, campaign_id, None, None)
        first = self._one(
            f"SELECT f.currency FROM ({facts}) f JOIN import i ON i.id = f.import_id "
            "WHERE f.currency IS NOT NULL ORDER BY i.imported_at, f.currency LIMIT 1",
            values,
        )
        return None if first is None else str(first[0])

    def set_account_currency(self, campaign_id: uuid.UUID, code: str | None) -> None:
        """Set (or, with None, clear) a campaign's account currency; ``code`` is checked."""
        with self.write(Area.CAMPAIGN):
            row = self._one("SELECT name, currency FROM campaign WHERE id = ?", [campaign_id])
            if row is None:
                raise NotFound(f"no campaign with id {campaign_id}")
            self._exec(
                "UPDATE campaign SET currency = ?, updated_at = ? WHERE id = ?",
                [code, now(), campaign_id],
            )
            self._audit(
                "campaign", campaign_id, "update",
                before={"name": row[0], "currency": row[1]},
                after={"name": row[0], "currency": code},
            )  # fmt: skip

    def fx_rates(self) -> list[FxRate]:
        """Return every conversion rate, by currency and month."""
        rows = self._all(
            "SELECT currency, month, into_currency, rate, set_by, set_at FROM fx_rate "
            "ORDER BY currency, into_currency, month"
        )
        return [FxRate(*r) for r in rows]

    def set_fx_rate(self, currency: str, month: date, into: str, rate: float) -> FxRate:
        """Enter (or replace) the rate of one currency into another for a month; return it."""
        with self.write(Area.FX):
            key = [currency, month, into]
            before = self._one(
                "SELECT rate FROM fx_rate WHERE currency = ? AND month = ? AND into_currency = ?",
                key,
            )
            self._exec(
                "DELETE FROM fx_rate WHERE currency = ? AND month = ? AND into_currency = ?", key
            )
            stamp = now()
            self._exec(
                "INSERT INTO fx_rate VALUES (?, ?, ?, ?, ?, ?)",
                [*key, rate, self.actor.username, stamp],
            )
            entry = FxRate(currency, month, into, rate, self.actor.username, stamp)
            self._audit(
                "fx_rate", f"{currency}/{into}/{month:%Y-%m}", "update" if before else "create",
                before=None if before is None else {"rate": before[0]}, after={"rate": rate},
            )  # fmt: skip
        return entry
