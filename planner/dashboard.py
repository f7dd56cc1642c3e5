"""What reached whom: the reach dashboards' figures, computed in SQL.

How each figure is counted is written once, in METHODS, and shown to users beside the charts
and in the donor report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, String, case, cast, extract, func, null, union_all
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session, col, select

from planner.errors import NotFound
from planner.languages import Language
from planner.models import (
    AuditEvent,
    Campaign,
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
  its latest lifetime total, dated by the day it was published (X gives the date without a time). Totals are
  never added up across files: a newer export of the same post replaces the older one ("latest export wins").
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


# ---- the figures: the reach_figure table (what each row counts for is kept on it) and hand entries ------

Columns = Mapping[str, ColumnElement]
Summed = Callable[[Columns], ColumnElement]  # what to add up, given one source's columns


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _figure_columns() -> dict[str, ColumnElement]:
    """The imported figures' columns under the names the queries use (see planner/reach_counted.py)."""
    f = ReachFigure
    return {
        "platform": f.platform,
        "native": f.platform_post_id,
        "language": f.language,
        "region": f.region,
        "campaign_id": f.campaign_id,
        "message_id": f.of_message_id,
        "post_id": f.post_id,
        "published_at": f.published_at,
        "day": f.day,
        "seen": f.seen,
        "engagement": f.engagement,
        "impressions": f.impressions,
        "reach": f.reach,
        "views": func.coalesce(f.video_views, f.views),
        "reactions": func.coalesce(f.reactions, f.likes),
        "comments": f.comments,
        "shares": f.shares,
        "saves": f.saves,
        "clicks": f.clicks,
        "follows": f.follows,
        "watch_hours": f.watch_time_hours,
    }


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


def _conditions(columns: Columns, filters: Filters, themed: list[int] | None) -> list[ColumnElement]:
    conditions: list[ColumnElement] = []
    if filters.campaign_id is not None:
        conditions.append(columns["campaign_id"] == filters.campaign_id)
    if filters.start is not None:
        conditions.append(columns["day"] >= filters.start.isoformat())
    if filters.end is not None:
        conditions.append(columns["day"] <= filters.end.isoformat())
    if filters.platforms:
        conditions.append(columns["platform"].in_(filters.platforms))
    if filters.languages:
        conditions.append(columns["language"].in_(filters.languages))
    if themed is not None:
        conditions.append(columns["message_id"].in_(themed))
    return conditions


class _Scope:
    """The figures the filters choose: imported ones that count, and hand-entered ones.

    Every breakdown adds up each source on its own — the imported figures through the covering
    indexes of reach_figure — and then adds the two together. Posts are counted in each source and
    added: a post's awareness figures come either from an export or by hand (WhatsApp), never both.
    """

    def __init__(self, session: Session, team_id: int, filters: Filters) -> None:
        self.themed = _message_ids_with_themes(session, team_id, filters.themes) if filters.themes else None
        self.figures = _figure_columns()
        self.figure_conditions = [
            ReachFigure.team_id == team_id,
            ReachFigure.counted.is_(True),
            *_conditions(self.figures, filters, self.themed),
        ]
        hand = _by_hand(team_id, filters).subquery("by_hand")
        self.hand = {column.name: column for column in hand.c}
        self.hand_conditions = _conditions(self.hand, filters, self.themed)
        self.hand_from = hand

    def grouped(
        self,
        keys: Sequence[str],
        sums: Mapping[str, Summed],
        *,
        posts: bool = False,
        where: Callable[[Columns], list[ColumnElement]] = lambda columns: [],
    ) -> Select:
        """Sums (and, with posts=True, the number of posts) by `keys`, over both sources, as one query."""

        def side(columns: Columns, conditions: list[ColumnElement], source) -> Select:
            selected = [columns[key].label(key) for key in keys]
            selected += [func.sum(summed(columns)).label(name) for name, summed in sums.items()]
            if posts:
                selected.append(func.count(func.distinct(columns["post_id"])).label("posts"))
            query = select(*selected).select_from(source).where(*conditions, *where(columns))
            return query.group_by(*[columns[key] for key in keys]) if keys else query

        both = union_all(
            side(self.figures, self.figure_conditions, ReachFigure),
            side(self.hand, self.hand_conditions, self.hand_from),
        ).subquery("both")
        totals = [func.sum(both.c[name]).label(name) for name in sums]
        if posts:
            totals.append(func.coalesce(func.sum(both.c.posts), 0).label("posts"))
        query = select(*[both.c[key] for key in keys], *totals)
        return query.group_by(*[both.c[key] for key in keys]) if keys else query


def _column(name: str) -> Summed:
    return lambda columns: columns[name]


HEADLINE: dict[str, Summed] = {"seen": _column("seen"), "engagement": _column("engagement")}


def _slices(session: Session, scope: _Scope, column: str, label) -> list[Slice]:
    rows = session.exec(scope.grouped([column], HEADLINE, posts=True)).all()
    slices = [
        Slice(key or "", label(key), int(seen or 0), int(engaged or 0), int(posts))
        for key, seen, engaged, posts in rows
    ]
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
    # By campaign and message: an index holds the figures in that order (a message has one campaign).
    per_message = [
        row[1:]
        for row in session.exec(
            scope.grouped(
                ["campaign_id", "message_id"], HEADLINE, posts=True, where=lambda c: [c["message_id"].is_not(None)]
            )
        ).all()
    ]
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
            total[0] += int(seen or 0)
            total[1] += int(engaged or 0)
            total[2] += int(posts)
    slices = [Slice(theme, _theme_label(theme), *values) for theme, values in totals.items()]
    return sorted(slices, key=lambda s: (-s.seen, s.label))


def _over_time(session: Session, scope: _Scope) -> list[DayFigure]:
    rows = session.exec(scope.grouped(["day"], HEADLINE, where=lambda c: [c["day"].is_not(None)])).all()
    figures = [DayFigure(date.fromisoformat(day), int(seen or 0), int(engaged or 0)) for day, seen, engaged in rows]
    return sorted(figures, key=lambda figure: figure.day)


def _top_posts(session: Session, scope: _Scope, team_id: int) -> list[TopPost]:
    totals = scope.grouped(["post_id"], HEADLINE, where=lambda c: [c["post_id"].is_not(None)]).subquery("totals")
    rows = session.exec(
        select(totals.c.post_id, totals.c.seen, totals.c.engagement)
        .order_by(func.coalesce(totals.c.seen, 0).desc(), totals.c.post_id)
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
        top.append(
            TopPost(post_id, title, platform, language, published, int(seen_total or 0), int(engaged_total or 0), link)
        )
    return top


def _heat(session: Session, scope: _Scope) -> list[HeatCell]:
    """Mean people reached per post by the weekday and hour it was published, in both local times.

    Only imported figures know when a post went out: the post's own time, else the export's.
    """
    f = ReachFigure
    counted = [*scope.figure_conditions, f.seen.is_not(None)]
    planned = (
        select(f.post_id, func.sum(f.seen).label("seen"))
        .where(*counted, f.post_id.is_not(None))
        .group_by(f.post_id)
        .subquery()
    )
    published = (  # a post the team published: its own time (set when it was marked published)
        select(Post.published_at.label("at"), planned.c.seen)
        .join(Post, Post.id == planned.c.post_id)
        .where(Post.published_at.is_not(None))
    )
    elsewhere = (  # a platform post made outside the planner: the time the export gives
        select(func.min(f.published_at).label("at"), func.sum(f.seen).label("seen"))
        .where(*counted, f.post_id.is_(None))
        .group_by(f.platform, f.platform_post_id)
        .having(func.min(f.published_at).is_not(None))
    )
    per_post = union_all(published, elsewhere).subquery("per_post")
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
    sums: dict[str, Summed] = {
        "seen": _column("seen"),
        "engagement": _column("engagement"),
        "impressions": _column("impressions"),
        "rated_seen": lambda c: case((c["engagement"].is_not(None), c["seen"])),
        "rated_engaged": lambda c: case((c["seen"].is_not(None), c["engagement"])),
    }
    seen, engaged, impressions, rated_seen, rated_engaged = session.exec(scope.grouped([], sums)).one()
    impact = _impact(session, team_id, filters)
    return Tiers(
        people_reached=int(seen or 0),
        impressions=int(impressions or 0),
        engagements=int(engaged or 0),
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
    campaigns = select(Campaign.id, Campaign.name).where(Campaign.team_id == team_id)
    if filters.campaign_id is not None:
        campaigns = campaigns.where(Campaign.id == filters.campaign_id)
    names = dict(session.exec(campaigns).all())
    objectives = session.exec(
        select(Objective).where(col(Objective.campaign_id).in_(names)).order_by(Objective.campaign_id, Objective.id)
    ).all()
    kpis = session.exec(select(Kpi).where(col(Kpi.campaign_id).in_(names)).order_by(Kpi.campaign_id, Kpi.id)).all()
    # Only the figures some objective or KPI measures: usually people reached, which an index holds.
    measured = {o.metric for o in objectives} | {k.metric for k in kpis}
    columns = sorted({FIGURE_OF_METRIC[m] for m in measured if m in FIGURE_OF_METRIC})
    sums: dict[int, dict] = {}
    if columns:
        sums = {
            row[0]: dict(zip(columns, row[1:], strict=True))
            for row in session.exec(
                scope.grouped(
                    ["campaign_id"],
                    {name: _column(name) for name in columns},
                    where=lambda c: [c["campaign_id"].is_not(None)],
                )
            )
        }
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
    rows = session.exec(
        scope.grouped(
            ["message_id", "day"],
            {"seen": _column("seen")},
            where=lambda c: [c["message_id"].is_not(None), c["day"].is_not(None)],
        )
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
    rows = session.exec(scope.grouped(["platform", "language"], HEADLINE)).all()
    return sorted(
        (platform, language or "", int(seen or 0), int(engaged or 0)) for platform, language, seen, engaged in rows
    )


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


# Audit events that cannot change a figure, a name or a target the dashboard shows. Every other kind,
# including any added later, moves the stamp: leaving one out here costs a rebuild, never a stale figure.
UNRELATED_EVENTS = (
    "session.",
    "account.",
    "member.",
    "denylist.",
    "consent.",
    "audit.",
    "message.warning_acknowledged",
)


def stamp(session: Session, *, actor: Actor, now: datetime) -> Stamp:
    """The actor's team and its latest change that may move the figures: the dashboard's cache key.

    Log-ins, password changes, member and consent changes do not count, so an active team's dashboard
    (about 2 s to build team-wide at a million rows) is not rebuilt each time someone logs in.
    """
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    related = [~AuditEvent.action.startswith(prefix, autoescape=True) for prefix in UNRELATED_EVENTS]
    latest = session.exec(
        select(AuditEvent.id)
        .where(AuditEvent.team_id == actor.team_id, *related)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return Stamp(actor.team_id, latest or 0)


def dashboard(session: Session, *, actor: Actor, now: datetime, filters: Filters) -> Dashboard:
    """The reach dashboard of the actor's team, filtered. A campaign of another team is not found."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    if filters.campaign_id is not None:
        campaign = session.get(Campaign, filters.campaign_id)
        if campaign is None or campaign.team_id != actor.team_id:
            raise NotFound("campaign")
    return build(session, team_id=actor.team_id, filters=filters)
