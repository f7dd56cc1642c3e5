"""Campaigns: the team's campaigns with filters, and a new campaign from a template or blank."""

from datetime import timedelta

import streamlit as st

from planner import campaigns, db
from planner.languages import Language
from planner.models import CampaignStatus
from planner.policy import Action, allows
from planner.templates import templates
from planner.themes import catalog
from planner.vocabulary import vocabulary
from planner.wording import count
from ui import labels, pager
from ui.calls import call
from ui.campaign_picker import open_campaign
from ui.plan_steps import FIELD_LABELS
from ui.session import actor
from ui.text import plain

PAGE = 20  # campaigns a page: a network's two years are a couple of hundred

me = actor()
can_edit = allows(me.role, Action.EDIT_CAMPAIGNS)
BADGE = {"planning": "blue", "active": "green", "completed": "violet", "archived": "gray"}

st.title("Campaigns")
st.caption("Every campaign is planned on the GAMMMA+ model before its first post goes out.")

if can_edit:
    with st.expander("Start a new campaign", icon=":material/add:", expanded=False):
        choices = [None, *templates()]
        template_id = st.selectbox(
            "Start from",
            choices,
            format_func=lambda choice: "A blank plan" if choice is None else f"Template: {templates()[choice].title}",
            key="campaigns.new.template",
        )
        template = templates().get(template_id) if template_id else None
        if template:
            st.info(
                f"{template.summary}  \nLength: {template.duration_days} days · every step is filled in; "
                "adapt it to your team.",
                icon=":material/description:",
            )
        with st.form("campaigns.new"):
            name = st.text_input(
                "Campaign name",
                key="campaigns.new.name",
                max_chars=120,
                placeholder="e.g. Remembering 24 July: Kabul and Lahore",
            )
            left, right = st.columns(2)
            start = left.date_input(
                "Start date", value=db.utcnow().date() + timedelta(days=7), key="campaigns.new.start"
            )
            end = right.date_input(
                "End date",
                value=None,
                key="campaigns.new.end",
                help="Leave empty to use the template's length." if template else "Leave empty for 30 days.",
            )
            if st.form_submit_button("Create campaign", type="primary"):
                created = call(
                    campaigns.create_campaign,
                    labels=FIELD_LABELS,
                    name=name,
                    start_date=start,
                    end_date=end or (None if template else start + timedelta(days=30)),
                    template_id=template_id,
                )
                if created.ok:
                    for key in ("campaigns.new.name", "campaigns.new.end"):
                        st.session_state.pop(key, None)
                    open_campaign(created.value.id, "screens/plan.py")

left, middle, right, last = st.columns(4)
statuses = left.multiselect(
    "Status",
    list(CampaignStatus),
    default=[s for s in CampaignStatus if s != CampaignStatus.ARCHIVED],
    key="campaigns.filter.status",
)
country = middle.selectbox(
    "Country",
    vocabulary().ids("countries"),
    index=None,
    placeholder="Any",
    format_func=lambda c: vocabulary().label("countries", c),
    key="campaigns.filter.country",
)
theme = right.selectbox(
    "Theme",
    catalog().ids(),
    index=None,
    placeholder="Any",
    format_func=lambda t: catalog().get(t).label(),
    key="campaigns.filter.theme",
)
language = last.selectbox(
    "Language",
    [str(x) for x in Language],
    index=None,
    placeholder="Any",
    format_func=lambda code: Language(code).label,
    key="campaigns.filter.language",
)

listed = call(
    campaigns.list_campaigns, readonly=True, statuses=statuses, country=country, theme=theme, language=language
)
if listed.ok and not listed.value:
    st.info(
        "No campaign matches these filters."
        if (country or theme or language)
        else "No campaigns yet. Start one above — a template fills every step with a worked example."
    )
found = listed.value or []
offset = (pager.page_number("campaigns", (tuple(statuses), country, theme, language)) - 1) * PAGE
offset = min(offset, max(0, (len(found) - 1) // PAGE * PAGE))  # campaigns went away: the last page
shown = found[offset : offset + PAGE]
if found:
    st.caption(pager.position("Campaigns", offset, len(shown), len(found)))
for summary in shown:
    with st.container(border=True):
        info, actions = st.columns([5, 1])
        with info:
            st.markdown(f"#### {plain(summary.name)} :{BADGE[summary.status]}-badge[{labels.status(summary.status)}]")
            themes = ", ".join(catalog().get(t).label() for t in summary.themes if t in catalog().ids())
            st.caption(
                f"{summary.start_date:%d %b %Y} – {summary.end_date:%d %b %Y} · "
                f"{', '.join(vocabulary().label('countries', c) for c in summary.countries) or 'no country yet'} · "
                f"{', '.join(Language(code).english for code in summary.languages) or 'no language yet'} · "
                f"owner {plain(summary.owner_name)}"
            )
            if themes:
                st.caption(f"Themes: {themes}")
            if summary.missing:
                st.markdown(f":orange[:material/pending: {count(summary.missing, 'item')} missing in the plan]")
            else:
                st.markdown(":green[:material/task_alt: plan complete]")
        with actions:
            if st.button("Overview", key=f"campaigns.open.{summary.id}", width="stretch"):
                open_campaign(summary.id, "screens/campaign.py")
            if can_edit and st.button("Edit plan", key=f"campaigns.edit.{summary.id}", width="stretch"):
                open_campaign(summary.id, "screens/plan.py")
pager.controls("campaigns", offset=offset, limit=PAGE, total=len(found))
