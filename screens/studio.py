"""Drafting studio: a message idea and its variants per platform and language, with live limits."""

import streamlit as st

from planner import messages, review
from planner.languages import Language
from planner.models import CampaignStatus
from planner.policy import Action, allows
from planner.text import platforms
from planner.timing import both_local
from planner.wording import count
from ui import labels, review_view, studio
from ui.calls import call
from ui.campaign_picker import pick_plan
from ui.session import actor
from ui.text import plain

CURRENT = "studio.message"
OPEN_NEXT = "studio.open_next"  # a widget's key cannot change after it is drawn: open on the next run
NEW = 0

me = actor()
st.title("Drafting studio")
plan = pick_plan()
campaign_id = plan.id
editable = allows(me.role, Action.EDIT_MESSAGES) and plan.status != CampaignStatus.ARCHIVED

listed = call(messages.list_messages, readonly=True, campaign_id=campaign_id).value or []
titles = {
    summary.id: f"{summary.title} · {labels.status(summary.status)} · {count(summary.variant_count, 'variant')}"
    for summary in listed
}
choices = ([NEW] if editable else []) + list(titles)
if not choices:
    st.info("No messages in this campaign yet.")
    st.stop()
if OPEN_NEXT in st.session_state:
    st.session_state[CURRENT] = st.session_state.pop(OPEN_NEXT)
if st.session_state.get(CURRENT) not in choices:
    st.session_state[CURRENT] = choices[1] if len(choices) > 1 and editable else choices[0]
chosen = st.selectbox("Message", choices, key=CURRENT, format_func=lambda i: "+ New message" if i == NEW else titles[i])

if chosen == NEW:
    st.subheader("New message")
    created = studio.message_form(plan, None, editable)
    if created:
        st.session_state[OPEN_NEXT] = created.id
        st.rerun()
    st.stop()

message = call(messages.get_message, readonly=True, message_id=chosen).value
if message is None:
    st.stop()

st.caption(
    f"{labels.status(message.status)} · by {plain(message.author)} · "
    f"changed {both_local(message.updated_at, dated=True)}"
)
studio.review_status(message, editable)
with st.expander("The message: idea, themes, messenger, sources and consent", icon=":material/description:"):
    if studio.message_form(plan, message, editable):
        st.rerun()
suggestions = st.container()

typed: list[str] = [message.core_idea]
with st.container():
    st.subheader("Variants")
    existing = {(v.platform, v.language): v for v in message.variants}
    labels = [f"{platforms().variant(v.platform).label} · {Language(v.language).english}" for v in message.variants]
    tabs = st.tabs([*labels, ":material/add: Add a variant"] if editable else labels or ["No variants"])
    for tab, variant in zip(tabs, message.variants, strict=False):
        with tab:
            typed.append(studio.variant_editor(message, variant.platform, variant.language, variant, editable))
    if editable:
        with tabs[-1]:
            a, b = st.columns(2)
            platform = a.selectbox(
                "Platform",
                platforms().variant_ids(),
                index=None,
                key="studio.add.platform",
                format_func=lambda p: platforms().variant(p).label,
                placeholder="Choose…",
            )
            language = b.selectbox(
                "Language",
                [str(x) for x in Language],
                index=None,
                key="studio.add.language",
                format_func=lambda code: Language(code).label,
                placeholder="Choose…",
            )
            if platform and language:
                if (platform, language) in existing:
                    st.info("This message already has that variant: open its tab to edit it.")
                else:
                    typed.append(studio.variant_editor(message, platform, language, None, editable))

with suggestions:
    if editable:
        studio.theme_suggestions(message, "\n".join(typed))

with st.expander("Versions and comparison", icon=":material/difference:"):
    studio.history(message)
with st.expander("Review: discussion and history", icon=":material/forum:"):
    view = call(review.review, readonly=True, message_id=message.id).value
    if view:
        review_view.comments(view, can_comment=editable)
        review_view.history(message.id)
