"""The report's HTML parts: its styles, escaping, the document being built, and tables.

Every value that reaches the HTML goes through ``esc``; figures are embedded without their
JavaScript, which the report inlines once.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from experiments import charts

# Fits a card on A4 portrait with 14 mm margins; a fixed width prints like it shows.
CHART_WIDTH = 640
GOAL_CHART_HEIGHT = 150

CSS = """
:root { --ink:#1f2328; --muted:#57606a; --line:#d0d7de; } * { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 760px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; } h3 { font-size: 15px; margin: 18px 0 6px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding: 0 0 4px; }
.meta, .muted, .why, .note, .arrow, table.kv td.k { color: var(--muted); }
.why { font-size: 13px; } .note, .badge { font-size: 12px; }
.arrow { font-weight: 600; margin: 6px 0 2px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); }
td { vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; } table.kv td { border-bottom: none; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; }
.badge { white-space: nowrap; }
.goal, .cycle { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.goal, .cycle { margin: 10px 0; } .goal h3 { margin-top: 0; } .goal p { margin: 2px 0; }
.goal .meta { font-size: 12px; } .goal table.kv { margin: 2px 0 4px; }
.counts .badge { font-size: 13px; margin: 0 6px 4px 0; }
ul.risks { margin: 4px 0 10px; padding-left: 18px; } ul.risks li { margin: 2px 0; }
.risk { font-weight: 600; }
p.text { white-space: pre-wrap; margin: 2px 0 6px; } figure { margin: 6px 0; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  /* A heading never ends a page: it stays with the table or text below it. */
  h1, h2, h3, p.arrow { break-after: avoid; }
  .keep, .goal, .cycle, table, figure, tr { break-inside: avoid; }
  .summary { break-after: page; font-size: 9.5pt; } .summary table { font-size: 9pt; }
  .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def esc(text: object) -> str:
    """Return any value as HTML-escaped text."""
    return html.escape("" if text is None else str(text))


@dataclass
class Doc:
    lang: str
    parts: list[str] = field(default_factory=list)
    charts: int = 0

    def add(self, *html_parts: str) -> None:
        self.parts.extend(html_parts)

    def chart(self, fig: go.Figure) -> None:
        self.charts += 1
        fig.update_layout(width=CHART_WIDTH)
        self.add("<figure>", fig.to_html(full_html=False, include_plotlyjs=False,
                                         div_id=f"chart-{self.charts}",
                                         config={**charts.CONFIG, "responsive": False}),
                 "</figure>")  # fmt: skip


def grid(pairs: list[tuple[str, str]], per_row: int = 3) -> str:
    """Return label/value pairs as a compact table, ``per_row`` pairs to a row."""
    rows = []
    for i in range(0, len(pairs), per_row):
        cells = "".join(f"<td class='k'>{esc(k)}</td><td class='num'>{esc(v)}</td>"
                        for k, v in pairs[i : i + per_row])  # fmt: skip
        rows.append(f"<tr>{cells}</tr>")
    return f"<table class='kv'><tbody>{''.join(rows)}</tbody></table>"


def table(head: list[str], rows: list[list[Any]], numeric: tuple[int, ...] = ()) -> str:
    def cell(tag: str, i: int, value: Any) -> str:
        cls = " class='num'" if i in numeric else ""
        return f"<{tag}{cls}>{esc(value)}</{tag}>"

    th = "".join(cell("th", i, h) for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>"
                   for r in rows)  # fmt: skip
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
