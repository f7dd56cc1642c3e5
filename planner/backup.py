"""Backups and restores of the whole database, and the copy taken before migrations.

Two formats. A *SQLite copy* is the database file itself, taken with SQLite's online backup API, so it
is consistent while the app writes. An *archive* is a ZIP of `manifest.json` (format version, schema
revision, time, and per table its columns, row count and the SHA-256 of its file) and one JSON-lines
file per table in foreign-key order; it is the format for PostgreSQL and restores into either engine.
Both are written beside their destination and renamed into place, so a failure leaves nothing there.

Every restore takes one path: the backup is checked and loaded into a staging SQLite database in a
private temporary directory, migrations bring it to the newest revision, and then, in one transaction,
its rows replace the target's. Nothing touches the target until the backup has proved readable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.engine import Connection, Engine

from planner import db, schema
from planner.errors import PlannerError

FORMATS = ("sqlite", "archive")
ARCHIVE_FORMAT = "planner-backup"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
VERSION_TABLE = "alembic_version"
KEEP_BEFORE_MIGRATE = 5
BATCH = 1000

# How a column's values are written to an archive, by the column's SQL type (first match wins).
_KINDS: tuple[tuple[str, type], ...] = (
    ("bool", sa.Boolean),
    ("datetime", sa.DateTime),
    ("date", sa.Date),
    ("float", sa.Float),
    ("decimal", sa.Numeric),
    ("int", sa.Integer),
    ("json", sa.JSON),
    ("bytes", sa.LargeBinary),
    ("text", sa.String),
)


class BackupRefused(PlannerError):
    """A backup or restore that would be unsafe, or a backup file that is damaged or unknown."""


@dataclass(frozen=True)
class Summary:
    """What a backup wrote or a restore put back: rows per table, in foreign-key order."""

    path: Path
    format: str
    revision: str
    rows: dict[str, int]
    upgraded_to: str | None = None  # restore: the revision the data was brought up to, if newer
    replaced: bool = False  # restore: the target held rows, and they were replaced (--force)
    saved: Path | None = None  # restore --force on a SQLite file: a copy of what was replaced

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# ---------------------------------------------------------------- backing up


def backup(engine: Engine, path: Path, *, format: str | None = None, now: datetime) -> Summary:
    """Write a consistent backup of the whole database to `path` (SQLite copy by default on SQLite)."""
    format = format or ("sqlite" if engine.dialect.name == "sqlite" else "archive")
    if format not in FORMATS:
        raise BackupRefused(f"unknown backup format {format!r}: choose sqlite or archive")
    if format == "sqlite" and engine.dialect.name != "sqlite":
        raise BackupRefused("a SQLite copy needs a SQLite database: use the archive format for PostgreSQL")
    if not path.parent.is_dir():
        raise BackupRefused(f"there is no directory {path.parent} to write the backup in")
    if path.is_dir():
        raise BackupRefused(f"{path} is a directory: name the backup file to write")
    with engine.connect() as connection:
        if _revision(connection) is None:
            raise BackupRefused("the database has no planner schema yet: there is nothing to back up")
    with _written_in_place(path) as partial:
        if format == "sqlite":
            _copy_sqlite(engine, partial)
            revision, rows = _describe_sqlite_copy(partial)
        else:
            revision, rows = _write_archive(engine, partial, now=now)
    return Summary(path=path, format=format, revision=revision, rows=rows)


@contextmanager
def _written_in_place(path: Path) -> Iterator[Path]:
    """A private temporary file beside `path`, renamed onto it only when the block succeeds."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    finally:
        partial.unlink(missing_ok=True)
        Path(f"{partial}-journal").unlink(missing_ok=True)


def _copy_sqlite(engine: Engine, target: Path) -> None:
    # One backup step copies every page under one read lock: a consistent snapshot, even in WAL mode.
    source = engine.raw_connection()
    try:
        with closing(sqlite3.connect(target)) as copy:
            source.driver_connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            _check_integrity(copy, what="the copy")
    finally:
        source.close()


def _check_integrity(connection: sqlite3.Connection, *, what: str) -> None:
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{what} is damaged: {exc}") from exc
    if problems != ["ok"]:
        raise BackupRefused(f"{what} is damaged: {problems[0]}")


def _describe_sqlite_copy(path: Path) -> tuple[str, dict[str, int]]:
    plain = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    try:
        with plain.connect() as connection:
            return _revision(connection), {t.name: _count(connection, t) for t in _tables(connection)}
    finally:
        plain.dispose()


def _write_archive(engine: Engine, target: Path, *, now: datetime) -> tuple[str, dict[str, int]]:
    with _snapshot(engine) as connection, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        revision = _revision(connection)
        entries = [_write_table(archive, connection, table, now=now) for table in _tables(connection)]
        manifest = {
            "format": ARCHIVE_FORMAT,
            "format_version": ARCHIVE_VERSION,
            "revision": revision,
            "created_at": now.astimezone(UTC).isoformat(timespec="seconds"),
            "source": engine.dialect.name,
            "tables": entries,
        }
        member = zipfile.ZipInfo(MANIFEST, date_time=now.astimezone(UTC).timetuple()[:6])
        archive.writestr(member, json.dumps(manifest, ensure_ascii=False, indent=1), zipfile.ZIP_DEFLATED)
    return revision, {entry["name"]: entry["rows"] for entry in entries}


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction for the whole dump, so every table is read as of the same moment."""
    sqlite = engine.dialect.name == "sqlite"
    options = {"planner_readonly": True} if sqlite else {"isolation_level": "REPEATABLE READ"}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        yield connection


def _write_table(archive: zipfile.ZipFile, connection: Connection, table: sa.Table, *, now: datetime) -> dict:
    kinds = {column.name: _kind(column) for column in table.columns}
    name = f"tables/{table.name}.jsonl"
    digest = hashlib.sha256()
    rows = 0
    member = zipfile.ZipInfo(name, date_time=now.astimezone(UTC).timetuple()[:6])
    member.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(member, "w", force_zip64=True) as out:
        for row in _rows(connection, table):
            line = json.dumps(
                {key: _encode(value, kinds[key]) for key, value in row._mapping.items()},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            data = (line + "\n").encode()
            digest.update(data)
            out.write(data)
            rows += 1
    return {"name": table.name, "file": name, "rows": rows, "sha256": digest.hexdigest(), "columns": kinds}


# ---------------------------------------------------------------- restoring


def restore(engine: Engine, path: Path, *, force: bool = False, now: datetime | None = None) -> Summary:
    """Put a backup back into `engine`'s database, which must be empty unless `force` replaces it.

    A SQLite file that held data is first copied beside itself, as before a migration.
    """
    format = detect_format(path)
    saved = None
    with tempfile.TemporaryDirectory(prefix="planner-restore-") as work:
        staging = db.build_engine(f"sqlite:///{Path(work) / 'staging.db'}")
        try:
            stage = _stage_sqlite_copy if format == "sqlite" else _stage_archive
            revision = stage(path, staging)
            schema.upgrade(staging, backup_first=False)
            if held := _held(engine):
                if not force:
                    raise _not_empty(held)
                if database := _sqlite_file(engine):
                    saved = _save_beside(engine, database, "restore", now=now or db.utcnow())
            schema.upgrade(engine)
            rows, replaced = _replace(staging, engine, force=force)
            head = schema.current_revision(engine)
        finally:
            staging.dispose()
    return Summary(
        path=path,
        format=format,
        revision=revision,
        rows=rows,
        upgraded_to=head if head != revision else None,
        replaced=replaced,
        saved=saved,
    )


def detect_format(path: Path) -> str:
    """'sqlite' or 'archive', from the file's first bytes; anything else is refused."""
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupRefused(f"there is no backup at {path}") from None
    except IsADirectoryError:
        raise BackupRefused(f"{path} is a directory, not a backup") from None
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start.startswith(ZIP_MAGIC):
        return "archive"
    raise BackupRefused(f"{path} is neither a SQLite copy nor a planner archive")


def _stage_sqlite_copy(path: Path, staging: Engine) -> str:
    target = Path(staging.url.database)
    try:
        with (
            closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
            _check_integrity(copy, what=f"the backup {path}")
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"the backup {path} is damaged: {exc}") from exc
    with staging.connect() as connection:
        revision = _revision(connection)
    _require_known(revision, staging, what=f"the backup {path}")
    return revision


def _stage_archive(path: Path, staging: Engine) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _read_manifest(archive, path)
            for entry in manifest["tables"]:
                _verify_entry(archive, entry, path)
            revision = manifest["revision"]
            _require_known(revision, staging, what=f"the archive {path}")
            command.upgrade(schema.alembic_config(staging), revision)
            with staging.connect() as connection, connection.begin():
                connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                _load_archive(connection, archive, manifest, path)
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, sa.exc.IntegrityError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise BackupRefused(f"the archive {path} is damaged: {reason}") from exc
    return revision


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupRefused(f"{path} is a ZIP file but not a planner archive: it has no {MANIFEST}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupRefused(f"{path} is a ZIP file but not a planner archive")
    if manifest.get("format_version") != ARCHIVE_VERSION:
        raise BackupRefused(
            f"the archive {path} has format version {manifest.get('format_version')}; "
            f"this planner reads version {ARCHIVE_VERSION}: update the planner, then restore"
        )
    return manifest


def _verify_entry(archive: zipfile.ZipFile, entry: dict, path: Path) -> None:
    digest = hashlib.sha256()
    try:
        with archive.open(entry["file"]) as data:
            for chunk in iter(lambda: data.read(1 << 20), b""):
                digest.update(chunk)
    except KeyError:
        raise BackupRefused(f"the archive {path} is damaged: {entry['file']} is missing") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise BackupRefused(f"the archive {path} is damaged: {entry['file']} cannot be read ({exc})") from exc
    if digest.hexdigest() != entry["sha256"]:
        raise BackupRefused(f"the archive {path} is damaged: {entry['file']} does not match its SHA-256 in {MANIFEST}")


def _load_archive(connection: Connection, archive: zipfile.ZipFile, manifest: dict, path: Path) -> None:
    tables = {table.name: table for table in _tables(connection)}
    described = {entry["name"] for entry in manifest["tables"]}
    if described != set(tables):
        missing = sorted(set(tables) - described) or sorted(described - set(tables))
        raise BackupRefused(
            f"the archive {path} does not hold the tables of revision {manifest['revision']} ({', '.join(missing)})"
        )
    for entry in manifest["tables"]:
        table = tables[entry["name"]]
        kinds = {column.name: _kind(column) for column in table.columns}
        if entry["columns"] != kinds:
            raise BackupRefused(
                f"the archive {path} does not match revision {manifest['revision']}: table {table.name} differs"
            )
        with archive.open(entry["file"]) as data:
            rows = _insert(connection, table, (json.loads(line) for line in data), kinds)
        if rows != entry["rows"]:
            raise BackupRefused(
                f"the archive {path} is damaged: {entry['file']} holds {rows} rows, its manifest says {entry['rows']}"
            )


def _require_known(revision: str | None, engine: Engine, *, what: str) -> None:
    if revision is None:
        raise BackupRefused(f"{what} has no schema revision: it is not a planner backup")
    scripts = ScriptDirectory.from_config(schema.alembic_config(engine))
    if revision not in {script.revision for script in scripts.walk_revisions()}:
        raise BackupRefused(
            f"{what} comes from a newer planner (schema revision {revision}; this one knows up to "
            f"{scripts.get_current_head()}): update the planner, then restore"
        )


def _held(engine: Engine) -> dict[str, int]:
    """Rows per table of the tables that hold any."""
    with engine.connect().execution_options(planner_readonly=True) as connection, connection.begin():
        return _held_rows(connection)


def _held_rows(connection: Connection) -> dict[str, int]:
    counts = {table.name: _count(connection, table) for table in _tables(connection)}
    return {name: rows for name, rows in counts.items() if rows}


def _not_empty(held: dict[str, int]) -> BackupRefused:
    return BackupRefused(
        f"the database is not empty ({sum(held.values())} rows in {len(held)} tables): restore fills only an "
        "empty database; add --force to replace everything in it"
    )


def _replace(staging: Engine, engine: Engine, *, force: bool) -> tuple[dict[str, int], bool]:
    """Copy every staged row into the target in one transaction, after emptying it if `force`.

    Returns the rows copied per table and whether rows that were there had to be replaced.
    """
    with (
        staging.connect().execution_options(planner_readonly=True) as source,
        source.begin(),
        engine.connect() as target,
        target.begin(),
    ):
        staged = _tables(source)
        tables = {table.name: table for table in _tables(target)}
        if set(tables) != {table.name for table in staged}:
            raise BackupRefused("this database's tables differ from the backup's, though both are at the same revision")
        ordered = [tables[table.name] for table in staged]
        _prepare(target, ordered)
        if held := _held_rows(target):
            if not force:
                raise _not_empty(held)
            _wipe(target, ordered)
        rows = {}
        for table in staged:
            kinds = {column.name: _kind(column) for column in table.columns}
            portable = ({k: _encode(v, kinds[k]) for k, v in row._mapping.items()} for row in _rows(source, table))
            rows[table.name] = _insert(target, tables[table.name], portable, kinds)
        if target.dialect.name == "postgresql":
            _reset_sequences(target, ordered)
    return rows, bool(held)


def _prepare(connection: Connection, tables: list[sa.Table]) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"LOCK TABLE {_names(connection, tables)} IN ACCESS EXCLUSIVE MODE")
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")  # checked at commit, whatever the order


def _wipe(connection: Connection, tables: list[sa.Table]) -> None:
    """Empty every table inside the caller's transaction; the audit trail's protection stays."""
    if connection.dialect.name == "postgresql":
        # TRUNCATE fires no row triggers: the append-only trigger is never lifted.
        connection.exec_driver_sql(f"TRUNCATE {_names(connection, tables)} RESTART IDENTITY")
        return
    # SQLite has no TRUNCATE. Its triggers refusing DELETE on audit_event are dropped and created
    # again inside this transaction: a rollback brings them back, and a commit includes them.
    triggers = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
    for name, _ in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {connection.dialect.identifier_preparer.quote(name)}")
    for table in reversed(tables):
        connection.execute(table.delete())
    for _, sql in triggers:
        connection.exec_driver_sql(sql)


def _reset_sequences(connection: Connection, tables: list[sa.Table]) -> None:
    """Rows came with their ids: move each id sequence past the largest one."""
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer):
            continue
        sequence = connection.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": connection.dialect.identifier_preparer.quote(table.name), "column": key[0].name},
        ).scalar()
        if sequence:
            highest = sa.func.coalesce(sa.func.max(key[0]), 0)
            connection.execute(sa.select(sa.func.setval(sa.cast(sequence, REGCLASS), highest + 1, False)))


def _names(connection: Connection, tables: list[sa.Table]) -> str:
    return ", ".join(connection.dialect.identifier_preparer.quote(table.name) for table in tables)


# ---------------------------------------------------------------- before migrations


def before_migrate(engine: Engine, *, now: datetime) -> Path | None:
    """Copy a non-empty SQLite file database beside itself if migrations are about to change it."""
    database = _sqlite_file(engine)
    if database is None or not database.exists():
        return None
    revision = schema.current_revision(engine)
    if revision is None or revision == ScriptDirectory.from_config(schema.alembic_config(engine)).get_current_head():
        return None
    if not _held(engine):
        return None
    return _save_beside(engine, database, revision, now=now)


def _save_beside(engine: Engine, database: Path, label: str, *, now: datetime) -> Path:
    target = database.with_name(f"{database.name}.before-{label}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.sqlite3")
    with _written_in_place(target) as partial:
        _copy_sqlite(engine, partial)
    _prune_copies_beside(database)
    return target


def _prune_copies_beside(database: Path, *, keep: int = KEEP_BEFORE_MIGRATE) -> list[Path]:
    """Delete all but the newest `keep` copies taken before migrations and restores; returns what went."""
    pattern = re.compile(rf"{re.escape(database.name)}\.before-.+-(\d{{8}}T\d{{6}}Z)\.sqlite3")
    copies = sorted((match[1], path) for path in database.parent.iterdir() if (match := pattern.fullmatch(path.name)))
    old = [path for _, path in copies[: max(len(copies) - keep, 0)]]
    for path in old:
        path.unlink()
    return old


def _sqlite_file(engine: Engine) -> Path | None:
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.query.get("mode") == "memory":
        return None
    return Path(url.database)


# ---------------------------------------------------------------- tables and values


def _tables(connection: Connection) -> list[sa.Table]:
    """The database's own tables as they are now (any revision), parents before children."""
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    return [table for table in metadata.sorted_tables if table.name != VERSION_TABLE]


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _count(connection: Connection, table: sa.Table) -> int:
    return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _rows(connection: Connection, table: sa.Table) -> Iterator[sa.Row]:
    order = list(table.primary_key.columns) or list(table.columns)
    yield from connection.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*order))


def _insert(connection: Connection, table: sa.Table, rows: Iterable[dict], kinds: dict[str, str]) -> int:
    naive = {column.name: _stores_naive(connection, column) for column in table.columns}
    batch: list[dict] = []
    count = 0
    for row in rows:
        batch.append({key: _decode(value, kinds[key], naive=naive[key]) for key, value in row.items()})
        if len(batch) == BATCH:
            connection.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    return count


def _stores_naive(connection: Connection, column: sa.Column) -> bool:
    # planner.db.UTCDateTime keeps naive UTC on SQLite; PostgreSQL's timestamptz takes aware values.
    return connection.dialect.name == "sqlite" or not getattr(column.type, "timezone", False)


def _kind(column: sa.Column) -> str:
    for kind, sql_type in _KINDS:
        if isinstance(column.type, sql_type):
            return kind
    raise BackupRefused(f"column {column.table.name}.{column.name} has type {column.type}, which backups cannot hold")


def _encode(value: object, kind: str) -> object:
    """A value as JSON can carry it without loss."""
    if value is None:
        return None
    if kind == "datetime":
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat(timespec="microseconds")
    if kind == "date":
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(value: object, kind: str, *, naive: bool) -> object:
    if value is None:
        return None
    if kind == "datetime":
        moment = datetime.fromisoformat(value).astimezone(UTC)
        return moment.replace(tzinfo=None) if naive else moment
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "bytes":
        return base64.b64decode(value, validate=True)
    if kind == "float":
        return float(value)
    return value
