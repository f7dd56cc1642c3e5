"""Enter results: a facilitator records a survey, corrects it and voids it; WhatsApp views need their post."""

import pytest
from sqlmodel import select

from planner import db
from planner.models import ManualResult, Post, PostStatus, Variant
from tests.pages.conftest import log_in, new_app, texts
from ui import campaign_picker

SOURCE = "Paper survey of 120 students after the screening in Peshawar"


def newest() -> ManualResult:
    with db.session(readonly=True) as s:
        return s.exec(select(ManualResult).order_by(ManualResult.id.desc())).first()


def count() -> int:
    with db.session(readonly=True) as s:
        return len(s.exec(select(ManualResult.id)).all())


@pytest.mark.parametrize("username", ["admin", "facilitator", "drafter"])
def test_the_page_opens_for_everyone_who_schedules_posts(app_db, username):
    at = log_in(new_app(), username)
    at.switch_page("screens/results.py").run()
    assert not at.exception
    assert at.title[0].value == "Enter results"


def test_a_viewer_has_no_results_page(app_db):
    at = log_in(new_app(), "viewer")
    with pytest.raises(ValueError, match="registered"):
        at.switch_page("screens/results.py")


def test_a_survey_is_entered_corrected_and_voided(app_db):
    at = log_in(new_app(), "facilitator")
    at.switch_page("screens/results.py").run()
    at.segmented_control(key="results.kind").set_value("survey").run()
    at.number_input(key="results.new.survey.value").set_value(62.5)
    at.number_input(key="results.new.survey.sample").set_value(120)
    at.text_area(key="results.new.survey.source").input(SOURCE)
    at.button(key="FormSubmitter:results.new.survey-Save").click().run()
    assert not at.exception
    entry = newest()
    assert (entry.kind, entry.metric, entry.value, entry.sample_size, entry.source) == (
        "survey",
        "survey-result",
        62.5,
        120,
        SOURCE,
    )
    assert "62.5% of 120" in list(next(d for d in at.dataframe if "Result" in d.value.columns).value["Result"])

    at.session_state["results.fix.entry"] = entry.id
    at.run()
    at.number_input(key=f"results.fix.{entry.id}.value").set_value(58)
    at.button(key=f"FormSubmitter:results.fix.{entry.id}-Save correction").click().run()
    assert not at.exception
    fixed = newest()
    assert fixed.id != entry.id and (fixed.value, fixed.sample_size, fixed.kind) == (58, 120, "survey")
    with db.session(readonly=True) as s:
        assert s.get(ManualResult, entry.id).voided_at is not None

    at.session_state["results.fix.entry"] = fixed.id
    at.run()
    at.button(key=f"results.void.{fixed.id}").click().run()
    assert not at.exception
    with db.session(readonly=True) as s:
        assert s.get(ManualResult, fixed.id).voided_at is not None


def test_a_survey_without_how_many_answered_is_refused_and_says_why(app_db):
    before = count()
    at = log_in(new_app(), "drafter")
    at.switch_page("screens/results.py").run()
    at.segmented_control(key="results.kind").set_value("survey").run()
    at.number_input(key="results.new.survey.value").set_value(140)
    at.text_area(key="results.new.survey.source").input("asked")
    at.button(key="FormSubmitter:results.new.survey-Save").click().run()
    assert not at.exception
    shown = texts(at)
    assert "nothing was saved" in shown
    assert "How many answered or were coded" in shown and "between 0 and 100" in shown
    assert "How it was measured" in shown
    assert count() == before


def test_whatsapp_views_are_entered_for_a_published_whatsapp_update(app_db):
    with db.session(readonly=True) as s:
        post = s.exec(
            select(Post)
            .join(Variant, Variant.id == Post.variant_id)
            .where(Variant.platform == "whatsapp", Post.status == PostStatus.PUBLISHED)
        ).first()
    at = log_in(new_app(), "drafter")
    at.session_state[campaign_picker.CURRENT] = post.campaign_id
    at.switch_page("screens/results.py").run()
    form = "results.new.whatsapp-views"
    at.session_state[f"{form}.post"] = post.id
    at.run()
    at.number_input(key=f"{form}.value").set_value(840)
    at.text_area(key=f"{form}.source").input("Copied the view count under the update two days after posting")
    at.button(key=f"FormSubmitter:{form}-Save").click().run()
    assert not at.exception
    entry = newest()
    assert (entry.kind, entry.metric, entry.value, entry.platform) == ("whatsapp-views", "video-views", 840, "whatsapp")
    assert (entry.post_id, entry.message_id, entry.campaign_id) == (post.id, post.message_id, post.campaign_id)
