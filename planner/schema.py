"""Schema migrations through Alembic, applied at start and by `python -m planner migrate`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from planner import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine | None = None) -> None:
    """Bring the database to the newest revision."""
    command.upgrade(alembic_config(engine or db.engine()), "head")


def current_revision(engine: Engine | None = None) -> str | None:
    with (engine or db.engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config(db.engine())).get_current_head()
