"""Which legacy encoding an export that is not UTF-8 came in, told by charset-normalizer.

Excel saves "CSV" in the code page of the computer it runs on: Windows-1252 in Germany,
Windows-1250 in Poland and Czechia, CP932 (Shift_JIS) in Japan, MacRoman from Excel for Mac;
older tools write ISO-8859-2. The detector is given the lines that carry non-ASCII bytes (the
only ones that tell encodings apart) and only the encodings exports come in; the whole file is
then decoded strictly with its first choice that reads every byte. Nothing here runs for UTF-8
or UTF-16 files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from experiments.errors import ImportRefused

# The encodings real exports come in, as Python names them, with the name a person knows.
# CP932 rather than shift_jis: Japanese Windows writes CP932, a superset (①, ㈱, NEC signs).
LABELS: dict[str, str] = {
    "cp1252": "Windows-1252",
    "cp1250": "Windows-1250",
    "iso8859_2": "ISO-8859-2",
    "mac_roman": "MacRoman",
    "cp932": "Shift_JIS (CP932)",
    "cp1251": "Windows-1251",
    "cp1257": "Windows-1257",
    "cp1254": "Windows-1254",
    "gb18030": "GB18030",
    "big5": "Big5",
    "cp949": "EUC-KR (CP949)",
}
MULTIBYTE = frozenset(LABELS[e] for e in ("cp932", "gb18030", "big5", "cp949"))
TRIED = ("UTF-8", "UTF-16", *LABELS.values())
# The lines that carry non-ASCII bytes, up to this much, are the detector's sample: enough
# for every export we have seen, and it keeps a large file's detection to a few milliseconds.
SAMPLE_BYTES = 1 << 16
_BEFORE = 1024
_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Two mess ratios closer than this are equally clean readings (the detector's own margin).
_TIE = 0.01


@dataclass(frozen=True, slots=True)
class Legacy:
    """The file's text and the encoding it was read in (its label, e.g. 'Windows-1250')."""

    text: str
    encoding: str


def sample(data: bytes) -> bytes:
    """Return the first line and the lines with non-ASCII bytes, at most SAMPLE_BYTES."""
    end = data.find(b"\n", 0, SAMPLE_BYTES)
    parts, size, at = [data[: end + 1]], end + 1, end + 1
    # A search for the next non-ASCII byte, then its line: one pass over the file, however
    # long its lines of plain ASCII are.
    while size < SAMPLE_BYTES and (found := _NON_ASCII_BYTE.search(data, at)) is not None:
        # A file without LF (Excel for Mac ends lines with CR) is one long line: it is cut to
        # a little before the byte and the sample after it, never copied whole.
        start = data.rfind(b"\n", max(0, found.start() - _BEFORE), found.start()) + 1
        start = start or max(0, found.start() - _BEFORE)
        stop = data.find(b"\n", found.end(), found.end() + SAMPLE_BYTES)
        stop = min(len(data), found.end() + SAMPLE_BYTES) if stop < 0 else stop + 1
        parts.append(data[start:stop])
        size += stop - start
        at = stop
    return b"".join(parts)[:SAMPLE_BYTES]


def _ranked(probe: bytes) -> list[str]:
    # Imported here: the detector loads its tables only for the rare file that needs it, so
    # starting the command line and importing UTF-8 files do not pay for it.
    from charset_normalizer import from_bytes

    matches = sorted(from_bytes(probe, cp_isolation=list(LABELS)), key=lambda m: m.chaos)
    if not matches:
        return []
    # Readings the detector finds equally clean are told apart by their words, not by its
    # language statistics, which mislead on the few words of an export: ISO-8859-2 Czech read
    # as Windows-1250 scores as clean as the right reading ('®luté', 'vąe' for 'Žluté', 'vše').
    clean = [m.encoding for m in matches if m.chaos <= matches[0].chaos + _TIE]
    texts = {e: probe.decode(e, "replace") for e in clean}
    best = max(clean, key=lambda e: (_wordlike(texts[e]), -clean.index(e)))
    # German Excel's Windows-1252 reads the same as Windows-1250 for ä ö ü ß €: a file that
    # reads identically keeps the name it always had.
    if best != "cp1252" and _same(probe, "cp1252", texts[best]):
        best = "cp1252"
    return list(dict.fromkeys([best, *(m.encoding for m in matches)]))


def _wordlike(text: str) -> int:
    """Return how many non-ASCII characters next to a letter are letters themselves, less those
    that are not (a sign or symbol glued to a word is how a wrong code page shows)."""
    score = 0
    for found in _NON_ASCII.finditer(text):
        i = found.start()
        if (i > 0 and text[i - 1].isalpha()) or (i + 1 < len(text) and text[i + 1].isalpha()):
            score += 1 if found.group().isalpha() else -1
    return score


def _same(probe: bytes, encoding: str, text: str) -> bool:
    try:
        return probe.decode(encoding) == text
    except UnicodeDecodeError:
        return False


def decode_legacy(data: bytes, name: str) -> Legacy:
    """Return the text of an export that is not UTF-8; refuse one no known encoding reads
    (``name``: the file name as messages show it)."""
    for encoding in _ranked(sample(data)):
        try:
            return Legacy(data.decode(encoding), LABELS[encoding])
        except UnicodeDecodeError:
            continue
    raise ImportRefused("encoding", name, tried=", ".join(TRIED))
