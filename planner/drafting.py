"""Pure helpers of the drafting studio: theme suggestions, hashtag suggestions, input flags, diffs.

Matching folds the spellings people really type: Arabic ي/ك and Persian ی/ک, Urdu ہ and Arabic ه,
Pashto ګ and Urdu گ, zero-width non-joiners, diacritics and tatweel, Persian and Arabic digits.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from planner.languages import Language
from planner.themes import Catalog

_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي → ی
        "\u0649": "\u06cc",  # ى → ی
        "\u0643": "\u06a9",  # ك → ک
        "\u06c1": "\u0647",  # ہ → ه
        "\u06d5": "\u0647",  # ە → ه
        "\u06ab": "\u06af",  # ګ → گ
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u0640": None,  # tatweel
        **{chr(code): None for code in range(0x064B, 0x0660)},  # harakat
        "\u0670": None,  # superscript alef
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    }
)

BIDI_CONTROLS = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
_SCHEME = re.compile(r"(?<![\w/])([a-z][a-z0-9+.-]{1,15}):(//\S+|\S+)", re.IGNORECASE)
_RISKY_SCHEMES = {"javascript", "data", "vbscript", "file", "ftp", "intent", "tel", "sms"}


def fold(text: str) -> str:
    """The form text and keywords are compared in."""
    return unicodedata.normalize("NFC", text).casefold().translate(_FOLD)


@dataclass(frozen=True)
class ThemeSuggestion:
    theme_id: str
    matched: tuple[str, ...]  # the keywords found, as written in content/themes.yaml


def _keyword_found(keyword: str, folded_text: str) -> bool:
    """A keyword matches at the start of a word, so stems find their forms ("vaccin" → "vaccines",
    "سرحد" → "سرحدوں"); keywords of three letters or fewer must be whole words ("تور" is not "لاهور")."""
    needle = fold(keyword)
    if not needle:
        return False
    whole = r"(?!\w)" if len(needle) <= 3 else ""
    return re.search(rf"(?<!\w){re.escape(needle)}{whole}", folded_text) is not None


def suggest_themes(
    text: str, catalog: Catalog, *, exclude: set[str] | frozenset[str] = frozenset()
) -> list[ThemeSuggestion]:
    """Themes whose keywords (in any language) occur in `text`, most matches first."""
    folded = fold(text)
    found = []
    for theme in catalog.themes:
        if theme.id in exclude:
            continue
        keywords = [word for words in theme.keywords.model_dump().values() for word in words]
        matched = tuple(dict.fromkeys(word for word in keywords if _keyword_found(word, folded)))
        if matched:
            found.append(ThemeSuggestion(theme.id, matched))
    return sorted(found, key=lambda suggestion: -len(suggestion.matched))


def suggest_hashtags(theme_ids: list[str], language: Language | str, catalog: Catalog) -> list[str]:
    """Suggested hashtags for the message's themes in the variant's language, without repeats."""
    tags: list[str] = []
    for theme_id in theme_ids:
        if theme_id in catalog.ids():
            tags += getattr(catalog.get(theme_id).hashtags, str(language))
    return list(dict.fromkeys(tags))


@dataclass(frozen=True)
class Flag:
    position: int
    found: str
    why: str


def bidi_flags(text: str) -> list[Flag]:
    """Invisible direction controls that can make a text read differently from what is stored."""
    return [
        Flag(index, f"U+{ord(char):04X}", f"{BIDI_CONTROLS[char]}: invisible, can disguise the text in review")
        for index, char in enumerate(text)
        if char in BIDI_CONTROLS
    ]


def link_flags(text: str) -> list[Flag]:
    """Links that are not http(s): only web links are allowed in posts."""
    return [
        Flag(match.start(), match.group(0)[:60], f"a {match.group(1).lower()}: link; only http(s) links are allowed")
        for match in _SCHEME.finditer(text)
        if match.group(1).lower() in _RISKY_SCHEMES
        or (match.group(2).startswith("//") and match.group(1).lower() not in {"http", "https"})
    ]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(operation, text) pieces turning `old` into `new`: 'equal', 'delete' or 'insert', word by word."""
    before, after = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", "".join(before[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", "".join(after[j1:j2])))
    return pieces
