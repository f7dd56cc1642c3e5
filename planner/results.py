"""Results entered by hand where no export exists: the impact tier of GAMMMA+ M&E and WhatsApp Channel views.

Four kinds: WhatsApp Channel views (copied from the channel, which has no export), an offline event's
attendance, a survey (% agreeing, with how many answered) and comments coded by hand (how many showed a
positive shift, out of how many coded). Every entry says how it was measured. An entry is never changed:
a correction voids it and adds a new one, so the trail of what was reported stays whole.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from planner import audit, people
from planner.errors import Conflict, NotFound, ValidationFailed
from planner.inputs import clean_text
from planner.languages import Language
from planner.models import (
    Campaign,
    CampaignStatus,
    Channel,
    ManualResult,
    Membership,
    Message,
    Post,
    PostStatus,
    User,
    Variant,
)
from planner.policy import Action, Actor, require
from planner.timing import local
from planner.vocabulary import vocabulary

ALREADY_VOIDED = "This entry was voided or corrected already; the list now shows the current entries."

MAX_COUNT = 1_000_000_000  # more than this is a typing slip, not a result
SOURCE_LENGTH = (10, 1000)


@dataclass(frozen=True)
class ResultKind:
    """What a kind of entry measures and which rules its number follows."""

    id: str
    label: str
    metrics: tuple[str, ...]  # vocabulary metric ids; the first is the default
    percent: bool = False  # the value is a percentage, 0–100
    sample: str | None = None  # what the sample size counts, when one is required
    at_most_sample: bool = False  # the value counts part of the sample
    needs_post_or_message: bool = False
    platform: str | None = None


KINDS = {
    kind.id: kind
    for kind in (
        ResultKind(
            "whatsapp-views",
            "WhatsApp Channel views",
            ("video-views", "reach"),
            needs_post_or_message=True,
            platform="whatsapp",
        ),
        ResultKind("offline-event", "Offline event", ("offline-actions",)),
        ResultKind("survey", "Survey", ("survey-result",), percent=True, sample="people who answered"),
        ResultKind(
            "coded-comments", "Coded comments", ("coded-comments",), sample="comments coded", at_most_sample=True
        ),
    )
}
METRIC_ALIASES = {"views": "video-views"}  # WhatsApp shows "views"; the vocabulary calls the metric video-views


class ResultRead(BaseModel):
    id: int
    campaign_id: int
    campaign_name: str
    kind: str
    kind_label: str
    metric: str
    metric_label: str
    value: float
    sample_size: int | None
    period_start: date
    period_end: date
    platform: str | None
    language: str | None
    audience_region: str | None
    message_id: int | None
    message_title: str | None
    post_id: int | None
    source: str
    entered_by: str
    entered_at: datetime
    voided_at: datetime | None


class PostOption(BaseModel):
    post_id: int
    message_id: int
    message_title: str
    platform: str
    language: str
    channel_name: str
    published_at: datetime | None


class MessageOption(BaseModel):
    message_id: int
    title: str


class EntryChoices(BaseModel):
    """What an entry of a campaign can be linked to: its published posts and its messages."""

    posts: list[PostOption]
    messages: list[MessageOption]


@dataclass(frozen=True)
class _Checked:
    metric: str
    value: float
    sample_size: int | None
    source: str


# ---- rules -------------------------------------------------------------------------------------


def _value_problem(kind: ResultKind, value: float | None) -> str | None:
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return "Enter a number."
    if value < 0:
        return "It cannot be below zero."
    if kind.percent:
        return "A percentage is between 0 and 100." if value > 100 else None
    if value != int(value):
        return "Enter a whole number: people and comments are counted whole."
    return "That is more than a billion: check the number." if value > MAX_COUNT else None


def _sample_problem(kind: ResultKind, value: float | None, sample_size: int | None) -> str | None:
    if kind.sample is None:
        return "Only surveys and coded comments have a sample size." if sample_size is not None else None
    if sample_size is None or isinstance(sample_size, bool):
        return f"Say how many {kind.sample}."
    if sample_size < 1 or sample_size > MAX_COUNT:
        return f"The number of {kind.sample} is at least 1."
    if kind.at_most_sample and value is not None and value > sample_size:
        return f"More comments counted than {kind.sample}: check both numbers."
    return None


def check_result(
    kind_id: str,
    *,
    today: date,
    metric: str | None,
    value: float | None,
    sample_size: int | None,
    period_start: date | None,
    period_end: date | None,
    source: str,
    language: str | None = None,
    audience_region: str | None = None,
) -> _Checked:
    """Every rule that needs no database, all problems at once (ValidationFailed maps field → reason)."""
    kind = KINDS.get(kind_id)
    if kind is None:
        raise ValidationFailed({"kind": "Choose WhatsApp Channel views, an offline event, a survey or coded comments."})
    problems: dict[str, str] = {}
    metric = METRIC_ALIASES.get(metric or "", metric) or kind.metrics[0]
    if metric not in kind.metrics:
        problems["metric"] = f"Choose one of: {', '.join(vocabulary().label('metrics', m) for m in kind.metrics)}."
    if problem := _value_problem(kind, value):
        problems["value"] = problem
    if problem := _sample_problem(kind, value, sample_size):
        problems["sample_size"] = problem
    if period_start is None:
        problems["period_start"] = "Give the first day."
    if period_end is None:
        problems["period_end"] = "Give the last day."
    elif period_end > today:
        problems["period_end"] = "This day has not come yet: enter results for days that have passed."
    elif period_start is not None and period_end < period_start:
        problems["period_end"] = "The last day is before the first day."
    source = clean_text(source or "")
    if len(source) < SOURCE_LENGTH[0]:
        problems["source"] = (
            "Say how it was measured, e.g. 'paper survey of 120 students after the Peshawar screening'."
        )
    elif len(source) > SOURCE_LENGTH[1]:
        problems["source"] = f"Keep it under {SOURCE_LENGTH[1]:,} characters."
    if language is not None and language not in {str(x) for x in Language}:
        problems["language"] = "Choose English, Urdu, Pashto or Dari."
    if audience_region is not None and audience_region not in vocabulary().ids("regions"):
        problems["audience_region"] = "Choose one of the regions."
    if problems:
        raise ValidationFailed(problems)
    return _Checked(metric=metric, value=float(value), sample_size=sample_size, source=source)


# ---- reading -----------------------------------------------------------------------------------


def _campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.team_id != actor.team_id:
        raise NotFound("No such campaign in your team.")
    return campaign


def _reads(session: Session, rows: list[ManualResult]) -> list[ResultRead]:
    if not rows:
        return []
    campaigns = dict(
        session.exec(
            select(Campaign.id, Campaign.name).where(col(Campaign.id).in_({r.campaign_id for r in rows}))
        ).all()
    )
    titles = dict(
        session.exec(
            select(Message.id, Message.title).where(col(Message.id).in_({r.message_id for r in rows if r.message_id}))
        ).all()
    )
    names = dict(
        session.exec(
            select(Membership.id, User.display_name)
            .join(User, User.id == Membership.user_id)
            .where(col(Membership.id).in_({r.entered_by_membership_id for r in rows}))
        ).all()
    )
    return [
        ResultRead(
            **row.model_dump(exclude={"team_id", "entered_by_membership_id"}),
            campaign_name=campaigns[row.campaign_id],
            kind_label=KINDS[row.kind].label if row.kind in KINDS else row.kind,
            metric_label=vocabulary().label("metrics", row.metric),
            message_title=titles.get(row.message_id),
            entered_by=names.get(row.entered_by_membership_id, ""),
        )
        for row in rows
    ]


def list_results(
    session: Session, *, actor: Actor, now: datetime, campaign_id: int, include_voided: bool = False
) -> list[ResultRead]:
    """A campaign's results entered by hand, latest period first (voided ones only when asked)."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    _campaign(session, actor, campaign_id)
    query = select(ManualResult).where(ManualResult.team_id == actor.team_id, ManualResult.campaign_id == campaign_id)
    if not include_voided:
        query = query.where(col(ManualResult.voided_at).is_(None))
    rows = session.exec(query.order_by(col(ManualResult.period_end).desc(), col(ManualResult.id).desc())).all()
    return _reads(session, list(rows))


def entry_choices(session: Session, *, actor: Actor, now: datetime, campaign_id: int) -> EntryChoices:
    """A campaign's published posts and its messages, for linking an entry."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    _campaign(session, actor, campaign_id)
    posts = session.exec(
        select(Post, Variant.platform, Variant.language, Message.title, Channel.name)
        .join(Variant, Variant.id == Post.variant_id)
        .join(Message, Message.id == Post.message_id)
        .join(Channel, Channel.id == Post.channel_id)
        .where(Post.team_id == actor.team_id, Post.campaign_id == campaign_id, Post.status == PostStatus.PUBLISHED)
        .order_by(col(Post.scheduled_at).desc())
    ).all()
    messages = session.exec(
        select(Message.id, Message.title)
        .where(Message.team_id == actor.team_id, Message.campaign_id == campaign_id)
        .order_by(Message.title)
    ).all()
    return EntryChoices(
        posts=[
            PostOption(
                post_id=post.id,
                message_id=post.message_id,
                message_title=title,
                platform=platform,
                language=language,
                channel_name=channel,
                published_at=post.published_at or post.scheduled_at,
            )
            for post, platform, language, title, channel in posts
        ],
        messages=[MessageOption(message_id=message_id, title=title) for message_id, title in messages],
    )


# ---- writing -----------------------------------------------------------------------------------


def _links(
    session: Session,
    actor: Actor,
    kind: ResultKind,
    campaign: Campaign,
    message_id: int | None,
    post_id: int | None,
) -> tuple[int | None, Post | None]:
    """The entry's message and post, checked: in the team (else not found) and in the campaign."""
    message = session.get(Message, message_id) if message_id is not None else None
    if message_id is not None and (message is None or message.team_id != actor.team_id):
        raise NotFound("No such message in your team.")
    post = session.get(Post, post_id) if post_id is not None else None
    if post_id is not None and (post is None or post.team_id != actor.team_id):
        raise NotFound("No such post in your team.")
    problems: dict[str, str] = {}
    if message is not None and message.campaign_id != campaign.id:
        problems["message_id"] = "This message belongs to another campaign."
    if post is not None:
        if post.campaign_id != campaign.id:
            problems["post_id"] = "This post belongs to another campaign."
        elif post.status != PostStatus.PUBLISHED:
            problems["post_id"] = "This post is not marked published yet: mark it published on the calendar first."
        elif kind.platform and session.get(Variant, post.variant_id).platform != kind.platform:
            problems["post_id"] = "Choose a WhatsApp Channel post."
        elif message is not None and post.message_id != message.id:
            problems["message_id"] = "The post is of another message: choose one or the other."
    if kind.needs_post_or_message and message is None and post is None:
        problems["post_id"] = "Choose the WhatsApp post (or the message) these views are for."
    if problems:
        raise ValidationFailed(problems)
    return (post.message_id if post is not None else message_id), post


def _new_result(
    session: Session,
    actor: Actor,
    now: datetime,
    *,
    campaign: Campaign,
    kind_id: str,
    metric: str | None,
    value: float | None,
    sample_size: int | None,
    period_start: date | None,
    period_end: date | None,
    source: str,
    message_id: int | None,
    post_id: int | None,
    language: str | None,
    audience_region: str | None,
) -> ManualResult:
    """A checked entry, not yet added to the session."""
    if campaign.status == CampaignStatus.ARCHIVED:
        raise ValidationFailed({"campaign_id": "This campaign is archived: its results can no longer change."})
    checked = check_result(
        kind_id,
        today=local(now, "Asia/Karachi").date(),
        metric=metric,
        value=value,
        sample_size=sample_size,
        period_start=period_start,
        period_end=period_end,
        source=source,
        language=language or None,
        audience_region=audience_region or None,
    )
    kind = KINDS[kind_id]
    message_id, post = _links(session, actor, kind, campaign, message_id, post_id)
    platform = kind.platform
    if post is not None:
        variant = session.get(Variant, post.variant_id)
        platform, language = variant.platform, language or variant.language
        audience_region = audience_region or session.get(Channel, post.channel_id).audience_region
    result = ManualResult(
        team_id=actor.team_id,
        campaign_id=campaign.id,
        message_id=message_id,
        post_id=post.id if post is not None else None,
        kind=kind.id,
        metric=checked.metric,
        value=checked.value,
        sample_size=checked.sample_size,
        period_start=period_start,
        period_end=period_end,
        platform=platform,
        language=language or None,
        audience_region=audience_region or None,
        source=checked.source,
        entered_by_membership_id=actor.membership_id,
        entered_at=now,
    )
    return result


def _entry_key(result: ManualResult) -> str:
    """A hash of everything the entry says (not who entered it or when): equal for a repeat of it."""
    said = [
        result.campaign_id,
        result.kind,
        result.metric,
        float(result.value),
        result.sample_size,
        result.period_start.isoformat(),
        result.period_end.isoformat(),
        result.message_id,
        result.post_id,
        result.platform,
        result.language,
        result.audience_region,
        " ".join(result.source.split()).casefold(),
    ]
    return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode("utf-8")).hexdigest()


def _repeated(session: Session, result: ManualResult) -> ValidationFailed:
    """The refusal of an entry that says what a live one already says, naming who entered that one and when."""
    earlier = session.exec(
        select(ManualResult).where(
            ManualResult.team_id == result.team_id,
            ManualResult.entry_key == result.entry_key,
            col(ManualResult.voided_at).is_(None),
        )
    ).first()
    if earlier is None:  # voided meanwhile: the caller may simply try again
        return ValidationFailed({"entry": "Someone changed these entries at the same moment. Please save again."})
    who = people.display_names(session, [earlier.entered_by_membership_id]).get(earlier.entered_by_membership_id)
    return ValidationFailed(
        {
            "entry": f"This same result was already entered by {who or 'a former member'} on "
            f"{local(earlier.entered_at, 'Asia/Karachi'):%d %b %Y at %H:%M} (Pakistan time), so nothing new was "
            "saved. A second click on Save does this. To enter another result, change what differs: the "
            "dates, the number, or how it was measured."
        }
    )


def _save(session: Session, result: ManualResult) -> ManualResult:
    """Add the entry, unless a live one says the same (checked by a unique index, so also at the same moment)."""
    result.entry_key = _entry_key(result)
    try:
        with session.begin_nested():
            session.add(result)
            session.flush()
    except IntegrityError:
        raise _repeated(session, result) from None
    return result


def _audit(session: Session, actor: Actor, result: ManualResult, action: str, now: datetime, **details) -> None:
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action=action,
        subject_type="manual_result",
        subject_id=result.id,
        now=now,
        details=details,
    )


def add_result(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    campaign_id: int,
    kind: str,
    value: float | None,
    period_start: date | None,
    period_end: date | None,
    source: str,
    metric: str | None = None,
    sample_size: int | None = None,
    message_id: int | None = None,
    post_id: int | None = None,
    language: str | None = None,
    audience_region: str | None = None,
) -> ResultRead:
    """Record a result measured outside the platforms' exports (see KINDS for the kinds and their rules)."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    campaign = _campaign(session, actor, campaign_id)
    result = _new_result(
        session,
        actor,
        now,
        campaign=campaign,
        kind_id=kind,
        metric=metric,
        value=value,
        sample_size=sample_size,
        period_start=period_start,
        period_end=period_end,
        source=source,
        message_id=message_id,
        post_id=post_id,
        language=language,
        audience_region=audience_region,
    )
    _save(session, result)
    _audit(session, actor, result, "result.added", now, campaign_id=campaign.id, kind=result.kind)
    session.commit()
    return _reads(session, [result])[0]


def _live(session: Session, actor: Actor, result_id: int) -> ManualResult:
    result = session.get(ManualResult, result_id)
    if result is None or result.team_id != actor.team_id:
        raise NotFound("No such result in your team.")
    if result.voided_at is not None:
        raise Conflict(ALREADY_VOIDED)
    return result


def _void(session: Session, result: ManualResult, now: datetime) -> None:
    """Void atomically: of two people correcting the same entry at once, one wins."""
    voided = session.exec(
        update(ManualResult)
        .where(ManualResult.id == result.id, col(ManualResult.voided_at).is_(None))
        .values(voided_at=now)
    ).rowcount
    if voided != 1:
        raise Conflict(ALREADY_VOIDED)
    session.refresh(result)


def correct_result(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    result_id: int,
    value: float | None,
    period_start: date | None,
    period_end: date | None,
    source: str,
    metric: str | None = None,
    sample_size: int | None = None,
    message_id: int | None = None,
    post_id: int | None = None,
    language: str | None = None,
    audience_region: str | None = None,
) -> ResultRead:
    """Correct an entry: it is voided and a new one (same campaign and kind) takes its place."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    old = _live(session, actor, result_id)
    campaign = _campaign(session, actor, old.campaign_id)
    result = _new_result(
        session,
        actor,
        now,
        campaign=campaign,
        kind_id=old.kind,
        metric=metric,
        value=value,
        sample_size=sample_size,
        period_start=period_start,
        period_end=period_end,
        source=source,
        message_id=message_id,
        post_id=post_id,
        language=language,
        audience_region=audience_region,
    )
    # Claim the old entry before writing anything else, so that of two people correcting it at once
    # the second waits here and is refused, instead of deadlocking later on the team's audit chain.
    _void(session, old, now)
    _save(session, result)
    _audit(session, actor, result, "result.corrected", now, replaces=old.id)
    session.commit()
    return _reads(session, [result])[0]


def void_result(session: Session, *, actor: Actor, now: datetime, result_id: int) -> ResultRead:
    """Withdraw an entry that should not count (it stays on record, marked void)."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    result = _live(session, actor, result_id)
    if session.get(Campaign, result.campaign_id).status == CampaignStatus.ARCHIVED:
        raise ValidationFailed({"campaign_id": "This campaign is archived: its results can no longer change."})
    _void(session, result, now)
    _audit(session, actor, result, "result.voided", now)
    session.commit()
    return _reads(session, [result])[0]
