"""The demo workspace: team "Pak-Afghan Youth Dialogue" (slug `demo`) with one account per role.

Created or refreshed by `python -m planner demo`. It is what a newcomer judges the product by,
so its people and content come from the seed articles, in English, Urdu, Pashto and Dari.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import yaml
from sqlmodel import Session, select

from planner import audit, campaigns, demo_consent, demo_reach, messages, passwords, posts, review, timing
from planner.config import CONTENT_DIR, ROOT, settings
from planner.errors import ValidationFailed
from planner.models import (
    CampaignStatus,
    LoginSession,
    Membership,
    MessageStatus,
    PersonalDetail,
    Post,
    PostStatus,
    ReachImport,
    Role,
    Team,
    User,
)
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
    actor, token = _demo_actor(session, team.id, "drafter", now)
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
    seed_review_states(session, drafter=actor, now=now)
    seed_calendar(session, team=team, drafter=actor, now=now)
    admin, admin_login = _demo_actor(session, team.id, "admin", now)
    demo_consent.seed_consent_forms(session, admin=admin, now=now)
    admin_login.revoked_at = now
    session.add(admin_login)
    if session.exec(select(ReachImport.id).where(ReachImport.team_id == team.id).limit(1)).first() is None:
        demo_reach.seed_reach(session, team_id=team.id, membership_id=actor.membership_id, now=now)
        demo_reach.seed_results(session, team_id=team.id, membership_id=actor.membership_id, now=now)
    token.revoked_at = now
    session.add(token)
    session.commit()


# Where each demo message stands in review, so a newcomer sees every state of the workflow.
REVIEW_STATES = {
    "She knocks on our door": MessageStatus.APPROVED,
    "Living with polio, in their own words": MessageStatus.IN_REVIEW,
    "Protecting a child's life is a duty": MessageStatus.APPROVED,  # sensitive: two approvals
    "Med students answer the family forwards": MessageStatus.CHANGES_REQUESTED,  # unsourced statistic
    "Two cities, one grief": MessageStatus.IN_REVIEW,
    "Condolence before blame": MessageStatus.APPROVED,
    "Verses for both cities": MessageStatus.DRAFT,
    "A day in the queue at Torkham": MessageStatus.ON_HOLD,
    "What a closed gate costs your bazaar": MessageStatus.DRAFT,
    "Who gains from a closed border?": MessageStatus.IN_REVIEW,  # the clichéd blame framing
    "Three checks before you forward": MessageStatus.APPROVED,
    "Real answers are rarely one line long": MessageStatus.ARCHIVED,
}
REVIEW_COMMENTS = {
    MessageStatus.CHANGES_REQUESTED: "The 70% figure has no source. Add the survey it comes from, or drop the number.",
    MessageStatus.ON_HOLD: "Holding until the crossing reopens: posting now could read as mocking people in the queue.",
}


def _demo_actor(session: Session, team_id: int, username: str, now: datetime):
    membership = session.exec(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(User.username == username, Membership.team_id == team_id)
    ).one()
    login = LoginSession(
        token_hash=secrets.token_hex(32),
        user_id=membership.user_id,
        membership_id=membership.id,
        team_id=team_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(minutes=5),
        revoked_at=None,
    )
    session.add(login)
    session.commit()
    return load_actor(session, login, now=now), login


def _approve_as(session: Session, reviewer, message_id: int, now: datetime) -> None:
    view = review.review(session, actor=reviewer, now=now, message_id=message_id)
    for finding in view.findings:
        if finding.severity == "warning" and not finding.acknowledged_by:
            review.acknowledge(
                session,
                actor=reviewer,
                now=now,
                message_id=message_id,
                finding_key=finding.key,
                content_hash_seen=view.content_hash,
                note="Checked with the drafter: source and wording are fine.",
            )
    review.approve(session, actor=reviewer, now=now, message_id=message_id, content_hash_seen=view.content_hash)


def seed_review_states(session: Session, *, drafter, now: datetime) -> None:
    """Walk demo messages through review with the facilitator and the sensitivity reviewer."""
    facilitator, first = _demo_actor(session, drafter.team_id, "facilitator", now)
    reviewer, second = _demo_actor(session, drafter.team_id, "reviewer", now)
    for summary in messages.list_messages(session, actor=drafter, now=now, status=MessageStatus.DRAFT):
        target = REVIEW_STATES.get(summary.title, MessageStatus.DRAFT)
        if target == MessageStatus.DRAFT:
            continue
        review.submit(session, actor=drafter, now=now, message_id=summary.id)
        if target == MessageStatus.CHANGES_REQUESTED:
            review.request_changes(
                session, actor=facilitator, now=now, message_id=summary.id, comment=REVIEW_COMMENTS[target]
            )
        elif target in (MessageStatus.APPROVED, MessageStatus.ON_HOLD, MessageStatus.ARCHIVED):
            _approve_as(session, facilitator, summary.id, now)
            if review.review(session, actor=reviewer, now=now, message_id=summary.id).needed == "sensitivity":
                _approve_as(session, reviewer, summary.id, now)
            if target == MessageStatus.ON_HOLD:
                review.hold(session, actor=facilitator, now=now, message_id=summary.id, comment=REVIEW_COMMENTS[target])
            if target == MessageStatus.ARCHIVED:
                review.archive(session, actor=facilitator, now=now, message_id=summary.id)
    for login in (first, second):
        login.revoked_at = now
        session.add(login)
    session.commit()


CHANNELS = {
    "facebook": "Pak-Afghan Youth Dialogue (Page)",
    "x": "@PakAfghanYouth",
    "instagram": "pakafghanyouth",
    "whatsapp": "Youth Dialogue Channel",
    "youtube": "Pak-Afghan Youth Dialogue",
    "telegram": "Dialogue Updates",
    "tiktok": "@pakafghanyouth",
    "linkedin": "Pak-Afghan Youth Dialogue",
}
# Whom each account mainly reaches: the dashboards' audience breakdown comes from this.
AUDIENCE = {
    "facebook": "pakistan",
    "x": "cross-border",
    "instagram": "pakistan",
    "whatsapp": "pakistan",
    "youtube": "afghanistan",
    "telegram": "afghanistan",
    "tiktok": "cross-border",
    "linkedin": "diaspora",
}
POST_HOUR = {
    "facebook": 18,
    "x": 20,
    "instagram": 19,
    "whatsapp": 17,
    "youtube": 16,
    "telegram": 21,
    "tiktok": 21,
    "linkedin": 11,
}


def _native(platform: str, variant_id: int, day: date) -> tuple[str, str]:
    """A post id and permalink shaped like the platform's own, so the demo exports match them."""
    digits = f"{variant_id:05d}{day:%y%m%d}"
    if platform == "youtube":
        native = base64.urlsafe_b64encode(hashlib.sha256(digits.encode()).digest()).decode()[:11]
        return native, f"https://youtube.example.org/watch?v={native}"
    native = {
        "facebook": f"{demo_reach.PAGE_ID}_{digits}",
        "x": "18" + digits.rjust(17, "0"),
        "instagram": "179" + digits.rjust(14, "0"),
        "tiktok": "73" + digits.rjust(17, "0"),
    }.get(platform, digits)
    path = {"x": "pakafghanyouth/status", "tiktok": "@pakafghanyouth/video"}.get(platform, "pakafghanyouth")
    return native, f"https://{platform}.example.org/{path}/{native}"


def seed_calendar(session: Session, *, team: Team, drafter, now: datetime) -> None:
    """A realistic month: channels, last weeks' published posts and the coming weeks' schedule.

    Published history is written directly (the services refuse past times, as they should); the
    coming posts are scheduled through the same service a coordinator uses.
    """
    existing = {c.platform: c for c in posts.list_channels(session, actor=drafter, now=now)}
    admin, login = _demo_actor(session, team.id, "admin", now)
    for platform, name in CHANNELS.items():
        if platform not in existing:
            existing[platform] = posts.add_channel(
                session, actor=admin, now=now, platform=platform, name=name, audience_region=AUDIENCE[platform]
            )
    login.revoked_at = now
    session.add(login)
    session.commit()
    if session.exec(select(Post.id).where(Post.team_id == team.id).limit(1)).first() is not None:
        return
    today = now.astimezone(ZoneInfo("Asia/Karachi")).date()
    shown = {
        c.id: c for c in campaigns.list_campaigns(session, actor=drafter, now=now, statuses=["active", "completed"])
    }
    for option in posts.schedulable(session, actor=drafter, now=now):
        campaign = shown.get(option.campaign_id)
        if campaign is None:
            continue
        channel = existing[option.platform]
        hour = POST_HOUR[option.platform]
        if campaign.status == CampaignStatus.COMPLETED:
            weeks = [
                w for w in range(13, 0, -1) if campaign.start_date <= today - timedelta(days=7 * w) <= campaign.end_date
            ]
        else:
            weeks = [3, 2, 1]
        for weeks_ago in weeks:
            day = today - timedelta(days=7 * weeks_ago - (option.variant_id % 3))
            when = timing.to_utc(day, time(hour, 0), "Asia/Karachi")
            native, link = _native(option.platform, option.variant_id, day)
            session.add(
                Post(
                    team_id=team.id,
                    campaign_id=option.campaign_id,
                    message_id=option.message_id,
                    variant_id=option.variant_id,
                    channel_id=channel.id,
                    scheduled_at=when,
                    status=PostStatus.PUBLISHED,
                    permalink=link,
                    platform_post_id=native,
                    published_at=when,
                    created_by_membership_id=drafter.membership_id,
                    created_at=when,
                )
            )
        session.commit()
        if campaign.status == CampaignStatus.COMPLETED:
            continue
        first = today + timedelta(days=1 + option.variant_id % 4)
        posts.schedule_post(
            session,
            actor=drafter,
            now=now,
            variant_id=option.variant_id,
            channel_id=channel.id,
            day=first,
            at=time(hour, 0),
            zone="Asia/Kabul" if option.language in ("ps", "fa") else "Asia/Karachi",
            repeat_weekly_until=first + timedelta(days=14),
        )


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
