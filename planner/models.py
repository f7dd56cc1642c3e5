"""Tables of the planner. Every team-owned row carries `team_id`; services scope every query by it.

Personal data (real names, phone numbers) lives in its own table, apart from working data,
so that exports and logs that read working tables can never carry it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from planner.db import UTCDateTime, utcnow

# Named constraints let Alembic's batch mode alter SQLite tables in later migrations.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    DRAFTER = "drafter"
    VIEWER = "viewer"


def _when(**kwargs) -> object:
    return Field(sa_type=UTCDateTime, **kwargs)


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=String(40), unique=True, index=True)
    name: str = Field(sa_type=String(120))
    created_at: datetime = _when(default_factory=utcnow)
    # Crisis pause: after an attack nothing goes out until each message is approved again.
    paused_at: datetime | None = _when(default=None, nullable=True)
    pause_reason: str = Field(default="", sa_type=String(500))
    paused_by_membership_id: int | None = None
    # More posts than this on one channel within an hour is flagged on the calendar.
    posts_per_channel_hour: int = 2


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(40), unique=True, index=True)
    display_name: str = Field(sa_type=String(80))
    password_hash: str = Field(sa_type=String(255))
    must_change_password: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = _when(default=None, nullable=True)
    created_at: datetime = _when(default_factory=utcnow)
    password_changed_at: datetime | None = _when(default=None, nullable=True)


class PersonalDetail(SQLModel, table=True):
    """Optional identifying data; shown to admins only, never exported or logged."""

    __tablename__ = "personal_detail"
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    real_name: str | None = Field(default=None, sa_type=String(120))
    phone: str | None = Field(default=None, sa_type=String(40))


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_membership_team_user"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(sa_type=String(20))
    sensitivity_reviewer: bool = False
    active: bool = True
    created_at: datetime = _when(default_factory=utcnow)
    version: int = 1


class LoginSession(SQLModel, table=True):
    """A server-side log-in. The browser holds only the token; the database holds its hash."""

    __tablename__ = "login_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    membership_id: int = Field(foreign_key="membership.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    created_at: datetime = _when(default_factory=utcnow)
    last_seen_at: datetime = _when(default_factory=utcnow)
    expires_at: datetime = _when()
    revoked_at: datetime | None = _when(default=None, nullable=True)


class ConsentDocument(SQLModel, table=True):
    """A signed consent document, kept apart from working data: admins only, never exported or logged.

    Messages name it by its reference (Message.consent_reference); drafters learn only whether one is on file.
    """

    __tablename__ = "consent_document"
    __table_args__ = (
        UniqueConstraint("team_id", "sha256", name="uq_consent_document_team_sha256"),
        Index("ix_consent_document_team_reference", "team_id", "reference_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    reference: str = Field(sa_type=String(200))
    reference_key: str = Field(sa_type=String(200))  # folded reference: how a message's reference finds it
    person_label: str = Field(default="", sa_type=String(120))  # optional, e.g. "survivor, Lahore 2017"
    # The member the document is about, if they are in the team: erasing their personal data removes it.
    subject_membership_id: int | None = Field(default=None, foreign_key="membership.id", index=True)
    file_name: str = Field(sa_type=String(80))  # made by the server, never the uploaded name
    media_type: str = Field(sa_type=String(40))  # sniffed from the bytes
    size_bytes: int
    sha256: str = Field(sa_type=String(64))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by_membership_id: int = Field(foreign_key="membership.id")
    uploaded_at: datetime = _when(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained record of who did what. Details carry ids, never text or secrets."""

    __tablename__ = "audit_event"
    __table_args__ = (
        # A second event claiming the same predecessor would fork the chain: refuse it.
        UniqueConstraint("team_id", "prev_hash", name="uq_audit_chain_link"),
        # The audit page filters a large table by member, action and subject.
        Index("ix_audit_event_team_actor", "team_id", "actor_membership_id"),
        Index("ix_audit_event_team_action", "team_id", "action"),
        Index("ix_audit_event_team_subject", "team_id", "subject_type", "subject_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    actor_membership_id: int | None = Field(default=None, foreign_key="membership.id")
    action: str = Field(sa_type=String(60))
    subject_type: str = Field(sa_type=String(40))
    subject_id: int | None = None
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when(default_factory=utcnow)
    prev_hash: str = Field(sa_type=String(64))
    hash: str = Field(sa_type=String(64))


class CampaignStatus(StrEnum):
    PLANNING = "planning"
    ACTIVE = "active"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class NarrativeType(StrEnum):
    COUNTER = "counter"  # answers an extremist or clichéd narrative directly
    ALTERNATIVE = "alternative"  # offers a positive story of its own


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def _ids(**kwargs) -> object:
    """A list of ids (themes, languages, platforms…) kept as JSON."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False), **kwargs)


def _text() -> object:
    return Field(default="", sa_type=Text)


class Campaign(SQLModel, table=True):
    """A campaign plan on the GAMMMA+ model. Lists of parts live in the tables below."""

    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_campaign_team_name"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(sa_type=String(120))
    name_key: str = Field(sa_type=String(120))  # case-folded name: unique within a team
    status: str = Field(default=CampaignStatus.PLANNING, sa_type=String(20))
    start_date: date
    end_date: date
    countries: list = _ids()
    languages: list = _ids()
    owner_membership_id: int = Field(foreign_key="membership.id")
    template_id: str | None = Field(default=None, sa_type=String(60))
    goal_statement: str = _text()
    core_message: str = _text()
    narrative_type: str | None = Field(default=None, sa_type=String(20))
    themes: list = _ids()
    media_platforms: list = _ids()
    media_formats: list = _ids()
    cta_text: str = _text()
    cta_type: str | None = Field(default=None, sa_type=String(40))
    cta_link: str | None = Field(default=None, sa_type=String(500))
    review_cadence: str | None = Field(default=None, sa_type=String(40))
    created_at: datetime = _when(default_factory=utcnow)
    updated_at: datetime = _when(default_factory=utcnow)
    version: int = 1


class _CampaignPart(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    position: int = 0


class Objective(_CampaignPart, table=True):
    description: str = _text()
    metric: str = Field(sa_type=String(40))
    baseline: float = 0
    target: float
    deadline: date


class AudienceSegment(_CampaignPart, table=True):
    __tablename__ = "audience_segment"
    name: str = Field(sa_type=String(120))
    region: str = Field(sa_type=String(40))
    languages: list = _ids()
    age_band: str | None = Field(default=None, sa_type=String(20))
    platforms: list = _ids()
    interests: str = _text()  # interests and grievances
    insight: str = _text()


class Messenger(_CampaignPart, table=True):
    name: str = Field(sa_type=String(120))  # a role or pseudonym, never a real name
    messenger_type: str = Field(sa_type=String(40))
    credibility: str = _text()
    risk_level: str = Field(default=RiskLevel.LOW, sa_type=String(10))
    safety_plan: str = _text()


class Kpi(_CampaignPart, table=True):
    metric: str = Field(sa_type=String(40))  # its tier (awareness, engagement, impact) comes from the vocabulary
    target: float | None = None
    data_source: str = Field(sa_type=String(40))


class MessageStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ON_HOLD = "on_hold"
    ARCHIVED = "archived"


class Message(SQLModel, table=True):
    """One message idea inside a campaign; its per-platform, per-language texts are variants."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    title: str = Field(sa_type=String(120))
    core_idea: str = _text()
    themes: list = _ids()
    narrative_type: str | None = Field(default=None, sa_type=String(20))
    messenger_id: int | None = Field(default=None, foreign_key="messenger.id", ondelete="SET NULL")
    features_person: bool = False
    consent_reference: str = Field(default="", sa_type=String(200))
    sources: list = _ids()  # [{"reference": url or citation, "note": what it supports}]
    status: str = Field(default=MessageStatus.DRAFT, sa_type=String(20), index=True)
    submitted_at: datetime | None = _when(default=None, nullable=True)  # review queue order
    created_by_membership_id: int = Field(foreign_key="membership.id")
    created_at: datetime = _when(default_factory=utcnow)
    updated_at: datetime = _when(default_factory=utcnow)
    version: int = 1


class Variant(SQLModel, table=True):
    """The text of a message for one platform in one language."""

    __table_args__ = (UniqueConstraint("message_id", "platform", "language", name="uq_variant_slot"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    platform: str = Field(sa_type=String(20))
    language: str = Field(sa_type=String(5))
    title: str = _text()  # YouTube only
    body: str = _text()
    updated_by_membership_id: int = Field(foreign_key="membership.id")
    updated_at: datetime = _when(default_factory=utcnow)
    version: int = 1


class Revision(SQLModel, table=True):
    """Every saved state of a message (kind 'message') or a variant (kind 'variant'), never changed."""

    __table_args__ = (UniqueConstraint("kind", "subject_id", "number", name="uq_revision_number"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    kind: str = Field(sa_type=String(10))
    subject_id: int = Field(index=True)
    number: int
    content: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    author_membership_id: int = Field(foreign_key="membership.id")
    created_at: datetime = _when(default_factory=utcnow)


class Approval(SQLModel, table=True):
    """A reviewer's approval of one exact content of a message (its hash). Voided, never deleted."""

    # At most one live approval of each kind per content: two reviewers clicking at once get one row.
    __table_args__ = (
        Index(
            "uq_approval_live",
            "message_id",
            "content_hash",
            "kind",
            unique=True,
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    content_hash: str = Field(sa_type=String(64))
    kind: str = Field(sa_type=String(12))  # "review" (first) or "sensitivity" (second, sensitive themes)
    membership_id: int = Field(foreign_key="membership.id")
    created_at: datetime = _when(default_factory=utcnow)
    voided_at: datetime | None = _when(default=None, nullable=True)


class Acknowledgement(SQLModel, table=True):
    """A reviewer's note on a screening warning, bound to the content it was about."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    content_hash: str = Field(sa_type=String(64))
    finding_key: str = Field(sa_type=String(200))  # variant id, rule and matched text
    note: str = _text()
    membership_id: int = Field(foreign_key="membership.id")
    created_at: datetime = _when(default_factory=utcnow)


class Comment(SQLModel, table=True):
    """Review discussion on a message; private to the team, never exported with the post."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    membership_id: int = Field(foreign_key="membership.id")
    kind: str = Field(default="comment", sa_type=String(20))  # comment, changes_requested, approved, held…
    body: str = _text()
    created_at: datetime = _when(default_factory=utcnow)


class DenylistEntry(SQLModel, table=True):
    """A domain or handle the team never links to (amplification of extremist material)."""

    __tablename__ = "denylist_entry"
    __table_args__ = (UniqueConstraint("team_id", "entry", name="uq_denylist_team_entry"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    entry: str = Field(sa_type=String(200))
    note: str = Field(default="", sa_type=String(300))
    created_by_membership_id: int = Field(foreign_key="membership.id")
    created_at: datetime = _when(default_factory=utcnow)


class PostStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"  # the message went back to review, or a crisis pause: needs approval again
    PUBLISHED = "published"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Channel(SQLModel, table=True):
    """A team's named account on a platform, e.g. the 'Youth Dialogue' Facebook Page."""

    __table_args__ = (UniqueConstraint("team_id", "platform", "name", name="uq_channel_team_platform_name"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    platform: str = Field(sa_type=String(20))
    name: str = Field(sa_type=String(120))
    active: bool = True
    # Whom the account mainly reaches (a vocabulary region). Platforms do not export the country of a
    # post's audience, so the dashboards attribute an account's reach to the audience it serves.
    audience_region: str = Field(
        default="cross-border", sa_type=String(40), sa_column_kwargs={"server_default": "cross-border"}
    )
    created_at: datetime = _when(default_factory=utcnow)


class Post(SQLModel, table=True):
    """One approved variant on one channel at one time. Stored in UTC; entered in a named zone."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    variant_id: int = Field(foreign_key="variant.id", index=True)
    channel_id: int = Field(foreign_key="channel.id", index=True)
    scheduled_at: datetime = _when(index=True)
    entered_zone: str = Field(default="Asia/Karachi", sa_type=String(40))
    status: str = Field(default=PostStatus.SCHEDULED, sa_type=String(20), index=True)
    series: str | None = Field(default=None, sa_type=String(36))  # weekly repeats share a series id
    permalink: str = Field(default="", sa_type=String(500))
    platform_post_id: str = Field(default="", sa_type=String(100), index=True)
    published_at: datetime | None = _when(default=None, nullable=True)
    failure_reason: str = Field(default="", sa_type=String(500))
    created_by_membership_id: int = Field(foreign_key="membership.id")
    created_at: datetime = _when(default_factory=utcnow)
    version: int = 1


REACH_METRICS = (
    "impressions",
    "reach",
    "views",
    "video_views",
    "engagements",
    "reactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "follows",
    "watch_time_hours",
    "engagement_rate",
    "click_through_rate",
)


class ReachImport(SQLModel, table=True):
    """The import ledger: which file (by content hash) was imported when, and what it changed."""

    __tablename__ = "reach_import"
    __table_args__ = (UniqueConstraint("team_id", "content_hash", name="uq_reach_import_file"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    content_hash: str = Field(sa_type=String(64))
    kind: str = Field(sa_type=String(40))
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    imported_by_membership_id: int | None = Field(default=None, foreign_key="membership.id")
    imported_at: datetime = _when(default_factory=utcnow)


class ReachFigure(SQLModel, table=True):
    """A platform's figures for one post and one period: a day, or 'lifetime' (a snapshot, never summed).

    A newer export of the same post and period replaces the values ("latest export wins").
    """

    __tablename__ = "reach_figure"
    __table_args__ = (
        UniqueConstraint("team_id", "platform", "platform_post_id", "period", name="uq_reach_figure_key"),
        # The dashboards read these instead of the table (planner/dashboard.py): the team's figures by platform,
        # language, post and day, and by campaign, message and day. Post ids grow with time, so an import
        # adds to the end of each platform and language rather than all over the index. See the README's benchmark.
        Index(
            "ix_reach_figure_by_platform",
            "team_id",
            "counted",
            "platform",
            "language",
            "post_id",
            "day",
            "seen",
            "engagement",
        ),
        Index(
            "ix_reach_figure_by_campaign",
            "team_id",
            "counted",
            "campaign_id",
            "of_message_id",
            "day",
            "seen",
            "engagement",
            "post_id",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")  # the unique key's first column finds a team's rows
    platform: str = Field(sa_type=String(20))
    platform_post_id: str = Field(sa_type=String(100))
    period: str = Field(sa_type=String(10))  # "lifetime" or an ISO date
    permalink: str = Field(default="", sa_type=String(500))
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)  # posted outside the planner
    text: str = _text()
    published_at: datetime | None = _when(default=None, nullable=True)  # as the export gives it
    # A lifetime total's ISO publication day when the export gives a date but no time (X's post export):
    # the day it counts on until it is linked to a post the planner published.
    published_on: str | None = Field(default=None, sa_type=String(10))
    impressions: int | None = None
    reach: int | None = None
    views: int | None = None
    video_views: int | None = None
    engagements: int | None = None
    reactions: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    clicks: int | None = None
    follows: int | None = None
    watch_time_hours: float | None = None
    engagement_rate: float | None = None
    click_through_rate: float | None = None
    import_id: int = Field(foreign_key="reach_import.id")
    updated_at: datetime = _when(default_factory=utcnow)
    # What the figure counts for, kept by planner/reach_counted.py whenever an import, a link or an account's
    # audience changes it, so that the dashboards add up one table instead of joining four.
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    of_message_id: int | None = Field(default=None, foreign_key="message.id")  # its post's message, or message_id
    language: str | None = Field(default=None, sa_type=String(5))  # its post's variant's
    region: str | None = Field(default=None, sa_type=String(40))  # its post's account's audience
    day: str | None = Field(default=None, sa_type=String(10))  # the ISO day it counts on (lifetime: published)
    counted: bool = True  # False for a lifetime total of a post that has daily rows
    seen: int | None = None  # people reached, else views or impressions
    # The platform's engagements, else reactions, comments, shares and saves: four counts, so a big integer.
    engagement: int | None = Field(default=None, sa_type=BigInteger)


class ManualResult(SQLModel, table=True):
    """A figure entered by hand where no export exists: WhatsApp Channel views, an offline event's
    attendance, a survey result, comments coded by hand. Corrections void the old entry, never erase it.
    """

    __tablename__ = "manual_result"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    kind: str = Field(sa_type=String(30))  # whatsapp-views, offline-event, survey, coded-comments
    metric: str = Field(sa_type=String(40))  # a vocabulary metric id, e.g. reach, survey-result
    value: float
    sample_size: int | None = None  # surveys and coded comments: how many people or comments
    period_start: date
    period_end: date
    platform: str | None = Field(default=None, sa_type=String(20))
    language: str | None = Field(default=None, sa_type=String(5))
    audience_region: str | None = Field(default=None, sa_type=String(40))
    source: str = _text()  # how it was measured, e.g. "paper survey of 120 students, Peshawar"
    entered_by_membership_id: int = Field(foreign_key="membership.id")
    entered_at: datetime = _when(default_factory=utcnow)
    voided_at: datetime | None = _when(default=None, nullable=True)
    # What the entry says, hashed (results._entry_key): one live entry per content, so a double-click on
    # Save, or the same survey typed in twice, is refused. Empty for entries made before migration 0011.
    entry_key: str | None = Field(default=None, sa_type=String(64))

    __table_args__ = (
        Index(
            "uq_manual_result_live_entry",
            "team_id",
            "entry_key",
            unique=True,
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
    )
