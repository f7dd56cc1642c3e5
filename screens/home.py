"""Home: who you are in the team, how campaigns are planned here, and the team at a glance."""

import streamlit as st

from planner import campaigns, consent, members, review
from planner.policy import Action, allows
from planner.themes import catalog
from planner.wording import count
from ui.calls import call
from ui.navigation import ROLE_BLURBS
from ui.session import actor
from ui.text import plain

me = actor()
st.title(f"Welcome, {plain(me.display_name)}")
st.markdown(f"**{plain(me.team_name)}** · you are **{me.role}**. {ROLE_BLURBS[me.role]}")

# A page link's label stays on one line and is cut off where it does not fit: short enough for a phone.
waiting = []
if allows(me.role, Action.REVIEW_MESSAGES):
    queue = call(review.review_queue, readonly=True).value or []
    if queue:
        waiting.append(
            (f"**{count(len(queue), 'message')}** waiting for your review", "screens/review.py", ":material/rule:")
        )
if allows(me.role, Action.EDIT_MESSAGES):
    back = call(review.inbox, readonly=True).value or []
    changes = sum(item.status == "changes_requested" for item in back)
    if changes:
        line = f"**{count(changes, 'message')}** came back with changes requested"
        waiting.append((line, "screens/inbox.py", ":material/inbox:"))
if allows(me.role, Action.MANAGE_PERSONAL_DATA):
    missing = call(consent.missing_forms, readonly=True).value or []
    if missing:
        verb = "cites" if len(missing) == 1 else "cite"
        line = f"**{count(len(missing), 'message')}** {verb} a consent form not on file"
        waiting.append((line, "screens/privacy.py", ":material/lock_person:"))
active = call(campaigns.campaign_choices, readonly=True, statuses=["active"]).value or []
if waiting or active:
    with st.container(border=True):
        st.markdown("**Needs you today**" if waiting else "**Running now**")
        for text, page, icon in waiting:
            st.page_link(page, label=text, icon=icon)
        for campaign in active:
            st.markdown(f":green-badge[active] {plain(campaign.name)} · until {campaign.end_date:%d %b %Y}")

st.subheader("How a campaign is planned here")
st.caption(
    "The GAMMMA+ model of the Radicalisation Awareness Network: "
    "every campaign answers six questions and says how it will be measured."
)
STEPS = (
    (
        "Goal",
        ":material/flag:",
        "What do we want to change? Objectives with a metric, a baseline, a target and a deadline.",
    ),
    ("Audience", ":material/groups:", "Who exactly? Country or region, languages, age, platforms, grievances."),
    ("Message", ":material/chat:", "What do we say? A counter or alternative narrative, tagged by theme."),
    ("Messenger", ":material/record_voice_over:", "Who says it credibly, and how do we keep them safe?"),
    ("Media", ":material/devices:", "Where? Platforms and formats: text, image, video, audio, offline events."),
    ("Action", ":material/touch_app:", "What should the audience do? Clear, simple, doable."),
    ("+ M&E", ":material/monitoring:", "How will we know? Awareness, engagement and impact KPIs."),
)
columns = st.columns(len(STEPS))
for column, (name, icon, text) in zip(columns, STEPS, strict=True):
    with column.container(border=True, height="stretch"):
        st.markdown(f"{icon} **{name}**")
        st.caption(text)

left, right = st.columns([3, 2])
with left:
    st.subheader("Your team")
    result = call(members.list_members, readonly=True)
    if result.ok:
        st.dataframe(
            [
                {
                    "Name (as shown to the team)": m.display_name,
                    "Role": m.role,
                    "Sensitivity reviewer": m.sensitivity_reviewer,
                    "Active": m.active,
                }
                for m in result.value
            ],
            hide_index=True,
            placeholder="—",
            width="stretch",
        )
        st.caption("Pseudonyms are normal here. Real names and phone numbers are visible to admins only.")
with right:
    themes = catalog().themes
    st.subheader("Themes")
    st.markdown(
        f"{len(themes)} themes in English, Urdu, Pashto and Dari. "
        f"{sum(t.sensitive for t in themes)} are sensitive and need a second reviewer."
    )
    st.page_link("screens/themes.py", label="Browse the themes", icon=":material/sell:")
    with st.container(border=True):
        st.markdown(":material/shield: **Do no harm**")
        st.caption(
            "No links to extremist material, no personal data of campaigners, consent before featuring a victim, "
            "a source for every claim, and a second reviewer for religion, sect and ethnicity."
        )
