"""My account: choose a password (required after a one-time password) and see my sessions."""

import streamlit as st

from planner import accounts
from planner.timing import both_local
from ui.calls import call
from ui.session import GO_HOME, actor

me = actor()
st.title("My account")
st.markdown(f"Username **{me.username}** · role **{me.role}**")

if me.must_change_password:
    st.warning(
        "Before you start, replace the one-time password you were given with one only you know.", icon=":material/key:"
    )

with st.form("account.password"):
    st.subheader("Change password")
    current = st.text_input("Current password", type="password", key="account.current")
    new = st.text_input(
        "New password",
        type="password",
        key="account.new",
        help="8 to 256 characters in any script; a phrase in Urdu, Pashto or Dari is fine.",
    )
    repeat = st.text_input("New password again", type="password", key="account.repeat")
    if st.form_submit_button("Change password", type="primary"):
        if new != repeat:
            st.error("The two new passwords differ. Nothing was changed.")
        elif call(
            accounts.change_password,
            current_password=current,
            new_password=new,
            labels={"current_password": "Current password", "new_password": "New password"},
        ).ok:
            st.session_state["auth.notice_saved"] = True
            if me.must_change_password:
                st.session_state[GO_HOME] = True
            st.rerun()

if st.session_state.pop("auth.notice_saved", False):
    st.success("Your password is changed. Your other sessions have been logged out.")

st.subheader("Where you are logged in")
sessions = call(accounts.list_my_sessions, readonly=True)
if sessions.ok:
    for row in sessions.value:
        left, right = st.columns([4, 1])
        label = "this browser" if row.current else "another browser"
        left.markdown(
            f"**{label}** · since {both_local(row.created_at, dated=True)} · "
            f"last active {both_local(row.last_seen_at, dated=True)}"
        )
        ended = not row.current and right.button("End", key=f"account.end.{row.id}")
        if ended and call(accounts.end_my_session, session_id=row.id).ok:
            st.rerun()
