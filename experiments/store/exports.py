"""The exportable tables, and how they leave DuckDB: streamed, formula-safe in SQL.

An export of two million facts built as a DataFrame and rendered by pandas took 43 s and 4.5 GB.
Now DuckDB writes the CSV itself (``COPY … TO``) and the XLSX writer reads the rows in batches,
so memory stays flat however many rows there are. The text is what the DataFrame path gives
(``export_table``, kept for frames): a text cell starting like a formula gets a leading
apostrophe, an empty text is an empty cell, a moment reads as Python prints a ``datetime``, a
truth value as ``True``/``False``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.currencies import DEFAULT_CURRENCY
from experiments.db import DriverError, driver_detail
from experiments.display import code_labels, column_label
from experiments.errors import FileWriteError, InvalidInput
from experiments.metrics import BASE_METRICS
from experiments.store._base import BaseStore
from experiments.store._facts_scope import alias_matches

if TYPE_CHECKING:
    import pandas as pd

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# strpos, not IN (…): DuckDB plans an IN list of six constants as a join, which loses the order.
_FORMULA_CHARS = " || ".join(f"chr({ord(c)})" for c in FORMULA_STARTS)
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class _Export:
    """A table people can export: its columns (SQL expression, label) and where rows come from."""

    columns: tuple[tuple[str, str], ...]
    source: str  # FROM … (joins)
    order: str  # ORDER BY …
    # Where the rows are counted, when a join that adds no rows can be left out (the overview
    # counts the facts on every run: 80 ms with the join at 2 M facts, under 5 ms without).
    counted: str = ""

    def sql(self, values: tuple[str, ...] | None = None) -> str:
        """Return the statement, each column's expression replaced by ``values`` if given."""
        exprs = values or tuple(e for e, _ in self.columns)
        labels = (label for _, label in self.columns)
        select = ", ".join(f"{e} AS {_quoted(a)}" for e, a in zip(exprs, labels, strict=True))
        return f"SELECT {select} {self.source} {self.order}"

    def count_sql(self) -> str:
        """Return the statement that counts the rows (without sorting them first)."""
        return f"SELECT count(*) {self.counted or self.source}"

    def read_as(self, lang: str) -> _Export:
        """Return the export as people read it in ``lang``: each column headed by its name
        (display.column_label) and each code spelled out ('carry_forward' → 'Carry forward');
        numbers, days and free text stay as they are, so a spreadsheet can compute on them."""
        columns = tuple(
            (_spelled_out(expr, code_labels(label, lang)), column_label(label, lang))
            for expr, label in self.columns
        )
        return _Export(columns, self.source, self.order, self.counted)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _spelled_out(expr: str, labels: dict[str, str]) -> str:
    # A code the catalog does not know (a newer version's) is kept as it is, never lost.
    if not labels:
        return expr
    cases = " ".join(f"WHEN {_literal(code)} THEN {_literal(label)}"
                     for code, label in labels.items())  # fmt: skip
    return f"CASE ({expr}) {cases} ELSE ({expr}) END"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(*items: str) -> tuple[tuple[str, str], ...]:
    # "expr AS label", or a qualified column named as itself ("c.name" → name).
    out = []
    for item in items:
        expr, _, label = item.rpartition(" AS ")
        out.append((expr, label) if expr else (item, item.rsplit(".", 1)[-1]))
    return tuple(out)


_ALIASES = (
    "(SELECT string_agg(coalesce(a.platform || ':', '') || a.name, ', ' ORDER BY a.name) "
    "FROM campaign_alias a WHERE a.campaign_id = c.id) AS aliases"
)
# The currency a campaign's budgets are in (store.account_currency, then the default): the one
# set on the campaign, else the one the first import naming one brought for its facts.
_ACCOUNT_CURRENCY = (
    "coalesce(c.currency, (SELECT f.currency FROM metric_fact f JOIN import i ON i.id = "
    "f.import_id WHERE f.currency IS NOT NULL AND EXISTS (SELECT 1 FROM campaign_alias a WHERE "
    f"a.campaign_id = c.id AND {alias_matches('f')}) ORDER BY i.imported_at, f.currency LIMIT 1), "
    f"{_literal(DEFAULT_CURRENCY)}) AS currency"
)
# The exportable tables: fixed statements, chosen by name from this registry only.
_EXPORTS: dict[str, _Export] = {
    "campaigns": _Export(
        _columns("c.name", "c.status", "array_to_string(c.channels, ', ') AS channels",
                 "c.audience", "c.relationship_focus", "c.budget", _ACCOUNT_CURRENCY,
                 "c.people_hours", "c.competitive_context", "c.success_measure",
                 "array_to_string(c.stakeholders, ', ') AS stakeholders", _ALIASES,
                 "c.created_at"),
        "FROM campaign c", "ORDER BY lower(c.name)",
    ),
    "cycles": _Export(
        _columns("c.name AS campaign", "cy.number AS cycle", "cy.phase", "cy.start_date",
                 "cy.end_date", "cy.hypothesis", "cy.planned_changes", "cy.budget",
                 _ACCOUNT_CURRENCY, "cy.went_live",
                 "array_to_string(cy.channels, ', ') AS channels", "cy.start_at", "cy.closed_at"),
        "FROM cycle cy JOIN campaign c ON c.id = cy.campaign_id",
        "ORDER BY lower(c.name), cy.number",
    ),
    "learnings": _Export(
        _columns("c.name AS campaign", "cy.number AS cycle", "l.statement", "l.evidence",
                 "l.confidence", "array_to_string(l.tags, ', ') AS tags", "l.decision",
                 "l.decided_at", "nx.number AS carried_into_cycle", "l.applied",
                 "l.applied_reason", "l.outcome"),
        "FROM learning l JOIN cycle cy ON cy.id = l.cycle_id "
        "JOIN campaign c ON c.id = cy.campaign_id LEFT JOIN cycle nx ON nx.id = l.carried_into_id",
        "ORDER BY lower(c.name), cy.number, l.created_at",
    ),
    "goals": _Export(
        _columns("g.name", "g.metric", "g.comparator", "g.target", "g.baseline", "g.period_start",
                 "g.period_end", "g.scope_kind", "coalesce(c.name, g.scope_value) AS scope",
                 "g.owner", "g.objective"),
        "FROM goal g LEFT JOIN campaign c "
        "ON g.scope_kind = 'campaign' AND CAST(c.id AS VARCHAR) = g.scope_value",
        "ORDER BY lower(g.name)",
    ),
    "facts": _Export(
        _columns("f.platform", "f.source_campaign", "f.variant", "f.segment", "f.date", "f.date_to",
                 "f.currency", *(f"f.{m}" for m in BASE_METRICS), "i.file_name AS import_file"),
        "FROM metric_fact f LEFT JOIN import i ON i.id = f.import_id",
        "ORDER BY f.date, f.platform, f.source_campaign, f.variant, f.segment",
        counted="FROM metric_fact f",
    ),
}  # fmt: skip
EXPORT_TABLES: tuple[str, ...] = tuple(_EXPORTS)


def _safe_text_sql(expr: str) -> str:
    # '' becomes NULL: the CSV writer would quote it ("") where the DataFrame path wrote nothing.
    return (
        f"CASE WHEN ({expr}) = '' THEN NULL "
        f"WHEN strpos({_FORMULA_CHARS}, left({expr}, 1)) > 0 THEN '''' || ({expr}) "
        f"ELSE ({expr}) END"
    )


def _csv_value_sql(expr: str, kind: str) -> str:
    """Return the expression that writes one column as the DataFrame path writes it."""
    if kind == "VARCHAR":
        return _safe_text_sql(expr)
    if kind == "BOOLEAN":
        return f"CASE WHEN ({expr}) THEN 'True' WHEN NOT ({expr}) THEN 'False' END"
    if kind == "TIMESTAMP":
        # As str(datetime): no fraction when it is zero, else all six digits.
        return (
            f"CASE WHEN strftime({expr}, '%f') = '000000' "
            f"THEN strftime({expr}, '%Y-%m-%d %H:%M:%S') "
            f"ELSE strftime({expr}, '%Y-%m-%d %H:%M:%S.%f') END"
        )
    return expr


def _sql_path(path: Path) -> str:
    # COPY takes no bound parameter for its file; the path is one of our temporary files.
    return "'" + str(path).replace("'", "''") + "'"


class ExportStore(BaseStore):
    def _export(self, table: str, lang: str = "en") -> _Export:
        found = _EXPORTS.get(table)
        if found is None:
            raise InvalidInput(
                f"'{table}' cannot be exported; choose one of: {', '.join(EXPORT_TABLES)}"
            )
        return found.read_as(lang)

    def export_columns(self, table: str, lang: str = "en") -> list[tuple[str, str]]:
        """Return the header (in ``lang``) and DuckDB type of each column of an exportable
        table."""
        result = self._run(f"{self._export(table, lang).sql()} LIMIT 0")
        return [(str(d[0]), str(d[1])) for d in result.description or ()]

    def export_count(self, table: str) -> int:
        """Return how many rows an export of the table has."""
        row = self._one(self._export(table).count_sql())
        return int(row[0]) if row else 0

    def export_table(self, table: str, lang: str = "en") -> pd.DataFrame:
        """Return one of the exportable tables as people read it (names, not ids), in memory."""
        import pandas as pd

        result = self._run(self._export(table, lang).sql())
        types = {d[0]: str(d[1]) for d in result.description or ()}
        frame = result.df()
        # Days stay days, moments moments (pandas would make both Timestamps), and whole numbers
        # whole (a NULL would turn the column into floats: cycle 2 as 2.0).
        for col, kind in types.items():
            if kind == "DATE":
                values: list[Any] = [None if pd.isna(v) else pd.Timestamp(v).date()
                                     for v in frame[col]]  # fmt: skip
            elif kind.startswith("TIMESTAMP"):
                values = [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime()
                          for v in frame[col]]  # fmt: skip
            elif kind in _INTEGERS:
                values = [None if pd.isna(v) else int(v) for v in frame[col]]
            else:
                continue
            frame[col] = pd.Series(values, index=frame.index, dtype=object)
        return frame

    def _safe_sql(self, table: str, csv: bool, lang: str) -> str:
        export = self._export(table, lang)
        kinds = [kind for _, kind in self.export_columns(table, lang)]
        values = tuple(
            _csv_value_sql(expr, kind) if csv
            else _safe_text_sql(expr) if kind == "VARCHAR" else expr
            for (expr, _), kind in zip(export.columns, kinds, strict=True)
        )  # fmt: skip
        if not csv:
            return export.sql(values)
        # The byte order mark that tells Excel the file is UTF-8 rides on the first label.
        (first, label), *rest = export.columns
        return _Export(((first, _BOM + label), *rest), export.source, export.order).sql(values)

    def copy_export_csv(self, table: str, path: Path, lang: str = "en") -> int:
        """Write an exportable table as formula-safe CSV (UTF-8 with BOM, CRLF) to ``path``,
        replacing what the file held; return the number of rows."""
        query = self._safe_sql(table, csv=True, lang=lang)
        try:
            row = self._cur.execute(
                f"COPY ({query}) TO {_sql_path(path)} "
                "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', NEW_LINE '\r\n', "
                "USE_TMP_FILE false)"
            ).fetchone()
        except DriverError as e:
            # 'IO Error: Could not write file "<our temporary file>": File too large' — the
            # reason after the file's name is what a person can act on.
            raise FileWriteError(driver_detail(e).rsplit('": ', 1)[-1]) from e
        return int(row[0]) if row else 0

    def export_batches(
        self, table: str, size: int = 10_000, lang: str = "en"
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Yield the rows of an exportable table in batches, text cells formula-safe and typed
        values (numbers, dates, moments) as they are."""
        result = self._run(self._safe_sql(table, csv=False, lang=lang))
        while True:
            try:
                batch = result.fetchmany(size)
            except DriverError as e:
                raise InvalidInput(f"the export of {table} stopped: {driver_detail(e)}") from e
            if not batch:
                return
            yield batch
