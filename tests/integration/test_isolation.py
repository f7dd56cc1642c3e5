"""Team isolation and dead sessions, for every public service, on SQLite and PostgreSQL.

Two teams hold the same kinds of rows. An admin of the away team calls every service with the home
team's ids: each answers exactly as it answers an id that does not exist ("not found", never
"forbidden"), and nothing changes. A home member whose session was revoked, went idle, passed its
absolute limit or whose membership was deactivated calls every service: each answers "session
ended", and nothing changes.

The world is built once per database; every call runs inside a transaction that is rolled back
afterwards (services' commits become savepoints), so each case sees the same world. A public
service that takes an actor and is missing from CASES fails test_every_service_is_covered.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, SQLModel, select

import planner
from planner import (
    accounts,
    audit,
    campaigns,
    consent,
    dashboard,
    db,
    members,
    messages,
    passwords,
    posts,
    reach,
    reach_links,
    report,
    results,
    review,
)
from planner.config import settings
from planner.errors import Conflict, NotFound, PermissionDenied, PlannerError, SessionExpired, ValidationFailed
from planner.models import LoginSession, Membership, ReachFigure, Role, Team
from planner.plans import Step
from planner.policy import Actor
from tests.conftest import NOW, PASSWORD, _truncate_all, make_member, make_team
from tests.integration.database_rows import snapshot
from tests.integration.test_authorization import _public_services

X_EXPORT = (Path(__file__).resolve().parent.parent / "fixtures" / "reach" / "x-current.csv").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
MISSING = 987_654_321  # an id no row has
DAY = date(2026, 12, 3)
START = date(2026, 12, 1)
PAST = date(2026, 11, 14)
WARNED = "70% of parents now trust the drops"  # a statistic without a source: a screening warning


# ---- the world: one team's rows, built through the services --------------------------------------


@dataclass(frozen=True)
class World:
    """One team's ids (and what a caller must send with them). `marker` is in the team's names."""

    marker: str
    team: int
    admin: Actor
    campaign: int
    campaign_version: int
    kpi: int
    messenger: int
    draft: int
    draft_version: int
    draft_variant: int
    draft_variant_version: int
    in_review: int
    in_review_digest: str
    warned: int
    warned_digest: str
    warned_finding: str
    held: int
    approved_variant: int
    channel: int
    post: int
    post_version: int
    published_post: int
    linked_figure: int
    unlinked_figure: int
    denylist_entry: int
    result: int
    document: int
    consent_reference: str
    member: int
    member_username: str
    login_session: int

    def phantom(self) -> World:
        """The same world with every row id and reference replaced by one that does not exist."""
        ids = {f: MISSING for f, v in vars(self).items() if isinstance(v, int) and not f.endswith("version")}
        return replace(self, **ids, consent_reference="CF-nobody-0")


def _message(s, drafter, campaign_id, title, body):
    message = messages.create_message(s, actor=drafter, now=NOW, campaign_id=campaign_id, title=title)
    return messages.save_variant(
        s,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=None,
        platform="x",
        language="en",
        body=body,
    )


def build_world(s: Session, marker: str) -> World:
    """One team with a row of every kind, made through the services as its members would."""
    slug = marker.casefold()
    team = make_team(s, slug, f"{marker} circle")
    admin = make_member(s, team, Role.ADMIN, username=f"{slug}-admin")
    drafter = make_member(s, team, Role.DRAFTER, username=f"{slug}-drafter")
    facilitator = make_member(s, team, Role.FACILITATOR, username=f"{slug}-facilitator")
    viewer = make_member(s, team, Role.VIEWER, username=f"{slug}-viewer")
    plan = campaigns.create_campaign(
        s, actor=drafter, now=NOW, name=f"{marker} grief", start_date=START, template_id="shared-grief"
    )
    draft = _message(s, drafter, plan.id, f"{marker} draft", f"{marker} says peace")
    review.add_comment(s, actor=drafter, now=NOW, message_id=draft.id, body=f"{marker} first thoughts")

    def submitted(title, body):
        message = _message(s, drafter, plan.id, title, body)
        review.submit(s, actor=drafter, now=NOW, message_id=message.id)
        return message, review.review(s, actor=facilitator, now=NOW, message_id=message.id)

    def approved(title):
        message, view = submitted(title, f"{marker}: two cities, one grief")
        review.approve(s, actor=facilitator, now=NOW, message_id=message.id, content_hash_seen=view.content_hash)
        return message

    in_review, in_review_view = submitted(f"{marker} in review", f"{marker} remembers Kabul and Lahore")
    warned, warned_view = submitted(f"{marker} warned", f"{WARNED}, {marker} says")
    [warning] = [f for f in warned_view.findings if f.severity == "warning"]
    held = approved(f"{marker} held")
    review.hold(s, actor=facilitator, now=NOW, message_id=held.id, comment=f"{marker} wait")
    ready = approved(f"{marker} approved")

    channel = posts.add_channel(s, actor=admin, now=NOW, platform="x", name=f"{marker} channel")

    def scheduled(hour):
        [post] = posts.schedule_post(
            s,
            actor=drafter,
            now=NOW,
            variant_id=ready.variants[0].id,
            channel_id=channel.id,
            day=DAY,
            at=time(hour),
            zone="Asia/Karachi",
        )
        return post

    post = scheduled(18)
    published = scheduled(19)
    native = f"{1234567890123456789 + (slug == 'awayteam')}"
    posts.mark_published(
        s,
        actor=drafter,
        now=NOW,
        post_id=published.id,
        expected_version=published.version,
        permalink=f"https://x.com/{slug}/status/{native}",
        platform_post_id=native,
    )
    reach.import_reach(s, actor=drafter, now=NOW, data=X_EXPORT.replace(b"Same grief", marker.encode()))
    figures = s.exec(select(ReachFigure).where(ReachFigure.team_id == team.id).order_by(ReachFigure.id)).all()
    linked = next(f for f in figures if f.post_id is not None)
    unlinked = next(f for f in figures if f.post_id is None and f.message_id is None)

    result = results.add_result(
        s,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        kind="offline-event",
        value=40,
        period_start=PAST,
        period_end=PAST,
        source=f"{marker} sign-in sheet",
    )
    entry = review.add_denylist_entry(s, actor=admin, now=NOW, entry=f"{slug}.example.net", note=marker)
    reference = f"CF-{marker}-1"
    document = consent.upload_document(
        s,
        actor=admin,
        now=NOW,
        data=PNG + marker.encode(),
        reference=reference,
        person_label=marker,
        subject_membership_id=viewer.membership_id,
    )
    phone = LoginSession(
        token_hash=f"phone-{slug}".ljust(64, "0"),
        user_id=admin.user_id,
        membership_id=admin.membership_id,
        team_id=team.id,
        created_at=NOW,
        last_seen_at=NOW,
        expires_at=NOW + timedelta(hours=12),
    )
    s.add(phone)
    s.commit()
    plan = campaigns.get_plan(s, actor=admin, now=NOW, campaign_id=plan.id)
    draft = messages.get_message(s, actor=admin, now=NOW, message_id=draft.id)
    return World(
        marker=marker,
        team=team.id,
        admin=admin,
        campaign=plan.id,
        campaign_version=plan.version,
        kpi=plan.kpis[-1].id,
        messenger=plan.messengers[0].id,
        draft=draft.id,
        draft_version=draft.version,
        draft_variant=draft.variants[0].id,
        draft_variant_version=draft.variants[0].version,
        in_review=in_review.id,
        in_review_digest=in_review_view.content_hash,
        warned=warned.id,
        warned_digest=warned_view.content_hash,
        warned_finding=warning.key,
        held=held.id,
        approved_variant=ready.variants[0].id,
        channel=channel.id,
        post=post.id,
        post_version=post.version,
        published_post=published.id,
        linked_figure=linked.id,
        unlinked_figure=unlinked.id,
        denylist_entry=entry.id,
        result=result.id,
        document=document.id,
        consent_reference=reference,
        member=viewer.membership_id,
        member_username=f"{slug}-viewer",
        login_session=phone.id,
    )


def _dead_members(s: Session, team: Team) -> dict[str, Actor]:
    """Admins of the home team whose log-in is over, each for a different reason."""
    idle = timedelta(minutes=settings().session_idle_minutes + 1)
    revoked = make_member(s, team, Role.ADMIN, username="hometeam-revoked")
    gone_idle = make_member(s, team, Role.ADMIN, username="hometeam-idle", now=NOW - idle)
    too_old = make_member(s, team, Role.ADMIN, username="hometeam-too-old", now=NOW - timedelta(hours=12, minutes=1))
    deactivated = make_member(s, team, Role.ADMIN, username="hometeam-deactivated")
    s.get(LoginSession, revoked.session_id).revoked_at = NOW - timedelta(minutes=1)
    s.get(LoginSession, too_old.session_id).last_seen_at = NOW - timedelta(minutes=1)
    s.get(Membership, deactivated.membership_id).active = False
    s.commit()
    return {"revoked": revoked, "idle": gone_idle, "past absolute limit": too_old, "deactivated": deactivated}


@dataclass(frozen=True)
class Worlds:
    engine: object
    home: World
    away: World
    dead: dict[str, Actor]
    baseline: tuple  # every row
    home_baseline: tuple  # the home team's rows


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def worlds(request, tmp_path_factory) -> Iterator[Worlds]:
    if request.param == "sqlite":
        engine = db.build_engine(f"sqlite:///{tmp_path_factory.mktemp('isolation') / 'planner.db'}")
        SQLModel.metadata.create_all(engine)
    else:
        engine = request.getfixturevalue("postgres_engine")
        _truncate_all(engine)
    db.use_engine(engine)
    with pytest.MonkeyPatch.context() as patch, Session(engine, expire_on_commit=False) as s:
        # The function-scoped cheap hashing of tests/conftest.py starts after this module-scoped set-up.
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        home = build_world(s, "Hometeam")
        away = build_world(s, "Awayteam")
        dead = _dead_members(s, s.get(Team, home.team))
        baseline, home_baseline = snapshot(s), snapshot(s, home.team)
    yield Worlds(engine, home, away, dead, baseline, home_baseline)
    db.use_engine(None)
    if request.param == "sqlite":
        engine.dispose()


@contextmanager
def rolled_back(engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction that is rolled back at the end."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
                yield s
        finally:
            outer.rollback()


# ---- every service: how to call it with one team's ids ------------------------------------------

# A call gets the session, the actor, the actor's own world and the world whose rows it names.
Call = Callable[[Session, Actor, World, World], object]


@dataclass(frozen=True)
class Case:
    name: str  # module.function
    call: Call
    # "id": names a row of the target world; another team's row answers like a missing one (`answer`).
    # "filter": narrows a listing by the target's id; another team's id lists what a missing id lists.
    # "team": names no row; the result carries nothing of another team.
    kind: str = "id"
    answer: type[PlannerError] = NotFound
    label: str = ""
    control_error: type[PlannerError] | None = None  # how the owner's own call may legitimately end

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name


_OFFLINE = {"kind": "offline-event", "value": 25, "period_start": PAST, "period_end": PAST, "source": "Head count"}


def _day_after(days: int) -> date:
    return DAY + timedelta(days=days)


CASES = [
    # accounts
    Case(
        "accounts.change_password",
        lambda s, a, o, t: accounts.change_password(
            s, actor=a, now=NOW, current_password=PASSWORD, new_password="a brand new passphrase"
        ),
        "team",
    ),
    Case("accounts.list_my_sessions", lambda s, a, o, t: accounts.list_my_sessions(s, actor=a, now=NOW), "team"),
    Case(
        "accounts.end_my_session",
        lambda s, a, o, t: accounts.end_my_session(s, actor=a, now=NOW, session_id=t.login_session),
    ),
    # audit
    Case("audit.chain_status", lambda s, a, o, t: audit.chain_status(s, actor=a, now=NOW), "team"),
    Case("audit.filter_choices", lambda s, a, o, t: audit.filter_choices(s, actor=a, now=NOW), "team"),
    Case("audit.list_events", lambda s, a, o, t: audit.list_events(s, actor=a, now=NOW), "team"),
    Case(
        "audit.list_events",
        lambda s, a, o, t: audit.list_events(s, actor=a, now=NOW, membership_id=t.admin.membership_id),
        "filter",
        label="member",
    ),
    Case(
        "audit.list_events",
        lambda s, a, o, t: audit.list_events(s, actor=a, now=NOW, subject_type="message", subject_id=t.draft),
        "filter",
        label="subject",
    ),
    Case("audit.export_events", lambda s, a, o, t: audit.export_events(s, actor=a, now=NOW), "team"),
    # campaigns
    Case("campaigns.list_campaigns", lambda s, a, o, t: campaigns.list_campaigns(s, actor=a, now=NOW), "team"),
    Case("campaigns.owner_choices", lambda s, a, o, t: campaigns.owner_choices(s, actor=a, now=NOW), "team"),
    Case("campaigns.campaign_choices", lambda s, a, o, t: campaigns.campaign_choices(s, actor=a, now=NOW), "team"),
    Case("campaigns.get_plan", lambda s, a, o, t: campaigns.get_plan(s, actor=a, now=NOW, campaign_id=t.campaign)),
    Case(
        "campaigns.create_campaign",
        lambda s, a, o, t: campaigns.create_campaign(
            s, actor=a, now=NOW, name="New one", start_date=START, end_date=START + timedelta(days=9)
        ),
        "team",
    ),
    Case(
        "campaigns.update_basics",
        lambda s, a, o, t: campaigns.update_basics(
            s,
            actor=a,
            now=NOW,
            campaign_id=t.campaign,
            expected_version=t.campaign_version,
            name="Renamed",
            start_date=START,
            end_date=START + timedelta(days=42),
        ),
    ),
    Case(
        "campaigns.update_basics",
        lambda s, a, o, t: campaigns.update_basics(
            s,
            actor=a,
            now=NOW,
            campaign_id=o.campaign,
            expected_version=o.campaign_version,
            name="Renamed",
            start_date=START,
            end_date=START + timedelta(days=42),
            owner_membership_id=t.member,
        ),
        answer=ValidationFailed,  # a form field: "choose an active member of your team", as for a missing one
        label="owner",
    ),
    Case(
        "campaigns.update_section",
        lambda s, a, o, t: campaigns.update_section(
            s,
            actor=a,
            now=NOW,
            campaign_id=t.campaign,
            expected_version=t.campaign_version,
            step=Step.GOAL,
            goal_statement="A new goal",
        ),
    ),
    Case(
        "campaigns.save_part",
        lambda s, a, o, t: campaigns.save_part(
            s,
            actor=a,
            now=NOW,
            campaign_id=t.campaign,
            expected_version=t.campaign_version,
            kind="kpi",
            metric="reach",
            data_source="survey",
        ),
    ),
    Case(
        "campaigns.save_part",
        lambda s, a, o, t: campaigns.save_part(
            s,
            actor=a,
            now=NOW,
            campaign_id=o.campaign,
            expected_version=o.campaign_version,
            kind="kpi",
            part_id=t.kpi,
            metric="reach",
            data_source="survey",
        ),
        label="part",
    ),
    Case(
        "campaigns.remove_part",
        lambda s, a, o, t: campaigns.remove_part(
            s, actor=a, now=NOW, campaign_id=t.campaign, expected_version=t.campaign_version, kind="kpi", part_id=t.kpi
        ),
    ),
    Case(
        "campaigns.remove_part",
        lambda s, a, o, t: campaigns.remove_part(
            s, actor=a, now=NOW, campaign_id=o.campaign, expected_version=o.campaign_version, kind="kpi", part_id=t.kpi
        ),
        label="part",
    ),
    Case(
        "campaigns.change_status",
        lambda s, a, o, t: campaigns.change_status(
            s, actor=a, now=NOW, campaign_id=t.campaign, expected_version=t.campaign_version, status="archived"
        ),
    ),
    # consent documents
    Case("consent.list_documents", lambda s, a, o, t: consent.list_documents(s, actor=a, now=NOW), "team"),
    Case("consent.missing_forms", lambda s, a, o, t: consent.missing_forms(s, actor=a, now=NOW), "team"),
    Case(
        "consent.upload_document",
        lambda s, a, o, t: consent.upload_document(s, actor=a, now=NOW, data=PNG + b"new", reference="CF-new"),
        "team",
    ),
    Case(
        "consent.upload_document",
        lambda s, a, o, t: consent.upload_document(
            s, actor=a, now=NOW, data=PNG + b"new", reference="CF-new", subject_membership_id=t.member
        ),
        label="about a member",
    ),
    Case(
        "consent.open_document", lambda s, a, o, t: consent.open_document(s, actor=a, now=NOW, document_id=t.document)
    ),
    Case(
        "consent.delete_document",
        lambda s, a, o, t: consent.delete_document(s, actor=a, now=NOW, document_id=t.document),
    ),
    Case(
        "consent.on_file",
        lambda s, a, o, t: consent.on_file(s, actor=a, now=NOW, reference=t.consent_reference),
        "filter",
    ),
    # dashboard
    Case(
        "dashboard.dashboard",
        lambda s, a, o, t: dashboard.dashboard(s, actor=a, now=NOW, filters=dashboard.Filters()),
        "team",
    ),
    Case(
        "dashboard.dashboard",
        lambda s, a, o, t: dashboard.dashboard(s, actor=a, now=NOW, filters=dashboard.Filters(campaign_id=t.campaign)),
        label="campaign",
    ),
    Case("dashboard.stamp", lambda s, a, o, t: dashboard.stamp(s, actor=a, now=NOW), "team"),
    # members
    Case("members.list_members", lambda s, a, o, t: members.list_members(s, actor=a, now=NOW), "team"),
    Case(
        "members.add_member",
        lambda s, a, o, t: members.add_member(s, actor=a, now=NOW, username="newbie", display_name="N", role="viewer"),
        "team",
    ),
    Case(
        "members.update_member",
        lambda s, a, o, t: members.update_member(
            s, actor=a, now=NOW, membership_id=t.member, expected_version=1, role="drafter"
        ),
    ),
    Case(
        "members.revoke_sessions",
        lambda s, a, o, t: members.revoke_sessions(s, actor=a, now=NOW, membership_id=t.member),
    ),
    Case(
        "members.reset_password",
        lambda s, a, o, t: members.reset_password(s, actor=a, now=NOW, membership_id=t.member),
    ),
    Case(
        "members.erase_personal_data",
        lambda s, a, o, t: members.erase_personal_data(
            s, actor=a, now=NOW, membership_id=t.member, confirm_username=t.member_username
        ),
    ),
    # messages
    Case(
        "messages.list_messages",
        lambda s, a, o, t: messages.list_messages(s, actor=a, now=NOW),
        "team",
    ),
    Case(
        "messages.list_messages",
        lambda s, a, o, t: messages.list_messages(s, actor=a, now=NOW, campaign_id=t.campaign),
        "filter",
        label="campaign",
    ),
    Case(
        "messages.page_messages",
        lambda s, a, o, t: messages.page_messages(s, actor=a, now=NOW),
        "team",
    ),
    Case(
        "messages.page_messages",
        lambda s, a, o, t: messages.page_messages(s, actor=a, now=NOW, campaign_id=t.campaign),
        "filter",
        label="campaign",
    ),
    Case("messages.get_message", lambda s, a, o, t: messages.get_message(s, actor=a, now=NOW, message_id=t.draft)),
    Case("messages.history", lambda s, a, o, t: messages.history(s, actor=a, now=NOW, message_id=t.draft)),
    Case(
        "messages.create_message",
        lambda s, a, o, t: messages.create_message(s, actor=a, now=NOW, campaign_id=t.campaign, title="New"),
    ),
    Case(
        "messages.create_message",
        lambda s, a, o, t: messages.create_message(
            s, actor=a, now=NOW, campaign_id=o.campaign, title="New", messenger_id=t.messenger
        ),
        answer=ValidationFailed,  # a form field: "choose a messenger of this campaign", as for a missing one
        label="messenger",
    ),
    Case(
        "messages.update_message",
        lambda s, a, o, t: messages.update_message(
            s, actor=a, now=NOW, message_id=t.draft, expected_version=t.draft_version, title="Renamed"
        ),
    ),
    Case(
        "messages.save_variant",
        lambda s, a, o, t: messages.save_variant(
            s,
            actor=a,
            now=NOW,
            message_id=t.draft,
            expected_version=None,
            platform="facebook",
            language="ur",
            body="امن",
        ),
    ),
    Case(
        "messages.remove_variant",
        lambda s, a, o, t: messages.remove_variant(
            s,
            actor=a,
            now=NOW,
            message_id=t.draft,
            variant_id=t.draft_variant,
            expected_version=t.draft_variant_version,
        ),
    ),
    Case(
        "messages.remove_variant",
        lambda s, a, o, t: messages.remove_variant(
            s,
            actor=a,
            now=NOW,
            message_id=o.draft,
            variant_id=t.draft_variant,
            expected_version=t.draft_variant_version,
        ),
        label="variant",
    ),
    # posts
    Case("posts.list_channels", lambda s, a, o, t: posts.list_channels(s, actor=a, now=NOW), "team"),
    Case(
        "posts.add_channel",
        lambda s, a, o, t: posts.add_channel(s, actor=a, now=NOW, platform="facebook", name="New page"),
        "team",
    ),
    Case(
        "posts.set_channel_audience",
        lambda s, a, o, t: posts.set_channel_audience(
            s, actor=a, now=NOW, channel_id=t.channel, audience_region="pakistan"
        ),
    ),
    Case(
        "posts.calendar",
        lambda s, a, o, t: posts.calendar(s, actor=a, now=NOW, start=NOW, end=NOW + timedelta(days=30)),
        "team",
    ),
    Case(
        "posts.calendar",
        lambda s, a, o, t: posts.calendar(
            s, actor=a, now=NOW, start=NOW, end=NOW + timedelta(days=30), campaign_id=t.campaign
        ),
        "filter",
        label="campaign",
    ),
    Case("posts.schedulable", lambda s, a, o, t: posts.schedulable(s, actor=a, now=NOW), "team"),
    Case(
        "posts.schedulable",
        lambda s, a, o, t: posts.schedulable(s, actor=a, now=NOW, campaign_id=t.campaign),
        "filter",
        label="campaign",
    ),
    Case(
        "posts.schedule_post",
        lambda s, a, o, t: posts.schedule_post(
            s,
            actor=a,
            now=NOW,
            variant_id=t.approved_variant,
            channel_id=o.channel,
            day=_day_after(1),
            at=time(9),
            zone="Asia/Kabul",
        ),
        label="variant",
    ),
    Case(
        "posts.schedule_post",
        lambda s, a, o, t: posts.schedule_post(
            s,
            actor=a,
            now=NOW,
            variant_id=o.approved_variant,
            channel_id=t.channel,
            day=_day_after(1),
            at=time(9),
            zone="Asia/Kabul",
        ),
        label="channel",
    ),
    Case(
        "posts.move_post",
        lambda s, a, o, t: posts.move_post(
            s,
            actor=a,
            now=NOW,
            post_id=t.post,
            expected_version=t.post_version,
            day=_day_after(2),
            at=time(10),
            zone="UTC",
        ),
    ),
    Case(
        "posts.mark_published",
        lambda s, a, o, t: posts.mark_published(
            s, actor=a, now=NOW, post_id=t.post, expected_version=t.post_version, permalink="https://x.com/a/status/1"
        ),
    ),
    Case(
        "posts.mark_failed",
        lambda s, a, o, t: posts.mark_failed(
            s, actor=a, now=NOW, post_id=t.post, expected_version=t.post_version, reason="locked"
        ),
    ),
    Case(
        "posts.cancel_post",
        lambda s, a, o, t: posts.cancel_post(s, actor=a, now=NOW, post_id=t.post, expected_version=t.post_version),
    ),
    Case("posts.export", lambda s, a, o, t: posts.export(s, actor=a, now=NOW, kind="csv"), "team"),
    Case(
        "posts.export",
        lambda s, a, o, t: posts.export(s, actor=a, now=NOW, kind="csv", campaign_id=t.campaign),
        label="campaign",
    ),
    # reach
    Case(
        "reach.import_reach",
        lambda s, a, o, t: reach.import_reach(s, actor=a, now=NOW, data=X_EXPORT.replace(b"Same", b"New")),
        "team",
    ),
    Case("reach_links.list_unmatched", lambda s, a, o, t: reach_links.list_unmatched(s, actor=a, now=NOW), "team"),
    Case("reach_links.list_linked", lambda s, a, o, t: reach_links.list_linked(s, actor=a, now=NOW), "team"),
    Case(
        "reach_links.link_figures",
        lambda s, a, o, t: reach_links.link_figures(
            s, actor=a, now=NOW, figure_id=t.unlinked_figure, post_id=o.published_post
        ),
        label="figure",
    ),
    Case(
        "reach_links.link_figures",
        lambda s, a, o, t: reach_links.link_figures(
            s, actor=a, now=NOW, figure_id=o.unlinked_figure, post_id=t.published_post
        ),
        label="post",
    ),
    Case(
        "reach_links.link_figures",
        lambda s, a, o, t: reach_links.link_figures(
            s, actor=a, now=NOW, figure_id=o.unlinked_figure, message_id=t.draft
        ),
        label="message",
    ),
    Case(
        "reach_links.unlink_figures",
        lambda s, a, o, t: reach_links.unlink_figures(s, actor=a, now=NOW, figure_id=t.linked_figure),
    ),
    # the donor report
    Case(
        "report.donor_report",
        lambda s, a, o, t: report.donor_report(s, actor=a, now=NOW, campaign_id=t.campaign),
    ),
    # results entered by hand
    Case(
        "results.list_results",
        lambda s, a, o, t: results.list_results(s, actor=a, now=NOW, campaign_id=t.campaign),
    ),
    Case(
        "results.entry_choices",
        lambda s, a, o, t: results.entry_choices(s, actor=a, now=NOW, campaign_id=t.campaign),
    ),
    Case(
        "results.add_result",
        lambda s, a, o, t: results.add_result(s, actor=a, now=NOW, campaign_id=t.campaign, **_OFFLINE),
    ),
    Case(
        "results.add_result",
        lambda s, a, o, t: results.add_result(
            s, actor=a, now=NOW, campaign_id=o.campaign, message_id=t.draft, **_OFFLINE
        ),
        label="message",
    ),
    Case(
        "results.add_result",
        lambda s, a, o, t: results.add_result(
            s, actor=a, now=NOW, campaign_id=o.campaign, post_id=t.published_post, **_OFFLINE
        ),
        label="post",
    ),
    Case(
        "results.correct_result",
        lambda s, a, o, t: results.correct_result(
            s,
            actor=a,
            now=NOW,
            result_id=t.result,
            **{k: v for k, v in _OFFLINE.items() if k != "kind"},
        ),
    ),
    Case("results.void_result", lambda s, a, o, t: results.void_result(s, actor=a, now=NOW, result_id=t.result)),
    # review
    Case("review.review", lambda s, a, o, t: review.review(s, actor=a, now=NOW, message_id=t.in_review)),
    Case(
        "review.message_events",
        lambda s, a, o, t: review.message_events(s, actor=a, now=NOW, message_id=t.draft),
    ),
    Case("review.submit", lambda s, a, o, t: review.submit(s, actor=a, now=NOW, message_id=t.draft)),
    Case(
        "review.request_changes",
        lambda s, a, o, t: review.request_changes(s, actor=a, now=NOW, message_id=t.in_review, comment="Shorter"),
    ),
    Case(
        "review.approve",
        lambda s, a, o, t: review.approve(
            s, actor=a, now=NOW, message_id=t.in_review, content_hash_seen=t.in_review_digest
        ),
    ),
    Case("review.hold", lambda s, a, o, t: review.hold(s, actor=a, now=NOW, message_id=t.in_review, comment="Wait")),
    Case("review.resume", lambda s, a, o, t: review.resume(s, actor=a, now=NOW, message_id=t.held)),
    Case("review.archive", lambda s, a, o, t: review.archive(s, actor=a, now=NOW, message_id=t.draft)),
    Case(
        "review.acknowledge",
        lambda s, a, o, t: review.acknowledge(
            s,
            actor=a,
            now=NOW,
            message_id=t.warned,
            finding_key=t.warned_finding,
            content_hash_seen=t.warned_digest,
            note="Checked",
        ),
    ),
    Case(
        "review.add_comment",
        lambda s, a, o, t: review.add_comment(s, actor=a, now=NOW, message_id=t.draft, body="Looks good"),
    ),
    Case("review.review_queue", lambda s, a, o, t: review.review_queue(s, actor=a, now=NOW), "team"),
    Case(
        "review.review_queue",
        lambda s, a, o, t: review.review_queue(s, actor=a, now=NOW, campaign_id=t.campaign),
        "filter",
        label="campaign",
    ),
    Case("review.inbox", lambda s, a, o, t: review.inbox(s, actor=a, now=NOW), "team"),
    Case("review.list_denylist", lambda s, a, o, t: review.list_denylist(s, actor=a, now=NOW), "team"),
    Case(
        "review.add_denylist_entry",
        lambda s, a, o, t: review.add_denylist_entry(s, actor=a, now=NOW, entry="bad.example.org"),
        "team",
    ),
    Case(
        "review.remove_denylist_entry",
        lambda s, a, o, t: review.remove_denylist_entry(s, actor=a, now=NOW, entry_id=t.denylist_entry),
    ),
    Case("review.pause_state", lambda s, a, o, t: review.pause_state(s, actor=a, now=NOW), "team"),
    Case("review.pause_team", lambda s, a, o, t: review.pause_team(s, actor=a, now=NOW, reason="Attack"), "team"),
    Case(
        "review.end_pause",
        lambda s, a, o, t: review.end_pause(s, actor=a, now=NOW),
        "team",
        control_error=Conflict,  # the home team is not paused
    ),
]

# Public functions that take an actor but are not services a page calls.
NOT_SERVICES = {
    "policy.require": "it is the check itself",
    "demo.seed_messages": "the demo seed, run from the command line; it calls only the checked services",
}
# Parameters ending in _id that name no row of the planner.
NOT_ROW_IDS = {"template_id", "platform_post_id"}


def _services() -> dict[str, Callable]:
    """Every public function of every planner module that takes an actor."""
    found = {}
    for info in pkgutil.iter_modules(planner.__path__):
        if info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"planner.{info.name}")
        for name in _public_services(module):
            function = getattr(module, name.split(".")[1])
            if "actor" in inspect.signature(function).parameters:
                found[name] = function
    return found


def test_every_service_is_covered():
    covered = {case.name for case in CASES}
    assert set(_services()) - set(NOT_SERVICES) <= covered, "add the new service to CASES"


def test_every_service_that_takes_a_row_id_is_tried_with_another_teams_id():
    crossing = {case.name for case in CASES if case.kind != "team"}
    taking_ids = {
        name
        for name, function in _services().items()
        if {p for p in inspect.signature(function).parameters if p.endswith("_id")} - NOT_ROW_IDS
    }
    assert taking_ids - set(NOT_SERVICES) <= crossing


def _outcome(case: Case, s: Session, actor: Actor, own: World, target: World) -> object:
    """What the call returns, or the domain error it raises."""
    try:
        return case.call(s, actor, own, target)
    except PlannerError as error:
        s.rollback()  # as closing the page's session would: nothing uncommitted stays
        return error


def _shown(result: object, world: World) -> bool:
    return world.marker.casefold() in repr(result).casefold()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_another_teams_ids_answer_like_missing_ones_and_change_nothing(worlds, case):
    home, away = worlds.home, worlds.away
    with rolled_back(worlds.engine) as s:
        own = _outcome(case, s, home.admin, home, home)
    assert not isinstance(own, PlannerError) or isinstance(own, case.control_error or ()), (
        f"the home team's own call should work: {own!r}"
    )
    if case.kind == "id":
        with rolled_back(worlds.engine) as s:
            missing = _outcome(case, s, away.admin, away, home.phantom())
            crossed = _outcome(case, s, away.admin, away, home)
            after = snapshot(s)
        assert isinstance(crossed, case.answer), f"expected {case.answer.__name__}, got {crossed!r}"
        assert not isinstance(crossed, PermissionDenied)
        assert str(crossed) == str(missing), "another team's id must answer exactly as a missing id"
        assert after == worlds.baseline, "a refused call changed the database"
        return
    if case.kind == "filter":
        with rolled_back(worlds.engine) as s:
            missing = _outcome(case, s, away.admin, away, home.phantom())
    with rolled_back(worlds.engine) as s:
        crossed = _outcome(case, s, away.admin, away, home)
        after = snapshot(s, home.team)
    assert not isinstance(crossed, PlannerError) or isinstance(crossed, case.control_error or ()), crossed
    assert not _shown(crossed, home), f"the away team sees the home team's data: {crossed!r}"
    assert after == worlds.home_baseline, "the away team's call changed the home team's rows"
    if case.kind == "filter":
        assert crossed == missing, "another team's id must list what a missing id lists"
        assert own != missing, "the home team's own id should find its rows"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_an_ended_session_cannot_call_any_service_and_changes_nothing(worlds, case):
    with rolled_back(worlds.engine) as s:
        outcomes = {why: _outcome(case, s, dead, worlds.home, worlds.home) for why, dead in worlds.dead.items()}
        after = snapshot(s)
    for why, outcome in outcomes.items():
        assert isinstance(outcome, SessionExpired), f"{why}: expected SessionExpired, got {outcome!r}"
    assert after == worlds.baseline, "a call with an ended session changed the database"
