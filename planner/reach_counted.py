"""What each reach figure counts for, kept on the figure itself so that the dashboards read one table.

A figure row (one platform post, one period) counts for its post's campaign, message, language and
account audience — or, for a post made outside the planner and linked by hand, for that message's
campaign. It counts on a day: its period, or for a lifetime total the day the post was published. A
lifetime total counts only while the post has no daily rows (daily rows say more, and the two are
never added up). Its headline numbers are "seen" (reach, else views or impressions) and
"engagement" (the platform's own count, else reactions, comments, shares and saves).

The importer writes these with each row (`owners`, `seen`, `engagement`, `lifetime_day`); linking,
unlinking and changing an account's audience rewrite them for the rows concerned (`refresh`).
tests/integration/test_reach_counted.py checks that after any of these the stored values equal a
fresh computation from the posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, bindparam, case, func, select, update
from sqlmodel import Session, col

from planner.models import Channel, Message, Post, ReachFigure, Variant

LIFETIME = "lifetime"
OWNER_COLUMNS = ("campaign_id", "of_message_id", "language", "region")
COLUMNS = (*OWNER_COLUMNS, "day", "counted", "seen", "engagement")


@dataclass(frozen=True, slots=True)
class Owner:
    """What a figure counts for, and when its post was published (a lifetime total counts on that day)."""

    campaign_id: int | None = None
    of_message_id: int | None = None
    language: str | None = None
    region: str | None = None
    published_at: datetime | None = None

    def columns(self) -> tuple:
        return (self.campaign_id, self.of_message_id, self.language, self.region)


NOBODY = Owner()


def owners(
    session: Session, *, team_id: int, post_ids: Iterable[int], message_ids: Iterable[int]
) -> tuple[dict[int, Owner], dict[int, Owner]]:
    """The owners of figures linked to these posts and to these messages (posted outside the planner)."""
    post_ids, message_ids = set(post_ids) - {None}, set(message_ids) - {None}
    by_post: dict[int, Owner] = {}
    if post_ids:
        rows = session.exec(
            select(
                Post.id, Post.campaign_id, Post.message_id, Variant.language, Channel.audience_region, Post.published_at
            )
            .join(Variant, Variant.id == Post.variant_id)
            .join(Channel, Channel.id == Post.channel_id)
            .where(Post.team_id == team_id, col(Post.id).in_(post_ids))
        ).all()
        by_post = {row[0]: Owner(*row[1:]) for row in rows}
    by_message: dict[int, Owner] = {}
    if message_ids:
        rows = session.exec(
            select(Message.id, Message.campaign_id).where(Message.team_id == team_id, col(Message.id).in_(message_ids))
        ).all()
        by_message = {message_id: Owner(campaign_id, message_id) for message_id, campaign_id in rows}
    return by_post, by_message


def owner_of(post_id: int | None, message_id: int | None, by_post: dict, by_message: dict) -> Owner:
    if post_id is not None:
        return by_post.get(post_id, NOBODY)
    if message_id is not None:
        return by_message.get(message_id, NOBODY)
    return NOBODY


def lifetime_day(owner: Owner, published_at: datetime | None, published_on: str | None = None) -> str | None:
    """The UTC day a lifetime total counts on: its post's publication, else what the export says (a time,
    or a date alone)."""
    moment = owner.published_at or published_at
    return moment.astimezone(UTC).date().isoformat() if moment is not None else published_on


def seen(reach: int | None, views: int | None, impressions: int | None, video_views: int | None) -> int | None:
    """People reached where the platform counts them, otherwise views or impressions (see dashboard.METHODS)."""
    for value in (reach, views, impressions, video_views):
        if value is not None:
            return value
    return None


def engagement(
    engagements: int | None,
    reactions: int | None,
    likes: int | None,
    comments: int | None,
    shares: int | None,
    saves: int | None,
) -> int | None:
    """The platform's own engagement count, otherwise reactions (or likes), comments, shares and saves added up."""
    if engagements is not None:
        return engagements
    if reactions is None and likes is None and comments is None and shares is None and saves is None:
        return None
    first = reactions if reactions is not None else likes
    return (first or 0) + (comments or 0) + (shares or 0) + (saves or 0)


def headline(metrics: dict) -> tuple[int | None, int | None]:
    """(seen, engagement) of one row's metrics, by metric name."""
    get = metrics.get
    return (
        seen(get("reach"), get("views"), get("impressions"), get("video_views")),
        engagement(get("engagements"), get("reactions"), get("likes"), get("comments"), get("shares"), get("saves")),
    )


def headlines(metrics: dict[str, list], rows: int) -> tuple[list, list]:
    """(seen, engagement) of every row of an export, its metrics given column by column.

    The same as `headline` row by row (tests/unit/test_reach_counted.py), but a column the file does not
    have is left out rather than read as a million empty cells.
    """
    seen_from = [metrics[name] for name in ("reach", "views", "impressions", "video_views") if name in metrics]
    if not seen_from:
        seen_values = [None] * rows
    elif len(seen_from) == 1:
        seen_values = list(seen_from[0])
    else:
        seen_values = [next((v for v in values if v is not None), None) for values in zip(*seen_from, strict=True)]

    parts = [name for name in ("reactions", "likes", "comments", "shares", "saves") if name in metrics]
    if not parts:
        engaged = [None] * rows
    else:
        nothing = [None] * rows
        engaged = list(
            map(
                engagement,
                nothing,
                *(metrics.get(name, nothing) for name in ("reactions", "likes", "comments", "shares", "saves")),
            )
        )
    if "engagements" in metrics:
        engaged = [
            own if own is not None else summed for own, summed in zip(metrics["engagements"], engaged, strict=True)
        ]
    return seen_values, engaged


# ---- rewriting the columns of rows already stored ------------------------------------------------------


def _day_of(session: Session, moment: ColumnElement) -> ColumnElement:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", moment), "YYYY-MM-DD")
    return func.date(moment)


def refresh(session: Session, *, team_id: int, where: Sequence[ColumnElement]) -> None:
    """Recompute campaign, message, language, audience and (for lifetime totals) day of the figures `where` picks."""
    f = ReachFigure

    def of_post(column) -> ColumnElement:
        return select(column).where(Post.id == f.post_id).scalar_subquery()

    published = func.coalesce(of_post(Post.published_at), f.published_at)
    session.exec(
        update(f)
        .where(f.team_id == team_id, *where)
        .values(
            campaign_id=func.coalesce(
                of_post(Post.campaign_id),
                select(Message.campaign_id).where(Message.id == f.message_id).scalar_subquery(),
            ),
            of_message_id=func.coalesce(of_post(Post.message_id), f.message_id),
            language=select(Variant.language)
            .join(Post, Post.variant_id == Variant.id)
            .where(Post.id == f.post_id)
            .scalar_subquery(),
            region=select(Channel.audience_region)
            .join(Post, Post.channel_id == Channel.id)
            .where(Post.id == f.post_id)
            .scalar_subquery(),
            day=case(
                (f.period == LIFETIME, func.coalesce(_day_of(session, published), f.published_on)), else_=f.period
            ),
        )
        .execution_options(synchronize_session=False)
    )


def supersede(session: Session, *, team_id: int, platform: str, lifetime_ids: Sequence[int]) -> None:
    """These lifetime totals stop counting: their posts now have daily rows."""
    if lifetime_ids:
        session.exec(
            update(ReachFigure)
            .where(
                ReachFigure.team_id == team_id, ReachFigure.platform == platform, col(ReachFigure.id).in_(lifetime_ids)
            )
            .values(counted=False)
            .execution_options(synchronize_session=False)
        )


def of_channel(channel_id: int) -> list[ColumnElement]:
    return [col(ReachFigure.post_id).in_(select(Post.id).where(Post.channel_id == channel_id))]


def expected(session: Session, *, team_id: int) -> dict[int, tuple]:
    """Every figure's columns (in COLUMNS order) computed afresh from the posts, messages and accounts."""
    f = ReachFigure
    rows = session.exec(
        select(f.id, f.platform, f.platform_post_id, f.post_id, f.message_id, f.period, f.published_at, f.published_on)
        .add_columns(*[getattr(f, m) for m in _METRICS])
        .where(f.team_id == team_id)
    ).all()
    by_post, by_message = owners(
        session, team_id=team_id, post_ids={r[3] for r in rows}, message_ids={r[4] for r in rows}
    )
    with_daily = {(r[1], r[2]) for r in rows if r[5] != LIFETIME}
    out = {}
    for figure_id, platform, native, post_id, message_id, period, published_at, published_on, *values in rows:
        owner = owner_of(post_id, message_id, by_post, by_message)
        lifetime = period == LIFETIME
        out[figure_id] = (
            *owner.columns(),
            lifetime_day(owner, published_at, published_on) if lifetime else period,
            not lifetime or (platform, native) not in with_daily,
            *headline(dict(zip(_METRICS, values, strict=True))),
        )
    return out


_METRICS = ("reach", "views", "impressions", "video_views", "engagements", "reactions", "likes", "comments")
_METRICS += ("shares", "saves")


def stored(session: Session, *, team_id: int) -> dict[int, tuple]:
    """Every figure's columns (in COLUMNS order) as stored."""
    f = ReachFigure
    rows = session.exec(select(f.id, *[getattr(f, name) for name in COLUMNS]).where(f.team_id == team_id)).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def rebuild(session: Session, *, team_id: int) -> int:
    """Recompute every figure's columns of a team from scratch (rows written by other means); how many changed."""
    now = stored(session, team_id=team_id)
    fresh = [
        {"figure_id": figure_id, **dict(zip(COLUMNS, values, strict=True))}
        for figure_id, values in expected(session, team_id=team_id).items()
        if now.get(figure_id) != values
    ]
    if fresh:
        f = ReachFigure
        session.connection().execute(
            update(f).where(f.id == bindparam("figure_id")).values({name: bindparam(name) for name in COLUMNS}),
            fresh,
        )
    return len(fresh)
