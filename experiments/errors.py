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


class SchemaError(TrackerError):
    """The database file cannot be used by this version of the code."""

    exit_code = 7


class ImportFormatError(InvalidInput):
    """A file cannot be imported; the message names file, line and column."""
