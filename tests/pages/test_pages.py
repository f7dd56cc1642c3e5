"""Every page for every demo role, and the log-in journeys, through the real entry file."""

import pytest
from sqlmodel import select

from planner import db
from planner.models import Membership, Role, User
from tests.pages.conftest import log_in, new_app, texts

EVERYONE = [
    "screens/home.py",
    "screens/campaigns.py",
    "screens/campaign.py",
    "screens/studio.py",
    "screens/library.py",
    "screens/calendar.py",
    "screens/themes.py",
    "screens/account.py",
    "screens/reach.py",
]
EDITING = ["screens/plan.py", "screens/inbox.py", "screens/reach_import.py", "screens/results.py"]
PAGES_BY_ROLE = {
    "admin": [
        *EVERYONE,
        *EDITING,
        "screens/team.py",
        "screens/review.py",
        "screens/safety.py",
        "screens/audit.py",
        "screens/privacy.py",
    ],
    "facilitator": [*EVERYONE, *EDITING, "screens/review.py"],
    "reviewer": [*EVERYONE, *EDITING, "screens/review.py"],
    "drafter": [*EVERYONE, *EDITING],
    "viewer": EVERYONE,
}
HEADINGS = {
    "screens/home.py": "Welcome",
    "screens/campaigns.py": "Campaigns",
    "screens/campaign.py": "Campaign overview",
    "screens/plan.py": "Plan editor",
    "screens/studio.py": "Drafting studio",
    "screens/library.py": "Message library",
    "screens/calendar.py": "Calendar",
    "screens/review.py": "Review queue",
    "screens/inbox.py": "Back from review",
    "screens/safety.py": "Safety",
    "screens/reach_import.py": "Import reach",
    "screens/reach.py": "Reach",
    "screens/results.py": "Enter results",
    "screens/audit.py": "Audit trail",
    "screens/privacy.py": "Personal data",
    "screens/themes.py": "Themes",
    "screens/team.py": "Team members",
    "screens/account.py": "My account",
}


@pytest.mark.parametrize(
    ("username", "page"),
    [(user, page) for user, pages in PAGES_BY_ROLE.items() for page in pages],
)
def test_every_page_renders_for_every_role_that_has_it(app_db, username, page):
    at = log_in(new_app(), username)
    at.switch_page(page).run()
    assert not at.exception
    assert HEADINGS[page] in at.title[0].value


def test_the_log_in_screen_comes_first_and_a_wrong_password_is_refused(app_db):
    at = log_in(new_app(), "drafter", "not the demo password")
    assert not at.exception
    assert "Log-in failed" in texts(at)
    assert at.text_input(key="login.username").value == "drafter"


def test_the_home_page_greets_the_member_with_their_role_and_team(app_db):
    at = log_in(new_app(), "drafter")
    shown = texts(at)
    assert "Kabul student Farid" in shown and "drafter" in shown
    assert "Pak-Afghan Youth Dialogue" in shown


@pytest.mark.parametrize("username", ["facilitator", "drafter", "viewer"])
def test_only_admins_see_the_team_page_in_navigation(app_db, username):
    at = log_in(new_app(), username)
    with pytest.raises(ValueError, match="registered"):
        at.switch_page("screens/team.py")


def test_an_admin_adds_a_member_who_must_choose_a_password_at_first_log_in(app_db):
    at = log_in(new_app(), "admin")
    at.switch_page("screens/team.py").run()
    at.text_input(key="team.add.username").input("gul")
    at.text_input(key="team.add.display_name").input("Gul from Jalalabad")
    at.button(key="FormSubmitter:team.add-Add member").click().run()
    assert not at.exception
    secret = at.code[0].value
    newcomer = log_in(new_app(), "gul", secret)
    assert "My account" in newcomer.title[0].value
    assert "one-time password" in texts(newcomer)
    newcomer.text_input(key="account.current").input(secret)
    newcomer.text_input(key="account.new").input("a passphrase of my own")
    newcomer.text_input(key="account.repeat").input("a passphrase of my own")
    newcomer.button(key="FormSubmitter:account.password-Change password").click().run()
    assert not newcomer.exception
    assert "Welcome" in newcomer.title[0].value


def test_a_bad_new_member_is_explained_and_the_typed_values_stay(app_db):
    at = log_in(new_app(), "admin")
    at.switch_page("screens/team.py").run()
    at.text_input(key="team.add.username").input("two words")
    at.text_input(key="team.add.display_name").input("Zarmina")
    at.button(key="FormSubmitter:team.add-Add member").click().run()
    assert "Username" in texts(at) and "nothing was saved" in texts(at)
    assert at.text_input(key="team.add.display_name").value == "Zarmina"


def test_an_admin_changes_a_role_and_it_is_stored(app_db):
    at = log_in(new_app(), "admin")
    at.switch_page("screens/team.py").run()
    names = at.selectbox(key="team.change.member").options
    viewer = next(name for name in names if "(viewer)" in name)
    at.selectbox(key="team.change.member").select(viewer).run()
    role = next(box for box in at.selectbox if box.key.startswith("team.role."))
    assert role.value == Role.VIEWER  # the chosen member's own role, not the previous one's
    role.select(Role.DRAFTER)  # inside a form: sent with the submit button, not before
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("FormSubmitter:team.change"))).click()
    at.run()
    assert not at.exception
    with db.session() as s:
        stored = s.exec(
            select(Membership.role).join(User, User.id == Membership.user_id).where(User.username == "viewer")
        ).one()
    assert stored == Role.DRAFTER


def test_logging_out_returns_to_the_log_in_screen(app_db):
    at = log_in(new_app(), "viewer")
    at.button(key="auth.logout").click().run()
    assert "You have logged out." in texts(at)
    assert at.text_input(key="login.username")


@pytest.mark.parametrize(
    ("username", "expected", "target"),
    [
        ("drafter", "1 message came back with changes requested", "inbox"),
        ("facilitator", "messages waiting for your review", "review"),
        ("admin", "1 message cites a consent form not on file", "privacy"),
    ],
)
def test_the_home_page_links_to_what_needs_the_member_today_in_a_line_a_phone_shows_whole(
    app_db, username, expected, target
):
    at = log_in(new_app(), username)
    links = [element.proto for element in at.get("page_link")]
    label, link = next((p.label.replace("**", ""), p.page) for p in links if expected in p.label.replace("**", ""))
    assert link.endswith(target)
    # Streamlit cuts a page link's label at one line: about 45 characters fit on a 360-pixel-wide phone.
    assert len(label) <= 45, label
