"""Entry point: the log-in gate, then the pages the member's role may use."""

import streamlit as st

from planner.config import ROOT
from ui import navigation, session
from ui.text import plain

# A local image: Streamlit fetches ":material/…:" page icons from Google's servers.
st.set_page_config(page_title="Campaign planner", page_icon=str(ROOT / "assets" / "icon.png"), layout="wide")

session.ensure_schema()
current = session.resolve()
if current is None:
    session.login_form()
    st.stop()

page = st.navigation(navigation.pages_for(current), expanded=True)
if st.session_state.pop(session.GO_HOME, False):
    st.toast("Your password is set. Welcome to the team!", icon=":material/check:")
    st.switch_page("screens/home.py")

with st.sidebar:
    st.markdown(f"**{plain(current.team_name)}**")
    reviewer = " · sensitivity reviewer" if current.sensitivity_reviewer else ""
    st.caption(f"{plain(current.display_name)} · {current.role}{reviewer}")
    if st.button("Log out", key="auth.logout", icon=":material/logout:"):
        session.log_out()
        st.rerun()

session.crisis_banner()
page.run()
