"""Audit trail (admins): who did what and when, filtered, with the chain's integrity and a CSV download."""

from datetime import time, timedelta
from math import ceil

import streamlit as st

from planner import audit
from planner.timing import ZONES, both_local, to_utc
from planner.wording import count
from ui.calls import call
from ui.session import actor

PAGE_SIZE = 50
PAGE = "audit.page"
EXPORT = "audit.export"
LABELS = {"until": "To", "since": "From", "limit": "Page"}

actor()  # the log-in screen, never content, for a tab without a live session
st.title("Audit trail")
st.caption(
    "Every change in the team, newest first. Members appear under their display name (their pseudonym), never "
    "their real name; details carry ids and field names only. Nobody, not even an admin, can change or delete "
    "an event."
)

status = call(audit.chain_status, readonly=True)
if status.ok and status.value.intact:
    st.success(
        f"Chain intact: {count(status.value.checked, 'event')}, each linked to the one before, none changed.",
        icon=":material/verified:",
    )
elif status.ok:
    st.error(
        f"Chain broken at event {status.value.broken_event_id}: {status.value.reason}. Events from there on cannot "
        "be trusted. Keep a copy of the database as it is and tell whoever runs the server.",
        icon=":material/gpp_bad:",
    )

choices = call(audit.filter_choices, readonly=True)
if not choices.ok:
    st.stop()
options = choices.value

with st.form("audit.filters"):
    first, second, third = st.columns(3)
    since_day = first.date_input("From", value=None, key="audit.since", format="YYYY-MM-DD")
    until_day = second.date_input("To (inclusive)", value=None, key="audit.until", format="YYYY-MM-DD")
    zone = third.selectbox("Days in", list(ZONES), format_func=ZONES.get, key="audit.zone")
    first, second, third, fourth = st.columns(4)
    member = first.selectbox(
        "Member",
        list(options.members),
        index=None,
        placeholder="Anyone",
        format_func=lambda m: options.members.get(m, f"member #{m}"),
        key="audit.member",
    )
    action = second.selectbox(
        "Action",
        list(options.actions),
        index=None,
        placeholder="Any",
        format_func=lambda a: options.actions.get(a, a),
        key="audit.action",
    )
    subject_type = third.selectbox(
        "Subject",
        list(options.subject_types),
        index=None,
        placeholder="Any",
        format_func=lambda t: options.subject_types.get(t, t),
        key="audit.subject_type",
    )
    subject_id = fourth.number_input("Subject id", min_value=1, step=1, value=None, key="audit.subject_id")
    if st.form_submit_button("Apply filters", type="primary"):
        st.session_state[PAGE] = 1

filters = {
    "since": to_utc(since_day, time(0), zone) if since_day else None,
    "until": to_utc(until_day + timedelta(days=1), time(0), zone) if until_day else None,
    "membership_id": member,
    "action": action,
    "subject_type": subject_type,
    "subject_id": int(subject_id) if subject_id else None,
}
page_number = int(st.session_state.get(PAGE) or 1)
listed = call(
    audit.list_events, readonly=True, labels=LABELS, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE, **filters
)
if not listed.ok:
    st.stop()
found = listed.value
pages = max(1, ceil(found.total / PAGE_SIZE))
if page_number > pages:
    st.session_state[PAGE] = pages
    st.rerun()

if found.events:
    st.caption(
        f"Events {found.offset + 1}–{found.offset + len(found.events)} of {found.total}, newest first. "
        "Times in UTC, Pakistan time (PKT) and Afghanistan time (AFT)."
    )
else:
    st.info("No event matches these filters.", icon=":material/filter_alt_off:")
st.dataframe(
    [
        {
            "Event": e.id,
            "When (UTC)": f"{e.created_at:%Y-%m-%d %H:%M}",
            "Pakistan · Afghanistan": both_local(e.created_at),
            "Member": e.member,
            "What": e.what,
            "Subject": e.subject,
            "Details": e.details,
        }
        for e in found.events
    ],
    hide_index=True,
    placeholder="—",
    width="stretch",
    column_config={"Event": st.column_config.NumberColumn(width="small")},
)
if pages > 1:
    st.columns([1, 4])[0].number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=PAGE)

st.subheader("Download")
st.caption(
    "A CSV of every event these filters select (up to 100,000), with both local times. Cells that a spreadsheet "
    "could run as a formula are made inert. Downloading is itself recorded in the trail."
)
wanted = tuple(sorted((key, str(value)) for key, value in filters.items()))
if st.button("Prepare a CSV of these events", key="audit.export.go", icon=":material/build:"):
    made = call(audit.export_events, labels=LABELS, **filters)
    if made.ok:
        st.session_state[EXPORT] = (wanted, made.value)
prepared, made = st.session_state.get(EXPORT, (None, None))
if made is not None and prepared == wanted:
    st.download_button(
        f"Download {made.file_name}",
        data=made.data,
        file_name=made.file_name,
        mime="text/csv",
        key="audit.export.download",
        icon=":material/download:",
    )
    st.caption(
        f"{count(made.rows, 'event')} in the file."
        + (" It stops at 100,000 events: narrow the dates for the older ones." if made.truncated else "")
    )
