"""From the bytes of an upload to UTF-8 text: what kind of file it is and how it is encoded.

DuckDB reads UTF-8; every other encoding is decoded here in Python and handed on as UTF-8.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePath

from experiments.errors import ImportFormatError
from experiments.importers import encodings

# The upload limit of the dashboard (server.maxUploadSize) and of the command line.
MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx",)

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) container


@dataclass(frozen=True, slots=True)
class Decoded:
    """The file as UTF-8 bytes without a byte order mark, and the encoding it came in."""

    text: bytes | memoryview
    encoding: str


# How much of a file's own text a message quotes: a header cell of 50 KB once became a message
# of 50 KB. What is wrong and what to do stay whole; the quoted file text is shortened.
QUOTE_CHARS = 60
MESSAGE_WHAT_CHARS = 400


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """Return file text short enough to quote in a message ('…' marks a cut)."""
    text = text.replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fail(
    name: str, what: str, todo: str, line: int | None = None, column: int | None = None
) -> ImportFormatError:
    """Return the error for a bad file: '<file>, line L, column C: what is wrong — what to do'."""
    name, what = quote(name, 120), quote(what, MESSAGE_WHAT_CHARS)
    where = name
    if line is not None:
        where += f", line {line}"
    if column is not None:
        where += f", column {column}"
    return ImportFormatError(f"{where}: {what} — {todo}")


def suffix(name: str) -> str:
    """Return the file name's extension in lower case ('.csv')."""
    return PurePath(name).suffix.lower()


def check_size(size: int, name: str, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse a file larger than the upload limit."""
    if size > max_bytes:
        raise fail(
            name,
            f"the file has {size / MB:.1f} MB, more than the limit of {max_bytes / MB:g} MB",
            "export a shorter date range or fewer columns and import the parts one by one",
        )


def _blank(data: bytes) -> bool:
    # Only whitespace, NULs and byte order marks; the head decides for any real export.
    filler = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    return not data[: 1 << 16].strip(filler) and not data.strip(filler)


def check_container(data: bytes, name: str, max_bytes: int = MAX_FILE_BYTES) -> bool:
    """Return True for a workbook, False for a text export; refuse anything else."""
    check_size(len(data), name, max_bytes)
    ext = suffix(name)
    # An old .xls (LinkedIn's page analytics come so) is told how to convert it, like one
    # renamed to .xlsx; any other file type is only told which types the import takes.
    if ext not in TEXT_SUFFIXES + WORKBOOK_SUFFIXES and not (
        ext == ".xls" and data.startswith(_OLE)
    ):
        raise fail(
            name,
            f"'{ext or name}' files cannot be imported",
            "upload a CSV, TSV, TXT or XLSX export",
        )
    if _blank(data):
        raise fail(name, "the file is empty", "export the report again from the platform")
    if data.startswith(_OLE):
        raise fail(
            name,
            "this is an old Excel .xls workbook",
            "save it in Excel as .xlsx or as CSV UTF-8 and upload that",
        )
    is_zip = data.startswith(_ZIP)
    if ext in WORKBOOK_SUFFIXES and not is_zip:
        raise fail(
            name,
            "the file is not an Excel workbook although its name ends in .xlsx",
            "upload the original .xlsx, or rename a CSV export to .csv",
        )
    if is_zip and ext not in WORKBOOK_SUFFIXES:
        raise fail(
            name,
            f"the file is an Excel workbook (or another zip archive) but its name ends in {ext}",
            "rename it to .xlsx and upload it again, or save it in Excel as CSV",
        )
    return is_zip


def _utf16_without_bom(head: bytes) -> str | None:
    # UTF-16 text without a byte order mark has a NUL in every other byte of ASCII characters.
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _refuse_binary(data: bytes, start: int, name: str) -> None:
    position = data.find(b"\x00", start)
    if position >= 0:
        line = data.count(b"\n", start, position) + 1
        raise fail(
            name,
            f"the file contains binary data (a NUL byte at byte {position + 1})",
            "upload the CSV or XLSX export as the platform produced it, "
            "not a different kind of file",
            line=line,
        )


def decode(data: bytes, name: str) -> Decoded:
    """Return the text export as UTF-8: BOM sniffing, then UTF-8, then the encoding the
    detector finds (encodings.py); a file no known encoding reads is refused."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, view = "UTF-8 with BOM", memoryview(data)[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        le = data.startswith(codecs.BOM_UTF16_LE)
        text = data[2:].decode("utf-16-le" if le else "utf-16-be", errors="replace")
        return Decoded(text.encode("utf-8"), "UTF-16 LE" if le else "UTF-16 BE")
    else:
        guess = _utf16_without_bom(data[:4096])
        if guess is not None:
            text = data.decode(guess, errors="replace")
            label = "UTF-16 LE" if guess == "utf-16-le" else "UTF-16 BE"
            return Decoded(text.encode("utf-8"), f"{label} without BOM")
        encoding, view = "UTF-8", memoryview(data)
    _refuse_binary(data, len(data) - len(view), name)
    bad = first_non_utf8(view)
    if bad is not None:
        legacy = encodings.decode_legacy(bytes(view), quote(name, 120))
        # In CP932 or GB18030 text, byte pairs that look like UTF-8 are ordinary characters.
        if legacy.encoding not in encodings.MULTIBYTE:
            _refuse_mixed(bytes(view), bad, name)
        return Decoded(_cr_lines_to_lf(legacy.text.encode("utf-8")), legacy.encoding)
    return Decoded(_cr_lines_to_lf(view), encoding)


UTF8_CHUNK = 1 << 20


def first_non_utf8(view: memoryview) -> int | None:
    """Return the offset of the first byte that is not UTF-8, None when every byte is.

    Checked a megabyte at a time: decoding the whole file at once builds a string of it (twice
    its size in memory when one character is beyond Latin-1). A character cut at the end of a
    chunk is left for the next one."""
    pos = 0
    while pos < len(view):
        final = pos + UTF8_CHUNK >= len(view)
        try:
            _, used = codecs.utf_8_decode(view[pos : pos + UTF8_CHUNK], "strict", final)
        except UnicodeDecodeError as e:
            return pos + e.start
        pos += used
    return None


# A character of two to four bytes as UTF-8 writes it. In Windows-1252 text these byte pairs
# only appear as mojibake ('Ã¼' for 'ü'), which is how a UTF-8 line looks to that encoding.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _refuse_mixed(data: bytes, bad: int, name: str) -> None:
    # A file pasted together from a UTF-8 and a Windows-1252 export: read as one encoding, half
    # of its names would silently become 'FrÃ¼hjahr' next to 'Frühjahr'.
    found = _UTF8_MULTIBYTE.search(data)
    if found is None:
        return
    utf8_line = data.count(b"\n", 0, found.start()) + 1
    other_line = data.count(b"\n", 0, bad) + 1
    sample = found.group().decode("utf-8")
    raise fail(
        name,
        f"the file mixes two encodings: line {utf8_line} is UTF-8 (it has '{sample}'), line "
        f"{other_line} is not (Windows-1252 or another Excel encoding)",
        "save the whole file once more in one encoding (in Excel: CSV UTF-8) and upload that",
        line=other_line,
    )


def _cr_lines_to_lf(text: bytes | memoryview) -> bytes | memoryview:
    # Excel for Mac's "CSV (Macintosh)" ends lines with a bare CR; everything after decoding
    # reads lines that end in LF. A file with any LF keeps its bytes as they are.
    raw = text if isinstance(text, bytes) else text.obj
    if not isinstance(raw, bytes) or b"\n" in raw or b"\r" not in raw:
        return text
    return bytes(text).replace(b"\r", b"\n")
