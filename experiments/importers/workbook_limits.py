"""Refuse a hostile or absurd .xlsx before python-calamine sees it.

The reader allocates one cell for every position a sheet spans and inflates every part of the zip
in memory. A 1.6 KB workbook with cells A1 and XFD1048576 asked it for 549 GB and aborted the
whole process (an abort is no exception: it took the dashboard down for everyone), and a deflate
bomb of 41 MB spent half a minute and 1.4 GB before failing. So the zip is walked here first with
the standard library, inflating each part in bounded chunks and counting what really comes out
(the sizes a zip declares can lie), and each sheet's extent is read from its `<dimension>` and from
its cell references, stopping at the first limit crossed.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from experiments.errors import ImportFormatError
from experiments.importers.decoding import MB, fail

_CHUNK = 1 << 20
# Compressed bytes handed to the inflater at once: small, because whitespace inflates a thousandfold
# and every step with output left over copies the rest of its input again.
_FEED = 1 << 14
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")
_LOCAL_MAGIC = b"PK\x03\x04"
_STORED, _DEFLATED = 0, 8
# A worksheet part; chart sheets and drawings hold no cells we read.
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_DIMENSION = re.compile(
    rb'<dimension\s+ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"'
)
# A cell reference attribute (r="XFD1048576"); <row r="5"> has no letters and does not match.
_CELL_REF = re.compile(rb'r="([A-Z]{1,3})([0-9]{1,7})"')
_CSV_TODO = "save the sheet as CSV UTF-8 in Excel and import that: CSV files have no such limit"


@dataclass(frozen=True, slots=True)
class Limits:
    """What a workbook may hold; an export far beyond these is an attack or a mistake."""

    # Excel's own files have a few dozen parts.
    members: int = 2_000
    # Inflated bytes of all parts together: about 400,000 rows of 20 columns of sheet XML.
    inflated_bytes: int = 256 * MB
    # Positions a sheet spans (rows × columns); the reader keeps one cell per position.
    cells: int = 10_000_000


LIMITS = Limits()


def column_number(letters: bytes) -> int:
    """Return the 1-based number of a column name ('A' → 1, 'XFD' → 16384)."""
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def check(data: bytes, name: str, limits: Limits = LIMITS) -> None:
    """Raise ImportFormatError if the workbook is damaged, too big inflated, or spans too much."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise _damaged(name) from e
    if len(infos) > limits.members:
        raise fail(
            name,
            f"the workbook has {len(infos):,} parts, "
            f"more than the {limits.members:,} an export has",
            _CSV_TODO,
        )
    # The declared sizes refuse an honest bomb at once; the inflation below catches a lying one.
    if sum(info.file_size for info in infos) > limits.inflated_bytes:
        raise _too_big(name, limits)
    inflated = 0
    for info in infos:
        extent = _Extent(info.filename) if _SHEET.fullmatch(info.filename) else None
        part = 0
        for chunk in _inflate(data, info, name):
            part += len(chunk)
            inflated += len(chunk)
            if inflated > limits.inflated_bytes:
                raise _too_big(name, limits)
            if part > info.file_size:
                # More than the zip declares: a forged header, refused before it costs much.
                raise _damaged(name)
            if extent is not None:
                extent.scan(chunk)
                extent.check(name, limits)


class _Extent:
    """The rows and columns one sheet spans, from its dimension and its cell references."""

    def __init__(self, part: str) -> None:
        # Excel names the parts sheet1.xml, sheet2.xml … in the order of the tabs.
        stem = part.rsplit("/", 1)[-1].removesuffix(".xml")
        self.sheet = f"sheet {stem[5:]}" if stem[5:].isdigit() else f"sheet part {stem}"
        self.rows = 0
        self.columns = 0
        self.tail = b""

    def scan(self, chunk: bytes) -> None:
        # Keep the end of the last chunk so that a reference cut in two is still seen whole.
        text = self.tail + chunk
        self.tail = text[-64:]
        dimension = _DIMENSION.search(text)
        if dimension is not None:
            self._extend(dimension.group(1), dimension.group(2))
            if dimension.group(3):
                self._extend(dimension.group(3), dimension.group(4))
        for letters, digits in _CELL_REF.findall(text):
            self._extend(letters, digits)

    def _extend(self, letters: bytes, digits: bytes) -> None:
        self.columns = max(self.columns, column_number(letters))
        self.rows = max(self.rows, int(digits))

    def check(self, name: str, limits: Limits) -> None:
        if self.rows * self.columns <= limits.cells:
            return
        raise fail(
            name,
            f"{self.sheet} spans {self.rows:,} rows × {self.columns:,} columns, more than "
            f"the {limits.cells:,} cells a workbook may have here",
            "delete the empty rows and columns far outside the table (a stray cell can stretch a "
            f"sheet to the last row or column), save, and upload again — or {_CSV_TODO}",
        )


def _inflate(data: bytes, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """Yield one part's inflated bytes in chunks, from the compressed bytes it really has."""
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_MAGIC:
        raise _damaged(name)
    fields = _LOCAL_HEADER.unpack(header)
    body = start + _LOCAL_HEADER.size + fields[9] + fields[10]
    compressed = memoryview(data)[body : body + info.compress_size]
    if info.compress_type == _STORED:
        for at in range(0, len(compressed), _CHUNK):
            yield bytes(compressed[at : at + _CHUNK])
        return
    if info.compress_type != _DEFLATED:
        raise fail(
            name,
            f"a part of the workbook is packed in an unusual way (method {info.compress_type})",
            "open it in Excel, save it again as .xlsx and upload that",
        )
    inflater = zlib.decompressobj(-15)
    try:
        for at in range(0, len(compressed), _FEED):
            pending = bytes(compressed[at : at + _FEED])
            while pending:
                # max_length bounds the memory one step may take, whatever the ratio.
                out = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                if out:
                    yield out
    except zlib.error as e:
        raise _damaged(name) from e


def _too_big(name: str, limits: Limits) -> ImportFormatError:
    return fail(
        name, f"the workbook unpacks to more than {limits.inflated_bytes / MB:g} MB", _CSV_TODO
    )


def _damaged(name: str) -> ImportFormatError:
    return fail(
        name,
        "the workbook is damaged (its zip structure cannot be read)",
        "open it in Excel, save it again as .xlsx and upload that",
    )
