"""The audit trail and personal data pages (admins), and ending one's own sessions, through the real app."""

import csv
import io
import re

import pytest
from sqlmodel import select
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from planner import audit, consent, db, demo_consent
from planner.errors import PermissionDenied
from planner.models import AuditEvent, ConsentDocument, Membership, Message, PersonalDetail, User
from tests.pages.conftest import log_in, new_app, texts

EVIL = '=HYPERLINK("http://evil.example","open")'
PDF = b"%PDF-1.7\n(signed consent)\n%%EOF\n"
REAL_NAME = "Farid Ahmad Popalzai"


@pytest.fixture
def downloads(monkeypatch):
    """Every file a page hands to a download button in this test, by the address the button points at."""
    files: dict[str, tuple[str | None, bytes]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[self.get_url(file_id)] = (filename, path_or_data)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load)
    return files


def offered(at, files, key):
    """(file name, bytes) behind the download button with this key."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key) or key in b.proto.id)
    return files[button.proto.url]


def member(username: str) -> tuple[int, int]:
    """(membership id, user id) of a demo account."""
    with db.session(readonly=True) as s:
        return s.exec(
            select(Membership.id, User.id).join(User, User.id == Membership.user_id).where(User.username == username)
        ).one()


def table(at):
    return at.dataframe[0].value


# ---- audit trail ---------------------------------------------------------------------------------


def test_an_admin_sees_the_trail_newest_first_with_pseudonyms_and_the_chain_intact(app_db):
    at = log_in(new_app(), "admin")
    at.switch_page("screens/audit.py").run()
    assert not at.exception
    assert at.title[0].value == "Audit trail"
    assert "Chain intact" in texts(at)
    shown = table(at)
    assert list(shown["Event"]) == sorted(shown["Event"], reverse=True) and len(shown) == 50
    assert "logged in" in set(shown["What"])  # the admin's own log-in, in plain words
    everything = shown.to_csv()
    assert "Samina Qureshi" not in everything  # the demo admin's real name, kept apart
    with db.session(readonly=True) as s:
        total = len(s.exec(select(AuditEvent.id)).all())
    assert f"of {total}, newest first" in texts(at)


def test_filtering_by_member_and_action_narrows_the_table(app_db):
    drafter_membership, _ = member("drafter")
    at = log_in(new_app(), "drafter")  # one more log-in by the drafter to find
    at = log_in(new_app(), "admin")
    at.switch_page("screens/audit.py").run()
    at.session_state["audit.member"] = drafter_membership
    at.session_state["audit.action"] = "session.login"
    at.button(key="FormSubmitter:audit.filters-Apply filters").click().run()
    assert not at.exception
    shown = table(at)
    assert len(shown) >= 1
    assert set(shown["What"]) == {"logged in"} and set(shown["Member"]) == {"Kabul student Farid"}
    with db.session(readonly=True) as s:
        expected = s.exec(
            select(AuditEvent.id).where(
                AuditEvent.actor_membership_id == drafter_membership, AuditEvent.action == "session.login"
            )
        ).all()
    assert sorted(shown["Event"]) == sorted(expected)


def test_the_csv_download_is_formula_safe_and_named_by_the_server(app_db, downloads):
    drafter_membership, drafter_user = member("drafter")
    with db.session() as s:
        user = s.get(User, drafter_user)
        user.display_name = EVIL
        s.add(user)
        s.commit()
    at = log_in(new_app(), "admin")
    at.switch_page("screens/audit.py").run()
    at.session_state["audit.member"] = drafter_membership
    at.button(key="FormSubmitter:audit.filters-Apply filters").click().run()
    at.button(key="audit.export.go").click().run()
    assert not at.exception
    name, data = offered(at, downloads, "audit.export.download")
    assert re.fullmatch(r"demo-audit-\d{8}-\d{4}\.csv", name)
    raw = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert rows and {row["member"] for row in rows} == {"'" + EVIL}  # inert: the spreadsheet shows it as text
    assert all(row["event_id"].isdigit() and row["membership_id"] == str(drafter_membership) for row in rows)
    assert all(line.startswith('"') for line in raw.splitlines())
    with db.session(readonly=True) as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "audit.exported")).one().details["rows"] == len(
            rows
        )


@pytest.mark.parametrize("username", ["facilitator", "drafter", "viewer"])
def test_only_admins_have_the_audit_and_personal_data_pages_and_the_services_refuse_the_rest(app_db, username):
    at = log_in(new_app(), username)
    for page in ("screens/audit.py", "screens/privacy.py"):
        with pytest.raises(ValueError, match="registered"):
            at.switch_page(page)
    me = at.session_state["auth.actor"]
    with db.session() as s:
        for service in (audit.list_events, audit.export_events, consent.list_documents):
            with pytest.raises(PermissionDenied):
                service(s, actor=me, now=db.utcnow())


# ---- personal data -------------------------------------------------------------------------------


def test_an_admin_uploads_a_consent_form_and_a_drafter_sees_only_that_it_is_on_file(app_db, downloads):
    with db.session(readonly=True) as s:
        message = s.exec(select(Message).where(Message.consent_reference.contains("CF-2026-042"))).one()

    def drafters_studio():
        drafter = log_in(new_app(), "drafter")
        drafter.session_state["campaign.picker"] = message.campaign_id
        drafter.session_state["campaign.current"] = message.campaign_id
        drafter.session_state["studio.message"] = message.id
        drafter.switch_page("screens/studio.py").run()
        assert not drafter.exception
        return drafter

    assert "No signed consent form on file for this reference yet" in texts(drafters_studio())
    at = log_in(new_app(), "admin")
    at.switch_page("screens/privacy.py").run()
    assert "1 message cites a consent form that is not on file" in texts(at).replace("**", "")
    chase = at.dataframe[0].value
    assert list(chase["Message"]) == [message.title] and "CF-2026-042" in chase.iloc[0, 1]  # beside the title
    assert len(at.dataframe[1].value) == len(demo_consent.FORMS)  # the demo's sample forms
    at.text_input(key="privacy.upload.reference.0").input("CF-2026-042")
    at.file_uploader(key="privacy.upload.file.0").set_value(("Shazia Bibi consent.pdf", PDF, "application/pdf"))
    at.button(key="FormSubmitter:privacy.upload.0-Keep on file").click().run()
    assert not at.exception
    with db.session(readonly=True) as s:
        stored = s.exec(select(ConsentDocument).where(ConsentDocument.reference == "CF-2026-042")).one()
    assert stored.media_type == "application/pdf" and stored.content == PDF and "Shazia" not in stored.file_name
    assert "not on file" not in texts(at)  # nothing left to chase
    assert stored.file_name in list(table(at)["File"])

    assert at.selectbox(key="privacy.document").value == stored.id  # the form just kept is the one chosen
    at.button(key="privacy.open").click().run()
    assert offered(at, downloads, "privacy.download") == (stored.file_name, PDF)

    drafter = drafters_studio()
    assert "Signed consent form on file with your admin" in texts(drafter)
    assert stored.file_name not in texts(drafter) and not drafter.get("download_button")


def test_an_admin_erases_a_members_personal_data_only_after_typing_their_username(app_db):
    membership_id, user_id = member("drafter")
    with db.session() as s:
        s.add(PersonalDetail(user_id=user_id, real_name=REAL_NAME, phone="+93 70 123 4567"))
        s.commit()
    phone = log_in(new_app(), "drafter")
    at = log_in(new_app(), "admin")
    at.switch_page("screens/privacy.py").run()
    assert "Deleted for good" in texts(at) and "Kept:" in texts(at)
    at.session_state["privacy.erase.member"] = membership_id
    at.run()
    assert "real name yes · phone yes" in texts(at)
    assert REAL_NAME not in texts(at)  # the form says what is on file, not what it says

    at.text_input(key=f"privacy.erase.confirm.{membership_id}").input("Kabul student Farid")
    at.button(key=f"FormSubmitter:privacy.erase.{membership_id}-Erase personal data").click().run()
    assert "Type the member's username" in texts(at)
    with db.session(readonly=True) as s:
        assert s.get(PersonalDetail, user_id) is not None

    at.text_input(key=f"privacy.erase.confirm.{membership_id}").input("drafter")
    at.button(key=f"FormSubmitter:privacy.erase.{membership_id}-Erase personal data").click().run()
    assert not at.exception
    assert "Erased the personal data of" in texts(at) and "1 session ended" in texts(at)
    with db.session(readonly=True) as s:
        assert s.get(PersonalDetail, user_id) is None
        assert s.get(User, user_id).display_name == "Kabul student Farid"
        assert s.get(Membership, membership_id).active
    phone.run()
    assert phone.text_input(key="login.username")  # their open session ended


# ---- my account ----------------------------------------------------------------------------------


def test_a_member_ends_the_session_on_their_lost_phone_from_my_account(app_db):
    phone = log_in(new_app(), "drafter")
    desk = log_in(new_app(), "drafter")
    desk.switch_page("screens/account.py").run()
    assert "this browser" in texts(desk) and "another browser" in texts(desk)
    end = next(b for b in desk.button if b.key and b.key.startswith("account.end."))
    end.click().run()
    assert not desk.exception
    assert "another browser" not in texts(desk) and "this browser" in texts(desk)
    phone.run()
    assert phone.text_input(key="login.username")
    assert "session has ended" in texts(phone)
