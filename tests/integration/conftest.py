"""Fixtures every integration test file uses: a team and its drafter (with a live session)."""

import pytest

from planner.models import Role
from tests.conftest import make_member, make_team


@pytest.fixture
def team(session):
    return make_team(session)


@pytest.fixture
def drafter(session, team):
    return make_member(session, team, Role.DRAFTER, username="farid")
