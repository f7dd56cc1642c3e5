"""The policy table, checked cell by cell."""

import pytest

from planner.models import Role
from planner.policy import POLICY, Action, allows

EXPECTED = {
    Action.VIEW_TEAM: {"admin", "facilitator", "drafter", "viewer"},
    Action.MANAGE_MEMBERS: {"admin"},
    Action.VIEW_PERSONAL_DATA: {"admin"},
    Action.MANAGE_PERSONAL_DATA: {"admin"},
    Action.VIEW_AUDIT: {"admin"},
    Action.MANAGE_OWN_ACCOUNT: {"admin", "facilitator", "drafter", "viewer"},
    Action.VIEW_CAMPAIGNS: {"admin", "facilitator", "drafter", "viewer"},
    Action.EDIT_CAMPAIGNS: {"admin", "facilitator", "drafter"},
    Action.ARCHIVE_CAMPAIGNS: {"admin"},
    Action.VIEW_MESSAGES: {"admin", "facilitator", "drafter", "viewer"},
    Action.EDIT_MESSAGES: {"admin", "facilitator", "drafter"},
    Action.REVIEW_MESSAGES: {"admin", "facilitator"},
    Action.MANAGE_DENYLIST: {"admin"},
    Action.PAUSE_TEAM: {"admin"},
    Action.SCHEDULE_POSTS: {"admin", "facilitator", "drafter"},
    Action.MANAGE_CHANNELS: {"admin"},
}


@pytest.mark.parametrize("action", list(Action), ids=str)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_policy_allows_exactly_the_expected_roles(action, role):
    assert allows(role, action) == (role in EXPECTED[action])


def test_an_action_missing_from_the_table_is_denied_to_everyone(monkeypatch):
    monkeypatch.delitem(POLICY, Action.VIEW_TEAM)
    assert not any(allows(role, Action.VIEW_TEAM) for role in Role)
