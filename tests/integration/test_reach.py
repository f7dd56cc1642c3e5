"""Importing analytics exports: all or nothing, idempotent, latest export wins, matched to posts."""

import json
from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import func, select

from planner import db, posts, reach
from planner.__main__ import main
from planner.models import ReachFigure, ReachImport, Role
from planner.reach_files import FileRefused
from tests.conftest import NOW, make_member, make_team
from tests.integration.conftest import approved_message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reach"
FACEBOOK = (FIXTURES / "meta-facebook-posts.csv").read_bytes()
X_FILE = (FIXTURES / "x-current.csv").read_bytes()


def run(session, team, data, **kwargs):
    return reach.import_file(session, team_id=team.id, membership_id=None, now=NOW, data=data, **kwargs)


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_facebook_export_is_imported_and_the_same_file_twice_changes_nothing(session, team):
    first = run(session, team, FACEBOOK)
    assert first.kind == "meta-facebook-posts" and first.inserted == first.rows > 0
    again = run(session, team, FACEBOOK)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.rows)
    assert again.already_imported_at is not None
    assert count(session, ReachFigure) == first.rows and count(session, ReachImport) == 1


def test_a_newer_export_of_the_same_posts_replaces_the_lifetime_totals(session, team):
    run(session, team, FACEBOOK)
    newer = FACEBOOK.replace(b'"12,400"', b'"15,000"')
    report = run(session, team, newer)
    assert report.updated == 1 and report.inserted == 0
    figure = session.exec(select(ReachFigure).where(ReachFigure.platform_post_id == "1234567890123456789")).one()
    assert figure.views == 15_000 and figure.period == "lifetime"


def test_a_file_with_a_bad_row_writes_nothing_and_lists_every_problem(session, team):
    report = run(session, team, (FIXTURES / "x-current-bad-rows.csv").read_bytes())
    assert report.refused and len(report.errors) >= 2
    assert all(e.row > 1 and e.column and e.reason for e in report.errors)
    assert count(session, ReachFigure) == 0 and count(session, ReachImport) == 0


def test_an_unknown_file_is_refused_with_the_kinds_we_know(session, team):
    with pytest.raises(FileRefused) as refused:
        run(session, team, (FIXTURES / "unknown-contacts.csv").read_bytes())
    assert {k.kind for k in refused.value.known_kinds} >= {"meta-facebook-posts", "x-current", "tiktok-content"}


def test_a_dry_run_reports_and_writes_nothing(session, team):
    report = run(session, team, X_FILE, dry_run=True)
    assert report.inserted > 0 and report.dry_run
    assert count(session, ReachFigure) == 0 and count(session, ReachImport) == 0


def test_rows_match_a_published_post_by_its_platform_post_id(session, team):
    drafter = make_member(session, team, Role.DRAFTER, username="farid")
    admin = make_member(session, team, Role.ADMIN, username="samina")
    message = approved_message(
        session, team, drafter, platform="x", language="en", body="Same grief in Kabul and Lahore.", title="Grief"
    )
    channel = posts.add_channel(session, actor=admin, now=NOW, platform="x", name="@pakafghanyouth")
    [post] = posts.schedule_post(
        session,
        actor=drafter,
        now=NOW,
        variant_id=message.variants[0].id,
        channel_id=channel.id,
        day=date(2026, 12, 1),
        at=time(18),
        zone="Asia/Karachi",
    )
    posts.mark_published(
        session,
        actor=drafter,
        now=NOW,
        post_id=post.id,
        expected_version=post.version,
        permalink="https://x.com/pakafghanyouth/status/1234567890123456789",
        platform_post_id="1234567890123456789",
    )
    report = run(session, team, X_FILE)
    assert report.matched_post_ids == [post.id]
    assert report.unmatched == report.rows - 1


def test_another_team_imports_the_same_file_separately(session, team):
    run(session, team, FACEBOOK)
    away = make_team(session, "away", "Away")
    assert run(session, away, FACEBOOK).inserted > 0


def test_the_command_line_prints_one_json_object_and_fails_on_a_refused_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PLANNER_DEMO_PASSWORD", "a demo passphrase")
    db.use_engine(None)
    try:
        main(["demo"])
        capsys.readouterr()
        assert main(["import-reach", str(FIXTURES / "x-current.csv"), "--team", "demo", "--json"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert {"kind", "rows", "inserted", "updated", "unchanged", "unmatched", "errors"} <= set(printed)
        assert printed["kind"] == "x-current" and printed["inserted"] == printed["rows"]
        assert main(["import-reach", str(FIXTURES / "x-current-bad-rows.csv"), "--team", "demo", "--json"]) == 1
        refused = json.loads(capsys.readouterr().out)
        assert refused["errors"] and {"row", "column", "value", "reason"} <= set(refused["errors"][0])
        assert main(["import-reach", str(FIXTURES / "unknown-contacts.csv"), "--team", "demo", "--json"]) == 1
        assert json.loads(capsys.readouterr().out)["known_kinds"]
    finally:
        db.use_engine(None)
