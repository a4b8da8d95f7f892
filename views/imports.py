"""Import: upload a platform export, preview it, import it, link its campaigns; history and undo."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from experiments import display
from experiments import imports_view as iv
from experiments.i18n import fmt_date, fmt_number
from experiments.import_models import ImportRecord
from experiments.models import Alias
from experiments.safe_text import escape_markdown
from views.common import attempt, enum_label, flash, lang, show_error, store, tr

PREVIEW = "import_preview"
LAST = "import_last"


def _forget() -> None:
    st.session_state.pop(PREVIEW, None)


def _just_imported() -> iv.JustImported | None:
    value = st.session_state.get(LAST)
    return value if isinstance(value, iv.JustImported) else None


def _preview(data: bytes, name: str, upload_id: str, platform: str | None,
             sheet: str | None, blank_lines: iv.BlankLines | None,
             table: int | None) -> iv.Preview:  # fmt: skip
    """Return the dry run of the upload, kept per upload, file and choice across reruns."""
    key = iv.upload_key(data, name, upload_id, platform, sheet, blank_lines, table)
    cached = st.session_state.get(PREVIEW)
    if cached is None or cached[0] != key:
        result = iv.preview(s, data, name, platform=platform, sheet=sheet, upload_id=upload_id,
                            just_imported=_just_imported(),
                            blank_lines=blank_lines, table=table)  # fmt: skip
        st.session_state[PREVIEW] = (key, result)
        cached = st.session_state[PREVIEW]
    preview: iv.Preview = cached[1]
    return preview


def _totals(totals: tuple[iv.Total, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                tr("import.col.metric"): display.metric_name(t.metric, lang()),
                tr("import.col.how"): tr(f"import.{t.how}"),
                tr("import.col.value"): display.format_value(t.metric, t.value, lang(), t.currency),
            }
            for t in totals
        ]
    )


def _counts(summary: iv.ImportSummary) -> None:
    e, f, g, h = st.columns(4)
    e.metric(tr("import.rows"), fmt_number(summary.rows, lang()))
    f.metric(tr("import.new_rows"), fmt_number(summary.new_rows, lang()))
    g.metric(tr("import.replaced_rows"), fmt_number(summary.replaced_rows, lang()))
    h.metric(tr("import.unchanged_rows"), fmt_number(summary.unchanged_rows, lang()))


def _show_duplicate(p: iv.ImportSummary) -> None:
    assert p.duplicate is not None
    st.subheader(tr("import.preview"))
    when = fmt_date(p.duplicate.imported_at, lang())
    st.info(tr("import.duplicate", file=escape_markdown(p.duplicate.file_name), when=when),
            icon=":material/content_copy:")  # fmt: skip


def _show_preview(view: iv.Preview) -> None:
    p = view.summary
    assert p is not None
    st.subheader(tr("import.preview"))
    dates = f"{fmt_date(p.date_min, lang())} – {fmt_date(p.date_max, lang())}"
    shown = [(d.label, tr(d.value) if d.value_is_text_key else d.value) for d in view.details]
    for column, (label, value) in zip(st.columns(4), [*shown, ("import.date_range", dates)],
                                      strict=True):  # fmt: skip
        # The platform may be a saved mapping's name, the sheet a workbook's: escaped, as typed.
        column.markdown(f"{tr(label)}  \n**{escape_markdown(value)}**")
    _counts(p)
    st.caption(tr("import.skipped", **p.skipped))
    for notice in view.notices:
        values = {k: escape_markdown(v) for k, v in notice.values.items()}
        st.warning(tr(notice.key, **values), icon=":material/warning:")
    st.markdown(f"**{tr('import.totals')}**")
    st.table(_totals(view.totals), hide_index=True)
    if p.first_rows is not None:
        st.markdown(f"**{tr('import.first_rows')}**")
        st.dataframe(display.fact_table(p.first_rows, lang()), hide_index=True)


def _show_last(last: iv.LastImport) -> None:
    st.subheader(tr("import.last", file=escape_markdown(last.summary.file)))
    _counts(last.summary)
    st.table(_totals(iv.totals(last.summary)), hide_index=True)


def _blank_lines(view: iv.Preview, key: str) -> None:
    """Ask what to import when rows of the same table go on below a blank line."""
    where = view.blank_lines or {}
    st.warning(tr("import.blank_lines", **where), icon=":material/warning:")
    st.radio(tr("import.blank_lines.choice", **where), iv.BLANK_LINE_CHOICES, key=key, index=None,
             format_func=lambda c: tr(f"import.blank_lines.{c}", **where))  # fmt: skip


def _tables(view: iv.Preview, key: str) -> None:
    """Ask which table to import from a file with several that a platform knows."""
    labels = {k.number: k.label(lang()) for k in view.tables}
    if view.state is iv.PreviewState.TABLES:
        st.info(tr("import.tables"), icon=":material/table_rows:")
    st.selectbox(tr("import.table_pick"), tuple(labels), key=key, index=None,
                 placeholder=tr("cycle.choose"), format_func=labels.__getitem__)  # fmt: skip


def _run(data: bytes, name: str, upload_id: str, platform: str | None, sheet: str | None,
         blank_lines: iv.BlankLines | None, table: int | None) -> None:  # fmt: skip
    bar = st.progress(0.0, text=tr("import.step.read"))

    def progress(share: float, step: str) -> None:
        bar.progress(share, text=tr(f"import.step.{step}"))

    done = attempt(partial(iv.run_import, s, data, name, platform=platform, sheet=sheet,
                           upload_id=upload_id, progress=progress,
                           blank_lines=blank_lines, table=table))  # fmt: skip
    if done is not None:
        _forget()
        # Remembered so that the rerun, with the same upload still in the uploader, shows it as
        # imported instead of "this file was imported before".
        st.session_state[LAST] = done
        summary = done.summary
        flash(tr("import.done", rows=fmt_number(summary.rows, lang()), new=summary.new_rows,
                 replaced=summary.replaced_rows, unchanged=summary.unchanged_rows))  # fmt: skip
        st.rerun()


def _propose(form: iv.MappingForm) -> None:
    """Put the form's proposals into its widgets, once per header: the analyst's changes stay,
    and another file's header starts from its own proposals, not from this one's choices."""
    header = (form.line, *(c.label for c in form.columns))
    if st.session_state.get("map_header") == header and "map_col_0" in st.session_state:
        return
    st.session_state["map_header"] = header
    for i, column in enumerate(form.columns):
        st.session_state[f"map_col_{i}"] = column.proposed
    st.session_state["map_style"] = form.number_style
    st.session_state["map_day_first"] = form.day_first


def _mapping_form(form: iv.MappingForm) -> None:
    st.subheader(tr("import.mapping_heading"))
    st.caption(tr("import.mapping_help"))
    _propose(form)
    with st.form("import_mapping"):
        name = st.text_input(tr("import.mapping_name"), key="map_name")
        picked = {}
        for i, column in enumerate(form.columns):
            left, right = st.columns([2, 3])
            left.text(column.label)
            left.caption(escape_markdown(" · ".join(column.examples)))
            picked[column.label] = right.selectbox(
                tr("import.map_column", n=i + 1), form.choices, key=f"map_col_{i}",
                format_func=lambda target: iv.target_label(target, lang()),
            )  # fmt: skip
        style = st.radio(tr("import.number_style"), iv.NUMBER_STYLES, key="map_style",
                         format_func=lambda x: tr(f"import.style.{x}"),
                         horizontal=True)  # fmt: skip
        day_first = st.checkbox(tr("import.day_first"), key="map_day_first")
        if st.form_submit_button(tr("import.save_mapping"), type="primary", key="map_save"):
            header = [c.label for c in form.columns]
            save = partial(iv.save_mapping, s, name, header, picked, style, day_first)
            saved = attempt(save)
            if saved is not None:
                _forget()
                flash(tr("import.mapping_saved", name=escape_markdown(saved.name)))
                st.rerun()


def _suggested(name: str, suggestions: iv.LinkSuggestions, key: str) -> None:
    """Offer the suggested campaign for a source campaign with one click, or say why none."""
    found = suggestions.link_for(name)
    if found is not None:
        campaign = escape_markdown(found.campaign)
        st.caption(tr(f"import.suggest.{found.matched}", campaign=campaign))
        if st.button(tr("import.suggest_link", campaign=campaign), key=key, type="primary"):
            linked = attempt(partial(iv.accept_link, s, found))
            if linked is not None:
                _forget()
                flash(tr("import.linked", source=escape_markdown(name),
                         campaign=escape_markdown(linked)))  # fmt: skip
                st.rerun()
    unclear = suggestions.ambiguity(name)
    if unclear is not None:
        names = ", ".join(escape_markdown(c) for c in unclear.campaigns)
        st.caption(tr("import.suggest.ambiguous", campaigns=names))


def _unlinked(names: tuple[str, ...], platform: str, prefix: str,
              suggestions: iv.LinkSuggestions) -> None:  # fmt: skip
    if not names:
        return
    heading, help_key = iv.unlinked_texts(platform)
    st.subheader(tr(heading))
    st.caption(tr(help_key, platform=escape_markdown(iv.platform_title(platform))))
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
                    flash(
                        tr(
                            "import.linked",
                            source=escape_markdown(name),
                            campaign=escape_markdown(target.name),
                        )
                    )
                    st.rerun()
        _suggested(name, suggestions, f"{prefix}suggest_{i}")
        if far.button(tr("import.create_campaign"), key=f"{prefix}create_{i}"):
            made = attempt(partial(s.create_campaign, name, aliases=(Alias(name, platform),)))
            if made is not None:
                _forget()
                flash(tr("import.created", campaign=escape_markdown(made.name)))
                st.rerun()
    if len(names) > 20:
        st.caption(tr("import.unlinked_more", n=len(names) - 20))


def _history_row(r: ImportRecord) -> dict[str, object]:
    return {
        tr("import.col.when"): fmt_date(r.imported_at, lang()),
        tr("import.col.who"): r.actor,
        tr("import.col.file"): r.file_name,
        tr("import.col.platform"): iv.platform_title(r.platform),
        tr("import.col.rows"): r.rows,
        tr("import.col.range"): f"{fmt_date(r.date_min, lang())} – {fmt_date(r.date_max, lang())}",
        tr("import.col.status"): enum_label(r.status, "import_status"),
    }


def _history() -> None:
    st.subheader(tr("import.history"))
    found = iv.history(s)
    if not found.records:
        st.caption(tr("import.history_empty"))
        return
    st.dataframe(pd.DataFrame([_history_row(r) for r in found.records]), hide_index=True)
    if found.undoable:
        _undo(found.undoable)


def _undo(undoable: tuple[ImportRecord, ...]) -> None:
    def label(r: ImportRecord) -> str:
        return f"{fmt_date(r.imported_at, lang())} · {r.file_name}"

    # Keyed by the newest import: a new one starts a fresh choice that defaults to it, instead of
    # keeping the pick made before it arrived.
    pick = st.selectbox(tr("import.undo_pick"), undoable, key=f"undo_pick_{undoable[0].id}",
                        format_func=label)  # fmt: skip
    if st.button(tr("import.undo"), key="undo"):
        st.session_state["undo_confirm"] = str(pick.id)
    # A second click confirms: undo removes facts that reports and goals may already use.
    chosen = next((r for r in undoable if str(r.id) == st.session_state.get("undo_confirm")), None)
    if chosen is None:
        return
    st.warning(tr("import.undo_confirm", file=escape_markdown(chosen.file_name), rows=chosen.rows),
               icon=":material/undo:")  # fmt: skip
    yes, no = st.columns(2)
    if yes.button(tr("import.undo_yes"), key="undo_yes", type="primary"):
        st.session_state.pop("undo_confirm", None)
        if attempt(partial(iv.undo, s, chosen.id, chosen.status)) is not None:
            _forget()
            flash(tr("import.undone", file=escape_markdown(chosen.file_name)))
            st.rerun()
    if no.button(tr("import.undo_no"), key="undo_no"):
        st.session_state.pop("undo_confirm", None)
        st.rerun()


s = store()
st.title(tr("import.title"))
limit = fmt_number(iv.MAX_FILE_BYTES / 1024 / 1024, lang())
uploaded = st.file_uploader(
    tr("import.upload"),
    type=["csv", "tsv", "txt", "xlsx"],
    key="import_file",
    help=tr("import.upload_help", mb=limit),
)
st.caption(tr("import.limit", mb=limit))
left, right = st.columns(2)
platform = left.selectbox(
    tr("import.platform"),
    iv.platform_choices(s),
    key="import_platform",
    format_func=lambda k: tr("import.platform_auto") if k is None else iv.platform_title(k),
)
sheet = None
if uploaded is not None and iv.is_workbook(uploaded.name):
    sheet = (
        right.text_input(
            tr("import.sheet"), key="import_sheet", help=tr("import.sheet_help")
        ).strip()
        or None
    )

view: iv.Preview | None = None
if uploaded is not None:
    data = uploaded.getvalue()
    # Per upload: a new file asks again. Read before the radio is drawn: the preview needs it.
    blank_key = f"import_blank_lines_{uploaded.file_id}"
    chosen: iv.BlankLines | None = st.session_state.get(blank_key)
    table_key = f"import_table_{uploaded.file_id}"
    picked: int | None = st.session_state.get(table_key)
    view = _preview(data, uploaded.name, uploaded.file_id, platform, sheet, chosen, picked)
    if view.tables:
        _tables(view, table_key)
    if view.blank_lines is not None:
        _blank_lines(view, blank_key)
    if view.state is iv.PreviewState.UNKNOWN:
        assert view.mapping is not None
        if view.problem is not None:  # a platform's header but for its date or campaign column
            show_error(view.problem)
        st.warning(tr("import.unknown", line=view.mapping.line), icon=":material/help:")
        _mapping_form(view.mapping)
    elif view.state is iv.PreviewState.FAILED:
        show_error(view.problem or str(view.error))
    elif view.state is iv.PreviewState.DUPLICATE:
        assert view.summary is not None
        _show_duplicate(view.summary)
    elif view.state is iv.PreviewState.READY:
        assert view.summary is not None
        _show_preview(view)
        st.caption(tr("import.nothing_written"))
        if st.button(tr("import.run"), key="import_run", type="primary"):
            _run(data, uploaded.name, uploaded.file_id, platform, sheet, chosen, picked)
        _unlinked(view.summary.unlinked, view.summary.platform, "preview_", view.suggestions)

last = attempt(partial(iv.last_import, s, _just_imported(), view))
if last is not None:
    _show_last(last)
    _unlinked(last.unlinked, last.platform, "last_", last.suggestions)

_history()
