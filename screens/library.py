"""Message library: every message of the team, searchable in any script, newest change first, a page at a time."""

import streamlit as st

from planner import messages
from planner.languages import Language
from planner.models import MessageStatus
from planner.text import platforms
from planner.themes import catalog
from planner.timing import both_local
from ui import filters, labels, pager
from ui.calls import call
from ui.campaign_picker import CURRENT, PICKER
from ui.text import plain

PAGE_SIZE = 25

st.title("Message library")
st.caption("Search works in English, Urdu, Pashto and Dari, whichever way ی, ک or ہ were typed.")

query = st.text_input("Search", key="library.query", placeholder="e.g. polio, پولیو, Torkham, غم")
campaign_names = filters.campaign_names()
a, b, c, d, e = st.columns(5)
campaign_id = filters.campaign(campaign_names, "library.campaign", where=a)
theme = filters.theme("library.theme", where=b)
language = filters.language("library.language", where=c)
platform = filters.platform("library.platform", where=d)
status = e.selectbox(
    "Status", list(MessageStatus), index=None, placeholder="Any", key="library.status", format_func=labels.status
)

page = pager.page_number("library", (query, campaign_id, theme, language, platform, status))
listed = call(
    messages.page_messages,
    readonly=True,
    offset=(page - 1) * PAGE_SIZE,
    limit=PAGE_SIZE,
    campaign_id=campaign_id,
    theme=theme,
    language=language,
    platform=platform,
    status=status,
    query=query,
).value
found = listed.messages if listed else []
if listed:
    st.caption(pager.position("Messages", listed.offset, len(found), listed.total))
for summary in found:
    with st.container(border=True):
        info, action = st.columns([5, 1])
        info.markdown(f"**{plain(summary.title)}** · {labels.status(summary.status)}")
        info.caption(
            f"{plain(summary.campaign_name)} · "
            f"{', '.join(platforms().variant(p).label for p in summary.platforms) or 'no variants'} · "
            f"{', '.join(Language(code).english for code in summary.languages)} · "
            f"changed {both_local(summary.updated_at, dated=True)}"
        )
        if summary.themes:
            info.caption(
                "Themes: " + ", ".join(catalog().get(t).label() for t in summary.themes if t in catalog().ids())
            )
        if action.button("Open", key=f"library.open.{summary.id}", width="stretch"):
            st.session_state[CURRENT] = summary.campaign_id
            st.session_state[PICKER] = summary.campaign_id
            st.session_state["studio.message"] = summary.id
            st.switch_page("screens/studio.py")
if listed:
    pager.controls("library", offset=listed.offset, limit=listed.limit, total=listed.total)
