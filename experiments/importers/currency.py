"""The currency of an export's money: from the header of a money column ('Amount spent (IDR)',
'Cost (USD)'), or per row from a currency column ('Currency', 'Currency code', 'Währungscode'),
else none (the campaign's account currency is then assumed).

Meta names the account's currency in brackets after each money column in every language;
Google Ads and TikTok reports carry it as a column of its own when the analyst adds it. A code
babel does not know as ISO 4217 is refused, naming the line and column.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from typing import Protocol

from experiments import currencies
from experiments.db import Connection
from experiments.errors import ImportRefused
from experiments.import_models import FileImport
from experiments.importers import decoding
from experiments.metrics import BASE_METRICS, Unit, metric
from experiments.store import cell_sql, file_sql

# Header labels of a column that names each row's currency, as header_key compares them.
LABELS = frozenset({"currency", "currency code", "währung", "währungscode", "account currency"})
_MONEY = frozenset(m for m in BASE_METRICS if metric(m).unit is Unit.MONEY)
_SUFFIX = re.compile(r"\(\s*([A-Za-z]{3})\s*\)\s*$")
# The target of the column that names each row's currency.
CURRENCY = "currency"


class _Column(Protocol):
    @property
    def index(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def ref(self) -> str: ...


def header_code(name: str, line: int, columns: Sequence[_Column]) -> str | None:
    """Return the ISO code the money columns' headers name; refuse an unknown code or two
    different ones."""
    named: dict[str, _Column] = {}
    for c in columns:
        found = _SUFFIX.search(c.label) if c.target in _MONEY else None
        if found is None:
            continue
        code = found.group(1).upper()
        if code not in currencies.iso_codes():
            raise ImportRefused(
                "currency_header", decoding.quote(name, 120), line, column=c.index + 1,
                value=found.group(1), label=decoding.quote(c.label, 60),
            )  # fmt: skip
        named.setdefault(code, c)
    if len(named) > 1:
        raise ImportRefused(
            "currency_columns", decoding.quote(name, 120), line, currencies=", ".join(named)
        )
    return next(iter(named), None)


def bad_cell(
    name: str, plan: FileImport, columns: Sequence[_Column], con: Connection, starts: array[int]
) -> ImportRefused | None:
    """Return the refusal of the first currency cell that is no ISO 4217 code, if there is one."""
    column = next((c for c in columns if c.target == CURRENCY), None)
    if column is None:
        return None
    raw, params = file_sql.raw_sql(plan)
    code = cell_sql.currency_cell_sql(column.ref)
    row = con.execute(
        f"SELECT rn, {column.ref} FROM ({raw}) "
        f"WHERE {code} IS NOT NULL AND NOT list_contains(?, {code}) ORDER BY rn LIMIT 1",
        [*params, sorted(currencies.iso_codes())],
    ).fetchone()
    if row is None:
        return None
    return ImportRefused(
        "currency_cell", decoding.quote(name, 120), starts[row[0] - 1], column=column.index + 1,
        value=decoding.quote(str(row[1]).strip(), 60), label=decoding.quote(column.label, 60),
    )  # fmt: skip
