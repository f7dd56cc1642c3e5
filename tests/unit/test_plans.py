"""The completeness rule and the status transitions of campaign plans, without a database."""

from datetime import date

import pytest

from planner.errors import ValidationFailed
from planner.inputs import parse
from planner.models import CampaignStatus, NarrativeType, RiskLevel
from planner.plans import (
    TRANSITIONS,
    ActionInput,
    BasicsInput,
    CampaignPlan,
    KpiInput,
    KpiRead,
    MessengerRead,
    ObjectiveInput,
    ObjectiveRead,
    SegmentRead,
    Step,
    gaps,
    transition_problem,
)


def complete_plan(**overrides) -> CampaignPlan:
    fields = {
        "id": 1,
        "team_id": 1,
        "name": "Remembering 24 July",
        "status": CampaignStatus.PLANNING,
        "start_date": date(2027, 7, 1),
        "end_date": date(2027, 8, 15),
        "countries": ["PK", "AF"],
        "languages": ["en", "ur", "ps", "fa"],
        "owner_membership_id": 1,
        "owner_name": "Coordinator Samina",
        "template_id": None,
        "goal_statement": "Shared grief, not blame.",
        "objectives": [
            ObjectiveRead(id=1, metric="reach", baseline=0, target=100_000, deadline=date(2027, 8, 1), description="")
        ],
        "segments": [
            SegmentRead(
                id=1,
                name="Students",
                region="cross-border",
                languages=["ur", "fa"],
                age_band="18-24",
                platforms=["facebook"],
                interests="Exams, jobs; anger at blame on TV",
                insight="They trust peers more than officials",
            )
        ],
        "core_message": "Their grief is our grief.",
        "narrative_type": NarrativeType.ALTERNATIVE,
        "themes": ["victims-of-terrorism"],
        "messengers": [
            MessengerRead(
                id=1,
                name="Survivor's sister",
                messenger_type="survivor",
                credibility="Lived it",
                risk_level=RiskLevel.HIGH,
                safety_plan="First name only; focal point; moderation.",
            )
        ],
        "media_platforms": ["facebook"],
        "media_formats": ["video"],
        "cta_text": "Share a candle for both cities.",
        "cta_type": "share",
        "cta_link": None,
        "review_cadence": "weekly",
        "kpis": [
            KpiRead(id=1, metric="reach", target=100_000, data_source="platform-exports"),
            KpiRead(id=2, metric="shares", target=None, data_source="platform-exports"),
            KpiRead(id=3, metric="survey-result", target=60, data_source="survey"),
        ],
        "version": 1,
    }
    return CampaignPlan(**(fields | overrides))


def test_a_complete_plan_has_no_gaps_and_may_become_active():
    plan = complete_plan()
    assert gaps(plan) == []
    assert transition_problem(plan, CampaignStatus.ACTIVE) is None


@pytest.mark.parametrize(
    ("overrides", "step", "says"),
    [
        ({"countries": []}, Step.BASICS, "countries"),
        ({"languages": []}, Step.BASICS, "languages"),
        ({"goal_statement": ""}, Step.GOAL, "goal"),
        ({"objectives": []}, Step.GOAL, "measurable objective"),
        ({"segments": []}, Step.AUDIENCE, "audience segment"),
        ({"core_message": ""}, Step.MESSAGE, "core message"),
        ({"narrative_type": None}, Step.MESSAGE, "counter or alternative"),
        ({"themes": []}, Step.MESSAGE, "theme"),
        ({"messengers": []}, Step.MESSENGER, "messenger"),
        ({"media_platforms": []}, Step.MEDIA, "platform"),
        ({"media_formats": []}, Step.MEDIA, "format"),
        ({"cta_text": ""}, Step.ACTION, "call to action"),
        ({"cta_type": None}, Step.ACTION, "type of call to action"),
        ({"review_cadence": None}, Step.EVALUATION, "how often"),
    ],
)
def test_each_missing_element_is_named_with_its_step(overrides, step, says):
    found = gaps(complete_plan(**overrides))
    assert len(found) == 1
    assert found[0].step == step and says in found[0].message.lower()


@pytest.mark.parametrize("tier_metric", ["reach", "shares", "survey-result"])
def test_each_kpi_tier_is_required(tier_metric):
    plan = complete_plan()
    plan = complete_plan(kpis=[kpi for kpi in plan.kpis if kpi.metric != tier_metric])
    assert [gap.step for gap in gaps(plan)] == [Step.EVALUATION]


@pytest.mark.parametrize(
    ("field", "blank"),
    [("region", None), ("languages", []), ("age_band", None), ("platforms", []), ("interests", ""), ("insight", "")],
)
def test_every_audience_segment_field_is_required(field, blank):
    segment = complete_plan().segments[0].model_copy(update={field: blank})
    found = gaps(complete_plan(segments=[segment]))
    assert len(found) == 1 and "Audience 'Students'" in found[0].message


@pytest.mark.parametrize("risk", [RiskLevel.MEDIUM, RiskLevel.HIGH])
def test_a_messenger_at_medium_risk_or_above_needs_a_safety_plan(risk):
    person = complete_plan().messengers[0].model_copy(update={"risk_level": risk, "safety_plan": ""})
    found = gaps(complete_plan(messengers=[person]))
    assert [gap.step for gap in found] == [Step.MESSENGER]
    assert "safety plan" in found[0].message
    assert transition_problem(complete_plan(messengers=[person]), CampaignStatus.ACTIVE)


def test_a_low_risk_messenger_needs_no_safety_plan():
    person = complete_plan().messengers[0].model_copy(update={"risk_level": RiskLevel.LOW, "safety_plan": ""})
    assert gaps(complete_plan(messengers=[person])) == []


@pytest.mark.parametrize("source", list(CampaignStatus))
@pytest.mark.parametrize("target", list(CampaignStatus))
def test_status_transitions_follow_the_table(source, target):
    problem = transition_problem(complete_plan(status=source), target)
    assert (problem is None) == (target in TRANSITIONS[source])


def test_archived_is_final():
    assert TRANSITIONS[CampaignStatus.ARCHIVED] == frozenset()


def test_a_campaign_must_end_after_it_starts():
    with pytest.raises(ValidationFailed) as refused:
        parse(BasicsInput, name="x", start_date=date(2027, 1, 10), end_date=date(2027, 1, 10))
    assert "end after it starts" in refused.value.problems["end_date"]


@pytest.mark.parametrize("target", [0, -5])
def test_objective_targets_must_be_positive(target):
    with pytest.raises(ValidationFailed) as refused:
        parse(ObjectiveInput, metric="reach", target=target, deadline=date(2027, 1, 1))
    assert "greater than zero" in refused.value.problems["target"]


def test_unknown_vocabulary_is_refused_by_name():
    with pytest.raises(ValidationFailed) as refused:
        parse(KpiInput, metric="vibes", data_source="survey")
    assert "unknown metrics: vibes" in refused.value.problems["metric"]


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org", "example.org", "https://a b"])
def test_call_to_action_links_must_be_web_addresses(link):
    with pytest.raises(ValidationFailed) as refused:
        parse(ActionInput, cta_link=link)
    assert "https://" in refused.value.problems["cta_link"]
