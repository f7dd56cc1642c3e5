"""Imported reach that no post matched: listed with likely posts, linked by hand, unlinked.

An export row is matched to a published post by the platform's post id or the permalink. What the
planner did not publish (or published before its post id was recorded) stays in the table with no
post; here a coordinator links it to a post of the same platform, or to a message that was posted
outside the planner. A link covers every period row of that platform post. Linking to a post also
records the post id and permalink on the post when it has none, so the next import matches alone.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, func, select, update

from planner import audit, reach_counted
from planner.drafting import fold
from planner.errors import NotFound, ValidationFailed
from planner.models import Campaign, Channel, Message, Post, PostStatus, ReachFigure, Variant
from planner.policy import Action, Actor, require
from planner.text import platforms

CHOICES = 10  # likely posts and messages offered per row
EXCERPT = 160  # characters of the post's text shown
_WORD = re.compile(r"\w{2,}")
_LINK = re.compile(r"https?://\S+")


class MatchedPost(BaseModel):
    """What a reach row is linked to: a post (and its message), or a message posted outside the planner."""

    post_id: int | None
    message_id: int
    message_title: str
    campaign_id: int
    campaign_name: str
    platform: str | None = None
    language: str | None = None
    published_at: datetime | None = None


class PostChoice(BaseModel):
    post_id: int
    message_id: int
    message_title: str
    campaign_name: str
    language: str
    channel_name: str
    published_at: datetime | None
    has_platform_post_id: bool  # already matched by its own post id: less likely to be this row
    similarity: float  # 0–1, words shared with the variant's text


class MessageChoice(BaseModel):
    message_id: int
    message_title: str
    campaign_name: str
    similarity: float


class FigureGroup(BaseModel):
    """Every period row of one platform post, shown by its freshest figures."""

    figure_id: int  # the row the figures below come from: the lifetime row, else the latest day
    platform: str
    platform_post_id: str
    permalink: str
    excerpt: str
    period: str
    periods: int
    published_on: date | None  # as the export gave it, else the first day with figures
    reach: int | None
    impressions: int | None
    views: int | None
    engagements: int | None
    linked: MatchedPost | None = None
    posts: list[PostChoice] = []
    messages: list[MessageChoice] = []


class FigureGroups(BaseModel):
    total: int  # how many platform posts there are; `groups` holds at most the limit asked for
    groups: list[FigureGroup]


def linked_to(
    session: Session, *, team_id: int, post_ids: Iterable[int], message_ids: Iterable[int] = ()
) -> tuple[dict[int, MatchedPost], dict[int, MatchedPost]]:
    """Descriptions of posts and of messages by id, in two queries (trusted: the caller checked the actor)."""
    post_ids, message_ids = set(post_ids), set(message_ids)
    posts: dict[int, MatchedPost] = {}
    if post_ids:
        rows = session.exec(
            select(Post, Variant.platform, Variant.language, Message.title, Campaign.name)
            .join(Variant, Variant.id == Post.variant_id)
            .join(Message, Message.id == Post.message_id)
            .join(Campaign, Campaign.id == Post.campaign_id)
            .where(Post.team_id == team_id, col(Post.id).in_(post_ids))
        ).all()
        for post, platform, language, title, campaign_name in rows:
            posts[post.id] = MatchedPost(
                post_id=post.id,
                message_id=post.message_id,
                message_title=title,
                campaign_id=post.campaign_id,
                campaign_name=campaign_name,
                platform=platform,
                language=language,
                published_at=post.published_at or post.scheduled_at,
            )
    messages: dict[int, MatchedPost] = {}
    if message_ids:
        rows = session.exec(
            select(Message.id, Message.title, Campaign.id, Campaign.name)
            .join(Campaign, Campaign.id == Message.campaign_id)
            .where(Message.team_id == team_id, col(Message.id).in_(message_ids))
        ).all()
        for message_id, title, campaign_id, campaign_name in rows:
            messages[message_id] = MatchedPost(
                post_id=None,
                message_id=message_id,
                message_title=title,
                campaign_id=campaign_id,
                campaign_name=campaign_name,
            )
    return posts, messages


# ---- reading -----------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(fold(_LINK.sub(" ", text))))


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _unlinked():
    return col(ReachFigure.post_id).is_(None) & col(ReachFigure.message_id).is_(None)


def _linked():
    return col(ReachFigure.post_id).is_not(None) | col(ReachFigure.message_id).is_not(None)


def _groups(
    session: Session, team_id: int, where, *, platform: str | None, limit: int
) -> tuple[FigureGroups, dict[int, ReachFigure]]:
    """Figure groups of the team matching `where`, freshest import first, in three queries.

    Also returns the row shown for each group by its id (the page never sees ORM rows).
    """
    f = ReachFigure
    scope = [f.team_id == team_id, where]
    if platform:
        scope.append(f.platform == platform)
    key = (f.platform, f.platform_post_id)
    latest = func.max(f.updated_at)
    # The number of groups rides along as a window over the grouped rows: one pass over the figures, not two.
    heads = session.exec(
        select(*key, func.count(), func.min(f.period), func.max(f.period), latest, func.count().over())
        .where(*scope)
        .group_by(*key)
        .order_by(latest.desc(), *key)
        .limit(limit)
    ).all()
    if not heads:
        return FigureGroups(total=0, groups=[]), {}
    total = heads[0][-1]
    heads = [head[:-1] for head in heads]
    wanted = {(platform, native) for platform, native, *_ in heads}
    # 'lifetime' sorts after every ISO date: max(period) is the lifetime row when there is one.
    shown = {(platform, native): last for platform, native, _, _, last, _ in heads}
    rows = session.exec(
        select(f).where(
            f.team_id == team_id,
            col(f.platform_post_id).in_({native for _, native in wanted}),
            col(f.period).in_(set(shown.values())),
        )
    ).all()
    figures = {
        (r.platform, r.platform_post_id): r for r in rows if shown.get((r.platform, r.platform_post_id)) == r.period
    }
    groups = []
    for platform_id, native, periods, first, _last, _ in heads:
        figure = figures[(platform_id, native)]
        published = figure.published_at.date() if figure.published_at else None
        if published is None and figure.published_on:  # a date without a time (X)
            published = date.fromisoformat(figure.published_on)
        if published is None and first != "lifetime":
            published = date.fromisoformat(first)
        groups.append(
            FigureGroup(
                figure_id=figure.id,
                platform=platform_id,
                platform_post_id=native,
                permalink=figure.permalink,
                excerpt=_excerpt(figure.text),
                period=figure.period,
                periods=periods,
                published_on=published,
                reach=figure.reach,
                impressions=figure.impressions,
                views=figure.views if figure.views is not None else figure.video_views,
                engagements=figure.engagement,  # kept on the row by planner/reach_counted.py
            )
        )
    return FigureGroups(total=total, groups=groups), {figure.id: figure for figure in figures.values()}


def _describe(session: Session, team_id: int, groups: list[FigureGroup], figures: dict[int, ReachFigure]) -> None:
    posts, messages = linked_to(
        session,
        team_id=team_id,
        post_ids={f.post_id for f in figures.values() if f.post_id},
        message_ids={f.message_id for f in figures.values() if f.message_id},
    )
    for group in groups:
        figure = figures[group.figure_id]
        group.linked = posts.get(figure.post_id) if figure.post_id else messages.get(figure.message_id)


def _rank_posts(session: Session, team_id: int, groups: list[FigureGroup], texts: dict[int, str]) -> None:
    """Likely posts per row: the same platform, most words in common, published nearest the row's date."""
    rows = session.exec(
        select(Post, Variant, Message.title, Campaign.name, Channel.name)
        .join(Variant, Variant.id == Post.variant_id)
        .join(Message, Message.id == Post.message_id)
        .join(Campaign, Campaign.id == Post.campaign_id)
        .join(Channel, Channel.id == Post.channel_id)
        .where(
            Post.team_id == team_id,
            Post.status == PostStatus.PUBLISHED,
            col(Variant.platform).in_({g.platform for g in groups}),
        )
    ).all()
    # Plain tuples and an index of words: the loops below run for every row and post.
    facts, by_word, on_platform = [], defaultdict(list), defaultdict(list)
    for index, (post, variant, *_) in enumerate(rows):
        when = post.published_at or post.scheduled_at
        words = _words(f"{variant.title} {variant.body}")
        facts.append((when.toordinal(), -when.timestamp(), bool(post.platform_post_id), len(words)))
        on_platform[variant.platform].append(index)
        for word in words:
            by_word[variant.platform, word].append(index)
    for group in groups:
        words = _words(texts[group.figure_id])
        day = group.published_on.toordinal() if group.published_on else None
        shared = Counter(i for word in words for i in by_word.get((group.platform, word), ()))

        def order(index: int, similarity: float, day=day) -> tuple:
            ordinal, newest, has_id, _ = facts[index]
            return -round(similarity, 1), has_id, abs(ordinal - day) if day else 0, newest, index, similarity

        alike = [order(i, n / (len(words) + facts[i][3] - n)) for i, n in shared.items()]
        best = heapq.nsmallest(CHOICES, alike)
        if len(best) < CHOICES:  # then the posts with no word in common, nearest the row's date first
            rest = (order(i, 0.0) for i in on_platform[group.platform] if i not in shared)
            best += heapq.nsmallest(CHOICES - len(best), rest)
        group.posts = [_post_choice(*rows[b[4]], round(b[5], 2)) for b in best]


def _post_choice(
    post: Post, variant: Variant, title: str, campaign: str, channel: str, similarity: float
) -> PostChoice:
    return PostChoice(
        post_id=post.id,
        message_id=post.message_id,
        message_title=title,
        campaign_name=campaign,
        language=variant.language,
        channel_name=channel,
        published_at=post.published_at or post.scheduled_at,
        has_platform_post_id=bool(post.platform_post_id),
        similarity=similarity,
    )


def _rank_messages(session: Session, team_id: int, groups: list[FigureGroup], texts: dict[int, str]) -> None:
    """Likely messages per row (posted outside the planner): most words in common with one of its variants."""
    rows = session.exec(
        select(Message.id, Message.title, Campaign.name, Variant.platform, Variant.title, Variant.body)
        .join(Campaign, Campaign.id == Message.campaign_id)
        .join(Variant, Variant.message_id == Message.id, isouter=True)
        .where(Message.team_id == team_id)
    ).all()
    messages: dict[int, tuple[str, str, list[tuple[str, frozenset[str]]]]] = {}
    for message_id, title, campaign, platform, variant_title, body in rows:
        entry = messages.setdefault(message_id, (title, campaign, []))
        if platform is not None:
            entry[2].append((platform, _words(f"{variant_title} {body}")))
    for group in groups:
        words = _words(texts[group.figure_id])
        scored = []
        for message_id, (title, _, variants) in messages.items():
            similarity = round(max((_similarity(words, w) for _, w in variants), default=0.0), 2)
            on_platform = any(platform == group.platform for platform, _ in variants)
            scored.append((-similarity, not on_platform, title.casefold(), message_id, similarity))
        group.messages = [
            MessageChoice(
                message_id=message_id,
                message_title=messages[message_id][0],
                campaign_name=messages[message_id][1],
                similarity=similarity,
            )
            for *_, message_id, similarity in heapq.nsmallest(CHOICES, scored)
        ]


def list_unmatched(
    session: Session, *, actor: Actor, now: datetime, platform: str | None = None, limit: int = 100
) -> FigureGroups:
    """The team's imported rows that no post or message is linked to, each with likely posts and messages."""
    actor = require(session, actor, Action.VIEW_TEAM, now=now)
    found, figures = _groups(session, actor.team_id, _unlinked(), platform=platform, limit=limit)
    if found.groups:
        texts = {figure_id: figure.text for figure_id, figure in figures.items()}
        _rank_posts(session, actor.team_id, found.groups, texts)
        _rank_messages(session, actor.team_id, found.groups, texts)
    return found


def list_linked(
    session: Session, *, actor: Actor, now: datetime, platform: str | None = None, limit: int = 100
) -> FigureGroups:
    """The team's imported rows linked to a post or a message, freshest import first (to undo a wrong link)."""
    actor = require(session, actor, Action.VIEW_TEAM, now=now)
    found, figures = _groups(session, actor.team_id, _linked(), platform=platform, limit=limit)
    _describe(session, actor.team_id, found.groups, figures)
    return found


# ---- writing -----------------------------------------------------------------------------------


def _group_rows(session: Session, team_id: int, figure_id: int) -> tuple[ReachFigure, list[ReachFigure]]:
    figure = session.get(ReachFigure, figure_id)
    if figure is None or figure.team_id != team_id:
        raise NotFound("No such reach row in your team.")
    rows = session.exec(_same_post(team_id, figure, select(ReachFigure))).all()
    return figure, list(rows)


def _same_post(team_id: int, figure: ReachFigure, statement):
    return statement.where(
        ReachFigure.team_id == team_id,
        ReachFigure.platform == figure.platform,
        ReachFigure.platform_post_id == figure.platform_post_id,
    )


def _refresh(session: Session, team_id: int, figure: ReachFigure) -> None:
    """The rows of the figure's platform post now count for what they are linked to (or nothing)."""
    where = [ReachFigure.platform == figure.platform, ReachFigure.platform_post_id == figure.platform_post_id]
    reach_counted.refresh(session, team_id=team_id, where=where)


def _read_group(session: Session, team_id: int, figure: ReachFigure) -> FigureGroup:
    f = ReachFigure
    where = (f.platform == figure.platform) & (f.platform_post_id == figure.platform_post_id)
    found, figures = _groups(session, team_id, where, platform=None, limit=1)
    _describe(session, team_id, found.groups, figures)
    return found.groups[0]


def _platform_label(platform: str) -> str:
    return platforms().variant(platform).label if platform in platforms().variant_ids() else platform


def _published_post(session: Session, team_id: int, post_id: int, platform: str) -> Post:
    post = session.get(Post, post_id)
    if post is None or post.team_id != team_id:
        raise NotFound("No such post in your team.")
    if post.status != PostStatus.PUBLISHED:
        raise ValidationFailed({"post_id": f"Only a published post can be linked; this one is {post.status}."})
    own = session.get(Variant, post.variant_id).platform
    if own != platform:
        raise ValidationFailed(
            {"post_id": f"This post is on {_platform_label(own)}; the row comes from {_platform_label(platform)}."}
        )
    return post


def link_figures(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    figure_id: int,
    post_id: int | None = None,
    message_id: int | None = None,
) -> FigureGroup:
    """Link every period row of the row's platform post to a published post, or to a message posted elsewhere."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    if (post_id is None) == (message_id is None):
        raise ValidationFailed({"post_id": "Choose a published post, or a message posted outside the planner."})
    figure, rows = _group_rows(session, actor.team_id, figure_id)
    recorded: list[str] = []
    if post_id is not None:
        post = _published_post(session, actor.team_id, post_id, figure.platform)
        permalink = next((row.permalink for row in rows if row.permalink), "")
        if not post.platform_post_id and not _LINK.match(figure.platform_post_id):
            post.platform_post_id = figure.platform_post_id
            recorded.append("platform_post_id")
        if not post.permalink and permalink:
            post.permalink = permalink[:500]
            recorded.append("permalink")
        if recorded:
            post.version += 1
            session.add(post)
    else:
        message = session.get(Message, message_id)
        if message is None or message.team_id != actor.team_id:
            raise NotFound("No such message in your team.")
    session.exec(_same_post(actor.team_id, figure, update(ReachFigure)).values(post_id=post_id, message_id=message_id))
    _refresh(session, actor.team_id, figure)
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="reach.linked",
        subject_type="reach_figure",
        subject_id=figure.id,
        now=now,
        details={"post_id": post_id, "message_id": message_id, "figures": len(rows), "recorded": recorded},
    )
    session.commit()
    return _read_group(session, actor.team_id, figure)


def unlink_figures(session: Session, *, actor: Actor, now: datetime, figure_id: int) -> FigureGroup:
    """Undo a link: the rows become unmatched again, and the post forgets the post id and link it got from them."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    figure, rows = _group_rows(session, actor.team_id, figure_id)
    post_ids = {row.post_id for row in rows if row.post_id}
    message_ids = {row.message_id for row in rows if row.message_id}
    if not post_ids and not message_ids:
        raise ValidationFailed({"figure_id": "This row is not linked to a post or a message."})
    permalinks = {row.permalink.rstrip("/") for row in rows if row.permalink}
    cleared: set[str] = set()
    # Otherwise the next import would match the same post again by its post id or link.
    for post in session.exec(select(Post).where(Post.team_id == actor.team_id, col(Post.id).in_(post_ids))).all():
        changed = False
        if post.platform_post_id == figure.platform_post_id:
            post.platform_post_id, changed = "", True
            cleared.add("platform_post_id")
        if post.permalink and post.permalink.rstrip("/") in permalinks:
            post.permalink, changed = "", True
            cleared.add("permalink")
        if changed:
            post.version += 1
            session.add(post)
    session.exec(_same_post(actor.team_id, figure, update(ReachFigure)).values(post_id=None, message_id=None))
    _refresh(session, actor.team_id, figure)
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action="reach.unlinked",
        subject_type="reach_figure",
        subject_id=figure.id,
        now=now,
        details={
            "post_ids": sorted(post_ids),
            "message_ids": sorted(message_ids),
            "figures": len(rows),
            "cleared": sorted(cleared),
        },
    )
    session.commit()
    return _read_group(session, actor.team_id, figure)
