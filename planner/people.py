"""Who did what, by name: the display names of memberships, for histories and lists."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from planner.models import Membership, User


def display_names(session: Session, membership_ids: Iterable[int | None]) -> dict[int, str]:
    """Membership id → the member's display name, for the ids given (missing ids are left out)."""
    wanted = {membership_id for membership_id in membership_ids if membership_id is not None}
    if not wanted:
        return {}
    rows = session.exec(
        select(Membership.id, User.display_name)
        .join(User, User.id == Membership.user_id)
        .where(col(Membership.id).in_(wanted))
    ).all()
    return dict(rows)
