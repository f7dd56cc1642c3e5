"""The audit trail as admins read it: filtered, newest first, paginated in SQL, pseudonyms only, a
visible chain status, and a formula-safe CSV download."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from planner import audit, campaigns, members
from planner.errors import PermissionDenied, ValidationFailed
from planner.models import AuditEvent, PersonalDetail, Role, User
from tests.conftest import NOW, make_member, make_team

REAL_NAME = "Samina Bibi Yousafzai"
PHONE = "+92 300 7654321"


@pytest.fixture
def admin(session, team):
    return make_member(session, team, Role.ADMIN, username="samina")


def name_really(session, actor, real_name=REAL_NAME, phone=PHONE):
    session.add(PersonalDetail(user_id=actor.user_id, real_name=real_name, phone=phone))
    session.commit()


def add_campaigns(session, actor, count, *, start=NOW):
    for n in range(count):
        campaigns.create_campaign(
            session,
            actor=actor,
            now=start + timedelta(minutes=n),
            name=f"Campaign {n}",
            start_date=datetime(2027, 1, 1).date(),
            end_date=datetime(2027, 2, 1).date(),
        )


def test_events_come_newest_first_one_page_at_a_time_with_the_total(session, admin, drafter):
    add_campaigns(session, drafter, 7)
    first = audit.list_events(session, actor=admin, now=NOW, limit=3)
    second = audit.list_events(session, actor=admin, now=NOW, limit=3, offset=3)
    assert first.total == second.total == 7
    ids = [e.id for e in first.events + second.events]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 6
    assert [e.what for e in first.events] == ["created a campaign"] * 3


def test_a_page_is_fetched_with_limit_and_offset_in_sql_not_in_python(session, engine, admin, drafter):
    add_campaigns(session, drafter, 5)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        audit.list_events(session, actor=admin, now=NOW, limit=2, offset=2)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    listing = [s for s in statements if "FROM audit_event" in s and "count" not in s.lower()]
    assert listing and all(re.search(r"LIMIT .+ OFFSET", s) for s in listing)


def test_filters_narrow_by_member_action_subject_and_date_range(session, admin, drafter):
    add_campaigns(session, drafter, 2)
    members.add_member(
        session, actor=admin, now=NOW + timedelta(minutes=20), username="gul", display_name="G", role="viewer"
    )
    by_drafter = audit.list_events(session, actor=admin, now=NOW, membership_id=drafter.membership_id)
    assert by_drafter.total == 2 and {e.member for e in by_drafter.events} == {"Farid"}
    added = audit.list_events(session, actor=admin, now=NOW, action="member.added")
    assert added.total == 1 and added.events[0].what == "added a member"
    assert added.events[0].subject.startswith("Member #")
    subject = by_drafter.events[0]
    one = audit.list_events(session, actor=admin, now=NOW, subject_type="campaign", subject_id=subject.subject_id)
    assert [e.id for e in one.events] == [subject.id]
    later = audit.list_events(session, actor=admin, now=NOW, since=NOW + timedelta(minutes=10))
    assert [e.action for e in later.events] == ["member.added"]
    earlier = audit.list_events(session, actor=admin, now=NOW, until=NOW + timedelta(minutes=10))
    assert earlier.total == 2


def test_a_range_that_ends_before_it_starts_or_has_no_time_zone_is_refused(session, admin):
    with pytest.raises(ValidationFailed) as backwards:
        audit.list_events(session, actor=admin, now=NOW, since=NOW, until=NOW - timedelta(days=1))
    assert "until" in backwards.value.problems
    with pytest.raises(ValidationFailed) as naive:
        audit.list_events(session, actor=admin, now=NOW, since=datetime(2026, 1, 1))
    assert "since" in naive.value.problems


def test_the_trail_shows_display_names_and_never_real_names_or_phones(session, admin, drafter):
    name_really(session, drafter)
    add_campaigns(session, drafter, 1)
    members.update_member(
        session, actor=admin, now=NOW, membership_id=drafter.membership_id, expected_version=1, role="viewer"
    )
    listed = audit.list_events(session, actor=admin, now=NOW)
    shown = " ".join(e.model_dump_json() for e in listed.events)
    assert "Farid" in shown  # the pseudonym is what the admin reads
    assert REAL_NAME not in shown and PHONE not in shown
    exported = audit.export_events(session, actor=admin, now=NOW).data.decode("utf-8-sig")
    assert "Farid" in exported and REAL_NAME not in exported and PHONE not in exported


def test_the_chain_status_is_intact_and_names_the_first_broken_link_after_tampering(session, engine, admin, drafter):
    add_campaigns(session, drafter, 3)
    status = audit.chain_status(session, actor=admin, now=NOW)
    assert status.intact and status.checked == 3
    victim = session.exec(select(AuditEvent.id).order_by(AuditEvent.id).offset(1)).first()
    if engine.dialect.name == "postgresql":  # an attacker with database access switches the triggers off
        session.exec(text("SET LOCAL session_replication_role = replica"))
    session.exec(text("UPDATE audit_event SET action = 'campaign.nothing' WHERE id = :id").bindparams(id=victim))
    session.commit()
    broken = audit.chain_status(session, actor=admin, now=NOW)
    assert not broken.intact and broken.broken_event_id == victim
    assert "changed" in broken.reason


def test_the_csv_is_formula_safe_quoted_and_keeps_numbers_as_numbers(session, team, admin):
    evil = make_member(session, team, Role.DRAFTER, username="mallory")
    user = session.get(User, evil.user_id)
    user.display_name = '=HYPERLINK("http://evil.example","click")'
    session.add(user)
    session.commit()
    add_campaigns(session, evil, 1)
    made = audit.export_events(session, actor=admin, now=NOW)
    assert re.fullmatch(r"peshawar-audit-20261122-0900\.csv", made.file_name)
    raw = made.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == list(audit.CSV_COLUMNS)
    [row] = [r for r in rows[1:] if r[6] == "campaign.created"]
    assert row[4] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[0].isdigit() and row[5] == str(evil.membership_id)  # ids stay plain numbers
    assert all(line.startswith('"') for line in raw.splitlines())


def test_a_download_is_itself_recorded_with_the_filters_used(session, admin, drafter):
    add_campaigns(session, drafter, 2)
    made = audit.export_events(session, actor=admin, now=NOW, action="campaign.created")
    assert made.rows == 2
    newest = audit.list_events(session, actor=admin, now=NOW, limit=1).events[0]
    assert newest.action == "audit.exported" and newest.member == "Samina"
    assert "rows: 2" in newest.details and "campaign.created" in newest.details


def test_the_filter_choices_list_the_teams_members_and_the_actions_in_its_trail(session, admin, drafter):
    add_campaigns(session, drafter, 1)
    choices = audit.filter_choices(session, actor=admin, now=NOW)
    assert set(choices.members.values()) == {"Samina", "Farid"}
    assert choices.actions == {"campaign.created": "created a campaign"}
    assert choices.subject_types == {"campaign": "Campaign"}


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.DRAFTER, Role.VIEWER])
def test_only_admins_read_the_trail(session, team, role):
    member = make_member(session, team, role, username=f"someone-{role}")
    for service in (audit.list_events, audit.chain_status, audit.export_events, audit.filter_choices):
        with pytest.raises(PermissionDenied):
            service(session, actor=member, now=NOW)


def test_another_teams_events_never_show(session, admin):
    away = make_team(session, "away", "Away team")
    stranger = make_member(session, away, Role.DRAFTER, username="stranger")
    add_campaigns(session, stranger, 2)
    assert audit.list_events(session, actor=admin, now=NOW).total == 0
    assert audit.list_events(session, actor=admin, now=NOW, membership_id=stranger.membership_id).events == []


def test_details_show_ids_and_short_fingerprints_in_plain_words():
    details = {"content_hash": "a" * 64, "fields": ["title", "themes"], "after": "approved"}
    assert audit.describe_details(details) == "after: approved; content hash: aaaaaaaaaaaa…; fields: title, themes"
    assert audit.action_label("message.approve") == "approved a message"
    assert audit.action_label("dashboard.viewed_sometime") == "dashboard: viewed sometime"
