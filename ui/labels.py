"""Words shown for the app's status values: "in review", not "in_review"."""

from __future__ import annotations

# One word list for messages, campaigns and posts: a value spelled the same means the same in each.
STATUS_WORDS = {
    "draft": "draft",
    "in_review": "in review",
    "changes_requested": "changes requested",
    "approved": "approved",
    "scheduled": "scheduled",
    "published": "published",
    "on_hold": "on hold",
    "archived": "archived",
    "planning": "planning",
    "active": "active",
    "completed": "completed",
    "held": "held for approval",
    "failed": "failed",
    "cancelled": "cancelled",
}


def status(value: str) -> str:
    """How a status reads on screen."""
    return STATUS_WORDS.get(str(value), str(value).replace("_", " "))
