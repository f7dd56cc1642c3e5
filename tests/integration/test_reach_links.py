"""Rows no post matched: listed with likely posts, linked by hand to a post or a message, unlinked."""

from datetime import timedelta

import pytest
from sqlmodel import select

from planner import reach, reach_links
from planner.errors import NotFound, PermissionDenied, ValidationFailed
from planner.models import AuditEvent, Post, ReachFigure, Role
from tests.conftest import NOW, make_member, make_team
from tests.integration.publishing import desk
from tests.integration.reach_csv import FACEBOOK_HEADER, X_HEADER, export, facebook_row, x_row

GRIEF = "Same grief in Kabul and Lahore. #SharedGrief"
X_FILE = export(
    X_HEADER,
    [
        x_row("1234567890123456789", GRIEF, impressions=1234, Engagements=210),
        x_row("1234567890123456790", "پولیو کی کوئی سرحد نہیں", day="Wed, Jul 15, 2026", impressions=987),
    ],
)


def run(session, team, data):
    return reach.import_file(session, team_id=team.id, membership_id=None, now=NOW, data=data)


def figures(session, native):
    return session.exec(select(ReachFigure).where(ReachFigure.platform_post_id == native)).all()


def group_of(found, native):
    return next(g for g in found.groups if g.platform_post_id == native)


def daily_facebook(native, reach_by_day, title="Polio drops save lives on both sides"):
    rows = [facebook_row(native, date=day, title=title, reach=value) for day, value in reach_by_day.items()]
    return export(FACEBOOK_HEADER, rows, bom=True)


def test_unmatched_rows_are_listed_with_their_figures_and_the_likeliest_post_first(session, team, drafter):
    newsroom = desk(session, team, drafter)
    other = newsroom.published(platform="x", body="Trade at Torkham feeds families on both sides.", title="Trade")
    grief = newsroom.published(platform="x", body="Same grief in Kabul and Lahore. We remember.", title="Grief")
    newsroom.published(platform="facebook", body="Kabul and Lahore mourn together.", title="On Facebook")
    run(session, team, X_FILE)
    found = reach_links.list_unmatched(session, actor=drafter, now=NOW)
    assert found.total == 2 and len(found.groups) == 2
    row = group_of(found, "1234567890123456789")
    assert (row.platform, row.period, row.impressions, row.engagements) == ("x", "lifetime", 1234, 210)
    assert row.excerpt == GRIEF and row.permalink == "https://x.com/i/web/status/1234567890123456789"
    assert [c.post_id for c in row.posts] == [grief.id, other.id]  # X posts only, most words in common first
    assert row.posts[0].similarity > row.posts[1].similarity == 0
    assert row.messages[0].message_title == "Grief"  # the same words, on the same platform
    assert row.linked is None


def test_the_nearest_publication_date_breaks_a_tie_between_posts_with_the_same_words(session, team, drafter):
    newsroom = desk(session, team, drafter)
    far = newsroom.published(platform="facebook", body="Polio drops save lives", title="Polio 1")
    near = newsroom.published(platform="facebook", body="Polio drops save lives", title="Polio 2")
    for post_id, published in ((far.id, NOW - timedelta(days=200)), (near.id, NOW - timedelta(days=2))):
        post = session.get(Post, post_id)
        post.published_at = published
        session.add(post)
    session.commit()
    day = (NOW - timedelta(days=1)).strftime("%m/%d/%Y")
    run(session, team, daily_facebook("111_222", {day: 50}))
    [row] = reach_links.list_unmatched(session, actor=drafter, now=NOW).groups
    assert [c.post_id for c in row.posts] == [near.id, far.id]


def test_linking_covers_every_period_and_records_the_post_id_so_the_next_import_matches_alone(session, team, drafter):
    newsroom = desk(session, team, drafter)
    post = newsroom.published(platform="facebook", body="Polio drops save lives on both sides", title="Polio")
    run(session, team, daily_facebook("111_222", {"11/23/2026": 40, "11/24/2026": 60, "Lifetime": 100}))
    [row] = reach_links.list_unmatched(session, actor=drafter, now=NOW).groups
    assert (row.period, row.periods, row.reach) == ("lifetime", 3, 100)
    linked = reach_links.link_figures(session, actor=drafter, now=NOW, figure_id=row.figure_id, post_id=post.id)
    assert linked.linked.post_id == post.id and linked.linked.message_title == "Polio"
    assert {f.post_id for f in figures(session, "111_222")} == {post.id}
    assert session.get(Post, post.id).platform_post_id == "111_222"
    assert session.get(Post, post.id).permalink == "https://example.org/posted-by-hand"  # it had one: kept
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "reach.linked")).one()
    assert event.details == {"post_id": post.id, "message_id": None, "figures": 3, "recorded": ["platform_post_id"]}
    report = run(session, team, daily_facebook("111_222", {"11/25/2026": 30, "Lifetime": 130}))
    assert report.unmatched == 0 and report.matched_post_ids == [post.id]
    assert reach_links.list_unmatched(session, actor=drafter, now=NOW).total == 0


def test_a_row_posted_outside_the_planner_is_linked_to_its_message(session, team, drafter):
    newsroom = desk(session, team, drafter)
    message = newsroom.approved(platform="x", body=GRIEF, title="Grief")
    run(session, team, X_FILE)
    row = group_of(reach_links.list_unmatched(session, actor=drafter, now=NOW), "1234567890123456789")
    reach_links.link_figures(session, actor=drafter, now=NOW, figure_id=row.figure_id, message_id=message.id)
    assert [f.message_id for f in figures(session, "1234567890123456789")] == [message.id]
    assert reach_links.list_unmatched(session, actor=drafter, now=NOW).total == 1
    [linked] = reach_links.list_linked(session, actor=drafter, now=NOW).groups
    assert linked.linked.post_id is None and linked.linked.message_id == message.id
    again = reach.import_file(
        session, team_id=team.id, membership_id=None, now=NOW, data=X_FILE + b"\r\n", dry_run=True
    )
    assert again.unmatched == 1
    assert again.preview[0].matched.message_title == "Grief" and again.preview[0].matched.post_id is None


def test_unlinking_makes_the_rows_unmatched_and_the_next_import_does_not_link_them_again(session, team, drafter):
    newsroom = desk(session, team, drafter)
    post = newsroom.published(
        platform="x", body=GRIEF, title="Grief", link="https://x.com/i/web/status/1234567890123456789"
    )
    run(session, team, X_FILE)  # matched by the permalink
    [linked] = reach_links.list_linked(session, actor=drafter, now=NOW).groups
    undone = reach_links.unlink_figures(session, actor=drafter, now=NOW, figure_id=linked.figure_id)
    assert undone.linked is None
    assert session.get(Post, post.id).permalink == ""  # it pointed at the row the coordinator said is not it
    report = run(session, team, X_FILE.replace(b"1234,", b"1300,"))
    assert report.unmatched == 2 and report.matched_post_ids == []
    assert reach_links.list_linked(session, actor=drafter, now=NOW).total == 0
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "reach.unlinked")).one()
    assert event.details["post_ids"] == [post.id] and event.details["cleared"] == ["permalink"]


def test_only_a_published_post_of_the_rows_platform_can_be_linked(session, team, drafter):
    newsroom = desk(session, team, drafter)
    waiting = newsroom.scheduled(platform="x", body=GRIEF, title="Waiting")
    facebook = newsroom.published(platform="facebook", body=GRIEF, title="On Facebook")
    run(session, team, X_FILE)
    row = group_of(reach_links.list_unmatched(session, actor=drafter, now=NOW), "1234567890123456789")
    with pytest.raises(ValidationFailed) as refused:
        reach_links.link_figures(session, actor=drafter, now=NOW, figure_id=row.figure_id, post_id=waiting.id)
    assert "published" in refused.value.problems["post_id"]
    with pytest.raises(ValidationFailed) as refused:
        reach_links.link_figures(session, actor=drafter, now=NOW, figure_id=row.figure_id, post_id=facebook.id)
    assert "Facebook" in refused.value.problems["post_id"] and "X" in refused.value.problems["post_id"]
    with pytest.raises(ValidationFailed):
        reach_links.link_figures(session, actor=drafter, now=NOW, figure_id=row.figure_id)
    with pytest.raises(ValidationFailed):
        reach_links.unlink_figures(session, actor=drafter, now=NOW, figure_id=row.figure_id)
    assert {f.post_id for f in figures(session, "1234567890123456789")} == {None}


def test_ids_of_another_team_answer_not_found(session, team, drafter):
    newsroom = desk(session, team, drafter)
    post = newsroom.published(platform="x", body=GRIEF, title="Grief")
    run(session, team, X_FILE)
    away = make_team(session, "away", "Away")
    stranger = make_member(session, away, Role.DRAFTER, username="stranger")
    theirs = desk(session, away, stranger)
    their_post = theirs.published(platform="x", body=GRIEF, title="Theirs")
    their_message = theirs.approved(platform="x", body=GRIEF, title="Their message")
    ours = group_of(reach_links.list_unmatched(session, actor=drafter, now=NOW), "1234567890123456789")
    assert reach_links.list_unmatched(session, actor=stranger, now=NOW).total == 0
    with pytest.raises(NotFound):
        reach_links.link_figures(session, actor=stranger, now=NOW, figure_id=ours.figure_id, post_id=their_post.id)
    with pytest.raises(NotFound):
        reach_links.link_figures(session, actor=drafter, now=NOW, figure_id=ours.figure_id, post_id=their_post.id)
    with pytest.raises(NotFound):
        reach_links.link_figures(session, actor=drafter, now=NOW, figure_id=ours.figure_id, message_id=their_message.id)
    reach_links.link_figures(session, actor=drafter, now=NOW, figure_id=ours.figure_id, post_id=post.id)
    with pytest.raises(NotFound):
        reach_links.unlink_figures(session, actor=stranger, now=NOW, figure_id=ours.figure_id)
    assert reach_links.list_linked(session, actor=stranger, now=NOW).total == 0
    assert {f.post_id for f in figures(session, "1234567890123456789")} == {post.id}


def test_a_viewer_sees_the_unmatched_rows_but_cannot_link_them(session, team, drafter):
    run(session, team, X_FILE)
    viewer = make_member(session, team, Role.VIEWER, username="gul")
    found = reach_links.list_unmatched(session, actor=viewer, now=NOW)
    assert found.total == 2
    with pytest.raises(PermissionDenied):
        reach_links.unlink_figures(session, actor=viewer, now=NOW, figure_id=found.groups[0].figure_id)
