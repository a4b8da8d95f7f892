"""The error hierarchy: each error names the problem and says what to do about it.

Pages show ``str(error)``; the command line prints ``error: <message>`` and exits non-zero.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error a person can act on; anything else is a bug."""

    exit_code = 1


class NotFound(TrackerError):
    exit_code = 3


class InvalidInput(TrackerError):
    exit_code = 2


class Conflict(TrackerError):
    exit_code = 4


class GateRefused(TrackerError):
    """The loop refuses to turn (e.g. a learning still waits for its decision)."""

    exit_code = 5

    def __init__(self, message: str, blockers: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.blockers = blockers


class PermissionDenied(TrackerError):
    exit_code = 6


class ConstraintViolation(Conflict):
    """A write broke a rule of the schema (a unique name, a required value); nothing was written."""


class WriteConflict(Conflict):
    """Another write changed the same data at the same time; nothing was written."""


class DatabaseError(TrackerError):
    """The database refused an operation for a reason no narrower error names."""


class SchemaError(TrackerError):
    """The database file cannot be used by this version of the code."""

    exit_code = 7


class ImportFormatError(InvalidInput):
    """A file cannot be imported; the message names file, line and column."""


class FileUnreadable(ImportFormatError):
    """DuckDB's CSV reader refused an export file; ``detail`` is its reason, for the diagnosis."""

    def __init__(self, file_name: str, detail: str) -> None:
        super().__init__(
            f"{file_name}: the file could not be read ({detail}); check that it is the export "
            "exactly as the platform produced it"
        )
        self.file_name, self.detail = file_name, detail


class DuplicateKey(InvalidInput):
    """Two rows of one file are for the same campaign, variant and day."""

    def __init__(self, campaign: str, variant: str, day: object) -> None:
        shown = f"campaign '{campaign}'" + (f", variant '{variant}'" if variant else "")
        super().__init__(
            f"two rows of the file are for {shown} and day {day}; each campaign, variant and "
            "day may appear once"
        )
        self.campaign, self.variant, self.day = campaign, variant, day


class FileWriteError(InvalidInput):
    """A file could not be written to the end; ``reason`` is why (a full disk, a size limit)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the file could not be written ({reason})")
        self.reason = reason


class ExportTooLarge(InvalidInput):
    """A table has more rows than one Excel sheet holds."""

    def __init__(self, table: str, rows: int, limit: int) -> None:
        super().__init__(
            f"{table} has {rows:,} rows, more than one Excel sheet holds ({limit:,} below the "
            "header); export it as .csv instead"
        )
        self.table, self.rows, self.limit = table, rows, limit
