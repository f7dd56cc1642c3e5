"""A double-click, a rerun or two people at once never submit, approve, schedule or import twice.

Each action is tried twice in a row (the second click arrives after the first is done) and twice at
once (threads released together, each with its own connection), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from planner import campaigns, messages, posts, reach, review
from planner.errors import PermissionDenied, ValidationFailed
from planner.models import (
    Approval,
    AuditEvent,
    Comment,
    MessageStatus,
    Post,
    PostStatus,
    ReachFigure,
    ReachImport,
    Role,
)
from tests.conftest import NOW, make_member, make_team, run_at_once

X_EXPORT = (Path(__file__).resolve().parent.parent / "fixtures" / "reach" / "x-current.csv").read_bytes()
DAY = date(2026, 12, 3)


def count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def events(session: Session, action: str) -> int:
    return count(session, AuditEvent, AuditEvent.action == action)


def draft(session: Session, drafter, *, themes: tuple[str, ...] = ()):
    plan = campaigns.create_campaign(
        session, actor=drafter, now=NOW, name="Grief", start_date=date(2026, 12, 1), end_date=date(2027, 1, 31)
    )
    message = messages.create_message(
        session, actor=drafter, now=NOW, campaign_id=plan.id, title="Two cities", themes=list(themes)
    )
    return messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=None,
        platform="x",
        language="en",
        body="Two cities, one grief. We remember Kabul and Lahore together.",
    )


def submitted(session: Session, drafter, **kwargs):
    message = draft(session, drafter, **kwargs)
    return review.submit(session, actor=drafter, now=NOW, message_id=message.id)


def approve(session: Session, reviewer, message_id: int, digest: str):
    return review.approve(session, actor=reviewer, now=NOW, message_id=message_id, content_hash_seen=digest)


def digest_of(session: Session, reviewer, message) -> str:
    return review.review(session, actor=reviewer, now=NOW, message_id=message.id).content_hash


def twice_at_once(engine, action) -> list[str]:
    """Run `action(session)` in two threads released together; each returns 'done' or its error's name."""

    def attempt():
        with Session(engine, expire_on_commit=False) as own:
            action(own)
        return "done"

    return run_at_once(attempt, attempt)


# ---- submit ------------------------------------------------------------------------------------


def test_submitting_twice_in_a_row_makes_one_submission(session, drafter):
    message = draft(session, drafter)
    review.submit(session, actor=drafter, now=NOW, message_id=message.id, comment="Ready for you")
    with pytest.raises(ValidationFailed, match="in review cannot be submitted"):
        review.submit(session, actor=drafter, now=NOW, message_id=message.id, comment="Ready for you")
    assert events(session, "message.submit") == 1
    assert count(session, Comment, Comment.kind == "submitted") == 1
    assert messages.get_message(session, actor=drafter, now=NOW, message_id=message.id).version == message.version + 1


def test_two_clicks_on_submit_at_once_make_one_submission(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        drafter = make_member(setup, make_team(setup), Role.DRAFTER, username="farid")
        message = draft(setup, drafter)

    outcomes = twice_at_once(
        concurrent_engine, lambda s: review.submit(s, actor=drafter, now=NOW, message_id=message.id, comment="Go")
    )
    assert outcomes == ["ValidationFailed", "done"]
    with Session(concurrent_engine) as check:
        assert events(check, "message.submit") == 1
        assert count(check, Comment, Comment.kind == "submitted") == 1


# ---- approve -----------------------------------------------------------------------------------


def test_approving_twice_in_a_row_gives_one_approval(session, team, drafter):
    tahir = make_member(session, team, Role.FACILITATOR, username="tahir")
    message = submitted(session, drafter)
    digest = digest_of(session, tahir, message)
    assert approve(session, tahir, message.id, digest).status == MessageStatus.APPROVED
    with pytest.raises(ValidationFailed, match="approved cannot be approved"):
        approve(session, tahir, message.id, digest)
    assert count(session, Approval) == 1
    assert events(session, "message.approve") == 1


def test_the_first_approver_clicking_again_on_a_sensitive_message_gives_no_second_approval(session, team, drafter):
    tahir = make_member(session, team, Role.FACILITATOR, username="tahir", reviewer=True)
    message = submitted(session, drafter, themes=("religious-harmony",))
    digest = digest_of(session, tahir, message)
    assert approve(session, tahir, message.id, digest).status == MessageStatus.IN_REVIEW
    with pytest.raises(PermissionDenied, match="other than the first approver"):
        approve(session, tahir, message.id, digest)
    assert count(session, Approval) == 1


def test_two_clicks_on_approve_at_once_give_one_approval(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        team = make_team(setup)
        drafter = make_member(setup, team, Role.DRAFTER, username="farid")
        tahir = make_member(setup, team, Role.FACILITATOR, username="tahir")
        message = submitted(setup, drafter)
        digest = digest_of(setup, tahir, message)

    outcomes = twice_at_once(concurrent_engine, lambda s: approve(s, tahir, message.id, digest))
    assert outcomes.count("done") == 1
    with Session(concurrent_engine) as check:
        assert count(check, Approval) == 1
        assert events(check, "message.approve") == 1


def test_two_sensitivity_reviewers_giving_the_second_approval_at_once_give_one(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        team = make_team(setup)
        drafter = make_member(setup, team, Role.DRAFTER, username="farid")
        tahir = make_member(setup, team, Role.FACILITATOR, username="tahir")
        mariam = make_member(setup, team, Role.FACILITATOR, username="mariam", reviewer=True)
        gul = make_member(setup, team, Role.ADMIN, username="gul", reviewer=True)
        message = submitted(setup, drafter, themes=("religious-harmony",))
        digest = digest_of(setup, tahir, message)
        approve(setup, tahir, message.id, digest)

    def second(reviewer):
        def go():
            with Session(concurrent_engine, expire_on_commit=False) as own:
                approve(own, reviewer, message.id, digest)
            return "done"

        return go

    assert run_at_once(second(mariam), second(gul)).count("done") == 1
    with Session(concurrent_engine) as check:
        assert count(check, Approval, Approval.kind == "sensitivity") == 1
        assert count(check, Approval) == 2


# ---- schedule ----------------------------------------------------------------------------------


def approved_on_a_channel(session: Session, team, drafter):
    admin = make_member(session, team, Role.ADMIN, username="samina")
    tahir = make_member(session, team, Role.FACILITATOR, username="tahir")
    message = submitted(session, drafter)
    message = approve(session, tahir, message.id, digest_of(session, tahir, message))
    channel = posts.add_channel(session, actor=admin, now=NOW, platform="x", name="@pakafghanyouth")
    return message.variants[0], channel


def schedule(session: Session, actor, variant, channel, day=DAY, **kwargs):
    return posts.schedule_post(
        session,
        actor=actor,
        now=NOW,
        variant_id=variant.id,
        channel_id=channel.id,
        day=day,
        at=time(18, 0),
        zone="Asia/Karachi",
        **kwargs,
    )


def test_scheduling_the_same_variant_on_the_same_account_at_the_same_time_twice_makes_one_post(session, team, drafter):
    variant, channel = approved_on_a_channel(session, team, drafter)
    schedule(session, drafter, variant, channel)
    with pytest.raises(ValidationFailed, match="already scheduled on this account at that time") as refused:
        schedule(session, drafter, variant, channel)
    assert "Thu 03 Dec 18:00 PKT" in str(refused.value)
    assert count(session, Post) == 1
    assert events(session, "post.scheduled") == 1


def test_a_weekly_series_over_a_taken_time_is_refused_whole(session, team, drafter):
    variant, channel = approved_on_a_channel(session, team, drafter)
    schedule(session, drafter, variant, channel)
    with pytest.raises(ValidationFailed, match="already scheduled"):
        schedule(session, drafter, variant, channel, day=date(2026, 11, 26), repeat_weekly_until=date(2026, 12, 17))
    assert count(session, Post) == 1


def test_a_cancelled_or_failed_post_frees_its_time_and_another_time_or_account_is_fine(session, team, drafter):
    variant, channel = approved_on_a_channel(session, team, drafter)
    [post] = schedule(session, drafter, variant, channel)
    posts.cancel_post(session, actor=drafter, now=NOW, post_id=post.id, expected_version=post.version)
    [again] = schedule(session, drafter, variant, channel)
    posts.mark_failed(session, actor=drafter, now=NOW, post_id=again.id, expected_version=again.version, reason="x")
    schedule(session, drafter, variant, channel)
    schedule(session, drafter, variant, channel, day=date(2026, 12, 4))
    admin = make_member(session, team, Role.ADMIN, username="gul")
    other = posts.add_channel(session, actor=admin, now=NOW, platform="x", name="@second")
    schedule(session, drafter, variant, other)
    statuses = session.exec(select(Post.status).order_by(Post.id)).all()
    assert statuses == [PostStatus.CANCELLED, PostStatus.FAILED, *[PostStatus.SCHEDULED] * 3]


def test_two_clicks_on_schedule_at_once_make_one_post(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        team = make_team(setup)
        drafter = make_member(setup, team, Role.DRAFTER, username="farid")
        variant, channel = approved_on_a_channel(setup, team, drafter)

    outcomes = twice_at_once(concurrent_engine, lambda s: schedule(s, drafter, variant, channel))
    assert outcomes == ["ValidationFailed", "done"]
    with Session(concurrent_engine) as check:
        assert count(check, Post) == 1


# ---- import ------------------------------------------------------------------------------------


def test_importing_the_same_export_twice_in_a_row_imports_it_once(session, drafter):
    first = reach.import_reach(session, actor=drafter, now=NOW, data=X_EXPORT)
    again = reach.import_reach(session, actor=drafter, now=NOW, data=X_EXPORT)
    assert first.inserted == first.rows > 0
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.rows)
    assert again.already_imported_at == NOW
    assert count(session, ReachImport) == 1 and count(session, ReachFigure) == first.rows
    assert events(session, "reach.imported") == 1


def test_two_imports_of_the_same_export_at_once_import_it_once(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        drafter = make_member(setup, make_team(setup), Role.DRAFTER, username="farid")

    outcomes = twice_at_once(concurrent_engine, lambda s: reach.import_reach(s, actor=drafter, now=NOW, data=X_EXPORT))
    assert outcomes == ["done", "done"]
    with Session(concurrent_engine) as check:
        assert count(check, ReachImport) == 1
        assert count(check, ReachFigure) == X_EXPORT.count(b"\n") - 1
        assert events(check, "reach.imported") == 1
