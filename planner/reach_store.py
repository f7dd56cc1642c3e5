"""Writing an export's figures: one set-based upsert, latest export wins, nothing added up.

A figure is keyed by (team, platform, the platform's post id, period). A row that is new is
inserted; a row whose values changed replaces the stored ones; a row with the same values is left
alone (its link to a post may still be filled in). On SQLite the rows go through the driver's
`executemany` inside the caller's transaction; on PostgreSQL through COPY into a temporary table
and one INSERT … ON CONFLICT. Either way the caller's transaction decides: a rollback (a dry run,
or a fault half-way) leaves the table as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session

from planner.models import REACH_METRICS

_KEY = ("team_id", "platform", "platform_post_id", "period")
_COLUMNS = (*_KEY, "permalink", "text", "published_at", "post_id", "message_id", *REACH_METRICS, "import_id")
_COLUMNS += ("updated_at",)


@dataclass(frozen=True)
class Written:
    inserted: int
    updated: int
    unchanged: int


def _distinct(dialect: str) -> str:
    return "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"


def _differs(dialect: str) -> str:
    return " OR ".join(f"reach_figure.{m} {_distinct(dialect)} excluded.{m}" for m in REACH_METRICS)


def _upsert_sql(dialect: str, source: str) -> str:
    changed, distinct = _differs(dialect), _distinct(dialect)
    metrics = ", ".join(f"{m} = excluded.{m}" for m in REACH_METRICS)
    return f"""
        INSERT INTO reach_figure ({", ".join(_COLUMNS)}) {source}
        ON CONFLICT ({", ".join(_KEY)}) DO UPDATE SET
            {metrics},
            permalink = CASE WHEN excluded.permalink <> '' THEN excluded.permalink ELSE reach_figure.permalink END,
            text = CASE WHEN excluded.text <> '' THEN excluded.text ELSE reach_figure.text END,
            published_at = COALESCE(excluded.published_at, reach_figure.published_at),
            post_id = COALESCE(excluded.post_id, reach_figure.post_id),
            message_id = COALESCE(excluded.message_id, reach_figure.message_id),
            import_id = CASE WHEN {changed} THEN excluded.import_id ELSE reach_figure.import_id END,
            updated_at = CASE WHEN {changed} THEN excluded.updated_at ELSE reach_figure.updated_at END
        WHERE {changed}
            OR (excluded.post_id IS NOT NULL AND reach_figure.post_id {distinct} excluded.post_id)
            OR (excluded.message_id IS NOT NULL AND reach_figure.message_id {distinct} excluded.message_id)
    """


def _count(session: Session, team_id: int, import_id: int | None = None) -> int:
    where = "team_id = :team" + (" AND import_id = :import_id" if import_id is not None else "")
    return session.execute(
        text(f"SELECT count(*) FROM reach_figure WHERE {where}"),  # noqa: S608 - fixed column names only
        {"team": team_id, "import_id": import_id},
    ).scalar_one()


def _sqlite_time(moment: datetime | None) -> str | None:
    """How SQLAlchemy stores an aware UTC datetime in SQLite (planner.db.UTCDateTime)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def write(session: Session, rows: list[tuple], *, team_id: int, import_id: int) -> Written:
    """Upsert `rows` (tuples in the order of `columns()`) in the session's transaction."""
    if not rows:
        return Written(0, 0, 0)
    before = _count(session, team_id)
    connection = session.connection()
    dialect = connection.dialect.name
    raw = connection.connection.driver_connection
    if dialect == "sqlite":
        placeholders = ", ".join("?" for _ in _COLUMNS)
        cursor = raw.cursor()
        try:
            cursor.executemany(_upsert_sql(dialect, f"VALUES ({placeholders})"), rows)
        finally:
            cursor.close()
    else:
        _copy_and_upsert(raw, rows, dialect)
    inserted = _count(session, team_id) - before
    touched = _count(session, team_id, import_id)
    updated = touched - inserted
    return Written(inserted, updated, len(rows) - inserted - updated)


def _copy_and_upsert(raw, rows: list[tuple], dialect: str) -> None:
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS reach_incoming (LIKE reach_figure INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE reach_incoming")
        with cursor.copy(f"COPY reach_incoming ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        source = f"SELECT {', '.join(_COLUMNS)} FROM reach_incoming"  # noqa: S608 - fixed column names only
        cursor.execute(_upsert_sql(dialect, source))


def columns() -> tuple[str, ...]:
    return _COLUMNS


def time_value(session: Session, moment: datetime | None):
    """A datetime as this database's driver takes it in `rows`."""
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_time(moment)
    return moment
