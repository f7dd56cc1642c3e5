"""A hand-built world of published posts, reach figures and results, whose figures are worked out by hand.

Shared by the dashboard and donor-report tests (a fixture of tests/integration/conftest.py).

The world: one campaign with two messages on two accounts.

- p1: message m1 (polio), Facebook in Urdu (account reaches Pakistan), published Mon 2 Nov 13:00 UTC;
  lifetime reach 1000 with 50 reactions, 10 comments and 5 shares.
- p2: m1, X in English (account reaches Afghanistan), Tue 3 Nov 15:30 UTC; lifetime impressions 400,
  engagements 20.
- p3: m2 (polio, refugees), Facebook in Pashto, Mon 9 Nov 13:00 UTC; daily rows 300/30 and 200/10, and a
  lifetime row of 999 that must be ignored because daily rows exist.
- An X post nobody linked: impressions 50.

By hand: WhatsApp views 100 for m1 (Urdu, Pakistan, 5 Nov), a survey at 62 % of 100 people, 40 offline
actions, and a voided entry of 999 offline actions that must not count.
"""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from planner import campaigns, messages, posts, reach_counted
from planner.models import ManualResult, Post, PostStatus, ReachFigure, ReachImport, Role
from tests.conftest import NOW, make_member, make_team


def _post(session: Session, team, campaign_id, message, variant, channel, when: datetime, drafter) -> Post:
    post = Post(
        team_id=team.id,
        campaign_id=campaign_id,
        message_id=message.id,
        variant_id=variant.id,
        channel_id=channel.id,
        scheduled_at=when,
        status=PostStatus.PUBLISHED,
        platform_post_id=f"native-{variant.id}",
        published_at=when,
        created_by_membership_id=drafter.membership_id,
        created_at=when,
    )
    session.add(post)
    session.commit()
    return post


@pytest.fixture
def world(session):
    team = make_team(session)
    admin = make_member(session, team, Role.ADMIN, username="samina")
    drafter = make_member(session, team, Role.DRAFTER, username="farid")
    plan = campaigns.create_campaign(
        session, actor=drafter, now=NOW, name="Polio", start_date=date(2026, 10, 20), end_date=date(2026, 12, 31)
    )
    for kind, fields in [
        (
            "objective",
            {"description": "Reach parents", "metric": "reach", "target": 1000, "deadline": date(2026, 12, 31)},
        ),
        (
            "objective",
            {
                "description": "Trust the drops",
                "metric": "survey-result",
                "baseline": 50,
                "target": 70,
                "deadline": date(2026, 12, 31),
            },
        ),
        ("kpi", {"metric": "survey-result", "target": 70, "data_source": "survey"}),
    ]:
        plan = campaigns.save_part(
            session, actor=drafter, now=NOW, campaign_id=plan.id, expected_version=plan.version, kind=kind, **fields
        )
    m1 = messages.create_message(
        session, actor=drafter, now=NOW, campaign_id=plan.id, title="Drops", themes=["polio-eradication"]
    )
    m2 = messages.create_message(
        session,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        title="Returnees",
        themes=["polio-eradication", "refugees-and-returnees"],
    )

    def variant(message, platform, language):
        saved = messages.save_variant(
            session,
            actor=drafter,
            now=NOW,
            message_id=message.id,
            expected_version=None,
            platform=platform,
            language=language,
            body="Peace",
        )
        return next(v for v in saved.variants if v.platform == platform and v.language == language)

    facebook = posts.add_channel(
        session, actor=admin, now=NOW, platform="facebook", name="Page", audience_region="pakistan"
    )
    x = posts.add_channel(session, actor=admin, now=NOW, platform="x", name="@handle", audience_region="afghanistan")
    p1 = _post(
        session,
        team,
        plan.id,
        m1,
        variant(m1, "facebook", "ur"),
        facebook,
        datetime(2026, 11, 2, 13, tzinfo=UTC),
        drafter,
    )
    p2 = _post(
        session, team, plan.id, m1, variant(m1, "x", "en"), x, datetime(2026, 11, 3, 15, 30, tzinfo=UTC), drafter
    )
    p3 = _post(
        session,
        team,
        plan.id,
        m2,
        variant(m2, "facebook", "ps"),
        facebook,
        datetime(2026, 11, 9, 13, tzinfo=UTC),
        drafter,
    )
    ledger = ReachImport(team_id=team.id, content_hash="0" * 64, kind="test", imported_at=NOW)
    session.add(ledger)
    session.commit()

    def figure(post, platform, period, **values):
        native = post.platform_post_id if post else "999"
        session.add(
            ReachFigure(
                team_id=team.id,
                platform=platform,
                platform_post_id=native,
                period=period,
                post_id=post.id if post else None,
                import_id=ledger.id,
                updated_at=NOW,
                **values,
            )
        )

    figure(p1, "facebook", "lifetime", reach=1000, reactions=50, comments=10, shares=5)
    figure(p2, "x", "lifetime", impressions=400, engagements=20)
    figure(p3, "facebook", "2026-11-09", reach=300, engagements=30)
    figure(p3, "facebook", "2026-11-10", reach=200, engagements=10)
    figure(p3, "facebook", "lifetime", reach=999, engagements=99)
    figure(None, "x", "lifetime", impressions=50)
    session.flush()
    reach_counted.rebuild(session, team_id=team.id)  # as the importer would have written them

    def by_hand(metric, value, **fields):
        session.add(
            ManualResult(
                team_id=team.id,
                campaign_id=plan.id,
                kind=fields.pop("kind", "survey"),
                metric=metric,
                value=value,
                period_start=fields.pop("start", date(2026, 11, 1)),
                period_end=fields.pop("end", date(2026, 11, 5)),
                source="counted",
                entered_by_membership_id=drafter.membership_id,
                entered_at=NOW,
                **fields,
            )
        )

    by_hand(
        "reach",
        100,
        kind="whatsapp-views",
        message_id=m1.id,
        platform="whatsapp",
        language="ur",
        audience_region="pakistan",
    )
    by_hand("survey-result", 62, sample_size=100)
    by_hand("offline-actions", 40, kind="offline-event")
    by_hand("offline-actions", 999, kind="offline-event", voided_at=NOW)
    session.commit()
    return {"team": team, "admin": admin, "drafter": drafter, "plan": plan, "posts": (p1, p2, p3), "m1": m1}
