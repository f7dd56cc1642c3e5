"""What a journey starts from, made through the services as the demo's members would make it.

A journey shows one person's steps in the browser; the work other people did before (a draft written
and submitted, a message approved, a post published) is arranged here, on the server's own database,
so that every journey stands alone and runs in any order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from planner import accounts, campaigns, messages, posts, review
from planner.db import utcnow
from planner.policy import Actor
from planner.timing import local
from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.steps import ACTIVE_CAMPAIGN

# Two drafts the screening flags: each quotes a percentage and the message names no source.
URDU_X = "پولیو کے قطرے محفوظ ہیں۔ پشاور میں 95 فیصد والدین نے اپنے بچوں کو قطرے پلائے۔"
ENGLISH_FACEBOOK = "Polio drops are safe. In Peshawar 95% of parents had their children vaccinated last round."


@dataclass(frozen=True)
class Draft:
    platform: str
    language: str
    body: str


UNSOURCED = (Draft("x", "ur", URDU_X), Draft("facebook", "en", ENGLISH_FACEBOOK))


@contextmanager
def acting_as(engine: Engine, username: str) -> Iterator[tuple[Session, Actor]]:
    """A session and the actor of a demo member logged in for it (and logged out after)."""
    with Session(engine, expire_on_commit=False) as session:
        token = accounts.log_in(session, username=username, password=DEMO_PASSWORD, now=utcnow())
        yield session, accounts.resolve(session, token=token, now=utcnow())
        accounts.log_out(session, token=token, now=utcnow())


def _campaign_id(session: Session, actor: Actor) -> int:
    listed = campaigns.list_campaigns(session, actor=actor, now=utcnow())
    return next(c.id for c in listed if ACTIVE_CAMPAIGN in c.name)


def submitted_message(engine: Engine, title: str, drafts: tuple[Draft, ...] = UNSOURCED) -> int:
    """The drafter's new message in the running campaign, with its variants, submitted for review."""
    with acting_as(engine, "drafter") as (session, drafter):
        message = messages.create_message(
            session,
            actor=drafter,
            now=utcnow(),
            campaign_id=_campaign_id(session, drafter),
            title=title,
            core_idea="Parents trust the drops when a neighbour explains them.",
            themes=["polio-eradication"],
            narrative_type="counter",
        )
        for draft in drafts:
            messages.save_variant(
                session,
                actor=drafter,
                now=utcnow(),
                message_id=message.id,
                expected_version=None,
                platform=draft.platform,
                language=draft.language,
                body=draft.body,
            )
        review.submit(session, actor=drafter, now=utcnow(), message_id=message.id)
        return message.id


def approved_message(engine: Engine, title: str, drafts: tuple[Draft, ...] = UNSOURCED) -> int:
    """A submitted message whose warnings the facilitator noted before approving it."""
    message_id = submitted_message(engine, title, drafts)
    with acting_as(engine, "facilitator") as (session, facilitator):
        seen = review.review(session, actor=facilitator, now=utcnow(), message_id=message_id)
        for finding in seen.findings:
            review.acknowledge(
                session,
                actor=facilitator,
                now=utcnow(),
                message_id=message_id,
                finding_key=finding.key,
                content_hash_seen=seen.content_hash,
                note="Checked against the health department's round report.",
            )
        review.approve(
            session, actor=facilitator, now=utcnow(), message_id=message_id, content_hash_seen=seen.content_hash
        )
    return message_id


def message_status(engine: Engine, message_id: int) -> str:
    with acting_as(engine, "viewer") as (session, viewer):
        return messages.get_message(session, actor=viewer, now=utcnow(), message_id=message_id).status


def published_post(engine: Engine, message_id: int, platform: str, *, post_id: str, permalink: str) -> None:
    """Schedule the message's variant on the team's account for tomorrow, then mark it published."""
    with acting_as(engine, "drafter") as (session, drafter):
        message = messages.get_message(session, actor=drafter, now=utcnow(), message_id=message_id)
        variant = next(v for v in message.variants if v.platform == platform)
        channel = next(c for c in posts.list_channels(session, actor=drafter, now=utcnow()) if c.platform == platform)
        tomorrow = local(utcnow(), "Asia/Karachi").date() + timedelta(days=1)
        (post,) = posts.schedule_post(
            session,
            actor=drafter,
            now=utcnow(),
            variant_id=variant.id,
            channel_id=channel.id,
            day=tomorrow,
            at=time(9, 0),
            zone="Asia/Karachi",
        )
        posts.mark_published(
            session,
            actor=drafter,
            now=utcnow(),
            post_id=post.id,
            expected_version=post.version,
            permalink=permalink,
            platform_post_id=post_id,
        )
