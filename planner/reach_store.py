"""Writing an export's figures: new rows inserted in bulk, changed rows replaced, nothing added up.

A figure is keyed by (team, platform, the platform's post id, period). The stored figures of the
file's platform are read once; each row of the file is then new (inserted), changed (its values
replace the stored ones: latest export wins) or unchanged (left alone, though a post published
since may claim it). New rows go in with the driver's `executemany` on SQLite and COPY on
PostgreSQL, inside the caller's transaction, which the import holds alone (the team row is
locked; SQLite writes one transaction at a time): a rollback — a dry run, or a fault half-way —
leaves the table as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session

from planner import reach_counted
from planner.models import REACH_METRICS

FIXED = ("team_id", "platform", "platform_post_id", "period", "permalink", "text", "published_at", "published_on")
FIXED += ("post_id", "message_id")
_NATIVE, _PERIOD, _LINK, _TEXT, _PUBLISHED, _PUBLISHED_ON, _POST, _MESSAGE = 2, 3, 4, 5, 6, 7, 8, 9
_METRICS = len(FIXED)
# From the end of a row: the import, the time, then what the figure counts for (reach_counted.COLUMNS).
_IMPORT, _UPDATED = -2 - len(reach_counted.COLUMNS), -1 - len(reach_counted.COLUMNS)
_DAY, _COUNTED = -4, -3
_DERIVED = -len(reach_counted.COLUMNS)


@dataclass(frozen=True)
class Written:
    inserted: int
    updated: int
    unchanged: int


def columns(metrics: list[str]) -> tuple[str, ...]:
    """The columns of a row handed to `write`: the fixed ones, the file's metrics, the import and the time, and
    what the figure counts for (a lifetime total's `counted` is settled here, against what is stored)."""
    return (*FIXED, *metrics, "import_id", "updated_at", *reach_counted.COLUMNS)


def time_value(session: Session, moment: datetime | None):
    """A datetime as this database's driver takes it in rows (SQLite: as planner.db.UTCDateTime stores it)."""
    if moment is None or session.get_bind().dialect.name != "sqlite":
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _stored(session: Session, team_id: int, platform: str) -> dict[tuple[str, str], tuple]:
    """(post id, period) → (id, post id, message id, every metric) of the figures stored for this platform."""
    query = text(
        f"SELECT platform_post_id, period, id, post_id, message_id, {', '.join(REACH_METRICS)} "  # noqa: S608
        "FROM reach_figure WHERE team_id = :team AND platform = :platform"
    )
    return {(row[0], row[1]): tuple(row[2:]) for row in session.execute(query, {"team": team_id, "platform": platform})}


def write(session: Session, metrics: list[str], rows: list[tuple], *, team_id: int, platform: str) -> Written:
    """Store `rows` (tuples in the order of `columns(metrics)`) in the session's transaction."""
    stored = _stored(session, team_id, platform)
    # A lifetime total counts only while its post has no daily rows, stored or in this file.
    had_daily = {native for native, period in stored if period != reach_counted.LIFETIME}
    daily = had_daily | {row[_NATIVE] for row in rows if row[_PERIOD] != reach_counted.LIFETIME}
    superseded = [  # stored totals of posts whose first daily rows are in this file
        values[0]
        for (native, period), values in stored.items()
        if period == reach_counted.LIFETIME and native in daily and native not in had_daily
    ]
    positions = {name: _METRICS + i for i, name in enumerate(metrics)}
    new: list[tuple] = []
    changed: list[dict] = []
    claimed: list[dict] = []
    for row in rows:
        if row[_PERIOD] == reach_counted.LIFETIME and row[_NATIVE] in daily:
            row = (*row[:_COUNTED], False, *row[_COUNTED + 1 :])
        before = stored.get((row[_NATIVE], row[_PERIOD]))
        if before is None:
            new.append(row)
            continue
        figure_id, post_id, message_id, *values = before
        incoming = [row[positions[m]] if m in positions else None for m in REACH_METRICS]
        if incoming != values:
            changed.append(_update(row, figure_id, incoming))
        elif (row[_POST] and row[_POST] != post_id) or (row[_MESSAGE] and row[_MESSAGE] != message_id):
            claimed.append(_owned(row) | {"id": figure_id, "post_id": row[_POST], "message_id": row[_MESSAGE]})
    if new:
        _insert(session, columns(metrics), new)
    owned = ", ".join(f"{name} = :{name}" for name in reach_counted.OWNER_COLUMNS)
    owned += ", day = COALESCE(:day, day)"
    if changed:
        assignments = ", ".join(f"{m} = :{m}" for m in REACH_METRICS)
        session.execute(
            text(
                f"UPDATE reach_figure SET {assignments}, {owned}, "  # noqa: S608 - fixed column names only
                "seen = :seen, engagement = :engagement, counted = :counted, "
                "permalink = CASE WHEN :permalink <> '' THEN :permalink ELSE permalink END, "
                "text = CASE WHEN :text <> '' THEN :text ELSE text END, "
                "published_at = COALESCE(:published_at, published_at), "
                "published_on = COALESCE(:published_on, published_on), "
                "post_id = COALESCE(:post_id, post_id), message_id = COALESCE(:message_id, message_id), "
                "import_id = :import_id, updated_at = :updated_at WHERE id = :id"
            ),
            changed,
        )
    if claimed:
        session.execute(
            text(
                f"UPDATE reach_figure SET {owned}, post_id = COALESCE(:post_id, post_id), "  # noqa: S608 - fixed names
                "message_id = COALESCE(:message_id, message_id) WHERE id = :id"
            ),
            claimed,
        )
    reach_counted.supersede(session, team_id=team_id, platform=platform, lifetime_ids=superseded)
    return Written(len(new), len(changed), len(rows) - len(new) - len(changed))


def _owned(row: tuple) -> dict:
    """What the row counts for (its campaign, message, language and audience) and its day."""
    return dict(zip(reach_counted.OWNER_COLUMNS, row[_DERIVED:_DAY], strict=True)) | {"day": row[_DAY]}


def _update(row: tuple, figure_id: int, values: list) -> dict:
    return (
        dict(zip(REACH_METRICS, values, strict=True))
        | {
            "id": figure_id,
            "permalink": row[_LINK],
            "text": row[_TEXT],
            "published_at": row[_PUBLISHED],
            "published_on": row[_PUBLISHED_ON],
            "post_id": row[_POST],
            "message_id": row[_MESSAGE],
            "import_id": row[_IMPORT],
            "updated_at": row[_UPDATED],
            "counted": row[_COUNTED],
            "seen": row[-2],
            "engagement": row[-1],
        }
        | _owned(row)
    )


def _insert(session: Session, names: tuple[str, ...], rows: list[tuple]) -> None:
    connection = session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        cursor = raw.cursor()
        try:
            insert = f"INSERT INTO reach_figure ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"  # noqa: S608
            cursor.executemany(insert, rows)
        finally:
            cursor.close()
        return
    with raw.cursor() as cursor, cursor.copy(f"COPY reach_figure ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
