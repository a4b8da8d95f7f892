"""Stage 1 of an import: the file's bytes as UTF-8 text (see pipeline.py).

A CSV's encoding is found from its BOM, else by the codec and the detector (decoding.py); a
workbook's sheets are read as CSV text (workbook.py) and the sheet the analyst named, else the
first one whose header a platform knows, is the export.
"""

from __future__ import annotations

from experiments.importers import decoding, tables, workbook
from experiments.importers.pipeline import Decoded, Identify


def decode(data: bytes, name: str, sheet: str | None, identify: Identify) -> Decoded:
    """Return the file as text; raise ImportFormatError naming what is wrong and what to do."""
    if not decoding.check_container(data, name):
        found = decoding.decode(data, name)
        return Decoded(name, found.text, found.encoding, None)
    sheets = workbook.sheets(data, name)
    if sheet is not None:
        chosen = [body for title, body in sheets if title == sheet]
        if not chosen:
            names = ", ".join(t for t, _ in sheets) or "none with cells"
            raise decoding.fail(
                name,
                f"the workbook has no sheet named '{sheet}'",
                f"choose one of its sheets: {names}",
            )
        return Decoded(name, chosen[0], "XLSX", sheet)
    if not sheets:
        raise decoding.fail(
            name,
            "no sheet of the workbook has any cells",
            "open the workbook and check that the export is on its first sheet",
        )
    # Without a named sheet, the first sheet whose header a platform knows is the export.
    for title, body in sheets:
        try:
            tables.find_header(body, identify)
        except tables.UnknownHeader:
            continue
        return Decoded(name, body, "XLSX", title)
    return Decoded(name, sheets[0][1], "XLSX", sheets[0][0])
