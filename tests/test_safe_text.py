"""The one escaping helper: hostile text comes out as text for Markdown and for Plotly labels,
and reads, once the element has drawn it, exactly as it was typed."""

from __future__ import annotations

import re

import pytest

from experiments.safe_text import escape_markdown, escape_plotly, isolate

PIXEL = "http://127.0.0.1:8765/p.png"
FSI, PDI, RLO, PDF, RLI = "\u2068", "\u2069", "\u202e", "\u202c", "\u2067"
ASCII_PUNCTUATION = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# What Plotly decodes in a label (its own short list of names, and numeric references).
PLOTLY_NAMED = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×",
                "plusmn": "±", "deg": "°"}  # fmt: skip

HOSTILE = [
    f"![x]({PIXEL})",
    f'<img src="{PIXEL}" onerror="alert(1)">',
    f'<a href="{PIXEL}">click</a>',
    "[link](javascript:alert(1))",
    ":red[x] :blue-background[y] :material/home: :smile:",
    "$x^2$ and $$\\int$$",
    "`code` and ```fence```",
    "**bold** _it_ ~~gone~~ ~one~",
    "| a | b |\n|---|---|",
    "# heading\n\n- item\n> quote\n1. one",
    f"name\n\n![r][ref]\n\n[ref]: {PIXEL}",
    "&lt;b&gt; &amp; &#60;",
    "back\\slash\\",
    "    indented code",
    "<b>b</b><br><i>i</i><sup>1</sup>",
    f'<span style="fill:url({PIXEL}#p)">s</span>',
    "50 % off %{y} %{x:.2f}",
    f"a{RLO}evil{PDF} b",
    "Launch 🚀 & learn 🌱 👩‍👩‍👧",
    "Frühlingsaktion „Gärten“ — 10 € · 5 %",
    "مرحبا Welt",
    "x" * 100_000 + f"![x]({PIXEL})" * 1_000,
]


def read_markdown(text: str) -> str:
    """Return what a CommonMark renderer shows for escaped text: each backslash escape of a
    punctuation character is that character, and the character references we write are theirs."""
    text = re.sub(f"\\\\([{ASCII_PUNCTUATION}])", r"\1", text)
    return text.replace("&#32;", " ")


def read_plotly(text: str) -> str:
    """Return what a Plotly label shows: its entities decoded, as plotly.js does it."""

    def decode(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return PLOTLY_NAMED.get(ref, m.group(0))

    return re.sub(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);", decode, text)


def one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        (f"![x]({PIXEL})", r"\!\[x\]\(http\:\/\/127\.0\.0\.1\:8765\/p\.png\)"),
        ('<img src="p.png">', r"\<img src\=\"p\.png\"\>"),
        ('<a href="x">y</a>', r"\<a href\=\"x\"\>y\<\/a\>"),
        ("[link](javascript:alert(1))", r"\[link\]\(javascript\:alert\(1\)\)"),
        (":red[x]", r"\:red\[x\]"),
        (":material/home:", r"\:material\/home\:"),
        ("$x$", r"\$x\$"),
        ("`code`", r"\`code\`"),
        ("a\\b", r"a\\b"),
        ("**b** _i_ ~s~ |t|", r"\*\*b\*\* \_i\_ \~s\~ \|t\|"),
        ("&lt;", r"\&lt\;"),
        ("Spring\n\n# Sale\r\n- now", r"Spring \# Sale \- now"),
        ("    code", "&#32;&#32;&#32;&#32;code"),
        ("\tcode", "&#32;code"),
        ("Launch 🚀", "Launch 🚀"),
        ("Frühling „Gärten“", "Frühling „Gärten“"),
        (f"a{RLO}b", f"{FSI}a{RLO}b{PDI}"),
        (None, "None"),
        (42, "42"),
    ],
)
def test_escape_markdown(text: object, escaped: str) -> None:
    assert escape_markdown(text) == escaped


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:40])
def test_escaped_markdown_has_no_markup_left_and_reads_as_typed(text: str) -> None:
    escaped = escape_markdown(text)
    # Every punctuation character is escaped, and no line break is left to open a block.
    bare = re.sub(f"\\\\[{ASCII_PUNCTUATION}]", "", escaped).replace("&#32;", "")
    assert re.findall(f"[{ASCII_PUNCTUATION}]", bare) == []
    assert "\n" not in escaped and "\r" not in escaped
    assert read_markdown(escaped) == one_line(isolate(text))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        (f'<a href="{PIXEL}">x</a>', f'&lt;a href="{PIXEL}"&gt;x&lt;/a&gt;'),
        ("<b>b</b><br>", "&lt;b&gt;b&lt;/b&gt;&lt;br&gt;"),
        ("<img src=x>", "&lt;img src=x&gt;"),
        ("Q&A", "Q&amp;A"),
        ("&lt;", "&amp;lt;"),
        ("$x$", "&#36;x&#36;"),
        ("50 % %{y}", "50 &#37; &#37;{y}"),
        ("\"quoted\" 'single'", "\"quoted\" 'single'"),
        ("Launch 🚀", "Launch 🚀"),
        (f"a{RLO}b", f"{FSI}a{RLO}b{PDI}"),
    ],
)
def test_escape_plotly(text: str, escaped: str) -> None:
    assert escape_plotly(text) == escaped


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:40])
def test_escaped_plotly_label_has_no_tag_and_reads_as_typed(text: str) -> None:
    escaped = escape_plotly(text)
    assert "<" not in escaped and ">" not in escaped
    assert "$" not in escaped and "%{" not in escaped
    assert read_plotly(escaped) == isolate(text)


@pytest.mark.parametrize(
    ("text", "isolated"),
    [
        ("plain text", "plain text"),
        (f"a{RLO}b", f"{FSI}a{RLO}b{PDI}"),
        # A stray closer would end our isolate early: dropped, as it closes nothing of its own.
        (f"{PDI}{RLO}x", f"{FSI}{RLO}x{PDI}"),
        # An isolate the text opens is closed before ours.
        (f"{RLI}x", f"{FSI}{RLI}x{PDI}{PDI}"),
        (f"{RLI}x{PDI}y", f"{FSI}{RLI}x{PDI}y{PDI}"),
    ],
)
def test_bidi_controls_cannot_turn_round_the_words_around_them(text: str, isolated: str) -> None:
    assert isolate(text) == isolated
