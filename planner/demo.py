"""The demo workspace: team "Pak-Afghan Youth Dialogue" (slug `demo`) with one account per role.

Created or refreshed by `python -m planner demo`. It is what a newcomer judges the product by,
so its people and content come from the seed articles, in English, Urdu, Pashto and Dari.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import yaml
from sqlmodel import Session, select

from planner import audit, campaigns, messages, passwords
from planner.config import CONTENT_DIR, ROOT, settings
from planner.errors import ValidationFailed
from planner.models import CampaignStatus, LoginSession, Membership, PersonalDetail, Role, Team, User
from planner.policy import load_actor

DEMO_SLUG = "demo"
DEMO_NAME = "Pak-Afghan Youth Dialogue"
PASSWORD_FILE = ROOT / "data" / "demo-password"
MESSAGES_FILE = CONTENT_DIR / "demo" / "messages.yaml"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    sensitivity_reviewer: bool
    what_they_do: str
    real_name: str | None = None


ACCOUNTS = (
    DemoAccount("admin", "Coordinator Samina", Role.ADMIN, False, "runs the team: members, roles, archiving"),
    DemoAccount("facilitator", "Facilitator Tahir", Role.FACILITATOR, False, "reviews drafts for tone, facts, safety"),
    DemoAccount("reviewer", "Reviewer Mariam", Role.FACILITATOR, True, "facilitator and sensitivity reviewer"),
    DemoAccount("drafter", "Kabul student Farid", Role.DRAFTER, False, "writes messages in Dari, Pashto, English"),
    DemoAccount("viewer", "Donor liaison Ayesha", Role.VIEWER, False, "reads plans and results"),
)


def demo_password() -> tuple[str, str]:
    """The demo password and where it came from: the environment, the saved file, or new."""
    configured = settings().demo_password
    if configured:
        return configured, "PLANNER_DEMO_PASSWORD"
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text("utf-8").strip(), str(PASSWORD_FILE.relative_to(ROOT))
    generated = f"demo-{secrets.token_urlsafe(9)}"
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    PASSWORD_FILE.write_text(generated + "\n", "utf-8")
    os.chmod(PASSWORD_FILE, 0o600)
    return generated, f"generated now, saved in {PASSWORD_FILE.relative_to(ROOT)}"


def is_empty(session: Session) -> bool:
    return session.exec(select(Team.id).limit(1)).first() is None


def exists(session: Session) -> bool:
    return session.exec(select(Team.id).where(Team.slug == DEMO_SLUG)).first() is not None


def _team(session: Session, now: datetime) -> Team:
    team = session.exec(select(Team).where(Team.slug == DEMO_SLUG)).first()
    if team is None:
        team = Team(slug=DEMO_SLUG, name=DEMO_NAME, created_at=now)
        session.add(team)
        session.flush()
        audit.record(
            session,
            team_id=team.id,
            actor_membership_id=None,
            action="team.created",
            subject_type="team",
            subject_id=team.id,
            details={"demo": True},
            now=now,
        )
    return team


def _account(session: Session, team: Team, account: DemoAccount, password_hash: str, now: datetime) -> Membership:
    user = session.exec(select(User).where(User.username == account.username)).first()
    if user is None:
        user = User(username=account.username, display_name=account.display_name, password_hash="", created_at=now)
    user.display_name = account.display_name
    user.password_hash = password_hash
    user.must_change_password = False
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    session.flush()
    membership = session.exec(
        select(Membership).where(Membership.team_id == team.id, Membership.user_id == user.id)
    ).first() or Membership(team_id=team.id, user_id=user.id, role=account.role, created_at=now)
    membership.role = account.role
    membership.sensitivity_reviewer = account.sensitivity_reviewer
    membership.active = True
    session.add(membership)
    session.flush()
    return membership


def seed(session: Session, *, password: str, now: datetime) -> Team:
    """Create or refresh the demo team, its accounts (all with `password`) and its content."""
    problem = passwords.password_problem(password)
    if problem:
        raise ValidationFailed({"PLANNER_DEMO_PASSWORD": problem})
    team = _team(session, now)
    password_hash = passwords.hash_password(password)
    for account in ACCOUNTS:
        membership = _account(session, team, account, password_hash, now)
        if account.role is Role.ADMIN and session.get(PersonalDetail, membership.user_id) is None:
            session.add(PersonalDetail(user_id=membership.user_id, real_name="Samina Qureshi (demo)", phone=None))
    session.commit()
    seed_campaigns(session, team=team, now=now)
    return team


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    template_id: str
    start_in_days: int  # relative to the day the demo is seeded
    statuses: tuple[CampaignStatus, ...]  # the path it takes after creation
    unsafe_messenger: str | None = None  # a messenger whose safety plan is left to write, to show a gap


CAMPAIGNS = (
    DemoCampaign("دو قطرے، ایک اعتماد — Two drops, one trust", "polio-trust", -20, (CampaignStatus.ACTIVE,)),
    DemoCampaign("Remembering 24 July: Kabul and Lahore", "shared-grief", 0, ()),
    DemoCampaign(
        "Torkham and Chaman: trade keeps both sides alive", "border-trade", 45, (), "Daily wage porter from Chaman"
    ),
    DemoCampaign(
        "Check before you share", "check-before-you-share", -90, (CampaignStatus.ACTIVE, CampaignStatus.COMPLETED)
    ),
)


def _next_24_july(today: date) -> date:
    """The remembrance campaign starts two weeks before the next anniversary of 24 July 2017."""
    anniversary = date(today.year, 7, 24)
    if anniversary - timedelta(days=14) <= today:
        anniversary = date(today.year + 1, 7, 24)
    return anniversary - timedelta(days=14)


def seed_campaigns(session: Session, *, team: Team, now: datetime) -> None:
    """Demo campaigns built as a user would: from templates, through the same services."""
    drafter = session.exec(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(User.username == "drafter", Membership.team_id == team.id)
    ).one()
    token = LoginSession(
        token_hash=secrets.token_hex(32),
        user_id=drafter.user_id,
        membership_id=drafter.id,
        team_id=team.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(minutes=5),
    )
    session.add(token)
    session.commit()
    actor = load_actor(session, token, now=now)
    existing = {c.name for c in campaigns.list_campaigns(session, actor=actor, now=now)}
    today = now.date()
    for spec in CAMPAIGNS:
        if spec.name in existing:
            continue
        start = (
            _next_24_july(today) if spec.template_id == "shared-grief" else today + timedelta(days=spec.start_in_days)
        )
        plan = campaigns.create_campaign(
            session, actor=actor, now=now, name=spec.name, start_date=start, template_id=spec.template_id
        )
        for person in plan.messengers:
            if person.name == spec.unsafe_messenger:
                plan = campaigns.save_part(
                    session,
                    actor=actor,
                    now=now,
                    campaign_id=plan.id,
                    expected_version=plan.version,
                    kind="messenger",
                    part_id=person.id,
                    **person.model_dump(exclude={"id"}) | {"safety_plan": ""},
                )
        for status in spec.statuses:
            plan = campaigns.change_status(
                session, actor=actor, now=now, campaign_id=plan.id, expected_version=plan.version, status=status
            )
    seed_messages(session, actor=actor, now=now)
    token.revoked_at = now
    session.add(token)
    session.commit()


def seed_messages(session: Session, *, actor, now: datetime) -> None:
    """Demo messages and variants in all four languages (content/demo/messages.yaml), via the services."""
    specs = yaml.safe_load(MESSAGES_FILE.read_text("utf-8"))
    by_name = {c.name: c.id for c in campaigns.list_campaigns(session, actor=actor, now=now)}
    existing = {(m.campaign_id, m.title) for m in messages.list_messages(session, actor=actor, now=now)}
    for spec in specs:
        campaign_id = by_name[spec["campaign"]]
        if (campaign_id, spec["title"]) in existing:
            continue
        plan = campaigns.get_plan(session, actor=actor, now=now, campaign_id=campaign_id)
        messenger = next((m.id for m in plan.messengers if m.name == spec.get("messenger")), None)
        message = messages.create_message(
            session,
            actor=actor,
            now=now,
            campaign_id=campaign_id,
            title=spec["title"],
            core_idea=spec.get("core_idea", ""),
            themes=spec.get("themes", []),
            narrative_type=spec.get("narrative_type"),
            messenger_id=messenger,
            features_person=spec.get("features_person", False),
            consent_reference=spec.get("consent_reference", ""),
            sources=spec.get("sources", []),
        )
        for variant in spec["variants"]:
            messages.save_variant(
                session,
                actor=actor,
                now=now,
                message_id=message.id,
                expected_version=None,
                platform=variant["platform"],
                language=variant["language"],
                title=variant.get("title", ""),
                body=variant["body"],
            )


def login_table(password: str, source: str) -> str:
    lines = [f"Demo team: {DEMO_NAME} — log in at http://localhost:8501 with any of:", ""]
    for account in ACCOUNTS:
        reviewer = " + sensitivity reviewer" if account.sensitivity_reviewer else ""
        lines.append(f"  {account.username:<12} {account.role + reviewer:<36} {account.what_they_do}")
    lines += ["", f"  password for all: {password}   ({source})"]
    return "\n".join(lines)
