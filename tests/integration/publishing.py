"""A factory for published posts, shared by the reach-linking, preview and manual-results tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from planner import campaigns, messages, posts, review
from planner.models import Role
from tests.conftest import NOW, make_member


@dataclass
class Desk:
    """A team's publishing desk: a drafter, a facilitator who approves, an admin who names accounts, a campaign."""

    session: object
    drafter: object
    facilitator: object
    admin: object
    campaign_id: int
    channels: dict[str, int] = field(default_factory=dict)

    def approved(self, *, platform: str, body: str, title: str, language: str = "en"):
        s = self.session
        message = messages.create_message(s, actor=self.drafter, now=NOW, campaign_id=self.campaign_id, title=title)
        message = messages.save_variant(
            s,
            actor=self.drafter,
            now=NOW,
            message_id=message.id,
            expected_version=None,
            platform=platform,
            language=language,
            body=body,
        )
        review.submit(s, actor=self.drafter, now=NOW, message_id=message.id)
        digest = review.review(s, actor=self.facilitator, now=NOW, message_id=message.id).content_hash
        return review.approve(s, actor=self.facilitator, now=NOW, message_id=message.id, content_hash_seen=digest)

    def scheduled(self, *, platform: str, body: str, title: str, language: str = "en", day: date = date(2026, 12, 1)):
        message = self.approved(platform=platform, body=body, title=title, language=language)
        if platform not in self.channels:
            channel = posts.add_channel(self.session, actor=self.admin, now=NOW, platform=platform, name=f"@{platform}")
            self.channels[platform] = channel.id
        [post] = posts.schedule_post(
            self.session,
            actor=self.drafter,
            now=NOW,
            variant_id=message.variants[0].id,
            channel_id=self.channels[platform],
            day=day,
            at=time(18),
            zone="Asia/Karachi",
        )
        return post

    def published(
        self,
        *,
        platform: str,
        body: str,
        title: str,
        native: str = "",
        link: str = "https://example.org/posted-by-hand",
        language: str = "en",
    ):
        post = self.scheduled(platform=platform, body=body, title=title, language=language)
        return posts.mark_published(
            self.session,
            actor=self.drafter,
            now=NOW,
            post_id=post.id,
            expected_version=post.version,
            permalink=link,
            platform_post_id=native,
        )


def desk(session, team, drafter, *, campaign: str = "Shared grief") -> Desk:
    facilitator = make_member(session, team, Role.FACILITATOR, username=f"tahir-{team.slug}")
    admin = make_member(session, team, Role.ADMIN, username=f"samina-{team.slug}")
    plan = campaigns.create_campaign(
        session, actor=drafter, now=NOW, name=campaign, start_date=date(2026, 11, 20), end_date=date(2027, 1, 31)
    )
    return Desk(session, drafter, facilitator, admin, plan.id)
