"""Where a blank line ends a table when quoted cells may hold blank lines of their own."""

from __future__ import annotations

import pytest

from experiments.importers import quoted

# (case, text, delimiter, the text up to the blank line that ends the table, or None)
CASES: list[tuple[str, bytes, str, bytes | None]] = [
    ("a blank line outside quotes", b'h,b\nx,"a"\n\nchart\n', ",", b'h,b\nx,"a"'),
    ("a blank line inside quotes is skipped", b'h,b\nx,"a\n\nb"\n\nchart\n', ",",
     b'h,b\nx,"a\n\nb"'),
    ("two blank lines inside quotes, doubled quotes", b'h,b\nx,"""a""\n\n\nb"\n\nchart\n', ",",
     b'h,b\nx,"""a""\n\n\nb"'),
    ("a quote inside an unquoted cell opens nothing", b'h,b\n5" screen,1\n\nchart\n', ",",
     b'h,b\n5" screen,1'),
    ("a quote after the delimiter opens a cell", b'h;b\nx;"a\n\n;b"\n\nchart\n', ";",
     b'h;b\nx;"a\n\n;b"'),
    ("a quote never closed: the table runs on", b'h,b\nx,"a\n\nchart\n', ",", None),
    ("only the last line break", b'h,b\nx,"a\n\nb"\n', ",", b'h,b\nx,"a\n\nb"'),
]  # fmt: skip


@pytest.mark.parametrize(("text", "delimiter", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_the_blank_line_that_ends_the_table_is_outside_quotes(
    text: bytes, delimiter: str, expected: bytes | None
) -> None:
    found = quoted.next_blank(text, 3, delimiter)
    assert (None if found is None else text[: found.start()]) == expected


def test_rows_below_a_blank_line_are_read_over_their_line_breaks() -> None:
    text = b'x,"a\n\nb",1\ny,c,2\n\nchart\n'
    assert quoted.first_rows(text, 0, ",") == [["x", "a\n\nb", "1"], ["y", "c", "2"]]
