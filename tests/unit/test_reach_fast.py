"""The column-wise reader (planner/reach_fast.py) reads every export exactly as the row-by-row reader does.

The importer takes the column-wise path for clean files and falls back to the row-by-row one for anything
unusual; a user must never get different figures depending on which path a file took.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from planner import reach_fast
from planner import reach_files as rf
from tests.integration.reach_csv import FACEBOOK_HEADER, FIXTURES, X_HEADER, export, facebook_row, x_row

RANGE = (date(2026, 7, 1), date(2026, 7, 31))


def both(data: bytes) -> tuple[reach_fast.Figures, reach_fast.Figures]:
    fast = reach_fast.read(data, export_range=RANGE)
    parsed = rf.parse_export(data, export_range=RANGE)
    entry = next(e for e in rf.reach_formats().formats if e.id == parsed.kind)
    slow = reach_fast.Figures.from_parsed(parsed, entry.platform, entry.lifetime)
    return fast, slow


def same(fast: reach_fast.Figures, slow: reach_fast.Figures) -> None:
    mine, theirs = asdict(fast), asdict(slow)
    mine.pop("fast"), theirs.pop("fast")
    assert mine == theirs


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.csv") if "unknown" not in p.name))
def test_every_fixture_reads_the_same_both_ways(name):
    fast, slow = both((FIXTURES / name).read_bytes())
    same(fast, slow)
    assert len(fast) > 0


def test_a_clean_file_takes_the_column_wise_path_and_reads_the_same():
    rows = [facebook_row(f"10{i:05d}_1", date=f"07/{1 + i % 28:02d}/2026", reach=i) for i in range(300)]
    fast, slow = both(export(FACEBOOK_HEADER, rows, bom=True))
    assert fast.fast and not slow.fast
    same(fast, slow)


@pytest.mark.parametrize(
    "ending", [b"\r\n", b"\n", b"\r"], ids=["windows line endings", "unix line endings", "old mac line endings"]
)
def test_line_endings_of_any_kind_read_the_same(ending):
    data = export(
        X_HEADER, [x_row("1234567890123456789", "one\ntwo", impressions=5), x_row("1234567890123456790", "b")]
    )
    fast, slow = both(data.replace(b"\r\n", ending))
    same(fast, slow)
    assert fast.texts[0] == "one\ntwo" and len(fast) == 2


def test_a_count_larger_than_the_database_stores_is_refused_by_both_readers_with_its_row():
    huge = export(
        X_HEADER, [x_row("1234567890123456789", "a", impressions=3_000_000_000), x_row("1234567890123456790", "b")]
    )
    fast, slow = both(huge)
    same(fast, slow)
    [problem] = fast.errors
    assert (problem.row, problem.value) == (2, "3000000000") and "larger than any platform counts" in problem.reason
    fine = export(X_HEADER, [x_row("1234567890123456789", "a", impressions=2_147_483_647)])
    assert reach_fast.read(fine, export_range=RANGE).metrics["impressions"] == [2_147_483_647]
