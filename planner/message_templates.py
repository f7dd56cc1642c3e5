"""Post templates per theme and language (content/message-templates.yaml), insertable into a variant."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.config import CONTENT_DIR
from planner.errors import ContentError
from planner.languages import Language
from planner.themes import catalog

MESSAGE_TEMPLATES_FILE = CONTENT_DIR / "message-templates.yaml"


class MessageTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    theme: str
    language: Language
    title: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=2000)

    @field_validator("theme")
    @classmethod
    def _known_theme(cls, value: str) -> str:
        if value not in catalog().ids():
            raise ValueError(f"unknown theme {value!r}")
        return value


def load_message_templates(path: Path = MESSAGE_TEMPLATES_FILE) -> tuple[MessageTemplate, ...]:
    """Read and validate the templates; ContentError names the file, the entry and the field."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from None
    if not isinstance(raw, list):
        raise ContentError(f"{path.name}: expected a list of templates")
    found = []
    for index, entry in enumerate(raw, start=1):
        try:
            found.append(MessageTemplate.model_validate(entry))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(map(str, error["loc"])) or "entry"
            name = entry.get("id", "?") if isinstance(entry, dict) else "?"
            raise ContentError(f"{path.name}: template {index} ({name}), field {where}: {error['msg']}") from None
    ids = [template.id for template in found]
    if len(ids) != len(set(ids)):
        raise ContentError(f"{path.name}: a template id appears twice")
    return tuple(found)


@cache
def message_templates() -> tuple[MessageTemplate, ...]:
    return load_message_templates()


def templates_for(theme_ids: list[str], language: Language | str) -> list[MessageTemplate]:
    """Templates for any of the message's themes in the variant's language (all themes if none)."""
    wanted = set(theme_ids)
    return [
        template
        for template in message_templates()
        if template.language == language and (not wanted or template.theme in wanted)
    ]
