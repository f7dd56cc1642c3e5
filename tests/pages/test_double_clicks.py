"""A double-click in the app submits, approves or schedules once.

A double-click sends the same click twice: the browser sends the second with the page's widget
state as it was before the first took effect. `double_click` replays exactly that. The database must
hold one effect, and the page must not crash.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from planner import accounts, campaigns, db, messages, review
from planner.models import Approval, AuditEvent, ManualResult, Post
from planner.timing import local
from tests.pages.conftest import DEMO_PASSWORD, log_in, new_app, texts


def double_click(at: AppTest, button) -> None:
    """Send one click's widget state twice, as a browser does when the second click beats the rerun."""
    button.click()
    sent = button.root.get_widget_states()
    # AppTest has no public way to send a given state; a stale element would re-read today's session state.
    at._run(sent)
    at._run(sent)


def _count(model, *where) -> int:
    with db.session(readonly=True) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def _events(action: str, subject_id: int) -> int:
    return _count(AuditEvent, AuditEvent.action == action, AuditEvent.subject_id == subject_id)


def _draft(title: str, themes: tuple[str, ...] = ()):
    """A new draft of the demo drafter's, in a campaign of its own, with one clean variant."""
    now = db.utcnow()
    with db.session() as s:
        token = accounts.log_in(s, username="drafter", password=DEMO_PASSWORD, now=now)
        drafter = accounts.resolve(s, token=token, now=now)
        plan = campaigns.create_campaign(
            s, actor=drafter, now=now, name=title, start_date=date.today(), end_date=date.today() + timedelta(days=30)
        )
        message = messages.create_message(
            s, actor=drafter, now=now, campaign_id=plan.id, title=title, themes=list(themes)
        )
        message = messages.save_variant(
            s,
            actor=drafter,
            now=now,
            message_id=message.id,
            expected_version=None,
            platform="x",
            language="en",
            body="Two cities, one grief. We remember Kabul and Lahore together.",
        )
        return drafter, message


def test_a_double_click_on_submit_for_review_submits_once(demo_db):
    _, message = _draft("Double submit")
    at = log_in(new_app(), "drafter")
    at.session_state["campaign.picker"] = message.campaign_id
    at.session_state["campaign.current"] = message.campaign_id
    at.session_state["studio.open_next"] = message.id
    at.switch_page("screens/studio.py").run()
    double_click(at, at.button(key=f"studio.{message.id}.submit"))
    assert not at.exception
    assert _events("message.submit", message.id) == 1


def _queue(username: str, message_id: int):
    at = log_in(new_app(), username)
    at.session_state["review.message"] = message_id
    at.switch_page("screens/review.py").run()
    assert not at.exception
    return at


def test_a_double_click_on_approve_approves_once(demo_db):
    drafter, message = _draft("Double approve")
    with db.session() as s:
        review.submit(s, actor=drafter, now=db.utcnow(), message_id=message.id)
    at = _queue("facilitator", message.id)
    double_click(at, at.button(key=f"review.approve.{message.id}"))
    assert not at.exception
    assert _count(Approval, Approval.message_id == message.id) == 1
    assert _events("message.approve", message.id) == 1


def test_a_double_click_on_approve_of_a_sensitive_message_gives_no_second_approval(demo_db):
    """The message stays in the queue after the first approval, so the second click reaches the service."""
    drafter, message = _draft("Double sensitive approve", themes=("religious-harmony",))
    with db.session() as s:
        review.submit(s, actor=drafter, now=db.utcnow(), message_id=message.id)
    at = _queue("reviewer", message.id)
    double_click(at, at.button(key=f"review.approve.{message.id}"))
    assert not at.exception
    assert _count(Approval, Approval.message_id == message.id) == 1
    assert "other than the first approver" in texts(at)


def test_a_double_click_on_schedule_makes_one_post(demo_db):
    at = log_in(new_app(), "drafter")
    at.session_state["calendar.schedule"] = True
    at.switch_page("screens/calendar.py").run()
    day = local(db.utcnow(), "Asia/Karachi").date() + timedelta(days=40)
    at.date_input(key="calendar.new.day").set_value(day)
    before = _count(Post)
    double_click(at, at.button(key="FormSubmitter:calendar.new-Schedule"))
    assert not at.exception
    assert _count(Post) == before + 1
    assert "already scheduled on this account at that time" in texts(at)


def test_a_double_click_on_save_enters_one_result_and_says_it_was_saved_once(demo_db):
    at = log_in(new_app(), "facilitator")
    at.switch_page("screens/results.py").run()
    at.segmented_control(key="results.kind").set_value("offline-event").run()
    at.number_input(key="results.new.offline-event.value").set_value(48)
    at.text_area(key="results.new.offline-event.source").input("Sign-in sheet of the dialogue at Peshawar University")
    before = _count(ManualResult)
    double_click(at, at.button(key="FormSubmitter:results.new.offline-event-Save"))
    assert not at.exception
    assert _count(ManualResult) == before + 1
    assert "This same result was already entered by Facilitator" in texts(at)
