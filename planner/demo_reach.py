"""Reach history for the demo workspace, imported the way a coordinator would: through export files.

For each platform that has an export we know, two files are written in the platform's own layout
(a week ago and today) and imported in that order, so the demo shows "latest export wins".
Facebook comes as daily rows, the others as lifetime totals. WhatsApp Channel views, a survey,
an offline event and coded comments are entered by hand, as the M&E plan says they must be.

The figures are synthetic but shaped like a small youth network's: evening posts and the
Urdu and Pashto Facebook audiences do best; English does best on X.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from planner import reach
from planner.models import Campaign, ManualResult, Message, Post, PostStatus, Variant

PAGE_ID = "104857600123456"
IG_ACCOUNT = "17841400123456789"

# Lifetime people reached by a typical post, per platform; a language weights it.
TYPICAL = {"facebook": 2600, "instagram": 1500, "x": 1900, "youtube": 900, "tiktok": 5200, "whatsapp": 700}
LANGUAGE_WEIGHT = {
    "facebook": {"ur": 1.5, "ps": 1.3, "fa": 1.0, "en": 0.6},
    "x": {"en": 1.4, "ur": 1.0, "ps": 0.6, "fa": 0.7},
}
THEME_WEIGHT = {"victims-of-terrorism": 1.3, "polio-eradication": 1.2, "refugees-and-returnees": 1.1}


@dataclass(frozen=True)
class Published:
    post_id: int
    platform: str
    language: str
    native: str
    permalink: str
    published_at: datetime
    body: str
    themes: tuple[str, ...]


def _published(session: Session, team_id: int) -> list[Published]:
    rows = session.exec(
        select(Post, Variant, Message)
        .join(Variant, Variant.id == Post.variant_id)
        .join(Message, Message.id == Post.message_id)
        .where(Post.team_id == team_id, Post.status == PostStatus.PUBLISHED)
        .order_by(Post.published_at, Post.id)
    ).all()
    return [
        Published(
            post.id,
            variant.platform,
            variant.language,
            post.platform_post_id,
            post.permalink,
            post.published_at,
            variant.body,
            tuple(message.themes),
        )
        for post, variant, message in rows
    ]


def lifetime_reach(post: Published) -> int:
    """The post's eventual reach: platform, language, theme and posting hour, plus a stable random factor."""
    noise = random.Random(post.post_id).uniform(0.55, 1.6)
    language = LANGUAGE_WEIGHT.get(post.platform, {}).get(post.language, 1.0)
    theme = max((THEME_WEIGHT.get(t, 1.0) for t in post.themes), default=1.0)
    evening = 1.15 if 17 <= (post.published_at.hour + 5) % 24 <= 22 else 0.85  # Pakistan time
    return round(TYPICAL.get(post.platform, 800) * language * theme * evening * noise)


def grown(total: int, published_at: datetime, as_of: date) -> int:
    """How much of the eventual reach a post has gathered by a day: most of it in the first days."""
    days = (as_of - published_at.date()).days + 1
    return round(total * (1 - math.exp(-max(days, 0) / 2.2)))


def _engagement(post: Published, seen: int) -> dict[str, int]:
    rng = random.Random(post.post_id * 7)
    rate = rng.uniform(0.025, 0.085)
    engaged = round(seen * rate)
    reactions = round(engaged * 0.62)
    comments = round(engaged * 0.13)
    shares = engaged - reactions - comments
    return {"engaged": engaged, "reactions": reactions, "comments": comments, "shares": shares}


def _csv(rows: list[dict[str, object]], *, bom: bool = False, utf16: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    return text.encode("utf-16") if utf16 else text.encode("utf-8-sig" if bom else "utf-8")


def _thousands(value: int) -> str:
    return f"{value:,}"


def facebook_daily(posts: list[Published], as_of: date) -> bytes:
    """Meta Business Suite, Facebook posts, one row per post and day (UTF-8 with BOM)."""
    rows = []
    for post in posts:
        total = lifetime_reach(post)
        day = post.published_at.date()
        while day <= as_of:
            seen = grown(total, post.published_at, day) - grown(total, post.published_at, day - timedelta(days=1))
            f = _engagement(post, seen)
            rows.append(
                {
                    "Post ID": post.native,
                    "Page ID": PAGE_ID,
                    "Page name": "Pak-Afghan Youth Dialogue",
                    "Title": post.body[:80],
                    "Description": "",
                    "Duration (sec)": "",
                    "Publish time": f"{post.published_at:%m/%d/%Y %H:%M}",
                    "Caption type": "",
                    "Permalink": post.permalink,
                    "Post type": "Photos",
                    "Languages": "",
                    "Custom labels": "",
                    "Funded content status": "",
                    "Data comment": "",
                    "Date": f"{day:%m/%d/%Y}",
                    "Views": round(seen * 1.7),
                    "Reach": seen,
                    "Reactions, Comments and Shares": f["engaged"],
                    "Reactions": f["reactions"],
                    "Comments": f["comments"],
                    "Shares": f["shares"],
                    "Total clicks": round(seen * 0.01),
                }
            )
            day += timedelta(days=1)
    return _csv(rows, bom=True)


def instagram(posts: list[Published], as_of: date) -> bytes:
    """Meta Business Suite, Instagram content, lifetime rows, UTF-16 as some downloads arrive."""
    rows = []
    for post in posts:
        seen = grown(lifetime_reach(post), post.published_at, as_of)
        f = _engagement(post, seen)
        rows.append(
            {
                "Post ID": post.native,
                "Account ID": IG_ACCOUNT,
                "Account username": "pakafghanyouth",
                "Account name": "Pak-Afghan Youth Voice",
                "Description": post.body[:80],
                "Duration (sec)": "",
                "Publish time": f"{post.published_at:%m/%d/%Y %H:%M}",
                "Permalink": post.permalink,
                "Post type": "IG carousel",
                "Data comment": "",
                "Date": "Lifetime",
                "Views": _thousands(round(seen * 1.9)),
                "Reach": _thousands(seen),
                "Likes": f["reactions"],
                "Shares": f["shares"],
                "Follows": round(seen / 400),
                "Comments": f["comments"],
                "Saves": round(seen * 0.006),
            }
        )
    return _csv(rows, utf16=True)


def x_current(posts: list[Published], as_of: date) -> bytes:
    """X analytics, current export: lifetime totals per post."""
    rows = []
    for post in posts:
        seen = grown(lifetime_reach(post), post.published_at, as_of)
        f = _engagement(post, seen)
        rows.append(
            {
                "Post id": post.native,
                "Date": f"{post.published_at:%a, %b %d, %Y}",
                "Post text": post.body,
                "Post Link": post.permalink,
                "Impressions": _thousands(seen),
                "Likes": f["reactions"],
                "Engagements": f["engaged"],
                "Bookmarks": round(seen * 0.003),
                "Shares": 0,
                "New follows": round(seen / 900),
                "Replies": f["comments"],
                "Reposts": f["shares"],
                "Profile visits": round(seen * 0.01),
                "Detail Expands": round(seen * 0.02),
                "URL Clicks": round(seen * 0.004),
                "Hashtag Clicks": 0,
                "Permalink Clicks": 0,
            }
        )
    return _csv(rows)


def youtube(posts: list[Published], as_of: date) -> bytes:
    """YouTube Studio, Table data.csv, with its Total row first."""
    rows = []
    for post in posts:
        views = grown(lifetime_reach(post), post.published_at, as_of)
        rows.append(
            {
                "Content": post.native,
                "Video title": post.body[:90],
                "Video publish time": f"{post.published_at:%b %d, %Y}",
                "Duration": 95,
                "Views": views,
                "Watch time (hours)": round(views * 0.031, 4),
                "Subscribers": round(views / 250),
                "Impressions": views * 9,
                "Impressions click-through rate (%)": 4.8,
            }
        )
    total = dict.fromkeys(rows[0], "") | {"Content": "Total", "Impressions click-through rate (%)": 4.8}
    for key in ("Views", "Subscribers", "Impressions"):
        total[key] = sum(row[key] for row in rows)
    total["Watch time (hours)"] = round(sum(row["Watch time (hours)"] for row in rows), 4)
    return _csv([total, *rows])


def tiktok(posts: list[Published], as_of: date) -> bytes:
    """TikTok Studio, per-video content, with 1.2K-style figures."""
    rows = []
    for post in posts:
        views = grown(lifetime_reach(post), post.published_at, as_of)
        f = _engagement(post, views)
        rows.append(
            {
                "Video title": post.body[:80],
                "Video link": post.permalink,
                "Post time": f"{post.published_at:%b %d, %Y %H:%M}",
                "Total likes": f["reactions"],
                "Total comments": f["comments"],
                "Total shares": f["shares"],
                "Total views": f"{views / 1000:.1f}K" if views >= 10000 else str(views),
            }
        )
    return _csv(rows)


WRITERS: dict[str, Callable[[list[Published], date], bytes]] = {
    "facebook": facebook_daily,
    "instagram": instagram,
    "x": x_current,
    "youtube": youtube,
    "tiktok": tiktok,
}


def export_files(session: Session, team_id: int, as_of: date) -> dict[str, bytes]:
    """One export per platform as it would be downloaded on `as_of` (posts published by then)."""
    published = [p for p in _published(session, team_id) if p.published_at.date() <= as_of]
    files = {}
    for platform, write in WRITERS.items():
        chosen = [p for p in published if p.platform == platform]
        if chosen:
            files[platform] = write(chosen, as_of)
    return files


def seed_reach(session: Session, *, team_id: int, membership_id: int, now: datetime) -> list[reach.ImportReport]:
    """Import last week's and today's exports, oldest first."""
    reports = []
    today = now.date()
    for as_of in (today - timedelta(days=7), today - timedelta(days=1)):
        imported_at = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), now.tzinfo)
        for platform, data in export_files(session, team_id, as_of).items():
            reports.append(
                reach.import_file(
                    session,
                    team_id=team_id,
                    membership_id=membership_id,
                    now=min(imported_at, now),
                    data=data,
                    filename=f"demo-{platform}-{as_of:%Y%m%d}.csv",
                )
            )
    return reports


def whatsapp_views(session: Session, team_id: int, as_of: date) -> list[tuple[Published, int]]:
    """WhatsApp Channel views a coordinator would copy from the channel: one figure per post."""
    posts = [p for p in _published(session, team_id) if p.platform == "whatsapp" and p.published_at.date() <= as_of]
    return [(post, grown(lifetime_reach(post), post.published_at, as_of)) for post in posts]


@dataclass(frozen=True)
class HandEntry:
    campaign_template: str
    kind: str
    metric: str
    value: float
    sample_size: int | None
    days_ago: tuple[int, int]  # the period, as days before today
    source: str
    language: str | None = None
    audience_region: str | None = None


HAND_ENTRIES = (
    HandEntry(
        "polio-trust",
        "survey",
        "survey-result",
        61,
        140,
        (9, 7),
        "Paper survey of parents at the Bara and Peshawar health camps: 'Polio drops are safe for my child' "
        "(agree or strongly agree).",
        "ps",
        "pakistan",
    ),
    HandEntry(
        "polio-trust",
        "offline-event",
        "offline-actions",
        186,
        None,
        (12, 12),
        "Children vaccinated at the Bara health camp after the volunteers' door-to-door visits (health team tally).",
        None,
        "pakistan",
    ),
    HandEntry(
        "polio-trust",
        "coded-comments",
        "coded-comments",
        46,
        120,
        (6, 1),
        "Two volunteers coded 120 Facebook and WhatsApp comments; 46 moved from rumour to asking where the camp is.",
        "ur",
    ),
    HandEntry(
        "check-before-you-share",
        "survey",
        "survey-result",
        41,
        212,
        (50, 48),
        "Online survey of students after the campus workshops: 'I check the source before I forward' "
        "(agree or strongly agree).",
        None,
        "cross-border",
    ),
    HandEntry(
        "check-before-you-share",
        "offline-event",
        "offline-actions",
        350,
        None,
        (70, 56),
        "Students who attended the three-checks workshops in Peshawar, Islamabad, Kabul and Herat (sign-in sheets).",
        None,
        "cross-border",
    ),
)


def seed_results(session: Session, *, team_id: int, membership_id: int, now: datetime) -> int:
    """WhatsApp Channel views and the impact figures (surveys, events, coded comments), entered by hand."""
    today = now.date()
    by_template = dict(session.exec(select(Campaign.template_id, Campaign.id).where(Campaign.team_id == team_id)).all())
    entries: list[ManualResult] = []
    for post, views in whatsapp_views(session, team_id, today - timedelta(days=1)):
        campaign_id = session.get(Post, post.post_id).campaign_id
        entries.append(
            ManualResult(
                team_id=team_id,
                campaign_id=campaign_id,
                post_id=post.post_id,
                message_id=session.get(Post, post.post_id).message_id,
                kind="whatsapp-views",
                metric="reach",
                value=views,
                period_start=post.published_at.date(),
                period_end=today - timedelta(days=1),
                platform="whatsapp",
                language=post.language,
                audience_region="pakistan",
                source="Views shown under the post in the WhatsApp Channel, copied by the channel admin.",
                entered_by_membership_id=membership_id,
                entered_at=now,
            )
        )
    for spec in HAND_ENTRIES:
        if spec.campaign_template not in by_template:
            continue
        entries.append(
            ManualResult(
                team_id=team_id,
                campaign_id=by_template[spec.campaign_template],
                kind=spec.kind,
                metric=spec.metric,
                value=spec.value,
                sample_size=spec.sample_size,
                period_start=today - timedelta(days=spec.days_ago[0]),
                period_end=today - timedelta(days=spec.days_ago[1]),
                language=spec.language,
                audience_region=spec.audience_region,
                source=spec.source,
                entered_by_membership_id=membership_id,
                entered_at=now,
            )
        )
    session.add_all(entries)
    session.commit()
    return len(entries)
