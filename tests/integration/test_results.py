"""Results entered by hand: WhatsApp Channel views, offline events, surveys and coded comments."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from planner import campaigns, results
from planner.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from planner.models import AuditEvent, ManualResult, Role
from tests.conftest import NOW, make_member, make_team, run_at_once
from tests.integration.publishing import desk

SOURCE = "Paper survey of 120 students after the screening in Peshawar"
LAST_WEEK = {"period_start": date(2026, 11, 10), "period_end": date(2026, 11, 16)}


@pytest.fixture
def newsroom(session, team, drafter):
    return desk(session, team, drafter)


def add(session, actor, campaign_id, kind, value, **fields):
    fields = {**LAST_WEEK, "source": SOURCE, **fields}
    return results.add_result(session, actor=actor, now=NOW, campaign_id=campaign_id, kind=kind, value=value, **fields)


def test_a_survey_result_is_kept_with_its_sample_and_how_it_was_measured(session, drafter, newsroom):
    entry = add(
        session,
        drafter,
        newsroom.campaign_id,
        "survey",
        62.5,
        sample_size=120,
        language="ps",
        audience_region="afghanistan",
    )
    assert (entry.kind, entry.metric, entry.value, entry.sample_size) == ("survey", "survey-result", 62.5, 120)
    assert (entry.language, entry.audience_region, entry.source) == ("ps", "afghanistan", SOURCE)
    assert entry.campaign_name == "Shared grief" and entry.entered_by == "Farid" and entry.voided_at is None
    assert [r.id for r in results.list_results(session, actor=drafter, now=NOW, campaign_id=newsroom.campaign_id)] == [
        entry.id
    ]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "result.added")).one()
    assert event.subject_id == entry.id and event.details == {"campaign_id": newsroom.campaign_id, "kind": "survey"}


def test_whatsapp_views_belong_to_a_whatsapp_post_and_take_its_language_and_audience(session, drafter, newsroom):
    post = newsroom.published(platform="whatsapp", body="Polio drops, both sides", title="Polio", language="ur")
    entry = add(session, drafter, newsroom.campaign_id, "whatsapp-views", 840, post_id=post.id, metric="views")
    assert (entry.metric, entry.platform, entry.language, entry.audience_region) == (
        "video-views",
        "whatsapp",
        "ur",
        "cross-border",
    )
    assert (entry.post_id, entry.message_id, entry.message_title) == (post.id, post.message_id, "Polio")
    reached = add(
        session, drafter, newsroom.campaign_id, "whatsapp-views", 500, message_id=post.message_id, metric="reach"
    )
    assert (reached.metric, reached.post_id, reached.platform) == ("reach", None, "whatsapp")


def test_an_offline_event_and_coded_comments_are_recorded(session, drafter, newsroom):
    event = add(session, drafter, newsroom.campaign_id, "offline-event", 85, audience_region="pakistan")
    coded = add(session, drafter, newsroom.campaign_id, "coded-comments", 31, sample_size=140)
    assert (event.metric, event.value, event.sample_size) == ("offline-actions", 85, None)
    assert (coded.metric, coded.value, coded.sample_size) == ("coded-comments", 31, 140)


@pytest.mark.parametrize(
    ("kind", "value", "fields", "problem"),
    [
        ("survey", 101, {"sample_size": 50}, "value"),
        ("survey", 40, {}, "sample_size"),
        ("survey", 40, {"sample_size": 0}, "sample_size"),
        ("coded-comments", 60, {"sample_size": 50}, "sample_size"),
        ("offline-event", 12.5, {}, "value"),
        ("offline-event", -3, {}, "value"),
        ("offline-event", float("nan"), {}, "value"),
        ("offline-event", None, {}, "value"),
        ("offline-event", 10, {"sample_size": 10}, "sample_size"),
        ("offline-event", 10, {"metric": "reach"}, "metric"),
        ("offline-event", 10, {"period_start": date(2026, 11, 16), "period_end": date(2026, 11, 10)}, "period_end"),
        ("offline-event", 10, {"period_end": NOW.date() + timedelta(days=1)}, "period_end"),
        ("offline-event", 10, {"source": "  "}, "source"),
        ("offline-event", 10, {"source": "x" * 1001}, "source"),
        ("offline-event", 10, {"language": "de"}, "language"),
        ("offline-event", 10, {"audience_region": "mars"}, "audience_region"),
        ("whatsapp-views", 10, {}, "post_id"),
        ("fun-run", 10, {}, "kind"),
    ],
)
def test_wrong_input_is_refused_with_a_message_for_the_field(session, drafter, newsroom, kind, value, fields, problem):
    with pytest.raises(ValidationFailed) as refused:
        add(session, drafter, newsroom.campaign_id, kind, value, **fields)
    assert refused.value.problems.get(problem)
    assert session.exec(select(func.count()).select_from(ManualResult)).one() == 0


def test_every_problem_is_named_at_once(session, drafter, newsroom):
    with pytest.raises(ValidationFailed) as refused:
        add(session, drafter, newsroom.campaign_id, "survey", 140, source="", period_end=None)
    assert set(refused.value.problems) == {"value", "sample_size", "period_end", "source"}


def test_a_post_or_message_must_fit_the_entry(session, team, drafter, newsroom):
    on_x = newsroom.published(platform="x", body="Same grief", title="On X")
    waiting = newsroom.scheduled(platform="whatsapp", body="Soon", title="Soon")
    elsewhere = campaigns.create_campaign(
        session, actor=drafter, now=NOW, name="Trade", start_date=date(2026, 11, 1), end_date=date(2027, 1, 1)
    )
    cases = [
        ("whatsapp-views", {"post_id": on_x.id}, "post_id", newsroom.campaign_id),
        ("whatsapp-views", {"post_id": waiting.id}, "post_id", newsroom.campaign_id),
        ("whatsapp-views", {"message_id": on_x.message_id}, "message_id", elsewhere.id),
        ("offline-event", {"post_id": on_x.id}, "post_id", elsewhere.id),
        ("coded-comments", {"post_id": on_x.id, "message_id": waiting.message_id}, "message_id", newsroom.campaign_id),
    ]
    for kind, links, problem, campaign_id in cases:
        with pytest.raises(ValidationFailed) as refused:
            add(session, drafter, campaign_id, kind, 10, sample_size=10 if kind == "coded-comments" else None, **links)
        assert problem in refused.value.problems, (kind, links)


def test_a_correction_voids_the_old_entry_and_adds_a_new_one(session, drafter, newsroom):
    first = add(session, drafter, newsroom.campaign_id, "survey", 62, sample_size=120)
    fixed = results.correct_result(
        session, actor=drafter, now=NOW, result_id=first.id, value=58, sample_size=120, source=SOURCE, **LAST_WEEK
    )
    assert fixed.id != first.id and (fixed.kind, fixed.value, fixed.campaign_id) == ("survey", 58, first.campaign_id)
    live = results.list_results(session, actor=drafter, now=NOW, campaign_id=newsroom.campaign_id)
    everything = results.list_results(
        session, actor=drafter, now=NOW, campaign_id=newsroom.campaign_id, include_voided=True
    )
    assert [r.id for r in live] == [fixed.id]
    assert {r.id: r.voided_at for r in everything} == {fixed.id: None, first.id: NOW}
    assert session.get(ManualResult, first.id).value == 62  # never changed in place
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "result.corrected")).one()
    assert event.subject_id == fixed.id and event.details == {"replaces": first.id}
    with pytest.raises(Conflict):
        results.correct_result(
            session, actor=drafter, now=NOW, result_id=first.id, value=57, sample_size=120, source=SOURCE, **LAST_WEEK
        )


def test_a_wrong_correction_leaves_the_entry_as_it_was(session, drafter, newsroom):
    first = add(session, drafter, newsroom.campaign_id, "survey", 62, sample_size=120)
    with pytest.raises(ValidationFailed):
        results.correct_result(
            session, actor=drafter, now=NOW, result_id=first.id, value=620, sample_size=120, source=SOURCE, **LAST_WEEK
        )
    session.rollback()
    assert session.get(ManualResult, first.id).voided_at is None


def test_a_voided_entry_stays_on_record_but_no_longer_counts(session, drafter, newsroom):
    entry = add(session, drafter, newsroom.campaign_id, "offline-event", 85)
    voided = results.void_result(session, actor=drafter, now=NOW, result_id=entry.id)
    assert voided.voided_at == NOW
    assert results.list_results(session, actor=drafter, now=NOW, campaign_id=newsroom.campaign_id) == []
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "result.voided")).one().subject_id == entry.id
    with pytest.raises(Conflict):
        results.void_result(session, actor=drafter, now=NOW, result_id=entry.id)


def test_an_archived_campaign_takes_no_new_results(session, team, drafter, newsroom):
    admin = make_member(session, team, Role.ADMIN, username="nadia")
    plan = campaigns.get_plan(session, actor=drafter, now=NOW, campaign_id=newsroom.campaign_id)
    campaigns.change_status(
        session, actor=admin, now=NOW, campaign_id=plan.id, expected_version=plan.version, status="archived"
    )
    with pytest.raises(ValidationFailed) as refused:
        add(session, drafter, newsroom.campaign_id, "offline-event", 85)
    assert "archived" in refused.value.problems["campaign_id"]


def test_the_choices_are_the_campaigns_published_posts_and_its_messages(session, drafter, newsroom):
    post = newsroom.published(platform="whatsapp", body="Polio drops", title="Polio", language="ur")
    newsroom.scheduled(platform="whatsapp", body="Later", title="Later")
    choices = results.entry_choices(session, actor=drafter, now=NOW, campaign_id=newsroom.campaign_id)
    assert [(p.post_id, p.platform, p.language, p.message_title) for p in choices.posts] == [
        (post.id, "whatsapp", "ur", "Polio")
    ]
    assert [m.title for m in choices.messages] == ["Later", "Polio"]


def test_ids_of_another_team_answer_not_found(session, team, drafter, newsroom):
    ours = add(session, drafter, newsroom.campaign_id, "offline-event", 85)
    our_post = newsroom.published(platform="whatsapp", body="Polio drops", title="Polio")
    away = make_team(session, "away", "Away")
    stranger = make_member(session, away, Role.DRAFTER, username="stranger")
    theirs = desk(session, away, stranger, campaign="Theirs")
    with pytest.raises(NotFound):
        add(session, stranger, newsroom.campaign_id, "offline-event", 85)
    with pytest.raises(NotFound):
        add(session, stranger, theirs.campaign_id, "whatsapp-views", 85, post_id=our_post.id)
    with pytest.raises(NotFound):
        add(session, stranger, theirs.campaign_id, "whatsapp-views", 85, message_id=our_post.message_id)
    with pytest.raises(NotFound):
        results.correct_result(session, actor=stranger, now=NOW, result_id=ours.id, value=1, source=SOURCE, **LAST_WEEK)
    with pytest.raises(NotFound):
        results.void_result(session, actor=stranger, now=NOW, result_id=ours.id)
    with pytest.raises(NotFound):
        results.list_results(session, actor=stranger, now=NOW, campaign_id=newsroom.campaign_id)
    with pytest.raises(NotFound):
        results.entry_choices(session, actor=stranger, now=NOW, campaign_id=newsroom.campaign_id)
    assert session.get(ManualResult, ours.id).voided_at is None


def test_a_viewer_reads_the_results_but_cannot_enter_them(session, team, drafter, newsroom):
    add(session, drafter, newsroom.campaign_id, "offline-event", 85)
    viewer = make_member(session, team, Role.VIEWER, username="gul")
    assert len(results.list_results(session, actor=viewer, now=NOW, campaign_id=newsroom.campaign_id)) == 1
    with pytest.raises(PermissionDenied):
        add(session, viewer, newsroom.campaign_id, "offline-event", 85)


def test_two_people_correcting_the_same_entry_at_once_leave_exactly_one_live_entry(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        team = make_team(setup)
        first = make_member(setup, team, Role.DRAFTER, username="farid")
        second = make_member(setup, team, Role.FACILITATOR, username="gul")
        plan = campaigns.create_campaign(
            setup, actor=first, now=NOW, name="Polio", start_date=date(2026, 11, 1), end_date=date(2027, 1, 1)
        )
        entry = add(setup, first, plan.id, "offline-event", 85)

    def attempt(actor, value):
        def go():
            with Session(concurrent_engine, expire_on_commit=False) as own:
                results.correct_result(
                    own, actor=actor, now=NOW, result_id=entry.id, value=value, source=SOURCE, **LAST_WEEK
                )
            return "corrected"

        return go

    outcomes = run_at_once(attempt(first, 90), attempt(second, 95))
    assert outcomes == ["Conflict", "corrected"]
    with Session(concurrent_engine) as check:
        live = check.exec(select(ManualResult).where(ManualResult.voided_at.is_(None))).all()
        assert len(live) == 1 and live[0].value in (90, 95)


def live_count(session) -> int:
    return session.exec(select(func.count()).select_from(ManualResult).where(ManualResult.voided_at.is_(None))).one()


def test_the_same_result_entered_twice_is_refused_and_names_who_entered_it_first(session, drafter, newsroom):
    add(session, drafter, newsroom.campaign_id, "survey", 62.5, sample_size=120)
    with pytest.raises(ValidationFailed) as refused:
        add(session, drafter, newsroom.campaign_id, "survey", 62.5, sample_size=120, source=f"  {SOURCE.upper()} ")
    session.rollback()
    assert "already entered by Farid on 22 Nov 2026" in refused.value.problems["entry"]
    assert live_count(session) == 1
    assert (
        session.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "result.added")).one() == 1
    )

    other = add(session, drafter, newsroom.campaign_id, "survey", 64, sample_size=120)  # another number: another entry
    assert live_count(session) == 2
    results.void_result(session, actor=drafter, now=NOW, result_id=other.id)
    add(session, drafter, newsroom.campaign_id, "survey", 64, sample_size=120)  # once voided, it may be entered again
    assert live_count(session) == 2


def test_a_correction_into_what_another_live_entry_says_is_refused_and_changes_nothing(session, drafter, newsroom):
    kept = add(session, drafter, newsroom.campaign_id, "offline-event", 85)
    wrong = add(session, drafter, newsroom.campaign_id, "offline-event", 58)
    with pytest.raises(ValidationFailed) as refused:
        results.correct_result(
            session, actor=drafter, now=NOW, result_id=wrong.id, value=85, source=SOURCE, **LAST_WEEK
        )
    session.rollback()
    assert "already entered" in refused.value.problems["entry"]
    assert (
        session.get(ManualResult, wrong.id).voided_at is None and session.get(ManualResult, kept.id).voided_at is None
    )
    same = results.correct_result(
        session, actor=drafter, now=NOW, result_id=wrong.id, value=58, source=SOURCE, **LAST_WEEK
    )
    assert same.value == 58 and live_count(session) == 2  # re-saving an entry unchanged replaces it


def test_two_clicks_on_save_at_once_enter_one_result(concurrent_engine):
    with Session(concurrent_engine, expire_on_commit=False) as setup:
        team = make_team(setup)
        drafter = make_member(setup, team, Role.DRAFTER, username="farid")
        plan = campaigns.create_campaign(
            setup, actor=drafter, now=NOW, name="Polio", start_date=date(2026, 11, 1), end_date=date(2027, 1, 1)
        )

    def attempt():
        with Session(concurrent_engine, expire_on_commit=False) as own:
            add(own, drafter, plan.id, "offline-event", 85)
        return "entered"

    assert run_at_once(attempt, attempt) == ["ValidationFailed", "entered"]
    with Session(concurrent_engine) as check:
        assert live_count(check) == 1
