"""File → canonical metric facts: decoding, table finding, one registry entry per platform.

The pieces, in the order a file passes them: ``decoding`` (what the bytes are, UTF-8 for DuckDB;
``encodings`` detects the code page of a file that is not UTF-8),
``workbook`` (.xlsx sheets as CSV text), ``tables`` (header, summary and totals rows, the table's
end), ``registry`` (platforms and saved mappings; more entries in ``platforms_ads`` and
``platforms_social``), ``values`` (number styles, dates, durations),
``plan`` (the prepared file and its typed read plan), ``diagnose`` (messages for bad files) and
``service`` (an import end to end through the store).

The store builds and runs the SQL that reads a file (store/file_sql.py) from the typed plan;
``diagnose`` reuses its tolerant form on a private connection from db.py to find a bad cell. The
importers never touch the tracker's tables and never see the driver's errors.
"""

# The registry first: its entry modules build on its classes and it lists their entries, so
# whichever module of the package is imported first, the registry is complete before them.
from experiments.importers import registry as registry  # noqa: E402
