"""Reading platform analytics exports: every kind is recognised, every bad row is named, nothing else escapes."""

import codecs
import csv
import hashlib
import io
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import reach_files
from planner.errors import ContentError, ValidationFailed
from planner.reach_files import FileRefused, ParsedFile, RowError, load_formats, parse_export, reach_formats

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reach"
TIKTOK_RANGE = (date(2026, 11, 1), date(2027, 1, 15))
X_HEADER = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def x_file(*rows: str) -> bytes:
    """A small current-X export; each row gives the cells after the header's first four as one string."""
    return "\n".join([X_HEADER, *rows]).encode("utf-8")


def x_row(post_id: str = "1234567890123456789", impressions: str = "10", likes: str = "1") -> str:
    return f'{post_id},"Tue, Jul 14, 2026",text,,{impressions},{likes},,'


def by_id(parsed: ParsedFile) -> dict:
    return {row.post_id: row for row in parsed.rows}


# --- each kind is recognised and read ----------------------------------------------------------------------


def test_a_meta_facebook_export_with_a_bom_33_columns_and_mixed_case_headers_is_read_exactly():
    data = fixture("meta-facebook-posts.csv")
    assert data.startswith(codecs.BOM_UTF8)
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(header) == 33 and "Page id" in header and "Reactions, comments and shares" in header

    parsed = parse_export(data, filename="Nov-01-2026_Nov-30-2026.csv")

    assert (parsed.kind, parsed.errors) == ("meta-facebook-posts", [])
    first, reel = parsed.rows
    assert first.post_id == "1234567890123456789"
    assert first.platform == "facebook" and first.lifetime and first.day is None
    assert first.published_at == datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    assert first.permalink == "https://www.facebook.com/pakafghanyouth/posts/pfbid02AbCdEf"
    assert first.metrics == {
        "views": 12400,
        "reach": 9870,
        "engagements": 532,
        "reactions": 410,
        "comments": 87,
        "shares": 35,
        "clicks": 1203,
    }
    assert "کابل اور لاہور" in first.text
    assert reel.post_id == "109876543210987_122145678901234567"
    assert "comments" not in reel.metrics and "clicks" not in reel.metrics  # "--" and empty are absent
    assert reel.text == "Polio drops save lives\nTwo drops, every child, both sides of the border."


def test_a_utf16_instagram_export_with_a_sep_line_keeps_ids_and_reads_thousands_separators():
    data = fixture("meta-instagram-content-utf16.csv")
    assert data.startswith(codecs.BOM_UTF16_LE) and data.decode("utf-16").startswith("sep=,")

    parsed = parse_export(data)

    assert (parsed.kind, parsed.errors) == ("meta-instagram-content", [])
    image = by_id(parsed)["17912345678901234"]
    assert image.platform == "instagram"
    assert image.metrics == {
        "views": 12400,
        "reach": 8020,
        "likes": 640,
        "shares": 45,
        "follows": 12,
        "comments": 38,
        "saves": 77,
    }
    assert image.text == "دوستی کی کوئی سرحد نہیں #PakAfghanYouth"
    assert "follows" not in by_id(parsed)["18023456789012345"].metrics


def test_the_current_x_export_keeps_19_digit_ids_as_strings_and_a_date_without_time_is_not_a_moment():
    parsed = parse_export(fixture("x-current.csv"))

    assert (parsed.kind, parsed.errors) == ("x-current", [])
    post = by_id(parsed)["1234567890123456789"]
    assert isinstance(post.post_id, str)
    assert post.published_at is None and post.published_on == date(2026, 7, 14)
    assert post.metrics == {
        "impressions": 1234,
        "likes": 56,
        "engagements": 210,
        "saves": 4,
        "follows": 3,
        "comments": 7,
        "shares": 19,
        "clicks": 9,
    }
    assert by_id(parsed)["1234567890123456790"].permalink == "https://x.com/i/web/status/1234567890123456790"


def test_the_legacy_x_export_turns_written_offsets_into_utc_and_keeps_the_engagement_rate():
    parsed = parse_export(fixture("x-legacy.csv"))

    assert (parsed.kind, parsed.errors) == ("x-legacy", [])
    first = by_id(parsed)["1412345678901234567"]
    assert first.published_at == datetime(2026, 7, 14, 9, 30, tzinfo=UTC)
    assert first.metrics["impressions"] == 2044 and isinstance(first.metrics["impressions"], int)
    assert first.metrics["engagement_rate"] == pytest.approx(0.04256360078277886)
    evening = by_id(parsed)["1412345678901234999"]
    assert evening.published_at == datetime(2026, 7, 15, 16, 5, tzinfo=UTC)  # 21:05 at +0500
    assert evening.published_on == date(2026, 7, 15)


def test_youtube_table_data_skips_the_total_row_and_allows_a_net_loss_of_subscribers():
    parsed = parse_export(fixture("youtube-table-data.csv"), filename="Table data.csv")

    assert (parsed.kind, parsed.errors) == ("youtube-table-data", [])
    assert [row.post_id for row in parsed.rows] == ["dQw4w9WgXcQ", "-a1B2c3D4e5"]
    video = parsed.rows[0]
    assert video.permalink == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert video.published_on == date(2026, 9, 14) and video.published_at is None
    assert video.metrics["watch_time_hours"] == pytest.approx(540.1234)
    assert video.metrics["click_through_rate"] == pytest.approx(0.0602)
    assert parsed.rows[1].metrics["follows"] == -4 and parsed.rows[1].metrics["views"] == 5434


def test_tiktok_abbreviated_values_are_expanded_and_yearless_dates_take_their_year_from_the_export_range():
    parsed = parse_export(fixture("tiktok-content.csv"), export_range=TIKTOK_RANGE)

    assert (parsed.kind, parsed.errors) == ("tiktok-content", [])
    rows = by_id(parsed)
    cricket = rows["7312345678901234567"]
    assert cricket.metrics == {"views": 25600, "likes": 1200, "comments": 87, "shares": 45}
    assert rows["7312345678901234999"].metrics["views"] == 3_400_000
    assert {post_id: row.published_on for post_id, row in rows.items()} == {
        "7312345678901234567": date(2026, 11, 23),
        "7312345678901234999": date(2026, 12, 30),
        "7323456789012345678": date(2027, 1, 3),
        "7300000000000000001": date(2026, 11, 2),
    }


def test_yearless_dates_without_an_export_range_are_reported_on_every_such_row():
    parsed = parse_export(fixture("tiktok-content.csv"))

    assert [(e.row, e.column, e.value) for e in parsed.errors] == [
        (2, "Post time", "Nov 23"),
        (3, "Post time", "Dec 30"),
        (4, "Post time", "Jan 3"),
    ]
    assert all(e.reason == "this date has no year: give the export's date range" for e in parsed.errors)
    assert [row.post_id for row in parsed.rows] == ["7300000000000000001"]


def test_an_export_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        parse_export(fixture("tiktok-content.csv"), export_range=(date(2027, 1, 15), date(2026, 11, 1)))
    assert "export_range" in refused.value.problems


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.csv") if not p.name.startswith("unknown")))
def test_every_fixture_matches_exactly_one_known_kind(name):
    text = reach_files._decode(fixture(name))
    text = text.split("\n", 1)[1] if text.startswith("sep=") else text
    keys = {reach_files._key(cell) for cell in next(csv.reader(io.StringIO(text)))}
    matching = [f.id for f in reach_formats().formats if reach_files._matches(f, keys) == len(f.required)]
    assert len(matching) == 1


def test_unknown_columns_are_ignored_and_absent_optional_columns_are_fine():
    data = b'Impressions,Extra column,Post id,Date,Post text\n99,whatever,42,"Tue, Jul 14, 2026",hi\n'
    (row,) = parse_export(data).rows
    assert row.metrics == {"impressions": 99} and row.post_id == "42"


def test_a_meta_row_with_a_real_date_in_the_date_column_is_a_daily_row_not_a_lifetime_total():
    text = fixture("meta-facebook-posts.csv").decode("utf-8-sig")
    assert text.count("Lifetime") == 2
    parsed = parse_export(text.replace("Lifetime", "11/30/2026", 1).encode("utf-8"))
    daily, lifetime = parsed.rows
    assert (daily.day, daily.lifetime) == (date(2026, 11, 30), False)
    assert (lifetime.day, lifetime.lifetime) == (None, True)


# --- encodings --------------------------------------------------------------------------------------------

X_TEXT = fixture("x-current.csv").decode("utf-8")


def _tab_separated(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    return out.getvalue()


def _semicolons(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    return "sep=;\n" + out.getvalue()


ENCODED = {
    "UTF-8": X_TEXT.encode("utf-8"),
    "UTF-8 with BOM": codecs.BOM_UTF8 + X_TEXT.encode("utf-8"),
    "UTF-16 LE with BOM": codecs.BOM_UTF16_LE + X_TEXT.encode("utf-16-le"),
    "UTF-16 BE with BOM": codecs.BOM_UTF16_BE + X_TEXT.encode("utf-16-be"),
    "UTF-16 LE without BOM": X_TEXT.encode("utf-16-le"),
    "UTF-16 BE without BOM": X_TEXT.encode("utf-16-be"),
    "a sep=, line": ("sep=,\r\n" + X_TEXT).encode("utf-8"),
    "a quoted sep line in UTF-16 BE": codecs.BOM_UTF16_BE + ('"sep=,"\n' + X_TEXT).encode("utf-16-be"),
    "semicolons named by the sep line": _semicolons(X_TEXT).encode("utf-8"),
    "tabs in UTF-16, as Excel's Unicode text": codecs.BOM_UTF16_LE + _tab_separated(X_TEXT).encode("utf-16-le"),
    "CRLF line ends": X_TEXT.replace("\n", "\r\n").encode("utf-8"),
    "old Mac CR line ends": X_TEXT.replace("\n", "\r").encode("utf-8"),
}


@pytest.mark.parametrize("how", ENCODED)
def test_the_same_export_reads_the_same_in_every_encoding_and_separator(how):
    expected = parse_export(X_TEXT.encode("utf-8"))
    parsed = parse_export(ENCODED[how])
    assert parsed.kind == "x-current" and parsed.errors == []
    assert parsed.rows == expected.rows
    assert parsed.rows[1].text == "پولیو کی کوئی سرحد نہیں"


# --- refused files ----------------------------------------------------------------------------------------


def test_an_unknown_file_is_refused_with_every_known_kind_and_its_required_headers():
    with pytest.raises(FileRefused) as refused:
        parse_export(fixture("unknown-contacts.csv"))
    message = str(refused.value)
    kinds = {kind.kind: kind for kind in refused.value.known_kinds}
    assert set(kinds) == {
        "meta-facebook-posts",
        "meta-instagram-content",
        "x-current",
        "x-legacy",
        "youtube-table-data",
        "tiktok-content",
    }
    assert kinds["youtube-table-data"].required == ("Content", "Video title", "Video publish time", "Views")
    for kind in kinds.values():
        assert f"{kind.label}: {', '.join(kind.required)}" in message


def test_a_file_close_to_a_known_kind_is_told_which_headers_are_missing():
    with pytest.raises(FileRefused) as refused:
        parse_export(b"Post id,Date,Post text,Likes\n1,x,y,2\n")
    assert "Closest: X analytics, current export, which also needs: Impressions." in str(refused.value)


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (_zip_bytes(), "This looks like an Excel or zip file; export as CSV."),
        (b"PK\x05\x06" + bytes(18), "This looks like an Excel or zip file; export as CSV."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Excel (.xls)"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "compressed"),
        (b"\x00\x01\x02\x03" * 50, "not look like a CSV"),
        ("Post id,Date\ncafé".encode("latin-1"), "not valid UTF-8"),
        (codecs.BOM_UTF16_LE + b"P\x00o", "not valid UTF-16"),
        (b"\xff\xfe\x00\x00P\x00\x00\x00", "UTF-32"),
    ],
    ids=["xlsx", "empty zip", "xls", "pdf", "gzip", "binary", "latin-1", "odd utf-16", "utf-32"],
)
def test_spreadsheets_archives_and_other_binary_files_are_refused_with_a_clear_message(data, says):
    with pytest.raises(FileRefused) as refused:
        parse_export(data, filename="report.xlsx")
    assert says in str(refused.value)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n \r\n", codecs.BOM_UTF16_LE, b"\xff\xfe\n\x00"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(FileRefused, match="empty"):
        parse_export(data)


def test_a_file_over_the_size_cap_is_refused_and_one_at_the_cap_is_read(monkeypatch):
    data = fixture("x-current.csv")
    monkeypatch.setattr(reach_files, "MAX_BYTES", len(data) - 1)
    with pytest.raises(FileRefused, match="the limit is"):
        parse_export(data)
    monkeypatch.setattr(reach_files, "MAX_BYTES", len(data))
    assert len(parse_export(data).rows) == 2


def test_a_header_only_export_is_read_as_no_rows():
    parsed = parse_export(X_HEADER.encode())
    assert (parsed.kind, parsed.rows, parsed.errors) == ("x-current", [], [])


def test_a_cell_too_long_for_a_csv_reader_refuses_the_file_instead_of_crashing():
    data = x_file(x_row().replace("text", '"' + "a" * 200_000 + '"'))
    with pytest.raises(FileRefused, match="cannot be read as CSV"):
        parse_export(data)


# --- bad rows ---------------------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_row_column_value_and_reason():
    parsed = parse_export(fixture("x-current-bad-rows.csv"))

    assert [(e.row, e.column, e.value) for e in parsed.errors] == [
        (3, "Impressions", "-5"),
        (3, "Likes", "lots"),
        (4, "Date", "32/13/2026"),
        (5, "Post id", "1.23457E+18"),
        (7, "Post Link", "javascript:alert(1)"),
        (7, "Engagements", "12.5"),
    ]
    reasons = [e.reason for e in parsed.errors]
    assert reasons[0] == "is negative; a count cannot be below zero"
    assert reasons[1] == "is not a number"
    assert reasons[2] == "is not a date in a form this export uses (like Mon, Nov 23, 2026)"
    assert "rounded by a spreadsheet" in reasons[3]
    assert reasons[4] == "is not a web link (http or https)"
    assert reasons[5] == "is not a whole number"
    assert [row.post_id for row in parsed.rows] == ["1234567890123456789"]  # the blank row 6 is skipped


def test_row_numbers_count_the_header_as_row_one_and_a_quoted_line_break_as_part_of_its_row():
    text = fixture("meta-facebook-posts.csv").decode("utf-8-sig")
    assert text.count(",3400,") == 1
    parsed = parse_export(text.replace(",3400,", ",-3400,").encode("utf-8"))
    assert parsed.errors == [RowError(3, "Views", "-3400", "is negative; a count cannot be below zero")]


def test_a_post_that_appears_twice_is_reported_on_its_second_row():
    parsed = parse_export(x_file(x_row(), x_row("5"), x_row()))
    assert [(e.row, e.column, e.reason) for e in parsed.errors] == [
        (4, "Post id", "appears twice in the file (first on row 2)")
    ]


def test_a_row_without_a_post_id_cannot_be_matched_and_is_reported():
    parsed = parse_export(x_file(x_row(post_id="")))
    assert [(e.row, e.column, e.value) for e in parsed.errors] == [(2, "Post id", "")]


def test_a_post_id_of_the_wrong_shape_is_reported_because_columns_may_have_shifted():
    parsed = parse_export(x_file(x_row(post_id="Tue Jul 14")))
    assert parsed.errors[0].reason == "is not a post id in the form this platform uses"


def test_a_long_bad_value_is_shortened_in_the_error():
    parsed = parse_export(x_file(x_row(likes="x" * 500)))
    assert len(parsed.errors[0].value) == 200 and parsed.errors[0].value.endswith("…")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1234", 1234),
        ('"1,234"', 1234),
        ('"1,234,567"', 1234567),
        ("12 400", 12400),
        ("12\u00a0400", 12400),
        ("1.2K", 1200),
        ("1.2k", 1200),
        ("3.4M", 3_400_000),
        ("1.25K", 1250),
        ("2044.0", 2044),
        ("۱۲۳", 123),
        (" 7 ", 7),
        ("0", 0),
    ],
)
def test_counts_accept_the_ways_platforms_write_numbers(cell, value):
    (row,) = parse_export(x_file(x_row(impressions=cell))).rows
    assert row.metrics["impressions"] == value and isinstance(row.metrics["impressions"], int)


@pytest.mark.parametrize("cell", ["", "--", "-", "—"])
def test_empty_and_dash_cells_are_absent_not_zero(cell):
    (row,) = parse_export(x_file(x_row(impressions=cell))).rows
    assert "impressions" not in row.metrics


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("-3", "is negative; a count cannot be below zero"),
        ("abc", "is not a number"),
        ('"1,5"', "is not a number"),
        ('"1,23,456"', "is not a number"),
        ("nan", "is not a number"),
        ("inf", "is not a number"),
        ("1e5", "is not a number"),
        ("12%", "is a percentage, but this column holds a number"),
        ("1.5", "is not a whole number"),
    ],
)
def test_bad_counts_are_row_errors(cell, reason):
    parsed = parse_export(x_file(x_row(impressions=cell)))
    assert parsed.rows == []
    assert [(e.column, e.reason) for e in parsed.errors] == [("Impressions", reason)]


LEGACY_HEADER = "Tweet id,Tweet permalink,Tweet text,time,impressions,engagement rate"


@pytest.mark.parametrize(("cell", "rate"), [("4.5%", 0.045), ("0.045", 0.045), ("0", 0.0)])
def test_rate_columns_take_percentages_and_fractions(cell, rate):
    data = f"{LEGACY_HEADER}\n1,https://x.com/a/status/1,t,2026-07-14 09:30 +0000,10,{cell}\n".encode()
    (row,) = parse_export(data).rows
    assert row.metrics["engagement_rate"] == pytest.approx(rate)


def test_a_rate_cannot_be_abbreviated():
    data = f"{LEGACY_HEADER}\n1,https://x.com/a/status/1,t,2026-07-14 09:30 +0000,10,1K\n".encode()
    assert parse_export(data).errors[0].reason == "is a rate, which cannot be abbreviated with K or M"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("11/23/2026 14:30", datetime(2026, 11, 23, 14, 30, tzinfo=UTC)),
        ("11/23/2026 14:30:15", datetime(2026, 11, 23, 14, 30, 15, tzinfo=UTC)),
        ("2026-11-23T14:30:00+05:00", datetime(2026, 11, 23, 9, 30, tzinfo=UTC)),
        ("2026-11-23 14:30", datetime(2026, 11, 23, 14, 30, tzinfo=UTC)),
        ("2026-11-23T14:30:00Z", datetime(2026, 11, 23, 14, 30, tzinfo=UTC)),
        ("11/23/2026", None),
    ],
)
def test_meta_publish_times_are_read_as_aware_utc(cell, expected):
    text = fixture("meta-facebook-posts.csv").decode("utf-8-sig").replace("11/23/2026 14:30", cell)
    row = parse_export(text.encode()).rows[0]
    assert row.published_at == expected and row.published_on == date(2026, 11, 23)


@pytest.mark.parametrize("cell", ["02/30/2026 10:00", "11/23/2026 25:00", "20261123", "yesterday", "Nov 23"])
def test_impossible_or_foreign_dates_are_row_errors(cell):
    text = fixture("meta-facebook-posts.csv").decode("utf-8-sig").replace("11/23/2026 14:30", cell)
    parsed = parse_export(text.encode())
    assert [(e.row, e.column, e.value) for e in parsed.errors] == [(2, "Publish Time", cell)]


def test_a_yearless_february_29_takes_the_latest_leap_year_in_range_or_is_an_error():
    header = "Video title,Video link,Post time,Total views\n"
    data = (header + "t,https://www.tiktok.com/@a/video/1,Feb 29,5\n").encode()
    assert parse_export(data, export_range=(date(2028, 2, 1), date(2028, 3, 1))).rows[0].published_on == date(
        2028, 2, 29
    )
    assert parse_export(data, export_range=(date(2026, 2, 1), date(2026, 3, 1))).errors[0].reason == (
        "is not a real date"
    )


def test_text_is_nfc_normalised_and_control_characters_are_removed():
    decomposed = "cafe\u0301\x07 دوستی"
    (row,) = parse_export(x_file(x_row().replace("text", decomposed))).rows
    assert row.text == "café دوستی"


# --- the content hash -------------------------------------------------------------------------------------


def test_the_content_hash_is_the_sha256_of_the_raw_bytes_and_changes_with_them():
    data = fixture("x-current.csv")
    assert parse_export(data).content_hash == parse_export(data).content_hash == hashlib.sha256(data).hexdigest()
    assert parse_export(data + b"\n").content_hash != parse_export(data).content_hash
    assert parse_export(ENCODED["UTF-16 LE with BOM"]).content_hash != parse_export(data).content_hash


# --- nothing but FileRefused escapes ----------------------------------------------------------------------


def _only_refusals(data: bytes, export_range=None) -> ParsedFile | None:
    try:
        parsed = parse_export(data, export_range=export_range)
    except FileRefused as refused:
        assert str(refused) and refused.known_kinds
        return None
    for row in parsed.rows:
        assert row.post_id is None or isinstance(row.post_id, str)
        assert row.published_at is None or row.published_at.tzinfo is UTC
        assert all(isinstance(value, int | float) for value in row.metrics.values())
    for error in parsed.errors:
        assert error.row >= 2 and error.reason
    return parsed


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_are_read_or_refused_never_crash(data):
    _only_refusals(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be"]))
def test_arbitrary_text_is_read_or_refused_never_crash(text, encoding):
    _only_refusals(text.encode(encoding, errors="surrogatepass"))


CELL_EXAMPLES = [
    "",
    "--",
    "-",
    "1,234",
    "12 400",
    "1.2K",
    "3.4M",
    "4.5%",
    "-7",
    "1e5",
    "Nov 23",
    "Feb 29",
    "Tue, Jul 14, 2026",
    "11/23/2026 14:30",
    "2026-07-14 09:30 +0000",
    "2026-07-14 09:30 +9999",
    "0001-01-01 00:00 +0100",
    "9999-12-31T23:59:59-05:00",
    "Total",
    "Lifetime",
    "1234567890123456789",
    "1.23457E+18",
    "https://www.tiktok.com/@a/video/7312345678901234567",
    "javascript:alert(1)",
]
CELLS = st.one_of(st.sampled_from(CELL_EXAMPLES), st.text(max_size=30))


@st.composite
def csv_like_exports(draw) -> bytes:
    entry = draw(st.sampled_from(reach_formats().formats))
    headers = [group[0] for group in entry.required]
    headers += [h for column in entry.metrics.values() for h in column.headers[:1]]
    headers += [h for names in entry.fields.model_dump().values() for h in names]
    headers = list(dict.fromkeys(draw(st.permutations(headers))))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(headers) + 2), max_size=8))
    separator = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    if separator != "," or draw(st.booleans()):
        out.write(f"sep={separator}\n")
    csv.writer(out, delimiter=separator).writerows([headers, *rows])
    return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), errors="surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_like_exports(), st.sampled_from([None, TIKTOK_RANGE]))
def test_csv_like_exports_of_every_kind_with_arbitrary_cells_are_read_or_refused_never_crash(data, export_range):
    parsed = _only_refusals(data, export_range)
    if parsed is not None:
        bad_rows = {error.row for error in parsed.errors}
        assert len(parsed.rows) + len(bad_rows) <= 8


def _fixture_table(name: str) -> tuple[list[str], list[str]]:
    """The header and the last (valid) row of a fixture."""
    text = reach_files._decode(fixture(name)).removeprefix("sep=,\r\n")
    table = list(csv.reader(io.StringIO(text)))
    return table[0], table[-1]


ONE_PER_KIND = [
    "meta-facebook-posts.csv",
    "meta-instagram-content-utf16.csv",
    "x-current.csv",
    "x-legacy.csv",
    "youtube-table-data.csv",
    "tiktok-content.csv",
]
ID_HEADERS = {"Post ID", "Post id", "Tweet id"}


PRINTABLE_CELLS = st.one_of(
    st.sampled_from(CELL_EXAMPLES), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
)


@st.composite
def damaged_real_exports(draw) -> tuple[bytes, int]:
    """A real export's valid row repeated with unique ids, some of its cells replaced by odd values."""
    header, valid = _fixture_table(draw(st.sampled_from(ONE_PER_KIND)))
    rows = []
    for number in range(draw(st.integers(1, 6))):
        row = list(valid)
        for position, name in enumerate(header):
            if name in ID_HEADERS:
                row[position] = str(10**18 + number)
            elif name == "Content":
                row[position] = f"dQw4w9WgXc{'ABCDEF'[number]}"
            elif name == "Video link":
                row[position] = f"https://www.tiktok.com/@a/video/{10**18 + number}"
        for _ in range(draw(st.integers(0, 3))):
            row[draw(st.integers(0, len(row) - 1))] = draw(PRINTABLE_CELLS)
        rows.append(row)
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), "surrogatepass"), len(rows)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_real_exports(), st.sampled_from([None, TIKTOK_RANGE]))
def test_real_exports_with_damaged_cells_keep_the_kind_and_account_for_every_row(export, export_range):
    data, n_rows = export
    parsed = _only_refusals(data, export_range)
    assert parsed is not None
    bad_rows = {error.row for error in parsed.errors}
    assert len(parsed.rows) + len(bad_rows) <= n_rows
    assert bad_rows <= set(range(2, n_rows + 2))


# --- speed ------------------------------------------------------------------------------------------------


def test_a_hundred_thousand_row_export_parses_in_a_few_seconds():
    lines = [X_HEADER]
    lines += [
        f'{1234567890123456789 + i},"Tue, Jul 14, 2026",post {i},,"1,{i % 1000:03d}",{i % 97},12,1'
        for i in range(100_000)
    ]
    data = "\n".join(lines).encode()
    started = time.perf_counter()
    parsed = parse_export(data)
    elapsed = time.perf_counter() - started
    assert len(parsed.rows) == 100_000 and parsed.errors == []
    assert parsed.rows[-1].post_id == str(1234567890123456789 + 99_999)
    assert elapsed < 15, f"{elapsed:.1f} s"


# --- content/reach-formats.yaml ---------------------------------------------------------------------------


def test_the_real_formats_file_covers_every_platform_and_names_only_known_metrics():
    catalog = reach_formats()
    assert {entry.platform for entry in catalog.formats} == {"facebook", "instagram", "x", "youtube", "tiktok"}
    assert set(catalog.metrics) >= {
        "impressions",
        "reach",
        "views",
        "video_views",
        "engagements",
        "reactions",
        "likes",
        "comments",
        "shares",
        "saves",
        "clicks",
        "watch_time_hours",
        "follows",
    }


def test_a_broken_formats_file_names_the_file_the_format_and_the_field(tmp_path):
    raw = yaml.safe_load(reach_files.FORMATS_FILE.read_text("utf-8"))
    raw["formats"][2]["metrics"]["retweets"] = "retweets"
    path = tmp_path / "reach-formats.yaml"
    path.write_text(yaml.safe_dump(raw), "utf-8")
    with pytest.raises(ContentError, match=r"reach-formats.yaml: format 3 \(x-current\), field metrics: 'retweets'"):
        load_formats(path)

    raw = yaml.safe_load(reach_files.FORMATS_FILE.read_text("utf-8"))
    raw["formats"][0]["dates"] = ["%d/%Q"]
    path.write_text(yaml.safe_dump(raw), "utf-8")
    with pytest.raises(ContentError, match=r"format 1 \(meta-facebook-posts\), field dates"):
        load_formats(path)
