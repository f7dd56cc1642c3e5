"""Showing a message under review: findings highlighted in the text, acknowledgements, comments."""

from __future__ import annotations

import html

import streamlit as st

from planner import review
from planner.languages import Language
from planner.models import MessageStatus
from planner.review import FindingRead, ReviewRead
from planner.text import platforms
from planner.timing import both_local
from ui.calls import call
from ui.text import plain

COLOURS = {"blocker": "#fecaca", "warning": "#fde68a", "info": "#bfdbfe"}
# The decision buttons of screens/review.py, by the middle part of their keys.
DECISIONS = {"approve": "approval", "changes": "request for changes", "hold": "hold"}
ICONS = {"blocker": ":material/block:", "warning": ":material/warning:", "info": ":material/info:"}


def highlighted(text: str, findings: list[FindingRead], direction: str) -> str:
    """The text, escaped, with each finding's span marked in its severity's colour."""
    spans = sorted((f for f in findings if 0 <= f.start < f.end <= len(text)), key=lambda f: (f.start, -f.end))
    parts, cursor = [], 0
    for finding in spans:
        if finding.start < cursor:
            continue  # overlapping spans: the first one wins, the list below names all
        parts.append(html.escape(text[cursor : finding.start]))
        parts.append(
            f'<mark title="{html.escape(finding.title)}" style="background:{COLOURS[finding.severity]};'
            f'border-radius:3px;padding:0 2px">{html.escape(text[finding.start : finding.end])}</mark>'
        )
        cursor = finding.end
    parts.append(html.escape(text[cursor:]))
    return (
        f'<div dir="{direction}" style="unicode-bidi:plaintext;white-space:pre-wrap;line-height:1.8;'
        f'border:1px solid #ddd;border-radius:8px;padding:10px;font-size:1.05rem">{"".join(parts)}</div>'
    )


def variants_with_findings(view: ReviewRead, *, can_review: bool) -> None:
    message_level = [f for f in view.findings if f.start < 0]
    for finding in message_level:
        _finding(view, finding, can_review)
    for variant in view.message.variants:
        found = [f for f in view.findings if f.variant_id == variant.id and f.start >= 0]
        lang = Language(variant.language)
        label = f"{platforms().variant(variant.platform).label} · {lang.english}"
        counts = ", ".join(
            f"{sum(f.severity == s for f in found)} {s}"
            for s in ("blocker", "warning", "info")
            if any(f.severity == s for f in found)
        )
        st.markdown(f"**{label}**" + (f" — {counts}" if counts else " — :green[no findings]"))
        text = f"{variant.title}\n{variant.body}" if variant.title else variant.body
        st.html(highlighted(text, found, lang.direction))
        for finding in found:
            _finding(view, finding, can_review)


def _finding(view: ReviewRead, finding: FindingRead, can_review: bool) -> None:
    with st.container(border=True):
        matched = f" — matched “{plain(finding.matched)}”" if finding.matched else ""
        st.markdown(f"{ICONS[finding.severity]} **{finding.severity.upper()} · {finding.title}**{matched}")
        st.caption(
            f"{finding.explanation}"
            + (f" Suggestion: {finding.suggestion}" if finding.suggestion else "")
            + f" (rule {finding.rule})"
        )
        if finding.severity != "warning":
            return
        if finding.acknowledged_by:
            st.markdown(
                f":green[:material/check: acknowledged by {plain(finding.acknowledged_by)}]: "
                f"{plain(finding.note or '')}"
            )
        elif can_review:
            with st.form(f"review.ack.{view.message.id}.{finding.key}"):
                note = st.text_input("Why this is acceptable, or what you checked", key=f"review.note.{finding.key}")
                if st.form_submit_button("Acknowledge warning"):
                    done = call(
                        review.acknowledge,
                        message_id=view.message.id,
                        finding_key=finding.key,
                        content_hash_seen=view.content_hash,
                        note=note,
                        labels={"note": "Note"},
                    )
                    if done.ok:
                        st.rerun()


def comments(view: ReviewRead, *, can_comment: bool) -> None:
    st.markdown("**Discussion** (private to the team; never exported with the post)")
    for comment in view.comments:
        kind = "" if comment.kind == "comment" else f" · {comment.kind.replace('_', ' ')}"
        with st.chat_message("user", avatar=":material/person:"):
            st.markdown(f"**{plain(comment.author)}**{kind} · {both_local(comment.created_at, dated=True)}")
            st.markdown(plain(comment.body))
    if not view.comments:
        st.caption("No comments yet.")
    if can_comment:
        box = f"review.comment.body.{view.message.id}"
        if st.session_state.pop(f"{box}.posted", False):
            # Emptied before the box is drawn: deleting its key would leave the posted text in the browser.
            st.session_state[box] = ""
        with st.form(f"review.comment.{view.message.id}", clear_on_submit=False):
            body = st.text_area("Add a comment", key=box, height=80)
            if (
                st.form_submit_button("Post comment")
                and call(review.add_comment, message_id=view.message.id, body=body).ok
            ):
                st.session_state[f"{box}.posted"] = True
                st.rerun()


def history(message_id: int) -> None:
    events = call(review.message_events, readonly=True, message_id=message_id).value or []
    st.dataframe(
        [
            {
                "When": both_local(e["when"], dated=True),
                "Who": e["who"],
                "What": e["what"].replace("_", " "),
                "Content": e["content"],
            }
            for e in events
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
    )


def decided_elsewhere(message_id: int) -> None:
    """Tell a reviewer whose decision came too late that it was not recorded, and give back their comment.

    Another reviewer decided first (perhaps through another server process), so this run's queue no
    longer holds the message: its buttons are never drawn again and Streamlit would drop the click
    without a word, comment and all.
    """
    clicked = [what for key, what in DECISIONS.items() if st.session_state.get(f"review.{key}.{message_id}")]
    if not clicked:
        return
    view = call(review.review, readonly=True, message_id=message_id).value
    title = plain(view.message.title) if view else f"message #{message_id}"
    status = MessageStatus(view.message.status).replace("_", " ") if view else "out of your queue"
    st.warning(
        f"Your {clicked[0]} was not recorded: someone else decided on “{title}” a moment before you, and it is "
        f"now {status}. Its history shows who and when.",
        icon=":material/group:",
    )
    comment = st.session_state.get(f"review.decision.{message_id}") or ""
    if comment.strip():
        st.caption("Your comment, not sent:")
        st.code(comment, language=None, wrap_lines=True)
