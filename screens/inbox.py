"""My messages back from review: what needs changing, what was approved, what is on hold."""

import streamlit as st

from planner import review
from planner.timing import both_local
from ui.calls import call
from ui.campaign_picker import CURRENT, PICKER
from ui.text import plain

st.title("Back from review")
st.caption("Your messages that a facilitator answered. Open one in the drafting studio to change and resubmit it.")
items = call(review.inbox, readonly=True).value or []
if not items:
    st.success("Nothing waiting for you.", icon=":material/done_all:")
BADGE = {
    "changes_requested": ("orange", "changes requested"),
    "approved": ("green", "approved"),
    "on_hold": ("gray", "on hold"),
}
for item in items:
    colour, label = BADGE[item.status]
    with st.container(border=True):
        info, action = st.columns([5, 1])
        info.markdown(f"**{plain(item.title)}** :{colour}-badge[{label}]")
        info.caption(f"{plain(item.campaign_name)} · changed {both_local(item.updated_at, dated=True)}")
        if item.last_comment:
            info.markdown(f"> {plain(item.last_comment)}")
        if action.button("Open", key=f"inbox.open.{item.id}", width="stretch"):
            st.session_state[CURRENT] = item.campaign_id
            st.session_state[PICKER] = item.campaign_id
            st.session_state["studio.open_next"] = item.id
            st.switch_page("screens/studio.py")
