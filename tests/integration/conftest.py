"""Fixtures and factories the integration tests share: a team, its drafter, an approved message."""

from datetime import date

import pytest

from planner import campaigns, messages, review
from planner.models import Role
from tests.conftest import NOW, make_member, make_team
from tests.integration.reach_world import world  # noqa: F401  (a fixture: the hand-built reach world)


@pytest.fixture
def team(session):
    return make_team(session)


@pytest.fixture
def drafter(session, team):
    return make_member(session, team, Role.DRAFTER, username="farid")


def approved_message(session, team, drafter, *, platform, language, body, **message_fields):
    """A message with one variant, written by `drafter` and approved by a facilitator (as MessageRead)."""
    facilitator = make_member(session, team, Role.FACILITATOR, username="tahir")
    plan = campaigns.create_campaign(
        session, actor=drafter, now=NOW, name="Polio", start_date=date(2026, 11, 20), end_date=date(2027, 1, 31)
    )
    message = messages.create_message(session, actor=drafter, now=NOW, campaign_id=plan.id, **message_fields)
    message = messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=None,
        platform=platform,
        language=language,
        body=body,
    )
    review.submit(session, actor=drafter, now=NOW, message_id=message.id)
    digest = review.review(session, actor=facilitator, now=NOW, message_id=message.id).content_hash
    return review.approve(session, actor=facilitator, now=NOW, message_id=message.id, content_hash_seen=digest)
