"""Log-in, lockout, sessions and password changes against a real database."""

from datetime import timedelta

import pytest
from sqlmodel import select

from planner import accounts, members
from planner.errors import AuthenticationFailed, PermissionDenied, SessionExpired, ValidationFailed
from planner.models import LoginSession, Role, User
from tests.conftest import NOW, PASSWORD, make_member


def test_right_password_opens_a_session_that_resolves_to_the_member(session, drafter):
    token = accounts.log_in(session, username="Farid ", password=PASSWORD, now=NOW)
    actor = accounts.resolve(session, token=token, now=NOW + timedelta(minutes=5))
    assert actor.username == "farid"
    assert actor.role == Role.DRAFTER


def test_unknown_user_and_wrong_password_get_the_same_message(session, drafter):
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.log_in(session, username="nobody", password=PASSWORD, now=NOW)
    with pytest.raises(AuthenticationFailed) as wrong:
        accounts.log_in(session, username="farid", password="not the password", now=NOW)
    assert str(unknown.value) == str(wrong.value)


def test_repeated_failures_lock_the_account_even_for_the_right_password(session, drafter):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.log_in(session, username="farid", password="wrong guess!", now=NOW)
    with pytest.raises(AuthenticationFailed):
        accounts.log_in(session, username="farid", password=PASSWORD, now=NOW + timedelta(minutes=1))
    user = session.exec(select(User).where(User.username == "farid")).one()
    assert user.locked_until is not None and user.locked_until > NOW


def test_the_lock_ends_after_its_time(session, drafter):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.log_in(session, username="farid", password="wrong guess!", now=NOW)
    assert accounts.log_in(session, username="farid", password=PASSWORD, now=NOW + timedelta(minutes=16))


def test_failures_below_the_threshold_are_forgotten_after_a_good_log_in(session, drafter):
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            accounts.log_in(session, username="farid", password="wrong guess!", now=NOW)
    accounts.log_in(session, username="farid", password=PASSWORD, now=NOW)
    assert session.exec(select(User.failed_logins).where(User.username == "farid")).one() == 0


def test_a_session_ends_after_thirty_idle_minutes(session, drafter):
    token = accounts.log_in(session, username="farid", password=PASSWORD, now=NOW)
    accounts.resolve(session, token=token, now=NOW + timedelta(minutes=29))
    with pytest.raises(SessionExpired):
        accounts.resolve(session, token=token, now=NOW + timedelta(minutes=29 + 31))


def test_a_session_ends_after_twelve_hours_however_active(session, drafter):
    token = accounts.log_in(session, username="farid", password=PASSWORD, now=NOW)
    for minutes in range(20, 12 * 60, 20):
        accounts.resolve(session, token=token, now=NOW + timedelta(minutes=minutes))
    with pytest.raises(SessionExpired):
        accounts.resolve(session, token=token, now=NOW + timedelta(hours=12, minutes=1))


def test_logging_out_ends_the_session(session, drafter):
    token = accounts.log_in(session, username="farid", password=PASSWORD, now=NOW)
    accounts.log_out(session, token=token, now=NOW)
    with pytest.raises(SessionExpired):
        accounts.resolve(session, token=token, now=NOW)


def test_a_revoked_session_cannot_call_a_service(session, team, drafter):
    admin = make_member(session, team, Role.ADMIN, username="samina")
    members.revoke_sessions(session, actor=admin, membership_id=drafter.membership_id, now=NOW)
    with pytest.raises(SessionExpired):
        members.list_members(session, actor=drafter, now=NOW)


def test_a_role_change_takes_effect_on_the_next_call(session, team):
    admin = make_member(session, team, Role.ADMIN, username="samina")
    other_admin = make_member(session, team, Role.ADMIN, username="tahir")
    members.update_member(
        session, actor=admin, membership_id=other_admin.membership_id, expected_version=1, role=Role.VIEWER, now=NOW
    )
    with pytest.raises(PermissionDenied):
        members.revoke_sessions(session, actor=other_admin, membership_id=admin.membership_id, now=NOW)


def test_a_member_with_a_one_time_password_may_only_change_it(session, team):
    newcomer = make_member(session, team, Role.DRAFTER, username="gul", must_change_password=True)
    with pytest.raises(PermissionDenied):
        members.list_members(session, actor=newcomer, now=NOW)
    accounts.change_password(
        session, actor=newcomer, current_password=PASSWORD, new_password="دریا کنار شام کی ہوا", now=NOW
    )
    assert members.list_members(session, actor=newcomer, now=NOW)


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(session, drafter):
    other = accounts.log_in(session, username="farid", password=PASSWORD, now=NOW)
    accounts.change_password(
        session, actor=drafter, current_password=PASSWORD, new_password="a new and long passphrase", now=NOW
    )
    with pytest.raises(SessionExpired):
        accounts.resolve(session, token=other, now=NOW)
    assert accounts.list_my_sessions(session, actor=drafter, now=NOW)[0].current


@pytest.mark.parametrize(
    ("new_password", "field_says"),
    [("short", "at least 8"), ("password123", "common"), ("farid", "at least 8"), ("x" * 257, "at most 256")],
)
def test_weak_new_passwords_are_refused_with_the_reason(session, drafter, new_password, field_says):
    with pytest.raises(ValidationFailed) as refused:
        accounts.change_password(session, actor=drafter, current_password=PASSWORD, new_password=new_password, now=NOW)
    assert field_says in refused.value.problems["new_password"]


def test_a_member_can_end_another_of_their_sessions(session, drafter):
    accounts.log_in(session, username="farid", password=PASSWORD, now=NOW)
    mine = accounts.list_my_sessions(session, actor=drafter, now=NOW)
    other = next(row for row in mine if not row.current)
    accounts.end_my_session(session, actor=drafter, session_id=other.id, now=NOW)
    assert [row.current for row in accounts.list_my_sessions(session, actor=drafter, now=NOW)] == [True]
    assert session.get(LoginSession, other.id).revoked_at is not None
