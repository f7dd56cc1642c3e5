"""Engine and sessions: built lazily, resettable for tests, SQLite pragmas on every connection.

SQLite is the embedded default; any SQLAlchemy URL works through PLANNER_DATABASE_URL.
Write sessions on SQLite start with BEGIN IMMEDIATE so two writers queue on the lock instead
of failing half-way when a read transaction tries to upgrade to a write.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine

from planner.config import settings

_lock = threading.Lock()
_engine: Engine | None = None
BUSY_TIMEOUT_MS = 10_000


class UTCDateTime(TypeDecorator):
    """Stores UTC, hands back aware UTC datetimes, and refuses naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _install_sqlite_behaviour(engine: Engine, *, file_backed: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if file_backed:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Erased personal data and deleted consent documents are overwritten on disk, not just unlinked.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = "DEFERRED" if connection.get_execution_options().get("planner_readonly") else "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")


class _NoRows(logging.Filter):
    """SQLAlchemy's debug level logs every result row: password hashes, real names, drafts. Never let them out."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


def _keep_rows_out_of_logs() -> None:
    engine_log = logging.getLogger("sqlalchemy.engine.Engine")
    if not any(isinstance(f, _NoRows) for f in engine_log.filters):
        engine_log.addFilter(_NoRows())


def build_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite set up the way the planner needs it.

    Bound values never reach SQL logs or database error messages (`hide_parameters`), and result rows
    never reach the logs even with SQL logging switched on: they carry password hashes, real names,
    phone numbers and draft text.
    """
    _keep_rows_out_of_logs()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
    if not in_memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict = {
        "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        "hide_parameters": True,
    }
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    _install_sqlite_behaviour(engine, file_backed=not in_memory)
    return engine


def engine() -> Engine:
    """The process-wide engine for the configured URL, built on first use."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = build_engine(settings().database_url)
        return _engine


def use_engine(new_engine: Engine | None) -> None:
    """Replace (or with None, forget) the process-wide engine; tests use this."""
    global _engine
    with _lock:
        if _engine is not None and _engine is not new_engine:
            _engine.dispose()
        _engine = new_engine


@contextmanager
def session(*, readonly: bool = False) -> Iterator[Session]:
    """A short-lived session. Services commit; closing it discards anything uncommitted."""
    bind = engine().execution_options(planner_readonly=True) if readonly else engine()
    with Session(bind, expire_on_commit=False) as s:
        yield s
