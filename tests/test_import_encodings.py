"""Exports that are not UTF-8: the encoding is detected after the byte order mark is sniffed,
the text reads as written, and a file no known encoding reads is refused, never shown as
mojibake. The fixture files themselves import through the CLI in test_import_fixtures.py."""

from __future__ import annotations

import subprocess
import sys

import pytest

from experiments.errors import ImportRefused
from experiments.importers import decoding, encodings
from tests.conftest import FIXTURES

ROOT = FIXTURES.parents[1]
TRIED = (
    "UTF-8, UTF-16, Windows-1252, Windows-1250, ISO-8859-2, MacRoman, Shift_JIS (CP932), "
    "Windows-1251, Windows-1257, Windows-1254, GB18030, Big5, EUC-KR (CP949)"
)


@pytest.mark.parametrize(
    ("name", "codec", "label"),
    [
        ("meta_ja_cp932.csv", "cp932", "Shift_JIS (CP932)"),
        ("tiktok_pl_cp1250.csv", "cp1250", "Windows-1250"),
        ("meta_cs_iso8859_2.csv", "iso8859_2", "ISO-8859-2"),
        ("meta_de_macroman.csv", "mac_roman", "MacRoman"),
        # German Excel's files read the same in Windows-1250 and keep their name.
        ("meta_de.csv", "cp1252", "Windows-1252"),
        ("meta_de_anzeigentext.csv", "cp1252", "Windows-1252"),
        ("generic_shop.csv", "cp1252", "Windows-1252"),
    ],
)
def test_each_encoding_reads_as_written(name: str, codec: str, label: str) -> None:
    data = (FIXTURES / name).read_bytes()
    decoded = decoding.decode(data, name)
    assert decoded.encoding == label
    expected = data.decode(codec)
    if codec == "mac_roman":  # Excel for Mac's bare CR line ends are handed on as LF
        expected = expected.replace("\r", "\n")
    assert bytes(decoded.text).decode("utf-8") == expected


@pytest.mark.parametrize("end", ["\n", "\r"], ids=["LF", "CR (Excel for Mac)"])
def test_a_telling_line_far_down_a_large_file_decides(end: str) -> None:
    # Megabytes of ASCII rows, then one campaign with Polish letters: the detector is given
    # the lines that carry non-ASCII bytes, wherever they are, and no more than its sample.
    rows = "".join(f"2026-02-05,Campaign {i},10,1\n" for i in range(60_000))
    text = ("Date,Campaign name,Cost,Clicks\n" + rows
            + "2026-02-06,Świąteczna promocja – Łódź, źródło,10,1\n").replace("\n", end)  # fmt: skip
    data = text.encode("cp1250")
    assert len(data) > 1_500_000
    assert len(encodings.sample(data)) <= encodings.SAMPLE_BYTES
    decoded = decoding.decode(data, "late.csv")
    assert decoded.encoding == "Windows-1250"
    assert bytes(decoded.text).decode().endswith("Świąteczna promocja – Łódź, źródło,10,1\n")


def test_the_sample_stops_at_its_limit() -> None:
    data = b"Kampagne;Kosten\n" + "Größe;1\n".encode("cp1252") * 100_000
    assert len(encodings.sample(data)) == encodings.SAMPLE_BYTES


def test_a_file_no_known_encoding_reads_is_refused_in_both_languages() -> None:
    name = "noise.csv"
    with pytest.raises(ImportRefused) as caught:
        decoding.decode(bytes(range(128, 256)) * 20, name)
    assert caught.value.text("en") == (
        f"{name}: the file is not UTF-8, and no encoding exports come in reads it cleanly "
        f"(tried: {TRIED}) — open it in Excel or a text editor, save it as “CSV UTF-8” and "
        "upload that file"
    )
    assert caught.value.text("de") == (
        f"{name}: Die Datei ist nicht UTF-8, und kein Zeichensatz, in dem Exporte vorkommen, "
        f"liest sie fehlerfrei (versucht: {TRIED}) — öffnen Sie sie in Excel oder einem "
        "Texteditor, speichern Sie sie als „CSV UTF-8“ und laden Sie diese Datei hoch"
    )


def test_utf8_files_never_load_the_detector() -> None:
    # The fast path: a UTF-8 export is checked by the codec alone, and the detector's module
    # is not even imported (it is loaded for the first file that is not UTF-8).
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from experiments.importers import decoding, plan, service\n"
        f"data = Path({str(FIXTURES / 'tiktok.csv')!r}).read_bytes()\n"
        "assert decoding.decode(data, 'tiktok.csv').encoding == 'UTF-8'\n"
        "with plan.prepare(data, 'tiktok.csv'):\n"
        "    pass\n"
        "assert 'charset_normalizer' not in sys.modules, 'detector loaded'\n"
        "decoding.decode('Größe;1\\n'.encode('cp1252'), 'de.csv')\n"
        "assert 'charset_normalizer' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("cut", [0, 1, 2, 3])
def test_a_character_cut_by_a_chunk_boundary_is_utf8(cut: int) -> None:
    # The check reads a megabyte at a time: a four-byte character may straddle the boundary.
    data = b"a" * (decoding.UTF8_CHUNK - cut) + "😀Größe".encode() + b"b" * 10
    assert decoding.first_non_utf8(memoryview(data)) is None


@pytest.mark.parametrize("where", [0, 6, decoding.UTF8_CHUNK - 2, decoding.UTF8_CHUNK + 8])
def test_the_first_byte_that_is_not_utf8_is_found_in_any_chunk(where: int) -> None:
    data = bytearray("ü".encode() * (decoding.UTF8_CHUNK // 2 + 50))
    data[where] = 0xFF  # in place of the first byte of an 'ü'
    assert decoding.first_non_utf8(memoryview(bytes(data))) == where
    # A character cut off at the end of the file is no UTF-8 either.
    assert decoding.first_non_utf8(memoryview(b"ok \xc3")) == 3
