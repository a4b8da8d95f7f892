"""Hostile and absurd workbooks, built in memory for the tests (and the hostile-upload benchmark).

Each reproduces an attack that worked on the importer before it checked workbooks itself: a sheet
that spans the whole grid, a deflate bomb, a zip whose declared sizes lie, and so on.
"""

from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(cells: dict[str, object]) -> bytes:
    """Return a real .xlsx (openpyxl) with the given cells on its first sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for ref, value in cells.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_part(data: bytes, part: str, body: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Return the workbook with one part's bytes replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename))
        dst.writestr(part, body, compress_type=method)
    return out.getvalue()


def sheet_xml(rows: str, dimension: str | None) -> bytes:
    """Return the XML of a worksheet with the given <sheetData> rows."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def sparse_grid() -> bytes:
    """Cells A1 and XFD1048576 only: 1.6 KB that span 17 billion positions."""
    return workbook_bytes({"A1": "Day", "XFD1048576": 1})


def sparse_without_dimension() -> bytes:
    """The same stretch from the cell references alone (no <dimension> element)."""
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Day</t></is></c></row>'
        '<row r="1048576"><c s="0" r="XFD1048576"><v>1</v></c></row>'
    )
    return replace_part(workbook_bytes({"A1": "Day"}), SHEET, sheet_xml(rows, None))


def lying_dimension() -> bytes:
    """One real cell under a <dimension> that claims the whole grid."""
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Day</t></is></c></row>'
    return replace_part(workbook_bytes({"A1": "Day"}), SHEET, sheet_xml(rows, "A1:XFD1048576"))


def deflate_bomb(inflated_mb: int) -> bytes:
    """A sheet whose XML is mostly whitespace: a few hundred KB that inflate to inflated_mb MB."""
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Day</t></is></c></row>'
    pad = b" " * (inflated_mb * 1024 * 1024)
    xml = sheet_xml(rows, "A1").replace(b"<sheetData>", b"<sheetData>" + pad, 1)
    return replace_part(workbook_bytes({"A1": "Day"}), SHEET, xml)


def many_parts(count: int) -> bytes:
    """A workbook with count extra, empty parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes({"A1": "Day"}))) as src:
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info.filename))
            for i in range(count):
                dst.writestr(f"xl/media/extra{i}.bin", b"")
    return out.getvalue()


def lying_sizes(inflated_mb: int) -> bytes:
    """A bomb whose zip headers claim the sheet inflates to 100 bytes."""
    data = bytearray(deflate_bomb(inflated_mb))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(SHEET)
    # Local header: uncompressed size at offset 22; central directory entry: at offset 24.
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    at = bytes(data).find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_len]).decode() == SHEET:
            struct.pack_into("<I", data, at + 24, 100)
        at = bytes(data).find(b"PK\x01\x02", at + 4)
    return bytes(data)


def bzip2_part() -> bytes:
    """A workbook with its sheet packed with bzip2, which Excel never writes."""
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Day</t></is></c></row>'
    data = workbook_bytes({"A1": "Day"})
    return replace_part(data, SHEET, sheet_xml(rows, "A1"), method=zipfile.ZIP_BZIP2)
