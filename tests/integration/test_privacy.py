"""Privacy proofs: real names, phone numbers and consent documents never leave through an export, a log
line or an error message; logs carry no passwords, tokens or draft text."""

import hashlib
import logging
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from planner import accounts, campaigns, consent, members, messages, posts, reach, review
from planner.errors import AuthenticationFailed, NotFound, SessionExpired, ValidationFailed
from planner.models import LoginSession, PersonalDetail, Role, User
from planner.policy import load_actor
from tests.conftest import NOW, make_member

REAL_NAME = "Zarmina Khan Durrani"
REVIEWER_NAME = "Tahir Mahmood Afridi"
PHONE = "+92 300 7654321"
PERSON = "mother of Ahmad, Lahore 2017"
CONSENT = b"%PDF-1.7\n(Signed: Shazia Bibi, CNIC 35202-1234567-1)\n%%EOF\n"
DRAFT = "Twelve families in Lahore and Kabul lost a son on 24 July: grief has no border."
WRONG_PASSWORD = "not my password at all"
NEW_PASSWORD = "دو قطرے زندگی کے، ہر بچے کے لیے"
X_FILE = (Path(__file__).resolve().parent.parent / "fixtures" / "reach" / "x-current.csv").read_bytes()


def personal_details(session, username, real_name, phone=PHONE):
    user = session.exec(select(User).where(User.username == username)).one()
    session.add(PersonalDetail(user_id=user.id, real_name=real_name, phone=phone))
    session.commit()


def forbidden(*extra: str) -> list[str]:
    """What must never leave: names, phones (as typed and as digits), the consent form and its fingerprint."""
    return [
        REAL_NAME,
        REVIEWER_NAME,
        PHONE,
        PHONE.replace(" ", ""),
        PERSON,
        "Shazia",
        "35202-1234567-1",
        hashlib.sha256(CONSENT).hexdigest(),
        *extra,
    ]


@pytest.fixture
def planned(session, team, drafter):
    """A scheduled post whose message features a person with a signed form on file; both authors have
    real names and phones on file."""
    admin = make_member(session, team, Role.ADMIN, username="samina")
    facilitator = make_member(session, team, Role.FACILITATOR, username="tahir")
    personal_details(session, "farid", REAL_NAME)
    personal_details(session, "tahir", REVIEWER_NAME, "+93 70 123 4567")
    document = consent.upload_document(
        session, actor=admin, now=NOW, data=CONSENT, reference="CF-2026-014", person_label=PERSON
    )
    plan = campaigns.create_campaign(
        session, actor=drafter, now=NOW, name="Shared grief", start_date=date(2026, 11, 20), end_date=date(2027, 1, 31)
    )
    message = messages.create_message(
        session,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        title="Same day, same grief",
        features_person=True,
        consent_reference="CF-2026-014",
    )
    message = messages.save_variant(
        session,
        actor=drafter,
        now=NOW,
        message_id=message.id,
        expected_version=None,
        platform="facebook",
        language="en",
        body=DRAFT,
    )
    review.submit(session, actor=drafter, now=NOW, message_id=message.id)
    digest = review.review(session, actor=facilitator, now=NOW, message_id=message.id).content_hash
    review.approve(session, actor=facilitator, now=NOW, message_id=message.id, content_hash_seen=digest)
    channel = posts.add_channel(session, actor=admin, now=NOW, platform="facebook", name="Youth Dialogue Page")
    posts.schedule_post(
        session,
        actor=drafter,
        now=NOW,
        variant_id=message.variants[0].id,
        channel_id=channel.id,
        day=date(2026, 12, 3),
        at=time(18, 0),
        zone="Asia/Karachi",
    )
    return document


@pytest.mark.parametrize("kind", ["ics", "csv", "hootsuite", "sprout"])
def test_no_export_carries_real_names_phones_or_consent_documents(session, drafter, planned, kind):
    made = posts.export(session, actor=drafter, now=NOW, kind=kind)
    assert made.rows == 1 and made.files  # the post is in the file: the check below reads real output
    for name, data in made.files:
        text = data.decode("utf-8-sig")
        assert DRAFT[:40] in text.replace("\r\n ", "")  # iCalendar folds long lines
        for secret in forbidden(planned.file_name):
            assert secret not in text, f"{secret!r} leaked into {name}"
            assert secret not in name


def test_logs_carry_no_passwords_tokens_personal_data_or_draft_text(session, team, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # an operator debugging with SQL logging switched on
    admin = make_member(session, team, Role.ADMIN, username="samina")
    added = members.add_member(
        session,
        actor=admin,
        now=NOW,
        username="farid",
        display_name="Kabul student Farid",
        role="drafter",
        real_name=REAL_NAME,
        phone=PHONE,
    )
    with pytest.raises(AuthenticationFailed):
        accounts.log_in(session, username="farid", password=WRONG_PASSWORD, now=NOW)
    token = accounts.log_in(session, username="farid", password=added.one_time_password, now=NOW)
    farid = accounts.resolve(session, token=token, now=NOW)
    accounts.change_password(
        session, actor=farid, current_password=added.one_time_password, new_password=NEW_PASSWORD, now=NOW
    )
    facilitator = make_member(session, team, Role.FACILITATOR, username="tahir")
    document = consent.upload_document(
        session, actor=admin, now=NOW, data=CONSENT, reference="CF-2026-014", person_label=PERSON
    )
    plan = campaigns.create_campaign(
        session, actor=farid, now=NOW, name="Shared grief", start_date=date(2026, 11, 20), end_date=date(2027, 1, 31)
    )
    message = messages.create_message(
        session, actor=farid, now=NOW, campaign_id=plan.id, title="Grief", consent_reference="CF-2026-014"
    )
    message = messages.save_variant(
        session,
        actor=farid,
        now=NOW,
        message_id=message.id,
        expected_version=None,
        platform="x",
        language="en",
        body=DRAFT,
    )
    review.submit(session, actor=farid, now=NOW, message_id=message.id)
    digest = review.review(session, actor=facilitator, now=NOW, message_id=message.id).content_hash
    review.approve(session, actor=facilitator, now=NOW, message_id=message.id, content_hash_seen=digest)
    channel = posts.add_channel(session, actor=admin, now=NOW, platform="x", name="@pakafghanyouth")
    posts.schedule_post(
        session,
        actor=farid,
        now=NOW,
        variant_id=message.variants[0].id,
        channel_id=channel.id,
        day=date(2026, 12, 1),
        at=time(18),
        zone="Asia/Karachi",
    )
    reach.import_reach(session, actor=farid, now=NOW, data=X_FILE)
    stored_hash = session.get(User, farid.user_id).password_hash

    logged = "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)
    assert "INSERT INTO personal_detail" in logged  # SQL logging was on: the checks below read real output
    secrets = [WRONG_PASSWORD, added.one_time_password, NEW_PASSWORD, token, stored_hash, "$argon2id$"]
    secrets += [hashlib.sha256(token.encode()).hexdigest(), DRAFT, "Same grief in Kabul and Lahore"]
    for secret in forbidden(document.file_name) + secrets:
        assert secret not in logged, f"{secret[:12]!r}… appeared in the log"


def test_a_database_error_message_never_carries_the_values_it_was_given(session, drafter):
    session.add(PersonalDetail(user_id=drafter.user_id, real_name=REAL_NAME, phone=PHONE))
    session.commit()
    session.add(PersonalDetail(user_id=drafter.user_id, real_name=REVIEWER_NAME, phone="+93 70 123 4567"))
    with pytest.raises(IntegrityError) as clash:
        session.commit()
    assert "personal_detail" in str(clash.value)  # the message still says where it went wrong
    assert REVIEWER_NAME not in str(clash.value) and "123 4567" not in str(clash.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", f"call {REAL_NAME}"), ("real_name", REAL_NAME * 7), ("username", REAL_NAME)],
)
def test_a_refused_member_form_explains_without_repeating_what_was_typed(session, team, field, value):
    admin = make_member(session, team, Role.ADMIN, username="samina")
    fields = {"username": "zarmina", "display_name": "Z", "role": "viewer", field: value}
    with pytest.raises(ValidationFailed) as refused:
        members.add_member(session, actor=admin, now=NOW, **fields)
    assert field in refused.value.problems
    assert REAL_NAME not in str(refused.value)


def test_a_failed_log_in_never_names_the_account_or_says_whether_it_exists(session, drafter):
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.log_in(session, username="zarmina-khan", password=WRONG_PASSWORD, now=NOW)
    with pytest.raises(AuthenticationFailed) as wrong:
        accounts.log_in(session, username="farid", password=WRONG_PASSWORD, now=NOW)
    assert str(unknown.value) == str(wrong.value)
    assert "farid" not in str(wrong.value) and WRONG_PASSWORD not in str(wrong.value)


def test_a_member_sees_and_ends_their_own_sessions_but_not_someone_elses(session, team, drafter):
    phone_token = accounts.log_in(session, username="farid", password="correct horse battery staple", now=NOW)
    mine = accounts.list_my_sessions(session, actor=drafter, now=NOW)
    assert len(mine) == 2 and sum(row.current for row in mine) == 1
    lost_phone = next(row for row in mine if not row.current)
    accounts.end_my_session(session, actor=drafter, session_id=lost_phone.id, now=NOW)
    with pytest.raises(SessionExpired):
        accounts.resolve(session, token=phone_token, now=NOW)
    other = make_member(session, team, Role.VIEWER, username="gul")
    login = session.get(LoginSession, other.session_id)
    assert load_actor(session, login, now=NOW)  # still live: nobody but its owner or an admin ends it
    with pytest.raises(NotFound):
        accounts.end_my_session(session, actor=drafter, session_id=other.session_id, now=NOW)
