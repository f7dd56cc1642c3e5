"""Facilitator review and do-no-harm screening against a real database."""

from datetime import date

import pytest
from sqlmodel import Session, func, select

from planner import campaigns, messages, review
from planner.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from planner.models import Approval, AuditEvent, MessageStatus, Role
from tests.conftest import NOW, make_member, make_team, run_at_once

CLEAN = "Two cities, one grief. We remember Kabul and Lahore together."


@pytest.fixture
def tahir(session, team):
    return make_member(session, team, Role.FACILITATOR, username="tahir")


@pytest.fixture
def mariam(session, team):
    return make_member(session, team, Role.FACILITATOR, username="mariam", reviewer=True)


def drafted(session, actor, text=CLEAN, themes=("victims-of-terrorism",), **fields):
    plan = campaigns.create_campaign(
        session,
        actor=actor,
        now=NOW,
        name=f"C{fields.pop('n', '')}",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 2, 1),
    )
    message = messages.create_message(
        session, actor=actor, now=NOW, campaign_id=plan.id, title="M", themes=list(themes), **fields
    )
    return messages.save_variant(
        session,
        actor=actor,
        now=NOW,
        message_id=message.id,
        expected_version=None,
        platform="x",
        language="en",
        body=text,
    )


def submitted(session, actor, **kwargs):
    message = drafted(session, actor, **kwargs)
    return review.submit(session, actor=actor, now=NOW, message_id=message.id)


def seen(session, actor, message):
    return review.review(session, actor=actor, now=NOW, message_id=message.id)


def approve(session, actor, message, comment=""):
    view = seen(session, actor, message)
    return review.approve(
        session, actor=actor, now=NOW, message_id=message.id, content_hash_seen=view.content_hash, comment=comment
    )


def test_submit_request_changes_resubmit_approve(session, drafter, tahir):
    message = submitted(session, drafter)
    assert message.status == MessageStatus.IN_REVIEW
    back = review.request_changes(session, actor=tahir, now=NOW, message_id=message.id, comment="Name both cities")
    assert back.status == MessageStatus.CHANGES_REQUESTED
    messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=back.variants[0].version,
        platform="x",
        language="en",
        body=CLEAN + " Both cities.",
    )
    assert review.submit(session, actor=drafter, now=NOW, message_id=message.id).status == MessageStatus.IN_REVIEW
    assert approve(session, tahir, message).status == MessageStatus.APPROVED
    comments = seen(session, drafter, message).comments
    assert [(c.kind, c.body) for c in comments] == [("changes_requested", "Name both cities")]


def test_requesting_changes_needs_a_comment(session, drafter, tahir):
    message = submitted(session, drafter)
    with pytest.raises(ValidationFailed) as refused:
        review.request_changes(session, actor=tahir, now=NOW, message_id=message.id, comment=" ")
    assert "comment" in refused.value.problems


def test_an_author_never_approves_their_own_message(session, tahir):
    message = submitted(session, tahir)
    with pytest.raises(PermissionDenied, match="author never approves"):
        approve(session, tahir, message)


def test_a_facilitator_who_edited_a_variant_cannot_approve_it(session, drafter, tahir, mariam):
    message = submitted(session, drafter)
    variant = message.variants[0]
    messages.save_variant(
        session,
        actor=tahir,
        now=NOW,
        message_id=message.id,
        expected_version=variant.version,
        platform="x",
        language="en",
        body=CLEAN + " (edited)",
    )
    with pytest.raises(PermissionDenied):
        approve(session, tahir, message)
    assert approve(session, mariam, message).status == MessageStatus.APPROVED


def test_a_sensitive_theme_needs_a_second_approval_from_a_sensitivity_reviewer(session, team, drafter, tahir, mariam):
    message = submitted(session, drafter, themes=("religious-harmony",))
    after_first = approve(session, tahir, message)
    assert after_first.status == MessageStatus.IN_REVIEW
    other = make_member(session, team, Role.FACILITATOR, username="gul")
    with pytest.raises(PermissionDenied, match="sensitivity reviewer"):
        approve(session, other, message)
    assert approve(session, mariam, message).status == MessageStatus.APPROVED


def test_the_sensitivity_reviewer_cannot_give_both_approvals(session, drafter, mariam):
    message = submitted(session, drafter, themes=("religious-harmony",))
    approve(session, mariam, message)
    with pytest.raises(PermissionDenied, match="other than the first approver"):
        approve(session, mariam, message)


def test_an_edit_after_approval_sends_it_back_to_review_and_voids_the_approval(session, drafter, tahir):
    message = submitted(session, drafter)
    approved = approve(session, tahir, message)
    edited = messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=approved.variants[0].version,
        platform="x",
        language="en",
        body=CLEAN + " #peace",
    )
    assert edited.status == MessageStatus.IN_REVIEW
    assert session.exec(select(func.count()).select_from(Approval).where(Approval.voided_at.is_(None))).one() == 0


def test_a_theme_change_after_approval_also_sends_it_back(session, drafter, tahir):
    message = submitted(session, drafter)
    approved = approve(session, tahir, message)
    changed = messages.update_message(
        session,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=approved.version,
        title="M",
        themes=["victims-of-terrorism", "youth-dialogue"],
    )
    assert changed.status == MessageStatus.IN_REVIEW


def test_approving_content_that_changed_while_reviewing_is_refused(session, drafter, tahir):
    message = submitted(session, drafter)
    view = seen(session, tahir, message)
    messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=message.variants[0].version,
        platform="x",
        language="en",
        body=CLEAN + " changed",
    )
    with pytest.raises(Conflict, match="changed while you were reviewing"):
        review.approve(session, actor=tahir, now=NOW, message_id=message.id, content_hash_seen=view.content_hash)


def test_a_blocking_finding_prevents_approval(session, drafter, tahir):
    message = submitted(session, drafter, text="Call Farid on +92 300 1234567 to join")
    view = seen(session, tahir, message)
    assert any(f.severity == "blocker" and f.rule.startswith("personal-data") for f in view.findings)
    with pytest.raises(ValidationFailed, match="blocking"):
        approve(session, tahir, message)


def test_each_warning_needs_a_note_and_the_note_is_bound_to_the_content(session, drafter, tahir):
    message = submitted(session, drafter, text="70% of parents now trust the drops")
    view = seen(session, tahir, message)
    warnings = [f for f in view.findings if f.severity == "warning"]
    assert warnings
    with pytest.raises(ValidationFailed, match="Acknowledge"):
        approve(session, tahir, message)
    for finding in warnings:
        review.acknowledge(
            session,
            actor=tahir,
            now=NOW,
            message_id=message.id,
            finding_key=finding.key,
            content_hash_seen=view.content_hash,
            note="Figure checked against the programme's report",
        )
    assert seen(session, tahir, message).findings[0].acknowledged_by == "Tahir"
    assert approve(session, tahir, message).status == MessageStatus.APPROVED


def test_a_featured_person_without_consent_blocks_approval(session, drafter, tahir):
    message = submitted(session, drafter, features_person=True)
    assert any(f.rule == "victims.consent" for f in seen(session, tahir, message).findings)
    with pytest.raises(ValidationFailed):
        approve(session, tahir, message)


def test_a_link_to_a_denylisted_domain_blocks_approval(session, team, drafter, tahir):
    admin = make_member(session, team, Role.ADMIN, username="samina")
    review.add_denylist_entry(session, actor=admin, now=NOW, entry="https://www.bad-example.net/", note="propaganda")
    message = submitted(session, drafter, text="Read this https://news.bad-example.net/item")
    assert any(f.rule == "amplification.denylist" for f in seen(session, tahir, message).findings)
    assert [e.entry for e in review.list_denylist(session, actor=drafter, now=NOW)] == ["bad-example.net"]


def test_two_facilitators_approving_at_once_give_exactly_one_approval(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        team = make_team(setup)
        author = make_member(setup, team, Role.DRAFTER, username="farid")
        first = make_member(setup, team, Role.FACILITATOR, username="tahir")
        second = make_member(setup, team, Role.FACILITATOR, username="gul")
        message = submitted(setup, author)
        digest = seen(setup, first, message).content_hash

    def attempt(actor):
        def go():
            with Session(concurrent_engine, expire_on_commit=False) as own:
                review.approve(own, actor=actor, now=NOW, message_id=message.id, content_hash_seen=digest)
            return "approved"

        return go

    outcomes = run_at_once(attempt(first), attempt(second))
    assert outcomes.count("approved") == 1
    with Session(concurrent_engine) as check:
        assert check.exec(select(func.count()).select_from(Approval)).one() == 1


def test_a_crisis_pause_holds_every_approved_message_and_resuming_needs_a_fresh_approval(session, team, drafter, tahir):
    admin = make_member(session, team, Role.ADMIN, username="samina")
    message = submitted(session, drafter)
    approve(session, tahir, message)
    assert review.pause_team(session, actor=admin, now=NOW, reason="Attack in Peshawar") == 1
    assert review.pause_state(session, actor=drafter, now=NOW).paused
    assert messages.get_message(session, actor=drafter, now=NOW, message_id=message.id).status == MessageStatus.ON_HOLD
    with pytest.raises(Conflict, match="crisis pause"):
        review.resume(session, actor=tahir, now=NOW, message_id=message.id)
    review.end_pause(session, actor=admin, now=NOW)
    resumed = review.resume(session, actor=tahir, now=NOW, message_id=message.id)
    assert resumed.status == MessageStatus.IN_REVIEW
    assert seen(session, tahir, message).needed == "review"


def test_every_transition_is_audited_with_the_content_hash(session, drafter, tahir):
    message = submitted(session, drafter)
    approve(session, tahir, message)
    events = session.exec(
        select(AuditEvent.action, AuditEvent.details).where(
            AuditEvent.action.in_(["message.submit", "message.approve"])
        )
    ).all()
    assert [action for action, _ in events] == ["message.submit", "message.approve"]
    assert all(len(details["content_hash"]) == 64 for _, details in events)


def test_the_queue_is_oldest_first_and_the_inbox_shows_what_came_back(session, drafter, tahir):
    first = submitted(session, drafter, n=1)
    second = submitted(session, drafter, n=2)
    assert [m.id for m in review.review_queue(session, actor=tahir, now=NOW)] == [first.id, second.id]
    review.request_changes(session, actor=tahir, now=NOW, message_id=first.id, comment="Add a source")
    inbox = review.inbox(session, actor=drafter, now=NOW)
    assert [(m.id, m.last_comment) for m in inbox] == [(first.id, "Add a source")]


def test_drafters_and_viewers_cannot_review(session, team, drafter):
    message = submitted(session, drafter)
    viewer = make_member(session, team, Role.VIEWER, username="ayesha")
    for actor in (drafter, viewer):
        with pytest.raises(PermissionDenied):
            review.request_changes(session, actor=actor, now=NOW, message_id=message.id, comment="x")


def test_another_teams_message_is_not_found_for_review(session, drafter):
    message = submitted(session, drafter)
    stranger = make_member(session, make_team(session, "away", "Away"), Role.FACILITATOR, username="stranger")
    with pytest.raises(NotFound):
        review.review(session, actor=stranger, now=NOW, message_id=message.id)
    with pytest.raises(NotFound):
        approve_hash = "0" * 64
        review.approve(session, actor=stranger, now=NOW, message_id=message.id, content_hash_seen=approve_hash)
