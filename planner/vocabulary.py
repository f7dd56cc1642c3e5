"""The campaign plan's controlled words (metrics, regions, messenger types…) from content/vocabulary.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planner.config import CONTENT_DIR
from planner.errors import ContentError

VOCABULARY_FILE = CONTENT_DIR / "vocabulary.yaml"
KPI_TIERS = ("awareness", "engagement", "impact")


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1)
    tier: str | None = None
    help: str | None = None


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    countries: tuple[Term, ...]
    regions: tuple[Term, ...]
    age_bands: tuple[Term, ...]
    metrics: tuple[Term, ...]
    kpi_tiers: tuple[Term, ...]
    messenger_types: tuple[Term, ...]
    platforms: tuple[Term, ...]
    formats: tuple[Term, ...]
    cta_types: tuple[Term, ...]
    review_cadences: tuple[Term, ...]
    data_sources: tuple[Term, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Vocabulary:
        for name in type(self).model_fields:
            ids = [term.id for term in getattr(self, name)]
            if len(ids) != len(set(ids)):
                raise ValueError(f"{name}: an id appears twice")
        if tuple(term.id for term in self.kpi_tiers) != KPI_TIERS:
            raise ValueError(f"kpi_tiers: must be exactly {', '.join(KPI_TIERS)}")
        for metric in self.metrics:
            if metric.tier not in KPI_TIERS:
                raise ValueError(f"metrics: {metric.id} needs a tier out of {', '.join(KPI_TIERS)}")
        return self

    def ids(self, name: str) -> list[str]:
        return [term.id for term in getattr(self, name)]

    def label(self, name: str, term_id: str) -> str:
        """The label of `term_id` in list `name`, or the id itself if it was removed from content."""
        return next((term.label for term in getattr(self, name) if term.id == term_id), term_id)

    def tier_of(self, metric_id: str) -> str | None:
        return next((term.tier for term in self.metrics if term.id == metric_id), None)


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Read and validate the vocabulary; ContentError names the file and the list at fault."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
        return Vocabulary.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(map(str, error["loc"])) or "file"
        raise ContentError(f"{path.name}: {where}: {error['msg'].removeprefix('Value error, ')}") from None


@cache
def vocabulary() -> Vocabulary:
    return load_vocabulary()
