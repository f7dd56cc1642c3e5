"""The review workflow table and the four-eyes rules, checked exhaustively."""

import pytest

from planner.models import MessageStatus as S
from planner.models import Role
from planner.policy import allows
from planner.workflow import TABLE, GivenApproval, Transition, approval_problem, needed_approval, transition_problem

ALLOWED_FROM = {
    Transition.SUBMIT: {S.DRAFT, S.CHANGES_REQUESTED},
    Transition.REQUEST_CHANGES: {S.IN_REVIEW},
    Transition.APPROVE: {S.IN_REVIEW},
    Transition.HOLD: {S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED},
    Transition.RESUME: {S.ON_HOLD},
    Transition.ARCHIVE: set(S) - {S.ARCHIVED},
}
WHO = {
    Transition.SUBMIT: {Role.ADMIN, Role.FACILITATOR, Role.DRAFTER},
    Transition.REQUEST_CHANGES: {Role.ADMIN, Role.FACILITATOR},
    Transition.APPROVE: {Role.ADMIN, Role.FACILITATOR},
    Transition.HOLD: {Role.ADMIN, Role.FACILITATOR},
    Transition.RESUME: {Role.ADMIN, Role.FACILITATOR},
    Transition.ARCHIVE: {Role.ADMIN, Role.FACILITATOR},
}


@pytest.mark.parametrize("transition", list(Transition), ids=str)
@pytest.mark.parametrize("status", list(S), ids=str)
def test_every_transition_from_every_status(transition, status):
    problem = transition_problem(status, transition, comment="a reason")
    assert (problem is None) == (status in ALLOWED_FROM[transition])


@pytest.mark.parametrize("transition", list(Transition), ids=str)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_transition_for_every_role(transition, role):
    assert allows(role, TABLE[transition].action) == (role in WHO[transition])


@pytest.mark.parametrize("transition", [Transition.REQUEST_CHANGES, Transition.HOLD])
def test_asking_for_changes_or_holding_needs_a_comment(transition):
    source = next(iter(ALLOWED_FROM[transition] & {S.IN_REVIEW}))
    assert "comment" in transition_problem(source, transition, comment="  ").lower()


def test_an_author_never_approves_their_own_message():
    problem = approval_problem(reviewer=7, is_sensitivity_reviewer=True, authors={7, 9}, approvals=[], sensitive=False)
    assert "author never approves" in problem


def test_one_approval_is_enough_without_a_sensitive_theme():
    assert needed_approval([GivenApproval("review", 3)], sensitive=False) is None


def test_a_sensitive_theme_needs_a_second_approval_by_a_sensitivity_reviewer():
    first = [GivenApproval("review", 3)]
    assert needed_approval(first, sensitive=True) == "sensitivity"
    assert "sensitivity reviewer" in approval_problem(
        reviewer=4, is_sensitivity_reviewer=False, authors={1}, approvals=first, sensitive=True
    )
    assert (
        approval_problem(reviewer=4, is_sensitivity_reviewer=True, authors={1}, approvals=first, sensitive=True) is None
    )


def test_the_first_approver_cannot_also_give_the_second_approval():
    first = [GivenApproval("review", 4)]
    problem = approval_problem(reviewer=4, is_sensitivity_reviewer=True, authors={1}, approvals=first, sensitive=True)
    assert "someone other than the first approver" in problem


def test_a_fully_approved_message_needs_nothing_more():
    given = [GivenApproval("review", 3), GivenApproval("sensitivity", 4)]
    assert needed_approval(given, sensitive=True) is None
    assert "already has every approval" in approval_problem(
        reviewer=5, is_sensitivity_reviewer=True, authors={1}, approvals=given, sensitive=True
    )
