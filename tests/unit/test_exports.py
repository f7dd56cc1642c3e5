"""Exports read back with independent readers: the icalendar library for calendars, Python's csv for sheets."""

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from planner.exports import (
    MAX_ROWS_PER_FILE,
    PLAN_COLUMNS,
    ExportPost,
    export_filename,
    neutralise,
    to_csv,
    to_hootsuite,
    to_ics,
    to_sprout,
)
from tests.conftest import in_a_fresh_process

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
TOMORROW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
URDU = "ہم سب کا دکھ ایک ہے، آئیے مل کر یاد کریں۔"
DARI = "غم ما یکی است"
FORMULA = '=HYPERLINK("http://x","y")'
PKT = timezone(timedelta(hours=5))
TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "\0"]


def make_post(**overrides) -> ExportPost:
    fields = {
        "post_id": 7,
        "team_slug": "demo",
        "campaign_name": "Remembering 24 July",
        "message_title": DARI,
        "platform": "x",
        "platform_label": "X (Twitter)",
        "language": "fa",
        "channel": "Youth Dialogue Page",
        "title": "",
        "text": URDU,
        "scheduled_at": TOMORROW,
        "status": "scheduled",
        "themes": ("Victims of terrorism", "Youth dialogue"),
        "permalink": "",
    }
    return ExportPost(**(fields | overrides))


def posts_every(count: int, minutes: int, start: datetime = TOMORROW) -> list[ExportPost]:
    return [
        make_post(post_id=n, scheduled_at=start + timedelta(minutes=minutes * n), text=f"Post {n}")
        for n in range(count)
    ]


def events(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def read_csv(data: bytes, *, bom: bool) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf") is bom
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def plan_rows(posts) -> list[dict[str, str]]:
    header, *rows = read_csv(to_csv(posts), bom=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def all_cells(data: bytes, *, bom: bool) -> list[str]:
    return [cell for row in read_csv(data, bom=bom) for cell in row]


# Calendar


def test_each_post_becomes_one_calendar_event_starting_at_its_utc_time():
    posts = [make_post(post_id=1), make_post(post_id=2, scheduled_at=TOMORROW + timedelta(hours=3))]
    found = events(to_ics(posts, now=NOW))
    assert [event["DTSTART"].dt for event in found] == [TOMORROW, TOMORROW + timedelta(hours=3)]
    assert all(event["DTSTART"].dt.utcoffset() == timedelta(0) for event in found)
    assert b"DTSTART:20261123T093000Z" in to_ics(posts, now=NOW)


def test_a_post_keeps_the_same_uid_across_two_exports():
    first = events(to_ics([make_post(post_id=41)], now=NOW))
    later = events(to_ics([make_post(post_id=41, text="edited")], now=NOW + timedelta(days=2)))
    assert str(first[0]["UID"]) == str(later[0]["UID"]) == "post-41@demo.planner"


def test_urdu_and_dari_text_survives_the_calendar_intact():
    long_urdu = URDU * 6  # longer than one 75-octet iCalendar line, so it is folded
    (event,) = events(to_ics([make_post(text=long_urdu)], now=NOW))
    assert DARI in str(event["SUMMARY"])
    assert long_urdu in str(event["DESCRIPTION"])


def test_the_summary_names_platform_language_and_message():
    (event,) = events(to_ics([make_post()], now=NOW))
    assert str(event["SUMMARY"]) == f"[X · Dari] {DARI}"


def test_the_description_gives_both_local_times_and_the_campaign():
    (event,) = events(to_ics([make_post()], now=NOW))
    description = str(event["DESCRIPTION"])
    assert "Pakistan: 2026-11-23 14:30" in description
    assert "Afghanistan: 2026-11-23 14:00" in description
    assert "Campaign: Remembering 24 July" in description


def test_an_event_lasts_fifteen_minutes_carries_its_themes_and_is_stamped_now():
    calendar = Calendar.from_ical(to_ics([make_post(themes=("Polio, eradication", "Youth dialogue"))], now=NOW))
    (event,) = calendar.walk("VEVENT")
    assert event["DURATION"].dt == timedelta(minutes=15)
    assert [str(category) for category in event["CATEGORIES"].cats] == ["Polio, eradication", "Youth dialogue"]
    assert event["DTSTAMP"].dt == NOW
    assert "campaign planner" in str(calendar["PRODID"]).lower()
    assert str(calendar["VERSION"]) == "2.0"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("scheduled", "CONFIRMED"),
        ("published", "CONFIRMED"),
        ("on_hold", "CANCELLED"),
        ("held", "CANCELLED"),
        ("failed", "CANCELLED"),
    ],
)
def test_held_and_failed_posts_are_cancelled_events(status, expected):
    (event,) = events(to_ics([make_post(status=status)], now=NOW))
    assert str(event["STATUS"]) == expected


# Plan spreadsheet


def test_the_plan_csv_has_a_bom_the_agreed_columns_and_every_cell_quoted():
    data = to_csv([make_post(post_id=42)])
    text = data.decode("utf-8-sig")
    header_line, first_line = text.split("\r\n")[:2]
    assert header_line == ",".join(f'"{column}"' for column in PLAN_COLUMNS)
    assert first_line.startswith('"42","Remembering 24 July",')
    assert read_csv(data, bom=True)[0] == list(PLAN_COLUMNS)


def test_the_plan_csv_holds_the_expected_values():
    post = make_post(post_id=42, title="A title", permalink="https://example.org/p/1")
    (row,) = plan_rows([post])
    assert row == {
        "post_id": "42",
        "campaign": "Remembering 24 July",
        "message": DARI,
        "platform": "X (Twitter)",
        "language": "Dari",
        "channel": "Youth Dialogue Page",
        "status": "scheduled",
        "themes": "Victims of terrorism; Youth dialogue",
        "scheduled_utc": "2026-11-23T09:30:00Z",
        "pakistan_time": "2026-11-23 14:30",
        "afghanistan_time": "2026-11-23 14:00",
        "title": "A title",
        "text": URDU,
        "permalink": "https://example.org/p/1",
    }


@pytest.mark.parametrize(
    ("utc", "pakistan", "afghanistan"),
    [
        (datetime(2026, 11, 23, 23, 45, tzinfo=UTC), "2026-11-24 04:45", "2026-11-24 04:15"),
        (datetime(2026, 12, 31, 19, 30, tzinfo=UTC), "2027-01-01 00:30", "2027-01-01 00:00"),
        (datetime(2026, 11, 23, 19, 15, tzinfo=UTC), "2026-11-24 00:15", "2026-11-23 23:45"),
    ],
)
def test_local_times_are_utc_plus_five_and_utc_plus_four_and_a_half_across_midnight(utc, pakistan, afghanistan):
    (row,) = plan_rows([make_post(scheduled_at=utc)])
    assert (row["pakistan_time"], row["afghanistan_time"]) == (pakistan, afghanistan)


def test_a_time_given_in_another_zone_is_exported_as_the_same_utc_instant():
    karachi_evening = datetime(2026, 11, 24, 4, 45, tzinfo=PKT)
    (row,) = plan_rows([make_post(scheduled_at=karachi_evening)])
    assert row["scheduled_utc"] == "2026-11-23T23:45:00Z"


def test_post_ids_stay_numbers_in_the_plan_csv():
    (row,) = plan_rows([make_post(post_id=1234)])
    assert row["post_id"] == "1234"


@pytest.mark.parametrize("trigger", TRIGGERS, ids=repr)
@pytest.mark.parametrize("field", ["campaign_name", "message_title", "channel", "text", "title", "permalink"])
def test_every_text_cell_of_the_plan_csv_starting_with_a_formula_character_is_neutralised(trigger, field):
    value = trigger + "SUM(A1:A9)"
    (row,) = plan_rows([make_post(**{field: value})])
    assert "'" + value in row.values()


# Neutralisation


@pytest.mark.parametrize("trigger", TRIGGERS, ids=repr)
def test_a_cell_starting_with_a_formula_character_gets_a_leading_apostrophe(trigger):
    assert neutralise(trigger + "cmd") == "'" + trigger + "cmd"


@pytest.mark.parametrize("value", ["", "hello", URDU, "1+1", "'quoted", "#hashtag", "a=b"])
def test_a_cell_that_cannot_start_a_formula_is_left_alone(value):
    assert neutralise(value) == value


def test_a_message_titled_as_a_formula_exports_inert_in_every_csv():
    post = make_post(message_title=FORMULA, text=FORMULA)
    exports = {
        "plan": all_cells(to_csv([post]), bom=True),
        "hootsuite": all_cells(to_hootsuite([post], now=NOW, team_slug="demo").files[0][1], bom=False),
        "sprout": all_cells(to_sprout([post], now=NOW, team_slug="demo").files[0][1], bom=False),
    }
    for name, cells in exports.items():
        assert "'" + FORMULA in cells, name
        assert not [cell for cell in cells if cell[:1] in TRIGGERS], name


def test_bulk_files_quote_every_cell():
    hootsuite = to_hootsuite([make_post(text="plain")], now=NOW, team_slug="demo").files[0][1]
    sprout = to_sprout([make_post(text="plain")], now=NOW, team_slug="demo").files[0][1]
    assert hootsuite.decode() == '"11/23/2026 14:30","plain",""\r\n'
    assert sprout.decode() == '"date","time_24hr","message_text"\r\n"11/23/2026","14:30","plain"\r\n'


# Hootsuite


def test_hootsuite_rows_are_local_date_time_message_and_link_without_a_header():
    post = make_post(text=f"{URDU} https://example.org/yaad")
    result = to_hootsuite([post], now=NOW, team_slug="demo")
    data = result.files[0][1]
    assert read_csv(data, bom=False) == [
        ["11/23/2026 14:30", f"{URDU} https://example.org/yaad", "https://example.org/yaad"]
    ]
    assert (result.rows, result.problems) == (1, [])


def test_hootsuite_times_follow_the_chosen_zone():
    result = to_hootsuite([make_post()], now=NOW, tz="Asia/Kabul", team_slug="demo")
    assert read_csv(result.files[0][1], bom=False)[0][0] == "11/23/2026 14:00"


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("see example.org/a then https://second.org/b and http://third.pk", "https://second.org/b"),
        ("HTTP://SHOUT.pk/x first", "HTTP://SHOUT.pk/x"),
        ("no address here, only example.org", ""),
        (URDU, ""),
    ],
)
def test_the_hootsuite_link_column_holds_the_first_web_address_or_nothing(text, link):
    result = to_hootsuite([make_post(text=text)], now=NOW, team_slug="demo")
    assert read_csv(result.files[0][1], bom=False)[0][2] == link


def test_hootsuite_splits_351_rows_into_two_files_of_350_and_1():
    result = to_hootsuite(posts_every(351, minutes=5), now=NOW, team_slug="demo")
    sizes = [len(read_csv(data, bom=False)) for _, data in result.files]
    assert sizes == [MAX_ROWS_PER_FILE, 1]
    assert result.rows == 351
    names = [name for name, _ in result.files]
    assert names == ["demo-hootsuite-20261122-0930-part1.csv", "demo-hootsuite-20261122-0930-part2.csv"]


def test_hootsuite_keeps_350_rows_in_one_file_without_a_part_number():
    result = to_hootsuite(posts_every(350, minutes=5), now=NOW, team_slug="demo")
    assert [name for name, _ in result.files] == ["demo-hootsuite-20261122-0930.csv"]


def test_hootsuite_reports_a_past_time_and_a_1432_time_and_exports_the_rest():
    past = make_post(post_id=1, scheduled_at=NOW - timedelta(hours=1), text="past")
    off_mark = make_post(post_id=2, scheduled_at=datetime(2026, 11, 23, 9, 32, tzinfo=UTC), text="off mark")
    good = [make_post(post_id=3, text="good one"), make_post(post_id=4, scheduled_at=TOMORROW + timedelta(hours=1))]
    result = to_hootsuite([past, off_mark, *good], now=NOW, team_slug="demo")
    assert [(p.post_id, p.column, p.value) for p in result.problems] == [
        (1, "date_time", "11/22/2026 13:30"),
        (2, "date_time", "11/23/2026 14:32"),
    ]
    assert "10 minutes" in result.problems[0].reason and "5-minute" in result.problems[1].reason
    rows = read_csv(result.files[0][1], bom=False)
    assert [row[1] for row in rows] == ["good one", URDU]
    assert result.rows == 2


def test_hootsuite_reports_a_time_less_than_ten_minutes_ahead_but_takes_one_exactly_ten_ahead():
    soon = make_post(post_id=1, scheduled_at=NOW + timedelta(minutes=5))
    just_enough = make_post(post_id=2, scheduled_at=NOW + timedelta(minutes=10))
    result = to_hootsuite([soon, just_enough], now=NOW, team_slug="demo")
    assert [p.post_id for p in result.problems] == [1]
    assert result.rows == 1


def test_hootsuite_reports_a_time_with_seconds_instead_of_dropping_them():
    result = to_hootsuite([make_post(scheduled_at=TOMORROW + timedelta(seconds=20))], now=NOW, team_slug="demo")
    assert [(p.column, p.value) for p in result.problems] == [("date_time", "11/23/2026 14:30")]
    assert result.files == [] and result.rows == 0


@pytest.mark.parametrize("status", ["published", "held", "on_hold", "failed", "cancelled"])
def test_posts_that_are_not_scheduled_stay_out_of_bulk_files(status):
    for export in (to_hootsuite, to_sprout):
        result = export([make_post(status=status)], now=NOW, team_slug="demo")
        assert [(p.column, p.value) for p in result.problems] == [("status", status)]
        assert result.rows == 0


def test_whatsapp_posts_are_reported_for_posting_by_hand():
    post = make_post(platform="whatsapp", platform_label="WhatsApp Channel")
    result = to_hootsuite([post], now=NOW, team_slug="demo")
    assert [(p.column, p.value) for p in result.problems] == [("platform", "WhatsApp Channel")]


# Sprout Social


def test_sprout_header_is_exactly_date_time_24hr_message_text():
    rows = read_csv(to_sprout([make_post()], now=NOW, team_slug="demo").files[0][1], bom=False)
    assert rows == [["date", "time_24hr", "message_text"], ["11/23/2026", "14:30", URDU]]


def test_sprout_splits_at_350_rows_each_with_its_own_header():
    result = to_sprout(posts_every(351, minutes=10), now=NOW, team_slug="demo")
    files = [read_csv(data, bom=False) for _, data in result.files]
    assert [len(rows) - 1 for rows in files] == [350, 1]
    assert all(rows[0] == ["date", "time_24hr", "message_text"] for rows in files)
    assert files[1][1][2] == "Post 350"
    assert result.rows == 351 and result.problems == []


def test_sprout_reports_a_past_time_and_exports_the_rest():
    past = make_post(post_id=1, scheduled_at=NOW - timedelta(days=1))
    result = to_sprout([past, make_post(post_id=2)], now=NOW, team_slug="demo")
    assert [(p.post_id, p.column, p.value) for p in result.problems] == [(1, "time_24hr", "11/21/2026 14:30")]
    assert result.rows == 1


def test_sprout_reports_a_message_less_than_ten_minutes_after_the_one_before():
    result = to_sprout(posts_every(3, minutes=5), now=NOW, team_slug="demo")
    assert [p.post_id for p in result.problems] == [1]
    assert "post 0" in result.problems[0].reason
    assert [row[2] for row in read_csv(result.files[0][1], bom=False)[1:]] == ["Post 0", "Post 2"]


def test_sprout_accepts_minutes_off_the_five_minute_marks():
    result = to_sprout([make_post(scheduled_at=datetime(2026, 11, 23, 9, 32, tzinfo=UTC))], now=NOW, team_slug="demo")
    assert result.problems == [] and read_csv(result.files[0][1], bom=False)[1][1] == "14:32"


def test_nothing_to_export_gives_no_files():
    assert to_sprout([], now=NOW, team_slug="demo") == to_hootsuite([], now=NOW, team_slug="demo")
    assert to_sprout([], now=NOW, team_slug="demo").files == []


# File names


def test_export_file_names_are_made_by_the_server_from_kind_team_and_time():
    assert export_filename("ics", "demo", NOW) == "demo-plan-20261122-0930.ics"
    assert export_filename("csv", "demo", NOW) == "demo-plan-20261122-0930.csv"
    assert export_filename("sprout", "demo", NOW, part=2) == "demo-sprout-20261122-0930-part2.csv"


def test_the_file_name_time_is_utc_whatever_zone_now_comes_in():
    karachi_now = NOW.astimezone(PKT)
    assert export_filename("ics", "demo", karachi_now) == "demo-plan-20261122-0930.ics"


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("Demo Team!", "demo-team"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\0b\r\nc.csv", "a-b-c-csv"),
        ("ٹیم", "team"),
        ("--", "team"),
        ("x" * 80, "x" * 40),
    ],
)
def test_a_team_slug_with_odd_characters_is_sanitised(slug, expected):
    name = export_filename("hootsuite", slug, NOW)
    assert name == f"{expected}-hootsuite-20261122-0930.csv"


def test_bulk_file_names_contain_no_user_text():
    user_text = {"campaign_name": "Secret campaign", "channel": "Evil<script>", "text": "=cmd|' /C calc'!A0"}
    posts = [replace(post, **user_text) for post in posts_every(351, minutes=10)]
    names = [
        name
        for export in (to_hootsuite, to_sprout)
        for name, _ in export(posts, now=NOW, team_slug="../Team Ümlaut/..").files
    ]
    assert len(names) == 4
    for name in names:
        assert re.fullmatch(r"team-mlaut-(hootsuite|sprout)-20261122-0930-part[12]\.csv", name)


def test_an_unknown_export_kind_is_refused():
    with pytest.raises(ValueError, match="unknown export kind"):
        export_filename("../evil", "demo", NOW)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        make_post(scheduled_at=datetime(2026, 11, 23, 9, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        to_ics([make_post()], now=datetime(2026, 11, 22, 9, 30))


def test_posts_are_normalised_to_utc():
    post = make_post(scheduled_at=datetime(2026, 11, 23, 14, 30, tzinfo=PKT))
    assert post.scheduled_at == TOMORROW and post.scheduled_at.tzinfo is UTC
    assert replace(post, post_id=8).scheduled_at.tzinfo is UTC


def test_a_server_process_holds_icalendar_only_once_it_builds_a_calendar_file():
    """icalendar costs about 8 MB a process; the app's pages and services load without it, and the first
    calendar file still builds."""
    script = (
        "import sys\n"
        "import ui.session, planner.posts, planner.report, planner.audit\n"
        "assert 'icalendar' not in sys.modules, 'icalendar was loaded with the app'\n"
        "from datetime import UTC, datetime\n"
        "from planner.exports import to_ics\n"
        "print(to_ics([], now=datetime(2026, 11, 22, tzinfo=UTC)).decode().splitlines()[0])\n"
    )
    assert in_a_fresh_process(script) == "BEGIN:VCALENDAR"
