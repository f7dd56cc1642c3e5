"""Handing a plan to the tools NGOs already use: a calendar (iCalendar), a plan spreadsheet (CSV), and
bulk-scheduling files for Hootsuite and Sprout Social.

Every function here is pure: it takes read-model rows (``ExportPost``) and ``now``, and returns bytes. The
caller checks permission, loads the rows and offers the download under a name from ``export_filename``.

Safety (SECURITY.md, "Export safety"): every CSV cell is quoted, every text cell that a spreadsheet could
read as a formula gets a leading ``'`` (``neutralise``), numbers are written as numbers, and file names are
built here from a fixed kind, the sanitised team slug and the time; never from a campaign, channel or post.

Bulk-scheduling formats (no official specification was reachable; these are the choices and their sources):

* **Hootsuite bulk composer**: no header row; three columns: date and time as ``MM/DD/YYYY HH:MM`` (24-hour,
  the "mm/dd/yyyy hh:mm" choice of the upload dialog), the message, and an optional link. UTF-8 without a
  byte-order mark, because without a header a BOM would be glued to the first date.
  Sources: 350 messages of three parts "date and time stamp, the message, and the link" and the 350 limit
  (kim-iverson-headlee.blogspot.com, 2016-08, "Using Hootsuite Pro's bulk message scheduler"); the upload
  dialog's date format "mm/dd/yyyy hh:mm" (jycalcano.blogspot.com, 2015-07, "Hootsuite bulk messaging
  explained"); a worked ``05/13/2016 19:00`` and "save as UTF-8" (indextokyo.com/post-514); tools that
  generate the file write data rows only, no header (github.com/CloudFireMedia/Hootsuite_Bulk_Uploader_Bound_Script
  "Download to CSV.gs" skips the sheet's header row; github.com/cmaenner/hootsuite-bulk-composer tmp/example.csv).
  Times on 5-minute marks and at least 10 minutes ahead are the project's brief (DOMAIN.md marks them
  "partly unverified"); Hootsuite's own help page could not be read from here.
* **Sprout Social bulk scheduling**: header ``date,time_24hr,message_text`` (case-sensitive), date as
  ``MM/DD/YYYY`` (Sprout accepts dd/mm/yyyy or mm/dd/yyyy "depending on the import preferences": pick
  mm/dd/yyyy there), time as ``HH:MM`` 24-hour, at most 350 messages per import, every message at least
  10 minutes after the upload and at least 10 minutes after the one before
  (support.sproutsocial.com/hc/en-us/articles/115005864203-How-do-I-use-bulk-scheduling). UTF-8 without
  a BOM, so that the case-sensitive first header reads exactly ``date``.

A bulk file is uploaded to whichever profiles are picked in the tool's dialog, so callers should pass one
channel's posts at a time. Rows the tool would refuse are never moved to another time: they are left out
and returned as ``RowProblem``s for the user to fix in the plan.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from planner.languages import Language
from planner.twitter_library import extract_urls_with_indices

if TYPE_CHECKING:
    from icalendar import Event

PAKISTAN = ZoneInfo("Asia/Karachi")
AFGHANISTAN = ZoneInfo("Asia/Kabul")
LOCAL_FORMAT = "%Y-%m-%d %H:%M"

PRODID = "-//Counter-narrative campaign planner//Plan export//EN"
EVENT_LENGTH = timedelta(minutes=15)
CANCELLED_STATUSES = frozenset({"held", "on_hold", "failed", "cancelled"})

MAX_ROWS_PER_FILE = 350
MIN_LEAD_TIME = timedelta(minutes=10)
SPROUT_MIN_GAP = timedelta(minutes=10)

# OWASP CSV injection: what a spreadsheet may read as the start of a formula.
FORMULA_TRIGGERS = frozenset({"=", "+", "-", "@", "\t", "\r", "\n", "\0"})

PLAN_COLUMNS = (
    "post_id",
    "campaign",
    "message",
    "platform",
    "language",
    "channel",
    "status",
    "themes",
    "scheduled_utc",
    "pakistan_time",
    "afghanistan_time",
    "title",
    "text",
    "permalink",
)
SPROUT_COLUMNS = ("date", "time_24hr", "message_text")

# kind -> (word in the file name, extension)
_KINDS = {
    "ics": ("plan", "ics"),
    "csv": ("plan", "csv"),
    "hootsuite": ("hootsuite", "csv"),
    "sprout": ("sprout", "csv"),
    "audit": ("audit", "csv"),
}
_SLUG_MAX = 40


@dataclass(frozen=True)
class ExportPost:
    """One scheduled post as the exports see it: labels resolved, time aware (normalised to UTC)."""

    post_id: int
    team_slug: str
    campaign_name: str
    message_title: str
    platform: str
    platform_label: str
    language: str
    channel: str
    title: str
    text: str
    scheduled_at: datetime
    status: str
    themes: tuple[str, ...]
    permalink: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "scheduled_at", _utc(self.scheduled_at, "scheduled_at"))


@dataclass(frozen=True)
class RowProblem:
    """A post left out of a bulk file, and why: the user fixes the plan, the export never moves it."""

    post_id: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class BulkExport:
    files: list[tuple[str, bytes]]
    problems: list[RowProblem]
    rows: int


def neutralise(value: str) -> str:
    """Make a cell inert in spreadsheets: a leading formula character gets a leading apostrophe."""
    return "'" + value if value[:1] in FORMULA_TRIGGERS else value


def export_filename(kind: str, team_slug: str, now: datetime, part: int | None = None) -> str:
    """A server-made file name such as ``demo-plan-20261122-0930.ics`` (time in UTC)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown export kind: {kind!r}")
    word, extension = _KINDS[kind]
    stamp = _utc(now, "now").strftime("%Y%m%d-%H%M")
    suffix = f"-part{int(part)}" if part is not None else ""
    return f"{sanitise_slug(team_slug)}-{word}-{stamp}{suffix}.{extension}"


def data_filename(word: str, team_slug: str, now: datetime, extension: str = "csv") -> str:
    """A server-made name for a table or report, e.g. ``demo-reach-by-theme-20261122-0930.csv`` (time in UTC)."""
    stamp = _utc(now, "now").strftime("%Y%m%d-%H%M")
    return f"{sanitise_slug(team_slug)}-{sanitise_slug(word)}-{stamp}.{sanitise_slug(extension)}"


def sanitise_slug(team_slug: str) -> str:
    """Only ``[a-z0-9-]`` survives; anything else (spaces, dots, slashes, other scripts) becomes one dash."""
    slug = re.sub(r"[^a-z0-9]+", "-", team_slug.lower()).strip("-")[:_SLUG_MAX].strip("-")
    return slug or "team"


# iCalendar


def to_ics(posts: Iterable[ExportPost], *, now: datetime) -> bytes:
    """The plan as an RFC 5545 calendar: one 15-minute event per post, stable UID per post.

    icalendar is imported here, not with the module: it holds about 8 MB, and most processes never build a
    calendar file.
    """
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = _utc(now, "now")
    for post in _in_time_order(posts):
        calendar.add_component(_event(post, stamp))
    return calendar.to_ical()


def _event(post: ExportPost, stamp: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"post-{post.post_id}@{sanitise_slug(post.team_slug)}.planner")
    event.add("dtstamp", stamp)
    event.add("dtstart", post.scheduled_at)
    event.add("duration", EVENT_LENGTH)
    event.add("summary", f"[{_short_platform(post)} · {_language_name(post.language)}] {_headline(post)}")
    event.add("description", _description(post))
    if post.themes:
        event.add("categories", list(post.themes))
    event.add("status", "CANCELLED" if post.status in CANCELLED_STATUSES else "CONFIRMED")
    return event


def _description(post: ExportPost) -> str:
    lines = [
        post.text,
        "",
        f"Pakistan: {_local(post.scheduled_at, PAKISTAN)} (Asia/Karachi)",
        f"Afghanistan: {_local(post.scheduled_at, AFGHANISTAN)} (Asia/Kabul)",
        f"Campaign: {post.campaign_name}",
        f"Channel: {post.channel} ({post.platform_label})",
        f"Status: {post.status}",
    ]
    if post.title:
        lines[:0] = [f"Title: {post.title}", ""]
    if post.permalink:
        lines.append(f"Link: {post.permalink}")
    return "\n".join(lines)


def _short_platform(post: ExportPost) -> str:
    return post.platform_label.split(" (")[0] or post.platform


def _headline(post: ExportPost) -> str:
    return post.message_title or post.title or post.text.split("\n", 1)[0][:60]


def _language_name(code: str) -> str:
    try:
        return Language(code).english
    except ValueError:
        return code


# Plan spreadsheet


def to_csv(posts: Iterable[ExportPost]) -> bytes:
    """The whole plan as a spreadsheet: UTF-8 with BOM (so Excel shows Urdu, Pashto, Dari), all cells quoted."""
    rows = [_plan_row(post) for post in _in_time_order(posts)]
    return _csv_bytes(rows, header=PLAN_COLUMNS, bom=True)


def _plan_row(post: ExportPost) -> tuple[int | str, ...]:
    return (
        post.post_id,
        post.campaign_name,
        post.message_title,
        post.platform_label,
        _language_name(post.language),
        post.channel,
        post.status,
        "; ".join(post.themes),
        post.scheduled_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        _local(post.scheduled_at, PAKISTAN),
        _local(post.scheduled_at, AFGHANISTAN),
        post.title,
        post.text,
        post.permalink,
    )


# Bulk scheduling


@dataclass(frozen=True)
class _BulkFormat:
    kind: str
    tool: str
    header: tuple[str, ...] | None
    time_column: str
    time_format: str
    five_minute_marks: bool
    min_gap: timedelta | None
    row: Callable[[ExportPost, datetime], tuple[str, ...]]


def _hootsuite_row(post: ExportPost, local: datetime) -> tuple[str, ...]:
    return (local.strftime("%m/%d/%Y %H:%M"), post.text, first_web_link(post.text))


def _sprout_row(post: ExportPost, local: datetime) -> tuple[str, ...]:
    return (local.strftime("%m/%d/%Y"), local.strftime("%H:%M"), post.text)


HOOTSUITE = _BulkFormat(
    kind="hootsuite",
    tool="Hootsuite",
    header=None,
    time_column="date_time",
    time_format="%m/%d/%Y %H:%M",
    five_minute_marks=True,
    min_gap=None,
    row=_hootsuite_row,
)
SPROUT = _BulkFormat(
    kind="sprout",
    tool="Sprout Social",
    header=SPROUT_COLUMNS,
    time_column="time_24hr",
    time_format="%m/%d/%Y %H:%M",
    five_minute_marks=False,
    min_gap=SPROUT_MIN_GAP,
    row=_sprout_row,
)


def to_hootsuite(posts: Iterable[ExportPost], *, now: datetime, tz: str = "Asia/Karachi", team_slug: str) -> BulkExport:
    """Hootsuite bulk-composer files (date/time, message, link; no header), 350 rows each; misfits reported."""
    return _bulk(posts, now=now, tz=tz, team_slug=team_slug, spec=HOOTSUITE)


def to_sprout(posts: Iterable[ExportPost], *, now: datetime, tz: str = "Asia/Karachi", team_slug: str) -> BulkExport:
    """Sprout Social bulk-scheduling files (date, time_24hr, message_text), 350 rows each; misfits reported."""
    return _bulk(posts, now=now, tz=tz, team_slug=team_slug, spec=SPROUT)


def first_web_link(text: str) -> str:
    """The first http(s) address in the text, found by X's own URL rules; bare domains do not count."""
    for found in extract_urls_with_indices(text):
        if found["url"].lower().startswith(("http://", "https://")):
            return found["url"]
    return ""


def _bulk(posts: Iterable[ExportPost], *, now: datetime, tz: str, team_slug: str, spec: _BulkFormat) -> BulkExport:
    now = _utc(now, "now")
    zone = ZoneInfo(tz)
    problems: list[RowProblem] = []
    kept: list[tuple[ExportPost, datetime]] = []
    for post in _in_time_order(posts):
        local = post.scheduled_at.astimezone(zone)
        found = _row_problems(post, local, now, spec)
        if not found and spec.min_gap and kept and post.scheduled_at - kept[-1][0].scheduled_at < spec.min_gap:
            found = [_too_close(post, local, kept[-1][0], spec)]
        if found:
            problems.extend(found)
        else:
            kept.append((post, local))
    chunks = [kept[start : start + MAX_ROWS_PER_FILE] for start in range(0, len(kept), MAX_ROWS_PER_FILE)]
    files = [
        (
            export_filename(spec.kind, team_slug, now, part=index if len(chunks) > 1 else None),
            _csv_bytes([spec.row(post, local) for post, local in chunk], header=spec.header, bom=False),
        )
        for index, chunk in enumerate(chunks, start=1)
    ]
    return BulkExport(files=files, problems=problems, rows=len(kept))


def _row_problems(post: ExportPost, local: datetime, now: datetime, spec: _BulkFormat) -> list[RowProblem]:
    shown = local.strftime(spec.time_format)
    problems = []
    if post.status != "scheduled":
        reason = f"only scheduled posts go to {spec.tool}; this one is {post.status}"
        problems.append(RowProblem(post.post_id, "status", post.status, reason))
    if post.platform == "whatsapp":
        reason = "WhatsApp Channels have no publishing API: copy the post by hand"
        problems.append(RowProblem(post.post_id, "platform", post.platform_label, reason))
    if post.scheduled_at < now + MIN_LEAD_TIME:
        reason = f"{spec.tool} needs times at least 10 minutes after the upload; this one is in the past or too soon"
        problems.append(RowProblem(post.post_id, spec.time_column, shown, reason))
    if local.second or local.microsecond:
        reason = "the file has no seconds: move the post to a whole minute in the plan"
        problems.append(RowProblem(post.post_id, spec.time_column, shown, reason))
    if spec.five_minute_marks and local.minute % 5:
        reason = f"{spec.tool} takes times on 5-minute marks (:00, :05 … :55): move the post in the plan"
        problems.append(RowProblem(post.post_id, spec.time_column, shown, reason))
    return problems


def _too_close(post: ExportPost, local: datetime, previous: ExportPost, spec: _BulkFormat) -> RowProblem:
    reason = f"{spec.tool} needs 10 minutes between messages; post {previous.post_id} is less than 10 minutes before"
    return RowProblem(post.post_id, spec.time_column, local.strftime(spec.time_format), reason)


# Shared


def table_csv(header: Sequence[str], rows: Iterable[Sequence[int | str | None]]) -> bytes:
    """Any table as a formula-safe spreadsheet: UTF-8 with BOM, all cells quoted, numbers kept as numbers."""
    return _csv_bytes(list(rows), header=header, bom=True)


def _csv_bytes(rows: Sequence[Sequence[int | str]], *, header: Sequence[str] | None, bom: bool) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    if header:
        writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _cell(value: int | str) -> int | str:
    return neutralise(value) if isinstance(value, str) else value


def _in_time_order(posts: Iterable[ExportPost]) -> list[ExportPost]:
    return sorted(posts, key=lambda post: (post.scheduled_at, post.post_id))


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(LOCAL_FORMAT)


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(UTC)
