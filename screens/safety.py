"""Safety (admins): the team's never-link list and the crisis pause."""

import streamlit as st

from planner import review
from planner.timing import both_local
from planner.wording import count
from ui.calls import call
from ui.text import plain

DENY_ADDED = "safety.deny.done"  # set when an entry was added: the next run empties the form

st.title("Safety")

st.subheader("Crisis pause")
st.caption(
    "After an attack or a threat, stop everything that is approved or scheduled in one step. Held messages need "
    "to be resumed and approved again, one by one, once the pause ends."
)
state = call(review.pause_state, readonly=True).value
if state and state.paused:
    st.error(
        f"The team is paused since {both_local(state.since, dated=True)}: {plain(state.reason)}",
        icon=":material/pause_circle:",
    )
    if st.button("End the pause", key="safety.resume", icon=":material/play_arrow:"):
        if call(review.end_pause).ok:
            st.rerun()
else:
    with st.form("safety.pause"):
        reason = st.text_input("Reason", key="safety.reason", placeholder="e.g. attack in Peshawar this morning")
        if st.form_submit_button("Pause every approved and scheduled message", type="primary"):
            held = call(review.pause_team, reason=reason, labels={"reason": "Reason"})
            if held.ok:
                st.session_state.pop("safety.reason", None)
                st.toast(f"Paused. {count(held.value, 'message')} put on hold.", icon=":material/pause_circle:")
                st.rerun()

st.subheader("Never link to")
st.caption("Domains and handles that spread extremist material. A variant linking to one cannot be approved.")
entries = call(review.list_denylist, readonly=True).value or []
for entry in entries:
    left, right = st.columns([5, 1])
    # Bold, not a code span: backslash escapes are shown literally inside code (example\.net).
    left.markdown(f"**{plain(entry.entry)}**" + (f" — {plain(entry.note)}" if entry.note else ""))
    if right.button("Remove", key=f"safety.remove.{entry.id}"):
        if call(review.remove_denylist_entry, entry_id=entry.id).ok:
            st.rerun()
if not entries:
    st.caption("The list is empty.")
if st.session_state.pop(DENY_ADDED, False):
    # Emptied before the form is drawn: deleting the keys would leave the last entry in the browser.
    for key in ("safety.entry", "safety.note"):
        st.session_state[key] = ""
with st.form("safety.deny"):
    left, right = st.columns(2)
    value = left.text_input("Domain or handle", key="safety.entry", placeholder="example.net or @name")
    note = right.text_input("Note (optional)", key="safety.note")
    if st.form_submit_button("Add to the list"):
        if call(review.add_denylist_entry, entry=value, note=note, labels={"entry": "Domain or handle"}).ok:
            st.session_state[DENY_ADDED] = True
            st.rerun()
