"""Statements with parameters, bound the driver's way or, in a command-line process, as literals.

DuckDB's Python driver loads pandas (and with it numpy and pyarrow) the first time a statement
is given a parameter that is not None, to ask whether the value is one of pandas' own: about
0.4 s of every command-line run, a sixth of a large import, for a module the command never
uses. So the command line turns on ``bind_by_literals``: each statement is then prepared as it
is written and executed with its values written as SQL literals (``EXECUTE s('it''s', 5)``).
The statement's own text is never changed, so a value can never become SQL; a value that has
no exact literal here (bytes, a time zone, an integer beyond 64 bits …) is bound the driver's
way. The literal of each value gives the type the driver gives it (VARCHAR, INTEGER or BIGINT,
DOUBLE, BOOLEAN, UUID, DATE, TIMESTAMP, lists of these), which ``tests/test_sql_params.py``
checks value by value. The dashboard never turns it on: it needs pandas anyway.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

_STATEMENT = "launch_learn_bound"
_by_literals = False


def bind_by_literals(on: bool = True) -> None:
    """Make every statement of this process take its values as literals (see above)."""
    global _by_literals
    _by_literals = on


def execute(
    cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> duckdb.DuckDBPyConnection:
    """Run ``sql`` with ``params`` on ``cur``, the way this process binds values."""
    if not params:
        return cur.execute(sql)
    if _by_literals:
        values = literals(params)
        if values is not None:
            cur.execute(f"PREPARE {_STATEMENT} AS {sql}")
            return cur.execute(f"EXECUTE {_STATEMENT}({values})")
    return cur.execute(sql, list(params))


def literals(params: Sequence[object]) -> str | None:
    """Return the values as a comma-separated list of SQL literals, None if one has none."""
    out = [literal(v) for v in params]
    return None if any(v is None for v in out) else ", ".join(str(v) for v in out)


_INT32 = 2**31
_INT64 = 2**63


def literal(value: object) -> str | None:
    """Return the SQL literal of one value with the type the driver binds it as; None if the
    value has no exact literal here."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):  # before int: a bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        if -_INT32 <= value < _INT32:
            return f"CAST({int(value)} AS INTEGER)"
        return f"CAST({int(value)} AS BIGINT)" if -_INT64 <= value < _INT64 else None
    if isinstance(value, float):
        text = repr(float(value)) if math.isfinite(value) else str(value)
        return f"CAST('{text}' AS DOUBLE)"
    if isinstance(value, str):
        return _text(str(value))
    if isinstance(value, uuid.UUID):
        return f"CAST('{value}' AS UUID)"
    if isinstance(value, dt.datetime):  # before date: a datetime is a date
        if value.tzinfo is not None:
            return None
        return f"CAST('{value.isoformat(sep=' ')}' AS TIMESTAMP)"
    if isinstance(value, dt.date):
        return f"CAST('{value.isoformat()}' AS DATE)"
    if isinstance(value, list | tuple) and value:
        items = [literal(v) for v in value]
        kinds = {type(v) for v in value}
        if any(i is None for i in items) or len(kinds) > 1 or kinds & {list, tuple, type(None)}:
            return None
        ints = [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
        if len(ints) == len(value):  # one element type for the whole list, as the driver picks
            kind = "INTEGER" if all(-_INT32 <= v < _INT32 for v in ints) else "BIGINT"
            items = [f"CAST({v} AS {kind})" for v in ints]
        return "[" + ", ".join(str(i) for i in items) + "]"
    return None


def _text(value: str) -> str | None:
    # Quotes are doubled; a backslash means itself in DuckDB's string literals. A NUL would end
    # the statement's text, and a lone surrogate is no UTF-8: both are bound instead.
    if "\x00" in value:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return "'" + value.replace("'", "''") + "'"
