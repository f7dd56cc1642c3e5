"""Campaign services: create (optionally from a template), edit each GAMMMA+ step, change status.

Every change claims the campaign's version with an atomic check-and-set, so two people saving at
once never overwrite each other silently: the second gets Conflict and keeps what they typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, func, select, update

from planner import audit, people
from planner.errors import Conflict, NotFound, ValidationFailed
from planner.inputs import parse
from planner.models import (
    AudienceSegment,
    Campaign,
    CampaignStatus,
    Kpi,
    Membership,
    Messenger,
    Objective,
    User,
)
from planner.plans import (
    ActionInput,
    BasicsInput,
    CampaignPlan,
    EvaluationInput,
    GoalInput,
    KpiInput,
    KpiRead,
    MediaInput,
    MessageInput,
    MessengerInput,
    MessengerRead,
    ObjectiveInput,
    ObjectiveRead,
    SegmentInput,
    SegmentRead,
    Step,
    deadline_problems,
    gaps,
    transition_problem,
)
from planner.policy import Action, Actor, require
from planner.templates import templates


@dataclass(frozen=True)
class PartKind:
    table: type[SQLModel]
    input: type[BaseModel]
    read: type[BaseModel]
    label: str


PARTS: dict[str, PartKind] = {
    "objective": PartKind(Objective, ObjectiveInput, ObjectiveRead, "objective"),
    "segment": PartKind(AudienceSegment, SegmentInput, SegmentRead, "audience segment"),
    "messenger": PartKind(Messenger, MessengerInput, MessengerRead, "messenger"),
    "kpi": PartKind(Kpi, KpiInput, KpiRead, "KPI"),
}

SECTIONS: dict[Step, type[BaseModel]] = {
    Step.GOAL: GoalInput,
    Step.MESSAGE: MessageInput,
    Step.MEDIA: MediaInput,
    Step.ACTION: ActionInput,
    Step.EVALUATION: EvaluationInput,
}


class CampaignSummary(BaseModel):
    id: int
    name: str
    status: CampaignStatus
    start_date: date
    end_date: date
    countries: list[str]
    languages: list[str]
    themes: list[str]
    owner_name: str
    missing: int
    version: int


@dataclass(frozen=True)
class CampaignChoice:
    """A campaign as pickers and short lists show it (a plain dataclass: lists of hundreds are built per rerun)."""

    id: int
    name: str
    status: CampaignStatus
    end_date: date


# ---- reading -----------------------------------------------------------------------------------


def _campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.team_id != actor.team_id:
        raise NotFound("No such campaign in your team.")
    return campaign


def _parts(session: Session, kind: PartKind, campaign_id: int) -> list:
    return _parts_of(session, kind, [campaign_id]).get(campaign_id, [])


def _parts_of(session: Session, kind: PartKind, campaign_ids: list[int]) -> dict[int, list]:
    """One kind of part of several campaigns in one query: campaign id → parts in order."""
    rows = session.exec(
        select(kind.table)
        .where(col(kind.table.campaign_id).in_(campaign_ids))
        .order_by(kind.table.campaign_id, kind.table.position, kind.table.id)
    ).all()
    parts: dict[int, list] = {}
    for row in rows:
        parts.setdefault(row.campaign_id, []).append(kind.read.model_validate(row.model_dump()))
    return parts


def _plans(session: Session, found: list[Campaign]) -> list[CampaignPlan]:
    """The plans of several campaigns with a handful of queries, whatever their number."""
    if not found:
        return []
    ids = [campaign.id for campaign in found]
    owners = people.display_names(session, {campaign.owner_membership_id for campaign in found})
    parts = {name: _parts_of(session, kind, ids) for name, kind in PARTS.items()}
    return [
        CampaignPlan(
            **campaign.model_dump(exclude={"name_key", "created_at", "updated_at", "status"}),
            status=CampaignStatus(campaign.status),
            owner_name=owners.get(campaign.owner_membership_id, "—"),
            objectives=parts["objective"].get(campaign.id, []),
            segments=parts["segment"].get(campaign.id, []),
            messengers=parts["messenger"].get(campaign.id, []),
            kpis=parts["kpi"].get(campaign.id, []),
        )
        for campaign in found
    ]


def _plan(session: Session, campaign: Campaign) -> CampaignPlan:
    return _plans(session, [campaign])[0]


def get_plan(session: Session, *, actor: Actor, now: datetime, campaign_id: int) -> CampaignPlan:
    """One campaign's whole plan."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    return _plan(session, _campaign(session, actor, campaign_id))


def _newest_first(query, actor: Actor, statuses: list[str] | None):
    """The team's campaigns with one of the statuses (any when none given), newest start first."""
    query = query.where(Campaign.team_id == actor.team_id)
    if statuses:
        query = query.where(col(Campaign.status).in_(statuses))
    return query.order_by(col(Campaign.start_date).desc(), Campaign.id)


def list_campaigns(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    statuses: list[str] | None = None,
    country: str | None = None,
    theme: str | None = None,
    language: str | None = None,
) -> list[CampaignSummary]:
    """The team's campaigns, newest start first, filtered by status, country, theme and language."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    found = [
        campaign
        for campaign in session.exec(_newest_first(select(Campaign), actor, statuses)).all()
        if (not country or country in campaign.countries)
        and (not theme or theme in campaign.themes)
        and (not language or language in campaign.languages)
    ]
    return [
        CampaignSummary(
            **plan.model_dump(include=set(CampaignSummary.model_fields) - {"missing"}),
            missing=len(gaps(plan)),
        )
        for plan in _plans(session, found)
    ]


def campaign_choices(
    session: Session, *, actor: Actor, now: datetime, statuses: list[str] | None = None
) -> list[CampaignChoice]:
    """The team's campaigns for pickers and short lists, without their plans; newest start first."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    columns = select(Campaign.id, Campaign.name, Campaign.status, Campaign.end_date)
    return [
        CampaignChoice(campaign_id, name, CampaignStatus(status), end)
        for campaign_id, name, status, end in session.exec(_newest_first(columns, actor, statuses))
    ]


def owner_choices(session: Session, *, actor: Actor, now: datetime) -> dict[int, str]:
    """Active members who may own a campaign: membership id → display name."""
    actor = require(session, actor, Action.VIEW_CAMPAIGNS, now=now)
    rows = session.exec(
        select(Membership.id, User.display_name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == actor.team_id, Membership.active)
        .order_by(User.display_name)
    ).all()
    return dict(rows)


# ---- writing -----------------------------------------------------------------------------------


def _claim(session: Session, campaign: Campaign, expected_version: int, now: datetime) -> None:
    """Atomic check-and-set on the version; Conflict if someone saved first."""
    if campaign.status == CampaignStatus.ARCHIVED:
        raise Conflict("This campaign is archived and can no longer be changed.")
    claimed = session.exec(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.version == expected_version)
        .values(version=Campaign.version + 1, updated_at=now)
    ).rowcount
    if claimed != 1:
        raise Conflict(
            "Someone else saved this campaign a moment ago. Your input is still in the form: "
            "copy what you need, then load the latest version."
        )
    session.refresh(campaign)


def _audit(session: Session, actor: Actor, campaign: Campaign, action: str, now: datetime, **details) -> None:
    audit.record(
        session,
        team_id=actor.team_id,
        actor_membership_id=actor.membership_id,
        action=action,
        subject_type="campaign",
        subject_id=campaign.id,
        details=details,
        now=now,
    )


def _editor(session: Session, actor: Actor, now: datetime) -> Actor:
    return require(session, actor, Action.EDIT_CAMPAIGNS, now=now)


def _check_owner(session: Session, actor: Actor, membership_id: int) -> None:
    owner = session.get(Membership, membership_id)
    if owner is None or owner.team_id != actor.team_id or not owner.active:
        raise ValidationFailed({"owner_membership_id": "Choose an active member of your team."})


def _check_name_free(session: Session, actor: Actor, name: str, campaign_id: int | None) -> None:
    clash = session.exec(
        select(Campaign.id).where(
            Campaign.team_id == actor.team_id, Campaign.name_key == name.casefold(), Campaign.id != (campaign_id or -1)
        )
    ).first()
    if clash is not None:
        raise ValidationFailed({"name": "Your team already has a campaign with this name. Choose another."})


def _commit(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed({"name": "Your team already has a campaign with this name. Choose another."}) from None


def create_campaign(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    start_date: date,
    end_date: date | None = None,
    template_id: str | None = None,
    countries: list[str] | None = None,
    languages: list[str] | None = None,
) -> CampaignPlan:
    """A new campaign in planning, empty or filled from a template; the actor owns it."""
    actor = _editor(session, actor, now)
    template = None
    if template_id:
        template = templates().get(template_id)
        if template is None:
            raise ValidationFailed({"template_id": "No such template."})
    basics = parse(
        BasicsInput,
        name=name,
        start_date=start_date,
        end_date=end_date or (template.end_date(start_date) if template else None),
        countries=countries if countries is not None else (template.countries if template else []),
        languages=languages if languages is not None else (template.languages if template else []),
    )
    _check_name_free(session, actor, basics.name, None)
    campaign = Campaign(
        team_id=actor.team_id,
        name=basics.name,
        name_key=basics.name.casefold(),
        start_date=basics.start_date,
        end_date=basics.end_date,
        countries=basics.countries,
        languages=[str(language) for language in basics.languages],
        owner_membership_id=actor.membership_id,
        template_id=template_id,
        created_at=now,
        updated_at=now,
    )
    if template:
        for section in (template.goal, template.message, template.media, template.action, template.evaluation):
            for field, value in section.model_dump(mode="json").items():
                setattr(campaign, field, value)
    session.add(campaign)
    session.flush()
    if template:
        _fill_parts_from_template(session, campaign, template)
    _audit(session, actor, campaign, "campaign.created", now, template=template_id)
    _commit(session)
    return _plan(session, campaign)


def _fill_parts_from_template(session: Session, campaign: Campaign, template) -> None:
    for position, objective in enumerate(template.objectives):
        fields = objective.model_dump(exclude={"deadline_day"})
        deadline = template.deadline(objective, campaign.start_date)
        session.add(
            Objective(team_id=campaign.team_id, campaign_id=campaign.id, position=position, deadline=deadline, **fields)
        )
    for kind, items in (("segment", template.segments), ("messenger", template.messengers), ("kpi", template.kpis)):
        for position, item in enumerate(items):
            row = PARTS[kind].table(
                team_id=campaign.team_id, campaign_id=campaign.id, position=position, **item.model_dump(mode="json")
            )
            session.add(row)


def update_basics(
    session: Session, *, actor: Actor, now: datetime, campaign_id: int, expected_version: int, **fields
) -> CampaignPlan:
    """Name, dates, countries, languages and owner. Objectives' deadlines must stay inside the window."""
    actor = _editor(session, actor, now)
    campaign = _campaign(session, actor, campaign_id)
    basics = parse(BasicsInput, **fields)
    if basics.owner_membership_id is not None:
        _check_owner(session, actor, basics.owner_membership_id)
    _check_name_free(session, actor, basics.name, campaign.id)
    outside = deadline_problems(_parts(session, PARTS["objective"], campaign.id), basics.start_date, basics.end_date)
    if outside:
        raise ValidationFailed(
            {
                "end_date": "the new dates leave objectives outside the window: "
                + "; ".join(f"{which} ({why})" for which, why in outside.items())
            }
        )
    _claim(session, campaign, expected_version, now)
    campaign.name = basics.name
    campaign.name_key = basics.name.casefold()
    campaign.start_date = basics.start_date
    campaign.end_date = basics.end_date
    campaign.countries = basics.countries
    campaign.languages = [str(language) for language in basics.languages]
    if basics.owner_membership_id is not None:
        campaign.owner_membership_id = basics.owner_membership_id
    session.add(campaign)
    _audit(session, actor, campaign, "campaign.updated", now, step=str(Step.BASICS))
    _commit(session)
    return _plan(session, campaign)


def update_section(
    session: Session, *, actor: Actor, now: datetime, campaign_id: int, expected_version: int, step: Step, **fields
) -> CampaignPlan:
    """Save one single-record step: goal, message, media, action or M&E cadence."""
    actor = _editor(session, actor, now)
    campaign = _campaign(session, actor, campaign_id)
    model = SECTIONS.get(Step(step))
    if model is None:
        raise ValidationFailed({"step": f"{step} is not saved this way."})
    data = parse(model, **fields)
    _claim(session, campaign, expected_version, now)
    for field, value in data.model_dump(mode="json").items():
        setattr(campaign, field, value)
    session.add(campaign)
    _audit(session, actor, campaign, "campaign.updated", now, step=str(step), fields=sorted(fields))
    _commit(session)
    return _plan(session, campaign)


def save_part(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    campaign_id: int,
    expected_version: int,
    kind: str,
    part_id: int | None = None,
    **fields,
) -> CampaignPlan:
    """Add (no part_id) or change one objective, audience segment, messenger or KPI."""
    actor = _editor(session, actor, now)
    campaign = _campaign(session, actor, campaign_id)
    part = PARTS.get(kind)
    if part is None:
        raise ValidationFailed({"kind": f"Unknown part {kind!r}."})
    data = parse(part.input, **fields)
    if kind == "objective" and not campaign.start_date <= data.deadline <= campaign.end_date:
        raise ValidationFailed(
            {
                "deadline": f"choose a date inside the campaign window, {campaign.start_date:%d %b %Y} to "
                f"{campaign.end_date:%d %b %Y}"
            }
        )
    if part_id is None:
        last = session.exec(select(func.max(part.table.position)).where(part.table.campaign_id == campaign.id)).one()
        row = part.table(team_id=actor.team_id, campaign_id=campaign.id, position=(last or 0) + 1)
    else:
        row = session.get(part.table, part_id)
        if row is None or row.campaign_id != campaign.id:
            raise NotFound(f"No such {part.label} in this campaign.")
    _claim(session, campaign, expected_version, now)
    for field, value in data.model_dump(mode="json" if kind != "objective" else "python").items():
        setattr(row, field, value)
    session.add(row)
    session.flush()
    _audit(session, actor, campaign, "campaign.part_saved", now, kind=kind, part_id=row.id, new=part_id is None)
    _commit(session)
    return _plan(session, campaign)


def remove_part(
    session: Session, *, actor: Actor, now: datetime, campaign_id: int, expected_version: int, kind: str, part_id: int
) -> CampaignPlan:
    """Remove one objective, audience segment, messenger or KPI."""
    actor = _editor(session, actor, now)
    campaign = _campaign(session, actor, campaign_id)
    part = PARTS.get(kind)
    row = session.get(part.table, part_id) if part else None
    if row is None or row.campaign_id != campaign.id:
        raise NotFound("No such item in this campaign.")
    _claim(session, campaign, expected_version, now)
    session.delete(row)
    _audit(session, actor, campaign, "campaign.part_removed", now, kind=kind, part_id=part_id)
    _commit(session)
    return _plan(session, campaign)


def change_status(
    session: Session, *, actor: Actor, now: datetime, campaign_id: int, expected_version: int, status: str
) -> CampaignPlan:
    """Move a campaign through planning → active → completed → archived (archiving: admins only)."""
    target = CampaignStatus(status)
    actor = require(
        session,
        actor,
        Action.ARCHIVE_CAMPAIGNS if target == CampaignStatus.ARCHIVED else Action.EDIT_CAMPAIGNS,
        now=now,
    )
    campaign = _campaign(session, actor, campaign_id)
    problem = transition_problem(_plan(session, campaign), target)
    if problem:
        raise ValidationFailed({"status": problem})
    before = campaign.status
    _claim(session, campaign, expected_version, now)
    campaign.status = target
    session.add(campaign)
    _audit(session, actor, campaign, "campaign.status_changed", now, before=before, after=str(target))
    _commit(session)
    return _plan(session, campaign)
