"""Importing the platforms' analytics exports: all or nothing, idempotent, latest export wins.

The file is parsed and every row validated first (planner/reach_files.py); if any row is bad,
nothing is written and the report lists each problem. A ledger keyed by the file's content hash
makes a second import of the same file change nothing. Lifetime totals are stored as snapshots
(one row per post and period), never added up across files.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from planner import audit
from planner.models import REACH_METRICS, Post, ReachFigure, ReachImport, Variant
from planner.policy import Action, Actor, require
from planner.reach_files import ParsedFile, ReachRow, parse_export


class Problem(BaseModel):
    row: int
    column: str
    value: str
    reason: str


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


def _key(row: ReachRow) -> tuple[str, str, str]:
    native = row.post_id or (row.permalink or "")[:100]
    return row.platform, native, "lifetime" if row.lifetime or row.day is None else row.day.isoformat()


def _matches(session: Session, team_id: int) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    rows = session.exec(
        select(Post.id, Variant.platform, Post.platform_post_id, Post.permalink)
        .join(Variant, Variant.id == Post.variant_id)
        .where(Post.team_id == team_id)
    ).all()
    by_id = {(platform, native): post_id for post_id, platform, native, _ in rows if native}
    by_link = {link.rstrip("/"): post_id for post_id, _, _, link in rows if link}
    return by_id, by_link


def _values(row: ReachRow) -> dict[str, int | float | None]:
    return {metric: row.metrics.get(metric) for metric in REACH_METRICS}


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
) -> ImportReport:
    """Validate every row, then store all of them or none. FileRefused for a file of an unknown kind."""
    parsed: ParsedFile = parse_export(data, filename=filename, export_range=export_range)
    report = ImportReport(kind=parsed.kind, label=parsed.label, rows=len(parsed.rows), dry_run=dry_run)
    if parsed.errors:
        report.errors = [Problem(row=e.row, column=e.column, value=e.value, reason=e.reason) for e in parsed.errors]
        report.refused = True
        return report
    earlier = session.exec(
        select(ReachImport).where(ReachImport.team_id == team_id, ReachImport.content_hash == parsed.content_hash)
    ).first()
    if earlier is not None:
        report.unchanged, report.already_imported_at = len(parsed.rows), earlier.imported_at
        return report
    by_id, by_link = _matches(session, team_id)
    keys = [_key(row) for row in parsed.rows]
    existing = {
        (f.platform, f.platform_post_id, f.period): f
        for f in session.exec(
            select(ReachFigure).where(
                ReachFigure.team_id == team_id,
                col(ReachFigure.platform_post_id).in_({native for _, native, _ in keys}),
            )
        )
    }
    ledger = ReachImport(
        team_id=team_id,
        content_hash=parsed.content_hash,
        kind=parsed.kind,
        rows=len(parsed.rows),
        imported_by_membership_id=membership_id,
        imported_at=now,
    )
    session.add(ledger)
    session.flush()
    matched: set[int] = set()
    for row, key in zip(parsed.rows, keys, strict=True):
        post_id = by_id.get((row.platform, row.post_id or "")) or by_link.get((row.permalink or "").rstrip("/"))
        if post_id:
            matched.add(post_id)
        else:
            report.unmatched += 1
        values = _values(row)
        figure = existing.get(key)
        if figure is None:
            figure = ReachFigure(
                team_id=team_id,
                platform=key[0],
                platform_post_id=key[1],
                period=key[2],
                import_id=ledger.id,
                updated_at=now,
            )
            report.inserted += 1
        elif all(getattr(figure, metric) == value for metric, value in values.items()):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        for metric, value in values.items():
            setattr(figure, metric, value)
        figure.permalink = (row.permalink or figure.permalink or "")[:500]
        figure.text = row.text or figure.text
        figure.post_id = post_id or figure.post_id
        figure.import_id, figure.updated_at = ledger.id, now
        session.add(figure)
        existing[key] = figure
    ledger.inserted, ledger.updated, ledger.unchanged, ledger.unmatched = (
        report.inserted,
        report.updated,
        report.unchanged,
        report.unmatched,
    )
    session.add(ledger)
    report.matched_post_ids = sorted(matched)
    if dry_run:
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
        details={"kind": parsed.kind, "rows": len(parsed.rows), "content_hash": parsed.content_hash},
    )
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
