"""Which pages a member sees. Convenience only: every service checks permission itself."""

from __future__ import annotations

import streamlit as st

from planner.models import Role
from planner.policy import Action, Actor, allows


def pages_for(actor: Actor) -> dict[str, list[st.Page]]:
    account = st.Page("screens/account.py", title="My account", icon=":material/person:", url_path="account")
    if actor.must_change_password:
        return {"": [account]}
    home = st.Page("screens/home.py", title="Home", icon=":material/home:", url_path="home", default=True)
    themes = st.Page("screens/themes.py", title="Themes", icon=":material/sell:", url_path="themes")
    campaign_list = st.Page("screens/campaigns.py", title="Campaigns", icon=":material/campaign:", url_path="campaigns")
    overview = st.Page(
        "screens/campaign.py", title="Campaign overview", icon=":material/dashboard:", url_path="overview"
    )
    plan_pages = [home, campaign_list, overview]
    if allows(actor.role, Action.EDIT_CAMPAIGNS):
        plan_pages.append(st.Page("screens/plan.py", title="Plan editor", icon=":material/edit_note:", url_path="plan"))
    studio = st.Page("screens/studio.py", title="Drafting studio", icon=":material/edit:", url_path="studio")
    library = st.Page(
        "screens/library.py", title="Message library", icon=":material/library_books:", url_path="library"
    )
    write_pages = [studio, library]
    if allows(actor.role, Action.EDIT_MESSAGES):
        write_pages.append(
            st.Page("screens/inbox.py", title="Back from review", icon=":material/inbox:", url_path="inbox")
        )
    if allows(actor.role, Action.REVIEW_MESSAGES):
        write_pages.append(
            st.Page("screens/review.py", title="Review queue", icon=":material/rule:", url_path="review")
        )
    calendar = st.Page("screens/calendar.py", title="Calendar", icon=":material/calendar_month:", url_path="calendar")
    sections = {
        "Plan": [*plan_pages, themes],
        "Write": write_pages,
        "Publish": [calendar],
        "Results": [st.Page("screens/reach.py", title="Reach", icon=":material/insights:", url_path="reach")]
        + (
            [
                st.Page(
                    "screens/reach_import.py",
                    title="Import reach",
                    icon=":material/upload_file:",
                    url_path="import-reach",
                ),
                st.Page("screens/results.py", title="Enter results", icon=":material/edit_square:", url_path="results"),
            ]
            if allows(actor.role, Action.SCHEDULE_POSTS)
            else []
        ),
        "You and your team": [account],
    }
    if allows(actor.role, Action.MANAGE_DENYLIST):
        sections["You and your team"].insert(
            0, st.Page("screens/safety.py", title="Safety", icon=":material/shield:", url_path="safety")
        )
    if allows(actor.role, Action.MANAGE_PERSONAL_DATA):
        sections["You and your team"].insert(
            0, st.Page("screens/privacy.py", title="Personal data", icon=":material/lock_person:", url_path="privacy")
        )
    if allows(actor.role, Action.VIEW_AUDIT):
        sections["You and your team"].insert(
            0, st.Page("screens/audit.py", title="Audit trail", icon=":material/history:", url_path="audit")
        )
    if allows(actor.role, Action.MANAGE_MEMBERS):
        sections["You and your team"].insert(
            0, st.Page("screens/team.py", title="Team members", icon=":material/group:", url_path="team")
        )
    return sections


ROLE_BLURBS = {
    Role.ADMIN: "You run the team: add members, set roles and reviewers, and archive campaigns.",
    Role.FACILITATOR: "You review drafts for tone, facts, safety and sensitivity before anything is published.",
    Role.DRAFTER: "You write and adapt messages for each platform and language, then submit them for review.",
    Role.VIEWER: "You can read the team's plans, messages and results; you cannot change them.",
}
