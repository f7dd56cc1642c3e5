"""Time zones and the calendar's warnings, as pure functions.

Pakistan is Asia/Karachi (UTC+5), Afghanistan Asia/Kabul (UTC+4:30), neither with daylight saving.
Times are stored in UTC; people enter them in one of these zones and always see both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planner.drafting import fold
from planner.errors import ValidationFailed
from planner.wording import count

ZONES = {
    "Asia/Karachi": "Pakistan time (PKT, UTC+5)",
    "Asia/Kabul": "Afghanistan time (AFT, UTC+4:30)",
    "UTC": "UTC",
}
SHORT = {"Asia/Karachi": "PKT", "Asia/Kabul": "AFT", "UTC": "UTC"}
MAX_REPEATS = 52


def to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time in one of the supported zones."""
    if zone not in ZONES:
        raise ValidationFailed({"zone": f"Choose one of: {', '.join(ZONES)}."})
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local(when: datetime, zone: str) -> datetime:
    if when.tzinfo is None:
        raise ValueError("naive datetime refused")
    return when.astimezone(ZoneInfo(zone))


def both_local(when: datetime, *, dated: bool = False) -> str:
    """'Mon 23 Nov 14:30 PKT · 14:00 AFT' (the Afghan date is added when it differs).

    dated: '23 Nov 2026 14:30 PKT · 14:00 AFT', with the year rather than the weekday, for when something
    happened (a change, a comment, a log-in) rather than when it is planned.
    """
    pk, af = local(when, "Asia/Karachi"), local(when, "Asia/Kabul")
    day = "%d %b %Y" if dated else "%a %d %b"
    af_text = f"{af:%H:%M} AFT" if af.date() == pk.date() else f"{af.strftime(day)} {af:%H:%M} AFT"
    return f"{pk.strftime(day)} {pk:%H:%M} PKT · {af_text}"


def check_future(when: datetime, now: datetime) -> None:
    if when.tzinfo is None:
        raise ValidationFailed({"time": "A time without a time zone cannot be scheduled."})
    if when <= now:
        raise ValidationFailed({"time": f"This time has passed ({both_local(when)}). Choose a time in the future."})


def weekly(first: datetime, until: date | None, zone: str) -> list[datetime]:
    """The first time and the same local weekday and time each week up to `until` (inclusive)."""
    if until is None:
        return [first]
    start_local = local(first, zone)
    if until < start_local.date():
        raise ValidationFailed({"repeat_until": "The repeat must end on or after the first post's day."})
    times = []
    current = start_local
    while current.date() <= until and len(times) < MAX_REPEATS:
        times.append(current.astimezone(UTC))
        current = current + timedelta(weeks=1)  # zoneinfo: same wall time; these zones keep no DST
    return times


@dataclass(frozen=True)
class PostFacts:
    id: int
    channel_id: int
    channel_name: str
    campaign_id: int
    scheduled_at: datetime
    text: str


@dataclass(frozen=True)
class CalendarWarning:
    kind: str  # "busy-channel", "outside-window", "crisis-pause", "repeated-text"
    post_ids: tuple[int, ...]
    message: str


def warnings(
    posts: list[PostFacts],
    *,
    per_hour_limit: int,
    windows: dict[int, tuple[date, date]],
    paused: bool,
) -> list[CalendarWarning]:
    """What a coordinator should look at before the posts go out."""
    found: list[CalendarWarning] = []
    by_channel: dict[int, list[PostFacts]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: p.scheduled_at):
        by_channel[post.channel_id].append(post)
    for channel_posts in by_channel.values():
        found += _busy(channel_posts, per_hour_limit) + _repeated(channel_posts)
    for post in posts:
        window = windows.get(post.campaign_id)
        day = local(post.scheduled_at, "Asia/Karachi").date()
        if window and not window[0] <= day <= window[1]:
            found.append(
                CalendarWarning(
                    "outside-window",
                    (post.id,),
                    f"{both_local(post.scheduled_at)} is outside its campaign "
                    f"({window[0]:%d %b} – {window[1]:%d %b %Y}).",
                )
            )
    if paused and posts:
        found.append(
            CalendarWarning(
                "crisis-pause",
                tuple(p.id for p in posts),
                f"The team is in a crisis pause: {count(len(posts), 'post')} will not go out until approved again.",
            )
        )
    return found


def _busy(posts: list[PostFacts], limit: int) -> list[CalendarWarning]:
    found, reported = [], set()
    for index, first in enumerate(posts):
        hour = [p for p in posts[index:] if p.scheduled_at - first.scheduled_at < timedelta(hours=1)]
        ids = tuple(p.id for p in hour)
        if len(hour) > limit and not set(ids) <= reported:
            reported |= set(ids)
            found.append(
                CalendarWarning(
                    "busy-channel",
                    ids,
                    f"{len(hour)} posts on {first.channel_name} within an hour from {both_local(first.scheduled_at)} "
                    f"(your team's limit is {limit}).",
                )
            )
    return found


def _repeated(posts: list[PostFacts]) -> list[CalendarWarning]:
    found = []
    for index, first in enumerate(posts):
        for later in posts[index + 1 :]:
            if later.scheduled_at - first.scheduled_at > timedelta(days=3):
                break
            if fold(first.text).split() == fold(later.text).split():
                found.append(
                    CalendarWarning(
                        "repeated-text",
                        (first.id, later.id),
                        f"The same text twice on {first.channel_name} within three days "
                        f"({both_local(first.scheduled_at)} and {both_local(later.scheduled_at)}).",
                    )
                )
    return found
