"""How long a draft is on each platform, and which hashtags it carries, measured as the platform measures.

Limits, units and X's weighting all come from content/platforms.yaml, validated at load.

Approach (measured against the official twitter-text conformance files, conformance/twitter-text/):

==========================  =====================================  ===================================
candidate                   validate.yml: WeightedTweetsWith-      extract.yml: hashtags (65) and
                            DiscountedEmojiCounterTest (22) and    hashtags_from_astral (3)
                            UnicodeDirectionalMarkerCounterTest
                            (2), every expected field
==========================  =====================================  ===================================
twitter-text-parser 3.0.0   22/22 and 2/2 (config v3 with emoji    none: it has no hashtag extraction
                            parsing; weightedLength, valid,
                            permillage and both ranges)
twitter-text 3.0            3/22 and 0/2 (weightedLength and       52/65 and 1/3 (fails Persian and
                            valid only: it counts 140 plain        Arabic-Indic digits, Indic scripts,
                            characters, twitter-text v1)           Greek, middle dot, astral letters)
==========================  =====================================  ===================================

No library passes every required case, so the work is split where the evidence points:

* X weighting wraps twitter-text-parser 3.0.0 (pinned in requirements.txt). It passes all 24 counting
  cases, and it carries twitter-text's URL rules (top-level domain lists, IDNA host checks such as the
  Pakistani domain ``.پاکستان``), which would be long and error-prone to rewrite. We feed it the weighting
  from platforms.yaml, not its built-in table.
* Hashtag extraction is written here by hand (twitter-text-parser has none, twitter-text 3.0 fails 15 of
  68 cases, including Persian digits): 68/68. It reuses the library's URL finder so that a ``#`` inside a
  link is not a hashtag.

Known limits of the library: its emoji list is Unicode 12.0 (2019). An emoji sequence added later, such as
a skin tone on a 2021 emoji, counts as its parts (2 + 2) rather than as one emoji (2), so X's count can be
slightly high, never low. It reads its emoji list through ``pkg_resources``, which it does not declare and
which stays loaded in every process: planner.twitter_library loads it with a stand-in instead.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planner.config import CONTENT_DIR
from planner.errors import ContentError
from planner.twitter_library import extract_urls_with_indices, has_invalid_characters, parse_tweet

PLATFORMS_FILE = CONTENT_DIR / "platforms.yaml"
_Model = TypeVar("_Model", bound=BaseModel)


class Unit(StrEnum):
    WEIGHTED = "weighted"
    CHARACTERS = "characters"
    UTF8_BYTES = "utf8_bytes"
    UTF16_UNITS = "utf16_units"


# How an overage reads after its number, per unit ("42 over the limit of 5000 UTF-8 bytes").
_UNIT_WORDS = {
    Unit.WEIGHTED: "",
    Unit.CHARACTERS: " characters",
    Unit.UTF8_BYTES: " UTF-8 bytes",
    Unit.UTF16_UNITS: " UTF-16 units",
}


# --- platforms.yaml --------------------------------------------------------------------------------------


class WeightRange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: int = Field(ge=0, le=0x10FFFF)
    end: int = Field(ge=0, le=0x10FFFF)
    weight: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> WeightRange:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Weighting(BaseModel):
    """twitter-text's counting configuration (config v3)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scale: int = Field(gt=0)
    default_weight: int = Field(ge=0)
    transformed_url_length: int = Field(ge=0)
    emoji_parsing: bool
    ranges: tuple[WeightRange, ...]


class TextField(BaseModel):
    """One measurable text field: an X post, a YouTube title, a Telegram caption…"""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: str = Field(min_length=1)
    limit: int | None = Field(gt=0)
    unit: Unit
    max_hashtags: int | None = Field(default=None, ge=0)
    note: str = Field(min_length=1)
    weighting: Weighting | None = None

    @model_validator(mode="after")
    def _weighting_goes_with_weighted(self) -> TextField:
        if self.unit is Unit.WEIGHTED and self.weighting is None:
            raise ValueError("a weighted field needs a `weighting` section")
        if self.unit is not Unit.WEIGHTED and self.weighting is not None:
            raise ValueError(f"`weighting` only applies to unit weighted, not {self.unit.value}")
        if self.unit is Unit.WEIGHTED and self.limit is None:
            raise ValueError("a weighted field needs a limit")
        return self


class VariantPlatform(BaseModel):
    """A platform a drafter can write a variant for, and the fields its parts are measured against."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: str = Field(min_length=1)
    body: str = Field(min_length=1)
    title: str | None = None


class PlatformCatalog(BaseModel):
    model_config = ConfigDict(frozen=True)
    fields: tuple[TextField, ...]
    variant_platforms: tuple[VariantPlatform, ...]

    def field(self, field_id: str) -> TextField:
        for entry in self.fields:
            if entry.id == field_id:
                return entry
        raise KeyError(field_id)

    def variant(self, platform_id: str) -> VariantPlatform:
        for entry in self.variant_platforms:
            if entry.id == platform_id:
                return entry
        raise KeyError(platform_id)

    def field_ids(self) -> list[str]:
        return [entry.id for entry in self.fields]

    def variant_ids(self) -> list[str]:
        return [entry.id for entry in self.variant_platforms]


def _entry(model: type[_Model], path: Path, section: str, index: int, raw: object) -> _Model:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        entry_id = raw.get("id", "?") if isinstance(raw, dict) else "?"
        field = ".".join(map(str, error["loc"])) or "entry"
        raise ContentError(
            f"{path.name}: {section} entry {index + 1} ({entry_id}), field {field}: {error['msg']}"
        ) from None


def _unique(path: Path, section: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            raise ContentError(f"{path.name}: {section} id {entry_id!r} appears twice")
        seen.add(entry_id)


def load_platforms(path: Path = PLATFORMS_FILE) -> PlatformCatalog:
    """Read and validate a platforms file; ContentError names the file, the entry and the field at fault."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise ContentError(f"{path.name}: expected `fields` and `variant_platforms` sections")
    unknown = sorted(set(raw) - {"fields", "variant_platforms"})
    if unknown:
        raise ContentError(f"{path.name}: unknown section {unknown[0]!r}")
    for section in ("fields", "variant_platforms"):
        if not isinstance(raw.get(section), list) or not raw[section]:
            raise ContentError(f"{path.name}: field {section}: expected a non-empty list")

    fields = tuple(_entry(TextField, path, "fields", i, entry) for i, entry in enumerate(raw["fields"]))
    variants = tuple(
        _entry(VariantPlatform, path, "variant_platforms", i, entry) for i, entry in enumerate(raw["variant_platforms"])
    )
    _unique(path, "fields", [entry.id for entry in fields])
    _unique(path, "variant_platforms", [entry.id for entry in variants])
    known = {entry.id for entry in fields}
    for index, variant in enumerate(variants):
        for part in ("body", "title"):
            field_id = getattr(variant, part)
            if field_id is not None and field_id not in known:
                raise ContentError(
                    f"{path.name}: variant_platforms entry {index + 1} ({variant.id}), field {part}: "
                    f"{field_id!r} is not one of the fields"
                )
    return PlatformCatalog(fields=fields, variant_platforms=variants)


@cache
def platforms() -> PlatformCatalog:
    """The real platform table from content/, loaded once per process."""
    return load_platforms()


# --- X: weighted counting (twitter-text config v3, through twitter-text-parser) --------------------------


@dataclass(frozen=True)
class TweetWeight:
    """twitter-text's parse result. Ranges are inclusive UTF-16 offsets into the text as given."""

    weighted_length: int
    valid: bool
    permillage: int
    display_range: tuple[int, int]
    valid_range: tuple[int, int]


def _library_options(field: TextField) -> dict[str, object]:
    assert field.weighting is not None and field.limit is not None  # guaranteed by TextField's validator
    weighting = field.weighting
    return {
        "max_weighted_tweet_length": field.limit,
        "scale": weighting.scale,
        "default_weight": weighting.default_weight,
        "transformed_url_length": weighting.transformed_url_length,
        "emoji_parsing_enabled": weighting.emoji_parsing,
        "ranges": [{"start": r.start, "end": r.end, "weight": r.weight} for r in weighting.ranges],
    }


def weigh_for_x(text: str, field_id: str = "x") -> TweetWeight:
    """Weigh `text` as X does (NFC first, URLs 23, emoji 2, weights by code point range)."""
    field = platforms().field(field_id)
    if field.unit is not Unit.WEIGHTED:
        raise ValueError(f"{field_id!r} is measured in {field.unit.value}, not weighted")
    result = parse_tweet(text, _library_options(field))
    return TweetWeight(
        weighted_length=result.weightedLength,
        valid=result.valid,
        permillage=result.permillage,
        display_range=(result.displayRangeStart, result.displayRangeEnd),
        valid_range=(result.validRangeStart, result.validRangeEnd),
    )


# --- Hashtags, as twitter-text extracts them (written here; see the module docstring) ------------------

_HASH_SIGNS = "#\uff03"  # '#' and the full-width '＃'
# Besides letters, marks and decimal digits of any script, these may sit inside a hashtag: underscore,
# ZWNJ and ZWJ (Persian and Indic spelling), Cyrillic kavyka, Hebrew maqaf and geresh/gershayim, the
# full-width tilde and wave dash, Japanese sound marks and dots, ditto mark, Tibetan tsheg, middle dot.
_HASHTAG_EXTRAS = frozenset(
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
)
# A '#' followed by these is the start of a keycap emoji (#️⃣), not a hashtag.
_NOT_AFTER_HASH = "\ufe0f\u20e3"
# Variation selectors may directly precede a hashtag ("✌️#tag") even though they are marks.
_VARIATION_SELECTORS = "\ufe0e\ufe0f"
# A hashtag run followed by another hash sign or by "://" is dropped whole.
_BAD_ENDINGS = ("#", "\uff03", "://")


def _is_hashtag_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"


def _is_hashtag_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd" or char in _HASHTAG_EXTRAS


def _starts_hashtag(text: str, index: int, consumed: int) -> bool:
    """Whether the hash sign at `index` may start a hashtag, given the text up to `consumed` is taken."""
    if index == 0:
        return True
    before = text[index - 1]
    if index - 1 < consumed:  # the previous candidate already used that character
        return False
    return before in _VARIATION_SELECTORS or (before != "&" and not _is_hashtag_char(before))


def _hashtag_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each hashtag, '#' included, before links are taken into account."""
    spans: list[tuple[int, int]] = []
    consumed = 0
    index = 0
    while index < len(text):
        if text[index] not in _HASH_SIGNS or not _starts_hashtag(text, index, consumed):
            index += 1
            continue
        end = index + 1
        if text.startswith(tuple(_NOT_AFTER_HASH), end):
            index += 1
            continue
        while end < len(text) and _is_hashtag_char(text[end]):
            end += 1
        if not any(_is_hashtag_letter(char) for char in text[index + 1 : end]):
            index += 1  # no letter (#16, #_): not a hashtag, and nothing is taken
            continue
        if not text.startswith(_BAD_ENDINGS, end):
            spans.append((index, end))
        consumed = index = end
    return spans


def extract_hashtags(text: str) -> list[str]:
    """Hashtags in `text`, without the hash sign, in order, as twitter-text finds them.

    Letters and digits of any script count (Urdu, Pashto, Dari with ZWNJ and Persian digits included), but a
    hashtag needs at least one letter; a '#' inside a link does not start one. The text is not normalised.
    """
    if not any(sign in text for sign in _HASH_SIGNS):
        return []
    spans = _hashtag_spans(text)
    if not spans:
        return []
    links = [tuple(url["indices"]) for url in extract_urls_with_indices(text)]
    # Entities in order of start; one that starts inside the previous kept entity is dropped.
    entities = sorted([(start, end, True) for start, end in spans] + [(start, end, False) for start, end in links])
    tags: list[str] = []
    previous_end = -1
    for start, end, is_hashtag in entities:
        if start < previous_end:
            continue
        previous_end = end
        if is_hashtag:
            tags.append(text[start + 1 : end])
    return tags


# --- Measuring a draft ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """How `text` measures against one field. `remaining` is negative when over the limit."""

    platform: str
    label: str
    unit: str
    count: int
    limit: int | None
    remaining: int | None
    hashtags: list[str]
    max_hashtags: int | None
    problems: list[str]
    ok: bool


def _count(normalised: str, unit: Unit) -> int:
    if unit is Unit.CHARACTERS:
        return len(normalised)
    if unit is Unit.UTF8_BYTES:
        return len(normalised.encode("utf-8"))
    if unit is Unit.UTF16_UNITS:
        return len(normalised.encode("utf-16-le")) // 2
    raise ValueError(f"{unit.value} is not counted by code point")


def measure(text: str, platform: str) -> Measurement:
    """Measure `text` for the field `platform` (an id from platforms.yaml: "x", "youtube-title"…).

    The text is NFC-normalised first. `ok` is False when the text is over the limit, has more hashtags
    than allowed, or (X only) holds a character X refuses. An empty text is ok: it is within every limit.
    Raises KeyError for an unknown field id.
    """
    field = platforms().field(platform)
    normalised = unicodedata.normalize("NFC", text)
    problems: list[str] = []

    if field.unit is Unit.WEIGHTED:
        count = weigh_for_x(text, field.id).weighted_length
        refused = sorted({f"U+{ord(char):04X}" for char in normalised if has_invalid_characters(char)})
        if refused:
            problems.append(
                f"{field.label} does not accept the character{'s' if len(refused) > 1 else ''} "
                f"{', '.join(refused)}: remove {'them' if len(refused) > 1 else 'it'}"
            )
    else:
        count = _count(normalised, field.unit)

    remaining = None if field.limit is None else field.limit - count
    if remaining is not None and remaining < 0:
        problems.insert(0, f"{-remaining} over the limit of {field.limit}{_UNIT_WORDS[field.unit]}")

    hashtags = extract_hashtags(normalised)
    if field.max_hashtags is not None and len(hashtags) > field.max_hashtags:
        problems.append(f"{len(hashtags)} hashtags: {field.label} allows at most {field.max_hashtags}")

    return Measurement(
        platform=field.id,
        label=field.label,
        unit=field.unit.value,
        count=count,
        limit=field.limit,
        remaining=remaining,
        hashtags=hashtags,
        max_hashtags=field.max_hashtags,
        problems=problems,
        ok=not problems,
    )
