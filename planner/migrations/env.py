"""Alembic environment: the engine comes from planner.db (or the caller), metadata from the models."""

from alembic import context
from sqlmodel import SQLModel

import planner.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from planner import db

config = context.config
engine = config.attributes.get("engine") or db.engine()

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
