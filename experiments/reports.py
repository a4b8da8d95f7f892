"""The management report: one self-contained HTML file for a campaign or a period.

Plotly's JavaScript is inlined once, so the file opens offline and loads nothing from the
network; the print styles give a clean PDF through the browser's "Save as PDF". Every piece of
user text goes through ``html.escape``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from plotly.offline import get_plotlyjs

from experiments import charts, display, goals, money
from experiments.campaigns import resolve_campaign
from experiments.display import enum_label, format_share, format_value, metric_name
from experiments.errors import InvalidInput, MoneyRefused
from experiments.files import write_atomically
from experiments.goals import Progress
from experiments.i18n import fmt_date, fmt_number, t, t_count
from experiments.metrics import BASE_METRICS, DERIVED, ratio
from experiments.models import Campaign, Comparator, Cycle, Decision, Phase
from experiments.overview import by_attention, explain, scope_label
from experiments.report_html import CSS, GOAL_CHART_HEIGHT, Doc, esc, grid, table
from experiments.report_summary import Summary, summarize
from experiments.store import Store

# The metrics a cycle's result shows, where the cycle has data for them.
KEY_METRICS: tuple[str, ...] = (
    "spend", "impressions", "clicks", "ctr", "conversions", "cpa", "leads", "cpc", "revenue",
    "roas", "engagements", "engagement_rate", "replies", "response_time_median_s",
    "replied_within_1h_share",
)  # fmt: skip


def cycle_values(row: dict[str, Any]) -> dict[str, float | None]:
    """Return the key metrics of one cycle from its base sums (derived ones recomputed)."""
    values: dict[str, float | None] = {m: _num(row.get(m)) for m in BASE_METRICS}
    for d in DERIVED:
        values[d.key] = ratio(values.get(d.numerator), values.get(d.denominator), d.factor)
    values["response_time_median_s"] = _num(row.get("response_time_median_s"))
    return values


def _num(value: Any) -> float | None:
    if value is None or value != value:  # NaN: no data
        return None
    return float(value)


def statistical(
    store: Store, campaign: Campaign, a: Cycle, b: Cycle, lang: str
) -> list[dict[str, Any]]:
    """Return the report's key metrics of two cycles as experiments.compare reads them.

    Amounts per day with data (cycles differ in length, an open cycle is not over), ratios of
    sums, the test that fits each metric and Benjamini–Hochberg q-values.
    """
    # Imported here: the statistics stack (scipy, statsmodels) takes seconds to load in a fresh
    # process, and the pages that offer the report should not pay it before it is asked for.
    from experiments import compare
    from experiments.compare import RowRole
    from experiments.compare_charts import row_name

    result = compare.compare(store, campaign, a.number, b.number)
    rows = []
    for row in result.rows:
        # The key metrics, and whatever the cycle declared it tests (primary first).
        if row.metric not in KEY_METRICS and row.role is RowRole.EXPLORATORY:
            continue
        converted = result.conversion and money.conversion_text(result.conversion, lang)
        rows.append({**compare.row_document(row), "label": row_name(row, lang),
                     "currency": result.currency, "converted": converted})  # fmt: skip
    order = {r.value: i for i, r in enumerate(RowRole)}
    return sorted(
        rows,
        key=lambda r: (
            order[r["role"]],
            KEY_METRICS.index(r["metric"]) if r["metric"] in KEY_METRICS else len(KEY_METRICS),
        ),
    )


def _cycle_rows(store: Store, campaign: Campaign) -> dict[int, dict[str, Any]]:
    rows = [r for r in store.cycle_metrics() if r.campaign_id == campaign.id]
    cash = money.cycle_money(store, rows)
    # A cycle of several currencies: its amounts converted at the admin's rates, else none.
    return {r.number: {**r.values, "spend": (c := cash[r.cycle_id]).spend, "revenue": c.revenue,
                       "left_out": r.left_out, "money": c} for r in rows}  # fmt: skip


def _overlaps(c: Cycle, start: date | None, end: date | None) -> bool:
    return not ((end and c.start and c.start > end) or (start and c.end and c.end < start))


def _status_badge(p: Progress, lang: str) -> str:
    color = charts.STATUS_COLORS[p.status]
    return (
        f'<span class="badge" style="background:{color}">{esc(enum_label(p.status, lang))}</span>'  # noqa: E501
    )


def _summary_section(doc: Doc, summary: Summary) -> None:
    """The first page: status counts, every goal worst first, top risks, feedback answered."""
    lang = doc.lang
    doc.add("<section class='summary'>", f"<h2>{esc(t('report.summary', lang))}</h2>")
    counts = "".join(
        f'<span class="badge" style="background:{charts.STATUS_COLORS[status]}">'
        f"{esc(enum_label(status, lang))}: {n}</span>"
        for status, n in summary.counts.items() if n
    )  # fmt: skip
    doc.add("<div class='keep'>", f"<h3>{esc(t('report.by_status', lang))}</h3>")
    if summary.goals:
        doc.add(f"<p class='counts'>{counts}</p>", _summary_goals(summary.goals, lang))
    else:
        doc.add(f"<p class='muted'>{esc(t('report.no_goals', lang))}</p>")
    doc.add("</div><div class='keep'>", f"<h3>{esc(t('report.top_risks', lang))}</h3>")
    if summary.risks:
        items = "".join(
            f"<li><span class='risk'>{esc(r.title)}</span>"
            + (f" ({esc(t('report.risk_overdue', lang))})" if r.status is None else "")
            + f" — {esc(r.detail)}</li>" for r in summary.risks
        )  # fmt: skip
        doc.add(f"<ul class='risks'>{items}</ul>")
        if summary.more_risks:
            doc.add(
                f"<p class='note'>{esc(t_count('report.more_risks', summary.more_risks, lang))}</p>"
            )
    else:
        doc.add(f"<p class='muted'>{esc(t('report.no_risks', lang))}</p>")
    doc.add("</div><div class='keep'>", f"<h3>{esc(t('report.feedback_changes', lang))}</h3>")
    if summary.changes:
        doc.add(table(
            [t("mgmt.campaign", lang), t("report.feedback", lang), t("report.optimization", lang)],
            [[f"{c.campaign} · {t('overview.cycle_n', lang, n=c.cycle)}",
              f"{enum_label(c.source, lang)}: {c.feedback}",
              f"{c.change} ({enum_label(c.status, lang)})"]
             for c in summary.changes],
        ))  # fmt: skip
        if summary.more_changes:
            more = t_count("report.more_changes", summary.more_changes, lang)
            doc.add(f"<p class='note'>{esc(more)}</p>")
    else:
        doc.add(f"<p class='muted'>{esc(t('report.no_feedback_changes', lang))}</p>")
    doc.add("</div></section>")


def _summary_goals(progress: list[Progress], lang: str) -> str:
    """Return one table row per goal: status badge, name, actual, target, forecast."""
    head = [t("report.status", lang), t("report.goal", lang), t("goals.actual", lang),
            t("report.target", lang), t("goals.forecast", lang)]  # fmt: skip
    th = "".join(f"<th{' class=num' if i > 1 else ''}>{esc(h)}</th>" for i, h in enumerate(head))
    rows = []
    for p in progress:
        fv, sign = partial(format_value, p.goal.metric, lang=lang, currency=p.currency), (
            "≥" if p.goal.comparator is Comparator.AT_LEAST else "≤")  # fmt: skip
        cells = [esc(fv(p.actual)), esc(f"{sign} {fv(p.goal.target)}"), esc(fv(p.forecast))]
        rows.append(f"<tr><td>{_status_badge(p, lang)}</td><td>{esc(p.goal.name)}</td>"
                    + "".join(f"<td class='num'>{c}</td>" for c in cells) + "</tr>")  # fmt: skip
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _goals_section(doc: Doc, store: Store, progress: list[Progress]) -> None:
    lang = doc.lang
    doc.add(f"<h2>{esc(t('report.goals', lang))}</h2>")
    if not progress:
        doc.add(f"<p class='muted'>{esc(t('report.no_goals', lang))}</p>")
        return
    names = {str(c.id): c.name for c in store.campaigns()}
    for p in by_attention(progress):  # worst first, as on the overview
        g, fv = p.goal, partial(format_value, p.goal.metric, lang=lang, currency=p.currency)
        doc.add(
            "<div class='goal'>", f"<h3>{_status_badge(p, lang)} {esc(g.name)}</h3>",
            f"<p class='meta'>{esc(metric_name(g.metric, lang))} · "
            f"{esc(t(f'goals.comparator.{g.comparator.value}', lang))} {esc(fv(g.target))} · "
            f"{esc(scope_label(p, names, lang))} · {esc(fmt_date(g.period_start, lang))} – "
            f"{esc(fmt_date(g.period_end, lang))}</p>",
        )  # fmt: skip
        if g.objective:
            doc.add(f"<p class='text'>{esc(t('report.objective', lang))}: {esc(g.objective)}</p>")
        doc.add(grid(list(zip(
            [t("goals.actual", lang), t("goals.expected", lang), t("goals.forecast", lang),
             t("goals.progress", lang)],
            [fv(p.actual), fv(p.expected), fv(p.forecast), format_share(p.share, lang)],
            strict=True,
        )), per_row=4), f"<p class='why'>{esc(explain(p, lang))}</p>")  # fmt: skip
        if p.series:
            # Low enough that two goals share a printed page.
            doc.chart(charts.goal_chart(p, lang, height=GOAL_CHART_HEIGHT))
        _contributions(doc, store, p)
        doc.add("</div>")


def _contributions(doc: Doc, store: Store, p: Progress) -> None:
    rows = [c for c in goals.contributions(store, p) if c.value is not None]
    if not rows:
        return
    lang = doc.lang
    # Label/value pairs, three to a row: a table per goal made each goal fill half a page.
    one_campaign = len({c.campaign for c in rows}) == 1  # then the cycle number says enough
    pairs = []
    for c in rows:
        value = format_value(p.goal.metric, c.value, lang, p.currency)
        if p.kind is goals.Kind.TOTAL:  # a share of a ratio means nothing
            value += f" ({format_share(c.share, lang)})"
        cycle = t("overview.cycle_n", lang, n=c.cycle)
        pairs.append((cycle if one_campaign else f"{c.campaign} · {cycle}", value))
    doc.add(f"<p class='arrow'>{esc(t('report.contributions', lang))}</p>", grid(pairs))


def _cycle_section(doc: Doc, store: Store, campaign: Campaign, cycle: Cycle,
                   values: dict[str, float | None], left_out: int = 0,
                   cash: money.WindowMoney | None = None) -> None:  # fmt: skip
    lang = doc.lang
    window = f"{fmt_date(cycle.start, lang)} – {fmt_date(cycle.end, lang)}"
    doc.add("<div class='cycle'>", f"<h3>{esc(t('overview.cycle_n', lang, n=cycle.number))} · "
            f"{esc(enum_label(cycle.phase, lang))} · {esc(window)}</h3>",
            f"<p class='arrow'>{esc(t('report.hypothesis', lang))}</p>",
            f"<p class='text'>{esc(cycle.hypothesis or t('report.none', lang))}</p>",
            f"<p class='arrow'>→ {esc(t('report.result', lang))}</p>")  # fmt: skip
    cash = cash or money.WindowMoney(money.DEFAULT_CURRENCY, money.DEFAULT_CURRENCY)
    # Amounts in several currencies without rates are never added up: not shown, but said; a
    # converted figure names the rates.
    shown = [(metric_name(m, lang), format_value(m, values[m], lang, cash.currency))
             for m in KEY_METRICS if values.get(m) is not None
             and (cash.refused is None or not money.reads_money(m))]  # fmt: skip
    if (note := cash.note(lang)) is not None:
        doc.add(f"<p class='muted'>{esc(note)}</p>")
    if shown:
        doc.add(grid(shown))
    else:
        doc.add(f"<p class='muted'>{esc(t('report.no_facts', lang))}</p>")
    if left_out:  # period rows crossing the window's edges: named, never spread over days
        doc.add(f"<p class='muted'>{esc(t('report.left_out', lang, n=left_out))}</p>")
    doc.add(f"<p class='arrow'>→ {esc(t('report.learnings', lang))}</p>")
    learnings = store.learnings(cycle_id=cycle.id)
    if learnings:
        doc.add(table(
            [t("report.learning", lang), t("report.decision", lang), t("report.outcome", lang)],
            [[x.statement, enum_label(x.decision, lang),
              enum_label(x.outcome, lang)] for x in learnings],
        ))  # fmt: skip
    else:
        doc.add(f"<p class='muted'>{esc(t('report.none', lang))}</p>")
    doc.add("</div>")


def _comparison(doc: Doc, store: Store, campaign: Campaign, cycles: list[Cycle]) -> None:
    doc.add("<div class='keep'>")
    _comparison_body(doc, store, campaign, cycles)
    doc.add("</div>")


def _comparison_body(doc: Doc, store: Store, campaign: Campaign, cycles: list[Cycle]) -> None:
    lang = doc.lang
    doc.add(f"<h3>{esc(t('report.comparison', lang))}</h3>")
    if len(cycles) < 2:
        doc.add(f"<p class='muted'>{esc(t('report.comparison_needs_two', lang))}</p>")
        return
    a, b = cycles[-2], cycles[-1]
    try:
        rows = statistical(store, campaign, a, b, lang)
    except MoneyRefused as e:  # amounts of several currencies: the comparison says why not
        doc.add(f"<p class='muted'>{esc(e.text(lang))}</p>")
        return
    if not rows:  # no metric with data: a table of headings only says nothing
        doc.add(f"<p class='muted'>{esc(t('report.comparison_no_data', lang))}</p>")
        return
    doc.add(table(
        [t("report.metric", lang), t("overview.cycle_n", lang, n=a.number),
         t("overview.cycle_n", lang, n=b.number), t("report.change", lang),
         t("report.rel_change", lang), t("report.q_value", lang)],
        [[r.get("label") or metric_name(r["metric"], lang),
          format_value(r["metric"], r["a"], lang, r["currency"]),
          format_value(r["metric"], r["b"], lang, r["currency"]),
          display.format_difference(r["metric"], r["abs_change"], lang, r["currency"]),
          display.format_adjusted(r["rel_change"], r["raw_rel_change"], r["adjusted"], lang),
          _q(r, lang)] for r in rows],
        numeric=(1, 2, 3, 4, 5),
    ), f"<p class='note'>{esc(t('report.observational', lang))}</p>")  # fmt: skip
    if rows[0].get("converted"):
        doc.add(f"<p class='note'>{esc(rows[0]['converted'])}</p>")


def _q(row: dict[str, Any], lang: str) -> str:
    if row.get("q_value") is None:
        note = row.get("note") or "descriptive"
        return t(f"report.note.{note}", lang)
    mark = " •" if row.get("significant") else ""
    return fmt_number(row["q_value"], lang, 3) + mark


def _criticism(doc: Doc, store: Store, campaign_ids: set[Any]) -> None:
    lang = doc.lang
    doc.add(f"<h2>{esc(t('report.criticism', lang))}</h2>")
    names = {c.id: c.name for c in store.campaigns()}
    items = [x for x in store.open_criticism() if x.campaign_id in campaign_ids]
    if not items:
        doc.add(f"<p class='muted'>{esc(t('report.no_criticism', lang))}</p>")
        return
    doc.add(table(
        [t("mgmt.campaign", lang), t("mgmt.cycle", lang), t("mgmt.source", lang),
         t("mgmt.criticism", lang)],
        [[names.get(x.campaign_id, ""), t("overview.cycle_n", lang, n=x.cycle_number)
          + (f" ({enum_label(Phase.CLOSED, lang)})" if x.phase is Phase.CLOSED else ""),
          enum_label(x.feedback.source, lang), x.feedback.text] for x in items],
    ))  # fmt: skip


def _plan(doc: Doc, store: Store, cycles: list[Cycle]) -> None:
    """The next cycle's plan: what the latest cycle decided to change and to carry forward."""
    lang = doc.lang
    doc.add(f"<h3>{esc(t('report.next_plan', lang))}</h3>")
    latest = cycles[-1] if cycles else None
    if latest is None:
        doc.add(f"<p class='muted'>{esc(t('report.none', lang))}</p>")
        return
    carried = (Decision.CARRY_FORWARD, Decision.RETEST)
    rows = [[t("report.optimization", lang), o.what, o.owner]
            for o in store.optimizations(latest.id)]  # fmt: skip
    rows += [[enum_label(x.decision, lang), x.statement, ""]
             for x in store.learnings(cycle_id=latest.id) if x.decision in carried]  # fmt: skip
    if rows:
        doc.add(table([t("report.kind", lang), t("report.what", lang), t("report.owner", lang)],
                       rows))  # fmt: skip
    else:
        doc.add(f"<p class='muted'>{esc(t('report.plan_open', lang))}</p>")
    if latest.phase is not Phase.CLOSED and latest.planned_changes:
        doc.add(f"<p class='arrow'>{esc(t('report.current_plan', lang, n=latest.number))}</p>",
                f"<p class='text'>{esc(latest.planned_changes)}</p>")  # fmt: skip


def _campaign_section(doc: Doc, store: Store, campaign: Campaign, cycles: list[Cycle]) -> None:
    lang = doc.lang
    rows = _cycle_rows(store, campaign)
    doc.add(f"<h2>{esc(campaign.name)}</h2>")
    brief = [(t("brief.audience", lang), campaign.audience),
             (t("brief.success_measure", lang), campaign.success_measure)]  # fmt: skip
    for label, value in brief:
        if value:
            doc.add(
                f"<p class='text'><b>{esc(label[:1].upper() + label[1:])}:</b> {esc(value)}</p>"
            )
    if not cycles:
        doc.add(f"<p class='muted'>{esc(t('report.no_cycles', lang))}</p>")
    for c in cycles:
        row = rows.get(c.number, {})
        _cycle_section(
            doc,
            store,
            campaign,
            c,
            cycle_values(row),
            int(row.get("left_out") or 0),
            row.get("money"),
        )
    _comparison(doc, store, campaign, cycles)
    _plan(doc, store, cycles)


def report_goals(store: Store, campaign: Campaign | None, today: date) -> list[Progress]:
    """Return the goals a report covers: a campaign's brief goals and goals scoped to it, or all."""
    every = goals.progress(store, today)
    if campaign is None:
        return every
    return [p for p in every if p.goal.id in campaign.goal_ids or (
        p.campaign is not None and p.campaign.id == campaign.id)]  # fmt: skip


def build_report(
    store: Store,
    campaign: str | None = None,
    start: date | None = None,
    end: date | None = None,
    lang: str = "en",
    today: date | None = None,
) -> str:
    """Return the report as one HTML document: a campaign's (or every campaign's) goals,
    cycles, comparison, open criticism and next plan; ``start``/``end`` narrow it to a period."""
    if start and end and end < start:
        raise InvalidInput(f"the period ends ({end}) before it starts ({start}); swap the dates")
    today = today or date.today()
    as_of = min(today, end) if end else today
    chosen = resolve_campaign(store, campaign) if campaign else None
    campaigns = [chosen] if chosen else store.campaigns()
    doc = Doc(lang)
    title = (
        t("report.title_campaign", lang, name=chosen.name)
        if chosen
        else t("report.title_all", lang)
    )
    period = (
        f"{fmt_date(start, lang)} – {fmt_date(end, lang)}"
        if start or end
        else t("report.all_time", lang)
    )
    generated = t("report.generated", lang, day=fmt_date(today, lang))
    doc.add(f"<h1>{esc(title)}</h1>", f"<p class='meta'>{esc(t('report.period', lang))}: "
            f"{esc(period)} · {esc(generated)}</p>")  # fmt: skip
    progress = report_goals(store, chosen, as_of)
    cycles = {c.id: [x for x in store.cycles(c.id) if _overlaps(x, start, end)]
              for c in campaigns}  # fmt: skip
    _summary_section(doc, summarize(store, progress, campaigns, cycles, lang))
    _goals_section(doc, store, progress)
    for c in campaigns:
        _campaign_section(doc, store, c, cycles[c.id])
    _criticism(doc, store, {c.id for c in campaigns})
    return (f"<!DOCTYPE html>\n<html lang='{esc(lang)}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}</style>"
            f"<script>{get_plotlyjs()}</script></head>"
            f"<body>{''.join(doc.parts)}</body></html>")  # fmt: skip


def report_file_name(campaign: str | None, start: date | None, end: date | None) -> str:
    """Return a safe file name for a report: report-spring-sale[-2026-03-01-2026-03-31].html."""
    slug = re.sub(r"[^a-z0-9]+", "-", (campaign or "all").lower()).strip("-") or "campaign"
    period = "".join(f"-{d.isoformat()}" for d in (start, end) if d is not None)
    return f"report-{slug}{period}.html"


def write_report(store: Store, out: Path, *, force: bool = False, **options: Any) -> Path:
    """Write the report to ``out`` (an .html file), whole or not at all, and return the path;
    an existing file is replaced only with ``force``."""
    if out.suffix.lower() not in (".html", ".htm"):
        raise InvalidInput(f"the report is an HTML file: name it like {out.stem}.html")
    text = build_report(store, **options)
    return write_atomically(out, text.encode("utf-8"), force=force)
