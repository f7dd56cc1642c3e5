"""Message services: messages inside campaigns, their per-platform and per-language variants,
every saved revision, and the message library's search.

Saves are optimistic: each carries the version it was based on; a stale one is refused with
Conflict, and the caller keeps the user's text so both versions can be compared.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator
from sqlalchemy import String, cast
from sqlmodel import Session, col, func, select, update

from planner import audit, people, posts
from planner.drafting import fold
from planner.errors import Conflict, NotFound, ValidationFailed
from planner.inputs import CleanText, parse
from planner.languages import Language
from planner.models import (
    Approval,
    Campaign,
    CampaignStatus,
    Message,
    MessageStatus,
    Messenger,
    Revision,
    Variant,
)
from planner.plans import LongText, Name
from planner.policy import Action, Actor, require
from planner.text import platforms
from planner.themes import catalog

STALE = (
    "This was changed by someone else since you opened it. Your text is still in the editor; "
    "compare the two versions below."
)


# "javascript:…", "ftp://…": a scheme followed directly by its text. "Dawn: 25 July" is a citation.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):(?!\s)", re.IGNORECASE)


def _theme_ids(values: list[str]) -> list[str]:
    unknown = [value for value in values if value not in catalog().ids()]
    if unknown:
        raise ValueError(f"unknown theme: {', '.join(unknown)}")
    return list(dict.fromkeys(values))


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference: CleanText
    note: CleanText = ""

    @field_validator("reference")
    @classmethod
    def _reference(cls, value: str) -> str:
        if not value:
            raise ValueError("give a link or a reference (publication, report, date)")
        scheme = _SCHEME.match(value)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            raise ValueError("links must start with https:// or http://")
        return value


class MessageInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Name
    core_idea: LongText = ""
    themes: Annotated[list[str], AfterValidator(_theme_ids)] = []
    narrative_type: str | None = None
    messenger_id: int | None = None
    features_person: bool = False
    consent_reference: CleanText = ""
    sources: list[Source] = []

    @field_validator("title")
    @classmethod
    def _titled(cls, value: str) -> str:
        if not value:
            raise ValueError("give the message a short working title")
        return value

    @field_validator("narrative_type")
    @classmethod
    def _narrative(cls, value: str | None) -> str | None:
        if value not in (None, "", "counter", "alternative"):
            raise ValueError("choose counter or alternative")
        return value or None


# The fields a person edits on a message; a revision stores exactly these.
MESSAGE_FIELDS = frozenset(MessageInput.model_fields)


class VariantInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    platform: str
    language: Language
    title: CleanText = ""
    body: CleanText = ""

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        if value not in platforms().variant_ids():
            raise ValueError(f"unknown platform {value!r}")
        return value


class VariantRead(BaseModel):
    id: int
    platform: str
    language: str
    title: str
    body: str
    version: int
    updated_at: datetime
    updated_by: str


class MessageRead(BaseModel):
    id: int
    campaign_id: int
    campaign_name: str
    title: str
    core_idea: str
    themes: list[str]
    narrative_type: str | None
    messenger_id: int | None
    features_person: bool
    consent_reference: str
    sources: list[Source]
    status: MessageStatus
    author: str
    created_by_membership_id: int
    updated_at: datetime
    version: int
    variants: list[VariantRead]


class MessageSummary(BaseModel):
    id: int
    campaign_id: int
    campaign_name: str
    title: str
    status: MessageStatus
    themes: list[str]
    languages: list[str]
    platforms: list[str]
    updated_at: datetime
    variant_count: int


class RevisionRead(BaseModel):
    id: int
    kind: str
    subject_id: int
    number: int
    content: dict
    author: str
    created_at: datetime


# ---- reading -----------------------------------------------------------------------------------


def _message(session: Session, actor: Actor, message_id: int) -> Message:
    message = session.get(Message, message_id)
    if message is None or message.team_id != actor.team_id:
        raise NotFound("No such message in your team.")
    return message


def _variants(session: Session, message_id: int) -> list[Variant]:
    return list(session.exec(select(Variant).where(Variant.message_id == message_id).order_by(Variant.id)).all())


def _read(session: Session, message: Message) -> MessageRead:
    variants = _variants(session, message.id)
    authors = {message.created_by_membership_id} | {v.updated_by_membership_id for v in variants}
    names = people.display_names(session, authors)
    campaign = session.get(Campaign, message.campaign_id)
    return MessageRead(
        **message.model_dump(exclude={"created_at", "team_id"}),
        campaign_name=campaign.name,
        author=names.get(message.created_by_membership_id, "—"),
        variants=[
            VariantRead(**v.model_dump(), updated_by=names.get(v.updated_by_membership_id, "—")) for v in variants
        ],
    )


def get_message(session: Session, *, actor: Actor, now: datetime, message_id: int) -> MessageRead:
    """One message with all its variants."""
    actor = require(session, actor, Action.VIEW_MESSAGES, now=now)
    return _read(session, _message(session, actor, message_id))


class MessagePage(BaseModel):
    """One page of the message library and where it sits in the whole list."""

    messages: list[MessageSummary]
    total: int
    offset: int
    limit: int


def _library_conditions(
    actor: Actor,
    *,
    campaign_id: int | None,
    theme: str | None,
    language: str | None,
    platform: str | None,
    status: str | None,
) -> list:
    conditions = [Message.team_id == actor.team_id]
    if campaign_id is not None:
        conditions.append(Message.campaign_id == campaign_id)
    if status:
        conditions.append(Message.status == status)
    if theme:
        # Themes are a JSON list of catalogue slugs: '"slug"' appears in its text exactly when it is listed.
        conditions.append(cast(Message.themes, String).contains(json.dumps(theme), autoescape=True))
    for column, value in ((Variant.language, language), (Variant.platform, platform)):
        if value:
            conditions.append(select(Variant.id).where(Variant.message_id == Message.id, column == value).exists())
    return conditions


_NEWEST_CHANGE_FIRST = (col(Message.updated_at).desc(), col(Message.id).desc())


def _searched_ids(session: Session, conditions: list, needle: str) -> list[int]:
    """The ids of the filtered messages whose text holds the needle, newest change first.

    Folding (ی/ي, ک/ك, ہ/ه…) is Python's, so the search reads the texts of the filtered messages only.
    """
    texts: dict[int, list[str]] = {}
    for message_id, title, body in session.exec(
        select(Variant.message_id, Variant.title, Variant.body)
        .join(Message, Message.id == Variant.message_id)
        .where(*conditions)
        .order_by(Variant.id)
    ).all():
        texts.setdefault(message_id, []).append(title + " " + body)
    rows = session.exec(
        select(Message.id, Message.title, Message.core_idea).where(*conditions).order_by(*_NEWEST_CHANGE_FIRST)
    ).all()
    return [
        message_id
        for message_id, title, core_idea in rows
        if needle in fold(" ".join([title, core_idea, *texts.get(message_id, [])]))
    ]


def _summaries(session: Session, rows: list) -> list[MessageSummary]:
    slots: dict[int, list[tuple[str, str]]] = {}
    if rows:
        for message_id, language, platform in session.exec(
            select(Variant.message_id, Variant.language, Variant.platform).where(
                col(Variant.message_id).in_([message.id for message, _ in rows])
            )
        ).all():
            slots.setdefault(message_id, []).append((language, platform))
    return [
        MessageSummary(
            id=message.id,
            campaign_id=message.campaign_id,
            campaign_name=campaign_name,
            title=message.title,
            status=MessageStatus(message.status),
            themes=message.themes,
            languages=sorted({language for language, _ in slots.get(message.id, [])}),
            platforms=sorted({platform for _, platform in slots.get(message.id, [])}),
            updated_at=message.updated_at,
            variant_count=len(slots.get(message.id, [])),
        )
        for message, campaign_name in rows
    ]


def _library(session: Session, actor: Actor, query: str, offset: int, limit: int | None, **filters) -> MessagePage:
    conditions = _library_conditions(actor, **filters)
    listing = select(Message, Campaign.name).join(Campaign, Campaign.id == Message.campaign_id)
    needle = fold(query.strip())
    if needle:
        found = _searched_ids(session, conditions, needle)
        total = len(found)
    else:
        total = session.exec(select(func.count()).select_from(Message).where(*conditions)).one()
    if limit is not None and offset >= total > 0:
        offset = (total - 1) // limit * limit  # a page past the end (messages went away) shows the last one
    if needle:
        shown = found[offset : None if limit is None else offset + limit]
        rows = session.exec(listing.where(col(Message.id).in_(shown)).order_by(*_NEWEST_CHANGE_FIRST)).all()
    else:
        ordered = listing.where(*conditions).order_by(*_NEWEST_CHANGE_FIRST)
        rows = session.exec(ordered.offset(offset).limit(limit)).all()
    return MessagePage(messages=_summaries(session, rows), total=total, offset=offset, limit=limit or total)


def list_messages(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    campaign_id: int | None = None,
    theme: str | None = None,
    language: str | None = None,
    platform: str | None = None,
    status: str | None = None,
    query: str = "",
) -> list[MessageSummary]:
    """The message library: filtered, searched in any script, most recently changed first."""
    actor = require(session, actor, Action.VIEW_MESSAGES, now=now)
    return _library(
        session,
        actor,
        query,
        0,
        None,
        campaign_id=campaign_id,
        theme=theme,
        language=language,
        platform=platform,
        status=status,
    ).messages


def page_messages(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    offset: int = 0,
    limit: int = 25,
    campaign_id: int | None = None,
    theme: str | None = None,
    language: str | None = None,
    platform: str | None = None,
    status: str | None = None,
    query: str = "",
) -> MessagePage:
    """One page of the message library (filters as list_messages) and how many messages match in all."""
    actor = require(session, actor, Action.VIEW_MESSAGES, now=now)
    if offset < 0 or limit < 1:
        raise ValidationFailed({"page": "Choose a page of at least one message."})
    return _library(
        session,
        actor,
        query,
        offset,
        limit,
        campaign_id=campaign_id,
        theme=theme,
        language=language,
        platform=platform,
        status=status,
    )


def history(session: Session, *, actor: Actor, now: datetime, message_id: int) -> list[RevisionRead]:
    """Every saved revision of a message and its variants, newest first."""
    actor = require(session, actor, Action.VIEW_MESSAGES, now=now)
    message = _message(session, actor, message_id)
    rows = session.exec(
        select(Revision)
        .where(Revision.message_id == message.id)
        .order_by(col(Revision.created_at).desc(), col(Revision.id).desc())
    ).all()
    names = people.display_names(session, {row.author_membership_id for row in rows})
    return [
        RevisionRead(
            **row.model_dump(exclude={"team_id", "message_id", "author_membership_id"}),
            author=names.get(row.author_membership_id, "—"),
        )
        for row in rows
    ]


# ---- writing -----------------------------------------------------------------------------------


def _check_refs(session: Session, campaign: Campaign, data: MessageInput) -> None:
    """The messenger must belong to the same campaign. (A missing consent reference does not stop a
    draft; review blocks the message until it is recorded.)"""
    if data.messenger_id is not None:
        messenger = session.get(Messenger, data.messenger_id)
        if messenger is None or messenger.campaign_id != campaign.id:
            raise ValidationFailed({"messenger_id": "Choose a messenger of this campaign."})


def _revision(
    session: Session, actor: Actor, message: Message, kind: str, subject_id: int, content: dict, now: datetime
) -> None:
    last = session.exec(
        select(func.max(Revision.number)).where(Revision.kind == kind, Revision.subject_id == subject_id)
    ).one()
    session.add(
        Revision(
            team_id=actor.team_id,
            message_id=message.id,
            kind=kind,
            subject_id=subject_id,
            number=(last or 0) + 1,
            content=content,
            author_membership_id=actor.membership_id,
            created_at=now,
        )
    )


def _message_content(message: Message) -> dict:
    return message.model_dump(mode="json", include=MESSAGE_FIELDS)


def _audit(session: Session, actor: Actor, message: Message, action: str, now: datetime, **details) -> None:
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action=action,
        subject_type="message",
        subject_id=message.id,
        details=details,
        now=now,
    )


def _after_edit(session: Session, actor: Actor, message: Message, now: datetime) -> None:
    """An edit after approval sends the message back to review and voids the approval (no commit)."""
    if message.status == MessageStatus.ARCHIVED:
        raise Conflict("This message is archived and can no longer be changed.")
    if message.status not in (MessageStatus.APPROVED, MessageStatus.SCHEDULED):
        return
    before = message.status
    message.status = MessageStatus.IN_REVIEW
    message.submitted_at = now
    session.add(message)
    session.exec(
        update(Approval)
        .where(Approval.message_id == message.id, col(Approval.voided_at).is_(None))
        .values(voided_at=now)
    )
    held = posts.hold_posts(session, message.id)
    _audit(
        session,
        actor,
        message,
        "message.back_to_review",
        now,
        before=before,
        reason="edited after approval",
        posts_held=held,
    )


def _editable_campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.team_id != actor.team_id:
        raise NotFound("No such campaign in your team.")
    if campaign.status == CampaignStatus.ARCHIVED:
        raise Conflict("This campaign is archived: its messages can no longer be changed.")
    return campaign


def _apply(message: Message, data: MessageInput) -> None:
    for field, value in data.model_dump(mode="json").items():
        setattr(message, field, value)


def create_message(session: Session, *, actor: Actor, now: datetime, campaign_id: int, **fields) -> MessageRead:
    """A new draft message in a campaign."""
    actor = require(session, actor, Action.EDIT_MESSAGES, now=now)
    campaign = _editable_campaign(session, actor, campaign_id)
    data = parse(MessageInput, **fields)
    _check_refs(session, campaign, data)
    message = Message(
        team_id=actor.team_id,
        campaign_id=campaign.id,
        created_by_membership_id=actor.membership_id,
        created_at=now,
        updated_at=now,
        title=data.title,
    )
    _apply(message, data)
    session.add(message)
    session.flush()
    _revision(session, actor, message, "message", message.id, _message_content(message), now)
    _audit(session, actor, message, "message.created", now, campaign_id=campaign.id)
    session.commit()
    return _read(session, message)


def _claim_message(session: Session, message: Message, expected_version: int, now: datetime) -> None:
    claimed = session.exec(
        update(Message)
        .where(Message.id == message.id, Message.version == expected_version)
        .values(version=Message.version + 1, updated_at=now)
    ).rowcount
    if claimed != 1:
        raise Conflict(STALE)
    session.refresh(message)


def update_message(
    session: Session, *, actor: Actor, now: datetime, message_id: int, expected_version: int, **fields
) -> MessageRead:
    """Change the message's idea, themes, messenger, sources or consent reference."""
    actor = require(session, actor, Action.EDIT_MESSAGES, now=now)
    message = _message(session, actor, message_id)
    campaign = _editable_campaign(session, actor, message.campaign_id)
    data = parse(MessageInput, **fields)
    _check_refs(session, campaign, data)
    _claim_message(session, message, expected_version, now)
    _after_edit(session, actor, message, now)
    _apply(message, data)
    session.add(message)
    _revision(session, actor, message, "message", message.id, _message_content(message), now)
    _audit(session, actor, message, "message.updated", now, fields=sorted(fields))
    session.commit()
    return _read(session, message)


def save_variant(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    message_id: int,
    expected_version: int | None,
    platform: str,
    language: str,
    body: str,
    title: str = "",
) -> MessageRead:
    """Save one platform × language text. `expected_version` None means a new variant."""
    actor = require(session, actor, Action.EDIT_MESSAGES, now=now)
    message = _message(session, actor, message_id)
    _editable_campaign(session, actor, message.campaign_id)
    data = parse(VariantInput, platform=platform, language=language, title=title, body=body)
    if not data.body:
        raise ValidationFailed({"body": "Write the text of this variant before saving."})
    existing = session.exec(
        select(Variant).where(
            Variant.message_id == message.id, Variant.platform == data.platform, Variant.language == data.language
        )
    ).first()
    if existing is None and expected_version is not None:
        raise Conflict(STALE)
    if existing is not None:
        if expected_version is None:
            raise Conflict(STALE)
        claimed = session.exec(
            update(Variant)
            .where(Variant.id == existing.id, Variant.version == expected_version)
            .values(
                version=Variant.version + 1,
                title=data.title,
                body=data.body,
                updated_at=now,
                updated_by_membership_id=actor.membership_id,
            )
        ).rowcount
        if claimed != 1:
            raise Conflict(STALE)
        session.refresh(existing)
        variant = existing
    else:
        variant = Variant(
            team_id=actor.team_id,
            message_id=message.id,
            platform=data.platform,
            language=str(data.language),
            title=data.title,
            body=data.body,
            updated_by_membership_id=actor.membership_id,
            updated_at=now,
        )
        session.add(variant)
        session.flush()
    message.updated_at = now
    _after_edit(session, actor, message, now)
    session.add(message)
    _revision(
        session,
        actor,
        message,
        "variant",
        variant.id,
        {"platform": variant.platform, "language": variant.language, "title": variant.title, "body": variant.body},
        now,
    )
    _audit(
        session,
        actor,
        message,
        "message.variant_saved",
        now,
        variant_id=variant.id,
        platform=variant.platform,
        language=variant.language,
    )
    session.commit()
    return _read(session, message)


def remove_variant(
    session: Session, *, actor: Actor, now: datetime, message_id: int, variant_id: int, expected_version: int
) -> MessageRead:
    """Remove one variant (its revisions stay in the history)."""
    actor = require(session, actor, Action.EDIT_MESSAGES, now=now)
    message = _message(session, actor, message_id)
    _editable_campaign(session, actor, message.campaign_id)
    variant = session.get(Variant, variant_id)
    if variant is None or variant.message_id != message.id:
        raise NotFound("No such variant in this message.")
    if variant.version != expected_version:
        raise Conflict(STALE)
    session.delete(variant)
    message.updated_at = now
    _after_edit(session, actor, message, now)
    session.add(message)
    _audit(session, actor, message, "message.variant_removed", now, variant_id=variant_id)
    session.commit()
    return _read(session, message)


def tally(summaries: list[MessageSummary]) -> dict[str, dict[str, int]]:
    """Messages per theme and status: {theme id: {status: count}}; '' collects untagged messages."""
    table: dict[str, dict[str, int]] = {}
    for summary in summaries:
        for theme in summary.themes or [""]:
            row = table.setdefault(theme, {})
            row[summary.status] = row.get(summary.status, 0) + 1
    return table
