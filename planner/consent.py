"""Signed consent documents: kept apart from working data, seen by admins only.

A message that features a person names its consent by a reference (Message.consent_reference). The
scanned or photographed form itself is uploaded here by an admin. Drafters and reviewers learn only
whether a document is on file for a reference (`on_file`), never the document. The uploaded file's own
name is ignored (it often carries the person's name); the type comes from the bytes, not the name.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from pydantic import BaseModel, field_validator
from sqlmodel import Session, col, delete, select

from planner import audit
from planner.drafting import fold
from planner.errors import Conflict, NotFound, ValidationFailed
from planner.inputs import CleanText, clean_text, parse
from planner.models import Campaign, ConsentDocument, Membership, Message, MessageStatus, User
from planner.policy import Action, Actor, require

MAX_BYTES = 10 * 1024 * 1024
# (leading bytes, media type, extension): PDF, JPEG and PNG only.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """The media type and extension the bytes themselves show, or None for anything but PDF, JPEG, PNG."""
    for magic, media_type, extension in SIGNATURES:
        if data.startswith(magic):
            return media_type, extension
    return None


def reference_key(reference: str) -> str:
    """How references are compared: folded case and Arabic-script letter forms, single spaces."""
    return " ".join(fold(clean_text(reference)).split())[:200]


class ConsentUpload(BaseModel):
    reference: CleanText
    person_label: CleanText = ""
    subject_membership_id: int | None = None

    @field_validator("reference")
    @classmethod
    def _reference(cls, value: str) -> str:
        if not value:
            raise ValueError("Give the reference the message uses, e.g. CF-2026-014.")
        if len(value) > 200:
            raise ValueError("Use at most 200 characters.")
        return value

    @field_validator("person_label")
    @classmethod
    def _label(cls, value: str) -> str:
        if len(value) > 120:
            raise ValueError("Use at most 120 characters.")
        return value


class ConsentDocumentRead(BaseModel):
    id: int
    reference: str
    person_label: str
    subject_membership_id: int | None
    subject: str | None  # the member's display name, if the document is about a member
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class ConsentFile(BaseModel):
    file_name: str
    media_type: str
    content: bytes


_LISTED = (
    ConsentDocument.id,
    ConsentDocument.reference,
    ConsentDocument.person_label,
    ConsentDocument.subject_membership_id,
    ConsentDocument.file_name,
    ConsentDocument.media_type,
    ConsentDocument.size_bytes,
    ConsentDocument.sha256,
    ConsentDocument.uploaded_by_membership_id,
    ConsentDocument.uploaded_at,
)


def _names(session: Session, team_id: int) -> dict[int, str]:
    rows = session.exec(
        select(Membership.id, User.display_name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == team_id)
    ).all()
    return dict(rows)


def _read(row, names: dict[int, str]) -> ConsentDocumentRead:
    subject = names.get(row.subject_membership_id) if row.subject_membership_id else None
    return ConsentDocumentRead(
        id=row.id,
        reference=row.reference,
        person_label=row.person_label,
        subject_membership_id=row.subject_membership_id,
        subject=subject,
        file_name=row.file_name,
        media_type=row.media_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        uploaded_by=names.get(row.uploaded_by_membership_id, "—"),
        uploaded_at=row.uploaded_at,
    )


def _document(session: Session, actor: Actor, document_id: int) -> ConsentDocument:
    document = session.get(ConsentDocument, document_id)
    if document is None or document.team_id != actor.team_id:
        raise NotFound("No such consent document in your team.")
    return document


def _audit(session: Session, actor: Actor, action: str, document_id: int, now: datetime, **details) -> None:
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action=action,
        subject_type="consent_document",
        subject_id=document_id,
        details=details,
        now=now,
    )


def list_documents(session: Session, *, actor: Actor, now: datetime) -> list[ConsentDocumentRead]:
    """The team's consent documents, newest first (without their content)."""
    actor = require(session, actor, Action.MANAGE_PERSONAL_DATA, now=now)
    rows = session.exec(
        select(*_LISTED)
        .where(ConsentDocument.team_id == actor.team_id)
        .order_by(col(ConsentDocument.uploaded_at).desc(), col(ConsentDocument.id).desc())
    ).all()
    names = _names(session, actor.team_id)
    return [_read(row, names) for row in rows]


def upload_document(session: Session, *, actor: Actor, now: datetime, data: bytes, **fields) -> ConsentDocumentRead:
    """Keep a signed consent form (PDF, JPEG or PNG, at most 10 MB) under the reference messages use."""
    actor = require(session, actor, Action.MANAGE_PERSONAL_DATA, now=now)
    upload = parse(ConsentUpload, **fields)
    if not data:
        raise ValidationFailed({"file": "The file is empty."})
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."})
    sniffed = sniff(data)
    if sniffed is None:
        raise ValidationFailed({"file": "Upload a PDF, JPEG or PNG file. This file's content is none of these."})
    if upload.subject_membership_id is not None:
        member = session.get(Membership, upload.subject_membership_id)
        if member is None or member.team_id != actor.team_id:
            raise NotFound("No such member in your team.")
    digest = hashlib.sha256(data).hexdigest()
    if session.exec(
        select(ConsentDocument.id).where(ConsentDocument.team_id == actor.team_id, ConsentDocument.sha256 == digest)
    ).first():
        raise Conflict("This very file is on file already.")
    media_type, extension = sniffed
    document = ConsentDocument(
        team_id=actor.team_id,
        reference=upload.reference,
        reference_key=reference_key(upload.reference),
        person_label=upload.person_label,
        subject_membership_id=upload.subject_membership_id,
        file_name=f"consent-{now.astimezone(UTC):%Y%m%d-%H%M%S}-{digest[:12]}.{extension}",
        media_type=media_type,
        size_bytes=len(data),
        sha256=digest,
        content=data,
        uploaded_by_membership_id=actor.membership_id,
        uploaded_at=now,
    )
    session.add(document)
    session.flush()
    _audit(
        session,
        actor,
        "consent.document_uploaded",
        document.id,
        now,
        media_type=media_type,
        size_bytes=len(data),
        sha256=digest,
        subject_membership_id=upload.subject_membership_id,
    )
    session.commit()
    return _read(document, _names(session, actor.team_id))


def open_document(session: Session, *, actor: Actor, now: datetime, document_id: int) -> ConsentFile:
    """The document's bytes for download; who opened which document is recorded."""
    actor = require(session, actor, Action.MANAGE_PERSONAL_DATA, now=now)
    document = _document(session, actor, document_id)
    _audit(session, actor, "consent.document_opened", document.id, now)
    session.commit()
    return ConsentFile(file_name=document.file_name, media_type=document.media_type, content=document.content)


def delete_document(session: Session, *, actor: Actor, now: datetime, document_id: int) -> None:
    """Delete a consent document for good (the audit trail keeps only its id and fingerprint)."""
    actor = require(session, actor, Action.MANAGE_PERSONAL_DATA, now=now)
    document = _document(session, actor, document_id)
    session.delete(document)
    _audit(session, actor, "consent.document_deleted", document_id, now, sha256=document.sha256)
    session.commit()


def delete_documents_about(session: Session, *, team_id: int, membership_id: int) -> int:
    """Delete every document about one member (no commit; the caller has checked permission)."""
    return session.exec(
        delete(ConsentDocument).where(
            ConsentDocument.team_id == team_id, ConsentDocument.subject_membership_id == membership_id
        )
    ).rowcount


def cites(message_reference: str, document_key: str) -> bool:
    """Whether a message's consent reference names a document: its reference appears there as whole words
    ("CF-2026-021" in "Consent form CF-2026-021, signed 14 October 2026…", but not in "CF-2026-0213")."""
    return (
        bool(document_key)
        and re.search(rf"(?<!\w){re.escape(document_key)}(?!\w)", reference_key(message_reference)) is not None
    )


def cites_any(message_reference: str, document_keys: list[str]) -> bool:
    """Whether a message's consent reference names any of these documents (references_on_file's keys)."""
    return any(cites(message_reference, key) for key in document_keys)


def on_file(session: Session, *, actor: Actor, now: datetime, reference: str) -> bool:
    """Whether a signed document is on file for a consent reference: all a drafter or reviewer learns."""
    actor = require(session, actor, Action.VIEW_MESSAGES, now=now)
    return cites_any(reference, references_on_file(session, actor.team_id))


def references_on_file(session: Session, team_id: int) -> list[str]:
    """The folded references of the team's documents on file (for services that checked their actor)."""
    return session.exec(
        select(ConsentDocument.reference_key).where(ConsentDocument.team_id == team_id).distinct()
    ).all()


class MissingForm(BaseModel):
    """A live message that cites a consent form the admin does not hold."""

    message_id: int
    title: str
    campaign: str
    status: str
    reference: str
    written_by: str


def missing_forms(session: Session, *, actor: Actor, now: datetime) -> list[MissingForm]:
    """Messages not archived whose consent reference names no document on file, for the admin to chase:
    the form should be on file before the post goes out. Oldest message first."""
    actor = require(session, actor, Action.MANAGE_PERSONAL_DATA, now=now)
    keys = references_on_file(session, actor.team_id)
    rows = session.exec(
        select(
            Message.id,
            Message.title,
            Campaign.name,
            Message.status,
            Message.consent_reference,
            Message.created_by_membership_id,
        )
        .join(Campaign, Campaign.id == Message.campaign_id)
        .where(
            Message.team_id == actor.team_id,
            Message.consent_reference != "",
            Message.status != MessageStatus.ARCHIVED,
        )
        .order_by(col(Message.id))
    ).all()
    names = _names(session, actor.team_id)
    return [
        MissingForm(
            message_id=message_id,
            title=title,
            campaign=campaign,
            status=status,
            reference=reference,
            written_by=names.get(author, "—"),
        )
        for message_id, title, campaign, status, reference, author in rows
        if not cites_any(reference, keys)
    ]
