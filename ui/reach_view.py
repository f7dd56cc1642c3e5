"""The import page's tables and its "Not matched yet" section: what each row matched, and linking by hand."""

from __future__ import annotations

import streamlit as st

from planner import reach_links
from planner.languages import Language
from planner.reach import ImportReport
from planner.reach_links import FigureGroup, MatchedPost
from planner.text import platforms
from planner.timing import both_local
from ui.calls import call

OUTCOMES = {"new": "New", "updated": "Updated", "unchanged": "Unchanged"}
LINKED = "reach.link.done"


def platform_label(platform: str | None) -> str:
    if platform in platforms().variant_ids():
        return platforms().variant(platform).label
    return platform or ""


def _language(code: str | None) -> str:
    return Language(code).english if code in {str(x) for x in Language} else code or ""


def matched_label(matched: MatchedPost | None) -> str:
    """'Grief (Shared grief) · X · English · Mon 01 Dec 18:00 PKT · 17:30 AFT', or 'Not matched'."""
    if matched is None:
        return "Not matched"
    if matched.post_id is None:
        return f"{matched.message_title} ({matched.campaign_name}) · posted outside the planner"
    parts = [f"{matched.message_title} ({matched.campaign_name})", platform_label(matched.platform)]
    parts.append(_language(matched.language))
    if matched.published_at:
        parts.append(both_local(matched.published_at))
    return " · ".join(part for part in parts if part)


def _period(period: str) -> str:
    return "Lifetime" if period == "lifetime" else period


def preview_table(report: ImportReport) -> None:
    """Row by row: what the file holds, what importing it does, and the post each row belongs to."""
    st.subheader("What matched which post")
    st.dataframe(
        [
            {
                "Row": row.row,
                "Post id": row.platform_post_id,
                "Published": row.published_on,
                "Figures for": _period(row.period),
                "Reach": row.reach,
                "Impressions": row.impressions,
                "Views": row.views,
                "Engagements": row.engagements,
                "Import would": OUTCOMES[row.outcome],
                "Matched to": matched_label(row.matched),
                "Link": row.permalink,
            }
            for row in report.preview
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
        key="reach.preview.table",
    )
    if report.rows > len(report.preview):
        st.caption(
            f"Showing the first {len(report.preview):,} of {report.rows:,} rows; the counts above cover them all."
        )


def _group_label(group: FigureGroup) -> str:
    figure = next(
        (f"{value:,} {name}" for name, value in (("reach", group.reach), ("views", group.views)) if value), ""
    ) or (f"{group.impressions:,} impressions" if group.impressions else "")
    text = group.excerpt[:60] + ("…" if len(group.excerpt) > 60 else "")
    return " · ".join(part for part in (platform_label(group.platform), group.platform_post_id, text, figure) if part)


def _groups_table(groups: list[FigureGroup], *, linked: bool, key: str) -> None:
    st.dataframe(
        [
            {
                "Platform": platform_label(g.platform),
                "Post id": g.platform_post_id,
                "Text": g.excerpt,
                "Published": g.published_on,
                "Figures from": _period(g.period),
                "Reach": g.reach,
                "Impressions": g.impressions,
                "Views": g.views,
                "Engagements": g.engagements,
                ("Linked to" if linked else "Likeliest post"): matched_label(g.linked)
                if linked
                else (_choice_label(g.posts[0]) if g.posts else "no published post on this platform"),
                "Link": g.permalink,
            }
            for g in groups
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
        key=key,
    )


def _choice_label(choice: reach_links.PostChoice) -> str:
    when = both_local(choice.published_at) if choice.published_at else ""
    words = f"{choice.similarity:.0%} same words" if choice.similarity else ""
    known = "has its own post id" if choice.has_platform_post_id else ""
    parts = (f"{choice.message_title} ({choice.campaign_name})", _language(choice.language), choice.channel_name)
    return " · ".join(part for part in (*parts, when, words, known) if part)


def _message_label(choice: reach_links.MessageChoice) -> str:
    words = f" · {choice.similarity:.0%} same words" if choice.similarity else ""
    return f"{choice.message_title} ({choice.campaign_name}){words}"


def _link_form(groups: list[FigureGroup]) -> None:
    by_id = {g.figure_id: g for g in groups}
    figure_id = st.selectbox(
        "Row to link", list(by_id), format_func=lambda i: _group_label(by_id[i]), key="reach.link.figure"
    )
    group = by_id[figure_id]
    target = st.radio(
        "It is",
        ["post", "message"],
        format_func={"post": "a post published from the calendar", "message": "posted outside the planner"}.get,
        horizontal=True,
        key="reach.link.kind",
    )
    if target == "post":
        if not group.posts:
            st.info(f"No {platform_label(group.platform)} post is marked published yet.", icon=":material/info:")
            return
        choices = {c.post_id: c for c in group.posts}
        chosen = st.selectbox(
            "Published post (likeliest first)",
            list(choices),
            format_func=lambda i: _choice_label(choices[i]),
            key=f"reach.link.post.{figure_id}",
        )
        link = {"post_id": chosen}
    else:
        choices = {m.message_id: m for m in group.messages}
        chosen = st.selectbox(
            "Message (likeliest first)",
            list(choices),
            format_func=lambda i: _message_label(choices[i]),
            key=f"reach.link.message.{figure_id}",
        )
        link = {"message_id": chosen}
    if chosen is not None and st.button("Link", type="primary", key="reach.link.go", icon=":material/link:"):
        if call(reach_links.link_figures, figure_id=figure_id, **link).ok:
            st.session_state[LINKED] = "Linked: every day of that post now counts for it."
            st.rerun()


def _unlink_form(groups: list[FigureGroup]) -> None:
    by_id = {g.figure_id: g for g in groups}
    figure_id = st.selectbox(
        "Row to unlink",
        list(by_id),
        format_func=lambda i: f"{_group_label(by_id[i])} → {matched_label(by_id[i].linked)}",
        key="reach.unlink.figure",
    )
    if st.button("Unlink", key="reach.unlink.go", icon=":material/link_off:"):
        if call(reach_links.unlink_figures, figure_id=figure_id).ok:
            st.session_state[LINKED] = "Unlinked: the row is listed under Not matched yet again."
            st.rerun()


def not_matched_yet(can_link: bool) -> None:
    """Imported rows no post matched, with likely posts to link them to; and undoing a wrong link."""
    st.subheader("Not matched yet")
    if done := st.session_state.pop(LINKED, None):
        st.toast(done, icon=":material/check:")
    found = call(reach_links.list_unmatched, readonly=True).value
    if found is None:
        return
    if not found.groups:
        st.caption("Every imported row is matched to a post or a message.")
    else:
        st.caption(
            "These rows match no published post: posts published before their link was recorded, or posted "
            "outside the planner. Link each to the post it is, or to its message; linking covers every day of "
            "that post and records the post's id, so the next import matches it by itself."
        )
        _groups_table(found.groups, linked=False, key="reach.unmatched.table")
        if found.total > len(found.groups):
            st.caption(f"Showing the {len(found.groups)} most recently imported of {found.total}.")
        if can_link:
            _link_form(found.groups)
    if can_link:
        # Closed, it runs nothing: listing the linked rows reads every linked figure (a second at a million).
        with st.expander(
            "Linked rows (undo a wrong link)", icon=":material/link_off:", key="reach.linked", on_change="rerun"
        ) as section:
            if section.open:
                _linked_rows()


def _linked_rows() -> None:
    linked = call(reach_links.list_linked, readonly=True).value
    if linked and linked.groups:
        _groups_table(linked.groups, linked=True, key="reach.linked.table")
        _unlink_form(linked.groups)
    elif linked is not None:
        st.caption("No imported row is linked to a post yet.")
