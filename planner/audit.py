"""The audit trail: append-only, hash-chained per team. Details carry ids and field names only."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

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
