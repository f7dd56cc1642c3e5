"""A seeded synthetic workload the size of a large NGO network's two years: campaigns, posts, reach.

Everything but the reach figures is written with bulk Core inserts (setting up is not what is
measured); the reach figures arrive through the real importer, as a 1,000,000-row Facebook export
of daily rows plus lifetime exports for the other platforms.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, insert, select

from planner import passwords
from planner.models import (
    Campaign,
    Channel,
    Kpi,
    Membership,
    Message,
    Objective,
    Post,
    PostStatus,
    Role,
    Team,
    User,
    Variant,
)
from planner.themes import catalog

PASSWORD = "bench pass phrase 2026"  # noqa: S105 - the synthetic workload's only account
PLATFORMS = ("facebook", "x", "instagram", "youtube", "tiktok", "whatsapp", "telegram", "linkedin")
LANGUAGES = ("ur", "ps", "fa", "en")
REGIONS = {"facebook": "pakistan", "x": "cross-border", "instagram": "pakistan", "youtube": "afghanistan"}
CHUNK = 20_000


@dataclass(frozen=True)
class Size:
    campaigns: int = 200
    posts: int = 50_000
    daily_rows: int = 1_000_000

    def scaled(self, factor: float) -> Size:
        return Size(int(self.campaigns * factor), int(self.posts * factor), int(self.daily_rows * factor))


@dataclass
class World:
    team_id: int
    team_slug: str
    username: str
    campaign_ids: list[int]
    facebook_posts: list[tuple[str, datetime]] = field(default_factory=list)  # (post id, published)
    other_posts: list[tuple[str, str, datetime]] = field(default_factory=list)  # (platform, post id, published)


def _chunks(rows: list[dict], size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(connection, model, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        connection.execute(insert(model), chunk)


def seed(engine: Engine, size: Size, *, now: datetime, seed: int = 2026) -> World:
    """Create the team, its campaigns, messages, variants, accounts and published posts."""
    rng = random.Random(seed)
    themes = catalog().ids()
    start = now - timedelta(days=730)
    with engine.begin() as connection:
        team_id = connection.execute(
            insert(Team).values(slug="bench", name="Benchmark Network", created_at=now).returning(Team.id)
        ).scalar_one()
        user_id = connection.execute(
            insert(User)
            .values(
                username="bench-admin",
                display_name="Bench admin",
                password_hash=passwords.hash_password(PASSWORD),
                created_at=now,
            )
            .returning(User.id)
        ).scalar_one()
        membership_id = connection.execute(
            insert(Membership)
            .values(team_id=team_id, user_id=user_id, role=Role.ADMIN, created_at=now)
            .returning(Membership.id)
        ).scalar_one()
        campaigns = []
        for number in range(size.campaigns):
            first = (start + timedelta(days=rng.randrange(0, 690))).date()
            campaigns.append(
                {
                    "team_id": team_id,
                    "name": f"Campaign {number + 1:03d}",
                    "name_key": f"campaign {number + 1:03d}",
                    "status": "active",
                    "countries": ["PK", "AF"],
                    "languages": list(LANGUAGES),
                    "themes": [],
                    "media_platforms": list(PLATFORMS[:5]),
                    "media_formats": [],
                    "start_date": first,
                    "end_date": first + timedelta(days=60),
                    "owner_membership_id": membership_id,
                    "created_by_membership_id": membership_id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        _insert(connection, Campaign, campaigns)
        campaign_ids = list(connection.execute(select(Campaign.id).where(Campaign.team_id == team_id)).scalars())
        parts = []
        for campaign_id in campaign_ids:
            parts.append({"team_id": team_id, "campaign_id": campaign_id, "metric": "reach", "target": 100_000.0})
        _insert(connection, Kpi, [p | {"data_source": "platform-exports"} for p in parts])
        _insert(
            connection,
            Objective,
            [p | {"description": "Reach people", "baseline": 0.0, "deadline": now.date()} for p in parts],
        )
        messages = []
        for campaign_id in campaign_ids:
            for number in range(10):
                messages.append(
                    {
                        "team_id": team_id,
                        "campaign_id": campaign_id,
                        "title": f"Message {campaign_id}-{number}",
                        "themes": rng.sample(themes, rng.choice((1, 1, 2))),
                        "sources": [],
                        "status": "published",
                        "created_by_membership_id": membership_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        _insert(connection, Message, messages)
        message_rows = connection.execute(
            select(Message.id, Message.campaign_id).where(Message.team_id == team_id)
        ).all()
        channels = [
            {
                "team_id": team_id,
                "platform": p,
                "name": f"{p} account",
                "audience_region": REGIONS.get(p, "cross-border"),
            }
            | {"active": True, "created_at": now}
            for p in PLATFORMS
        ]
        _insert(connection, Channel, channels)
        channel_ids = dict(
            connection.execute(select(Channel.platform, Channel.id).where(Channel.team_id == team_id)).tuples().all()
        )
        variants = []
        for message_id, _campaign_id in message_rows:
            # Half of all variants are Facebook: the daily export covers half of the posts.
            for platform in ("facebook", rng.choice(PLATFORMS[1:5])):
                variants.append(
                    {
                        "team_id": team_id,
                        "message_id": message_id,
                        "platform": platform,
                        "language": rng.choice(LANGUAGES),
                        "body": "Peace travels both ways across the border.",
                        "updated_by_membership_id": membership_id,
                        "updated_at": now,
                    }
                )
        _insert(connection, Variant, variants)
        variant_rows = connection.execute(
            select(Variant.id, Variant.platform, Message.id, Message.campaign_id)
            .join(Message, Message.id == Variant.message_id)
            .where(Variant.team_id == team_id)
        ).all()
        per_variant = max(1, size.posts // len(variant_rows))
        posts, world = [], World(team_id, "bench", "bench-admin", campaign_ids)
        for variant_id, platform, message_id, campaign_id in variant_rows:
            for _ in range(per_variant):
                published = (start + timedelta(minutes=rng.randrange(0, 700 * 24 * 60))).replace(
                    second=0, microsecond=0
                )
                native = str(10**15 + len(posts))
                posts.append(
                    {
                        "team_id": team_id,
                        "campaign_id": campaign_id,
                        "message_id": message_id,
                        "variant_id": variant_id,
                        "channel_id": channel_ids[platform],
                        "scheduled_at": published,
                        "entered_zone": "Asia/Karachi",
                        "status": PostStatus.PUBLISHED,
                        "platform_post_id": native,
                        "permalink": f"https://{platform}.example.org/p/{native}",
                        "published_at": published,
                        "created_by_membership_id": membership_id,
                        "created_at": published,
                    }
                )
                if platform == "facebook":
                    world.facebook_posts.append((native, published))
                else:
                    world.other_posts.append((platform, native, published))
        _insert(connection, Post, posts)
    return world


def facebook_daily_export(world: World, size: Size, *, seed: int = 7) -> bytes:
    """A Meta Business Suite Facebook posts export of `size.daily_rows` daily rows (UTF-8 with BOM)."""
    rng = random.Random(seed)
    days = -(-size.daily_rows // max(1, len(world.facebook_posts)))  # enough days to make up the rows
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(
        ["Post ID", "Page ID", "Publish time", "Permalink", "Date", "Reach", "Reactions", "Comments", "Shares"]
    )
    written = 0
    for native, published in world.facebook_posts:
        first = published.date()
        stamp = f"{published:%m/%d/%Y %H:%M}"
        link = f"https://facebook.example.org/p/{native}"
        for offset in range(days):
            if written == size.daily_rows:
                break
            day: date = first + timedelta(days=offset)
            reach = rng.randrange(20, 4000)
            writer.writerow(
                [
                    native,
                    "104857600123456",
                    stamp,
                    link,
                    f"{day:%m/%d/%Y}",
                    reach,
                    reach // 20,
                    reach // 90,
                    reach // 150,
                ]
            )
            written += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
