"""Personal data kept apart: signed consent documents (admins only) and erasing a member's personal data
while their pseudonymous history stays."""

from datetime import date

import pytest
from sqlmodel import func, select

from planner import accounts, audit, campaigns, consent, members, messages, review
from planner.errors import Conflict, NotFound, PermissionDenied, SessionExpired, ValidationFailed
from planner.models import AuditEvent, ConsentDocument, LoginSession, Membership, PersonalDetail, Role, User
from planner.policy import load_actor
from tests.conftest import NOW, make_member, make_team

PDF = b"%PDF-1.7\n% signed by the survivor's brother\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REAL_NAME = "Zarmina Khan Durrani"
PHONE = "+93 70 123 4567"


@pytest.fixture
def admin(session, team):
    return make_member(session, team, Role.ADMIN, username="samina")


def upload(session, admin, data=PDF, reference="CF-2026-014", **fields):
    return consent.upload_document(session, actor=admin, now=NOW, data=data, reference=reference, **fields)


# ---- consent documents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "media_type", "extension"),
    [(PDF, "application/pdf", "pdf"), (JPEG, "image/jpeg", "jpg"), (PNG, "image/png", "png")],
)
def test_a_signed_form_is_kept_with_its_type_read_from_the_bytes(session, admin, data, media_type, extension):
    kept = upload(session, admin, data=data)
    assert kept.media_type == media_type and kept.file_name.endswith(f".{extension}")
    assert kept.uploaded_by == "Samina"
    opened = consent.open_document(session, actor=admin, now=NOW, document_id=kept.id)
    assert opened.content == data and opened.media_type == media_type


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"MZ\x90\x00 this is a program", "PDF, JPEG or PNG"),
        (b"<html><script>alert(1)</script>", "PDF, JPEG or PNG"),
        (b"", "empty"),
        (b"%PDF-" + b"0" * consent.MAX_BYTES, "larger than 10 MB"),
    ],
    ids=["program", "html", "empty", "too large"],
)
def test_anything_but_a_pdf_jpeg_or_png_within_the_size_cap_is_refused(session, admin, data, why):
    with pytest.raises(ValidationFailed) as refused:
        upload(session, admin, data=data)
    assert why in refused.value.problems["file"]
    assert session.exec(select(func.count()).select_from(ConsentDocument)).one() == 0


def test_the_file_name_is_made_by_the_server_and_never_carries_the_persons_name(session, admin):
    kept = upload(session, admin, reference="CF-7", person_label="Ahmad's mother")
    assert kept.file_name.startswith("consent-20261122-090000-") and "Ahmad" not in kept.file_name


def test_the_same_file_twice_is_refused(session, admin):
    upload(session, admin)
    with pytest.raises(Conflict):
        upload(session, admin, reference="CF-other")


def test_a_drafter_learns_only_whether_a_form_is_on_file_for_a_reference(session, admin, drafter):
    assert not consent.on_file(session, actor=drafter, now=NOW, reference="CF-2026-014")
    upload(session, admin, reference="Consent form CF-2026-014")
    assert consent.on_file(session, actor=drafter, now=NOW, reference="  consent FORM   cf-2026-014 ")
    assert not consent.on_file(session, actor=drafter, now=NOW, reference="CF-2026-015")
    upload(session, admin, data=PNG, reference="CF-2026-021")
    cited = "Consent form CF-2026-021, signed 14 October 2026; voice only, pseudonym; kept by the team admin"
    assert consent.on_file(session, actor=drafter, now=NOW, reference=cited)
    assert not consent.on_file(session, actor=drafter, now=NOW, reference="Consent form CF-2026-0213")
    for service, kwargs in (
        (consent.list_documents, {}),
        (consent.open_document, {"document_id": 1}),
        (consent.delete_document, {"document_id": 1}),
        (consent.upload_document, {"data": PDF, "reference": "CF-1"}),
    ):
        with pytest.raises(PermissionDenied):
            service(session, actor=drafter, now=NOW, **kwargs)


def test_another_teams_admin_cannot_see_or_open_a_document(session, admin):
    kept = upload(session, admin)
    away_admin = make_member(session, make_team(session, "away", "Away"), Role.ADMIN, username="away-admin")
    assert consent.list_documents(session, actor=away_admin, now=NOW) == []
    assert not consent.on_file(session, actor=away_admin, now=NOW, reference="CF-2026-014")
    with pytest.raises(NotFound):
        consent.open_document(session, actor=away_admin, now=NOW, document_id=kept.id)


def test_uploading_opening_and_deleting_are_recorded_with_ids_and_fingerprints_only(session, admin):
    kept = upload(session, admin, person_label="survivor, Lahore 2017")
    consent.open_document(session, actor=admin, now=NOW, document_id=kept.id)
    consent.delete_document(session, actor=admin, now=NOW, document_id=kept.id)
    assert consent.list_documents(session, actor=admin, now=NOW) == []
    events = session.exec(select(AuditEvent).where(AuditEvent.subject_type == "consent_document")).all()
    assert [e.action for e in events] == [
        "consent.document_uploaded",
        "consent.document_opened",
        "consent.document_deleted",
    ]
    recorded = " ".join(str(e.details) for e in events)
    assert "Lahore" not in recorded and "CF-2026-014" not in recorded and kept.sha256 in recorded


# ---- erasure -------------------------------------------------------------------------------------


def test_the_admin_sees_which_live_messages_cite_a_form_not_on_file_until_it_is_uploaded(session, admin, drafter):
    plan = campaigns.create_campaign(
        session, actor=drafter, now=NOW, name="Grief", start_date=date(2027, 1, 1), end_date=date(2027, 2, 1)
    )

    def message(title, reference):
        made = messages.create_message(
            session, actor=drafter, now=NOW, campaign_id=plan.id, title=title, consent_reference=reference
        )
        return made.id

    waiting = message("A brother in Kabul", "Consent form CF-2026-031, signed 9 November; kept by the admin")
    message("No one featured", "")
    gone = message("Archived story", "Consent form CF-2026-099")
    review.archive(session, actor=admin, now=NOW, message_id=gone)
    upload(session, admin, reference="CF-2026-032")  # a form for another reference

    missing = consent.missing_forms(session, actor=admin, now=NOW)
    assert [(m.message_id, m.title, m.campaign, m.status, m.written_by) for m in missing] == [
        (waiting, "A brother in Kabul", "Grief", "draft", drafter.display_name)
    ]
    away_admin = make_member(session, make_team(session, "away", "Away"), Role.ADMIN, username="away-admin")
    assert consent.missing_forms(session, actor=away_admin, now=NOW) == []

    upload(session, admin, data=PNG, reference="cf-2026-031")
    assert consent.missing_forms(session, actor=admin, now=NOW) == []
    with pytest.raises(PermissionDenied):
        consent.missing_forms(session, actor=drafter, now=NOW)


@pytest.fixture
def farid(session, admin):
    """A drafter with a real name and phone on file, a consent form about him, a message and a live session."""
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
    user = session.get(User, added.member.user_id)
    user.must_change_password = False
    session.add(user)
    session.commit()
    accounts.log_in(session, username="farid", password=added.one_time_password, now=NOW)
    login = session.exec(select(LoginSession).where(LoginSession.user_id == user.id)).one()
    return load_actor(session, login, now=NOW)


def test_erasing_removes_real_name_phone_consent_forms_and_sessions_and_keeps_the_pseudonymous_history(
    session, admin, farid
):
    plan = campaigns.create_campaign(
        session, actor=farid, now=NOW, name="Grief", start_date=date(2027, 1, 1), end_date=date(2027, 2, 1)
    )
    message = messages.create_message(session, actor=farid, now=NOW, campaign_id=plan.id, title="Shared grief")
    upload(session, admin, reference="CF-1", subject_membership_id=farid.membership_id)
    someone_else = upload(session, admin, data=PNG, reference="CF-2")

    report = members.erase_personal_data(
        session, actor=admin, now=NOW, membership_id=farid.membership_id, confirm_username="Farid "
    )

    assert report.personal_detail_removed and report.consent_documents_removed == 1 and report.sessions_ended == 1
    assert session.get(PersonalDetail, farid.user_id) is None
    assert [d.id for d in consent.list_documents(session, actor=admin, now=NOW)] == [someone_else.id]
    with pytest.raises(SessionExpired):
        messages.get_message(session, actor=farid, now=NOW, message_id=message.id)
    roster = {m.username: m for m in members.list_members(session, actor=admin, now=NOW)}
    assert roster["farid"].display_name == "Kabul student Farid" and roster["farid"].real_name is None
    assert roster["farid"].phone is None and roster["farid"].active
    kept = messages.get_message(session, actor=admin, now=NOW, message_id=message.id)
    assert kept.author == "Kabul student Farid"
    history = audit.list_events(session, actor=admin, now=NOW, membership_id=farid.membership_id)
    assert {e.action for e in history.events} >= {"session.login", "campaign.created", "message.created"}
    # He can still log in under his pseudonym; only an admin's deactivation stops that.
    assert session.exec(select(Membership.active).where(Membership.id == farid.membership_id)).one()


def test_the_erasure_is_recorded_with_ids_and_counts_only(session, admin, farid):
    members.erase_personal_data(
        session, actor=admin, now=NOW, membership_id=farid.membership_id, confirm_username="farid"
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "member.personal_data_erased")).one()
    assert event.subject_id == farid.membership_id and event.actor_membership_id == admin.membership_id
    assert event.details == {"personal_detail_removed": True, "consent_documents_removed": 0, "sessions_ended": 1}
    assert audit.chain_status(session, actor=admin, now=NOW).intact


def test_a_wrong_confirmation_erases_nothing_and_does_not_echo_the_real_name(session, admin, farid):
    with pytest.raises(ValidationFailed) as refused:
        members.erase_personal_data(
            session, actor=admin, now=NOW, membership_id=farid.membership_id, confirm_username=REAL_NAME
        )
    assert "confirm_username" in refused.value.problems and REAL_NAME not in str(refused.value)
    session.rollback()
    assert session.get(PersonalDetail, farid.user_id).real_name == REAL_NAME
    assert accounts.list_my_sessions(session, actor=farid, now=NOW)


def test_only_an_admin_of_the_members_own_team_can_erase(session, admin, farid):
    with pytest.raises(PermissionDenied):
        members.erase_personal_data(
            session, actor=farid, now=NOW, membership_id=farid.membership_id, confirm_username="farid"
        )
    away_admin = make_member(session, make_team(session, "away", "Away"), Role.ADMIN, username="away-admin")
    with pytest.raises(NotFound):
        members.erase_personal_data(
            session, actor=away_admin, now=NOW, membership_id=farid.membership_id, confirm_username="farid"
        )
    assert session.get(PersonalDetail, farid.user_id) is not None
