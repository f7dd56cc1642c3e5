"""Campaign templates from content/campaign-templates/: complete plans to start from."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.config import CONTENT_DIR
from planner.errors import ContentError
from planner.languages import Language
from planner.plans import (
    ActionInput,
    EvaluationInput,
    GoalInput,
    KpiInput,
    MediaInput,
    MessageInput,
    MessengerInput,
    SegmentInput,
    one_of,
    some_of,
)

TEMPLATES_DIR = CONTENT_DIR / "campaign-templates"


class TemplateObjective(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str = ""
    metric: Annotated[str, one_of("metrics")]
    baseline: float = 0
    target: float = Field(gt=0)
    deadline_day: int = Field(ge=0, description="days after the campaign's start")


class CampaignTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    summary: str
    duration_days: int = Field(gt=0, le=730)
    countries: Annotated[list[str], some_of("countries")]
    languages: list[Language]
    goal: GoalInput
    objectives: list[TemplateObjective] = Field(min_length=1)
    segments: list[SegmentInput] = Field(min_length=1)
    message: MessageInput
    messengers: list[MessengerInput] = Field(min_length=1)
    media: MediaInput
    action: ActionInput
    evaluation: EvaluationInput
    kpis: list[KpiInput] = Field(min_length=1)

    def end_date(self, start: date) -> date:
        return start + timedelta(days=self.duration_days)

    def deadline(self, objective: TemplateObjective, start: date) -> date:
        return min(start + timedelta(days=objective.deadline_day), self.end_date(start))


def load_template(path: Path) -> CampaignTemplate:
    """Read and validate one template; ContentError names the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
        template = CampaignTemplate.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(map(str, error["loc"])) or "file"
        raise ContentError(f"{path.name}: field {where}: {error['msg'].removeprefix('Value error, ')}") from None
    if template.id != path.stem:
        raise ContentError(f"{path.name}: field id: must match the file name ({path.stem!r})")
    return template


def load_templates(folder: Path = TEMPLATES_DIR) -> dict[str, CampaignTemplate]:
    return {template.id: template for template in map(load_template, sorted(folder.glob("*.yaml")))}


@cache
def templates() -> dict[str, CampaignTemplate]:
    """The real templates from content/, loaded once per process."""
    return load_templates()
