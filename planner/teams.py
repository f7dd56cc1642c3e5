"""Teams (the tenants) and their first admin, created from the command line."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, field_validator
from sqlmodel import Session, select

from planner import audit, passwords
from planner.errors import ValidationFailed
from planner.inputs import CleanText, parse
from planner.members import MemberCreate
from planner.models import Membership, Role, Team, User

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class TeamCreate(BaseModel):
    slug: str
    name: CleanText

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        value = value.strip().casefold()
        if not SLUG.match(value):
            raise ValueError("Use 2-40 lowercase letters, digits or '-', e.g. 'peshawar-youth'.")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value or len(value) > 120:
            raise ValueError("Give a team name of 1-120 characters.")
        return value


def team_by_slug(session: Session, slug: str) -> Team | None:
    return session.exec(select(Team).where(Team.slug == slug)).first()


def create_team_with_admin(
    session: Session, *, slug: str, name: str, username: str, display_name: str, password: str, now: datetime
) -> Team:
    """Create a team and its first admin (a trusted CLI path: there is no actor yet)."""
    team_data = parse(TeamCreate, slug=slug, name=name)
    admin = parse(MemberCreate, username=username, display_name=display_name, role=Role.ADMIN)
    if team_by_slug(session, team_data.slug) is not None:
        raise ValidationFailed({"slug": f"A team with the slug {team_data.slug!r} exists already."})
    if session.exec(select(User.id).where(User.username == admin.username)).first() is not None:
        raise ValidationFailed({"username": "This username is taken. Choose another."})
    problem = passwords.password_problem(password, username=admin.username)
    if problem:
        raise ValidationFailed({"password": problem})
    team = Team(slug=team_data.slug, name=team_data.name, created_at=now)
    user = User(
        username=admin.username,
        display_name=admin.display_name,
        password_hash=passwords.hash_password(password),
        created_at=now,
        password_changed_at=now,
    )
    session.add(team)
    session.add(user)
    session.flush()
    membership = Membership(team_id=team.id, user_id=user.id, role=Role.ADMIN, created_at=now)
    session.add(membership)
    session.flush()
    audit.record(
        session,
        team_id=team.id,
        actor_membership_id=None,
        action="team.created",
        subject_type="team",
        subject_id=team.id,
        details={"admin_membership_id": membership.id},
        now=now,
    )
    session.commit()
    return team
