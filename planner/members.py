"""Team administration: members, roles, the sensitivity-reviewer flag, deactivation, sessions, and
erasing a member's personal data while their pseudonymous history stays."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, field_validator
from sqlmodel import Session, col, func, select

from planner import audit, consent, passwords
from planner.accounts import revoke_user_sessions
from planner.errors import Conflict, NotFound, ValidationFailed
from planner.inputs import CleanText, OptionalText, parse
from planner.models import LoginSession, Membership, PersonalDetail, Role, User
from planner.policy import Action, Actor, allows, require

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")
PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


class MemberCreate(BaseModel):
    username: str
    display_name: CleanText
    role: Role
    sensitivity_reviewer: bool = False
    real_name: OptionalText = None
    phone: OptionalText = None

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.strip().casefold()
        if not USERNAME.match(value):
            raise ValueError(
                "Use 3-40 characters: Latin letters, digits, '.', '_' or '-', starting with a letter or digit."
            )
        return value

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str) -> str:
        if not value:
            raise ValueError("Give a display name; a pseudonym is fine.")
        if len(value) > 80:
            raise ValueError("Use at most 80 characters.")
        return value

    @field_validator("real_name")
    @classmethod
    def _real_name(cls, value: str | None) -> str | None:
        if value and len(value) > 120:
            raise ValueError("Use at most 120 characters.")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not PHONE.match(value):
            raise ValueError("Use digits, spaces and an optional leading '+', e.g. +92 300 1234567.")
        return value


class MemberRead(BaseModel):
    membership_id: int
    user_id: int
    username: str
    display_name: str
    role: Role
    sensitivity_reviewer: bool
    active: bool
    must_change_password: bool
    version: int
    live_sessions: int
    real_name: str | None = None
    phone: str | None = None


class NewMember(BaseModel):
    member: MemberRead
    one_time_password: str


def _membership(session: Session, actor: Actor, membership_id: int) -> Membership:
    membership = session.get(Membership, membership_id)
    if membership is None or membership.team_id != actor.team_id:
        raise NotFound("No such member in your team.")
    return membership


def _check_version(membership: Membership, expected_version: int) -> None:
    if membership.version != expected_version:
        raise Conflict("Someone else changed this member a moment ago. The list now shows the current state.")


def _other_active_admins(session: Session, membership: Membership) -> int:
    return session.exec(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.team_id == membership.team_id,
            Membership.role == Role.ADMIN,
            Membership.active,
            Membership.id != membership.id,
        )
    ).one()


def _keep_an_admin(session: Session, membership: Membership) -> None:
    if membership.role == Role.ADMIN and membership.active and _other_active_admins(session, membership) == 0:
        raise ValidationFailed({"role": "A team must keep at least one active admin."})


def _read(session: Session, membership: Membership, *, personal: bool, now: datetime) -> MemberRead:
    user = session.get(User, membership.user_id)
    detail = session.get(PersonalDetail, user.id) if personal else None
    live = session.exec(
        select(func.count())
        .select_from(LoginSession)
        .where(
            LoginSession.user_id == user.id,
            col(LoginSession.revoked_at).is_(None),
            LoginSession.expires_at > now,
        )
    ).one()
    return MemberRead(
        membership_id=membership.id,
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(membership.role),
        sensitivity_reviewer=membership.sensitivity_reviewer,
        active=membership.active,
        must_change_password=user.must_change_password,
        version=membership.version,
        live_sessions=live,
        real_name=detail.real_name if detail else None,
        phone=detail.phone if detail else None,
    )


def _audit(session: Session, actor: Actor, action: str, membership: Membership, now: datetime, **details) -> None:
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action=action,
        subject_type="membership",
        subject_id=membership.id,
        details=details,
        now=now,
    )


def list_members(session: Session, *, actor: Actor, now: datetime) -> list[MemberRead]:
    """Everyone in the actor's team; real names and phones only for those allowed to see them."""
    actor = require(session, actor, Action.VIEW_TEAM, now=now)
    personal = allows(actor.role, Action.VIEW_PERSONAL_DATA)
    rows = session.exec(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == actor.team_id)
        .order_by(col(Membership.active).desc(), User.display_name)
    ).all()
    return [_read(session, row, personal=personal, now=now) for row in rows]


def add_member(session: Session, *, actor: Actor, now: datetime, **fields) -> NewMember:
    """Create an account in the actor's team with a one-time password, returned once."""
    actor = require(session, actor, Action.MANAGE_MEMBERS, now=now)
    data = parse(MemberCreate, **fields)
    if session.exec(select(User.id).where(User.username == data.username)).first() is not None:
        raise ValidationFailed({"username": "This username is taken. Choose another."})
    secret = passwords.one_time_password()
    user = User(
        username=data.username,
        display_name=data.display_name,
        password_hash=passwords.hash_password(secret),
        must_change_password=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    if data.real_name or data.phone:
        session.add(PersonalDetail(user_id=user.id, real_name=data.real_name, phone=data.phone))
    membership = Membership(
        team_id=actor.team_id,
        user_id=user.id,
        role=data.role,
        sensitivity_reviewer=data.sensitivity_reviewer,
        created_at=now,
    )
    session.add(membership)
    session.flush()
    _audit(session, actor, "member.added", membership, now, role=str(data.role))
    session.commit()
    return NewMember(member=_read(session, membership, personal=True, now=now), one_time_password=secret)


def update_member(
    session: Session,
    *,
    actor: Actor,
    membership_id: int,
    expected_version: int,
    now: datetime,
    role: Role | str | None = None,
    sensitivity_reviewer: bool | None = None,
    active: bool | None = None,
) -> MemberRead:
    """Change a member's role, reviewer flag or access in one step; takes effect on their next click."""
    actor = require(session, actor, Action.MANAGE_MEMBERS, now=now)
    membership = _membership(session, actor, membership_id)
    _check_version(membership, expected_version)
    if role is not None:
        try:
            role = Role(role)
        except ValueError:
            raise ValidationFailed({"role": f"Unknown role {role!r}."}) from None
        if role != membership.role:
            if role != Role.ADMIN:
                _keep_an_admin(session, membership)
            _audit(session, actor, "member.role_changed", membership, now, before=membership.role, after=str(role))
            membership.role = role
    if sensitivity_reviewer is not None and sensitivity_reviewer != membership.sensitivity_reviewer:
        membership.sensitivity_reviewer = sensitivity_reviewer
        _audit(session, actor, "member.sensitivity_reviewer_set", membership, now, value=sensitivity_reviewer)
    if active is not None and active != membership.active:
        if not active:
            _keep_an_admin(session, membership)
            revoke_user_sessions(session, user_id=membership.user_id, now=now)
        membership.active = active
        _audit(session, actor, "member.activated" if active else "member.deactivated", membership, now)
    membership.version += 1
    session.add(membership)
    session.commit()
    return _read(session, membership, personal=True, now=now)


def revoke_sessions(session: Session, *, actor: Actor, membership_id: int, now: datetime) -> int:
    """Log a member out everywhere; returns how many sessions ended."""
    actor = require(session, actor, Action.MANAGE_MEMBERS, now=now)
    membership = _membership(session, actor, membership_id)
    ended = revoke_user_sessions(session, user_id=membership.user_id, now=now)
    _audit(session, actor, "member.sessions_revoked", membership, now, count=ended)
    session.commit()
    return ended


def reset_password(session: Session, *, actor: Actor, membership_id: int, now: datetime) -> str:
    """Give a member a new one-time password (shown once) and end their sessions."""
    actor = require(session, actor, Action.MANAGE_MEMBERS, now=now)
    membership = _membership(session, actor, membership_id)
    user = session.get(User, membership.user_id)
    secret = passwords.one_time_password()
    user.password_hash = passwords.hash_password(secret)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    revoke_user_sessions(session, user_id=user.id, now=now)
    _audit(session, actor, "member.password_reset", membership, now)
    session.commit()
    return secret


class ErasureReport(BaseModel):
    membership_id: int
    username: str
    personal_detail_removed: bool
    consent_documents_removed: int
    sessions_ended: int


def erase_personal_data(
    session: Session, *, actor: Actor, now: datetime, membership_id: int, confirm_username: str
) -> ErasureReport:
    """Delete a member's real name, phone and the consent documents about them, and end their sessions.

    Their username and display name (the pseudonym), membership, drafts, approvals and audit events stay.
    """
    actor = require(session, actor, Action.MANAGE_PERSONAL_DATA, now=now)
    membership = _membership(session, actor, membership_id)
    user = session.get(User, membership.user_id)
    if confirm_username.strip().casefold() != user.username:
        raise ValidationFailed({"confirm_username": "Type the member's username exactly as shown to confirm."})
    detail = session.get(PersonalDetail, user.id)
    if detail is not None:
        session.delete(detail)
    documents = consent.delete_documents_about(session, team_id=actor.team_id, membership_id=membership.id)
    ended = revoke_user_sessions(session, user_id=user.id, now=now)
    _audit(
        session,
        actor,
        "member.personal_data_erased",
        membership,
        now,
        personal_detail_removed=detail is not None,
        consent_documents_removed=documents,
        sessions_ended=ended,
    )
    session.commit()
    return ErasureReport(
        membership_id=membership.id,
        username=user.username,
        personal_detail_removed=detail is not None,
        consent_documents_removed=documents,
        sessions_ended=ended,
    )
