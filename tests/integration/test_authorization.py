"""Every service × every role × own team / other team: allowed, denied, or not found.

A new service joins this table when it is written; a service missing here is a test failure
(see test_every_public_service_is_in_the_matrix).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from planner import accounts, members
from planner.errors import NotFound, PermissionDenied
from planner.models import Role
from tests.conftest import NOW, make_member, make_team

EVERYONE = frozenset(Role)
ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Case:
    name: str
    allowed: frozenset[Role]
    call: Callable  # (session, actor, target) -> object; `target` is a member of the team under test
    team_scoped: bool = True


CASES = [
    Case("members.list_members", EVERYONE, lambda s, a, t: members.list_members(s, actor=a, now=NOW), False),
    Case(
        "members.add_member",
        ADMINS,
        lambda s, a, t: members.add_member(s, actor=a, now=NOW, username="newbie", display_name="N", role="viewer"),
        False,
    ),
    Case(
        "members.update_member",
        ADMINS,
        lambda s, a, t: members.update_member(
            s, actor=a, membership_id=t.membership_id, expected_version=1, role="viewer", now=NOW
        ),
    ),
    Case(
        "members.revoke_sessions",
        ADMINS,
        lambda s, a, t: members.revoke_sessions(s, actor=a, membership_id=t.membership_id, now=NOW),
    ),
    Case(
        "members.reset_password",
        ADMINS,
        lambda s, a, t: members.reset_password(s, actor=a, membership_id=t.membership_id, now=NOW),
    ),
    Case(
        "accounts.change_password",
        EVERYONE,
        lambda s, a, t: accounts.change_password(
            s, actor=a, current_password="correct horse battery staple", new_password="another fine phrase", now=NOW
        ),
        False,
    ),
    Case("accounts.list_my_sessions", EVERYONE, lambda s, a, t: accounts.list_my_sessions(s, actor=a, now=NOW), False),
    Case(
        "accounts.end_my_session",
        EVERYONE,
        lambda s, a, t: accounts.end_my_session(s, actor=a, session_id=t.session_id, now=NOW),
    ),
]

# Services that take no actor: log-in itself and the trusted CLI paths.
UNGUARDED = {"accounts.log_in", "accounts.resolve", "accounts.log_out", "accounts.revoke_user_sessions"}


def _public_services(module) -> set[str]:
    return {
        f"{module.__name__.split('.')[-1]}.{name}"
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_")
    }


def test_every_public_service_is_in_the_matrix():
    listed = {case.name for case in CASES} | UNGUARDED
    assert _public_services(members) | _public_services(accounts) <= listed


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("where", ["own team", "other team"])
def test_authorization_matrix(session, case, role, where):
    home = make_team(session, "home", "Home team")
    away = make_team(session, "away", "Away team")
    make_member(session, home, Role.ADMIN, username="home-admin")
    make_member(session, away, Role.ADMIN, username="away-admin")
    actor = make_member(session, home, role, username="actor")
    target = make_member(session, home if where == "own team" else away, Role.DRAFTER, username="target")
    if case.name == "accounts.end_my_session" and where == "own team":
        target = actor  # "own" for a session means the actor's own
    if role not in case.allowed:
        with pytest.raises(PermissionDenied):
            case.call(session, actor, target)
    elif where == "other team" and case.team_scoped:
        with pytest.raises(NotFound):
            case.call(session, actor, target)
    else:
        case.call(session, actor, target)
