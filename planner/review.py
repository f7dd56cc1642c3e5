"""Review services: submit, approve (four eyes, six on sensitive themes), request changes, hold,
archive; screening findings and their acknowledgements; comments; the team's denylist; crisis pause.

Approvals and acknowledgements are bound to a hash of the message's content: any edit makes them
stale, and an edit after approval sends the message back to review (planner/messages.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select, update

from planner import audit, people, posts
from planner.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from planner.inputs import clean_text
from planner.messages import MESSAGE_FIELDS, MessageRead, _message, _read
from planner.models import (
    Acknowledgement,
    Approval,
    AuditEvent,
    Campaign,
    Comment,
    DenylistEntry,
    Membership,
    Message,
    MessageStatus,
    Revision,
    Team,
    Variant,
)
from planner.policy import Action, Actor, require
from planner.screening import Finding, MessageFacts, Severity, screen
from planner.themes import catalog
from planner.wording import count
from planner.workflow import TABLE, GivenApproval, Transition, approval_problem, needed_approval, transition_problem


class FindingRead(BaseModel):
    key: str
    variant_id: int
    rule: str
    severity: str
    title: str
    explanation: str
    start: int
    end: int
    matched: str
    suggestion: str
    acknowledged_by: str | None = None
    note: str | None = None


class CommentRead(BaseModel):
    id: int
    author: str
    kind: str
    body: str
    created_at: datetime


class ReviewRead(BaseModel):
    message: MessageRead
    content_hash: str
    sensitive: bool
    findings: list[FindingRead]
    approvals: list[tuple[str, str]]  # (kind, reviewer name) for the current content
    needed: str | None
    comments: list[CommentRead]
    authors: list[str]


class QueueItem(BaseModel):
    id: int
    campaign_id: int
    title: str
    campaign_name: str
    status: MessageStatus
    themes: list[str]
    languages: list[str]
    sensitive: bool
    submitted_at: datetime | None
    updated_at: datetime
    last_comment: str | None = None


class PauseState(BaseModel):
    paused: bool
    reason: str = ""
    since: datetime | None = None


# ---- content, hashes, findings ------------------------------------------------------------------


def content_hash(session: Session, message: Message) -> str:
    """SHA-256 of everything a reviewer approves: the message's fields and every variant's text."""
    variants = session.exec(select(Variant).where(Variant.message_id == message.id)).all()
    canonical = {
        "message": message.model_dump(mode="json", include=MESSAGE_FIELDS),
        "variants": sorted([v.platform, v.language, v.title, v.body] for v in variants),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _sensitive(message: Message) -> bool:
    return bool(set(message.themes) & catalog().sensitive_ids())


def _denylist(session: Session, team_id: int) -> list[str]:
    return list(session.exec(select(DenylistEntry.entry).where(DenylistEntry.team_id == team_id)).all())


def _finding_key(variant_id: int, finding: Finding) -> str:
    return f"{variant_id}:{finding.rule}:{finding.matched}"[:200]


def _findings(session: Session, message: Message) -> list[tuple[int, Finding]]:
    facts = MessageFacts(
        has_sources=bool(message.sources),
        features_person=message.features_person,
        consent_reference=message.consent_reference,
    )
    denylist = _denylist(session, message.team_id)
    found = []
    for variant in session.exec(select(Variant).where(Variant.message_id == message.id).order_by(Variant.id)).all():
        text = f"{variant.title}\n{variant.body}" if variant.title else variant.body
        found += [(variant.id, finding) for finding in screen(text, facts=facts, denylist=denylist)]
    return found


def _live_approvals(session: Session, message: Message, digest: str) -> list[Approval]:
    return list(
        session.exec(
            select(Approval).where(
                Approval.message_id == message.id,
                Approval.content_hash == digest,
                col(Approval.voided_at).is_(None),
            )
        ).all()
    )


def _authors(session: Session, message: Message) -> set[int]:
    """Everyone who wrote or edited the message or its variants."""
    revised = session.exec(select(Revision.author_membership_id).where(Revision.message_id == message.id)).all()
    return {message.created_by_membership_id, *revised}


def review(session: Session, *, actor: Actor, now: datetime, message_id: int) -> ReviewRead:
    """What a reviewer sees: the message, screening findings with acknowledgements, approvals, comments."""
    actor = require(session, actor, Action.VIEW_MESSAGES, now=now)
    message = _message(session, actor, message_id)
    digest = content_hash(session, message)
    acks = {
        ack.finding_key: ack
        for ack in session.exec(
            select(Acknowledgement).where(
                Acknowledgement.message_id == message.id, Acknowledgement.content_hash == digest
            )
        ).all()
    }
    approvals = _live_approvals(session, message, digest)
    comments = session.exec(select(Comment).where(Comment.message_id == message.id).order_by(Comment.id)).all()
    authors = _authors(session, message)
    names = people.display_names(
        session,
        authors
        | {a.membership_id for a in approvals}
        | {c.membership_id for c in comments}
        | {a.membership_id for a in acks.values()},
    )
    findings = []
    for variant_id, finding in _findings(session, message):
        key = _finding_key(variant_id, finding)
        ack = acks.get(key)
        findings.append(
            FindingRead(
                key=key,
                variant_id=variant_id,
                rule=finding.rule,
                severity=str(finding.severity),
                title=finding.title,
                explanation=finding.explanation,
                start=finding.start,
                end=finding.end,
                matched=finding.matched,
                suggestion=finding.suggestion,
                acknowledged_by=names.get(ack.membership_id) if ack else None,
                note=ack.note if ack else None,
            )
        )
    sensitive = _sensitive(message)
    given = [GivenApproval(a.kind, a.membership_id) for a in approvals]
    return ReviewRead(
        message=_read(session, message),
        content_hash=digest,
        sensitive=sensitive,
        findings=findings,
        approvals=[(a.kind, names.get(a.membership_id, "—")) for a in approvals],
        needed=needed_approval(given, sensitive=sensitive) if message.status == MessageStatus.IN_REVIEW else None,
        comments=[
            CommentRead(
                id=c.id, author=names.get(c.membership_id, "—"), kind=c.kind, body=c.body, created_at=c.created_at
            )
            for c in comments
        ],
        authors=sorted(names.get(a, "—") for a in authors),
    )


# ---- transitions -------------------------------------------------------------------------------


def _locked_message(session: Session, actor: Actor, message_id: int) -> Message:
    """The message row, locked for this transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE already is)."""
    message = session.exec(select(Message).where(Message.id == message_id).with_for_update()).first()
    if message is None or message.team_id != actor.team_id:
        raise NotFound("No such message in your team.")
    return message


def _comment(session: Session, actor: Actor, message: Message, kind: str, body: str, now: datetime) -> None:
    body = clean_text(body)
    if body:
        session.add(
            Comment(
                team_id=actor.team_id,
                message_id=message.id,
                membership_id=actor.membership_id,
                kind=kind,
                body=body,
                created_at=now,
            )
        )


def _move(
    session: Session,
    actor: Actor,
    message: Message,
    target: MessageStatus,
    transition: Transition,
    digest: str,
    now: datetime,
    **details,
) -> None:
    claimed = session.exec(
        update(Message)
        .where(Message.id == message.id, Message.status == message.status)
        .values(status=target, version=Message.version + 1, updated_at=now)
    ).rowcount
    if claimed != 1:
        raise Conflict("Someone else changed this message's status a moment ago. Reload it to see where it is.")
    before = message.status
    session.refresh(message)
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action=f"message.{transition}",
        subject_type="message",
        subject_id=message.id,
        now=now,
        details={"before": before, "after": str(target), "content_hash": digest, **details},
    )


def _transition(
    session: Session, actor: Actor, now: datetime, message_id: int, transition: Transition, comment: str
) -> tuple[Actor, Message, str]:
    rule = TABLE[transition]
    actor = require(session, actor, rule.action, now=now)
    message = _locked_message(session, actor, message_id)
    problem = transition_problem(message.status, transition, comment=comment)
    if problem:
        raise ValidationFailed({"comment" if "comment" in problem.lower() else "status": problem})
    return actor, message, content_hash(session, message)


def _paused(session: Session, team_id: int) -> bool:
    return session.get(Team, team_id).paused_at is not None


def submit(session: Session, *, actor: Actor, now: datetime, message_id: int, comment: str = "") -> MessageRead:
    """Send a draft (or a changed one) to the facilitators."""
    actor, message, digest = _transition(session, actor, now, message_id, Transition.SUBMIT, comment)
    if not session.exec(select(Variant.id).where(Variant.message_id == message.id)).first():
        raise ValidationFailed({"status": "Write at least one variant before submitting."})
    _move(session, actor, message, MessageStatus.IN_REVIEW, Transition.SUBMIT, digest, now)
    message.submitted_at = now
    session.add(message)
    _comment(session, actor, message, "submitted", comment, now)
    session.commit()
    return _read(session, message)


def request_changes(session: Session, *, actor: Actor, now: datetime, message_id: int, comment: str) -> MessageRead:
    """Send a message back to its drafter with what to change (a comment is required)."""
    actor, message, digest = _transition(session, actor, now, message_id, Transition.REQUEST_CHANGES, comment)
    _move(session, actor, message, MessageStatus.CHANGES_REQUESTED, Transition.REQUEST_CHANGES, digest, now)
    _comment(session, actor, message, "changes_requested", comment, now)
    session.commit()
    return _read(session, message)


def approve(
    session: Session, *, actor: Actor, now: datetime, message_id: int, content_hash_seen: str, comment: str = ""
) -> MessageRead:
    """Approve exactly the content the reviewer saw. Blockers refuse; warnings need a note each."""
    actor, message, digest = _transition(session, actor, now, message_id, Transition.APPROVE, comment)
    if digest != content_hash_seen:
        raise Conflict("The message changed while you were reviewing it. Reload it and review the new content.")
    findings = _findings(session, message)
    blockers = [f for _, f in findings if f.severity == Severity.BLOCKER]
    if blockers:
        raise ValidationFailed(
            {"findings": f"{count(len(blockers), 'blocking finding')} must be fixed by the drafter first."}
        )
    acked = set(
        session.exec(
            select(Acknowledgement.finding_key).where(
                Acknowledgement.message_id == message.id, Acknowledgement.content_hash == digest
            )
        ).all()
    )
    open_warnings = [f for v, f in findings if f.severity == Severity.WARNING and _finding_key(v, f) not in acked]
    if open_warnings:
        raise ValidationFailed({"findings": f"Acknowledge each warning with a note first ({len(open_warnings)} open)."})
    approvals = _live_approvals(session, message, digest)
    given = [GivenApproval(a.kind, a.membership_id) for a in approvals]
    membership = session.get(Membership, actor.membership_id)
    sensitive = _sensitive(message)
    problem = approval_problem(
        reviewer=actor.membership_id,
        is_sensitivity_reviewer=membership.sensitivity_reviewer,
        authors=_authors(session, message),
        approvals=given,
        sensitive=sensitive,
    )
    if problem:
        raise PermissionDenied(problem)
    kind = needed_approval(given, sensitive=sensitive)
    session.add(
        Approval(
            team_id=actor.team_id,
            message_id=message.id,
            content_hash=digest,
            kind=kind,
            membership_id=actor.membership_id,
            created_at=now,
        )
    )
    session.flush()
    complete = needed_approval([*given, GivenApproval(kind, actor.membership_id)], sensitive=sensitive) is None
    if complete:
        _move(session, actor, message, MessageStatus.APPROVED, Transition.APPROVE, digest, now, approval=kind)
        posts.release_posts(session, message, now)
    else:
        audit.record(
            session,
            team_id=actor.team_id,
            actor_membership_id=actor.membership_id,
            action="message.approval_given",
            subject_type="message",
            subject_id=message.id,
            now=now,
            details={"kind": kind, "content_hash": digest},
        )
    _comment(session, actor, message, "approved", comment, now)
    session.commit()
    return _read(session, message)


def void_approvals(session: Session, message: Message, now: datetime) -> int:
    """Mark every live approval of a message void (no commit); returns how many."""
    return session.exec(
        update(Approval)
        .where(Approval.message_id == message.id, col(Approval.voided_at).is_(None))
        .values(voided_at=now)
    ).rowcount


def hold(session: Session, *, actor: Actor, now: datetime, message_id: int, comment: str) -> MessageRead:
    """Stop a message wherever it is, with a reason; resuming needs a fresh review."""
    actor, message, digest = _transition(session, actor, now, message_id, Transition.HOLD, comment)
    _move(session, actor, message, MessageStatus.ON_HOLD, Transition.HOLD, digest, now)
    void_approvals(session, message, now)
    posts.hold_posts(session, message.id)
    _comment(session, actor, message, "held", comment, now)
    session.commit()
    return _read(session, message)


def resume(session: Session, *, actor: Actor, now: datetime, message_id: int, comment: str = "") -> MessageRead:
    """Take a message off hold; it goes back to review and needs approving again."""
    actor, message, digest = _transition(session, actor, now, message_id, Transition.RESUME, comment)
    if _paused(session, actor.team_id):
        raise Conflict("The team is in a crisis pause. An admin must end the pause first.")
    _move(session, actor, message, MessageStatus.IN_REVIEW, Transition.RESUME, digest, now)
    _comment(session, actor, message, "resumed", comment, now)
    session.commit()
    return _read(session, message)


def archive(session: Session, *, actor: Actor, now: datetime, message_id: int, comment: str = "") -> MessageRead:
    """Retire a message; it stays readable with its history."""
    actor, message, digest = _transition(session, actor, now, message_id, Transition.ARCHIVE, comment)
    _move(session, actor, message, MessageStatus.ARCHIVED, Transition.ARCHIVE, digest, now)
    void_approvals(session, message, now)
    posts.cancel_posts(session, message.id)
    _comment(session, actor, message, "archived", comment, now)
    session.commit()
    return _read(session, message)


def acknowledge(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    message_id: int,
    finding_key: str,
    content_hash_seen: str,
    note: str,
) -> None:
    """Record the reviewer's note on a screening warning for the content they saw."""
    actor = require(session, actor, Action.REVIEW_MESSAGES, now=now)
    message = _message(session, actor, message_id)
    digest = content_hash(session, message)
    if digest != content_hash_seen:
        raise Conflict("The message changed while you were reviewing it. Reload it and review the new content.")
    note = clean_text(note)
    if not note:
        raise ValidationFailed({"note": "Say why this warning is acceptable (or what you checked)."})
    keys = {_finding_key(v, f) for v, f in _findings(session, message) if f.severity == Severity.WARNING}
    if finding_key not in keys:
        raise NotFound("No such warning on this message.")
    session.add(
        Acknowledgement(
            team_id=actor.team_id,
            message_id=message.id,
            content_hash=digest,
            finding_key=finding_key,
            note=note,
            membership_id=actor.membership_id,
            created_at=now,
        )
    )
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="message.warning_acknowledged",
        subject_type="message",
        subject_id=message.id,
        now=now,
        details={"finding": finding_key.split(":")[1], "content_hash": digest},
    )
    session.commit()


def add_comment(session: Session, *, actor: Actor, now: datetime, message_id: int, body: str) -> None:
    """A comment in the message's thread (private to the team)."""
    actor = require(session, actor, Action.EDIT_MESSAGES, now=now)
    message = _message(session, actor, message_id)
    if not clean_text(body):
        raise ValidationFailed({"body": "Write something first."})
    _comment(session, actor, message, "comment", body, now)
    session.commit()


# ---- queues ------------------------------------------------------------------------------------


def _items(session: Session, rows, sensitive_only: bool, language: str | None) -> list[QueueItem]:
    ids = [m.id for m, _ in rows]
    languages: dict[int, set[str]] = {}
    for message_id, lang in session.exec(
        select(Variant.message_id, Variant.language).where(col(Variant.message_id).in_(ids))
    ).all():
        languages.setdefault(message_id, set()).add(lang)
    last: dict[int, str] = {}
    for comment in session.exec(select(Comment).where(col(Comment.message_id).in_(ids)).order_by(Comment.id)).all():
        last[comment.message_id] = comment.body
    items = []
    for message, campaign_name in rows:
        sensitive = _sensitive(message)
        if (sensitive_only and not sensitive) or (language and language not in languages.get(message.id, set())):
            continue
        items.append(
            QueueItem(
                id=message.id,
                campaign_id=message.campaign_id,
                title=message.title,
                campaign_name=campaign_name,
                status=MessageStatus(message.status),
                themes=message.themes,
                languages=sorted(languages.get(message.id, set())),
                sensitive=sensitive,
                submitted_at=message.submitted_at,
                updated_at=message.updated_at,
                last_comment=last.get(message.id),
            )
        )
    return items


def review_queue(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    campaign_id: int | None = None,
    theme: str | None = None,
    language: str | None = None,
    sensitive_only: bool = False,
) -> list[QueueItem]:
    """Messages waiting for review, oldest submission first."""
    actor = require(session, actor, Action.REVIEW_MESSAGES, now=now)
    query = (
        select(Message, Campaign.name)
        .join(Campaign, Campaign.id == Message.campaign_id)
        .where(Message.team_id == actor.team_id, Message.status == MessageStatus.IN_REVIEW)
        .order_by(col(Message.submitted_at).asc(), Message.id)
    )
    if campaign_id is not None:
        query = query.where(Message.campaign_id == campaign_id)
    rows = [(m, name) for m, name in session.exec(query).all() if not theme or theme in m.themes]
    return _items(session, rows, sensitive_only, language)


def inbox(session: Session, *, actor: Actor, now: datetime) -> list[QueueItem]:
    """The actor's own messages that came back: changes requested, approved or on hold."""
    actor = require(session, actor, Action.EDIT_MESSAGES, now=now)
    rows = session.exec(
        select(Message, Campaign.name)
        .join(Campaign, Campaign.id == Message.campaign_id)
        .where(
            Message.team_id == actor.team_id,
            Message.created_by_membership_id == actor.membership_id,
            col(Message.status).in_([MessageStatus.CHANGES_REQUESTED, MessageStatus.APPROVED, MessageStatus.ON_HOLD]),
        )
        .order_by(col(Message.updated_at).desc())
    ).all()
    return _items(session, rows, False, None)


def message_events(session: Session, *, actor: Actor, now: datetime, message_id: int) -> list[dict]:
    """The message's audit history: who did what, when, on which content."""
    actor = require(session, actor, Action.VIEW_MESSAGES, now=now)
    message = _message(session, actor, message_id)
    events = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.team_id == actor.team_id,
            AuditEvent.subject_type == "message",
            AuditEvent.subject_id == message.id,
        )
        .order_by(col(AuditEvent.id).desc())
    ).all()
    names = people.display_names(session, {e.actor_membership_id for e in events if e.actor_membership_id})
    return [
        {
            "when": e.created_at,
            "who": names.get(e.actor_membership_id, "—"),
            "what": e.action.removeprefix("message."),
            "content": (e.details.get("content_hash") or "")[:10],
        }
        for e in events
    ]


# ---- denylist and crisis pause -------------------------------------------------------------------


class DenylistRead(BaseModel):
    id: int
    entry: str
    note: str


def list_denylist(session: Session, *, actor: Actor, now: datetime) -> list[DenylistRead]:
    """The team's never-link list (visible to everyone who writes)."""
    actor = require(session, actor, Action.VIEW_MESSAGES, now=now)
    rows = session.exec(
        select(DenylistEntry).where(DenylistEntry.team_id == actor.team_id).order_by(DenylistEntry.entry)
    )
    return [DenylistRead(id=r.id, entry=r.entry, note=r.note) for r in rows]


def add_denylist_entry(session: Session, *, actor: Actor, now: datetime, entry: str, note: str = "") -> DenylistRead:
    """Add a domain (example.net) or a handle (@name) the team must never link to."""
    actor = require(session, actor, Action.MANAGE_DENYLIST, now=now)
    value = (
        clean_text(entry).casefold().removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    )
    if not value or " " in value or len(value) > 200 or ("." not in value and not value.startswith("@")):
        raise ValidationFailed({"entry": "Give a domain such as example.net or a handle such as @name."})
    if session.exec(
        select(DenylistEntry.id).where(DenylistEntry.team_id == actor.team_id, DenylistEntry.entry == value)
    ).first():
        raise ValidationFailed({"entry": "This entry is on the list already."})
    row = DenylistEntry(
        team_id=actor.team_id,
        entry=value,
        note=clean_text(note)[:300],
        created_by_membership_id=actor.membership_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="denylist.added",
        subject_type="denylist_entry",
        subject_id=row.id,
        now=now,
    )
    session.commit()
    return DenylistRead(id=row.id, entry=row.entry, note=row.note)


def remove_denylist_entry(session: Session, *, actor: Actor, now: datetime, entry_id: int) -> None:
    """Take an entry off the team's denylist."""
    actor = require(session, actor, Action.MANAGE_DENYLIST, now=now)
    row = session.get(DenylistEntry, entry_id)
    if row is None or row.team_id != actor.team_id:
        raise NotFound("No such entry in your team's list.")
    session.delete(row)
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="denylist.removed",
        subject_type="denylist_entry",
        subject_id=entry_id,
        now=now,
    )
    session.commit()


def pause_state(session: Session, *, actor: Actor, now: datetime) -> PauseState:
    """Whether the team is in a crisis pause (for the banner on every page)."""
    actor = require(session, actor, Action.VIEW_TEAM, now=now)
    team = session.get(Team, actor.team_id)
    return PauseState(paused=team.paused_at is not None, reason=team.pause_reason, since=team.paused_at)


_PAUSABLE = [MessageStatus.APPROVED, MessageStatus.SCHEDULED]


def pause_team(session: Session, *, actor: Actor, now: datetime, reason: str) -> int:
    """Crisis pause: every approved or scheduled message goes on hold at once; returns how many."""
    actor = require(session, actor, Action.PAUSE_TEAM, now=now)
    reason = clean_text(reason)
    if not reason:
        raise ValidationFailed({"reason": "Say why, e.g. 'attack in Peshawar this morning'."})
    team = session.exec(select(Team).where(Team.id == actor.team_id).with_for_update()).one()
    if team.paused_at is not None:
        raise Conflict("The team is already paused.")
    held = session.exec(
        select(Message).where(Message.team_id == actor.team_id, col(Message.status).in_(_PAUSABLE))
    ).all()
    for message in held:
        digest = content_hash(session, message)
        _move(session, actor, message, MessageStatus.ON_HOLD, Transition.HOLD, digest, now, crisis=True)
        void_approvals(session, message, now)
        posts.hold_posts(session, message.id)
        _comment(session, actor, message, "held", f"Crisis pause: {reason}", now)
    team.paused_at, team.pause_reason, team.paused_by_membership_id = now, reason, actor.membership_id
    session.add(team)
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="team.paused",
        subject_type="team",
        subject_id=team.id,
        now=now,
        details={"messages_held": len(held)},
    )
    session.commit()
    return len(held)


def end_pause(session: Session, *, actor: Actor, now: datetime) -> None:
    """End the crisis pause. Held messages stay on hold until each is resumed and approved again."""
    actor = require(session, actor, Action.PAUSE_TEAM, now=now)
    team = session.exec(select(Team).where(Team.id == actor.team_id).with_for_update()).one()
    if team.paused_at is None:
        raise Conflict("The team is not paused.")
    team.paused_at, team.pause_reason, team.paused_by_membership_id = None, "", None
    session.add(team)
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="team.resumed",
        subject_type="team",
        subject_id=team.id,
        now=now,
    )
    session.commit()
