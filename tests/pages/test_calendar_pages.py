"""Scheduling in the app: an approved variant goes on the calendar and shows in both local times."""

from datetime import timedelta

from sqlmodel import select

from planner import db
from planner.models import Channel, Message, Post, PostStatus, Variant
from planner.timing import local
from tests.pages.conftest import log_in, new_app, texts


def open_calendar(username: str, *sections: str):
    """The calendar as `username` sees it, with the named sections (schedule, accounts, exports) opened."""
    at = log_in(new_app(), username)
    for section in sections:
        at.session_state[f"calendar.{section}"] = True
    at.switch_page("screens/calendar.py").run()
    assert not at.exception
    return at


def test_a_coordinator_schedules_a_post_and_sees_it_on_the_calendar_in_both_times(app_db):
    at = open_calendar("drafter", "schedule")
    with db.session(readonly=True) as s:
        before = len(s.exec(select(Post.id)).all())
    day = local(db.utcnow(), "Asia/Kabul").date() + timedelta(days=3)
    at.selectbox(key="calendar.new.zone").set_value("Asia/Kabul")
    at.date_input(key="calendar.new.day").set_value(day)
    at.button(key="FormSubmitter:calendar.new-Schedule").click().run()
    assert not at.exception
    with db.session(readonly=True) as s:
        newest = s.exec(select(Post).order_by(Post.id.desc())).first()
        assert len(s.exec(select(Post.id)).all()) == before + 1
    assert newest.status == PostStatus.SCHEDULED
    assert local(newest.scheduled_at, "Asia/Kabul").strftime("%H:%M") == "18:00"
    shown = texts(at)
    assert "18:30 PKT · 18:00 AFT" in shown  # the post panel opens on the new post, in both local times


def test_scheduling_a_message_whose_signed_consent_form_is_not_on_file_warns_and_names_the_form(app_db):
    at = open_calendar("drafter", "schedule")
    assert "The signed consent form is not on file" not in texts(at)  # the demo admin holds every approved one
    with db.session() as s:
        variant = s.get(Variant, at.selectbox(key="calendar.new.variant").value)
        message = s.get(Message, variant.message_id)
        message.consent_reference = "Consent form CF-2026-977, signed by Gul's brother, 2 November 2026"
        s.add(message)
        s.commit()
    at.run()
    shown = texts(at)
    assert "The signed consent form is not on file" in shown
    assert "CF-2026-977" in shown
    at.button(key="FormSubmitter:calendar.new-Schedule").click().run()  # a warning, not a block
    with db.session(readonly=True) as s:
        assert s.exec(select(Post).where(Post.variant_id == variant.id)).first() is not None


def test_a_past_time_is_refused_and_says_why(app_db):
    at = open_calendar("drafter", "schedule")
    at.date_input(key="calendar.new.day").set_value(local(db.utcnow(), "Asia/Karachi").date() - timedelta(days=1))
    at.button(key="FormSubmitter:calendar.new-Schedule").click().run()
    assert "has passed" in texts(at)


def test_every_view_renders_and_a_viewer_cannot_schedule(app_db):
    at = open_calendar("viewer", "schedule")
    for view in ("Week", "List", "Month"):
        at.segmented_control(key="calendar.view").set_value(view).run()
        assert not at.exception
    assert not [b for b in at.button if b.key and b.key.startswith("FormSubmitter:calendar.new")]
    today = local(db.utcnow(), "Asia/Karachi").date()
    assert f"**{today:%a} {today.day}**" in {m.value for m in at.markdown}  # each day names its weekday


def test_the_sections_below_the_calendar_show_their_content_once_opened(app_db):
    with db.session(readonly=True) as s:
        account = s.exec(select(Channel.name).order_by(Channel.id)).first()
    at = open_calendar("admin")
    assert "Accounts: the team's accounts and whom they reach" in {e.label for e in at.expander}
    assert account not in texts(at) and not [s for s in at.selectbox if s.key == "calendar.export.kind"]
    at.session_state["calendar.accounts"] = True
    at.session_state["calendar.exports"] = True
    at.run()
    assert account in texts(at)
    assert at.selectbox(key="calendar.export.kind").value == "ics"


def test_the_plan_exports_as_icalendar_from_the_calendar(app_db):
    at = open_calendar("viewer", "exports")
    at.selectbox(key="calendar.export.kind").set_value("ics").run()
    at.button(key="calendar.export.go").click().run()
    assert not at.exception
    assert "posts in the export" in texts(at)


def test_a_busy_day_shows_three_posts_and_opens_its_week_for_the_rest(app_db):
    with db.session() as s:
        template = s.exec(select(Post).where(Post.status == PostStatus.SCHEDULED)).first()
        for minutes in (10, 20, 30, 40):
            s.add(
                Post(
                    **template.model_dump(exclude={"id", "scheduled_at"}),
                    scheduled_at=template.scheduled_at + timedelta(minutes=minutes),
                )
            )
        s.commit()
        day = local(template.scheduled_at, "Asia/Karachi").date()
    at = log_in(new_app(), "viewer")
    at.session_state["calendar.anchor"] = day
    at.switch_page("screens/calendar.py").run()
    more = next(b for b in at.button if b.key == f"calendar.more.{day}")
    assert more.label.startswith("+")
    more.click().run()
    assert not at.exception
    assert at.segmented_control(key="calendar.view").value == "Week"
