"""Text from people and files, made safe to show in a Markdown element or a Plotly label.

Streamlit reads Markdown in messages, captions, headings, labels, tab and expander titles,
metric values, progress texts, radio and segmented-control options and table cells: an image
there (``![x](http://…)``) is fetched by the browser as soon as the page draws, a link is live,
``:red[…]``, ``:material/…:`` and ``$…$`` are drawn as colour, icon and formula. Plotly reads
``<a href>``, ``<b>``, ``<br>`` and ``<span style>`` in every label, tick and legend name.
``escape_markdown()`` and ``escape_plotly()`` turn any text into one that those elements show
as it was typed; plain elements (``st.text``, data frames, select boxes, text inputs) need
neither, and would show the escapes.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character: CommonMark lets a backslash make any of them literal, so
# escaping all of them also covers what Streamlit adds on top (``:`` of its directives and icons,
# ``$`` of formulas, ``~`` of strikethrough, ``|`` of tables, ``&`` of entities).
_MARKDOWN_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# A line break would end the sentence the text sits in and open a block of its own: a heading,
# a list, a quote or the definition of a reference-style image.
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# Indented by four spaces at the start of a block, text becomes a code block.
_LEADING_SPACE = re.compile(r"^[ \t]+")
# Plotly turns these into tags, entities, TeX or template fields; its labels decode the
# entities below (and only a few named ones, so ``&quot;`` would show as written).
_PLOTLY_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "%": "&#37;"}

# Bidirectional controls that open or close an embedding, override or isolate: a right-to-left
# override in a name would otherwise turn round the words of the message around it.
_ISOLATE_OPENERS = "\u2066\u2067\u2068"  # LRI, RLI, FSI
_PDI = "\u2069"
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def escape_markdown(text: object) -> str:
    """Return text that a Markdown-capable Streamlit element shows literally, on one line."""
    value = _LINE_BREAKS.sub(" ", isolate(str(text)))
    value = _MARKDOWN_SPECIAL.sub(r"\\\1", value)
    return _LEADING_SPACE.sub(lambda m: "&#32;" * len(m.group()), value)


def escape_plotly(text: object) -> str:
    """Return text that a Plotly title, tick, legend, hover or annotation shows literally."""
    return "".join(_PLOTLY_SPECIAL.get(ch, ch) for ch in isolate(str(text)))


def isolate(text: str) -> str:
    """Return text whose bidirectional controls cannot reach beyond it: wrapped in a
    first-strong isolate, with every isolate it opens closed and every stray closer dropped.
    Text without such controls comes back unchanged."""
    if not _BIDI_CONTROLS.search(text):
        return text
    depth, kept = 0, []
    for ch in text:
        if ch in _ISOLATE_OPENERS:
            depth += 1
        elif ch == _PDI:
            if not depth:
                continue  # it would close our isolate, not one of the text's own
            depth -= 1
        kept.append(ch)
    # A closing isolate also ends every embedding and override opened inside it (UAX #9, X6a).
    return "\u2068" + "".join(kept) + _PDI * depth + _PDI
