"""The review workflow as data plus pure functions: which transition may happen from which status,
who may do it, and what approvals a message still needs.

    draft → in review → changes requested → in review → approved → scheduled → published
    any (but archived) → on hold → in review;  any (but archived) → archived
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from planner.models import MessageStatus as S
from planner.policy import Action


class Transition(StrEnum):
    SUBMIT = "submit"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    HOLD = "hold"
    RESUME = "resume"
    ARCHIVE = "archive"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[S]
    target: S  # for APPROVE: the status once every needed approval is in
    action: Action
    comment_required: bool = False


_LIVE = frozenset(S) - {S.ARCHIVED}

TABLE: dict[Transition, Rule] = {
    Transition.SUBMIT: Rule(frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.IN_REVIEW, Action.EDIT_MESSAGES),
    Transition.REQUEST_CHANGES: Rule(frozenset({S.IN_REVIEW}), S.CHANGES_REQUESTED, Action.REVIEW_MESSAGES, True),
    Transition.APPROVE: Rule(frozenset({S.IN_REVIEW}), S.APPROVED, Action.REVIEW_MESSAGES),
    Transition.HOLD: Rule(_LIVE - {S.ON_HOLD, S.PUBLISHED}, S.ON_HOLD, Action.REVIEW_MESSAGES, True),
    Transition.RESUME: Rule(frozenset({S.ON_HOLD}), S.IN_REVIEW, Action.REVIEW_MESSAGES),
    Transition.ARCHIVE: Rule(_LIVE, S.ARCHIVED, Action.REVIEW_MESSAGES),
}


def transition_problem(status: S | str, transition: Transition, *, comment: str = "") -> str | None:
    """Why `transition` may not happen from `status` (ignoring who asks), or None."""
    rule = TABLE[transition]
    if S(status) not in rule.sources:
        return f"A message that is {S(status).replace('_', ' ')} cannot be {_past(transition)}."
    if rule.comment_required and not comment.strip():
        return "Write a comment: the drafter needs to know what to change or why."
    return None


def _past(transition: Transition) -> str:
    return {
        Transition.SUBMIT: "submitted for review",
        Transition.REQUEST_CHANGES: "sent back for changes",
        Transition.APPROVE: "approved",
        Transition.HOLD: "put on hold",
        Transition.RESUME: "resumed",
        Transition.ARCHIVE: "archived",
    }[transition]


@dataclass(frozen=True)
class GivenApproval:
    kind: str  # "review" or "sensitivity"
    membership_id: int


def needed_approval(approvals: list[GivenApproval], *, sensitive: bool) -> str | None:
    """The approval still missing for the current content: 'review', 'sensitivity' or None."""
    kinds = {approval.kind for approval in approvals}
    if "review" not in kinds:
        return "review"
    if sensitive and "sensitivity" not in kinds:
        return "sensitivity"
    return None


def approval_problem(
    *,
    reviewer: int,
    is_sensitivity_reviewer: bool,
    authors: set[int],
    approvals: list[GivenApproval],
    sensitive: bool,
) -> str | None:
    """Why this member may not give the next approval, or None. Four eyes, and six on sensitive themes."""
    if reviewer in authors:
        return "You wrote or edited this message: an author never approves their own message."
    needed = needed_approval(approvals, sensitive=sensitive)
    if needed is None:
        return "This message already has every approval it needs."
    if needed == "sensitivity":
        if not is_sensitivity_reviewer:
            return "This message has a sensitive theme: the second approval must come from a sensitivity reviewer."
        if any(approval.membership_id == reviewer for approval in approvals):
            return "The second approval must come from someone other than the first approver."
    return None
