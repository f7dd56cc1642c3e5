"""The audit trail: append-only, hash-chained per team. Details carry ids and field names only."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from planner.db import utcnow
from planner.models import AuditEvent, Team

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
