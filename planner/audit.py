"""The audit trail: append-only, hash-chained per team. Details carry ids and field names only.

Admins read it on the audit page (`list_events`, `chain_status`, `export_events`): members appear under
their display name, which is a pseudonym; real names live in `personal_detail` and are never joined here.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from sqlmodel import Session, col, func, select

from planner import exports, people
from planner.db import utcnow
from planner.errors import ValidationFailed
from planner.inputs import parse
from planner.models import AuditEvent, Membership, Team, User
from planner.policy import Action, Actor, require

GENESIS = "0" * 64


def event_hash(
    *,
    team_id: int,
    actor_membership_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    details: dict,
    created_at: datetime,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON form of the event and its predecessor's hash."""
    canonical = json.dumps(
        {
            "team_id": team_id,
            "actor": actor_membership_id,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "details": details,
            "created_at": created_at.isoformat(timespec="microseconds"),
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    session: Session,
    *,
    team_id: int,
    actor_membership_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None = None,
    details: dict | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event to the team's chain inside the caller's transaction (no commit here)."""
    # Serialise writers per team on PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
    session.exec(select(Team.id).where(Team.id == team_id).with_for_update()).one()
    last = session.exec(
        select(AuditEvent.hash).where(AuditEvent.team_id == team_id).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    prev_hash = last or GENESIS
    created_at = now or utcnow()
    details = details or {}
    event = AuditEvent(
        team_id=team_id,
        actor_membership_id=actor_membership_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
        created_at=created_at,
        prev_hash=prev_hash,
        hash=event_hash(
            team_id=team_id,
            actor_membership_id=actor_membership_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            details=details,
            created_at=created_at,
            prev_hash=prev_hash,
        ),
    )
    session.add(event)
    return event


class ChainBreak(BaseModel):
    event_id: int
    reason: str


def verify(session: Session, *, team_id: int) -> tuple[int, ChainBreak | None]:
    """Walk a team's chain from the start: (events checked, the first broken link or None)."""
    expected_prev = GENESIS
    checked = 0
    for event in session.exec(select(AuditEvent).where(AuditEvent.team_id == team_id).order_by(AuditEvent.id)):
        checked += 1
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event_id=event.id, reason="it does not point at the event before it")
        recomputed = event_hash(
            team_id=event.team_id,
            actor_membership_id=event.actor_membership_id,
            action=event.action,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            details=event.details,
            created_at=event.created_at,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return checked, ChainBreak(event_id=event.id, reason="its content was changed after it was written")
        expected_prev = event.hash
    return checked, None


# ---- reading the trail (admins) ------------------------------------------------------------------

ACTION_LABELS = {
    "team.created": "created the team",
    "team.paused": "started a crisis pause",
    "team.resumed": "ended the crisis pause",
    "session.login": "logged in",
    "session.logout": "logged out",
    "session.ended_by_owner": "ended one of their own sessions",
    "account.password_changed": "changed their password",
    "member.added": "added a member",
    "member.role_changed": "changed a member's role",
    "member.sensitivity_reviewer_set": "changed a member's sensitivity-reviewer flag",
    "member.activated": "re-activated a member",
    "member.deactivated": "deactivated a member",
    "member.sessions_revoked": "logged a member out everywhere",
    "member.password_reset": "reset a member's password",
    "member.personal_data_erased": "erased a member's personal data",
    "campaign.created": "created a campaign",
    "campaign.updated": "edited a campaign plan",
    "campaign.part_saved": "saved a part of a campaign plan",
    "campaign.part_removed": "removed a part of a campaign plan",
    "campaign.status_changed": "changed a campaign's status",
    "message.created": "created a message",
    "message.updated": "edited a message",
    "message.variant_saved": "saved a variant",
    "message.variant_removed": "removed a variant",
    "message.back_to_review": "edited an approved message, which went back to review",
    "message.submit": "submitted a message for review",
    "message.request_changes": "asked for changes to a message",
    "message.approve": "approved a message",
    "message.approval_given": "gave an approval",
    "message.hold": "put a message on hold",
    "message.resume": "resumed a held message",
    "message.archive": "archived a message",
    "message.warning_acknowledged": "acknowledged a screening warning",
    "denylist.added": "added an entry to the never-link list",
    "denylist.removed": "removed an entry from the never-link list",
    "channel.added": "added a channel",
    "post.scheduled": "scheduled a post",
    "post.moved": "moved a post",
    "post.published": "marked a post published",
    "post.failed": "marked a post failed",
    "post.cancelled": "cancelled a post",
    "reach.imported": "imported reach figures",
    "reach.linked": "linked imported reach to a post or message",
    "reach.unlinked": "unlinked imported reach",
    "result.added": "entered a result by hand",
    "result.corrected": "corrected a result entered by hand",
    "result.voided": "withdrew a result entered by hand",
    "channel.audience_set": "set whom an account mainly reaches",
    "consent.document_uploaded": "uploaded a consent document",
    "consent.document_opened": "downloaded a consent document",
    "consent.document_deleted": "deleted a consent document",
    "audit.exported": "downloaded the audit trail",
}
SUBJECT_LABELS = {
    "team": "Team",
    "membership": "Member",
    "user": "Account",
    "login_session": "Log-in session",
    "campaign": "Campaign",
    "message": "Message",
    "post": "Post",
    "channel": "Channel",
    "denylist_entry": "Never-link entry",
    "reach_import": "Reach import",
    "reach_figure": "Reach figures",
    "manual_result": "Result entered by hand",
    "consent_document": "Consent document",
}
CSV_COLUMNS = (
    "event_id",
    "time_utc",
    "pakistan_time",
    "afghanistan_time",
    "member",
    "membership_id",
    "action",
    "what",
    "subject_type",
    "subject_id",
    "details",
    "hash",
)
MAX_PAGE = 500
MAX_EXPORT_ROWS = 100_000
_HEX_DIGEST = re.compile(r"^[0-9a-f]{32,64}$")
_PAKISTAN, _AFGHANISTAN = ZoneInfo("Asia/Karachi"), ZoneInfo("Asia/Kabul")


def action_label(action: str) -> str:
    """An action in plain words ("message.approve" → "approved a message"); unknown ones are spelled out."""
    return ACTION_LABELS.get(action, action.replace(".", ": ").replace("_", " "))


def subject_label(subject_type: str) -> str:
    return SUBJECT_LABELS.get(subject_type, subject_type.replace("_", " ").capitalize())


def describe_details(details: dict) -> str:
    """Details as short text: 'after: approved; content hash: 3f2a…'. They carry ids and field names only."""
    parts = []
    for key in sorted(details):
        value = details[key]
        if isinstance(value, list | tuple):
            value = ", ".join(map(str, value))
        elif isinstance(value, str) and _HEX_DIGEST.match(value):
            value = value[:12] + "…"
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


class AuditFilters(BaseModel):
    """What the audit page narrows the trail to; every field is optional."""

    model_config = ConfigDict(extra="forbid")
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    membership_id: int | None = None
    action: str | None = None
    subject_type: str | None = None
    subject_id: int | None = None

    @field_validator("since", "until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise ValueError("Give a time with its time zone.")
        return value

    @model_validator(mode="after")
    def _in_order(self) -> AuditFilters:
        if self.since and self.until and self.until <= self.since:
            raise ValueError("until: The end of the range must come after its start.")
        return self


class AuditEventRead(BaseModel):
    id: int
    created_at: datetime
    membership_id: int | None
    member: str  # the display name (a pseudonym), never a real name
    action: str
    what: str
    subject_type: str
    subject_id: int | None
    subject: str
    details: str
    hash: str


class AuditPage(BaseModel):
    events: list[AuditEventRead]
    total: int
    limit: int
    offset: int


class AuditChoices(BaseModel):
    members: dict[int, str]  # membership id → display name
    actions: dict[str, str]  # the actions in this team's trail → plain words
    subject_types: dict[str, str]


class ChainStatus(BaseModel):
    checked: int
    intact: bool
    broken_event_id: int | None = None
    reason: str | None = None


class AuditExport(BaseModel):
    file_name: str
    data: bytes
    rows: int
    truncated: bool


def _conditions(team_id: int, filters: AuditFilters) -> list:
    found = [AuditEvent.team_id == team_id]
    if filters.since is not None:
        found.append(AuditEvent.created_at >= filters.since)
    if filters.until is not None:
        found.append(AuditEvent.created_at < filters.until)
    if filters.membership_id is not None:
        found.append(AuditEvent.actor_membership_id == filters.membership_id)
    if filters.action:
        found.append(AuditEvent.action == filters.action)
    if filters.subject_type:
        found.append(AuditEvent.subject_type == filters.subject_type)
    if filters.subject_id is not None:
        found.append(AuditEvent.subject_id == filters.subject_id)
    return found


def _rows(
    session: Session, team_id: int, filters: AuditFilters, *, limit: int, offset: int = 0, before: int | None = None
) -> list[AuditEventRead]:
    """One page of events, newest first (the chain's own order), with each member's display name."""
    query = (
        select(AuditEvent, User.display_name)
        .outerjoin(Membership, Membership.id == AuditEvent.actor_membership_id)
        .outerjoin(User, User.id == Membership.user_id)
        .where(*_conditions(team_id, filters))
    )
    if before is not None:
        query = query.where(AuditEvent.id < before)
    rows = session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit).offset(offset)).all()
    subjects = people.display_names(
        session, {e.subject_id for e, _ in rows if e.subject_type == "membership" and e.subject_id is not None}
    )
    return [_read(event, name, subjects) for event, name in rows]


def _read(event: AuditEvent, name: str | None, subjects: dict[int, str]) -> AuditEventRead:
    subject = subject_label(event.subject_type)
    if event.subject_id is not None:
        subject += f" #{event.subject_id}"
        if event.subject_type == "membership" and event.subject_id in subjects:
            subject += f" ({subjects[event.subject_id]})"
    return AuditEventRead(
        id=event.id,
        created_at=event.created_at,
        membership_id=event.actor_membership_id,
        member=name or ("—" if event.actor_membership_id is None else f"member #{event.actor_membership_id}"),
        action=event.action,
        what=action_label(event.action),
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        subject=subject,
        details=describe_details(event.details),
        hash=event.hash,
    )


def list_events(
    session: Session, *, actor: Actor, now: datetime, limit: int = 50, offset: int = 0, **filters
) -> AuditPage:
    """One page of the team's audit trail, newest first, narrowed by date range, member, action and subject."""
    actor = require(session, actor, Action.VIEW_AUDIT, now=now)
    wanted = parse(AuditFilters, **filters)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValidationFailed({"limit": f"Show between 1 and {MAX_PAGE} events a page."})
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*_conditions(actor.team_id, wanted))).one()
    events = _rows(session, actor.team_id, wanted, limit=limit, offset=offset)
    return AuditPage(events=events, total=total, limit=limit, offset=offset)


def filter_choices(session: Session, *, actor: Actor, now: datetime) -> AuditChoices:
    """The members, actions and subject kinds the audit page can filter by."""
    actor = require(session, actor, Action.VIEW_AUDIT, now=now)
    members = session.exec(
        select(Membership.id, User.display_name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == actor.team_id)
        .order_by(User.display_name)
    ).all()
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.team_id == actor.team_id).distinct().order_by(AuditEvent.action)
    ).all()
    kinds = session.exec(
        select(AuditEvent.subject_type)
        .where(AuditEvent.team_id == actor.team_id)
        .distinct()
        .order_by(AuditEvent.subject_type)
    ).all()
    return AuditChoices(
        members=dict(members),
        actions={a: action_label(a) for a in actions},
        subject_types={k: subject_label(k) for k in kinds},
    )


def chain_status(session: Session, *, actor: Actor, now: datetime) -> ChainStatus:
    """Walk the team's chain: intact, or the first broken link."""
    actor = require(session, actor, Action.VIEW_AUDIT, now=now)
    checked, broken = verify(session, team_id=actor.team_id)
    if broken is None:
        return ChainStatus(checked=checked, intact=True)
    return ChainStatus(checked=checked, intact=False, broken_event_id=broken.event_id, reason=broken.reason)


def _csv_row(event: AuditEventRead) -> tuple[int | str | None, ...]:
    return (
        event.id,
        event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        event.created_at.astimezone(_PAKISTAN).strftime("%Y-%m-%d %H:%M"),
        event.created_at.astimezone(_AFGHANISTAN).strftime("%Y-%m-%d %H:%M"),
        event.member,
        event.membership_id,
        event.action,
        event.what,
        event.subject_type,
        event.subject_id,
        event.details,
        event.hash,
    )


def export_events(session: Session, *, actor: Actor, now: datetime, **filters) -> AuditExport:
    """The filtered trail as a formula-safe CSV under a server-made name; the download itself is recorded."""
    actor = require(session, actor, Action.VIEW_AUDIT, now=now)
    wanted = parse(AuditFilters, **filters)
    events: list[AuditEventRead] = []
    while len(events) < MAX_EXPORT_ROWS + 1:  # one more than kept, to know whether the file is cut short
        page = _rows(session, actor.team_id, wanted, limit=MAX_PAGE, before=events[-1].id if events else None)
        events.extend(page)
        if len(page) < MAX_PAGE:
            break
    truncated = len(events) > MAX_EXPORT_ROWS
    events = events[:MAX_EXPORT_ROWS]
    data = exports.table_csv(CSV_COLUMNS, (_csv_row(event) for event in events))
    used = {key: _detail(value) for key, value in wanted.model_dump(exclude_none=True).items()}
    record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="audit.exported",
        subject_type="team",
        subject_id=actor.team_id,
        details={"rows": len(events), **used},
        now=now,
    )
    session.commit()
    return AuditExport(
        file_name=exports.export_filename("audit", actor.team_slug, now),
        data=data,
        rows=len(events),
        truncated=truncated,
    )


def _detail(value: object) -> object:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
