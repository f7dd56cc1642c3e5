"""Alembic environment: the engine comes from planner.db (or the caller), metadata from the models.

All pending migrations run in ONE transaction, on SQLite too: a failure anywhere leaves the database
at the revision it had, with its data. Alembic assumes SQLite cannot roll back DDL and would commit
after each migration; it can, because planner.db lets SQLAlchemy issue BEGIN itself.

On SQLite, foreign keys are off while migrations run, as SQLite's own ALTER TABLE procedure says:
batch mode rebuilds a table by copying it and dropping the original, and with foreign keys on, that
DROP would fire ON DELETE actions (emptying `message.messenger_id`, deleting every variant of every
message). Instead the foreign keys are checked once, before the commit.
"""

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import planner.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from planner import db

config = context.config
engine = config.attributes.get("engine") or db.engine()


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    # Outside any transaction, on the driver's connection: inside one SQLite ignores the pragma.
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _refuse_broken_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise RuntimeError(
            f"migration left {len(broken)} row(s) pointing at missing rows, e.g. {table} row {rowid} -> {parent}"
        )


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=sqlite,
            compare_type=True,
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _refuse_broken_foreign_keys(connection)
        connection.commit()
    finally:
        if sqlite:
            connection.rollback()
            _sqlite_foreign_keys(connection, on=True)
