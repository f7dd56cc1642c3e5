"""Drafting in the app: a Kabul student writes a Dari X variant and an Urdu Facebook variant."""

from sqlmodel import select

from planner import db
from planner.models import Campaign, Message, Variant
from tests.pages.conftest import log_in, new_app, texts

DARI = "غم کابل و لاهور یکی است. ۲۴ جولای را با هم به یاد می‌آوریم."
URDU = "کابل اور لاہور کا دکھ ایک ہے۔ ہم مل کر یاد کرتے ہیں۔"


def _campaign_id(name_part: str) -> int:
    with db.session(readonly=True) as s:
        return s.exec(select(Campaign.id).where(Campaign.name.contains(name_part))).one()


def _open_studio(at, campaign_id: int):
    at.session_state["campaign.picker"] = campaign_id
    at.session_state["campaign.current"] = campaign_id
    at.session_state["studio.message"] = 0  # a new message
    at.switch_page("screens/studio.py").run()
    assert not at.exception
    return at


def _type(at, key: str, text: str):
    """What the browser's editor sends while someone types."""
    at.session_state[key] = {"text": text}
    at.run()
    assert not at.exception


def _add_variant(at, message_id: int, platform: str, language: str, text: str):
    at.selectbox(key="studio.add.platform").set_value(platform)
    at.selectbox(key="studio.add.language").set_value(language).run()
    _type(at, f"studio.{message_id}.{platform}.{language}.body", text)


def _create_message(at, title: str) -> int:
    campaign_id = at.session_state["campaign.current"]
    at.text_input(key=f"studio.new{campaign_id}.title").input(title)
    at.button(key=f"FormSubmitter:studio.new{campaign_id}.form-Create message").click().run()
    assert not at.exception
    with db.session(readonly=True) as s:
        return s.exec(select(Message.id).where(Message.title == title)).one()


def test_a_student_writes_a_dari_x_variant_sees_the_count_and_saves(app_db):
    at = _open_studio(log_in(new_app(), "drafter"), _campaign_id("Remembering 24 July"))
    message_id = _create_message(at, "A test message in Dari")
    _add_variant(at, message_id, "x", "fa", DARI)
    assert f"{len(DARI)} / 280" in texts(at)  # Arabic-script letters weigh 1 on X
    at.button(key=f"studio.{message_id}.x.fa.save").click().run()
    assert not at.exception
    with db.session(readonly=True) as s:
        stored = s.exec(select(Variant).where(Variant.message_id == message_id)).one()
    assert (stored.platform, stored.language, stored.body) == ("x", "fa", DARI)


def test_an_urdu_facebook_variant_is_measured_in_characters_and_suggests_themes(app_db):
    at = _open_studio(log_in(new_app(), "drafter"), _campaign_id("Remembering 24 July"))
    message_id = _create_message(at, "Shared grief in Urdu")
    _add_variant(at, message_id, "facebook", "ur", URDU + " پولیو کے قطرے")
    assert "/ 63,206" in texts(at)
    assert "Polio eradication" in texts(at)  # suggested from the Urdu words, with what matched
    assert "پولیو" in texts(at)


def test_an_over_long_x_variant_says_by_how_much_and_nothing_is_lost(app_db):
    at = _open_studio(log_in(new_app(), "drafter"), _campaign_id("Remembering 24 July"))
    message_id = _create_message(at, "Too long")
    long_text = "امن " * 80
    _add_variant(at, message_id, "x", "ur", long_text)
    assert "over the limit of 280" in texts(at)
    at.run()
    assert at.session_state[f"studio.{message_id}.x.ur.body"]["text"] == long_text


def test_a_stale_save_keeps_my_text_and_shows_both_versions(app_db):
    at = _open_studio(log_in(new_app(), "drafter"), _campaign_id("Remembering 24 July"))
    message_id = _create_message(at, "Conflict")
    _add_variant(at, message_id, "x", "fa", DARI)
    at.button(key=f"studio.{message_id}.x.fa.save").click().run()

    other = _open_studio(log_in(new_app(), "facilitator"), _campaign_id("Remembering 24 July"))
    other.session_state["studio.message"] = message_id
    other.run()
    _type(other, f"studio.{message_id}.x.fa.body", DARI + " (تاهر)")
    other.button(key=f"studio.{message_id}.x.fa.save").click().run()

    _type(at, f"studio.{message_id}.x.fa.body", DARI + " (فرید)")
    at.button(key=f"studio.{message_id}.x.fa.save").click().run()
    assert not at.exception
    assert "changed by someone else since you opened it" in texts(at)
    assert at.session_state[f"studio.{message_id}.x.fa.body"]["text"] == DARI + " (فرید)"
    with db.session(readonly=True) as s:
        assert s.exec(select(Variant.body).where(Variant.message_id == message_id)).one() == DARI + " (تاهر)"
