"""Importing the platforms' analytics exports: all or nothing, idempotent, latest export wins.

The file is parsed and every row validated first (planner/reach_fast.py, planner/reach_files.py); if any row is bad,
nothing is written and the report lists each problem. A ledger keyed by the file's content hash
makes a second import of the same file change nothing. Lifetime totals are stored as snapshots
(one row per post and period), never added up across files.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from itertools import repeat
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session, col, or_, select

from planner import audit, reach_counted, reach_fast, reach_store
from planner.models import REACH_METRICS, Post, ReachFigure, ReachImport, Team, Variant
from planner.policy import Action, Actor, require
from planner.reach_fast import Figures
from planner.reach_files import MAX_BYTES, reach_formats
from planner.reach_links import MatchedPost, linked_to

PREVIEW_ROWS = 500  # a dry run describes this many rows one by one; the counts cover them all


class Problem(BaseModel):
    row: int
    column: str
    value: str
    reason: str


class RowPreview(BaseModel):
    """One row of a dry run: what it holds, what importing it would do, and which post it belongs to."""

    row: int  # as a spreadsheet shows it (the header is row 1)
    platform: str
    platform_post_id: str
    permalink: str
    period: str  # "lifetime" or an ISO date
    published_on: date | None = None  # the day the post went out, as the export says (UTC when it gives a time)
    reach: int | None
    impressions: int | None
    views: int | None
    engagements: int | None
    outcome: Literal["new", "updated", "unchanged"]
    matched: MatchedPost | None  # None: not matched to a post or a message


class ImportReport(BaseModel):
    kind: str
    label: str = ""
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    errors: list[Problem] = []
    refused: bool = False
    dry_run: bool = False
    already_imported_at: datetime | None = None
    matched_post_ids: list[int] = []
    preview: list[RowPreview] = []  # dry runs only: the first PREVIEW_ROWS rows


def _matches(session: Session, team_id: int, platform: str) -> tuple[dict[str, int], dict[str, int]]:
    """The team's posts on this platform by the platform's post id, and all its posts by link."""
    rows = session.exec(
        select(Post.id, Variant.platform, Post.platform_post_id, Post.permalink)
        .join(Variant, Variant.id == Post.variant_id)
        .where(Post.team_id == team_id)
    ).all()
    by_id = {native: post_id for post_id, on, native, _ in rows if native and on == platform}
    by_link = {link.rstrip("/"): post_id for post_id, _, _, link in rows if link}
    return by_id, by_link


def _stored_links(session: Session, team_id: int, platform: str) -> dict[str, tuple[int | None, int | None]]:
    """Figures already linked, by platform post id: new periods of a linked post inherit its link."""
    rows = session.exec(
        select(ReachFigure.platform_post_id, ReachFigure.post_id, ReachFigure.message_id)
        .where(
            ReachFigure.team_id == team_id,
            ReachFigure.platform == platform,
            or_(col(ReachFigure.post_id).is_not(None), col(ReachFigure.message_id).is_not(None)),
        )
        .distinct()
    ).all()
    return {native: (post_id, None if post_id else message_id) for native, post_id, message_id in rows}


def _links(
    session: Session, team_id: int, figures: Figures, natives: list[str]
) -> tuple[list[int | None], list[int | None]]:
    """(post ids, message ids) of the rows: a post matched by post id or link, else the link stored for it."""
    by_id, by_link = _matches(session, team_id, figures.platform)
    post_ids: list[int | None] = list(map(by_id.get, natives))
    message_ids: list[int | None] = [None] * len(natives)
    stored = _stored_links(session, team_id, figures.platform)
    for i, post_id in enumerate(post_ids):
        if post_id is None:
            post_id = by_link.get((figures.permalinks[i] or "").rstrip("/"))
            if post_id is None:
                post_id, message_ids[i] = stored.get(natives[i], (None, None))
            post_ids[i] = post_id
    return post_ids, message_ids


def _outcomes(
    session: Session, team_id: int, figures: Figures, natives: list[str], periods: list[str], count: int
) -> list[str]:
    """'new', 'updated' or 'unchanged' for the first `count` rows, against what is stored now."""
    stored = {
        (f.platform_post_id, f.period): f
        for f in session.exec(
            select(ReachFigure).where(
                ReachFigure.team_id == team_id,
                ReachFigure.platform == figures.platform,
                col(ReachFigure.platform_post_id).in_(set(natives[:count])),
            )
        )
    }
    outcomes = []
    for i in range(count):
        figure = stored.get((natives[i], periods[i]))
        if figure is None:
            outcomes.append("new")
            continue
        same = all(
            getattr(figure, m) == (figures.metrics[m][i] if m in figures.metrics else None) for m in REACH_METRICS
        )
        outcomes.append("unchanged" if same else "updated")
    return outcomes


def _preview(
    session: Session,
    team_id: int,
    figures: Figures,
    natives: list[str],
    periods: list[str],
    links: tuple[list[int | None], list[int | None]],
    outcomes: list[str],
) -> list[RowPreview]:
    shown = range(len(outcomes))
    post_ids, message_ids = links
    posts, messages = linked_to(
        session,
        team_id=team_id,
        post_ids={post_ids[i] for i in shown if post_ids[i]},
        message_ids={message_ids[i] for i in shown if message_ids[i]},
    )
    preview = []
    for i in shown:
        row = figures.row(i)
        post_id, message_id = post_ids[i], message_ids[i]
        preview.append(
            RowPreview(
                row=row.row,
                platform=figures.platform,
                platform_post_id=natives[i],
                permalink=row.permalink or "",
                period=periods[i],
                published_on=row.published_at.astimezone(UTC).date() if row.published_at else row.published_on,
                reach=row.metrics.get("reach"),
                impressions=row.metrics.get("impressions"),
                views=row.metrics.get("views", row.metrics.get("video_views")),
                engagements=reach_counted.headline(row.metrics)[1],
                outcome=outcomes[i],
                matched=posts.get(post_id) if post_id else messages.get(message_id) if message_id else None,
            )
        )
    return preview


def _rows(
    session: Session,
    figures: Figures,
    metrics: list[str],
    *,
    team_id: int,
    import_id: int,
    now: datetime,
    natives: list[str],
    periods: list[str],
    links: tuple[list[int | None], list[int | None]],
) -> list[tuple]:
    """The rows as reach_store.write takes them (columns in reach_store.columns(metrics) order)."""
    n = len(figures)
    times: dict[datetime | None, object] = {}
    published = [
        times[m] if m in times else times.setdefault(m, reach_store.time_value(session, m))
        for m in figures.published_at
    ]
    post_ids, message_ids = links
    by_post, by_message = reach_counted.owners(session, team_id=team_id, post_ids=post_ids, message_ids=message_ids)
    if any(message_ids):
        owners = [reach_counted.owner_of(p, m, by_post, by_message) for p, m in zip(post_ids, message_ids, strict=True)]
    else:  # the usual case, and a million rows: look up posts only
        nobody = reach_counted.NOBODY
        owners = [by_post.get(p, nobody) for p in post_ids]
    owned = [
        [owner.campaign_id for owner in owners],
        [owner.of_message_id for owner in owners],
        [owner.language for owner in owners],
        [owner.region for owner in owners],
    ]
    lifetime = reach_counted.LIFETIME
    # Kept only where it says more than a time would: a lifetime total whose export gives a date alone.
    dated = [
        on.isoformat() if on is not None and at is None and period == lifetime else None
        for at, on, period in zip(figures.published_at, figures.published_on, periods, strict=True)
    ]
    days = [
        reach_counted.lifetime_day(owner, moment, on) if period == lifetime else period
        for owner, moment, on, period in zip(owners, figures.published_at, dated, periods, strict=True)
    ]
    seen, engaged = reach_counted.headlines(figures.metrics, n)
    return list(
        zip(
            repeat(team_id, n),
            repeat(figures.platform, n),
            natives,
            periods,
            [(link or "")[:500] for link in figures.permalinks],
            figures.texts,
            published,
            dated,
            post_ids,
            message_ids,
            *(figures.metrics[m] for m in metrics),
            repeat(import_id, n),
            repeat(reach_store.time_value(session, now), n),
            *owned,
            days,
            repeat(True, n),  # reach_store.write settles lifetime totals
            seen,
            engaged,
            strict=False,
        )
    )


def _ledger_entry(session: Session, team_id: int, content_hash: str) -> ReachImport | None:
    """When this file was imported into the team before, if it was.

    One import per team at a time (PostgreSQL; SQLite's BEGIN IMMEDIATE already is): a second click on Import
    waits for the first, then finds its ledger row instead of failing on the ledger's unique key.
    """
    session.exec(select(Team.id).where(Team.id == team_id).with_for_update()).one()
    return session.exec(
        select(ReachImport).where(ReachImport.team_id == team_id, ReachImport.content_hash == content_hash)
    ).first()


def _imported_before(session: Session, team_id: int, data: bytes) -> ImportReport | None:
    """The report of importing a file again, from the ledger alone (nothing to read or write)."""
    earlier = _ledger_entry(session, team_id, hashlib.sha256(data).hexdigest())
    if earlier is None:
        return None
    label = next((f.label for f in reach_formats().formats if f.id == earlier.kind), earlier.kind)
    return ImportReport(
        kind=earlier.kind,
        label=label,
        rows=earlier.rows,
        unchanged=earlier.rows,
        unmatched=earlier.unmatched,
        already_imported_at=earlier.imported_at,
    )


def import_file(
    session: Session,
    *,
    team_id: int,
    membership_id: int | None,
    now: datetime,
    data: bytes,
    filename: str = "",
    export_range: tuple[date, date] | None = None,
    dry_run: bool = False,
    max_bytes: int = MAX_BYTES,
) -> ImportReport:
    """Validate every row, then store all of them or none. FileRefused for a file of an unknown kind.

    Clean files are read column by column (planner/reach_fast.py) and written with one set-based
    upsert (planner/reach_store.py); a dry run writes in the same way, counts, and rolls back.
    """
    if not dry_run and (earlier := _imported_before(session, team_id, data)) is not None:
        return earlier
    figures = reach_fast.read(data, filename=filename, export_range=export_range, max_bytes=max_bytes)
    report = ImportReport(kind=figures.kind, label=figures.label, rows=len(figures), dry_run=dry_run)
    if figures.errors:
        report.errors = [Problem(row=e.row, column=e.column, value=e.value, reason=e.reason) for e in figures.errors]
        report.refused = True
        return report
    earlier = _ledger_entry(session, team_id, figures.content_hash)
    natives, periods = figures.natives(), figures.periods()
    links = _links(session, team_id, figures, natives)
    report.unmatched = sum(1 for post_id, message_id in zip(*links, strict=True) if not post_id and not message_id)
    report.matched_post_ids = sorted({post_id for post_id in links[0] if post_id})
    shown = min(len(figures), PREVIEW_ROWS) if dry_run else 0
    if earlier is not None:
        report.unchanged, report.already_imported_at = len(figures), earlier.imported_at
        if dry_run:
            outcomes = ["unchanged"] * shown
            report.preview = _preview(session, team_id, figures, natives, periods, links, outcomes)
        return report
    outcomes = _outcomes(session, team_id, figures, natives, periods, shown)
    ledger = ReachImport(
        team_id=team_id,
        content_hash=figures.content_hash,
        kind=figures.kind,
        rows=len(figures),
        imported_by_membership_id=membership_id,
        imported_at=now,
    )
    session.add(ledger)
    session.flush()
    metrics = [m for m in REACH_METRICS if m in figures.metrics]
    rows = _rows(
        session,
        figures,
        metrics,
        team_id=team_id,
        import_id=ledger.id,
        now=now,
        natives=natives,
        periods=periods,
        links=links,
    )
    written = reach_store.write(session, metrics, rows, team_id=team_id, platform=figures.platform)
    report.inserted, report.updated, report.unchanged = written.inserted, written.updated, written.unchanged
    ledger.inserted, ledger.updated, ledger.unchanged, ledger.unmatched = (
        report.inserted,
        report.updated,
        report.unchanged,
        report.unmatched,
    )
    session.add(ledger)
    if dry_run:
        report.preview = _preview(session, team_id, figures, natives, periods, links, outcomes)
        session.rollback()
        return report
    audit.record(
        session,
        team_id=team_id,
        actor_membership_id=membership_id,
        action="reach.imported",
        subject_type="reach_import",
        subject_id=ledger.id,
        now=now,
        details={"kind": figures.kind, "rows": len(figures), "content_hash": figures.content_hash},
    )
    session.commit()
    if session.get_bind().dialect.name == "sqlite":
        # A big import changes the table's shape: let SQLite refresh the statistics its planner uses
        # (cheap: it only analyses what needs it), so the dashboards keep finding rows by index.
        session.connection().exec_driver_sql("PRAGMA optimize")
        session.commit()
    return report


def import_reach(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    data: bytes,
    filename: str = "",
    export_range: tuple[date, date] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import an analytics export into the actor's team (see import_file)."""
    actor = require(session, actor, Action.SCHEDULE_POSTS, now=now)
    return import_file(
        session,
        team_id=actor.team_id,
        membership_id=actor.membership_id,
        now=now,
        data=data,
        filename=filename,
        export_range=export_range,
        dry_run=dry_run,
    )
