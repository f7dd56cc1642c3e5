"""Scheduling against a real database: approved variants on channels, held when the message changes."""

from datetime import UTC, date, datetime, time

import pytest

from planner import consent, messages, posts, review
from planner.errors import Conflict, NotFound, ValidationFailed
from planner.models import MessageStatus, PostStatus, Role
from tests.conftest import NOW, make_member, make_team
from tests.integration.conftest import approved_message

DAY = date(2026, 12, 3)
WIDE = {"start": datetime(2026, 11, 1, tzinfo=UTC), "end": datetime(2027, 3, 1, tzinfo=UTC)}


@pytest.fixture
def admin(session, team):
    return make_member(session, team, Role.ADMIN, username="samina")


@pytest.fixture
def approved(session, team, drafter):
    return approved_message(
        session,
        team,
        drafter,
        platform="facebook",
        language="ur",
        body="دو قطرے، ہر بچے کے لیے",
        title="Two drops",
        themes=["polio-eradication"],
    )


@pytest.fixture
def page(session, admin):
    return posts.add_channel(session, actor=admin, now=NOW, platform="facebook", name="Youth Dialogue Page")


def schedule(session, actor, approved, page, at=time(18, 0), zone="Asia/Karachi", **kwargs):
    return posts.schedule_post(
        session,
        actor=actor,
        now=NOW,
        variant_id=approved.variants[0].id,
        channel_id=page.id,
        day=DAY,
        at=at,
        zone=zone,
        **kwargs,
    )


def test_an_approved_variant_is_scheduled_in_kabul_time_and_stored_in_utc(session, drafter, approved, page):
    [post] = schedule(session, drafter, approved, page, at=time(18, 30), zone="Asia/Kabul")
    assert post.scheduled_at == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    assert (
        messages.get_message(session, actor=drafter, now=NOW, message_id=approved.id).status == MessageStatus.SCHEDULED
    )


def test_only_approved_messages_can_be_scheduled(session, drafter, approved, page):
    draft = messages.create_message(session, actor=drafter, now=NOW, campaign_id=approved.campaign_id, title="Draft")
    draft = messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=draft.id,
        expected_version=None,
        platform="facebook",
        language="en",
        body="Hello",
    )
    with pytest.raises(ValidationFailed, match="approved"):
        schedule(session, drafter, draft, page)


def test_a_message_whose_signed_consent_form_is_not_on_file_is_flagged_for_whoever_schedules_it(
    session, team, drafter, admin, page
):
    featured = approved_message(
        session,
        team,
        drafter,
        platform="facebook",
        language="en",
        body="Gul lost her brother in Kabul; she asked us to tell his story.",
        title="A brother in Kabul",
        features_person=True,
        consent_reference="Consent form CF-2026-061, signed by Gul, 2 November 2026",
    )
    (option,) = posts.schedulable(session, actor=drafter, now=NOW)
    assert option.variant_id == featured.variants[0].id
    assert not option.consent_form_on_file
    assert option.consent_reference.startswith("Consent form CF-2026-061")

    consent.upload_document(
        session, actor=admin, now=NOW, data=b"%PDF-1.7\n%%EOF\n", reference="cf-2026-061", person_label="Gul"
    )
    (option,) = posts.schedulable(session, actor=drafter, now=NOW)
    assert option.consent_form_on_file
    assert schedule(session, drafter, featured, page)  # a warning to the scheduler, never a block


def test_a_past_time_is_refused(session, drafter, approved, page):
    with pytest.raises(ValidationFailed, match="passed"):
        posts.schedule_post(
            session,
            actor=drafter,
            now=NOW,
            variant_id=approved.variants[0].id,
            channel_id=page.id,
            day=date(2026, 11, 22),
            at=time(8, 0),
            zone="Asia/Karachi",
        )


def test_the_channel_must_be_of_the_variants_platform(session, drafter, admin, approved):
    x = posts.add_channel(session, actor=admin, now=NOW, platform="x", name="@youthdialogue")
    with pytest.raises(ValidationFailed, match="Facebook"):
        schedule(session, drafter, approved, x)


def test_weekly_recurrence_makes_one_post_a_week(session, drafter, approved, page):
    created = schedule(session, drafter, approved, page, repeat_weekly_until=date(2026, 12, 24))
    assert len(created) == 4 and len({p.series for p in created}) == 1


def test_an_edit_holds_the_messages_posts_and_a_new_approval_puts_them_back(session, team, drafter, approved, page):
    [_post] = schedule(session, drafter, approved, page)
    message = messages.get_message(session, actor=drafter, now=NOW, message_id=approved.id)
    messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=message.variants[0].version,
        platform="facebook",
        language="ur",
        body="دو قطرے، ہر بچے کے لیے، ہر بار",
    )
    held = posts.calendar(session, actor=drafter, now=NOW, **WIDE).posts
    assert [p.status for p in held] == [PostStatus.HELD]
    other = make_member(session, team, Role.FACILITATOR, username="gul")
    digest = review.review(session, actor=other, now=NOW, message_id=message.id).content_hash
    review.approve(session, actor=other, now=NOW, message_id=message.id, content_hash_seen=digest)
    assert [p.status for p in posts.calendar(session, actor=drafter, now=NOW, **WIDE).posts] == [PostStatus.SCHEDULED]


def test_a_post_is_published_by_hand_with_its_permalink(session, drafter, approved, page):
    [post] = schedule(session, drafter, approved, page)
    done = posts.mark_published(
        session,
        actor=drafter,
        now=NOW,
        post_id=post.id,
        expected_version=post.version,
        permalink="https://facebook.com/youth/posts/123",
        platform_post_id="123_456",
    )
    assert (done.status, done.platform_post_id) == (PostStatus.PUBLISHED, "123_456")
    assert (
        messages.get_message(session, actor=drafter, now=NOW, message_id=approved.id).status == MessageStatus.PUBLISHED
    )


def test_publishing_needs_a_web_address_and_failing_needs_a_reason(session, drafter, approved, page):
    [post] = schedule(session, drafter, approved, page)
    with pytest.raises(ValidationFailed, match="https"):
        posts.mark_published(
            session, actor=drafter, now=NOW, post_id=post.id, expected_version=post.version, permalink="posted it"
        )
    with pytest.raises(ValidationFailed):
        posts.mark_failed(session, actor=drafter, now=NOW, post_id=post.id, expected_version=post.version, reason=" ")
    failed = posts.mark_failed(
        session,
        actor=drafter,
        now=NOW,
        post_id=post.id,
        expected_version=post.version,
        reason="Page locked by Facebook",
    )
    assert failed.failure_reason == "Page locked by Facebook"


def test_moving_a_post_with_a_stale_version_is_refused(session, drafter, approved, page):
    [post] = schedule(session, drafter, approved, page)
    posts.move_post(
        session,
        actor=drafter,
        now=NOW,
        post_id=post.id,
        expected_version=post.version,
        day=DAY,
        at=time(19, 0),
        zone="Asia/Karachi",
    )
    with pytest.raises(Conflict):
        posts.move_post(
            session,
            actor=drafter,
            now=NOW,
            post_id=post.id,
            expected_version=post.version,
            day=DAY,
            at=time(20, 0),
            zone="Asia/Karachi",
        )


def test_the_calendar_warns_about_a_busy_channel(session, drafter, approved, page):
    for minute in (0, 15, 30):
        schedule(session, drafter, approved, page, at=time(18, minute))
    calendar = posts.calendar(session, actor=drafter, now=NOW, **WIDE)
    assert "busy-channel" in {w.kind for w in calendar.warnings}


def test_a_crisis_pause_holds_scheduled_posts_and_blocks_new_ones(session, drafter, admin, approved, page):
    schedule(session, drafter, approved, page)
    review.pause_team(session, actor=admin, now=NOW, reason="Attack")
    assert [p.status for p in posts.calendar(session, actor=drafter, now=NOW, **WIDE).posts] == [PostStatus.HELD]
    with pytest.raises(Conflict, match="crisis pause"):
        schedule(session, drafter, approved, page, at=time(20, 0))


def test_another_teams_post_and_channel_are_not_found(session, drafter, approved, page):
    [post] = schedule(session, drafter, approved, page)
    stranger = make_member(session, make_team(session, "away", "Away"), Role.ADMIN, username="stranger")
    with pytest.raises(NotFound):
        posts.cancel_post(session, actor=stranger, now=NOW, post_id=post.id, expected_version=post.version)
    assert posts.calendar(session, actor=stranger, now=NOW, **WIDE).posts == []
    assert posts.list_channels(session, actor=stranger, now=NOW) == []
