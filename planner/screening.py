"""Do-no-harm screening: the checks a facilitator sees before approving a draft variant.

``screen(text, facts=…, denylist=…)`` returns every finding for one variant, sorted by where it starts. Each
finding names its rule, a severity, a plain-language explanation for the reviewer and the exact text it
matched (``text[start:end] == matched``). Findings are advice; the caller decides what a blocker blocks.

Rules (ids are stable; severities as in DOMAIN.md's "Do no harm"):

=============================  ========  ==================================================================
rule                           severity  what it looks for
=============================  ========  ==================================================================
amplification.denylist         blocker   a link to a denylisted domain or any subdomain of it (URLs found as
                                         twitter-text finds them, with or without scheme), a profile link to
                                         a denylisted handle (t.me/x, x.com/x…), or a denylisted @handle
amplification.banned-group     warning   a banned militant group's name as a hashtag or as the subject of a
                                         sentence (heuristic below)
amplification.glorification    warning   attackers presented as heroes, martyrs or holy warriors
personal-data.cnic             blocker   Pakistani CNIC numbers, dashed or 13 digits unbroken
personal-data.phone            blocker   Pakistani (+92 3xx / 03xx) and Afghan (+93 7x / 07x) mobile numbers
personal-data.email            blocker   email addresses
claims.unsourced               warning   statistics and cited research, only when the message has no source
victims.consent                blocker   a message featuring a person, with no consent on record
language.dehumanising          warning   dehumanising language, slurs, takfir, traitor labels
narrative.cliche               info      clichéd blame narratives, each with a suggested reframe
hygiene.bidi                   blocker   invisible bidi embedding/override/isolate characters
hygiene.link                   blocker   links that are not http(s)
=============================  ========  ==================================================================

Lexicons and patterns live in ``content/screening/*.yaml`` (English, Roman Urdu, Urdu, Pashto, Dari), are
validated once per process, and are compared on *folded* text: ``drafting.fold`` (case, Arabic/Persian
letter variants, ZWNJ, diacritics, Persian and Arabic-Indic digits) plus a few more letter variants listed in
``_EXTRA_FOLD``. Folding drops characters, so matching keeps a map from folded to original offsets and every
span points into the text as typed. Matches start at the start of a word.

Heuristics that can mislead (the reviewer sees the explanation and decides):

* **Sentence subject** (banned groups): the name starts a sentence, line or headline (after . ! ? ۔ ؟ : ; a
  new line, quotes or bullets; "the" allowed), or is directly followed by a subject marker from
  ``banned-groups.yaml`` ("claims", "said", Urdu ergative "نے"…). Pashto and Dari put the verb at the end, so a
  name in the middle of a long SOV sentence is missed; a name opening a sentence that is *about* it
  ("TTP is banned for a reason") is flagged.
* **Abbreviations** (TTP, BLA, LeT…) count only when written exactly as listed, capitals included; "ttp" in
  running text is not matched, "#ttp" as a whole hashtag is.
* **Glorification and dehumanising language** are flagged only in combinations (praise + attacker, group +
  copula + vermin, sect + "kafir"), so "shaheed" for victims is never flagged by itself; rephrasings outside
  the listed combinations are missed, and a quotation *criticising* such language is flagged like the
  language itself.
* **Statistics** need digits; figures in words and years are not flagged. Casualty counts skip years
  1900–2099.
* **Phone numbers** cover mobile formats only; landlines are not matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planner.config import CONTENT_DIR
from planner.drafting import bidi_flags, fold, link_flags
from planner.errors import ContentError
from planner.text import extract_hashtags
from planner.twitter_library import extract_urls_with_indices

SCREENING_DIR = CONTENT_DIR / "screening"
LANGUAGES = ("en", "roman_ur", "ur", "ps", "fa")
LANGUAGE_NAMES = {
    "en": "English",
    "roman_ur": "Roman Urdu",
    "ur": "Urdu",
    "ps": "Pashto",
    "fa": "Dari",
    "any": "any language",
}


class Severity(StrEnum):
    BLOCKER = "blocker"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_ORDER = {Severity.BLOCKER: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    rule: str  # rule id, e.g. "personal-data.cnic"
    severity: Severity
    title: str  # short: "Pakistani CNIC number"
    explanation: str  # why it matters, for the reviewer, in plain language
    start: int  # span in the original text (end exclusive); -1/-1 for message-level findings
    end: int
    matched: str  # the matched text ("" for message-level findings)
    suggestion: str = ""  # e.g. a reframe for clichés


@dataclass(frozen=True)
class MessageFacts:
    """What the rules need to know about the message around the variant."""

    has_sources: bool
    features_person: bool
    consent_reference: str


@dataclass(frozen=True)
class RuleInfo:
    """One rule, for a help page."""

    id: str
    severity: Severity
    title: str
    languages: tuple[str, ...]  # codes out of LANGUAGE_NAMES; ("any",) for language-independent rules
    summary: str

    @property
    def language_names(self) -> tuple[str, ...]:
        return tuple(LANGUAGE_NAMES[code] for code in self.languages)


@dataclass(frozen=True)
class _Rule:
    severity: Severity
    title: str
    explanation: str
    summary: str


_RULES: dict[str, _Rule] = {
    "amplification.denylist": _Rule(
        Severity.BLOCKER,
        "On the team's denylist",
        "This link or account is on your team's denylist of extremist or harmful sources. Linking to or tagging "
        "it sends your readers there; describe it without the link or the handle.",
        "Links to a denylisted domain (or any subdomain of it) and denylisted @handles or profile links.",
    ),
    "amplification.banned-group": _Rule(
        Severity.WARNING,
        "Banned group in the headline",
        "Using a banned group's name as a hashtag or as the subject of a sentence amplifies it.",
        "A banned militant group's name used as a hashtag or as the subject of a sentence.",
    ),
    "amplification.glorification": _Rule(
        Severity.WARNING,
        "Attackers glorified",
        "This presents attackers as heroes or martyrs, as their own propaganda does. Describe the attack plainly "
        "and keep the honour for the victims.",
        "Glorifying language about attackers; 'shaheed' for victims is not flagged.",
    ),
    "personal-data.cnic": _Rule(
        Severity.BLOCKER,
        "Pakistani CNIC number",
        "A CNIC number identifies one real person and can be used to find or impersonate them.",
        "Pakistani CNIC numbers (#####-#######-# or 13 digits), in Latin, Persian or Arabic-Indic digits.",
    ),
    "personal-data.phone": _Rule(
        Severity.BLOCKER,
        "Phone number",
        "A phone number lets anyone call, harass or trace the person.",
        "Pakistani (+92 3xx, 03xx) and Afghan (+93 7x, 07x) mobile numbers, in any digits.",
    ),
    "personal-data.email": _Rule(
        Severity.BLOCKER,
        "Email address",
        "An email address is personal contact data and can be used for harassment or phishing.",
        "Email addresses.",
    ),
    "claims.unsourced": _Rule(
        Severity.WARNING,
        "Claim without a source",
        "A figure or claim without a source cannot be checked, and fake figures are a central problem in the "
        "region's feeds. Add the source to the message, or take the figure out.",
        "Statistics (%, lakh, million, hazar…) and cited research when the message has no source.",
    ),
    "victims.consent": _Rule(
        Severity.BLOCKER,
        "No consent on record",
        "This message features a victim, survivor or other real person, and no consent is on record. Record "
        "their consent (or their family's) before the message is approved.",
        "A message featuring a person must carry a consent reference.",
    ),
    "language.dehumanising": _Rule(
        Severity.WARNING,
        "Dehumanising or hateful language",
        "This word or phrase dehumanises or targets a community or a person.",
        "Dehumanising terms, slurs against communities of the region, takfir and traitor labels.",
    ),
    "narrative.cliche": _Rule(
        Severity.INFO,
        "Clichéd blame narrative",
        "A clichéd blame narrative: it shifts attention to a faceless enemy and closes the conversation.",
        "Clichéd blame narratives (RAW–NDS nexus, foreign hand…), each with a suggested reframe.",
    ),
    "hygiene.bidi": _Rule(
        Severity.BLOCKER,
        "Invisible direction control",
        "Remove it: it is invisible, and can make the published text read differently from what was reviewed.",
        "Bidi embedding, override and isolate characters.",
    ),
    "hygiene.link": _Rule(
        Severity.BLOCKER,
        "Link that is not http(s)",
        "Only web links (http or https) may be published.",
        "Links with another scheme (javascript:, data:, ftp://…).",
    ),
}


# --- Folding with a map back to the original text -----------------------------------------------------

# Letters people type for one another beyond drafting.fold's table; each maps one character to one.
_EXTRA_FOLD = str.maketrans(
    {
        "\u0626": "\u06cc",  # ئ → ی  (Urdu فدائی, Persian فدایی)
        "\u06d0": "\u06cc",  # Pashto ې → ی
        "\u06cd": "\u06cc",  # Pashto ۍ → ی
        "\u0623": "\u0627",  # أ → ا
        "\u0625": "\u0627",  # إ → ا
        "\u0622": "\u0627",  # آ → ا
        "\u0671": "\u0627",  # ٱ → ا
        "\u0624": "\u0648",  # ؤ → و
        "\u0629": "\u0647",  # ة → ه
        "\u06c0": "\u0647",  # ۀ → ه
        "\u06c2": "\u0647",  # ۂ → ه
        "\u06c3": "\u0647",  # ۃ → ه
        "\u06be": "\u0647",  # ھ (do-chashmi) → ه
        "\u06d3": "\u06d2",  # ۓ → ے
        "\u067c": "\u0679",  # Pashto ټ → Urdu ٹ
        "\u0689": "\u0688",  # Pashto ډ → Urdu ڈ
        "\u0693": "\u0691",  # Pashto ړ → Urdu ڑ
    }
)

# What a space in a term or pattern matches: spaces, dashes, underscores, slashes — or nothing.
SEPARATOR = r"[\s\-\u2010-\u2015_/]*"


def _fold(text: str) -> str:
    return fold(text).translate(_EXTRA_FOLD)


@dataclass(frozen=True)
class _Folded:
    """Folded text, and for each of its characters the span of original text it came from."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def original(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def _fold_with_map(text: str) -> _Folded:
    if text.isascii():
        return _Folded(text.lower(), range(len(text)), range(1, len(text) + 1))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cluster_start = 0
    # Fold one base character with its combining marks at a time, so NFC composition stays inside the
    # cluster and every folded character knows which original characters it came from.
    for index in range(1, len(text) + 1):
        if index < len(text) and unicodedata.combining(text[index]):
            continue
        piece = _fold(text[cluster_start:index])
        pieces.append(piece)
        starts.extend([cluster_start] * len(piece))
        ends.extend([index] * len(piece))
        cluster_start = index
    return _Folded("".join(pieces), starts, ends)


# --- content/screening/*.yaml -------------------------------------------------------------------------

_Word = Annotated[str, Field(min_length=1)]
_Id = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
_Model = TypeVar("_Model", bound=BaseModel)


class Words(BaseModel):
    """Words or patterns by language; `any` for script-independent ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: tuple[_Word, ...] = ()
    roman_ur: tuple[_Word, ...] = ()
    ur: tuple[_Word, ...] = ()
    ps: tuple[_Word, ...] = ()
    fa: tuple[_Word, ...] = ()
    any: tuple[_Word, ...] = ()

    def items(self) -> Iterator[tuple[str, int, str]]:
        for language in (*LANGUAGES, "any"):
            for index, word in enumerate(getattr(self, language)):
                yield language, index, word

    def languages(self) -> set[str]:
        return {language for language, _, _ in self.items()}

    def __bool__(self) -> bool:
        return any(True for _ in self.items())


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: _Id
    title: str | None = Field(default=None, min_length=1)
    why: str | None = Field(default=None, min_length=1)
    suggestion: str | None = Field(default=None, min_length=1)
    terms: Words = Words()
    patterns: Words = Words()

    @model_validator(mode="after")
    def _has_something(self) -> Entry:
        if not self.terms and not self.patterns:
            raise ValueError("an entry needs `terms` or `patterns`")
        return self


class LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    lists: dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")], Words] = {}
    entries: tuple[Entry, ...] = Field(min_length=1)


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: _Id
    name: str = Field(min_length=1)
    note: str | None = Field(default=None, min_length=1)
    names: Words = Words()
    name_patterns: Words = Words()
    abbreviations: tuple[_Word, ...] = ()

    @model_validator(mode="after")
    def _has_a_name(self) -> Group:
        if not self.names and not self.name_patterns and not self.abbreviations:
            raise ValueError("a group needs `names`, `name_patterns` or `abbreviations`")
        return self


class BannedGroupsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    subject_markers: Words
    groups: tuple[Group, ...] = Field(min_length=1)


class DenylistFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    profile_hosts: tuple[_Word, ...] = Field(min_length=1)


_PERSONAL_DATA_IDS = ("cnic", "phone", "email")


def _where(path: Path, raw: Any, loc: Sequence[int | str]) -> str:
    """'file.yaml: entries entry 3 (some-id), field patterns.ur[0]' for a location inside the file."""
    parts = list(loc)
    prefix = f"{path.name}:"
    if len(parts) >= 2 and isinstance(parts[1], int) and isinstance(raw, dict):
        section, index = parts[0], parts[1]
        items = raw.get(section)
        entry = items[index] if isinstance(items, list) and index < len(items) else None
        entry_id = entry.get("id", "?") if isinstance(entry, dict) else "?"
        prefix += f" {section} entry {index + 1} ({entry_id}),"
        parts = parts[2:]
    field_name = ""
    for part in parts:
        field_name += f"[{part}]" if isinstance(part, int) else (f".{part}" if field_name else str(part))
    return f"{prefix} field {field_name or 'entry'}"


def _read(path: Path, model: type[_Model]) -> tuple[_Model, Any]:
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise ContentError(f"{path.name}: expected a mapping of sections, got {type(raw).__name__}")
    try:
        return model.model_validate(raw), raw
    except ValidationError as exc:
        error = exc.errors()[0]
        message = error["msg"].removeprefix("Value error, ")
        raise ContentError(f"{_where(path, raw, error['loc'])}: {message}") from None


def _unique(path: Path, section: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            raise ContentError(f"{path.name}: {section} id {entry_id!r} appears twice")
        seen.add(entry_id)


# --- Compiling terms and patterns --------------------------------------------------------------------

_LIST_REFERENCE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def _term_body(word: str, where: str) -> tuple[str, int]:
    """The regex for a term (its words joined by SEPARATOR) and how many letters it has."""
    parts = _fold(word).split()
    if not parts:
        raise ContentError(f"{where}: {word!r} is empty once folded")
    return SEPARATOR.join(re.escape(part) for part in parts), sum(map(len, parts))


def _term_regex(word: str, where: str, *, whole: bool = False) -> str:
    """A term matches at a word start; a short term (three letters or fewer) only as a whole word."""
    body, letters = _term_body(word, where)
    return body + (r"(?!\w)" if whole or letters <= 3 else "")


def _longest_first(alternatives: Iterable[str]) -> list[str]:
    return sorted(set(alternatives), key=lambda alt: (-len(alt), alt))


def _pattern_regex(pattern: str, lists: dict[str, Words], where: str) -> str:
    folded = "".join(char if char.isascii() else _fold(char) for char in pattern).replace(" ", SEPARATOR)

    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in lists:
            known = ", ".join(sorted(lists)) or "none"
            raise ContentError(f"{where}: unknown list {{{name}}} (lists: {known})")
        alternatives = [_term_body(word, f"{where} (list {name})")[0] for _, _, word in lists[name].items()]
        return "(?:" + "|".join(_longest_first(alternatives)) + ")"

    regex = _LIST_REFERENCE.sub(expand, folded)
    try:
        compiled = re.compile(regex, re.IGNORECASE)
    except re.error as exc:
        raise ContentError(f"{where}: not a valid pattern: {exc}") from None
    if compiled.fullmatch(""):
        raise ContentError(f"{where}: the pattern matches empty text")
    return regex


def _combine(alternatives: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{alt})" for alt in alternatives) + ")", re.IGNORECASE)


def _entry_regexes(path: Path, index: int, entry: Entry, lists: dict[str, Words]) -> tuple[re.Pattern[str], ...]:
    """All terms in one regex (longest first), and each pattern on its own: at a given position the longest
    match of any of them is kept (see _without_overlaps), not the first alternative that happens to match."""
    prefix = f"{path.name}: entries entry {index + 1} ({entry.id}), field"
    terms = [_term_regex(word, f"{prefix} terms.{language}[{k}]") for language, k, word in entry.terms.items()]
    patterns = [
        _pattern_regex(pattern, lists, f"{prefix} patterns.{language}[{k}]")
        for language, k, pattern in entry.patterns.items()
    ]
    regexes = [_combine(_longest_first(terms))] if terms else []
    return tuple(regexes + [_combine([pattern]) for pattern in dict.fromkeys(patterns)])


@dataclass(frozen=True)
class _Lexicon:
    """One compiled entry of a lexicon file."""

    id: str
    regexes: tuple[re.Pattern[str], ...]
    title: str | None
    why: str | None
    suggestion: str | None


@dataclass(frozen=True)
class _Group:
    id: str
    name: str
    note: str | None
    prose: re.Pattern[str] | None  # names and name patterns, whole words at word starts, on folded text
    joined: tuple[str, ...]  # folded names without separators, five letters or more, for run-together hashtags
    abbreviations: tuple[tuple[str, re.Pattern[str]], ...]  # (as written, whole-word regex on folded text)


@dataclass(frozen=True)
class Screening:
    """Everything in content/screening/, validated and compiled."""

    groups: tuple[_Group, ...]
    subject_markers: re.Pattern[str]
    lexicons: dict[str, tuple[_Lexicon, ...]]  # rule id → entries
    profile_hosts: frozenset[str]
    languages: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rule id → language codes


def _ordered_languages(found: set[str]) -> tuple[str, ...]:
    languages = tuple(code for code in LANGUAGES if code in found)
    return languages or ("any",)


def _load_lexicon(path: Path) -> tuple[tuple[_Lexicon, ...], LexiconFile]:
    lexicon, _ = _read(path, LexiconFile)
    _unique(path, "entries", (entry.id for entry in lexicon.entries))
    for name, words in lexicon.lists.items():
        for language, k, word in words.items():
            _term_body(word, f"{path.name}: field lists.{name}.{language}[{k}]")
    compiled = tuple(
        _Lexicon(entry.id, _entry_regexes(path, i, entry, lexicon.lists), entry.title, entry.why, entry.suggestion)
        for i, entry in enumerate(lexicon.entries)
    )
    return compiled, lexicon


def _lexicon_languages(lexicon: LexiconFile) -> tuple[str, ...]:
    found: set[str] = set()
    for entry in lexicon.entries:
        found |= entry.terms.languages() | entry.patterns.languages()
    for words in lexicon.lists.values():
        found |= words.languages()
    return _ordered_languages(found)


def _load_groups(path: Path) -> tuple[tuple[_Group, ...], re.Pattern[str], tuple[str, ...]]:
    content, _ = _read(path, BannedGroupsFile)
    _unique(path, "groups", (group.id for group in content.groups))
    groups = []
    found = content.subject_markers.languages()
    for i, group in enumerate(content.groups):
        prefix = f"{path.name}: groups entry {i + 1} ({group.id}), field"
        alternatives = _longest_first(
            _term_regex(word, f"{prefix} names.{lang}[{k}]", whole=True) for lang, k, word in group.names.items()
        )
        alternatives += [
            _pattern_regex(pattern, {}, f"{prefix} name_patterns.{lang}[{k}]")
            for lang, k, pattern in group.name_patterns.items()
        ]
        joined = tuple(
            dict.fromkeys(
                squashed for _, _, word in group.names.items() if len(squashed := "".join(_fold(word).split())) >= 5
            )
        )
        abbreviations = []
        for k, abbreviation in enumerate(group.abbreviations):
            body, _ = _term_body(abbreviation, f"{prefix} abbreviations[{k}]")
            abbreviations.append((abbreviation, re.compile(rf"(?<![\w@]){body}(?!\w)")))
        groups.append(
            _Group(
                group.id,
                group.name,
                group.note,
                _combine(alternatives) if alternatives else None,
                joined,
                tuple(abbreviations),
            )
        )
        found |= group.names.languages() | group.name_patterns.languages()
    markers = _longest_first(
        _term_regex(word, f"{path.name}: field subject_markers.{lang}[{k}]")
        for lang, k, word in content.subject_markers.items()
    )
    # After the name: an optional bracketed abbreviation, then dashes, colons or spaces, then the marker.
    subject = re.compile(
        r"(?:\s*\([^)\n]{1,40}\))?[\s\-\u2013\u2014:]*(?<!\w)(?:" + "|".join(markers) + ")", re.IGNORECASE
    )
    return tuple(groups), subject, _ordered_languages(found)


def load_screening(folder: Path = SCREENING_DIR) -> Screening:
    """Read, validate and compile the screening content; ContentError names the file and the field at fault."""
    groups, subject_markers, group_languages = _load_groups(folder / "banned-groups.yaml")
    denylist, _ = _read(folder / "denylist.yaml", DenylistFile)

    lexicons: dict[str, tuple[_Lexicon, ...]] = {}
    languages: dict[str, tuple[str, ...]] = {"amplification.banned-group": group_languages}
    for rule, file_name in (
        ("amplification.glorification", "glorification.yaml"),
        ("claims.unsourced", "claims.yaml"),
        ("language.dehumanising", "dehumanising.yaml"),
        ("narrative.cliche", "cliches.yaml"),
    ):
        compiled, content = _load_lexicon(folder / file_name)
        lexicons[rule] = compiled
        languages[rule] = _lexicon_languages(content)
        if rule == "narrative.cliche":
            for index, entry in enumerate(content.entries):
                if entry.suggestion is None:
                    raise ContentError(
                        f"{file_name}: entries entry {index + 1} ({entry.id}), field suggestion: "
                        "a cliché needs a suggested reframe"
                    )

    personal_path = folder / "personal-data.yaml"
    personal, _ = _load_lexicon(personal_path)
    ids = [entry.id for entry in personal]
    if sorted(ids) != sorted(_PERSONAL_DATA_IDS):
        raise ContentError(
            f"{personal_path.name}: field entries: needs exactly the entries {', '.join(_PERSONAL_DATA_IDS)}, "
            f"found {', '.join(ids)}"
        )
    for entry in personal:
        lexicons[f"personal-data.{entry.id}"] = (entry,)

    return Screening(
        groups=groups,
        subject_markers=subject_markers,
        lexicons=lexicons,
        profile_hosts=frozenset(host.lower() for host in denylist.profile_hosts),
        languages=languages,
    )


@cache
def screening_content() -> Screening:
    """The real screening content from content/screening/, loaded once per process."""
    return load_screening()


def rules() -> list[RuleInfo]:
    """Every rule: id, severity, title, languages covered and a one-line summary, for a help page."""
    languages = screening_content().languages
    return [
        RuleInfo(rule_id, rule.severity, rule.title, languages.get(rule_id, ("any",)), rule.summary)
        for rule_id, rule in _RULES.items()
    ]


# --- The rules -----------------------------------------------------------------------------------------


def _finding(
    rule_id: str,
    text: str,
    start: int,
    end: int,
    *,
    title: str | None = None,
    explanation: str | None = None,
    suggestion: str | None = None,
) -> Finding:
    rule = _RULES[rule_id]
    return Finding(
        rule=rule_id,
        severity=rule.severity,
        title=title or rule.title,
        explanation=explanation or rule.explanation,
        start=start,
        end=end,
        matched=text[start:end] if start >= 0 else "",
        suggestion=suggestion or "",
    )


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def _lexicon_findings(rule_id: str, text: str, folded: _Folded, entries: Iterable[_Lexicon]) -> list[Finding]:
    found = []
    for entry in entries:
        for match in (match for regex in entry.regexes for match in regex.finditer(folded.text)):
            if match.end() == match.start():
                continue
            start, end = folded.original(match.start(), match.end())
            found.append(
                _finding(
                    rule_id,
                    text,
                    start,
                    end,
                    title=entry.title,
                    explanation=entry.why,
                    suggestion=entry.suggestion,
                )
            )
    return found


# amplification.denylist ---------------------------------------------------------------------------------

_HANDLE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)")


def _split(url: str) -> tuple[str, str]:
    """(host, path) of a URL written with or without a scheme; ("", "") when it cannot be parsed."""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        return _host(parts.hostname or ""), parts.path
    except ValueError:
        return "", ""


def _host(name: str) -> str:
    host = name.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@dataclass(frozen=True)
class _Denylist:
    sites: tuple[tuple[str, str], ...]  # (domain, path prefix or "")
    handles: frozenset[str]


def _parse_denylist(entries: Iterable[str]) -> _Denylist:
    """'@name' is a handle; anything with a dot is a domain, optionally with a scheme, 'www.' and a path."""
    sites: list[tuple[str, str]] = []
    handles: set[str] = set()
    for raw in entries:
        entry = raw.strip()
        if entry.startswith("@") and len(entry) > 1:
            handles.add(entry[1:].casefold())
        elif "." in entry:
            host, path = _split(entry)
            if host:
                sites.append((host.removeprefix("www."), path.rstrip("/").casefold()))
    return _Denylist(tuple(sites), frozenset(handles))


def _on_site(host: str, path: str, domain: str, prefix: str) -> bool:
    if host != domain and not host.endswith("." + domain):
        return False
    if not prefix:
        return True
    path = path.rstrip("/").casefold()
    return path == prefix or path.startswith(prefix + "/")


def _denylist_findings(
    text: str, denylist: _Denylist, urls: list[tuple[int, int, str]], profile_hosts: frozenset[str]
) -> list[Finding]:
    found = []
    for start, end, url in urls:
        host, path = _split(url)
        if not host:
            continue
        site = next((domain for domain, prefix in denylist.sites if _on_site(host, path, domain, prefix)), None)
        if site:
            explanation = (
                f"{site} is on your team's denylist of extremist or harmful sources. Linking to it (or to any of "
                "its subdomains) sends your readers there; describe it without the link."
            )
            found.append(_finding("amplification.denylist", text, start, end, explanation=explanation))
            continue
        account = path.strip("/").split("/")[0].lstrip("@").casefold()
        bare_host = re.sub(r"^(?:www|m|mobile)\.", "", host)
        if bare_host in profile_hosts and account in denylist.handles:
            explanation = (
                f"This is a link to @{account}, an account on your team's denylist. Linking to it sends your "
                "readers to it; describe it without the link."
            )
            found.append(_finding("amplification.denylist", text, start, end, explanation=explanation))
    url_spans = [(start, end) for start, end, _ in urls]
    for match in _HANDLE.finditer(text):
        if match.group(1).casefold() in denylist.handles and not _overlaps(match.start(), match.end(), url_spans):
            explanation = (
                f"@{match.group(1)} is on your team's denylist. Tagging or naming the account notifies it and sends "
                "your readers to it; describe it without the handle."
            )
            found.append(_finding("amplification.denylist", text, match.start(), match.end(), explanation=explanation))
    return found


# amplification.banned-group ------------------------------------------------------------------------------

_SENTENCE_ENDS = frozenset(".!?؟۔…:;\n\r\u2029")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])|_")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _starts_sentence(folded: str, start: int) -> bool:
    """Whether only quotes, bullets, spaces (and one "the") stand between a sentence end or the text's start
    and `start`."""
    index = start
    the_allowed = True
    while index > 0:
        char = folded[index - 1]
        if char in _SENTENCE_ENDS:
            return True
        if _is_word_char(char):
            word_start = index
            while word_start > 0 and _is_word_char(folded[word_start - 1]):
                word_start -= 1
            if the_allowed and folded[word_start:index] == "the" and index < start:
                the_allowed = False
                index = word_start
                continue
            return False
        index -= 1
    return True


def _hashtag_spans(text: str, url_spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, tag) of each hashtag, '#' included in the span, as twitter-text extracts them."""
    spans = []
    cursor = 0
    for tag in extract_hashtags(text):
        position = cursor
        while True:
            candidates = [i for sign in "#\uff03" if (i := text.find(sign + tag, position)) >= 0]
            if not candidates:
                break
            index = min(candidates)
            end = index + 1 + len(tag)
            if not _overlaps(index, end, url_spans):
                spans.append((index, end, tag))
                cursor = end
                break
            position = index + 1
    return spans


def _hashtag_names(tag: str, group: _Group) -> bool:
    for abbreviation, _ in group.abbreviations:
        if tag.replace("_", "").casefold() == _fold(abbreviation).replace("-", ""):
            return True
        if re.search(rf"(?<![A-Z]){re.escape(abbreviation)}(?![a-z])", tag):
            return True
    if group.prose and group.prose.search(_fold(_CAMEL.sub(" ", tag))):
        return True
    squashed = _fold(tag).replace("_", "")
    return any(name in squashed for name in group.joined)


def _group_explanation(group: _Group, where: str) -> str:
    note = f" ({group.note})" if group.note else ""
    return (
        f"{group.name} is a banned militant group{note}. Using its name {where} amplifies it: it puts the group in "
        "the headline, which is the attention it seeks. Lead with the harm, the victims or the response, and "
        "mention the group only where the reader needs it."
    )


def _banned_group_findings(
    text: str,
    folded: _Folded,
    content: Screening,
    hashtags: list[tuple[int, int, str]],
    url_spans: list[tuple[int, int]],
) -> list[Finding]:
    found = []
    for group in content.groups:
        for start, end, tag in hashtags:
            if _hashtag_names(tag, group):
                found.append(
                    _finding(
                        "amplification.banned-group",
                        text,
                        start,
                        end,
                        title="Banned group as a hashtag",
                        explanation=_group_explanation(group, "as a hashtag"),
                    )
                )
        matches: list[tuple[int, int]] = []
        if group.prose:
            matches += [(m.start(), m.end()) for m in group.prose.finditer(folded.text)]
        for abbreviation, regex in group.abbreviations:
            for m in regex.finditer(folded.text):
                start, end = folded.original(m.start(), m.end())
                if text[start:end] == abbreviation:
                    matches.append((m.start(), m.end()))
        skip = [(start, end) for start, end, _ in hashtags] + url_spans
        for folded_start, folded_end in matches:
            start, end = folded.original(folded_start, folded_end)
            if _overlaps(start, end, skip) or (folded_start > 0 and folded.text[folded_start - 1] == "@"):
                continue
            if _starts_sentence(folded.text, folded_start) or content.subject_markers.match(folded.text, folded_end):
                found.append(
                    _finding(
                        "amplification.banned-group",
                        text,
                        start,
                        end,
                        title="Banned group as the subject",
                        explanation=_group_explanation(group, "as the subject of a sentence"),
                    )
                )
    return found


# --- screen ---------------------------------------------------------------------------------------------


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Within one rule, keep the earliest (then longest) of overlapping findings."""
    kept: list[Finding] = []
    last_end: dict[str, int] = {}
    for finding in sorted(findings, key=lambda f: (f.rule, f.start, -f.end)):
        if finding.start >= 0 and finding.start < last_end.get(finding.rule, -1):
            continue
        kept.append(finding)
        last_end[finding.rule] = max(last_end.get(finding.rule, -1), finding.end)
    return kept


def screen(text: str, *, facts: MessageFacts, denylist: Iterable[str] = ()) -> list[Finding]:
    """All findings for one variant text, sorted by start (message-level findings, at -1, first)."""
    content = screening_content()
    folded = _fold_with_map(text)
    urls = [(url["indices"][0], url["indices"][1], url["url"]) for url in extract_urls_with_indices(text)]
    url_spans = [(start, end) for start, end, _ in urls]
    hashtags = _hashtag_spans(text, url_spans)

    findings: list[Finding] = []
    findings += _denylist_findings(text, _parse_denylist(denylist), urls, content.profile_hosts)
    findings += _banned_group_findings(text, folded, content, hashtags, url_spans)
    for rule_id, entries in content.lexicons.items():
        if rule_id == "claims.unsourced" and facts.has_sources:
            continue
        findings += _lexicon_findings(rule_id, text, folded, entries)
    if facts.features_person and not facts.consent_reference.strip():
        findings.append(_finding("victims.consent", text, -1, -1))
    for flag in bidi_flags(text):
        explanation = f"{flag.why}. {_RULES['hygiene.bidi'].explanation}"
        findings.append(_finding("hygiene.bidi", text, flag.position, flag.position + 1, explanation=explanation))
    for flag in link_flags(text):
        end = flag.position + len(text[flag.position :].split(maxsplit=1)[0])
        explanation = f"This is {flag.why}."
        findings.append(_finding("hygiene.link", text, flag.position, end, explanation=explanation))

    return sorted(_without_overlaps(findings), key=lambda f: (f.start, _SEVERITY_ORDER[f.severity], f.rule, f.end))
