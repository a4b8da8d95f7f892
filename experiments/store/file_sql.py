"""The SQL that reads an export file: DuckDB's CSV reader with explicit options, then one
conversion expression per column (cell_sql.py).

The store builds it from a ``FileImport`` plan, never from SQL text someone else wrote, and checks
the plan first: column names are ``c0 … cN`` made from integers, metric names come from
metrics.py, date formats from cell_sql's fixed list and delimiters from the one below. Header
labels from the file (the keys of ``extra``) and the file's path are bound as parameters.

The statement comes in a strict form (a bad cell stops the scan, used for the import) and a
tolerant form (a bad cell becomes NULL, used by the importers to find the cell for the message).
"""

from __future__ import annotations

from experiments import currencies
from experiments.errors import InvalidInput
from experiments.import_models import CellKind, CellRead, FileImport, NumberStyle, ResultRead
from experiments.metrics import BASE_METRICS
from experiments.store.cell_sql import (
    DATE_FORMATS,
    GERMAN_MONTHS,
    bounded_sql,
    currency_cell_sql,
    present_sql,
    value_sql,
)
from experiments.store.reader_types import ReaderTypes, columns_sql, options_sql, reader_types

DELIMITERS = {";": "';'", ",": "','", "\t": "'\t'"}
BACKWARDS = "period ends before it starts"
UNKNOWN_CURRENCY = "not an ISO 4217 currency code"
_METRIC_KINDS = (CellKind.NUMBER, CellKind.DURATION, CellKind.SHARE)


def _check_cell(cell: CellRead, width: int, what: str) -> None:
    if not 0 <= cell.index < width:
        raise InvalidInput(f"{what}: column {cell.index} is outside the file's {width} columns")
    if cell.kind is CellKind.DATE and cell.date_format not in DATE_FORMATS:
        raise InvalidInput(f"{what}: '{cell.date_format}' is no date format the reader knows")
    if (cell.kind is CellKind.SHARE) != (cell.share_of is not None):
        raise InvalidInput(f"{what}: a share, and only a share, names the column it is a share of")
    if cell.share_of is not None:
        if cell.share_of.kind not in (CellKind.NUMBER, CellKind.DURATION):
            raise InvalidInput(f"{what}: a share must be of a number column")
        _check_cell(cell.share_of, width, what)
    if cell.plus and cell.kind is not CellKind.NUMBER:
        raise InvalidInput(f"{what}: only number columns are added up")
    for part in cell.plus:
        if part.kind is not CellKind.NUMBER or part.plus:
            raise InvalidInput(f"{what}: a column added to it must be a plain number column")
        _check_cell(part, width, what)


def check(plan: FileImport) -> None:
    """Refuse a plan the reader cannot turn into a safe statement, naming what is wrong."""
    name = plan.file_name
    if plan.delimiter not in DELIMITERS:
        raise InvalidInput(f"{name}: the delimiter {plan.delimiter!r} is not one of ; , or tab")
    if plan.width < 1 or plan.skip < 0:
        raise InvalidInput(f"{name}: a file needs at least one column and skips no negative lines")
    if not plan.platform.strip():
        raise InvalidInput(f"{name}: the facts need a platform")
    keys: list[tuple[str, CellRead, tuple[CellKind, ...]]] = []
    if plan.campaign is not None:
        keys.append(("the campaign", plan.campaign, (CellKind.TEXT,)))
    elif not plan.source_name.strip():
        raise InvalidInput(f"{name}: the rows need a campaign column or a fixed source name")
    if (plan.date is None) == (plan.period is None):
        raise InvalidInput(f"{name}: the rows need a date column or the file's period, not both")
    if plan.date is not None:
        keys.append(("the date", plan.date, (CellKind.DATE,)))
    elif plan.period is not None and plan.period[1] < plan.period[0]:
        raise InvalidInput(f"{name}: the period ends before it starts")
    if plan.date is None and plan.date_end is not None:
        raise InvalidInput(f"{name}: an end date column needs a start date column")
    keys += [("a variant", v, (CellKind.TEXT,)) for v in plan.variants]
    keys += [(f"the segment '{n}'", c, (CellKind.TEXT,)) for n, c in plan.segments]
    if plan.date_end is not None:
        keys.append(("the end date", plan.date_end, (CellKind.DATE,)))
    keys += [(f"the metric {m}", c, _METRIC_KINDS) for m, c in plan.metrics]
    keys += [(f"the extra column '{label}'", c, (CellKind.TEXT,)) for label, c in plan.extra]
    if plan.currency_column is not None:
        keys.append(("the currency column", plan.currency_column, (CellKind.TEXT,)))
    if plan.currency is not None and plan.currency not in currencies.iso_codes():
        raise InvalidInput(f"{name}: '{plan.currency}' is no ISO 4217 currency code")
    for what, cell, kinds in keys:
        if cell.kind not in kinds:
            raise InvalidInput(f"{name}: {what} cannot be read as {cell.kind}")
        _check_cell(cell, plan.width, f"{name}, {what}")
    names = [m for m, _ in plan.metrics]
    if plan.results is not None:
        _check_results(plan.results, set(names), plan.width, name)
        names += [m for m in BASE_METRICS if m in plan.results.metrics]
    unknown = [m for m in names if m not in BASE_METRICS]
    if unknown or not names or len(set(names)) < len(names):
        raise InvalidInput(
            f"{name}: the metrics must be distinct base metrics, at least one "
            f"(got {', '.join(names) or 'none'})"
        )


def _check_results(r: ResultRead, own: set[str], width: int, name: str) -> None:
    if r.value.kind is not CellKind.NUMBER or r.indicator.kind is not CellKind.TEXT:
        raise InvalidInput(f"{name}: results are a number column with a text indicator")
    _check_cell(r.value, width, f"{name}, the results")
    _check_cell(r.indicator, width, f"{name}, the result indicator")
    # A metric the file has its own column for never takes results too: counted once.
    twice = r.metrics & own
    keys = [k for _, ks in r.routes for k in ks]
    if twice or len(set(keys)) < len(keys) or any(not ms for ms, _ in r.routes):
        raise InvalidInput(
            f"{name}: each indicator routes once, to metrics without a column of their own "
            f"(twice: {', '.join(sorted(twice)) or 'none'})"
        )


def _currency(plan: FileImport, strict: bool) -> tuple[str, list[object]]:
    # A row's own code first, else the one the money columns' headers name; NULL: none named.
    if plan.currency_column is None:
        return "CAST(? AS VARCHAR) AS currency", [plan.currency]
    code = currency_cell_sql(plan.currency_column.ref)
    other = f"error('{UNKNOWN_CURRENCY}: ' || {code})" if strict else "NULL"
    return (
        f"CASE WHEN {code} IS NULL THEN CAST(? AS VARCHAR) WHEN list_contains(?, {code}) "
        f"THEN {code} ELSE {other} END AS currency",
        [plan.currency, sorted(currencies.iso_codes())],
    )


# Formats whose dates DuckDB's reader reads exactly as strptime does (no time of day, no
# German month words to translate first).
READER_DATES = frozenset(
    f for f in DATE_FORMATS if f != GERMAN_MONTHS and "%H" not in f and "%I" not in f
)


def typed_read(plan: FileImport) -> ReaderTypes | None:
    """Return the columns the reader types itself on a first read of ``plan``, None if none."""
    check(plan)
    return reader_types(plan, READER_DATES)


def read_csv_sql(plan: FileImport, types: ReaderTypes | None = None) -> str:
    """Return the read_csv call for the data rows (one ``?``: the path); with ``types``, the
    reader types those columns itself."""
    options = "" if types is None else options_sql(types)
    return (
        f"read_csv(?, delim={DELIMITERS[plan.delimiter]}, quote='\"', escape='\"', "
        f"header=false, skip={int(plan.skip)}, columns={columns_sql(types, plan.width)}, "
        f"auto_detect=false, strict_mode=true, null_padding=false, encoding='utf-8'{options})"
    )


def _period(plan: FileImport, strict: bool, typed: frozenset[int]) -> tuple[str, str, list[object]]:
    """Return the SQL of a row's first day and of its last day as the file gives it (NULL: the
    row is for its first day), and the values they bind."""
    if plan.date is None:
        assert plan.period is not None
        return "CAST(? AS DATE)", "CAST(? AS DATE)", list(plan.period)
    day = value_sql(plan.date, plan.number_style, strict=strict, typed=typed)
    if plan.date_end is None:
        return day, "NULL::DATE", []
    # A row with an end day covers that period (a daily row ends on its own day); an empty end
    # cell means the row is for its start day.
    return day, value_sql(plan.date_end, plan.number_style, strict=strict, typed=typed), []


# The last day, read once in the outer query of a strict read: each date is parsed one time only.
_LAST_DAY = (
    "CASE WHEN date_to IS NULL THEN date WHEN date_to >= date THEN date_to "
    f"ELSE error('{BACKWARDS}') END AS date_to"
)


# Each row's route: the number of the route its result indicator is in (1, 2 …); for an empty
# indicator 0 (its results count where ``unnamed`` says) or -2 (kept in extra under the Results
# label); -1 for an indicator no route names (its results are kept in extra under its name).
_ROUTE = "result_route"


def _route_sql(r: ResultRead) -> tuple[str, list[object]]:
    keys = [k for _, ks in r.routes for k in ks]
    numbers = [n for n, (_, ks) in enumerate(r.routes, 1) for _ in ks]
    cell = present_sql(r.indicator.ref)
    # The cell as written first: lower(trim(…)) on every cell of a million rows cost twice
    # the lookup itself, and the keys hold each indicator as written and normalised.
    routes = "MAP(?::VARCHAR[], ?::INTEGER[])"
    known = f"coalesce({routes}[{r.indicator.ref}], {routes}[lower(trim({cell}))])"
    empty = 0 if r.unnamed else -2
    sql = f"coalesce({known}, CASE WHEN {cell} IS NULL THEN {empty} ELSE -1 END) AS {_ROUTE}"
    return sql, [keys, numbers, keys, numbers]


# A row's Results as a number, where its route counts in some metric: converted once per row,
# not once per metric it may count in.
_VALUE = "result_value"


def _results_source(
    r: ResultRead, source: str, style: NumberStyle, strict: bool
) -> tuple[str, list[object]]:
    """Return ``source`` with each row's route and its Results as a number, and the params of
    the route (they come before the source's own)."""
    route, keys = _route_sql(r)
    # Every route counts in some metric (check); route 0 does where ``unnamed`` names metrics.
    counted = f"{_ROUTE} >= {0 if r.unnamed else 1}"
    value = value_sql(r.value, style, strict=strict)
    return (
        f"(SELECT *, CASE WHEN {counted} THEN {value} END "
        f"AS {_VALUE} FROM (SELECT *, {route} FROM {source}))",
        keys,
    )


def _routed_sql(r: ResultRead, metric: str) -> str:
    """Return the value of ``metric`` a row's results give: its Results where its indicator's
    route counts in ``metric``, else NULL."""
    routes = [n for n, (ms, _) in enumerate(r.routes, 1) if metric in ms]
    routes += [0] if metric in r.unnamed else []
    return f"CASE WHEN {_ROUTE} IN ({', '.join(map(str, routes))}) THEN {_VALUE} END"


def _kept_sql(r: ResultRead, extra: str | None) -> str:
    """Return ``extra`` (None: the file keeps no other column) with, for a row whose results
    count in no metric, an entry under the indicator's name (or, where it is empty, the Results
    label) with the Results cell as it came. One ``?``: the Results label; then ``extra``'s own
    params twice."""
    cell = present_sql(r.value.ref)
    name = f"coalesce({present_sql(r.indicator.ref)}, ?)"
    kept = f"MAP([{name}], [{cell}])"
    # Only such rows build a second map: concatenating maps on every row cost a third of the
    # reading of a million-row export. The file's own column wins over an entry of that name.
    if extra is not None:
        kept, rest = f"map_concat({kept}, {extra})", extra
    else:
        rest = _NO_EXTRA
    return f"CASE WHEN {_ROUTE} < 0 AND {cell} IS NOT NULL THEN {kept} ELSE {rest} END"


_NO_EXTRA = "NULL::MAP(VARCHAR, VARCHAR)"
SEGMENT_JOIN = " · "


def segment_sql(plan: FileImport) -> tuple[str, str, list[object]]:
    """Return the SQL of a row's segment ('Age=18-24 · Gender=female', '' without segment
    columns), of the file's breakdown ('Age · Gender'), and the names they bind."""
    if not plan.segments:
        return "''", "''", []
    # A row whose segment cell is empty is the platform's "unknown" bucket of that breakdown:
    # the name stays, so it is a segment of its own and never the row without a breakdown.
    parts = ", ".join(
        f"? || '=' || coalesce(trim({present_sql(c.ref)}), '')" for _, c in plan.segments
    )
    names = [n for n, _ in plan.segments]
    return f"concat_ws('{SEGMENT_JOIN}', {parts})", "?", [*names, SEGMENT_JOIN.join(names)]


def select_sql(
    plan: FileImport, *, strict: bool, types: ReaderTypes | None = None
) -> tuple[str, list[object]]:
    """Return SELECT source_campaign, variant, segment, breakdown, date, date_to, <metrics>,
    extra, currency, result_type FROM read_csv(…), with its params; with ``types``
    (typed_read), the reader types those columns itself."""
    check(plan)
    typed = types.typed if types is not None else frozenset[int]()
    refs = [v.ref for v in plan.variants]
    variant = f"concat_ws(' / ', {', '.join(refs)})" if refs else "''"
    segment, breakdown, params = segment_sql(plan)
    source_campaign = "?"
    if plan.campaign is None:
        params = [plan.source_name, *params]  # its mark comes before the segment's
    else:
        source_campaign = f"coalesce({plan.campaign.ref}, '')"
    first, last, dated = _period(plan, strict, typed)
    params += dated
    names = plan.metric_names
    exprs = [
        f"{source_campaign} AS source_campaign",
        f"{variant} AS variant",
        f"{segment} AS segment",
        f"{breakdown} AS breakdown",
        f"{first} AS date",
        f"{last} AS date_to",
    ]
    if (not strict or not names) and plan.date is not None:
        # No outer query reads the last day here: a row without one is for its first day.
        exprs[-1] = f"coalesce({last}, {first}) AS date_to"
    own = dict(plan.metrics)
    r = plan.results
    for metric in names:
        if metric in own:
            value = value_sql(own[metric], plan.number_style, strict=strict, typed=typed)
            exprs.append(f"{value} AS {metric}")
        elif r is not None:
            exprs.append(f"{_routed_sql(r, metric)} AS {metric}")
    # The result indicator has a column of its own (result_type), not an entry in every row's
    # map: a map per row cost a fifth of the whole import of a million-row Meta export.
    kept = [(k, c) for k, c in plan.extra if r is None or c.index != r.indicator.index]
    extra: str | None = None
    labels = [label for label, _ in kept]
    if kept:
        # Built as a JSON object and cast: MAP(keys, values) checks its keys on every row and
        # cost four times as much. json_object escapes the labels, bound as parameters like
        # every value; repeated labels are refused by the cast as by MAP().
        pairs = ", ".join(f"?, {c.ref}" for _, c in kept)
        extra = f"CAST(json_object({pairs}) AS MAP(VARCHAR, VARCHAR))"
    source = read_csv_sql(plan, types)
    tail: list[object] = [str(plan.body)]
    result_type = "NULL::VARCHAR"
    if r is not None:
        extra, labels = _kept_sql(r, extra), [r.label, *labels, *labels]
        source, keys = _results_source(r, source, plan.number_style, strict)
        tail = [*keys, *tail]
        result_type = r.indicator.ref
    exprs.append(f"{extra or _NO_EXTRA} AS extra")
    code, values = _currency(plan, strict)
    exprs.append(code)
    exprs.append(f"{result_type} AS result_type")
    # In the order of their marks: the extra map's, the currency's, then the source's.
    params += labels + values + tail
    select = f"SELECT {', '.join(exprs)} FROM {source}"
    if not strict or not names:
        return select, params
    # The bounds read each converted value by its column name in an outer query: written
    # around the conversion itself, the CASE repeated the text-to-number conversion of every
    # cell up to four times (DuckDB does not share expressions inside a CASE).
    checked = [bounded_sql(metric, metric in plan.negative) + f" AS {metric}"
               for metric in names]  # fmt: skip
    outer = ", ".join(["source_campaign", "variant", "segment", "breakdown", "date", _LAST_DAY,
                       *checked, "extra", "currency", "result_type"])  # fmt: skip
    return f"SELECT {outer} FROM ({select})", params


def result_rows_sql(plan: FileImport, import_id: object) -> tuple[str, list[object]] | None:
    """Return SELECT platform, source_campaign, result_type, results over the stored facts of
    an import, one row per campaign and indicator, ``results`` the rows with a Results value
    (the metrics only results fill, or the extra entry results that count in no metric leave),
    with its params; None when the plan does not route results by an indicator."""
    r = plan.results
    if r is None:
        return None
    filled = [f"{m} IS NOT NULL" for m in BASE_METRICS if m in r.metrics]
    kept = "map_contains(extra, coalesce(result_type, ?))"
    return (
        "SELECT platform, source_campaign, result_type, "
        f"count(*) FILTER (WHERE {' OR '.join([*filled, kept])}) AS results "
        "FROM metric_fact WHERE import_id = ? GROUP BY ALL",
        [r.label, import_id],
    )


def raw_sql(plan: FileImport) -> tuple[str, list[object]]:
    """Return every cell as text with its row number (1 = first data row), for diagnosis."""
    check(plan)
    return f"SELECT row_number() OVER () AS rn, * FROM {read_csv_sql(plan)}", [str(plan.body)]
