"""The database layer: migrations match the models, SQLite is set up for safe concurrent use."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from planner import db, schema


def test_migrations_build_exactly_the_schema_the_models_describe_on_sqlite(tmp_path):
    engine = db.build_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    schema.upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    assert schema.current_revision(engine) == schema.head_revision()


def test_migrations_build_exactly_the_schema_the_models_describe_on_postgresql(postgres_engine):
    with postgres_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []


def test_migrating_twice_changes_nothing(tmp_path):
    engine = db.build_engine(f"sqlite:///{tmp_path / 'twice.db'}")
    schema.upgrade(engine)
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()


def test_the_quick_check_at_start_knows_a_new_an_old_and_a_current_database(tmp_path):
    """The server skips Alembic when the database is current: the check must not say so of any other."""
    assert schema.newest_revision() == schema.head_revision()  # migrations are numbered in one line of history
    engine = db.build_engine(f"sqlite:///{tmp_path / 'check.db'}")
    assert not schema.is_current(engine)  # nothing in it yet
    schema.upgrade(engine)
    assert schema.is_current(engine)
    from alembic import command

    command.downgrade(schema.alembic_config(engine), "-1")
    assert not schema.is_current(engine)


def test_the_quick_check_reads_postgresql_too(postgres_engine):
    assert schema.is_current(postgres_engine)


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = db.build_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS


def test_write_sessions_begin_immediate_and_read_sessions_do_not(tmp_path, monkeypatch):
    engine = db.build_engine(f"sqlite:///{tmp_path / 'begin.db'}")
    monkeypatch.setattr(db, "_engine", engine)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    with db.session() as s:
        s.exec(text("SELECT 1"))
    with db.session(readonly=True) as s:
        s.exec(text("SELECT 1"))
    assert [statement for statement in seen if statement.startswith("BEGIN")] == ["BEGIN IMMEDIATE", "BEGIN DEFERRED"]


def test_a_foreign_key_to_a_missing_team_is_refused(tmp_path):
    engine = db.build_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    schema.upgrade(engine)
    with engine.connect() as connection, pytest.raises(IntegrityError, match="FOREIGN KEY"):
        connection.exec_driver_sql(
            "INSERT INTO membership (team_id, user_id, role, sensitivity_reviewer, active, created_at, version) "
            "VALUES (999, 999, 'viewer', 0, 1, '2026-01-01', 1)"
        )
