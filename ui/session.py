"""The log-in gate and the current actor, kept in st.session_state as ids and names only."""

from __future__ import annotations

import streamlit as st

from planner import accounts, db, review, schema
from planner.config import settings
from planner.errors import AuthenticationFailed, SessionExpired
from planner.policy import Actor
from planner.timing import both_local
from ui.text import plain

TOKEN = "auth.token"  # noqa: S105 - a session_state key, not a secret
ACTOR = "auth.actor"
NOTICE = "auth.notice"
# Set after a one-time password is replaced: the next run opens Home instead of My account.
GO_HOME = "auth.go_home"


@st.cache_resource(show_spinner="Preparing the database…")
def _migrated(database_url: str) -> bool:
    if not schema.is_current():
        schema.upgrade()
    return True


def ensure_schema() -> None:
    """Apply migrations once per server process and database (also when started without make run)."""
    _migrated(settings().database_url)


def actor() -> Actor:
    """The member using this browser tab.

    app.py resolves it before any page runs; should a screen ever run on its own (a test running
    the file directly), it gets the log-in screen here, never content.
    """
    current = st.session_state.get(ACTOR) or resolve()
    if current is None:
        login_form()
        st.stop()
    return current


def forget(notice: str | None = None) -> None:
    st.session_state.pop(TOKEN, None)
    st.session_state.pop(ACTOR, None)
    if notice:
        st.session_state[NOTICE] = notice


def resolve() -> Actor | None:
    """Re-check this tab's log-in against the database on every rerun."""
    token = st.session_state.get(TOKEN)
    if not token:
        return None
    try:
        with db.session() as s:
            current = accounts.resolve(s, token=token, now=db.utcnow())
    except SessionExpired as exc:
        forget(str(exc))
        return None
    st.session_state[ACTOR] = current
    return current


def login_form() -> None:
    """The log-in screen."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Campaign planner")
        st.caption("Pak-Afghan counter-narrative campaigns · English · اردو · پښتو · دری")
        if notice := st.session_state.pop(NOTICE, None):
            st.info(notice)
        with st.form("login", border=True):
            username = st.text_input("Username", key="login.username", autocomplete="username")
            password = st.text_input("Password", type="password", key="login.password", autocomplete="current-password")
            submitted = st.form_submit_button("Log in", type="primary", width="stretch", key="login.submit")
        if submitted:
            _log_in(username, password)
        st.caption(
            "Your team's admin gives you a username and a one-time password. "
            "Sessions end after 30 minutes without activity."
        )


def _log_in(username: str, password: str) -> None:
    try:
        with db.session() as s:
            token = accounts.log_in(s, username=username, password=password, now=db.utcnow())
    except AuthenticationFailed as exc:
        st.error(str(exc))
        return
    st.session_state[TOKEN] = token
    st.rerun()


def log_out() -> None:
    token = st.session_state.get(TOKEN)
    if token:
        with db.session() as s:
            accounts.log_out(s, token=token, now=db.utcnow())
    forget("You have logged out.")


def crisis_banner() -> None:
    """On every page while the team is in a crisis pause."""
    if actor().must_change_password:
        return  # nothing but the password form until then
    with db.session(readonly=True) as s:
        state = review.pause_state(s, actor=actor(), now=db.utcnow())
    if state.paused:
        st.error(
            f"Crisis pause since {both_local(state.since, dated=True)} — nothing is published. "
            f"Reason: {plain(state.reason)}",
            icon=":material/pause_circle:",
        )
