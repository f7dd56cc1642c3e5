"""The calendar: month and week grids of posts coloured by theme, a list view, and a post's panel."""

from __future__ import annotations

import calendar as monthcal
from datetime import date, timedelta

import streamlit as st

from planner import posts
from planner.languages import Language
from planner.posts import PostRead
from planner.text import platforms
from planner.themes import catalog
from planner.timing import ZONES, both_local, local
from ui import labels
from ui.calls import call
from ui.text import plain

SELECTED = "calendar.post"
OPEN_WEEK = "calendar.open_week"  # a day whose week the next run shows
COLOURS = ["blue", "green", "orange", "violet", "red", "yellow", "primary", "gray"]
PER_DAY = 3  # chips shown in a month cell; the rest open the week view
SHORT_PLATFORM = {
    "x": "X",
    "facebook": "FB",
    "instagram": "IG",
    "linkedin": "in",
    "youtube": "YT",
    "tiktok": "TT",
    "telegram": "TG",
    "whatsapp": "WA",
}
STATUS_MARK = {"scheduled": "", "held": " :material/pause:", "published": " ✓", "failed": " ✗", "cancelled": " –"}


def theme_colour(theme_ids: list[str]) -> str:
    ids = catalog().ids()
    first = next((t for t in theme_ids if t in ids), None)
    return COLOURS[ids.index(first) % len(COLOURS)] if first else "gray"


def _chip(post: PostRead, key: str, *, with_title: bool) -> None:
    pk = local(post.scheduled_at, "Asia/Karachi")
    title = f" {plain(post.message_title[:24])}" if with_title else ""
    label = (
        f":{theme_colour(post.themes)}[●] {pk:%H:%M} {SHORT_PLATFORM.get(post.platform, post.platform)}·"
        f"{post.language}{STATUS_MARK[post.status]}{title}"
    )
    where = f"{plain(post.channel_name)} · {labels.status(post.status)}"
    tip = f"{plain(post.message_title)} — {both_local(post.scheduled_at)} · {where}"
    if st.button(label, key=key, help=tip, width="stretch", type="tertiary", wrap=True):
        st.session_state[SELECTED] = post.id


def legend(shown: list[PostRead]) -> None:
    themes = dict.fromkeys(t for p in shown for t in p.themes[:1] if t in catalog().ids())
    if themes:
        st.caption(
            "  ".join(f":{theme_colour([t])}[●] {catalog().get(t).label()}" for t in themes)
            + "  ·  times in Pakistan time; :material/pause: held, ✓ published, ✗ failed"
        )


def month(shown: list[PostRead], first_day: date) -> None:
    by_day: dict[date, list[PostRead]] = {}
    for post in shown:
        by_day.setdefault(local(post.scheduled_at, "Asia/Karachi").date(), []).append(post)
    # The grid is most of what a calendar rerun sends, so each day is one bordered column (a row is as tall as
    # its busiest day) that names its weekday, instead of a header row and a box inside each column.
    for week in monthcal.Calendar().monthdatescalendar(first_day.year, first_day.month):
        for column, day in zip(st.columns(7, border=True), week, strict=True):
            with column:
                muted = day.month != first_day.month
                st.markdown(f":gray[{day:%a} {day.day}]" if muted else f"**{day:%a} {day.day}**")
                day_posts = by_day.get(day, [])
                for post in day_posts[:PER_DAY]:
                    _chip(post, f"calendar.m.{post.id}", with_title=False)
                if len(day_posts) > PER_DAY and st.button(
                    f"+{len(day_posts) - PER_DAY} more", key=f"calendar.more.{day}", type="tertiary"
                ):
                    st.session_state[OPEN_WEEK] = day
                    st.rerun()


def week(shown: list[PostRead], monday: date) -> None:
    days = [monday + timedelta(days=offset) for offset in range(7)]
    for column, day in zip(st.columns(7), days, strict=True):
        with column:
            st.markdown(f"**{day:%a %d %b}**")
            for post in shown:
                if local(post.scheduled_at, "Asia/Karachi").date() == day:
                    with st.container(border=True):
                        _chip(post, f"calendar.w.{post.id}", with_title=True)
                        af = local(post.scheduled_at, "Asia/Kabul")
                        st.caption(f"{af:%H:%M} AFT · {plain(post.channel_name)}")


def table(shown: list[PostRead]) -> None:
    st.dataframe(
        [
            {
                "Pakistan time": f"{local(p.scheduled_at, 'Asia/Karachi'):%a %d %b %Y %H:%M}",
                "Afghanistan time": f"{local(p.scheduled_at, 'Asia/Kabul'):%a %d %b %Y %H:%M}",
                "Channel": p.channel_name,
                "Platform": platforms().variant(p.platform).label,
                "Language": Language(p.language).english,
                "Message": p.message_title,
                "Campaign": p.campaign_name,
                "Theme": ", ".join(catalog().get(t).label() for t in p.themes if t in catalog().ids()),
                "Status": p.status,
            }
            for p in shown
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
    )


def post_panel(post: PostRead, can_schedule: bool) -> None:
    """One post: its text to copy, both local times, and what can be done with it."""
    with st.container(border=True):
        st.markdown(
            f"**{plain(post.message_title)}** · {platforms().variant(post.platform).label} · "
            f"{Language(post.language).english} · {plain(post.channel_name)} · **{labels.status(post.status)}**"
        )
        st.markdown(
            f":material/schedule: {both_local(post.scheduled_at)} "
            f"(entered in {ZONES.get(post.entered_zone, post.entered_zone)})"
        )
        st.caption("Copy the text with the button at the top right of the box, post it, then mark it published.")
        st.code((post.title + "\n\n" if post.title else "") + post.text, language=None, wrap_lines=True)
        if post.permalink:
            st.markdown(f"Published: {plain(post.permalink)} · post id {plain(post.platform_post_id) or '—'}")
        if post.failure_reason:
            st.markdown(f":red[Failed: {plain(post.failure_reason)}]")
        if not can_schedule or post.status in ("published", "cancelled"):
            return
        done, failed, move = st.tabs(["Mark published", "Mark failed", "Move or cancel"])
        with done, st.form(f"calendar.publish.{post.id}"):
            link = st.text_input("Permalink", key=f"calendar.link.{post.id}", placeholder="https://…")
            native = st.text_input(
                "Platform post id (optional)",
                key=f"calendar.native.{post.id}",
                help="Shown in the platform's export; it lets reach be matched to this post.",
            )
            if (
                st.form_submit_button("Mark published", type="primary")
                and call(
                    posts.mark_published,
                    post_id=post.id,
                    expected_version=post.version,
                    permalink=link,
                    platform_post_id=native,
                    labels={"permalink": "Permalink"},
                ).ok
            ):
                st.rerun()
        with failed, st.form(f"calendar.fail.{post.id}"):
            reason = st.text_input("What went wrong", key=f"calendar.reason.{post.id}")
            if (
                st.form_submit_button("Mark failed")
                and call(
                    posts.mark_failed,
                    post_id=post.id,
                    expected_version=post.version,
                    reason=reason,
                    labels={"reason": "Reason"},
                ).ok
            ):
                st.rerun()
        with move:
            with st.form(f"calendar.move.{post.id}"):
                zone = st.selectbox(
                    "Time zone",
                    list(ZONES),
                    format_func=ZONES.get,
                    key=f"calendar.mzone.{post.id}",
                    index=list(ZONES).index(post.entered_zone) if post.entered_zone in ZONES else 0,
                )
                when = local(post.scheduled_at, zone)
                left, right = st.columns(2)
                day = left.date_input("Day", value=when.date(), key=f"calendar.mday.{post.id}")
                at = right.time_input(
                    "Time", value=when.time().replace(tzinfo=None), step=300, key=f"calendar.mtime.{post.id}"
                )
                if (
                    st.form_submit_button("Move post")
                    and call(
                        posts.move_post,
                        post_id=post.id,
                        expected_version=post.version,
                        day=day,
                        at=at,
                        zone=zone,
                    ).ok
                ):
                    st.rerun()
            if st.button("Cancel this post", key=f"calendar.cancel.{post.id}", icon=":material/event_busy:"):
                if call(posts.cancel_post, post_id=post.id, expected_version=post.version).ok:
                    st.session_state.pop(SELECTED, None)
                    st.rerun()
