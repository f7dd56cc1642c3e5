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


def count(number: int, noun: str, plural: str | None = None) -> str:
    """'1 variant', '3 variants'."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
