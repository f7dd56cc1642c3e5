"""Team administration against a real database."""

from itertools import pairwise

import pytest
from sqlmodel import select

from planner import accounts, members
from planner.audit import GENESIS
from planner.errors import AuthenticationFailed, Conflict, SessionExpired, ValidationFailed
from planner.models import AuditEvent, PersonalDetail, Role
from tests.conftest import NOW, make_member, make_team


@pytest.fixture
def admin(session, team):
    return make_member(session, team, Role.ADMIN, username="samina")


def add(session, admin, **overrides):
    fields = {"username": "gul", "display_name": "Gul from Jalalabad", "role": Role.DRAFTER} | overrides
    return members.add_member(session, actor=admin, now=NOW, **fields)


def test_a_new_member_logs_in_with_the_one_time_password_and_must_change_it(session, admin):
    added = add(session, admin)
    token = accounts.log_in(session, username="gul", password=added.one_time_password, now=NOW)
    assert accounts.resolve(session, token=token, now=NOW).must_change_password


def test_a_taken_username_is_refused_on_the_username_field(session, admin):
    add(session, admin)
    with pytest.raises(ValidationFailed) as refused:
        add(session, admin, display_name="Someone else")
    assert "taken" in refused.value.problems["username"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "a b"), ("username", "گل"), ("display_name", "   "), ("phone", "call me"), ("role", "owner")],
)
def test_bad_member_fields_are_named_and_nothing_is_written(session, admin, field, value):
    with pytest.raises(ValidationFailed) as refused:
        add(session, admin, **{field: value})
    assert field in refused.value.problems
    assert len(members.list_members(session, actor=admin, now=NOW)) == 1


def test_real_name_and_phone_are_kept_apart_and_shown_to_admins_only(session, team, admin):
    add(session, admin, real_name="Gulalai Ahmadzai", phone="+93 70 123 4567")
    viewer = make_member(session, team, Role.VIEWER, username="ayesha")
    seen_by_admin = {m.username: m for m in members.list_members(session, actor=admin, now=NOW)}
    seen_by_viewer = {m.username: m for m in members.list_members(session, actor=viewer, now=NOW)}
    assert seen_by_admin["gul"].phone == "+93 70 123 4567"
    assert seen_by_viewer["gul"].real_name is None and seen_by_viewer["gul"].phone is None
    assert session.exec(select(PersonalDetail.real_name)).all() == ["Gulalai Ahmadzai"]


def test_display_names_in_any_script_are_normalised_and_kept(session, admin):
    added = add(session, admin, display_name=" فرید\u200f کابل\x07 ")
    assert added.member.display_name == "فرید\u200f کابل"


def test_the_last_admin_cannot_be_demoted_or_deactivated(session, admin):
    with pytest.raises(ValidationFailed):
        members.update_member(
            session, actor=admin, membership_id=admin.membership_id, expected_version=1, role=Role.VIEWER, now=NOW
        )
    with pytest.raises(ValidationFailed):
        members.update_member(
            session, actor=admin, membership_id=admin.membership_id, expected_version=1, active=False, now=NOW
        )


def test_deactivating_a_member_ends_their_sessions_and_log_ins(session, admin):
    added = add(session, admin)
    token = accounts.log_in(session, username="gul", password=added.one_time_password, now=NOW)
    members.update_member(
        session, actor=admin, membership_id=added.member.membership_id, expected_version=1, active=False, now=NOW
    )
    with pytest.raises(SessionExpired):
        accounts.resolve(session, token=token, now=NOW)
    with pytest.raises(AuthenticationFailed):
        accounts.log_in(session, username="gul", password=added.one_time_password, now=NOW)


def test_a_stale_edit_is_refused_as_changed_by_someone_else(session, admin):
    added = add(session, admin)
    target = added.member.membership_id
    members.update_member(
        session, actor=admin, membership_id=target, expected_version=1, role=Role.FACILITATOR, now=NOW
    )
    with pytest.raises(Conflict):
        members.update_member(session, actor=admin, membership_id=target, expected_version=1, role=Role.VIEWER, now=NOW)


def test_setting_the_reviewer_flag_is_stored_and_audited(session, admin):
    added = add(session, admin)
    updated = members.update_member(
        session,
        actor=admin,
        membership_id=added.member.membership_id,
        expected_version=1,
        sensitivity_reviewer=True,
        now=NOW,
    )
    assert updated.sensitivity_reviewer
    actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["member.added", "member.sensitivity_reviewer_set"]


def test_a_password_reset_gives_a_new_one_time_password_and_ends_sessions(session, admin):
    added = add(session, admin)
    token = accounts.log_in(session, username="gul", password=added.one_time_password, now=NOW)
    secret = members.reset_password(session, actor=admin, membership_id=added.member.membership_id, now=NOW)
    with pytest.raises(SessionExpired):
        accounts.resolve(session, token=token, now=NOW)
    assert accounts.log_in(session, username="gul", password=secret, now=NOW)


def test_audit_events_form_an_unbroken_chain(session, admin):
    add(session, admin)
    add(session, admin, username="zarmina", display_name="Zarmina")
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert len(events) >= 2
    assert events[0].prev_hash == GENESIS
    for before, after in pairwise(events):
        assert after.prev_hash == before.hash


def test_the_member_list_shows_only_the_actors_team(session, admin):
    away = make_team(session, "away", "Away team")
    make_member(session, away, Role.DRAFTER, username="stranger")
    assert "stranger" not in {m.username for m in members.list_members(session, actor=admin, now=NOW)}
