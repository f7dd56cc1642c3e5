"""Calendar: approved variants become posts; month, week and list views in both local times."""

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from planner import db, posts
from planner.languages import Language
from planner.models import PostStatus
from planner.policy import Action, allows
from planner.text import platforms
from planner.themes import catalog
from planner.timing import ZONES, local
from planner.vocabulary import vocabulary
from planner.wording import count
from ui import calendar_view, filters
from ui.calls import call
from ui.session import actor
from ui.text import plain

ACCOUNT_ADDED = "calendar.channel.done"  # set when an account was added: the next run empties its name

EXPORTS = {
    "ics": "iCalendar (.ics)",
    "csv": "Plan as CSV",
    "hootsuite": "Hootsuite bulk CSV",
    "sprout": "Sprout Social bulk CSV",
}

me = actor()
can_schedule = allows(me.role, Action.SCHEDULE_POSTS)
st.title("Calendar")
st.caption("Every post shows Pakistan time (UTC+5) and Afghanistan time (UTC+4:30). Times are stored in UTC.")

today = local(db.utcnow(), "Asia/Karachi").date()
if calendar_view.OPEN_WEEK in st.session_state:  # "+N more" in a month cell
    st.session_state["calendar.view"] = "Week"
    st.session_state["calendar.anchor"] = st.session_state.pop(calendar_view.OPEN_WEEK)
top = st.columns([2, 2, 3])
view = top[0].segmented_control("View", ["Month", "Week", "List"], default="Month", key="calendar.view") or "Month"
anchor = top[1].date_input("Go to", value=today, key="calendar.anchor")
campaign_names = filters.campaign_names()
campaign_id = filters.campaign(campaign_names, "calendar.campaign", where=top[2], placeholder="All campaigns")
a, b, c, d = st.columns(4)
theme = a.selectbox(
    "Theme",
    catalog().ids(),
    index=None,
    placeholder="Any",
    key="calendar.theme",
    format_func=lambda t: catalog().get(t).label(),
)
platform = b.selectbox(
    "Platform",
    platforms().variant_ids(),
    index=None,
    placeholder="Any",
    key="calendar.platform",
    format_func=lambda p: platforms().variant(p).label,
)
language = c.selectbox(
    "Language",
    [str(x) for x in Language],
    index=None,
    placeholder="Any",
    key="calendar.language",
    format_func=lambda code: Language(code).label,
)
statuses = d.multiselect(
    "Status", list(PostStatus), default=[s for s in PostStatus if s != PostStatus.CANCELLED], key="calendar.status"
)

if view == "Week":
    first = anchor - timedelta(days=anchor.weekday())
    last = first + timedelta(days=7)
elif view == "Month":
    first = anchor.replace(day=1) - timedelta(days=7)
    last = (anchor.replace(day=28) + timedelta(days=14)).replace(day=1) + timedelta(days=7)
else:
    first, last = anchor - timedelta(days=7), anchor + timedelta(days=60)
start = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(hours=5)
end = datetime.combine(last, time(0), tzinfo=UTC)
shown = call(
    posts.calendar,
    readonly=True,
    start=start,
    end=end,
    campaign_id=campaign_id,
    theme=theme,
    platform=platform,
    language=language,
    statuses=statuses,
).value

if shown is not None:
    for warning in shown.warnings:
        st.warning(warning.message, icon=":material/warning:")
    calendar_view.legend(shown.posts)
    if view == "Month":
        st.subheader(f"{anchor:%B %Y}")
        calendar_view.month(shown.posts, anchor.replace(day=1))
    elif view == "Week":
        st.subheader(f"Week of {first:%d %b %Y}")
        calendar_view.week(shown.posts, first)
    else:
        calendar_view.table(shown.posts)
    chosen = next((p for p in shown.posts if p.id == st.session_state.get(calendar_view.SELECTED)), None)
    if chosen:
        calendar_view.post_panel(chosen, can_schedule)
    elif shown.posts:
        st.caption("Click a post to copy its text, mark it published, or move it.")


def schedule_a_post(campaign_id: int | None) -> None:
    """An approved variant, an account and a time in either zone, optionally repeated weekly."""
    options = call(posts.schedulable, readonly=True, campaign_id=campaign_id).value or []
    if not options:
        st.info("Nothing approved to schedule yet: messages appear here once a facilitator approves them.")
        return
    by_id = {o.variant_id: o for o in options}
    variant_id = st.selectbox(
        "Approved variant",
        list(by_id),
        key="calendar.new.variant",
        format_func=lambda v: (
            f"{by_id[v].message_title} · {platforms().variant(by_id[v].platform).label} · "
            f"{Language(by_id[v].language).english} ({by_id[v].campaign_name})"
        ),
    )
    option = by_id[variant_id]
    if not option.consent_form_on_file:
        st.warning(
            f"**The signed consent form is not on file.** This message features a person, and the team admin does "
            f"not yet hold the form its consent reference names ({plain(option.consent_reference)}). Make sure the "
            "form reaches the admin before the post goes out.",
            icon=":material/assignment_late:",
        )
    if not option.channels:
        st.warning(
            f"Your team has no {platforms().variant(option.platform).label} account yet. "
            "An admin adds one under Accounts below."
        )
    else:
        with st.form("calendar.new"):
            channels = {ch.id: ch.name for ch in option.channels}
            channel_id = st.selectbox("Account", list(channels), format_func=channels.get, key="calendar.new.channel")
            left, middle, right = st.columns(3)
            zone = left.selectbox("Time zone", list(ZONES), format_func=ZONES.get, key="calendar.new.zone")
            day = middle.date_input("Day", value=today + timedelta(days=1), key="calendar.new.day")
            at = right.time_input("Time", value=time(18, 0), step=300, key="calendar.new.time")
            repeat = st.date_input("Repeat weekly until (optional)", value=None, key="calendar.new.until")
            if st.form_submit_button("Schedule", type="primary"):
                made = call(
                    posts.schedule_post,
                    variant_id=variant_id,
                    channel_id=channel_id,
                    day=day,
                    at=at,
                    zone=zone,
                    repeat_weekly_until=repeat,
                    labels={"time": "Time", "repeat_until": "Repeat until"},
                )
                if made.ok:
                    st.session_state[calendar_view.SELECTED] = made.value[0].id
                    st.toast(f"Scheduled {count(len(made.value), 'post')}.", icon=":material/event_available:")
                    st.rerun()


def team_accounts() -> None:
    """The team's accounts, whom each mainly reaches, and a form to add one (admins)."""
    st.caption(
        "Platforms do not say which country a post's audience was in, so the reach dashboard counts each account's "
        "reach for the audience you say it mainly reaches."
    )
    channels = call(posts.list_channels, readonly=True).value or []
    regions = vocabulary().ids("regions")
    can_manage = allows(me.role, Action.MANAGE_CHANNELS)
    for channel in channels:
        label, audience = st.columns([2, 1], vertical_alignment="center")
        label.markdown(f"{platforms().variant(channel.platform).label}: **{plain(channel.name)}**")
        if not can_manage:
            audience.caption(f"Mainly reaches: {vocabulary().label('regions', channel.audience_region)}")
            continue
        chosen = audience.selectbox(
            "Mainly reaches",
            regions,
            index=regions.index(channel.audience_region) if channel.audience_region in regions else 0,
            format_func=lambda r: vocabulary().label("regions", r),
            key=f"calendar.audience.{channel.id}",
        )
        if chosen != channel.audience_region:
            if call(posts.set_channel_audience, channel_id=channel.id, audience_region=chosen).ok:
                st.toast(
                    f"{plain(channel.name)} now counts for {vocabulary().label('regions', chosen)}.",
                    icon=":material/check:",
                )
    if not channels:
        st.caption("No accounts yet.")
    if can_manage:
        if st.session_state.pop(ACCOUNT_ADDED, False):
            st.session_state["calendar.channel.name"] = ""  # emptied before drawing, or the browser keeps it
        with st.form("calendar.channel"):
            left, middle, right = st.columns(3)
            kind = left.selectbox(
                "Platform",
                platforms().variant_ids(),
                key="calendar.channel.platform",
                format_func=lambda p: platforms().variant(p).label,
            )
            name = middle.text_input(
                "Account name", key="calendar.channel.name", placeholder="e.g. Youth Dialogue Page"
            )
            region = right.selectbox(
                "Mainly reaches",
                regions,
                index=regions.index("cross-border"),
                format_func=lambda r: vocabulary().label("regions", r),
                key="calendar.channel.audience",
            )
            if (
                st.form_submit_button("Add account")
                and call(posts.add_channel, platform=kind, name=name, audience_region=region).ok
            ):
                st.session_state[ACCOUNT_ADDED] = True
                st.rerun()


def export_the_plan(campaign_names: dict[int, str]) -> None:
    """The plan as iCalendar, CSV or a scheduling tool's bulk file, prepared on request."""
    st.caption(
        "iCalendar for any calendar app; a CSV of the whole plan with both local times; bulk files for "
        "Hootsuite and Sprout Social (only posts still to go out; in the tool, choose the mm/dd/yyyy date order "
        "and upload one account's posts at a time). Rows a tool would refuse are listed, never silently changed."
    )
    left, middle, right = st.columns(3)
    kind = left.selectbox("Format", list(EXPORTS), format_func=EXPORTS.get, key="calendar.export.kind")
    zone = middle.selectbox(
        "Times in",
        list(ZONES),
        format_func=ZONES.get,
        key="calendar.export.zone",
        help="For Hootsuite and Sprout: the time zone set in that tool.",
    )
    scope = right.selectbox(
        "Campaign",
        [None, *campaign_names],
        key="calendar.export.campaign",
        format_func=lambda c: "All campaigns" if c is None else campaign_names[c],
    )
    wanted = (kind, zone, scope)
    if st.button("Prepare the files", key="calendar.export.go", icon=":material/build:"):
        st.session_state["calendar.export"] = (
            wanted,
            call(posts.export, readonly=True, kind=kind, campaign_id=scope, zone=zone).value,
        )
    prepared, made = st.session_state.get("calendar.export", (None, None))
    if made is not None and prepared == wanted:
        for name, data in made.files:
            st.download_button(
                f"Download {name}",
                data=data,
                file_name=name,
                key=f"calendar.export.{name}",
                mime="text/calendar" if name.endswith(".ics") else "text/csv",
                icon=":material/download:",
            )
        st.caption(f"{count(made.rows, 'post')} in the export.")
        if made.problems:
            st.warning(f"{count(len(made.problems), 'row')} left out:", icon=":material/warning:")
            st.dataframe(
                [{"Post": p.post_id, "Column": p.column, "Value": p.value, "Reason": p.reason} for p in made.problems],
                hide_index=True,
                placeholder="—",
                width="stretch",
            )


# Closed sections run nothing (on_change="rerun" tells the page which are open): most reruns need none of them.
if can_schedule:
    with st.expander(
        "Schedule a post",
        icon=":material/add_alarm:",
        expanded=shown is not None and not shown.posts,
        key="calendar.schedule",
        on_change="rerun",
    ) as section:
        if section.open:
            schedule_a_post(campaign_id)
with st.expander(
    "Accounts: the team's accounts and whom they reach",
    icon=":material/account_tree:",
    key="calendar.accounts",
    on_change="rerun",
) as section:
    if section.open:
        team_accounts()
with st.expander("Export the plan", icon=":material/download:", key="calendar.exports", on_change="rerun") as section:
    if section.open:
        export_the_plan(campaign_names)
