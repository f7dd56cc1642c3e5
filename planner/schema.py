"""Schema migrations through Alembic, applied at start and by `python -m planner migrate`.

Alembic is imported only when a migration runs or a revision is asked of it: a serving process whose
database is already current (`is_current`) never loads it, about 8 MB less in every process.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

from planner import db
from planner.errors import PlannerError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
logger = logging.getLogger(__name__)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

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
    from alembic import command

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
    from alembic.runtime.migration import MigrationContext

    with (engine or db.engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(db.engine())).get_current_head()


_NUMBERED = re.compile(r"^(\d{4})_\w+\.py$")


def newest_revision() -> str:
    """The newest migration's revision, read from the file names (0001_…, 0002_…: one line of history,
    each revision named by its number, which a test checks against Alembic's own idea of the head)."""
    numbers = [m.group(1) for p in (MIGRATIONS / "versions").iterdir() if (m := _NUMBERED.match(p.name))]
    return max(numbers)


def is_current(engine: Engine | None = None) -> bool:
    """Whether the database is at the newest revision, asked with one query and without Alembic."""
    try:
        with (engine or db.engine()).connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no alembic_version table: a new database
        return False
    return stored == [newest_revision()]
