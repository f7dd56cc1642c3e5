"""Campaign plans as pure data: the inputs of each GAMMMA+ step, the read model, the completeness
rule and the status transitions. No database here; planner/campaigns.py stores what this validates.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from planner.inputs import CleanText, OptionalText
from planner.languages import Language
from planner.models import CampaignStatus, NarrativeType, RiskLevel
from planner.themes import catalog
from planner.vocabulary import vocabulary
from planner.wording import count


class Step(StrEnum):
    """The editor's steps, in order: the basics, then G-A-M-M-M-A and + M&E."""

    BASICS = "Basics"
    GOAL = "Goal"
    AUDIENCE = "Audience"
    MESSAGE = "Message"
    MESSENGER = "Messenger"
    MEDIA = "Media"
    ACTION = "Action"
    EVALUATION = "M&E"


def some_of(list_name: str):
    def check(values: list[str]) -> list[str]:
        known = vocabulary().ids(list_name)
        unknown = [value for value in values if value not in known]
        if unknown:
            raise ValueError(f"unknown {list_name.replace('_', ' ')}: {', '.join(unknown)}")
        return list(dict.fromkeys(values))

    return AfterValidator(check)


def one_of(list_name: str):
    def check(value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if value not in vocabulary().ids(list_name):
            raise ValueError(f"unknown {list_name.replace('_', ' ')}: {value}")
        return value

    return AfterValidator(check)


def _theme_ids(values: list[str]) -> list[str]:
    known = set(catalog().ids())
    unknown = [value for value in values if value not in known]
    if unknown:
        raise ValueError(f"unknown theme: {', '.join(unknown)}")
    return list(dict.fromkeys(values))


def _link(value: str | None) -> str | None:
    if not value:
        return None
    if not value.startswith(("https://", "http://")) or " " in value or len(value) > 500:
        raise ValueError("use a full web address starting with https:// (or http://)")
    return value


def _short(limit: int):
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"use at most {limit} characters")
        return value

    return AfterValidator(check)


Name = Annotated[CleanText, _short(120)]
LongText = Annotated[CleanText, _short(4000)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BasicsInput(_Input):
    name: Name
    start_date: date
    end_date: date
    countries: Annotated[list[str], some_of("countries")] = []
    languages: list[Language] = []
    owner_membership_id: int | None = None

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError("give the campaign a name")
        return value

    @model_validator(mode="after")
    def _window(self) -> BasicsInput:
        if self.end_date <= self.start_date:
            raise ValueError("end_date: the campaign must end after it starts")
        return self


class GoalInput(_Input):
    goal_statement: LongText = ""


class ObjectiveInput(_Input):
    description: LongText = ""
    metric: Annotated[str, one_of("metrics")]
    baseline: float = Field(default=0, ge=0)
    target: float
    deadline: date

    @field_validator("target")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("the target must be greater than zero")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> ObjectiveInput:
        if self.metric is None:
            raise ValueError("metric: choose what is measured")
        return self


class SegmentInput(_Input):
    name: Name
    region: Annotated[str | None, one_of("regions")] = None
    languages: list[Language] = []
    age_band: Annotated[str | None, one_of("age_bands")] = None
    platforms: Annotated[list[str], some_of("platforms")] = []
    interests: LongText = ""
    insight: LongText = ""

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError("name the segment, e.g. 'Students in Peshawar and Kabul'")
        return value


class MessageInput(_Input):
    core_message: LongText = ""
    narrative_type: NarrativeType | None = None
    themes: Annotated[list[str], AfterValidator(_theme_ids)] = []


class MessengerInput(_Input):
    name: Name
    messenger_type: Annotated[str | None, one_of("messenger_types")] = None
    credibility: LongText = ""
    risk_level: RiskLevel = RiskLevel.LOW
    safety_plan: LongText = ""

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError("name the messenger by role or pseudonym, e.g. 'Survivor from Lahore'")
        return value


class MediaInput(_Input):
    media_platforms: Annotated[list[str], some_of("platforms")] = []
    media_formats: Annotated[list[str], some_of("formats")] = []


class ActionInput(_Input):
    cta_text: LongText = ""
    cta_type: Annotated[str | None, one_of("cta_types")] = None
    cta_link: Annotated[OptionalText, AfterValidator(_link)] = None


class EvaluationInput(_Input):
    review_cadence: Annotated[str | None, one_of("review_cadences")] = None


class KpiInput(_Input):
    metric: Annotated[str, one_of("metrics")]
    target: float | None = None
    data_source: Annotated[str, one_of("data_sources")]

    @field_validator("target")
    @classmethod
    def _positive(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError("a target, if given, must be greater than zero")
        return value


# ---- read models -------------------------------------------------------------------------------


class _Read(BaseModel):
    """Read models describe what is stored; they do not re-check it against today's vocabulary."""

    model_config = ConfigDict(extra="ignore")
    id: int


class ObjectiveRead(_Read):
    description: str
    metric: str
    baseline: float
    target: float
    deadline: date


class SegmentRead(_Read):
    name: str
    region: str | None
    languages: list[str]
    age_band: str | None
    platforms: list[str]
    interests: str
    insight: str


class MessengerRead(_Read):
    name: str
    messenger_type: str | None
    credibility: str
    risk_level: RiskLevel
    safety_plan: str


class KpiRead(_Read):
    metric: str
    target: float | None
    data_source: str

    @property
    def tier(self) -> str:
        return vocabulary().tier_of(self.metric) or "awareness"


class CampaignPlan(BaseModel):
    """Everything about one campaign, as the screens show it."""

    id: int
    team_id: int
    name: str
    status: CampaignStatus
    start_date: date
    end_date: date
    countries: list[str]
    languages: list[str]
    owner_membership_id: int
    owner_name: str
    template_id: str | None
    goal_statement: str
    objectives: list[ObjectiveRead]
    segments: list[SegmentRead]
    core_message: str
    narrative_type: NarrativeType | None
    themes: list[str]
    messengers: list[MessengerRead]
    media_platforms: list[str]
    media_formats: list[str]
    cta_text: str
    cta_type: str | None
    cta_link: str | None
    review_cadence: str | None
    kpis: list[KpiRead]
    version: int

    @property
    def editable(self) -> bool:
        return self.status != CampaignStatus.ARCHIVED


class Gap(BaseModel):
    step: Step
    message: str


def gaps(plan: CampaignPlan) -> list[Gap]:
    """What is still missing before the campaign may become active, step by step."""
    found: list[Gap] = []

    def need(condition: bool, step: Step, message: str) -> None:
        if not condition:
            found.append(Gap(step=step, message=message))

    need(bool(plan.countries), Step.BASICS, "Choose the countries the campaign is for.")
    need(bool(plan.languages), Step.BASICS, "Choose the campaign's languages.")
    need(bool(plan.goal_statement), Step.GOAL, "Write the goal: what do you want to change?")
    need(bool(plan.objectives), Step.GOAL, "Add at least one measurable objective (metric, target, deadline).")
    need(bool(plan.segments), Step.AUDIENCE, "Describe at least one audience segment.")
    for segment in plan.segments:
        label = f"Audience '{segment.name}'"
        need(segment.region is not None, Step.AUDIENCE, f"{label}: choose a country or region.")
        need(bool(segment.languages), Step.AUDIENCE, f"{label}: choose its languages.")
        need(segment.age_band is not None, Step.AUDIENCE, f"{label}: choose an age band.")
        need(bool(segment.platforms), Step.AUDIENCE, f"{label}: choose the platforms it uses.")
        need(bool(segment.interests), Step.AUDIENCE, f"{label}: note its interests and grievances.")
        need(bool(segment.insight), Step.AUDIENCE, f"{label}: add an insight note.")
    need(bool(plan.core_message), Step.MESSAGE, "Write the core message.")
    need(plan.narrative_type is not None, Step.MESSAGE, "Choose counter or alternative narrative.")
    need(bool(plan.themes), Step.MESSAGE, "Tag the campaign with at least one theme.")
    need(bool(plan.messengers), Step.MESSENGER, "Add at least one messenger.")
    for messenger in plan.messengers:
        label = f"Messenger '{messenger.name}'"
        need(messenger.messenger_type is not None, Step.MESSENGER, f"{label}: choose the messenger type.")
        need(bool(messenger.credibility), Step.MESSENGER, f"{label}: say why the audience will find them credible.")
        if messenger.risk_level != RiskLevel.LOW:
            need(
                bool(messenger.safety_plan),
                Step.MESSENGER,
                f"{label} is at {messenger.risk_level} risk: write a safety plan before the campaign starts.",
            )
    need(bool(plan.media_platforms), Step.MEDIA, "Choose at least one platform.")
    need(bool(plan.media_formats), Step.MEDIA, "Choose at least one format.")
    need(bool(plan.cta_text), Step.ACTION, "Write the call to action.")
    need(plan.cta_type is not None, Step.ACTION, "Choose the type of call to action.")
    tiers = {kpi.tier for kpi in plan.kpis}
    for tier in ("awareness", "engagement", "impact"):
        need(tier in tiers, Step.EVALUATION, f"Add at least one {tier} KPI.")
    need(plan.review_cadence is not None, Step.EVALUATION, "Choose how often results are reviewed.")
    return found


# Which status may follow which; archiving is for admins (checked by the service).
TRANSITIONS: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    CampaignStatus.PLANNING: frozenset({CampaignStatus.ACTIVE, CampaignStatus.ARCHIVED}),
    CampaignStatus.ACTIVE: frozenset({CampaignStatus.PLANNING, CampaignStatus.COMPLETED, CampaignStatus.ARCHIVED}),
    CampaignStatus.COMPLETED: frozenset({CampaignStatus.ACTIVE, CampaignStatus.ARCHIVED}),
    CampaignStatus.ARCHIVED: frozenset(),
}


def transition_problem(plan: CampaignPlan, target: CampaignStatus) -> str | None:
    """Why the plan may not move to `target`, or None if it may."""
    if target not in TRANSITIONS[plan.status]:
        return f"A {plan.status} campaign cannot become {target}."
    if target == CampaignStatus.ACTIVE:
        missing = gaps(plan)
        if missing:
            return f"The plan is not complete yet: {count(len(missing), 'item')} missing."
    return None


def deadline_problems(objectives: list[ObjectiveRead], start: date, end: date) -> dict[str, str]:
    """Objectives whose deadline would fall outside the campaign window."""
    return {
        f"objective {index}": f"its deadline {objective.deadline:%d %b %Y} is outside the campaign window"
        for index, objective in enumerate(objectives, start=1)
        if not start <= objective.deadline <= end
    }
