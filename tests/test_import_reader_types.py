"""The typed first read of an import gives exactly what the text read gives, or refuses.

An import first lets DuckDB's CSV reader type the plain number and date columns itself
(reader_types.py); when the reader refuses a cell, the import is made again by the text
conversion. So the typed read may refuse more than the text read, never accept a file the text
read refuses, and never give a different value. These tests compare the two statements cell by
cell on files of random cells, and check the import falls back and still names bad cells.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.db import Database
from experiments.errors import ImportFormatError
from experiments.import_models import CellKind, CellRead, FileImport, NumberStyle
from experiments.importers import service
from experiments.importers.plan import prepare
from experiments.store import Store, cell_sql, facts, file_sql
from tests import sql as raw

FIXTURES = Path(__file__).parent / "fixtures"

MARKERS = list(cell_sql.MISSING) + [" - ", " n/a", "k. A. "]
NUMBERS = st.one_of(
    st.sampled_from(["1.234,56", "1,234.56", "12", "0", "-5", "+5", " 7 ", "1e5", "inf", "nan",
                     "1.234.567", "1,2,3", ",5", "5,", "1..2", "12.5", "1 234", "€12", "0x10"]),
    st.sampled_from(MARKERS),
    st.text(alphabet="0123456789.,-+eE ", max_size=9),
)  # fmt: skip
DATES = st.one_of(
    st.sampled_from(["05.02.2026", "5.2.2026", " 05.02.2026", "31.02.2026", "2026-02-05",
                     "05.02.26", "05.02.2026 10:00", "02/05/2026"]),
    st.sampled_from(MARKERS),
    st.text(alphabet="0123456789./- ", max_size=11),
)  # fmt: skip
TEXTS = st.one_of(st.sampled_from([*MARKERS, "Spring", "Käufe", '"quoted"']),
                  st.text(max_size=6))  # fmt: skip
ROW = st.tuples(TEXTS, DATES, NUMBERS, NUMBERS, TEXTS, TEXTS)


def write_rows(
    path: Path, rows: list[tuple[str, ...]], quote_all: bool, delimiter: str = ";"
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)  # fmt: skip
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def plan_of(
    body: Path,
    style: NumberStyle,
    date_format: str = "%d.%m.%Y",
    delimiter: str = ";",
    parts: bool = False,
) -> FileImport:
    plain = FileImport(
        file_name="cells.csv", sha256="0" * 64, platform="meta", body=body, skip=0,
        delimiter=delimiter, width=6, number_style=style, campaign=CellRead(0, CellKind.TEXT),
        variants=(CellRead(5, CellKind.TEXT),),
        date=CellRead(1, CellKind.DATE, date_format=date_format), date_end=None,
        metrics=(("spend", CellRead(2, CellKind.NUMBER)), ("clicks", CellRead(3, CellKind.NUMBER))),
        extra=(("Note", CellRead(4, CellKind.TEXT)),),
    )  # fmt: skip
    if not parts:
        return plain
    # Engagements as the sum of two columns, the way LinkedIn page exports are read.
    summed = CellRead(3, CellKind.NUMBER, plus=(CellRead(2, CellKind.NUMBER),))
    return replace(
        plain, metrics=(("spend", CellRead(2, CellKind.NUMBER)), ("engagements", summed))
    )


def outcome(plan: FileImport, typed: bool) -> list[tuple[object, ...]] | None:
    """Return the rows the strict statement gives, None when it refuses the file."""
    types = file_sql.typed_read(plan) if typed else None
    assert (types is not None) is typed
    sql, params = file_sql.select_sql(plan, strict=True, types=types)
    try:
        rows = duckdb.connect().execute(sql, params).fetchall()
    except duckdb.Error:
        return None
    # NaN is not equal to itself; compare it by its text.
    return [tuple("nan" if v != v else v for v in row) for row in rows]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=4), style=st.sampled_from(list(NumberStyle)),
       quote_all=st.booleans(), delimiter=st.sampled_from([";", ",", "\t"]),
       parts=st.booleans())  # fmt: skip
def test_the_typed_read_gives_what_the_text_read_gives_or_refuses(
    tmp_path: Path,
    rows: list[tuple[str, ...]],
    style: NumberStyle,
    quote_all: bool,
    delimiter: str,
    parts: bool,
) -> None:
    # With ',' between fields, '1,5' is quoted in the file (or two fields, refused by both).
    body = tmp_path / "cells.csv"
    write_rows(body, rows, quote_all, delimiter)
    plan = plan_of(body, style, delimiter=delimiter, parts=parts)
    typed, text = outcome(plan, typed=True), outcome(plan, typed=False)
    if typed is not None:
        assert typed == text


@pytest.mark.parametrize(
    ("cells", "same"),
    [
        # Text columns keep a marker as it was written; an empty cell is missing in both.
        (("-", "05.02.2026", "1.234,56", "", "n/a", "--"), True),
        (("", "", "", "", "", ""), True),
        # Any other marker in a typed column: only the text read takes it for missing.
        (("Spring", "05.02.2026", "-", "3", "x", "y"), False),
        (("Spring", "05.02.2026", " - ", "3", "x", "y"), False),
        (("Spring", " n/a", "3", "3", "x", "y"), False),
    ],
)
def test_markers_and_empty_cells_read_alike(
    tmp_path: Path, cells: tuple[str, ...], same: bool
) -> None:
    body = tmp_path / "cells.csv"
    write_rows(body, [cells], quote_all=False)
    plan = plan_of(body, NumberStyle.DE)
    text = outcome(plan, typed=False)
    assert text is not None
    assert (outcome(plan, typed=True) == text) is same


def test_only_plain_numbers_and_dates_without_a_time_are_typed(tmp_path: Path) -> None:
    body = tmp_path / "cells.csv"
    types = file_sql.typed_read(plan_of(body, NumberStyle.DE))
    assert types is not None
    assert (set(types.numbers), set(types.dates)) == ({2, 3}, {1})
    timed = file_sql.typed_read(plan_of(body, NumberStyle.DE, "%d.%m.%Y %H:%M"))
    assert timed is not None and timed.dates == frozenset()
    # A column the plan also reads as text is read as text only.
    both = replace(
        plan_of(body, NumberStyle.DE), extra=(("Spend as text", CellRead(2, CellKind.TEXT)),)
    )
    assert (file_sql.typed_read(both) or pytest.fail()).numbers == {3}


@pytest.mark.parametrize("name", ["meta_de_results.csv", "google_ads_de.csv", "meta_en.csv"])
def test_real_exports_are_read_typed_first(name: str) -> None:
    path = FIXTURES / name
    with prepare(path.read_bytes(), name, source=path) as p:
        types = file_sql.typed_read(p.read_plan())
    assert types is not None and types.numbers


CELLS = "Kampagnenname;Berichtsbeginn;Berichtsende;Ausgegebener Betrag (EUR);Impressionen\n"


@pytest.mark.parametrize(
    ("spend", "stored"),
    [("12,50", 12.5), (" - ", None), ("1.234,56", 1234.56)],
)
def test_an_import_the_reader_refuses_is_made_by_the_text_read(
    db: Database, store: Store, spend: str, stored: float | None
) -> None:
    data = (CELLS + f"Frühling;02.11.2026;02.11.2026;{spend};1.000\n").encode()
    service.run(store, data, "meta_de.csv")
    assert raw.rows(db, "SELECT spend, impressions FROM metric_fact") == [(stored, 1000.0)]


def test_a_bad_cell_is_still_named_after_the_typed_read_refused(db: Database, store: Store) -> None:
    data = (CELLS + "Frühling;02.11.2026;02.11.2026;zwölf;1.000\n").encode()
    with pytest.raises(ImportFormatError, match="zwölf"):
        service.run(store, data, "meta_de.csv")
    assert raw.rows(db, "SELECT count(*) FROM metric_fact") == [(0,)]


@pytest.mark.parametrize(("cell", "reads"), [("12,50", [True]), ("-", [True, False])])
def test_a_clean_export_is_written_by_the_typed_read_alone(
    store: Store, monkeypatch: pytest.MonkeyPatch, cell: str, reads: list[bool]
) -> None:
    # Each statement the import runs, typed or not: a clean file is read once.
    seen: list[bool] = []
    build = file_sql.select_sql

    def recorded(plan: FileImport, *, strict: bool, types: object = None) -> object:
        seen.append(types is not None)
        return build(plan, strict=strict, types=types)  # type: ignore[arg-type]

    monkeypatch.setattr(facts, "select_sql", recorded)
    data = (CELLS + f"Frühling;02.11.2026;02.11.2026;{cell};1.000\n").encode()
    service.run(store, data, "meta_de.csv")
    assert seen == reads
