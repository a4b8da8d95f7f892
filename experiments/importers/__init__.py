"""File → canonical metric facts: decoding, table finding, one registry entry per platform.

The pieces, in the order a file passes them: ``decoding`` (what the bytes are, UTF-8 for DuckDB),
``workbook`` (.xlsx sheets as CSV text), ``tables`` (header, summary and totals rows, the table's
end), ``registry`` (platforms and saved mappings), ``values`` (number styles, dates, durations),
``plan`` (the prepared file), ``sql`` (DuckDB's CSV reader and the conversions), ``diagnose``
(messages for bad files) and ``service`` (an import end to end through the store).

The importers read export files through DuckDB on their own; they never touch the tracker's
tables, which only the store writes.
"""
