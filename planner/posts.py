"""Scheduling services: channels, posts on the calendar, publishing by hand, and the hooks that keep
posts in step with their message's review (an edited message's posts are held until re-approved).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from pydantic import BaseModel
from sqlmodel import Session, col, select, update

from planner import audit, consent, exports, reach_counted
from planner.errors import Conflict, NotFound, ValidationFailed
from planner.inputs import clean_text
from planner.models import (
    Campaign,
    Channel,
    Message,
    MessageStatus,
    Post,
    PostStatus,
    Team,
    Variant,
)
from planner.policy import Action, Actor, require
from planner.text import platforms
from planner.themes import catalog
from planner.timing import (
    CalendarWarning,
    PostFacts,
    both_local,
    check_future,
    to_utc,
    warnings,
    weekly,
)
from planner.vocabulary import vocabulary

SCHEDULABLE = (MessageStatus.APPROVED, MessageStatus.SCHEDULED)
# A post in one of these keeps its time slot; a cancelled or failed one frees it.
_OCCUPYING = (PostStatus.SCHEDULED, PostStatus.HELD, PostStatus.PUBLISHED)


class ChannelRead(BaseModel):
    id: int
    platform: str
    name: str
    active: bool
    audience_region: str = "cross-border"


class PostRead(BaseModel):
    id: int
    campaign_id: int
    campaign_name: str
    message_id: int
    message_title: str
    variant_id: int
    platform: str
    language: str
    channel_id: int
    channel_name: str
    themes: list[str]
    title: str
    text: str
    scheduled_at: datetime
    entered_zone: str
    status: PostStatus
    series: str | None
    permalink: str
    platform_post_id: str
    failure_reason: str
    version: int


class Calendar(BaseModel):
    posts: list[PostRead]
    warnings: list[CalendarWarning]


class Schedulable(BaseModel):
    """An approved variant that can go on the calendar, with the channels it fits."""

    variant_id: int
    message_id: int
    message_title: str
    campaign_id: int
    campaign_name: str
    platform: str
    language: str
    channels: list[ChannelRead]
    consent_reference: str = ""
    consent_form_on_file: bool = True  # whether the admin holds the signed form the reference names


# ---- channels ----------------------------------------------------------------------------------


def list_channels(session: Session, *, actor: Actor, now: datetime) -> list[ChannelRead]:
    """The team's accounts per platform."""
    actor = require(session, actor, Action.VIEW_TEAM, now=now)
    rows = session.exec(
        select(Channel).where(Channel.team_id == actor.team_id).order_by(Channel.platform, Channel.name)
    ).all()
    return [_channel_read(c) for c in rows]


def _channel_read(channel: Channel) -> ChannelRead:
    return ChannelRead(
        id=channel.id,
        platform=channel.platform,
        name=channel.name,
        active=channel.active,
        audience_region=channel.audience_region,
    )


def _audience(region: str) -> str:
    if region not in vocabulary().ids("regions"):
        raise ValidationFailed({"audience_region": "Choose whom the account mainly reaches."})
    return region


def add_channel(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    platform: str,
    name: str,
    audience_region: str = "cross-border",
) -> ChannelRead:
    """Name one of the team's accounts, e.g. the 'Youth Dialogue' Facebook Page, and whom it mainly reaches."""
    actor = require(session, actor, Action.MANAGE_CHANNELS, now=now)
    audience_region = _audience(audience_region)
    name = clean_text(name)
    if platform not in platforms().variant_ids():
        raise ValidationFailed({"platform": "Choose a platform."})
    if not name or len(name) > 120:
        raise ValidationFailed({"name": "Give the account a name of 1-120 characters."})
    clash = session.exec(
        select(Channel.id).where(Channel.team_id == actor.team_id, Channel.platform == platform, Channel.name == name)
    ).first()
    if clash:
        raise ValidationFailed({"name": "This account exists already."})
    channel = Channel(
        team_id=actor.team_id, platform=platform, name=name, audience_region=audience_region, created_at=now
    )
    session.add(channel)
    session.flush()
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="channel.added",
        subject_type="channel",
        subject_id=channel.id,
        now=now,
    )
    session.commit()
    return _channel_read(channel)


def set_channel_audience(
    session: Session, *, actor: Actor, now: datetime, channel_id: int, audience_region: str
) -> ChannelRead:
    """Say whom an account mainly reaches (Pakistan, Afghanistan, both, diaspora): the dashboards' audience view."""
    actor = require(session, actor, Action.MANAGE_CHANNELS, now=now)
    channel = session.get(Channel, channel_id)
    if channel is None or channel.team_id != actor.team_id:
        raise NotFound("No such channel in your team.")
    channel.audience_region = _audience(audience_region)
    session.add(channel)
    session.flush()
    reach_counted.refresh(session, team_id=actor.team_id, where=reach_counted.of_channel(channel.id))
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="channel.audience_set",
        subject_type="channel",
        subject_id=channel.id,
        now=now,
        details={"audience_region": channel.audience_region},
    )
    session.commit()
    return _channel_read(channel)


# ---- reading -----------------------------------------------------------------------------------


def _reads(session: Session, posts: list[Post]) -> list[PostRead]:
    if not posts:
        return []
    variants = {
        v.id: v for v in session.exec(select(Variant).where(col(Variant.id).in_({p.variant_id for p in posts})))
    }
    messages = {
        m.id: m for m in session.exec(select(Message).where(col(Message.id).in_({p.message_id for p in posts})))
    }
    channels = {
        c.id: c for c in session.exec(select(Channel).where(col(Channel.id).in_({p.channel_id for p in posts})))
    }
    names = dict(
        session.exec(
            select(Campaign.id, Campaign.name).where(col(Campaign.id).in_({p.campaign_id for p in posts}))
        ).all()
    )
    found = []
    for post in posts:
        variant, message = variants[post.variant_id], messages[post.message_id]
        found.append(
            PostRead(
                id=post.id,
                campaign_id=post.campaign_id,
                campaign_name=names[post.campaign_id],
                message_id=message.id,
                message_title=message.title,
                variant_id=variant.id,
                platform=variant.platform,
                language=variant.language,
                channel_id=post.channel_id,
                channel_name=channels[post.channel_id].name,
                themes=message.themes,
                title=variant.title,
                text=variant.body,
                scheduled_at=post.scheduled_at,
                entered_zone=post.entered_zone,
                status=PostStatus(post.status),
                series=post.series,
                permalink=post.permalink,
                platform_post_id=post.platform_post_id,
                failure_reason=post.failure_reason,
                version=post.version,
            )
        )
    return found


def calendar(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    start: datetime,
    end: datetime,
    campaign_id: int | None = None,
    theme: str | None = None,
    platform: str | None = None,
    language: str | None = None,
    statuses: list[str] | None = None,
) -> Calendar:
    """Posts between `start` and `end` (UTC), filtered, with the warnings a coordinator should see."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    query = select(Post).where(Post.team_id == actor.team_id, Post.scheduled_at >= start, Post.scheduled_at < end)
    if campaign_id is not None:
        query = query.where(Post.campaign_id == campaign_id)
    if statuses:
        query = query.where(col(Post.status).in_(statuses))
    posts = [
        post
        for post in _reads(session, list(session.exec(query.order_by(Post.scheduled_at, Post.id)).all()))
        if (not theme or theme in post.themes)
        and (not platform or post.platform == platform)
        and (not language or post.language == language)
    ]
    team = session.get(Team, actor.team_id)
    live = [p for p in posts if p.status in (PostStatus.SCHEDULED, PostStatus.HELD)]
    windows = {
        c.id: (c.start_date, c.end_date)
        for c in session.exec(select(Campaign).where(col(Campaign.id).in_({p.campaign_id for p in live})))
    }
    facts = [PostFacts(p.id, p.channel_id, p.channel_name, p.campaign_id, p.scheduled_at, p.text) for p in live]
    return Calendar(
        posts=posts,
        warnings=warnings(
            facts, per_hour_limit=team.posts_per_channel_hour, windows=windows, paused=team.paused_at is not None
        ),
    )


def schedulable(session: Session, *, actor: Actor, now: datetime, campaign_id: int | None = None) -> list[Schedulable]:
    """Approved variants and the active channels of their platform."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    query = (
        select(Variant, Message, Campaign.name)
        .join(Message, Message.id == Variant.message_id)
        .join(Campaign, Campaign.id == Message.campaign_id)
        .where(Message.team_id == actor.team_id, col(Message.status).in_(SCHEDULABLE))
        .order_by(Campaign.name, Message.title, Variant.platform, Variant.language)
    )
    if campaign_id is not None:
        query = query.where(Message.campaign_id == campaign_id)
    channels = list_channels(session, actor=actor, now=now)
    held = consent.references_on_file(session, actor.team_id)
    return [
        Schedulable(
            variant_id=variant.id,
            message_id=message.id,
            message_title=message.title,
            campaign_id=message.campaign_id,
            campaign_name=campaign_name,
            platform=variant.platform,
            language=variant.language,
            channels=[c for c in channels if c.platform == variant.platform and c.active],
            consent_reference=message.consent_reference,
            consent_form_on_file=not message.consent_reference.strip()
            or consent.cites_any(message.consent_reference, held),
        )
        for variant, message, campaign_name in session.exec(query).all()
    ]


# ---- writing -----------------------------------------------------------------------------------


def _audit(session: Session, actor: Actor, post: Post, action: str, now: datetime, **details) -> None:
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action=action,
        subject_type="post",
        subject_id=post.id,
        now=now,
        details=details,
    )


def schedule_post(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    variant_id: int,
    channel_id: int,
    day: date,
    at: time,
    zone: str,
    repeat_weekly_until: date | None = None,
) -> list[PostRead]:
    """Put an approved variant on a channel at a local time (and weekly after, if asked)."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    if session.get(Team, actor.team_id).paused_at is not None:
        raise Conflict("The team is in a crisis pause: nothing can be scheduled until an admin ends it.")
    variant = session.get(Variant, variant_id)
    if variant is None or variant.team_id != actor.team_id:
        raise NotFound("No such variant in your team.")
    message = session.exec(select(Message).where(Message.id == variant.message_id).with_for_update()).one()
    if message.status not in SCHEDULABLE:
        raise ValidationFailed(
            {"variant_id": f"Only approved messages can be scheduled. This one is {message.status.replace('_', ' ')}."}
        )
    channel = session.get(Channel, channel_id)
    if channel is None or channel.team_id != actor.team_id:
        raise NotFound("No such channel in your team.")
    if channel.platform != variant.platform or not channel.active:
        raise ValidationFailed(
            {"channel_id": f"Choose an active {platforms().variant(variant.platform).label} account."}
        )
    first = to_utc(day, at, zone)
    check_future(first, now)
    times = weekly(first, repeat_weekly_until, zone)
    _check_slots_free(session, variant.id, channel.id, times)
    series = str(uuid.uuid4()) if len(times) > 1 else None
    created = []
    for when in times:
        post = Post(
            team_id=actor.team_id,
            campaign_id=message.campaign_id,
            message_id=message.id,
            variant_id=variant.id,
            channel_id=channel.id,
            scheduled_at=when,
            entered_zone=zone,
            series=series,
            created_by_membership_id=actor.membership_id,
            created_at=now,
        )
        session.add(post)
        session.flush()
        _audit(session, actor, post, "post.scheduled", now, variant_id=variant.id, channel_id=channel.id)
        created.append(post)
    if message.status == MessageStatus.APPROVED:
        message.status = MessageStatus.SCHEDULED
        session.add(message)
    session.commit()
    return _reads(session, created)


def _check_slots_free(session: Session, variant_id: int, channel_id: int, times: list[datetime]) -> None:
    """The same variant twice on one account at one time is a double submission (a double-click, a rerun):
    refuse it. The message row is locked by the caller, so two such requests at once cannot both pass."""
    taken = session.exec(
        select(Post.scheduled_at)
        .where(
            Post.variant_id == variant_id,
            Post.channel_id == channel_id,
            col(Post.scheduled_at).in_(times),
            col(Post.status).in_(_OCCUPYING),
        )
        .order_by(Post.scheduled_at)
    ).first()
    if taken is not None:
        raise ValidationFailed(
            {"time": f"This variant is already scheduled on this account at that time ({both_local(taken)})."}
        )


def _post(session: Session, actor: Actor, post_id: int, expected_version: int | None = None) -> Post:
    post = session.get(Post, post_id)
    if post is None or post.team_id != actor.team_id:
        raise NotFound("No such post in your team.")
    if expected_version is not None and post.version != expected_version:
        raise Conflict("Someone else changed this post a moment ago. The calendar now shows the current state.")
    return post


def _claim(session: Session, post: Post) -> None:
    claimed = session.exec(
        update(Post).where(Post.id == post.id, Post.version == post.version).values(version=Post.version + 1)
    ).rowcount
    if claimed != 1:
        raise Conflict("Someone else changed this post a moment ago. The calendar now shows the current state.")
    session.refresh(post)


def move_post(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    post_id: int,
    expected_version: int,
    day: date,
    at: time,
    zone: str,
) -> PostRead:
    """Move a scheduled post to another time."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    post = _post(session, actor, post_id, expected_version)
    if post.status not in (PostStatus.SCHEDULED, PostStatus.HELD):
        raise ValidationFailed({"status": f"A {post.status} post cannot be moved."})
    when = to_utc(day, at, zone)
    check_future(when, now)
    _claim(session, post)
    before = post.scheduled_at
    post.scheduled_at, post.entered_zone = when, zone
    session.add(post)
    _audit(session, actor, post, "post.moved", now, before=before.isoformat(), after=when.isoformat())
    session.commit()
    return _reads(session, [post])[0]


def mark_published(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    post_id: int,
    expected_version: int,
    permalink: str,
    platform_post_id: str = "",
) -> PostRead:
    """Record that the post went out (posted by hand), with its link and the platform's post id."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    post = _post(session, actor, post_id, expected_version)
    permalink, platform_post_id = clean_text(permalink), clean_text(platform_post_id)
    if post.status not in (PostStatus.SCHEDULED, PostStatus.FAILED):
        raise ValidationFailed({"status": f"A {post.status} post cannot be marked published."})
    if not permalink.startswith(("https://", "http://")):
        raise ValidationFailed({"permalink": "Paste the post's web address (https://…): reach is matched by it."})
    _claim(session, post)
    post.status, post.permalink, post.platform_post_id, post.published_at = (
        PostStatus.PUBLISHED,
        permalink[:500],
        platform_post_id[:100],
        now,
    )
    session.add(post)
    _audit(session, actor, post, "post.published", now)
    _settle_message(session, post.message_id)
    session.commit()
    return _reads(session, [post])[0]


def mark_failed(
    session: Session, *, actor: Actor, now: datetime, post_id: int, expected_version: int, reason: str
) -> PostRead:
    """Record that the post could not be published, and why."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    post = _post(session, actor, post_id, expected_version)
    reason = clean_text(reason)
    if not reason:
        raise ValidationFailed({"reason": "Say what went wrong, e.g. 'account locked'."})
    if post.status != PostStatus.SCHEDULED:
        raise ValidationFailed({"status": f"A {post.status} post cannot be marked failed."})
    _claim(session, post)
    post.status, post.failure_reason = PostStatus.FAILED, reason[:500]
    session.add(post)
    _audit(session, actor, post, "post.failed", now)
    session.commit()
    return _reads(session, [post])[0]


def cancel_post(session: Session, *, actor: Actor, now: datetime, post_id: int, expected_version: int) -> PostRead:
    """Take a post off the calendar."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    post = _post(session, actor, post_id, expected_version)
    if post.status == PostStatus.PUBLISHED:
        raise ValidationFailed({"status": "A published post cannot be cancelled."})
    _claim(session, post)
    post.status = PostStatus.CANCELLED
    session.add(post)
    _audit(session, actor, post, "post.cancelled", now)
    _settle_message(session, post.message_id)
    session.commit()
    return _reads(session, [post])[0]


def _settle_message(session: Session, message_id: int) -> None:
    """A message is published once every post of it that is not cancelled went out."""
    message = session.get(Message, message_id)
    statuses = set(session.exec(select(Post.status).where(Post.message_id == message_id)).all()) - {
        PostStatus.CANCELLED
    }
    if statuses == {PostStatus.PUBLISHED} and message.status == MessageStatus.SCHEDULED:
        message.status = MessageStatus.PUBLISHED
        session.add(message)


# ---- hooks used by messages and review ---------------------------------------------------------


def hold_posts(session: Session, message_id: int) -> int:
    """The message went back to review or on hold: its scheduled posts wait (no commit)."""
    return session.exec(
        update(Post)
        .where(Post.message_id == message_id, Post.status == PostStatus.SCHEDULED)
        .values(status=PostStatus.HELD, version=Post.version + 1)
    ).rowcount


def release_posts(session: Session, message: Message, now: datetime) -> int:
    """The message is approved again: its held posts still in the future go back on the calendar."""
    released = session.exec(
        update(Post)
        .where(Post.message_id == message.id, Post.status == PostStatus.HELD, Post.scheduled_at > now)
        .values(status=PostStatus.SCHEDULED, version=Post.version + 1)
    ).rowcount
    if released:
        message.status = MessageStatus.SCHEDULED
        session.add(message)
    return released


def cancel_posts(session: Session, message_id: int) -> int:
    """The message was archived: its future posts are cancelled (no commit)."""
    return session.exec(
        update(Post)
        .where(Post.message_id == message_id, col(Post.status).in_([PostStatus.SCHEDULED, PostStatus.HELD]))
        .values(status=PostStatus.CANCELLED, version=Post.version + 1)
    ).rowcount


def theme_labels(theme_ids: list[str]) -> tuple[str, ...]:
    return tuple(catalog().get(t).label() for t in theme_ids if t in catalog().ids())


# ---- exports -----------------------------------------------------------------------------------

EXPORT_KINDS = ("ics", "csv", "hootsuite", "sprout")


def _export_rows(session: Session, team_id: int, team_slug: str, reads: list[PostRead]) -> list[exports.ExportPost]:
    return [
        exports.ExportPost(
            post_id=p.id,
            team_slug=team_slug,
            campaign_name=p.campaign_name,
            message_title=p.message_title,
            platform=p.platform,
            platform_label=platforms().variant(p.platform).label,
            language=p.language,
            channel=p.channel_name,
            title=p.title,
            text=p.text,
            scheduled_at=p.scheduled_at,
            status=p.status,
            themes=theme_labels(p.themes),
            permalink=p.permalink,
        )
        for p in reads
    ]


def export_posts(
    session: Session,
    *,
    team_id: int,
    now: datetime,
    kind: str,
    campaign_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    zone: str = "Asia/Karachi",
) -> exports.BulkExport:
    """Files for one export kind (trusted path: the service below and the CLI check the caller)."""
    if kind not in EXPORT_KINDS:
        raise ValidationFailed({"kind": f"Choose one of: {', '.join(EXPORT_KINDS)}."})
    team = session.get(Team, team_id)
    query = select(Post).where(Post.team_id == team_id, Post.status != PostStatus.CANCELLED)
    if campaign_id is not None:
        query = query.where(Post.campaign_id == campaign_id)
    if start is not None:
        query = query.where(Post.scheduled_at >= start)
    if end is not None:
        query = query.where(Post.scheduled_at < end)
    if kind in ("hootsuite", "sprout"):
        query = query.where(Post.status == PostStatus.SCHEDULED)  # bulk tools take what is still to go out
    rows = _export_rows(
        session, team_id, team.slug, _reads(session, list(session.exec(query.order_by(Post.scheduled_at))))
    )
    if kind == "hootsuite":
        return exports.to_hootsuite(rows, now=now, tz=zone, team_slug=team.slug)
    if kind == "sprout":
        return exports.to_sprout(rows, now=now, tz=zone, team_slug=team.slug)
    data = exports.to_ics(rows, now=now) if kind == "ics" else exports.to_csv(rows)
    return exports.BulkExport(
        files=[(exports.export_filename(kind, team.slug, now), data)], problems=[], rows=len(rows)
    )


def export(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    kind: str,
    campaign_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    zone: str = "Asia/Karachi",
) -> exports.BulkExport:
    """The team's plan as iCalendar, CSV, or Hootsuite / Sprout bulk files (rows that cannot comply are listed)."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    if campaign_id is not None:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None or campaign.team_id != actor.team_id:
            raise NotFound("No such campaign in your team.")
    return export_posts(
        session, team_id=actor.team_id, now=now, kind=kind, campaign_id=campaign_id, start=start, end=end, zone=zone
    )
