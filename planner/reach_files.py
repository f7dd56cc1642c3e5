"""Reading the analytics CSV files NGOs download from each platform into reach rows.

Pure parsing: bytes in, a ParsedFile out; no database and no screen. What each export looks like
(required headers, column names, date patterns, which values are lifetime totals) lives in
content/reach-formats.yaml. Importing, all-or-nothing writes and the content-hash ledger are the
caller's job: this module only promises that `errors` lists every bad row, and that anything wrong
with the file as a whole is a FileRefused whose message says why.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from planner.config import CONTENT_DIR
from planner.errors import ContentError, PlannerError, ValidationFailed
from planner.inputs import clean_text

FORMATS_FILE = CONTENT_DIR / "reach-formats.yaml"
MAX_BYTES = 25 * 1024 * 1024  # size cap; bigger files are refused before anything is decoded

_VALUE_SHOWN = 200  # a RowError's value is cut to this many characters
_HEADER_SEARCH = 10  # the header row is looked for among this many first records


# --- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based record number as a spreadsheet shows it (the header is row 1)
    column: str  # the header as the file spells it
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReachRow:
    platform: str
    post_id: str | None
    permalink: str | None
    published_at: datetime | None  # aware UTC when the file gives a time of day, else None
    day: date | None  # for daily rows; None for lifetime-total rows
    metrics: dict[str, int | float]
    lifetime: bool
    text: str
    published_on: date | None = None  # the publication date as the file writes it, with or without a time
    row: int = 0  # the record's row number as a spreadsheet shows it (the header is row 1)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    kind: str
    label: str
    rows: list[ReachRow]
    errors: list[RowError]  # empty means every row is valid
    content_hash: str  # sha256 of the raw bytes


@dataclass(frozen=True, slots=True)
class KnownKind:
    kind: str
    label: str
    required: tuple[str, ...]  # alternatives shown as "Total views or Video views"


class FileRefused(PlannerError):
    """The file as a whole cannot be read; the message says exactly why and what to do."""

    def __init__(self, message: str, known_kinds: tuple[KnownKind, ...] | None = None):
        super().__init__(message)
        self.known_kinds = known_kinds if known_kinds is not None else reach_formats().known_kinds()


# --- content/reach-formats.yaml ---------------------------------------------------------------------------

MetricKind = Literal["count", "decimal", "rate"]
# The largest count stored (the database's integer): more than any post reaches. Bigger cells are refused.
MAX_COUNT = 2**31 - 1
_DATE_CODES = frozenset("YmdHIMSpbaz")
_CODE = re.compile(r"%(.)")


def _as_tuple(value: object) -> object:
    return (value,) if isinstance(value, str) else value


class MetricColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    headers: tuple[str, ...] = Field(min_length=1)
    percent: bool = False
    signed: bool = False

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, raw: object) -> object:
        if isinstance(raw, str | list | tuple):
            return {"headers": _as_tuple(raw)}
        return raw


class Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    post_id: tuple[str, ...] = ()
    permalink: tuple[str, ...] = ()
    published_at: tuple[str, ...] = ()
    day: tuple[str, ...] = ()
    text: tuple[str, ...] = ()

    @field_validator("*", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return _as_tuple(value)


class ReachFormat(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: str = Field(min_length=1)
    platform: Literal["facebook", "instagram", "x", "youtube", "tiktok"]
    lifetime: bool
    timezone: str = "UTC"
    dates: tuple[str, ...] = Field(min_length=1)
    required: tuple[tuple[str, ...], ...] = Field(min_length=1)
    fields: Fields
    post_id_pattern: str | None = None
    post_id_from_link: str | None = None
    permalink_template: str | None = None
    lifetime_marker: str | None = None
    skip_rows: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, MetricColumn] = Field(min_length=1)

    @field_validator("required", mode="before")
    @classmethod
    def _alternatives(cls, value: object) -> object:
        if isinstance(value, list):
            return [_as_tuple(entry) for entry in value]
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value

    @field_validator("dates")
    @classmethod
    def _patterns(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            if pattern == "iso":
                continue
            codes = set(_CODE.findall(pattern))
            if codes - _DATE_CODES - {"%"}:
                raise ValueError(f"{pattern!r} uses an unknown code: {sorted(codes - _DATE_CODES)}")
            if not {"m", "b"} & codes or "d" not in codes:
                raise ValueError(f"{pattern!r} needs a day and a month")
            if {"H", "I"} & codes and "M" not in codes:
                raise ValueError(f"{pattern!r} has an hour without minutes (%M)")
            if ("I" in codes) != ("p" in codes):
                raise ValueError(f"{pattern!r}: %I and %p go together")
            try:
                _compile_pattern(pattern)
            except re.error:
                raise ValueError(f"{pattern!r} uses a code twice (or both %H and %I)") from None
        return patterns

    @field_validator("post_id_pattern", "post_id_from_link")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"{value!r} is not a regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ReachFormat:
        if self.post_id_from_link is not None and re.compile(self.post_id_from_link).groups != 1:
            raise ValueError("post_id_from_link: the pattern needs exactly one group")
        if self.post_id_from_link is not None and not self.fields.permalink:
            raise ValueError("post_id_from_link: the format names no permalink column")
        if self.permalink_template is not None and (
            "{post_id}" not in self.permalink_template or not self.permalink_template.startswith("https://")
        ):
            raise ValueError("permalink_template: must be an https:// link containing {post_id}")
        return self


class FormatCatalog(BaseModel):
    model_config = ConfigDict(frozen=True)
    metrics: dict[str, MetricKind]
    formats: tuple[ReachFormat, ...]

    def get(self, kind: str) -> ReachFormat:
        for entry in self.formats:
            if entry.id == kind:
                return entry
        raise KeyError(kind)

    def known_kinds(self) -> tuple[KnownKind, ...]:
        return tuple(
            KnownKind(entry.id, entry.label, tuple(" or ".join(group) for group in entry.required))
            for entry in self.formats
        )


def load_formats(path: Path = FORMATS_FILE) -> FormatCatalog:
    """Read and validate a formats file; ContentError names the file, the format and the field at fault."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from None
    if not isinstance(raw, dict) or set(raw) != {"metrics", "formats"}:
        raise ContentError(f"{path.name}: expected exactly the sections `metrics` and `formats`")
    if not isinstance(raw["formats"], list) or not raw["formats"]:
        raise ContentError(f"{path.name}: field formats: expected a non-empty list")
    try:
        metrics = FormatCatalog.model_validate({"metrics": raw["metrics"], "formats": ()}).metrics
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ContentError(f"{path.name}: field {'.'.join(map(str, error['loc']))}: {error['msg']}") from None
    formats = []
    for index, entry in enumerate(raw["formats"]):
        entry_id = entry.get("id", "?") if isinstance(entry, dict) else "?"
        where = f"{path.name}: format {index + 1} ({entry_id})"
        try:
            parsed = ReachFormat.model_validate(entry)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(map(str, error["loc"])) or "entry"
            raise ContentError(f"{where}, field {field}: {error['msg'].removeprefix('Value error, ')}") from None
        unknown = sorted(set(parsed.metrics) - set(metrics))
        if unknown:
            raise ContentError(f"{where}, field metrics: {unknown[0]!r} is not listed under `metrics`")
        formats.append(parsed)
    ids = [entry.id for entry in formats]
    for entry_id in ids:
        if ids.count(entry_id) > 1:
            raise ContentError(f"{path.name}: format id {entry_id!r} appears twice")
    return FormatCatalog(metrics=metrics, formats=tuple(formats))


@cache
def reach_formats() -> FormatCatalog:
    """The real formats from content/, loaded once per process."""
    return load_formats()


# --- decoding ---------------------------------------------------------------------------------------------

_EXCEL_OR_ZIP = "This looks like an Excel or zip file; export as CSV."
_MAGIC = (
    (b"PK\x03\x04", _EXCEL_OR_ZIP),
    (b"PK\x05\x06", _EXCEL_OR_ZIP),
    (b"PK\x07\x08", _EXCEL_OR_ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This looks like an old Excel (.xls) file; export as CSV."),
    (b"\x1f\x8b", "This is a compressed (gzip) file; unpack it and choose the CSV inside."),
    (b"%PDF", "This is a PDF, not a CSV file; export the analytics as CSV."),
)
_SEP_LINE = re.compile(r'\A"?sep=(.)"?[ \t]*(?:\r\n|\n|\r|\Z)', re.IGNORECASE)
_SEPARATORS = (",", "\t", ";")  # tried in turn when no `sep=` line names one
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _size(n_bytes: int) -> str:
    return f"{n_bytes / (1024 * 1024):.1f} MB"


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or '-be' when NUL bytes sit in every other place, as ASCII headers in UTF-16 do."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    if odd >= pairs * 0.3 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


_BLANK = re.compile(rb"[ \t\r\n\x00]*")


def _decode(data: bytes) -> str:
    if _BLANK.fullmatch(data):
        raise FileRefused("The file is empty: export the analytics again and choose this new file.")
    for magic, message in _MAGIC:
        if data.startswith(magic):
            raise FileRefused(message)
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise FileRefused("This file is UTF-32 text; save it as CSV in UTF-8 or UTF-16.")
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8", data[3:]
    elif data.startswith(b"\xff\xfe"):
        encoding, body = "utf-16-le", data[2:]
    elif data.startswith(b"\xfe\xff"):
        encoding, body = "utf-16-be", data[2:]
    else:
        encoding, body = _utf16_without_bom(data) or "utf-8", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        name = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
        raise FileRefused(
            f"This file is not valid {name} text (is it a spreadsheet or another binary file?). "
            "Export the analytics from the platform as CSV and upload that file unchanged."
        ) from None
    if not text.strip():
        raise FileRefused("The file is empty: export the analytics again and choose this new file.")
    sample = text[:65536]
    if "\x00" in text or len(_CONTROL.findall(sample)) > max(16, len(sample) * 0.01):
        raise FileRefused("This does not look like a CSV text file. Export the analytics from the platform as CSV.")
    return text


# --- values -----------------------------------------------------------------------------------------------

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬−", "01234567890123456789.,-")
_NUMBER = re.compile(
    r"""(?P<sign>[-+]?)\s*
        (?P<number>\d{1,3}(?P<sep>[,\ \u00a0\u202f\u2009'’])\d{3}(?:(?P=sep)\d{3})*(?:\.\d+)?
                  |\d+(?:\.\d+)?|\.\d+)
        \s*(?P<suffix>[kKmMbB%]?)""",
    re.VERBOSE,
)
_SCALE = {"k": Decimal(1000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}
_ABSENT = frozenset({"", "-", "--", "—", "–", "n/a"})
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE][+-]?\d+$")
_LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)


def _number(cell: str, kind: MetricKind, column: MetricColumn) -> int | float | str:
    """The value, or a reason string when the cell is not a valid number for this metric."""
    if len(cell) > 40:
        return "is not a number"
    match = _NUMBER.fullmatch(cell.translate(_DIGITS))
    if match is None:
        return "is not a number"
    value = Decimal(match["number"].replace(match["sep"] or "\x00", ""))
    if match["sign"] == "-" and value and not column.signed:
        return "is negative; a count cannot be below zero" if kind == "count" else "is negative"
    if match["sign"] == "-":
        value = -value
    suffix = match["suffix"].lower()
    if kind == "rate":
        if suffix in _SCALE:
            return "is a rate, which cannot be abbreviated with K or M"
        return float(value / 100 if suffix == "%" or column.percent else value)
    if suffix == "%":
        return "is a percentage, but this column holds a number"
    if suffix:
        value *= _SCALE[suffix]
        if kind != "count":
            return float(value)
        value = value.to_integral_value()
    if kind == "count":
        if value != value.to_integral_value():
            return "is not a whole number"
        if value > MAX_COUNT:
            return f"is larger than any platform counts (the most is {MAX_COUNT:,})"
        return int(value)
    return float(value)


# --- dates ------------------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DAYS = frozenset(
    {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
_CODE_REGEX = {
    "Y": r"(?P<Y>\d{4})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "H": r"(?P<H>\d{1,2})",
    "I": r"(?P<H>\d{1,2})",
    "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2}(?:\.\d{1,6})?)",
    "p": r"(?P<p>[AaPp]\.?[Mm]\.?)",
    "b": r"(?P<b>[A-Za-z]{3,9})\.?",
    "a": r"(?P<a>[A-Za-z]{3,9})\.?",
    "z": r"(?P<z>[Zz]|UTC|GMT|[+-]\d{2}:?\d{2})",
    "%": "%",
}


class _BadDate(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _When:
    day: date
    clock: time | None  # None when the cell has no time of day
    zone: tzinfo | None  # the offset written in the cell, if any


def _compile_pattern(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    for piece in re.split(r"(%.)", pattern):
        if piece.startswith("%") and len(piece) == 2:
            parts.append(_CODE_REGEX[piece[1]])
        else:
            parts.append(r"\s+".join(re.escape(word) for word in piece.split(" ")))
    return re.compile("".join(parts), re.IGNORECASE)


def _offset(raw: str) -> tzinfo:
    if raw.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    digits = raw[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes >= 60:
        raise _BadDate
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if raw[0] == "-" else offset)


def _from_match(match: re.Match[str], export_range: tuple[date, date] | None) -> _When:
    found = match.groupdict()
    if found.get("a") is not None and found["a"].lower() not in _DAYS:
        raise _BadDate
    if found.get("b") is not None:
        month = _MONTHS.get(found["b"].lower())
        if month is None:
            raise _BadDate
    else:
        month = int(found["m"])
    day_of_month = int(found["d"])
    if found.get("Y") is not None:
        day = date(int(found["Y"]), month, day_of_month)
    else:
        day = _guess_year(month, day_of_month, export_range)
    clock = None
    if found.get("H") is not None:
        hour = int(found["H"])
        if found.get("p") is not None:
            if not 1 <= hour <= 12:
                raise _BadDate
            hour = hour % 12 + (12 if found["p"][0] in "Pp" else 0)
        seconds = Decimal(found["S"]) if found.get("S") is not None else Decimal(0)
        whole = int(seconds)
        clock = time(hour, int(found["M"]), whole, int((seconds - whole) * 1_000_000))
    zone = _offset(found["z"]) if found.get("z") is not None else None
    return _When(day, clock, zone)


class _NoYear(Exception):
    pass


def _guess_year(month: int, day_of_month: int, export_range: tuple[date, date] | None) -> date:
    """The latest date with this month and day that is not after the export's last day."""
    if export_range is None:
        raise _NoYear
    last = export_range[1]
    for year in (last.year, last.year - 1):
        try:
            candidate = date(year, month, day_of_month)
        except ValueError:
            continue
        if candidate <= last:
            return candidate
    raise _BadDate


_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]|\Z)")


def _iso(cell: str) -> _When:
    """ISO 8601 in its extended form: 2026-11-23, 2026-11-23T14:30, 2026-11-23 14:30:00+05:00, …Z."""
    if not _ISO_START.match(cell):
        raise ValueError(cell)
    if len(cell) == 10:
        return _When(date.fromisoformat(cell), None, None)
    moment = datetime.fromisoformat(cell)
    return _When(moment.date(), moment.timetz().replace(tzinfo=None), moment.tzinfo)


_EXAMPLE = {
    "Y": "2026",
    "m": "11",
    "d": "23",
    "H": "14",
    "I": "2",
    "M": "30",
    "S": "00",
    "p": "PM",
    "b": "Nov",
    "a": "Mon",
    "z": "+0000",
    "%": "%",
}


def _example(pattern: str) -> str:
    """How a pattern writes 23 November 2026, 14:30 (for messages; independent of the locale)."""
    if pattern == "iso":
        return "2026-11-23T14:30:00+00:00"
    return _CODE.sub(lambda code: _EXAMPLE[code[1]], pattern)


class _DateReader:
    """Parses one format's date cells, remembering each distinct cell (exports repeat dates a lot)."""

    def __init__(self, entry: ReachFormat, export_range: tuple[date, date] | None):
        self.patterns = [None if p == "iso" else _compile_pattern(p) for p in entry.dates]
        self.examples = entry.dates
        self.export_range = export_range
        self.zone: tzinfo = UTC if entry.timezone == "UTC" else ZoneInfo(entry.timezone)
        self.seen: dict[str, _When | str] = {}

    def read(self, cell: str) -> _When | str:
        """A _When, or the reason the cell is not a date."""
        known = self.seen.get(cell)
        if known is None:
            known = self.seen[cell] = self._read(cell)
        return known

    def _read(self, cell: str) -> _When | str:
        if len(cell) > 60:
            return "is not a date"
        for pattern in self.patterns:
            try:
                if pattern is None:
                    return _iso(cell)
                match = pattern.fullmatch(cell)
                if match is not None:
                    return _from_match(match, self.export_range)
            except _NoYear:
                return "this date has no year: give the export's date range"
            except (_BadDate, ValueError, OverflowError):
                if pattern is not None:
                    return "is not a real date"
        return f"is not a date in a form this export uses (like {_example(self.examples[0])})"

    def moment(self, when: _When) -> datetime | None:
        if when.clock is None:
            return None
        return datetime.combine(when.day, when.clock, when.zone or self.zone).astimezone(UTC)


# --- the header -------------------------------------------------------------------------------------------


def _key(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).casefold()


# A line and its ending, split as a file opened with newline="" splits them (\r\n, \r or \n).
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _records(text: str, separator: str) -> Iterator[list[str]]:
    """CSV records, read lazily: finding the header reads only the first lines, not a copy of the file."""
    lines = (match.group() for match in _LINE.finditer(text))
    return csv.reader(lines, delimiter=separator, strict=False)


def _matches(entry: ReachFormat, keys: set[str]) -> int:
    return sum(1 for group in entry.required if any(_key(name) in keys for name in group))


@dataclass(frozen=True, slots=True)
class _Header:
    entry: ReachFormat
    names: list[str]
    row: int
    reader: Iterator[list[str]]  # positioned just after the header


def _detect(text: str, separators: tuple[str, ...], catalog: FormatCatalog) -> _Header:
    """Find the header among the first records, trying each separator; FileRefused when none matches."""
    best_keys: set[str] = set()
    for separator in separators:
        reader = _records(text, separator)
        for number, record in enumerate(reader, start=1):
            if number > _HEADER_SEARCH:
                break
            keys = {_key(cell) for cell in record if cell.strip()}
            if len(keys) > len(best_keys):
                best_keys = keys
            found = [e for e in catalog.formats if keys and _matches(e, keys) == len(e.required)]
            if found:
                return _Header(max(found, key=lambda e: len(e.required)), record, number, reader)
    raise _unknown_kind(best_keys, catalog)


def _unknown_kind(keys: set[str], catalog: FormatCatalog) -> FileRefused:
    kinds = catalog.known_kinds()
    lines = [f"- {kind.label}: {', '.join(kind.required)}" for kind in kinds]
    message = (
        "The columns of this file do not match any analytics export the planner knows. "
        "Known kinds and the columns each needs:\n" + "\n".join(lines)
    )
    scores = [(_matches(entry, keys), entry) for entry in catalog.formats]
    score, closest = max(scores, key=lambda pair: pair[0])
    if score:
        missing = [" or ".join(g) for g in closest.required if not any(_key(n) in keys for n in g)]
        message += f"\nClosest: {closest.label}, which also needs: {', '.join(missing)}."
    return FileRefused(message, kinds)


# --- rows -------------------------------------------------------------------------------------------------


class _Columns:
    """Where each field and metric sits in this file's header."""

    def __init__(self, entry: ReachFormat, header: list[str], catalog: FormatCatalog):
        index: dict[str, int] = {}
        for position, name in enumerate(header):
            index.setdefault(_key(name), position)
        self.header = [name.strip() for name in header]

        def first(names: tuple[str, ...]) -> int | None:
            return next((index[_key(n)] for n in names if _key(n) in index), None)

        self.post_id = first(entry.fields.post_id)
        self.permalink = first(entry.fields.permalink)
        self.published = first(entry.fields.published_at)
        self.day = first(entry.fields.day)
        self.text = [index[_key(n)] for n in entry.fields.text if _key(n) in index]
        self.metrics = [
            (metric, position, catalog.metrics[metric], column)
            for metric, column in entry.metrics.items()
            if (position := first(column.headers)) is not None
        ]
        self.skip = [(i, _key(v)) for h, v in entry.skip_rows.items() if (i := first((h,))) is not None]


def _shown(value: str) -> str:
    return value if len(value) <= _VALUE_SHOWN else value[: _VALUE_SHOWN - 1] + "…"


def _check_range(export_range: tuple[date, date] | None) -> tuple[date, date] | None:
    if export_range is None:
        return None
    start, end = export_range
    if start > end:
        raise ValidationFailed({"export_range": "the first day is after the last day"})
    return start, end


def parse_export(data: bytes, *, filename: str = "", export_range: tuple[date, date] | None = None) -> ParsedFile:
    """Read one analytics export. FileRefused for a file that cannot be read at all; bad rows go to `errors`.

    `filename` is not used to guess the kind (the headers decide); `export_range` (first day, last day)
    gives year-less dates their year: the latest such date not after the last day.
    """
    export_range = _check_range(export_range)
    catalog = reach_formats()
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"This file is {_size(len(data))}; the limit is {_size(MAX_BYTES)}. "
            "Export a shorter date range and upload the parts one by one."
        )
    content_hash = hashlib.sha256(data).hexdigest()
    text = _decode(data)
    separators = _SEPARATORS
    sep_line = _SEP_LINE.match(text)
    if sep_line:
        if sep_line[1] not in (*_SEPARATORS, "|"):
            raise FileRefused(f"The file's first line names the separator {sep_line[1]!r}; use commas.")
        separators = (sep_line[1],)
        text = text[sep_line.end() :]
    try:
        header = _detect(text, separators, catalog)
        rows, errors = _rows(header, catalog, export_range)
    except csv.Error as exc:
        raise FileRefused(
            f"This file cannot be read as CSV ({exc}). Upload the file as the platform exported it."
        ) from None
    entry = header.entry
    return ParsedFile(entry.id, entry.label, rows, errors, content_hash)


def _cell(record: list[str], position: int | None) -> str:
    return record[position].strip() if position is not None else ""


def _rows(
    header: _Header, catalog: FormatCatalog, export_range: tuple[date, date] | None
) -> tuple[list[ReachRow], list[RowError]]:
    entry = header.entry
    columns = _Columns(entry, header.names, catalog)
    names = columns.header
    dates = _DateReader(entry, export_range)
    id_pattern = re.compile(entry.post_id_pattern) if entry.post_id_pattern else None
    from_link = re.compile(entry.post_id_from_link) if entry.post_id_from_link else None
    id_column = columns.post_id if columns.post_id is not None else columns.permalink if from_link else None
    marker = _key(entry.lifetime_marker) if entry.lifetime_marker else None
    template = entry.permalink_template
    rows: list[ReachRow] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, date | None], int] = {}
    width = len(header.names)

    for number, record in enumerate(header.reader, start=header.row + 1):
        if not any(value.strip() for value in record):
            continue  # a blank line, or a row of empty cells
        if len(record) < width:
            record += [""] * (width - len(record))  # a short row: the missing cells are empty
        if any(_key(_cell(record, i)) == value for i, value in columns.skip):
            continue
        problems: list[tuple[int, str, str]] = []  # (column position, value, reason)

        permalink = _cell(record, columns.permalink) or None
        if permalink is not None and not _LINK.match(permalink):
            problems.append((columns.permalink or 0, permalink, "is not a web link (http or https)"))
            permalink = None

        post_id = clean_text(_cell(record, columns.post_id)) or None
        if post_id is None and from_link is not None and permalink is not None:
            found = from_link.search(permalink)
            post_id = found[1] if found else None
        if id_column is not None:
            if post_id is None:
                if not any(at == id_column for at, _, _ in problems):  # a bad link already says it
                    problems.append((id_column, _cell(record, id_column), "has no post id, so it cannot be matched"))
            elif _SCIENTIFIC.match(post_id):
                reason = "was rounded by a spreadsheet; download the export again and upload it unopened"
                problems.append((id_column, post_id, reason))
                post_id = None
            elif id_pattern is not None and not id_pattern.match(post_id):
                problems.append((id_column, post_id, "is not a post id in the form this platform uses"))
                post_id = None
        if permalink is None and post_id is not None and template:
            permalink = template.format(post_id=post_id)

        published_at = published_on = None
        raw = _cell(record, columns.published)
        if raw and columns.published is not None:
            when = dates.read(raw)
            if isinstance(when, str):
                problems.append((columns.published, raw, when))
            else:
                try:
                    published_at = dates.moment(when)
                    published_on = when.day
                except (ValueError, OverflowError):
                    problems.append((columns.published, raw, "is not a real date"))

        day = None
        lifetime = entry.lifetime
        raw = _cell(record, columns.day)
        if raw and columns.day is not None and _key(raw) != marker:
            when = dates.read(raw)
            if isinstance(when, str):
                problems.append((columns.day, raw, when))
            else:
                day, lifetime = when.day, False

        metrics: dict[str, int | float] = {}
        for metric, position, kind, column in columns.metrics:
            raw = record[position].strip()
            if kind == "count" and raw.isdigit() and raw.isascii() and len(raw) < 10:
                metrics[metric] = int(raw)  # the common case, without the general parser
                continue
            if raw.lower() in _ABSENT:
                continue
            value = _number(raw, kind, column)
            if isinstance(value, str):
                problems.append((position, raw, value))
            else:
                metrics[metric] = value

        if post_id is not None and id_column is not None:
            first = first_seen.setdefault((post_id, day), number)
            if first != number:
                problems.append((id_column, post_id, f"appears twice in the file (first on row {first})"))

        if problems:
            problems.sort(key=lambda found: found[0])  # left to right, as the user reads the row
            errors.extend(RowError(number, names[at], _shown(value), why) for at, value, why in problems)
            continue
        text = "\n".join(dict.fromkeys(t for t in (clean_text(_cell(record, i)) for i in columns.text) if t))
        rows.append(
            ReachRow(
                entry.platform, post_id, permalink, published_at, day, metrics, lifetime, text, published_on, number
            )
        )
    return rows, errors
