"""Import: upload a platform export, preview it, import it, link its campaigns; history and undo."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from experiments import display
from experiments.errors import TrackerError
from experiments.i18n import fmt_date, fmt_number
from experiments.importers import generic, service
from experiments.importers.decoding import MAX_FILE_BYTES
from experiments.importers.plan import UnknownExport
from experiments.importers.registry import PLATFORMS, ROLES, platform_title
from experiments.importers.values import NumberStyle
from experiments.metrics import METRICS
from experiments.models import Alias, ImportRecord
from views.common import attempt, enum_label, flash, lang, plain, show_error, store, tr

PREVIEW = "import_preview"
LAST = "import_last"


def _error(message: str) -> None:
    show_error(message)


def _forget() -> None:
    st.session_state.pop(PREVIEW, None)


def _preview(data: bytes, name: str, platform: str | None, sheet: str | None) -> Any:
    """Return the dry run of the upload (cached per file and choice), or the error it raised."""
    key = (hashlib.sha256(data).hexdigest(), name, platform, sheet)
    cached = st.session_state.get(PREVIEW)
    if cached is None or cached[0] != key:
        try:
            result: Any = service.run(
                s, data, name, platform=platform, sheet=sheet, dry_run=True, preview_rows=10
            )
        except TrackerError as e:
            result = e
        st.session_state[PREVIEW] = (key, result)
        cached = st.session_state[PREVIEW]
    return cached[1]


def _delimiter(d: str) -> str:
    return tr(
        {";": "import.delim.semicolon", ",": "import.delim.comma", "\t": "import.delim.tab"}.get(
            d, "import.delim.comma"
        )
    )


def _totals(summary: service.ImportSummary) -> pd.DataFrame:
    rows = []
    for metric, value in summary.totals.items():
        how = "import.median" if METRICS[metric].row_sql == "median" else "import.sum"
        rows.append(
            {
                tr("import.col.metric"): display.metric_name(metric, lang()),
                tr("import.col.how"): tr(how),
                tr("import.col.value"): display.format_value(metric, value, lang()),
            }
        )
    return pd.DataFrame(rows)


def _show_preview(p: service.ImportSummary) -> None:
    st.subheader(tr("import.preview"))
    if p.duplicate is not None:
        when = fmt_date(p.duplicate.imported_at, lang())
        st.info(
            tr("import.duplicate", file=plain(p.duplicate.file_name), when=when),
            icon=":material/content_copy:",
        )
        return
    facts = (
        ("import.platform_found", p.platform_title),
        ("import.encoding", p.encoding),
        ("import.delimiter", _delimiter(p.delimiter)),
        ("import.date_range", f"{fmt_date(p.date_min, lang())} – {fmt_date(p.date_max, lang())}"),
    )
    for column, (label, value) in zip(st.columns(4), facts, strict=True):
        # The platform may be a saved mapping's name: escaped, it shows as typed.
        column.markdown(f"{tr(label)}  \n**{plain(value)}**")
    e, f, g, h = st.columns(4)
    e.metric(tr("import.rows"), fmt_number(p.rows, lang()))
    f.metric(tr("import.new_rows"), fmt_number(p.new_rows, lang()))
    g.metric(tr("import.replaced_rows"), fmt_number(p.replaced_rows, lang()))
    h.metric(tr("import.unchanged_rows"), fmt_number(p.unchanged_rows, lang()))
    st.caption(tr("import.skipped", **p.skipped))
    for notice in p.notices:
        values = {k: plain(v) for k, v in notice.values.items()}
        st.warning(tr(notice.key, **values), icon=":material/warning:")
    st.markdown(f"**{tr('import.totals')}**")
    st.table(_totals(p), hide_index=True)
    if p.first_rows is not None:
        st.markdown(f"**{tr('import.first_rows')}**")
        st.dataframe(display.fact_table(p.first_rows, lang()), hide_index=True)


def _show_last(done: service.ImportSummary) -> None:
    st.subheader(tr("import.last", file=plain(done.file)))
    a, b, c, d = st.columns(4)
    a.metric(tr("import.rows"), fmt_number(done.rows, lang()))
    b.metric(tr("import.new_rows"), fmt_number(done.new_rows, lang()))
    c.metric(tr("import.replaced_rows"), fmt_number(done.replaced_rows, lang()))
    d.metric(tr("import.unchanged_rows"), fmt_number(done.unchanged_rows, lang()))
    st.table(_totals(done), hide_index=True)


def _run(data: bytes, name: str, platform: str | None, sheet: str | None) -> None:
    bar = st.progress(0.0, text=tr("import.step.read"))

    def progress(share: float, step: str) -> None:
        bar.progress(share, text=tr(f"import.step.{step}"))

    done = attempt(
        lambda: service.run(s, data, name, platform=platform, sheet=sheet, progress=progress)
    )
    if done is not None:
        _forget()
        st.session_state[LAST] = done
        flash(
            tr(
                "import.done",
                rows=fmt_number(done.rows, lang()),
                new=done.new_rows,
                replaced=done.replaced_rows,
                unchanged=done.unchanged_rows,
            )
        )
        st.rerun()


def _target(target: str) -> str:
    if target in generic.target_choices()[:2] or target in ROLES:
        return tr(f"import.target.{target or 'keep'}")
    return display.metric_name(target, lang())


def _mapping_form(e: UnknownExport) -> None:
    st.subheader(tr("import.mapping_heading"))
    st.caption(tr("import.mapping_help"))
    choices = generic.target_choices()
    with st.form("import_mapping"):
        name = st.text_input(tr("import.mapping_name"), key="map_name")
        picked = {}
        for i, label in enumerate(e.header.cells):
            left, right = st.columns([2, 3])
            left.text(label)
            examples = [row[i] for row in e.examples if i < len(row)][:3]
            left.caption(plain(" · ".join(examples)))
            picked[label] = right.selectbox(
                tr("import.map_column", n=i + 1), choices, key=f"map_col_{i}", format_func=_target
            )
        style = st.radio(
            tr("import.number_style"),
            list(NumberStyle),
            key="map_style",
            format_func=lambda x: tr(f"import.style.{x}"),
            horizontal=True,
        )
        day_first = st.checkbox(tr("import.day_first"), value=True, key="map_day_first")
        if st.form_submit_button(tr("import.save_mapping"), type="primary", key="map_save"):
            saved = attempt(
                lambda: s.save_mapping(
                    generic.build_mapping(
                        name, e.header.cells, picked, NumberStyle(style), day_first
                    )
                )
            )
            if saved is not None:
                _forget()
                flash(tr("import.mapping_saved", name=saved.name))
                st.rerun()


def _unlinked(names: tuple[str, ...], platform: str, prefix: str) -> None:
    if not names:
        return
    st.subheader(tr("import.unlinked"))
    st.caption(tr("import.unlinked_help", platform=plain(platform_title(platform))))
    campaigns = s.campaigns()
    for i, name in enumerate(names[:20]):
        left, mid, right, far = st.columns([3, 3, 1, 2], vertical_alignment="bottom")
        left.text(name)
        if campaigns:  # with no campaign yet, "create campaign" is the only way
            target = mid.selectbox(tr("import.link_to"), campaigns, key=f"{prefix}link_to_{i}",
                                   format_func=lambda c: c.name, index=None)  # fmt: skip
            if right.button(tr("import.link"), key=f"{prefix}link_{i}", disabled=target is None):
                assert target is not None
                if attempt(partial(s.add_alias, target.id, Alias(name, platform))) is not None:
                    _forget()
                    flash(tr("import.linked", source=plain(name), campaign=plain(target.name)))
                    st.rerun()
        if far.button(tr("import.create_campaign"), key=f"{prefix}create_{i}"):
            made = attempt(partial(s.create_campaign, name, aliases=(Alias(name, platform),)))
            if made is not None:
                _forget()
                flash(tr("import.created", campaign=plain(made.name)))
                st.rerun()
    if len(names) > 20:
        st.caption(tr("import.unlinked_more", n=len(names) - 20))


def _history_row(r: ImportRecord) -> dict[str, object]:
    status = (
        r.status
        if r.status not in ("imported", "undone")
        else enum_label(r.status, "import_status")
    )
    return {
        tr("import.col.when"): fmt_date(r.imported_at, lang()),
        tr("import.col.who"): r.actor,
        tr("import.col.file"): r.file_name,
        tr("import.col.platform"): platform_title(r.platform),
        tr("import.col.rows"): r.rows,
        tr("import.col.range"): f"{fmt_date(r.date_min, lang())} – {fmt_date(r.date_max, lang())}",
        tr("import.col.status"): status,
    }


def _history() -> None:
    st.subheader(tr("import.history"))
    records = s.imports()
    if not records:
        st.caption(tr("import.history_empty"))
        return
    st.dataframe(pd.DataFrame([_history_row(r) for r in records]), hide_index=True)
    active = [r for r in records if r.status == "imported"]
    if active:
        _undo(active)


def _undo(active: list[ImportRecord]) -> None:
    def label(r: ImportRecord) -> str:
        return f"{fmt_date(r.imported_at, lang())} · {r.file_name}"

    pick = st.selectbox(tr("import.undo_pick"), active, key="undo_pick", format_func=label)
    if st.button(tr("import.undo"), key="undo"):
        st.session_state["undo_confirm"] = str(pick.id)
    # A second click confirms: undo removes facts that reports and goals may already use.
    chosen = next((r for r in active if str(r.id) == st.session_state.get("undo_confirm")), None)
    if chosen is None:
        return
    st.warning(tr("import.undo_confirm", file=plain(chosen.file_name), rows=chosen.rows),
               icon=":material/undo:")  # fmt: skip
    yes, no = st.columns(2)
    if yes.button(tr("import.undo_yes"), key="undo_yes", type="primary"):
        st.session_state.pop("undo_confirm", None)
        if attempt(lambda: s.undo_import(chosen.id)) is not None:
            _forget()
            flash(tr("import.undone", file=plain(chosen.file_name)))
            st.rerun()
    if no.button(tr("import.undo_no"), key="undo_no"):
        st.session_state.pop("undo_confirm", None)
        st.rerun()


s = store()
st.title(tr("import.title"))
limit = fmt_number(MAX_FILE_BYTES / 1024 / 1024, lang())
uploaded = st.file_uploader(
    tr("import.upload"),
    type=["csv", "tsv", "txt", "xlsx"],
    key="import_file",
    help=tr("import.upload_help", mb=limit),
)
st.caption(tr("import.limit", mb=limit))
keys = [None, *PLATFORMS, *(m.key for m in s.mappings())]
left, right = st.columns(2)
platform = left.selectbox(
    tr("import.platform"),
    keys,
    key="import_platform",
    format_func=lambda k: tr("import.platform_auto") if k is None else platform_title(k),
)
sheet = None
if uploaded is not None and uploaded.name.lower().endswith(".xlsx"):
    sheet = (
        right.text_input(
            tr("import.sheet"), key="import_sheet", help=tr("import.sheet_help")
        ).strip()
        or None
    )

fresh = False
if uploaded is not None:
    data = uploaded.getvalue()
    outcome = _preview(data, uploaded.name, platform, sheet)
    if isinstance(outcome, UnknownExport) and platform is None:
        st.warning(tr("import.unknown", line=outcome.header.line), icon=":material/help:")
        _mapping_form(outcome)
    elif isinstance(outcome, TrackerError):
        _error(str(outcome))
    else:
        _show_preview(outcome)
        fresh = outcome.duplicate is None
        if fresh:
            st.caption(tr("import.nothing_written"))
            if st.button(tr("import.run"), key="import_run", type="primary"):
                _run(data, uploaded.name, platform, sheet)
            _unlinked(outcome.unlinked, outcome.platform, "preview_")

last = st.session_state.get(LAST)
if isinstance(last, service.ImportSummary) and last.import_id and not fresh:
    found = attempt(lambda: (s.import_record(last.import_id), s.unlinked_sources(last.import_id)))
    if found is not None and found[0].status == "imported":
        _show_last(last)
        _unlinked(found[1], found[0].platform, "last_")

_history()
