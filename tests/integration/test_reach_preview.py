"""The import's dry run says, row by row, what it holds, what importing it would do and which post it is."""

from datetime import date
from pathlib import Path

from sqlalchemy import event
from sqlmodel import select

from planner import reach
from planner.models import ReachFigure
from tests.conftest import NOW
from tests.integration.publishing import desk
from tests.integration.reach_csv import X_HEADER, export, x_row

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reach"
FACEBOOK = (FIXTURES / "meta-facebook-posts.csv").read_bytes()
X_FILE = (FIXTURES / "x-current.csv").read_bytes()


def dry_run(session, team, data):
    return reach.import_file(session, team_id=team.id, membership_id=None, now=NOW, data=data, dry_run=True)


def run(session, team, data):
    return reach.import_file(session, team_id=team.id, membership_id=None, now=NOW, data=data)


def test_a_dry_run_describes_each_row_and_the_post_it_matched(session, team, drafter):
    newsroom = desk(session, team, drafter)
    post = newsroom.published(
        platform="x", body="Same grief in Kabul and Lahore.", title="Grief", native="1234567890123456789"
    )
    report = dry_run(session, team, X_FILE)
    first, second = report.preview
    assert (first.row, first.platform_post_id, first.period, first.outcome) == (
        2,
        "1234567890123456789",
        "lifetime",
        "new",
    )
    assert (first.impressions, first.engagements, first.reach) == (1234, 210, None)
    assert first.permalink == "https://x.com/pakafghanyouth/status/1234567890123456789"
    matched = first.matched
    assert (matched.post_id, matched.campaign_name, matched.message_title) == (post.id, "Shared grief", "Grief")
    assert (matched.platform, matched.language, matched.published_at) == ("x", "en", NOW)
    assert (second.row, second.matched, second.impressions) == (3, None, 987)
    assert (first.published_on, second.published_on) == (date(2026, 7, 14), date(2026, 7, 15))  # X: dates alone
    assert session.exec(select(ReachFigure)).all() == []


def test_a_dry_run_of_a_newer_export_says_which_rows_it_would_update(session, team):
    run(session, team, FACEBOOK)
    report = dry_run(session, team, FACEBOOK.replace(b'"12,400"', b'"15,000"'))
    assert [(p.row, p.outcome) for p in report.preview] == [(2, "updated"), (3, "unchanged")]
    assert report.preview[0].views == 15_000 and report.preview[0].engagements == 532
    assert report.preview[1].engagements == 210  # Facebook's own "reactions, comments and shares"


def test_a_file_imported_before_still_shows_its_rows_as_unchanged(session, team):
    run(session, team, X_FILE)
    report = dry_run(session, team, X_FILE)
    assert report.already_imported_at is not None and report.unmatched == 2
    assert [(p.row, p.outcome, p.matched) for p in report.preview] == [(2, "unchanged", None), (3, "unchanged", None)]


def test_a_large_file_describes_only_its_first_rows_but_counts_them_all(session, team, monkeypatch):
    monkeypatch.setattr(reach, "PREVIEW_ROWS", 3)
    rows = [x_row(f"12345678901234{n:05d}", f"post {n}") for n in range(8)]
    report = dry_run(session, team, export(X_HEADER, rows))
    assert report.rows == report.inserted == 8
    assert [p.row for p in report.preview] == [2, 3, 4]


def test_the_preview_asks_the_database_the_same_number_of_questions_for_few_rows_or_many(session, team, drafter):
    newsroom = desk(session, team, drafter)
    for n in range(3):
        newsroom.published(platform="x", body=f"post {n}", title=f"Post {n}", native=f"12345678901234{n:05d}")

    def statements(count: int) -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(session.get_bind(), "before_cursor_execute", listener)
        try:
            rows = [x_row(f"12345678901234{n:05d}", f"post {n}") for n in range(count)]
            report = dry_run(session, team, export(X_HEADER, rows))
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", listener)
        assert len(report.preview) == count and report.preview[2].matched.message_title == "Post 2"
        return len(seen)

    statements(3)  # the first run also begins the transaction and reloads what the last rollback expired
    assert statements(3) == statements(40)


def test_an_unchanged_row_is_linked_once_its_post_is_published(session, team, drafter):
    run(session, team, X_FILE)
    newsroom = desk(session, team, drafter)
    post = newsroom.published(platform="x", body="Polio has no border", title="Polio", native="1234567890123456790")
    report = run(session, team, X_FILE.replace(b'"1,234"', b'"1,300"'))
    assert (report.updated, report.unchanged, report.unmatched) == (1, 1, 1)
    figure = session.exec(select(ReachFigure).where(ReachFigure.platform_post_id == "1234567890123456790")).one()
    assert figure.post_id == post.id
