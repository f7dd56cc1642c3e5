"""Review queue: messages waiting for a second pair of eyes, screened, oldest first."""

import streamlit as st

from planner import consent, review
from planner.themes import catalog
from planner.wording import count
from ui import filters, labels, review_view
from ui.calls import call
from ui.session import actor
from ui.text import plain

CURRENT = "review.message"
me = actor()
st.title("Review queue")
st.caption(
    "Check tone, facts, safety and sensitivity. The app screens every variant and explains what it found; "
    "blockers must be fixed by the drafter, each warning needs your note, and you never approve your own message."
)

campaign_names = filters.campaign_names()
a, b, c, d = st.columns(4)
campaign_id = filters.campaign(campaign_names, "review.campaign", where=a)
theme = filters.theme("review.theme", where=b)
language = filters.language("review.language", where=c)
sensitive_only = d.toggle("Sensitive themes only", key="review.sensitive")

queue = (
    call(
        review.review_queue,
        readonly=True,
        campaign_id=campaign_id,
        theme=theme,
        language=language,
        sensitive_only=sensitive_only,
    ).value
    or []
)
opened = st.session_state.get(CURRENT)
if opened is not None and opened not in {item.id for item in queue}:
    review_view.decided_elsewhere(opened)
if not queue:
    st.success("Nothing is waiting for review.", icon=":material/done_all:")
    st.stop()

titles = {item.id: item for item in queue}
if st.session_state.get(CURRENT) not in titles:
    st.session_state[CURRENT] = queue[0].id
chosen = st.radio(
    f"{len(queue)} waiting, oldest first",
    list(titles),
    key=CURRENT,
    format_func=lambda i: (
        f"{plain(titles[i].title)} · {plain(titles[i].campaign_name)}"
        + (" · sensitive" if titles[i].sensitive else "")
        + (f" · submitted {titles[i].submitted_at:%d %b %H:%M}" if titles[i].submitted_at else "")
    ),
)

view = call(review.review, readonly=True, message_id=chosen).value
if view is None:
    st.stop()
message = view.message
st.divider()
st.subheader(plain(message.title))
st.markdown(plain(message.core_idea) or "_No core idea written._")
themes = ", ".join(
    catalog().get(t).label() + (" (sensitive)" if catalog().get(t).sensitive else "")
    for t in message.themes
    if t in catalog().ids()
)
st.caption(
    f"{plain(message.campaign_name)} · by {plain(', '.join(view.authors))} · themes: {themes or 'none'} · "
    f"sources: {len(message.sources)} · consent: {plain(message.consent_reference) or 'none recorded'}"
)
if message.consent_reference:
    held = call(consent.on_file, readonly=True, reference=message.consent_reference)
    if held.ok and held.value:
        st.caption(":material/verified: Signed consent form on file with the admin.")
    elif held.ok:
        st.caption(
            ":material/pending: **No signed consent form on file** with the admin for this reference yet: "
            "ask the drafter to hand it over before the post goes out."
        )

left, right = st.columns([3, 2], gap="large")
with left:
    review_view.variants_with_findings(view, can_review=True)
with right:
    blockers = sum(f.severity == "blocker" for f in view.findings)
    open_warnings = sum(f.severity == "warning" and not f.acknowledged_by for f in view.findings)
    with st.container(border=True):
        st.markdown("**Decision**")
        if view.approvals:
            st.markdown("Approved so far: " + ", ".join(f"{plain(name)} ({kind})" for kind, name in view.approvals))
        if view.needed == "sensitivity":
            st.info(
                "Sensitive theme: a second approval by a sensitivity reviewer (not the first approver) is needed.",
                icon=":material/shield_person:",
            )
        if blockers:
            st.error(f"{count(blockers, 'blocking finding')}: request changes.", icon=":material/block:")
        elif open_warnings:
            st.warning(
                f"{count(open_warnings, 'warning')} still {'needs' if open_warnings == 1 else 'need'} your note.",
                icon=":material/warning:",
            )
        note = st.text_area(
            "Comment to the drafter",
            key=f"review.decision.{message.id}",
            help="Required when you request changes or put the message on hold.",
        )
        # One button a line: side by side, "Request changes" was cut off in the narrow decision panel.
        if st.button(
            "Approve",
            type="primary",
            key=f"review.approve.{message.id}",
            icon=":material/check:",
            disabled=bool(blockers or open_warnings),
            width="stretch",
        ):
            if call(review.approve, message_id=message.id, content_hash_seen=view.content_hash, comment=note).ok:
                st.session_state.pop(f"review.decision.{message.id}", None)
                st.toast("Approved.", icon=":material/check:")
                st.rerun()
        if st.button("Request changes", key=f"review.changes.{message.id}", icon=":material/undo:", width="stretch"):
            if call(review.request_changes, message_id=message.id, comment=note, labels={"comment": "Comment"}).ok:
                st.session_state.pop(f"review.decision.{message.id}", None)
                st.rerun()
        if st.button("Put on hold", key=f"review.hold.{message.id}", icon=":material/pause:", width="stretch"):
            if call(review.hold, message_id=message.id, comment=note, labels={"comment": "Comment"}).ok:
                st.rerun()
    review_view.comments(view, can_comment=True)
    with st.expander("History", icon=":material/history:"):
        review_view.history(message.id)
    st.caption(f"Content fingerprint {view.content_hash[:12]} · status {labels.status(message.status)}")
