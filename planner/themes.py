"""The theme taxonomy, loaded from content/themes.yaml and validated at load.

The database stores theme ids only; labels come from here, in the reader's language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.config import CONTENT_DIR
from planner.errors import ContentError
from planner.languages import Language

THEMES_FILE = CONTENT_DIR / "themes.yaml"


class PerLanguage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    ur: str = Field(min_length=1)
    ps: str = Field(min_length=1)
    fa: str = Field(min_length=1)


class Keywords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: tuple[str, ...] = Field(min_length=1)
    ur: tuple[str, ...] = Field(min_length=1)
    roman_ur: tuple[str, ...] = Field(min_length=1)
    ps: tuple[str, ...] = Field(min_length=1)
    fa: tuple[str, ...] = Field(min_length=1)


class Hashtags(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: tuple[str, ...] = Field(min_length=1)
    ur: tuple[str, ...] = Field(min_length=1)
    ps: tuple[str, ...] = Field(min_length=1)
    fa: tuple[str, ...] = Field(min_length=1)

    @field_validator("en", "ur", "ps", "fa")
    @classmethod
    def _tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        for tag in tags:
            if not tag.startswith("#") or any(ch.isspace() for ch in tag) or len(tag) < 2:
                raise ValueError(f"{tag!r} is not a hashtag: it must start with '#' and contain no spaces")
        return tags


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    sensitive: bool
    labels: PerLanguage
    description: str = Field(min_length=1)
    keywords: Keywords
    hashtags: Hashtags

    def label(self, language: Language | str = Language.EN) -> str:
        return getattr(self.labels, str(language))


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True)
    themes: tuple[Theme, ...]

    def get(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def ids(self) -> list[str]:
        return [theme.id for theme in self.themes]

    def sensitive_ids(self) -> frozenset[str]:
        return frozenset(theme.id for theme in self.themes if theme.sensitive)


def _theme(path: Path, index: int, entry: object) -> Theme:
    try:
        return Theme.model_validate(entry)
    except ValidationError as exc:
        error = exc.errors()[0]
        theme_id = entry.get("id", "?") if isinstance(entry, dict) else "?"
        field = ".".join(map(str, error["loc"])) or "entry"
        raise ContentError(f"{path.name}: theme {index + 1} ({theme_id}), field {field}: {error['msg']}") from None


def load_catalog(path: Path = THEMES_FILE) -> Catalog:
    """Read and validate a themes file; ContentError names the file and the field at fault."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from None
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{path.name}: expected a list of themes")
    themes = tuple(_theme(path, index, entry) for index, entry in enumerate(raw))
    seen: set[str] = set()
    for theme in themes:
        if theme.id in seen:
            raise ContentError(f"{path.name}: theme id {theme.id!r} appears twice")
        seen.add(theme.id)
    return Catalog(themes=themes)


@cache
def catalog() -> Catalog:
    """The real taxonomy from content/, loaded once per process."""
    return load_catalog()
