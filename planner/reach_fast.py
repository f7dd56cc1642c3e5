"""Reading analytics exports column by column, so that a million-row file imports in seconds.

planner/reach_files.py reads a file row by row and names every problem exactly; that costs tens of
microseconds a row. Here the same file is read by Arrow's C++ CSV reader and each column is checked
as a whole with the same rules. A file with anything unusual — a bad, empty or oddly written cell, a
short row, a blank line, a repeated post, a TikTok link to take the id
from — goes to the row-by-row reader instead, which then explains every problem. Both give the same
`Figures`; tests/unit/test_reach_fast.py checks that they agree.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from planner import reach_files as rf
from planner.inputs import clean_text
from planner.models import REACH_METRICS

_PLAIN_COUNT = r"^[0-9]{1,9}$"  # below reach_files.MAX_COUNT; longer cells are checked
_SIMPLE_ID = r"^[A-Za-z0-9_-]{1,100}$"
_SIMPLE_LINK = r"^[hH][tT][tT][pP][sS]?://[!-~]+$"  # printable ASCII only; anything else is read row by row


@dataclass
class Figures:
    """The rows of one export as columns: one entry per row, in file order."""

    kind: str
    label: str
    platform: str
    content_hash: str
    lifetime_kind: bool
    numbers: list[int] = field(default_factory=list)  # row numbers as a spreadsheet shows them
    post_ids: list[str | None] = field(default_factory=list)
    permalinks: list[str | None] = field(default_factory=list)
    published_at: list[datetime | None] = field(default_factory=list)
    published_on: list[date | None] = field(default_factory=list)
    days: list[date | None] = field(default_factory=list)  # None: a lifetime row
    texts: list[str] = field(default_factory=list)
    metrics: dict[str, list[int | float | None]] = field(default_factory=dict)
    errors: list[rf.RowError] = field(default_factory=list)
    fast: bool = False  # read column by column

    def __len__(self) -> int:
        return len(self.numbers)

    def periods(self) -> list[str]:
        """'lifetime' or the ISO day of each row: with the platform and post id, a figure's key."""
        cache: dict[date | None, str] = {None: "lifetime"}
        return [cache.get(day) or cache.setdefault(day, day.isoformat()) for day in self.days]

    def natives(self) -> list[str]:
        """The platform's post id of each row, or its link when the export gives no id."""
        return [pid or (link or "")[:100] for pid, link in zip(self.post_ids, self.permalinks, strict=True)]

    def row(self, index: int) -> rf.ReachRow:
        """One row as the row-by-row reader gives it (for previews)."""
        metrics = {name: values[index] for name, values in self.metrics.items() if values[index] is not None}
        day = self.days[index]
        return rf.ReachRow(
            self.platform,
            self.post_ids[index],
            self.permalinks[index],
            self.published_at[index],
            day,
            metrics,
            self.lifetime_kind if day is None else False,
            self.texts[index],
            self.published_on[index],
            self.numbers[index],
        )

    @classmethod
    def from_parsed(cls, parsed: rf.ParsedFile, platform: str, lifetime_kind: bool) -> Figures:
        figures = cls(parsed.kind, parsed.label, platform, parsed.content_hash, lifetime_kind, errors=parsed.errors)
        names = [m for m in REACH_METRICS if any(m in row.metrics for row in parsed.rows)]
        figures.metrics = {name: [] for name in names}
        for row in parsed.rows:
            figures.numbers.append(row.row)
            figures.post_ids.append(row.post_id)
            figures.permalinks.append(row.permalink)
            figures.published_at.append(row.published_at)
            figures.published_on.append(row.published_on)
            figures.days.append(None if row.lifetime else row.day)
            figures.texts.append(row.text)
            for name in names:
                figures.metrics[name].append(row.metrics.get(name))
        return figures


def read(
    data: bytes,
    *,
    filename: str = "",
    export_range: tuple[date, date] | None = None,
    max_bytes: int = rf.MAX_BYTES,
) -> Figures:
    """Read one export (FileRefused for a file that cannot be read at all; bad rows go to `errors`)."""
    export_range = rf._check_range(export_range)
    data = bytes(data)
    if len(data) > max_bytes:
        raise rf.FileRefused(
            f"This file is {rf._size(len(data))}; the limit is {rf._size(max_bytes)}. "
            "Export a shorter date range and upload the parts one by one."
        )
    catalog = rf.reach_formats()
    content_hash = hashlib.sha256(data).hexdigest()
    text = rf._decode(data)
    separators = rf._SEPARATORS
    sep_line = rf._SEP_LINE.match(text)
    if sep_line:
        if sep_line[1] not in (*rf._SEPARATORS, "|"):
            raise rf.FileRefused(f"The file's first line names the separator {sep_line[1]!r}; use commas.")
        separators = (sep_line[1],)
        text = text[sep_line.end() :]
    try:
        header = rf._detect(text, separators, catalog)
        figures = _columns(text, header, catalog, export_range, content_hash)
        if figures is None:
            parsed_rows, errors = rf._rows(header, catalog, export_range)
            parsed = rf.ParsedFile(header.entry.id, header.entry.label, parsed_rows, errors, content_hash)
            figures = Figures.from_parsed(parsed, header.entry.platform, header.entry.lifetime)
    except rf.csv.Error as exc:
        raise rf.FileRefused(
            f"This file cannot be read as CSV ({exc}). Upload the file as the platform exported it."
        ) from None
    return figures


def _trimmed(table: pa.Table, position: int | None) -> pa.ChunkedArray | None:
    return None if position is None else pc.utf8_trim_whitespace(table.column(position))


def _mapped(column: pa.ChunkedArray, convert) -> list | None:
    """Convert each distinct cell once; None when any cell cannot be converted (it is read row by row)."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    converted = []
    for cell in encoded.dictionary.to_pylist():
        value = convert(cell)
        if value is _REFUSED:
            return None
        converted.append(value)
    return [converted[i] for i in encoded.indices.to_pylist()]


_REFUSED = object()


def _columns(
    text: str,
    header: rf._Header,
    catalog: rf.FormatCatalog,
    export_range: tuple[date, date] | None,
    content_hash: str,
) -> Figures | None:
    entry = header.entry
    if entry.post_id_from_link:
        return None
    width = len(header.names)
    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(skip_rows=header.row, column_names=names, use_threads=True),
            # A blank line becomes a one-cell row, which Arrow refuses: such files are read row by row, so
            # every row here is one CSV record and row numbers stay exact.
            parse_options=pa_csv.ParseOptions(
                delimiter=header.reader.dialect.delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows == 0:
        return None
    columns = rf._Columns(entry, header.names, catalog)
    first_number = header.row + 1
    numbers = list(range(first_number, first_number + table.num_rows))
    for position, value in columns.skip:
        keep = pc.invert(pc.equal(pc.utf8_lower(_trimmed(table, position)), value))
        numbers = [n for n, kept in zip(numbers, keep.to_pylist(), strict=True) if kept]
        table = table.filter(keep)
    rows = table.num_rows
    if rows == 0:
        return None

    permalinks: list[str | None] = [None] * rows
    links = _trimmed(table, columns.permalink)
    if links is not None:
        empty = pc.equal(pc.utf8_length(links), 0)
        if not pc.all(pc.or_(empty, pc.match_substring_regex(links, _SIMPLE_LINK))).as_py():
            return None
        permalinks = [link or None for link in links.to_pylist()]

    post_ids: list[str | None] = [None] * rows
    ids = _trimmed(table, columns.post_id)
    if ids is not None:
        checks = [_SIMPLE_ID] + ([entry.post_id_pattern] if entry.post_id_pattern else [])
        for pattern in checks:
            if not pc.all(pc.match_substring_regex(ids, pattern)).as_py():
                return None
        if pc.any(pc.match_substring_regex(ids, rf._SCIENTIFIC.pattern)).as_py():
            return None
        post_ids = ids.to_pylist()
        if entry.permalink_template:
            template = entry.permalink_template
            permalinks = [link or template.format(post_id=pid) for link, pid in zip(permalinks, post_ids, strict=True)]
    elif columns.permalink is None or any(link is None for link in permalinks):
        return None

    dates = rf._DateReader(entry, export_range)
    published_at: list[datetime | None] = [None] * rows
    published_on: list[date | None] = [None] * rows
    published = _trimmed(table, columns.published)
    if published is not None:

        def moment(cell: str):
            if not cell:
                return (None, None)
            when = dates.read(cell)
            if isinstance(when, str):
                return _REFUSED
            try:
                return (dates.moment(when), when.day)
            except (ValueError, OverflowError):
                return _REFUSED

        pairs = _mapped(published, moment)
        if pairs is None:
            return None
        published_at = [p[0] for p in pairs]
        published_on = [p[1] for p in pairs]

    days: list[date | None] = [None] * rows
    day_cells = _trimmed(table, columns.day)
    if day_cells is not None:
        marker = rf._key(entry.lifetime_marker) if entry.lifetime_marker else None

        def day(cell: str):
            if not cell or rf._key(cell) == marker:
                return None
            when = dates.read(cell)
            return _REFUSED if isinstance(when, str) else when.day

        mapped = _mapped(day_cells, day)
        if mapped is None:
            return None
        days = mapped
    if ids is not None and len(set(zip(post_ids, days, strict=True))) != rows:
        return None  # a post twice for the same day

    metrics: dict[str, list[int | float | None]] = {}
    for metric, position, kind, column in columns.metrics:
        cells = _trimmed(table, position)
        if kind == "count" and pc.all(pc.match_substring_regex(cells, _PLAIN_COUNT)).as_py():
            metrics[metric] = pc.cast(cells, pa.int64()).to_pylist()
            continue

        def number(cell: str, kind=kind, column=column):
            if kind == "count" and cell.isdigit() and cell.isascii() and len(cell) < 10:
                return int(cell)
            if cell.lower() in rf._ABSENT:
                return None
            value = rf._number(cell, kind, column)
            return _REFUSED if isinstance(value, str) else value

        values = _mapped(cells, number)
        if values is None:
            return None
        if any(v is not None for v in values):
            metrics[metric] = values

    texts = _texts(table, columns.text, rows)
    figures = Figures(entry.id, entry.label, entry.platform, content_hash, entry.lifetime, fast=True)
    figures.numbers, figures.post_ids, figures.permalinks = numbers, post_ids, permalinks
    figures.published_at, figures.published_on, figures.days = published_at, published_on, days
    figures.texts, figures.metrics = texts, metrics
    return figures


def _texts(table: pa.Table, positions: list[int], rows: int) -> list[str]:
    if not positions:
        return [""] * rows
    cleaned: dict[tuple[str, ...], str] = {}
    cells = [table.column(p).to_pylist() for p in positions]
    out = []
    for parts in zip(*cells, strict=True):
        text = cleaned.get(parts)
        if text is None:
            text = cleaned[parts] = "\n".join(dict.fromkeys(t for t in (clean_text(p.strip()) for p in parts) if t))
        out.append(text)
    return out
