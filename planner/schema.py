"""Schema migrations through Alembic, applied at start and by `python -m planner migrate`."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from planner import db
from planner.errors import PlannerError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
logger = logging.getLogger(__name__)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


class MigrationFailed(PlannerError):
    """A migration failed; it was rolled back, so the database keeps its revision and its data."""


def upgrade(engine: Engine | None = None, *, backup_first: bool = True) -> Path | None:
    """Bring the database to the newest revision; returns the copy taken first, if one was.

    A SQLite file with data in it is copied beside itself before any migration touches it.
    """
    from planner import backup  # backup builds on this module

    engine = engine or db.engine()
    saved = backup.before_migrate(engine, now=db.utcnow()) if backup_first else None
    if saved is not None:
        logger.info("saved a copy of the database to %s before migrating it", saved)
    try:
        command.upgrade(alembic_config(engine), "head")
    except Exception as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        kept = f"; the copy taken before is {saved}" if saved else ""
        raise MigrationFailed(
            f"migrating failed and was undone, the database is still at revision {current_revision(engine)}"
            f"{kept}: {reason}"
        ) from exc
    return saved


def current_revision(engine: Engine | None = None) -> str | None:
    with (engine or db.engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config(db.engine())).get_current_head()
