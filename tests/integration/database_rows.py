"""Every row of the database (or of one team) as plain tuples, to prove that something changed nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from planner.models import Membership, Team, User


def snapshot(session: Session, team_id: int | None = None) -> tuple:
    """Every committed row of every table (or only one team's rows), in primary-key order."""
    session.rollback()  # what was not committed is not in the database
    users = select(Membership.user_id).where(Membership.team_id == team_id)
    tables = []
    for table in SQLModel.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        if team_id is not None:
            if "team_id" in table.c:
                query = query.where(table.c.team_id == team_id)
            elif table.name == Team.__tablename__:
                query = query.where(table.c.id == team_id)
            elif "user_id" in table.c:
                query = query.where(table.c.user_id.in_(users))
            elif table.name == User.__tablename__:
                query = query.where(table.c.id.in_(users))
            else:
                continue
        tables.append((table.name, tuple(tuple(row) for row in session.execute(query).all())))
    return tuple(tables)
