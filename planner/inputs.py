"""Cleaning and validating what people type, before any service acts on it."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError

from planner.errors import ValidationFailed

# C0/C1 controls except tab and newline; bidi overrides are kept (and flagged by screening).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    """NFC-normalise, strip control characters, normalise line ends, trim the ends."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


def clean_optional(value: str | None) -> str | None:
    if value is None:
        return None
    return clean_text(value) or None


CleanText = Annotated[str, AfterValidator(clean_text)]
OptionalText = Annotated[str | None, AfterValidator(clean_optional)]

M = TypeVar("M", bound=BaseModel)
_NAMED = re.compile(r"^[a-z_]+: ")


def parse(model: type[M], **data) -> M:
    """Validate `data` into `model`, turning pydantic's errors into a field → reason mapping."""
    try:
        return model(**data)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if not field:  # a rule across fields names its field as "field: message"
                field, _, message = message.partition(": ") if _NAMED.match(message) else ("input", "", message)
            problems.setdefault(field, message)
        raise ValidationFailed(problems) from None
