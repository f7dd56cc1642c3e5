"""The reach dashboard's figures, each checked against an answer worked out by hand (both databases).

The world they are worked out on, and its figures, are described in tests/integration/reach_world.py (the
`world` fixture).
"""

from datetime import date

import pytest

from planner import accounts, charts, dashboard, messages, posts
from planner.dashboard import Filters
from planner.errors import NotFound, ValidationFailed
from planner.models import Role
from tests.conftest import NOW, PASSWORD, make_member, make_team


def board(session, world, **filters):
    return dashboard.dashboard(session, actor=world["drafter"], now=NOW, filters=Filters(**filters))


def slices(items):
    return {s.key: (s.seen, s.engagement, s.posts) for s in items}


def test_totals_and_tiers(session, world):
    tiers = board(session, world).tiers
    assert tiers.people_reached == 1000 + 400 + 500 + 50 + 100
    assert tiers.engagements == 65 + 20 + 40
    assert tiers.impressions == 450
    assert tiers.engagement_rate == pytest.approx(125 / 1900)
    assert (tiers.offline_actions, tiers.survey_agreeing, tiers.surveyed, tiers.surveys) == (40, 62, 100, 1)


def test_breakdowns_by_platform_language_audience_and_theme(session, world):
    result = board(session, world)
    assert slices(result.by_platform) == {"facebook": (1500, 105, 2), "x": (450, 20, 1), "whatsapp": (100, 0, 0)}
    assert slices(result.by_language) == {"ur": (1100, 65, 1), "en": (400, 20, 1), "ps": (500, 40, 1), "": (50, 0, 0)}
    assert slices(result.by_audience) == {"pakistan": (1600, 105, 2), "afghanistan": (400, 20, 1), "": (50, 0, 0)}
    assert slices(result.by_theme) == {"polio-eradication": (2000, 125, 3), "refugees-and-returnees": (500, 40, 1)}


def test_reach_over_time_dates_lifetime_totals_by_publication_and_uses_daily_rows(session, world):
    days = {d.day.isoformat(): d.seen for d in board(session, world).over_time}
    assert days == {"2026-11-02": 1000, "2026-11-03": 400, "2026-11-05": 100, "2026-11-09": 300, "2026-11-10": 200}
    weeks = charts.weekly(board(session, world).over_time)
    assert [(w.isoformat(), seen) for w, seen, _ in weeks] == [("2026-11-02", 1500), ("2026-11-09", 500)]


def test_top_posts_in_order_of_people_reached(session, world):
    p1, p2, p3 = world["posts"]
    top = board(session, world).top_posts
    assert [(t.post_id, t.seen, t.engagement) for t in top] == [(p1.id, 1000, 65), (p3.id, 500, 40), (p2.id, 400, 20)]
    assert top[0].engagement_rate == pytest.approx(0.065)


def test_heat_map_in_both_local_times_and_the_suggested_hour(session, world):
    result = board(session, world)
    cells = {(c.zone, c.weekday, c.hour): (c.posts, c.seen) for c in result.heat}
    # 13:00 UTC is 18:00 in Pakistan and 17:30 in Kabul; 15:30 UTC is 20:30 and 20:00.
    assert cells == {
        ("Pakistan", 0, 18): (2, 1500),
        ("Pakistan", 1, 20): (1, 400),
        ("Afghanistan", 0, 17): (2, 1500),
        ("Afghanistan", 1, 20): (1, 400),
    }
    # Only hours with at least two posts are suggested.
    assert [(c.weekday, c.hour) for c in result.suggestions["Pakistan"]] == [(0, 18)]
    assert "Monday 18:00–19:00" in charts.suggestion_text(result.suggestions["Pakistan"], "Pakistan")


def test_progress_against_objectives_and_kpis(session, world):
    progress = {(p.source, p.metric): p for p in board(session, world).progress}
    reach = progress[("objective", "reach")]
    assert (reach.so_far, reach.share) == (2000, 1.0)
    survey = progress[("objective", "survey-result")]
    assert survey.so_far == 62 and survey.share == pytest.approx((62 - 50) / (70 - 50))
    # A KPI on an objective's metric starts from that objective's baseline.
    assert progress[("kpi", "survey-result")].share == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("filters", "reached"),
    [
        ({"platforms": ("facebook",)}, 1500),
        ({"languages": ("ur",)}, 1100),
        ({"themes": ("refugees-and-returnees",)}, 500),
        ({"start": date(2026, 11, 3), "end": date(2026, 11, 9)}, 400 + 100 + 300),
        ({}, 2050),
    ],
)
def test_filters(session, world, filters, reached):
    assert board(session, world, **filters).tiers.people_reached == reached


def test_a_campaign_filter_leaves_out_figures_linked_to_nothing(session, world):
    result = board(session, world, campaign_id=world["plan"].id)
    assert result.tiers.people_reached == 2000 and result.posts_published == 3
    assert board(session, world).unlinked == 1


def test_another_teams_campaign_is_not_found(session, world):
    other = make_team(session, "kabul", "Kabul Circle")
    outsider = make_member(session, other, Role.ADMIN, username="outsider")
    with pytest.raises(NotFound):
        dashboard.dashboard(session, actor=outsider, now=NOW, filters=Filters(campaign_id=world["plan"].id))
    assert dashboard.dashboard(session, actor=outsider, now=NOW, filters=Filters()).tiers.people_reached == 0


def test_chart_tables_download_formula_safe(session, world):
    messages.update_message(
        session,
        actor=world["drafter"],
        now=NOW,
        message_id=world["m1"].id,
        expected_version=messages.get_message(
            session, actor=world["drafter"], now=NOW, message_id=world["m1"].id
        ).version,
        title='=HYPERLINK("http://evil.example","x")',
    )
    top = next(c for c in charts.all_charts(board(session, world)) if c.key == "top-posts")
    assert b"\"'=HYPERLINK(" in top.csv()


def test_an_account_audience_can_be_changed_and_must_be_known(session, world):
    account = posts.list_channels(session, actor=world["admin"], now=NOW)[0]
    changed = posts.set_channel_audience(
        session, actor=world["admin"], now=NOW, channel_id=account.id, audience_region="diaspora"
    )
    assert changed.audience_region == "diaspora"
    with pytest.raises(ValidationFailed):
        posts.set_channel_audience(
            session, actor=world["admin"], now=NOW, channel_id=account.id, audience_region="mars"
        )


def test_the_cache_stamp_moves_with_the_figures_not_with_log_ins(session, world):
    """The team's dashboard is cached under this stamp: a log-in must not rebuild it, a change of reach must."""
    before = dashboard.stamp(session, actor=world["drafter"], now=NOW)
    make_member(session, world["team"], Role.DRAFTER, username="newcomer")
    accounts.log_in(session, username="newcomer", password=PASSWORD, now=NOW)
    assert dashboard.stamp(session, actor=world["drafter"], now=NOW) == before
    account = posts.list_channels(session, actor=world["admin"], now=NOW)[0]
    posts.set_channel_audience(
        session, actor=world["admin"], now=NOW, channel_id=account.id, audience_region="diaspora"
    )
    after = dashboard.stamp(session, actor=world["drafter"], now=NOW)
    assert after.team_id == before.team_id and after.version > before.version
