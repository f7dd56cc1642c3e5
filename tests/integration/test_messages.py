"""Messages, variants and revisions against a real database."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from planner import campaigns, messages
from planner.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from planner.models import Message, MessageStatus, Revision, Role, Variant
from tests.conftest import NOW, make_member, make_team, run_at_once

DARI_X = "غم کابل و لاهور یکی است. ۲۴ جولای را با هم به یاد می‌آوریم. #کابل_لاهور"
URDU_FB = "کابل اور لاہور کا دکھ ایک ہے۔ ہم مل کر یاد کرتے ہیں۔"


@pytest.fixture
def plan(session, drafter):
    return campaigns.create_campaign(
        session,
        actor=drafter,
        now=NOW,
        name="Remembering 24 July",
        start_date=date(2027, 7, 10),
        template_id="shared-grief",
    )


@pytest.fixture
def message(session, drafter, plan):
    return messages.create_message(
        session,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        title="Two cities, one grief",
        core_idea="Shared grief, not blame.",
        themes=["victims-of-terrorism"],
        narrative_type="alternative",
        messenger_id=plan.messengers[0].id,
    )


def save(session, actor, message, platform, language, body, version=None, title=""):
    return messages.save_variant(
        session,
        actor=actor,
        now=NOW,
        message_id=message.id,
        expected_version=version,
        platform=platform,
        language=language,
        body=body,
        title=title,
    )


def test_a_drafter_writes_a_dari_x_variant_and_an_urdu_facebook_variant(session, drafter, message):
    save(session, drafter, message, "x", "fa", DARI_X)
    saved = save(session, drafter, message, "facebook", "ur", URDU_FB)
    assert {(v.platform, v.language, v.body) for v in saved.variants} == {
        ("x", "fa", DARI_X),
        ("facebook", "ur", URDU_FB),
    }


def test_text_is_normalised_and_cleaned_on_save(session, drafter, message):
    saved = save(session, drafter, message, "telegram", "en", "  cafe\u0301\x07 ok  ")
    assert saved.variants[0].body == "caf\u00e9 ok"


def test_every_save_keeps_a_revision_with_author_and_number(session, drafter, message):
    first = save(session, drafter, message, "x", "fa", DARI_X)
    save(session, drafter, message, "x", "fa", DARI_X + " !", version=first.variants[0].version)
    revisions = [
        r for r in messages.history(session, actor=drafter, now=NOW, message_id=message.id) if r.kind == "variant"
    ]
    assert [(r.number, r.content["body"], r.author) for r in revisions] == [
        (2, DARI_X + " !", "Farid"),
        (1, DARI_X, "Farid"),
    ]


def test_a_stale_variant_save_is_refused_and_the_stored_text_is_kept(session, team, drafter, message):
    other = make_member(session, team, Role.FACILITATOR, username="tahir")
    opened = save(session, drafter, message, "x", "fa", DARI_X).variants[0]
    save(session, other, message, "x", "fa", "نسخهٔ تاهر", version=opened.version)
    with pytest.raises(Conflict, match="changed by someone else since you opened it"):
        save(session, drafter, message, "x", "fa", "نسخهٔ فرید", version=opened.version)
    stored = messages.get_message(session, actor=drafter, now=NOW, message_id=message.id).variants[0]
    assert stored.body == "نسخهٔ تاهر"


def test_creating_a_variant_that_someone_else_just_created_is_a_conflict(session, team, drafter, message):
    save(session, drafter, message, "x", "fa", DARI_X)
    with pytest.raises(Conflict):
        save(session, make_member(session, team, Role.DRAFTER, username="gul"), message, "x", "fa", "دیگر")


def test_two_sessions_saving_the_same_variant_at_once_exactly_one_wins(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        team = make_team(setup)
        farid = make_member(setup, team, Role.DRAFTER, username="farid")
        gul = make_member(setup, team, Role.DRAFTER, username="gul")
        plan = campaigns.create_campaign(
            setup, actor=farid, now=NOW, name="C", start_date=date(2027, 1, 1), end_date=date(2027, 2, 1)
        )
        message = messages.create_message(setup, actor=farid, now=NOW, campaign_id=plan.id, title="M")
        opened = save(setup, farid, message, "x", "fa", DARI_X).variants[0]

    def attempt(actor, text):
        def go():
            with Session(concurrent_engine, expire_on_commit=False) as own:
                save(own, actor, message, "x", "fa", text, version=opened.version)
            return "saved"

        return go

    assert run_at_once(attempt(farid, "یک"), attempt(gul, "دو")) == ["Conflict", "saved"]
    with Session(concurrent_engine) as check:
        assert check.exec(select(Variant.version)).all() == [opened.version + 1]


def test_a_stale_message_save_is_refused(session, drafter, message):
    fields = {"title": "New title", "themes": ["victims-of-terrorism"]}
    messages.update_message(
        session, actor=drafter, now=NOW, message_id=message.id, expected_version=message.version, **fields
    )
    with pytest.raises(Conflict):
        messages.update_message(
            session, actor=drafter, now=NOW, message_id=message.id, expected_version=message.version, **fields
        )


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("themes", ["not-a-theme"], "unknown theme"),
        ("title", "   ", "working title"),
        ("sources", [{"reference": "javascript:alert(1)", "note": ""}], "https://"),
        ("sources", [{"reference": "", "note": "a claim"}], "link or a reference"),
    ],
)
def test_bad_message_fields_are_named(session, drafter, plan, field, value, says):
    fields = {"title": "A message", field: value}
    with pytest.raises(ValidationFailed) as refused:
        messages.create_message(session, actor=drafter, now=NOW, campaign_id=plan.id, **fields)
    assert any(says in why for why in refused.value.problems.values())


def test_a_messenger_from_another_campaign_is_refused(session, drafter, plan):
    other = campaigns.create_campaign(
        session, actor=drafter, now=NOW, name="Polio", start_date=date(2027, 1, 1), template_id="polio-trust"
    )
    with pytest.raises(ValidationFailed):
        messages.create_message(
            session, actor=drafter, now=NOW, campaign_id=plan.id, title="x", messenger_id=other.messengers[0].id
        )


def test_an_unknown_platform_or_language_is_refused(session, drafter, message):
    with pytest.raises(ValidationFailed):
        save(session, drafter, message, "myspace", "en", "hello")
    with pytest.raises(ValidationFailed):
        save(session, drafter, message, "x", "de", "hallo")


def test_the_library_finds_urdu_typed_with_arabic_letters_and_filters(session, drafter, message, plan):
    save(session, drafter, message, "facebook", "ur", URDU_FB)
    other = messages.create_message(session, actor=drafter, now=NOW, campaign_id=plan.id, title="Poetry night")
    save(session, drafter, other, "instagram", "en", "Poetry from both sides of the border")

    def titles(**filters):
        return [m.title for m in messages.list_messages(session, actor=drafter, now=NOW, **filters)]

    assert titles(query="لاهور") == ["Two cities, one grief"]  # Arabic ه finds Urdu ہ
    assert titles(query="poetry") == ["Poetry night"]
    assert titles(language="ur") == ["Two cities, one grief"]
    assert titles(platform="instagram") == ["Poetry night"]
    assert titles(theme="victims-of-terrorism") == ["Two cities, one grief"]
    assert titles()[0] == "Poetry night"  # the most recently changed first


def test_viewers_read_messages_but_cannot_write(session, team, message):
    viewer = make_member(session, team, Role.VIEWER, username="ayesha")
    assert messages.get_message(session, actor=viewer, now=NOW, message_id=message.id).title
    with pytest.raises(PermissionDenied):
        save(session, viewer, message, "x", "en", "hello")


def test_another_teams_message_is_not_found(session, message):
    stranger = make_member(session, make_team(session, "away", "Away"), Role.ADMIN, username="stranger")
    with pytest.raises(NotFound):
        messages.get_message(session, actor=stranger, now=NOW, message_id=message.id)
    with pytest.raises(NotFound):
        save(session, stranger, message, "x", "en", "hello")
    assert messages.list_messages(session, actor=stranger, now=NOW) == []


def test_removing_a_variant_keeps_its_history(session, drafter, message):
    variant = save(session, drafter, message, "x", "fa", DARI_X).variants[0]
    messages.remove_variant(
        session, actor=drafter, now=NOW, message_id=message.id, variant_id=variant.id, expected_version=variant.version
    )
    assert messages.get_message(session, actor=drafter, now=NOW, message_id=message.id).variants == []
    assert session.exec(select(Revision).where(Revision.kind == "variant")).first() is not None


# ---- the library, a page at a time ---------------------------------------------------------------


@pytest.fixture
def shelf(session, drafter, plan):
    """Seven messages changed a minute apart ("M0" oldest … "M6" newest); the odd ones have an Urdu
    Facebook variant and the religious-harmony theme, the even ones an English X variant and the
    sectarian-harmony theme; M6 names Lahore in Urdu, M3 is in review, the others are drafts."""
    for number in range(7):
        when = NOW + timedelta(minutes=number)
        odd = number % 2 == 1
        themes = ["religious-harmony"] if odd else ["sectarian-harmony"]
        made = messages.create_message(
            session, actor=drafter, now=when, campaign_id=plan.id, title=f"M{number}", themes=themes
        )
        platform, language = ("facebook", "ur") if odd else ("x", "en")
        body = "پشاور اور لاہور" if number == 6 else f"text {number}"
        messages.save_variant(
            session,
            actor=drafter,
            now=when,
            message_id=made.id,
            expected_version=None,
            platform=platform,
            language=language,
            body=body,
        )
        if number == 3:
            session.get(Message, made.id).status = MessageStatus.IN_REVIEW
            session.commit()


def page(session, actor, **arguments):
    found = messages.page_messages(session, actor=actor, now=NOW, **arguments)
    return [m.title for m in found.messages], found.total, found.offset


def test_the_library_pages_newest_change_first_and_counts_every_message(session, drafter, shelf):
    assert page(session, drafter, limit=3) == (["M6", "M5", "M4"], 7, 0)
    assert page(session, drafter, limit=3, offset=3) == (["M3", "M2", "M1"], 7, 3)
    assert page(session, drafter, limit=3, offset=6) == (["M0"], 7, 6)
    everything = [m.title for m in messages.list_messages(session, actor=drafter, now=NOW)]
    assert everything == [f"M{n}" for n in range(6, -1, -1)]


def test_a_page_carries_the_variants_languages_and_platforms(session, drafter, shelf):
    (newest,) = messages.page_messages(session, actor=drafter, now=NOW, limit=1).messages
    assert (newest.languages, newest.platforms, newest.variant_count, newest.themes) == (
        ["en"],
        ["x"],
        1,
        ["sectarian-harmony"],
    )


@pytest.mark.parametrize(
    ("filters", "first_page", "total"),
    [
        ({"theme": "religious-harmony"}, ["M5", "M3"], 3),
        ({"theme": "sectarian-harmony"}, ["M6", "M4"], 4),
        ({"language": "ur"}, ["M5", "M3"], 3),
        ({"platform": "x"}, ["M6", "M4"], 4),
        ({"query": "لاهور"}, ["M6"], 1),  # Arabic ه finds Urdu ہ
        ({"status": "in_review"}, ["M3"], 1),
        ({"query": "text"}, ["M5", "M4"], 6),
        ({"status": "draft", "language": "ur"}, ["M5", "M1"], 2),
        ({"query": "text", "theme": "religious-harmony"}, ["M5", "M3"], 3),
    ],
)
def test_filters_narrow_the_list_before_it_is_paged(session, drafter, shelf, filters, first_page, total):
    assert page(session, drafter, limit=2, **filters)[:2] == (first_page, total)


def test_a_page_past_the_end_shows_the_last_page(session, drafter, shelf):
    assert page(session, drafter, limit=3, offset=30) == (["M0"], 7, 6)
    assert page(session, drafter, limit=3, offset=30, query="nowhere") == ([], 0, 30)


def test_a_page_of_no_messages_or_before_the_first_is_refused(session, drafter, shelf):
    with pytest.raises(ValidationFailed):
        messages.page_messages(session, actor=drafter, now=NOW, limit=0)
    with pytest.raises(ValidationFailed):
        messages.page_messages(session, actor=drafter, now=NOW, offset=-1)


def test_another_teams_messages_never_appear_on_any_page(session, drafter, plan, shelf):
    away = make_team(session, "away", "Away")
    stranger = make_member(session, away, Role.ADMIN, username="stranger")
    theirs = campaigns.create_campaign(
        session, actor=stranger, now=NOW, name="Away campaign", start_date=date(2027, 7, 10), template_id="shared-grief"
    )
    for number in range(3):
        messages.create_message(session, actor=stranger, now=NOW, campaign_id=theirs.id, title=f"Away {number}")
    assert page(session, stranger, limit=2) == (["Away 2", "Away 1"], 3, 0)
    assert page(session, stranger, limit=50, query="M") == ([], 0, 0)
    assert page(session, stranger, limit=50, campaign_id=plan.id) == ([], 0, 0)
    assert page(session, drafter, limit=50, campaign_id=theirs.id) == ([], 0, 0)
    assert page(session, drafter, limit=50)[1] == 7
