"""Campaign services against a real database: create, edit each step, status, isolation, audit."""

from datetime import date

import pytest
from sqlmodel import func, select

from planner import campaigns
from planner.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from planner.models import AuditEvent, Campaign, CampaignStatus, Objective, Role
from planner.plans import Step, gaps
from planner.templates import templates
from tests.conftest import NOW, make_member, make_team

START = date(2027, 7, 1)
END = date(2027, 8, 15)


def new(session, actor, name="Remembering 24 July", **overrides):
    fields = {"name": name, "start_date": START, "end_date": END} | overrides
    return campaigns.create_campaign(session, actor=actor, now=NOW, **fields)


def test_a_campaign_from_a_template_is_complete_and_can_be_activated(session, drafter):
    plan = new(session, drafter, end_date=None, template_id="shared-grief")
    assert plan.status == CampaignStatus.PLANNING
    assert gaps(plan) == []
    assert all(plan.start_date <= objective.deadline <= plan.end_date for objective in plan.objectives)
    active = campaigns.change_status(
        session, actor=drafter, now=NOW, campaign_id=plan.id, expected_version=plan.version, status="active"
    )
    assert active.status == CampaignStatus.ACTIVE


def test_a_blank_campaign_cannot_be_activated_and_says_what_is_missing(session, drafter):
    plan = new(session, drafter)
    assert len(gaps(plan)) > 10
    with pytest.raises(ValidationFailed) as refused:
        campaigns.change_status(
            session, actor=drafter, now=NOW, campaign_id=plan.id, expected_version=plan.version, status="active"
        )
    assert "not complete" in refused.value.problems["status"]


def test_each_step_saves_and_the_version_moves_on(session, drafter):
    plan = new(session, drafter)
    plan = campaigns.update_section(
        session,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        expected_version=plan.version,
        step=Step.GOAL,
        goal_statement="  Shared grief, not blame.  ",
    )
    plan = campaigns.save_part(
        session,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        expected_version=plan.version,
        kind="objective",
        metric="reach",
        baseline=0,
        target=50_000,
        deadline=date(2027, 8, 1),
        description="Reach students",
    )
    assert plan.goal_statement == "Shared grief, not blame."
    assert [(o.metric, o.target) for o in plan.objectives] == [("reach", 50_000)]
    assert plan.version == 3


def test_a_stale_save_is_refused_and_changes_nothing(session, drafter):
    plan = new(session, drafter)
    campaigns.update_section(
        session,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        expected_version=plan.version,
        step=Step.GOAL,
        goal_statement="first",
    )
    with pytest.raises(Conflict):
        campaigns.update_section(
            session,
            actor=drafter,
            now=NOW,
            campaign_id=plan.id,
            expected_version=plan.version,
            step=Step.GOAL,
            goal_statement="second",
        )
    assert campaigns.get_plan(session, actor=drafter, now=NOW, campaign_id=plan.id).goal_statement == "first"


def test_a_duplicate_name_in_the_same_team_is_refused_whatever_its_case(session, drafter):
    new(session, drafter)
    with pytest.raises(ValidationFailed) as refused:
        new(session, drafter, name="REMEMBERING 24 july")
    assert "already has a campaign" in refused.value.problems["name"]


def test_another_team_may_use_the_same_name(session, drafter):
    new(session, drafter)
    away = make_member(session, make_team(session, "away", "Away"), Role.DRAFTER, username="zarmina")
    assert new(session, away).name == "Remembering 24 July"


def test_an_objective_deadline_outside_the_window_is_refused(session, drafter):
    plan = new(session, drafter)
    with pytest.raises(ValidationFailed) as refused:
        campaigns.save_part(
            session,
            actor=drafter,
            now=NOW,
            campaign_id=plan.id,
            expected_version=plan.version,
            kind="objective",
            metric="reach",
            target=10,
            deadline=date(2027, 9, 1),
        )
    assert "inside the campaign window" in refused.value.problems["deadline"]


def test_moving_the_dates_may_not_strand_an_objective(session, drafter):
    plan = new(session, drafter)
    plan = campaigns.save_part(
        session,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        expected_version=plan.version,
        kind="objective",
        metric="reach",
        target=10,
        deadline=date(2027, 8, 10),
    )
    with pytest.raises(ValidationFailed) as refused:
        campaigns.update_basics(
            session,
            actor=drafter,
            now=NOW,
            campaign_id=plan.id,
            expected_version=plan.version,
            name=plan.name,
            start_date=START,
            end_date=date(2027, 7, 31),
        )
    assert "objective 1" in refused.value.problems["end_date"]


def test_end_before_start_is_refused_with_the_field_named(session, drafter):
    with pytest.raises(ValidationFailed) as refused:
        new(session, drafter, end_date=START)
    assert "end after it starts" in refused.value.problems["end_date"]


def test_removing_a_part_removes_only_that_part(session, drafter):
    plan = new(session, drafter, end_date=None, template_id="shared-grief")
    first, *rest = plan.messengers
    plan = campaigns.remove_part(
        session,
        actor=drafter,
        now=NOW,
        campaign_id=plan.id,
        expected_version=plan.version,
        kind="messenger",
        part_id=first.id,
    )
    assert [m.id for m in plan.messengers] == [m.id for m in rest]


def test_a_part_of_another_campaign_is_not_found(session, drafter):
    one = new(session, drafter, end_date=None, template_id="shared-grief")
    other = new(session, drafter, name="Other")
    with pytest.raises(NotFound):
        campaigns.save_part(
            session,
            actor=drafter,
            now=NOW,
            campaign_id=other.id,
            expected_version=other.version,
            kind="objective",
            part_id=one.objectives[0].id,
            metric="reach",
            target=5,
            deadline=date(2027, 8, 1),
        )


def test_viewers_read_but_cannot_edit(session, team, drafter):
    plan = new(session, drafter)
    viewer = make_member(session, team, Role.VIEWER, username="ayesha")
    assert campaigns.get_plan(session, actor=viewer, now=NOW, campaign_id=plan.id).name == plan.name
    with pytest.raises(PermissionDenied):
        campaigns.update_section(
            session,
            actor=viewer,
            now=NOW,
            campaign_id=plan.id,
            expected_version=plan.version,
            step=Step.GOAL,
            goal_statement="x",
        )


def test_only_admins_archive_and_archived_campaigns_are_read_only(session, team, drafter):
    plan = new(session, drafter)
    with pytest.raises(PermissionDenied):
        campaigns.change_status(
            session, actor=drafter, now=NOW, campaign_id=plan.id, expected_version=plan.version, status="archived"
        )
    admin = make_member(session, team, Role.ADMIN, username="samina")
    plan = campaigns.change_status(
        session, actor=admin, now=NOW, campaign_id=plan.id, expected_version=plan.version, status="archived"
    )
    with pytest.raises(Conflict, match="archived"):
        campaigns.update_section(
            session,
            actor=admin,
            now=NOW,
            campaign_id=plan.id,
            expected_version=plan.version,
            step=Step.GOAL,
            goal_statement="x",
        )


def test_the_list_filters_by_status_country_theme_and_language(session, drafter):
    grief = new(session, drafter, end_date=None, template_id="shared-grief")
    blank = new(session, drafter, name="Blank plan", countries=["PK"], languages=["ur"])

    def names(**filters):
        return {c.name for c in campaigns.list_campaigns(session, actor=drafter, now=NOW, **filters)}

    assert names() == {grief.name, blank.name}
    assert names(country="AF") == {grief.name}
    assert names(theme="victims-of-terrorism") == {grief.name}
    assert names(language="ur") == {grief.name, blank.name}
    assert names(language="ps") == {grief.name}
    assert names(statuses=["active"]) == set()


def test_each_listed_campaign_counts_only_its_own_gaps_and_owner(session, drafter):
    grief = new(session, drafter, end_date=None, template_id="shared-grief")
    blank = new(session, drafter, name="Blank plan", start_date=date(2027, 9, 1), end_date=date(2027, 9, 30))
    listed = campaigns.list_campaigns(session, actor=drafter, now=NOW)
    assert [c.name for c in listed] == [blank.name, grief.name]  # newest start first
    by_name = {c.name: c for c in listed}
    assert by_name[grief.name].missing == 0
    assert by_name[blank.name].missing == len(gaps(blank)) > 10
    assert {c.owner_name for c in listed} == {grief.owner_name} != {"—"}


def test_the_pickers_list_every_campaign_newest_first_by_status_without_its_plan(session, drafter):
    grief = new(session, drafter, end_date=None, template_id="shared-grief")
    blank = new(session, drafter, name="Blank plan", start_date=date(2027, 9, 1), end_date=date(2027, 9, 30))
    campaigns.change_status(
        session, actor=drafter, now=NOW, campaign_id=grief.id, expected_version=grief.version, status="active"
    )
    choices = campaigns.campaign_choices(session, actor=drafter, now=NOW)
    assert [(c.id, c.name, c.status, c.end_date) for c in choices] == [
        (blank.id, blank.name, CampaignStatus.PLANNING, blank.end_date),
        (grief.id, grief.name, CampaignStatus.ACTIVE, grief.end_date),
    ]
    assert [c.name for c in campaigns.campaign_choices(session, actor=drafter, now=NOW, statuses=["active"])] == [
        grief.name
    ]


def test_another_teams_campaign_is_not_found(session, drafter):
    plan = new(session, drafter)
    stranger = make_member(session, make_team(session, "away", "Away"), Role.ADMIN, username="stranger")
    with pytest.raises(NotFound):
        campaigns.get_plan(session, actor=stranger, now=NOW, campaign_id=plan.id)
    assert campaigns.list_campaigns(session, actor=stranger, now=NOW) == []
    assert campaigns.campaign_choices(session, actor=stranger, now=NOW) == []


def test_the_owner_must_be_an_active_member_of_the_team(session, drafter):
    plan = new(session, drafter)
    stranger = make_member(session, make_team(session, "away", "Away"), Role.ADMIN, username="stranger")
    with pytest.raises(ValidationFailed) as refused:
        campaigns.update_basics(
            session,
            actor=drafter,
            now=NOW,
            campaign_id=plan.id,
            expected_version=plan.version,
            name=plan.name,
            start_date=START,
            end_date=END,
            owner_membership_id=stranger.membership_id,
        )
    assert "owner_membership_id" in refused.value.problems


def test_every_change_writes_an_audit_event(session, drafter):
    plan = new(session, drafter, end_date=None, template_id="shared-grief")
    campaigns.change_status(
        session, actor=drafter, now=NOW, campaign_id=plan.id, expected_version=plan.version, status="active"
    )
    events = session.exec(
        select(AuditEvent.action).where(AuditEvent.subject_type == "campaign").order_by(AuditEvent.id)
    ).all()
    assert events == ["campaign.created", "campaign.status_changed"]


def test_a_refused_template_campaign_writes_nothing(session, drafter):
    new(session, drafter)
    with pytest.raises(ValidationFailed):
        new(session, drafter, end_date=None, template_id="shared-grief")  # same name
    assert session.exec(select(func.count()).select_from(Campaign)).one() == 1
    assert session.exec(select(func.count()).select_from(Objective)).one() == 0


@pytest.mark.parametrize("template_id", sorted(templates()))
def test_every_template_gives_a_complete_plan(session, drafter, template_id):
    plan = new(session, drafter, name=template_id, end_date=None, template_id=template_id)
    assert gaps(plan) == []
    assert plan.template_id == template_id
