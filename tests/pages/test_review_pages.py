"""The review journey in the app: submit → request changes → resubmit → approve."""

import pytest
from sqlmodel import select

from planner import db
from planner.models import Message, MessageStatus, Team
from planner.timing import both_local
from tests.pages.conftest import log_in, new_app, texts

TITLE = "Verses for both cities"  # a demo draft


def _message() -> Message:
    with db.session(readonly=True) as s:
        return s.exec(select(Message).where(Message.title == TITLE)).one()


def _studio(username: str):
    message = _message()
    at = log_in(new_app(), username)
    at.session_state["campaign.picker"] = message.campaign_id
    at.session_state["campaign.current"] = message.campaign_id
    at.session_state["studio.open_next"] = message.id
    at.switch_page("screens/studio.py").run()
    assert not at.exception
    return at, message


def _queue(username: str, message_id: int):
    at = log_in(new_app(), username)
    at.session_state["review.message"] = message_id
    at.switch_page("screens/review.py").run()
    assert not at.exception
    return at


def test_submit_request_changes_resubmit_approve(app_db):
    at, message = _studio("drafter")
    at.button(key=f"studio.{message.id}.submit").click().run()
    assert _message().status == MessageStatus.IN_REVIEW

    facilitator = _queue("facilitator", message.id)
    assert TITLE in texts(facilitator)
    facilitator.button(key=f"review.changes.{message.id}").click().run()
    assert "Write a comment" in texts(facilitator)  # a comment is required
    facilitator.text_area(key=f"review.decision.{message.id}").input("Please name the poet's village.")
    facilitator.button(key=f"review.changes.{message.id}").click().run()
    assert _message().status == MessageStatus.CHANGES_REQUESTED

    again, _ = _studio("drafter")
    assert "asked for changes" in texts(again)
    again.button(key=f"studio.{message.id}.submit").click().run()
    assert _message().status == MessageStatus.IN_REVIEW

    approver = _queue("facilitator", message.id)
    for form_key in [b.key for b in approver.button if b.key and "review.ack" in b.key]:
        finding = form_key.split("review.ack.", 1)[1].rsplit("-", 1)[0].split(".", 1)[1]
        approver.text_input(key=f"review.note.{finding}").input("Checked with the drafter.")
        approver.button(key=form_key).click().run()
    approver.button(key=f"review.approve.{message.id}").click().run()
    assert not approver.exception
    assert _message().status == MessageStatus.APPROVED


def test_drafters_have_no_review_queue_and_admins_see_submitted_messages(app_db):
    at, message = _studio("drafter")
    at.button(key=f"studio.{message.id}.submit").click().run()
    assert TITLE in texts(_queue("admin", message.id))
    with pytest.raises(ValueError, match="registered"):
        log_in(new_app(), "drafter").switch_page("screens/review.py")


def test_the_crisis_banner_shows_on_every_page_when_paused(app_db):
    admin = log_in(new_app(), "admin")
    admin.switch_page("screens/safety.py").run()
    admin.text_input(key="safety.reason").input("Attack in Peshawar this morning")
    admin.button(key="FormSubmitter:safety.pause-Pause every approved and scheduled message").click().run()
    assert not admin.exception
    viewer = log_in(new_app(), "viewer")
    assert "Crisis pause" in texts(viewer)
    assert "Attack in Peshawar" in texts(viewer)
    with db.session(readonly=True) as s:
        paused_at = s.exec(select(Team.paused_at).where(Team.paused_at.is_not(None))).one()
    assert f"Crisis pause since {both_local(paused_at, dated=True)} — " in texts(viewer)  # both local times


def test_a_reviewer_deciding_a_moment_too_late_is_told_and_gets_their_comment_back(app_db):
    with db.session(readonly=True) as s:
        message = s.exec(select(Message).where(Message.title == "Living with polio, in their own words")).one()
    late = _queue("reviewer", message.id)
    first = _queue("facilitator", message.id)
    first.button(key=f"review.approve.{message.id}").click().run()
    assert not first.exception
    assert "not recorded" not in texts(first)

    late.text_area(key=f"review.decision.{message.id}").input("The caption names her village: take it out.")
    late.button(key=f"review.changes.{message.id}").click().run()
    assert not late.exception
    assert "Your request for changes was not recorded" in texts(late)
    assert "now approved" in texts(late)
    assert [c.value for c in late.code] == ["The caption names her village: take it out."]
    with db.session(readonly=True) as s:
        assert s.get(Message, message.id).status == MessageStatus.APPROVED


def test_an_added_never_link_entry_empties_the_form_and_a_refused_one_keeps_it(app_db):
    admin = log_in(new_app(), "admin")
    admin.switch_page("screens/safety.py").run()
    admin.text_input(key="safety.entry").input("propaganda.example.net")
    admin.text_input(key="safety.note").input("spreads recruitment videos")
    admin.button(key="FormSubmitter:safety.deny-Add to the list").click().run()
    assert not admin.exception and "propaganda" in texts(admin)
    assert (admin.text_input(key="safety.entry").value, admin.text_input(key="safety.note").value) == ("", "")
    admin.text_input(key="safety.entry").input("not a domain at all")
    admin.button(key="FormSubmitter:safety.deny-Add to the list").click().run()
    assert admin.text_input(key="safety.entry").value == "not a domain at all"


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Verses for both cities", "Signed consent form on file with the admin."),
        ("What a closed gate costs your bazaar", "No signed consent form on file with the admin"),
    ],
)
def test_the_reviewer_sees_whether_the_signed_consent_form_is_on_file(app_db, title, shown):
    with db.session(readonly=True) as s:
        message = s.exec(select(Message).where(Message.title == title)).one()
    drafter = log_in(new_app(), "drafter")
    drafter.session_state["campaign.picker"] = message.campaign_id
    drafter.session_state["campaign.current"] = message.campaign_id
    drafter.session_state["studio.open_next"] = message.id
    drafter.switch_page("screens/studio.py").run()
    drafter.button(key=f"studio.{message.id}.submit").click().run()
    assert not drafter.exception
    shown_to_reviewer = texts(_queue("facilitator", message.id)).replace("**", "")
    assert shown in shown_to_reviewer
