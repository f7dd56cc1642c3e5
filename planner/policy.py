"""Who may do what: one table, one function, deny by default.

Every service calls `require` before it touches data. It re-reads the log-in session and the
membership, so a revoked session, a deactivated member or a changed role takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from planner.config import settings
from planner.db import utcnow
from planner.errors import PermissionDenied, SessionExpired
from planner.models import LoginSession, Membership, Role, Team, User


class Action(StrEnum):
    VIEW_TEAM = "team.view"
    MANAGE_MEMBERS = "members.manage"
    VIEW_PERSONAL_DATA = "personal_data.view"
    MANAGE_PERSONAL_DATA = "personal_data.manage"
    VIEW_AUDIT = "audit.view"
    MANAGE_OWN_ACCOUNT = "account.manage_own"
    VIEW_CAMPAIGNS = "campaign.view"
    EDIT_CAMPAIGNS = "campaign.edit"
    ARCHIVE_CAMPAIGNS = "campaign.archive"
    VIEW_MESSAGES = "message.view"
    EDIT_MESSAGES = "message.edit"
    REVIEW_MESSAGES = "message.review"
    MANAGE_DENYLIST = "denylist.manage"
    PAUSE_TEAM = "team.pause"
    SCHEDULE_POSTS = "post.schedule"
    MANAGE_CHANNELS = "channel.manage"


_EVERYONE = frozenset(Role)
_EDITORS = frozenset({Role.ADMIN, Role.FACILITATOR, Role.DRAFTER})

POLICY: dict[Action, frozenset[Role]] = {
    Action.VIEW_TEAM: _EVERYONE,
    Action.MANAGE_MEMBERS: frozenset({Role.ADMIN}),
    Action.VIEW_PERSONAL_DATA: frozenset({Role.ADMIN}),
    Action.MANAGE_PERSONAL_DATA: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN}),
    Action.MANAGE_OWN_ACCOUNT: _EVERYONE,
    Action.VIEW_CAMPAIGNS: _EVERYONE,
    Action.EDIT_CAMPAIGNS: _EDITORS,
    Action.ARCHIVE_CAMPAIGNS: frozenset({Role.ADMIN}),
    Action.VIEW_MESSAGES: _EVERYONE,
    Action.EDIT_MESSAGES: _EDITORS,
    Action.REVIEW_MESSAGES: frozenset({Role.ADMIN, Role.FACILITATOR}),
    Action.MANAGE_DENYLIST: frozenset({Role.ADMIN}),
    Action.PAUSE_TEAM: frozenset({Role.ADMIN}),
    Action.SCHEDULE_POSTS: _EDITORS,
    Action.MANAGE_CHANNELS: frozenset({Role.ADMIN}),
}

# Until a one-time password is replaced, the member may do nothing else.
_ALLOWED_BEFORE_PASSWORD_CHANGE = frozenset({Action.MANAGE_OWN_ACCOUNT})


@dataclass(frozen=True)
class Actor:
    """The member acting, as of their last check. Pages hold it; services re-check it."""

    session_id: int
    user_id: int
    membership_id: int
    team_id: int
    team_slug: str
    team_name: str
    username: str
    display_name: str
    role: Role
    sensitivity_reviewer: bool
    must_change_password: bool


def allows(role: Role, action: Action) -> bool:
    """Pure policy lookup: unknown actions are denied."""
    return role in POLICY.get(action, frozenset())


def session_is_live(row: LoginSession, *, now: datetime) -> bool:
    s = settings()
    if row.revoked_at is not None or now >= row.expires_at:
        return False
    return now - row.last_seen_at < timedelta(minutes=s.session_idle_minutes)


def load_actor(session: Session, login: LoginSession, *, now: datetime) -> Actor:
    """Build a fresh Actor from a log-in session row, or raise SessionExpired."""
    if not session_is_live(login, now=now):
        raise SessionExpired("Your session has ended. Please log in again.")
    membership = session.get(Membership, login.membership_id)
    user = session.get(User, login.user_id)
    team = session.get(Team, login.team_id)
    if membership is None or user is None or team is None or not membership.active:
        raise SessionExpired("Your session has ended. Please log in again.")
    return Actor(
        session_id=login.id,
        user_id=user.id,
        membership_id=membership.id,
        team_id=team.id,
        team_slug=team.slug,
        team_name=team.name,
        username=user.username,
        display_name=user.display_name,
        role=Role(membership.role),
        sensitivity_reviewer=membership.sensitivity_reviewer,
        must_change_password=user.must_change_password,
    )


def require(session: Session, actor: Actor, action: Action, *, now: datetime | None = None) -> Actor:
    """Re-check the actor against the database and the policy; return the fresh actor."""
    login = session.get(LoginSession, actor.session_id)
    if login is None or login.user_id != actor.user_id:
        raise SessionExpired("Your session has ended. Please log in again.")
    fresh = load_actor(session, login, now=now or utcnow())
    if fresh.must_change_password and action not in _ALLOWED_BEFORE_PASSWORD_CHANGE:
        raise PermissionDenied("Choose a new password first.")
    if not allows(fresh.role, action):
        raise PermissionDenied(f"Your role ({fresh.role}) does not allow this.")
    return fresh
