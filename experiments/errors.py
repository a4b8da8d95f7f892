"""The error hierarchy: each error names the problem and says what to do about it.

Pages show ``error.text(lang)``; the command line prints ``error: <message>`` and exits non-zero.
"""

from __future__ import annotations

import shlex
from enum import StrEnum


class TrackerError(Exception):
    """Base of every error a person can act on; anything else is a bug."""

    exit_code = 1

    def for_cli(self) -> str:
        """Return the message as the command line prints it after ``error:``."""
        return str(self)

    def text(self, lang: str) -> str:
        """Return the message in ``lang``; most messages exist in English only so far."""
        return str(self)


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


class SignInRefused(PermissionDenied):
    """A sign-in that did not succeed: wrong name or password, or a deactivated member. The
    message (English and German, catalog_errors) never says which of name or password was
    wrong."""

    def __init__(self, what: str, **values: object) -> None:
        self.key = f"sign_in.{what}"
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        from experiments.i18n import t  # the catalogs sit beside this module, not below it

        return t(self.key, lang, **self.values)


class ConfigurationRefused(InvalidInput):
    """A setting of the configuration that cannot be used (the first admin of team mode): the
    message (English and German, catalog_config) names the setting and what to put there.
    Nothing was written."""

    def __init__(self, case: str, **values: object) -> None:
        self.key = f"config.{case}"
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        return _text(self.key, lang, **self.values)


class ConstraintViolation(Conflict):
    """A write broke a rule of the schema (a unique name, a required value); nothing was written."""


class WriteConflict(Conflict):
    """Another write changed the same data at the same time; nothing was written."""


class ChangedMeanwhile(WriteConflict):
    """What a write rests on changed between reading it and writing: a lost race. Nothing was
    written; the message (English and German, catalog_errors) says what changed and to reload."""

    def __init__(self, what: str, **values: object) -> None:
        self.key = f"changed.{what}"
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``, with phases and decisions named in that language."""
        # Imported here: the catalogs and labels sit beside this module, not below it.
        from experiments.display import enum_label
        from experiments.i18n import t

        shown = {k: enum_label(v, lang) if isinstance(v, StrEnum) else v
                 for k, v in self.values.items()}  # fmt: skip
        return t(self.key, lang, **shown)


class DatabaseError(TrackerError):
    """The database refused an operation for a reason no narrower error names."""


class SchemaError(TrackerError):
    """The database file cannot be used by this version of the code."""

    exit_code = 7


class ImportFormatError(InvalidInput):
    """A file cannot be imported; the message names file, line and column."""


class ImportRefused(ImportFormatError):
    """A file refused for a reason the catalogs name in English and German (``import.refuse.*``
    in catalog_import): where (the file, and its line), what is wrong, and what to do."""

    def __init__(self, case: str, file: str, line: int | None = None, **values: object) -> None:
        self.key = f"import.refuse.{case}"
        self.file, self.line, self.values = file, line, values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        from experiments.i18n import t

        where = self.file if self.line is None else t(
            "import.refuse.where", lang, file=self.file, line=self.line
        )  # fmt: skip
        return t(self.key, lang, where=where, **self.values)


class FileUnreadable(ImportFormatError):
    """DuckDB's CSV reader refused an export file; ``detail`` is its reason, for the diagnosis."""

    def __init__(self, file_name: str, detail: str) -> None:
        super().__init__(
            f"{file_name}: the file could not be read ({detail}); check that it is the export "
            "exactly as the platform produced it"
        )
        self.file_name, self.detail = file_name, detail


class DuplicateKey(InvalidInput):
    """Two rows of one file are for the same campaign, variant, segment and day."""

    def __init__(
        self, campaign: str, variant: str, segment: str, day: object, last: object = None
    ) -> None:
        shown = f"campaign '{campaign}'" + (f", variant '{variant}'" if variant else "")
        shown += f", segment '{segment}'" if segment else ""
        unit = "day" if last in (None, day) else "period"
        when = f"day {day}" if unit == "day" else f"period {day} to {last}"
        super().__init__(
            f"two rows of the file are for {shown} and {when}; each campaign, variant, "
            f"segment and {unit} may appear once"
        )
        self.campaign, self.variant, self.segment, self.day = campaign, variant, segment, day
        self.last = day if last is None else last


class DatabaseTrouble(TrackerError):
    """The database cannot be opened or read as it is; nothing was written to it.

    The message comes from the catalogs (``db.<area>.*``) in English and German: what happened
    (one text per ``case``), that nothing was written, and what to do. The dashboard's advice
    names no command-line options; ``for_cli`` gives the command line's own advice.
    """

    exit_code = 8
    area = "trouble"

    def __init__(self, path: str, case: str, **values: object) -> None:
        self.path, self.case, self.values = str(path), case, values
        super().__init__(self.text("en"))

    def title(self, lang: str) -> str:
        """Return the heading of the page that explains this trouble."""
        return _text(f"db.{self.area}.title", lang)

    def what(self, lang: str) -> str:
        """Return what happened, naming the file."""
        return _text(f"db.{self.area}.what.{self.case}", lang, path=self.path, **self.values)

    def advice(self, lang: str, *, cli: bool = False) -> str:
        """Return what to do: a case's own advice where it has one, else the area's."""
        from experiments.i18n import catalogs

        base = f"db.{self.area}.do" + ("_cli" if cli else "")
        key = f"{base}.{self.case}" if f"{base}.{self.case}" in catalogs()["en"] else base
        # The command line's advice may quote the path as a shell would need it.
        return _text(key, lang, path=self.path, shell_path=shlex.quote(self.path), **self.values)

    def text(self, lang: str, *, cli: bool = False) -> str:
        """Return the whole message: what happened, nothing written, what to do."""
        nothing = _text("db.nothing_written", lang)
        return f"{self.what(lang)} {nothing} {self.advice(lang, cli=cli)}"

    def for_cli(self) -> str:
        """Return the message with the command line's advice (which may name --db)."""
        return self.text("en", cli=True)


def _text(key: str, lang: str, **values: object) -> str:
    # The catalogs are read only when a message is made: errors.py stays free of babel at import.
    from experiments.i18n import t

    return t(key, lang, **values)


class DatabaseLocked(DatabaseTrouble):
    """Another process holds the database file's lock (a command still running, a dashboard)."""

    exit_code = 8
    area = "locked"


class DatabaseTooNew(DatabaseTrouble, SchemaError):
    """The file was written by a newer Launch & Learn (schema) or a newer DuckDB (storage)."""

    exit_code = 7
    area = "too_new"


class DatabaseCorrupt(DatabaseTrouble):
    """Part of the file fails DuckDB's checks (a checksum, the metadata): its data is damaged."""

    exit_code = 9
    area = "corrupt"


class NotATrackerDatabase(DatabaseTrouble):
    """The file is not a DuckDB database (SQLite, empty, anything else) or belongs to another
    program."""

    exit_code = 10
    area = "not_tracker"


class DatabaseUnreadable(DatabaseTrouble):
    """The path cannot be opened: no permission, a folder, or a system error."""

    exit_code = 11
    area = "unreadable"


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


class BackupDenied(PermissionDenied):
    """Someone other than an admin asked for a backup or a restore (``backup.denied.*``)."""

    def __init__(self, action: str, username: str, role: str) -> None:
        self.key = f"backup.denied.{action}"
        self.values = {"user": username, "role": role}
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        return _text(self.key, lang, **self.values)


class BackupRefused(InvalidInput):
    """A backup or a restore refused for a reason the catalogs name in English and German
    (``backup.refuse.*`` / ``restore.refuse.*`` in catalog_backup): the folder or file, what is
    wrong, and what to do. A refused restore wrote nothing, and its message says so."""

    # A database that already holds data is a conflict; a backup from a newer schema needs a
    # newer tool, as a database from one does (exit 7). Every other refusal is bad input.
    _EXIT_CODES = {"restore.refuse.not_empty_db": 4, "restore.refuse.newer": 7}

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        self.exit_code = self._EXIT_CODES.get(key, InvalidInput.exit_code)
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        text = _text(self.key, lang, **self.values)
        if self.key.startswith("restore."):
            text = f"{text} {_text('restore.nothing', lang)}"
        return text


class DutyRefused(InvalidInput):
    """An owner, due date or comment refused for a reason the catalogs name in English and
    German (``duty.refuse.*`` in catalog_mywork); nothing was written."""

    def __init__(self, case: str, **values: object) -> None:
        self.key = f"duty.refuse.{case}"
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        from experiments.i18n import t

        return t(self.key, lang, **self.values)


class MoneyRefused(InvalidInput):
    """Money that cannot be shown or added up as asked: an unknown currency code, or amounts in
    several currencies without rates (``money.refuse.*`` in catalog_money); nothing was written."""

    def __init__(self, case: str, **values: object) -> None:
        self.key = f"money.refuse.{case}"
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``."""
        from experiments.i18n import t

        return t(self.key, lang, **self.values)
