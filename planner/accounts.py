"""Log-in, log-out, server-side sessions and a member's own account."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select, update

from planner import audit, passwords
from planner.config import settings
from planner.errors import AuthenticationFailed, NotFound, SessionExpired, ValidationFailed
from planner.models import LoginSession, Membership, User
from planner.policy import Action, Actor, load_actor, require, session_is_live

LOGIN_FAILED = (
    "Log-in failed: check the username and the password. "
    "After {n} failed attempts an account is locked for {m} minutes."
)
# Writing last_seen on every rerun would turn every click into a write; a minute is precise enough.
_TOUCH_EVERY = timedelta(seconds=60)


class SessionRead(BaseModel):
    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _failed(session: Session, user: User | None, *, now: datetime) -> AuthenticationFailed:
    s = settings()
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= s.lockout_threshold:
            user.locked_until = now + timedelta(minutes=s.lockout_minutes)
            user.failed_logins = 0
        session.add(user)
        session.commit()
    return AuthenticationFailed(LOGIN_FAILED.format(n=s.lockout_threshold, m=s.lockout_minutes))


def log_in(session: Session, *, username: str, password: str, now: datetime) -> str:
    """Check the credentials and open a server-side session; return its token (shown to nobody)."""
    user = session.exec(select(User).where(User.username == username.strip().casefold())).first()
    password_ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None:
        raise _failed(session, None, now=now)
    if user.locked_until is not None and user.locked_until > now:
        # Attempts during a lock are not counted, so an attacker cannot extend it for ever.
        raise _failed(session, None, now=now)
    if not password_ok:
        raise _failed(session, user, now=now)
    membership = session.exec(
        select(Membership).where(Membership.user_id == user.id, Membership.active).order_by(Membership.id)
    ).first()
    if membership is None:
        raise _failed(session, user, now=now)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    token = secrets.token_urlsafe(32)
    login = LoginSession(
        token_hash=_token_hash(token),
        user_id=user.id,
        membership_id=membership.id,
        team_id=membership.team_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings().session_absolute_hours),
    )
    session.add(login)
    session.flush()
    audit.record(
        session,
        team_id=membership.team_id,
        actor_membership_id=membership.id,
        action="session.login",
        subject_type="login_session",
        subject_id=login.id,
        now=now,
    )
    session.commit()
    return token


def resolve(session: Session, *, token: str, now: datetime) -> Actor:
    """The actor behind a session token, refreshing its idle timer; SessionExpired if it is over."""
    login = session.exec(select(LoginSession).where(LoginSession.token_hash == _token_hash(token))).first()
    if login is None:
        raise SessionExpired("Your session has ended. Please log in again.")
    actor = load_actor(session, login, now=now)
    if now - login.last_seen_at >= _TOUCH_EVERY:
        login.last_seen_at = now
        session.add(login)
        session.commit()
    return actor


def log_out(session: Session, *, token: str, now: datetime) -> None:
    """End the session behind `token`; ending an already-ended session is not an error."""
    login = session.exec(select(LoginSession).where(LoginSession.token_hash == _token_hash(token))).first()
    if login is None or login.revoked_at is not None:
        return
    login.revoked_at = now
    session.add(login)
    audit.record(
        session,
        team_id=login.team_id,
        actor_membership_id=login.membership_id,
        action="session.logout",
        subject_type="login_session",
        subject_id=login.id,
        now=now,
    )
    session.commit()


def revoke_user_sessions(session: Session, *, user_id: int, now: datetime, keep: int | None = None) -> int:
    """Revoke every live session of a user (but `keep`); no commit. Returns how many ended."""
    statement = (
        update(LoginSession)
        .where(LoginSession.user_id == user_id, col(LoginSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    if keep is not None:
        statement = statement.where(LoginSession.id != keep)
    return session.exec(statement).rowcount


def change_password(session: Session, *, actor: Actor, current_password: str, new_password: str, now: datetime) -> None:
    """Replace the actor's password; their other sessions end, this one stays."""
    actor = require(session, actor, Action.MANAGE_OWN_ACCOUNT, now=now)
    user = session.get(User, actor.user_id)
    if not passwords.verify_password(user.password_hash, current_password):
        raise ValidationFailed({"current_password": "This is not your current password."})
    problem = passwords.password_problem(new_password, username=user.username)
    if problem is None and passwords.verify_password(user.password_hash, new_password):
        problem = "Choose a password different from the current one."
    if problem:
        raise ValidationFailed({"new_password": problem})
    user.password_hash = passwords.hash_password(new_password)
    user.must_change_password = False
    user.password_changed_at = now
    session.add(user)
    revoke_user_sessions(session, user_id=user.id, now=now, keep=actor.session_id)
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="account.password_changed",
        subject_type="user",
        subject_id=user.id,
        now=now,
    )
    session.commit()


def list_my_sessions(session: Session, *, actor: Actor, now: datetime) -> list[SessionRead]:
    """The actor's own live sessions, newest first."""
    actor = require(session, actor, Action.MANAGE_OWN_ACCOUNT, now=now)
    rows = session.exec(
        select(LoginSession)
        .where(LoginSession.user_id == actor.user_id, col(LoginSession.revoked_at).is_(None))
        .order_by(col(LoginSession.last_seen_at).desc())
    ).all()
    return [
        SessionRead(
            id=row.id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
            current=row.id == actor.session_id,
        )
        for row in rows
        if session_is_live(row, now=now)
    ]


def end_my_session(session: Session, *, actor: Actor, session_id: int, now: datetime) -> None:
    """End one of the actor's own sessions (for example on a lost phone)."""
    actor = require(session, actor, Action.MANAGE_OWN_ACCOUNT, now=now)
    login = session.get(LoginSession, session_id)
    if login is None or login.user_id != actor.user_id:
        raise NotFound("No such session.")
    login.revoked_at = login.revoked_at or now
    session.add(login)
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="session.ended_by_owner",
        subject_type="login_session",
        subject_id=login.id,
        now=now,
    )
    session.commit()
