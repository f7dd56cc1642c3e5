"""Campaign overview: the plan at a glance, its messages and posts, KPI progress, and status changes."""

from datetime import timedelta

import streamlit as st

from planner import campaigns, dashboard, messages, posts
from planner.db import utcnow
from planner.languages import Language
from planner.models import CampaignStatus, MessageStatus, PostStatus, RiskLevel
from planner.plans import TRANSITIONS, gaps
from planner.policy import Action, allows
from planner.themes import catalog
from planner.timing import both_local
from planner.vocabulary import vocabulary
from planner.wording import count
from ui.calls import call
from ui.campaign_picker import pick_plan
from ui.figures import figures
from ui.labels import status as status_word
from ui.session import actor
from ui.text import plain

STATUS_ACTIONS = {
    CampaignStatus.ACTIVE: ("Activate", ":material/rocket_launch:"),
    CampaignStatus.PLANNING: ("Back to planning", ":material/edit_note:"),
    CampaignStatus.COMPLETED: ("Mark completed", ":material/flag:"),
    CampaignStatus.ARCHIVED: ("Archive", ":material/inventory_2:"),
}

UPCOMING_DAYS = 14

me = actor()
st.title("Campaign overview")
plan = pick_plan()
words = vocabulary()
missing = gaps(plan)


def labels(list_name: str, ids: list[str]) -> str:
    return ", ".join(words.label(list_name, term) for term in ids) or "—"


head, status_box = st.columns([3, 1.2])
with head:
    st.subheader(plain(plan.name))
    st.markdown(
        f"**{status_word(plan.status)}** · {plan.start_date:%d %b %Y} – {plan.end_date:%d %b %Y} · "
        f"{labels('countries', plan.countries)} · {', '.join(Language(c).english for c in plan.languages) or '—'} · "
        f"owner {plain(plan.owner_name)}"
    )
with status_box, st.container(border=True):
    if missing:
        st.markdown(f":orange[:material/pending:] **{count(len(missing), 'item')} missing** in the plan")
    else:
        st.markdown(":green[:material/task_alt:] **Plan complete**")
    for target in sorted(TRANSITIONS[plan.status], key=list(CampaignStatus).index):
        action = Action.ARCHIVE_CAMPAIGNS if target == CampaignStatus.ARCHIVED else Action.EDIT_CAMPAIGNS
        if not allows(me.role, action):
            continue
        label, icon = STATUS_ACTIONS[target]
        blocked = target == CampaignStatus.ACTIVE and bool(missing)
        if st.button(label, icon=icon, key=f"overview.status.{target}", disabled=blocked, width="stretch"):
            moved = call(campaigns.change_status, campaign_id=plan.id, expected_version=plan.version, status=target)
            if moved.ok:
                st.rerun()
    if allows(me.role, Action.EDIT_CAMPAIGNS) and plan.editable:
        st.page_link("screens/plan.py", label="Edit the plan", icon=":material/edit:")

st.markdown("#### Goal")
st.markdown(plain(plan.goal_statement) or "_No goal written yet._")


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


for objective in plan.objectives:
    st.markdown(
        f"- {plain(objective.description)}  \n"
        f"  :gray[{words.label('metrics', objective.metric)}: from {_number(objective.baseline)} to] "
        f"**{_number(objective.target)}** :gray[by {objective.deadline:%d %b %Y}]"
    )

audience_col, message_col = st.columns(2)
with audience_col:
    st.markdown("#### Audience")
    for segment in plan.segments:
        with st.container(border=True):
            st.markdown(f"**{plain(segment.name)}** · {words.label('regions', segment.region or '—')}")
            st.caption(
                f"{', '.join(Language(c).english for c in segment.languages) or '—'} · "
                f"ages {words.label('age_bands', segment.age_band or '—')} · {labels('platforms', segment.platforms)}"
            )
            st.markdown(plain(segment.interests))
    if not plan.segments:
        st.markdown("_No audience described yet._")
with message_col:
    st.markdown("#### Message")
    kind = {"counter": "Counter narrative", "alternative": "Alternative narrative"}.get(plan.narrative_type or "", "")
    st.markdown(f"{plain(plan.core_message) or '_No core message yet._'}")
    if kind:
        st.caption(kind)
    for theme_id in plan.themes:
        if theme_id in catalog().ids():
            theme = catalog().get(theme_id)
            st.markdown(f":blue-badge[{theme.label()}]" + (" :orange-badge[sensitive]" if theme.sensitive else ""))
    st.markdown("#### Call to action")
    st.markdown(plain(plan.cta_text) or "_No call to action yet._")
    if plan.cta_type:
        st.caption(words.label("cta_types", plan.cta_type) + (f" · {plan.cta_link}" if plan.cta_link else ""))

messenger_col, media_col = st.columns(2)
with messenger_col:
    st.markdown("#### Messengers")
    for person in plan.messengers:
        risk = {"low": "green", "medium": "orange", "high": "red"}[person.risk_level]
        plan_note = (
            ""
            if person.risk_level == RiskLevel.LOW
            else (" · safety plan ✓" if person.safety_plan else " · :red[no safety plan]")
        )
        st.markdown(
            f"**{plain(person.name)}** · {words.label('messenger_types', person.messenger_type or '—')} · "
            f":{risk}-badge[{person.risk_level} risk]{plan_note}"
        )
    if not plan.messengers:
        st.markdown("_No messengers yet._")
with media_col:
    st.markdown("#### Media")
    st.markdown(
        f"Platforms: {labels('platforms', plan.media_platforms)}  \nFormats: {labels('formats', plan.media_formats)}"
    )

st.markdown("#### Messages by status and theme")
drafted = call(messages.list_messages, readonly=True, campaign_id=plan.id).value or []
if drafted:
    counts = messages.tally(drafted)
    statuses = [status for status in MessageStatus if any(status in row for row in counts.values())]
    st.dataframe(
        [
            {"Theme": catalog().get(theme).label() if theme in catalog().ids() else "(no theme)"}
            | {status_word(status): row.get(status, 0) for status in statuses}
            for theme, row in counts.items()
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
    )
    st.caption(
        f"{count(len(drafted), 'message')}, {count(sum(m.variant_count for m in drafted), 'variant')} in "
        f"{', '.join(sorted({Language(c).english for m in drafted for c in m.languages}))}."
    )
    st.page_link("screens/studio.py", label="Open the drafting studio", icon=":material/edit:")
else:
    st.caption("No messages drafted for this campaign yet.")

st.markdown("#### Upcoming posts")
now = utcnow()
upcoming = call(
    posts.calendar,
    readonly=True,
    start=now,
    end=now + timedelta(days=UPCOMING_DAYS),
    campaign_id=plan.id,
    statuses=[PostStatus.SCHEDULED, PostStatus.HELD],
).value
if upcoming and upcoming.posts:
    st.dataframe(
        [
            {
                "When": both_local(post.scheduled_at),
                "Platform": words.label("platforms", post.platform),
                "Language": Language(post.language).english,
                "Account": post.channel_name,
                "Message": post.message_title,
                "Status": status_word(post.status),
            }
            for post in sorted(upcoming.posts, key=lambda p: p.scheduled_at)
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
    )
else:
    st.caption(f"Nothing scheduled for this campaign in the next {UPCOMING_DAYS} days.")
st.page_link("screens/calendar.py", label="Open the calendar", icon=":material/calendar_month:")

st.markdown("#### KPIs and progress")
review = words.label("review_cadences", plan.review_cadence) if plan.review_cadence else "not set"
shown = figures(dashboard.Filters(campaign_id=plan.id))  # the plan was loaded for this member's team just above
progress = {p.metric: p for p in (shown[0].progress if shown else []) if p.source == "kpi"}
st.caption(
    f"Review cadence: {review}. Progress comes from the imported platform exports and the results entered by hand; "
    "it is measured from the objective's baseline where one is set."
)
if plan.kpis:
    st.dataframe(
        [
            {
                "Tier": kpi.tier.capitalize(),
                "KPI": words.label("metrics", kpi.metric),
                "Target": kpi.target,
                "So far": progress[kpi.metric].so_far if kpi.metric in progress else None,
                "Progress": progress[kpi.metric].share if kpi.metric in progress else None,
                "Data source": words.label("data_sources", kpi.data_source),
            }
            for kpi in sorted(plan.kpis, key=lambda k: ("awareness", "engagement", "impact").index(k.tier))
        ],
        column_config={
            "Progress": st.column_config.ProgressColumn("Progress", min_value=0, max_value=1, format="percent"),
            "So far": st.column_config.NumberColumn("So far", help="From imported exports and results entered by hand"),
        },
        hide_index=True,
        placeholder="—",
        width="stretch",
    )
    st.page_link("screens/reach.py", label="Open the reach dashboard", icon=":material/insights:")
