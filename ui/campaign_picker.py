"""Which campaign the overview and the plan editor show: remembered per browser tab."""

from __future__ import annotations

import streamlit as st

from planner import campaigns
from planner.models import CampaignStatus
from planner.plans import CampaignPlan
from ui import labels
from ui.calls import call

CURRENT = "campaign.current"
PICKER = "campaign.picker"


def open_campaign(campaign_id: int, page: str) -> None:
    st.session_state[CURRENT] = campaign_id
    st.session_state[PICKER] = campaign_id
    st.switch_page(page)


def pick() -> int | None:
    """A campaign chooser at the top of the page; returns the chosen campaign id."""
    listed = call(campaigns.campaign_choices, readonly=True)
    if not listed.ok:
        return None
    if not listed.value:
        st.info("Your team has no campaigns yet. Start one from **Campaigns**.")
        st.page_link("screens/campaigns.py", label="Go to Campaigns", icon=":material/campaign:")
        return None
    names = {choice.id: f"{choice.name} · {labels.status(choice.status)}" for choice in listed.value}
    ids = list(names)
    current = st.session_state.get(CURRENT)
    if current not in ids:  # nothing chosen yet in this tab: what is running now, else the newest
        running = [choice.id for choice in listed.value if choice.status == CampaignStatus.ACTIVE]
        current = running[0] if running else ids[0]
    if st.session_state.get(PICKER) not in ids:
        st.session_state.pop(PICKER, None)
    chosen = st.selectbox("Campaign", ids, index=ids.index(current), format_func=names.get, key=PICKER)
    st.session_state[CURRENT] = chosen
    return chosen


def pick_plan() -> CampaignPlan:
    """The chosen campaign's plan; stops the page (with a message shown) when there is none."""
    campaign_id = pick()
    loaded = call(campaigns.get_plan, readonly=True, campaign_id=campaign_id) if campaign_id else None
    if loaded is None or not loaded.ok:
        st.stop()
    return loaded.value
