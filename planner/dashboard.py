"""What reached whom: the reach dashboards' figures, computed in SQL.

How each figure is counted is written once, in METHODS, and shown to users beside the charts
and in the donor report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, String, and_, case, cast, exists, extract, func, null, or_, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session, col, select

from planner.errors import NotFound
from planner.languages import Language
from planner.models import (
    AuditEvent,
    Campaign,
    Channel,
    Kpi,
    ManualResult,
    Message,
    Objective,
    Post,
    PostStatus,
    ReachFigure,
    Variant,
)
from planner.policy import Action, Actor, require
from planner.themes import catalog
from planner.vocabulary import vocabulary

METHODS = """\
- **One figure per post.** A post's figures come from its daily rows when an export gave any, otherwise from
  its latest lifetime total (dated by the day it was published). Totals are never added up across files: a
  newer export of the same post replaces the older one ("latest export wins").
- **People reached** is the platform's *reach* (unique people) where it reports one, otherwise its views or
  impressions: X, YouTube and TikTok report no unique reach, so their figures count views. People who saw
  posts on two platforms are counted twice.
- **Engagements** are the platform's own engagement count where it gives one, otherwise reactions (or likes),
  comments, shares and saves added up. The engagement rate is engagements per person reached.
- **Hand-entered figures**: WhatsApp Channel views join the awareness figures; surveys, coded comments and
  offline actions make up the impact tier, each with the note of how it was measured.
- **Themes**: a message with two themes counts under both, so theme totals can add up to more than the total.
- **Audience**: platforms do not export the country of a post's audience; each account's reach is counted for
  the audience the team says it mainly reaches.
- **Posting times** are the hours posts were published, in Pakistan (UTC+5) and Afghanistan (UTC+4:30) time;
  a time is suggested only when at least two posts went out in that hour.
- **Not counted**: Telegram and LinkedIn have no export the planner reads yet; enter their views by hand.
"""

ZONES = {"Pakistan": ZoneInfo("Asia/Karachi"), "Afghanistan": ZoneInfo("Asia/Kabul")}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_POSTS_FOR_A_SUGGESTION = 2
TOP_POSTS = 10

# Vocabulary metric id -> the figure column that measures it (impact metrics come from hand entries).
FIGURE_OF_METRIC = {
    "impressions": "impressions",
    "reach": "seen",
    "video-views": "views",
    "engagements": "engagement",
    "reactions": "reactions",
    "comments": "comments",
    "shares": "shares",
    "saves": "saves",
    "clicks": "clicks",
    "watch-time": "watch_hours",
    "follows": "follows",
}
SUMMED = ("seen", "engagement", "impressions", "reach", "views", "reactions", "comments", "shares", "saves")
SUMMED += ("clicks", "follows", "watch_hours")
IMPACT_METRICS = ("survey-result", "coded-comments", "offline-actions")


@dataclass(frozen=True)
class Filters:
    """What the dashboard looks at. Dates are inclusive; empty tuples mean "all"."""

    campaign_id: int | None = None
    start: date | None = None
    end: date | None = None
    themes: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slice:
    """One bar or row of a breakdown."""

    key: str
    label: str
    seen: int
    engagement: int
    posts: int = 0

    @property
    def engagement_rate(self) -> float | None:
        return self.engagement / self.seen if self.seen else None


@dataclass(frozen=True)
class DayFigure:
    day: date
    seen: int
    engagement: int


@dataclass(frozen=True)
class TopPost:
    post_id: int
    title: str
    platform: str
    language: str
    published_at: datetime | None
    seen: int
    engagement: int
    permalink: str

    @property
    def engagement_rate(self) -> float | None:
        return self.engagement / self.seen if self.seen else None


@dataclass(frozen=True)
class HeatCell:
    zone: str  # a key of ZONES
    weekday: int  # 0 = Monday
    hour: int
    posts: int
    seen: int

    @property
    def mean_seen(self) -> float:
        return self.seen / self.posts if self.posts else 0.0


@dataclass(frozen=True)
class Progress:
    campaign_id: int
    campaign: str
    source: str  # "objective" or "kpi"
    description: str
    metric: str
    tier: str
    baseline: float
    target: float | None
    so_far: float | None
    deadline: date | None = None

    @property
    def share(self) -> float | None:
        """How far from the baseline to the target, 0..1 (None without a target or a figure)."""
        if self.target is None or self.so_far is None or self.target == self.baseline:
            return None
        return max(0.0, min(1.0, (self.so_far - self.baseline) / (self.target - self.baseline)))


@dataclass(frozen=True)
class Tiers:
    people_reached: int
    impressions: int
    engagements: int
    engagement_rate: float | None
    offline_actions: float
    coded_positive: float
    coded_total: int
    survey_agreeing: float | None  # sample-weighted % agreeing across the surveys entered
    surveyed: int
    surveys: int


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    tiers: Tiers
    over_time: list[DayFigure]
    by_theme: list[Slice]
    by_platform: list[Slice]
    by_language: list[Slice]
    by_audience: list[Slice]
    top_posts: list[TopPost]
    heat: list[HeatCell]
    progress: list[Progress]
    posts_published: int
    figures_from: tuple[date, date] | None  # earliest and latest day the figures cover
    unlinked: int = 0  # platform posts whose figures match no post or message yet
    suggestions: dict[str, list[HeatCell]] = field(default_factory=dict)


# ---- the figures, one row per platform post and period -----------------------------------------


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _day_text(session: Session, moment: ColumnElement) -> ColumnElement:
    """The UTC calendar day of a timestamp as 'YYYY-MM-DD'."""
    if _dialect(session) == "postgresql":
        return func.to_char(func.timezone("UTC", moment), "YYYY-MM-DD")
    return func.date(moment)


def _engagement(f) -> ColumnElement:
    parts = [func.coalesce(f.reactions, f.likes, 0), func.coalesce(f.comments, 0)]
    parts += [func.coalesce(f.shares, 0), func.coalesce(f.saves, 0)]
    summed = parts[0] + parts[1] + parts[2] + parts[3]
    no_parts = and_(f.reactions.is_(None), f.likes.is_(None), f.comments.is_(None), f.shares.is_(None))
    return func.coalesce(f.engagements, case((and_(no_parts, f.saves.is_(None)), null()), else_=summed))


def _figures(session: Session, team_id: int, filters: Filters, message_ids: list[int] | None) -> list[Select]:
    """The figures, as one query or, when messages are chosen, two whose conditions the indexes can serve."""
    return [_figure_rows(session, team_id, where) for where in _narrowed(filters, message_ids)]


def _figure_rows(session: Session, team_id: int, narrowed) -> Select:
    f = aliased(ReachFigure, name="f")
    daily = aliased(ReachFigure, name="daily")
    linked = aliased(Message, name="linked")
    has_daily = (
        exists()
        .where(
            daily.team_id == f.team_id,
            daily.platform == f.platform,
            daily.platform_post_id == f.platform_post_id,
            daily.period != "lifetime",
        )
        .correlate(f)
    )
    published = func.coalesce(Post.published_at, f.published_at)
    return (
        select(
            f.platform.label("platform"),
            f.platform_post_id.label("native"),
            Variant.language.label("language"),
            Channel.audience_region.label("region"),
            func.coalesce(Post.campaign_id, linked.campaign_id).label("campaign_id"),
            func.coalesce(Post.message_id, f.message_id).label("message_id"),
            f.post_id.label("post_id"),
            published.label("published_at"),
            case((f.period == "lifetime", _day_text(session, published)), else_=f.period).label("day"),
            func.coalesce(f.reach, f.views, f.impressions, f.video_views).label("seen"),
            _engagement(f).label("engagement"),
            f.impressions.label("impressions"),
            f.reach.label("reach"),
            func.coalesce(f.video_views, f.views).label("views"),
            func.coalesce(f.reactions, f.likes).label("reactions"),
            f.comments.label("comments"),
            f.shares.label("shares"),
            f.saves.label("saves"),
            f.clicks.label("clicks"),
            f.follows.label("follows"),
            f.watch_time_hours.label("watch_hours"),
        )
        .select_from(f)
        .outerjoin(Post, Post.id == f.post_id)
        .outerjoin(Variant, Variant.id == Post.variant_id)
        .outerjoin(Channel, Channel.id == Post.channel_id)
        .outerjoin(linked, linked.id == f.message_id)
        .where(f.team_id == team_id, or_(f.period != "lifetime", ~has_daily), *narrowed(f))
    )


def _narrowed(filters: Filters, message_ids: list[int] | None) -> list:
    """The filters as conditions on the figures table itself, so that its indexes find the rows.

    Each entry takes the figures table (aliased) and gives its conditions. Figures belong to a
    message through their post or, for posts made outside the planner, directly: the two ways are
    two queries, since an OR of the two would make SQLite read every figure.
    """
    messages = None
    if filters.campaign_id is not None:
        messages = select(Message.id).where(Message.campaign_id == filters.campaign_id)
        if message_ids is not None:
            messages = messages.where(col(Message.id).in_(message_ids))
    elif message_ids is not None:
        messages = message_ids

    def common(f) -> list[ColumnElement]:
        return [f.platform.in_(filters.platforms)] if filters.platforms else []

    if messages is None:
        return [common]
    posts = select(Post.id).where(col(Post.message_id).in_(messages))
    return [
        lambda f: [*common(f), f.post_id.in_(posts)],
        lambda f: [*common(f), f.post_id.is_(None), f.message_id.in_(messages)],
    ]


def _by_hand(team_id: int, filters: Filters) -> Select:
    """Awareness and engagement figures entered by hand (WhatsApp Channel views and the like)."""
    m = ManualResult

    def metric(*ids: str) -> ColumnElement:
        return case((col(m.metric).in_(ids), m.value), else_=null())

    return select(
        func.coalesce(m.platform, "whatsapp").label("platform"),
        cast(m.id, String).label("native"),
        m.language.label("language"),
        m.audience_region.label("region"),
        m.campaign_id.label("campaign_id"),
        m.message_id.label("message_id"),
        m.post_id.label("post_id"),
        cast(null(), DateTime(timezone=True)).label("published_at"),
        cast(m.period_end, String).label("day"),
        metric("reach", "impressions", "video-views").label("seen"),
        metric("engagements").label("engagement"),
        metric("impressions").label("impressions"),
        metric("reach").label("reach"),
        metric("video-views").label("views"),
        metric("reactions").label("reactions"),
        metric("comments").label("comments"),
        metric("shares").label("shares"),
        metric("saves").label("saves"),
        metric("clicks").label("clicks"),
        metric("follows").label("follows"),
        metric("watch-time").label("watch_hours"),
    ).where(
        m.team_id == team_id,
        m.voided_at.is_(None),
        col(m.metric).in_(list(FIGURE_OF_METRIC)),
        *([m.campaign_id == filters.campaign_id] if filters.campaign_id is not None else []),
    )


def _message_ids_with_themes(session: Session, team_id: int, themes: tuple[str, ...]) -> list[int]:
    rows = session.exec(select(Message.id, Message.themes).where(Message.team_id == team_id)).all()
    wanted = set(themes)
    return [message_id for message_id, tags in rows if wanted & set(tags or [])]


class _Scope:
    """The filtered figures as a subquery, and the filters' conditions on it."""

    def __init__(self, session: Session, team_id: int, filters: Filters) -> None:
        themed = _message_ids_with_themes(session, team_id, filters.themes) if filters.themes else None
        figures = _figures(session, team_id, filters, themed)
        self.rows = union_all(*figures, _by_hand(team_id, filters)).subquery("figures")
        r = self.rows.c
        conditions: list[ColumnElement] = []
        if filters.campaign_id is not None:
            conditions.append(r.campaign_id == filters.campaign_id)
        if filters.start is not None:
            conditions.append(r.day >= filters.start.isoformat())
        if filters.end is not None:
            conditions.append(r.day <= filters.end.isoformat())
        if filters.platforms:
            conditions.append(r.platform.in_(filters.platforms))
        if filters.languages:
            conditions.append(r.language.in_(filters.languages))
        if themed is not None:
            conditions.append(r.message_id.in_(themed))
        self.conditions = conditions

    def select(self, *columns) -> Select:
        return select(*columns).select_from(self.rows).where(*self.conditions)


def _sums(r) -> list[ColumnElement]:
    return [func.coalesce(func.sum(r.seen), 0), func.coalesce(func.sum(r.engagement), 0)]


def _slices(session: Session, scope: _Scope, column: str, label) -> list[Slice]:
    r = scope.rows.c
    key = getattr(r, column)
    rows = session.exec(
        scope.select(key, *_sums(r), func.count(func.distinct(r.post_id))).group_by(key).order_by(key)
    ).all()
    slices = [Slice(key or "", label(key), int(seen), int(engaged), int(posts)) for key, seen, engaged, posts in rows]
    return sorted(slices, key=lambda s: (-s.seen, s.label))


def _platform_label(platform: str | None) -> str:
    return vocabulary().label("platforms", platform) if platform else "Unknown platform"


def _language_label(code: str | None) -> str:
    if not code:
        return "Unknown (posted outside the planner)"
    try:
        return Language(code).english
    except ValueError:
        return code


def _region_label(region: str | None) -> str:
    return vocabulary().label("regions", region) if region else "Unknown (no account)"


def _theme_label(theme_id: str) -> str:
    return catalog().get(theme_id).label() if theme_id in catalog().ids() else "(no theme)"


def _by_theme(session: Session, scope: _Scope, team_id: int, filters: Filters) -> list[Slice]:
    r = scope.rows.c
    per_message = session.exec(
        scope.select(r.message_id, *_sums(r), func.count(func.distinct(r.post_id)))
        .where(r.message_id.is_not(None))
        .group_by(r.message_id)
    ).all()
    themes = dict(
        session.exec(
            select(Message.id, Message.themes).where(
                Message.team_id == team_id, col(Message.id).in_([row[0] for row in per_message])
            )
        ).all()
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for message_id, seen, engaged, posts in per_message:
        for theme in themes.get(message_id) or [""]:
            if filters.themes and theme not in filters.themes:
                continue
            total = totals[theme]
            total[0] += int(seen)
            total[1] += int(engaged)
            total[2] += int(posts)
    slices = [Slice(theme, _theme_label(theme), *values) for theme, values in totals.items()]
    return sorted(slices, key=lambda s: (-s.seen, s.label))


def _over_time(session: Session, scope: _Scope) -> list[DayFigure]:
    r = scope.rows.c
    rows = session.exec(scope.select(r.day, *_sums(r)).where(r.day.is_not(None)).group_by(r.day).order_by(r.day))
    return [DayFigure(date.fromisoformat(day), int(seen), int(engaged)) for day, seen, engaged in rows]


def _top_posts(session: Session, scope: _Scope, team_id: int) -> list[TopPost]:
    r = scope.rows.c
    seen, engaged = _sums(r)
    rows = session.exec(
        scope.select(r.post_id, seen, engaged)
        .where(r.post_id.is_not(None))
        .group_by(r.post_id)
        .order_by(seen.desc(), r.post_id)
        .limit(TOP_POSTS)
    ).all()
    if not rows:
        return []
    details = {
        post_id: (title, platform, language, published, link)
        for post_id, title, platform, language, published, link in session.exec(
            select(Post.id, Message.title, Variant.platform, Variant.language, Post.published_at, Post.permalink)
            .join(Message, Message.id == Post.message_id)
            .join(Variant, Variant.id == Post.variant_id)
            .where(Post.team_id == team_id, col(Post.id).in_([row[0] for row in rows]))
        )
    }
    top = []
    for post_id, seen_total, engaged_total in rows:
        title, platform, language, published, link = details[post_id]
        top.append(TopPost(post_id, title, platform, language, published, int(seen_total), int(engaged_total), link))
    return top


def _heat(session: Session, scope: _Scope) -> list[HeatCell]:
    """Mean people reached per post by the weekday and hour it was published, in both local times."""
    r = scope.rows.c
    per_post = (
        scope.select(r.native, r.platform, func.min(r.published_at).label("at"), func.sum(r.seen).label("seen"))
        .where(r.published_at.is_not(None), r.seen.is_not(None))
        .group_by(r.platform, r.native)
        .subquery()
    )
    if _dialect(session) == "postgresql":
        utc = func.timezone("UTC", per_post.c.at)
        weekday, hour = extract("isodow", utc), extract("hour", utc)
        half = case((extract("minute", utc) >= 30, 1), else_=0)
    else:
        weekday, hour = func.strftime("%w", per_post.c.at), func.strftime("%H", per_post.c.at)
        half = case((func.strftime("%M", per_post.c.at) >= "30", 1), else_=0)
    rows = session.exec(
        select(weekday, hour, half, func.count(), func.sum(per_post.c.seen)).group_by(weekday, hour, half)
    ).all()
    cells: dict[tuple[str, int, int], list[int]] = defaultdict(lambda: [0, 0])
    # Any week will do: neither Pakistan nor Afghanistan moves its clocks.
    monday = datetime(2026, 1, 5, tzinfo=UTC)
    for raw_weekday, raw_hour, raw_half, posts, seen in rows:
        iso = int(float(raw_weekday))
        iso = 7 if iso == 0 else iso  # SQLite: 0 = Sunday; PostgreSQL isodow: 7 = Sunday
        moment = monday + timedelta(days=iso - 1, hours=int(float(raw_hour)), minutes=30 * int(raw_half))
        for zone, tz in ZONES.items():
            local = moment.astimezone(tz)
            cell = cells[(zone, local.weekday(), local.hour)]
            cell[0] += int(posts)
            cell[1] += int(seen or 0)
    return [HeatCell(zone, day, hour, posts, seen) for (zone, day, hour), (posts, seen) in sorted(cells.items())]


def suggestions(heat: list[HeatCell], limit: int = 3) -> dict[str, list[HeatCell]]:
    """The best weekday-hours per zone by mean reach per post, from hours with enough posts."""
    best: dict[str, list[HeatCell]] = {}
    for zone in ZONES:
        cells = [c for c in heat if c.zone == zone and c.posts >= MIN_POSTS_FOR_A_SUGGESTION]
        best[zone] = sorted(cells, key=lambda c: (-c.mean_seen, c.weekday, c.hour))[:limit]
    return best


def _tiers(session: Session, scope: _Scope, team_id: int, filters: Filters) -> Tiers:
    r = scope.rows.c
    seen, engaged, impressions, rated_seen, rated_engaged = session.exec(
        scope.select(
            func.coalesce(func.sum(r.seen), 0),
            func.coalesce(func.sum(r.engagement), 0),
            func.coalesce(func.sum(r.impressions), 0),
            func.sum(case((r.engagement.is_not(None), r.seen))),
            func.sum(case((r.seen.is_not(None), r.engagement))),
        )
    ).one()
    impact = _impact(session, team_id, filters)
    return Tiers(
        people_reached=int(seen),
        impressions=int(impressions),
        engagements=int(engaged),
        engagement_rate=(rated_engaged / rated_seen) if rated_seen else None,
        offline_actions=impact["offline-actions"][0],
        coded_positive=impact["coded-comments"][0],
        coded_total=impact["coded-comments"][1],
        survey_agreeing=(impact["survey-result"][0] / impact["survey-result"][1])
        if impact["survey-result"][1]
        else None,
        surveyed=impact["survey-result"][1],
        surveys=impact["survey-result"][2],
    )


def _hand_entries(team_id: int, filters: Filters, metrics: tuple[str, ...]) -> Select:
    m = ManualResult
    query = select(m).where(m.team_id == team_id, m.voided_at.is_(None), col(m.metric).in_(metrics))
    if filters.campaign_id is not None:
        query = query.where(m.campaign_id == filters.campaign_id)
    if filters.start is not None:
        query = query.where(m.period_end >= filters.start)
    if filters.end is not None:
        query = query.where(m.period_end <= filters.end)
    if filters.platforms:
        query = query.where(col(m.platform).in_(filters.platforms))
    if filters.languages:
        query = query.where(col(m.language).in_(filters.languages))
    return query


def _impact(session: Session, team_id: int, filters: Filters) -> dict[str, tuple[float, int, int]]:
    """Per impact metric: (total, sample, entries). Surveys: total is % agreeing × respondents."""
    entries = session.exec(_hand_entries(team_id, filters, IMPACT_METRICS)).all()
    if filters.themes:
        allowed = set(_message_ids_with_themes(session, team_id, filters.themes))
        entries = [e for e in entries if e.message_id in allowed]
    out = {metric: [0.0, 0, 0] for metric in IMPACT_METRICS}
    for entry in entries:
        total = out[entry.metric]
        if entry.metric == "survey-result":
            total[0] += entry.value * (entry.sample_size or 0)
        else:
            total[0] += entry.value
        total[1] += entry.sample_size or 0
        total[2] += 1
    return {metric: (values[0], int(values[1]), int(values[2])) for metric, values in out.items()}


def _progress(session: Session, scope: _Scope, team_id: int, filters: Filters) -> list[Progress]:
    r = scope.rows.c
    columns = sorted(set(FIGURE_OF_METRIC.values()))
    sums = {
        row[0]: dict(zip(columns, row[1:], strict=True))
        for row in session.exec(
            scope.select(r.campaign_id, *[func.sum(getattr(r, name)) for name in columns])
            .where(r.campaign_id.is_not(None))
            .group_by(r.campaign_id)
        )
    }
    campaigns = select(Campaign).where(Campaign.team_id == team_id)
    if filters.campaign_id is not None:
        campaigns = campaigns.where(Campaign.id == filters.campaign_id)
    names = {c.id: c.name for c in session.exec(campaigns)}
    hand: dict[tuple[int, str], list] = defaultdict(list)
    for entry in session.exec(_hand_entries(team_id, filters, IMPACT_METRICS)):
        hand[(entry.campaign_id, entry.metric)].append(entry)
    words = vocabulary()

    def so_far(campaign_id: int, metric: str) -> float | None:
        if metric in FIGURE_OF_METRIC:
            value = sums.get(campaign_id, {}).get(FIGURE_OF_METRIC[metric])
            return float(value) if value is not None else None
        entries = hand.get((campaign_id, metric), [])
        if not entries:
            return None
        if metric == "survey-result":  # the latest survey is where the campaign stands
            return max(entries, key=lambda e: (e.period_end, e.entered_at)).value
        return float(sum(e.value for e in entries))

    out: list[Progress] = []
    objectives = session.exec(
        select(Objective).where(col(Objective.campaign_id).in_(names)).order_by(Objective.campaign_id, Objective.id)
    ).all()
    for objective in objectives:
        out.append(
            Progress(
                campaign_id=objective.campaign_id,
                campaign=names[objective.campaign_id],
                source="objective",
                description=objective.description,
                metric=objective.metric,
                tier=words.tier_of(objective.metric) or "",
                baseline=objective.baseline,
                target=objective.target,
                so_far=so_far(objective.campaign_id, objective.metric),
                deadline=objective.deadline,
            )
        )
    # A KPI measured by an objective's metric starts from that objective's baseline (a survey's 55 %).
    baselines = {(o.campaign_id, o.metric): o.baseline for o in objectives}
    kpis = session.exec(select(Kpi).where(col(Kpi.campaign_id).in_(names)).order_by(Kpi.campaign_id, Kpi.id)).all()
    for kpi in kpis:
        out.append(
            Progress(
                campaign_id=kpi.campaign_id,
                campaign=names[kpi.campaign_id],
                source="kpi",
                description=words.label("metrics", kpi.metric),
                metric=kpi.metric,
                tier=words.tier_of(kpi.metric) or "",
                baseline=baselines.get((kpi.campaign_id, kpi.metric), 0.0),
                target=kpi.target,
                so_far=so_far(kpi.campaign_id, kpi.metric),
            )
        )
    return out


def _posts_published(session: Session, team_id: int, filters: Filters) -> int:
    query = (
        select(func.count())
        .select_from(Post)
        .join(Variant, Variant.id == Post.variant_id)
        .where(Post.team_id == team_id, Post.status == PostStatus.PUBLISHED)
    )
    if filters.campaign_id is not None:
        query = query.where(Post.campaign_id == filters.campaign_id)
    if filters.start is not None:
        query = query.where(Post.published_at >= datetime.combine(filters.start, datetime.min.time(), UTC))
    if filters.end is not None:
        query = query.where(
            Post.published_at < datetime.combine(filters.end + timedelta(days=1), datetime.min.time(), UTC)
        )
    if filters.platforms:
        query = query.where(col(Variant.platform).in_(filters.platforms))
    if filters.languages:
        query = query.where(col(Variant.language).in_(filters.languages))
    if filters.themes:
        query = query.where(col(Post.message_id).in_(_message_ids_with_themes(session, team_id, filters.themes)))
    return int(session.exec(query).one())


def _unlinked(session: Session, team_id: int) -> int:
    f = ReachFigure
    query = select(func.count(func.distinct(f.platform + ":" + f.platform_post_id))).where(
        f.team_id == team_id, f.post_id.is_(None), f.message_id.is_(None)
    )
    return int(session.exec(query).one())


def theme_weeks(session: Session, *, team_id: int, filters: Filters) -> list[tuple[str, date, int]]:
    """People reached by theme and week (weeks start on Monday): (theme, week, people reached)."""
    scope = _Scope(session, team_id, filters)
    r = scope.rows.c
    rows = session.exec(
        scope.select(r.message_id, r.day, func.sum(r.seen))
        .where(r.message_id.is_not(None), r.day.is_not(None))
        .group_by(r.message_id, r.day)
    ).all()
    themes = dict(
        session.exec(
            select(Message.id, Message.themes).where(
                Message.team_id == team_id, col(Message.id).in_({row[0] for row in rows})
            )
        ).all()
    )
    totals: dict[tuple[str, date], int] = defaultdict(int)
    for message_id, day, seen in rows:
        moment = date.fromisoformat(day)
        week = moment - timedelta(days=moment.weekday())
        for theme in themes.get(message_id) or [""]:
            totals[(theme, week)] += int(seen or 0)
    return sorted((theme, week, seen) for (theme, week), seen in totals.items())


def platform_languages(session: Session, *, team_id: int, filters: Filters) -> list[tuple[str, str, int, int]]:
    """People reached and engagements by platform and language: (platform, language, reached, engaged)."""
    scope = _Scope(session, team_id, filters)
    r = scope.rows.c
    rows = session.exec(scope.select(r.platform, r.language, *_sums(r)).group_by(r.platform, r.language)).all()
    return [(platform, language or "", int(seen), int(engaged)) for platform, language, seen, engaged in rows]


def build(session: Session, *, team_id: int, filters: Filters) -> Dashboard:
    """Every figure of the dashboard for one team (no permission check: see `dashboard`)."""
    scope = _Scope(session, team_id, filters)
    over_time = _over_time(session, scope)
    heat = _heat(session, scope)
    return Dashboard(
        filters=filters,
        tiers=_tiers(session, scope, team_id, filters),
        over_time=over_time,
        by_theme=_by_theme(session, scope, team_id, filters),
        by_platform=_slices(session, scope, "platform", _platform_label),
        by_language=_slices(session, scope, "language", _language_label),
        by_audience=_slices(session, scope, "region", _region_label),
        top_posts=_top_posts(session, scope, team_id),
        heat=heat,
        progress=_progress(session, scope, team_id, filters),
        posts_published=_posts_published(session, team_id, filters),
        figures_from=(over_time[0].day, over_time[-1].day) if over_time else None,
        unlinked=_unlinked(session, team_id),
        suggestions=suggestions(heat),
    )


@dataclass(frozen=True)
class Stamp:
    """Which team's figures, and as of which change: every change a team makes writes an audit event."""

    team_id: int
    version: int


def stamp(session: Session, *, actor: Actor, now: datetime) -> Stamp:
    """The actor's team and its latest audit event: a cache key that changes whenever the figures may."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    latest = session.exec(select(func.max(AuditEvent.id)).where(AuditEvent.team_id == actor.team_id)).one()
    return Stamp(actor.team_id, latest or 0)


def dashboard(session: Session, *, actor: Actor, now: datetime, filters: Filters) -> Dashboard:
    """The reach dashboard of the actor's team, filtered. A campaign of another team is not found."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    if filters.campaign_id is not None:
        campaign = session.get(Campaign, filters.campaign_id)
        if campaign is None or campaign.team_id != actor.team_id:
            raise NotFound("campaign")
    return build(session, team_id=actor.team_id, filters=filters)
