"""Enter results: what no platform export has — WhatsApp Channel views, offline events, surveys, coded comments."""

import streamlit as st

from planner import db, results
from planner.timing import local
from ui import campaign_picker
from ui.calls import call
from ui.result_forms import LABELS, WORDING, entry_form, post_label
from ui.text import plain

SAVED = "results.saved"

st.title("Enter results")
st.caption(
    "For what no platform export holds: the views under your WhatsApp Channel updates, the people at an "
    "offline event, a survey, the comments you coded by hand. Say how you measured each. A correction "
    "replaces an entry; the old one stays on record, marked void."
)
if saved := st.session_state.pop(SAVED, None):
    st.toast(saved, icon=":material/check:")
campaign_id = campaign_picker.pick()
if campaign_id is None:
    st.stop()
choices = call(results.entry_choices, readonly=True, campaign_id=campaign_id).value
if choices is None:
    st.stop()
today = local(db.utcnow(), "Asia/Karachi").date()

kind = st.segmented_control(
    "What are you entering?",
    list(WORDING),
    default="whatsapp-views",
    format_func=lambda k: WORDING[k].title,
    key="results.kind",
)
if kind:
    fields = entry_form(kind, choices, key=f"results.new.{kind}", today=today)
    if fields is not None:
        if call(results.add_result, labels=LABELS, campaign_id=campaign_id, kind=kind, **fields).ok:
            st.session_state[SAVED] = f"{WORDING[kind].title}: saved."
            st.rerun()

st.subheader("Entries")
show_voided = st.toggle("Show voided entries", key="results.voided")
entries = call(results.list_results, readonly=True, campaign_id=campaign_id, include_voided=show_voided).value or []
if not entries:
    st.caption("Nothing entered for this campaign yet.")
    st.stop()


def _number(entry: results.ResultRead) -> str:
    value = f"{entry.value:g}%" if entry.metric == "survey-result" else f"{entry.value:,.0f}"
    return f"{value} of {entry.sample_size:,}" if entry.sample_size else value


st.dataframe(
    [
        {
            "What": entry.kind_label,
            "Measure": entry.metric_label,
            "Result": _number(entry),
            "From": entry.period_start,
            "To": entry.period_end,
            "About": entry.message_title or "",
            "How it was measured": entry.source,
            "Entered by": entry.entered_by,
            "Void": "void" if entry.voided_at else "",
        }
        for entry in entries
    ],
    hide_index=True,
    placeholder="—",
    width="stretch",
    key="results.table",
)

live = {entry.id: entry for entry in entries if entry.voided_at is None}
if live:
    with st.expander("Correct or void an entry", icon=":material/edit:"):
        chosen = st.selectbox(
            "Entry",
            list(live),
            format_func=lambda i: (
                f"{live[i].kind_label}: {_number(live[i])}, {live[i].period_start:%d %b} – "
                f"{live[i].period_end:%d %b %Y}"
            ),
            key="results.fix.entry",
        )
        entry = live[chosen]
        st.caption(f"Measured: {plain(entry.source)}")
        if entry.post_id and any(p.post_id == entry.post_id for p in choices.posts):
            st.caption(f"Post: {plain(post_label(choices, entry.post_id))}")
        fields = entry_form(entry.kind, choices, key=f"results.fix.{entry.id}", today=today, initial=entry)
        if fields is not None:
            if call(results.correct_result, labels=LABELS, result_id=entry.id, **fields).ok:
                st.session_state[SAVED] = "Corrected: the old entry is kept, marked void."
                st.rerun()
        if st.button("Void this entry", key=f"results.void.{entry.id}", icon=":material/block:"):
            if call(results.void_result, result_id=entry.id).ok:
                st.session_state[SAVED] = "Voided: it no longer counts, and stays on record."
                st.rerun()
