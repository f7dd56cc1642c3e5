"""Time zones and calendar warnings: Pakistan UTC+5, Afghanistan UTC+4:30, stored in UTC."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.errors import ValidationFailed
from planner.timing import PostFacts, both_local, check_future, to_utc, warnings, weekly

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "utc"),
    [
        ("Asia/Karachi", datetime(2026, 11, 23, 9, 30, tzinfo=UTC)),
        ("Asia/Kabul", datetime(2026, 11, 23, 10, 0, tzinfo=UTC)),
        ("UTC", datetime(2026, 11, 23, 14, 30, tzinfo=UTC)),
    ],
)
def test_a_local_time_is_stored_as_the_right_utc_instant(zone, utc):
    assert to_utc(date(2026, 11, 23), time(14, 30), zone) == utc


def test_both_local_times_show_the_half_hour_and_the_date_change():
    late = datetime(2026, 11, 23, 19, 15, tzinfo=UTC)
    assert both_local(late) == "Tue 24 Nov 00:15 PKT · Mon 23 Nov 23:45 AFT"
    assert both_local(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)) == "Mon 23 Nov 14:00 PKT · 13:30 AFT"


def test_when_something_happened_shows_both_local_times_with_the_year():
    assert both_local(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), dated=True) == "23 Nov 2026 14:00 PKT · 13:30 AFT"
    new_year = datetime(2026, 12, 31, 19, 15, tzinfo=UTC)
    assert both_local(new_year, dated=True) == "01 Jan 2027 00:15 PKT · 31 Dec 2026 23:45 AFT"


def test_past_and_naive_times_are_refused():
    with pytest.raises(ValidationFailed, match="passed"):
        check_future(NOW - timedelta(minutes=1), NOW)
    with pytest.raises(ValidationFailed, match="time zone"):
        check_future(datetime(2027, 1, 1, 9, 0), NOW)


def test_an_unknown_zone_is_refused():
    with pytest.raises(ValidationFailed):
        to_utc(date(2027, 1, 1), time(9), "Europe/Berlin")


def test_weekly_repeats_keep_the_local_time_until_the_last_day():
    first = to_utc(date(2026, 11, 23), time(18, 0), "Asia/Kabul")
    series = weekly(first, date(2026, 12, 14), "Asia/Kabul")
    assert len(series) == 4
    assert {t.astimezone(ZoneInfo("Asia/Kabul")).strftime("%a %H:%M") for t in series} == {"Mon 18:00"}


def facts(post_id, minutes, channel=1, text="Two cities, one grief", campaign=1):
    return PostFacts(post_id, channel, "Youth Page", campaign, NOW + timedelta(minutes=minutes), text)


def kinds(found):
    return sorted(w.kind for w in found)


def test_more_posts_on_one_channel_within_an_hour_than_the_limit_is_flagged():
    posts = [facts(1, 0, text="a"), facts(2, 20, text="b"), facts(3, 50, text="c")]
    assert kinds(warnings(posts, per_hour_limit=2, windows={}, paused=False)) == ["busy-channel"]
    assert warnings(posts[:2], per_hour_limit=2, windows={}, paused=False) == []


def test_posts_on_different_channels_do_not_add_up():
    posts = [facts(1, 0, channel=1, text="a"), facts(2, 10, channel=2, text="b"), facts(3, 20, channel=3, text="c")]
    assert warnings(posts, per_hour_limit=1, windows={}, paused=False) == []


def test_a_post_outside_its_campaign_window_is_flagged():
    window = {1: (date(2026, 12, 1), date(2026, 12, 31))}
    assert kinds(warnings([facts(1, 0)], per_hour_limit=5, windows=window, paused=False)) == ["outside-window"]


def test_posts_during_a_crisis_pause_are_flagged():
    assert kinds(warnings([facts(1, 0)], per_hour_limit=5, windows={}, paused=True)) == ["crisis-pause"]


def test_the_same_text_twice_on_one_channel_within_three_days_is_flagged():
    same = [facts(1, 0), facts(2, 60 * 24 * 2)]
    assert kinds(warnings(same, per_hour_limit=5, windows={}, paused=False)) == ["repeated-text"]
    apart = [facts(1, 0), facts(2, 60 * 24 * 4)]
    assert warnings(apart, per_hour_limit=5, windows={}, paused=False) == []
